"""Visualizations and small helpers for 03_layers: what a network's layer sizes
cost in parameters, what happens to activations as they pass through many
randomly initialized layers, and how a radial-basis-function network fits a
curve with local bumps.

- ``network_diagram``: nodes and connections drawn from the layer sizes, with
  the parameter count worked out in the status line;
- ``activation_histograms``: one histogram of activations per layer, stacked,
  and the per-layer standard deviation on a log scale, for four
  initializations and three activations;
- ``rbf_curve_fit``: Gaussian bumps, their least-squares weights and the sum
  they make, fitted to noisy samples of a 1-D curve.

Helpers the notebook uses for numbers: ``parameter_count``,
``activation_statistics`` and ``rbf_curve_data``.
"""

import matplotlib
import numpy as np
import ipywidgets as widgets
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.ticker import MaxNLocator, NullLocator

from .base import Explorer, freeze_layout, learner_function, dropdown, int_slider, new_figure, slider, visualization
from .render import one_blas_thread as _one_blas_thread

MODULE = "03_layers"
__all__ = ["network_diagram", "activation_histograms", "rbf_curve_fit",
           "parameter_count", "activation_statistics", "init_weights", "rbf_curve_data"]

INITS = ("small normal 0.01", "normal 1.0", "xavier", "he")
MAX_EDGES = 400          # connections drawn in the diagram; more are subsampled
MAX_HIDDEN = 4
MAX_DEPTH = 20
MAX_WIDTH = 256
N_SAMPLES = 128          # inputs pushed through the histogram net


# -- 1. network diagram ---------------------------------------------------------------------
def parameter_count(layer_sizes):
    """Weights plus biases of a fully connected net with these layer sizes.

    ``[3, 5, 2]`` has ``3*5 + 5`` in the first layer and ``5*2 + 2`` in the
    second: 32. The input layer has no parameters of its own.
    """
    sizes = [int(s) for s in layer_sizes]
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


def diagram_geometry(layer_sizes, max_edges=MAX_EDGES, seed=0):
    """Where the diagram's nodes and connections go.

    Layer ``l`` of ``L`` sits at x = l / (L - 1) (x = 0.5 for a single layer);
    its ``n`` nodes are spread evenly over y in [-1, 1], centred on y = 0,
    with the spacing of the widest layer. Returns ``(nodes, layer_of_node,
    segments, total)``: node centres (N, 2), the layer index of each node,
    the connections drawn (E, 2, 2) and how many there are in all. Above
    ``max_edges`` an evenly spread random subset of each layer pair is drawn.
    """
    sizes = [int(s) for s in layer_sizes]
    L = len(sizes)
    xs = np.linspace(0.0, 1.0, L) if L > 1 else np.array([0.5])
    gap = 2.0 / max(max(sizes) - 1, 1)
    gap = min(gap, 0.45)
    columns = [np.stack([np.full(n, x), (np.arange(n) - (n - 1) / 2) * gap], axis=1)
               for x, n in zip(xs, sizes)]
    nodes = np.concatenate(columns)
    layer_of = np.repeat(np.arange(L), sizes)
    total = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    keep = 1.0 if total <= max_edges else max_edges / total
    rng = np.random.default_rng(seed)
    parts = []
    for left, right in zip(columns[:-1], columns[1:]):
        i, j = np.meshgrid(np.arange(len(left)), np.arange(len(right)), indexing="ij")
        i, j = i.ravel(), j.ravel()
        if keep < 1.0:
            m = max(1, int(round(keep * len(i))))
            pick = np.sort(rng.choice(len(i), size=m, replace=False))
            i, j = i[pick], j[pick]
        parts.append(np.stack([left[i], right[j]], axis=1))
    segments = np.concatenate(parts) if parts else np.zeros((0, 2, 2))
    return nodes, layer_of, segments, total


def _same_budget_width(budget, d_in, d_out):
    """Width h of one hidden layer whose net d_in -> h -> d_out has about ``budget``
    parameters: (d_in + 1) h + (h + 1) d_out = budget."""
    return max(1, int(round((budget - d_out) / (d_in + 1 + d_out))))


@visualization(MODULE)
def network_diagram(layer_sizes=(3, 5, 4, 2), count_parameters=None):
    """A fully connected network drawn from its layer sizes, with its parameter count.

    Each circle is a unit (blue: inputs, orange: hidden units, green:
    outputs); each line is one weight. Above 400 weights a random subset of
    the lines is drawn (the status says how many). Over each pair of layers
    the figure shows that layer's parameters, ``d_in * d_out + d_out``; the
    status line adds them up, and gives the width a single hidden layer would
    need for the same budget.

    Sliders: the number of inputs, of hidden layers (0 to 4), the width of
    each hidden layer (widths of layers beyond the depth are ignored) and the
    number of outputs.

    Arguments:
        layer_sizes: the starting sizes, input first, at most 4 hidden layers.
        count_parameters: optionally your own ``count_parameters(layer_sizes)``;
            the status shows what it returns next to the true count.

    Example:
        >>> network_diagram((784, 16, 16, 10))                       # doctest: +SKIP
        >>> network_diagram(count_parameters=count_parameters)        # doctest: +SKIP
    """
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or len(sizes) > MAX_HIDDEN + 2:
        raise ValueError(f"layer_sizes needs 2 to {MAX_HIDDEN + 2} entries, got {sizes}")
    hidden = sizes[1:-1]
    widths = (hidden + [4] * MAX_HIDDEN)[:MAX_HIDDEN]
    mine, note = learner_function(count_parameters, lambda f: f([2, 3, 1]))

    fig = new_figure(6.0, 3.6)
    ax = fig.add_subplot()
    ax.set_xlim(-0.1, 1.1)
    ax.set_ylim(-1.3, 1.3)
    ax.set_axis_off()
    edges = LineCollection([], colors="0.45", linewidths=0.6, alpha=0.45, zorder=1)
    ax.add_collection(edges)
    dots = ax.scatter([0], [0], s=80, zorder=2, edgecolors="0.2", linewidths=0.8)
    names = [ax.text(0, -1.2, "", ha="center", va="top", fontsize=9)
             for _ in range(MAX_HIDDEN + 2)]
    costs = [ax.text(0, 1.17, "", ha="center", va="bottom", fontsize=8, color="0.25")
             for _ in range(MAX_HIDDEN + 1)]
    colors = {"in": "#6baed6", "hidden": "#fdae6b", "out": "#74c476"}

    big = 64
    controls = {
        "inputs": int_slider(min(sizes[0], big), 1, big, "inputs"),
        "hidden_layers": int_slider(len(hidden), 0, MAX_HIDDEN, "hidden layers"),
        "outputs": int_slider(min(sizes[-1], big), 1, big, "outputs"),
    }
    for k, w in enumerate(widths):
        controls[f"width{k + 1}"] = int_slider(min(w, big), 1, big, f"width {k + 1}")
    # pixels per data unit along y, known once the layout is fixed
    px = {"per_unit": None}

    def draw(inputs, hidden_layers, outputs, **w):
        layer = [inputs] + [w[f"width{k + 1}"] for k in range(hidden_layers)] + [outputs]
        nodes, layer_of, segments, total = diagram_geometry(layer)
        L = len(layer)
        edges.set_segments(segments)
        edges.set_linewidth(0.6 if len(segments) < 150 else 0.3)
        dots.set_offsets(nodes)
        kind = np.where(layer_of == 0, 0, np.where(layer_of == L - 1, 2, 1))
        palette = np.array([colors["in"], colors["hidden"], colors["out"]], dtype=object)
        dots.set_facecolor(list(palette[kind]))
        gap = min(2.0 / max(max(layer) - 1, 1), 0.45)
        per_unit = px["per_unit"] or 120.0
        diameter_pt = np.clip(0.7 * gap * per_unit * 72.0 / fig.dpi, 2.0, 16.0)
        dots.set_sizes([diameter_pt ** 2])
        xs = np.linspace(0.0, 1.0, L)
        for i, t in enumerate(names):
            if i < L:
                label = "input" if i == 0 else ("output" if i == L - 1 else f"hidden {i}")
                t.set_position((xs[i], -1.2))
                t.set_text(f"{label}: {layer[i]}")
                t.set_visible(True)
            else:
                t.set_visible(False)
        per_layer = [(a + 1) * b for a, b in zip(layer[:-1], layer[1:])]
        for i, t in enumerate(costs):
            if i < L - 1:
                a, b = layer[i], layer[i + 1]
                t.set_position(((xs[i] + xs[i + 1]) / 2, 1.12 + 0.1 * (i % 2)))
                t.set_text(f"{a}·{b}+{b} = {per_layer[i]:,}")
                t.set_visible(True)
            else:
                t.set_visible(False)
        n_w = sum(a * b for a, b in zip(layer[:-1], layer[1:]))
        n_b = sum(layer[1:])
        count = n_w + n_b
        text = (f"sizes {layer}: weights " + " + ".join(f"{a}·{b}" for a, b in
                                                         zip(layer[:-1], layer[1:]))
                + f" = {n_w:,}, biases " + " + ".join(str(b) for b in layer[1:])
                + f" = {n_b:,}; <b>{count:,} parameters</b>")
        if hidden_layers != 1:
            h = _same_budget_width(count, inputs, outputs)
            text += (f" &nbsp;|&nbsp; one hidden layer of width {h:,} would cost "
                     f"{parameter_count([inputs, h, outputs]):,}")
        if len(segments) < total:
            text += f" &nbsp;|&nbsp; drawing {len(segments):,} of {total:,} connections"
        if mine is not None:
            try:
                theirs = mine(list(layer))
                verdict = "matches" if theirs == count else "differs"
                text += f"<br>your count_parameters({layer}) = {theirs!r}: {verdict}"
            except Exception as exc:  # noqa: BLE001
                text += f"<br>your count_parameters failed: {type(exc).__name__}: {exc}"
        return text + note

    ex = Explorer(controls, fig, draw, title="Network diagram")
    ex.artists = {"edges": edges, "nodes": dots, "names": names, "costs": costs}
    freeze_layout(ex.fig)
    bbox = ax.get_window_extent()
    px["per_unit"] = bbox.height / 2.6
    ex.update()
    return ex


# -- 2. activations through depth -----------------------------------------------------------
def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


ACTIVATIONS = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "sigmoid": _sigmoid}
#: x-range of the histograms per activation; values beyond it pile up in the edge bin
HIST_RANGE = {"tanh": (-1.0, 1.0), "relu": (0.0, 4.0), "sigmoid": (0.0, 1.0)}
BINS = 41


def init_weights(init, fan_in, fan_out, rng):
    """A (fan_in, fan_out) weight matrix for one of ``INITS``:
    N(0, 0.01²), N(0, 1), Xavier/Glorot uniform U(-a, a) with
    a = sqrt(6 / (fan_in + fan_out)), or He normal N(0, 2 / fan_in)."""
    if init == "small normal 0.01":
        return 0.01 * rng.standard_normal((fan_in, fan_out))
    if init == "normal 1.0":
        return rng.standard_normal((fan_in, fan_out))
    if init == "xavier":
        a = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-a, a, size=(fan_in, fan_out))
    if init == "he":
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
    raise ValueError(f"unknown init {init!r}; choose from {INITS}")


def activation_statistics(init, activation="tanh", depth=10, width=256, n=1000, seed=0):
    """Mean and standard deviation of every layer's activations in a random net.

    ``n`` inputs drawn from N(0, 1) in ``width`` dimensions pass through
    ``depth`` layers ``a = f(a W)`` (zero biases), each W drawn with
    ``init_weights(init, width, width, rng)``. Returns ``(means, stds)``, two
    arrays of length ``depth`` (index 0 is the first layer).
    """
    rng = np.random.default_rng(seed)
    f = ACTIVATIONS[activation]
    a = rng.standard_normal((n, width))
    means, stds = np.empty(depth), np.empty(depth)
    for l in range(depth):
        a = f(a @ init_weights(init, width, width, rng))
        means[l], stds[l] = a.mean(), a.std()
    return means, stds


def _histogram(values, lo, hi, bins=BINS):
    """Counts of ``values`` in ``bins`` equal bins over [lo, hi]; values
    outside are counted in the edge bins."""
    values = np.clip(values[np.isfinite(values)], lo, hi)   # before the int cast: 1e20 overflows
    idx = np.floor((values - lo) * (bins / (hi - lo))).astype(np.int64)
    np.clip(idx, 0, bins - 1, out=idx)
    return np.bincount(idx, minlength=bins)


def _ridge(counts, lo, hi, base, height=0.85):
    """A step-outline polygon of one histogram, scaled to ``height``, on y = base
    (rows go downwards: layer 1 on top)."""
    bins = len(counts)
    edges = np.linspace(lo, hi, bins + 1)
    peak = counts.max()
    h = counts / peak * height if peak > 0 else np.zeros(bins)
    xs = np.repeat(edges, 2)[1:-1]
    ys = base + np.repeat(h, 2)
    return np.concatenate([[[lo, base]], np.stack([xs, ys], axis=1), [[hi, base]]])


def _verdict(activation, stds, frac_out, frac_sat):
    """One sentence on what the per-layer stds and the last layer show."""
    first, last = stds[0], stds[-1]
    if last < 1e-6 or last < 1e-3 * first:
        return "activations <b>vanish</b>: the last layers carry almost no signal"
    if last > 1e3 * first:
        return "activations <b>explode</b>: the std grows layer after layer"
    if frac_sat > 0.5:
        return "units <b>saturate</b>: most activations sit at the flat ends of the curve"
    if frac_out > 0.5:
        return "most activations lie beyond the plotted range"
    if last < 0.5 * first:
        return f"the std shrinks (×{last / first:.2g} from layer 1 to layer {len(stds)})"
    if last > 2.0 * first:
        return f"the std grows (×{last / first:.2g} from layer 1 to layer {len(stds)})"
    return "the spread stays roughly steady from layer to layer"


@visualization(MODULE)
def activation_histograms(init="xavier", activation="tanh", depth=10, width=128, seed=0,
                          xavier_uniform=None, he_normal=None):
    """Histograms of every layer's activations in a deep random net, one above the other.

    128 random inputs (N(0, 1) in ``width`` dimensions) pass through ``depth``
    layers ``a = f(a W)`` with zero biases. Left: one histogram per layer
    (layer 1 on top), each scaled to the same height; values outside the
    plotted range are counted in the edge bins, and for ReLU the exact zeros
    (about half) are left out so the rest stays visible. Right: the standard
    deviation of each layer's activations on a log scale (the dotted line is
    the input's, 1). The status line prints the per-layer std and says
    whether the signal vanishes, explodes or saturates.

    Initializations: "small normal 0.01" (W ~ N(0, 0.01²)), "normal 1.0"
    (W ~ N(0, 1)), "xavier" (U(-a, a), a = sqrt(6 / (fan_in + fan_out))) and
    "he" (N(0, 2 / fan_in)). Try: tanh with each init; then ReLU with
    "xavier" against "he" at depth 20.

    Arguments:
        init, activation, depth, width: the controls' starting values;
        seed: which random weights and inputs;
        xavier_uniform, he_normal: optionally your own functions
            ``f(fan_in, fan_out, rng)``, used for "xavier" and "he".

    Example:
        >>> activation_histograms("he", "relu", depth=20)                # doctest: +SKIP
        >>> activation_histograms(xavier_uniform=xavier_uniform,
        ...                       he_normal=he_normal)                    # doctest: +SKIP
    """
    probe = (lambda f: np.asarray(f(3, 2, np.random.default_rng(0))).reshape(3, 2))
    learner = {}
    notes = {}
    for name, fn in (("xavier", xavier_uniform), ("he", he_normal)):
        learner[name], notes[name] = learner_function(fn, probe)

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N_SAMPLES, MAX_WIDTH))
    master = {"normal": rng.standard_normal((MAX_DEPTH, MAX_WIDTH, MAX_WIDTH))}
    cache = {}

    def weights(init, width):
        if init in learner and learner[init] is not None:
            r = np.random.default_rng(seed + 1)
            return [np.asarray(learner[init](width, width, r), dtype=float)
                    for _ in range(MAX_DEPTH)]
        if init == "xavier":
            if "uniform" not in master:
                master["uniform"] = np.random.default_rng(seed + 2).uniform(
                    -1.0, 1.0, (MAX_DEPTH, MAX_WIDTH, MAX_WIDTH))
            return master["uniform"][:, :width, :width] * np.sqrt(6.0 / (2 * width))
        scale = {"small normal 0.01": 0.01, "normal 1.0": 1.0, "he": np.sqrt(2.0 / width)}[init]
        return master["normal"][:, :width, :width] * scale

    def run(init, activation, width):
        key = (init, activation, width)
        if key not in cache:
            f = ACTIVATIONS[activation]
            lo, hi = HIST_RANGE[activation]
            a = X[:, :width]
            counts, stds, means, out, sat = [], [], [], [], []
            with _one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
                for W in weights(init, width):
                    a = f(a @ W)
                    flat = a.ravel()
                    shown = flat[flat != 0.0] if activation == "relu" else flat
                    counts.append(_histogram(shown, lo, hi))
                    stds.append(flat.std())
                    means.append(flat.mean())
                    out.append(np.mean((flat < lo) | (flat > hi)))
                    if activation == "tanh":
                        sat.append(np.mean(np.abs(flat) > 0.99))
                    elif activation == "sigmoid":
                        sat.append(np.mean((flat < 0.01) | (flat > 0.99)))
                    else:
                        sat.append(0.0)
            cache[key] = (counts, np.array(means), np.array(stds), np.array(out), np.array(sat))
        return cache[key]

    fig = new_figure(6.4, 4.0)
    grid = fig.add_gridspec(1, 2, width_ratios=[2.2, 1.0])
    ax = fig.add_subplot(grid[0])
    ax_std = fig.add_subplot(grid[1])
    cmap = matplotlib.colormaps["viridis"]
    ridges = PolyCollection([], edgecolors="0.25", linewidths=0.5, zorder=2)
    ax.add_collection(ridges)
    # few, explicitly placed ticks: tick labels are most of what a redraw costs
    ax.set_xlabel("activation value")
    ax.set_ylabel("layer (1 = first)")
    ax_std.set_yscale("log")
    ax_std.yaxis.set_minor_locator(NullLocator())
    ax_std.axhline(1.0, color="0.5", ls=":", lw=1)
    (std_line,) = ax_std.plot([1], [1], "o-", ms=3, lw=1.4, color="tab:purple")
    # a title or an axis label would cost several ms a redraw (placed around the tick labels)
    ax_std.text(0.5, 0.985, "std per layer", transform=ax_std.transAxes, ha="center",
                va="top", fontsize=9)

    controls = {
        "init": dropdown(list(INITS), init, "init"),
        "activation": dropdown(list(ACTIVATIONS), activation, "activation"),
        "depth": int_slider(depth, 1, MAX_DEPTH, "depth"),
        "width": int_slider(width, 8, MAX_WIDTH, "width", step=8),
    }

    def draw(init, activation, depth, width):
        counts, means, stds, out, sat = run(init, activation, width)
        lo, hi = HIST_RANGE[activation]
        ridges.set_verts([_ridge(counts[l], lo, hi, -l - 1.0) for l in range(depth)])
        ridges.set_facecolor([cmap(l / max(MAX_DEPTH - 1, 1)) for l in range(depth)])
        ax.set_xlim(lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo))
        ax.set_xticks([lo, (lo + hi) / 2, hi], [f"{lo:g}", f"{(lo + hi) / 2:g}", f"{hi:g}"])
        ax.set_ylim(-depth - 0.15, 0.0)
        ticks = sorted({1, (depth + 1) // 2, depth})
        ax.set_yticks([-t for t in ticks], [str(t) for t in ticks])
        layers = np.arange(1, depth + 1)
        s = stds[:depth]
        std_line.set_data(layers, np.where(s > 0, s, np.nan))
        good = s[(s > 0) & np.isfinite(s)]
        lo_dec, hi_dec = -1, 1
        if good.size:
            lo_dec = min(int(np.floor(np.log10(good.min()))), -1)
            hi_dec = max(int(np.ceil(np.log10(good.max()))), 1)
        ax_std.set_ylim(10.0 ** lo_dec / 2, 10.0 ** hi_dec * 2)
        step = max(1, int(np.ceil((hi_dec - lo_dec) / 3)))
        decades = list(range(hi_dec, lo_dec - 1, -step))
        ax_std.set_yticks([10.0 ** d for d in decades], [f"1e{d}" for d in decades])
        ax_std.set_xlim(0.5, depth + 0.5)
        ax_std.set_xticks(sorted({1, depth}))
        shown = ", ".join(f"{l}: {v:.2g}" for l, v in zip(layers, s))
        note = notes.get(init, "")
        if init in learner and learner[init] is not None:
            note += f"<br>weights from your {dict(xavier='xavier_uniform', he='he_normal')[init]}"
        extra = ""
        if activation == "relu":
            extra = " (exact zeros left out of the histograms)"
        return (f"{init}, {activation}, width {width}: "
                f"{_verdict(activation, s, out[depth - 1], sat[depth - 1])}{extra}."
                f"<br>std per layer: {shown}"
                f"<br>layer {depth}: mean {means[depth - 1]:.3g}, std {s[-1]:.3g}, "
                f"{100 * sat[depth - 1]:.0f}% saturated, "
                f"{100 * out[depth - 1]:.0f}% beyond the plotted range" + note)

    ex = Explorer(controls, fig, draw, title="Activations layer by layer")
    ex.artists = {"ridges": ridges, "std_line": std_line, "ax": ax, "ax_std": ax_std}
    # lay out once with the widest tick labels there will be
    ax_std.set_yticks([1e-300, 1e30], ["1e-300", "1e30"])
    ax.set_yticks([-1, -20], ["1", "20"])
    return freeze_layout(ex)


# -- 3. RBF network on a 1-D curve ----------------------------------------------------------
def rbf_target(x):
    """The curve the RBF explorer fits."""
    return np.sin(2 * np.pi * x) + 0.4 * np.cos(5 * np.pi * x)


def rbf_curve_data(n=40, noise=0.1, seed=0):
    """``(x, y)``: ``n`` sorted points on [0, 1] (shape (n, 1)) and noisy values of
    ``rbf_target`` there (shape (n,))."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 1.0, n))
    y = rbf_target(x) + noise * rng.standard_normal(n)
    return x[:, None], y


def _rbf(X, C, sigma):
    d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
    return np.exp(-d2 / (2.0 * sigma ** 2))


def _fit(X, y, C, sigma):
    return np.linalg.lstsq(_rbf(X, C, sigma), y, rcond=None)[0]


@visualization(MODULE)
def rbf_curve_fit(centers=8, sigma=0.08, noise=0.15, n=40, seed=0,
                  rbf_features=None, fit_rbf_network=None):
    """An RBF network fitted by least squares to noisy samples of a curve.

    ``k`` Gaussian bumps ``exp(-(x - c)² / (2 σ²))`` sit at evenly spaced
    centres on [0, 1] (ticks at the bottom); their output weights are the
    least-squares solution for the ``n`` samples (dots). Thin lines: each
    bump times its weight; thick line: their sum, the network's output;
    dashed: the true curve. The status line gives the training error, the
    error against the true curve, the largest weight and the condition number
    of the feature matrix: wide bumps overlap so much that the columns are
    nearly equal, and the weights grow huge.

    Try: σ very small (gaps between bumps fall to 0), σ large with many centres
    (ill-conditioned), and more centres than samples' worth of noise (overfit).

    Arguments:
        centers, sigma, noise: the controls' starting values; n, seed: the samples;
        rbf_features, fit_rbf_network: optionally your own functions, used
            instead of the built-in ones.

    Example:
        >>> rbf_curve_fit(fit_rbf_network=fit_rbf_network, rbf_features=rbf_features)  # doctest: +SKIP
    """
    X0 = np.array([[0.0], [0.5]])
    C0 = np.array([[0.0], [1.0], [0.25]])
    feats, note_f = learner_function(rbf_features, lambda f: np.asarray(f(X0, C0, 0.5)).reshape(2, 3))
    fitter, note_w = learner_function(fit_rbf_network,
                              lambda f: np.asarray(f(X0, np.array([1.0, 2.0]), C0[:2], 0.5))
                              .reshape(2))
    feats = feats or _rbf
    fitter = fitter or _fit
    grid = np.linspace(0.0, 1.0, 300)[:, None]
    truth = rbf_target(grid[:, 0])
    rng = np.random.default_rng(seed)
    xs = np.sort(rng.uniform(0.0, 1.0, n))[:, None]
    eps = rng.standard_normal(n)
    k_max = 40

    fig = new_figure(6.2, 3.6)
    ax = fig.add_subplot()
    ax.plot(grid[:, 0], truth, "--", color="0.5", lw=1.2, label="true curve")
    bumps = LineCollection([], colors="tab:blue", linewidths=0.8, alpha=0.55)
    ax.add_collection(bumps)
    (fit_line,) = ax.plot(grid[:, 0], truth, color="tab:red", lw=2.2, label="network output")
    dots = ax.scatter(xs[:, 0], truth[:n], s=18, color="black", zorder=3, label="samples")
    ticks = ax.scatter([0], [-2.3], marker="^", s=30, color="tab:blue", zorder=3,
                       label="centres")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-2.5, 2.5)
    ax.set_xlabel("x")
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.yaxis.set_major_locator(MaxNLocator(5))

    controls = {
        "centers": int_slider(centers, 1, k_max, "centres k"),
        "sigma": widgets.FloatLogSlider(value=sigma, base=10, min=-2.5, max=0.3, step=0.02,
                                        description="σ", readout_format=".3f",
                                        continuous_update=True,
                                        style={"description_width": "initial"},
                                        layout=widgets.Layout(width="260px")),
        "noise": slider(noise, 0.0, 0.6, 0.01, "noise"),
    }

    def draw(centers, sigma, noise):
        y = rbf_target(xs[:, 0]) + noise * eps
        C = np.linspace(0.0, 1.0, centers)[:, None] if centers > 1 else np.array([[0.5]])
        notes = note_f + note_w
        with np.errstate(all="ignore"):
            try:
                w = np.asarray(fitter(xs, y, C, sigma), dtype=float).reshape(centers)
                Phi_grid = np.asarray(feats(grid, C, sigma), dtype=float).reshape(len(grid),
                                                                                 centers)
            except Exception as exc:  # noqa: BLE001 - the learner's code may fail here
                notes += f"<br><i>your function failed ({type(exc).__name__}: {exc}); built-in shown</i>"
                w = _fit(xs, y, C, sigma)
                Phi_grid = _rbf(grid, C, sigma)
            pred = Phi_grid @ w
            Phi = _rbf(xs, C, sigma)
            train = np.mean((Phi @ w - y) ** 2)
            true_err = np.mean((pred - truth) ** 2)
            cond = np.linalg.cond(Phi)
        dots.set_offsets(np.column_stack([xs[:, 0], y]))
        fit_line.set_ydata(pred)
        contrib = Phi_grid * w
        bumps.set_segments([np.column_stack([grid[:, 0], contrib[:, j]])
                            for j in range(centers)])
        ticks.set_offsets(np.column_stack([C[:, 0], np.full(centers, -2.3)]))
        return (f"k = {centers} centres, σ = {sigma:.3f}: training MSE {train:.4f}, "
                f"MSE against the true curve {true_err:.4f}, largest |w| {np.abs(w).max():.3g}, "
                f"cond(Φ) = {cond:.2g}" + notes)

    ex = Explorer(controls, fig, draw, title="RBF network: red, its output; thin blue, each bump "
                  "times its weight; dashed, the true curve; dots, the samples")
    ex.artists = {"fit": fit_line, "bumps": bumps, "samples": dots, "centres": ticks}
    ex.data = {"x": xs, "eps": eps, "grid": grid}
    return freeze_layout(ex)
