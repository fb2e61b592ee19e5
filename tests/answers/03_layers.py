"""Known answers for 03_layers: mistakes that must fail, alternatives that must pass."""

WRONG = {
    "dense_forward": {
        "multiplies by W transposed (X @ W.T)": '''
import numpy as np
def dense_forward(X, W, b):
    return X @ W.T + b
''',
        "forgets the bias": '''
import numpy as np
def dense_forward(X, W, b):
    return X @ W
''',
        "subtracts the bias": '''
import numpy as np
def dense_forward(X, W, b):
    return X @ W - b
''',
        "adds the bias as a column (b[:, None]), one bias per example": '''
import numpy as np
def dense_forward(X, W, b):
    return X @ W + b[:, None]
''',
        "broadcast product summed over the output axis instead of the input axis": '''
import numpy as np
def dense_forward(X, W, b):
    return (X[:, :, None] * W[None, :, :]).sum(axis=2) + b
''',
        "casts the result to float32": '''
import numpy as np
def dense_forward(X, W, b):
    return (X @ W + b).astype(np.float32)
''',
    },
    "mlp_forward": {
        "flattens the input (works only for one example)": '''
import numpy as np
def mlp_forward(X, params, activation=relu):
    a = np.ravel(X)
    for l, (W, b) in enumerate(params):
        a = a @ W + b
        if l < len(params) - 1:
            a = activation(a)
    return a[None, :]
''',
        "applies the activation after the last layer too": '''
import numpy as np
def mlp_forward(X, params, activation=relu):
    a = X
    for W, b in params:
        a = activation(a @ W + b)
    return a
''',
        "never applies the activation": '''
import numpy as np
def mlp_forward(X, params, activation=relu):
    a = X
    for W, b in params:
        a = a @ W + b
    return a
''',
        "ignores the activation argument (always ReLU)": '''
import numpy as np
def mlp_forward(X, params, activation=relu):
    a = X
    for l, (W, b) in enumerate(params):
        a = a @ W + b
        if l < len(params) - 1:
            a = np.maximum(a, 0.0)
    return a
''',
        "wrong order: a @ W.T (weights read as (out, in))": '''
import numpy as np
def mlp_forward(X, params, activation=relu):
    a = X
    for l, (W, b) in enumerate(params):
        a = a @ W.T + b
        if l < len(params) - 1:
            a = activation(a)
    return a
''',
        "drops the last layer (loops over params[:-1])": '''
import numpy as np
def mlp_forward(X, params, activation=relu):
    a = X
    for W, b in params[:-1]:
        a = activation(a @ W + b)
    return a
''',
        "applies the activation to the input before the first layer, not between layers": '''
import numpy as np
def mlp_forward(X, params, activation=relu):
    a = activation(X)
    for W, b in params:
        a = a @ W + b
    return a
''',
    },
    "count_parameters": {
        "forgets the biases": '''
def count_parameters(layer_sizes):
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
''',
        "off by one: skips the last pair of layers": '''
def count_parameters(layer_sizes):
    return sum((layer_sizes[i] + 1) * layer_sizes[i + 1] for i in range(len(layer_sizes) - 2))
''',
        "counts biases for the input layer too": '''
def count_parameters(layer_sizes):
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])) + sum(layer_sizes)
''',
        "one bias per input instead of per output: (d_out + 1) * d_in": '''
def count_parameters(layer_sizes):
    return sum(a * (b + 1) for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
''',
        "returns a float": '''
import numpy as np
def count_parameters(layer_sizes):
    s = np.asarray(layer_sizes, dtype=float)
    return float(np.sum((s[:-1] + 1) * s[1:]))
''',
    },
    "xavier_uniform": {
        "a = sqrt(3 / (fan_in + fan_out))": '''
import numpy as np
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(3.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))
''',
        "a = sqrt(6 / fan_in), fan_out left out": '''
import numpy as np
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))
''',
        "transposed shape (fan_out, fan_in)": '''
import numpy as np
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_out, fan_in))
''',
        "uses NumPy's global generator, not rng": '''
import numpy as np
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return np.random.uniform(-a, a, size=(fan_in, fan_out))
''',
        "makes its own seeded generator, ignoring rng": '''
import numpy as np
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return np.random.default_rng(0).uniform(-a, a, size=(fan_in, fan_out))
''',
        "normal with std a instead of uniform on [-a, a]": '''
import numpy as np
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.normal(0.0, a, size=(fan_in, fan_out))
''',
        "uniform on [0, a]: forgets the negative half": '''
import numpy as np
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(0.0, a, size=(fan_in, fan_out))
''',
    },
    "he_normal": {
        "variance 1 / fan_in (LeCun), not 2 / fan_in": '''
import numpy as np
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))
''',
        "std = 2 / fan_in instead of sqrt(2 / fan_in)": '''
import numpy as np
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, 2.0 / fan_in, size=(fan_in, fan_out))
''',
        "uses NumPy's global generator, not rng": '''
import numpy as np
def he_normal(fan_in, fan_out, rng):
    return np.random.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
''',
        "transposed shape (fan_out, fan_in)": '''
import numpy as np
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in))
''',
        "scales by fan_out instead of fan_in": '''
import numpy as np
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_out), size=(fan_in, fan_out))
''',
        "uniform with the right variance instead of normal": '''
import numpy as np
def he_normal(fan_in, fan_out, rng):
    a = np.sqrt(3 * 2.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))
''',
        "makes its own seeded generator, ignoring rng": '''
import numpy as np
def he_normal(fan_in, fan_out, rng):
    return np.random.default_rng(42).normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
''',
    },
    "rbf_features": {
        "subtracts the centres from the rows pairwise (works only for one point)": '''
import numpy as np
def rbf_features(X, centers, sigma):
    return np.exp(-np.sum((X - centers) ** 2, axis=1) / (2 * sigma ** 2))[None, :]
''',
        "forgets the 2: exp(-d^2 / sigma^2)": '''
import numpy as np
def rbf_features(X, centers, sigma):
    diff = X[:, None, :] - centers[None, :, :]
    return np.exp(-np.sum(diff ** 2, axis=2) / sigma ** 2)
''',
        "uses the distance, not the squared distance": '''
import numpy as np
def rbf_features(X, centers, sigma):
    diff = X[:, None, :] - centers[None, :, :]
    return np.exp(-np.sqrt(np.sum(diff ** 2, axis=2)) / (2 * sigma ** 2))
''',
        "sums over the wrong axis": '''
import numpy as np
def rbf_features(X, centers, sigma):
    diff = X[:, None, :] - centers[None, :, :]
    return np.exp(-np.sum(diff ** 2, axis=1) / (2 * sigma ** 2))
''',
        "returns (k, n): centres along the rows": '''
import numpy as np
def rbf_features(X, centers, sigma):
    diff = centers[:, None, :] - X[None, :, :]
    return np.exp(-np.sum(diff ** 2, axis=2) / (2 * sigma ** 2))
''',
        "divides by 2 sigma instead of 2 sigma^2": '''
import numpy as np
def rbf_features(X, centers, sigma):
    diff = X[:, None, :] - centers[None, :, :]
    return np.exp(-np.sum(diff ** 2, axis=2) / (2 * sigma))
''',
        "sums the coordinates before squaring: (sum of differences)^2": '''
import numpy as np
def rbf_features(X, centers, sigma):
    diff = X[:, None, :] - centers[None, :, :]
    return np.exp(-np.sum(diff, axis=2) ** 2 / (2 * sigma ** 2))
''',
    },
    "fit_rbf_network": {
        "normal equations with np.linalg.solve": '''
import numpy as np
def fit_rbf_network(X, y, centers, sigma):
    Phi = rbf_features(X, centers, sigma)
    return np.linalg.solve(Phi.T @ Phi, Phi.T @ y)
''',
        "normal equations with an explicit inverse": '''
import numpy as np
def fit_rbf_network(X, y, centers, sigma):
    Phi = rbf_features(X, centers, sigma)
    return np.linalg.inv(Phi.T @ Phi) @ Phi.T @ y
''',
        "flattens the weights, losing the (k, m) shape for 2-D y": '''
import numpy as np
def fit_rbf_network(X, y, centers, sigma):
    Phi = rbf_features(X, centers, sigma)
    return np.linalg.lstsq(Phi, y, rcond=None)[0].ravel()
''',
        "fits only the first column of a 2-D y": '''
import numpy as np
def fit_rbf_network(X, y, centers, sigma):
    Phi = rbf_features(X, centers, sigma)
    target = y if y.ndim == 1 else y[:, 0]
    return np.linalg.lstsq(Phi, target, rcond=None)[0]
''',
        "fits on X instead of the RBF features": '''
import numpy as np
def fit_rbf_network(X, y, centers, sigma):
    return np.linalg.lstsq(X, y, rcond=None)[0]
''',
        "adds a bias column, returning k + 1 weights": '''
import numpy as np
def fit_rbf_network(X, y, centers, sigma):
    Phi = rbf_features(X, centers, sigma)
    Phi = np.hstack([Phi, np.ones((len(Phi), 1))])
    return np.linalg.lstsq(Phi, y, rcond=None)[0]
''',
        "inverts Phi as if it were square": '''
import numpy as np
def fit_rbf_network(X, y, centers, sigma):
    return np.linalg.inv(rbf_features(X, centers, sigma)) @ y
''',
    },
}

RIGHT = {
    "dense_forward": {
        "einsum": '''
import numpy as np
def dense_forward(X, W, b):
    return np.einsum("ni,io->no", X, W) + b
''',
        "row by row, unit by unit": '''
import numpy as np
def dense_forward(X, W, b):
    out = np.empty((X.shape[0], W.shape[1]))
    for k in range(X.shape[0]):
        for j in range(W.shape[1]):
            out[k, j] = np.dot(X[k], W[:, j]) + b[j]
    return out
''',
        "book convention, transposed twice": '''
import numpy as np
def dense_forward(X, W, b):
    return (W.T @ X.T + b[:, None]).T
''',
    },
    "mlp_forward": {
        "activation at the start of every layer but the first": '''
import numpy as np
def mlp_forward(X, params, activation=relu):
    a = X
    for l, (W, b) in enumerate(params):
        if l > 0:
            a = activation(a)
        a = a @ W + b
    return a
''',
        "hidden layers in a loop, output layer after it": '''
import numpy as np
def mlp_forward(X, params, activation=relu):
    *hidden, (W_out, b_out) = params
    a = X
    for W, b in hidden:
        a = activation(dense_forward(a, W, b))
    return dense_forward(a, W_out, b_out)
''',
    },
    "count_parameters": {
        "weights and biases counted separately, with a loop": '''
def count_parameters(layer_sizes):
    total = 0
    for i in range(1, len(layer_sizes)):
        total += layer_sizes[i - 1] * layer_sizes[i]
        total += layer_sizes[i]
    return total
''',
        "via the sizes of the arrays one would allocate": '''
import numpy as np
def count_parameters(layer_sizes):
    shapes = [((a, b), (b,)) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]
    return int(sum(int(np.prod(w)) + int(np.prod(v)) for w, v in shapes))
''',
    },
    "xavier_uniform": {
        "scaled rng.random": '''
import numpy as np
def xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return (2.0 * rng.random((fan_in, fan_out)) - 1.0) * a
''',
        "flat draw, reshaped": '''
import numpy as np
def xavier_uniform(fan_in, fan_out, rng):
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    return rng.uniform(-limit, limit, size=fan_in * fan_out).reshape(fan_in, fan_out)
''',
    },
    "he_normal": {
        "standard normal times the std": '''
import numpy as np
def he_normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
''',
        "drawn transposed, then transposed back": '''
import numpy as np
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, (2.0 / fan_in) ** 0.5, size=(fan_out, fan_in)).T.copy()
''',
    },
    "rbf_features": {
        "expanded squared distance ||x||^2 - 2 x.c + ||c||^2": '''
import numpy as np
def rbf_features(X, centers, sigma):
    d2 = (X ** 2).sum(axis=1)[:, None] - 2.0 * X @ centers.T + (centers ** 2).sum(axis=1)[None, :]
    return np.exp(-np.maximum(d2, 0.0) / (2.0 * sigma ** 2))
''',
        "one centre at a time": '''
import numpy as np
def rbf_features(X, centers, sigma):
    cols = [np.exp(-np.sum((X - c) ** 2, axis=1) / (2.0 * sigma * sigma)) for c in centers]
    return np.stack(cols, axis=1)
''',
    },
    "fit_rbf_network": {
        "pseudo-inverse": '''
import numpy as np
def fit_rbf_network(X, y, centers, sigma):
    return np.linalg.pinv(rbf_features(X, centers, sigma)) @ y
''',
        "SVD by hand, small singular values dropped": '''
import numpy as np
def fit_rbf_network(X, y, centers, sigma):
    Phi = rbf_features(X, centers, sigma)
    U, s, Vt = np.linalg.svd(Phi, full_matrices=False)
    keep = s > s[0] * max(Phi.shape) * np.finfo(float).eps
    coef = U[:, keep].T @ y
    coef = coef / (s[keep] if coef.ndim == 1 else s[keep][:, None])
    return Vt[keep].T @ coef
''',
    },
}
