"""Known answers for 06_optimizers: mistakes that must fail, alternatives that must pass."""

WRONG = {  # exercise -> {description of the mistake: source code that defines the name}
    "sgd_step": {
        "+ sign: climbs the gradient": '''
import numpy as np
def sgd_step(theta, grad, lr):
    return theta + lr * grad
''',
        "updates theta in place and returns it": '''
import numpy as np
def sgd_step(theta, grad, lr):
    theta -= lr * grad
    return theta
''',
        "ignores lr": '''
import numpy as np
def sgd_step(theta, grad, lr):
    return theta - grad
''',
        "divides by lr": '''
import numpy as np
def sgd_step(theta, grad, lr):
    return theta - grad / lr
''',
    },
    "minibatch_indices": {
        "no shuffling: batches of range(n) in order": '''
import numpy as np
def minibatch_indices(n, batch_size, rng):
    order = np.arange(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
''',
        "drops the last short batch": '''
import numpy as np
def minibatch_indices(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]
''',
        "uses the global np.random generator": '''
import numpy as np
def minibatch_indices(n, batch_size, rng):
    order = np.random.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
''',
        "draws indices with replacement": '''
import numpy as np
def minibatch_indices(n, batch_size, rng):
    order = rng.integers(0, n, size=n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
''',
        "ignores rng, fixed seed": '''
import numpy as np
def minibatch_indices(n, batch_size, rng):
    order = np.random.default_rng(0).permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
''',
        "np.array_split into n // batch_size equal-ish parts": '''
import numpy as np
def minibatch_indices(n, batch_size, rng):
    order = rng.permutation(n)
    return list(np.array_split(order, max(1, -(-n // batch_size))))
''',
        "returns a generator, not a list": '''
import numpy as np
def minibatch_indices(n, batch_size, rng):
    order = rng.permutation(n)
    return (order[i:i + batch_size] for i in range(0, n, batch_size))
''',
        "shuffles a fresh unseeded generator": '''
import numpy as np
def minibatch_indices(n, batch_size, rng):
    order = np.random.default_rng().permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
''',
    },
    "momentum_step": {
        "EMA form v = beta v + (1 - beta) g": '''
import numpy as np
def momentum_step(theta, grad, v, lr, beta=0.9):
    v = beta * v + (1 - beta) * grad
    return theta - lr * v, v
''',
        "updates theta with the old velocity": '''
import numpy as np
def momentum_step(theta, grad, v, lr, beta=0.9):
    new_theta = theta - lr * v
    return new_theta, beta * v + grad
''',
        "mutates v in place": '''
import numpy as np
def momentum_step(theta, grad, v, lr, beta=0.9):
    v *= beta
    v += grad
    return theta - lr * v, v
''',
        "lr inside the velocity (returns u = lr v)": '''
import numpy as np
def momentum_step(theta, grad, v, lr, beta=0.9):
    v = beta * v + lr * grad
    return theta - v, v
''',
        "ignores beta (uses 0.9)": '''
import numpy as np
def momentum_step(theta, grad, v, lr, beta=0.9):
    v = 0.9 * v + grad
    return theta - lr * v, v
''',
    },
    "adagrad_step": {
        "eps inside the square root": '''
import numpy as np
def adagrad_step(theta, grad, G, lr, eps=1e-10):
    G = G + grad ** 2
    return theta - lr * grad / np.sqrt(G + eps), G
''',
        "G not accumulated (uses this g**2 only)": '''
import numpy as np
def adagrad_step(theta, grad, G, lr, eps=1e-10):
    G = grad ** 2
    return theta - lr * grad / (np.sqrt(G) + eps), G
''',
        "missing square root": '''
import numpy as np
def adagrad_step(theta, grad, G, lr, eps=1e-10):
    G = G + grad ** 2
    return theta - lr * grad / (G + eps), G
''',
        "divides by the old G": '''
import numpy as np
def adagrad_step(theta, grad, G, lr, eps=1e-10):
    new_theta = theta - lr * grad / (np.sqrt(G) + eps)
    return new_theta, G + grad ** 2
''',
        "updates G in place": '''
import numpy as np
def adagrad_step(theta, grad, G, lr, eps=1e-10):
    G += grad ** 2
    return theta - lr * grad / (np.sqrt(G) + eps), G
''',
    },
    "rmsprop_step": {
        "drops beta * v: v = (1 - beta) * grad**2 (the average forgets the past)": '''
import numpy as np
def rmsprop_step(theta, grad, v, lr, beta=0.9, eps=1e-8):
    v = (1 - beta) * grad ** 2
    return theta - lr * grad / (np.sqrt(v) + eps), v
''',
        "beta and 1 - beta swapped": '''
import numpy as np
def rmsprop_step(theta, grad, v, lr, beta=0.9, eps=1e-8):
    v = (1 - beta) * v + beta * grad ** 2
    return theta - lr * grad / (np.sqrt(v) + eps), v
''',
        "eps inside the square root": '''
import numpy as np
def rmsprop_step(theta, grad, v, lr, beta=0.9, eps=1e-8):
    v = beta * v + (1 - beta) * grad ** 2
    return theta - lr * grad / np.sqrt(v + eps), v
''',
        "no square root": '''
import numpy as np
def rmsprop_step(theta, grad, v, lr, beta=0.9, eps=1e-8):
    v = beta * v + (1 - beta) * grad ** 2
    return theta - lr * grad / (v + eps), v
''',
        "bias-corrects v like Adam (needs a step count it does not have)": '''
import numpy as np
def rmsprop_step(theta, grad, v, lr, beta=0.9, eps=1e-8):
    v = beta * v + (1 - beta) * grad ** 2
    return theta - lr * grad / (np.sqrt(v / (1 - beta)) + eps), v
''',
        "mutates v in place": '''
import numpy as np
def rmsprop_step(theta, grad, v, lr, beta=0.9, eps=1e-8):
    v *= beta
    v += (1 - beta) * grad ** 2
    return theta - lr * grad / (np.sqrt(v) + eps), v
''',
    },
    "adam_step": {
        "ignores t: bias correction always for t = 1": '''
import numpy as np
def adam_step(theta, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1)
    v_hat = v / (1 - beta2)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
        "drops beta2 * v: v = (1 - beta2) * grad**2": '''
import numpy as np
def adam_step(theta, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
        "no bias correction": '''
import numpy as np
def adam_step(theta, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return theta - lr * m / (np.sqrt(v) + eps), m, v
''',
        "t counted from 0 (bias correction with t - 1)": '''
import numpy as np
def adam_step(theta, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** (t - 1))
    v_hat = v / (1 - beta2 ** (t - 1))
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
        "t counted from 0, guarded against division by zero": '''
import numpy as np
def adam_step(theta, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    s = max(t - 1, 1)
    m_hat = m / (1 - beta1 ** s)
    v_hat = v / (1 - beta2 ** s)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
        "bias correction with beta instead of beta**t": '''
import numpy as np
def adam_step(theta, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1)
    v_hat = v / (1 - beta2)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
        "eps inside the square root": '''
import numpy as np
def adam_step(theta, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return theta - lr * m_hat / np.sqrt(v_hat + eps), m, v
''',
        "returns the bias-corrected m_hat, v_hat as the state": '''
import numpy as np
def adam_step(theta, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = (beta1 * m + (1 - beta1) * grad) / (1 - beta1 ** t)
    v = (beta2 * v + (1 - beta2) * grad ** 2) / (1 - beta2 ** t)
    return theta - lr * m / (np.sqrt(v) + eps), m, v
''',
        "mutates m and v in place": '''
import numpy as np
def adam_step(theta, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
    },
    "adamw_step": {
        "ignores t: bias correction always for t = 1": '''
import numpy as np
def adamw_step(theta, grad, m, v, t, lr, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    theta = theta * (1 - lr * weight_decay)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return theta - lr * (m / (1 - beta1)) / (np.sqrt(v / (1 - beta2)) + eps), m, v
''',
        "drops beta1 * m: m = (1 - beta1) * grad": '''
import numpy as np
def adamw_step(theta, grad, m, v, t, lr, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    theta = theta * (1 - lr * weight_decay)
    m = (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return theta - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v
''',
        "L2 added to the gradient (Adam with weight decay, not decoupled)": '''
import numpy as np
def adamw_step(theta, grad, m, v, t, lr, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = grad + weight_decay * theta
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
        "decay applied after the update, to the new theta": '''
import numpy as np
def adamw_step(theta, grad, m, v, t, lr, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta * (1 - lr * weight_decay), m, v
''',
        "decay without lr": '''
import numpy as np
def adamw_step(theta, grad, m, v, t, lr, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    theta = theta * (1 - weight_decay)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
        "decay term added to the Adam step but divided by sqrt(v_hat)": '''
import numpy as np
def adamw_step(theta, grad, m, v, t, lr, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return theta - lr * (m_hat + weight_decay * theta) / (np.sqrt(v_hat) + eps), m, v
''',
        "ignores weight_decay (plain Adam)": '''
import numpy as np
def adamw_step(theta, grad, m, v, t, lr, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
        "hard-coded weight decay 0.01 instead of the argument": '''
import numpy as np
def adamw_step(theta, grad, m, v, t, lr, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    theta = theta * (1 - lr * 0.01)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
    },
}

RIGHT = {  # exercise -> {description: a correct implementation written differently}
    "sgd_step": {
        "np.subtract / np.multiply": '''
import numpy as np
def sgd_step(theta, grad, lr):
    return np.subtract(theta, np.multiply(lr, grad))
''',
        "in place on a copy": '''
import numpy as np
def sgd_step(theta, grad, lr):
    new = np.array(theta, dtype=float, copy=True)
    new -= lr * np.asarray(grad)
    return new
''',
    },
    "minibatch_indices": {
        "rng.shuffle of arange, np.split at the batch boundaries": '''
import numpy as np
def minibatch_indices(n, batch_size, rng):
    order = np.arange(n)
    rng.shuffle(order)
    return np.split(order, np.arange(batch_size, n, batch_size))
''',
        "while loop over a permutation": '''
import numpy as np
def minibatch_indices(n, batch_size, rng):
    perm = rng.permutation(np.arange(n, dtype=np.int32))
    batches, start = [], 0
    while start < n:
        batches.append(perm[start:start + batch_size].copy())
        start += batch_size
    return batches
''',
        "argsort of uniform draws": '''
import numpy as np
def minibatch_indices(n, batch_size, rng):
    order = np.argsort(rng.random(n))
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
''',
    },
    "momentum_step": {
        "copy then in place": '''
import numpy as np
def momentum_step(theta, grad, v, lr, beta=0.9):
    v_new = np.array(v, dtype=float, copy=True)
    v_new *= beta
    v_new += grad
    theta_new = np.array(theta, dtype=float, copy=True)
    theta_new -= lr * v_new
    return theta_new, v_new
''',
        "lr-inside form converted back to torch's velocity": '''
import numpy as np
def momentum_step(theta, grad, v, lr, beta=0.9):
    u = beta * (lr * v) + lr * grad        # the other formulation, u = lr * v
    return theta - u, u / lr
''',
    },
    "adagrad_step": {
        "np.square and ** 0.5": '''
import numpy as np
def adagrad_step(theta, grad, G, lr, eps=1e-10):
    G_new = G + np.square(grad)
    return theta - (lr * grad) / (G_new ** 0.5 + eps), G_new
''',
    },
    "rmsprop_step": {
        "lerp form of the moving average": '''
import numpy as np
def rmsprop_step(theta, grad, v, lr, beta=0.9, eps=1e-8):
    v_new = v + (1 - beta) * (grad ** 2 - v)
    return theta - lr * (grad / (v_new ** 0.5 + eps)), v_new
''',
        "denominator first": '''
import numpy as np
def rmsprop_step(theta, grad, v, lr, beta=0.9, eps=1e-8):
    v_new = beta * v + (1.0 - beta) * np.square(grad)
    denom = np.sqrt(v_new) + eps
    return theta - (lr / denom) * grad, v_new
''',
    },
    "adam_step": {
        "textbook m_hat / v_hat order": '''
import numpy as np
def adam_step(theta, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
        "lerp moments, step size folded": '''
import numpy as np
def adam_step(theta, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m_new = m + (1 - beta1) * (grad - m)
    v_new = v + (1 - beta2) * (grad * grad - v)
    step = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    eps_hat = eps * np.sqrt(1 - beta2 ** t)
    return theta - step * m_new / (np.sqrt(v_new) + eps_hat), m_new, v_new
''',
    },
    "adamw_step": {
        "textbook order, decay written as a subtraction": '''
import numpy as np
def adamw_step(theta, grad, m, v, t, lr, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    decayed = theta - lr * weight_decay * theta
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return decayed - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
        "decay and Adam step computed from the old theta, then combined": '''
import numpy as np
def adamw_step(theta, grad, m, v, t, lr, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    m2 = beta1 * m + (1 - beta1) * grad
    v2 = beta2 * v + (1 - beta2) * grad ** 2
    update = (m2 / (1 - beta1 ** t)) / (np.sqrt(v2 / (1 - beta2 ** t)) + eps)
    return theta - lr * (weight_decay * theta + update), m2, v2
''',
    },
}
