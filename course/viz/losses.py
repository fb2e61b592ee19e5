"""Visualizations for 04_losses: what a loss says about one prediction, and
what it does to a fit when one point is far from the rest.

- ``loss_curve_explorer``: the loss of one prediction against its target, and
  the derivative that training follows, for MSE, MAE, Huber, log-cosh, BCE on
  a probability and BCE on a logit (optionally the learner's own functions);
- ``outlier_fit_explorer``: a straight line fitted by MSE, by MAE and by Huber
  to data with one outlier that sliders (or the mouse) move; the residuals of
  one fit and each point's share of the MSE and MAE totals.
"""
import contextlib

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.ticker import MaxNLocator
from scipy.optimize import linprog

from .base import Explorer, freeze_layout, dropdown, new_figure, slider, visualization

__all__ = ["loss_curve_explorer", "outlier_fit_explorer", "LOSSES", "least_squares_fit",
           "least_absolute_fit", "huber_fit", "outlier_data", "pull_shares"]

MODULE = "04_losses"


# -- per-sample losses: value and derivative with respect to the prediction -----------------
def _softplus(z):
    """log(1 + e^z) without overflow: max(z, 0) + log1p(e^-|z|)."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _huber(r, d):
    a = np.abs(r)
    return np.where(a <= d, 0.5 * r ** 2, d * (a - 0.5 * d))


def _bce(y, p):
    return -(y * np.log(p) + (1.0 - y) * np.log1p(-p))


#: name -> (loss(y, x, delta), dloss/dx(y, x, delta), family). ``x`` is the
#: prediction: y_hat for regression, a probability p for "BCE", a logit z for
#: "BCE with logits".
LOSSES = {
    "MSE": (lambda y, x, d: (x - y) ** 2, lambda y, x, d: 2.0 * (x - y), "regression"),
    "MAE": (lambda y, x, d: np.abs(x - y), lambda y, x, d: np.sign(x - y), "regression"),
    "Huber": (lambda y, x, d: _huber(x - y, d), lambda y, x, d: np.clip(x - y, -d, d),
              "regression"),
    "log-cosh": (lambda y, x, d: _softplus(2.0 * (x - y)) - (x - y) - np.log(2.0),
                 lambda y, x, d: np.tanh(x - y), "regression"),
    "BCE": (lambda y, x, d: _bce(y, x), lambda y, x, d: (x - y) / (x * (1.0 - x)), "probability"),
    "BCE with logits": (lambda y, x, d: _softplus(x) - y * x,
                        lambda y, x, d: _sigmoid(x) - y, "logit"),
}

# family -> (target range, prediction range, slider steps, default target, default prediction,
#            x-axis label, x-axis limits)
_FAMILIES = {
    "regression": ((-2.0, 2.0), (-4.0, 4.0), (0.05, 0.05), 0.5, 2.0, "prediction ŷ", (-4.0, 4.0)),
    "probability": ((0.0, 1.0), (0.01, 0.99), (0.05, 0.01), 1.0, 0.3, "predicted probability p",
                    (0.0, 1.0)),
    "logit": ((0.0, 1.0), (-6.0, 6.0), (0.05, 0.05), 1.0, -1.0, "logit z  (p = σ(z))",
              (-6.0, 6.0)),
}

_PRED_LABEL = {"regression": "prediction ŷ", "probability": "probability p", "logit": "logit z"}

_NOTES = {
    "MSE": "the slope grows with the error: big mistakes get big pushes",
    "MAE": "the slope is ±1 whatever the size of the error (0 exactly at ŷ = y, torch's choice)",
    "Huber": "quadratic within δ of the target (shaded), straight lines of slope ±δ outside",
    "log-cosh": "≈ r²/2 near the target, ≈ |r| − log 2 far away; slope tanh(r), smooth everywhere",
    "BCE": "−log p for y = 1: it and its slope blow up as p → 0 (slope clipped to the view)",
    "BCE with logits": "softplus in z; slope σ(z) − y stays in [−1, 1], so no step explodes",
}


def _grid(family):
    lo, hi = _FAMILIES[family][6]
    if family == "probability":
        return np.linspace(0.002, 0.998, 499)
    return np.linspace(lo, hi, 401)


def _learner_curve(entry, y, xs):
    """The learner's loss(y, y_hat) (a mean) evaluated one sample at a time, and
    its derivative: their gradient function if given, else central differences."""
    fn, gfn = entry if isinstance(entry, (tuple, list)) else (entry, None)
    one = np.array([y], dtype=float)

    def at(f, x):
        return float(np.asarray(f(one, np.array([x])), dtype=float).reshape(-1)[0])

    vals = np.array([at(fn, x) for x in xs])
    if gfn is not None:      # the gradient of a mean over one sample is that sample's derivative
        slopes = np.array([at(gfn, x) for x in xs])
    else:
        h = 1e-6
        slopes = np.array([(at(fn, x + h) - at(fn, x - h)) / (2 * h) for x in xs])
    return vals, slopes


@visualization(MODULE)
def loss_curve_explorer(functions=None, loss="MSE", target=None, prediction=None, delta=1.0):
    """The loss of a single prediction (top) and its derivative (bottom).

    The top curve is ℓ(y, x) as the prediction x sweeps the axis with the
    target y held fixed; the bottom curve is dℓ/dx, what gradient descent
    follows (it moves x against the sign of the slope). The marker and the
    tangent line sit at the current prediction; the status line reads out loss
    and slope. For regression losses x is ŷ; for "BCE" it is the predicted
    probability p; for "BCE with logits" it is the logit z with p = σ(z).
    Switching between these three kinds of loss changes the slider ranges
    (targets of the BCE losses lie in [0, 1]); each kind remembers its own
    target and prediction. The δ slider sets Huber's threshold (it does
    nothing to the other losses).

    Arguments:
        functions: optional dict of your own losses to draw instead of the
            built-in ones: "MSE", "MAE", "BCE" or "BCE with logits" ->
            ``loss`` or ``(loss, loss_grad)``, called as ``loss(y, y_hat)`` on
            one-element arrays (so the mean is that sample's loss). Without
            ``loss_grad`` the slope comes from central differences. If your
            function raises, the built-in curve is shown and the status says so.
        loss: the loss shown first; target, prediction: starting values (the
            loss's defaults if None); delta: Huber's δ.

    Example:
        >>> loss_curve_explorer()                                        # doctest: +SKIP
        >>> loss_curve_explorer({"MSE": (mse, mse_grad), "MAE": (mae, mae_grad)})  # doctest: +SKIP
    """
    mine = dict(functions or {})
    unknown = set(mine) - set(LOSSES)
    if unknown:
        raise KeyError(f"no built-in loss named {sorted(unknown)}; choose from {list(LOSSES)}")
    family0 = LOSSES[loss][2]
    t_range, p_range, steps, t_def, p_def, _, _ = _FAMILIES[family0]
    target = t_def if target is None else float(np.clip(target, *t_range))
    prediction = p_def if prediction is None else float(np.clip(prediction, *p_range))
    memory = {fam: [spec[3], spec[4]] for fam, spec in _FAMILIES.items()}

    fig = new_figure(6.4, 4.3)
    ax, ax_d = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    for a in (ax, ax_d):
        a.axhline(0, color="0.75", lw=0.8, zorder=0)
    band = ax.axvspan(0, 0, color="tab:green", alpha=0.12, lw=0)
    band_d = ax_d.axvspan(0, 0, color="tab:green", alpha=0.12, lw=0)
    xs0 = _grid(family0)
    (curve,) = ax.plot(xs0, xs0, color="tab:blue", lw=2)
    (tangent,) = ax.plot([0, 0], [0, 0], color="tab:red", lw=1.3, alpha=0.7)
    (dot,) = ax.plot([0], [0], "o", color="tab:red", ms=8, zorder=5)
    target_line = ax.axvline(0, color="tab:green", lw=1.2, ls="--")
    (dcurve,) = ax_d.plot(xs0, xs0, color="tab:orange", lw=2)
    (ddot,) = ax_d.plot([0], [0], "o", color="tab:red", ms=7, zorder=5)
    target_line_d = ax_d.axvline(0, color="tab:green", lw=1.2, ls="--")
    ax.set_ylabel("loss ℓ(y, x)")
    ax_d.set_ylabel("slope dℓ/dx")
    for a in (ax, ax_d):
        a.yaxis.set_major_locator(MaxNLocator(4))

    controls = {
        "loss": dropdown(list(LOSSES), loss, "loss"),
        "target": slider(target, *t_range, steps[0], "target y"),
        "prediction": slider(prediction, *p_range, steps[1], _PRED_LABEL[family0]),
        "delta": slider(delta, 0.1, 3.0, 0.05, "Huber δ"),
    }
    state = {"family": family0, "ex": None, "key": None, "curve": None}

    def retarget(change):
        """Give the sliders the new kind of loss's ranges (and its remembered values)."""
        old, new = LOSSES[change["old"]][2], LOSSES[change["new"]][2]
        if old == new:
            return
        memory[old] = [controls["target"].value, controls["prediction"].value]
        ex = state["ex"]
        # held: the dropdown's own observer, registered after this one, redraws once for it all
        with (ex.hold() if ex is not None else contextlib.nullcontext()):
            (t_lo, t_hi), (p_lo, p_hi), (t_step, p_step) = _FAMILIES[new][:3]
            controls["prediction"].description = _PRED_LABEL[new]
            for ctrl, lo, hi, step, value in (
                    (controls["target"], t_lo, t_hi, t_step, memory[new][0]),
                    (controls["prediction"], p_lo, p_hi, p_step, memory[new][1])):
                ctrl.min, ctrl.max = min(ctrl.min, lo), max(ctrl.max, hi)   # widen, set, narrow:
                ctrl.step = step                                             # never min > max
                ctrl.value = value
                ctrl.min, ctrl.max = lo, hi
        state["family"] = new

    controls["loss"].observe(retarget, names="value")   # before the Explorer's own observer

    def curves(name, y, d, xs):
        """(values, slopes, note) on the grid xs, the learner's if given and working."""
        if name in mine:
            try:
                vals, slopes = _learner_curve(mine[name], y, xs)
                if not (np.isfinite(vals).any() and vals.shape == xs.shape):
                    raise ValueError("no finite values")
                return vals, slopes, f"drawn with <b>your</b> {name}"
            except Exception as exc:  # noqa: BLE001 - a learner's stub must not break the plot
                note = f"your {name} failed ({type(exc).__name__}: {exc}); showing the built-in one"
        else:
            note = ""
        f, df, _ = LOSSES[name]
        with np.errstate(divide="ignore", invalid="ignore"):
            return f(y, xs, d), df(y, xs, d), note

    def draw(loss, target, prediction, delta):
        family = LOSSES[loss][2]
        xs = _grid(family)
        y = float(target)
        key = (loss, y, delta if loss == "Huber" else None)
        if state["key"] != key:                       # moving only the prediction reuses the curve
            state["key"], state["curve"] = key, curves(loss, y, delta, xs)
        vals, slopes, note = state["curve"]
        x = float(prediction)
        v, s, _ = curves(loss, y, delta, np.array([x]))
        v, s = float(v[0]), float(s[0])

        curve.set_data(xs, vals)
        dcurve.set_data(xs, slopes)
        dot.set_data([x], [v])
        ddot.set_data([x], [s])
        lo_x, hi_x = _FAMILIES[family][6]
        span = 0.12 * (hi_x - lo_x)
        seg = np.array([x - span, x + span])
        tangent.set_data(seg, v + s * (seg - x))
        for line in (target_line, target_line_d):
            line.set_xdata([y, y])
        lo_b, hi_b = (y - delta, y + delta) if loss == "Huber" else (y, y)
        for patch in (band, band_d):
            patch.set_x(lo_b)
            patch.set_width(hi_b - lo_b)
        ax.set_xlim(lo_x, hi_x)
        ax_d.set_xlabel(_FAMILIES[family][5])

        fin = vals[np.isfinite(vals)]
        top = min(fin.max(), 12.0) if family == "probability" else fin.max()
        ax.set_ylim(min(0.0, fin.min()) - 0.05 * top - 0.05, 1.08 * top + 0.05)
        fs = slopes[np.isfinite(slopes)]
        s_lo, s_hi = min(fs.min(), 0.0), max(fs.max(), 0.0)
        if family == "probability":                   # the slope runs off to ±1/p: clip the view
            s_lo, s_hi = max(s_lo, -25.0), min(s_hi, 25.0)
        pad = 0.08 * (s_hi - s_lo) + 0.1
        ax_d.set_ylim(s_lo - pad, s_hi + pad)

        if family == "regression":
            where = f"ŷ = {x:+.2f}, y = {y:+.2f} (error ŷ − y = {x - y:+.2f})"
        elif family == "probability":
            where = f"p = {x:.2f}, y = {y:.2f}"
        else:
            where = f"z = {x:+.2f} (p = σ(z) = {float(_sigmoid(x)):.3f}), y = {y:.2f}"
        text = (f"<b>{loss}</b> at {where}: loss {v:.4f}, slope {s:+.4f} "
                f"&nbsp;|&nbsp; {_NOTES[loss]}")
        if loss != "Huber":
            text += f"<br>δ does nothing to {loss}"
        return text + (f"<br>{note}" if note else "")

    ex = Explorer(controls, fig, draw, title="Loss and its slope for one prediction")
    state["ex"] = ex
    ex.artists = {"curve": curve, "tangent": tangent, "dot": dot, "slope_curve": dcurve,
                  "slope_dot": ddot, "band": band, "target": target_line}
    return freeze_layout(ex)


# -- fitting a line with one outlier ----------------------------------------------------------
def outlier_data(n=15, seed=0):
    """``(x, y)``: n points near the line y = 0.6 x + 1, x evenly spread over [0.3, 9.7]."""
    rng = np.random.default_rng(seed)
    x = np.linspace(0.5, 9.5, n) + rng.uniform(-0.2, 0.2, n)
    return x, 0.6 * x + 1.0 + rng.normal(0.0, 0.5, n)


def least_squares_fit(x, y):
    """``(slope, intercept)`` minimising the mean of squared residuals (MSE)."""
    A = np.column_stack([x, np.ones_like(x)])
    (a, b), *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(a), float(b)


def least_absolute_fit(x, y):
    """``(slope, intercept)`` minimising the mean of absolute residuals (MAE).

    Solved exactly as a linear program: minimise sum t_i subject to
    -t_i <= y_i - (a x_i + b) <= t_i (scipy's HiGHS solver).
    """
    n = len(x)
    c = np.concatenate([[0.0, 0.0], np.ones(n)])
    X1 = np.column_stack([x, np.ones(n)])
    A_ub = np.block([[X1, -np.eye(n)], [-X1, -np.eye(n)]])
    b_ub = np.concatenate([y, -y])
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=[(None, None)] * 2 + [(0, None)] * n,
                  method="highs")
    if not res.success:  # cannot happen for finite data; keep the picture alive anyway
        return least_squares_fit(x, y)
    return float(res.x[0]), float(res.x[1])


def huber_fit(x, y, delta, iters=100):
    """``(slope, intercept)`` minimising the mean Huber loss with threshold delta.

    Iteratively reweighted least squares: a point whose residual r is beyond
    delta gets weight delta / |r|, which turns its square into Huber's line.
    """
    a, b = least_squares_fit(x, y)
    A = np.column_stack([x, np.ones_like(x)])
    for _ in range(iters):
        r = y - (a * x + b)
        w = np.minimum(1.0, delta / np.maximum(np.abs(r), 1e-12))
        sw = np.sqrt(w)
        (a_new, b_new), *_ = np.linalg.lstsq(A * sw[:, None], y * sw, rcond=None)
        if abs(a_new - a) + abs(b_new - b) < 1e-12:
            a, b = a_new, b_new
            break
        a, b = a_new, b_new
    return float(a), float(b)


def pull_shares(x, y, mse_line, mae_line):
    """Each point's share of the total pull |dℓ/dŷᵢ| on a fitted line:
    |2 rᵢ| / Σ|2 r| under MSE, |sign(rᵢ)| / Σ|sign(r)| under MAE (a point the
    MAE line passes through, |rᵢ| < 1e-9, pulls with 0)."""
    r_mse = y - (mse_line[0] * x + mse_line[1])
    r_mae = y - (mae_line[0] * x + mae_line[1])
    pull_mse = np.abs(r_mse)
    pull_mae = (np.abs(r_mae) > 1e-9).astype(float)
    return pull_mse / max(pull_mse.sum(), 1e-300), pull_mae / max(pull_mae.sum(), 1.0)


_FITS = {"MSE fit": ("tab:red", "-"), "MAE fit": ("tab:blue", "-"), "Huber fit": ("tab:green", "--")}
_X_LIM, _Y_LIM = (-0.5, 10.5), (-11.0, 26.0)


@visualization(MODULE)
def outlier_fit_explorer(outlier_x=8.0, outlier_y=20.0, residuals="MSE fit", delta=1.0,
                         n=15, seed=0):
    """One straight line fitted three ways to data with one outlier.

    ``n`` points lie near y = 0.6 x + 1 (dotted); the outlier (the red square)
    sits wherever the sliders put it, or wherever you drag it with the mouse.
    The lines are the fits minimising MSE (least squares), MAE (least absolute
    deviations, solved exactly as a linear program) and Huber with threshold δ
    (iteratively reweighted least squares). Vertical segments show the
    residuals of the fit chosen in the dropdown. The lower panel shows how
    hard each point pulls on the line, |dℓ/dŷᵢ| as a share of the total: under
    MSE the pull is 2|rᵢ|, so the outlier's large residual lets it out-pull
    all the others; under MAE every point off the line pulls with exactly 1
    (the points the line passes through with 0), so the outlier is one vote
    among many.

    Arguments:
        outlier_x, outlier_y: where the outlier starts; residuals: "MSE fit",
        "MAE fit" or "Huber fit"; delta: Huber's δ; n, seed: the clean data.

    Example:
        >>> outlier_fit_explorer(outlier_y=-8)  # doctest: +SKIP
    """
    x0, y0 = outlier_data(n, seed)
    grid = np.array(_X_LIM)

    fig = new_figure(6.4, 5.0)
    ax, ax_s = fig.subplots(2, 1, height_ratios=[3, 1.3])
    ax.plot(grid, 0.6 * grid + 1.0, ":", color="0.5", lw=1.2)
    res_lines = LineCollection([], colors="0.35", linewidths=1.0, alpha=0.8)
    ax.add_collection(res_lines)
    ax.plot(x0, y0, "o", color="0.2", ms=5, zorder=4)
    (outlier,) = ax.plot([outlier_x], [outlier_y], "s", color="tab:red", ms=9, zorder=6)
    fit_lines = {name: ax.plot(grid, grid, color=c, ls=ls, lw=2, label=name)[0]
                 for name, (c, ls) in _FITS.items()}
    ax.set_xlim(*_X_LIM)
    ax.set_ylim(*_Y_LIM)
    ax.set_xticks([0, 5, 10])
    ax.set_yticks([-10, 0, 10, 20])
    ax.set_xlabel("x", labelpad=1)
    ax.set_ylabel("y")
    ax.legend(loc="upper left", fontsize=8, ncol=3)

    idx = np.arange(n + 1)
    w = 0.4
    # one collection per fit, not one Rectangle per bar: fewer artists, faster redraws
    bars_mse = PolyCollection([], facecolors="tab:red", edgecolors="none")
    bars_mae = PolyCollection([], facecolors="tab:blue", edgecolors="none")
    ax_s.add_collection(bars_mse)
    ax_s.add_collection(bars_mae)
    ax_s.axvspan(n - 0.5, n + 0.5, color="0.9", zorder=0)
    # one tick label and a title instead of a legend: text is most of a redraw's cost
    ax_s.set_xticks([n], ["outlier"], fontsize=8)
    ax_s.set_ylim(0, 1)
    ax_s.set_yticks([0, 0.5, 1], ["0", "50%", "100%"], fontsize=8)
    ax_s.set_xlim(-0.6, n + 0.6)
    ax_s.set_title("share of the pull |dℓ/dŷ|: MSE (red), MAE (blue)", fontsize=8, y=1.0)

    controls = {
        "outlier_x": slider(outlier_x, 0.0, 10.0, 0.1, "outlier x"),
        "outlier_y": slider(outlier_y, -10.0, 25.0, 0.1, "outlier y"),
        "residuals": dropdown(list(_FITS), residuals, "residuals of"),
        "delta": slider(delta, 0.1, 5.0, 0.05, "Huber δ"),
    }
    fits = {}

    def draw(outlier_x, outlier_y, residuals, delta):
        x = np.append(x0, outlier_x)
        y = np.append(y0, outlier_y)
        fits["MSE fit"] = least_squares_fit(x, y)
        fits["MAE fit"] = least_absolute_fit(x, y)
        fits["Huber fit"] = huber_fit(x, y, delta)
        for name, (a, b) in fits.items():
            fit_lines[name].set_ydata(a * grid + b)
        outlier.set_data([outlier_x], [outlier_y])
        a, b = fits[residuals]
        res_lines.set_segments([[(xi, yi), (xi, a * xi + b)] for xi, yi in zip(x, y)])
        share_mse, share_mae = pull_shares(x, y, fits["MSE fit"], fits["MAE fit"])
        bars_mse.set_verts(_bars(idx - w / 2, share_mse, w))
        bars_mae.set_verts(_bars(idx + w / 2, share_mae, w))
        lines = " &nbsp;·&nbsp; ".join(f"{name[:-4]}: ŷ = {fa:.2f}x {fb:+.2f}"
                                       for name, (fa, fb) in fits.items())
        return (f"{lines} (true: 0.60x +1.00) &nbsp;|&nbsp; the outlier's pull: "
                f"{100 * share_mse[-1]:.0f}% of the total on the MSE fit, "
                f"{100 * share_mae[-1]:.0f}% on the MAE fit")

    ex = Explorer(controls, fig, draw, title="MSE vs MAE with an outlier")
    ex.artists = {"lines": fit_lines, "outlier": outlier, "residuals": res_lines,
                  "pull_mse": bars_mse, "pull_mae": bars_mae}
    _connect_drag(ex, ax, outlier)
    return freeze_layout(ex)


def _bars(centers, heights, width):
    """Rectangles (as vertex lists) for bars of ``heights`` standing on 0."""
    return [[(c - width / 2, 0.0), (c - width / 2, h), (c + width / 2, h), (c + width / 2, 0.0)]
            for c, h in zip(centers, heights)]


def _connect_drag(ex, ax, marker, radius_px=12):
    """Drag the outlier with the mouse; the sliders follow (and drive the redraw)."""
    grab = {"on": False}

    def near(event):
        if event.inaxes is not ax or event.x is None:
            return False
        px = ax.transData.transform(np.column_stack(marker.get_data()))[0]
        return np.hypot(event.x - px[0], event.y - px[1]) <= radius_px

    def press(event):
        grab["on"] = near(event)

    def move(event):
        if grab["on"] and event.inaxes is ax and event.xdata is not None:
            cx, cy = ex.controls["outlier_x"], ex.controls["outlier_y"]
            ex.set(outlier_x=float(np.clip(event.xdata, cx.min, cx.max)),
                   outlier_y=float(np.clip(event.ydata, cy.min, cy.max)))

    def release(_event):
        grab["on"] = False

    canvas = ex.fig.canvas
    ex.drag_handlers = [canvas.mpl_connect("button_press_event", press),
                        canvas.mpl_connect("motion_notify_event", move),
                        canvas.mpl_connect("button_release_event", release)]
