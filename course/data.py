"""Every data set and split the notebooks and visualizations use, generated here or
shipped inside a package (scikit-learn's digits): nothing is downloaded.

- 2-D toy sets: ``gate``, ``linearly_separable``, ``blobs``, ``xor_blobs``, ``circles``,
  ``spirals``, ``dataset_2d``, ``separable_with_line``, ``train_test_split``;
- the digits, every split behind one call: ``digits(split, layout, tensors, scheme)``;
- sequences: ``adding_problem`` (module 10);
- module 14's tasks: ``digit_tasks``, ``scanner``, ``labelled_subset``;
- module 16's drift stream and fairness data: ``drift_windows``, ``fairness_data``.
"""
import functools
import types

import numpy as np

#: The four corners of the unit square, the inputs of every two-input gate.
GATE_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])

#: Truth tables on ``GATE_INPUTS``.
GATE_TARGETS = {
    "AND": np.array([0, 0, 0, 1]),
    "OR": np.array([0, 1, 1, 1]),
    "NAND": np.array([1, 1, 1, 0]),
    "XOR": np.array([0, 1, 1, 0]),
}


def gate(name):
    """``(X, y)`` for the logic gate ``name`` ("AND", "OR", "NAND", "XOR")."""
    key = name.upper()
    if key not in GATE_TARGETS:
        raise ValueError(f"unknown gate {name!r}; choose from {sorted(GATE_TARGETS)}")
    return GATE_INPUTS.copy(), GATE_TARGETS[key].copy()


def linearly_separable(n=60, margin=0.3, seed=0):
    """Two classes in [-2, 2]^2 split by a random line with a gap of ``margin``.

    Returns ``X`` (n, 2) and ``y`` (n,) of 0/1 labels; ``separable_with_line``
    also returns the line.
    """
    X, y, _, _ = separable_with_line(n, gap=margin, seed=seed)
    return X, y


def blobs(n=100, centers=((-1.0, -1.0), (1.0, 1.0)), std=0.6, seed=0):
    """Gaussian blobs, one class per centre; ``(X, y)``."""
    rng = np.random.default_rng(seed)
    centers = np.asarray(centers, dtype=float)
    y = np.arange(n) % len(centers)
    X = centers[y] + std * rng.standard_normal((n, centers.shape[1]))
    return X, y


def xor_blobs(n=100, std=0.25, seed=0):
    """Noisy XOR: four blobs at the square's corners, opposite corners alike."""
    rng = np.random.default_rng(seed)
    corners = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], dtype=float)
    k = np.arange(n) % 4
    X = corners[k] + std * rng.standard_normal((n, 2))
    y = np.array([0, 1, 1, 0])[k]
    return X, y


def circles(n=200, noise=0.1, factor=0.5, seed=0):
    """Two concentric rings (inner ring class 1); ``(X, y)``."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = np.where(y == 1, factor, 1.0)
    X = np.c_[radius * np.cos(angle), radius * np.sin(angle)]
    return X + noise * rng.standard_normal((n, 2)), y


def spirals(n=300, classes=3, noise=0.2, turns=1.0, seed=0):
    """Interleaved spiral arms, one class per arm (the classic three-arm spiral
    with ``classes=3``); ``X`` (n, 2) roughly in [-1, 1]^2, ``y`` (n,) ints."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    r = rng.uniform(0.05, 1.0, n)
    theta = y * 2 * np.pi / classes + turns * 4 * r + noise * rng.standard_normal(n)
    return np.c_[r * np.sin(theta), r * np.cos(theta)], y


DATASETS_2D = ("circles", "xor", "blobs", "spirals")


def dataset_2d(name, n=200, noise=0.1, seed=0):
    """One of the playground's two-class 2-D data sets by name; ``(X, y)``."""
    if name == "circles":
        return circles(n, noise=noise, seed=seed)
    if name == "xor":
        return xor_blobs(n, std=0.15 + noise, seed=seed)
    if name == "blobs":
        return blobs(n, std=0.3 + 2 * noise, seed=seed)
    if name == "spirals":
        return spirals(n, classes=2, noise=noise, seed=seed)
    raise ValueError(f"unknown data set {name!r}; choose from {DATASETS_2D}")


def train_test_split(X, y, test_frac=0.3, seed=0):
    """Shuffle once and cut: ``(X_train, y_train, X_test, y_test)``."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(X))
    cut = len(X) - int(round(test_frac * len(X)))
    tr, te = order[:cut], order[cut:]
    return X[tr], y[tr], X[te], y[te]


def separable_with_line(n=60, gap=0.3, seed=0):
    """Two linearly separable classes in [-2, 2]^2 together with a line that separates them.

    A random unit normal ``w`` and offset ``b`` define the line ``w . x + b = 0``;
    points closer to it than ``gap / 2`` are discarded, so its margin is at
    least ``gap / 2``. Returns ``X`` (n, 2), ``y`` (n,) of 0/1 (1 where
    ``X @ w + b > 0``), ``w`` (2,) and ``b`` (float).
    """
    rng = np.random.default_rng(seed)
    theta = rng.uniform(-np.pi, np.pi)
    w = np.array([np.cos(theta), np.sin(theta)])
    b = float(rng.uniform(-0.6, 0.6))
    kept = []
    while sum(len(k) for k in kept) < n:
        pts = rng.uniform(-2, 2, size=(2 * n, 2))
        kept.append(pts[np.abs(pts @ w + b) >= gap / 2])
    X = np.concatenate(kept)[:n]
    return X, (X @ w + b > 0).astype(int), w, b


#: The digits' fixed splits. ``"train/val/test"``: 60/20/20, the validation protocol of
#: module 07 (also 16); ``"train/test"``: 75/25 by ``train_test_split(test_frac=0.25,
#: seed=0)``, what modules 09 and 15 train and test on.
SCHEMES = ("train/val/test", "train/test")
LAYOUTS = ("image", "flat", "channels")


@functools.lru_cache(maxsize=1)
def _digits_raw():
    from sklearn.datasets import load_digits

    raw = load_digits()
    X = (raw.images / 16.0).astype(np.float32)
    y = raw.target.astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


@functools.lru_cache(maxsize=8)
def _digits_index(scheme, seed):
    n = len(_digits_raw()[1])
    order = np.random.default_rng(seed).permutation(n)
    if scheme == "train/val/test":
        n_val, n_test = round(n * 0.2), round(n * 0.2)
        return {"train": order[n_val + n_test:], "val": order[:n_val],
                "test": order[n_val:n_val + n_test], "all": np.arange(n)}
    cut = n - int(round(0.25 * n))
    return {"train": order[:cut], "test": order[cut:], "all": np.arange(n)}


def digits(split="all", layout="image", tensors=False, scheme="train/val/test", seed=0,
           device=None, flat=None):
    """scikit-learn's handwritten digits (shipped inside the package: no download),
    as ``(X, y)``: ``X`` float32 in [0, 1], ``y`` int64 labels 0..9.

    - ``split``: ``"all"`` (1797 images), or ``"train"``, ``"val"``, ``"test"`` of ``scheme``
      (``"train/val/test"``, 60/20/20, or ``"train/test"``, 75/25; see ``SCHEMES``),
      cut from one permutation drawn with ``seed``;
    - ``layout``: ``"image"`` (n, 8, 8), ``"flat"`` (n, 64) or ``"channels"`` (n, 1, 8, 8);
    - ``tensors=True``: torch tensors (on ``device`` if given) instead of NumPy arrays.

    Every call returns new arrays (the data and the splits are computed once).
    ``flat=True`` is the older spelling of ``layout="flat"``.

    Example::

        X, y = digits()                                          # (1797, 8, 8), (1797,)
        X_train, y_train = digits("train", layout="flat", tensors=True)   # 60 %
        X_test, y_test = digits("test", scheme="train/test")    # the 25 % of modules 09, 15
    """
    if flat is not None:
        layout = "flat" if flat else "image"
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; choose from {SCHEMES}")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose from {LAYOUTS}")
    parts = _digits_index(scheme, int(seed))
    if split not in parts:
        raise ValueError(f"unknown split {split!r} of {scheme!r}; choose from {sorted(parts)}")
    X, y = _digits_raw()
    idx = parts[split]
    X, y = X[idx], y[idx]           # fancy indexing: new arrays
    shape = {"image": (len(X), 8, 8), "flat": (len(X), 64), "channels": (len(X), 1, 8, 8)}[layout]
    X = np.ascontiguousarray(X.reshape(shape))
    if not tensors:
        return X, y
    import torch

    X, y = torch.from_numpy(X), torch.from_numpy(y)
    return (X.to(device), y.to(device)) if device is not None else (X, y)


# -- sequences ------------------------------------------------------------------------------------
def adding_problem(n, T=30, seed=0):
    """The adding problem: ``n`` sequences of ``T`` steps with two input channels.

    Channel 0 holds random values in [0, 1); channel 1 is a marker that is 1 at
    exactly two steps (one in the first half, one in the second half) and 0
    elsewhere. The target is the sum of the two marked values, so a model must
    remember a number across up to ``T`` steps while ignoring everything else.
    Predicting the mean (1.0) gives a mean squared error of about 1/6.

    Returns ``(X, y)``: float32 tensors of shapes ``(n, T, 2)`` and ``(n, 1)``.

    Example::

        X, y = adding_problem(2000, T=30, seed=0)
    """
    import torch

    rng = np.random.default_rng(seed)
    values = rng.random((n, T))
    marks = np.zeros((n, T))
    rows = np.arange(n)
    marks[rows, rng.integers(0, T // 2, n)] = 1.0
    marks[rows, rng.integers(T // 2, T, n)] = 1.0
    X = np.stack([values, marks], axis=-1).astype(np.float32)
    y = (values * marks).sum(axis=1, keepdims=True).astype(np.float32)
    return torch.from_numpy(X), torch.from_numpy(y)


# -- drift ----------------------------------------------------------------------------------------
def drift_windows(n_windows=40, window_size=500, reference_size=2000, shift=1.0, spread=1.0,
                  onset=20, seed=0):
    """A reference sample and a stream of windows of one feature.

    The reference and every window start as standard normal draws (fixed by
    ``seed``). From window ``onset`` on, drift grows linearly until the last
    window, where the mean has moved by ``shift`` and the standard deviation
    has been multiplied by ``spread``. Returns ``(reference, windows, ramp)``,
    ``windows`` of shape (n_windows, window_size), ``ramp`` (n_windows,) the
    fraction of the full drift applied to each window (0 before ``onset``).

    Example::

        ref, wins, ramp = drift_windows(shift=0.5)
    """
    base_ref, base = _drift_noise(n_windows, window_size, reference_size, seed)
    t = np.arange(n_windows)
    ramp = np.clip((t - onset + 1) / max(1, n_windows - onset), 0.0, 1.0)
    windows = base * (1 + (spread - 1) * ramp)[:, None] + (shift * ramp)[:, None]
    return base_ref, windows, ramp


_NOISE = {}


def _drift_noise(n_windows, window_size, reference_size, seed):
    key = (n_windows, window_size, reference_size, seed)
    if key not in _NOISE:
        rng = np.random.default_rng(seed)
        _NOISE[key] = (rng.standard_normal(reference_size),
                       rng.standard_normal((n_windows, window_size)))
    ref, base = _NOISE[key]
    return ref.copy(), base.copy()


# -- fairness -------------------------------------------------------------------------------------
def fairness_data(n=4000, seed=0):
    """A synthetic screening problem with two groups that differ in base rate.

    Group "A" (60 %) has 50 % positives, group "B" 30 %. A model's score is a
    noisy view of the truth, equally informative in both groups. Returns
    ``(y_true, score, group)``: ints 0/1, floats in (0, 1), strings "A"/"B".

    Example::

        y, s, g = fairness_data()
        y_pred = (s > 0.5).astype(int)
    """
    rng = np.random.default_rng(seed)
    group = np.where(rng.random(n) < 0.6, "A", "B")
    base = np.where(group == "A", 0.5, 0.3)
    y = (rng.random(n) < base).astype(int)
    logit = 2.2 * (y - 0.5) + rng.standard_normal(n)
    return y, 1 / (1 + np.exp(-logit)), group


SCANNERS = ("blurred", "shifted")


# -- module 14: a source task and a target task seen through two scanners ---------------------
def _neighbours(images):
    """The image and its four neighbours shifted in, zeros outside: (centre, up, down, left, right)."""
    p = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    return p[:, 1:9, 1:9], p[:, 0:8, 1:9], p[:, 2:10, 1:9], p[:, 1:9, 0:8], p[:, 1:9, 2:10]


def scanner(images, kind="blurred"):
    """What a scanner does to clean (n, 8, 8) images in [0, 1]; returns float32 (n, 8, 8).

    ``"blurred"``: a small blur (half the pixel, an eighth of each neighbour), contrast halved and
    a grey background of 0.25. ``"shifted"``: strokes one pixel thicker (a maximum over the pixel and
    its upper and left neighbours) and the whole image moved one pixel to the right.
    """
    images = np.asarray(images, np.float32)
    c, up, down, left, right = _neighbours(images)
    if kind == "blurred":
        return (0.5 * (0.5 * c + 0.125 * (up + down + left + right)) + 0.25).astype(np.float32)
    if kind == "shifted":
        thick = np.maximum(np.maximum(c, up), left)
        return np.pad(thick, ((0, 0), (0, 0), (1, 0)))[:, :, :8].astype(np.float32)
    raise ValueError(f"unknown scanner {kind!r}; choose from {SCANNERS}")


@functools.lru_cache(maxsize=2)
def digit_tasks(seed=0):
    """The source and target tasks: flat 64-pixel float32 images, labels 0..9.

    Half the digits (shuffled with ``seed``) are the source: ``Xs_train, ys_train, Xs_test,
    ys_test`` (70/30), clean. The other half are the target, seen through each scanner: for
    ``kind`` in ``SCANNERS``, ``pool[kind]`` and ``test[kind]`` are ``(X, y)`` pairs (60/40); the
    same digits go through both scanners. All arrays are read-only (cached and shared).

    >>> t = digit_tasks(); t.Xs_train.shape[1], t.test["blurred"][0].shape[1]
    (64, 64)
    """
    X, y = digits()
    order = np.random.default_rng(seed).permutation(len(X))
    src, tgt = order[:len(X) // 2], order[len(X) // 2:]
    cut_s, cut_t = int(0.7 * len(src)), int(0.6 * len(tgt))
    flat = lambda a: np.ascontiguousarray(a.reshape(len(a), -1))      # noqa: E731
    ns = types.SimpleNamespace(
        Xs_train=flat(X[src[:cut_s]]), ys_train=y[src[:cut_s]],
        Xs_test=flat(X[src[cut_s:]]), ys_test=y[src[cut_s:]], pool={}, test={})
    for kind in SCANNERS:
        scanned = flat(scanner(X[tgt], kind))
        ns.pool[kind] = (scanned[:cut_t], y[tgt[:cut_t]])
        ns.test[kind] = (scanned[cut_t:], y[tgt[cut_t:]])
    for arr in [ns.Xs_train, ns.ys_train, ns.Xs_test, ns.ys_test,
                *[a for d in (ns.pool, ns.test) for pair in d.values() for a in pair]]:
        arr.setflags(write=False)
    return ns


def labelled_subset(n_per_class, seed, kind="blurred"):
    """``(X, y)``: ``n_per_class`` labelled target examples of each digit, drawn with ``seed``."""
    Xp, yp = digit_tasks().pool[kind]
    rng = np.random.default_rng(1000 + seed)
    idx = np.concatenate([rng.choice(np.flatnonzero(yp == c), n_per_class, replace=False)
                          for c in range(10)])
    return Xp[idx], yp[idx]
