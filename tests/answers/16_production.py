"""Known answers for 16_production: mistakes that must fail, alternatives that must pass."""

WRONG = {  # exercise -> {description of the mistake: source code that defines the name}
    "quantize_int8": {
        "symmetric scheme: scale = max|x| / 127 and zero point 0": '''
import numpy as np
def quantize_int8(x):
    scale = float(np.abs(x).max()) / 127 or 1.0
    q = np.clip(np.round(x / scale), -127, 127).astype(np.int8)
    return q, scale, 0
''',
        "range not stretched to include 0": '''
import numpy as np
def quantize_int8(x):
    lo, hi = float(x.min()), float(x.max())
    scale = (hi - lo) / 255 or 1.0
    zero_point = int(np.round(-128 - lo / scale))
    q = np.clip(np.round(x / scale) + zero_point, -128, 127).astype(np.int8)
    return q, scale, zero_point
''',
        "truncates with astype instead of rounding": '''
import numpy as np
def quantize_int8(x):
    lo, hi = min(x.min(), 0.0), max(x.max(), 0.0)
    scale = (hi - lo) / 255 or 1.0
    zero_point = int(np.round(-128 - lo / scale))
    q = np.clip(x / scale + zero_point, -128, 127).astype(np.int8)
    return q, float(scale), zero_point
''',
        "divides the range by 256 levels instead of 255 steps": '''
import numpy as np
def quantize_int8(x):
    lo, hi = min(x.min(), 0.0), max(x.max(), 0.0)
    scale = (hi - lo) / 256 or 1.0
    zero_point = int(np.round(-128 - lo / scale))
    q = np.clip(np.round(x / scale) + zero_point, -128, 127).astype(np.int8)
    return q, float(scale), zero_point
''',
        "no guard for an all-zero input (0 / 0)": '''
import numpy as np
def quantize_int8(x):
    lo, hi = np.minimum(x.min(), 0.0), np.maximum(x.max(), 0.0)
    scale = (hi - lo) / 255
    zero_point = int(np.nan_to_num(np.round(-128 - lo / scale)))
    q = np.clip(np.nan_to_num(np.round(x / scale)) + zero_point, -128, 127).astype(np.int8)
    return q, float(scale), zero_point
''',
        "rounds halves up with floor(x + 0.5)": '''
import numpy as np
def quantize_int8(x):
    lo, hi = min(x.min(), 0.0), max(x.max(), 0.0)
    scale = (hi - lo) / 255 or 1.0
    zero_point = int(np.floor(-128 - lo / scale + 0.5))
    q = np.clip(np.floor(x / scale + 0.5) + zero_point, -128, 127).astype(np.int8)
    return q, float(scale), zero_point
''',
    },
    "dequantize": {
        "subtracts in int8, which wraps around": '''
import numpy as np
def dequantize(q, scale, zero_point):
    return (q - np.int8(zero_point)).astype(np.float64) * scale
''',
        "forgets the parentheses: q * scale - zero_point": '''
import numpy as np
def dequantize(q, scale, zero_point):
    return q.astype(np.float64) * scale - zero_point
''',
        "adds the zero point": '''
import numpy as np
def dequantize(q, scale, zero_point):
    return (q.astype(np.float64) + zero_point) * scale
''',
        "returns float32": '''
import numpy as np
def dequantize(q, scale, zero_point):
    return (q.astype(np.float32) - zero_point) * np.float32(scale)
''',
    },
    "magnitude_prune": {
        "ranks by signed value, pruning the most negative weights": '''
import numpy as np
def magnitude_prune(W, sparsity):
    k = round(sparsity * W.size)
    mask = np.ones(W.size, dtype=bool)
    mask[np.argsort(W, axis=None, kind="stable")[:k]] = False
    mask = mask.reshape(W.shape)
    return np.where(mask, W, 0.0), mask
''',
        "int() truncates the count instead of round()": '''
import numpy as np
def magnitude_prune(W, sparsity):
    k = int(sparsity * W.size)
    mask = np.ones(W.size, dtype=bool)
    mask[np.argsort(np.abs(W), axis=None, kind="stable")[:k]] = False
    mask = mask.reshape(W.shape)
    return np.where(mask, W, 0.0), mask
''',
        "threshold at a quantile: ties at the threshold are all pruned": '''
import numpy as np
def magnitude_prune(W, sparsity):
    mask = np.abs(W) > np.quantile(np.abs(W), sparsity)
    if sparsity == 0:
        mask = np.ones(W.shape, dtype=bool)
    return np.where(mask, W, 0.0), mask
''',
        "mask is True where pruned": '''
import numpy as np
def magnitude_prune(W, sparsity):
    k = round(sparsity * W.size)
    pruned = np.zeros(W.size, dtype=bool)
    pruned[np.argsort(np.abs(W), axis=None, kind="stable")[:k]] = True
    pruned = pruned.reshape(W.shape)
    return np.where(pruned, 0.0, W), pruned
''',
        "zeroes the weights in place, modifying W": '''
import numpy as np
def magnitude_prune(W, sparsity):
    k = round(sparsity * W.size)
    flat = W.reshape(-1)
    idx = np.argsort(np.abs(flat), kind="stable")[:k]
    flat[idx] = 0.0
    mask = np.ones(W.size, dtype=bool)
    mask[idx] = False
    return W, mask.reshape(W.shape)
''',
        "prunes the largest weights": '''
import numpy as np
def magnitude_prune(W, sparsity):
    k = round(sparsity * W.size)
    mask = np.ones(W.size, dtype=bool)
    mask[np.argsort(-np.abs(W), axis=None, kind="stable")[:k]] = False
    mask = mask.reshape(W.shape)
    return np.where(mask, W, 0.0), mask
''',
        "prunes each row separately": '''
import numpy as np
def magnitude_prune(W, sparsity):
    W2 = np.atleast_2d(W).reshape(-1, W.shape[-1]) if W.ndim else W.reshape(1, 1)
    k = round(sparsity * W2.shape[1])
    order = np.argsort(np.abs(W2), axis=1, kind="stable")[:, :k]
    mask = np.ones(W2.shape, dtype=bool)
    np.put_along_axis(mask, order, False, axis=1)
    mask = mask.reshape(W.shape)
    return np.where(mask, W, 0.0), mask
''',
    },
    "distillation_loss": {
        "forgets the T^2 factor": '''
import torch.nn.functional as F
def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5):
    kl = F.kl_div(F.log_softmax(student_logits / T, 1), F.log_softmax(teacher_logits.detach() / T, 1),
                  reduction="batchmean", log_target=True)
    return alpha * kl + (1 - alpha) * F.cross_entropy(student_logits, labels)
''',
        "KL in the wrong direction: KL(student || teacher)": '''
import torch.nn.functional as F
def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5):
    kl = F.kl_div(F.log_softmax(teacher_logits.detach() / T, 1), F.log_softmax(student_logits / T, 1),
                  reduction="batchmean", log_target=True)
    return alpha * T * T * kl + (1 - alpha) * F.cross_entropy(student_logits, labels)
''',
        "reduction='mean' divides by batch x classes": '''
import torch.nn.functional as F
def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5):
    kl = F.kl_div(F.log_softmax(student_logits / T, 1), F.log_softmax(teacher_logits.detach() / T, 1),
                  reduction="mean", log_target=True)
    return alpha * T * T * kl + (1 - alpha) * F.cross_entropy(student_logits, labels)
''',
        "cross-entropy on the softened logits": '''
import torch.nn.functional as F
def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5):
    kl = F.kl_div(F.log_softmax(student_logits / T, 1), F.log_softmax(teacher_logits.detach() / T, 1),
                  reduction="batchmean", log_target=True)
    return alpha * T * T * kl + (1 - alpha) * F.cross_entropy(student_logits / T, labels)
''',
        "alpha and 1 - alpha swapped": '''
import torch.nn.functional as F
def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5):
    kl = F.kl_div(F.log_softmax(student_logits / T, 1), F.log_softmax(teacher_logits.detach() / T, 1),
                  reduction="batchmean", log_target=True)
    return (1 - alpha) * T * T * kl + alpha * F.cross_entropy(student_logits, labels)
''',
        "no detach: gradient flows into the teacher": '''
import torch.nn.functional as F
def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5):
    kl = F.kl_div(F.log_softmax(student_logits / T, 1), F.log_softmax(teacher_logits / T, 1),
                  reduction="batchmean", log_target=True)
    return alpha * T * T * kl + (1 - alpha) * F.cross_entropy(student_logits, labels)
''',
        "log of softmax: -inf and NaN for confident logits": '''
import torch
import torch.nn.functional as F
def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5):
    p = F.softmax(teacher_logits.detach() / T, 1)
    q = F.softmax(student_logits / T, 1)
    kl = (p * (torch.log(p) - torch.log(q))).sum(1).mean()
    return alpha * T * T * kl + (1 - alpha) * F.cross_entropy(student_logits, labels)
''',
        "default temperature 1": '''
import torch.nn.functional as F
def distillation_loss(student_logits, teacher_logits, labels, T=1.0, alpha=0.5):
    kl = F.kl_div(F.log_softmax(student_logits / T, 1), F.log_softmax(teacher_logits.detach() / T, 1),
                  reduction="batchmean", log_target=True)
    return alpha * T * T * kl + (1 - alpha) * F.cross_entropy(student_logits, labels)
''',
    },
    "export_onnx": {
        "forgets to return the path": '''
import warnings
import torch
def export_onnx(model, example_input, path):
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (example_input,), path, dynamo=False, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
''',
        "no dynamic batch axis: only the example's batch size works": '''
import warnings
import torch
def export_onnx(model, example_input, path):
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (example_input,), path, dynamo=False, input_names=["input"],
                          output_names=["logits"])
    return path
''',
        "input named x instead of input": '''
import warnings
import torch
def export_onnx(model, example_input, path):
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (example_input,), path, dynamo=False, input_names=["x"],
                          output_names=["logits"], dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})
    return path
''',
        "output left unnamed": '''
import warnings
import torch
def export_onnx(model, example_input, path):
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (example_input,), path, dynamo=False, input_names=["input"],
                          dynamic_axes={"input": {0: "batch"}})
    return path
''',
    },
    "batched_predict": {
        "forgets model.eval(): dropout stays on": '''
import torch
def batched_predict(model, X, batch_size):
    with torch.no_grad():
        return torch.cat([model(X[i:i + batch_size]) for i in range(0, len(X), batch_size)])
''',
        "forgets torch.no_grad()": '''
import torch
def batched_predict(model, X, batch_size):
    model.eval()
    return torch.cat([model(X[i:i + batch_size]) for i in range(0, len(X), batch_size)])
''',
        "drops the last partial batch": '''
import torch
def batched_predict(model, X, batch_size):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(X[i:i + batch_size]) for i in range(0, len(X) - batch_size + 1, batch_size)])
''',
        "ignores batch_size: one call on everything": '''
import torch
def batched_predict(model, X, batch_size):
    model.eval()
    with torch.no_grad():
        return model(X)
''',
    },
    "latency_percentiles": {
        "reports seconds instead of milliseconds": '''
import time
import numpy as np
def latency_percentiles(fn, n_runs):
    times = []
    for _ in range(n_runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    p50, p90, p99 = np.percentile(times, [50, 90, 99])
    return {"p50": float(p50), "p90": float(p90), "p99": float(p99)}
''',
        "indexes the unsorted times": '''
import time
def latency_percentiles(fn, n_runs):
    times = []
    for _ in range(n_runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    pick = lambda q: float(times[min(n_runs - 1, int(q / 100 * n_runs))])
    return {"p50": pick(50), "p90": pick(90), "p99": pick(99)}
''',
        "times the whole loop once and divides": '''
import time
def latency_percentiles(fn, n_runs):
    start = time.perf_counter()
    for _ in range(n_runs):
        fn()
    mean = (time.perf_counter() - start) * 1000 / n_runs
    return {"p50": mean, "p90": mean, "p99": mean}
''',
        "an extra warm-up call": '''
import time
import numpy as np
def latency_percentiles(fn, n_runs):
    fn()
    times = []
    for _ in range(n_runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    p50, p90, p99 = np.percentile(times, [50, 90, 99])
    return {"p50": float(p50), "p90": float(p90), "p99": float(p99)}
''',
        "mean and standard deviations instead of percentiles": '''
import time
import numpy as np
def latency_percentiles(fn, n_runs):
    times = []
    for _ in range(n_runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    m, s = float(np.mean(times)), float(np.std(times))
    return {"p50": m, "p90": m + 1.28 * s, "p99": m + 2.33 * s}
''',
    },
    "LRUCache": {
        "get does not refresh recency (FIFO eviction)": '''
from collections import OrderedDict
class LRUCache:
    def __init__(self, capacity):
        self.capacity, self.items = capacity, OrderedDict()
    def get(self, key):
        return self.items.get(key)
    def put(self, key, value):
        self.items[key] = value
        self.items.move_to_end(key)
        if len(self.items) > self.capacity:
            self.items.popitem(last=False)
''',
        "updating a key does not refresh its recency": '''
from collections import OrderedDict
class LRUCache:
    def __init__(self, capacity):
        self.capacity, self.items = capacity, OrderedDict()
    def get(self, key):
        if key not in self.items:
            return None
        self.items.move_to_end(key)
        return self.items[key]
    def put(self, key, value):
        self.items[key] = value
        if len(self.items) > self.capacity:
            self.items.popitem(last=False)
''',
        "evicts before inserting, even when the key is already there": '''
from collections import OrderedDict
class LRUCache:
    def __init__(self, capacity):
        self.capacity, self.items = capacity, OrderedDict()
    def get(self, key):
        if key not in self.items:
            return None
        self.items.move_to_end(key)
        return self.items[key]
    def put(self, key, value):
        if len(self.items) >= self.capacity and self.items:
            self.items.popitem(last=False)
        self.items[key] = value
        self.items.move_to_end(key)
''',
        "evicts the most recently used item": '''
from collections import OrderedDict
class LRUCache:
    def __init__(self, capacity):
        self.capacity, self.items = capacity, OrderedDict()
    def get(self, key):
        if key not in self.items:
            return None
        self.items.move_to_end(key)
        return self.items[key]
    def put(self, key, value):
        if key not in self.items and len(self.items) >= self.capacity and self.items:
            self.items.popitem(last=True)
        if self.capacity > 0:
            self.items[key] = value
            self.items.move_to_end(key)
''',
        "keeps capacity + 1 items": '''
from collections import OrderedDict
class LRUCache:
    def __init__(self, capacity):
        self.capacity, self.items = capacity, OrderedDict()
    def get(self, key):
        if key not in self.items:
            return None
        self.items.move_to_end(key)
        return self.items[key]
    def put(self, key, value):
        self.items[key] = value
        self.items.move_to_end(key)
        if len(self.items) > self.capacity + 1:
            self.items.popitem(last=False)
''',
    },
    "population_stability_index": {
        "no floor for empty bins": '''
import numpy as np
def population_stability_index(expected, actual, bins=10):
    edges = np.concatenate([[-np.inf], np.quantile(expected, np.arange(1, bins) / bins), [np.inf]])
    p = np.histogram(expected, edges)[0] / len(expected)
    r = np.histogram(actual, edges)[0] / len(actual)
    return float(np.nansum((r - p) * np.log(r / p)))
''',
        "equal-width bins instead of quantile bins": '''
import numpy as np
def population_stability_index(expected, actual, bins=10):
    inner = np.linspace(expected.min(), expected.max(), bins + 1)[1:-1]
    edges = np.concatenate([[-np.inf], inner, [np.inf]])
    p = np.maximum(np.histogram(expected, edges)[0] / len(expected), 1e-4)
    r = np.maximum(np.histogram(actual, edges)[0] / len(actual), 1e-4)
    return float(np.sum((r - p) * np.log(r / p)))
''',
        "outer edges at min and max of expected: values outside are dropped": '''
import numpy as np
def population_stability_index(expected, actual, bins=10):
    edges = np.quantile(expected, np.linspace(0, 1, bins + 1))
    p = np.maximum(np.histogram(expected, edges)[0] / len(expected), 1e-4)
    r = np.maximum(np.histogram(actual, edges)[0] / len(actual), 1e-4)
    return float(np.sum((r - p) * np.log(r / p)))
''',
        "KL divergence only, without the (r - p) symmetrization": '''
import numpy as np
def population_stability_index(expected, actual, bins=10):
    edges = np.concatenate([[-np.inf], np.quantile(expected, np.arange(1, bins) / bins), [np.inf]])
    p = np.maximum(np.histogram(expected, edges)[0] / len(expected), 1e-4)
    r = np.maximum(np.histogram(actual, edges)[0] / len(actual), 1e-4)
    return float(np.sum(r * np.log(r / p)))
''',
        "bins taken from the actual sample": '''
import numpy as np
def population_stability_index(expected, actual, bins=10):
    edges = np.concatenate([[-np.inf], np.quantile(actual, np.arange(1, bins) / bins), [np.inf]])
    p = np.maximum(np.histogram(expected, edges)[0] / len(expected), 1e-4)
    r = np.maximum(np.histogram(actual, edges)[0] / len(actual), 1e-4)
    return float(np.sum((r - p) * np.log(r / p)))
''',
    },
    "ks_statistic": {
        "largest gap between the sorted samples (in x, not in probability)": '''
import numpy as np
def ks_statistic(a, b):
    n = min(len(a), len(b))
    return float(np.max(np.abs(np.sort(a)[:n] - np.sort(b)[:n])))
''',
        "evaluates the CDFs only at the values of a": '''
import numpy as np
def ks_statistic(a, b):
    a, b = np.sort(a), np.sort(b)
    F_a = np.searchsorted(a, a, side="right") / len(a)
    F_b = np.searchsorted(b, a, side="right") / len(b)
    return float(np.max(np.abs(F_a - F_b)))
''',
        "signed difference: misses b above a": '''
import numpy as np
def ks_statistic(a, b):
    a, b = np.sort(a), np.sort(b)
    points = np.concatenate([a, b])
    F_a = np.searchsorted(a, points, side="right") / len(a)
    F_b = np.searchsorted(b, points, side="right") / len(b)
    return float(max(np.max(F_a - F_b), 0.0))
''',
        "mean gap instead of the largest": '''
import numpy as np
def ks_statistic(a, b):
    a, b = np.sort(a), np.sort(b)
    points = np.concatenate([a, b])
    F_a = np.searchsorted(a, points, side="right") / len(a)
    F_b = np.searchsorted(b, points, side="right") / len(b)
    return float(np.mean(np.abs(F_a - F_b)))
''',
    },
    "detect_drift": {
        "uses >= so a PSI equal to the threshold is drift": '''
import numpy as np
def detect_drift(reference, current, threshold):
    psi = [population_stability_index(reference[:, j], current[:, j]) for j in range(reference.shape[1])]
    return np.array(psi) >= threshold
''',
        "arguments of the PSI swapped": '''
import numpy as np
def detect_drift(reference, current, threshold):
    psi = [population_stability_index(current[:, j], reference[:, j]) for j in range(reference.shape[1])]
    return np.array(psi) > threshold
''',
        "loops over rows instead of columns": '''
import numpy as np
def detect_drift(reference, current, threshold):
    d = reference.shape[1]
    psi = [population_stability_index(reference[j], current[j]) for j in range(d)]
    return np.array(psi) > threshold
''',
        "one boolean for all features": '''
import numpy as np
def detect_drift(reference, current, threshold):
    psi = [population_stability_index(reference[:, j], current[:, j]) for j in range(reference.shape[1])]
    return bool(np.any(np.array(psi) > threshold))
''',
    },
    "demographic_parity_difference": {
        "assumes exactly two groups, the first two found": '''
import numpy as np
def demographic_parity_difference(y_pred, group):
    g = np.unique(group)
    return float(abs(y_pred[group == g[0]].mean() - y_pred[group == g[-1]].mean()))
''',
        "counts of positives instead of rates": '''
import numpy as np
def demographic_parity_difference(y_pred, group):
    counts = [y_pred[group == g].sum() / len(y_pred) for g in np.unique(group)]
    return float(max(counts) - min(counts))
''',
        "largest gap to the overall rate": '''
import numpy as np
def demographic_parity_difference(y_pred, group):
    overall = y_pred.mean()
    return float(max(abs(y_pred[group == g].mean() - overall) for g in np.unique(group)))
''',
        "ratio min / max (disparate impact) instead of a difference": '''
import numpy as np
def demographic_parity_difference(y_pred, group):
    rates = [y_pred[group == g].mean() for g in np.unique(group)]
    return float(1 - min(rates) / max(rates)) if max(rates) > 0 else 0.0
''',
    },
    "equal_opportunity_difference": {
        "ignores y_true: demographic parity": '''
import numpy as np
def equal_opportunity_difference(y_true, y_pred, group):
    rates = [y_pred[group == g].mean() for g in np.unique(group)]
    return float(max(rates) - min(rates))
''',
        "false positive rate instead of true positive rate": '''
import numpy as np
def equal_opportunity_difference(y_true, y_pred, group):
    rates = [y_pred[(group == g) & (y_true == 0)].mean() for g in np.unique(group)
             if np.any((group == g) & (y_true == 0))]
    return float(max(rates) - min(rates)) if len(rates) > 1 else 0.0
''',
        "precision instead of recall": '''
import numpy as np
def equal_opportunity_difference(y_true, y_pred, group):
    rates = [y_true[(group == g) & (y_pred == 1)].mean() for g in np.unique(group)
             if np.any((group == g) & (y_pred == 1))]
    return float(max(rates) - min(rates)) if len(rates) > 1 else 0.0
''',
        "does not skip groups without positives (NaN and a warning)": '''
import numpy as np
def equal_opportunity_difference(y_true, y_pred, group):
    rates = np.array([y_pred[(group == g) & (y_true == 1)].mean() for g in np.unique(group)])
    return float(np.nanmax(rates) - np.nanmin(rates))
''',
    },
}

RIGHT = {  # exercise -> {description: a correct implementation written differently}
    "quantize_int8": {
        "all-zero case handled separately, NumPy scalars": '''
import numpy as np
def quantize_int8(x):
    x = np.asarray(x, dtype=float)
    lo, hi = np.minimum(x.min(), 0), np.maximum(x.max(), 0)
    if hi == lo:
        return np.full(x.shape, -128, dtype=np.int8), 1.0, -128
    scale = float((hi - lo) / 255)
    zero_point = int(np.round(-128 - lo / scale))
    q = np.round(x / scale) + zero_point
    return np.clip(q, -128, 127).astype(np.int8), scale, zero_point
''',
    },
    "dequantize": {
        "widen to int64 first": '''
import numpy as np
def dequantize(q, scale, zero_point):
    return (np.asarray(q).astype(np.int64) - zero_point) * float(scale)
''',
    },
    "magnitude_prune": {
        "keep the largest: argsort of -|W|, mask by multiplication": '''
import numpy as np
def magnitude_prune(W, sparsity):
    n_prune = int(round(sparsity * W.size))
    keep = np.argsort(-np.abs(W).ravel(), kind="stable")[:W.size - n_prune]
    mask = np.zeros(W.size, dtype=bool)
    mask[keep] = True
    mask = mask.reshape(W.shape)
    return W * mask, mask
''',
    },
    "distillation_loss": {
        "F.kl_div on probabilities, teacher detached": '''
import torch.nn.functional as F
def distillation_loss(student_logits, teacher_logits, labels, T=4.0, alpha=0.5):
    p = F.softmax(teacher_logits.detach() / T, dim=-1)
    kl = F.kl_div(F.log_softmax(student_logits / T, dim=-1), p, reduction="batchmean")
    ce = F.cross_entropy(student_logits, labels)
    return alpha * (T ** 2) * kl + (1.0 - alpha) * ce
''',
    },
    "export_onnx": {
        "dynamic axes on input only, explicit opset, training mode restored": '''
import warnings
import torch
def export_onnx(model, example_input, path):
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(model, example_input, path, dynamo=False, opset_version=17,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "n"}, "logits": {0: "n"}})
    return path
''',
    },
    "batched_predict": {
        "torch.split under inference_mode": '''
import torch
def batched_predict(model, X, batch_size):
    model.train(False)
    with torch.inference_mode():
        outs = [model(chunk) for chunk in torch.split(X, batch_size)]
    return torch.cat(outs, dim=0)
''',
    },
    "latency_percentiles": {
        "nearest-rank percentiles on sorted times, perf_counter_ns": '''
import math
import time
def latency_percentiles(fn, n_runs):
    times = []
    for _ in range(n_runs):
        t0 = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - t0) / 1e6)
    times.sort()
    rank = lambda q: times[max(0, math.ceil(q / 100 * n_runs) - 1)]
    return {"p50": float(rank(50)), "p90": float(rank(90)), "p99": float(rank(99))}
''',
    },
    "LRUCache": {
        "plain dict: delete and re-insert to move a key to the end": '''
class LRUCache:
    def __init__(self, capacity):
        self.capacity = capacity
        self.d = {}
    def get(self, key):
        if key not in self.d:
            return None
        value = self.d.pop(key)
        self.d[key] = value
        return value
    def put(self, key, value):
        self.d.pop(key, None)
        self.d[key] = value
        while len(self.d) > self.capacity:
            del self.d[next(iter(self.d))]
''',
    },
    "population_stability_index": {
        "searchsorted bin indices and bincount": '''
import numpy as np
def population_stability_index(expected, actual, bins=10):
    cuts = np.quantile(expected, np.arange(1, bins) / bins)
    p = np.bincount(np.searchsorted(cuts, expected, side="right"), minlength=bins) / len(expected)
    r = np.bincount(np.searchsorted(cuts, actual, side="right"), minlength=bins) / len(actual)
    p, r = np.clip(p, 1e-4, None), np.clip(r, 1e-4, None)
    return float(((r - p) * (np.log(r) - np.log(p))).sum())
''',
    },
    "ks_statistic": {
        "walk both sorted samples with a merge": '''
import numpy as np
def ks_statistic(a, b):
    a, b = np.sort(a), np.sort(b)
    i = j = 0
    best = 0.0
    while i < len(a) and j < len(b):
        x = min(a[i], b[j])
        while i < len(a) and a[i] == x:
            i += 1
        while j < len(b) and b[j] == x:
            j += 1
        best = max(best, abs(i / len(a) - j / len(b)))
    return float(best)
''',
    },
    "detect_drift": {
        "vectorised over the transposed arrays": '''
import numpy as np
def detect_drift(reference, current, threshold):
    return np.array([population_stability_index(r, c) > threshold for r, c in zip(reference.T, current.T)], dtype=bool)
''',
    },
    "demographic_parity_difference": {
        "dictionary of rates": '''
import numpy as np
def demographic_parity_difference(y_pred, group):
    rates = {}
    for g in set(group.tolist()):
        rates[g] = float(np.mean(y_pred[group == g]))
    return max(rates.values()) - min(rates.values())
''',
    },
    "equal_opportunity_difference": {
        "filter the positives first": '''
import numpy as np
def equal_opportunity_difference(y_true, y_pred, group):
    pos = y_true == 1
    yp, gp = y_pred[pos], group[pos]
    tprs = [yp[gp == g].mean() for g in np.unique(gp)]
    return float(np.ptp(tprs)) if len(tprs) > 1 else 0.0
''',
    },
}

# Additions (second turn): the integer matrix product.
_INT8_RIGHT = '''
import numpy as np
def int8_matmul(qa, a_scale, a_zp, qb, b_scale, b_zp):
    a = qa.astype(np.int32)
    b = qb.astype(np.int32)
    K = a.shape[1]
    acc = (a @ b - int(b_zp) * a.sum(axis=1, keepdims=True) - int(a_zp) * b.sum(axis=0, keepdims=True)
           + K * int(a_zp) * int(b_zp))
    return (a_scale * b_scale) * acc.astype(np.float64)
'''
WRONG["int8_matmul"] = {
    "subtracts the zero points in int8, then widens (wrap-around)": '''
import numpy as np
def int8_matmul(qa, a_scale, a_zp, qb, b_scale, b_zp):
    a = (qa - a_zp).astype(np.int32)
    b = (qb - b_zp).astype(np.int32)
    return a_scale * b_scale * (a @ b).astype(np.float64)
''',
    "accumulates in int16": '''
import numpy as np
def int8_matmul(qa, a_scale, a_zp, qb, b_scale, b_zp):
    a = qa.astype(np.int16) - np.int16(a_zp)
    b = qb.astype(np.int16) - np.int16(b_zp)
    return a_scale * b_scale * (a @ b).astype(np.float64)
''',
    "computes in float32": '''
import numpy as np
def int8_matmul(qa, a_scale, a_zp, qb, b_scale, b_zp):
    a = np.float32(a_scale) * (qa.astype(np.float32) - np.float32(a_zp))
    b = np.float32(b_scale) * (qb.astype(np.float32) - np.float32(b_zp))
    return (a @ b).astype(np.float64)
''',
    "forgets the zero points": '''
import numpy as np
def int8_matmul(qa, a_scale, a_zp, qb, b_scale, b_zp):
    return a_scale * b_scale * (qa.astype(np.int32) @ qb.astype(np.int32)).astype(np.float64)
''',
    "adds the zero points": '''
import numpy as np
def int8_matmul(qa, a_scale, a_zp, qb, b_scale, b_zp):
    a = qa.astype(np.int32) + a_zp
    b = qb.astype(np.int32) + b_zp
    return a_scale * b_scale * (a @ b).astype(np.float64)
''',
    "only one scale": '''
import numpy as np
def int8_matmul(qa, a_scale, a_zp, qb, b_scale, b_zp):
    a = qa.astype(np.int32) - a_zp
    b = qb.astype(np.int32) - b_zp
    return a_scale * (a @ b).astype(np.float64)
''',
    "returns the int32 accumulator": '''
import numpy as np
def int8_matmul(qa, a_scale, a_zp, qb, b_scale, b_zp):
    a = qa.astype(np.int32) - a_zp
    b = qb.astype(np.int32) - b_zp
    return a @ b
''',
}
RIGHT["int8_matmul"] = {
    "expanded product with precomputed row and column sums": _INT8_RIGHT,
}
