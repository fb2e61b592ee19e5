"""Visualizations of 06_optimizers: built headlessly, driven from Python, and
checked against the math and against torch.optim (the race draws the real
trajectories, the parabola follows (1 - lr L)^k, the mini-batch cloud is the
gradients of the batches actually dealt)."""
import warnings

import numpy as np
import pytest
import torch

from course.viz import optimizers as O

warnings.filterwarnings("ignore", category=DeprecationWarning)

VIZ = ["optimizer_race", "learning_rate_explorer", "minibatch_noise"]


def torch_path(name, surface, start, n_steps, lr, beta=0.9, weight_decay=0.1):
    """The trajectory torch.optim takes on a race surface (an independent reference)."""
    p = torch.tensor(np.array(start, float), requires_grad=True)
    make = {
        "SGD": lambda: torch.optim.SGD([p], lr=lr),
        "Momentum": lambda: torch.optim.SGD([p], lr=lr, momentum=beta),
        "Adagrad": lambda: torch.optim.Adagrad([p], lr=lr),
        "RMSprop": lambda: torch.optim.RMSprop([p], lr=lr, alpha=beta, eps=1e-8),
        "Adam": lambda: torch.optim.Adam([p], lr=lr, betas=(beta, 0.999)),
        "AdamW": lambda: torch.optim.AdamW([p], lr=lr, betas=(beta, 0.999),
                                           weight_decay=weight_decay),
    }[name]
    opt = make()
    out = [p.detach().numpy().copy()]
    for _ in range(n_steps):
        p.grad = torch.from_numpy(surface.grad(p.detach().numpy().copy()).astype(float))
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def drawn(line):
    return np.column_stack([np.asarray(line.get_xdata(), float),
                            np.asarray(line.get_ydata(), float)])


# -- registry ------------------------------------------------------------------------------------
# -- the built-in rules are torch.optim's ------------------------------------------------------
@pytest.mark.parametrize("surface", list(O.SURFACES))
@pytest.mark.parametrize("name", list(O.OPTIMIZERS))
def test_builtin_rules_follow_torch_optim(name, surface):
    s = O.SURFACES[surface]
    adaptive = O.OPTIMIZERS[name][2]
    lr = s.lr_adaptive if adaptive else s.lr
    path, diverged = O.run_optimizer(name, s.grad, s.start, 80, lr, beta=0.8, weight_decay=0.2)
    assert diverged is None
    want = torch_path(name, s, s.start, 80, lr, beta=0.8, weight_decay=0.2)
    np.testing.assert_allclose(path, want, rtol=1e-7, atol=1e-9)


def test_surface_gradients_match_autograd():
    rng = np.random.default_rng(0)
    for s in O.SURFACES.values():
        for p in rng.uniform(-1.5, 1.5, size=(10, 2)):
            t = torch.tensor(p, requires_grad=True)
            s.f(t[0], t[1]).backward()
            np.testing.assert_allclose(s.grad(p), t.grad.numpy(), rtol=1e-10, atol=1e-12)


# -- the race --------------------------------------------------------------------------------------
def test_race_draws_each_trajectory_up_to_the_step_slider():
    ex = O.optimizer_race()
    s = O.SURFACES[ex.controls["surface"].value]
    for steps in (0, 1, 37, 120):
        ex.set(steps=steps)
        for name in O.OPTIMIZERS:
            adaptive = O.OPTIMIZERS[name][2]
            lr = ex.controls["lr_adaptive" if adaptive else "lr"].value
            want = torch_path(name, s, (ex.controls["x0"].value, ex.controls["y0"].value),
                              steps, lr, ex.controls["beta"].value,
                              ex.controls["weight_decay"].value)
            np.testing.assert_allclose(drawn(ex.artists["lines"][name]), want, rtol=1e-7,
                                       atol=1e-9, err_msg=f"{name} at {steps} steps")
            np.testing.assert_allclose(drawn(ex.artists["heads"][name])[0], want[-1], atol=1e-9)


def test_race_status_is_the_key_with_each_final_loss():
    ex = O.optimizer_race()
    ex.set(steps=25)
    s = O.SURFACES[ex.controls["surface"].value]
    finals = ex.finals()
    for name in O.OPTIMIZERS:
        head = drawn(ex.artists["heads"][name])[0]
        assert finals[name] == pytest.approx(s(head), rel=1e-12)
        assert f"{name} {O._fmt_loss(finals[name])}" in ex.status.value
        assert O.COLORS[name] in ex.status.value
    best = min(finals, key=finals.get)
    assert f"lowest: <b>{best}</b>" in ex.status.value


def test_race_contours_are_redrawn_only_for_a_new_surface():
    ex = O.optimizer_race()
    contours = ex.contours()
    image = ex.artists["image"].get_array().copy()
    ex.set(lr=0.05, lr_adaptive=0.2, beta=0.5, steps=90, x0=-1.0, y0=0.5, weight_decay=0.3)
    assert ex.contours() is contours
    ex.controls["surface"].value = "Rosenbrock"
    assert ex.contours() is not contours and contours.axes is None   # the old set is removed
    assert not np.array_equal(ex.artists["image"].get_array(), image)
    # the surface's preset moved the start and the learning rates
    s = O.SURFACES["Rosenbrock"]
    assert (ex.controls["x0"].value, ex.controls["y0"].value) == pytest.approx(s.start)
    assert ex.controls["lr"].value == pytest.approx(s.lr)
    assert np.allclose(drawn(ex.artists["start"])[0], s.start)
    np.testing.assert_allclose(drawn(ex.artists["stars"]), s.minima)
    assert ex.fig.axes[0].get_xlim() == pytest.approx(s.box[:2])
    assert s.note in ex.status.value


def test_race_shows_divergence_above_two_over_L():
    # ravine: curvature 4 along y, so plain SGD diverges for lr > 2/4 = 0.5
    ex = O.optimizer_race(surface="ravine (ill-conditioned)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ex.set(lr=0.45, steps=300)
        assert "SGD diverged" not in ex.status.value
        assert np.isfinite(ex.finals()["SGD"])
        ex.set(lr=0.56)
    assert ex.finals()["SGD"] is None
    assert "SGD diverged" in ex.status.value
    path, at = ex.paths()["SGD"]
    assert at is not None and np.isnan(path[at:]).all() and np.isfinite(path[:at]).all()
    # the heavy ball is stable up to lr < 2 (1 + beta) / L = 0.95 for beta = 0.9
    assert np.isfinite(ex.finals()["Momentum"])
    ex.set(lr=0.93)
    assert np.isfinite(ex.finals()["Momentum"])
    ex.set(lr=0.98)
    assert ex.finals()["Momentum"] is None and "Momentum diverged" in ex.status.value


def test_race_runs_the_learners_functions():
    calls = {"n": 0}

    def sgd_step(theta, grad, lr):          # a different rule: twice the step
        calls["n"] += 1
        return theta - 2 * lr * grad

    ex = O.optimizer_race(steps={"SGD": sgd_step}, n_steps=40)
    assert calls["n"] > 0 and ex.rules["SGD"] is sgd_step
    s = O.SURFACES[ex.controls["surface"].value]
    want = torch_path("SGD", s, s.start, 40, 2 * ex.controls["lr"].value)
    np.testing.assert_allclose(drawn(ex.artists["lines"]["SGD"]), want, rtol=1e-7, atol=1e-9)
    assert "your SGD" in ex.status.value
    # keyed by exercise name, or a plain list of functions named like the exercises
    assert O.optimizer_race(steps={"sgd_step": sgd_step}).rules["SGD"] is sgd_step
    assert O.optimizer_race(steps=[sgd_step]).rules["SGD"] is sgd_step
    with pytest.raises(ValueError):
        O.optimizer_race(steps={"Lion": sgd_step})


def test_race_falls_back_when_a_rule_is_not_written_or_broken():
    def adam_step(theta, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        raise NotImplementedError()

    def rmsprop_step(theta, grad, v, lr, beta=0.9, eps=1e-8):
        return theta                           # wrong arity: cannot be unpacked

    ex = O.optimizer_race(steps={"Adam": adam_step, "RMSprop": rmsprop_step})
    assert ex.rules["Adam"] is O.OPTIMIZERS["Adam"][1]
    assert ex.rules["RMSprop"] is O.OPTIMIZERS["RMSprop"][1]
    assert "adam_step not written yet" in ex.status.value
    assert "rmsprop_step raised" in ex.status.value


def test_race_controls_change_the_pixels():
    ex = O.optimizer_race()
    before = ex.render()
    ex.controls["lr_adaptive"].value = 0.02
    after = ex.render()
    assert not np.array_equal(before, after)
    ex.controls["steps"].value = 5
    assert not np.array_equal(after, ex.render())


def test_race_play_moves_the_steps():
    ex = O.optimizer_race()
    ex.play.value = 17
    assert ex.controls["steps"].value == 17
    assert len(ex.artists["lines"]["SGD"].get_xdata()) == 18


# -- the learning-rate explorer -----------------------------------------------------------------
def test_lr_explorer_iterates_follow_the_factor():
    ex = O.learning_rate_explorer()
    for lr, L, th0, steps in [(0.3, 2.0, 1.5, 12), (0.9, 2.0, -1.0, 20), (0.1, 4.0, 2.0, 30)]:
        ex.set(lr=lr, curvature=L, theta0=th0, steps=steps)
        want = (1 - lr * L) ** np.arange(steps + 1) * th0
        np.testing.assert_allclose(ex.artists["path"].get_xdata(), want, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ex.artists["path"].get_ydata(), 0.5 * L * want ** 2,
                                   rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ex.artists["theory"].get_ydata(), np.abs(want), rtol=1e-9)


@pytest.mark.parametrize("ratio,phrase", [(0.05, "too small"), (0.6, "one side"),
                                          (1.0, "one step"), (1.5, "oscillates"),
                                          (2.0, "forever"), (2.3, "diverges")])
def test_lr_regimes(ratio, phrase):
    L = 2.0
    assert phrase in O.lr_regime(ratio / L, L)


def test_lr_explorer_status_and_divergence_without_warnings():
    ex = O.learning_rate_explorer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ex.set(lr=1.2, curvature=4.0, theta0=2.5, steps=40)    # lr L = 4.8: fast divergence
    assert "diverges" in ex.status.value
    assert "2/L = 0.5" in ex.status.value
    ex.set(lr=0.25, curvature=4.0, theta0=1.0, steps=5)         # exactly 1/L
    assert "one step" in ex.status.value
    assert ex.artists["path"].get_xdata()[1] == pytest.approx(0.0, abs=1e-15)
    ex.set(theta0=0.0)                                          # nothing to plot on a log axis
    assert "θ_5 = 0" in ex.status.value


def test_lr_explorer_runs_the_learners_step():
    seen = []

    def sgd_step(theta, grad, lr):
        seen.append(lr)
        return theta + lr * grad                               # the sign mistake: climbs

    ex = O.learning_rate_explorer(step=sgd_step, lr=0.1, curvature=1.0, theta0=1.0, n_steps=10)
    assert seen
    np.testing.assert_allclose(ex.artists["path"].get_xdata(), 1.1 ** np.arange(11), rtol=1e-12)

    def not_written(theta, grad, lr):
        raise NotImplementedError()
    ex = O.learning_rate_explorer(step=not_written)
    assert "not written yet" in ex.status.value


# -- mini-batch noise ----------------------------------------------------------------------------
def test_minibatch_cloud_is_the_gradients_of_the_batches_dealt():
    ex = O.minibatch_noise()
    x, y = ex.data
    N = len(x)
    for bs, epochs, seed in [(8, 3, 0), (64, 2, 5), (1, 1, 2), (256, 4, 1)]:
        ex.set(batch_size=bs, epochs=epochs, seed=seed)
        rng = np.random.default_rng(seed)
        want, theta, path = [], ex.start.copy(), [ex.start.copy()]
        for _ in range(epochs):
            order = rng.permutation(N)
            for i in range(0, N, bs):
                idx = order[i:i + bs]
                r = ex.start[0] * x[idx] + ex.start[1] - y[idx]
                want.append([np.mean(r * x[idx]), np.mean(r)])
                r = theta[0] * x[idx] + theta[1] - y[idx]
                theta = theta - ex.controls["lr"].value * np.array([np.mean(r * x[idx]), np.mean(r)])
                path.append(theta)
        cloud = ex.artists["cloud"].get_offsets()
        assert len(cloud) == epochs * -(-N // bs)
        np.testing.assert_allclose(cloud, want, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(drawn(ex.artists["sgd"]), path, rtol=1e-10, atol=1e-12)
        assert f"<b>{-(-N // bs)}</b> iterations per epoch" in ex.status.value


def test_minibatch_noise_matches_the_variance_formula():
    ex = O.minibatch_noise()
    x, y = ex.data
    N = len(x)
    r = ex.start[0] * x + ex.start[1] - y
    trace = np.var(r * x) + np.var(r)
    for bs in (1, 8, 32, 64):
        ex.set(batch_size=bs, epochs=10)
        theory = trace / bs * (N - bs) / (N - 1)
        run = ex.run()
        assert run["theory"] == pytest.approx(theory, rel=1e-12)
        assert run["measured"] == pytest.approx(theory, rel=0.35)
        # the dashed ring's radius is the square root of the theory
        ring = drawn(ex.artists["ring"])
        full = np.array([np.mean(r * x), np.mean(r)])
        np.testing.assert_allclose(np.hypot(*(ring - full).T), np.sqrt(theory), rtol=1e-9)
    ex.set(batch_size=N)
    assert ex.run()["measured"] == pytest.approx(0.0, abs=1e-20)
    # full batch: one SGD step per epoch, the same path as gradient descent
    np.testing.assert_allclose(drawn(ex.artists["sgd"]), drawn(ex.artists["gd"]), atol=1e-12)


def test_minibatch_noise_uses_the_learners_batches():
    calls = []

    def minibatch_indices(n, batch_size, rng):              # no shuffling
        calls.append((n, batch_size))
        return [np.arange(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]

    ex = O.minibatch_noise(indices=minibatch_indices, batch_size=16, epochs=2)
    x, y = ex.data
    assert calls[-1] == (len(x), 16)
    want = [[np.mean((ex.start[0] * x[i:i + 16] + ex.start[1] - y[i:i + 16]) * x[i:i + 16]),
             np.mean(ex.start[0] * x[i:i + 16] + ex.start[1] - y[i:i + 16])]
            for i in range(0, len(x), 16)] * 2
    np.testing.assert_allclose(ex.artists["cloud"].get_offsets(), want, rtol=1e-10)

    def not_written(n, batch_size, rng):
        raise NotImplementedError()
    assert "not written yet" in O.minibatch_noise(indices=not_written).status.value
