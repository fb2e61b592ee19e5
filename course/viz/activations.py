"""Visualizations for 02_activations: what each activation does to a number,
what it does to a gradient, and what happens when many of them are stacked.

- ``activation_explorer``: one activation and its derivative, its saturated
  regions shaded, a movable point showing value and slope (optionally the
  learner's own functions);
- ``gradient_depth_explorer``: real backprop through a random deep net, the
  gradient norm of every layer for sigmoid, tanh and ReLU on a log scale;
- ``softmax_temperature_explorer``: logits as bars, their softmax beside them,
  with a temperature and a shift (which changes nothing, unless the softmax is
  computed naively).
"""
import inspect

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from .base import Explorer, freeze_layout, dropdown, int_slider, new_figure, slider, visualization
from .render import one_blas_thread as _one_blas_thread

__all__ = ["activation_explorer", "gradient_depth_explorer", "softmax_temperature_explorer"]

#: Where |f'(z)| falls below this, the explorer shades the curve as saturated.
SATURATION = 0.05


# -- reference activations (the plots must not depend on the learner's code) ------------------
def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _elu(z, alpha):
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def _softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# name -> (f(z, alpha), f'(z, alpha), range as text, uses alpha)
_BUILTIN = {
    "sigmoid": (lambda z, a: _sigmoid(z),
                lambda z, a: _sigmoid(z) * (1.0 - _sigmoid(z)), "(0, 1)", False),
    "tanh": (lambda z, a: np.tanh(z), lambda z, a: 1.0 - np.tanh(z) ** 2, "(-1, 1)", False),
    "relu": (lambda z, a: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(float),
             "[0, ∞)", False),
    "leaky_relu": (lambda z, a: np.where(z > 0, z, a * z),
                   lambda z, a: np.where(z > 0, 1.0, a), "(-∞, ∞)", True),
    "elu": (_elu, lambda z, a: np.where(z > 0, 1.0, a * np.exp(np.minimum(z, 0.0))),
            "(-α, ∞)", True),
    # p_1 of softmax([z, 0]) as a function of the first logit z
    "softmax": (lambda z, a: _softmax(np.stack([z, np.zeros_like(z)], axis=-1))[..., 0],
                lambda z, a: _sigmoid(z) * (1.0 - _sigmoid(z)), "(0, 1)", False),
}


def _takes_alpha(fn):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "alpha" in params


def _numerical_slope(f, h=1e-5):
    return lambda z, a: (f(z + h, a) - f(z - h, a)) / (2 * h)


def _learner_pair(name, entry):
    """Turn a learner's ``f`` or ``(f, df)`` into ``(f(z, a), df(z, a), uses_alpha)``."""
    fn, dfn = (entry if isinstance(entry, (tuple, list)) else (entry, None))
    if name == "softmax":  # the learner's softmax, applied to the rows [z, 0]
        def f(z, a):
            return np.asarray(fn(np.stack([z, np.zeros_like(z)], axis=-1)), dtype=float)[..., 0]
        return f, _numerical_slope(f), False
    uses_alpha = _takes_alpha(fn)

    def wrap(g, alpha_ok):
        if alpha_ok:
            return lambda z, a: np.asarray(g(z, alpha=a), dtype=float)
        return lambda z, a: np.asarray(g(z), dtype=float)

    f = wrap(fn, uses_alpha)
    df = wrap(dfn, _takes_alpha(dfn)) if dfn is not None else _numerical_slope(f)
    return f, df, uses_alpha or (dfn is not None and _takes_alpha(dfn))


def _runs(mask):
    """Index pairs (start, stop) of the runs of True in a 1-D boolean array."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def _intervals(z, mask):
    """The runs of ``mask`` on the grid ``z`` as (lo, hi) intervals; a run's
    edges sit halfway to the neighbouring grid points (or at the grid's ends)."""
    out = []
    for start, stop in _runs(mask):
        lo = z[0] if start == 0 else 0.5 * (z[start - 1] + z[start])
        hi = z[-1] if stop == len(z) else 0.5 * (z[stop - 1] + z[stop])
        out.append((float(lo), float(hi)))
    return out


def _fmt_intervals(z, mask):
    parts = []
    for lo, hi in _intervals(z, mask):
        if lo == z[0] and hi == z[-1]:
            parts.append("everywhere in view")
        elif lo == z[0]:
            parts.append(f"z &lt; {hi:.2f}")
        elif hi == z[-1]:
            parts.append(f"z &gt; {lo:.2f}")
        else:
            parts.append(f"{lo:.2f} &lt; z &lt; {hi:.2f}")
    return " or ".join(parts) if parts else "nowhere in view"


@visualization("02_activations")
def activation_explorer(functions=None, activation="sigmoid", alpha=0.1, z=1.0,
                        z_range=(-6.0, 6.0)):
    """An activation f and its derivative f' on one plot.

    Shaded bands mark where |f'(z)| < 0.05: there the unit is saturated and
    passes almost no gradient back. A movable point z shows f(z), f'(z) and the
    tangent line; the status line reads them out. The alpha slider is the
    negative-side parameter of leaky ReLU and ELU (it does nothing to the
    others). "softmax" is p_1 = softmax([z, 0])_1 as a function of the first logit.

    Arguments:
        functions: optional dict of your own activations to plot instead of (or
            besides) the built-in ones: name -> f, or name -> (f, f_prime). f is
            called as f(z) or, if it has an ``alpha`` parameter, f(z, alpha=alpha).
            Without f_prime the slope is computed by central differences. For
            "softmax" give your softmax; it is applied to the rows [z, 0].
            If one of your functions raises, the built-in curve is shown and the
            status says so.
        activation: the one shown first; alpha, z: the sliders' starting values;
        z_range: the z interval plotted.

    Example:
        >>> activation_explorer()                                   # doctest: +SKIP
        >>> activation_explorer({"relu": (relu, relu_grad)}, "relu")  # doctest: +SKIP
    """
    mine = {}
    for name, entry in (functions or {}).items():
        mine[name] = _learner_pair(name, entry)
    names = list(_BUILTIN) + [n for n in mine if n not in _BUILTIN]
    zs = np.linspace(z_range[0], z_range[1], 481)

    fig = new_figure(6.4, 4.0)
    ax = fig.add_subplot()
    ax.axhline(0, color="0.75", lw=0.8, zorder=0)
    ax.axvline(0, color="0.75", lw=0.8, zorder=0)
    shade = PolyCollection([], facecolor="tab:red", alpha=0.12, edgecolor="none",
                           transform=ax.get_xaxis_transform(), zorder=0)
    ax.add_collection(shade)
    (f_line,) = ax.plot(zs, zs, color="tab:blue", lw=2, label="f(z)")
    (df_line,) = ax.plot(zs, zs, color="tab:orange", lw=2, ls="--", label="f'(z)")
    (tangent,) = ax.plot([0, 0], [0, 0], color="0.25", lw=1.3)
    (f_dot,) = ax.plot([0], [0], "o", color="tab:blue", ms=7)
    (df_dot,) = ax.plot([0], [0], "o", color="tab:orange", ms=7)
    z_mark = ax.axvline(0, color="0.3", lw=0.8, ls=":")
    for artist, gid in [(shade, "saturation"), (tangent, "tangent"), (f_dot, "f_dot"),
                        (df_dot, "df_dot"), (z_mark, "z_mark")]:
        artist.set_gid(gid)  # so tests can find each artist by its role
    ax.set_xlim(*z_range)
    ax.yaxis.set_major_locator(MaxNLocator(6))
    ax.xaxis.set_major_locator(MaxNLocator(7))
    ax.set_xlabel("z")
    # a key above the plot, where no curve can hide it (and cheaper to redraw than a legend)
    for x, text, color in [(0.0, "— f(z)", "tab:blue"), (0.12, "- - f'(z)", "tab:orange"),
                           (0.26, f"■ saturated: |f'(z)| < {SATURATION}", "#e08080")]:
        ax.text(x, 1.015, text, color=color, transform=ax.transAxes, fontsize=9, va="bottom")

    controls = {
        "activation": dropdown(names, activation, "activation"),
        "alpha": slider(alpha, 0.0, 2.0, 0.01, "alpha (leaky ReLU, ELU)"),
        "z": slider(z, z_range[0], z_range[1], 0.05, "z"),
    }

    def curves(name, a, where):
        notes = []
        if name in mine:
            f, df, uses_alpha = mine[name]
            try:
                y, dy = f(where, a), df(where, a)
                if np.shape(y) != where.shape or np.shape(dy) != where.shape:
                    raise ValueError(f"returned shape {np.shape(y)} / {np.shape(dy)} "
                                     f"for input of shape {where.shape}")
                return y, dy, uses_alpha, notes
            except Exception as exc:  # noqa: BLE001 - a learner's stub must not break the plot
                why = ("is not written yet" if isinstance(exc, NotImplementedError)
                       else f"failed ({type(exc).__name__}: {exc})")
                if name not in _BUILTIN:
                    nan = np.full(where.shape, np.nan)
                    return nan, nan, uses_alpha, [f"<i>your {name} {why}</i>"]
                notes.append(f"<i>your {name} {why}: showing the built-in one</i>")
        f, df, _, uses_alpha = _BUILTIN[name]
        return f(where, a), df(where, a), uses_alpha, notes

    def draw(activation, alpha, z):
        y, dy, uses_alpha, notes = curves(activation, alpha, zs)
        f_line.set_ydata(y)
        df_line.set_ydata(dy)
        sat = np.abs(dy) < SATURATION
        shade.set_verts([[(lo, 0), (hi, 0), (hi, 1), (lo, 1)] for lo, hi in _intervals(zs, sat)])
        z0 = np.array([z], dtype=float)
        v, d, _, _ = curves(activation, alpha, z0)
        v, d = float(v[0]), float(d[0])
        seg = np.array([z - 1.5, z + 1.5])
        tangent.set_data(seg, v + d * (seg - z))
        f_dot.set_data([z], [v])
        df_dot.set_data([z], [d])
        z_mark.set_xdata([z, z])
        finite = np.concatenate([y[np.isfinite(y)], dy[np.isfinite(dy)], [0.0, 1.0]])
        lo, hi = finite.min(), finite.max()
        pad = 0.08 * (hi - lo) + 0.05
        ax.set_ylim(lo - pad, hi + pad)
        rng_text = _BUILTIN[activation][2] if activation in _BUILTIN else "?"
        if activation == "elu":
            rng_text = f"(-{alpha:g}, ∞)"
        text = (f"<b>{activation}</b> range {rng_text} &nbsp;|&nbsp; at z = {z:+.2f}: "
                f"value {v:.4f}, slope {d:.4f} &nbsp;|&nbsp; saturated (|slope| &lt; "
                f"{SATURATION}): {_fmt_intervals(zs, sat)}")
        if not uses_alpha:
            notes.append(f"alpha does nothing to {activation}")
        if activation == "softmax":
            notes.append("p₁ of softmax([z, 0]), which is exactly sigmoid(z)")
        return text + "".join(f"<br>{n}" for n in notes)

    # lay out with tick labels at least as wide as any the curves will need ("-10.125")
    return freeze_layout(Explorer(controls, fig, draw, title="Activation explorer"),
                       lambda: ax.set_ylim(-10.125, -10.0))


# -- deep net gradients ----------------------------------------------------------------------
MAX_DEPTH = 30

_DEEP = {
    "sigmoid": (_sigmoid, lambda z, h: h * (1.0 - h), "tab:red"),
    "tanh": (np.tanh, lambda z, h: 1.0 - h ** 2, "tab:green"),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z, h: (z > 0).astype(float), "tab:blue"),
}


MAX_WIDTH = 256


def _inputs(seed, batch):
    """Inputs X and the upstream gradient dout, (batch, MAX_WIDTH) each, for ``seed``."""
    rng = np.random.default_rng([seed, 0])
    return rng.standard_normal((batch, MAX_WIDTH)), rng.standard_normal((batch, MAX_WIDTH))


def _layer(seed, k):
    """Unscaled N(0, 1) weights of layer k, (MAX_WIDTH, MAX_WIDTH); a narrower net
    uses the top-left corner, which is just as random."""
    return np.random.default_rng([seed, k + 1]).standard_normal((MAX_WIDTH, MAX_WIDTH))


def _random_net(seed, width, batch, depth=MAX_DEPTH):
    """``(X, dout, Ws)`` of the explorer's net: Ws unscaled, shape (depth, width, width)."""
    X, dout = _inputs(seed, batch)
    Ws = np.stack([_layer(seed, k)[:width, :width] for k in range(depth)])
    return X[:, :width], dout[:, :width], Ws


def layer_gradient_norms(activation, X, Ws, dout, bias=0.0):
    """Backprop through ``h_l = f(z_l)``, ``z_l = h_{l-1} @ Ws[l] + bias``, h_0 = X.

    The loss is ``sum(dout * h_N)``. Returns ``(norms, dead)``: the Frobenius
    norm of dL/dz_l, the gradient that reaches layer l, for each layer (index
    0 = next to the input), and for each layer the fraction of its units whose
    activation is 0 for every input row (dead on this batch).
    """
    f, fprime, _ = _DEEP[activation]
    hs, zs = [X], []
    for W in Ws:
        zs.append(hs[-1] @ W + bias)
        hs.append(f(zs[-1]))
    g = dout                                   # dL/dh_N
    norms = np.empty(len(Ws))
    for k in range(len(Ws) - 1, -1, -1):
        dz = g * fprime(zs[k], hs[k + 1])      # dL/dz_k = dL/dh_k * f'(z_k)
        norms[k] = np.linalg.norm(dz)
        g = dz @ Ws[k].T                       # dL/dh_{k-1}
    dead = np.array([np.all(h == 0, axis=0).mean() for h in hs[1:]])
    return norms, dead


@visualization("02_activations")
def gradient_depth_explorer(depth=10, width=64, init_scale=1.0, bias=0.0, seed=0, batch=32):
    """How big the gradient is at each layer of a deep net, for sigmoid, tanh and ReLU.

    A random fully connected net of ``depth`` layers, each ``width`` units wide,
    weights N(0, init_scale² / width), every bias equal to ``bias``, gets a
    batch of ``batch`` random inputs. Real backprop of the loss sum(dout * h_N)
    (a random dout) gives dL/dz_l, the gradient that reaches layer l; the plot
    shows its norm per layer on a log scale (layer 1 is next to the input),
    with the same weights under each activation. The dotted line falls by a
    factor 0.25 per layer, sigmoid's largest possible slope. The status line
    gives ‖g₁‖ / ‖g_N‖ per activation (far below 1: vanishing; far above:
    exploding) and the fraction of ReLU units that are dead (output 0 on every
    input of the batch).

    Try: depth 30; init_scale √2 ≈ 1.41 for ReLU (He initialization) and 2.0
    to see it explode; a bias of -0.5 to watch ReLU units die.

    Example:
        >>> gradient_depth_explorer(depth=20)  # doctest: +SKIP
    """
    cache = {"seed": None, "inputs": None, "layers": {}}

    def net(seed, width, depth):
        """Inputs and unscaled weights; each layer is drawn once per seed, when first needed."""
        if cache["seed"] != seed:
            cache.update(seed=seed, inputs=_inputs(seed, batch), layers={})
        layers = cache["layers"]
        for k in range(depth):
            if k not in layers:
                layers[k] = _layer(seed, k)
        X, dout = cache["inputs"]
        return X[:, :width], dout[:, :width], [layers[k][:width, :width] for k in range(depth)]

    fig = new_figure(6.4, 4.0)
    ax = fig.add_subplot()
    ax.set_yscale("log")
    # few labelled decades and no minor ticks: tick text is most of a redraw's cost
    ax.yaxis.set_major_locator(LogLocator(numticks=6))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"1e{np.log10(v):.0f}" if v > 0 else ""))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_locator(MaxNLocator(6, integer=True))
    lines = {}
    for name, (_, _, color) in _DEEP.items():
        (lines[name],) = ax.plot([1], [1], "o-", color=color, ms=3.5, lw=1.6, label=name)
    (guide,) = ax.plot([1], [1], ":", color="tab:red", lw=1.2, label="× 0.25 per layer")
    ax.set_xlabel("layer l (1 = next to the input)")
    ax.set_ylabel("norm of dL/dz_l")
    ax.grid(True, which="major", alpha=0.3)
    # a key above the plot, where no line can hide it (and cheaper to redraw than a legend)
    for x, line in zip([0.0, 0.14, 0.25, 0.36], [*lines.values(), guide]):
        key = "···· " + line.get_label() if line is guide else "— " + line.get_label()
        ax.text(x, 1.015, key, color=line.get_color(), transform=ax.transAxes, fontsize=9,
                va="bottom")

    controls = {
        "depth": int_slider(depth, 1, MAX_DEPTH, "depth N"),
        "width": int_slider(width, 8, MAX_WIDTH, "width", step=8),
        "init_scale": slider(init_scale, 0.1, 3.0, 0.05, "init scale"),
        "bias": slider(bias, -2.0, 2.0, 0.05, "bias"),
        "seed": int_slider(seed, 0, 20, "seed"),
    }

    def draw(depth, width, init_scale, bias, seed):
        X, dout, Ws = net(seed, width, depth)
        layers = np.arange(1, depth + 1)
        shown, ratios, dead_relu = [], {}, np.zeros(depth)
        Wd = [W * (init_scale / np.sqrt(width)) for W in Ws]  # N(0, init_scale^2 / width)
        with _one_blas_thread():
            results = {name: layer_gradient_norms(name, X, Wd, dout, bias) for name in _DEEP}
        for name, (norms, dead) in results.items():
            if name == "relu":
                dead_relu = dead
            ratios[name] = norms[0] / norms[-1] if norms[-1] > 0 else np.nan
            y = np.where(norms > 0, norms, np.nan)  # log scale: a zero gradient is a gap
            lines[name].set_data(layers, y)
            shown.append(y)
        last = shown[0][-1]
        guide.set_data(layers, last * 0.25 ** (depth - layers) if np.isfinite(last) else
                       np.full(depth, np.nan))
        vals = np.concatenate(shown + [guide.get_ydata()])
        vals = vals[np.isfinite(vals) & (vals > 0)]
        if vals.size:
            lo = max(vals.min(), vals.max() * 1e-30)
            ax.set_ylim(lo / 3, vals.max() * 3)
        ax.set_xlim(0.5, depth + 0.5)
        parts = [f"{n} {r:.2g}" if np.isfinite(r) else f"{n} (no gradient)"
                 for n, r in ratios.items()]
        return (f"‖g₁‖ / ‖g_N‖ over N = {depth} layers: " + " &nbsp;·&nbsp; ".join(parts)
                + f" &nbsp;|&nbsp; dead ReLU units: {100 * dead_relu.mean():.0f}% on average, "
                  f"{100 * dead_relu[-1]:.0f}% in layer {depth}")

    return freeze_layout(Explorer(controls, fig, draw, title="Gradient through a deep net"),
                       lambda: ax.set_ylim(1e-300, 1e30))


# -- softmax ---------------------------------------------------------------------------------
@visualization("02_activations")
def softmax_temperature_explorer(logits=(2.0, 1.0, 0.1, -1.0, 0.5), temperature=1.0,
                                 shift=0.0, softmax=None):
    """Logits as bars (left) and softmax(logits / T) as bars (right).

    Temperature T sharpens (T < 1) or flattens (T > 1) the distribution; shift
    adds the same constant c to every logit, which leaves the probabilities
    exactly as they were. The status line also shows what a naive
    exp(z) / sum(exp(z)) returns for the shifted logits: beyond c ≈ 707 exp
    overflows (inf / inf), below c ≈ -746 every exp underflows (0 / 0), and
    either way the naive version returns nan.

    Arguments:
        logits: the class scores; temperature, shift: the sliders' starting values;
        softmax: optionally your own softmax(z, axis=-1) to draw the right panel.

    Example:
        >>> softmax_temperature_explorer(softmax=softmax)  # doctest: +SKIP
    """
    base = np.asarray(logits, dtype=float)
    k = np.arange(len(base))
    fig = new_figure(6.4, 3.4)
    ax_z, ax_p = fig.subplots(1, 2)
    z_bars = ax_z.bar(k, base, color="tab:gray")
    p_bars = ax_p.bar(k, np.zeros_like(base), color="tab:purple")
    p_text = [ax_p.text(i, 0, "", ha="center", va="bottom", fontsize=8) for i in k]
    ax_z.axhline(0, color="0.5", lw=0.8)
    ax_z.set_title("logits z + c", fontsize=10)
    ax_p.set_title("softmax(z / T)", fontsize=10)
    ax_p.set_ylim(0, 1.12)
    ax_p.set_yticks([0, 0.5, 1])
    ax_z.yaxis.set_major_locator(MaxNLocator(4))
    for a in (ax_z, ax_p):
        a.set_xticks(k, [f"c{i}" for i in k])  # class i

    controls = {
        "temperature": slider(temperature, 0.05, 5.0, 0.05, "temperature T"),
        "shift": slider(shift, -1000.0, 1000.0, 10.0, "shift c", readout_format=".0f"),
    }

    def draw(temperature, shift):
        z = base + shift
        for bar, h in zip(z_bars, z):
            bar.set_height(h)
        ax_z.set_ylim(z.min() - 1.0, z.max() + 1.0)  # bars start at 0; the tops matter
        note = ""
        p = None
        if softmax is not None:
            try:
                p = np.asarray(softmax(z / temperature), dtype=float)
                if p.shape != z.shape:
                    raise ValueError(f"shape {p.shape}")
            except Exception as exc:  # noqa: BLE001 - a learner's stub must not break the plot
                why = ("is not written yet" if isinstance(exc, NotImplementedError)
                       else f"failed ({type(exc).__name__}: {exc})")
                note = f"<br><i>your softmax {why}: showing the built-in one</i>"
                p = None
        if p is None:
            p = _softmax(z / temperature)
        for bar, t, h in zip(p_bars, p_text, p):
            bar.set_height(h if np.isfinite(h) else 0.0)
            t.set_position((t.get_position()[0], (h if np.isfinite(h) else 0.0) + 0.01))
            t.set_text(f"{h:.2f}")
        with np.errstate(all="ignore"):
            e = np.exp(z / temperature)
            naive = e / e.sum()
        if np.isinf(e).any():
            naive_text = "nan (exp overflowed: inf / inf)"
        elif e.sum() == 0:
            naive_text = "nan (every exp underflowed to 0: 0 / 0)"
        else:
            naive_text = "[" + ", ".join(f"{x:.3f}" for x in naive) + "]"
        entropy = -np.sum(p * np.log(np.where(p > 0, p, 1.0)))
        return (f"T = {temperature:.2f}, c = {shift:+.0f}: max p = {p.max():.3f}, entropy "
                f"{entropy:.3f} nats (uniform: {np.log(len(p)):.3f}), sum {p.sum():.6f} "
                f"&nbsp;|&nbsp; naive exp(z)/Σexp(z): {naive_text}" + note)

    return freeze_layout(Explorer(controls, fig, draw, title="Softmax: temperature and shift"),
                       lambda: ax_z.set_ylim(-1000 + base.min() - 1, -1000 + base.max() + 1))
