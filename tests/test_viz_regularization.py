"""Visualizations of 08_regularization: built headlessly, driven from Python, and
checked against the math (the trainer is torch's Adam on torch's loss, the
heatmap is the saved network's output, dropout bars are h * mask / (1 - p),
the L1 weights satisfy the lasso's optimality conditions, the augmented digit
is the noise plus the flip) and against the lessons each picture must show."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.viz import regularization as R

# ipympl's toolbar trips a traitlets DeprecationWarning when a canvas is built headlessly
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

VIZ = ["overfitting_explorer", "dropout_explorer", "sparsity_explorer", "augmentation_viewer"]


def drawn(line):
    return np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)


def t64(a):
    return torch.tensor(np.asarray(a, dtype=float), dtype=torch.float64)


def test_every_visualization_is_registered_under_the_module():
    from course.viz.base import REGISTRY

    for name in VIZ:
        assert REGISTRY[name].course_module == "08_regularization"


# -- the explorer's network against torch -------------------------------------------------------
def torch_net_loss(theta, X, y, width, lam, mask=None):
    th = t64(theta).requires_grad_(True)
    H = width
    W1, b1, W2, b2 = th[:2 * H].reshape(2, H), th[2 * H:3 * H], th[3 * H:4 * H], th[4 * H]
    h = torch.tanh(t64(X) @ W1 + b1)
    if mask is not None:
        h = h * t64(mask)
    z = h @ W2 + b2
    loss = F.binary_cross_entropy_with_logits(z, t64(y)) + lam * ((W1 ** 2).sum() + (W2 ** 2).sum())
    loss.backward()
    return loss.item(), th.grad.numpy()


@pytest.mark.parametrize("width,lam,dropout", [(1, 0.0, False), (5, 0.01, False), (16, 0.1, True)])
def test_loss_and_gradient_match_autograd(width, lam, dropout):
    rng = np.random.default_rng(width)
    X, y = rng.normal(size=(13, 2)), (rng.random(13) > 0.5).astype(float)
    theta = rng.normal(size=4 * width + 1)
    mask = (rng.random((13, width)) > 0.4) / 0.6 if dropout else None
    loss, grad = R.classifier_loss_and_grad(theta, X, y, width, lam, mask)
    want_loss, want_grad = torch_net_loss(theta, X, y, width, lam, mask)
    assert loss == pytest.approx(want_loss, rel=1e-12)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-9, atol=1e-12)


def test_trainer_is_torch_adam_on_the_same_loss():
    X, y, Xv, yv, _ = R._explorer_data("xor", 20)
    width, lam, epochs, lr = 6, 1e-3, 40, 0.05
    rec = R.train_regularized_net(X, y, Xv, yv, width, lam=lam, epochs=epochs, lr=lr, every=5)
    th = t64(R._init(width, 0)).requires_grad_(True)
    opt = torch.optim.Adam([th], lr=lr)
    H = width
    for t in range(epochs + 1):
        if t % 5 == 0:
            np.testing.assert_allclose(rec["thetas"][t // 5], th.detach().numpy(), rtol=1e-7,
                                       atol=1e-9, err_msg=f"epoch {t}")
        if t == epochs:
            break
        opt.zero_grad()
        W1, b1, W2, b2 = th[:2 * H].reshape(2, H), th[2 * H:3 * H], th[3 * H:4 * H], th[4 * H]
        z = torch.tanh(t64(X) @ W1 + b1) @ W2 + b2
        loss = F.binary_cross_entropy_with_logits(z, t64(y)) + lam * ((W1 ** 2).sum() + (W2 ** 2).sum())
        loss.backward()
        opt.step()


def test_recorded_losses_are_the_saved_networks_losses_without_dropout_or_penalty():
    X, y, Xv, yv, _ = R._explorer_data("circles", 30)
    rec = R.train_regularized_net(X, y, Xv, yv, 8, lam=1e-2, p=0.5, epochs=50)
    for i, theta in enumerate(rec["thetas"]):
        for XX, yy, key in ((X, y, "train"), (Xv, yv, "val")):
            z = t64(R.classifier_logits(theta, XX, 8))
            assert rec[f"{key}_loss"][i] == pytest.approx(
                F.binary_cross_entropy_with_logits(z, t64(yy)).item(), rel=1e-10)
            assert rec[f"{key}_acc"][i] == pytest.approx(np.mean((z.numpy() > 0) == (yy == 1)))


def test_dropout_in_the_trainer_is_random_but_reproducible():
    X, y, Xv, yv, _ = R._explorer_data("circles", 30)
    a = R.train_regularized_net(X, y, Xv, yv, 8, p=0.5, epochs=20)
    b = R.train_regularized_net(X, y, Xv, yv, 8, p=0.5, epochs=20)
    c = R.train_regularized_net(X, y, Xv, yv, 8, p=0.0, epochs=20)
    np.testing.assert_array_equal(a["thetas"], b["thetas"])
    assert not np.allclose(a["thetas"][-1], c["thetas"][-1])


# -- overfitting_explorer ------------------------------------------------------------------------
def test_heatmap_curves_and_status_show_the_saved_network():
    ex = R.overfitting_explorer()
    for settings in ({}, {"epoch": 40}, {"width": 4, "lam": 1e-3, "epoch": 105},
                     {"data": "xor", "dropout": 0.3, "n_train": 50, "epoch": 200}):
        ex.set(**settings)
        v = ex.values
        rec, i = ex.record(), ex.index()
        assert rec["width"] == v["width"]
        assert rec["epochs"][i] == min(v["epoch"] // 5 * 5, 200)
        X, y, Xv, yv, _ = ex.data()
        want = R.train_regularized_net(X, y, Xv, yv, v["width"], lam=v["lam"], p=v["dropout"])
        np.testing.assert_allclose(rec["thetas"], want["thetas"])
        # the heatmap: P(class 1) of the network saved at that epoch, on the grid
        gx, gy, pts = ex.grid()
        z = R.classifier_logits(rec["thetas"][i], pts, v["width"])
        np.testing.assert_allclose(ex.probabilities().ravel(), 1 / (1 + np.exp(-z)), atol=1e-12)
        assert ex.artists["image"].get_array().shape[:2] == gx.shape
        # the black line is its 0.5 level
        segs = [s for s in ex.contour().allsegs[0] if len(s)]
        if segs:
            zz = R.classifier_logits(rec["thetas"][i], np.vstack(segs), v["width"])
            assert np.median(np.abs(1 / (1 + np.exp(-zz)) - 0.5)) < 0.05
        # the curves and the markers
        ex_, tl = drawn(ex.artists["train_line"])
        _, vl = drawn(ex.artists["val_line"])
        np.testing.assert_array_equal(ex_, rec["epochs"])
        np.testing.assert_allclose(tl, np.maximum(rec["train_loss"], 1e-4))
        np.testing.assert_allclose(vl, np.maximum(rec["val_loss"], 1e-4))
        best = int(np.argmin(rec["val_loss"]))
        bx, _ = drawn(ex.artists["best"])
        assert bx[0] == rec["epochs"][best]
        assert drawn(ex.artists["now"])[0][0] == rec["epochs"][i]
        gap = rec["val_loss"][i] - rec["train_loss"][i]
        assert f"gap {gap:+.3f}" in ex.status.value
        assert f"at epoch {rec['epochs'][best]}" in ex.status.value
        assert f"{4 * v['width'] + 1} parameters" in ex.status.value
        # training points drawn where they are, coloured by class
        np.testing.assert_allclose(ex.artists["train_points"].get_offsets(), X)
        np.testing.assert_allclose(ex.artists["val_points"].get_offsets(), Xv)


def final(ex, **settings):
    ex.set(epoch=200, **settings)
    rec = ex.record()
    return rec["train_loss"][-1], rec["val_loss"][-1]


def test_the_lessons_show_overfitting_and_every_cure():
    ex = R.overfitting_explorer()
    tr, va = final(ex)
    assert tr < 0.05 and va - tr > 0.5, "a wide net on 30 noisy points must overfit"
    assert ex.record()["epochs"][int(np.argmin(ex.record()["val_loss"]))] < 100, \
        "validation loss must bottom out early (where early stopping would stop)"
    _, va_l2 = final(ex, lam=1e-3)
    _, va_drop = final(ex, lam=1e-6, dropout=0.5)
    tr_data, va_data = final(ex, dropout=0.0, n_train=200)
    tr_small, va_small = final(ex, n_train=30, width=2)
    for name, value in (("L2", va_l2), ("dropout", va_drop), ("more data", va_data)):
        assert value < va - 0.3, f"{name} should lower the final validation loss"
    assert va_data - tr_data < 0.3
    assert tr_small > tr + 0.1, "a narrow net cannot fit the training points"


def test_settings_are_cached_and_reused():
    ex = R.overfitting_explorer()
    first = ex.record()
    ex.set(width=8)
    assert ex.record() is not first
    ex.set(width=48)
    assert ex.record() is first
    ex.set(epoch=10)                      # moving the epoch never retrains
    assert ex.record() is first


def test_controls_change_the_picture():
    ex = R.overfitting_explorer()
    before = ex.render()
    for settings in ({"epoch": 20}, {"lam": 1e-2}, {"dropout": 0.4}, {"width": 3},
                     {"n_train": 100}, {"data": "spirals"}):
        ex.set(**settings)
        after = ex.render()
        assert not np.array_equal(before, after), settings
        before = after


# -- dropout_explorer --------------------------------------------------------------------------------
def test_inverted_training_bars_are_kept_units_scaled():
    ex = R.dropout_explorer()
    h = ex.activations
    for p in (0.0, 0.2, 0.5, 0.8):
        for seed in (0, 3):
            ex.set(p=p, draw_seed=seed, mode="train (inverted)")
            cur = ex.current()
            mask = cur["mask"]
            assert set(np.unique(mask)) <= {0.0, 1.0}
            want = h * mask / (1 - p)
            np.testing.assert_allclose(R.bar_heights(ex.artists["bars"]), want, atol=1e-12)
            np.testing.assert_array_equal(ex.artists["mask"].get_array()[0], mask)
            xs, _ = drawn(ex.artists["crosses"])
            np.testing.assert_array_equal(xs, np.flatnonzero(mask == 0))
            assert drawn(ex.artists["scale"])[1][0] == pytest.approx(1 / (1 - p))
            assert f"kept {int(mask.sum())} of {len(h)} units" in ex.status.value
    ex.set(p=0.0)
    np.testing.assert_allclose(R.bar_heights(ex.artists["bars"]), h)


def test_eval_and_classic_modes():
    ex = R.dropout_explorer(p=0.4)
    h = ex.activations
    ex.set(mode="eval (inverted)")
    np.testing.assert_allclose(R.bar_heights(ex.artists["bars"]), h)
    np.testing.assert_array_equal(ex.current()["mask"], np.ones_like(h))
    ex.set(mode="eval (classic)")
    np.testing.assert_allclose(R.bar_heights(ex.artists["bars"]), 0.6 * h)
    np.testing.assert_allclose(R.bar_heights(ex.artists["avg_bars"]), 0.6 * h)
    ex.set(mode="train (classic)")
    mask = ex.current()["mask"]
    np.testing.assert_allclose(R.bar_heights(ex.artists["bars"]), h * mask)


@pytest.mark.parametrize("mode", ["train (inverted)", "train (classic)"])
def test_average_over_many_masks_settles_on_the_expectation(mode):
    ex = R.dropout_explorer(p=0.5, mode=mode)
    h = ex.activations
    target = h if "inverted" in mode else 0.5 * h
    errors = []
    for n in (1, 10, 1000):
        ex.set(n_draws=n)
        avg = R.bar_heights(ex.artists["avg_bars"])
        # one draw has standard deviation h sqrt(p/(1-p)) (inverted) or h sqrt(p(1-p))
        # (classic): both equal the target at p = 0.5; the mean of n draws, over sqrt(n)
        sd = target / np.sqrt(n)
        assert np.all(np.abs(avg - target) <= 5 * sd + 1e-12)
        errors.append(np.abs(avg - target).max())
    assert errors[-1] < errors[0]


def test_builtin_dropout_has_torchs_statistics():
    X = np.ones((300, 400))
    for p in (0.1, 0.5, 0.75):
        out, mask = R._builtin_dropout(X, p, np.random.default_rng(1))
        t = F.dropout(torch.ones(300, 400, dtype=torch.float64), p=p, training=True).numpy()
        for arr in (out, t):
            kept = arr != 0
            bound = 5 * np.sqrt(p * (1 - p) / arr.size)
            assert abs(kept.mean() - (1 - p)) < bound
            np.testing.assert_allclose(arr[kept], 1 / (1 - p))
        np.testing.assert_array_equal(mask, out != 0)


def test_the_learners_dropout_is_drawn_and_a_stub_falls_back():
    def halving(X, p, rng, train=True):     # a wrong one: scales by (1 - p), keeps everything
        return X * (1 - p), np.ones_like(X)

    ex = R.dropout_explorer(dropout_forward=halving, p=0.5)
    np.testing.assert_allclose(R.bar_heights(ex.artists["bars"]), 0.5 * ex.activations)
    assert "your dropout_forward" in ex.status.value

    def stub(X, p, rng, train=True):
        raise NotImplementedError()

    ex = R.dropout_explorer(dropout_forward=stub, p=0.5)
    assert "not written yet" in ex.status.value
    mask = ex.current()["mask"]
    np.testing.assert_allclose(R.bar_heights(ex.artists["bars"]), ex.activations * mask * 2)


def test_dropout_controls_change_the_picture():
    ex = R.dropout_explorer()
    before = ex.render()
    for settings in ({"p": 0.2}, {"draw_seed": 5}, {"n_draws": 3}, {"mode": "eval (classic)"}):
        ex.set(**settings)
        after = ex.render()
        assert not np.array_equal(before, after), settings
        before = after


# -- sparsity_explorer ----------------------------------------------------------------------------------
def assert_optimal(X, y, w, l1, l2, tol=1e-6):
    """Optimality (KKT) of mean((Xw - y)^2)/2 + l1 sum|w| + l2 sum w^2: where w != 0
    the gradient of the smooth part plus l1 sign(w) vanishes, where w == 0 the
    gradient of the smooth part lies in [-l1, l1]. Gradient from torch autograd."""
    wt = t64(w).requires_grad_(True)
    (((t64(X) @ wt - t64(y)) ** 2).mean() / 2 + l2 * (wt ** 2).sum()).backward()
    g = wt.grad.numpy()
    nz = w != 0
    np.testing.assert_allclose(g[nz] + l1 * np.sign(w[nz]), 0, atol=tol)
    assert np.all(np.abs(g[~nz]) <= l1 + tol)


@pytest.mark.parametrize("l1,l2", [(0.01, 0.0), (0.3, 0.0), (0.2, 0.2), (0.0, 0.5), (5.0, 0.0)])
def test_fit_penalized_is_optimal(l1, l2):
    X, y, *_ = R.sparse_regression_data()
    w = R.fit_penalized(X, y, l1, l2)
    assert_optimal(X, y, w, l1, l2)


def test_l1_zeroes_weights_l2_never_does():
    X, y, *_ = R.sparse_regression_data()
    lams = np.logspace(-3, 1, 9)
    W1 = R.penalty_path(X, y, "L1", lams)
    W2 = R.penalty_path(X, y, "L2", lams)
    zeros = (W1 == 0).sum(axis=1)
    assert zeros[0] < zeros[4] < zeros[-1] == X.shape[1]
    assert not (W2 == 0).any()
    for lam, w in zip(lams, W2):
        assert_optimal(X, y, w, 0.0, lam)
    # above lambda_max = max |X^T y| / n every L1 weight is exactly zero
    lam_max = np.abs(X.T @ y).max() / len(X)
    assert (R.fit_penalized(X, y, 1.01 * lam_max) == 0).all()
    assert (R.fit_penalized(X, y, 0.95 * lam_max) != 0).sum() >= 1


@pytest.mark.parametrize("penalty", ["L1", "L2", "elastic net"])
def test_sparsity_explorer_draws_the_fitted_weights(penalty):
    ex = R.sparsity_explorer(penalty=penalty)
    X, y, Xv, yv, w_true = ex.data
    for lam, alpha in ((0.003, 0.5), (0.1, 0.2), (1.0, 0.8)):
        ex.set(lam=lam, alpha=alpha)
        lam = ex.controls["lam"].value
        l1, l2 = {"L1": (lam, 0), "L2": (0, lam), "elastic net": (alpha * lam, (1 - alpha) * lam)}[penalty]
        w = ex.weights()
        assert_optimal(X, y, w, l1, l2)
        np.testing.assert_allclose(R.bar_heights(ex.artists["bars"]), w, atol=1e-12)
        xs, _ = drawn(ex.artists["zeros"])
        np.testing.assert_array_equal(xs, np.flatnonzero(w == 0))
        assert f"{int((w == 0).sum())} of 20 weights exactly zero" in ex.status.value
        assert f"train MSE {np.mean((X @ w - y) ** 2):.3f}" in ex.status.value
        assert f"validation MSE {np.mean((Xv @ w - yv) ** 2):.3f}" in ex.status.value
        for line in ex.artists["lam_lines"]:
            assert drawn(line)[0][0] == pytest.approx(lam)
    W = R.penalty_path(X, y, penalty, ex.lams, ex.controls["alpha"].value)
    for j, line in enumerate(ex.artists["paths"]):
        np.testing.assert_allclose(drawn(line)[1], W[:, j], atol=1e-7)
    _, tr = drawn(ex.artists["train_line"])
    np.testing.assert_allclose(tr, np.mean((X @ W.T - y[:, None]) ** 2, axis=0), atol=1e-9)


def test_sparsity_controls_change_the_picture():
    ex = R.sparsity_explorer()
    before = ex.render()
    for settings in ({"lam": 0.5}, {"penalty": "L2"}, {"penalty": "elastic net"}, {"alpha": 0.9}):
        ex.set(**settings)
        after = ex.render()
        assert not np.array_equal(before, after), settings
        before = after


# -- augmentation_viewer ---------------------------------------------------------------------------------
def shown_pair(ex):
    img = np.ma.filled(ex.artists["image"].get_array(), np.nan)
    return img[:, :8], img[:, 9:]


def test_augmented_digit_is_noise_then_flip():
    ex = R.augmentation_viewer()
    images = ex.images
    for index, std, flip, seed in ((15, 0.15, True, 0), (3, 0.0, False, 2), (100, 0.0, True, 1),
                                   (7, 0.4, False, 4)):
        ex.set(index=index, std=std, flip=flip, noise_seed=seed)
        left, right = shown_pair(ex)
        np.testing.assert_array_equal(left, images[index])
        want = images[index] + std * np.random.default_rng(seed).standard_normal((1, 8, 8))[0]
        if flip:
            want = want[:, ::-1]
        np.testing.assert_allclose(right, want, atol=1e-12)
        if std == 0 and not flip:
            np.testing.assert_array_equal(right, left)
        probs = ex.proba(right[None])[0]
        np.testing.assert_allclose(R.bar_heights(ex.artists["bars"]), probs, atol=1e-12)
        assert drawn(ex.artists["truth"])[0][0] == ex.labels[index]
        assert f"label <b>{ex.labels[index]}</b>" in ex.status.value


def test_flips_hurt_digits_and_mild_noise_does_not():
    ex = R.augmentation_viewer()
    assert ex.base_accuracy > 0.9
    ex.set(std=0.1, flip=False)
    noisy = ex.current()["accuracy"]
    ex.set(std=0.0, flip=True)
    flipped = ex.current()["accuracy"]
    assert noisy > 0.85 and flipped < 0.6
    assert f"right {100 * flipped:.1f}% of the time" in ex.status.value
    ex.set(index=15, std=0.0, flip=True)          # a mirrored 5 reads as a 2
    assert ex.current()["reading"] == 2 and ex.labels[15] == 5


def test_the_learners_augmentations_are_used_and_stubs_fall_back():
    def vertical(images):                 # a wrong flip: upside down
        return images[:, ::-1, :].copy()

    def no_noise(X, std, rng):
        return X.copy()

    ex = R.augmentation_viewer(add_gaussian_noise=no_noise, horizontal_flip=vertical, index=4)
    left, right = shown_pair(ex)
    np.testing.assert_array_equal(right, left[::-1, :])
    assert "using your add_gaussian_noise and horizontal_flip" in ex.status.value

    def stub(*args):
        raise NotImplementedError()

    ex = R.augmentation_viewer(add_gaussian_noise=stub, horizontal_flip=stub, std=0.0, index=4)
    left, right = shown_pair(ex)
    np.testing.assert_array_equal(right, left[:, ::-1])
    assert "not written yet" in ex.status.value


def test_augmentation_controls_change_the_picture():
    ex = R.augmentation_viewer()
    before = ex.render()
    for settings in ({"index": 40}, {"std": 0.4}, {"flip": False}, {"noise_seed": 9}):
        ex.set(**settings)
        after = ex.render()
        assert not np.array_equal(before, after), settings
        before = after
