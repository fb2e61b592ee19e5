"""Known answers for 02_activations: mistakes that must fail, alternatives that must pass."""

WRONG = {
    "sigmoid": {
        "naive 1/(1+exp(-z)): overflow warning at z = -1000": '''
import numpy as np
def sigmoid(z):
    return 1 / (1 + np.exp(-z))
''',
        "exp(z)/(1+exp(z)): nan at z = +1000": '''
import numpy as np
def sigmoid(z):
    return np.exp(z) / (1 + np.exp(z))
''',
        "np.where over two naive branches: both are evaluated, so it still overflows": '''
import numpy as np
def sigmoid(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
''',
        "sign error: 1/(1+exp(z))": '''
import numpy as np
def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, e / (1 + e), 1 / (1 + e))
''',
        "math.exp: works on one number, not on arrays": '''
import math
import numpy as np
def sigmoid(z):
    return 1 / (1 + math.exp(-z))
''',
        "clips the output to [0.01, 0.99] to avoid overflow": '''
import numpy as np
def sigmoid(z):
    with np.errstate(over="ignore"):
        return np.clip(1 / (1 + np.exp(-z)), 0.01, 0.99)
''',
    },
    "sigmoid_grad": {
        "naive exp(-z)/(1+exp(-z))**2: inf/inf = nan at z = -1000": '''
import numpy as np
def sigmoid_grad(z):
    return np.exp(-z) / (1 + np.exp(-z)) ** 2
''',
        "plugs z where sigma(z) belongs: sigmoid(z) * (1 - z)": '''
import numpy as np
def sigmoid_grad(z):
    return sigmoid(z) * (1 - z)
''',
        "sign slip: s * (1 + s)": '''
import numpy as np
def sigmoid_grad(z):
    s = sigmoid(z)
    return s * (1 + s)
''',
        "uses tanh's formula 1 - s**2": '''
import numpy as np
def sigmoid_grad(z):
    s = sigmoid(z)
    return 1 - s ** 2
''',
        "returns the sigmoid itself": '''
import numpy as np
def sigmoid_grad(z):
    return sigmoid(z)
''',
    },
    "tanh_grad": {
        "missing square: 1 - tanh(z)": '''
import numpy as np
def tanh_grad(z):
    return 1 - np.tanh(z)
''',
        "derivative in terms of the input: 1 - z**2": '''
import numpy as np
def tanh_grad(z):
    return 1 - z ** 2
''',
        "sech^2 via cosh: overflow warning at |z| = 1000": '''
import numpy as np
def tanh_grad(z):
    return 1 / np.cosh(z) ** 2
''',
        "sigmoid's formula t * (1 - t)": '''
import numpy as np
def tanh_grad(z):
    t = np.tanh(z)
    return t * (1 - t)
''',
        "sign error: 1 + tanh(z)**2": '''
import numpy as np
def tanh_grad(z):
    return 1 + np.tanh(z) ** 2
''',
    },
    "relu": {
        "in place: z[z < 0] = 0 modifies the input": '''
import numpy as np
def relu(z):
    z[z < 0] = 0
    return z
''',
        "Python's max(0, z): not elementwise": '''
import numpy as np
def relu(z):
    return max(0, z)
''',
        "absolute value instead of max": '''
import numpy as np
def relu(z):
    return np.abs(z)
''',
        "clips to [0, 1] (hard sigmoid) instead of [0, inf)": '''
import numpy as np
def relu(z):
    return np.clip(z, 0, 1)
''',
        "np.minimum: keeps the negative side": '''
import numpy as np
def relu(z):
    return np.minimum(z, 0.0)
''',
        "np.maximum(z, 0, out=z): in place": '''
import numpy as np
def relu(z):
    return np.maximum(z, 0, out=z)
''',
    },
    "relu_grad": {
        "z >= 0: derivative 1 at z = 0": '''
import numpy as np
def relu_grad(z):
    return (z >= 0).astype(float)
''',
        "returns the boolean mask": '''
import numpy as np
def relu_grad(z):
    return z > 0
''',
        "np.sign(z): -1 for negative z": '''
import numpy as np
def relu_grad(z):
    return np.sign(z)
''',
        "returns relu(z) instead of its slope": '''
import numpy as np
def relu_grad(z):
    return np.maximum(z, 0.0)
''',
        "integer 0/1 array": '''
import numpy as np
def relu_grad(z):
    return (z > 0) * 1
''',
        "np.heaviside with 1 at zero": '''
import numpy as np
def relu_grad(z):
    return np.heaviside(z, 1.0)
''',
    },
    "leaky_relu": {
        "ignores alpha: hard-codes 0.01": '''
import numpy as np
def leaky_relu(z, alpha=0.01):
    return np.where(z > 0, z, 0.01 * z)
''',
        "wrong default alpha=0.1": '''
import numpy as np
def leaky_relu(z, alpha=0.1):
    return np.where(z > 0, z, alpha * z)
''',
        "in place: z[z < 0] *= alpha": '''
import numpy as np
def leaky_relu(z, alpha=0.01):
    z[z < 0] *= alpha
    return z
''',
        "alpha on the positive side": '''
import numpy as np
def leaky_relu(z, alpha=0.01):
    return np.where(z > 0, alpha * z, z)
''',
        "negative side set to alpha instead of alpha * z": '''
import numpy as np
def leaky_relu(z, alpha=0.01):
    return np.where(z > 0, z, alpha)
''',
    },
    "leaky_relu_grad": {
        "z >= 0: derivative 1 at z = 0": '''
import numpy as np
def leaky_relu_grad(z, alpha=0.01):
    return np.where(z >= 0, 1.0, alpha)
''',
        "ignores alpha: hard-codes 0.01": '''
import numpy as np
def leaky_relu_grad(z, alpha=0.01):
    return np.where(z > 0, 1.0, 0.01)
''',
        "0 on the negative side (ReLU's derivative)": '''
import numpy as np
def leaky_relu_grad(z, alpha=0.01):
    return np.where(z > 0, 1.0, 0.0)
''',
        "alpha * z on the negative side (the function, not its slope)": '''
import numpy as np
def leaky_relu_grad(z, alpha=0.01):
    return np.where(z > 0, 1.0, alpha * z)
''',
        "wrong default alpha=0.1": '''
import numpy as np
def leaky_relu_grad(z, alpha=0.1):
    return np.where(z > 0, 1.0, alpha)
''',
    },
    "elu": {
        "np.where with exp(z): overflow warning at z = 1000": '''
import numpy as np
def elu(z, alpha=1.0):
    return np.where(z > 0, z, alpha * (np.exp(z) - 1))
''',
        "ignores alpha": '''
import numpy as np
def elu(z, alpha=1.0):
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))
''',
        "missing -1: alpha * exp(z)": '''
import numpy as np
def elu(z, alpha=1.0):
    return np.where(z > 0, z, alpha * np.exp(np.minimum(z, 0.0)))
''',
        "in place on the negative entries": '''
import numpy as np
def elu(z, alpha=1.0):
    neg = z <= 0
    z[neg] = alpha * np.expm1(z[neg])
    return z
''',
        "branches swapped: exp on the positive side": '''
import numpy as np
def elu(z, alpha=1.0):
    return np.where(z < 0, z, alpha * np.expm1(np.minimum(z, 0.0)))
''',
    },
    "elu_grad": {
        "z >= 0: derivative 1 at z = 0 (instead of alpha)": '''
import numpy as np
def elu_grad(z, alpha=1.0):
    return np.where(z >= 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))
''',
        "ignores alpha": '''
import numpy as np
def elu_grad(z, alpha=1.0):
    return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0)))
''',
        "returns elu's value on the negative side": '''
import numpy as np
def elu_grad(z, alpha=1.0):
    return np.where(z > 0, 1.0, alpha * np.expm1(np.minimum(z, 0.0)))
''',
        "np.where with exp(z): overflow warning at z = 1000": '''
import numpy as np
def elu_grad(z, alpha=1.0):
    return np.where(z > 0, 1.0, alpha * np.exp(z))
''',
        "wrong default alpha=0.5": '''
import numpy as np
def elu_grad(z, alpha=0.5):
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))
''',
    },
    "softmax": {
        "no max subtraction: overflow / nan at 1000": '''
import numpy as np
def softmax(z, axis=-1):
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)
''',
        "sums over the whole array": '''
import numpy as np
def softmax(z, axis=-1):
    e = np.exp(z - z.max())
    return e / e.sum()
''',
        "ignores axis: always the last axis": '''
import numpy as np
def softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
''',
        "subtracts the GLOBAL max: nan when rows differ by ~1000": '''
import numpy as np
def softmax(z, axis=-1):
    e = np.exp(z - z.max())
    return e / e.sum(axis=axis, keepdims=True)
''',
        "in place: z -= max": '''
import numpy as np
def softmax(z, axis=-1):
    z -= z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)
''',
        "no keepdims: broadcasts the row sums along the wrong axis": '''
import numpy as np
def softmax(z, axis=-1):
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / e.sum(axis=axis)
''',
        "normalizes along axis 0 (columns) by default": '''
import numpy as np
def softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
''',
        "max along axis but sum over everything": '''
import numpy as np
def softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(keepdims=True)
''',
    },
    "log_softmax": {
        "log(softmax(z)): -inf for large gaps": '''
import numpy as np
def log_softmax(z, axis=-1):
    return np.log(softmax(z, axis=axis))
''',
        "no max subtraction: overflow at 1000": '''
import numpy as np
def log_softmax(z, axis=-1):
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
''',
        "forgets to add the max back into log-sum-exp": '''
import numpy as np
def log_softmax(z, axis=-1):
    m = z.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z - m).sum(axis=axis, keepdims=True))
''',
        "subtracts the GLOBAL max: +inf/nan when rows differ by ~1000": '''
import numpy as np
def log_softmax(z, axis=-1):
    s = z - z.max()
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))
''',
        "ignores axis: always the last axis": '''
import numpy as np
def log_softmax(z, axis=-1):
    s = z - z.max(axis=-1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=-1, keepdims=True))
''',
        "sign error: log-sum-exp minus z": '''
import numpy as np
def log_softmax(z, axis=-1):
    s = z - z.max(axis=axis, keepdims=True)
    return np.log(np.exp(s).sum(axis=axis, keepdims=True)) - s
''',
        "in place: z -= max": '''
import numpy as np
def log_softmax(z, axis=-1):
    z -= z.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
''',
    },
}

RIGHT = {
    "sigmoid": {
        "via tanh: (1 + tanh(z/2)) / 2": '''
import numpy as np
def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))
''',
        "masks on a new array, exp only of non-positive values": '''
import numpy as np
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out
''',
        "exp(-logaddexp(0, -z))": '''
import numpy as np
def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))
''',
    },
    "sigmoid_grad": {
        "symmetric closed form e/(1+e)**2 with e = exp(-|z|)": '''
import numpy as np
def sigmoid_grad(z):
    e = np.exp(-np.abs(z))
    return e / (1.0 + e) ** 2
''',
        "sigmoid(z) * sigmoid(-z)": '''
import numpy as np
def sigmoid_grad(z):
    return sigmoid(z) * sigmoid(-z)
''',
    },
    "tanh_grad": {
        "(1 - t)(1 + t)": '''
import numpy as np
def tanh_grad(z):
    t = np.tanh(z)
    return (1.0 - t) * (1.0 + t)
''',
        "4 * sigma'(2z) built from exp(-|2z|)": '''
import numpy as np
def tanh_grad(z):
    e = np.exp(-2.0 * np.abs(z))
    return 4.0 * e / (1.0 + e) ** 2
''',
    },
    "relu": {
        "np.where(z > 0, z, 0.0)": '''
import numpy as np
def relu(z):
    return np.where(z > 0, z, 0.0)
''',
        "copy, then zero the negatives": '''
import numpy as np
def relu(z):
    out = np.array(z, dtype=float, copy=True)
    out[out < 0] = 0.0
    return out
''',
        "z * (z > 0)": '''
import numpy as np
def relu(z):
    return z * (z > 0)
''',
    },
    "relu_grad": {
        "np.where(z > 0, 1.0, 0.0)": '''
import numpy as np
def relu_grad(z):
    return np.where(z > 0, 1.0, 0.0)
''',
        "np.heaviside(z, 0.0)": '''
import numpy as np
def relu_grad(z):
    return np.heaviside(z, 0.0)
''',
    },
    "leaky_relu": {
        "np.maximum(z, alpha * z) (valid for alpha < 1)": '''
import numpy as np
def leaky_relu(z, alpha=0.01):
    return np.maximum(z, alpha * z)
''',
        "relu plus the scaled negative part": '''
import numpy as np
def leaky_relu(z, alpha=0.01):
    return np.maximum(z, 0.0) + alpha * np.minimum(z, 0.0)
''',
    },
    "leaky_relu_grad": {
        "alpha + (1 - alpha) * mask": '''
import numpy as np
def leaky_relu_grad(z, alpha=0.01):
    return alpha + (1.0 - alpha) * (z > 0)
''',
        "full_like then mask": '''
import numpy as np
def leaky_relu_grad(z, alpha=0.01):
    out = np.full(np.shape(z), float(alpha))
    out[np.asarray(z) > 0] = 1.0
    return out
''',
    },
    "elu": {
        "exp(z) - 1 on a copy, masked (exp only of non-positive values)": '''
import numpy as np
def elu(z, alpha=1.0):
    out = np.array(z, dtype=float, copy=True)
    neg = out <= 0
    out[neg] = alpha * (np.exp(out[neg]) - 1.0)
    return out
''',
        "relu plus the negative part": '''
import numpy as np
def elu(z, alpha=1.0):
    return np.maximum(z, 0.0) + alpha * np.expm1(np.minimum(z, 0.0))
''',
    },
    "elu_grad": {
        "elu(z) + alpha on the negative side": '''
import numpy as np
def elu_grad(z, alpha=1.0):
    return np.where(z > 0, 1.0, elu(z, alpha) + alpha)
''',
        "mask on a copy": '''
import numpy as np
def elu_grad(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    out = np.ones_like(z)
    neg = z <= 0
    out[neg] = alpha * np.exp(z[neg])
    return out
''',
    },
    "softmax": {
        "move the axis to the end and back": '''
import numpy as np
def softmax(z, axis=-1):
    moved = np.moveaxis(np.asarray(z, dtype=float), axis, -1)
    e = np.exp(moved - moved.max(axis=-1)[..., None])
    return np.moveaxis(e / e.sum(axis=-1)[..., None], -1, axis)
''',
        "exp of z minus its log-sum-exp": '''
import numpy as np
def softmax(z, axis=-1):
    m = np.max(z, axis=axis, keepdims=True)
    lse = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
    return np.exp(z - lse)
''',
    },
    "log_softmax": {
        "np.logaddexp.reduce for the log-sum-exp": '''
import numpy as np
def log_softmax(z, axis=-1):
    return z - np.logaddexp.reduce(z, axis=axis, keepdims=True)
''',
        "explicit m + log(sum(exp(z - m)))": '''
import numpy as np
def log_softmax(z, axis=-1):
    m = np.max(z, axis=axis, keepdims=True)
    return z - (m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True)))
''',
    },
}
