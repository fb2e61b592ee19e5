"""Known answers for 05_backprop: mistakes that must fail, alternatives that must pass."""

# -- Value: one correct engine, and copies of it with one mistake each ---------------------------
_VALUE_OK = '''
import math


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")
        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")
        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, n):
        out = Value(self.data ** n, (self,), "**")
        def _backward():
            self.grad += n * self.data ** (n - 1) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")
        def _backward():
            self.grad += (1 - t * t) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")
        def _backward():
            self.grad += (self.data > 0) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")
        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def backward(self):
        order, seen = [], set()
        def visit(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    visit(child)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return self * other ** -1

    def __radd__(self, other):
        return self + other

    def __rsub__(self, other):
        return (-self) + other

    def __rmul__(self, other):
        return self * other

    def __rtruediv__(self, other):
        return self ** -1 * other
'''


def _value_with(old, new):
    assert old in _VALUE_OK, old
    return _VALUE_OK.replace(old, new)


WRONG = {
    "numerical_gradient": {
        "forward difference (f(x + eps) - f(x)) / eps": '''
import numpy as np
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    base = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        grad[i] = (f(x) - base) / eps
        x[i] = old
    return grad
''',
        "forgets to restore x after perturbing it": '''
import numpy as np
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
''',
        "divides by eps instead of 2 * eps": '''
import numpy as np
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / eps
    return grad
''',
        "restores x by adding and subtracting eps (not exactly the old float)": '''
import numpy as np
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        f_minus = f(x)
        x[i] += eps
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
''',
        "ignores the eps argument (always 1e-6)": '''
import numpy as np
def numerical_gradient(f, x, eps=1e-6):
    h = 1e-6
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
''',
        "calls f on a flattened copy of x": '''
import numpy as np
def numerical_gradient(f, x, eps=1e-6):
    flat = x.astype(float).ravel().copy()
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = f(flat)
        flat[i] = old - eps
        f_minus = f(flat)
        flat[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad.reshape(x.shape)
''',
    },
    "dense_backward": {
        "dW = X @ dout (no transpose)": '''
import numpy as np
def dense_backward(dout, X, W):
    return dout @ W.T, X @ dout, dout.sum(axis=0)
''',
        "db is the mean over the batch instead of the sum": '''
import numpy as np
def dense_backward(dout, X, W):
    return dout @ W.T, X.T @ dout, dout.mean(axis=0)
''',
        "db not summed over the batch": '''
import numpy as np
def dense_backward(dout, X, W):
    return dout @ W.T, X.T @ dout, dout.copy()
''',
        "dX = dout @ W (no transpose)": '''
import numpy as np
def dense_backward(dout, X, W):
    return dout @ W, X.T @ dout, dout.sum(axis=0)
''',
        "dW = dout.T @ X (the transpose of the right answer)": '''
import numpy as np
def dense_backward(dout, X, W):
    return dout @ W.T, dout.T @ X, dout.sum(axis=0)
''',
    },
    "relu_backward": {
        "mask z >= 0 (passes the gradient at z = 0)": '''
import numpy as np
def relu_backward(dout, z):
    return dout * (z >= 0)
''',
        "multiplies by the output relu(z) instead of the 0/1 mask": '''
import numpy as np
def relu_backward(dout, z):
    return dout * np.maximum(z, 0)
''',
        "forgets dout (returns the mask)": '''
import numpy as np
def relu_backward(dout, z):
    return (z > 0).astype(float)
''',
        "zeroes dout in place": '''
import numpy as np
def relu_backward(dout, z):
    dout[z <= 0] = 0
    return dout
''',
    },
    "sigmoid_backward": {
        "uses sigmoid(z) instead of sigmoid(z)(1 - sigmoid(z))": '''
import numpy as np
def sigmoid_backward(dout, z):
    s = 0.5 * (1 + np.tanh(z / 2))
    return dout * s
''',
        "forgets dout": '''
import numpy as np
def sigmoid_backward(dout, z):
    s = 0.5 * (1 + np.tanh(z / 2))
    return s * (1 - s)
''',
        "treats z as the sigmoid output: z * (1 - z)": '''
import numpy as np
def sigmoid_backward(dout, z):
    return dout * z * (1 - z)
''',
        "tanh's derivative 1 - s**2": '''
import numpy as np
def sigmoid_backward(dout, z):
    s = 0.5 * (1 + np.tanh(z / 2))
    return dout * (1 - s ** 2)
''',
        "naive sigmoid 1 / (1 + exp(-z)) overflows at z = -1000": '''
import numpy as np
def sigmoid_backward(dout, z):
    s = 1 / (1 + np.exp(-z))
    return dout * s * (1 - s)
''',
    },
    "Value": {
        "overwrites grad instead of accumulating (fails when a node is used twice)":
            _value_with('''            self.grad += other.data * out.grad
            other.grad += self.data * out.grad''', '''            self.grad = other.data * out.grad
            other.grad = self.data * out.grad''').replace('''            self.grad += out.grad
            other.grad += out.grad''', '''            self.grad = out.grad
            other.grad = out.grad'''),
        "tanh derivative written with the input: 1 - x**2":
            _value_with("self.grad += (1 - t * t) * out.grad",
                        "self.grad += (1 - self.data ** 2) * out.grad"),
        "pow derivative missing the exponent: x**(n - 1)":
            _value_with("self.grad += n * self.data ** (n - 1) * out.grad",
                        "self.grad += self.data ** (n - 1) * out.grad"),
        "__rsub__ computes self - other": _value_with('''    def __rsub__(self, other):
        return (-self) + other''', '''    def __rsub__(self, other):
        return self - other'''),
        "backward by recursion into the children, no topological sort": _value_with('''    def backward(self):
        order, seen = [], set()
        def visit(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    visit(child)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()''', '''    def backward(self):
        self.grad = 1.0
        self._push()

    def _push(self):
        self._backward()
        for child in self._prev:
            child._push()'''),
        "relu passes the gradient at 0 (>= 0)":
            _value_with("self.grad += (self.data > 0) * out.grad",
                        "self.grad += (self.data >= 0) * out.grad"),
        "no __radd__/__rmul__: numbers on the left fail": _value_with('''    def __radd__(self, other):
        return self + other
''', '').replace('''    def __rmul__(self, other):
        return self * other
''', ''),
        "exp derivative forgets the chain (no out.grad)":
            _value_with("self.grad += out.data * out.grad", "self.grad += out.data"),
        "__truediv__ computes other / self": _value_with('''        return self * other ** -1
''', '''        return other * self ** -1
'''),
        "__rtruediv__ computes self / other": _value_with('''        return self ** -1 * other
''', '''        return self * (1.0 / other)
'''),
        "__neg__ returns a new Value with no link to self (no gradient flows)":
            _value_with("        return self * -1", "        return Value(-self.data)"),
        "__sub__ adds other instead of subtracting it":
            _value_with("        return self + (-other)", "        return self + other"),
        "tanh derivative forgets the chain (no out.grad)":
            _value_with("self.grad += (1 - t * t) * out.grad", "self.grad += (1 - t * t)"),
    },
    "two_layer_net": {
        "forgets to divide the logit gradient by n": '''
import numpy as np
def two_layer_net(X, y, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(X)
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0)
    S = H @ W2 + b2
    S = S - S.max(axis=1, keepdims=True)
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(n), y]).mean()
    dS = P.copy()
    dS[np.arange(n), y] -= 1
    dZ1 = (dS @ W2.T) * (Z1 > 0)
    return float(loss), {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": H.T @ dS, "b2": dS.sum(0)}
''',
        "forgets the ReLU mask in the backward pass": '''
import numpy as np
def two_layer_net(X, y, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(X)
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0)
    S = H @ W2 + b2
    S = S - S.max(axis=1, keepdims=True)
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(n), y]).mean()
    dS = P.copy()
    dS[np.arange(n), y] -= 1
    dS /= n
    dZ1 = dS @ W2.T
    return float(loss), {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": H.T @ dS, "b2": dS.sum(0)}
''',
        "bias gradients summed over the wrong axis": '''
import numpy as np
def two_layer_net(X, y, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(X)
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0)
    S = H @ W2 + b2
    S = S - S.max(axis=1, keepdims=True)
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(n), y]).mean()
    dS = P.copy()
    dS[np.arange(n), y] -= 1
    dS /= n
    dZ1 = (dS @ W2.T) * (Z1 > 0)
    return float(loss), {"W1": X.T @ dZ1, "b1": dZ1.sum(1), "W2": H.T @ dS, "b2": dS.sum(1)}
''',
        "bias gradients averaged over the batch (1/n applied twice)": '''
import numpy as np
def two_layer_net(X, y, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(X)
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0)
    S = H @ W2 + b2
    S = S - S.max(axis=1, keepdims=True)
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(n), y]).mean()
    dS = P.copy()
    dS[np.arange(n), y] -= 1
    dS /= n
    dZ1 = (dS @ W2.T) * (Z1 > 0)
    return float(loss), {"W1": X.T @ dZ1, "b1": dZ1.mean(0), "W2": H.T @ dS, "b2": dS.mean(0)}
''',
        "db = dout.mean(0) on the unscaled logit gradient (and no 1/n in dW)": '''
import numpy as np
def two_layer_net(X, y, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(X)
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0)
    S = H @ W2 + b2
    S = S - S.max(axis=1, keepdims=True)
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(n), y]).mean()
    dout = P.copy()
    dout[np.arange(n), y] -= 1
    dZ1 = (dout @ W2.T) * (Z1 > 0)
    return float(loss), {"W1": X.T @ dZ1, "b1": dZ1.mean(0), "W2": H.T @ dout, "b2": dout.mean(0)}
''',
        "ReLU mask Z1 >= 0 (passes the gradient at Z1 = 0)": '''
import numpy as np
def two_layer_net(X, y, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(X)
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0)
    S = H @ W2 + b2
    S = S - S.max(axis=1, keepdims=True)
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(n), y]).mean()
    dS = P.copy()
    dS[np.arange(n), y] -= 1
    dS /= n
    dZ1 = (dS @ W2.T) * (Z1 >= 0)
    return float(loss), {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": H.T @ dS, "b2": dS.sum(0)}
''',
        "loss summed over the batch instead of averaged": '''
import numpy as np
def two_layer_net(X, y, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(X)
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0)
    S = H @ W2 + b2
    S = S - S.max(axis=1, keepdims=True)
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(n), y]).sum()
    dS = P.copy()
    dS[np.arange(n), y] -= 1
    dS /= n
    dZ1 = (dS @ W2.T) * (Z1 > 0)
    return float(loss), {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": H.T @ dS, "b2": dS.sum(0)}
''',
        "softmax without subtracting the max (overflows for large logits)": '''
import numpy as np
def two_layer_net(X, y, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(X)
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0)
    S = H @ W2 + b2
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(n), y]).mean()
    dS = P.copy()
    dS[np.arange(n), y] -= 1
    dS /= n
    dZ1 = (dS @ W2.T) * (Z1 > 0)
    return float(loss), {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": H.T @ dS, "b2": dS.sum(0)}
''',
        "updates the params dict in place": '''
import numpy as np
def two_layer_net(X, y, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(X)
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0)
    S = H @ W2 + b2
    S = S - S.max(axis=1, keepdims=True)
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(n), y]).mean()
    dS = P.copy()
    dS[np.arange(n), y] -= 1
    dS /= n
    dZ1 = (dS @ W2.T) * (Z1 > 0)
    grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": H.T @ dS, "b2": dS.sum(0)}
    for k in params:
        params[k] -= 0.0 * grads[k] + 1e-3 * grads[k]
    return float(loss), grads
''',
    },
    "train_mlp_numpy": {
        "learning-rate sign flipped (climbs the loss)": '''
import numpy as np
def train_mlp_numpy(X, y, hidden=64, lr=1.0, epochs=300, seed=0):
    rng = np.random.default_rng(seed)
    d, C = X.shape[1], int(y.max()) + 1
    p = {"W1": rng.standard_normal((d, hidden)) * np.sqrt(2 / d), "b1": np.zeros(hidden),
         "W2": rng.standard_normal((hidden, C)) * np.sqrt(2 / hidden), "b2": np.zeros(C)}
    for _ in range(epochs):
        _, g = two_layer_net(X, y, p)
        p = {k: p[k] + lr * g[k] for k in p}
    return p
''',
        "never updates the biases": '''
import numpy as np
def train_mlp_numpy(X, y, hidden=64, lr=1.0, epochs=300, seed=0):
    rng = np.random.default_rng(seed)
    d, C = X.shape[1], int(y.max()) + 1
    p = {"W1": rng.standard_normal((d, hidden)) * np.sqrt(2 / d), "b1": np.zeros(hidden),
         "W2": rng.standard_normal((hidden, C)) * np.sqrt(2 / hidden), "b2": np.zeros(C)}
    for _ in range(epochs):
        _, g = two_layer_net(X, y, p)
        p["W1"] = p["W1"] - lr * g["W1"]
        p["W2"] = p["W2"] - lr * g["W2"]
    return p
''',
        "unseeded generator (a different network every call)": '''
import numpy as np
def train_mlp_numpy(X, y, hidden=64, lr=1.0, epochs=300, seed=0):
    rng = np.random.default_rng()
    d, C = X.shape[1], int(y.max()) + 1
    p = {"W1": rng.standard_normal((d, hidden)) * np.sqrt(2 / d), "b1": np.zeros(hidden),
         "W2": rng.standard_normal((hidden, C)) * np.sqrt(2 / hidden), "b2": np.zeros(C)}
    for _ in range(epochs):
        _, g = two_layer_net(X, y, p)
        p = {k: p[k] - lr * g[k] for k in p}
    return p
''',
        "ignores the seed argument (always seed 0)": '''
import numpy as np
def train_mlp_numpy(X, y, hidden=64, lr=1.0, epochs=300, seed=0):
    rng = np.random.default_rng(0)
    d, C = X.shape[1], int(y.max()) + 1
    p = {"W1": rng.standard_normal((d, hidden)) * np.sqrt(2 / d), "b1": np.zeros(hidden),
         "W2": rng.standard_normal((hidden, C)) * np.sqrt(2 / hidden), "b2": np.zeros(C)}
    for _ in range(epochs):
        _, g = two_layer_net(X, y, p)
        p = {k: p[k] - lr * g[k] for k in p}
    return p
''',
        "standardises X in place": '''
import numpy as np
def train_mlp_numpy(X, y, hidden=64, lr=1.0, epochs=300, seed=0):
    X -= X.mean(axis=0)
    X /= X.std(axis=0)
    rng = np.random.default_rng(seed)
    d, C = X.shape[1], int(y.max()) + 1
    p = {"W1": rng.standard_normal((d, hidden)) * np.sqrt(2 / d), "b1": np.zeros(hidden),
         "W2": rng.standard_normal((hidden, C)) * np.sqrt(2 / hidden), "b2": np.zeros(C)}
    for _ in range(epochs):
        _, g = two_layer_net(X, y, p)
        p = {k: p[k] - lr * g[k] for k in p}
    return p
''',
        "tiny initial weights (0.01 * randn): too slow to learn in 300 epochs": '''
import numpy as np
def train_mlp_numpy(X, y, hidden=64, lr=1.0, epochs=300, seed=0):
    rng = np.random.default_rng(seed)
    d, C = X.shape[1], int(y.max()) + 1
    p = {"W1": rng.standard_normal((d, hidden)) * 0.01, "b1": np.zeros(hidden),
         "W2": rng.standard_normal((hidden, C)) * 0.01, "b2": np.zeros(C)}
    for _ in range(epochs):
        _, g = two_layer_net(X, y, p)
        p = {k: p[k] - lr * g[k] for k in p}
    return p
''',
    },
}

RIGHT = {
    "numerical_gradient": {
        "a perturbed copy per element (never touches x)": '''
import numpy as np
def numerical_gradient(f, x, eps=1e-6):
    grad = np.empty(x.shape, dtype=float)
    for i in np.ndindex(*x.shape):
        step = np.zeros_like(x, dtype=float)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad
''',
        "np.nditer over a flat view, restoring from a saved copy": '''
import numpy as np
def numerical_gradient(f, x, eps=1e-6):
    saved = x.copy()
    out = np.zeros_like(saved, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        x[i] = saved[i] + eps
        up = float(f(x))
        x[i] = saved[i] - eps
        down = float(f(x))
        x[i] = saved[i]
        out[i] = (up - down) / (2.0 * eps)
        it.iternext()
    return out
''',
    },
    "dense_backward": {
        "einsum over the index formulas": '''
import numpy as np
def dense_backward(dout, X, W):
    dX = np.einsum("ij,kj->ik", dout, W)
    dW = np.einsum("ik,ij->kj", X, dout)
    db = np.einsum("ij->j", dout)
    return dX, dW, db
''',
        "sum of per-example outer products": '''
import numpy as np
def dense_backward(dout, X, W):
    dW = np.zeros(W.shape)
    for x_row, g_row in zip(X, dout):
        dW += np.outer(x_row, g_row)
    return np.dot(dout, W.T), dW, np.sum(dout, axis=0)
''',
    },
    "relu_backward": {
        "np.where on the pre-activation": '''
import numpy as np
def relu_backward(dout, z):
    return np.where(z > 0, dout, 0.0)
''',
        "heaviside step with value 0 at 0": '''
import numpy as np
def relu_backward(dout, z):
    return dout * np.heaviside(z, 0.0)
''',
    },
    "sigmoid_backward": {
        "sigmoid through tanh": '''
import numpy as np
def sigmoid_backward(dout, z):
    s = 0.5 * (1.0 + np.tanh(0.5 * z))
    return dout * s * (1.0 - s)
''',
        "sigma(z) * sigma(-z), each computed stably": '''
import numpy as np
def sigmoid_backward(dout, z):
    def sig(t):
        e = np.exp(-np.abs(t))
        return np.where(t >= 0, 1 / (1 + e), e / (1 + e))
    return dout * sig(z) * sig(-z)
''',
    },
    "Value": {
        "iterative topological sort and numbers kept as constants": '''
import math


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

    @staticmethod
    def _lift(x):
        return x if isinstance(x, Value) else Value(x)

    def _unary(self, data, local, op):
        out = Value(data, (self,), op)
        def _backward():
            self.grad += local() * out.grad
        out._backward = _backward
        return out

    def __add__(self, other):
        other = Value._lift(other)
        out = Value(self.data + other.data, (self, other), "+")
        def _backward():
            for v in (self, other):
                v.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = Value._lift(other)
        out = Value(self.data * other.data, (self, other), "*")
        def _backward():
            g = out.grad
            a, b = self.data, other.data
            self.grad += b * g
            other.grad += a * g
        out._backward = _backward
        return out

    def __pow__(self, n):
        return self._unary(self.data ** n, lambda: n * self.data ** (n - 1), "pow")

    def tanh(self):
        t = math.tanh(self.data)
        return self._unary(t, lambda: 1.0 - t ** 2, "tanh")

    def relu(self):
        return self._unary(self.data if self.data > 0 else 0.0,
                           lambda: 1.0 if self.data > 0 else 0.0, "relu")

    def exp(self):
        e = math.exp(self.data)
        return self._unary(e, lambda: e, "exp")

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for child in node._prev:
                if id(child) not in seen:
                    stack.append((child, False))
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + Value._lift(other) * -1.0

    def __truediv__(self, other):
        return self * Value._lift(other) ** -1

    def __radd__(self, other):
        return Value._lift(other) + self

    def __rsub__(self, other):
        return Value._lift(other) - self

    def __rmul__(self, other):
        return Value._lift(other) * self

    def __rtruediv__(self, other):
        return Value._lift(other) / self
''',
    },
    "two_layer_net": {
        "one-hot matrix and log-sum-exp": '''
import numpy as np
def two_layer_net(X, y, params):
    n = X.shape[0]
    Z1 = X.dot(params["W1"]) + params["b1"]
    H = Z1 * (Z1 > 0)
    S = H.dot(params["W2"]) + params["b2"]
    Y = np.eye(S.shape[1])[y]
    m = S.max(axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(S - m), axis=1, keepdims=True))
    loss = float(np.sum(Y * (lse - S)) / n)
    dS = (np.exp(S - lse) - Y) / n
    dH = dS.dot(params["W2"].T)
    dZ1 = np.where(Z1 > 0, dH, 0.0)
    return loss, {"W2": H.T.dot(dS), "b2": dS.sum(axis=0), "W1": X.T.dot(dZ1),
                  "b1": dZ1.sum(axis=0)}
''',
        "built from dense_backward and relu_backward": '''
import numpy as np
def two_layer_net(X, y, params):
    n = len(y)
    Z1 = X @ params["W1"] + params["b1"]
    H = np.maximum(Z1, 0.0)
    S = H @ params["W2"] + params["b2"]
    S = S - S.max(axis=1, keepdims=True)
    P = np.exp(S)
    P = P / P.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(P[np.arange(n), y]))
    dS = P.copy()
    dS[np.arange(n), y] -= 1.0
    dS = dS / n
    dH, dW2, db2 = dense_backward(dS, H, params["W2"])
    _, dW1, db1 = dense_backward(relu_backward(dH, Z1), X, params["W1"])
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
''',
    },
    "train_mlp_numpy": {
        "inline backprop, updates written out": '''
import numpy as np
def train_mlp_numpy(X, y, hidden=64, lr=1.0, epochs=300, seed=0):
    rng = np.random.default_rng(seed)
    n, d = X.shape
    C = int(np.max(y)) + 1
    W1 = rng.normal(0.0, np.sqrt(2.0 / d), size=(d, hidden))
    W2 = rng.normal(0.0, np.sqrt(2.0 / hidden), size=(hidden, C))
    b1, b2 = np.zeros(hidden), np.zeros(C)
    rows = np.arange(n)
    for _ in range(epochs):
        Z1 = X @ W1 + b1
        H = np.maximum(Z1, 0)
        S = H @ W2 + b2
        E = np.exp(S - S.max(axis=1, keepdims=True))
        dS = E / E.sum(axis=1, keepdims=True)
        dS[rows, y] -= 1
        dS /= n
        dZ1 = (dS @ W2.T) * (Z1 > 0)
        W1, b1 = W1 - lr * (X.T @ dZ1), b1 - lr * dZ1.sum(0)
        W2, b2 = W2 - lr * (H.T @ dS), b2 - lr * dS.sum(0)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
''',
    },
}
