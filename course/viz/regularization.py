"""Visualizations for 08_regularization: what overfitting looks like and what
each regularizer does about it.

- ``overfitting_explorer``: a small network trained on a handful of noisy 2-D
  points; capacity (hidden width), L2 strength, dropout and the number of
  training points against the decision boundary and the train/validation
  loss curves, with an epoch slider that shows where early stopping would stop;
- ``dropout_explorer``: one layer's units, the keep mask drawn for a rate p,
  the kept units rescaled by 1/(1-p) (inverted dropout) or the outputs scaled
  by 1-p at evaluation (classic dropout), and the average over many masks
  settling on the undropped activations;
- ``sparsity_explorer``: a linear model with twenty features, five of them
  useful, fitted under L1, L2 or elastic net: the weights, their paths as the
  penalty grows (L1 sets weights exactly to zero, L2 only shrinks them) and the
  train/validation error against lambda;
- ``augmentation_viewer``: a handwritten digit with Gaussian noise and a
  horizontal flip, and what a classifier trained on unflipped digits makes of
  the result (flipping changes what a digit means).

The built-in regularizers follow the module's conventions: L2 penalty
``lam * sum W**2`` (gradient ``2 lam W``), inverted dropout with drop
probability ``p``.
"""
from collections import OrderedDict

import numpy as np
import ipywidgets as widgets
from matplotlib import colormaps
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

from .base import (Explorer, dropdown, freeze_layout, int_slider, new_figure, slider,
                   visualization)

__all__ = ["overfitting_explorer", "dropout_explorer", "sparsity_explorer",
           "augmentation_viewer", "train_regularized_net", "digit_classifier",
           "classifier_loss_and_grad", "classifier_proba", "fit_penalized", "penalty_path", "NOISE"]

MODULE = "08_regularization"
TRAIN_COLOR, VAL_COLOR = "#1f77b4", "#ff7f0e"
HEAT = colormaps["RdBu_r"]


def _swatch(color, text, mark="■"):
    """A coloured key entry for the status line (the figures carry no legend)."""
    return f"<span style='color:{color}'><b>{mark} {text}</b></span>"


def _rects(x, heights, width):
    """Corner lists of bars centred at ``x`` from 0 to ``heights``."""
    x = np.asarray(x, float)
    h = np.asarray(heights, float)
    left, right = x - width / 2, x + width / 2
    zero = np.zeros_like(h)
    return np.stack([np.c_[left, zero], np.c_[left, h], np.c_[right, h], np.c_[right, zero]],
                    axis=1)


def _bars(ax, x, heights, width=0.8, **kw):
    """A bar chart as ONE PolyCollection (far cheaper to redraw than a patch per
    bar); update it with ``set_bars``."""
    from matplotlib.collections import PolyCollection

    coll = PolyCollection(_rects(x, heights, width), **kw)
    coll.bar_x, coll.bar_width = np.asarray(x, float), width
    ax.add_collection(coll)
    return coll


def set_bars(coll, heights):
    """New heights for a bar collection made by ``_bars``."""
    coll.set_verts(_rects(coll.bar_x, heights, coll.bar_width))
    coll.heights = np.asarray(heights, float).copy()


def bar_heights(coll):
    """The heights a bar collection shows (read back from its polygons)."""
    return np.array([path.vertices[1, 1] for path in coll.get_paths()])


def _outlines(x, heights, width, color="0.4"):
    """Unfilled bars (static), as one collection."""
    from matplotlib.collections import PolyCollection

    return PolyCollection(_rects(x, heights, width), facecolor="none", edgecolor=color,
                          linewidths=1.2, zorder=3)


def _fixed_ticks(axis, values, labels=None):
    axis.set_major_locator(FixedLocator(values))
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(FixedFormatter(labels if labels is not None
                                            else [f"{v:g}" for v in values]))


def _log_slider(value, lo, hi, description, step=0.25, fmt=".0e"):
    return widgets.FloatLogSlider(value=value, min=lo, max=hi, step=step, base=10,
                                  description=description, readout_format=fmt,
                                  continuous_update=True, style={"description_width": "initial"},
                                  layout=widgets.Layout(width="260px"))


# =============================================================================================
# 1. The overfitting explorer
# =============================================================================================
#: Noise level of each data set in the explorer (course.data.dataset_2d's ``noise``).
NOISE = {"circles": 0.25, "xor": 0.5, "spirals": 1.0}


def _unpack(theta, width):
    """Views ``W1 (2, H), b1 (H,), W2 (H,), b2 ()`` into a flat parameter vector."""
    H = width
    return (theta[:2 * H].reshape(2, H), theta[2 * H:3 * H], theta[3 * H:4 * H], theta[4 * H])


def _init(width, seed):
    rng = np.random.default_rng(seed)
    theta = np.empty(4 * width + 1)
    W1, b1, W2, _ = _unpack(theta, width)
    W1[:] = 1.5 * rng.standard_normal((2, width))
    b1[:] = rng.uniform(-1.0, 1.0, width)
    W2[:] = rng.standard_normal(width) / np.sqrt(width)
    theta[-1] = 0.0
    return theta


def classifier_logits(theta, X, width):
    """Logits of the explorer's network ``2 -> width (tanh) -> 1`` at the points X (n, 2)."""
    W1, b1, W2, b2 = _unpack(theta, width)
    return np.tanh(X @ W1 + b1) @ W2 + b2


def classifier_proba(theta, X, width):
    """P(class 1) of the explorer's network at the points X (n, 2)."""
    return 0.5 * (1.0 + np.tanh(0.5 * classifier_logits(theta, X, width)))   # stable sigmoid


def _bce(z, y):
    """Mean binary cross-entropy from logits z and 0/1 targets y (stable)."""
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def classifier_loss_and_grad(theta, X, y, width, lam=0.0, mask=None, with_loss=True):
    """Training loss and its gradient (flat, like theta) for one full batch.

    loss = mean BCE(logits, y) + lam * (sum W1**2 + sum W2**2) (biases are not
    penalised); ``mask`` (n, width) is an inverted-dropout mask already divided
    by 1 - p (None: no dropout). ``with_loss=False`` skips the loss (None).
    """
    W1, b1, W2, b2 = _unpack(theta, width)
    a = np.tanh(X @ W1 + b1)
    h = a if mask is None else a * mask
    z = h @ W2 + b2
    loss = _bce(z, y) + lam * (np.sum(W1 * W1) + np.sum(W2 * W2)) if with_loss else None
    dz = (0.5 * (1.0 + np.tanh(0.5 * z)) - y) / len(y)
    dh = np.outer(dz, W2)
    if mask is not None:
        dh *= mask
    da = dh * (1.0 - a * a)
    grad = np.concatenate([(X.T @ da + 2 * lam * W1).ravel(), da.sum(0),
                           h.T @ dz + 2 * lam * W2, [dz.sum()]])
    return loss, grad


def train_regularized_net(X, y, X_val, y_val, width, lam=0.0, p=0.0, epochs=200, lr=0.05,
                          every=5, seed=0):
    """Train the explorer's network with full-batch Adam and record it.

    The loss is mean BCE + ``lam * sum W**2`` over both weight matrices; ``p``
    is the dropout (drop) probability on the hidden units, inverted as in
    ``nn.Dropout``. Every ``every`` epochs (and at 0) the network is saved
    and evaluated **without** dropout and without the penalty, so that train
    and validation losses are comparable.

    Returns a dict: ``epochs`` (k,), ``train_loss``, ``val_loss``, ``train_acc``,
    ``val_acc`` (k,), ``thetas`` (k, n_params) and ``width``.
    """
    rng = np.random.default_rng(seed + 1)       # dropout masks
    theta = _init(width, seed)
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    y, y_val = np.asarray(y, float), np.asarray(y_val, float)
    checkpoints = list(range(0, epochs + 1, every))
    rec = {k: np.empty(len(checkpoints)) for k in ("train_loss", "val_loss", "train_acc",
                                                   "val_acc")}
    thetas = np.empty((len(checkpoints), theta.size))
    keep = 1.0 - p
    b1, b2 = 0.9, 0.999
    for t in range(epochs + 1):
        if t % every == 0:
            i = t // every
            thetas[i] = theta
            for split, (XX, yy) in (("train", (X, y)), ("val", (X_val, y_val))):
                z = classifier_logits(theta, XX, width)
                rec[f"{split}_loss"][i] = _bce(z, yy)
                rec[f"{split}_acc"][i] = np.mean((z > 0) == (yy > 0.5))
        if t == epochs:
            break
        mask = None
        if p > 0:
            mask = (rng.random((len(X), width)) < keep) / keep
        _, g = classifier_loss_and_grad(theta, X, y, width, lam, mask, with_loss=False)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        k = t + 1
        theta = theta - (lr / (1 - b1 ** k)) * m / (np.sqrt(v / (1 - b2 ** k)) + 1e-8)
    rec.update(epochs=np.array(checkpoints), thetas=thetas, width=width)
    return rec


def _explorer_data(name, n_train, seed=0):
    """Train points (n_train), validation points (200) and the view box."""
    from course.data import dataset_2d

    X, y = dataset_2d(name, n=n_train, noise=NOISE[name], seed=seed)
    Xv, yv = dataset_2d(name, n=200, noise=NOISE[name], seed=seed + 1000)
    both = np.vstack([X, Xv])
    lo, hi = np.percentile(both, 1, axis=0), np.percentile(both, 99, axis=0)
    half = 0.55 * max(hi - lo) + 0.15
    mid = 0.5 * (lo + hi)
    box = (mid[0] - half, mid[0] + half, mid[1] - half, mid[1] + half)
    return X, y, Xv, yv, box


WIDTHS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)


@visualization(MODULE)
def overfitting_explorer(data="circles", width=48, lam=1e-5, dropout=0.0, n_train=30,
                         epochs=200, epoch=None, seed=0, grid=64, cache_size=256):
    """Watch a small network overfit a few noisy points, and regularize it.

    Left: the decision boundary of a ``2 -> width (tanh) -> 1`` classifier
    (colour = P(class 1), black line = 0.5) with the training points (large,
    black edge) and the validation points (small, faint). Right: training and
    validation loss (binary cross-entropy, log scale) against the epoch, the
    current epoch (grey line) and the epoch with the lowest validation loss
    (star: where early stopping would stop). The status gives both losses,
    the gap between them, the accuracies and the parameter count.

    Controls: ``data`` (circles, xor, spirals), ``width`` (hidden units: the
    capacity), ``L2 λ`` (log scale; the penalty λ ΣW², gradient 2λW), ``dropout
    p`` (drop probability on the hidden units during training), ``train
    points`` and ``epoch`` (show the network as it was then). Each setting is
    trained once with full-batch Adam (lr 0.05, ``epochs`` epochs), then
    cached, so going back to it is instant.

    Arguments: the controls' first values, ``seed`` (data, initialisation and
    dropout masks), ``grid`` (heatmap resolution), ``cache_size`` (trained
    settings kept).

    Example::

        from course.viz.regularization import overfitting_explorer
        overfitting_explorer(width=64, lam=1e-3, dropout=0.2)
    """
    epochs = int(epochs)
    every = 5
    cache = OrderedDict()
    data_cache = {}

    def data_for(name, n):
        key = (name, n)
        if key not in data_cache:
            data_cache[key] = _explorer_data(name, n, seed)
        return data_cache[key]

    def run(name, n, w, lam_, p):
        key = (name, n, w, round(float(np.log10(lam_)), 3), round(float(p), 3))
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        X, y, Xv, yv, _ = data_for(name, n)
        rec = train_regularized_net(X, y, Xv, yv, w, lam=lam_, p=p, epochs=epochs, every=every,
                               seed=seed)
        cache[key] = rec
        if len(cache) > cache_size:
            cache.popitem(last=False)
        return rec

    fig = new_figure(8.4, 3.7)
    ax, axl = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.2]})
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    image = ax.imshow(np.zeros((2, 2, 4), np.uint8), origin="lower", interpolation="bilinear",
                      zorder=0)
    val_pts = ax.scatter([], [], s=9, marker="o", linewidths=0, alpha=0.55, zorder=2)
    train_pts = ax.scatter([], [], s=34, marker="o", edgecolors="black", linewidths=0.8,
                           zorder=3)
    axl.set(xlabel="epoch", ylabel="loss (BCE)", yscale="log", xlim=(0, epochs),
            ylim=(2e-3, 5.0))
    _fixed_ticks(axl.yaxis, [0.01, 0.1, 1.0])
    tick = max(int(10 ** np.floor(np.log10(max(epochs, 1)))), 1)     # 100 for 200 epochs
    _fixed_ticks(axl.xaxis, list(range(0, epochs + 1, tick)))
    axl.grid(True, which="major", alpha=0.3)
    train_line, = axl.plot([], [], color=TRAIN_COLOR, lw=1.8)
    val_line, = axl.plot([], [], color=VAL_COLOR, lw=1.8)
    now_line = axl.axvline(0, color="0.4", lw=1.0, ls="--")
    now_dots, = axl.plot([], [], ls="none", marker="o", ms=6, color="black", zorder=4)
    best_star, = axl.plot([], [], ls="none", marker="*", ms=14, color=VAL_COLOR, mec="black",
                          mew=0.7, zorder=5)
    state = {"view": None, "contour": None, "grid": None, "rec": None, "index": None}

    def show_data(name, n):
        X, y, Xv, yv, box = data_for(name, n)
        colors = np.where(y[:, None] == 1, [0.84, 0.15, 0.16, 1.0], [0.12, 0.47, 0.71, 1.0])
        vcolors = np.where(yv[:, None] == 1, [0.84, 0.15, 0.16, 1.0], [0.12, 0.47, 0.71, 1.0])
        train_pts.set_offsets(X)
        train_pts.set_facecolor(colors)
        val_pts.set_offsets(Xv)
        val_pts.set_facecolor(vcolors)
        x0, x1, y0, y1 = box
        gx, gy = np.meshgrid(np.linspace(x0, x1, grid), np.linspace(y0, y1, grid))
        state["grid"] = (gx, gy, np.c_[gx.ravel(), gy.ravel()])
        image.set_extent(box)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        state["view"] = (name, n)

    def draw(data, width, lam, dropout, n_train, epoch):
        if state["view"] != (data, n_train):
            show_data(data, n_train)
        rec = run(data, n_train, width, lam, dropout)
        i = int(np.clip(round(epoch / every), 0, len(rec["epochs"]) - 1))
        state["rec"], state["index"] = rec, i
        gx, gy, pts = state["grid"]
        prob = classifier_proba(rec["thetas"][i], pts, width).reshape(gx.shape)
        state["prob"] = prob
        image.set_data(HEAT(0.15 + 0.7 * prob, bytes=True, alpha=0.85))
        if state["contour"] is not None:
            state["contour"].remove()
        state["contour"] = ax.contour(gx, gy, prob, levels=[0.5], colors="black",
                                      linewidths=1.4, zorder=1)
        ep = rec["epochs"]
        tl, vl = np.maximum(rec["train_loss"], 1e-4), np.maximum(rec["val_loss"], 1e-4)
        train_line.set_data(ep, tl)
        val_line.set_data(ep, vl)
        now_line.set_xdata([ep[i], ep[i]])
        now_dots.set_data([ep[i], ep[i]], [tl[i], vl[i]])
        best = int(np.argmin(rec["val_loss"]))
        best_star.set_data([ep[best]], [vl[best]])
        tr, va = rec["train_loss"][i], rec["val_loss"][i]
        n_params = 4 * width + 1
        return (f"epoch {ep[i]}: {_swatch(TRAIN_COLOR, f'train loss {tr:.3f}')} &nbsp; "
                f"{_swatch(VAL_COLOR, f'validation loss {va:.3f}')} &nbsp; "
                f"<b>gap {va - tr:+.3f}</b> &nbsp;·&nbsp; accuracy: train "
                f"{100 * rec['train_acc'][i]:.0f}%, validation {100 * rec['val_acc'][i]:.0f}%"
                f"<br>{_swatch(VAL_COLOR, '', '★')}lowest validation loss "
                f"{rec['val_loss'][best]:.3f} at epoch {ep[best]} (early stopping would keep "
                f"that network) &nbsp;·&nbsp; {width} hidden units, {n_params} parameters, "
                f"{n_train} training points, λ = {lam:.0e}, dropout p = {dropout:.2f}")

    controls = {
        "data": dropdown(list(NOISE), data, "data"),
        "width": widgets.SelectionSlider(options=list(WIDTHS), value=width,
                                         description="width (capacity)",
                                         continuous_update=True,
                                         style={"description_width": "initial"},
                                         layout=widgets.Layout(width="260px")),
        "lam": _log_slider(lam, -6, -1, "L2 λ"),
        "dropout": slider(dropout, 0.0, 0.8, 0.1, "dropout p", readout_format=".1f"),
        "n_train": int_slider(n_train, 10, 200, "train points", step=10),
        "epoch": int_slider(epochs if epoch is None else epoch, 0, epochs, "epoch", step=every),
    }
    draw(**{k: c.value for k, c in controls.items()})
    freeze_layout(fig)
    ex = Explorer(controls, fig, draw, title="Overfitting explorer")
    ex.artists = {"image": image, "train_points": train_pts, "val_points": val_pts,
                  "train_line": train_line, "val_line": val_line, "now": now_line,
                  "now_dots": now_dots, "best": best_star}
    ex.contour = lambda: state["contour"]
    ex.record = lambda: state["rec"]
    ex.index = lambda: state["index"]
    ex.probabilities = lambda: state["prob"]
    ex.data = lambda: data_for(ex.controls["data"].value, ex.controls["n_train"].value)
    ex.grid = lambda: state["grid"]
    ex.cache = cache
    return ex


# =============================================================================================
# 2. Dropout, unit by unit
# =============================================================================================
def _builtin_dropout(X, p, rng, train=True):
    """Inverted dropout (the module's convention): keep with probability 1 - p."""
    if not train or p == 0:
        return X.copy(), np.ones_like(X)
    mask = (rng.random(X.shape) >= p).astype(float)
    if p >= 1:
        return np.zeros_like(X), mask
    return X * mask / (1.0 - p), mask


MODES = ("train (inverted)", "eval (inverted)", "train (classic)", "eval (classic)")


def _probe_dropout(fn):
    try:
        out, mask = fn(np.ones((2, 3)), 0.5, np.random.default_rng(0), train=True)
        if np.shape(out) != (2, 3) or np.shape(mask) != (2, 3):
            return "returned the wrong shapes"
    except NotImplementedError:
        return "is not written yet"
    except Exception as exc:  # noqa: BLE001 - fall back to the built-in
        return f"raised {type(exc).__name__}: {exc}"
    return None


@visualization(MODULE)
def dropout_explorer(dropout_forward=None, p=0.5, mode="train (inverted)", draw_seed=0,
                     n_draws=100, n_units=24, seed=0):
    """One layer's activations going through dropout, unit by unit.

    Top: the activations h of ``n_units`` units (grey outlines) and what leaves
    the dropout layer (blue bars); dropped units get a red cross at zero. Below
    them, the keep mask as a strip of squares (black = kept). Bottom: the
    average of the output over ``draws`` independent masks (blue) against h
    (grey): with inverted dropout it settles on h, because E[mask/(1-p)] = 1.

    Modes: ``train (inverted)`` keeps each unit with probability 1-p and
    multiplies the kept ones by 1/(1-p); ``eval (inverted)`` passes h through
    unchanged (mask all ones); ``train (classic)`` drops without rescaling;
    ``eval (classic)`` multiplies every unit by 1-p instead. Both styles give
    the next layer the same expected input in training and at evaluation.

    Controls: ``p`` (drop probability), ``mode``, ``mask draw`` (a new mask
    for each value: the seed of the generator), ``draws`` (masks averaged in
    the bottom panel).

    Arguments: ``dropout_forward`` the learner's ``dropout_forward(X, p, rng,
    train=True)`` used for the inverted modes (default: the built-in one; a
    function that is not written yet or fails is replaced, the status says
    so); the controls' first values; ``n_units``; ``seed`` (the activations).

    Example::

        from course.viz.regularization import dropout_explorer
        dropout_explorer(dropout_forward=dropout_forward, p=0.3)
    """
    why = _probe_dropout(dropout_forward) if dropout_forward is not None else None
    forward = dropout_forward if dropout_forward is not None and why is None \
        else _builtin_dropout
    h = np.random.default_rng(seed).uniform(0.2, 1.0, n_units)
    idx = np.arange(n_units)

    fig = new_figure(8.0, 5.0)
    gs = fig.add_gridspec(3, 1, height_ratios=[3.0, 0.45, 2.3])
    ax, axm, axa = fig.add_subplot(gs[0]), fig.add_subplot(gs[1]), fig.add_subplot(gs[2])
    ax.set(xlim=(-0.7, n_units - 0.3), ylim=(0, 5.25), ylabel="activation")
    ax.set_xticks([])
    _fixed_ticks(ax.yaxis, [0, 1, 2, 3, 4, 5])
    ax.add_collection(_outlines(idx, h, 0.8))
    bars = _bars(ax, idx, h, 0.8, facecolor=TRAIN_COLOR, alpha=0.85, zorder=2)
    crosses, = ax.plot([], [], ls="none", marker="x", ms=9, mew=2.2, color="#d62728", zorder=4)
    scale_line = ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
    axm.set(xlim=(-0.7, n_units - 0.3), ylim=(-0.5, 0.5))
    axm.set_xticks([])
    axm.set_yticks([0])
    axm.set_yticklabels(["mask"])
    mask_img = axm.imshow(np.zeros((1, n_units)), cmap="gray_r", vmin=0, vmax=1, aspect="auto",
                          extent=(-0.5, n_units - 0.5, -0.5, 0.5), interpolation="nearest")
    axa.set(xlim=(-0.7, n_units - 0.3), ylim=(0, 2.0), xlabel="units of the layer",
            ylabel="average output")
    axa.set_xticks([])
    _fixed_ticks(axa.yaxis, [0, 1, 2])
    axa.add_collection(_outlines(idx, h, 0.8))
    avg_bars = _bars(axa, idx, h, 0.8, facecolor=TRAIN_COLOR, alpha=0.6, zorder=2)
    state = {}

    def outputs(p, mode, draw_seed, n_draws):
        """(out (n_units,), mask, average output over n_draws masks, scale note)."""
        inverted = "inverted" in mode
        train = mode.startswith("train")
        if inverted:
            out, mask = forward(h[None, :], p, np.random.default_rng(draw_seed), train=train)
            many, _ = forward(np.tile(h, (n_draws, 1)), p,
                              np.random.default_rng(10_000 + draw_seed), train=train)
            out, mask = np.asarray(out, float)[0], np.asarray(mask, float)[0]
            avg = np.asarray(many, float).mean(axis=0)
        else:
            if train:
                mask = (np.random.default_rng(draw_seed).random(n_units) >= p).astype(float)
                out = h * mask
                masks = np.random.default_rng(10_000 + draw_seed).random((n_draws, n_units)) >= p
                avg = (h * masks).mean(axis=0)
            else:
                mask = np.ones(n_units)
                out = avg = h * (1.0 - p)
        return out, mask, avg

    def draw(p, mode, draw_seed, n_draws):
        out, mask, avg = outputs(p, mode, draw_seed, n_draws)
        state.update(out=out, mask=mask, avg=avg)
        set_bars(bars, out)
        set_bars(avg_bars, avg)
        dropped = idx[mask == 0]
        crosses.set_data(dropped, np.zeros(len(dropped)) + 0.06)
        mask_img.set_data(mask[None, :])
        inverted, train = "inverted" in mode, mode.startswith("train")
        if inverted and train:
            factor = 1.0 / (1.0 - p) if p < 1 else 0.0
            what = f"kept units × 1/(1−p) = {factor:.2f}"
        elif inverted:
            factor = 1.0
            what = "evaluation: nothing dropped, nothing rescaled"
        elif train:
            factor = 1.0
            what = "kept units unchanged (no rescaling in training)"
        else:
            factor = 1.0 - p
            what = f"evaluation: every unit × (1−p) = {factor:.2f}"
        scale_line.set_ydata([factor, factor])
        kept = int(mask.sum())
        err = np.abs(avg - (h if inverted else h * (1 - p))).max()
        text = (f"<b>{mode}</b>, p = {p:.2f}: kept {kept} of {n_units} units "
                f"({100 * kept / n_units:.0f}%; expected {100 * (1 - p):.0f}% in training); "
                f"{what}<br>sum of activations in {h.sum():.2f}, out {out.sum():.2f} · average "
                f"of {n_draws} masks: largest distance from "
                f"{'h' if inverted else '(1−p)·h'} {err:.3f}")
        if dropout_forward is not None:
            text += (" · drawn by <b>your dropout_forward</b>" if why is None else
                     f"<br><i>your dropout_forward {why}: the built-in one is shown</i>")
        return text

    controls = {
        "p": slider(p, 0.0, 0.8, 0.05, "p (drop)"),
        "mode": dropdown(list(MODES), mode, "mode"),
        "draw_seed": int_slider(draw_seed, 0, 50, "mask draw"),
        "n_draws": int_slider(n_draws, 1, 1000, "draws averaged"),
    }
    draw(**{k: c.value for k, c in controls.items()})
    freeze_layout(fig)
    ex = Explorer(controls, fig, draw, title="Dropout, unit by unit")
    ex.activations = h
    ex.artists = {"bars": bars, "avg_bars": avg_bars, "crosses": crosses, "mask": mask_img,
                  "scale": scale_line}
    ex.current = lambda: dict(state)
    ex.forward = forward
    return ex


# =============================================================================================
# 3. L1 versus L2: sparsity
# =============================================================================================
def sparse_regression_data(n=40, n_val=200, d=20, seed=0):
    """A linear regression with ``d`` features of which 5 matter.

    Returns ``X, y, X_val, y_val, w_true``; the features are standard normal,
    the noise has standard deviation 1.
    """
    rng = np.random.default_rng(seed)
    w_true = np.zeros(d)
    w_true[rng.choice(d, 5, replace=False)] = [3.0, -2.0, 1.5, 1.0, -1.0]
    X = rng.standard_normal((n + n_val, d))
    y = X @ w_true + rng.standard_normal(n + n_val)
    return X[:n], y[:n], X[n:], y[n:], w_true


def fit_penalized(X, y, l1=0.0, l2=0.0, w0=None, iters=2000, tol=1e-10):
    """Minimise ``mean((X w - y)**2) / 2 + l1 * sum|w| + l2 * sum w**2``.

    Proximal gradient descent (FISTA, with adaptive restart): a gradient step on
    the smooth part, then the soft threshold ``sign(v) max(|v| - step*l1, 0)``
    divided by ``1 + 2 step l2``. The soft threshold is what puts weights at
    exactly zero. ``w0`` warm-starts it.
    """
    n, d = X.shape
    A, c = X.T @ X / n, X.T @ y / n
    step = 1.0 / np.linalg.eigvalsh(A)[-1]
    w = np.zeros(d) if w0 is None else np.array(w0, float)
    z, t = w.copy(), 1.0
    for _ in range(iters):
        v = z - step * (A @ z - c)
        w_new = np.sign(v) * np.maximum(np.abs(v) - step * l1, 0.0) / (1.0 + 2 * step * l2)
        if np.dot(z - w_new, w_new - w) > 0:      # momentum points uphill: restart it
            t = 1.0
        t_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        z = w_new + ((t - 1.0) / t_new) * (w_new - w)
        done = np.max(np.abs(w_new - w)) < tol
        w, t = w_new, t_new
        if done:
            break
    return w


def _penalties(kind, lam, alpha):
    if kind == "L1":
        return lam, 0.0
    if kind == "L2":
        return 0.0, lam
    return alpha * lam, (1.0 - alpha) * lam


def penalty_path(X, y, kind, lams, alpha=0.5):
    """Weights (len(lams), d) for each lambda of ``lams`` (any order), warm-started
    from the largest lambda down. L2 alone is solved exactly:
    ``(X^T X / n + 2 lam I) w = X^T y / n``."""
    lams = np.asarray(lams, float)
    out = np.empty((len(lams), X.shape[1]))
    n, d = X.shape
    if kind == "L2":
        A, c = X.T @ X / n, X.T @ y / n
        for i, lam in enumerate(lams):
            out[i] = np.linalg.solve(A + 2 * lam * np.eye(d), c)
        return out
    w = None
    for i in np.argsort(-lams):
        l1, l2 = _penalties(kind, lams[i], alpha)
        w = out[i] = fit_penalized(X, y, l1, l2, w0=w)
    return out


PENALTIES = ("L1", "L2", "elastic net")


@visualization(MODULE)
def sparsity_explorer(penalty="L1", lam=0.1, alpha=0.5, seed=0):
    """L1 against L2 on a linear model where only 5 of 20 features matter.

    Left: the fitted weights (bars; a grey square = exactly zero) and the five
    non-zero true weights (black rings; the other fifteen are zero). Middle: each weight's path as lambda grows (log axis), the
    current lambda dashed: under L1 the paths hit zero one after another and
    stay there; under L2 they shrink smoothly and none is ever exactly zero.
    Right: training and validation mean squared error against lambda: too
    little penalty overfits (low train, higher validation error), too much
    underfits (both high). The status counts the exact zeros.

    The fit minimises ``mean((Xw - y)²)/2 + penalty``, with penalty
    ``λ Σ|w|`` (L1), ``λ Σw²`` (L2) or ``αλ Σ|w| + (1-α)λ Σw²`` (elastic net),
    by proximal gradient descent (L1, elastic net) or exactly (L2).

    Controls: ``penalty``, ``λ`` (log scale), ``L1 share α`` (elastic net only).

    Arguments: the controls' first values; ``seed`` (the data).

    Example::

        from course.viz.regularization import sparsity_explorer
        sparsity_explorer(penalty="L2", lam=0.5)
    """
    X, y, Xv, yv, w_true = sparse_regression_data(seed=seed)
    d = X.shape[1]
    lams = np.logspace(-3, 1, 49)
    paths = {}

    def path(kind, a):
        key = (kind, round(a, 3) if kind == "elastic net" else None)
        if key not in paths:
            W = penalty_path(X, y, kind, lams, a)
            paths[key] = (W, np.mean((X @ W.T - y[:, None]) ** 2, axis=0),
                          np.mean((Xv @ W.T - yv[:, None]) ** 2, axis=0))
        return paths[key]

    fig = new_figure(9.6, 3.4)
    axw, axp, axe = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.1, 1.0, 1.0]})
    idx = np.arange(d)
    axw.set(xlim=(-0.8, d - 0.2), ylim=(-3.0, 3.6), xlabel="feature", ylabel="weight")
    axw.axhline(0, color="0.3", lw=0.8)
    axw.set_xticks([])
    _fixed_ticks(axw.yaxis, [-2, 0, 2])
    bars = _bars(axw, idx, np.zeros(d), 0.7, facecolor=TRAIN_COLOR)
    zeros_mark, = axw.plot([], [], ls="none", marker="s", ms=4, color="0.55", zorder=3)
    axw.plot(idx[w_true != 0], w_true[w_true != 0], ls="none", marker="o", ms=7, mfc="none",
             mec="black", mew=1.3)
    axp.set(xscale="log", xlim=(lams[0], lams[-1]), ylim=(-3.0, 3.6), xlabel="λ")
    axp.axhline(0, color="0.3", lw=0.8)
    _fixed_ticks(axp.xaxis, [1e-3, 1e-2, 1e-1, 1, 10], ["0.001", "0.01", "0.1", "1", "10"])
    _fixed_ticks(axp.yaxis, [-2, 0, 2], ["", "", ""])       # same scale as the weights' axes
    useful = w_true != 0
    path_lines = [axp.plot([], [], lw=1.6 if useful[j] else 0.9,
                           color=TRAIN_COLOR if useful[j] else "0.55")[0] for j in range(d)]
    lam_line_p = axp.axvline(lam, color="black", lw=1.0, ls="--")
    axe.set(xscale="log", xlim=(lams[0], lams[-1]), ylim=(0.0, 4.0), xlabel="λ",
            ylabel="mean squared error")
    _fixed_ticks(axe.xaxis, [1e-3, 1e-2, 1e-1, 1, 10], ["0.001", "0.01", "0.1", "1", "10"])
    _fixed_ticks(axe.yaxis, [0, 2, 4])
    tr_line, = axe.plot([], [], color=TRAIN_COLOR, lw=1.8)
    va_line, = axe.plot([], [], color=VAL_COLOR, lw=1.8)
    lam_line_e = axe.axvline(lam, color="black", lw=1.0, ls="--")
    state = {}

    def draw(penalty, lam, alpha):
        W, tr, va = path(penalty, alpha)
        l1, l2 = _penalties(penalty, lam, alpha)
        i0 = int(np.argmin(np.abs(np.log(lams) - np.log(lam))))
        w = fit_penalized(X, y, l1, l2, w0=W[i0]) if penalty != "L2" else \
            np.linalg.solve(X.T @ X / len(X) + 2 * lam * np.eye(d), X.T @ y / len(X))
        state["w"] = w
        zero = w == 0
        set_bars(bars, w)
        zeros_mark.set_data(idx[zero], np.zeros(int(zero.sum())))
        for j, line in enumerate(path_lines):
            line.set_data(lams, W[:, j])
        lam_line_p.set_xdata([lam, lam])
        lam_line_e.set_xdata([lam, lam])
        tr_line.set_data(lams, tr)
        va_line.set_data(lams, va)
        mse_tr = float(np.mean((X @ w - y) ** 2))
        mse_va = float(np.mean((Xv @ w - yv) ** 2))
        found = int(np.sum(~zero & useful))
        pen = {"L1": f"λ Σ|w| = {l1 * np.abs(w).sum():.3f}",
               "L2": f"λ Σw² = {l2 * (w * w).sum():.3f}",
               "elastic net": f"αλ Σ|w| + (1−α)λ Σw² = "
                              f"{l1 * np.abs(w).sum() + l2 * (w * w).sum():.3f} "
                              f"(λ₁ = {l1:.3g}, λ₂ = {l2:.3g})"}[penalty]
        best = lams[int(np.argmin(va))]
        return (f"<b>{penalty}</b>, λ = {lam:.3g}: <b>{int(zero.sum())} of {d} weights exactly "
                f"zero</b>; {found} of {int(useful.sum())} useful features kept (○ true "
                f"weights) · penalty {pen}"
                f"<br>{_swatch(TRAIN_COLOR, f'train MSE {mse_tr:.3f}')} &nbsp; "
                f"{_swatch(VAL_COLOR, f'validation MSE {mse_va:.3f}')} &nbsp; (noise "
                f"variance 1; lowest validation MSE on this path at λ ≈ {best:.2g})")

    controls = {
        "penalty": dropdown(list(PENALTIES), penalty, "penalty"),
        "lam": _log_slider(lam, -3, 1, "λ", step=0.05, fmt=".3g"),
        "alpha": slider(alpha, 0.05, 0.95, 0.05, "L1 share α (elastic net)"),
    }
    draw(**{k: c.value for k, c in controls.items()})
    freeze_layout(fig)
    ex = Explorer(controls, fig, draw, title="L1 against L2: which weights survive")
    ex.data = (X, y, Xv, yv, w_true)
    ex.lams = lams
    ex.weights = lambda: state["w"].copy()
    ex.artists = {"bars": bars, "zeros": zeros_mark, "paths": path_lines, "train_line": tr_line,
                  "val_line": va_line, "lam_lines": (lam_line_p, lam_line_e)}
    return ex


# =============================================================================================
# 4. Data augmentation on digits
# =============================================================================================
def _builtin_noise(X, std, rng):
    return X + std * rng.standard_normal(X.shape)


def _builtin_flip(images):
    return images[:, :, ::-1].copy()


def _probe_aug(noise_fn, flip_fn):
    notes = []
    x = np.zeros((2, 3, 3))
    for name, fn, call in (("add_gaussian_noise", noise_fn,
                            lambda f: f(x, 0.1, np.random.default_rng(0))),
                           ("horizontal_flip", flip_fn, lambda f: f(x))):
        if fn is None:
            continue
        try:
            if np.shape(call(fn)) != x.shape:
                notes.append(f"your {name} returned the wrong shape")
        except NotImplementedError:
            notes.append(f"your {name} is not written yet")
        except Exception as exc:  # noqa: BLE001
            notes.append(f"your {name} raised {type(exc).__name__}: {exc}")
    return notes


def digit_classifier(images, labels, shrink=0.05):
    """A linear classifier fit in closed form on the images it is given: linear
    discriminant analysis (one mean image per class, a shared covariance with
    ``shrink`` added to its diagonal). Returns ``proba(images) -> (n, 10)``,
    the posterior probability of each class."""
    flat = images.reshape(len(images), -1).astype(float)
    means = np.stack([flat[labels == k].mean(axis=0) for k in range(10)])
    resid = flat - means[labels]
    cov = resid.T @ resid / (len(flat) - 10) + shrink * np.eye(flat.shape[1])
    A = np.linalg.solve(cov, means.T)
    c = -0.5 * np.sum(means * A.T, axis=1) + np.log(np.bincount(labels, minlength=10) / len(labels))

    def proba(batch):
        z = batch.reshape(len(batch), -1) @ A + c
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)
    return proba


_DIGITS = {}


def _digits_and_classifier():
    """The digits as float64 (N, 8, 8), their labels and the classifier (built once)."""
    if not _DIGITS:
        from course.data import digits

        images, labels = digits()
        images = images.astype(float)
        _DIGITS.update(images=images, labels=labels, proba=digit_classifier(images, labels))
    return _DIGITS["images"], _DIGITS["labels"], _DIGITS["proba"]


@visualization(MODULE)
def augmentation_viewer(add_gaussian_noise=None, horizontal_flip=None, index=15, std=0.15,
                        flip=True, seed=0):
    """A handwritten digit before and after augmentation, and what it now means.

    Left: the original 8×8 digit from ``course.data.digits()`` and, beside it,
    the same digit with Gaussian noise of standard deviation ``std`` added and,
    if ``flip`` is on, mirrored left-right. Right: what a linear classifier
    fit on the original, unflipped digits (``digit_classifier``) believes the
    augmented image is, one probability per class: green = the true label,
    red = its reading when that is wrong, green triangle = the true label. The status adds the accuracy of that
    classifier over a fixed third of the data set (599 digits) augmented the
    same way: noise of moderate
    size costs a few percent, flipping costs more than half (a mirrored 5
    looks like a 2, a mirrored 3 like nothing at all), which is why flips are
    a label-preserving augmentation for photos of cats and not for digits.

    Controls: ``digit`` (index into the data set), ``noise std``, ``flip``,
    ``noise draw`` (seed of the generator).

    Arguments: the learner's ``add_gaussian_noise(X, std, rng)`` and
    ``horizontal_flip(images)`` (default: built-in ones; one that is not
    written yet or fails is replaced, the status says so); the controls'
    first values.

    Example::

        from course.viz.regularization import augmentation_viewer
        augmentation_viewer(add_gaussian_noise=add_gaussian_noise,
                            horizontal_flip=horizontal_flip, index=13)
    """
    images, labels, proba = _digits_and_classifier()
    notes = _probe_aug(add_gaussian_noise, horizontal_flip)
    noise_fn = add_gaussian_noise if add_gaussian_noise is not None and not any(
        "add_gaussian_noise" in n for n in notes) else _builtin_noise
    flip_fn = horizontal_flip if horizontal_flip is not None and not any(
        "horizontal_flip" in n for n in notes) else _builtin_flip
    sample = np.arange(0, len(images), 3)          # the accuracy is measured on every third digit
    sample_images, sample_labels = images[sample], labels[sample]
    base_acc = float(np.mean(proba(sample_images).argmax(axis=1) == sample_labels))

    fig = new_figure(8.0, 2.9)
    axi, axb = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.0, 1.5]})
    # original | one blank column | augmented, in ONE image (one axes redraws faster)
    cmap = colormaps["gray_r"].with_extremes(bad="white")
    pair = np.full((8, 17), np.nan)
    image = axi.imshow(pair, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    _fixed_ticks(axi.xaxis, [3.5, 12.5], ["original", "augmented"])
    axi.tick_params(length=0)
    axi.set_yticks([])
    for side in axi.spines.values():
        side.set_visible(False)
    axb.set(xlim=(-0.6, 9.6), ylim=(0, 1.05))
    _fixed_ticks(axb.xaxis, list(range(10)))
    axb.set_yticks([])
    cbars = _bars(axb, np.arange(10), np.zeros(10), 0.7, facecolor="0.6")
    truth, = axb.plot([], [], ls="none", marker="^", ms=9, color="#2ca02c", mec="black",
                      mew=0.6, clip_on=False, zorder=4)
    state = {}

    def augment(batch, std, flip, rng):
        out = np.asarray(noise_fn(batch, std, rng), float)
        return np.asarray(flip_fn(out), float) if flip else out

    def draw(index, std, flip, noise_seed):
        aug = augment(images[index:index + 1], std, flip, np.random.default_rng(noise_seed))[0]
        pair[:, :8] = images[index]
        pair[:, 9:] = aug
        image.set_data(pair)
        probs = proba(aug[None])[0]
        reading = int(np.argmax(probs))
        set_bars(cbars, probs)
        colors = np.tile([0.6, 0.6, 0.6, 1.0], (10, 1))
        colors[reading] = [0.84, 0.15, 0.16, 1.0]
        colors[labels[index]] = [0.17, 0.63, 0.17, 1.0]
        cbars.set_facecolor(colors)
        truth.set_data([labels[index]], [0.03])
        all_aug = augment(sample_images, std, flip, np.random.default_rng(noise_seed + 1))
        acc = float(np.mean(proba(all_aug).argmax(axis=1) == sample_labels))
        state.update(aug=aug, reading=reading, accuracy=acc, probabilities=probs)
        verdict = "reads it correctly" if reading == labels[index] else \
            f"reads it as a <b>{reading}</b>"
        text = (f"digit #{index}, label <b>{labels[index]}</b>; augmented with noise std "
                f"{std:.2f}{' and a left-right flip' if flip else ''}: a classifier fit on the "
                f"original digits {verdict} ({100 * probs[reading]:.0f}%)"
                f"<br>bars: its probability for each class 0–9 · over {len(sample)} digits "
                f"augmented this way it is right "
                f"{100 * acc:.1f}% of the time (originals: {100 * base_acc:.1f}%)")
        if add_gaussian_noise is not None or horizontal_flip is not None:
            mine = [n for n, f in (("add_gaussian_noise", add_gaussian_noise),
                                   ("horizontal_flip", horizontal_flip)) if f is not None
                    and not any(n in note for note in notes)]
            if mine:
                text += " · using your " + " and ".join(mine)
            if notes:
                text += "<br><i>" + "; ".join(notes) + ": the built-in version is used</i>"
        return text

    controls = {
        "index": int_slider(index, 0, len(images) - 1, "digit"),
        "std": slider(std, 0.0, 0.6, 0.02, "noise std"),
        "flip": widgets.Checkbox(value=flip, description="flip left-right", indent=False),
        "noise_seed": int_slider(seed, 0, 50, "noise draw"),
    }
    draw(**{k: c.value for k, c in controls.items()})
    freeze_layout(fig)
    ex = Explorer(controls, fig, draw, title="Data augmentation on digits")
    ex.images, ex.labels = images, labels
    ex.proba = proba
    ex.base_accuracy = base_acc
    ex.current = lambda: dict(state)
    ex.artists = {"image": image, "bars": cbars, "truth": truth}
    return ex
