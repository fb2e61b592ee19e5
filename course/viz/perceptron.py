"""Visualizations for 01_perceptron: the decision line under the learner's
hands, the learning rule one example at a time, the logic-gate gallery and
the hidden layer that makes XOR possible.

Every function returns an :class:`~course.viz.base.Explorer`; display it as a
cell's last expression. Where a learner's own function fits (``update=``,
``train=``), pass it to watch that code at work; an unanswered exercise
(``NotImplementedError``) falls back to the built-in rule with a note.
"""
import numpy as np
import ipywidgets as widgets
from matplotlib.colors import ListedColormap
from matplotlib.ticker import MaxNLocator

from .. import data
from .base import Explorer, freeze_layout, learner_function, button, dropdown, int_slider, new_figure, slider, visualization

MODULE = "01_perceptron"
CLASS_COLORS = ("#1f77b4", "#ff7f0e")        # class 0, class 1
REGION_CMAP = ListedColormap(["#d6e6f5", "#ffe3c7"])
MISTAKE = "#d62728"
GATES = ("AND", "OR", "NAND", "XOR")
GATE_COLORS = {"AND": "#1b9e77", "OR": "#7570b3", "NAND": "#e7298a", "XOR": "#d95f02"}


# -- the perceptron itself (built-in reference used by the pictures) -------------
def _predict(X, w, b):
    return (np.asarray(X, float) @ np.asarray(w, float) + b > 0).astype(int)


def _update(w, b, x, y, lr):
    err = y - int(x @ w + b > 0)
    return w + lr * err * x, b + lr * err


def _train(X, y, lr=1.0, epochs=100):
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        count = 0
        for x, t in zip(X, y):
            if int(x @ w + b > 0) != t:
                w, b = _update(w, b, x, t, lr)
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, mistakes


# -- drawing helpers ---------------------------------------------------------------
def line_points(w, b, span=50.0):
    """Two far-apart points ``(xs, ys)`` on the line ``w . x + b = 0`` (NaN if w = 0).

    The points are centred on the foot of the perpendicular from the origin,
    ``-b w / ||w||^2``, so the visible part of the line is always covered.
    """
    w = np.asarray(w, float)
    n2 = float(w @ w)
    if n2 == 0.0:
        return np.array([np.nan, np.nan]), np.array([np.nan, np.nan])
    foot = -b * w / n2
    direction = np.array([-w[1], w[0]]) / np.sqrt(n2)
    pts = foot + np.outer([-span, span], direction)
    return pts[:, 0], pts[:, 1]


def _clip(poly, w, b):
    """The part of the convex polygon ``poly`` (m, 2) where ``w . x + b > 0``."""
    z = poly @ np.asarray(w, float) + b
    out, m = [], len(poly)
    for i in range(m):
        p, q, zp, zq = poly[i], poly[(i + 1) % m], z[i], z[(i + 1) % m]
        if zp > 0:
            out.append(p)
        if (zp > 0) != (zq > 0):
            out.append(p + (q - p) * zp / (zp - zq))
    return np.array(out).reshape(-1, 2)


def _box(lo, hi):
    return np.array([[lo, lo], [hi, lo], [hi, hi], [lo, hi]], dtype=float)


def half_plane(w, b, lo, hi):
    """Corners of the part of the square [lo, hi]^2 where ``w . x + b > 0``,
    an (m, 2) array (m = 0 when that part is empty): the box clipped by one
    line, so the shaded class-1 region is a polygon, cheap to redraw."""
    return _clip(_box(lo, hi), w, b)


def _shade(ax, lo, hi):
    """A polygon artist for the class-1 half-plane (update it with ``_set_shade``)."""
    from matplotlib.patches import Polygon
    poly = Polygon(np.zeros((3, 2)), closed=True, facecolor=REGION_CMAP.colors[1],
                   edgecolor="none", zorder=0)
    ax.add_patch(poly)
    ax.set_facecolor(REGION_CMAP.colors[0])
    return poly


def _set_shade(poly, w, b, lo, hi):
    _set_polygon(poly, half_plane(w, b, lo, hi), lo)


def _set_polygon(poly, corners, lo):
    poly.set_xy(corners if len(corners) >= 3 else np.full((3, 2), lo - 10.0))


def _fmt(v):
    return f"{v:+.2f}"


# -- 1. sliders move the decision line -------------------------------------------
@visualization(MODULE)
def decision_line_explorer(X=None, y=None, w=(1.0, -0.5), b=0.2):
    """Move the weights and the bias with sliders and watch the decision line.

    Shows the 2-D points ``X`` coloured by label ``y``, the line
    ``w1 x1 + w2 x2 + b = 0``, the half-plane predicted as class 1 (shaded
    orange), the weight vector ``w`` drawn as an arrow from the point of the
    line nearest the origin (it is the line's normal), the distance
    ``|b| / ||w||`` from the origin to the line, and a red ring around every
    misclassified point.

    Arguments: ``X`` (n, 2) and ``y`` (n,) of 0/1 (default: a linearly
    separable set from ``course.data.linearly_separable``); ``w`` and ``b``
    the starting slider values.

    Example::

        from course.viz.perceptron import decision_line_explorer
        decision_line_explorer()          # then try to reach 0 mistakes
    """
    if X is None:
        X, y = data.linearly_separable(n=40, margin=0.4, seed=3)
    X, y = np.asarray(X, float), np.asarray(y).astype(int)
    lo, hi = -2.5, 2.5

    fig = new_figure(5.2, 4.6)
    ax = fig.add_subplot()
    ax.set(xlim=(lo, hi), ylim=(lo, hi), aspect="equal", xlabel="x₁", ylabel="x₂",
           xticks=[-2, -1, 0, 1, 2], yticks=[-2, -1, 0, 1, 2])
    region = _shade(ax, lo, hi)
    ax.scatter(X[:, 0], X[:, 1], c=[CLASS_COLORS[t] for t in y], s=28, zorder=3,
               edgecolors="white", linewidths=0.5)
    rings = ax.scatter([], [], s=110, facecolors="none", edgecolors=MISTAKE, linewidths=1.6,
                       zorder=4)
    line, = ax.plot([], [], color="black", lw=2, zorder=2)
    offset, = ax.plot([], [], color="black", lw=1, ls=":", zorder=2)
    ax.plot([0], [0], marker="+", color="black", ms=8, zorder=2)
    arrow = ax.quiver([0.0], [0.0], [0.0], [0.0], angles="xy", scale_units="xy", scale=1,
                      color="#2ca02c", width=0.012, zorder=5)
    ax.legend(handles=[
        ax.scatter([], [], color=CLASS_COLORS[0], s=28, label="class 0"),
        ax.scatter([], [], color=CLASS_COLORS[1], s=28, label="class 1"),
        ax.plot([], [], color="#2ca02c", lw=3, label="$\\mathbf{w}$ (normal)")[0],
    ], loc="upper left", fontsize=8, framealpha=0.9)

    def draw(w1, w2, b):
        wv = np.array([w1, w2])
        _set_shade(region, wv, b, lo, hi)
        line.set_data(*line_points(wv, b))
        wrong = _predict(X, wv, b) != y
        rings.set_offsets(X[wrong] if wrong.any() else np.empty((0, 2)))
        n2 = wv @ wv
        if n2 == 0:
            offset.set_data([], [])
            arrow.set_offsets([[0.0, 0.0]])
            arrow.set_UVC([0.0], [0.0])
            cls = 1 if b > 0 else 0
            return (f"w = (0, 0): there is no line, every point gets class {cls} "
                    f"(b = {b:.2f}) &middot; misclassified: <b>{int(wrong.sum())}</b> of {len(y)}")
        foot = -b * wv / n2
        offset.set_data([0.0, foot[0]], [0.0, foot[1]])
        arrow.set_offsets([foot])
        arrow.set_UVC([w1], [w2])
        return (f"w = ({_fmt(w1)}, {_fmt(w2)}), b = {_fmt(b)} &middot; "
                f"distance from origin |b|/||w|| = {abs(b) / np.sqrt(n2):.2f} &middot; "
                f"misclassified: <b>{int(wrong.sum())}</b> of {len(y)}")

    controls = {"w1": slider(w[0], -3, 3, 0.05, "w₁"),
                "w2": slider(w[1], -3, 3, 0.05, "w₂"),
                "b": slider(b, -3, 3, 0.05, "b")}
    freeze_layout(fig)
    ex = Explorer(controls, fig, draw, title="Weights, bias and the decision line")
    ex.artists = {"line": line, "region": region, "rings": rings, "arrow": arrow,
                  "offset": offset}
    return ex


# -- 2. the learning rule, one example at a time ---------------------------------
def _stepper_data(name):
    if name == "narrow margin":
        return data.linearly_separable(n=30, margin=0.1, seed=11)
    if name == "XOR (not separable)":
        return data.xor_blobs(n=24, std=0.3, seed=1)
    return data.linearly_separable(n=30, margin=0.6, seed=9)


def _trajectory(X, y, lr, epochs, update):
    """Every state of the perceptron, one sample at a time.

    Returns a dict of arrays indexed by step k (k = 0 is the zero start):
    W (K+1, 2), B, sample index, epoch, whether step k's sample was a mistake.
    ``update`` is called on every sample, as the rule says (no change when
    the prediction is right); mistakes are judged with ``X @ w + b > 0``.
    """
    n = len(y)
    w, b = np.zeros(X.shape[1]), 0.0
    W, B, idx, ep, wrong = [w], [b], [-1], [-1], [False]
    per_epoch, converged = [], False
    for e in range(epochs):
        count = 0
        for i in range(n):
            miss = int(X[i] @ w + b > 0) != y[i]
            w, b = update(w, b, X[i], y[i], lr)
            w, b = np.asarray(w, float).reshape(-1), float(b)
            W.append(w), B.append(b), idx.append(i), ep.append(e), wrong.append(miss)
            count += miss
        per_epoch.append(count)
        if count == 0:
            converged = True
            break
    wrong = np.array(wrong)
    return {"W": np.array(W), "B": np.array(B), "idx": np.array(idx), "epoch": np.array(ep),
            "wrong": wrong, "updates": np.cumsum(wrong), "per_epoch": per_epoch,
            "converged": converged, "n": n}


@visualization(MODULE)
def perceptron_stepper(X=None, y=None, lr=1.0, epochs=25, update=None):
    """Step through perceptron learning one example at a time.

    Each step shows the example just visited (ringed: red if the perceptron
    got it wrong and updated, grey if it was right), the decision line after
    the step (solid) and before it (dashed, only when an update happened), the
    weight vector as an arrow, and on the right the number of mistakes in
    every epoch so far. The status line gives the epoch, the sample, the
    mistakes in this epoch and the updates so far.

    Controls: ``step k`` scrubs through the run; the Play button plays it
    (pause with the same button); ``step`` advances one example, ``next
    update`` jumps to the next mistake, ``reset`` goes back to zero weights;
    ``data`` picks a wide-margin, narrow-margin or non-separable (XOR) set.

    Arguments: ``X`` (n, 2), ``y`` (n,) of 0/1 to use instead of the data
    menu; ``lr`` learning rate; ``epochs`` the most epochs to run;
    ``update`` the learner's ``perceptron_update(w, b, x, y, lr)`` (default:
    the built-in rule).

    Example::

        from course.viz.perceptron import perceptron_stepper
        perceptron_stepper(update=perceptron_update)
    """
    choices = ["wide margin", "narrow margin", "XOR (not separable)"]
    fixed = X is not None
    probe_x = np.array([1.0, 1.0])
    update, note = learner_function(update, lambda f: f(np.zeros(2), 0.0, probe_x, 1, lr),
                                    _update)
    lo, hi = -2.7, 2.7

    fig = new_figure(8.6, 4.2)
    gs = fig.add_gridspec(1, 2, width_ratios=(1.25, 1))
    ax = fig.add_subplot(gs[0])
    axm = fig.add_subplot(gs[1])
    ax.set(xlim=(lo, hi), ylim=(lo, hi), aspect="equal", xlabel="x₁", ylabel="x₂",
           xticks=[-2, 0, 2], yticks=[-2, 0, 2])
    region = _shade(ax, lo, hi)
    points = ax.scatter([], [], s=26, zorder=3, edgecolors="white", linewidths=0.5)
    current = ax.scatter([], [], s=190, facecolors="none", linewidths=2.4, zorder=4)
    before, = ax.plot([], [], color="0.35", lw=1.3, ls="--", zorder=2)
    after, = ax.plot([], [], color="black", lw=2, zorder=2)
    arrow = ax.quiver([0.0], [0.0], [0.0], [0.0], angles="xy", scale_units="xy", scale=1,
                      color="#2ca02c", width=0.012, zorder=5)
    axm.set(xlabel="epoch", ylabel="mistakes")
    axm.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    axm.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    curve, = axm.plot([], [], marker="o", color="#9467bd", lw=1.5, ms=5)
    axm.axhline(0, color="0.6", lw=0.8)

    state = {"name": None, "run": None, "X": None, "y": None}

    def load(name):
        if fixed:
            Xd, yd = np.asarray(X, float), np.asarray(y).astype(int)
        else:
            Xd, yd = _stepper_data(name)
        state.update(name=name, X=Xd, y=yd, run=_trajectory(Xd, yd, lr, epochs, update))
        points.set_offsets(Xd)
        points.set_facecolors([CLASS_COLORS[t] for t in yd])
        last = len(state["run"]["B"]) - 1
        k_slider.max = max(last, 1)
        fit_play()

    def fit_play():
        # Play pauses when value + step would pass max; this max lets every
        # speed reach the last step (the linked slider clamps the overshoot)
        play.max = k_slider.max + play.step - 1

    def draw(k, data):
        if data != state["name"]:
            load(data)
        run, Xd = state["run"], state["X"]
        last = len(run["B"]) - 1
        k = min(k, last)
        w, b = run["W"][k], run["B"][k]
        _set_shade(region, w, b, lo, hi)
        after.set_data(*line_points(w, b))
        arrow.set_offsets([-b * w / (w @ w)] if w @ w > 0 else [[0.0, 0.0]])
        arrow.set_UVC([w[0]], [w[1]])
        miss = bool(run["wrong"][k])
        before.set_data(*(line_points(run["W"][k - 1], run["B"][k - 1]) if miss
                          else ([], [])))
        if k == 0:
            current.set_offsets(np.empty((0, 2)))
        else:
            current.set_offsets(Xd[run["idx"][k]][None])
            current.set_edgecolors([MISTAKE if miss else "0.45"])
        epoch = int(run["epoch"][k])
        done = list(run["per_epoch"][:max(epoch, 0)])
        in_epoch = int(run["wrong"][1:k + 1][run["epoch"][1:k + 1] == epoch].sum()) if k else 0
        shown = done + ([in_epoch] if k else [])
        curve.set_data(np.arange(1, len(shown) + 1), shown)
        axm.set_xlim(0.5, max(len(run["per_epoch"]), 5) + 0.5)
        axm.set_ylim(-0.3, max(max(run["per_epoch"]), 1) + 0.8)

        n = run["n"]
        if k == 0:
            head = "step 0: w = (0, 0), b = 0 &middot; press play or step"
        else:
            verdict = (f"<b style='color:{MISTAKE}'>mistake: update</b>" if miss
                       else "correct: no change")
            head = (f"step {k} &middot; epoch <b>{epoch + 1}</b>, sample {run['idx'][k] + 1}/{n}"
                    f" ({verdict}) &middot; mistakes this epoch: <b>{in_epoch}</b>"
                    f" &middot; updates so far: {int(run['updates'][k])}")
        tail = f" &middot; w = ({_fmt(w[0])}, {_fmt(w[1])}), b = {_fmt(b)}"
        if k == last:
            if run["converged"]:
                tail += (f"<br><b>converged</b>: epoch {len(run['per_epoch'])} had no mistakes "
                         f"({int(run['updates'][k])} updates in all)")
            else:
                tail += (f"<br><b>not converged</b>: still {run['per_epoch'][-1]} mistakes "
                         f"in epoch {len(run['per_epoch'])} (stopped at the {epochs}-epoch cap)")
            play.playing = False
        return head + tail + note

    k_slider = int_slider(0, 0, 1, "step k")
    play = widgets.Play(value=0, min=0, max=1, step=1, interval=250, description="play",
                        show_repeat=False, layout=widgets.Layout(width="130px"))
    widgets.link((play, "value"), (k_slider, "value"))
    menu = dropdown(choices, choices[0], "data")
    menu.disabled = fixed
    speed = dropdown({"1 sample": 1, "5 samples": 5, "20 samples": 20}, 1, "per tick")

    def on_speed(change):
        play.step = change["new"]
        fit_play()
    speed.observe(on_speed, names="value")

    def on_data(_change):  # registered before the Explorer's observer: start over first,
        with ex.hold():     # and let the Explorer's own observer redraw once
            k_slider.value = 0
    menu.observe(on_data, names="value")

    freeze_layout(fig)
    ex = Explorer({"k": k_slider, "data": menu}, fig, draw,
                  title="The perceptron learning rule, one example at a time")

    def go(k):
        k_slider.value = int(min(max(k, 0), k_slider.max))

    def next_update():
        wrong = state["run"]["wrong"]
        later = np.flatnonzero(wrong[k_slider.value + 1:])
        go(k_slider.value + 1 + later[0] if len(later) else k_slider.max)

    actions = {"step": (button("step", "step-forward"), lambda: go(k_slider.value + 1)),
               "next update": (button("next update", "fast-forward"), next_update),
               "reset": (button("reset", "undo"), lambda: go(0))}
    for name, (btn, fn) in actions.items():
        btn.on_click(lambda _b, fn=fn: fn())  # the slider's observer redraws once
        ex.buttons[name] = btn
    ex.buttons["next update"].layout.width = "130px"
    ex.play = play
    ex.speed = speed
    ex.artists = {"line": after, "before": before, "current": current, "region": region,
                  "arrow": arrow, "points": points, "curve": curve}
    ex.trajectory = lambda: state["run"]   # the precomputed run now shown
    ex.children = ex.children[:-2] + (
        widgets.HBox([play, speed] + [btn for btn, _ in actions.values()]),) + ex.children[-2:]
    return ex


# -- 3. AND / OR / NAND / XOR gallery -------------------------------------------
@visualization(MODULE)
def gate_gallery(train=None, max_epochs=12, lr=1.0):
    """Train a perceptron on AND, OR, NAND and XOR side by side, epoch by epoch.

    Top row: the four inputs of each gate (blue = 0, orange = 1), the learned
    line after the chosen number of epochs, the class-1 region shaded and
    wrongly classified inputs ringed in red. Bottom: mistakes per epoch for
    each gate. AND, OR and NAND reach an epoch with no mistakes and stop;
    XOR never does, however many epochs it is given.

    Arguments: ``train`` the learner's ``train_perceptron(X, y, lr, epochs)``
    (default: the built-in one), called with ``epochs = 1, 2, ...`` to get the
    state after each epoch; ``max_epochs`` the slider's range; ``lr``.

    Example::

        from course.viz.perceptron import gate_gallery
        gate_gallery(train=train_perceptron)
    """
    X, _ = data.gate("AND")
    train, note = learner_function(train, lambda f: f(X, data.gate("OR")[1], lr, 1), _train)
    # state after e epochs, e = 0..max_epochs (0 = zero start)
    states, runs = {}, {}
    for g in GATES:
        _, t = data.gate(g)
        states[g] = [(np.zeros(2), 0.0)]
        for e in range(1, max_epochs + 1):
            w, b, _m = train(X, t, lr, e)
            states[g].append((np.asarray(w, float), float(b)))
        runs[g] = list(train(X, t, lr, max_epochs)[2])
    lo, hi = -0.5, 1.5

    fig = new_figure(8.8, 4.6)
    gs = fig.add_gridspec(2, 4, height_ratios=(1.15, 1))
    artists = {}
    for j, g in enumerate(GATES):
        ax = fig.add_subplot(gs[0, j])
        _, t = data.gate(g)
        ax.set(xlim=(lo, hi), ylim=(lo, hi), aspect="equal", xticks=[], yticks=[])
        ax.set_title(g, fontsize=11, fontweight="bold", color=GATE_COLORS[g])
        region = _shade(ax, lo, hi)
        ax.scatter(X[:, 0], X[:, 1], c=[CLASS_COLORS[v] for v in t], s=70, zorder=3,
                   edgecolors="black", linewidths=0.6)
        rings = ax.scatter([], [], s=230, facecolors="none", edgecolors=MISTAKE,
                           linewidths=2, zorder=4)
        line, = ax.plot([], [], color="black", lw=2, zorder=2)
        artists[g] = (region, rings, line, t)
    axm = fig.add_subplot(gs[1, :])
    axm.set(xlabel="epoch", ylabel="mistakes in the epoch", xlim=(0.5, max_epochs + 0.5),
            ylim=(-0.3, 4.5))
    axm.axhline(0, color="0.6", lw=0.8)
    curves = {g: axm.plot([], [], marker="o", lw=1.6, ms=5, color=GATE_COLORS[g], label=g)[0]
              for g in GATES}
    axm.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    axm.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    marker = axm.axvline(0, color="0.3", ls=":", lw=1)

    def draw(epoch):
        parts = []
        for g in GATES:
            region, rings, line, t = artists[g]
            w, b = states[g][epoch]
            _set_shade(region, w, b, lo, hi)
            line.set_data(*line_points(w, b))
            wrong = _predict(X, w, b) != t
            rings.set_offsets(X[wrong] if wrong.any() else np.empty((0, 2)))
            m = runs[g][:epoch]
            curves[g].set_data(np.arange(1, len(m) + 1), m)
            done = len(runs[g]) <= epoch and runs[g][-1] == 0
            parts.append(f"<b>{g}</b>: converged in epoch {len(runs[g])}" if done
                         else f"<b>{g}</b>: {int(wrong.sum())} of 4 wrong")
        marker.set_xdata([epoch, epoch])
        tail = ("" if epoch < max_epochs else
                " &middot; XOR still makes mistakes in every epoch: no line separates it")
        return f"after epoch {epoch}: " + " &middot; ".join(parts) + tail + note

    controls = {"epoch": int_slider(0, 0, max_epochs, "epochs trained")}
    freeze_layout(fig)
    ex = Explorer(controls, fig, draw, title="Logic gates: which ones can one perceptron learn?")
    ex.artists = {g: {"region": artists[g][0], "rings": artists[g][1], "line": artists[g][2],
                      "curve": curves[g]} for g in GATES}
    return ex


# -- 4. a hidden layer makes XOR separable ---------------------------------------
def _step(z):
    return (z > 0).astype(int)


@visualization(MODULE)
def xor_hidden_layer(b_or=-0.5, b_nand=1.5, b_out=-1.5):
    """A two-layer network of step units that computes XOR, with its biases on sliders.

    Hidden unit 1 is an OR unit (weights (1, 1), bias ``b_or``), hidden unit
    2 a NAND unit (weights (-1, -1), bias ``b_nand``); the output is an AND
    unit (weights (1, 1), bias ``b_out``) of the two hidden outputs.
    Left: the input square with both hidden lines and the region the whole
    network calls 1. Right: where the hidden layer sends each input, and the
    output unit's line in that new space, where XOR has become separable.
    Each slider's label has the colour of its unit's line.

    Example::

        from course.viz.perceptron import xor_hidden_layer
        xor_hidden_layer()
    """
    X, target = data.gate("XOR")
    W1 = np.array([[1.0, -1.0], [1.0, -1.0]])     # columns: OR unit, NAND unit
    w2 = np.array([1.0, 1.0])
    lo, hi = -0.5, 1.5

    fig = new_figure(8.6, 4.3)
    ax, axh = fig.subplots(1, 2)
    ax.set(xlim=(lo, hi), ylim=(lo, hi), aspect="equal", xticks=[0, 1], yticks=[0, 1],
           xlabel="x₁", ylabel="x₂")
    ax.set_title("input space", fontsize=9)
    axh.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), aspect="equal", xticks=[0, 1], yticks=[0, 1],
            xlabel="h₁ = OR unit", ylabel="h₂ = NAND unit")
    axh.set_title("hidden space", fontsize=9)
    ax.set_facecolor(REGION_CMAP.colors[0])
    cells = [_shade(ax, lo, hi) for _ in range(4)]   # one per hidden pattern (h1, h2)
    cols = [CLASS_COLORS[v] for v in target]
    ax.scatter(X[:, 0], X[:, 1], c=cols, s=80, zorder=3, edgecolors="black", linewidths=0.6)
    l_or, = ax.plot([], [], color=GATE_COLORS["OR"], lw=2)
    l_nand, = ax.plot([], [], color=GATE_COLORS["NAND"], lw=2)
    hregion = _shade(axh, -0.5, 1.5)
    # inputs landing on the same hidden point are nudged apart so all four show
    nudge = np.array([[-0.07, -0.07], [-0.07, 0.07], [0.07, -0.07], [0.07, 0.07]])
    hpoints = axh.scatter(np.zeros(4), np.zeros(4), c=cols, s=80, zorder=3,
                          edgecolors="black", linewidths=0.6)
    labels = [axh.text(0, 0, f"{int(a)}{int(c)}", fontsize=7, zorder=4)
              for a, c in X]
    l_out, = axh.plot([], [], color="black", lw=2)

    def forward(P, b1, b2, b3):
        H = _step(P @ W1 + np.array([b1, b2]))
        return H, _step(H @ w2 + b3)

    def draw(b_or, b_nand, b_out):
        l_or.set_data(*line_points(W1[:, 0], b_or))
        l_nand.set_data(*line_points(W1[:, 1], b_nand))
        l_out.set_data(*line_points(w2, b_out))
        # the network says 1 on the cells of the input square whose hidden
        # pattern (h1, h2) the output unit maps to 1
        for cell, (h1, h2) in zip(cells, [(0, 0), (0, 1), (1, 0), (1, 1)]):
            fires = h1 * w2[0] + h2 * w2[1] + b_out > 0
            part = _box(lo, hi)
            for col, h in ((0, h1), (1, h2)):
                sign = 1.0 if h else -1.0
                part = _clip(part, sign * W1[:, col], sign * [b_or, b_nand][col]) \
                    if len(part) else part
            _set_polygon(cell, part if fires else np.empty((0, 2)), lo)
        _set_shade(hregion, w2, b_out, -0.5, 1.5)
        H, out = forward(X, b_or, b_nand, b_out)
        spots = H + nudge
        hpoints.set_offsets(spots)
        for text, (px, py) in zip(labels, spots):
            text.set_position((px + 0.05, py + 0.05))
        right = int((out == target).sum())
        table = ", ".join(f"{int(a)}{int(c)}&rarr;{o}" for (a, c), o in zip(X, out))
        verdict = ("<b>the network computes XOR</b>" if right == 4
                   else f"<b>{4 - right} of 4 wrong</b>")
        return f"outputs: {table} &middot; {verdict}"

    controls = {"b_or": slider(b_or, -2.5, 1.0, 0.05, "OR bias"),
                "b_nand": slider(b_nand, -1.0, 2.5, 0.05, "NAND bias"),
                "b_out": slider(b_out, -2.5, 0.5, 0.05, "AND bias")}
    # the slider labels carry the colours of their lines (no legend to redraw)
    for name, color in (("b_or", GATE_COLORS["OR"]), ("b_nand", GATE_COLORS["NAND"]),
                        ("b_out", "black")):
        ctrl = controls[name]
        ctrl.description_allow_html = True
        ctrl.description = f"<b style='color:{color}'>{ctrl.description}</b>"
    freeze_layout(fig)
    ex = Explorer(controls, fig, draw, title="A hidden layer makes XOR separable")
    ex.artists = {"or_line": l_or, "nand_line": l_nand, "out_line": l_out, "cells": cells,
                  "hidden_region": hregion, "hidden_points": hpoints}
    ex.nudge = nudge
    return ex
