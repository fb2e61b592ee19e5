"""Visualizations for 06_optimizers: how the update rules move a point downhill.

- ``optimizer_race``: SGD, momentum, Adagrad, RMSprop, Adam and AdamW started
  from the same point on a 2-D surface (bowl, ravine, saddle, Rosenbrock),
  one trajectory each over the contours, final losses in the status line (the
  key); pass the learner's own step functions to race them;
- ``learning_rate_explorer``: gradient descent on a 1-D quadratic, the four
  regimes of the learning rate (creeping, one-step, oscillating, diverging)
  and the factor ``|1 - lr L|`` that decides between them;
- ``minibatch_noise``: mini-batch SGD on a small regression, the cloud of
  mini-batch gradients around the full gradient shrinking as the batch grows.

The built-in update rules below follow torch.optim's formulas; the pictures
never depend on the learner's code unless it is passed in.
"""
import numpy as np
import ipywidgets as widgets
from matplotlib import colormaps
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from .base import Explorer, freeze_layout, dropdown, int_slider, new_figure, slider, visualization

__all__ = ["optimizer_race", "learning_rate_explorer", "minibatch_noise", "SURFACES",
           "OPTIMIZERS"]

MODULE = "06_optimizers"
SHADE = colormaps["Blues_r"]


# -- built-in update rules (same formulas and order as torch.optim) ----------------------
def _sgd(theta, grad, lr):
    return theta - lr * grad


def _momentum(theta, grad, v, lr, beta=0.9):
    v = beta * v + grad
    return theta - lr * v, v


def _adagrad(theta, grad, G, lr, eps=1e-10):
    G = G + grad * grad
    return theta - lr * grad / (np.sqrt(G) + eps), G


def _rmsprop(theta, grad, v, lr, beta=0.9, eps=1e-8):
    v = beta * v + (1 - beta) * grad * grad
    return theta - lr * grad / (np.sqrt(v) + eps), v


def _adam(theta, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    denom = np.sqrt(v) / np.sqrt(1 - beta2 ** t) + eps
    return theta - (lr / (1 - beta1 ** t)) * m / denom, m, v


def _adamw(theta, grad, m, v, t, lr, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(theta * (1 - lr * weight_decay), grad, m, v, t, lr, beta1, beta2, eps)


#: The racers: name -> (exercise name, built-in rule, uses the adaptive learning rate).
OPTIMIZERS = {
    "SGD": ("sgd_step", _sgd, False),
    "Momentum": ("momentum_step", _momentum, False),
    "Adagrad": ("adagrad_step", _adagrad, True),
    "RMSprop": ("rmsprop_step", _rmsprop, True),
    "Adam": ("adam_step", _adam, True),
    "AdamW": ("adamw_step", _adamw, True),
}
COLORS = {"SGD": "#1f77b4", "Momentum": "#ff7f0e", "Adagrad": "#2ca02c",
          "RMSprop": "#d62728", "Adam": "#9467bd", "AdamW": "#8c564b"}


def _call(name, fn, theta, grad, state, t, lr, beta, wd):
    """One step of optimizer ``name`` through ``fn`` (built-in or the learner's),
    threading its state: returns ``(theta, state)``."""
    if name == "SGD":
        return fn(theta, grad, lr), state
    if name in ("Momentum", "RMSprop"):
        theta, s = fn(theta, grad, state[0], lr, beta=beta)
        return theta, (s,)
    if name == "Adagrad":
        theta, s = fn(theta, grad, state[0], lr)
        return theta, (s,)
    if name == "Adam":
        theta, m, v = fn(theta, grad, state[0], state[1], t, lr, beta1=beta)
    else:
        theta, m, v = fn(theta, grad, state[0], state[1], t, lr, weight_decay=wd, beta1=beta)
    return theta, (m, v)


def run_optimizer(name, grad_fn, start, n_steps, lr, beta=0.9, weight_decay=0.1, step=None,
                  limit=1e6):
    """The path ``(n_steps + 1, d)`` of optimizer ``name`` from ``start``.

    ``grad_fn(theta)`` gives the gradient; ``step`` is the update rule (default:
    the built-in one). A path that leaves ``|theta| < limit`` or turns non-finite
    stops there: the rest of the rows repeat NaN, and ``diverged_at`` (the
    second return value) is the first such step, else None.
    """
    fn = step or OPTIMIZERS[name][1]
    theta = np.array(start, dtype=float)
    zeros = np.zeros_like(theta)
    state = (zeros,) if name in ("Momentum", "Adagrad", "RMSprop") else (zeros, zeros)
    path = np.full((n_steps + 1, theta.size), np.nan)
    path[0] = theta
    with np.errstate(all="ignore"):
        for t in range(1, n_steps + 1):
            theta, state = _call(name, fn, theta, grad_fn(theta), state, t, lr, beta,
                                 weight_decay)
            theta = np.asarray(theta, dtype=float).reshape(path.shape[1])
            path[t] = theta
            if not max(abs(float(x)) for x in theta) < limit:    # also catches NaN
                path[t] = np.nan
                return path, t
    return path, None


# -- the surfaces -----------------------------------------------------------------------------
class Surface:
    """A 2-D loss ``f(x, y)`` with its gradient, a view box (all the same shape,
    4.4 by 3.3), where its minima are, and the preset a learner starts from:
    start point and the two learning rates."""

    def __init__(self, name, f, grad, box, minima, levels, note, start, lr, lr_adaptive):
        self.name, self.f, self.grad = name, f, grad
        self.box, self.minima = box, np.array(minima, float)
        self.levels, self.note = levels, note
        self.start, self.lr, self.lr_adaptive = start, lr, lr_adaptive

    def __call__(self, theta):
        return float(self.f(theta[0], theta[1]))


def _rosen_grad(p):
    x, y = p
    return np.array([-(1 - x) - 20 * x * (y - x * x), 10 * (y - x * x)])


SURFACES = {
    "bowl": Surface(
        "bowl", lambda x, y: 0.5 * (x * x + y * y), lambda p: np.array([p[0], p[1]]),
        (-2.2, 2.2, -1.65, 1.65), [(0, 0)], np.linspace(0.1, 3.0, 10),
        "bowl f = (x² + y²)/2: curvature 1 in every direction",
        (-1.8, 1.2), 0.1, 0.1),
    "ravine (ill-conditioned)": Surface(
        "ravine (ill-conditioned)", lambda x, y: 0.5 * (0.1 * x * x + 4 * y * y),
        lambda p: np.array([0.1 * p[0], 4 * p[1]]),
        (-2.2, 2.2, -1.65, 1.65), [(0, 0)], np.geomspace(0.005, 5.0, 11),
        "ravine f = (0.1 x² + 4 y²)/2: curvatures 0.1 and 4 (condition number 40)",
        (-2.0, 1.0), 0.1, 0.1),
    "saddle": Surface(
        "saddle", lambda x, y: 0.5 * x * x + 0.25 * y ** 4 - 0.5 * y * y,
        lambda p: np.array([p[0], p[1] ** 3 - p[1]]),
        (-2.2, 2.2, -1.65, 1.65), [(0, 1), (0, -1)], np.linspace(-0.24, 2.2, 12),
        "saddle at (0, 0): f = x²/2 + y⁴/4 − y²/2, minima at (0, ±1)",
        (-1.8, 0.02), 0.1, 0.05),
    "Rosenbrock": Surface(
        "Rosenbrock", lambda x, y: 0.5 * ((1 - x) ** 2 + 10 * (y - x * x) ** 2), _rosen_grad,
        (-2.2, 2.2, -0.9, 2.4), [(1, 1)], np.geomspace(0.01, 40, 12),
        "Rosenbrock f = ((1 − x)² + 10 (y − x²)²)/2: a curved valley, minimum at (1, 1)",
        (-1.5, 2.0), 0.01, 0.05),
}


def _learner_steps(steps):
    """``{racer name: function}`` from what the learner passed (dict keyed by racer
    or exercise name, or a list of functions named like the exercises)."""
    if steps is None:
        return {}
    by_key = {}
    for name, (exercise, _, _) in OPTIMIZERS.items():
        by_key[name.lower()] = name
        by_key[exercise] = name
    items = steps.items() if isinstance(steps, dict) else [(f.__name__, f) for f in steps]
    out = {}
    for key, fn in items:
        racer = by_key.get(str(key).lower())
        if racer is None:
            raise ValueError(f"unknown optimizer {key!r}; use one of {list(OPTIMIZERS)} "
                             f"or the exercise names {[e for e, _, _ in OPTIMIZERS.values()]}")
        out[racer] = fn
    return out


def _probe(name, fn):
    """Run the learner's rule for two steps on a bowl: None if it works, else why not."""
    try:
        run_optimizer(name, lambda p: p, (1.0, -0.5), 2, 0.1, step=fn)
    except NotImplementedError:
        return "not written yet"
    except Exception as exc:  # noqa: BLE001 - any failure: show the built-in instead
        return f"raised {type(exc).__name__}: {exc}"
    return None


def _fmt_loss(v):
    if v is None or not np.isfinite(v):
        return "diverged"
    return f"{v:.2e}" if abs(v) < 1e-2 or abs(v) >= 1e3 else f"{v:.3f}"


def _swatch(color, text, mark="■"):
    """A coloured key entry for the status line (HTML): the figures carry no
    legend, because matplotlib re-renders every text on every redraw."""
    return f"<span style='color:{color}'><b>{mark} {text}</b></span>"


# -- 1. the race ----------------------------------------------------------------------------
@visualization(MODULE)
def optimizer_race(steps=None, surface="ravine (ill-conditioned)", lr=None, lr_adaptive=None,
                   beta=0.9, weight_decay=0.1, n_steps=60, max_steps=300, start=None):
    """Race SGD, momentum, Adagrad, RMSprop, Adam and AdamW on a 2-D surface.

    Shows the contours of the chosen surface (darker = lower), its minima (white
    stars), and one trajectory per optimizer from the same start (black square)
    after ``steps`` steps, a dot per step. The status is the key: each
    optimizer in its colour with its loss where it stands ("diverged" once it
    flew off), the lowest one, and whose update rules are racing.

    Controls: ``surface`` (bowl, ravine (ill-conditioned), saddle, Rosenbrock;
    choosing one moves the start and both learning rates to its preset);
    ``lr (SGD, momentum)`` and ``lr (adaptive)`` on log scales — the plain
    methods step lr times the gradient, Adagrad, RMSprop, Adam and AdamW step
    about lr whatever the gradient's size, so they get their own; ``beta``
    (momentum's β, RMSprop's β, Adam's and AdamW's β₁); ``weight decay`` (AdamW
    only); ``steps`` (or press Play); ``start x``, ``start y``.

    Arguments: ``steps`` the learner's update rules: a dict keyed by racer
    ("SGD", "Momentum", "Adagrad", "RMSprop", "Adam", "AdamW") or exercise name
    ("adam_step"...), or a list of the functions; a rule that is missing, not
    written yet or raises is replaced by the built-in one (the status says so).
    ``surface``, ``lr``, ``lr_adaptive``, ``beta``, ``weight_decay``,
    ``n_steps`` and ``start`` (x, y) are the controls' first values (None: the
    surface's preset); ``max_steps`` the end of the steps slider.

    Example::

        from course.viz.optimizers import optimizer_race
        optimizer_race(steps={"SGD": sgd_step, "Momentum": momentum_step,
                              "Adagrad": adagrad_step, "RMSprop": rmsprop_step,
                              "Adam": adam_step, "AdamW": adamw_step})
    """
    learner = _learner_steps(steps)
    rules, notes = {}, []
    for name, (exercise, builtin, _) in OPTIMIZERS.items():
        fn = learner.get(name)
        why = _probe(name, fn) if fn is not None else None
        rules[name] = fn if fn is not None and why is None else builtin
        if why:
            notes.append(f"your {exercise} {why}: the built-in {name} races instead")
    mine = [n for n in OPTIMIZERS if n in learner and rules[n] is learner[n]]

    fig = new_figure(6.0, 4.6)
    ax = fig.add_subplot()
    ax.set(xlabel="x", ylabel="y")
    ax.set_aspect("equal", adjustable="box")
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    image = ax.imshow(np.zeros((2, 2, 4), np.uint8), origin="lower", interpolation="nearest",
                      zorder=0)
    stars, = ax.plot([], [], ls="none", marker="*", ms=13, color="white", mec="black",
                     mew=0.8, zorder=5)
    start_mark, = ax.plot([], [], ls="none", marker="s", ms=7, color="black", zorder=6)
    lines, heads = {}, {}
    for name in OPTIMIZERS:
        lines[name], = ax.plot([], [], color=COLORS[name], lw=1.5, marker="o", ms=2.2,
                               zorder=3)
        heads[name], = ax.plot([], [], ls="none", marker="o", ms=6, color=COLORS[name],
                               mec="black", mew=0.6, zorder=4)
    state = {"surface": None, "contours": None, "keys": {}, "paths": {}, "finals": {}}

    def show_surface(s):
        x0, x1, y0, y1 = s.box
        X, Y = np.meshgrid(np.linspace(x0, x1, 160), np.linspace(y0, y1, 120))
        Z = s.f(X, Y)
        shade = np.log1p(Z - Z.min())
        # colours computed once per surface: an RGBA image redraws far faster
        image.set_data(SHADE(0.45 + 0.55 * shade / shade.max(), bytes=True))
        image.set_extent((x0, x1, y0, y1))
        if state["contours"] is not None:
            state["contours"].remove()
        state["contours"] = ax.contour(X, Y, Z, levels=s.levels, colors="0.35",
                                       linewidths=0.6, zorder=1)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        stars.set_data(s.minima[:, 0], s.minima[:, 1])
        state["surface"] = s.name

    def compute(s, lr, lr_ad, beta, wd, x0, y0):
        """Each racer's path, recomputed only when one of its own settings moved."""
        for name, (_, _, adaptive) in OPTIMIZERS.items():
            key = (s.name, x0, y0, lr_ad if adaptive else lr,
                   beta if name != "SGD" and name != "Adagrad" else None,
                   wd if name == "AdamW" else None)
            if state["keys"].get(name) != key:
                state["paths"][name] = run_optimizer(name, s.grad, (x0, y0), max_steps, key[3],
                                                     beta, wd, step=rules[name])
                state["keys"][name] = key
        return state["paths"]

    def draw(surface, lr, lr_adaptive, beta, weight_decay, steps, x0, y0):
        s = SURFACES[surface]
        if state["surface"] != surface:
            show_surface(s)
        paths = compute(s, lr, lr_adaptive, beta, weight_decay, x0, y0)
        start_mark.set_data([x0], [y0])
        finals = {}
        for name in OPTIMIZERS:
            path, diverged_at = paths[name]
            shown = path[:steps + 1]
            lines[name].set_data(shown[:, 0], shown[:, 1])
            last = shown[~np.isnan(shown[:, 0])][-1]
            heads[name].set_data([last[0]], [last[1]])
            gone = diverged_at is not None and diverged_at <= steps
            finals[name] = None if gone else s(last)
        state["finals"] = finals
        alive = {n: v for n, v in finals.items() if v is not None}
        best = min(alive, key=alive.get) if alive else None
        key = " &nbsp; ".join(_swatch(COLORS[n], f"{n} {_fmt_loss(v)}") for n, v in finals.items())
        text = (f"{s.note}<br>loss after {steps} steps: {key}<br>lowest: "
                f"<b>{best or 'none (all diverged)'}</b> &middot; racing "
                f"{'your ' + ', '.join(mine) if mine else 'the built-in rules'}")
        if notes:
            text += "<br><i>" + "; ".join(notes) + "</i>"
        return text

    s0 = SURFACES[surface]
    start = s0.start if start is None else start
    controls = {
        "surface": dropdown(list(SURFACES), surface, "surface"),
        "lr": _log_slider(s0.lr if lr is None else lr, -3, 0.5, "lr (SGD, momentum)"),
        "lr_adaptive": _log_slider(s0.lr_adaptive if lr_adaptive is None else lr_adaptive,
                                   -3, 0.5, "lr (adaptive)"),
        "beta": slider(beta, 0.0, 0.99, 0.01, "beta (β, β₁)"),
        "weight_decay": slider(weight_decay, 0.0, 1.0, 0.01, "weight decay (AdamW)"),
        "steps": int_slider(min(n_steps, max_steps), 0, max_steps, "steps"),
        "x0": slider(start[0], -2.2, 2.2, 0.05, "start x"),
        "y0": slider(start[1], -1.65, 2.4, 0.01, "start y"),
    }
    holder = {}

    def on_surface(change):  # registered first: the preset is in place before the redraw
        ex = holder.get("ex")
        if ex is None:
            return
        s = SURFACES[change["new"]]
        ex._held = True
        try:
            controls["x0"].value, controls["y0"].value = s.start
            controls["lr"].value, controls["lr_adaptive"].value = s.lr, s.lr_adaptive
        finally:
            ex._held = False
    controls["surface"].observe(on_surface, names="value")

    play = widgets.Play(value=controls["steps"].value, min=0, max=max_steps, step=1,
                        interval=60, description="play", show_repeat=False,
                        layout=widgets.Layout(width="130px"))
    widgets.link((play, "value"), (controls["steps"], "value"))
    draw(**{k: c.value for k, c in controls.items()})
    freeze_layout(fig)
    ex = holder["ex"] = Explorer(controls, fig, draw, title="The optimizer race")
    ex.play = play
    ex.children = ex.children[:-2] + (widgets.HBox([play]),) + ex.children[-2:]
    ex.artists = {"lines": lines, "heads": heads, "image": image, "stars": stars,
                  "start": start_mark}
    ex.contours = lambda: state["contours"]
    ex.paths = lambda: state["paths"]
    ex.finals = lambda: dict(state["finals"])
    ex.rules = rules
    return ex


def _log_slider(value, lo, hi, description, step=0.05, fmt=".3g"):
    """A FloatLogSlider (10**lo .. 10**hi) with the course's look."""
    return widgets.FloatLogSlider(value=value, min=lo, max=hi, step=step, base=10,
                                  description=description, readout_format=fmt,
                                  continuous_update=True, style={"description_width": "initial"},
                                  layout=widgets.Layout(width="260px"))


# -- 2. the learning rate on a 1-D quadratic --------------------------------------------------
def lr_regime(lr, curvature):
    """Name what gradient descent does on ``f = L θ²/2`` with step ``lr``:
    each step multiplies θ by ``1 - lr L``."""
    r = lr * curvature
    if abs(r - 1.0) <= 1e-9:
        return "lands on the minimum in one step"
    if abs(r - 2.0) <= 1e-9:
        return "bounces between ±θ₀ forever"
    if r < 0.2:
        return "too small: creeps downhill from one side"
    if r < 1:
        return "converges from one side, never overshooting"
    if r < 2:
        return "overshoots and oscillates, but converges"
    return "diverges: every step overshoots by more than it corrects"


def _sci(v, _pos=None):
    """Tick labels like 1e-03, without mathtext (cheaper to draw)."""
    return f"{v:.0e}".replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")


@visualization(MODULE)
def learning_rate_explorer(step=None, lr=0.3, curvature=2.0, theta0=1.5, n_steps=12):
    """Gradient descent on the parabola ``f(θ) = L θ² / 2`` for any learning rate.

    Left: the parabola and the iterates θ₀, θ₁, ... joined in order, so
    overshooting shows as a zigzag across the minimum. Right: the distance to
    the minimum |θ_k| on a log scale (dots) against the prediction
    |1 - lr L|^k |θ₀| (line). The status names the regime: creeping (lr L
    small), one step (lr = 1/L), oscillating but converging (1/L < lr < 2/L),
    bouncing forever (lr = 2/L) or diverging (lr > 2/L), and gives 1/L, 2/L.

    Arguments: ``step`` the learner's ``sgd_step(theta, grad, lr)`` (default:
    the built-in rule); ``lr``, ``curvature`` (L), ``theta0`` and ``n_steps``
    are the controls' first values.

    Example::

        from course.viz.optimizers import learning_rate_explorer
        learning_rate_explorer(step=sgd_step)   # try lr just below and above 2/L
    """
    note = ""
    if step is not None:
        try:
            step(np.array([1.0]), np.array([1.0]), 0.1)
        except NotImplementedError:
            step, note = None, "<br><i>sgd_step is not written yet: the built-in rule runs</i>"
    rule = step or _sgd

    fig = new_figure(8.0, 3.4)
    ax, axr = fig.subplots(1, 2, width_ratios=(1.1, 1))
    grid = np.linspace(-3, 3, 241)
    curve, = ax.plot([], [], color="0.3", lw=1.5)
    path, = ax.plot([], [], color="#d62728", lw=1.0, marker="o", ms=4, zorder=3)
    first, = ax.plot([], [], ls="none", marker="s", ms=7, color="black", zorder=4)
    ax.set(xlim=(-3, 3), xlabel="θ", ylabel="f(θ)")
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    dots, = axr.plot([], [], ls="none", marker="o", ms=4, color="#d62728")
    theory, = axr.plot([], [], color="0.3", lw=1.2)
    axr.set(yscale="log", xlabel="step k", ylabel="|θ_k|")
    axr.xaxis.set_major_locator(MaxNLocator(5, integer=True))
    axr.yaxis.set_major_locator(LogLocator(numticks=4))
    axr.yaxis.set_major_formatter(FuncFormatter(_sci))
    axr.yaxis.set_minor_locator(NullLocator())
    key = (_swatch("#d62728", "|θ_k| of the run", "●") + " &nbsp; "
           + _swatch("#4d4d4d", "prediction |1 − lr L|<sup>k</sup> |θ₀|", "—"))

    def iterates(lr, L, th0, n):
        th = np.array([th0])
        out = [th0]
        with np.errstate(all="ignore"):
            for _ in range(n):
                th = np.asarray(rule(th, L * th, lr), dtype=float).reshape(1)
                out.append(float(th[0]))
        return np.array(out)

    def draw(lr, curvature, theta0, steps):
        L = curvature
        ths = iterates(lr, L, theta0, steps)
        curve.set_data(grid, 0.5 * L * grid ** 2)
        top = 0.5 * L * 9.0
        ax.set_ylim(-0.05 * top, top * 1.05)
        with np.errstate(all="ignore"):
            path.set_data(ths, 0.5 * L * ths ** 2)
            pred = abs(1 - lr * L) ** np.arange(steps + 1) * abs(theta0)
        first.set_data([theta0], [0.5 * L * theta0 ** 2])
        dist = np.abs(ths)
        shown = np.where(dist > 0, dist, np.nan)
        dots.set_data(np.arange(steps + 1), shown)
        theory.set_data(np.arange(steps + 1), np.where(pred > 0, pred, np.nan))
        vals = np.concatenate([shown, pred])
        vals = vals[np.isfinite(vals) & (vals > 0)]
        lo, hi = (max(vals.min(), 1e-300), min(vals.max(), 1e300)) if vals.size else (1e-3, 1.0)
        hi = max(hi, lo * 10)
        axr.set_xlim(-0.5, steps + 0.5)
        axr.set_ylim(lo / 3, hi * 3)
        last = ths[-1]
        where = f"{last:.3g}" if np.isfinite(last) else "overflowed"
        return (f"lr = {lr:.4g}, L = {L:.2f} (1/L = {1 / L:.3g}, 2/L = {2 / L:.3g}): "
                f"lr L = {lr * L:.3g}, each step multiplies θ by 1 − lr L = {1 - lr * L:.3g}"
                f" &middot; <b>{lr_regime(lr, L)}</b> &middot; θ_{steps} = {where}<br>{key}"
                + note)

    controls = {
        "lr": _log_slider(lr, -2, 1, "lr", step=0.01, fmt=".4g"),
        "curvature": slider(curvature, 0.5, 4.0, 0.1, "curvature L"),
        "theta0": slider(theta0, -2.5, 2.5, 0.1, "start θ₀"),
        "steps": int_slider(n_steps, 1, 40, "steps"),
    }
    draw(**{k: c.value for k, c in controls.items()})
    freeze_layout(fig)
    ex = Explorer(controls, fig, draw, title="The learning rate on a parabola")
    ex.artists = {"path": path, "dots": dots, "theory": theory, "curve": curve}
    return ex


# -- 3. mini-batch noise -----------------------------------------------------------------------
def regression_data(n=256, seed=0):
    """``(x, y)``: n points of y = 2x - 1 + noise, x in [-1, 1]: the data the
    mini-batch picture fits with a line ``w x + b``."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    return x, 2.0 * x - 1.0 + 0.6 * rng.normal(size=n)


def lsq_grad(theta, x, y):
    """Gradient of mean((w x + b - y)²)/2 over the given points, theta = (w, b)."""
    r = theta[0] * x + theta[1] - y
    return np.array([np.mean(r * x), np.mean(r)])


def _builtin_batches(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)


@visualization(MODULE)
def minibatch_noise(indices=None, batch_size=8, lr=0.2, epochs=3, seed=0):
    """Mini-batch SGD: how noisy the gradient is for each batch size.

    Left: contours of the squared error of a line ``w x + b`` fitted to 256
    points (star: the least-squares fit); the full-batch gradient-descent path
    (black) and the mini-batch SGD path (orange) from the same start (black
    square), ``epochs`` passes over the data each. Right: at the start point,
    the gradient of every mini-batch of those epochs (orange dots) around the
    full gradient (black cross), and a dashed circle whose radius is the
    theory's root-mean-square distance. The status compares the measured mean
    squared distance ``E‖g_B − g‖²`` with the theory ``tr Σ / B · (N − B)/(N − 1)``
    (sampling without replacement) and counts iterations per epoch, ceil(N / B).

    Arguments: ``indices`` the learner's ``minibatch_indices(n, batch_size, rng)``
    (default: the built-in one); the rest are the controls' first values.

    Example::

        from course.viz.optimizers import minibatch_noise
        minibatch_noise(indices=minibatch_indices)
    """
    note = ""
    if indices is not None:
        try:
            indices(4, 2, np.random.default_rng(0))
        except NotImplementedError:
            indices, note = None, ("<br><i>minibatch_indices is not written yet: the built-in "
                                   "one deals the batches</i>")
    split = indices or _builtin_batches
    x, y = regression_data()
    N = len(x)
    start = np.array([-1.0, 1.0])
    # per-example gradients at the start: their spread is the noise of a batch of one
    r0 = start[0] * x + start[1] - y
    per_example = np.stack([r0 * x, r0], axis=1)
    full0 = per_example.mean(axis=0)
    trace = float(np.sum(per_example.var(axis=0)))     # tr Σ over the N points

    fig = new_figure(8.0, 3.8)
    ax, axg = fig.subplots(1, 2)
    W, B = np.meshgrid(np.linspace(-1.5, 4.0, 120), np.linspace(-2.5, 1.5, 120))
    Z = 0.5 * np.mean((W[..., None] * x + B[..., None] - y) ** 2, axis=-1)
    ax.contour(W, B, Z, levels=np.geomspace(Z.min() + 0.01, Z.max(), 12), colors="0.6",
               linewidths=0.6)
    best = np.linalg.lstsq(np.stack([x, np.ones(N)], 1), y, rcond=None)[0]
    ax.plot(*best, marker="*", ms=12, color="white", mec="black", zorder=5)
    gd_line, = ax.plot([], [], color="black", lw=1.4, marker="o", ms=2.5, zorder=4)
    sgd_line, = ax.plot([], [], color="#ff7f0e", lw=1.0, marker="o", ms=2, zorder=3)
    ax.plot(*start, marker="s", color="black", ms=6, zorder=5)
    ax.set(xlim=(-1.5, 4.0), ylim=(-2.5, 1.5), xlabel="w", ylabel="b")
    cloud = axg.scatter([], [], s=10, color="#ff7f0e", alpha=0.6)
    axg.plot(*full0, marker="x", ms=10, mew=2.5, color="black", ls="none", zorder=4)
    ring, = axg.plot([], [], color="#ff7f0e", lw=1.0, ls="--")
    span = 4.5
    axg.set(xlim=(full0[0] - span, full0[0] + span), ylim=(full0[1] - span, full0[1] + span),
            xlabel="∂L/∂w", ylabel="∂L/∂b", aspect="equal")
    for a in (ax, axg):
        a.xaxis.set_major_locator(MaxNLocator(5))
        a.yaxis.set_major_locator(MaxNLocator(5))
    circle = np.linspace(0, 2 * np.pi, 90)
    key = " &nbsp; ".join([_swatch("black", "full-batch GD", "—"),
                           _swatch("#ff7f0e", "mini-batch SGD", "—"),
                           _swatch("#ff7f0e", "mini-batch gradients at the start", "●"),
                           _swatch("black", "full gradient", "×")])
    loss = lambda p: 0.5 * np.mean((p[0] * x + p[1] - y) ** 2)  # noqa: E731
    state = {}

    def draw(batch_size, lr, epochs, seed):
        bs = min(batch_size, N)
        rng = np.random.default_rng(seed)
        theta, gd = start.copy(), start.copy()
        sgd_path, gd_path, grads = [theta], [gd], []
        batches = []
        for _ in range(epochs):
            for idx in split(N, bs, rng):
                idx = np.asarray(idx)
                batches.append(idx)
                grads.append(lsq_grad(start, x[idx], y[idx]))
                theta = theta - lr * lsq_grad(theta, x[idx], y[idx])
                sgd_path.append(theta)
            gd = gd - lr * lsq_grad(gd, x, y)
            gd_path.append(gd)
        sgd_path, gd_path, grads = np.array(sgd_path), np.array(gd_path), np.array(grads)
        sgd_line.set_data(sgd_path[:, 0], sgd_path[:, 1])
        gd_line.set_data(gd_path[:, 0], gd_path[:, 1])
        cloud.set_offsets(grads)
        # theory for the batch sizes actually dealt (all equal to B unless a short last one)
        sizes = np.array([len(np.asarray(idx)) for idx in batches])
        theory = float(np.mean(trace / sizes * (N - sizes) / (N - 1)))
        radius = np.sqrt(theory)
        ring.set_data(full0[0] + radius * np.cos(circle), full0[1] + radius * np.sin(circle))
        measured = float(np.mean(np.sum((grads - full0) ** 2, axis=1)))
        per_epoch = -(-N // bs)
        state.update(grads=grads, sgd=sgd_path, gd=gd_path, theory=theory, measured=measured)
        return (f"N = {N}, batch size B = {bs}: <b>{per_epoch}</b> iterations per epoch, "
                f"{per_epoch * epochs} updates in {epochs} epoch(s) &middot; gradient noise "
                f"E‖g_B − g‖²: measured <b>{measured:.3f}</b>, theory {theory:.3f} &middot; "
                f"loss after: SGD {loss(sgd_path[-1]):.4f}, full-batch GD "
                f"{loss(gd_path[-1]):.4f} (least squares {loss(best):.4f})<br>{key}" + note)

    controls = {
        "batch_size": dropdown(list(BATCH_SIZES), batch_size, "batch size B"),
        "lr": _log_slider(lr, -2, 0, "lr"),
        "epochs": int_slider(epochs, 1, 10, "epochs"),
        "seed": int_slider(seed, 0, 20, "shuffle seed"),
    }
    draw(**{k: c.value for k, c in controls.items()})
    freeze_layout(fig)
    ex = Explorer(controls, fig, draw, title="Mini-batch gradients: noise against batch size")
    ex.artists = {"sgd": sgd_line, "gd": gd_line, "cloud": cloud, "ring": ring}
    ex.data = (x, y)
    ex.start = start
    ex.run = lambda: dict(state)
    return ex
