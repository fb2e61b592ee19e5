"""Small data sets the notebooks use, generated here or shipped inside a
package (scikit-learn's digits): nothing is downloaded."""
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


def digits(flat=False):
    """scikit-learn's handwritten digits (shipped inside the package: no download).

    Returns ``X`` float32 in [0, 1], shape (1797, 8, 8) (or (1797, 64) with
    ``flat=True``), and ``y`` int64 labels 0..9.
    """
    from sklearn.datasets import load_digits

    raw = load_digits()
    X = (raw.images / 16.0).astype(np.float32)
    return (X.reshape(len(X), -1) if flat else X), raw.target.astype(np.int64)
