"""Visualizations and helpers of 07_training: built headlessly, driven from Python,
and checked against the math and against PyTorch (the schedule explorer draws
what torch.optim.lr_scheduler gives, the dashboard draws what was logged and
marks where the early-stopping rule stops, the search panels show the trials
actually run)."""
import math
import warnings

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as S

from course.data import digits
from course.train import make_mlp
from course.viz import training as T
from course.viz.render import Backdrop, curves
from solutions import training as S7

warnings.filterwarnings("ignore", category=DeprecationWarning)


def ydata(line):
    return np.asarray(line.get_ydata(), float)


def xdata(line):
    return np.asarray(line.get_xdata(), float)


def torch_lrs(make, lr0, epochs):
    """An independent run of a torch scheduler, the rate read each epoch."""
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=lr0)
    sched = make(opt)
    out = []
    for _ in range(epochs):
        out.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    return np.array(out)


def backdrop_of(ex):
    """The Backdrop that paints the static part of an explorer's figure."""
    assert isinstance(ex.backdrop, Backdrop)
    return ex.backdrop


# -- the built-in exercise solutions (solutions/training.py, generated from the notebook) -----------
def test_the_digits_splits_partition_the_data():
    X, _ = digits(layout="flat")
    for scheme, parts in (("train/val/test", ("train", "val", "test")), ("train/test", ("train", "test"))):
        got = np.concatenate([digits(p, layout="flat", scheme=scheme)[0] for p in parts])
        assert len(got) == len(X)
        assert np.array_equal(np.unique(got, axis=0), np.unique(X, axis=0))


def test_builtin_early_stopping_on_the_worked_example():
    es = S7.EarlyStopping(2)
    assert [es.step(v) for v in [0.9, 0.7, 0.7, 0.65, 0.66, 0.69]] == [False] * 5 + [True]
    assert es.best == 0.65 and es.best_epoch == 3


def test_builtin_random_search_keeps_the_lowest():
    calls = []
    best, score = S7.random_search({"x": [3, 1, 2]}, 20, lambda p: calls.append(p) or p["x"], 0)
    assert len(calls) == 20 and score == min(c["x"] for c in calls) == best["x"]


# -- schedules ------------------------------------------------------------------------------------
SETTINGS = [
    ("step decay", dict(lr_max=0.1, drop=0.5, every=10), lambda o: S.StepLR(o, 10, 0.5)),
    ("step decay", dict(lr_max=0.3, drop=0.1, every=3), lambda o: S.StepLR(o, 3, 0.1)),
    ("exponential", dict(lr_max=0.1, gamma=0.95), lambda o: S.ExponentialLR(o, 0.95)),
    ("cosine annealing", dict(lr_max=0.1, lr_min=0.001, T=30),
     lambda o: S.CosineAnnealingLR(o, T_max=30, eta_min=0.001)),
    ("warm restarts", dict(lr_max=0.1, lr_min=0.0, T0=5, T_mult=1),
     lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=1, eta_min=0.0)),
    ("warm restarts", dict(lr_max=0.2, lr_min=0.01, T0=3, T_mult=2),
     lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.01)),
]


@pytest.mark.parametrize("name,kw,make", SETTINGS,
                         ids=[f"{s[0]}-{i}" for i, s in enumerate(SETTINGS)])
def test_builtin_schedules_and_torch_schedule_match_torch(name, kw, make):
    want = torch_lrs(make, kw["lr_max"], 90)
    np.testing.assert_allclose(T.schedule_values(name, 90, **kw), want, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(T.torch_schedule(name, 90, **kw), want, rtol=0, atol=0)


def test_warmup_is_a_linear_ramp_then_the_schedule_from_its_own_start():
    vals = T.schedule_values("cosine annealing", 40, lr_max=0.1, lr_min=0.0, T=30, warmup=5)
    np.testing.assert_allclose(vals[:5], 0.1 * np.arange(1, 6) / 6)
    np.testing.assert_allclose(vals[5:],
                               [0.05 * (1 + math.cos(math.pi * t / 30)) for t in range(35)])
    ref = T.torch_schedule("cosine annealing", 40, lr_max=0.1, lr_min=0.0, T=30, warmup=5)
    np.testing.assert_allclose(ref, vals, rtol=1e-9, atol=1e-13)


def test_schedule_explorer_draws_the_schedule_and_torch_dots():
    ex = T.schedule_explorer()
    for name, kw, make in SETTINGS:
        ex.set(schedule=name, epochs=90, warmup=0, **kw)
        want = torch_lrs(make, kw["lr_max"], 90)
        line, dots = ex.artists["line"], ex.artists["dots"]
        np.testing.assert_allclose(ydata(line)[:-1], want, rtol=1e-9, atol=1e-13)
        np.testing.assert_allclose(xdata(line), np.arange(91))
        np.testing.assert_allclose(ydata(dots), want, rtol=0, atol=1e-15)
        assert "(agree)" in ex.status.value
        assert ex.controls["drop"].disabled == (name != "step decay")
        assert ex.controls["T0"].disabled == (name != "warm restarts")
        assert ex.controls["lr_max"].disabled is False


def test_schedule_explorer_warmup_band_and_log_axis():
    ex = T.schedule_explorer()
    ex.set(schedule="exponential", warmup=8, epochs=50, gamma=0.9)
    span = ex.artists["warmup"]
    assert span.get_visible() and span.get_x() == 0 and span.get_width() == 8
    np.testing.assert_allclose(ydata(ex.artists["line"])[:8], 0.1 * np.arange(1, 9) / 9)
    before = ex.render()
    ex.set(axis="log")
    assert ex.fig.axes[0].get_yscale() == "log"
    assert not np.array_equal(before, ex.render())
    ex.set(warmup=0)
    assert not ex.artists["warmup"].get_visible()


def test_schedule_explorer_draws_the_learners_function_and_reports_disagreement():
    wrong = lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** (epoch // every + 1)  # noqa: E731
    wrong.__name__ = "step_decay"
    ex = T.schedule_explorer([wrong], schedule="step decay")
    got = ydata(ex.artists["line"])[:-1]
    np.testing.assert_allclose(got, [0.05 * 0.5 ** (e // 10) for e in range(100)])
    assert "disagree" in ex.status.value and "your step_decay" in ex.status.value

    def stub(lr_max, lr_min, t, T):
        raise NotImplementedError()
    ex = T.schedule_explorer({"cosine_annealing": stub})
    assert "not written yet" in ex.status.value
    np.testing.assert_allclose(ydata(ex.artists["line"])[:-1],
                               T.schedule_values("cosine annealing", 100, T=50))
    with pytest.raises(ValueError):
        T.schedule_explorer({"nope": stub})


# -- the dashboard --------------------------------------------------------------------------------
def test_dashboard_log_draws_exactly_what_was_logged():
    dash = T.training_dashboard(min_interval=0)
    dash.start(4, "test run")
    xs = [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]
    losses = [2.3, 2.0, 1.7, 1.5, 1.3, 1.2, 1.0, 0.9]
    for x, v in zip(xs, losses):
        dash.log(x, train_loss=v)
    dash.log(1, val_loss=1.6, val_acc=0.5, train_acc=0.55)
    dash.log(2, val_loss=1.1, val_acc=0.7, train_acc=0.72)
    lines = dash.artists["lines"]
    np.testing.assert_allclose(xdata(lines["train_loss"]), xs)
    np.testing.assert_allclose(ydata(lines["train_loss"]), losses)
    np.testing.assert_allclose(xdata(lines["val_loss"]), [1, 2])
    np.testing.assert_allclose(ydata(lines["val_acc"]), [0.5, 0.7])
    np.testing.assert_allclose(ydata(lines["train_acc"]), [0.55, 0.72])
    assert dash.progress.value == 500                       # 2 of 4 epochs
    assert "val loss 1.1" in dash.status.value and "test run" in dash.status.value
    dash.finish()
    assert dash.progress.value == dash.progress.max and dash.progress.bar_style == "success"


def test_dashboard_redraw_throttle_and_epoch_ends():
    dash = T.training_dashboard(every=3, min_interval=0)
    dash.start(2)
    start = dash.redraws
    for i in range(1, 7):
        dash.log(i / 10, train_loss=2.0 - i / 10)
    assert dash.redraws - start == 2                          # calls 3 and 6
    dash.log(1, val_loss=1.0)                                 # an epoch end always redraws
    assert dash.redraws - start == 3
    slow = T.training_dashboard(every=1, min_interval=60)
    slow.start(2)
    before = slow.redraws
    for i in range(5):
        slow.log(i / 10, train_loss=1.0)
    assert slow.redraws == before                             # throttled by time


def test_dashboard_keeps_the_previous_run_as_ghost():
    dash = T.training_dashboard(min_interval=0)
    dash.start(3, "first")
    for e in (1, 2, 3):
        dash.log(e, val_loss=1.0 / e, val_acc=0.3 * e)
    dash.start(3, "second")
    ghosts, lines = dash.artists["ghosts"], dash.artists["lines"]
    np.testing.assert_allclose(ydata(ghosts["val_loss"]), [1.0, 0.5, 1 / 3])
    np.testing.assert_allclose(ydata(ghosts["val_acc"]), [0.3, 0.6, 0.9])
    assert len(xdata(lines["val_loss"])) == 0 and dash.progress.value == 0
    dash.click("clear")
    assert len(xdata(ghosts["val_loss"])) == 0 and dash.history == {}


def test_dashboard_marks_best_epoch_and_early_stop():
    vals = [1.0, 0.8, 0.8, 0.81, 0.79, 0.85, 0.85, 0.9]       # notebook's check-yourself example
    dash = T.training_dashboard(min_interval=0, patience=3)
    dash.start(len(vals))
    for e, v in enumerate(vals, start=1):
        dash.log(e, val_loss=v)
    best, stop = dash.artists["best"][0], dash.artists["stop"][0]
    assert best.get_visible() and xdata(best)[0] == 5          # epoch 4 from 0, plotted at x = 5
    assert stop.get_visible() and xdata(stop)[0] == 8          # the 3rd epoch in a row without gain
    pixels = dash.render()
    dash.set(patience=4)
    assert not dash.artists["stop"][0].get_visible()
    assert not np.array_equal(pixels, dash.render())
    dash.set(patience=1)
    assert xdata(dash.artists["stop"][0])[0] == 3              # the tie at epoch 2 (x = 3)

    class StopAtOnce:                                          # a learner's class is used if given
        def __init__(self, patience, min_delta=0.0):
            self.best_epoch = None

        def step(self, val_loss):
            self.best_epoch = 0
            return True
    other = T.training_dashboard(min_interval=0, early_stopping=StopAtOnce)
    other.start(3)
    for e in (1, 2, 3):
        other.log(e, val_loss=1.0)
    assert xdata(other.artists["stop"][0])[0] == 1


def test_dashboard_heading_counts_parameters_and_controls_redraw():
    dash = T.training_dashboard()
    for width, depth in [(2, 1), (64, 2), (256, 4)]:
        dash.set(width=width, depth=depth)
        n = sum(p.numel() for p in make_mlp(64, width, depth).parameters())
        assert f"({n:,} parameters)" in dash.artists["heading"].get_text()
    before = dash.render()
    dash.set(lr=0.1)
    assert "lr 0.1 " in dash.artists["heading"].get_text()
    assert not np.array_equal(before, dash.render())
    dash.set(loss_axis="log")
    assert dash.fig.axes[0].get_yscale() == "log"


def test_dashboard_train_button_runs_the_learners_functions():
    calls = {"model": 0, "train": 0, "eval": 0}

    def model_fn(d, h, c):
        calls["model"] += 1
        return make_mlp(d, h, 2, c)

    def train_fn(*args):
        calls["train"] += 1
        return S7.train_one_epoch(*args)

    def eval_fn(*args):
        calls["eval"] += 1
        return S7.evaluate(*args)

    dash = T.training_dashboard(model_fn=model_fn, train_fn=train_fn, eval_fn=eval_fn,
                                min_interval=0)
    dash.set(epochs=2, batch_size=128, lr=0.01, depth=2, width=32)
    pixels = dash.render()
    dash.click("train")
    assert calls == {"model": 1, "train": 2, "eval": 4}       # val and train accuracy per epoch
    h = dash.history
    assert h["val_acc"][0] == [1.0, 2.0] and len(h["train_loss"][0]) >= 4
    assert np.all(np.diff(h["train_loss"][0]) > 0)            # x grows within and across epochs
    assert dash.last_run["val_acc"][-1] > 0.5
    assert dash.progress.value == dash.progress.max
    assert not np.array_equal(pixels, dash.render())


def test_dashboard_train_with_unwritten_or_failing_functions_says_so():
    def stub(*args):
        raise NotImplementedError()

    dash = T.training_dashboard(model_fn=stub, train_fn=stub, eval_fn=stub, min_interval=0)
    dash.set(epochs=1, batch_size=512)
    dash.click("train")
    assert "MLP is not written yet" in dash.status.value
    assert "train_one_epoch is not written yet" in dash.status.value
    assert dash.last_run["val_acc"]

    def broken(*args):
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")

    dash = T.training_dashboard(train_fn=broken, min_interval=0)
    dash.set(epochs=1, batch_size=512)
    dash.click("train")
    assert "the run stopped: RuntimeError: mat1 and mat2" in dash.status.value
    assert dash.progress.bar_style == "danger"


def test_fit_falls_back_when_the_learners_functions_are_stubs_and_reports_batches():
    def stub(*args):
        raise NotImplementedError()
    seen = []
    h = T.run_digits(epochs=2, batch_size=256, train_fn=stub, eval_fn=stub, device="cpu",
                     callback=lambda x, **m: seen.append((x, sorted(m))), log_every=2)
    assert len(h["notes"]) == 2 and all("not written yet" in n for n in h["notes"])
    per_batch = [x for x, names in seen if names == ["train_loss"]]
    ends = [x for x, names in seen if "val_loss" in names]
    assert ends == [1, 2]
    np.testing.assert_allclose(per_batch, [0.4, 0.8, 1.4, 1.8])   # 5 batches, every 2nd
    assert h["steps"] == [5, 10]


def test_run_digits_is_reproducible_and_schedules_the_rate():
    a = T.run_digits(epochs=2, batch_size=128, seed=3, device="cpu")
    b = T.run_digits(epochs=2, batch_size=128, seed=3, device="cpu")
    assert a["train_loss"] == b["train_loss"] and a["val_acc"] == b["val_acc"]
    c = T.run_digits(epochs=4, batch_size=256, lr=0.1, optimizer="sgd", device="cpu",
                     schedule=lambda e: 0.5 ** e)
    np.testing.assert_allclose(c["lr"], [0.1, 0.05, 0.025, 0.0125])
    assert c["settings"]["train_size"] == 1079 and c["parameters"] == 8970


def test_digits_data_split():
    data = {part: digits(part, layout="flat", tensors=True) for part in ("train", "val", "test")}
    sizes = {k: len(v[1]) for k, v in data.items()}
    assert sizes == {"train": 1079, "val": 359, "test": 359}
    X, _ = digits(layout="flat")
    together = torch.cat([data[k][0] for k in ("train", "val", "test")]).numpy()
    assert np.allclose(np.sort(together.sum(axis=1)), np.sort(X.sum(axis=1)))
    assert data["train"][0].dtype == torch.float32 and data["train"][1].dtype == torch.int64


def test_curves_draws_one_line_per_run():
    canvas = curves({"a": [3.0, 2.0, 1.0], "b": {"val_loss": [1.0, 0.5]}}, "val_loss", log=True)
    ax = canvas.figure.axes[0]
    assert [list(ydata(l)) for l in ax.get_lines()] == [[3.0, 2.0, 1.0], [1.0, 0.5]]
    assert ax.get_yscale() == "log"


# -- the search comparison ------------------------------------------------------------------------
def _offsets(ex, kind):
    return np.asarray(ex.artists[kind]["points"].get_offsets(), float)


def _ref_random_trials(n, seed):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        lr = T.SEARCH_LRS[rng.integers(len(T.SEARCH_LRS))]
        width = T.SEARCH_WIDTHS[rng.integers(len(T.SEARCH_WIDTHS))]
        out.append((T.SEARCH_LRS.index(lr), T.SEARCH_WIDTHS.index(width)))
    return np.array(out, float)


def test_search_table_is_counts_of_validation_mistakes():
    table = T.SEARCH_ERRORS
    assert table.shape == (len(T.SEARCH_WIDTHS), len(T.SEARCH_LRS))
    counts = table * 359
    assert np.allclose(counts, np.round(counts)) and table.min() >= 0 and table.max() <= 1
    # the landscape has the shape the notebook describes: lr matters more than width above 32
    wide = table[T.SEARCH_WIDTHS.index(32):]
    assert np.ptp(wide.min(axis=0)) > 5 * np.ptp(wide.min(axis=1))


@pytest.mark.slow
def test_search_table_remeasures():
    lrs, widths = (1e-2, 1e-4), (32, 2)
    fresh = T.measure_search_errors(lrs=lrs, widths=widths)
    stored = np.array([[T.search_objective({"lr": lr, "width": w}) for lr in lrs] for w in widths])
    np.testing.assert_allclose(fresh, stored, atol=6 / 359)


@pytest.mark.parametrize("n", [1, 4, 9, 13, 40])
def test_grid_panel_shows_the_grid(n):
    ex = T.search_comparison(n_trials=n)
    grid = T.grid_trials(n)
    assert len(grid) <= n and len(grid) >= max(1, n - math.ceil(math.sqrt(n)))
    want = np.array([(T.SEARCH_LRS.index(t["lr"]), T.SEARCH_WIDTHS.index(t["width"]))
                     for t in grid], float)
    np.testing.assert_allclose(_offsets(ex, "grid"), want)
    lrs = {t["lr"] for t in grid}
    assert len(lrs) * len({t["width"] for t in grid}) == len(grid)          # a full grid
    assert f"{len(lrs)} distinct learning rates" in ex.status.value


@pytest.mark.parametrize("n,seed", [(9, 0), (20, 3), (1, 7)])
def test_random_panel_shows_the_trials_and_marks_the_best(n, seed):
    ex = T.search_comparison(n_trials=n, seed=seed)
    pts = _offsets(ex, "random")
    np.testing.assert_allclose(pts, _ref_random_trials(n, seed))
    scores = [T.SEARCH_ERRORS[int(w), int(l)] for l, w in pts]
    star = ex.artists["random"]["star"]
    k = int(np.argmin(scores))
    assert (xdata(star)[0], ydata(star)[0]) == tuple(pts[k])
    rug = xdata(ex.artists["random"]["rug"])
    assert sorted(rug) == sorted(set(pts[:, 0]))
    assert f"best error {min(scores):.3f}" in ex.status.value


def test_search_uses_the_learners_random_search_and_trials_slider_redraws():
    def lowest_lr(space, n_trials, objective, seed):
        best = None
        for i in range(n_trials):
            p = {"lr": space["lr"][0], "width": space["width"][i % len(space["width"])]}
            s = objective(p)
            best = (p, s) if best is None or s < best[1] else best
        return best
    ex = T.search_comparison(search=lowest_lr, n_trials=5)
    pts = _offsets(ex, "random")
    assert np.all(pts[:, 0] == 0) and list(pts[:, 1]) == [0, 1, 2, 3, 4]
    assert "your random_search" in ex.status.value
    before = ex.render()
    ex.set(trials=12)
    assert len(_offsets(ex, "random")) == 12 and not np.array_equal(before, ex.render())

    def stub(*args):
        raise NotImplementedError()
    ex = T.search_comparison(search=stub, n_trials=6, seed=2)
    assert "not written yet" in ex.status.value
    np.testing.assert_allclose(_offsets(ex, "random"), _ref_random_trials(6, 2))


# -- the baked backdrop draws what a full draw draws ----------------------------------------------
@pytest.mark.parametrize("builder",
                         ["training_dashboard", "search_comparison", "schedule_explorer"])
def test_backdrop_pixels_equal_a_full_draw(builder):
    ex = getattr(T, builder)()
    if builder == "training_dashboard":
        ex.start(3)
        for e in (1, 2, 3):
            ex.log(e, val_loss=1.0 / e, val_acc=0.3 * e, train_acc=0.3 * e + 0.05)
        ex.set(patience=1)
    elif builder == "search_comparison":
        ex.set(trials=17)
    else:
        ex.set(schedule="warm restarts", warmup=6, T_mult=2, epochs=120)
    backdrop = backdrop_of(ex)
    baked = ex.render()
    assert backdrop.image is not None and backdrop.hidden
    backdrop.release()
    full = ex.render()
    assert np.array_equal(baked, full)
    ex.update()                                  # bakes again for the next draw
    assert backdrop.image is not None


def test_backdrop_steps_aside_when_the_figure_size_changes():
    ex = T.search_comparison()
    backdrop = backdrop_of(ex)
    ex.render()
    small = ex.render()
    ex.fig.set_dpi(ex.fig.dpi * 2)               # what ipympl does on a high-density screen
    pixels = ex.render()
    assert backdrop.image is None and not backdrop.hidden        # a normal full draw instead
    assert pixels.shape[0] == 2 * small.shape[0] and pixels[..., :3].std() > 0
    ex.update()                                  # the next redraw bakes at the new size
    assert backdrop.image.shape == pixels.shape
    assert np.array_equal(ex.render(), pixels)
