"""Visualizations and helpers for 07_training: watching a PyTorch training run.

- ``training_dashboard``: a live dashboard (loss and accuracy, train and
  validation, a progress bar) that a training loop feeds through ``log``; its
  sliders (learning rate, batch size, width, depth, epochs) and Train button
  run short trainings on the digits, its patience slider marks where early
  stopping would end the run;
- ``schedule_explorer``: step decay, exponential decay, cosine annealing and
  warm restarts (with optional linear warmup) drawn epoch by epoch next to what
  ``torch.optim.lr_scheduler`` gives; pass the learner's functions to draw
  theirs;
- ``search_comparison``: grid search and random search given the same budget
  over (learning rate, width), every trial a point on a landscape of
  validation errors measured on the digits, the best of each marked.

The helpers behind them are usable on their own: ``fit`` (the epoch loop over
data loaders that runs the learner's ``train_one_epoch`` and ``evaluate``) and
``run_digits`` (one whole run from hyperparameters). The data, ``make_mlp`` and
``curves`` are in ``course.data``, ``course.train`` and ``course.viz.render``.

The built-in loop, schedules and search follow the exercises' contracts;
nothing drawn depends on the learner's code unless it is passed in.
"""
import functools
import math
import time

import numpy as np
import ipywidgets as widgets

from ..data import digits
from ..train import make_mlp
from .base import (Explorer, builtin, dropdown, freeze_layout, int_slider, new_figure, slider,
                   visualization)
from .render import Backdrop

__all__ = ["training_dashboard", "schedule_explorer", "search_comparison", "TrainingDashboard",
           "fit", "run_digits", "SCHEDULES",
           "torch_schedule", "schedule_values", "SEARCH_LRS", "SEARCH_WIDTHS", "SEARCH_ERRORS",
           "search_objective", "grid_trials", "measure_search_errors"]

MODULE = "07_training"
BLUE, ORANGE, GREEN, RED, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#b0b0b0"


def _solution(name):
    """The instructor's ``name`` from source/07_training (``solutions/training.py``), or
    ``None`` where it is not available (while grading)."""
    return builtin("training", name)


class _Missing(NotImplementedError):
    pass


def _required(name):
    fn = _solution(name)
    if fn is None:
        raise _Missing(f"{name} is not written yet, and the built-in one is not available here")
    return fn


# -- the loop over data loaders --------------------------------------------------------------
def _is_stub(exc):
    return isinstance(exc, NotImplementedError)


class _LossRecorder:
    """Wraps a loss function: passes every call through, and while gradients are
    on (training) reports a running mean of the batch losses every ``every``
    batches to ``report(batch_number, mean)``."""

    def __init__(self, loss_fn, every, report):
        self.loss_fn, self.every, self.report = loss_fn, max(1, int(every)), report
        self.batches, self.total, self.count = 0, 0.0, 0

    def __call__(self, out, y):
        import torch

        loss = self.loss_fn(out, y)
        if torch.is_grad_enabled():
            self.batches += 1
            self.total += float(loss.detach()) * len(y)
            self.count += len(y)
            if self.batches % self.every == 0 and self.report is not None:
                self.report(self.batches, self.total / self.count)
                self.total, self.count = 0.0, 0
        return loss


def fit(model, train_loader, val_loader, optimizer, epochs, loss_fn=None, device=None,
        scheduler=None, callback=None, log_every=5, train_fn=None, eval_fn=None,
        train_eval_loader=None):
    """Train ``model`` for ``epochs`` epochs; return the history (a dict of lists).

    Each epoch runs ``train_fn(model, train_loader, loss_fn, optimizer, device)``
    (the learner's ``train_one_epoch``; default: a built-in one), then
    ``eval_fn(model, loader, loss_fn, device)`` (``evaluate``) on
    ``val_loader`` and on ``train_eval_loader`` if given, then
    ``scheduler.step()``. A learner's function that is not written yet
    (``NotImplementedError``) is replaced by the built-in one, and
    ``history["notes"]`` says so.

    ``callback(x, **metrics)`` (e.g. a dashboard's ``log``) gets, every
    ``log_every`` batches, ``x`` = epochs done so far (fractional) and
    ``train_loss`` = the mean loss of those batches; and after every epoch
    ``val_loss``, ``val_acc`` (and ``train_acc``, ``train_eval_loss``).

    History keys: ``epoch`` (1, 2, ...), ``steps`` (optimizer steps so far),
    ``train_loss`` (the epoch's mean loss per sample while training),
    ``val_loss``, ``val_acc``, ``train_acc`` and ``train_eval_loss`` (when
    ``train_eval_loader`` is given), ``lr`` (the learning rate used in that
    epoch), ``seconds`` (cumulative), ``notes``.

    Example::

        model = make_mlp()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        history = fit(model, train_loader, val_loader, opt, epochs=5,
                      train_fn=train_one_epoch, eval_fn=evaluate)
    """
    import torch
    from ..device import device as _device

    device = device if device is not None else _device()
    loss_fn = loss_fn if loss_fn is not None else torch.nn.CrossEntropyLoss()
    model.to(device)
    names = {"train": "train_one_epoch", "eval": "evaluate"}
    fns = {"train": train_fn or _required(names["train"]), "eval": eval_fn or _required(names["eval"])}
    builtins = {kind: _solution(name) for kind, name in names.items()}
    history = {k: [] for k in ("epoch", "steps", "train_loss", "val_loss", "val_acc", "lr",
                               "seconds")}
    if train_eval_loader is not None:
        history["train_acc"], history["train_eval_loss"] = [], []
    history["notes"] = []

    def call(kind, *args):
        try:
            return fns[kind](*args)
        except NotImplementedError:
            if fns[kind] is builtins[kind] or builtins[kind] is None:
                raise
            fns[kind] = builtins[kind]
            history["notes"].append(f"{names[kind]} is not written yet: the built-in one ran")
            return fns[kind](*args)

    n_batches = max(1, len(train_loader))
    start = time.perf_counter()
    for epoch in range(epochs):
        report = None if callback is None else (
            lambda b, mean, epoch=epoch: callback(epoch + min(b, n_batches) / n_batches,
                                                  train_loss=mean))
        recorder = _LossRecorder(loss_fn, log_every, report)
        history["lr"].append(optimizer.param_groups[0]["lr"])
        train_loss = call("train", model, train_loader, recorder, optimizer, device)
        val_loss, val_acc = call("eval", model, val_loader, loss_fn, device)
        metrics = {"val_loss": float(val_loss), "val_acc": float(val_acc)}
        if train_eval_loader is not None:
            tl, ta = call("eval", model, train_eval_loader, loss_fn, device)
            metrics.update(train_acc=float(ta), train_eval_loss=float(tl))
        if scheduler is not None:
            scheduler.step()
        history["epoch"].append(epoch + 1)
        history["steps"].append((epoch + 1) * len(train_loader))
        history["train_loss"].append(float(train_loss))
        for key, value in metrics.items():
            history[key].append(value)
        history["seconds"].append(time.perf_counter() - start)
        if callback is not None:
            callback(epoch + 1, **metrics)
    return history


def run_digits(lr=1e-3, batch_size=64, width=64, depth=2, epochs=10, seed=0, optimizer="adam",
               momentum=0.9, schedule=None, callback=None, device=None, model=None,
               train_fn=None, eval_fn=None, train_size=None, log_every=5):
    """One training run on the digits from its hyperparameters; returns ``fit``'s
    history plus ``model``, ``parameters`` (the count) and ``settings`` (the
    arguments, with the number of training examples).

    The model is ``make_mlp(64, width, depth, 10)`` (or ``model``, e.g. the
    learner's ``MLP``), seeded with ``seed``; the optimizer is Adam, or SGD
    with ``momentum`` when ``optimizer="sgd"``; ``schedule(epoch)`` (optional)
    multiplies the learning rate each epoch (``LambdaLR``). ``train_size`` keeps
    only the first so many training examples (to provoke overfitting).
    Training batches are shuffled by a generator seeded with ``seed``, so the
    same arguments give the same run.

    Example::

        h = run_digits(lr=3e-3, width=32, epochs=5)
        h["val_acc"][-1]
    """
    import torch
    from torch.utils.data import DataLoader, TensorDataset
    from ..device import seed_everything

    X, y = digits("train", layout="flat", tensors=True)
    if train_size is not None:
        X, y = X[:train_size], y[:train_size]
    seed_everything(seed)
    model = model if model is not None else make_mlp(64, width, depth, 10)
    gen = torch.Generator().manual_seed(seed)
    train_loader = DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True,
                              generator=gen)
    full = lambda X, y: DataLoader(TensorDataset(X, y), batch_size=len(y))  # noqa: E731
    if optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule) if schedule is not None else None
    history = fit(model, train_loader, full(*digits("val", layout="flat", tensors=True)), opt, epochs, device=device,
                  scheduler=sched, callback=callback, log_every=log_every, train_fn=train_fn,
                  eval_fn=eval_fn, train_eval_loader=full(X, y))
    history["model"] = model
    history["parameters"] = sum(p.numel() for p in model.parameters())
    history["settings"] = dict(lr=lr, batch_size=batch_size, width=width, depth=depth,
                               epochs=epochs, seed=seed, optimizer=optimizer,
                               train_size=len(y))
    return history


# -- 1. the live training dashboard -------------------------------------------------------------
_LRS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0)
_BATCHES = (8, 16, 32, 64, 128, 256, 512)
_WIDTHS = (2, 4, 8, 16, 32, 64, 128, 256)
_STYLES = {"train_loss": ("loss", BLUE, "-", None), "val_loss": ("loss", ORANGE, "-", "o"),
           "train_acc": ("acc", BLUE, "-", "o"), "val_acc": ("acc", ORANGE, "-", "o")}


def _stop_points(val_losses, patience, stopper):
    """Feed ``val_losses`` to a fresh early stopper: ``(best_index, stop_index)``,
    stop_index None if it never says stop."""
    es = stopper(patience)
    for i, v in enumerate(val_losses):
        if es.step(v):
            return es.best_epoch, i
    return es.best_epoch, None


class TrainingDashboard(Explorer):
    """An ``Explorer`` whose curves a training loop feeds: ``log(x, **metrics)``.

    Known metrics are drawn (``train_loss``, ``val_loss`` on the left;
    ``train_acc``, ``val_acc`` on the right); every metric is kept in
    ``history[name] = (xs, values)``. ``start(total)`` begins a run of
    ``total`` epochs (the previous run stays as grey "ghost" curves and the
    progress bar restarts); ``finish()`` draws the final state.

    A redraw (artists updated, then ``fig.canvas.draw()``, which pushes the new
    picture to the notebook at once, even in the middle of a cell) happens on
    every ``every``-th call of ``log`` and at most once per ``min_interval``
    seconds, and always when a validation metric arrives (end of an epoch).
    """

    def __init__(self, controls, fig, draw, buttons=None, title=None, every=1,
                 min_interval=0.15):
        self.history, self.ghost = {}, {}
        self.total, self.run_label, self.ghost_label, self.last_run = None, None, None, None
        self.notes = []
        self.every, self.min_interval = max(1, int(every)), float(min_interval)
        self.calls, self.redraws, self._last_draw = 0, 0, 0.0
        self.progress = widgets.IntProgress(value=0, min=0, max=1000, description="progress",
                                            bar_style="info",
                                            style={"description_width": "initial"},
                                            layout=widgets.Layout(width="420px"))
        super().__init__(controls, fig, draw, buttons=buttons, title=title)
        self.children = self.children[:-1] + (self.progress, self.fig.canvas)

    # -- feeding it ----------------------------------------------------------------------------
    def start(self, total=None, label=None):
        """Begin a new run of ``total`` epochs: the current curves become the ghost."""
        if self.history:
            self.ghost = {k: (list(xs), list(ys)) for k, (xs, ys) in self.history.items()}
            self.ghost_label = self.run_label
        self.history = {}
        self.total = total
        self.run_label = label
        self.calls = 0
        self.progress.value = 0
        self.progress.bar_style = "info"
        self._redraw()

    def log(self, x, **metrics):
        """Record ``metrics`` (name=value) at ``x`` (epochs done, may be fractional)."""
        for name, value in metrics.items():
            xs, ys = self.history.setdefault(name, ([], []))
            xs.append(float(x))
            ys.append(float(value))
        self.calls += 1
        if self.total:
            self.progress.value = int(round(1000 * min(1.0, float(x) / self.total)))
        epoch_end = any(name.startswith("val") for name in metrics)
        now = time.perf_counter()
        due = self.calls % self.every == 0 and now - self._last_draw >= self.min_interval
        if epoch_end or due:
            self._redraw()

    def finish(self):
        """Mark the run complete and draw its final state."""
        self.progress.value = self.progress.max
        self.progress.bar_style = "success"
        self._redraw()

    def _redraw(self):
        text = self._draw(**self.values)
        if text is not None:
            self.status.value = text
        self.fig.canvas.draw()
        self._last_draw = time.perf_counter()
        self.redraws += 1


def _fmt(v, digits=3):
    return "–" if v is None or not np.isfinite(v) else f"{v:.{digits}g}"


@visualization(MODULE)
def training_dashboard(lr=1e-2, batch_size=64, width=64, depth=2, epochs=15, patience=3,
                       model_fn=None, train_fn=None, eval_fn=None, early_stopping=None,
                       seed=0, every=1, min_interval=0.15):
    """A live training dashboard: loss and accuracy curves, train and validation,
    redrawn in place while a run goes on, with a progress bar.

    Left: the training loss (blue, a point every few batches) and the
    validation loss (orange, once per epoch); right: training and validation
    accuracy. The previous run stays as grey ghost curves, so two settings can
    be compared. Dotted green line: the best validation epoch; dashed red line:
    where early stopping with the ``patience`` slider would have stopped (the
    learner's ``EarlyStopping`` class if passed). The status line is the key
    and gives the latest numbers.

    Two ways to use it:

    * press **Train**: a run on the digits (``run_digits``) with the sliders'
      learning rate (Adam), batch size, width, depth (hidden layers) and
      epochs, on ``course.device()``; the learner's ``MLP`` (``model_fn``, used
      when depth is 2), ``train_one_epoch`` (``train_fn``) and ``evaluate``
      (``eval_fn``) run if given;
    * feed it from your own loop: ``dash.start(epochs)``, then
      ``dash.log(epoch, train_loss=..., val_loss=..., train_acc=..., val_acc=...)``
      (``x`` may be fractional for logs within an epoch), then ``dash.finish()``.

    Arguments: the controls' first values; ``early_stopping`` a class with the
    contract of ``EarlyStopping``; ``seed`` for the runs; ``every`` and
    ``min_interval`` throttle redraws (every ``every``-th log, at most one per
    ``min_interval`` seconds; the end of an epoch always redraws).

    Example::

        from course.viz.training import training_dashboard
        dash = training_dashboard(train_fn=train_one_epoch, eval_fn=evaluate)
        dash                                   # then press Train
    """
    fig = new_figure(7.6, 3.5)
    ax_loss, ax_acc = fig.subplots(1, 2)
    ax_loss.set(xlabel="epoch", ylabel="loss (cross-entropy)", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy", ylim=(0, 1.02))
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
    axes = {"loss": ax_loss, "acc": ax_acc}
    lines, ghosts = {}, {}
    for name, (where, color, ls, marker) in _STYLES.items():
        # dynamic artists sit above the spines and grid (zorder <= 2.5), as when baked
        ghosts[name], = axes[where].plot([], [], color=GREY, lw=1.2, ls="--", zorder=2.6)
        lines[name], = axes[where].plot([], [], color=color, lw=1.5 if marker is None else 1.8,
                                        ls=ls, marker=marker, ms=3.5, zorder=3)
    best_lines = [ax.axvline(0, color=GREEN, ls=":", lw=1.8, visible=False, zorder=2.7)
                  for ax in axes.values()]
    stop_lines = [ax.axvline(0, color=RED, ls="--", lw=1.5, visible=False, zorder=2.7)
                  for ax in axes.values()]
    heading = fig.suptitle("", fontsize=10)
    stopper = early_stopping or _solution("EarlyStopping")      # None: no stop markers
    holder = {}

    def plan(lr, batch_size, width, depth, epochs):
        n_train = len(digits("train")[1])
        per_epoch = math.ceil(n_train / batch_size)
        params = sum((a + 1) * b for a, b in zip([64] + [width] * depth, [width] * depth + [10]))
        return n_train, per_epoch, params

    def draw(lr, batch_size, width, depth, epochs, patience, loss_axis):
        ex = holder.get("ex")
        history = ex.history if ex is not None else {}
        ghost = ex.ghost if ex is not None else {}
        for name in _STYLES:
            xs, ys = history.get(name, ([], []))
            lines[name].set_data(xs, ys)
            gx, gy = ghost.get(name, ([], []))
            ghosts[name].set_data(gx, gy)
        total = (ex.total if ex is not None and ex.total else 0) or epochs
        xmax = max([total] + [max(xs) for xs, _ in list(history.values()) + list(ghost.values())
                              if xs])
        losses = [v for name in ("train_loss", "val_loss") for src in (history, ghost)
                  for v in src.get(name, ([], []))[1] if np.isfinite(v) and v > 0]
        # fixed limits (a 10-class classifier starts near ln 10 = 2.3), so the baked axes
        # are rarely re-rendered; a diverging run leaves the top of the chart
        if loss_axis == "log":
            lo = 10.0 ** math.floor(math.log10(min(losses))) if losses else 1e-2
            ylim = (min(max(lo, 1e-4), 1e-2), 10.0)
        else:
            ylim = (0.0, 2.5 if not losses or max(losses) <= 2.5 else 5.0)
        xlim = (0.0, xmax * 1.02 + 1e-9)
        for ax in axes.values():
            ax.set_xlim(*xlim)
        ax_loss.set_yscale(loss_axis)
        ax_loss.set_ylim(*ylim)
        if "backdrop" in holder:
            holder["backdrop"].bake((xlim, loss_axis, ylim))
        val = history.get("val_loss", ([], []))
        best = stop = None
        if val[1] and stopper is not None:
            best, stop = _stop_points(val[1], patience, stopper)
        for line in best_lines:
            line.set_visible(best is not None)
            if best is not None:
                line.set_xdata([val[0][best]] * 2)
        for line in stop_lines:
            line.set_visible(stop is not None)
            if stop is not None:
                line.set_xdata([val[0][stop]] * 2)
        n_train, per_epoch, params = plan(lr, batch_size, width, depth, epochs)
        heading.set_text(f"next run: lr {lr:g} · batch {batch_size} · {depth} hidden × {width}"
                         f" · {epochs} epochs ({params:,} parameters)")
        last = {k: (v[1][-1] if v[1] else None) for k, v in history.items()}
        ghost_note = f" ({ex.ghost_label})" if ex is not None and ghost and ex.ghost_label else ""
        key = (f"<span style='color:{BLUE}'><b>━ train</b></span> &nbsp; "
               f"<span style='color:{ORANGE}'><b>━● validation</b></span> &nbsp; "
               f"<span style='color:{GREY}'><b>╌ previous run</b>{ghost_note}</span> &nbsp; "
               f"<span style='color:{GREEN}'><b>┆ best epoch</b></span> &nbsp; "
               f"<span style='color:{RED}'><b>╎ early stop (patience {patience})</b></span>")
        if history:
            done = max(max(xs) for xs, _ in history.values() if xs)
            where = f"epoch {done:.2f}" + (f" of {ex.total}" if ex.total else "")
            now = (f"{where}: train loss {_fmt(last.get('train_loss'))}, val loss "
                   f"{_fmt(last.get('val_loss'))}, train acc {_fmt(last.get('train_acc'))}, "
                   f"val acc {_fmt(last.get('val_acc'))}")
            if best is not None:
                now += (f"; best val loss {_fmt(val[1][best])} at epoch {val[0][best]:g}"
                        + (f", early stopping would stop at epoch {val[0][stop]:g}"
                           if stop is not None else ", no early stop yet"))
            if ex.run_label:
                now = f"{ex.run_label} — {now}"
        else:
            now = (f"no run yet: press Train ({n_train} training digits, {per_epoch} iterations "
                   f"per epoch at batch {batch_size}) or feed dash.log(...) from a loop")
        notes = getattr(ex, "notes", None)
        return f"{key}<br>{now}" + (f"<br><i>{'; '.join(notes)}</i>" if notes else "")

    def train():
        ex = holder["ex"]
        v = ex.values
        from ..device import device as _device

        label = (f"lr {v['lr']:g}, batch {v['batch_size']}, {v['depth']}×{v['width']}, "
                 f"{v['epochs']} epochs")
        ex.start(v["epochs"], label)
        ex.notes = []
        model = None
        if model_fn is not None and v["depth"] == 2:
            from ..device import seed_everything
            seed_everything(seed)
            try:
                model = model_fn(64, v["width"], 10)
            except NotImplementedError:
                ex.notes.append("MLP is not written yet: the built-in network ran")
        elif model_fn is not None:
            ex.notes.append("your MLP has two hidden layers: for this depth the built-in "
                            "network ran")
        try:
            history = run_digits(lr=v["lr"], batch_size=v["batch_size"], width=v["width"],
                                 depth=v["depth"], epochs=v["epochs"], seed=seed,
                                 callback=ex.log, device=_device(), model=model,
                                 train_fn=train_fn, eval_fn=eval_fn, log_every=max(1, math.ceil(
                                     len(digits("train")[1])
                                     / v["batch_size"] / 8)))
        except Exception as exc:  # noqa: BLE001 - a learner's function failed: say so
            ex.notes.append(f"the run stopped: {type(exc).__name__}: {exc}")
            ex.progress.bar_style = "danger"
            return
        ex.notes += history["notes"]
        ex.last_run = history
        ex.finish()

    def clear():
        ex = holder["ex"]
        ex.history, ex.ghost, ex.total, ex.run_label = {}, {}, None, None
        ex.progress.value = 0

    controls = {
        "lr": _selection(_LRS, _nearest(_LRS, lr), "learning rate", fmt=lambda v: f"{v:g}"),
        "batch_size": _selection(_BATCHES, _nearest(_BATCHES, batch_size), "batch size"),
        "width": _selection(_WIDTHS, _nearest(_WIDTHS, width), "width"),
        "depth": int_slider(depth, 1, 4, "depth (hidden layers)"),
        "epochs": int_slider(epochs, 1, 60, "epochs"),
        "patience": int_slider(patience, 1, 15, "patience (early stop)"),
        "loss_axis": dropdown(["linear", "log"], "linear", "loss axis"),
    }
    buttons = {"train": (widgets.Button(description="Train", icon="play",
                                        button_style="primary",
                                        layout=widgets.Layout(width="110px")), train),
               "clear": (widgets.Button(description="Clear", icon="eraser",
                                        layout=widgets.Layout(width="110px")), clear)}
    heading.set_text("next run: lr 0.0001 · batch 512 · 4 hidden × 256 · 60 epochs "
                     "(199,434 parameters)")
    freeze_layout(fig, widest=lambda: ax_loss.set_ylim(0, 2.5))
    holder["backdrop"] = Backdrop(fig, list(lines.values()) + list(ghosts.values())
                                   + best_lines + stop_lines + [heading])
    ex = TrainingDashboard(controls, fig, draw, buttons=buttons, title="Training dashboard",
                           every=every, min_interval=min_interval)
    holder["ex"] = ex
    ex.update()
    ex.artists = {"lines": lines, "ghosts": ghosts, "best": best_lines, "stop": stop_lines,
                  "heading": heading}
    ex.backdrop = holder["backdrop"]
    return ex


def _nearest(options, value):
    return min(options, key=lambda o: abs(math.log(o) - math.log(value)))


def _selection(options, value, description, fmt=str):
    return widgets.SelectionSlider(options=[(fmt(o), o) for o in options], value=value,
                                   description=description, continuous_update=False,
                                   style={"description_width": "initial"},
                                   layout=widgets.Layout(width="260px"))


# -- 2. learning-rate schedules ------------------------------------------------------------------
#: name -> (exercise name, formula shown); the built-in is the exercise's solution
SCHEDULES = {
    "step decay": ("step_decay",
                   r"$\eta_t = \eta_0\,\delta^{\lfloor t/k \rfloor}$   (StepLR)"),
    "exponential": ("exponential_decay",
                    r"$\eta_t = \eta_0\,\gamma^{t}$   (ExponentialLR)"),
    "cosine annealing": ("cosine_annealing",
                         r"$\eta_t = \eta_{min} + \frac{1}{2}(\eta_{max}-\eta_{min})"
                         r"(1+\cos\frac{\pi t}{T})$   (CosineAnnealingLR)"),
    "warm restarts": ("cosine_warm_restarts",
                      r"cosine within each period $T_0, T_0 m, T_0 m^2, \ldots$   "
                      r"(CosineAnnealingWarmRestarts)"),
}


def schedule_values(name, epochs, lr_max=0.1, lr_min=0.001, drop=0.5, every=10, gamma=0.95,
                    T=50, T0=10, T_mult=1, warmup=0, fn=None):
    """The learning rate of epochs ``0 .. epochs-1`` under schedule ``name``,
    computed with ``fn`` (the learner's function with the exercise's signature;
    default: the built-in one). With ``warmup = W > 0`` the first W epochs ramp
    linearly, ``lr_max (t+1)/(W+1)``, and the schedule proper starts at epoch W
    from its own epoch 0 (what ``SequentialLR([LinearLR, ...], [W])`` does)."""
    fn = fn or _required(SCHEDULES[name][0])
    call = {
        "step decay": lambda t: fn(lr_max, t, drop=drop, every=every),
        "exponential": lambda t: fn(lr_max, t, gamma),
        "cosine annealing": lambda t: fn(lr_max, lr_min, t, T),
        "warm restarts": lambda t: fn(lr_max, lr_min, t, T0, T_mult=T_mult),
    }[name]
    out = [lr_max * (t + 1) / (warmup + 1) for t in range(min(warmup, epochs))]
    out += [float(call(t)) for t in range(epochs - len(out))]
    return np.array(out, dtype=float)


@functools.lru_cache(maxsize=256)
def torch_schedule(name, epochs, lr_max=0.1, lr_min=0.001, drop=0.5, every=10, gamma=0.95, T=50,
                   T0=10, T_mult=1, warmup=0):
    """What ``torch.optim.lr_scheduler`` gives for the same schedule: an SGD
    optimizer stepped once per epoch (``optimizer.step()`` then
    ``scheduler.step()``), the rate read with ``get_last_lr()``. Warmup is a
    ``LinearLR`` for the first W epochs followed by a fresh main scheduler."""
    import torch
    from torch.optim import lr_scheduler as S

    def run(make, n, lr):
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=lr)
        sched = make(opt)
        out = []
        for _ in range(n):
            out.append(sched.get_last_lr()[0])
            opt.step()
            sched.step()
        return out

    makers = {
        "step decay": lambda o: S.StepLR(o, step_size=every, gamma=drop),
        "exponential": lambda o: S.ExponentialLR(o, gamma=gamma),
        "cosine annealing": lambda o: S.CosineAnnealingLR(o, T_max=T, eta_min=lr_min),
        "warm restarts": lambda o: S.CosineAnnealingWarmRestarts(o, T_0=T0, T_mult=T_mult,
                                                                  eta_min=lr_min),
    }
    w = min(warmup, epochs)
    head = run(lambda o: S.LinearLR(o, start_factor=1 / (w + 1), end_factor=1.0, total_iters=w),
               w, lr_max) if w else []
    return tuple(head + run(makers[name], epochs - w, lr_max))


def _learner_schedules(schedules):
    if schedules is None:
        return {}
    by_key = {}
    for name, (exercise, _) in SCHEDULES.items():
        by_key[name] = by_key[exercise] = name
    items = schedules.items() if isinstance(schedules, dict) else [(f.__name__, f)
                                                                   for f in schedules]
    out = {}
    for key, fn in items:
        if key not in by_key:
            raise ValueError(f"unknown schedule {key!r}; use one of {list(SCHEDULES)} or "
                             f"{[e for e, _ in SCHEDULES.values()]}")
        out[by_key[key]] = fn
    return out


@visualization(MODULE)
def schedule_explorer(schedules=None, schedule="cosine annealing", lr_max=0.1, lr_min=0.001,
                      drop=0.5, every=10, gamma=0.95, T=50, T0=10, T_mult=1, warmup=0,
                      epochs=100):
    """The learning rate epoch by epoch under four schedules, next to PyTorch's.

    The line is the schedule computed by a function (the learner's if passed,
    else the built-in one), one value per epoch, held for the epoch; the dots
    are what ``torch.optim.lr_scheduler`` gives (StepLR, ExponentialLR,
    CosineAnnealingLR, CosineAnnealingWarmRestarts, with a LinearLR warmup in
    front when ``warmup`` > 0). The status gives the formula's largest
    difference from torch, and how the rate ends.

    Controls: ``schedule``; ``lr₀ / lr_max``; ``lr_min`` (cosine, restarts);
    ``drop`` and ``every`` (step decay); ``gamma`` (exponential); ``T``
    (cosine); ``T0`` and ``T_mult`` (restarts); ``warmup`` epochs (linear
    ramp up to lr_max first); ``epochs`` shown; ``axis`` linear or log.
    Controls the chosen schedule does not use are greyed out.

    Arguments: ``schedules`` the learner's functions, a dict keyed by schedule
    or exercise name (``"step_decay"``, ``"exponential_decay"``,
    ``"cosine_annealing"``, ``"cosine_warm_restarts"``) or a list of the
    functions; one not written yet (or raising) is replaced by the built-in
    one and the status says so. The others are the controls' first values.

    Example::

        from course.viz.training import schedule_explorer
        schedule_explorer([step_decay, exponential_decay, cosine_annealing,
                           cosine_warm_restarts])
    """
    learner = _learner_schedules(schedules)
    fig = new_figure(7.0, 3.6)
    ax = fig.add_subplot()
    ax.set(xlabel="epoch t", ylabel="learning rate")
    ax.grid(alpha=0.3)
    line, = ax.plot([], [], color=BLUE, lw=2.0, drawstyle="steps-post", zorder=3)
    dots, = ax.plot([], [], ls="none", marker="o", ms=3.2, color=ORANGE, zorder=4)
    warm_span = ax.axvspan(0, 1, color="#ffe9a8", alpha=0.6, zorder=2.6, visible=False)
    title = ax.set_title("", fontsize=10, y=1.0)
    uses = {"step decay": {"drop", "every"}, "exponential": {"gamma"},
            "cosine annealing": {"lr_min", "T"}, "warm restarts": {"lr_min", "T0", "T_mult"}}
    optional = {"drop", "every", "gamma", "lr_min", "T", "T0", "T_mult"}
    holder = {}

    def draw(schedule, lr_max, lr_min, drop, every, gamma, T, T0, T_mult, warmup, epochs, axis):
        for name in optional:
            if name in controls:
                controls[name].disabled = name not in uses[schedule]
        args = dict(lr_max=lr_max, lr_min=lr_min, drop=drop, every=every, gamma=gamma, T=T,
                    T0=T0, T_mult=T_mult, warmup=warmup)
        fn = learner.get(schedule)
        note = ""
        if fn is not None:
            try:
                ys = schedule_values(schedule, epochs, fn=fn, **args)
                who = f"your {SCHEDULES[schedule][0]}"
            except Exception as exc:  # noqa: BLE001 - show the built-in instead
                why = "is not written yet" if _is_stub(exc) else \
                    f"raised {type(exc).__name__}: {exc}"
                note = f"<br><i>your {SCHEDULES[schedule][0]} {why}: drawing the built-in one</i>"
                fn = None
        ref = np.array(torch_schedule(schedule, epochs, **args))
        if fn is None and _solution(SCHEDULES[schedule][0]) is None:   # while grading
            ys, who = ref.copy(), "torch's schedule (no built-in formula here)"
        elif fn is None:
            ys = schedule_values(schedule, epochs, **args)
            who = "the built-in formula"
        t = np.arange(epochs + 1)
        line.set_data(t, np.append(ys, ys[-1]))
        dots.set_data(t[:-1], ref)
        warm_span.set_visible(warmup > 0)
        if warmup > 0:
            warm_span.set_x(0)
            warm_span.set_width(min(warmup, epochs))
        top = float(max(np.nanmax(ys), ref.max()))
        if axis == "log":
            both = np.concatenate([ys, ref])
            low = float(both[both > 0].min()) if (both > 0).any() else 1e-6
            limits = (low / 1.6, top * 1.6)
        else:
            limits = (0.0, top * 1.08)
        ax.set_xlim(0, epochs)
        ax.set_yscale(axis)
        ax.set_ylim(*limits)
        if "backdrop" in holder:
            holder["backdrop"].bake((epochs, axis, limits))
        title.set_text(SCHEDULES[schedule][1])
        diff = float(np.nanmax(np.abs(ys - ref)))
        agree = "agree" if diff <= 1e-9 + 1e-6 * top else "<b>disagree</b>"
        return (f"<span style='color:{BLUE}'><b>━ {who}</b></span> &nbsp; "
                f"<span style='color:{ORANGE}'><b>● torch.optim.lr_scheduler</b></span>"
                + (" &nbsp; <span style='color:#c9a227'><b>▮ warmup</b></span>" if warmup else "")
                + f"<br>largest difference over {epochs} epochs: {diff:.2e} ({agree}); "
                f"lr at epoch 0: {ys[0]:.4g}, at epoch {epochs - 1}: {ys[-1]:.4g}" + note)

    controls = {
        "schedule": dropdown(list(SCHEDULES), schedule, "schedule"),
        "lr_max": slider(lr_max, 0.01, 1.0, 0.01, "lr₀ / lr_max"),
        "lr_min": slider(lr_min, 0.0, 0.05, 0.001, "lr_min", readout_format=".3f"),
        "drop": slider(drop, 0.1, 0.9, 0.05, "drop"),
        "every": int_slider(every, 1, 50, "every"),
        "gamma": slider(gamma, 0.8, 0.999, 0.001, "gamma", readout_format=".3f"),
        "T": int_slider(T, 2, 200, "T"),
        "T0": int_slider(T0, 1, 50, "T0"),
        "T_mult": dropdown([1, 2, 3], T_mult, "T_mult"),
        "warmup": int_slider(warmup, 0, 30, "warmup epochs"),
        "epochs": int_slider(epochs, 10, 300, "epochs shown"),
        "axis": dropdown(["linear", "log"], "linear", "axis"),
    }
    draw(**{k: c.value for k, c in controls.items()})
    freeze_layout(fig, widest=lambda: ax.set_ylim(0, 0.00108))
    holder["backdrop"] = Backdrop(fig, [line, dots, warm_span, title])
    ex = holder["ex"] = Explorer(controls, fig, draw, title="Learning-rate schedules")
    ex.artists = {"line": line, "dots": dots, "warmup": warm_span, "title": title}
    ex.backdrop = holder["backdrop"]
    return ex


# -- 3. grid search vs random search --------------------------------------------------------------
#: The search space of ``search_comparison`` (13 learning rates, 8 widths).
SEARCH_LRS = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1, 0.2, 0.5, 1.0)
SEARCH_WIDTHS = (2, 4, 8, 16, 32, 64, 128, 256)

#: Validation error (fraction wrong) of ``run_digits(lr, width=width, depth=2,
#: batch_size=64, epochs=5, seed=0)`` (Adam, CPU), row = width, column = learning
#: rate, as ``measure_search_errors()`` measured it with torch 2.13 (stored so the
#: picture is instant): mistakes among the 359 validation digits, divided by 359.
SEARCH_ERRORS = np.array([
    (331, 331, 331, 331, 301, 292, 278, 272, 251, 238, 239, 326, 326),
    (326, 326, 326, 326, 304, 299, 289, 257, 235, 241, 319, 326, 326),
    (319, 321, 321, 274, 284, 164, 120,  52,  53,  60, 289, 326, 326),
    (326, 315, 275, 211, 181,  47,  42,  19,  23, 156, 319, 326, 326),
    (320, 319, 269,  88,  66,  34,  18,  16,  22,  23, 113, 320, 326),
    (225, 148,  83,  53,  28,  20,  20,  17,  19,  42, 319, 319, 326),
    (160,  78,  60,  32,  19,  15,  15,  17,   8,  67, 196, 326, 319),
    ( 84,  68,  32,  21,  12,  14,  13,  14,  25, 196, 196, 311, 321),
]) / 359.0


def measure_search_errors(epochs=5, lrs=SEARCH_LRS, widths=SEARCH_WIDTHS, progress=None):
    """Re-measure the table behind ``search_comparison`` (about a hundred short
    runs): validation error after ``epochs`` epochs for every (width, lr)."""
    table = np.zeros((len(widths), len(lrs)))
    for i, w in enumerate(widths):
        for j, lr in enumerate(lrs):
            h = run_digits(lr=lr, width=w, depth=2, batch_size=64, epochs=epochs, seed=0,
                           device="cpu")
            table[i, j] = 1.0 - h["val_acc"][-1]
            if progress:
                progress(i, j, table[i, j])
    return table


def search_objective(params):
    """The measured validation error for ``{"lr": ..., "width": ...}`` from the
    search space (``SEARCH_LRS`` x ``SEARCH_WIDTHS``)."""
    i = SEARCH_WIDTHS.index(params["width"])
    j = SEARCH_LRS.index(params["lr"])
    return float(SEARCH_ERRORS[i, j])


def grid_trials(n_trials, lrs=SEARCH_LRS, widths=SEARCH_WIDTHS):
    """A grid search's trials with a budget of ``n_trials``: ``a`` learning rates
    by ``b`` widths spread evenly over each list (a = ceil(sqrt(n)), b = n // a,
    so a * b <= n), as a list of ``{"lr", "width"}`` dicts."""
    a = max(1, math.ceil(math.sqrt(n_trials)))
    b = max(1, n_trials // a)
    if a * b > n_trials:
        a = n_trials
        b = 1
    pick = lambda options, k: [options[int(round(i))]  # noqa: E731
                               for i in np.linspace(0, len(options) - 1, k)] \
        if k > 1 else [options[len(options) // 2]]
    return [{"lr": lr, "width": w} for w in pick(widths, b) for lr in pick(lrs, a)]


@visualization(MODULE)
def search_comparison(search=None, n_trials=9, seed=0):
    """Grid search and random search with the same budget, on the same landscape.

    Both panels show the validation error of the digits MLP (two hidden
    layers) after 5 epochs of Adam for every learning rate (13, log-spaced) and
    width (2 to 256) of the search space, measured once (darker = lower error);
    the white cross is the best cell. Left: a grid search's trials (a few
    learning rates times a few widths); right: a random search's trials (the
    learner's ``random_search`` if passed), each point coloured by its score;
    the star marks each method's best. The status compares the best errors
    found and how many *distinct* learning rates each tried: the grid tests
    only about sqrt(n) of them, random search nearly n (Bergstra & Bengio).

    Controls: ``trials`` (the budget n), ``seed`` (the random search's seed).

    Arguments: ``search`` the learner's ``random_search(space, n_trials,
    objective, seed)`` (default: a built-in one); one not written yet is
    replaced by the built-in one and the status says so.

    Example::

        from course.viz.training import search_comparison
        search_comparison(search=random_search)
    """
    from matplotlib import colormaps

    table = np.asarray(SEARCH_ERRORS, float)
    fig = new_figure(7.6, 3.5)
    axes = fig.subplots(1, 2, sharey=True)
    cmap = colormaps["viridis"]
    vmax = float(np.quantile(table, 0.9))
    best_cell = np.unravel_index(int(np.argmin(table)), table.shape)
    art = {}
    for ax, kind in zip(axes, ("grid", "random")):
        image = ax.imshow(table, origin="lower", cmap=cmap, vmin=0.0, vmax=vmax, aspect="auto",
                          interpolation="nearest", extent=(-0.5, len(SEARCH_LRS) - 0.5,
                                                           -0.5, len(SEARCH_WIDTHS) - 0.5))
        ax.plot([best_cell[1]], [best_cell[0]], ls="none", marker="x", ms=8, mew=2,
                color="white", zorder=4)
        pts = ax.scatter([], [], s=38, color="white", edgecolors="black", linewidths=1.0,
                         zorder=5)
        star, = ax.plot([], [], ls="none", marker="*", ms=17, color="#ffd400", mec="black",
                        mew=1.0, zorder=6)
        rug, = ax.plot([], [], ls="none", marker="|", ms=9, mew=2, color=RED, zorder=6,
                       clip_on=False)
        ax.set_xticks(range(0, len(SEARCH_LRS), 3),
                      [f"{SEARCH_LRS[i]:g}" for i in range(0, len(SEARCH_LRS), 3)])
        ax.set_xlabel("learning rate")
        ax.set_xlim(-0.5, len(SEARCH_LRS) - 0.5)
        ax.set_ylim(-1.1, len(SEARCH_WIDTHS) - 0.5)
        art[kind] = {"points": pts, "star": star, "rug": rug, "image": image,
                     "title": ax.set_title("", fontsize=10, y=1.0)}
    axes[0].set_yticks(range(len(SEARCH_WIDTHS)), [str(w) for w in SEARCH_WIDTHS])
    axes[0].set_ylabel("width (units per hidden layer)")
    fig.colorbar(art["random"]["image"], ax=axes, shrink=0.85, label="validation error")
    space = {"lr": list(SEARCH_LRS), "width": list(SEARCH_WIDTHS)}
    holder = {}

    def run_random(n, s):
        trials = []

        def objective(params):
            trials.append(dict(params))
            return search_objective(params)

        note = ""
        if search is not None:
            try:
                search(space, n, objective, s)
                return trials, "your random_search", note
            except Exception as exc:  # noqa: BLE001 - fall back, and say so
                why = "is not written yet" if _is_stub(exc) else \
                    f"raised {type(exc).__name__}: {exc}"
                note = f"<br><i>your random_search {why}: the built-in one ran</i>"
                trials.clear()
        if _solution("random_search") is None:    # while grading: nothing to run
            return [], "random search", note + "<br><i>(no built-in random search here)</i>"
        _required("random_search")(space, n, objective, s)
        return trials, "built-in random search", note

    def show(kind, trials):
        a = art[kind]
        xs = np.array([SEARCH_LRS.index(t["lr"]) for t in trials], float)
        ys = np.array([SEARCH_WIDTHS.index(t["width"]) for t in trials], float)
        scores = np.array([search_objective(t) for t in trials])
        a["points"].set_offsets(np.column_stack([xs, ys]) if len(xs) else np.zeros((0, 2)))
        if not trials:
            a["star"].set_data([], [])
            a["rug"].set_data([], [])
            return None, float("nan"), 0
        k = int(np.argmin(scores))
        a["star"].set_data([xs[k]], [ys[k]])
        distinct = sorted(set(xs.tolist()))
        a["rug"].set_data(distinct, [-0.85] * len(distinct))
        return trials[k], float(scores[k]), len(distinct)

    def draw(trials, seed):
        if "backdrop" in holder:
            holder["backdrop"].bake(None)
        grid = grid_trials(trials)
        rnd, who, note = run_random(trials, seed)
        holder["trials"] = {"grid": grid, "random": rnd}
        g_best, g_score, g_lrs = show("grid", grid)
        r_best, r_score, r_lrs = show("random", rnd)
        n_lr = len({t["lr"] for t in grid})
        art["grid"]["title"].set_text(f"grid search: {n_lr} × {len(grid) // n_lr} = "
                                      f"{len(grid)} trials")
        art["random"]["title"].set_text(f"random search: {len(rnd)} trials (seed {seed})")
        best = float(table.min())

        def line(name, params, score, n_distinct):
            if params is None:
                return f"<b>{name}</b>: no trials"
            return (f"<b>{name}</b>: best error {score:.3f} at lr {params['lr']:g}, width "
                    f"{params['width']}; {n_distinct} distinct learning rates tried")

        return ("white ✕: best cell of the whole table (error "
                f"{best:.3f}); ★: best trial; red ticks under each panel: the learning rates "
                "tried<br>" + line("grid", g_best, g_score, g_lrs) + "<br>"
                + line(who, r_best, r_score, r_lrs) + note)

    controls = {"trials": int_slider(n_trials, 1, 40, "trials (budget)"),
                "seed": int_slider(seed, 0, 30, "seed (random search)")}
    draw(**{k: c.value for k, c in controls.items()})
    freeze_layout(fig)
    holder["backdrop"] = Backdrop(fig, [a[k] for a in art.values()
                                         for k in ("points", "star", "rug", "title")])
    ex = holder["ex"] = Explorer(controls, fig, draw, title="Grid search vs random search")
    ex.artists = art
    ex.trials = lambda: holder["trials"]
    ex.backdrop = holder["backdrop"]
    return ex
