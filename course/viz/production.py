"""Visualizations and helpers for 16_production: making a trained model small,
fast and watched.

- ``quantization_explorer``: a weight histogram with the quantization levels
  of a b-bit grid drawn over it (bits, symmetric or affine scheme, clipping
  range), next to the reconstruction error against the number of bits;
- ``drift_monitor``: a stream of data windows drifting away from a reference;
  PSI or KS per window against a threshold line, with an alert in the status
  line (shift, spread, onset, threshold and the current window as controls);
  pass the learner's ``population_stability_index`` / ``ks_statistic``;
- ``latency_vs_batch``: per-batch and per-item latency and throughput of a
  model against the batch size, measured once (on build or on the Measure
  button) and cached; a latency budget line shows the largest batch within it.

The helpers behind the notebook's experiments live here too: fake
quantization of a model's weights and activations (``weight_quantized_copy``,
``activation_quantized``, ``qat_finetune``), pruning (``pruned_copy``,
``structured_pruned_copy``), latency measurement and a tiny experiment log with
data fingerprints. The data (digits, the drift stream, the fairness data set)
is in ``course.data``; the model, the training loop and ``accuracy`` in
``course.train``.
"""
import copy
import hashlib
import json
import time

import numpy as np
import ipywidgets as widgets

from ..data import drift_windows
from ..train import fit, make_mlp
from .base import (Explorer, button, dropdown, freeze_layout, int_slider, learner_function,
                   new_figure, slider, visualization)
from .render import Backdrop

__all__ = ["quantization_explorer", "drift_monitor", "latency_vs_batch",
           "fake_quantize",
           "weight_quantized_copy", "activation_quantized", "qat_finetune", "pruned_copy",
           "structured_pruned_copy", "apply_masks", "measure_batch_latency", "ExperimentLog", "fingerprint", "model_size_bytes"]

MODULE = "16_production"
BLUE, ORANGE, GREEN, RED, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#b0b0b0"


# -- built-in versions of the exercises (same contracts) ---------------------------------------
def _quantize_int8(x):
    x = np.asarray(x, dtype=np.float64)
    lo, hi = min(x.min(), 0.0), max(x.max(), 0.0)
    scale = (hi - lo) / 255.0
    if scale == 0.0:
        scale = 1.0
    zero_point = int(np.clip(np.round(-128 - lo / scale), -128, 127))
    q = np.clip(np.round(x / scale) + zero_point, -128, 127).astype(np.int8)
    return q, float(scale), zero_point


def _dequantize(q, scale, zero_point):
    return (np.asarray(q, dtype=np.float64) - zero_point) * scale


def _psi(expected, actual, bins=10):
    expected, actual = np.asarray(expected, float).ravel(), np.asarray(actual, float).ravel()
    inner = np.quantile(expected, np.arange(1, bins) / bins)
    edges = np.concatenate([[-np.inf], inner, [np.inf]])
    p = np.maximum(np.histogram(expected, edges)[0] / len(expected), 1e-4)
    r = np.maximum(np.histogram(actual, edges)[0] / len(actual), 1e-4)
    return float(np.sum((r - p) * np.log(r / p)))


def _ks(a, b):
    a, b = np.sort(np.asarray(a, float)), np.sort(np.asarray(b, float))
    grid = np.concatenate([a, b])
    fa = np.searchsorted(a, grid, side="right") / len(a)
    fb = np.searchsorted(b, grid, side="right") / len(b)
    return float(np.max(np.abs(fa - fb)))


def fake_quantize(x, bits=8, symmetric=False, lo=None, hi=None):
    """Quantize ``x`` to a ``bits``-bit integer grid and map it back to floats.

    Affine (``symmetric=False``): the range ``[lo, hi]`` (default ``[min x,
    max x]``), stretched to include 0, is cut into ``2**bits - 1`` steps, with
    an integer zero point so that 0 is exactly on the grid. Symmetric: the grid
    is ``scale * k`` for ``|k| <= 2**(bits-1) - 1`` with ``scale = max(|lo|,
    |hi|) / (2**(bits-1) - 1)``. Values outside the range are clipped to its
    ends. Returns ``(x_hat, levels, scale)``: the reconstruction (float64),
    the grid's values and the step. ``bits=8`` affine is exactly
    ``dequantize(*quantize_int8(x))``.

    Example::

        x_hat, levels, step = fake_quantize(np.random.randn(1000), bits=4)
    """
    x = np.asarray(x, dtype=np.float64)
    lo = float(x.min()) if lo is None else float(lo)
    hi = float(x.max()) if hi is None else float(hi)
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if symmetric:
        kmax = 2 ** (bits - 1) - 1
        scale = max(abs(lo), abs(hi)) / kmax or 1.0
        k = np.arange(-kmax, kmax + 1)
        q = np.clip(np.round(x / scale), -kmax, kmax)
        return q * scale, k * scale, scale
    qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    scale = (hi - lo) / (qmax - qmin) or 1.0
    zp = np.clip(np.round(qmin - lo / scale), qmin, qmax)
    q = np.clip(np.round(x / scale) + zp, qmin, qmax)
    return (q - zp) * scale, (np.arange(qmin, qmax + 1) - zp) * scale, scale


# -- models ---------------------------------------------------------------------------------------
def model_size_bytes(model, bits=32, sparsity=0.0):
    """Bytes to store ``model``'s parameters at ``bits`` bits each, zeros of an
    unstructured ``sparsity`` not stored (a sparse format also stores indices,
    ignored here). Example: ``model_size_bytes(m, bits=8)``."""
    n = sum(p.numel() for p in model.parameters())
    return n * (1 - sparsity) * bits / 8


def _linears(model):
    from torch import nn

    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def weight_quantized_copy(model, bits=8, quantize=None, dequantize=None):
    """A copy of ``model`` whose Linear weights went through a ``bits``-bit grid
    and back (post-training, weight-only, one scale per weight matrix; biases
    stay float, as real int8 kernels keep them in int32).

    With ``bits=8``, ``quantize``/``dequantize`` (the learner's ``quantize_int8``
    and ``dequantize``) are used when given; otherwise ``fake_quantize``.

    Example::

        q_model = weight_quantized_copy(model, 8, quantize_int8, dequantize)
    """
    import torch

    out = copy.deepcopy(model)
    with torch.no_grad():
        for layer in _linears(out):
            W = layer.weight.detach().cpu().double().numpy()
            if bits == 8 and quantize is not None and dequantize is not None:
                W_hat = dequantize(*quantize(W))
            else:
                W_hat = fake_quantize(W, bits)[0]
            layer.weight.copy_(torch.as_tensor(np.asarray(W_hat), dtype=layer.weight.dtype))
    return out


def _fake_quant_tensor(t, bits, lo, hi):
    """Torch fake quantization on ``[lo, hi]`` (stretched to include 0) with a
    straight-through gradient: forward rounds, backward passes the gradient on."""
    import torch

    lo, hi = torch.clamp(lo, max=0.0), torch.clamp(hi, min=0.0)
    qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    scale = torch.clamp((hi - lo) / (qmax - qmin), min=1e-12)
    zp = torch.round(qmin - lo / scale)
    q = torch.clamp(torch.round(t / scale) + zp, qmin, qmax)
    rounded = (q - zp) * scale
    return t + (rounded - t).detach()


def activation_quantized(model, bits=8, mode="dynamic", calibration=None):
    """A copy of ``model`` that also quantizes the input of every Linear layer.

    ``mode="dynamic"``: each batch's own min and max set the range (computed at
    run time, as dynamic quantization does); ``mode="static"``: the ranges are
    fixed beforehand from a ``calibration`` batch (post-training static
    quantization). Weights are quantized too (``weight_quantized_copy``).

    Example::

        dyn = activation_quantized(model, 8, "dynamic")
        sta = activation_quantized(model, 8, "static", calibration=X_train[:256])
    """
    import torch

    out = weight_quantized_copy(model, bits)
    ranges = {}
    if mode == "static":
        if calibration is None:
            raise ValueError("static quantization needs a calibration batch")
        seen = {}
        hooks = [layer.register_forward_pre_hook(
            lambda m, inp, i=i: seen.__setitem__(i, (inp[0].min().detach(), inp[0].max().detach())))
            for i, layer in enumerate(_linears(out))]
        with torch.no_grad():
            out.eval()
            out(calibration.to(next(out.parameters()).device))
        for h in hooks:
            h.remove()
        ranges = seen

    def hook(i):
        def pre(_m, inp):
            x = inp[0]
            lo, hi = ranges[i] if mode == "static" else (x.min().detach(), x.max().detach())
            return (_fake_quant_tensor(x, bits, lo, hi),)
        return pre

    for i, layer in enumerate(_linears(out)):
        layer.register_forward_pre_hook(hook(i))
    return out


def qat_finetune(model, X, y, bits=8, epochs=3, lr=1e-3, seed=0):
    """Quantization-aware training: fine-tune a copy of ``model`` with fake
    quantization in its forward pass (weights and activations, straight-through
    gradients), then return it as a plain float model whose weights are put on
    the grid, i.e. ready for ``activation_quantized(..., "dynamic")``.

    Example::

        qat = qat_finetune(model, *data["train"], bits=4)
    """
    import torch
    from torch.nn.utils import parametrize

    class _WeightFQ(torch.nn.Module):
        def forward(self, W):
            return _fake_quant_tensor(W, bits, W.min().detach(), W.max().detach())

    out = copy.deepcopy(model)
    hooks = []
    for layer in _linears(out):
        parametrize.register_parametrization(layer, "weight", _WeightFQ())
        hooks.append(layer.register_forward_pre_hook(
            lambda m, inp: (_fake_quant_tensor(inp[0], bits, inp[0].min().detach(),
                                               inp[0].max().detach()),)))
    fit(out, X, y, epochs=epochs, lr=lr, seed=seed)
    for h in hooks:
        h.remove()
    for layer in _linears(out):
        parametrize.remove_parametrizations(layer, "weight", leave_parametrized=True)
    return out


def pruned_copy(model, sparsity, prune=None):
    """A copy of ``model`` with each Linear weight matrix pruned to ``sparsity``
    by magnitude (``prune(W, sparsity) -> (W_pruned, mask)``, the learner's
    ``magnitude_prune``; default: the built-in one). Returns ``(model, masks)``;
    biases are kept.

    Example::

        sparse, masks = pruned_copy(model, 0.8, magnitude_prune)
    """
    import torch

    prune = prune or _magnitude_prune
    out = copy.deepcopy(model)
    masks = []
    with torch.no_grad():
        for layer in _linears(out):
            W = layer.weight.detach().cpu().double().numpy()
            W_pruned, mask = prune(W, sparsity)
            layer.weight.copy_(torch.as_tensor(np.asarray(W_pruned), dtype=layer.weight.dtype))
            masks.append(torch.as_tensor(np.asarray(mask, dtype=bool),
                                         device=layer.weight.device))
    return out, masks


def _magnitude_prune(W, sparsity):
    k = int(round(sparsity * W.size))
    order = np.argsort(np.abs(W), axis=None, kind="stable")
    mask = np.ones(W.size, dtype=bool)
    mask[order[:k]] = False
    mask = mask.reshape(W.shape)
    return np.where(mask, W, 0.0), mask


def apply_masks(model, masks):
    """Zero the pruned weights again (use as ``after_step`` while fine-tuning)."""
    import torch

    with torch.no_grad():
        for layer, mask in zip(_linears(model), masks):
            layer.weight.mul_(mask.to(layer.weight.dtype))


def structured_pruned_copy(model, fraction):
    """A smaller copy of an MLP (``nn.Sequential`` of Linear and ReLU): in every
    hidden layer the ``round(fraction * width)`` neurons whose incoming weights
    have the smallest L2 norm are removed, with their row in that layer and
    their column in the next. The result has genuinely smaller matrices.

    Example::

        small = structured_pruned_copy(model, 0.5)   # half the hidden units
    """
    import torch
    from torch import nn

    layers = [copy.deepcopy(m) for m in model]
    linear_at = [i for i, m in enumerate(layers) if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for a, b in zip(linear_at[:-1], linear_at[1:]):
            W = layers[a].weight
            drop = int(round(fraction * W.shape[0]))
            keep = torch.sort(torch.argsort(W.norm(dim=1), descending=True)[:W.shape[0] - drop])[0]
            first = nn.Linear(W.shape[1], len(keep)).to(W.device)
            first.weight.copy_(W[keep])
            first.bias.copy_(layers[a].bias[keep])
            nxt = layers[b]
            second = nn.Linear(len(keep), nxt.weight.shape[0]).to(W.device)
            second.weight.copy_(nxt.weight[:, keep])
            second.bias.copy_(nxt.bias)
            layers[a], layers[b] = first, second
    return nn.Sequential(*layers)


# -- latency --------------------------------------------------------------------------------------
_LATENCY_CACHE = {}
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


def _builtin_percentiles(fn, n_runs):
    times = []
    for _ in range(n_runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    p50, p90, p99 = np.percentile(times, [50, 90, 99])
    return {"p50": float(p50), "p90": float(p90), "p99": float(p99)}


def measure_batch_latency(model, batch_sizes=BATCH_SIZES, n_runs=30, percentiles=None,
                          input_dim=64, seed=0):
    """Time ``model`` on one batch of each size; returns ``{batch: {"p50", "p90",
    "p99"}}`` in milliseconds per batch (``percentiles(fn, n_runs)``, the
    learner's ``latency_percentiles``; default: a built-in one). Runs on the
    CPU without gradients, after one warm-up call per size.

    Example::

        lat = measure_batch_latency(make_mlp(64, 256))
        lat[64]["p50"] / 64                  # milliseconds per item
    """
    import torch

    percentiles = percentiles or _builtin_percentiles
    model = copy.deepcopy(model).cpu().eval()
    gen = torch.Generator().manual_seed(seed)
    X = torch.rand(max(batch_sizes), input_dim, generator=gen)
    out = {}
    with torch.no_grad():
        for b in batch_sizes:
            xb = X[:b]
            model(xb)
            out[b] = dict(percentiles(lambda: model(xb), n_runs))
    return out


# -- tracking and versioning ----------------------------------------------------------------------
def fingerprint(*arrays):
    """A short content hash of arrays (shape, dtype and bytes): the data version.

    Example::

        fingerprint(X_train, y_train)          # e.g. "3f9a12c4b7e0"
    """
    h = hashlib.sha256()
    for a in arrays:
        a = a.detach().cpu().numpy() if hasattr(a, "detach") else np.asarray(a)
        h.update(str((a.shape, a.dtype.str)).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:12]


class ExperimentLog:
    """A minimal experiment tracker: each run is one JSON line holding its
    parameters, metrics, data fingerprint and time (what MLflow or Weights &
    Biases record, in a dozen lines).

    Example::

        log = ExperimentLog("runs.jsonl")
        log.log({"lr": 3e-3}, {"test_acc": 0.97}, data=fingerprint(X))
        log.best("test_acc")
    """

    def __init__(self, path):
        self.path = str(path)

    def log(self, params, metrics, data=None):
        record = {"run": len(self.runs()) + 1, "time": time.strftime("%Y-%m-%d %H:%M:%S"),
                  "params": params, "metrics": metrics, "data": data}
        with open(self.path, "a") as f:
            f.write(json.dumps(record) + "\n")
        return record

    def runs(self):
        try:
            with open(self.path) as f:
                return [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def best(self, metric, higher=True):
        runs = [r for r in self.runs() if metric in r["metrics"]]
        key = (lambda r: r["metrics"][metric]) if higher else (lambda r: -r["metrics"][metric])
        return max(runs, key=key) if runs else None


# -- 1. quantization explorer ---------------------------------------------------------------------
def _default_weights():
    rng = np.random.default_rng(0)
    # mostly small weights and a few large ones, as trained layers have
    return np.concatenate([0.08 * rng.standard_normal(3000), 0.3 * rng.standard_t(3, 60)])


SCHEMES = ("affine (zero point)", "symmetric")


@visualization(MODULE)
def quantization_explorer(weights=None, bits=4):
    """A histogram of weights with the levels of a ``bits``-bit grid drawn over
    it, and the reconstruction error against the number of bits.

    Controls: ``bits`` (2 to 8), ``scheme`` (affine with a zero point, as
    ``quantize_int8``, or symmetric), ``range %`` (the central part of the
    weights the grid covers; below 100 the outliers are clipped to its ends,
    trading clipping error for a finer step). Right: the measured RMS error
    of the reconstruction for every bit width next to the rounding-only
    prediction step / sqrt(12); the marker is the current setting.

    Arguments: ``weights`` (any array; default: a synthetic heavy-tailed
    layer), ``bits`` (initial value).

    Example::

        quantization_explorer(teacher[0].weight.detach().numpy())
    """
    from matplotlib.collections import LineCollection

    w = np.asarray(weights if weights is not None else _default_weights(), float).ravel()
    all_bits = np.arange(2, 9)
    fig = new_figure(9.0, 3.6)
    ax, ax_err = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1]})
    heights, bin_edges = np.histogram(w, bins=120, density=True)
    ax.stairs(heights, bin_edges, fill=True, color=GREY)
    top = heights.max() * 1.05
    ax.set(xlabel="weight value", ylabel="density", title="weights and the quantization grid",
           ylim=(0, top))
    levels = LineCollection([], colors=BLUE, linewidths=0.8, alpha=0.7, label="grid levels")
    ax.add_collection(levels)
    clip_lines = [ax.axvline(0, color=RED, lw=1.5, ls="--") for _ in range(2)]
    clip_lines[0].set_label("range ends")
    ax.legend(loc="upper right", fontsize=8)
    pad = 0.05 * (w.max() - w.min())
    ax.set_xlim(w.min() - pad, w.max() + pad)
    measured, = ax_err.plot([], [], "o-", color=BLUE, ms=4, label="RMS error (measured)")
    theory, = ax_err.plot([], [], "--", color=ORANGE, label="step / √12 (rounding only)")
    marker, = ax_err.plot([], [], "o", color=RED, ms=10, mfc="none", mew=2)
    ax_err.set(xlabel="bits", ylabel="RMS reconstruction error", yscale="log",
               title="error against bits")
    ax_err.set_xticks(all_bits)
    ax_err.grid(alpha=0.3)
    ax_err.legend(fontsize=8, loc="upper right")

    cache = {}

    def curve(scheme, coverage):
        key = (scheme, coverage)
        if key not in cache:
            lo, hi = _coverage_range(w, coverage)
            rows = [fake_quantize(np.clip(w, lo, hi), b, scheme == SCHEMES[1], lo, hi)
                    for b in all_bits]
            cache[key] = (lo, hi, rows,
                          np.array([np.sqrt(np.mean((r[0] - w) ** 2)) for r in rows]),
                          np.array([r[2] / np.sqrt(12) for r in rows]))
        return cache[key]

    lo0, hi0, _, err0, th0 = curve(SCHEMES[0], 100.0)
    ax_err.set_ylim(min(err0.min(), th0.min()) / 3, max(err0.max(), th0.max()) * 40)

    holder = {}

    def draw(bits, scheme, coverage):
        if "backdrop" in holder:
            holder["backdrop"].bake(None)
        lo, hi, rows, err, th = curve(scheme, coverage)
        x_hat, grid, step = rows[bits - 2]
        levels.set_segments([[(g, 0), (g, top)] for g in grid])
        lo_r, hi_r = (-max(abs(lo), abs(hi)), max(abs(lo), abs(hi))) if scheme == SCHEMES[1] \
            else (min(lo, 0), max(hi, 0))
        clip_lines[0].set_xdata([lo_r, lo_r])
        clip_lines[1].set_xdata([hi_r, hi_r])
        measured.set_data(all_bits, err)
        theory.set_data(all_bits, th)
        marker.set_data([bits], [err[bits - 2]])
        clipped = np.mean((w < lo) | (w > hi))
        max_err = np.max(np.abs(x_hat - w))
        return (f"<b>{bits} bits</b>: {len(grid)} levels, step {step:.4g}, "
                f"RMS error {err[bits - 2]:.3g} (rounding alone: {th[bits - 2]:.3g}), "
                f"max error {max_err:.3g}, {100 * clipped:.1f}% of weights clipped; "
                f"{32 / bits:.0f}x smaller than float32.")

    controls = {"bits": int_slider(int(bits), 2, 8, "bits"),
                "scheme": dropdown(list(SCHEMES), SCHEMES[0], "scheme"),
                "coverage": slider(100.0, 90.0, 100.0, 0.5, "range %", ".1f")}
    holder["backdrop"] = Backdrop(fig, [levels, *clip_lines, measured, theory, marker])
    ex = Explorer(controls, fig, draw, title="Quantization: grid, rounding and clipping")
    ex.backdrop = holder["backdrop"]
    ex.artists = {"levels": levels, "clip": clip_lines, "measured": measured, "theory": theory,
                  "marker": marker}
    ex.weights = w
    return _finish(ex)


def _finish(ex):
    """Freeze the layout, then bake the static picture again in that layout."""
    freeze_layout(ex)
    ex.backdrop.release()
    ex.update()
    return ex


def _coverage_range(w, coverage):
    if coverage >= 100.0:
        return float(w.min()), float(w.max())
    tail = (100.0 - coverage) / 2
    return float(np.percentile(w, tail)), float(np.percentile(w, 100 - tail))


# -- 2. drift monitor -----------------------------------------------------------------------------
STATS = ("PSI", "KS")


@visualization(MODULE)
def drift_monitor(psi=None, ks=None, n_windows=40, window_size=500, seed=0):
    """A monitoring dashboard: one feature arrives in windows of
    ``window_size`` values and each window is compared with a reference sample.

    Top: the reference histogram and the current window's. Bottom: the drift
    statistic (PSI, or the KS statistic) of every window so far, the alert
    threshold, and the windows that crossed it (red). Controls: ``shift``
    (how far the mean has moved by the last window), ``spread`` (factor on the
    standard deviation by then), ``onset`` (the window where drift begins),
    ``statistic``, ``threshold`` (PSI: 0.1 watch, 0.2 act; KS on these sizes:
    about 0.08 at the 1 % level) and ``window`` (now). The status line says
    ALERT or OK, and counts false alarms (alerts before the onset).

    Pass the learner's functions to watch them at work: ``psi`` =
    ``population_stability_index``, ``ks`` = ``ks_statistic``.

    Example::

        drift_monitor(psi=population_stability_index, ks=ks_statistic)
    """
    psi_fn, note_p = learner_function(psi, lambda f: f(np.arange(20.0), np.arange(20.0) + 3),
                                      _psi)
    ks_fn, note_k = learner_function(ks, lambda f: f(np.arange(5.0), np.arange(5.0) + 1), _ks)
    notes = note_p + note_k
    fig = new_figure(8.0, 5.2)
    ax_h, ax_s = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1, 1.2]})
    edges = np.linspace(-5, 7, 61)
    ref0, _, _ = drift_windows(n_windows, window_size, seed=seed)
    ref_hist = np.histogram(ref0, edges, density=True)[0]
    ax_h.stairs(ref_hist, edges, fill=True, color=GREY, alpha=0.8, label="reference")
    cur_bars = ax_h.stairs(np.zeros(len(edges) - 1), edges, fill=True, color=BLUE, alpha=0.55,
                           label="current window")
    ax_h.set(xlim=(-5, 7), ylim=(0, 0.9), xlabel="feature value", ylabel="density")
    ax_h.legend(fontsize=8, loc="upper right")
    t = np.arange(1, n_windows + 1)
    stat_line, = ax_s.plot([], [], "o-", color=BLUE, ms=3, label="statistic per window")
    alerts = ax_s.scatter([], [], color=RED, s=30, zorder=3, label="alert")
    thr_line = ax_s.axhline(0.2, color=RED, ls="--", lw=1.2, label="threshold")
    onset_line = ax_s.axvline(20, color=GREY, ls=":", lw=1.5, label="drift begins")
    ax_s.set(xlim=(0, n_windows + 1), ylim=(1e-3, 10), yscale="log", xlabel="window",
             ylabel="drift statistic")
    ax_s.grid(alpha=0.3)
    ax_s.legend(fontsize=8, loc="upper left", ncol=4)
    cache = {}

    def stats(shift, spread, onset, statistic):
        key = (round(shift, 6), round(spread, 6), onset, statistic)
        if key not in cache:
            ref, wins, _ = drift_windows(n_windows, window_size, shift=shift, spread=spread,
                                         onset=onset, seed=seed)
            fn = psi_fn if statistic == "PSI" else ks_fn
            cache[key] = (wins, np.array([float(fn(ref, win)) for win in wins]))
            if len(cache) > 64:
                cache.pop(next(iter(cache)))
        return cache[key]

    holder = {}

    def draw(shift, spread, onset, statistic, threshold, window):
        ax_s.set_ylabel(f"{statistic} per window")
        if "backdrop" in holder:
            holder["backdrop"].bake(statistic)
        wins, values = stats(shift, spread, onset, statistic)
        now = values[:window]
        heights = np.histogram(wins[window - 1], edges, density=True)[0]
        cur_bars.set_data(heights)
        shown = np.maximum(now, 1e-3)
        stat_line.set_data(t[:window], shown)
        over = now > threshold
        alerts.set_offsets(np.c_[t[:window][over], shown[over]] if over.any()
                           else np.empty((0, 2)))
        thr_line.set_ydata([threshold, threshold])
        onset_line.set_xdata([onset + 1, onset + 1])
        false_alarms = int(np.sum(over[:onset]))
        first = t[:window][over][0] if over.any() else None
        value = now[-1]
        if value > threshold:
            head = (f"<b style='color:{RED}'>ALERT</b> at window {window}: {statistic} = "
                    f"{value:.3f} &gt; {threshold:.2f}")
        else:
            head = (f"<b style='color:{GREEN}'>OK</b> at window {window}: {statistic} = "
                    f"{value:.3f} &le; {threshold:.2f}")
        detail = (f"; drift begins at window {onset + 1}"
                  + (f", first alert at window {first}" if first is not None else ", no alert yet")
                  + f", false alarms: {false_alarms}.")
        return head + detail + notes

    controls = {"shift": slider(0.5, 0.0, 2.0, 0.05, "shift"),
                "spread": slider(1.0, 0.5, 2.0, 0.05, "spread"),
                "onset": int_slider(20, 0, n_windows - 1, "onset"),
                "statistic": dropdown(list(STATS), "PSI", "statistic"),
                "threshold": slider(0.2, 0.01, 1.0, 0.01, "threshold"),
                "window": int_slider(n_windows, 1, n_windows, "window")}
    holder["backdrop"] = Backdrop(fig, [cur_bars, stat_line, alerts, thr_line, onset_line])
    ex = Explorer(controls, fig, draw, title="Drift monitor")
    ex.backdrop = holder["backdrop"]
    play = widgets.Play(value=n_windows, min=1, max=n_windows, step=1, interval=250,
                        description="play")
    widgets.jslink((play, "value"), (controls["window"], "value"))
    ex.children = (play,) + tuple(ex.children)
    ex.artists = {"bars": cur_bars, "line": stat_line, "alerts": alerts, "threshold": thr_line,
                  "onset": onset_line}
    ex.edges = edges
    ex.series = lambda shift, spread, onset, statistic: stats(shift, spread, onset, statistic)
    return _finish(ex)


# -- 3. latency against batch size ----------------------------------------------------------------
@visualization(MODULE)
def latency_vs_batch(model=None, percentiles=None, batch_sizes=BATCH_SIZES, n_runs=30):
    """Latency and throughput of ``model`` against the batch size.

    Left: milliseconds per batch (median, and p99 as a band) and per item, on
    log axes; right: throughput in items per second. The measurement runs once
    when the explorer is built (cached for the default model) and again on the
    Measure button. Controls: ``batch`` (the size highlighted) and ``budget``
    (a latency budget per batch in ms: the status names the largest batch
    that meets it at p99).

    Arguments: ``model`` (default: an untrained 64-256-256-10 MLP),
    ``percentiles`` (the learner's ``latency_percentiles``; default: built-in),
    ``batch_sizes``, ``n_runs`` (timed calls per size).

    Example::

        latency_vs_batch(student, percentiles=latency_percentiles)
    """
    import torch

    perc_fn, note = learner_function(percentiles, lambda f: f(lambda: None, 3),
                                     _builtin_percentiles)
    if model is None:
        torch.manual_seed(0)
        model = make_mlp(64, 256, 2)
        key = ("default", tuple(batch_sizes), n_runs, perc_fn is _builtin_percentiles)
    else:
        key = None
    sizes = np.array(batch_sizes, float)
    state = {}

    def measure():
        state["lat"] = measure_batch_latency(model, batch_sizes, n_runs, perc_fn)
        if key is not None:
            _LATENCY_CACHE[key] = state["lat"]

    if key is not None and key in _LATENCY_CACHE:
        state["lat"] = _LATENCY_CACHE[key]
    else:
        measure()

    fig = new_figure(9.0, 3.6)
    ax, ax_tp = fig.subplots(1, 2)
    batch_line, = ax.plot([], [], "o-", color=BLUE, ms=4, label="per batch (p50)")
    p99_line, = ax.plot([], [], "--", color=BLUE, lw=1, alpha=0.7, label="per batch (p99)")
    item_line, = ax.plot([], [], "s-", color=ORANGE, ms=4, label="per item (p50)")
    budget_line = ax.axhline(1.0, color=RED, ls=":", lw=1.5, label="budget")
    sel_b, = ax.plot([], [], "o", color=RED, ms=11, mfc="none", mew=2)
    ax.set(xscale="log", yscale="log", xlabel="batch size", ylabel="milliseconds",
           title="latency")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="upper left")
    tp_line, = ax_tp.plot([], [], "o-", color=GREEN, ms=4)
    sel_t, = ax_tp.plot([], [], "o", color=RED, ms=11, mfc="none", mew=2)
    ax_tp.set(xscale="log", yscale="log", xlabel="batch size", ylabel="items per second",
              title="throughput")
    ax_tp.grid(alpha=0.3, which="both")

    def limits():
        lat = state["lat"]
        p50 = np.array([lat[b]["p50"] for b in batch_sizes])
        p99 = np.array([lat[b]["p99"] for b in batch_sizes])
        lo = max(1e-5, min((p50 / sizes).min(), p50.min()) / 3)
        ax.set_xlim(sizes.min() / 1.5, sizes.max() * 1.5)
        ax.set_ylim(lo, max(p99.max(), 10.0) * 3)
        tp = sizes / np.maximum(p50, 1e-9) * 1e3
        ax_tp.set_xlim(sizes.min() / 1.5, sizes.max() * 1.5)
        ax_tp.set_ylim(tp.min() / 3, tp.max() * 3)

    holder = {}

    def draw(batch, budget):
        lat = state["lat"]
        if "backdrop" in holder:
            holder["backdrop"].bake(id(lat))
        p50 = np.array([lat[b]["p50"] for b in batch_sizes])
        p99 = np.array([lat[b]["p99"] for b in batch_sizes])
        batch_line.set_data(sizes, p50)
        p99_line.set_data(sizes, p99)
        item_line.set_data(sizes, p50 / sizes)
        tp = sizes / np.maximum(p50, 1e-9) * 1e3
        tp_line.set_data(sizes, tp)
        i = list(batch_sizes).index(batch)
        sel_b.set_data([batch], [p50[i]])
        sel_t.set_data([batch], [tp[i]])
        budget_line.set_ydata([budget, budget])
        ok = [b for b, v in zip(batch_sizes, p99) if v <= budget]
        fits = (f"largest batch with p99 within {budget:g} ms: <b>{max(ok)}</b>" if ok
                else f"no batch size meets a p99 of {budget:g} ms")
        return (f"batch {batch}: p50 {p50[i]:.3f} ms, p99 {p99[i]:.3f} ms per batch; "
                f"{1e3 * p50[i] / batch:.1f} µs per item; {tp[i]:,.0f} items/s. {fits}." + note)

    def remeasure():
        measure()
        limits()

    limits()
    controls = {"batch": dropdown(list(batch_sizes), 64 if 64 in batch_sizes else batch_sizes[0],
                                  "batch"),
                "budget": slider(1.0, 0.05, 20.0, 0.05, "budget (ms)")}
    holder["backdrop"] = Backdrop(fig, [batch_line, p99_line, item_line, budget_line, sel_b,
                                         tp_line, sel_t])
    ex = Explorer(controls, fig, draw, buttons={"measure": (button("Measure", "refresh"),
                                                            remeasure)},
                  title="Latency and throughput against batch size")
    ex.backdrop = holder["backdrop"]
    ex.artists = {"batch": batch_line, "p99": p99_line, "item": item_line, "budget": budget_line,
                  "throughput": tp_line, "selected": sel_b}
    ex.latency = lambda: state["lat"]
    return _finish(ex)
