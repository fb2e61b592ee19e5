"""Known answers for 04_losses: mistakes that must fail, alternatives that must pass."""

WRONG = {
    "mse": {
        "sum instead of mean": '''
import numpy as np
def mse(y, y_hat):
    return np.sum((y_hat - y) ** 2)
''',
        "mean along axis 0 only (an array for 2-D inputs)": '''
import numpy as np
def mse(y, y_hat):
    return np.mean((y_hat - y) ** 2, axis=0)
''',
        "divides by the number of rows, not of elements": '''
import numpy as np
def mse(y, y_hat):
    return np.sum((y_hat - y) ** 2) / len(y)
''',
        "root mean squared error": '''
import numpy as np
def mse(y, y_hat):
    return np.sqrt(np.mean((y_hat - y) ** 2))
''',
        "square of the mean error": '''
import numpy as np
def mse(y, y_hat):
    return np.mean(y_hat - y) ** 2
''',
    },
    "mse_grad": {
        "missing the factor 2": '''
import numpy as np
def mse_grad(y, y_hat):
    return (y_hat - y) / y_hat.size
''',
        "divides by n rows instead of all elements": '''
import numpy as np
def mse_grad(y, y_hat):
    return 2 * (y_hat - y) / len(y_hat)
''',
        "sign flipped (y - y_hat)": '''
import numpy as np
def mse_grad(y, y_hat):
    return 2 * (y - y_hat) / y_hat.size
''',
        "no division at all": '''
import numpy as np
def mse_grad(y, y_hat):
    return 2 * (y_hat - y)
''',
        "modifies y_hat in place": '''
import numpy as np
def mse_grad(y, y_hat):
    y_hat -= y
    return 2 * y_hat / y_hat.size
''',
    },
    "mae": {
        "no absolute value": '''
import numpy as np
def mae(y, y_hat):
    return np.mean(y_hat - y)
''',
        "sum instead of mean": '''
import numpy as np
def mae(y, y_hat):
    return np.sum(np.abs(y_hat - y))
''',
        "mean along axis 0 only": '''
import numpy as np
def mae(y, y_hat):
    return np.mean(np.abs(y_hat - y), axis=0)
''',
        "median absolute error": '''
import numpy as np
def mae(y, y_hat):
    return np.median(np.abs(y_hat - y))
''',
    },
    "mae_grad": {
        "sign flipped": '''
import numpy as np
def mae_grad(y, y_hat):
    return np.sign(y - y_hat) / y_hat.size
''',
        "divides by n rows instead of all elements": '''
import numpy as np
def mae_grad(y, y_hat):
    return np.sign(y_hat - y) / len(y_hat)
''',
        "+1 at a tie (>= instead of sign)": '''
import numpy as np
def mae_grad(y, y_hat):
    return np.where(y_hat - y >= 0, 1.0, -1.0) / y_hat.size
''',
        "-1 at a tie (the z <= 0 branch)": '''
import numpy as np
def mae_grad(y, y_hat):
    return np.where(y_hat - y > 0, 1.0, -1.0) / y_hat.size
''',
        "d / |d|: nan and a warning at a tie": '''
import numpy as np
def mae_grad(y, y_hat):
    d = y_hat - y
    return d / np.abs(d) / d.size
''',
        "forgets to divide by N": '''
import numpy as np
def mae_grad(y, y_hat):
    return np.sign(y_hat - y)
''',
    },
    "binary_cross_entropy": {
        "no clipping: inf or nan at p = 0 or 1": '''
import numpy as np
def binary_cross_entropy(y, p, eps=1e-12):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
''',
        "sum instead of mean": '''
import numpy as np
def binary_cross_entropy(y, p, eps=1e-12):
    p = np.clip(p, eps, 1 - eps)
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
''',
        "y and p swapped": '''
import numpy as np
def binary_cross_entropy(y, p, eps=1e-12):
    y = np.clip(y, eps, 1 - eps)
    return -np.mean(p * np.log(y) + (1 - p) * np.log(1 - y))
''',
        "ignores the eps argument (hard-coded 1e-7)": '''
import numpy as np
def binary_cross_entropy(y, p, eps=1e-12):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
''',
        "clips only from below": '''
import numpy as np
def binary_cross_entropy(y, p, eps=1e-12):
    p = np.maximum(p, eps)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
''',
        "case split on y == 1 (wrong for soft targets)": '''
import numpy as np
def binary_cross_entropy(y, p, eps=1e-12):
    p = np.clip(p, eps, 1 - eps)
    return np.mean(np.where(y == 1, -np.log(p), -np.log(1 - p)))
''',
        "clips p in place": '''
import numpy as np
def binary_cross_entropy(y, p, eps=1e-12):
    np.clip(p, eps, 1 - eps, out=p)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
''',
    },
    "bce_with_logits": {
        "naive sigmoid then log: inf and overflow at |z| = 1000": '''
import numpy as np
def bce_with_logits(y, z):
    p = 1 / (1 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
''',
        "log1p(exp(z)) without the max form: overflows": '''
import numpy as np
def bce_with_logits(y, z):
    return np.mean(np.log1p(np.exp(z)) - y * z)
''',
        "sign error on the y*z term": '''
import numpy as np
def bce_with_logits(y, z):
    return np.mean(np.maximum(z, 0) + y * z + np.log1p(np.exp(-np.abs(z))))
''',
        "sum instead of mean": '''
import numpy as np
def bce_with_logits(y, z):
    return np.sum(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))
''',
        "stable sigmoid then clipped BCE (27.6 instead of 1000)": '''
import numpy as np
def bce_with_logits(y, z):
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
''',
        "np.where over two branches: right values, overflow warning": '''
import numpy as np
def bce_with_logits(y, z):
    softplus = np.where(z > 0, z + np.log1p(np.exp(-z)), np.log1p(np.exp(z)))
    return np.mean(softplus - y * z)
''',
        "forgets the log1p term": '''
import numpy as np
def bce_with_logits(y, z):
    return np.mean(np.maximum(z, 0) - y * z)
''',
        "y and z swapped": '''
import numpy as np
def bce_with_logits(y, z):
    y, z = z, y
    return np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))
''',
    },
    "one_hot": {
        "width from labels.max() + 1 instead of num_classes": '''
import numpy as np
def one_hot(labels, num_classes):
    return np.eye(labels.max() + 1)[labels]
''',
        "off by one: num_classes + 1 columns": '''
import numpy as np
def one_hot(labels, num_classes):
    return np.eye(num_classes + 1)[labels]
''',
        "integer dtype": '''
import numpy as np
def one_hot(labels, num_classes):
    return np.eye(num_classes, dtype=int)[labels]
''',
        "transposed: (num_classes, n)": '''
import numpy as np
def one_hot(labels, num_classes):
    return np.eye(num_classes)[:, labels]
''',
        "labels treated as 1-based": '''
import numpy as np
def one_hot(labels, num_classes):
    return np.eye(num_classes)[labels - 1]
''',
    },
    "cross_entropy": {
        "no max subtraction: overflow at 1000": '''
import numpy as np
def cross_entropy(logits, labels):
    n = len(labels)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -np.mean(log_p[np.arange(n), labels])
''',
        "sum instead of mean": '''
import numpy as np
def cross_entropy(logits, labels):
    n = len(labels)
    m = logits.max(axis=1, keepdims=True)
    log_p = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    return -np.sum(log_p[np.arange(n), labels])
''',
        "labels used as column indices for every row (n x n)": '''
import numpy as np
def cross_entropy(logits, labels):
    m = logits.max(axis=1, keepdims=True)
    log_p = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    return -np.mean(log_p[:, labels])
''',
        "mean over all n * C entries of one-hot * log p": '''
import numpy as np
def cross_entropy(logits, labels):
    m = logits.max(axis=1, keepdims=True)
    log_p = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    t = np.eye(logits.shape[1])[labels]
    return -np.mean(t * log_p)
''',
        "softmax over the wrong axis": '''
import numpy as np
def cross_entropy(logits, labels):
    n = len(labels)
    m = logits.max(axis=0, keepdims=True)
    log_p = logits - m - np.log(np.exp(logits - m).sum(axis=0, keepdims=True))
    return -np.mean(log_p[np.arange(n), labels])
''',
        "subtracts the max in place (modifies the caller's logits)": '''
import numpy as np
def cross_entropy(logits, labels):
    n = len(labels)
    logits -= logits.max(axis=1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -np.mean(log_p[np.arange(n), labels])
''',
        "log of a stable softmax: -inf when a probability underflows": '''
import numpy as np
def cross_entropy(logits, labels):
    n = len(labels)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return -np.mean(np.log(p[np.arange(n), labels]))
''',
    },
    "cross_entropy_grad": {
        "forgets to divide by n": '''
import numpy as np
def cross_entropy_grad(logits, labels):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return p - np.eye(logits.shape[1])[labels]
''',
        "forgets to subtract the one-hot": '''
import numpy as np
def cross_entropy_grad(logits, labels):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True) / len(logits)
''',
        "softmax over the wrong axis": '''
import numpy as np
def cross_entropy_grad(logits, labels):
    e = np.exp(logits - logits.max(axis=0, keepdims=True))
    p = e / e.sum(axis=0, keepdims=True)
    return (p - np.eye(logits.shape[1])[labels]) / len(logits)
''',
        "no max subtraction: nan at 1000": '''
import numpy as np
def cross_entropy_grad(logits, labels):
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    return (p - np.eye(logits.shape[1])[labels]) / len(logits)
''',
        "sign flipped (one-hot minus p)": '''
import numpy as np
def cross_entropy_grad(logits, labels):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return (np.eye(logits.shape[1])[labels] - p) / len(logits)
''',
        "divides by n * C": '''
import numpy as np
def cross_entropy_grad(logits, labels):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return (p - np.eye(logits.shape[1])[labels]) / logits.size
''',
        "subtracts the max in place": '''
import numpy as np
def cross_entropy_grad(logits, labels):
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    return (p - np.eye(logits.shape[1])[labels]) / len(logits)
''',
    },
}

RIGHT = {
    "mse": {
        "dot product of the flattened difference": '''
import numpy as np
def mse(y, y_hat):
    d = (np.asarray(y_hat) - np.asarray(y)).ravel()
    return float(d @ d) / d.size
''',
    },
    "mse_grad": {
        "size from the shape, y - y_hat negated": '''
import numpy as np
def mse_grad(y, y_hat):
    return -2.0 * (y - y_hat) / np.prod(np.shape(y_hat))
''',
    },
    "mae": {
        "sum of absolute values over the size, as a float": '''
import numpy as np
def mae(y, y_hat):
    return float(np.abs(y - y_hat).sum() / np.size(y))
''',
    },
    "mae_grad": {
        "nested np.where, 0 at ties": '''
import numpy as np
def mae_grad(y, y_hat):
    d = y_hat - y
    return np.where(d > 0, 1.0, np.where(d < 0, -1.0, 0.0)) / d.size
''',
    },
    "binary_cross_entropy": {
        "minimum/maximum clipping and log1p": '''
import numpy as np
def binary_cross_entropy(y, p, eps=1e-12):
    q = np.minimum(np.maximum(p, eps), 1 - eps)
    return float(np.mean(-y * np.log(q) - (1 - y) * np.log1p(-q)))
''',
    },
    "bce_with_logits": {
        "numpy's logaddexp for softplus": '''
import numpy as np
def bce_with_logits(y, z):
    return np.mean(np.logaddexp(0.0, z) - y * z)
''',
        "y softplus(-z) + (1 - y) softplus(z), plain log(1 + ...)": '''
import numpy as np
def bce_with_logits(y, z):
    def softplus(x):
        return np.maximum(x, 0) + np.log(1 + np.exp(-np.abs(x)))
    return np.mean(y * softplus(-z) + (1 - y) * softplus(z))
''',
    },
    "one_hot": {
        "comparison with arange": '''
import numpy as np
def one_hot(labels, num_classes):
    return (np.asarray(labels)[:, None] == np.arange(num_classes)[None, :]).astype(np.float64)
''',
        "a loop": '''
import numpy as np
def one_hot(labels, num_classes):
    out = np.zeros((len(labels), num_classes), dtype=np.float64)
    for i, k in enumerate(labels):
        out[i, k] = 1.0
    return out
''',
    },
    "cross_entropy": {
        "logaddexp.reduce along the classes": '''
import numpy as np
def cross_entropy(logits, labels):
    lse = np.logaddexp.reduce(logits, axis=1)
    return float(np.mean(lse - logits[np.arange(len(labels)), labels]))
''',
        "one-hot targets, summed over classes, averaged over rows": '''
import numpy as np
def cross_entropy(logits, labels):
    m = logits.max(axis=1, keepdims=True)
    log_p = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    t = np.zeros_like(logits)
    t[np.arange(len(labels)), labels] = 1.0
    return -(t * log_p).sum(axis=1).mean()
''',
    },
    "cross_entropy_grad": {
        "exp of a stable log-softmax, one-hot by comparison": '''
import numpy as np
def cross_entropy_grad(logits, labels):
    m = logits.max(axis=1, keepdims=True)
    log_p = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    t = (np.asarray(labels)[:, None] == np.arange(logits.shape[1])).astype(float)
    return (np.exp(log_p) - t) / logits.shape[0]
''',
    },
}
