"""Visualizations and helpers of 16_production: built headlessly, driven from
Python, and checked against the math (the quantization grid and its error,
the drift statistics against SciPy and a reference PSI, the latency curves
against what was measured)."""
import numpy as np
import pytest
import torch
from scipy.stats import ks_2samp

from course.data import drift_windows
from course.train import make_mlp
from course.viz import production as P


# -- the built-in exercise solutions ------------------------------------------------------------
def test_builtin_quantize_matches_the_worked_example_and_bounds_the_error():
    q, s, z = P._quantize_int8(np.array([-1.0, 0.0, 0.5, 2.0]))
    assert q.dtype == np.int8 and q.tolist() == [-128, -43, -1, 127]
    assert s == pytest.approx(3 / 255) and z == -128 + 85
    x = np.random.default_rng(0).standard_normal(1000)
    q, s, z = P._quantize_int8(x)
    assert np.abs(P._dequantize(q, s, z) - x).max() <= s / 2 + 1e-12
    assert P._quantize_int8(np.zeros(3))[1:] == (1.0, -128)


def test_fake_quantize_at_8_bits_is_quantize_then_dequantize():
    x = np.random.default_rng(1).standard_normal((5, 7))
    x_hat, levels, step = P.fake_quantize(x, 8)
    np.testing.assert_allclose(x_hat, P._dequantize(*P._quantize_int8(x)), rtol=0, atol=1e-12)
    assert len(levels) == 256 and np.isclose(np.min(np.abs(levels)), 0.0)
    _, sym_levels, _ = P.fake_quantize(x, 4, symmetric=True)
    assert len(sym_levels) == 15 and np.allclose(sym_levels, -sym_levels[::-1])


def test_builtin_psi_and_ks():
    e = np.arange(10.0)
    assert P._psi(e, e) == 0.0
    assert P._psi(e, e + 100) == pytest.approx(9 * (1e-4 - 0.1) * np.log(1e-3) + 0.9 * np.log(10))
    rng = np.random.default_rng(2)
    for a, b in [(rng.standard_normal(50), rng.standard_normal(70) + 0.4),
                 (rng.integers(0, 4, 30).astype(float), rng.integers(0, 5, 20).astype(float))]:
        assert P._ks(a, b) == pytest.approx(ks_2samp(a, b).statistic, abs=1e-12)


def test_magnitude_prune_and_structured_pruning():
    W = np.random.default_rng(3).standard_normal((6, 5))
    W_p, mask = P._magnitude_prune(W, 0.4)
    assert (~mask).sum() == 12 and np.abs(W[~mask]).max() <= np.abs(W[mask]).min()
    torch.manual_seed(0)
    model = make_mlp(8, 10, depth=2, num_classes=3)
    small = P.structured_pruned_copy(model, 0.5)
    assert [tuple(m.weight.shape) for m in small if isinstance(m, torch.nn.Linear)] == \
        [(5, 8), (5, 5), (3, 5)]
    sparse, masks = P.pruned_copy(model, 0.5)
    for layer, m in zip([l for l in sparse if isinstance(l, torch.nn.Linear)], masks):
        assert (layer.weight[~m] == 0).all() and int((~m).sum()) == round(0.5 * m.numel())


def test_activation_quantized_static_and_dynamic_stay_close_at_8_bits():
    torch.manual_seed(0)
    model = make_mlp(8, 16, depth=2, num_classes=3).eval()
    X = torch.rand(64, 8)
    with torch.no_grad():
        ref = model(X)
        for mode in ("dynamic", "static"):
            out = P.activation_quantized(model, 8, mode, calibration=X)(X)
            assert (out - ref).abs().max() < 0.05 * ref.abs().max()
            assert not torch.equal(out, ref)


# -- 1. quantization explorer --------------------------------------------------------------------
def test_quantization_explorer_draws_the_grid_and_the_error_curve():
    w = np.random.default_rng(4).standard_normal(500) * 0.1
    ex = P.quantization_explorer(w)
    for bits in (2, 4, 8):
        ex.set(bits=bits, scheme=P.SCHEMES[0], coverage=100.0)
        segs = ex.artists["levels"].get_segments()
        xs = np.array([s[0][0] for s in segs])
        _, levels, step = P.fake_quantize(w, bits)
        assert len(segs) == 2 ** bits
        np.testing.assert_allclose(xs, levels)
        assert np.isclose(np.min(np.abs(xs)), 0.0)            # zero is on the grid
        assert f"{bits} bits" in ex.status.value and f"{2 ** bits} levels" in ex.status.value
        mx, my = ex.artists["marker"].get_data()
        x_hat = P.fake_quantize(w, bits)[0]
        assert mx[0] == bits and my[0] == pytest.approx(np.sqrt(np.mean((x_hat - w) ** 2)))
    bits_axis, rms = ex.artists["measured"].get_data()
    _, theory = ex.artists["theory"].get_data()
    assert np.all(np.diff(rms) < 0)                           # more bits, less error
    np.testing.assert_allclose(rms[-3:] / theory[-3:], 1.0, rtol=0.15)   # step / sqrt(12)
    ex.set(bits=4, scheme=P.SCHEMES[1])
    xs = np.array([s[0][0] for s in ex.artists["levels"].get_segments()])
    assert len(xs) == 15 and np.allclose(xs, -xs[::-1])


def test_quantization_explorer_clipping_moves_the_range_lines_and_changes_pixels():
    ex = P.quantization_explorer()
    before = ex.render()
    lo_full = ex.artists["clip"][0].get_xdata()[0]
    ex.set(coverage=95.0)
    lo_clip = ex.artists["clip"][0].get_xdata()[0]
    assert lo_clip > lo_full
    assert "clipped" in ex.status.value and "0.0% of weights clipped" not in ex.status.value
    assert not np.array_equal(before, ex.render())


# -- 2. drift monitor ----------------------------------------------------------------------------
def test_drift_monitor_statistics_follow_psi_and_ks():
    ex = P.drift_monitor()
    ex.set(shift=0.8, spread=1.0, onset=10, statistic="PSI", threshold=0.2, window=40)
    ref, wins, _ = drift_windows(40, 500, shift=0.8, onset=10)
    want = np.array([P._psi(ref, w) for w in wins])
    t, y = ex.artists["line"].get_data()
    np.testing.assert_allclose(t, np.arange(1, 41))
    np.testing.assert_allclose(y, np.maximum(want, 1e-3))
    alerts = ex.artists["alerts"].get_offsets()
    np.testing.assert_allclose(np.asarray(alerts)[:, 0], np.arange(1, 41)[want > 0.2])
    assert "ALERT" in ex.status.value
    ex.set(statistic="KS", threshold=0.08)
    _, y = ex.artists["line"].get_data()
    np.testing.assert_allclose(y, [max(ks_2samp(ref, w).statistic, 1e-3) for w in wins], atol=1e-12)
    np.testing.assert_allclose(ex.artists["threshold"].get_ydata(), [0.08, 0.08])


def test_drift_monitor_without_drift_says_ok_and_window_slider_limits_the_history():
    ex = P.drift_monitor()
    ex.set(shift=0.0, spread=1.0, statistic="PSI", threshold=0.2, window=40)
    assert "OK" in ex.status.value and "false alarms: 0" in ex.status.value
    before = ex.render()
    ex.set(window=7)
    assert len(ex.artists["line"].get_data()[0]) == 7
    heights = ex.artists["bars"].get_data().values
    ref, wins, _ = drift_windows(40, 500, shift=0.0)
    np.testing.assert_allclose(heights, np.histogram(wins[6], ex.edges, density=True)[0])
    assert not np.array_equal(before, ex.render())


def test_drift_monitor_uses_the_learners_functions_or_says_why_not():
    calls = []

    def my_psi(e, a, bins=10):
        calls.append(1)
        return 0.5

    def stub(a, b):
        raise NotImplementedError()

    ex = P.drift_monitor(psi=my_psi, ks=stub)
    assert calls and "0.500" in ex.status.value
    assert "stub is not written yet" in ex.status.value


# -- 3. latency against batch size ---------------------------------------------------------------
def test_latency_vs_batch_draws_what_was_measured():
    calls = []

    def fake_percentiles(fn, n_runs):
        calls.append(n_runs)
        fn()
        return {"p50": 1.0, "p90": 2.0, "p99": 3.0}

    ex = P.latency_vs_batch(torch.nn.Linear(64, 10), percentiles=fake_percentiles, n_runs=5)
    sizes = np.array(P.BATCH_SIZES, float)
    # one probe call (learner_function), then one measurement per batch size
    assert calls == [3] + [5] * len(sizes)
    x, y = ex.artists["batch"].get_data()
    np.testing.assert_allclose(x, sizes)
    np.testing.assert_allclose(y, 1.0)
    np.testing.assert_allclose(ex.artists["item"].get_data()[1], 1.0 / sizes)
    np.testing.assert_allclose(ex.artists["throughput"].get_data()[1], sizes * 1e3)
    ex.set(batch=128, budget=3.5)
    assert "batch 128" in ex.status.value and "within 3.5 ms: <b>512</b>" in ex.status.value
    ex.set(budget=2.5)
    assert "no batch size meets" in ex.status.value
    n = len(calls)
    ex.click("measure")
    assert len(calls) > n


def test_latency_vs_batch_default_measures_real_times_and_redraws():
    ex = P.latency_vs_batch(n_runs=5)
    lat = ex.latency()
    assert set(lat) == set(P.BATCH_SIZES)
    assert all(0 < v["p50"] <= v["p99"] for v in lat.values())
    before = ex.render()
    ex.set(batch=1, budget=0.05)
    assert "batch 1:" in ex.status.value
    assert not np.array_equal(before, ex.render())
