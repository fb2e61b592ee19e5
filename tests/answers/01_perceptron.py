"""Known answers for 01_perceptron: mistakes that must fail, alternatives that must pass."""

WRONG = {  # exercise -> {description of the mistake: source code that defines the name}
    "perceptron_predict": {
        "uses >= so points exactly on the line get class 1": '''
import numpy as np
def perceptron_predict(X, w, b):
    return (X @ w + b >= 0).astype(int)
''',
        "returns the boolean mask instead of integers": '''
import numpy as np
def perceptron_predict(X, w, b):
    return X @ w + b > 0
''',
        "subtracts the bias (threshold written as w.x > b)": '''
import numpy as np
def perceptron_predict(X, w, b):
    return (X @ w - b > 0).astype(int)
''',
        "forgets the bias": '''
import numpy as np
def perceptron_predict(X, w, b):
    return (X @ w > 0).astype(int)
''',
        "returns a column of shape (n, 1)": '''
import numpy as np
def perceptron_predict(X, w, b):
    return (X @ w + b > 0).astype(int).reshape(-1, 1)
''',
        "uses np.sign, giving -1/0/1 floats": '''
import numpy as np
def perceptron_predict(X, w, b):
    return np.sign(X @ w + b)
''',
        "np.heaviside with 1 at the tie (and float output)": '''
import numpy as np
def perceptron_predict(X, w, b):
    return np.heaviside(X @ w + b, 1.0).astype(int)
''',
    },
    "perceptron_update": {
        "updates w in place (mutates the caller's array)": '''
import numpy as np
def perceptron_update(w, b, x, y, lr):
    err = y - int(x @ w + b > 0)
    w += lr * err * x
    return w, b + lr * err
''',
        "error with the wrong sign (prediction - y)": '''
import numpy as np
def perceptron_update(w, b, x, y, lr):
    err = int(x @ w + b > 0) - y
    return w + lr * err * x, b + lr * err
''',
        "bias moves by err without the learning rate": '''
import numpy as np
def perceptron_update(w, b, x, y, lr):
    err = y - int(x @ w + b > 0)
    return w + lr * err * x, b + err
''',
        "never updates the bias": '''
import numpy as np
def perceptron_update(w, b, x, y, lr):
    err = y - int(x @ w + b > 0)
    return w + lr * err * x, b
''',
        "predicts with >= (a tie counts as class 1)": '''
import numpy as np
def perceptron_update(w, b, x, y, lr):
    err = y - int(x @ w + b >= 0)
    return w + lr * err * x, b + lr * err
''',
        "returns the input array itself when nothing changes": '''
import numpy as np
def perceptron_update(w, b, x, y, lr):
    err = y - int(x @ w + b > 0)
    if err == 0:
        return w, b
    return w + lr * err * x, b + lr * err
''',
        "adds lr*y*x on every example (no error term)": '''
import numpy as np
def perceptron_update(w, b, x, y, lr):
    return w + lr * y * x, b + lr * y
''',
    },
    "train_perceptron": {
        "starts from weights of one instead of zero": '''
import numpy as np
def train_perceptron(X, y, lr=1.0, epochs=100):
    w, b, mistakes = np.ones(X.shape[1]), 0.0, []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y):
            err = y_i - int(x_i @ w + b > 0)
            if err:
                w, b, count = w + lr * err * x_i, b + lr * err, count + 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, mistakes
''',
        "shuffles the samples each epoch": '''
import numpy as np
def train_perceptron(X, y, lr=1.0, epochs=100):
    rng = np.random.default_rng(0)
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        count = 0
        for i in rng.permutation(len(X)):
            err = y[i] - int(X[i] @ w + b > 0)
            if err:
                w, b, count = w + lr * err * X[i], b + lr * err, count + 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, mistakes
''',
        "stops before recording the error-free epoch": '''
import numpy as np
def train_perceptron(X, y, lr=1.0, epochs=100):
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y):
            err = y_i - int(x_i @ w + b > 0)
            if err:
                w, b, count = w + lr * err * x_i, b + lr * err, count + 1
        if count == 0:
            break
        mistakes.append(count)
    return w, b, mistakes
''',
        "never stops early (always runs every epoch)": '''
import numpy as np
def train_perceptron(X, y, lr=1.0, epochs=100):
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y):
            err = y_i - int(x_i @ w + b > 0)
            if err:
                w, b, count = w + lr * err * x_i, b + lr * err, count + 1
        mistakes.append(count)
    return w, b, mistakes
''',
        "runs one epoch too few (range(epochs - 1))": '''
import numpy as np
def train_perceptron(X, y, lr=1.0, epochs=100):
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs - 1):
        count = 0
        for x_i, y_i in zip(X, y):
            err = y_i - int(x_i @ w + b > 0)
            if err:
                w, b, count = w + lr * err * x_i, b + lr * err, count + 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, mistakes
''',
        "counts mistakes cumulatively instead of per epoch": '''
import numpy as np
def train_perceptron(X, y, lr=1.0, epochs=100):
    w, b, mistakes, count = np.zeros(X.shape[1]), 0.0, [], 0
    for _ in range(epochs):
        before = count
        for x_i, y_i in zip(X, y):
            err = y_i - int(x_i @ w + b > 0)
            if err:
                w, b, count = w + lr * err * x_i, b + lr * err, count + 1
        mistakes.append(count)
        if count == before:
            break
    return w, b, mistakes
''',
        "predicts with >= (a tie counts as class 1)": '''
import numpy as np
def train_perceptron(X, y, lr=1.0, epochs=100):
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y):
            err = y_i - int(x_i @ w + b >= 0)
            if err:
                w, b, count = w + lr * err * x_i, b + lr * err, count + 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, mistakes
''',
        "turns the labels into -1/+1 in place (modifies y)": '''
import numpy as np
def train_perceptron(X, y, lr=1.0, epochs=100):
    y[y == 0] = -1
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        count = 0
        for x_i, s_i in zip(X, y):
            if s_i * (x_i @ w + b) <= 0 and not (s_i < 0 and x_i @ w + b == 0):
                w, b, count = w + lr * s_i * x_i, b + lr * s_i, count + 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, mistakes
''',
        "batch update: sums the corrections and applies them after the epoch": '''
import numpy as np
def train_perceptron(X, y, lr=1.0, epochs=100):
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        err = y - (X @ w + b > 0).astype(int)
        w, b = w + lr * err @ X, b + lr * err.sum()
        mistakes.append(int(np.count_nonzero(err)))
        if mistakes[-1] == 0:
            break
    return w, b, mistakes
''',
        "ignores the learning rate": '''
import numpy as np
def train_perceptron(X, y, lr=1.0, epochs=100):
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y):
            err = y_i - int(x_i @ w + b > 0)
            if err:
                w, b, count = w + err * x_i, b + err, count + 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, mistakes
''',
        "default of 10 epochs instead of 100": '''
import numpy as np
def train_perceptron(X, y, lr=1.0, epochs=10):
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y):
            err = y_i - int(x_i @ w + b > 0)
            if err:
                w, b, count = w + lr * err * x_i, b + lr * err, count + 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, mistakes
''',
    },
    "gate_weights": {
        "NAND bias of 1 puts (0,1) and (1,0) exactly on the line": '''
import numpy as np
def gate_weights(name):
    if name == "XOR":
        raise ValueError("XOR is not linearly separable")
    return {"AND": (np.array([1.0, 1.0]), -1.5), "OR": (np.array([1.0, 1.0]), -0.5),
            "NAND": (np.array([-1.0, -1.0]), 1.0)}[name]
''',
        "OR uses AND's bias": '''
import numpy as np
def gate_weights(name):
    if name == "XOR":
        raise ValueError("XOR is not linearly separable")
    return {"AND": (np.array([1.0, 1.0]), -1.5), "OR": (np.array([1.0, 1.0]), -1.5),
            "NAND": (np.array([-1.0, -1.0]), 1.5)}[name]
''',
        "NAND flips the bias but not the weights": '''
import numpy as np
def gate_weights(name):
    if name == "XOR":
        raise ValueError("XOR is not linearly separable")
    return {"AND": (np.array([1.0, 1.0]), -1.5), "OR": (np.array([1.0, 1.0]), -0.5),
            "NAND": (np.array([1.0, 1.0]), 1.5)}[name]
''',
        "returns some weights for XOR instead of raising": '''
import numpy as np
def gate_weights(name):
    return {"AND": (np.array([1.0, 1.0]), -1.5), "OR": (np.array([1.0, 1.0]), -0.5),
            "NAND": (np.array([-1.0, -1.0]), 1.5), "XOR": (np.array([1.0, -1.0]), 0.0)}[name]
''',
        "raises the wrong kind of error for XOR": '''
import numpy as np
def gate_weights(name):
    if name == "XOR":
        raise NotImplementedError("XOR is not linearly separable")
    return {"AND": (np.array([1.0, 1.0]), -1.5), "OR": (np.array([1.0, 1.0]), -0.5),
            "NAND": (np.array([-1.0, -1.0]), 1.5)}[name]
''',
        "AND with a positive bias (fires everywhere)": '''
import numpy as np
def gate_weights(name):
    if name == "XOR":
        raise ValueError("XOR is not linearly separable")
    return {"AND": (np.array([1.0, 1.0]), 1.5), "OR": (np.array([1.0, 1.0]), -0.5),
            "NAND": (np.array([-1.0, -1.0]), 1.5)}[name]
''',
    },
}

RIGHT = {  # exercise -> {description: a correct implementation written differently}
    "perceptron_predict": {
        "row-by-row loop": '''
import numpy as np
def perceptron_predict(X, w, b):
    out = np.zeros(len(X), dtype=int)
    for i, row in enumerate(X):
        if row @ w + b > 0:
            out[i] = 1
    return out
''',
        "np.where on the pre-activation": '''
import numpy as np
def perceptron_predict(X, w, b):
    return np.where(np.dot(X, w) + b > 0, 1, 0)
''',
        "np.heaviside with 0 at the tie, cast to int": '''
import numpy as np
def perceptron_predict(X, w, b):
    return np.heaviside(np.einsum("nd,d->n", X, w) + b, 0.0).astype(np.int64)
''',
    },
    "perceptron_update": {
        "explicit cases instead of the error term": '''
import numpy as np
def perceptron_update(w, b, x, y, lr):
    z = float(np.dot(w, x)) + b
    if y == 1 and z <= 0:
        return w + lr * x, b + lr
    if y == 0 and z > 0:
        return w - lr * x, b - lr
    return w.copy(), b
''',
        "copy first, then update the copy in place": '''
import numpy as np
def perceptron_update(w, b, x, y, lr):
    w_new = np.array(w, dtype=float)
    y_hat = 1 if np.sum(w * x) + b > 0 else 0
    w_new += lr * (y - y_hat) * x
    return w_new, b + lr * (y - y_hat)
''',
    },
    "train_perceptron": {
        "returns mistakes as a 1-D integer NumPy array": '''
import numpy as np
def train_perceptron(X, y, lr=1.0, epochs=100):
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y):
            err = y_i - int(x_i @ w + b > 0)
            if err:
                w, b, count = w + lr * err * x_i, b + lr * err, count + 1
        mistakes.append(count)
        if count == 0:
            break
    return w, b, np.array(mistakes)
''',
        "augmented vector (x, 1) with -1/+1 labels on a copy": '''
import numpy as np
def train_perceptron(X, y, lr=1.0, epochs=100):
    Xa = np.column_stack([X, np.ones(len(X))])
    s = 2 * np.asarray(y) - 1
    v = np.zeros(Xa.shape[1])
    mistakes = []
    for _ in range(epochs):
        count = 0
        for xa, si in zip(Xa, s):
            if (xa @ v > 0) != (si > 0):
                v = v + lr * si * xa
                count += 1
        mistakes.append(count)
        if not count:
            break
    return v[:-1], v[-1], mistakes
''',
        "while loop with indices, counts kept as NumPy integers": '''
import numpy as np
def train_perceptron(X, y, lr=1.0, epochs=100):
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    mistakes = []
    while len(mistakes) < epochs:
        wrong = np.zeros(n, dtype=bool)
        for i in range(n):
            y_hat = int(np.dot(X[i], w) + b > 0)
            if y_hat != y[i]:
                wrong[i] = True
                w = w + lr * (y[i] - y_hat) * X[i]
                b = b + lr * (y[i] - y_hat)
        mistakes.append(np.sum(wrong))
        if mistakes[-1] == 0:
            break
    return w, b, mistakes
''',
    },
    "gate_weights": {
        "larger weights": '''
import numpy as np
def gate_weights(name):
    table = {"AND": ((2, 2), -3), "OR": ((2, 2), -1), "NAND": ((-2, -2), 3)}
    if name not in table:
        raise ValueError(f"{name} cannot be computed by a single perceptron")
    w, b = table[name]
    return np.array(w, dtype=float), float(b)
''',
        "biases on the tie side (z = 0 predicts 0)": '''
import numpy as np
def gate_weights(name):
    if name == "XOR":
        raise ValueError("XOR is not linearly separable")
    if name == "AND":
        return np.array([1.0, 1.0]), -1.0
    if name == "OR":
        return np.array([1.0, 1.0]), 0.0
    if name == "NAND":
        return np.array([-0.5, -0.5]), 0.75
    raise ValueError(name)
''',
    },
}
