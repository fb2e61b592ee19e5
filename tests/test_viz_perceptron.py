"""Visualizations of 01_perceptron: built headlessly, driven from Python, and
checked against the math (the line solves w.x + b = 0, the shading is the
class-1 half-plane, the stepper replays the learning rule exactly)."""

import numpy as np
import pytest
import ipywidgets as widgets
from matplotlib.path import Path

from course import data
from course.viz import perceptron as P

# ipympl's toolbar trips a traitlets DeprecationWarning when a canvas is built headlessly
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

VIZ = ["decision_line_explorer", "perceptron_stepper", "gate_gallery", "xor_hidden_layer"]


# -- an independent perceptron, written differently (augmented vector, +-1 labels)
def ref_run(X, y, lr=1.0, epochs=100):
    """States after every sample, mistakes per epoch."""
    Xa = np.hstack([X, np.ones((len(X), 1))])
    s = 2 * np.asarray(y) - 1
    v = np.zeros(Xa.shape[1])
    states, per_epoch = [v.copy()], []
    for _ in range(epochs):
        wrong = 0
        for xa, si in zip(Xa, s):
            z = v @ xa
            if (si > 0 and z <= 0) or (si < 0 and z > 0):
                v = v + lr * si * xa
                wrong += 1
            states.append(v.copy())
        per_epoch.append(wrong)
        if wrong == 0:
            break
    return np.array(states), per_epoch


def on_line(xs, ys, w, b):
    return np.abs(w[0] * np.asarray(xs) + w[1] * np.asarray(ys) + b)


def inside(poly, pts):
    if len(poly) < 3:
        return np.zeros(len(pts), bool)
    return Path(poly).contains_points(pts)


# -- registry and helpers -------------------------------------------------------
def test_line_points_lie_on_the_line():
    rng = np.random.default_rng(0)
    for _ in range(50):
        w, b = rng.normal(size=2) * 3, rng.normal() * 3
        xs, ys = P.line_points(w, b)
        assert on_line(xs, ys, w, b).max() < 1e-9
        assert np.hypot(xs[1] - xs[0], ys[1] - ys[0]) > 10   # long enough to cross the view
    xs, ys = P.line_points([0.0, 0.0], 1.0)
    assert np.isnan(xs).all() and np.isnan(ys).all()


def test_half_plane_is_the_class_one_region():
    rng = np.random.default_rng(1)
    pts = rng.uniform(-2, 2, size=(4000, 2))
    for _ in range(30):
        w, b = rng.normal(size=2), rng.normal()
        poly = P.half_plane(w, b, -2, 2)
        want = pts @ w + b > 0
        got = inside(poly, pts)
        # points within a hair of the line may go either way
        near = np.abs(pts @ w + b) < 1e-6
        assert np.array_equal(got[~near], want[~near])
    assert len(P.half_plane([0, 0], 1.0, -1, 1)) == 4      # w = 0, b > 0: everything
    assert len(P.half_plane([0, 0], -1.0, -1, 1)) == 0     # w = 0, b <= 0: nothing
    assert len(P.half_plane([0, 0], 0.0, -1, 1)) == 0      # a tie predicts 0


# -- 1. decision line explorer ----------------------------------------------------
def test_decision_line_follows_the_sliders():
    X, y = data.linearly_separable(n=30, margin=0.4, seed=5)
    ex = P.decision_line_explorer(X, y)
    assert set(ex.controls) == {"w1", "w2", "b"}
    before = ex.render()
    rng = np.random.default_rng(2)
    for _ in range(10):
        w = np.round(rng.uniform(-3, 3, size=2), 2)
        b = round(float(rng.uniform(-3, 3)), 2)
        ex.set(w1=w[0], w2=w[1], b=b)
        w1, w2, b = ex.controls["w1"].value, ex.controls["w2"].value, ex.controls["b"].value
        wv = np.array([w1, w2])
        xs, ys = ex.artists["line"].get_data()
        assert on_line(xs, ys, wv, b).max() < 1e-9
        wrong = ((X @ wv + b > 0).astype(int) != y)
        assert f"misclassified: <b>{wrong.sum()}</b> of 30" in ex.status.value
        assert np.allclose(np.sort(ex.artists["rings"].get_offsets(), axis=0),
                           np.sort(X[wrong], axis=0))
        # the arrow is w, starting at the foot of the perpendicular, on the line
        foot = ex.artists["arrow"].get_offsets()[0]
        assert abs(foot @ wv + b) < 1e-9
        assert np.allclose([ex.artists["arrow"].U[0], ex.artists["arrow"].V[0]], wv)
        assert f"{abs(b) / np.linalg.norm(wv):.2f}" in ex.status.value
        poly = ex.artists["region"].get_xy()
        grid = np.random.default_rng(3).uniform(-2.5, 2.5, size=(500, 2))
        far = np.abs(grid @ wv + b) > 1e-6
        assert np.array_equal(inside(poly, grid)[far], (grid @ wv + b > 0)[far])
    assert not np.array_equal(before, ex.render())


def test_decision_line_with_zero_weights():
    ex = P.decision_line_explorer()
    ex.set(w1=0.0, w2=0.0, b=0.5)
    assert "no line" in ex.status.value and "class 1" in ex.status.value
    ex.set(b=0.0)
    assert "class 0" in ex.status.value        # a tie predicts 0
    ex.render()


def test_decision_line_pixels_change_with_each_slider():
    ex = P.decision_line_explorer()
    for name, value in [("w1", -1.0), ("w2", 1.5), ("b", -1.0)]:
        old = ex.render()
        ex.controls[name].value = value
        assert not np.array_equal(old, ex.render()), name


# -- 2. stepper -------------------------------------------------------------------
@pytest.fixture
def sep():
    return data.linearly_separable(n=20, margin=0.2, seed=4)


def test_stepper_replays_the_learning_rule(sep):
    X, y = sep
    states, per_epoch = ref_run(X, y, epochs=25)
    ex = P.perceptron_stepper(X, y)
    assert isinstance(ex.play, widgets.Play)
    assert ex.controls["k"].max == len(states) - 1
    assert "step 0" in ex.status.value
    for k in range(1, 41):
        ex.click("step")
        assert ex.controls["k"].value == k
        run = ex.trajectory()
        assert np.allclose(run["W"][k], states[k][:2]) and np.isclose(run["B"][k], states[k][2])
        w, b = states[k][:2], states[k][2]
        xs, ys = ex.artists["line"].get_data()
        if np.any(w):  # with w = 0 there is no line to draw
            assert on_line(xs, ys, w, b).max() < 1e-9
        else:
            assert not np.isfinite(xs).any()
        epoch, i = (k - 1) // len(y), (k - 1) % len(y)
        assert f"epoch <b>{epoch + 1}</b>, sample {i + 1}/{len(y)}" in ex.status.value
        assert np.allclose(ex.artists["current"].get_offsets()[0], X[i])
        # a mistake happened at step k exactly when the state changed
        changed = not np.array_equal(states[k], states[k - 1])
        assert ("mistake: update" in ex.status.value) == changed
        xs, ys = ex.artists["before"].get_data()
        assert (len(xs) > 0) == changed
        if changed:
            if np.any(states[k - 1][:2]):
                assert on_line(xs, ys, states[k - 1][:2], states[k - 1][2]).max() < 1e-9
            else:                               # w = 0 before: no line to draw
                assert np.isnan(xs).all()
            done = sum(per_epoch[:epoch])
            updates = sum(not np.array_equal(states[j], states[j - 1]) for j in range(1, k + 1))
            assert f"updates so far: {updates}" in ex.status.value
            assert f"mistakes this epoch: <b>{updates - done}</b>" in ex.status.value


def play_in_browser(play, ticks=10_000):
    """What the Play widget's front end does: add `step` each tick while that
    stays <= max and it is playing, else pause."""
    play.playing = True
    for _ in range(ticks):
        if not play.playing:
            return
        if play.value + play.step <= play.max:
            play.value += play.step
        else:
            play.playing = False


@pytest.mark.parametrize("speed", [1, 5, 20])
def test_stepper_reaches_convergence_and_shows_mistakes_per_epoch(sep, speed):
    X, y = sep
    states, per_epoch = ref_run(X, y, epochs=25)
    ex = P.perceptron_stepper(X, y)
    ex.speed.value = speed
    ex.click("step")                       # start from an odd place
    play_in_browser(ex.play)
    assert ex.controls["k"].value == len(states) - 1
    assert "converged" in ex.status.value
    assert f"epoch {len(per_epoch)} had no mistakes" in ex.status.value
    assert ex.play.playing is False        # reaching the end pauses Play
    xs, ys = ex.artists["curve"].get_data()
    assert list(ys) == per_epoch and list(xs) == list(range(1, len(per_epoch) + 1))
    assert per_epoch[-1] == 0
    ex.click("reset")
    assert ex.controls["k"].value == 0 and "step 0" in ex.status.value
    assert len(ex.artists["curve"].get_data()[0]) == 0


def test_stepper_next_update_jumps_to_a_mistake(sep):
    X, y = sep
    states, _ = ref_run(X, y, epochs=25)
    changes = [k for k in range(1, len(states)) if not np.array_equal(states[k], states[k - 1])]
    ex = P.perceptron_stepper(X, y)
    for k in changes[:5]:
        ex.click("next update")
        assert ex.controls["k"].value == k
        assert "mistake: update" in ex.status.value
        assert ex.artists["current"].get_edgecolors()[0][0] > 0.8   # red ring


def test_stepper_data_menu_and_xor_never_converges():
    ex = P.perceptron_stepper(epochs=6)
    ex.click("next update")
    ex.controls["data"].value = "XOR (not separable)"
    assert ex.controls["k"].value == 0           # a new data set starts over
    X, y = data.xor_blobs(n=24, std=0.3, seed=1)
    assert np.allclose(ex.artists["points"].get_offsets(), X)
    ex.controls["k"].value = ex.controls["k"].max
    assert ex.controls["k"].max == 6 * 24
    assert "not converged" in ex.status.value and "6-epoch cap" in ex.status.value
    _, per_epoch = ref_run(X, y, epochs=6)
    assert list(ex.artists["curve"].get_data()[1]) == per_epoch
    assert min(per_epoch) > 0


def test_stepper_uses_the_learners_update(sep):
    X, y = sep
    calls = []

    def lazy_update(w, b, x, y, lr):        # a wrong rule: never learns
        calls.append(1)
        return w.copy(), b

    ex = P.perceptron_stepper(X, y, epochs=3, update=lazy_update)
    assert len(calls) > 0
    ex.controls["k"].value = 10
    assert "w = (+0.00, +0.00), b = +0.00" in ex.status.value

    def unwritten(w, b, x, y, lr):
        raise NotImplementedError()
    ex = P.perceptron_stepper(X, y, update=unwritten)
    assert "not written yet" in ex.status.value
    ex.controls["k"].value = ex.controls["k"].max
    assert "converged" in ex.status.value


def test_stepper_speed_sets_play_step():
    ex = P.perceptron_stepper()
    ex.speed.value = 5
    assert ex.play.step == 5
    old = ex.render()
    ex.play.value = 5
    assert ex.controls["k"].value == 5 and not np.array_equal(old, ex.render())


# -- 3. gate gallery --------------------------------------------------------------
def test_gate_gallery_converges_for_and_or_nand_not_xor():
    ex = P.gate_gallery(max_epochs=12)
    X = data.GATE_INPUTS
    ex.controls["epoch"].value = 12
    for g in ("AND", "OR", "NAND"):
        _, t = data.gate(g)
        _, per_epoch = ref_run(X, t, epochs=12)
        assert per_epoch[-1] == 0
        assert f"<b>{g}</b>: converged in epoch {len(per_epoch)}" in ex.status.value
        assert list(ex.artists[g]["curve"].get_data()[1]) == per_epoch
        assert len(ex.artists[g]["rings"].get_offsets()) == 0
    _, per_epoch = ref_run(X, data.gate("XOR")[1], epochs=12)
    assert len(per_epoch) == 12 and min(per_epoch) > 0
    assert list(ex.artists["XOR"]["curve"].get_data()[1]) == per_epoch
    assert len(ex.artists["XOR"]["rings"].get_offsets()) > 0
    assert "XOR still makes mistakes" in ex.status.value


def test_gate_gallery_lines_match_each_epoch():
    ex = P.gate_gallery(max_epochs=8)
    X = data.GATE_INPUTS
    old = ex.render()
    for e in range(9):
        ex.controls["epoch"].value = e
        for g in P.GATES:
            _, t = data.gate(g)
            states, per_epoch = ref_run(X, t, epochs=e) if e else (np.zeros((1, 3)), [])
            v = states[-1]
            xs, ys = ex.artists[g]["line"].get_data()
            if np.any(v[:2]):
                assert on_line(xs, ys, v[:2], v[2]).max() < 1e-9, (g, e)
            wrong = (X @ v[:2] + v[2] > 0).astype(int) != t
            assert len(ex.artists[g]["rings"].get_offsets()) == wrong.sum()
            assert list(ex.artists[g]["curve"].get_data()[1]) == per_epoch[:e]
    assert not np.array_equal(old, ex.render())


def test_gate_gallery_uses_the_learners_train():
    seen = []

    def train(X, y, lr=1.0, epochs=100):
        seen.append(epochs)
        return np.array([1.0, 1.0]), -1.5, [1] * epochs      # always the AND line

    ex = P.gate_gallery(train=train, max_epochs=4)
    assert set(seen) >= {1, 2, 3, 4}
    ex.controls["epoch"].value = 2
    xs, ys = ex.artists["OR"]["line"].get_data()
    assert on_line(xs, ys, [1, 1], -1.5).max() < 1e-9


# -- 4. XOR hidden layer ----------------------------------------------------------
def network(P_, b_or, b_nand, b_out):
    h1 = (P_ @ [1.0, 1.0] + b_or > 0).astype(int)
    h2 = (P_ @ [-1.0, -1.0] + b_nand > 0).astype(int)
    return h1, h2, (h1 + h2 + b_out > 0).astype(int)


def test_xor_hidden_layer_default_computes_xor():
    ex = P.xor_hidden_layer()
    assert "the network computes XOR" in ex.status.value
    X, t = data.gate("XOR")
    h1, h2, out = network(X, -0.5, 1.5, -1.5)
    assert np.array_equal(out, t)
    assert np.allclose(ex.artists["hidden_points"].get_offsets(),
                       np.column_stack([h1, h2]) + ex.nudge)


@pytest.mark.parametrize("b_or,b_nand,b_out", [(-0.5, 1.5, -1.5), (0.5, 1.5, -1.5),
                                               (-1.5, 0.5, -0.5), (-0.2, 0.7, -1.2),
                                               (0.3, 2.2, 0.2), (-2.0, -0.5, -2.2),
                                               (-0.5, 1.5, -1.0), (-0.5, 1.5, -2.0)])
def test_xor_hidden_layer_draws_what_the_network_computes(b_or, b_nand, b_out):
    ex = P.xor_hidden_layer()
    old = ex.render()
    ex.set(b_or=b_or, b_nand=b_nand, b_out=b_out)
    X, t = data.gate("XOR")
    _, _, out = network(X, b_or, b_nand, b_out)
    right = int((out == t).sum())
    assert ("computes XOR" in ex.status.value) == (right == 4)
    if right < 4:
        assert f"{4 - right} of 4 wrong" in ex.status.value
    xs, ys = ex.artists["or_line"].get_data()
    assert on_line(xs, ys, [1, 1], b_or).max() < 1e-9
    xs, ys = ex.artists["nand_line"].get_data()
    assert on_line(xs, ys, [-1, -1], b_nand).max() < 1e-9
    # the shaded cells are exactly where the network outputs 1
    grid = np.random.default_rng(0).uniform(-0.5, 1.5, size=(3000, 2))
    shaded = np.zeros(len(grid), bool)
    for cell in ex.artists["cells"]:
        shaded |= inside(cell.get_xy(), grid)
    far = (np.abs(grid @ [1, 1] + b_or) > 1e-6) & (np.abs(grid @ [-1, -1] + b_nand) > 1e-6)
    assert np.array_equal(shaded[far], network(grid, b_or, b_nand, b_out)[2][far].astype(bool))
    if (b_or, b_nand, b_out) != (-0.5, 1.5, -1.5):
        assert not np.array_equal(old, ex.render())
