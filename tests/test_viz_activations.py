"""Visualizations of 02_activations: built headlessly, driven from Python, and
checked against the math (the curves are the functions and their slopes, the
shading is where the slope is small, the depth plot is what autograd gives for
the same random net, the softmax bars are torch's softmax)."""
import re
import warnings

import numpy as np
import pytest
import torch

from course.viz import activations as A
from course.viz.base import REGISTRY

warnings.filterwarnings("ignore", category=DeprecationWarning)

VIZ = ["activation_explorer", "gradient_depth_explorer", "softmax_temperature_explorer"]
ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softmax"]


# -- independent references (torch) -----------------------------------------------
def ref_value_and_slope(name, z, alpha):
    """f(z) and f'(z) by PyTorch autograd."""
    t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    fns = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda x: torch.nn.functional.leaky_relu(x, alpha),
        "elu": lambda x: torch.nn.functional.elu(x, alpha),
        "softmax": lambda x: torch.softmax(torch.stack([x, torch.zeros_like(x)], -1), -1)[..., 0],
    }
    y = fns[name](t)
    y.sum().backward()
    return y.detach().numpy(), t.grad.numpy()


def parts(ex):
    """The explorer's axes, its lines by label, and the saturation shading (by gid)."""
    ax = ex.fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    (shade,) = [c for c in ax.collections if c.get_gid() == "saturation"]
    return ax, lines, shade


def shaded_intervals(shade):
    return sorted((min(p[:, 0]), max(p[:, 0])) for p in (path.vertices for path in shade.get_paths()))


def status_number(ex, label):
    m = re.search(label + r" (-?[0-9.]+(?:e[-+]?\d+)?)", ex.status.value)
    assert m, f"no '{label}' in status: {ex.status.value}"
    return float(m.group(1))


# -- registry --------------------------------------------------------------------
def test_all_registered_under_the_module():
    for name in VIZ:
        assert name in REGISTRY, name
        assert REGISTRY[name].course_module == "02_activations"
        assert REGISTRY[name].__doc__ and "Example" in REGISTRY[name].__doc__


# -- activation explorer ---------------------------------------------------------
@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("alpha", [0.01, 0.3, 1.7])
def test_curves_are_the_function_and_its_slope(name, alpha):
    ex = A.activation_explorer(activation=name, alpha=alpha)
    _, lines, _ = parts(ex)
    zs = lines["f(z)"].get_xdata()
    value, slope = ref_value_and_slope(name, zs, alpha)
    np.testing.assert_allclose(lines["f(z)"].get_ydata(), value, atol=1e-12)
    np.testing.assert_allclose(lines["f'(z)"].get_ydata(), slope, atol=1e-12)


@pytest.mark.parametrize("name,alpha,expected", [
    ("sigmoid", 0.1, [(-6.0, -2.887), (2.887, 6.0)]),      # s(1-s) = 0.05
    ("tanh", 0.1, [(-6.0, -2.178), (2.178, 6.0)]),         # 1 - t^2 = 0.05
    ("relu", 0.1, [(-6.0, 0.0)]),                          # slope 0 for z <= 0
    ("leaky_relu", 0.01, [(-6.0, 0.0)]),                   # slope 0.01 < 0.05
    ("leaky_relu", 0.1, []),                               # slope 0.1: never saturated
    ("elu", 1.0, [(-6.0, np.log(0.05))]),                  # alpha e^z = 0.05
    ("elu", 2.0, [(-6.0, np.log(0.025))]),
])
def test_shading_is_where_the_slope_is_below_005(name, alpha, expected):
    ex = A.activation_explorer(activation=name, alpha=alpha)
    _, _, shade = parts(ex)
    got = shaded_intervals(shade)
    assert len(got) == len(expected), (got, expected)
    step = 12.0 / 480
    for (lo, hi), (elo, ehi) in zip(got, expected):
        assert abs(lo - elo) <= step and abs(hi - ehi) <= step, (got, expected)


def test_alpha_matters_only_for_leaky_relu_and_elu():
    ex = A.activation_explorer(activation="sigmoid", alpha=0.1)
    _, lines, _ = parts(ex)
    before = lines["f(z)"].get_ydata().copy()
    ex.set(alpha=1.5)
    np.testing.assert_array_equal(lines["f(z)"].get_ydata(), before)
    assert "alpha does nothing to sigmoid" in ex.status.value
    for name in ("leaky_relu", "elu"):
        ex.set(activation=name, alpha=0.1)
        before = lines["f(z)"].get_ydata().copy()
        ex.set(alpha=1.5)
        assert not np.allclose(lines["f(z)"].get_ydata(), before), name
        assert "alpha does nothing" not in ex.status.value


@pytest.mark.parametrize("name,z", [("sigmoid", 1.5), ("tanh", -0.7), ("elu", -2.0), ("relu", 0.0)])
def test_marker_tangent_and_status_at_z(name, z):
    alpha = 0.6
    ex = A.activation_explorer(activation=name, alpha=alpha, z=z)
    _, lines, _ = parts(ex)
    (v,), (d,) = ref_value_and_slope(name, np.array([z]), alpha)
    by_gid = {a.get_gid(): a for a in ex.fig.axes[0].get_children() if a.get_gid()}
    assert float(by_gid["f_dot"].get_xdata()[0]) == z and float(by_gid["df_dot"].get_xdata()[0]) == z
    assert np.isclose(by_gid["f_dot"].get_ydata()[0], v) and np.isclose(by_gid["df_dot"].get_ydata()[0], d)
    assert list(by_gid["z_mark"].get_xdata()) == [z, z]
    tx, ty = by_gid["tangent"].get_xdata(), by_gid["tangent"].get_ydata()
    assert np.isclose((ty[1] - ty[0]) / (tx[1] - tx[0]), d)
    assert np.isclose(np.interp(z, tx, ty), v)
    assert abs(status_number(ex, "value") - v) < 1e-4
    assert abs(status_number(ex, "slope") - d) < 1e-4


def test_softmax_option_is_the_sigmoid():
    ex = A.activation_explorer(activation="softmax")
    _, lines, _ = parts(ex)
    zs = lines["f(z)"].get_xdata()
    np.testing.assert_allclose(lines["f(z)"].get_ydata(), 1 / (1 + np.exp(-zs)), atol=1e-12)
    assert "sigmoid" in ex.status.value


def test_learner_functions_are_drawn_and_stubs_fall_back():
    def my_relu(z):
        return np.maximum(z, 0.0)

    def bad_grad(z):                      # a wrong derivative must show as drawn
        return (z >= 0).astype(float) * 0.5

    def stub(z):
        raise NotImplementedError()

    def my_gelu(z):
        return z / (1 + np.exp(-1.702 * z))

    ex = A.activation_explorer(functions={"relu": (my_relu, bad_grad), "sigmoid": stub,
                                          "gelu": my_gelu}, activation="relu")
    _, lines, _ = parts(ex)
    zs = lines["f(z)"].get_xdata()
    np.testing.assert_allclose(lines["f'(z)"].get_ydata(), bad_grad(zs))
    ex.set(activation="sigmoid")
    np.testing.assert_allclose(lines["f(z)"].get_ydata(), 1 / (1 + np.exp(-zs)), atol=1e-12)
    assert "not written yet" in ex.status.value
    assert "gelu" in ex.controls["activation"].options
    ex.set(activation="gelu")
    np.testing.assert_allclose(lines["f(z)"].get_ydata(), my_gelu(zs))
    s = 1 / (1 + np.exp(-1.702 * zs))
    slope = s + 1.702 * zs * s * (1 - s)                 # numerical slope vs the exact one
    np.testing.assert_allclose(lines["f'(z)"].get_ydata(), slope, atol=1e-6)


def test_learner_alpha_function_gets_alpha_and_learner_softmax_is_used():
    calls = []

    def my_leaky(z, alpha=0.01):
        calls.append(alpha)
        return np.where(z > 0, z, alpha * z)

    def my_softmax(z, axis=-1):
        e = np.exp(z - z.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    ex = A.activation_explorer(functions={"leaky_relu": my_leaky, "softmax": my_softmax},
                               activation="leaky_relu", alpha=0.37)
    assert 0.37 in calls
    ex.set(activation="softmax")
    _, lines, _ = parts(ex)
    zs = lines["f(z)"].get_xdata()
    np.testing.assert_allclose(lines["f(z)"].get_ydata(), 1 / (1 + np.exp(-zs)), atol=1e-12)
    np.testing.assert_allclose(lines["f'(z)"].get_ydata(),
                               np.exp(-zs) / (1 + np.exp(-zs)) ** 2, atol=1e-6)


# -- gradient depth explorer -----------------------------------------------------
def torch_layer_grads(name, X, Ws, dout, scale, bias):
    """||dL/dz_l|| per layer by torch autograd, for the same net the explorer builds."""
    f = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[name]
    h = torch.tensor(X, requires_grad=True)
    zs = []
    for W in Ws:
        z = h @ torch.tensor(W * scale / np.sqrt(X.shape[1])) + bias
        z.retain_grad()
        zs.append(z)
        h = f(z)
    (h * torch.tensor(dout)).sum().backward()
    return np.array([z.grad.norm().item() for z in zs])


@pytest.mark.parametrize("depth,width,scale,bias,seed", [
    (10, 64, 1.0, 0.0, 0), (30, 32, 1.4, 0.0, 3), (5, 128, 2.5, 0.3, 7), (12, 16, 0.6, -0.2, 1)])
def test_depth_plot_is_what_autograd_gives(depth, width, scale, bias, seed):
    ex = A.gradient_depth_explorer()
    ex.set(depth=depth, width=width, init_scale=scale, bias=bias, seed=seed)
    X, dout, Ws = A._random_net(seed, width, 32)
    lines = {ln.get_label(): ln for ln in ex.fig.axes[0].get_lines()}
    for name in ("sigmoid", "tanh", "relu"):
        ref = torch_layer_grads(name, X, Ws[:depth], dout, scale, bias)
        np.testing.assert_array_equal(lines[name].get_xdata(), np.arange(1, depth + 1))
        got = lines[name].get_ydata()
        ok = ref > 0
        np.testing.assert_allclose(got[ok], ref[ok], rtol=1e-9)
        assert np.all(np.isnan(got[~ok]))
        if ref[-1] == 0:                                  # every unit of the top layer is dead
            assert f"{name} (no gradient)" in ex.status.value
            continue
        ratio = status_number(ex, name)
        assert np.isclose(ratio, ref[0] / ref[-1], rtol=0.05), (name, ratio, ref[0] / ref[-1])


def test_sigmoid_vanishes_and_he_init_keeps_relu_steady():
    ex = A.gradient_depth_explorer()
    ex.set(depth=20, init_scale=1.0)
    assert status_number(ex, "sigmoid") < 1e-8
    ex.set(init_scale=1.4)
    assert 0.1 < status_number(ex, "relu") < 10
    ex.set(init_scale=2.5)
    assert status_number(ex, "relu") > 100


def test_negative_bias_kills_relu_units():
    ex = A.gradient_depth_explorer()
    ex.set(depth=6, width=64, bias=0.0, init_scale=1.4, seed=2)
    before = float(re.search(r"dead ReLU units: (\d+)%", ex.status.value).group(1))
    ex.set(bias=-1.0)
    after = float(re.search(r"dead ReLU units: (\d+)%", ex.status.value).group(1))
    X, _, Ws = A._random_net(2, 64, 32)
    h, dead = X, []
    for W in Ws[:6]:
        h = np.maximum(h @ (W * 1.4 / 8.0) - 1.0, 0.0)
        dead.append(np.mean(h.max(axis=0) == 0.0))
    assert after == round(100 * np.mean(dead)) and after > before + 30


def test_guide_line_falls_by_a_quarter_per_layer():
    ex = A.gradient_depth_explorer()
    ex.set(depth=8)
    lines = {ln.get_label(): ln for ln in ex.fig.axes[0].get_lines()}
    g = lines["× 0.25 per layer"].get_ydata()
    np.testing.assert_allclose(g[1:] / g[:-1], 4.0)
    assert np.isclose(g[-1], lines["sigmoid"].get_ydata()[-1])


# -- softmax temperature explorer ----------------------------------------------------
def bars(ex):
    ax_z, ax_p = ex.fig.axes
    return (np.array([p.get_height() for p in ax_z.patches]),
            np.array([p.get_height() for p in ax_p.patches]))


@pytest.mark.parametrize("T,c", [(1.0, 0.0), (0.3, 5.0), (4.0, -300.0), (0.05, 1000.0)])
def test_softmax_bars_are_torch_softmax_and_shift_changes_nothing(T, c):
    logits = np.array([2.0, 1.0, 0.1, -1.0, 0.5])
    ex = A.softmax_temperature_explorer(logits=logits)
    ex.set(temperature=T, shift=c)
    z_h, p_h = bars(ex)
    np.testing.assert_allclose(z_h, logits + c)
    ref = torch.softmax(torch.tensor(logits / T), -1).numpy()
    np.testing.assert_allclose(p_h, ref, atol=1e-12)
    texts = [t.get_text() for t in ex.fig.axes[1].texts]
    assert texts == [f"{p:.2f}" for p in ref]


def test_softmax_status_shows_the_naive_overflow():
    ex = A.softmax_temperature_explorer()
    ex.set(temperature=1.0, shift=0.0)
    assert "nan" not in ex.status.value and "sum 1.000000" in ex.status.value
    ex.set(shift=800.0)
    assert "nan (exp overflowed" in ex.status.value
    ex.set(shift=-800.0)
    assert "nan (every exp underflowed" in ex.status.value
    ex.set(temperature=5.0, shift=0.0)
    entropy = status_number(ex, "entropy")
    p = torch.softmax(torch.tensor([2.0, 1.0, 0.1, -1.0, 0.5], dtype=torch.float64) / 5, -1).numpy()
    assert abs(entropy - float(-(p * np.log(p)).sum())) < 1e-3


def test_softmax_explorer_uses_the_learners_softmax():
    def uniform(z, axis=-1):
        return np.full(np.shape(z), 1.0 / np.shape(z)[axis])

    ex = A.softmax_temperature_explorer(softmax=uniform)
    np.testing.assert_allclose(bars(ex)[1], 0.2)

    def stub(z, axis=-1):
        raise NotImplementedError()

    ex = A.softmax_temperature_explorer(softmax=stub)
    assert "not written yet" in ex.status.value
    assert np.isclose(bars(ex)[1].sum(), 1.0)
