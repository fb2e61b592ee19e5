"""Visualizations of 04_losses: built headlessly, driven from Python, and
checked against the math (the curves are the losses and their torch autograd
derivatives, the fitted lines minimise MSE, MAE and Huber on the data with the
outlier where the sliders put it)."""
import itertools
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.backend_bases import MouseEvent
from scipy.optimize import minimize

from course.viz import losses as L

warnings.filterwarnings("ignore", category=DeprecationWarning)

VIZ = ["loss_curve_explorer", "outlier_fit_explorer"]


def t64(a):
    return torch.tensor(np.asarray(a, dtype=float), dtype=torch.float64)


def torch_loss_and_slope(name, y, xs, delta=1.0):
    """Per-sample loss and d loss / d prediction from torch (autograd)."""
    x = t64(xs).requires_grad_(True)
    target = torch.full_like(x, float(y))
    if name == "MSE":
        per = F.mse_loss(x, target, reduction="none")
    elif name == "MAE":
        per = F.l1_loss(x, target, reduction="none")
    elif name == "Huber":
        per = F.huber_loss(x, target, reduction="none", delta=delta)
    elif name == "log-cosh":
        per = torch.log(torch.cosh(x - target))
    elif name == "BCE":
        per = F.binary_cross_entropy(x, target, reduction="none")
    elif name == "BCE with logits":
        per = F.binary_cross_entropy_with_logits(x, target, reduction="none")
    per.sum().backward()
    return per.detach().numpy(), x.grad.numpy()


def artists(ex):
    a = ex.artists
    return a["curve"], a["tangent"], a["dot"], a["slope_curve"], a["slope_dot"]


# -- registry ---------------------------------------------------------------------------------
# -- the loss table against torch ---------------------------------------------------------------
@pytest.mark.parametrize("name", list(L.LOSSES))
def test_loss_table_matches_torch_and_autograd(name):
    f, df, family = L.LOSSES[name]
    xs = L._grid(family)
    for y in ([-1.5, 0.0, 0.7] if family == "regression" else [0.0, 0.3, 1.0]):
        for delta in (0.5, 1.0, 2.0):
            want, slope = torch_loss_and_slope(name, y, xs, delta)
            np.testing.assert_allclose(f(y, xs, delta), want, rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(df(y, xs, delta), slope, rtol=1e-9, atol=1e-12)


def test_mae_slope_is_zero_exactly_at_the_target():
    _, df, _ = L.LOSSES["MAE"]
    assert df(0.5, np.array([0.5]), 1.0)[0] == 0.0


# -- loss_curve_explorer -----------------------------------------------------------------------
@pytest.mark.parametrize("name", list(L.LOSSES))
def test_curves_marker_and_tangent_follow_the_math(name):
    ex = L.loss_curve_explorer(loss=name)
    family = L.LOSSES[name][2]
    targets = [-1.0, 0.0, 1.25] if family == "regression" else [0.0, 0.4, 1.0]
    preds = {"regression": [-2.5, 0.3, 3.0], "probability": [0.05, 0.5, 0.9],
             "logit": [-4.0, 0.0, 2.5]}[family]
    for y, x, delta in zip(targets, preds, [0.4, 1.0, 2.2]):
        ex.set(target=y, prediction=x, delta=delta)
        curve, tangent, dot, dcurve, ddot = artists(ex)
        xs = np.asarray(curve.get_xdata())
        want, slope = torch_loss_and_slope(name, y, xs, delta)
        np.testing.assert_allclose(curve.get_ydata(), want, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(dcurve.get_ydata(), slope, rtol=1e-9, atol=1e-12)
        v, s = torch_loss_and_slope(name, y, [x], delta)
        assert np.allclose(dot.get_xydata(), [[x, v[0]]])
        assert np.allclose(ddot.get_xydata(), [[x, s[0]]])
        tx, ty = map(np.asarray, tangent.get_data())
        assert np.allclose(ty, v[0] + s[0] * (tx - x)), "the tangent must touch the curve at x"
        assert f"loss {v[0]:.4f}" in ex.status.value and f"slope {s[0]:+.4f}" in ex.status.value


def test_huber_band_is_the_quadratic_zone():
    ex = L.loss_curve_explorer(loss="Huber")
    ex.set(target=0.5, delta=1.3)
    band = ex.artists["band"]
    assert band.get_x() == pytest.approx(0.5 - 1.3) and band.get_width() == pytest.approx(2.6)
    ex.set(loss="MSE")
    assert band.get_width() == 0
    assert "δ does nothing to MSE" in ex.status.value


def test_switching_kind_of_loss_sets_ranges_remembers_values_and_redraws_once():
    ex = L.loss_curve_explorer(loss="MSE")
    ex.set(target=-1.5, prediction=3.5)
    t, p = ex.controls["target"], ex.controls["prediction"]
    count = ex.updates
    ex.controls["loss"].value = "BCE"
    assert ex.updates == count + 1
    assert (t.min, t.max, p.min, p.max) == (0.0, 1.0, 0.01, 0.99)
    assert 0 <= t.value <= 1 and 0 < p.value < 1
    assert p.description == "probability p"
    assert ex.fig.axes[0].get_xlim() == (0.0, 1.0)
    ex.controls["prediction"].value = 0.2
    ex.controls["loss"].value = "BCE with logits"
    assert (p.min, p.max) == (-6.0, 6.0)
    ex.controls["loss"].value = "MAE"
    assert (t.value, p.value) == (-1.5, 3.5), "a regression loss gets its old values back"
    ex.controls["loss"].value = "BCE"
    assert p.value == 0.2
    ex.set(loss="Huber", prediction=-3.0)            # several at once: one redraw, all applied
    assert p.value == -3.0 and p.min == -4.0


def test_the_prediction_moves_the_picture():
    ex = L.loss_curve_explorer()
    before = ex.render()
    ex.controls["prediction"].value = -3.0
    assert not np.array_equal(before, ex.render())


def test_learner_functions_are_drawn_and_failures_fall_back():
    def my_mse(y, y_hat):                # deliberately three times too big
        return 3.0 * np.mean((y_hat - y) ** 2)

    ex = L.loss_curve_explorer({"MSE": my_mse}, loss="MSE")
    ex.set(target=0.0, prediction=1.0)
    curve, _, dot, dcurve, ddot = artists(ex)
    xs = np.asarray(curve.get_xdata())
    np.testing.assert_allclose(curve.get_ydata(), 3.0 * xs ** 2, rtol=1e-9)
    np.testing.assert_allclose(dcurve.get_ydata(), 6.0 * xs, rtol=1e-5, atol=1e-5)  # central diff.
    assert np.allclose(dot.get_xydata(), [[1.0, 3.0]]) and "your" in ex.status.value

    def mae(y, y_hat):
        return np.mean(np.abs(y_hat - y))

    def mae_grad(y, y_hat):
        return np.sign(y_hat - y) / y.size

    ex = L.loss_curve_explorer({"MAE": (mae, mae_grad)}, loss="MAE")
    ex.set(target=0.25)
    curve, _, _, dcurve, _ = artists(ex)
    want, slope = torch_loss_and_slope("MAE", 0.25, curve.get_xdata())
    np.testing.assert_allclose(curve.get_ydata(), want)
    np.testing.assert_allclose(dcurve.get_ydata(), slope)

    def stub(y, p):
        raise NotImplementedError()

    ex = L.loss_curve_explorer({"BCE": stub}, loss="BCE")
    assert "failed" in ex.status.value and "built-in" in ex.status.value
    curve = artists(ex)[0]
    want, _ = torch_loss_and_slope("BCE", ex.controls["target"].value, curve.get_xdata())
    np.testing.assert_allclose(curve.get_ydata(), want, rtol=1e-9)

    with pytest.raises(KeyError):
        L.loss_curve_explorer({"hinge": stub})


# -- the three line fits -------------------------------------------------------------------------
def mean_abs(x, y, a, b):
    return np.mean(np.abs(y - (a * x + b)))


def mean_huber(x, y, a, b, d):
    r = np.abs(y - (a * x + b))
    return np.mean(np.where(r <= d, 0.5 * r ** 2, d * (r - 0.5 * d)))


def brute_force_lad(x, y):
    """Some LAD line passes through two data points: try every pair."""
    best = None
    for i, j in itertools.combinations(range(len(x)), 2):
        if x[i] == x[j]:
            continue
        a = (y[j] - y[i]) / (x[j] - x[i])
        b = y[i] - a * x[i]
        cost = mean_abs(x, y, a, b)
        if best is None or cost < best:
            best = cost
    return best


@pytest.mark.parametrize("seed", range(6))
def test_fits_minimise_their_losses(seed):
    rng = np.random.default_rng(seed)
    x, y = L.outlier_data(12, seed)
    x, y = np.append(x, rng.uniform(0, 10)), np.append(y, rng.uniform(-10, 25))
    a, b = L.least_squares_fit(x, y)
    np.testing.assert_allclose([a, b], np.polyfit(x, y, 1), rtol=1e-9, atol=1e-9)
    a, b = L.least_absolute_fit(x, y)
    assert mean_abs(x, y, a, b) == pytest.approx(brute_force_lad(x, y), rel=1e-9, abs=1e-12)
    for d in (0.3, 1.0, 3.0):
        a, b = L.huber_fit(x, y, d)
        ref = minimize(lambda p: mean_huber(x, y, p[0], p[1], d), np.polyfit(x, y, 1),
                       method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14,
                                                      "maxiter": 20000})
        assert mean_huber(x, y, a, b, d) <= ref.fun + 1e-9
        r = y - (a * x + b)                              # first-order condition of Huber
        psi = np.clip(r, -d, d)
        assert abs(psi.sum()) < 1e-6 and abs((psi * x).sum()) < 1e-6


def test_pull_shares():
    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([0.0, 1.0, 2.0, 10.0])
    mse_line, mae_line = (2.0, -1.0), (1.0, 0.0)
    s_mse, s_mae = L.pull_shares(x, y, mse_line, mae_line)
    r = np.abs(y - (2.0 * x - 1.0))
    np.testing.assert_allclose(s_mse, r / r.sum())
    np.testing.assert_allclose(s_mae, [0, 0, 0, 1.0])     # the MAE line passes through three


# -- outlier_fit_explorer -------------------------------------------------------------------------
def fit_artists(ex):
    a = ex.artists
    return a["lines"], a["outlier"], a["residuals"]


def test_lines_are_the_fits_of_the_data_with_the_outlier():
    ex = L.outlier_fit_explorer()
    x0, y0 = L.outlier_data()
    for ox, oy, d, res in [(8.0, 20.0, 1.0, "MSE fit"), (1.0, -9.0, 0.4, "MAE fit"),
                           (5.0, 3.0, 2.5, "Huber fit")]:
        ex.set(outlier_x=ox, outlier_y=oy, delta=d, residuals=res)
        x, y = np.append(x0, ox), np.append(y0, oy)
        lines, outlier, segs = fit_artists(ex)
        want = {"MSE fit": L.least_squares_fit(x, y), "MAE fit": L.least_absolute_fit(x, y),
                "Huber fit": L.huber_fit(x, y, d)}
        for name, (a, b) in want.items():
            gx, gy = map(np.asarray, lines[name].get_data())
            np.testing.assert_allclose(gy, a * gx + b, atol=1e-9)
        assert np.allclose(outlier.get_xydata(), [[ox, oy]])
        a, b = want[res]
        got = np.array(segs.get_segments())                     # (n+1, 2, 2)
        np.testing.assert_allclose(got[:, 0, 0], x)
        np.testing.assert_allclose(got[:, 0, 1], y)
        np.testing.assert_allclose(got[:, 1, 1], a * x + b, atol=1e-9)
        s_mse, s_mae = L.pull_shares(x, y, want["MSE fit"], want["MAE fit"])
        bars_mse, bars_mae = ex.artists["pull_mse"], ex.artists["pull_mae"]
        heights = [np.array([p.vertices[:, 1].max() for p in c.get_paths()])
                   for c in (bars_mse, bars_mae)]
        np.testing.assert_allclose(heights[0], s_mse, atol=1e-12)
        np.testing.assert_allclose(heights[1], s_mae, atol=1e-12)
        assert f"{100 * s_mse[-1]:.0f}% of the total on the MSE fit" in ex.status.value


def test_mae_line_resists_the_outlier_and_mse_does_not():
    ex = L.outlier_fit_explorer()
    lines, _, _ = fit_artists(ex)

    def slope(name):
        gx, gy = map(np.asarray, lines[name].get_data())
        return (gy[1] - gy[0]) / (gx[1] - gx[0])

    ex.set(outlier_x=9.0, outlier_y=6.4)                    # on the true line
    calm = {n: slope(n) for n in lines}
    before = ex.render()
    ex.set(outlier_y=25.0)
    wild = {n: slope(n) for n in lines}
    assert wild["MSE fit"] - calm["MSE fit"] > 0.3
    assert abs(wild["MAE fit"] - calm["MAE fit"]) < 0.05
    assert abs(wild["Huber fit"] - calm["Huber fit"]) < 0.15
    assert not np.array_equal(before, ex.render())


def _mouse(ex, name, xdata, ydata):
    ax = ex.fig.axes[0]
    px, py = ax.transData.transform((xdata, ydata))
    event = MouseEvent(name, ex.fig.canvas, px, py, button=1)
    ex.fig.canvas.callbacks.process(name, event)


def test_dragging_the_outlier_moves_the_sliders():
    ex = L.outlier_fit_explorer(outlier_x=8.0, outlier_y=20.0)
    ex.render()
    _mouse(ex, "button_press_event", 8.0, 20.0)
    _mouse(ex, "motion_notify_event", 3.0, -5.0)
    assert ex.controls["outlier_x"].value == pytest.approx(3.0, abs=1e-6)
    assert ex.controls["outlier_y"].value == pytest.approx(-5.0, abs=1e-6)
    _, outlier, _ = fit_artists(ex)
    assert np.allclose(outlier.get_xydata(), [[3.0, -5.0]], atol=1e-6)
    _mouse(ex, "button_release_event", 3.0, -5.0)
    _mouse(ex, "motion_notify_event", 6.0, 6.0)             # released: nothing follows
    assert ex.controls["outlier_x"].value == pytest.approx(3.0, abs=1e-6)
    _mouse(ex, "button_press_event", 9.0, 0.0)             # far from the outlier: no grab
    _mouse(ex, "motion_notify_event", 6.0, 6.0)
    assert ex.controls["outlier_y"].value == pytest.approx(-5.0, abs=1e-6)
