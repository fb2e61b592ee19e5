"""Visualizations of 03_layers: built headlessly, driven from Python, and checked
against the math (the diagram has one node per unit and one line per weight, the
stds are those of a forward pass written here independently, the RBF curve is
the least-squares fit)."""
import warnings

import numpy as np
import pytest

from course.viz import layers as V

warnings.filterwarnings("ignore", category=DeprecationWarning)

VIZ = ["network_diagram", "activation_histograms", "rbf_curve_fit"]


def _count(sizes):
    """Parameters counted one weight and one bias at a time."""
    total = 0
    for layer in range(1, len(sizes)):
        for _unit in range(sizes[layer]):
            total += sizes[layer - 1] + 1
    return total


def _status(ex):
    return ex.status.value


# -- registry and helpers ------------------------------------------------------------------------
def test_parameter_count():
    rng = np.random.default_rng(0)
    assert V.parameter_count([784, 128, 64, 10]) == 109386
    assert V.parameter_count([5]) == 0
    for _ in range(30):
        sizes = list(rng.integers(1, 40, size=rng.integers(2, 7)))
        assert V.parameter_count(sizes) == _count(sizes)


@pytest.mark.parametrize("sizes", [[3, 5, 4, 2], [1, 1], [64, 64, 64, 64, 64, 64], [2, 30, 1]])
def test_diagram_geometry(sizes):
    nodes, layer_of, segments, total = V.diagram_geometry(sizes, max_edges=400)
    assert len(nodes) == sum(sizes)
    assert total == sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    if total <= 400:
        assert len(segments) == total
    else:
        assert len(segments) <= 400 + len(sizes)
    xs = np.linspace(0, 1, len(sizes))
    for l, n in enumerate(sizes):
        col = nodes[layer_of == l]
        assert len(col) == n and np.allclose(col[:, 0], xs[l])
        assert np.isclose(col[:, 1].mean(), 0.0) and np.abs(col[:, 1]).max() <= 1.0 + 1e-12
    # every line joins a node of layer l to a node of layer l + 1
    as_set = {tuple(np.round(p, 9)) for p in nodes}
    for a, b in segments:
        assert tuple(np.round(a, 9)) in as_set and tuple(np.round(b, 9)) in as_set
        la = int(np.argmin(np.abs(xs - a[0])))
        lb = int(np.argmin(np.abs(xs - b[0])))
        assert lb == la + 1
    # no line drawn twice
    assert len({(tuple(a), tuple(b)) for a, b in np.round(segments, 9)}) == len(segments)


def test_activation_statistics_follow_the_variance_argument():
    # He + ReLU keeps the std steady; Xavier + ReLU loses sqrt(2) per layer; 0.01 vanishes
    _, he = V.activation_statistics("he", "relu", depth=12, width=256, n=500)
    assert 0.5 < he[-1] / he[0] < 2.0
    _, xa = V.activation_statistics("xavier", "relu", depth=12, width=256, n=500)
    assert 0.5 < (xa[-1] / xa[0]) / (2 ** -5.5) < 2.0
    _, small = V.activation_statistics("small normal 0.01", "tanh", depth=8, width=256, n=500)
    assert small[-1] < 1e-6
    _, big = V.activation_statistics("normal 1.0", "tanh", depth=5, width=256, n=500)
    assert big[-1] > 0.95
    with pytest.raises(ValueError):
        V.init_weights("zeros", 3, 3, np.random.default_rng(0))


# -- 1. network diagram ---------------------------------------------------------------------------
def _drawn_sizes(ex):
    offsets = ex.artists["nodes"].get_offsets()
    xs = np.round(np.asarray(offsets)[:, 0], 9)
    return [int(np.sum(xs == x)) for x in sorted(set(xs))]


def test_network_diagram_draws_the_architecture():
    ex = V.network_diagram((3, 5, 4, 2))
    assert _drawn_sizes(ex) == [3, 5, 4, 2]
    assert len(ex.artists["edges"].get_segments()) == 3 * 5 + 5 * 4 + 4 * 2
    assert "54 parameters" in _status(ex)
    before = ex.render()
    ex.set(hidden_layers=3, width3=7, inputs=6, outputs=1)
    assert _drawn_sizes(ex) == [6, 5, 4, 7, 1]
    assert f"{_count([6, 5, 4, 7, 1]):,} parameters" in _status(ex)
    assert not np.array_equal(before, ex.render())
    # widths of layers beyond the depth are ignored
    ex.controls["hidden_layers"].value = 0
    assert _drawn_sizes(ex) == [6, 1]
    assert "7 parameters" in _status(ex)
    labels = [t.get_text() for t in ex.artists["names"] if t.get_visible()]
    assert labels == ["input: 6", "output: 1"]


def test_network_diagram_per_layer_costs_and_same_budget_width():
    ex = V.network_diagram((2, 16, 16, 16, 1))
    costs = [t.get_text() for t in ex.artists["costs"] if t.get_visible()]
    assert costs == ["2·16+16 = 48", "16·16+16 = 272", "16·16+16 = 272", "16·1+1 = 17"]
    total = _count([2, 16, 16, 16, 1])
    assert f"{total:,} parameters" in _status(ex)
    h = int(_status(ex).split("one hidden layer of width ")[1].split(" ")[0].replace(",", ""))
    assert abs(_count([2, h, 1]) - total) <= 2 + 1     # (d_in + 1 + d_out) = 4 per unit: within half


def test_network_diagram_subsamples_many_edges():
    ex = V.network_diagram((64, 64, 64, 64, 64, 64))
    total = 5 * 64 * 64
    n = len(ex.artists["edges"].get_segments())
    assert n <= V.MAX_EDGES + 6 and n < total
    assert f"drawing {n:,} of {total:,} connections" in _status(ex)


def test_network_diagram_shows_the_learners_count():
    ex = V.network_diagram((2, 3, 1), count_parameters=lambda s: _count(s))
    assert "= 13: matches" in _status(ex)
    ex = V.network_diagram((2, 3, 1), count_parameters=lambda s: sum(
        a * b for a, b in zip(s[:-1], s[1:])))
    assert "= 9: differs" in _status(ex)

    def count_parameters(layer_sizes):
        raise NotImplementedError()

    ex = V.network_diagram((2, 3, 1), count_parameters=count_parameters)
    assert "not written yet" in _status(ex) and "13 parameters" in _status(ex)


def test_network_diagram_rejects_bad_sizes():
    with pytest.raises(ValueError):
        V.network_diagram((3,))
    with pytest.raises(ValueError):
        V.network_diagram((3, 4, 4, 4, 4, 4, 2))


# -- 2. activation histograms --------------------------------------------------------------------
def _ref_stds(init, activation, depth, width, seed=0):
    """The explorer's forward pass, written again from its documented recipe."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((V.N_SAMPLES, V.MAX_WIDTH))
    Z = rng.standard_normal((V.MAX_DEPTH, V.MAX_WIDTH, V.MAX_WIDTH))
    if init == "xavier":
        Z = np.random.default_rng(seed + 2).uniform(-1, 1, (V.MAX_DEPTH, V.MAX_WIDTH, V.MAX_WIDTH))
        scale = np.sqrt(6 / (2 * width))
    else:
        scale = {"small normal 0.01": 0.01, "normal 1.0": 1.0, "he": np.sqrt(2 / width)}[init]
    f = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
         "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[activation]
    a, out = X[:, :width], []
    with np.errstate(over="ignore"):
        for l in range(depth):
            a = f(a @ (Z[l, :width, :width] * scale))
            out.append(a.std())
    return np.array(out)


@pytest.mark.parametrize("init,activation,depth,width", [
    ("he", "relu", 20, 128), ("xavier", "tanh", 10, 64), ("small normal 0.01", "tanh", 6, 256),
    ("normal 1.0", "relu", 12, 32), ("xavier", "sigmoid", 3, 200)])
def test_std_line_is_the_forward_pass(init, activation, depth, width):
    ex = V.activation_histograms()
    ex.set(init=init, activation=activation, depth=depth, width=width)
    xs, ys = ex.artists["std_line"].get_data()
    assert list(xs) == list(range(1, depth + 1))
    assert np.allclose(ys, _ref_stds(init, activation, depth, width), rtol=1e-9)
    assert len(ex.artists["ridges"].get_paths()) == depth
    assert f"std per layer: 1: {ys[0]:.2g}" in _status(ex)


def test_histograms_show_vanishing_saturation_and_explosion():
    ex = V.activation_histograms("small normal 0.01", "tanh", depth=10, width=128)
    assert "vanish" in _status(ex)
    # vanished: the last histogram has all its mass in the middle bin
    last = ex.artists["ridges"].get_paths()[-1].vertices
    top = last[:, 1].max()
    peak_x = last[np.isclose(last[:, 1], top), 0]
    assert peak_x.min() >= -0.1 and peak_x.max() <= 0.1
    ex.set(init="normal 1.0")
    assert "saturate" in _status(ex)
    ex.set(activation="relu", depth=20, width=256)
    assert "explode" in _status(ex)
    # exploded (std ~1e20): every layer's positive values pile up in the right edge bin
    for path in ex.artists["ridges"].get_paths():
        v = path.vertices
        top = v[:, 1].max()
        assert v[np.isclose(v[:, 1], top), 0].min() > 3.8
    ex.set(init="he", depth=20)
    assert "steady" in _status(ex)
    ex.set(init="xavier")
    assert "shrinks" in _status(ex) or "vanish" in _status(ex)


def test_ridges_are_scaled_histograms():
    ex = V.activation_histograms("he", "relu", depth=5, width=64)
    for l, path in enumerate(ex.artists["ridges"].get_paths()):
        v = path.vertices
        base = -l - 1.0
        assert np.isclose(v[:, 1].min(), base)
        assert np.isclose(v[:, 1].max(), base + 0.85)      # tallest bin at full height
        assert v[:, 0].min() >= 0.0 and v[:, 0].max() <= 4.0   # the ReLU range


def test_learners_initializers_are_used():
    calls = []

    def he_normal(fan_in, fan_out, rng):
        calls.append((fan_in, fan_out))
        return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))   # LeCun, not He

    ex = V.activation_histograms("he", "relu", depth=20, width=64, he_normal=he_normal)
    assert (64, 64) in calls and "your he_normal" in _status(ex)
    _, ys = ex.artists["std_line"].get_data()
    assert ys[-1] / ys[0] < 0.01             # half the variance lost per layer

    def xavier_uniform(fan_in, fan_out, rng):
        raise NotImplementedError()

    ex = V.activation_histograms("xavier", "tanh", xavier_uniform=xavier_uniform)
    assert "not written yet" in _status(ex)


def test_histograms_change_the_picture():
    ex = V.activation_histograms()
    before = ex.render()
    ex.controls["init"].value = "small normal 0.01"
    assert not np.array_equal(before, ex.render())


# -- 3. RBF fit --------------------------------------------------------------------------------
def _phi(x, c, sigma):
    return np.exp(-np.subtract.outer(x, c) ** 2 / (2 * sigma ** 2))


@pytest.mark.parametrize("k,sigma,noise", [(8, 0.08, 0.15), (1, 0.3, 0.0), (25, 0.05, 0.4),
                                            (12, 0.6, 0.1)])
def test_rbf_curve_is_the_least_squares_fit(k, sigma, noise):
    ex = V.rbf_curve_fit()
    ex.set(centers=k, sigma=sigma, noise=noise)
    x, eps, grid = ex.data["x"][:, 0], ex.data["eps"], ex.data["grid"][:, 0]
    sigma = ex.controls["sigma"].value
    y = V.rbf_target(x) + noise * eps
    c = np.linspace(0, 1, k) if k > 1 else np.array([0.5])
    w = np.linalg.lstsq(_phi(x, c, sigma), y, rcond=None)[0]
    pred = _phi(grid, c, sigma) @ w
    assert np.allclose(ex.artists["fit"].get_ydata(), pred, atol=1e-6 * max(1, np.abs(pred).max()))
    segs = ex.artists["bumps"].get_segments()
    assert len(segs) == k
    # the bumps add up to the curve (up to the rounding of large cancelling weights)
    scale = np.abs(np.array([s[:, 1] for s in segs])).sum(axis=0).max()
    assert np.allclose(sum(s[:, 1] for s in segs), ex.artists["fit"].get_ydata(), rtol=0,
                       atol=1e-9 * max(1.0, scale))
    assert np.allclose(ex.artists["samples"].get_offsets(), np.column_stack([x, y]))
    assert np.allclose(np.asarray(ex.artists["centres"].get_offsets())[:, 0], c)
    train = np.mean((_phi(x, c, sigma) @ w - y) ** 2)
    assert f"training MSE {train:.4f}" in _status(ex)


def test_rbf_uses_the_learners_functions():
    seen = {"fit": 0, "features": 0}

    def rbf_features(X, centers, sigma):
        seen["features"] += 1
        return np.exp(-((X[:, None, :] - centers[None]) ** 2).sum(2) / (2 * sigma ** 2))

    def fit_rbf_network(X, y, centers, sigma):
        seen["fit"] += 1
        return np.zeros(len(centers))              # a deliberately useless fit

    ex = V.rbf_curve_fit(rbf_features=rbf_features, fit_rbf_network=fit_rbf_network)
    assert seen["fit"] >= 2 and seen["features"] >= 2
    assert np.allclose(ex.artists["fit"].get_ydata(), 0.0)

    def broken(X, y, centers, sigma):
        raise NotImplementedError()

    ex = V.rbf_curve_fit(fit_rbf_network=broken)
    assert "not written yet" in _status(ex)
    assert np.abs(ex.artists["fit"].get_ydata()).max() > 0.5


def test_rbf_ill_conditioning_is_reported():
    ex = V.rbf_curve_fit()
    ex.set(centers=30, sigma=0.5)
    cond = float(_status(ex).split("cond(Φ) = ")[1].split("<")[0].split()[0])
    assert cond > 1e10
    ex.set(centers=5, sigma=0.1)
    cond = float(_status(ex).split("cond(Φ) = ")[1].split("<")[0].split()[0])
    assert cond < 100
