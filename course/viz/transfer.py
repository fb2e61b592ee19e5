"""Visualizations and helpers for 14_transfer: reusing what a network learned.

The story runs on scikit-learn's 8x8 digits (nothing is downloaded, every
network is trained here in seconds). Half the images are the **source** task:
clean scans, all ten digits, plenty of labels. The other half went through a
**new scanner** that blurs and dims every image: the **target** task, with
only a handful of labels per digit. A second, harsher scanner (thicker strokes,
shifted one pixel) shows transfer going wrong.

- ``learning_curve_explorer``: target accuracy against the number of labelled
  examples per class for training from scratch, feature extraction, gradual
  unfreezing and fine-tuning with discriminative learning rates, mean and
  spread over seeds (computed once, cached); a second metric shows how much of
  the *source* task each strategy still solves afterwards (catastrophic
  forgetting);
- ``episode_viewer``: one few-shot episode on the new scanner: the support
  images, the query images with the class a prototypical network predicts, and
  every query's squared distance to every prototype; switch between an
  embedding meta-trained on clean digits and raw pixels.

Helpers usable on their own: ``digit_tasks``, ``scanner`` (from ``course.data``), ``TransferNet``,
``pretrain``, ``fine_tune``, ``learning_curves``, ``train_protonet``,
``episode_accuracy``. The built-in versions of the exercises (``_freeze``,
``_make_episode``, ...) follow the notebook's contracts; nothing drawn depends
on the learner's code unless it is passed in.
"""
import functools

import numpy as np
import ipywidgets as widgets
from matplotlib.collections import LineCollection

from ..data import SCANNERS, digit_tasks, labelled_subset, scanner
from ..device import device as _device
from .base import (Explorer, dropdown, freeze_layout, int_slider, learner_function, new_figure,
                   visualization)

__all__ = ["learning_curve_explorer", "episode_viewer", "digit_tasks", "scanner", "labelled_subset",
           "TransferNet", "pretrain", "fine_tune", "learning_curves", "train_protonet",
           "episode_accuracy", "STRATEGIES", "SIZES", "SEEDS", "SCANNERS"]

MODULE = "14_transfer"
STRATEGIES = ("scratch", "feature extraction", "gradual unfreezing", "fine-tuning")
COLORS = {"scratch": "#7f7f7f", "feature extraction": "#1f77b4", "gradual unfreezing": "#2ca02c",
          "fine-tuning": "#d62728"}
SIZES = (1, 2, 5, 10, 20)              # labelled target examples per class
SEEDS = (0, 1, 2)
STEPS = 150                            # full-batch Adam steps on the target task
HEAD_LR, BODY_LR = 1e-2, 1e-3
N_QUERY = 3                            # query images per class in the episode viewer


# -- built-in versions of the exercises (same contracts as the notebook) ------------------------
def _freeze(module):
    for p in module.parameters():
        p.requires_grad_(False)
    return module


def _unfreeze(module):
    for p in module.parameters():
        p.requires_grad_(True)
    return module


def _count_trainable(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _gradual_unfreezing(model_layers, epoch, every):
    layers = list(model_layers)
    n_train = min(len(layers), 1 + epoch // every)
    trains = [i >= len(layers) - n_train for i in range(len(layers))]
    for layer, on in zip(layers, trains):
        (_unfreeze if on else _freeze)(layer)
    return trains


def _make_episode(X, y, n_way, k_shot, n_query, rng):
    classes = rng.choice(np.unique(y), size=n_way, replace=False)
    s_idx, q_idx = [], []
    for c in classes:
        pick = rng.permutation(np.flatnonzero(y == c))[:k_shot + n_query]
        s_idx.append(pick[:k_shot])
        q_idx.append(pick[k_shot:])
    labels = np.arange(n_way)
    s_idx, q_idx = np.concatenate(s_idx), np.concatenate(q_idx)
    return X[s_idx], np.repeat(labels, k_shot), X[q_idx], np.repeat(labels, n_query)


def _compute_prototypes(embeddings, labels, n_way):
    import torch
    return torch.stack([embeddings[labels == c].mean(dim=0) for c in range(n_way)])


def _prototypical_logits(query, prototypes):
    return -((query[:, None, :] - prototypes[None, :, :]) ** 2).sum(dim=-1)


def TransferNet(seed=0, n_classes=10, hidden=128, features=64):
    """The network of the module, built with ``torch.manual_seed(seed)``: a ``body`` (64 -> hidden
    -> features, ReLU after each) and a linear ``head`` (features -> n_classes).
    ``net.layer_groups()`` lists the three trainable layers bottom to top:
    ``[body[0], body[2], head]``."""
    import torch
    from torch import nn

    class _Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, features),
                                      nn.ReLU())
            self.head = nn.Linear(features, n_classes)

        def forward(self, x):
            return self.head(self.body(x))

        def layer_groups(self):
            return [self.body[0], self.body[2], self.head]

    torch.manual_seed(seed)
    return _Net()


def _tensor(a, dev, dtype=None):
    import torch
    return torch.tensor(np.array(a, copy=True), dtype=dtype, device=dev)


def _accuracy(model, X, y):
    import torch
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


@functools.lru_cache(maxsize=2)
def pretrain(seed=0, steps=300):
    """Train a ``TransferNet`` on the clean source digits (full batch, Adam, lr 3e-3); cached.

    Returns ``(state_dict, accuracies)``: the weights on the CPU, and a dict of the network's
    accuracy on the source test set (``"source"``) and, with no target training at all, on each
    scanner's target test set (the cost of the domain shift)."""
    import torch
    import torch.nn.functional as F

    dev = _device()
    t = digit_tasks()
    X, y = _tensor(t.Xs_train, dev), _tensor(t.ys_train, dev, torch.int64)
    net = TransferNet(seed).to(dev)
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(net(X), y).backward()
        opt.step()
    acc = {"source": _accuracy(net, _tensor(t.Xs_test, dev), _tensor(t.ys_test, dev, torch.int64))}
    for kind, (Xt, yt) in t.test.items():
        acc[kind] = _accuracy(net, _tensor(Xt, dev), _tensor(yt, dev, torch.int64))
    return {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}, acc


def fine_tune(strategy, n_per_class, seed=0, kind="blurred", steps=STEPS, freeze=None, unfreeze=None,
              gradual=None, every=None):
    """Train on ``n_per_class`` labelled target examples per digit with one strategy.

    ``strategy``: ``"scratch"`` (random init, everything trains at lr 1e-2), ``"feature
    extraction"`` (pretrained body frozen, a new head trains at 1e-2), ``"gradual unfreezing"``
    (a new head first, then one more layer from the top every ``every`` steps, default
    ``steps // 3``; body lr 1e-3, head lr 1e-2) or ``"fine-tuning"`` (everything trains from the
    start, same two rates). ``freeze``/``unfreeze``/``gradual`` may be the learner's functions.
    Full-batch Adam, ``steps`` steps. Returns a dict: ``target_acc`` (target test accuracy),
    ``source_acc`` (the trained body with the pretrained network's head on the clean source
    test set: how much of the source task survived; NaN for scratch) and ``model``.
    """
    import torch
    import torch.nn.functional as F

    freeze, unfreeze = freeze or _freeze, unfreeze or _unfreeze
    gradual = gradual or _gradual_unfreezing
    every = every or max(1, steps // 3)
    dev = _device()
    t = digit_tasks()
    Xl, yl = labelled_subset(n_per_class, seed, kind)
    X, y = _tensor(Xl, dev), _tensor(yl, dev, torch.int64)
    net = TransferNet(seed).to(dev)
    if strategy != "scratch":
        state, _ = pretrain()
        net.load_state_dict(state)
        torch.manual_seed(10_000 + seed)
        net.head.reset_parameters()              # a new head, trained on the target labels
    if strategy == "scratch":
        groups = [{"params": list(net.parameters()), "lr": HEAD_LR}]
    elif strategy == "feature extraction":
        freeze(net.body)
        groups = [{"params": list(net.head.parameters()), "lr": HEAD_LR}]
    elif strategy in ("fine-tuning", "gradual unfreezing"):
        groups = [{"params": list(net.body.parameters()), "lr": BODY_LR},
                  {"params": list(net.head.parameters()), "lr": HEAD_LR}]
    else:
        raise ValueError(f"unknown strategy {strategy!r}; choose from {STRATEGIES}")
    opt = torch.optim.Adam(groups)
    for step in range(steps):
        if strategy == "gradual unfreezing":
            gradual(net.layer_groups(), step, every)
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(net(X), y).backward()
        opt.step()                               # frozen parameters get no grad: Adam skips them
    unfreeze(net)
    Xt, yt = t.test[kind]
    out = {"target_acc": _accuracy(net, _tensor(Xt, dev), _tensor(yt, dev, torch.int64)),
           "source_acc": float("nan"), "model": net}
    if strategy != "scratch":
        state, _ = pretrain()
        with torch.no_grad():
            feats = net.body(_tensor(t.Xs_test, dev))
            logits = F.linear(feats, state["head.weight"].to(dev), state["head.bias"].to(dev))
        out["source_acc"] = float((logits.argmax(1).cpu().numpy() == t.ys_test).mean())
    return out


@functools.lru_cache(maxsize=4)
def learning_curves(sizes=SIZES, seeds=SEEDS, strategies=STRATEGIES, kind="blurred", steps=STEPS):
    """Every strategy at every labelled-set size and seed; cached.

    Returns a dict: ``sizes``, ``seeds``, ``strategies``, ``kind``, ``zero_shot`` (the pretrained
    network on the target test set with no target training), ``source_before`` (its source test
    accuracy) and, per strategy, arrays of shape ``(len(seeds), len(sizes))`` under
    ``target[strategy]`` and ``source[strategy]``."""
    target = {s: np.zeros((len(seeds), len(sizes))) for s in strategies}
    kept = {s: np.zeros((len(seeds), len(sizes))) for s in strategies}
    for s in strategies:
        for i, seed in enumerate(seeds):
            for j, n in enumerate(sizes):
                r = fine_tune(s, n, seed, kind=kind, steps=steps)
                target[s][i, j], kept[s][i, j] = r["target_acc"], r["source_acc"]
    _, acc = pretrain()
    return {"sizes": tuple(sizes), "seeds": tuple(seeds), "strategies": tuple(strategies),
            "kind": kind, "zero_shot": acc[kind], "source_before": acc["source"],
            "target": target, "source": kept}


# -- prototypical networks --------------------------------------------------------------------------
@functools.lru_cache(maxsize=2)
def train_protonet(episodes=400, n_way=10, k_shot=5, n_query=5, seed=0):
    """Meta-train an embedding (64 -> 128 -> ReLU -> 64) as a prototypical network on episodes
    of the clean source digits; cached. Returns the network (on ``course.device()``, eval mode)."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    dev = _device()
    t = digit_tasks()
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64)).to(dev)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    rng = np.random.default_rng(seed)
    for _ in range(episodes):
        sx, sy, qx, qy = _make_episode(t.Xs_train, t.ys_train, n_way, k_shot, n_query, rng)
        protos = _compute_prototypes(net(_tensor(sx, dev)), _tensor(sy, dev), n_way)
        loss = F.cross_entropy(_prototypical_logits(net(_tensor(qx, dev)), protos),
                               _tensor(qy, dev, torch.int64))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net.eval()


@functools.lru_cache(maxsize=4)
def _target_embeddings(embedding, kind="blurred"):
    """Float64 embeddings of every target image (pool and test) and their labels and pixels."""
    import torch

    t = digit_tasks()
    X = np.concatenate([t.pool[kind][0], t.test[kind][0]])
    y = np.concatenate([t.pool[kind][1], t.test[kind][1]])
    if embedding == "raw pixels":
        E = X.astype(np.float64)
    else:
        net = train_protonet()
        with torch.no_grad():
            E = net(_tensor(X, next(net.parameters()).device)).double().cpu().numpy()
    for a in (E, X, y):
        a.setflags(write=False)
    return E, X, y


def episode_accuracy(embed=None, n_way=5, k_shot=1, n_query=10, episodes=300, seed=123,
                     kind="blurred"):
    """Mean query accuracy of nearest-prototype classification over ``episodes`` random episodes
    from the target images of scanner ``kind``. ``embed`` maps a float32 (n, 64) tensor to
    embeddings; ``None`` means raw pixels. Returns ``(mean, standard error)``."""
    import torch

    t = digit_tasks()
    X = np.concatenate([t.pool[kind][0], t.test[kind][0]])
    y = np.concatenate([t.pool[kind][1], t.test[kind][1]])
    if embed is None:
        E = torch.tensor(X, dtype=torch.float64)
    else:
        with torch.no_grad():
            E = embed(torch.tensor(np.array(X, copy=True))).double().cpu()
    return _episode_stats(E.numpy(), y, n_way, k_shot, n_query, episodes, seed)


def _episode_stats(E, y, n_way, k_shot, n_query, episodes, seed):
    rng = np.random.default_rng(seed)
    idx = np.arange(len(y))
    accs = np.empty(episodes)
    for e in range(episodes):
        s, sy, q, qy = _make_episode(idx, y, n_way, k_shot, n_query, rng)
        protos = E[s].reshape(n_way, k_shot, -1).mean(axis=1)
        d = ((E[q][:, None, :] - protos[None]) ** 2).sum(-1)
        accs[e] = (d.argmin(1) == qy).mean()
    return float(accs.mean()), float(accs.std(ddof=1) / np.sqrt(episodes))


# -- visualization 1: accuracy against labelled examples ---------------------------------------------
def _fmt_pct(v):
    return "—" if v != v else f"{100 * v:.0f}%"


@visualization(MODULE)
def learning_curve_explorer(results=None, metric="target accuracy", seed="mean of seeds",
                            error_bars=True):
    """Accuracy against the number of labelled target examples per class, one curve per strategy.

    Shows what ``learning_curves()`` measured (it trains 60 small networks the first time, a few
    seconds, then the result is cached): training from scratch, feature extraction, gradual
    unfreezing and fine-tuning on the blurred scanner's digits, each the mean over three seeds
    with error bars of one standard deviation, or one seed at a time. The dashed line is the
    pretrained network used as it is (no target labels): the price of the domain shift. The
    metric ``"source accuracy kept"`` shows instead how well each trained body, with the old
    source head, still reads the clean source digits (catastrophic forgetting).

    Arguments: ``results`` (a dict from ``learning_curves``; default: compute/cached), the
    initial ``metric``, ``seed`` and ``error_bars``; four checkboxes pick the curves.

    Example::

        from course.viz.transfer import learning_curve_explorer
        learning_curve_explorer()
    """
    res = results if results is not None else learning_curves()
    sizes = np.asarray(res["sizes"], float)
    strategies = list(res["strategies"])
    seed_options = ["mean of seeds"] + [f"seed {s}" for s in res["seeds"]]
    metrics = {"target accuracy": "target", "source accuracy kept": "source"}

    fig = new_figure(6.4, 3.8)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_xscale("log")
    ax.set_xticks(sizes, [str(int(s)) for s in sizes])
    ax.minorticks_off()
    ax.set_xlim(sizes[0] / 1.3, sizes[-1] * 1.3)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("labelled target examples per class")
    ax.set_ylabel("accuracy")
    ax.grid(alpha=0.3)
    lines, bars = {}, {}
    for s in strategies:
        lines[s], = ax.plot(sizes, np.zeros_like(sizes), "o-", color=COLORS.get(s), label=s, lw=2, ms=5)
        bars[s] = LineCollection([], colors=COLORS.get(s), linewidths=2, alpha=0.6)
        ax.add_collection(bars[s])
    ref = ax.axhline(res["zero_shot"], color="k", ls="--", lw=1)
    ref_text = ax.text(sizes[-1] * 1.25, res["zero_shot"], "", ha="right", va="bottom", fontsize=8)
    ax.legend(loc="lower right", fontsize=8)

    controls = {"metric": dropdown(list(metrics), metric, "metric"),
                "seed": dropdown(seed_options, seed, "seeds"),
                "error_bars": widgets.Checkbox(value=error_bars, description="error bars (±1 sd)",
                                               indent=False)}
    for s in strategies:
        controls[s] = widgets.Checkbox(value=True, description=s, indent=False,
                                       layout=widgets.Layout(width="180px"))
    ex = None

    def values_for(s, which, seed):
        arr = res[which][s]
        if seed == "mean of seeds":
            return arr.mean(axis=0), (arr.std(axis=0, ddof=1) if len(arr) > 1 else np.zeros(arr.shape[1]))
        i = seed_options.index(seed) - 1
        return arr[i], np.zeros(arr.shape[1])

    def draw(metric, seed, error_bars, **shown):
        which = metrics[metric]
        parts = []
        for s in strategies:
            mean, sd = values_for(s, which, seed)
            visible = bool(shown[s]) and not np.all(np.isnan(mean))
            lines[s].set_data(sizes, mean)
            lines[s].set_visible(visible)
            segs = [[(x, m - d), (x, m + d)] for x, m, d in zip(sizes, mean, sd) if d > 0 and m == m]
            bars[s].set_segments(segs if error_bars else [])
            bars[s].set_visible(visible)
            if visible:
                parts.append(f"<span style='color:{COLORS.get(s)}'>{s}</span> "
                             f"{_fmt_pct(mean[0])} → {_fmt_pct(mean[-1])}")
        if which == "target":
            ref.set_ydata([res["zero_shot"]] * 2)
            ref_text.set_text(f"pretrained, no target labels: {_fmt_pct(res['zero_shot'])}")
            ref_text.set_y(res["zero_shot"])
        else:
            ref.set_ydata([res["source_before"]] * 2)
            ref_text.set_text(f"before any target training: {_fmt_pct(res['source_before'])}")
            ref_text.set_y(res["source_before"])
        lo, hi = int(sizes[0]), int(sizes[-1])
        head = ("target test accuracy" if which == "target"
                else "source digits still read with the old head (scratch has none)")
        return (f"<b>{head}</b>, {seed}, from {lo} to {hi} labels per class: " + "; ".join(parts))

    ex = Explorer(controls, fig, draw, title="Transfer versus training from scratch")
    ex.results = res
    ex.lines, ex.bars, ex.reference = lines, bars, ref
    return freeze_layout(ex)


# -- visualization 2: a few-shot episode ---------------------------------------------------------------
TILE = 9   # an 8x8 digit plus a one-pixel gap


def _mosaic(images, rows, cols):
    """(rows*9 - 1, cols*9 - 1) picture of ``images`` (rows*cols, 64), row by row; gaps are NaN."""
    out = np.full((rows * TILE - 1, cols * TILE - 1), np.nan)
    for i, img in enumerate(images):
        r, c = divmod(i, cols)
        out[r * TILE:r * TILE + 8, c * TILE:c * TILE + 8] = np.asarray(img).reshape(8, 8)
    return out


def _probe_episode(fn):
    rng = np.random.default_rng(0)
    X = np.arange(12.0).reshape(12, 1)
    out = fn(X, np.repeat(np.arange(3), 4), 2, 1, 2, rng)
    if len(out) != 4 or len(out[0]) != 2 or len(out[2]) != 4:
        raise ValueError("make_episode(X, y, 2, 1, 2, rng) must return 2 support and 4 query rows")


def _probe_prototypes(fn):
    import torch
    out = fn(torch.eye(4, dtype=torch.float64), torch.tensor([0, 1, 0, 1]), 2)
    if tuple(out.shape) != (2, 4):
        raise ValueError("compute_prototypes(embeddings (4, 4), labels, 2) must have shape (2, 4)")


def _probe_logits(fn):
    import torch
    out = fn(torch.zeros(3, 2, dtype=torch.float64), torch.ones(2, 2, dtype=torch.float64))
    if tuple(out.shape) != (3, 2):
        raise ValueError("prototypical_logits(query (3, 2), prototypes (2, 2)) must have shape (3, 2)")


EMBEDDINGS = ("ProtoNet (meta-trained on clean digits)", "raw pixels")


@visualization(MODULE)
def episode_viewer(n_way=5, k_shot=1, seed=0, embedding=EMBEDDINGS[0], make_episode=None,
                   compute_prototypes=None, prototypical_logits=None):
    """One few-shot episode on the blurred scanner's digits, classified by nearest prototype.

    Left: the support set, one row per episode class (its label and which digit it is); each
    row's prototype is the mean of its embedded images. Middle: three query images per class,
    framed in green if the prediction is right and in red if it is wrong. Right: the squared
    distance from every query (rows) to every prototype (columns); the white dot marks the
    nearest prototype, which is the prediction. The status line gives this episode's accuracy
    and the mean over 300 episodes of the same kind. The embedding is either a prototypical
    network meta-trained on episodes of clean digits (``train_protonet``) or the raw pixels.

    Arguments: initial ``n_way`` (2-10), ``k_shot`` (1-5), ``seed``, ``embedding``; pass your
    ``make_episode``, ``compute_prototypes`` and ``prototypical_logits`` to watch them work (a
    missing or failing one is replaced by the built-in one, and the status line says so).

    Example::

        from course.viz.transfer import episode_viewer
        episode_viewer(n_way=5, k_shot=1, make_episode=make_episode)
    """
    import torch

    make_episode, note1 = learner_function(make_episode, _probe_episode, _make_episode)
    compute_prototypes, note2 = learner_function(compute_prototypes, _probe_prototypes,
                                                 _compute_prototypes)
    prototypical_logits, note3 = learner_function(prototypical_logits, _probe_logits,
                                                  _prototypical_logits)
    notes = note1 + note2 + note3
    stats = {}

    fig = new_figure(8.6, 4.4)
    grid = fig.add_gridspec(1, 3, width_ratios=[5, 3, 10])
    ax_s, ax_q, ax_d = (fig.add_subplot(grid[0, i]) for i in range(3))
    blank = np.full((10 * TILE - 1, 5 * TILE - 1), np.nan)
    img_s = ax_s.imshow(blank, cmap="gray_r", vmin=0, vmax=0.8, interpolation="nearest")
    img_q = ax_q.imshow(blank[:, :3 * TILE - 1], cmap="gray_r", vmin=0, vmax=0.8,
                        interpolation="nearest")
    img_d = ax_d.imshow(np.zeros((30, 10)), cmap="viridis_r", aspect="auto", interpolation="nearest")
    dots = ax_d.scatter([], [], s=18, c="white", edgecolors="k", linewidths=0.5)
    for ax in (ax_s, ax_q):
        ax.set_xticks([])
        ax.set_yticks([])
    ax_s.set_title("support", fontsize=9)
    ax_q.set_title("queries", fontsize=9)
    ax_d.set_title("squared distance to each prototype", fontsize=9)
    ax_d.set_xlabel("prototype (episode label)")
    ax_d.set_ylabel("query")
    ax_d.set_yticks([])
    row_text = [ax_s.text(-1.0, 0, "", ha="right", va="center", fontsize=8) for _ in range(10)]
    frames = LineCollection([], linewidths=1.5)       # green / red frame around each query
    ax_q.add_collection(frames)

    controls = {"n_way": int_slider(n_way, 2, 10, "n_way"), "k_shot": int_slider(k_shot, 1, 5, "k_shot"),
                "seed": int_slider(seed, 0, 50, "seed"),
                "embedding": dropdown(list(EMBEDDINGS), embedding, "embedding")}

    def draw(n_way, k_shot, seed, embedding):
        E, X, y = _target_embeddings(embedding)
        idx = np.arange(len(y))
        s, sy, q, qy = make_episode(idx, y, n_way, k_shot, N_QUERY, np.random.default_rng(seed))
        s, sy, q, qy = (np.asarray(a).reshape(-1) for a in (s, sy, q, qy))
        s_order, q_order = np.argsort(sy, kind="stable"), np.argsort(qy, kind="stable")
        s, sy, q, qy = s[s_order], sy[s_order], q[q_order], qy[q_order]
        protos = compute_prototypes(torch.tensor(E[s]), torch.tensor(sy), n_way)
        logits = prototypical_logits(torch.tensor(E[q]), protos)
        dist = -np.asarray(logits.detach().cpu().numpy(), float)
        pred = dist.argmin(axis=1)
        ok = pred == qy

        img_s.set_data(_mosaic(X[s], n_way, k_shot))
        img_s.set_extent((-0.5, k_shot * TILE - 1.5, n_way * TILE - 1.5, -0.5))
        ax_s.set_xlim(-0.5, 5 * TILE - 1.5)
        ax_s.set_ylim(n_way * TILE - 1.5, -0.5)
        img_q.set_data(_mosaic(X[q], n_way, N_QUERY))
        img_q.set_extent((-0.5, N_QUERY * TILE - 1.5, n_way * TILE - 1.5, -0.5))
        ax_q.set_ylim(n_way * TILE - 1.5, -0.5)
        for c, t in enumerate(row_text):
            if c < n_way:
                digit = y[s[sy == c][0]]
                t.set_text(f"{c}: digit {digit}")
                t.set_position((-1.0, c * TILE + 3.5))
            t.set_visible(c < n_way)
        boxes = []
        for i in range(len(q)):
            r, col = divmod(i, N_QUERY)
            x0, y0 = col * TILE - 0.5, r * TILE - 0.5
            boxes.append([(x0, y0), (x0 + 8, y0), (x0 + 8, y0 + 8), (x0, y0 + 8), (x0, y0)])
        frames.set_segments(boxes)
        frames.set_colors(np.where(ok[:, None], [[0.17, 0.63, 0.17, 1.0]], [[0.84, 0.15, 0.16, 1.0]]))
        img_d.set_data(dist)
        img_d.set_extent((-0.5, n_way - 0.5, len(q) - 0.5, -0.5))
        img_d.set_clim(dist.min(), dist.max())
        ax_d.set_xlim(-0.5, n_way - 0.5)
        ax_d.set_ylim(len(q) - 0.5, -0.5)
        ax_d.set_xticks(range(n_way))
        dots.set_offsets(np.column_stack([pred, np.arange(len(q))]))
        key = (embedding, n_way, k_shot)
        if key not in stats:
            stats[key] = _episode_stats(E, y, n_way, k_shot, 10, 300, 123)
        mean, se = stats[key]
        ex_state.update(pred=pred, qy=qy, dist=dist, support=s, query=q, support_y=sy, query_y=qy)
        short = embedding.split(" (")[0]
        return (f"{n_way}-way {k_shot}-shot, {short}: this episode {ok.sum()}/{len(q)} right; "
                f"over 300 episodes {100 * mean:.1f}% ± {100 * se:.1f}% "
                f"(chance {100 / n_way:.0f}%)" + notes)

    ex_state = {}
    ex = Explorer(controls, fig, draw, title="Few-shot episode viewer (prototypical network)")
    ex.state = ex_state
    ex.images = {"support": img_s, "query": img_q, "distance": img_d}
    ex.dots, ex.frames, ex.row_text = dots, frames, row_text
    return freeze_layout(ex)
