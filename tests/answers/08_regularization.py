"""Known answers for 08_regularization: mistakes that must fail, alternatives that must pass."""

WRONG = {  # exercise -> {description of the mistake: source code that defines the name}
    "l2_penalty": {
        "factor 1/2 (the lam/2 convention)": '''
import numpy as np
def l2_penalty(weights, lam):
    return 0.5 * lam * sum(np.sum(w ** 2) for w in weights)
''',
        "square root: the norm instead of the squared norm": '''
import numpy as np
def l2_penalty(weights, lam):
    return lam * np.sqrt(sum(np.sum(w ** 2) for w in weights))
''',
        "forgets lam": '''
import numpy as np
def l2_penalty(weights, lam):
    return sum(np.sum(w ** 2) for w in weights)
''',
        "only the first array of the list": '''
import numpy as np
def l2_penalty(weights, lam):
    return lam * np.sum(weights[0] ** 2)
''',
        "absolute values instead of squares": '''
import numpy as np
def l2_penalty(weights, lam):
    return lam * sum(np.sum(np.abs(w)) for w in weights)
''',
        "mean instead of sum": '''
import numpy as np
def l2_penalty(weights, lam):
    return lam * sum(np.mean(w ** 2) for w in weights)
''',
        "returns one value per array (a list)": '''
import numpy as np
def l2_penalty(weights, lam):
    return [lam * float(np.sum(w ** 2)) for w in weights]
''',
    },
    "l2_penalty_grad": {
        "missing factor 2: lam * W": '''
import numpy as np
def l2_penalty_grad(W, lam):
    return lam * W
''',
        "wrong sign: -2 lam W": '''
import numpy as np
def l2_penalty_grad(W, lam):
    return -2 * lam * W
''',
        "scales W in place and returns it": '''
import numpy as np
def l2_penalty_grad(W, lam):
    W *= 2 * lam
    return W
''',
        "gradient of the norm instead of the squared norm": '''
import numpy as np
def l2_penalty_grad(W, lam):
    return lam * W / np.sqrt(np.sum(W ** 2))
''',
        "forgets lam": '''
import numpy as np
def l2_penalty_grad(W, lam):
    return 2 * W
''',
        "L1 gradient: lam * sign(W)": '''
import numpy as np
def l2_penalty_grad(W, lam):
    return lam * np.sign(W)
''',
    },
    "l1_penalty": {
        "squares instead of absolute values": '''
import numpy as np
def l1_penalty(weights, lam):
    return lam * sum(np.sum(w ** 2) for w in weights)
''',
        "forgets lam": '''
import numpy as np
def l1_penalty(weights, lam):
    return sum(np.sum(np.abs(w)) for w in weights)
''',
        "only the first array of the list": '''
import numpy as np
def l1_penalty(weights, lam):
    return lam * np.sum(np.abs(weights[0]))
''',
        "signed sum (forgets the absolute value)": '''
import numpy as np
def l1_penalty(weights, lam):
    return lam * sum(np.sum(w) for w in weights)
''',
        "abs of each array's sum": '''
import numpy as np
def l1_penalty(weights, lam):
    return lam * sum(abs(np.sum(w)) for w in weights)
''',
        "mean instead of sum": '''
import numpy as np
def l1_penalty(weights, lam):
    return lam * sum(np.mean(np.abs(w)) for w in weights)
''',
    },
    "elastic_net_penalty": {
        "coefficients swapped: l2 on |w|, l1 on w^2": '''
import numpy as np
def elastic_net_penalty(weights, l1, l2):
    return sum(l2 * np.sum(np.abs(w)) + l1 * np.sum(w ** 2) for w in weights)
''',
        "forgets the L2 term": '''
import numpy as np
def elastic_net_penalty(weights, l1, l2):
    return sum(l1 * np.sum(np.abs(w)) for w in weights)
''',
        "forgets the L1 term": '''
import numpy as np
def elastic_net_penalty(weights, l1, l2):
    return sum(l2 * np.sum(w ** 2) for w in weights)
''',
        "L2 part as the norm (square root)": '''
import numpy as np
def elastic_net_penalty(weights, l1, l2):
    a = sum(np.sum(np.abs(w)) for w in weights)
    s = sum(np.sum(w ** 2) for w in weights)
    return l1 * a + l2 * np.sqrt(s)
''',
        "only the first array of the list": '''
import numpy as np
def elastic_net_penalty(weights, l1, l2):
    w = weights[0]
    return l1 * np.sum(np.abs(w)) + l2 * np.sum(w ** 2)
''',
        "one shared coefficient: l1 * (|w| + w^2)": '''
import numpy as np
def elastic_net_penalty(weights, l1, l2):
    return sum(l1 * (np.sum(np.abs(w)) + np.sum(w ** 2)) for w in weights)
''',
    },
    "dropout_forward": {
        "p treated as the keep probability": '''
import numpy as np
def dropout_forward(X, p, rng, train=True):
    if not train:
        return X.copy(), np.ones_like(X)
    mask = (rng.random(X.shape) < p).astype(float)
    if p == 0:
        return np.zeros_like(X), mask
    return X * mask / p, mask
''',
        "no rescaling (vanilla dropout in training)": '''
import numpy as np
def dropout_forward(X, p, rng, train=True):
    if not train:
        return X.copy(), np.ones_like(X)
    mask = (rng.random(X.shape) >= p).astype(float)
    return X * mask, mask
''',
        "classic scaling at evaluation (inverted in training too)": '''
import numpy as np
def dropout_forward(X, p, rng, train=True):
    if not train:
        return X * (1 - p), np.ones_like(X)
    mask = (rng.random(X.shape) >= p).astype(float)
    if p == 1:
        return np.zeros_like(X), mask
    return X * mask / (1 - p), mask
''',
        "drops at evaluation too": '''
import numpy as np
def dropout_forward(X, p, rng, train=True):
    mask = (rng.random(X.shape) >= p).astype(float)
    if p == 1:
        return np.zeros_like(X), mask
    return X * mask / (1 - p), mask
''',
        "returns the drop mask instead of the keep mask": '''
import numpy as np
def dropout_forward(X, p, rng, train=True):
    if not train:
        return X.copy(), np.zeros_like(X)
    drop = rng.random(X.shape) < p
    if p == 1:
        return np.zeros_like(X), drop.astype(float)
    return np.where(drop, 0.0, X / (1 - p)), drop.astype(float)
''',
        "returns the scaled mask mask / (1 - p)": '''
import numpy as np
def dropout_forward(X, p, rng, train=True):
    if not train:
        return X.copy(), np.ones_like(X)
    if p == 1:
        return np.zeros_like(X), np.zeros_like(X)
    mask = (rng.random(X.shape) >= p) / (1 - p)
    return X * mask, mask
''',
        "uses the global np.random generator": '''
import numpy as np
def dropout_forward(X, p, rng, train=True):
    if not train:
        return X.copy(), np.ones_like(X)
    mask = (np.random.rand(*X.shape) >= p).astype(float)
    if p == 1:
        return np.zeros_like(X), mask
    return X * mask / (1 - p), mask
''',
        "ignores rng: a fresh generator with a fixed seed": '''
import numpy as np
def dropout_forward(X, p, rng, train=True):
    if not train:
        return X.copy(), np.ones_like(X)
    mask = (np.random.default_rng(0).random(X.shape) >= p).astype(float)
    if p == 1:
        return np.zeros_like(X), mask
    return X * mask / (1 - p), mask
''',
        "divides by 1 - p even when p = 1 (0/0 warning, NaN)": '''
import numpy as np
def dropout_forward(X, p, rng, train=True):
    if not train:
        return X.copy(), np.ones_like(X)
    mask = (rng.random(X.shape) >= p).astype(float)
    return X * mask / np.float64(1 - p), mask
''',
        "one mask per row shared by every column": '''
import numpy as np
def dropout_forward(X, p, rng, train=True):
    if not train:
        return X.copy(), np.ones_like(X)
    keep = rng.random(X.shape[:1]) >= p
    mask = np.broadcast_to(keep.reshape((-1,) + (1,) * (X.ndim - 1)), X.shape).astype(float)
    if p == 1:
        return np.zeros_like(X), mask
    return X * mask / (1 - p), mask
''',
        "drops in place: modifies X": '''
import numpy as np
def dropout_forward(X, p, rng, train=True):
    if not train:
        return X, np.ones_like(X)
    mask = (rng.random(X.shape) >= p).astype(float)
    if p == 1:
        X *= 0
        return X, mask
    X *= mask / (1 - p)
    return X, mask
''',
    },
    "dropout_backward": {
        "forgets the mask": '''
import numpy as np
def dropout_backward(dout, mask, p):
    if p == 1:
        return np.zeros_like(dout)
    return dout / (1 - p)
''',
        "forgets the 1/(1-p) scale": '''
import numpy as np
def dropout_backward(dout, mask, p):
    return dout * mask
''',
        "multiplies by (1 - p) instead of dividing": '''
import numpy as np
def dropout_backward(dout, mask, p):
    return dout * mask * (1 - p)
''',
        "divides by 1 - p even when p = 1 (0/0 warning, NaN)": '''
import numpy as np
def dropout_backward(dout, mask, p):
    return dout * mask / np.float64(1 - p)
''',
        "uses the inverted mask (gradient to the dropped units)": '''
import numpy as np
def dropout_backward(dout, mask, p):
    if p == 1:
        return np.zeros_like(dout)
    return dout * (1 - np.asarray(mask, float)) / (1 - p)
''',
        "modifies dout in place": '''
import numpy as np
def dropout_backward(dout, mask, p):
    if p == 1:
        dout *= 0
        return dout
    dout *= mask / (1 - p)
    return dout
''',
    },
    "batchnorm_forward": {
        "unbiased variance for the normalisation": '''
import numpy as np
def batchnorm_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5, train=True):
    if train:
        mean, var = X.mean(axis=0), X.var(axis=0, ddof=1)
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var
    else:
        mean, var = running_mean, running_var
    return gamma * (X - mean) / np.sqrt(var + eps) + beta, running_mean, running_var
''',
        "biased variance for the running_var update": '''
import numpy as np
def batchnorm_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5, train=True):
    if train:
        mean, var = X.mean(axis=0), X.var(axis=0)
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var
    else:
        mean, var = running_mean, running_var
    return gamma * (X - mean) / np.sqrt(var + eps) + beta, running_mean, running_var
''',
        "momentum reversed: 0.9 * batch + 0.1 * running (Keras convention)": '''
import numpy as np
def batchnorm_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5, train=True):
    if train:
        n = len(X)
        mean, var = X.mean(axis=0), X.var(axis=0)
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var * n / (n - 1)
    else:
        mean, var = running_mean, running_var
    return gamma * (X - mean) / np.sqrt(var + eps) + beta, running_mean, running_var
''',
        "eps outside the square root": '''
import numpy as np
def batchnorm_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5, train=True):
    if train:
        n = len(X)
        mean, var = X.mean(axis=0), X.var(axis=0)
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    else:
        mean, var = running_mean, running_var
    return gamma * (X - mean) / (np.sqrt(var) + eps) + beta, running_mean, running_var
''',
        "normalises over the wrong axis (each example over its features)": '''
import numpy as np
def batchnorm_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5, train=True):
    if train:
        n = X.shape[0]
        mean, var = X.mean(axis=1, keepdims=True), X.var(axis=1, keepdims=True)
        running_mean = (1 - momentum) * running_mean + momentum * X.mean(axis=0)
        running_var = (1 - momentum) * running_var + momentum * X.var(axis=0) * n / (n - 1)
    else:
        mean, var = running_mean, running_var
    return gamma * (X - mean) / np.sqrt(var + eps) + beta, running_mean, running_var
''',
        "evaluation mode uses the batch statistics": '''
import numpy as np
def batchnorm_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5, train=True):
    n = len(X)
    mean, var = X.mean(axis=0), X.var(axis=0)
    if train:
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    return gamma * (X - mean) / np.sqrt(var + eps) + beta, running_mean, running_var
''',
        "updates running_mean and running_var in place": '''
import numpy as np
def batchnorm_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5, train=True):
    if train:
        n = len(X)
        mean, var = X.mean(axis=0), X.var(axis=0)
        running_mean *= 1 - momentum
        running_mean += momentum * mean
        running_var *= 1 - momentum
        running_var += momentum * var * n / (n - 1)
    else:
        mean, var = running_mean, running_var
    return gamma * (X - mean) / np.sqrt(var + eps) + beta, running_mean, running_var
''',
        "evaluation mode also updates the running statistics": '''
import numpy as np
def batchnorm_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5, train=True):
    n = len(X)
    mean, var = X.mean(axis=0), X.var(axis=0)
    new_mean = (1 - momentum) * running_mean + momentum * mean
    new_var = (1 - momentum) * running_var + momentum * var * (n / (n - 1) if n > 1 else 1.0)
    if not train:
        mean, var = running_mean, running_var
    return gamma * (X - mean) / np.sqrt(var + eps) + beta, new_mean, new_var
''',
        "forgets gamma and beta": '''
import numpy as np
def batchnorm_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5, train=True):
    if train:
        n = len(X)
        mean, var = X.mean(axis=0), X.var(axis=0)
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    else:
        mean, var = running_mean, running_var
    return (X - mean) / np.sqrt(var + eps), running_mean, running_var
''',
        "divides by the standard deviation without eps": '''
import numpy as np
def batchnorm_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5, train=True):
    if train:
        n = len(X)
        mean, var = X.mean(axis=0), X.var(axis=0)
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    else:
        mean, var = running_mean, running_var
    with np.errstate(all="ignore"):
        return gamma * (X - mean) / np.sqrt(var) + beta, running_mean, running_var
''',
    },
    "add_gaussian_noise": {
        "ignores std (unit noise)": '''
import numpy as np
def add_gaussian_noise(X, std, rng):
    return X + rng.standard_normal(X.shape)
''',
        "std used as the variance": '''
import numpy as np
def add_gaussian_noise(X, std, rng):
    return X + rng.normal(0.0, std ** 2, X.shape)
''',
        "uses the global np.random generator": '''
import numpy as np
def add_gaussian_noise(X, std, rng):
    return X + std * np.random.randn(*X.shape)
''',
        "adds the noise in place (modifies X)": '''
import numpy as np
def add_gaussian_noise(X, std, rng):
    X += std * rng.standard_normal(X.shape)
    return X
''',
        "uniform noise with the right standard deviation": '''
import numpy as np
def add_gaussian_noise(X, std, rng):
    a = std * np.sqrt(3.0)
    return X + rng.uniform(-a, a, X.shape)
''',
        "ignores rng: a fresh generator with a fixed seed": '''
import numpy as np
def add_gaussian_noise(X, std, rng):
    return X + std * np.random.default_rng(0).standard_normal(X.shape)
''',
        "one noise value per row (broadcast)": '''
import numpy as np
def add_gaussian_noise(X, std, rng):
    return X + std * rng.standard_normal(X.shape[:1] + (1,) * (X.ndim - 1))
''',
        "returns X itself when std is 0": '''
import numpy as np
def add_gaussian_noise(X, std, rng):
    if std == 0:
        return X
    return X + std * rng.standard_normal(X.shape)
''',
    },
    "horizontal_flip": {
        "flips the first image only (right for a batch of one)": '''
def horizontal_flip(images):
    return images[:1, :, ::-1].copy()
''',
        "also reverses the order of the images in the batch": '''
def horizontal_flip(images):
    return images[::-1, :, ::-1].copy()
''',
        "vertical flip (reverses the rows, axis 1)": '''
import numpy as np
def horizontal_flip(images):
    return images[:, ::-1, :].copy()
''',
        "reverses the order of the images (axis 0)": '''
import numpy as np
def horizontal_flip(images):
    return images[::-1].copy()
''',
        "np.flip over every axis": '''
import numpy as np
def horizontal_flip(images):
    return np.flip(images).copy()
''',
        "returns a view (shares memory with images)": '''
import numpy as np
def horizontal_flip(images):
    return images[:, :, ::-1]
''',
        "flips in place (and gets it wrong through aliasing)": '''
import numpy as np
def horizontal_flip(images):
    images[:] = images[:, :, ::-1]
    return images
''',
        "transposes each image instead of flipping": '''
import numpy as np
def horizontal_flip(images):
    return np.transpose(images, (0, 2, 1)).copy()
''',
        "converts to float": '''
import numpy as np
def horizontal_flip(images):
    return np.asarray(images, dtype=float)[:, :, ::-1].copy()
''',
    },
}

RIGHT = {  # exercise -> {description: a correct implementation written differently}
    "l2_penalty": {
        "one concatenated vector and a dot product": '''
import numpy as np
def l2_penalty(weights, lam):
    v = np.concatenate([np.ravel(w) for w in weights])
    return lam * float(v @ v)
''',
        "explicit loop with np.linalg.norm squared": '''
import numpy as np
def l2_penalty(weights, lam):
    total = 0.0
    for w in weights:
        total += np.linalg.norm(np.ravel(w)) ** 2
    return lam * total
''',
    },
    "l2_penalty_grad": {
        "W + W scaled, via np.multiply": '''
import numpy as np
def l2_penalty_grad(W, lam):
    return np.multiply(W + W, lam)
''',
    },
    "l1_penalty": {
        "np.linalg.norm with ord=1 per flattened array": '''
import numpy as np
def l1_penalty(weights, lam):
    return lam * sum(np.linalg.norm(np.ravel(w), ord=1) for w in weights)
''',
        "loop over every entry": '''
import numpy as np
def l1_penalty(weights, lam):
    total = 0.0
    for w in weights:
        for v in np.ravel(w):
            total += abs(v)
    return lam * total
''',
    },
    "elastic_net_penalty": {
        "built from l1 and l2 pieces": '''
import numpy as np
def elastic_net_penalty(weights, l1, l2):
    a = sum(np.abs(w).sum() for w in weights)
    s = sum((w * w).sum() for w in weights)
    return l1 * a + l2 * s
''',
    },
    "dropout_forward": {
        "binomial keep mask as int, np.where": '''
import numpy as np
def dropout_forward(X, p, rng, train=True):
    if not train:
        return X, np.ones(X.shape, dtype=int)
    mask = rng.binomial(1, 1 - p, size=X.shape)
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    return np.where(mask == 1, X * scale, 0.0), mask
''',
        "bool mask from uniform < 1 - p": '''
import numpy as np
def dropout_forward(X, p, rng, train=True):
    if not train:
        return X.copy(), np.ones(X.shape, dtype=bool)
    mask = rng.random(X.shape) < 1 - p
    out = np.zeros_like(X, dtype=float)
    if p < 1:
        out[mask] = X[mask] / (1 - p)
    return out, mask
''',
    },
    "dropout_backward": {
        "np.where on a boolean view of the mask": '''
import numpy as np
def dropout_backward(dout, mask, p):
    keep = np.asarray(mask).astype(bool)
    if p == 1:
        return np.zeros(np.shape(dout))
    return np.where(keep, dout / (1 - p), 0.0)
''',
    },
    "batchnorm_forward": {
        "sums written out, unbiased variance by hand": '''
import numpy as np
def batchnorm_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5, train=True):
    if not train:
        xhat = (X - running_mean) / np.sqrt(running_var + eps)
        return gamma * xhat + beta, running_mean.copy(), running_var.copy()
    n = X.shape[0]
    mu = X.sum(axis=0) / n
    centred = X - mu
    ss = (centred ** 2).sum(axis=0)
    xhat = centred / np.sqrt(ss / n + eps)
    new_mean = running_mean + momentum * (mu - running_mean)
    new_var = running_var + momentum * (ss / (n - 1) - running_var)
    return gamma * xhat + beta, new_mean, new_var
''',
    },
    "add_gaussian_noise": {
        "rng.normal with scale std": '''
import numpy as np
def add_gaussian_noise(X, std, rng):
    return np.add(X, rng.normal(loc=0.0, scale=std, size=np.shape(X)))
''',
    },
    "horizontal_flip": {
        "np.flip on axis -1, copied": '''
import numpy as np
def horizontal_flip(images):
    return np.flip(images, axis=-1).copy()
''',
        "fancy indexing with a reversed column index": '''
import numpy as np
def horizontal_flip(images):
    cols = np.arange(images.shape[2])[::-1]
    return images[:, :, cols]
''',
    },
}

# Additions (second turn): the batch-norm backward pass.
WRONG["batchnorm_backward"] = {
    "mean and variance treated as constants: dX = gamma * dout / std": '''
import numpy as np
def batchnorm_backward(dout, X, gamma, eps=1e-5):
    mean, var = X.mean(axis=0), X.var(axis=0)
    xhat = (X - mean) / np.sqrt(var + eps)
    return gamma * dout / np.sqrt(var + eps), (dout * xhat).sum(axis=0), dout.sum(axis=0)
''',
    "only the mean path: forgets the variance term": '''
import numpy as np
def batchnorm_backward(dout, X, gamma, eps=1e-5):
    mean, var = X.mean(axis=0), X.var(axis=0)
    xhat = (X - mean) / np.sqrt(var + eps)
    D = gamma * dout
    return (D - D.mean(axis=0)) / np.sqrt(var + eps), (dout * xhat).sum(axis=0), dout.sum(axis=0)
''',
    "unbiased variance (divide by n - 1)": '''
import numpy as np
def batchnorm_backward(dout, X, gamma, eps=1e-5):
    n = X.shape[0]
    mean, var = X.mean(axis=0), X.var(axis=0, ddof=1)
    xhat = (X - mean) / np.sqrt(var + eps)
    D = gamma * dout
    dX = (n * D - D.sum(axis=0) - xhat * (D * xhat).sum(axis=0)) / (n * np.sqrt(var + eps))
    return dX, (dout * xhat).sum(axis=0), dout.sum(axis=0)
''',
    "forgets gamma in dX": '''
import numpy as np
def batchnorm_backward(dout, X, gamma, eps=1e-5):
    n = X.shape[0]
    mean, var = X.mean(axis=0), X.var(axis=0)
    xhat = (X - mean) / np.sqrt(var + eps)
    D = dout
    dX = (n * D - D.sum(axis=0) - xhat * (D * xhat).sum(axis=0)) / (n * np.sqrt(var + eps))
    return dX, (dout * xhat).sum(axis=0), dout.sum(axis=0)
''',
    "dgamma multiplied by gamma, dbeta averaged": '''
import numpy as np
def batchnorm_backward(dout, X, gamma, eps=1e-5):
    n = X.shape[0]
    mean, var = X.mean(axis=0), X.var(axis=0)
    xhat = (X - mean) / np.sqrt(var + eps)
    D = gamma * dout
    dX = (n * D - D.sum(axis=0) - xhat * (D * xhat).sum(axis=0)) / (n * np.sqrt(var + eps))
    return dX, (D * xhat).sum(axis=0), dout.mean(axis=0)
''',
    "parameter gradients summed over the features (axis 1)": '''
import numpy as np
def batchnorm_backward(dout, X, gamma, eps=1e-5):
    n = X.shape[0]
    mean, var = X.mean(axis=0), X.var(axis=0)
    xhat = (X - mean) / np.sqrt(var + eps)
    D = gamma * dout
    dX = (n * D - D.sum(axis=0) - xhat * (D * xhat).sum(axis=0)) / (n * np.sqrt(var + eps))
    return dX, (dout * xhat).sum(axis=1), dout.sum(axis=1)
''',
    "eps outside the square root": '''
import numpy as np
def batchnorm_backward(dout, X, gamma, eps=1e-5):
    n = X.shape[0]
    mean, var = X.mean(axis=0), X.var(axis=0)
    std = np.sqrt(var) + eps
    xhat = (X - mean) / std
    D = gamma * dout
    dX = (n * D - D.sum(axis=0) - xhat * (D * xhat).sum(axis=0)) / (n * std)
    return dX, (dout * xhat).sum(axis=0), dout.sum(axis=0)
''',
}
RIGHT["batchnorm_backward"] = {
    "staged backward through the graph (mean, centred, variance, inverse std)": '''
import numpy as np
def batchnorm_backward(dout, X, gamma, eps=1e-5):
    n = len(X)
    mu = np.sum(X, axis=0) / n
    xc = X - mu
    var = np.sum(xc * xc, axis=0) / n
    std = np.sqrt(var + eps)
    istd = 1.0 / std
    xhat = xc * istd
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * xhat, axis=0)
    dxhat = dout * gamma
    dxc = dxhat * istd
    distd = np.sum(dxhat * xc, axis=0)
    dstd = -distd / std ** 2
    dvar = 0.5 * dstd / std
    dxc = dxc + 2.0 * xc * dvar / n
    dmu = -np.sum(dxc, axis=0)
    dX = dxc + dmu / n
    return dX, dgamma, dbeta
''',
}
