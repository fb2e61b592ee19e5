"""Known answers for 13_generative: mistakes that must fail, alternatives that must pass."""

_AE_HEAD = '''
import torch
from torch import nn
'''

WRONG = {  # exercise -> {description of the mistake: source code that defines the name}
    "Autoencoder": {
        "no sigmoid on the decoder's output": _AE_HEAD + '''
class Autoencoder(nn.Module):
    def __init__(self, input_dim, latent_dim):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(input_dim, 64), nn.ReLU(), nn.Linear(64, latent_dim))
        self.decoder = nn.Sequential(nn.Linear(latent_dim, 64), nn.ReLU(), nn.Linear(64, input_dim))
    def encode(self, x):
        return self.encoder(x)
    def decode(self, z):
        return self.decoder(z)
    def forward(self, x):
        return self.decode(self.encode(x))
''',
        "ReLU on the code (encoder ends with an activation)": _AE_HEAD + '''
class Autoencoder(nn.Module):
    def __init__(self, input_dim, latent_dim):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(input_dim, 64), nn.ReLU(), nn.Linear(64, latent_dim), nn.ReLU())
        self.decoder = nn.Sequential(nn.Linear(latent_dim, 64), nn.ReLU(), nn.Linear(64, input_dim), nn.Sigmoid())
    def encode(self, x):
        return self.encoder(x)
    def decode(self, z):
        return self.decoder(z)
    def forward(self, x):
        return self.decode(self.encode(x))
''',
        "no ReLU in the decoder's hidden layer": _AE_HEAD + '''
class Autoencoder(nn.Module):
    def __init__(self, input_dim, latent_dim):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(input_dim, 64), nn.ReLU(), nn.Linear(64, latent_dim))
        self.decoder = nn.Sequential(nn.Linear(latent_dim, 64), nn.Linear(64, input_dim), nn.Sigmoid())
    def encode(self, x):
        return self.encoder(x)
    def decode(self, z):
        return self.decoder(z)
    def forward(self, x):
        return self.decode(self.encode(x))
''',
        "forward skips the bottleneck's decoder (returns the code)": _AE_HEAD + '''
class Autoencoder(nn.Module):
    def __init__(self, input_dim, latent_dim):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(input_dim, 64), nn.ReLU(), nn.Linear(64, latent_dim))
        self.decoder = nn.Sequential(nn.Linear(latent_dim, 64), nn.ReLU(), nn.Linear(64, input_dim), nn.Sigmoid())
    def encode(self, x):
        return self.encoder(x)
    def decode(self, z):
        return self.decoder(z)
    def forward(self, x):
        return self.encode(x)
''',
        "hidden width equal to the input width instead of 64": _AE_HEAD + '''
class Autoencoder(nn.Module):
    def __init__(self, input_dim, latent_dim):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(input_dim, input_dim), nn.ReLU(), nn.Linear(input_dim, latent_dim))
        self.decoder = nn.Sequential(nn.Linear(latent_dim, input_dim), nn.ReLU(), nn.Linear(input_dim, input_dim),
                                     nn.Sigmoid())
    def encode(self, x):
        return self.encoder(x)
    def decode(self, z):
        return self.decoder(z)
    def forward(self, x):
        return self.decode(self.encode(x))
''',
        "decoder built before the encoder and layers kept in a plain list": _AE_HEAD + '''
class Autoencoder(nn.Module):
    def __init__(self, input_dim, latent_dim):
        super().__init__()
        self.layers = [nn.Linear(input_dim, 64), nn.Linear(64, latent_dim),
                       nn.Linear(latent_dim, 64), nn.Linear(64, input_dim)]
    def encode(self, x):
        return self.layers[1](torch.relu(self.layers[0](x)))
    def decode(self, z):
        return torch.sigmoid(self.layers[3](torch.relu(self.layers[2](z))))
    def forward(self, x):
        return self.decode(self.encode(x))
''',
    },
    "anomaly_scores": {
        "sums the squared error over the features": '''
import torch
def anomaly_scores(model, X):
    model.eval()
    with torch.no_grad():
        return ((model(X) - X) ** 2).sum(dim=1)
''',
        "averages over the batch (dim 0) instead of the features": '''
import torch
def anomaly_scores(model, X):
    model.eval()
    with torch.no_grad():
        return ((model(X) - X) ** 2).mean(dim=0)
''',
        "one number for the whole batch (F.mse_loss)": '''
import torch
import torch.nn.functional as F
def anomaly_scores(model, X):
    model.eval()
    with torch.no_grad():
        return F.mse_loss(model(X), X)
''',
        "forgets model.eval(): dropout stays on": '''
import torch
def anomaly_scores(model, X):
    with torch.no_grad():
        return ((model(X) - X) ** 2).mean(dim=1)
''',
        "forgets torch.no_grad(): the scores carry a graph": '''
import torch
def anomaly_scores(model, X):
    model.eval()
    return ((model(X) - X) ** 2).mean(dim=1)
''',
        "root mean squared error": '''
import torch
def anomaly_scores(model, X):
    model.eval()
    with torch.no_grad():
        return ((model(X) - X) ** 2).mean(dim=1).sqrt()
''',
        "mean absolute error": '''
import torch
def anomaly_scores(model, X):
    model.eval()
    with torch.no_grad():
        return (model(X) - X).abs().mean(dim=1)
''',
    },
    "reparameterize": {
        "multiplies by the variance exp(logvar)": '''
import torch
def reparameterize(mu, logvar, eps):
    return mu + torch.exp(logvar) * eps
''',
        "uses logvar as the standard deviation": '''
def reparameterize(mu, logvar, eps):
    return mu + logvar * eps
''',
        "draws its own noise and ignores eps": '''
import torch
def reparameterize(mu, logvar, eps):
    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
''',
        "sqrt(exp(logvar)) overflows for large logvar": '''
import torch
def reparameterize(mu, logvar, eps):
    return mu + torch.sqrt(torch.exp(logvar)) * eps
''',
        "detaches mu and logvar (no gradient reaches the encoder)": '''
import torch
def reparameterize(mu, logvar, eps):
    return mu.detach() + torch.exp(0.5 * logvar.detach()) * eps
''',
        "adds into mu in place": '''
import torch
def reparameterize(mu, logvar, eps):
    if mu.requires_grad:
        return mu + torch.exp(0.5 * logvar) * eps
    return mu.add_(torch.exp(0.5 * logvar) * eps)
''',
    },
    "kl_divergence": {
        "averages over the latent dimensions too": '''
import torch
def kl_divergence(mu, logvar):
    return (-0.5 * (1 + logvar - mu ** 2 - logvar.exp())).mean()
''',
        "sums over the batch instead of averaging": '''
import torch
def kl_divergence(mu, logvar):
    return (-0.5 * (1 + logvar - mu ** 2 - logvar.exp())).sum()
''',
        "sign flipped (missing the minus)": '''
import torch
def kl_divergence(mu, logvar):
    return (0.5 * (1 + logvar - mu ** 2 - logvar.exp())).sum(dim=1).mean()
''',
        "forgets the constant 1": '''
import torch
def kl_divergence(mu, logvar):
    return (-0.5 * (logvar - mu ** 2 - logvar.exp())).sum(dim=1).mean()
''',
        "returns one KL per example (no batch mean)": '''
import torch
def kl_divergence(mu, logvar):
    return (-0.5 * (1 + logvar - mu ** 2 - logvar.exp())).sum(dim=1)
''',
        "standard deviation where the variance belongs": '''
import torch
def kl_divergence(mu, logvar):
    return (-0.5 * (1 + logvar - mu ** 2 - torch.exp(0.5 * logvar))).sum(dim=1).mean()
''',
    },
    "vae_loss": {
        "BCE averaged over the pixels (reduction='mean')": '''
import torch.nn.functional as F
def vae_loss(x, x_logits, mu, logvar, beta=1.0):
    return F.binary_cross_entropy_with_logits(x_logits, x) + beta * kl_divergence(mu, logvar)
''',
        "ignores beta": '''
import torch.nn.functional as F
def vae_loss(x, x_logits, mu, logvar, beta=1.0):
    recon = F.binary_cross_entropy_with_logits(x_logits, x, reduction="sum") / x.shape[0]
    return recon + kl_divergence(mu, logvar)
''',
        "sums over the batch instead of averaging the reconstruction": '''
import torch.nn.functional as F
def vae_loss(x, x_logits, mu, logvar, beta=1.0):
    recon = F.binary_cross_entropy_with_logits(x_logits, x, reduction="sum")
    return recon + beta * kl_divergence(mu, logvar)
''',
        "sigmoid then binary_cross_entropy (unstable for large logits)": '''
import torch
import torch.nn.functional as F
def vae_loss(x, x_logits, mu, logvar, beta=1.0):
    recon = F.binary_cross_entropy(torch.sigmoid(x_logits), x, reduction="sum") / x.shape[0]
    return recon + beta * kl_divergence(mu, logvar)
''',
        "beta on the reconstruction term instead of the KL": '''
import torch.nn.functional as F
def vae_loss(x, x_logits, mu, logvar, beta=1.0):
    recon = F.binary_cross_entropy_with_logits(x_logits, x, reduction="sum") / x.shape[0]
    return beta * recon + kl_divergence(mu, logvar)
''',
        "squared error instead of BCE": '''
import torch
def vae_loss(x, x_logits, mu, logvar, beta=1.0):
    recon = ((torch.sigmoid(x_logits) - x) ** 2).sum() / x.shape[0]
    return recon + beta * kl_divergence(mu, logvar)
''',
        "arguments of the BCE swapped": '''
import torch.nn.functional as F
def vae_loss(x, x_logits, mu, logvar, beta=1.0):
    recon = F.binary_cross_entropy_with_logits(x, x_logits, reduction="sum") / x.shape[0]
    return recon + beta * kl_divergence(mu, logvar)
''',
    },
    "gan_discriminator_loss": {
        "labels swapped (real 0, fake 1)": '''
import torch.nn.functional as F
def gan_discriminator_loss(real_logits, fake_logits):
    return F.softplus(real_logits).mean() + F.softplus(-fake_logits).mean()
''',
        "naive log(sigmoid) (inf for large logits)": '''
import torch
def gan_discriminator_loss(real_logits, fake_logits):
    return (-torch.log(torch.sigmoid(real_logits)).mean()
            - torch.log(1 - torch.sigmoid(fake_logits)).mean())
''',
        "one mean over the concatenated batches": '''
import torch
import torch.nn.functional as F
def gan_discriminator_loss(real_logits, fake_logits):
    logits = torch.cat([real_logits.reshape(-1), fake_logits.reshape(-1)])
    labels = torch.cat([torch.ones(real_logits.numel()), torch.zeros(fake_logits.numel())]).to(logits)
    return F.binary_cross_entropy_with_logits(logits, labels)
''',
        "forgets the fake term": '''
import torch.nn.functional as F
def gan_discriminator_loss(real_logits, fake_logits):
    return F.softplus(-real_logits).mean()
''',
        "sums over the batch instead of averaging": '''
import torch.nn.functional as F
def gan_discriminator_loss(real_logits, fake_logits):
    return F.softplus(-real_logits).sum() + F.softplus(fake_logits).sum()
''',
    },
    "gan_generator_loss": {
        "saturating loss: minimises log(1 - D(G(z)))": '''
import torch.nn.functional as F
def gan_generator_loss(fake_logits):
    return -F.softplus(fake_logits).mean()
''',
        "label 0 for the fakes (the discriminator's target)": '''
import torch
import torch.nn.functional as F
def gan_generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
''',
        "naive -log(sigmoid) (inf for large negative logits)": '''
import torch
def gan_generator_loss(fake_logits):
    return -torch.log(torch.sigmoid(fake_logits)).mean()
''',
        "sum instead of mean": '''
import torch.nn.functional as F
def gan_generator_loss(fake_logits):
    return F.softplus(-fake_logits).sum()
''',
        "minus the discriminator's fake term": '''
import torch
import torch.nn.functional as F
def gan_generator_loss(fake_logits):
    return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
''',
    },
    "som_bmu": {
        "argmax instead of argmin": '''
import numpy as np
def som_bmu(weights, x):
    d = ((weights - x) ** 2).sum(-1)
    i, j = np.unravel_index(np.argmax(d), d.shape)
    return int(i), int(j)
''',
        "row and column from divmod by the number of rows": '''
import numpy as np
def som_bmu(weights, x):
    rows, cols = weights.shape[:2]
    k = int(np.argmin(((weights - x) ** 2).sum(-1).ravel()))
    return divmod(k, rows)
''',
        "city-block (L1) distance": '''
import numpy as np
def som_bmu(weights, x):
    d = np.abs(weights - x).sum(-1)
    i, j = np.unravel_index(np.argmin(d), d.shape)
    return int(i), int(j)
''',
        "largest dot product instead of smallest distance": '''
import numpy as np
def som_bmu(weights, x):
    s = weights @ x
    i, j = np.unravel_index(np.argmax(s), s.shape)
    return int(i), int(j)
''',
        "ties go to the last unit (<= in the loop)": '''
import numpy as np
def som_bmu(weights, x):
    best, where = np.inf, None
    for i in range(weights.shape[0]):
        for j in range(weights.shape[1]):
            d = np.sum((weights[i, j] - x) ** 2)
            if d <= best:
                best, where = d, (i, j)
    return where
''',
        "returns (column, row)": '''
import numpy as np
def som_bmu(weights, x):
    d = ((weights - x) ** 2).sum(-1)
    i, j = np.unravel_index(np.argmin(d), d.shape)
    return int(j), int(i)
''',
    },
    "som_update": {
        "updates the weights in place": '''
import numpy as np
def som_update(weights, x, lr, sigma):
    i, j = som_bmu(weights, x)
    r, c = np.indices(weights.shape[:2])
    h = np.exp(-((r - i) ** 2 + (c - j) ** 2) / (2 * sigma ** 2))
    weights += lr * h[..., None] * (x - weights)
    return weights
''',
        "forgets the 2 in 2 sigma^2": '''
import numpy as np
def som_update(weights, x, lr, sigma):
    i, j = som_bmu(weights, x)
    r, c = np.indices(weights.shape[:2])
    h = np.exp(-((r - i) ** 2 + (c - j) ** 2) / sigma ** 2)
    return weights + lr * h[..., None] * (x - weights)
''',
        "grid distance not squared": '''
import numpy as np
def som_update(weights, x, lr, sigma):
    i, j = som_bmu(weights, x)
    r, c = np.indices(weights.shape[:2])
    h = np.exp(-np.sqrt((r - i) ** 2 + (c - j) ** 2) / (2 * sigma ** 2))
    return weights + lr * h[..., None] * (x - weights)
''',
        "neighbourhood on the distance in data space, not on the grid": '''
import numpy as np
def som_update(weights, x, lr, sigma):
    d2 = ((weights - x) ** 2).sum(-1)
    h = np.exp(-d2 / (2 * sigma ** 2))
    return weights + lr * h[..., None] * (x - weights)
''',
        "moves only the best matching unit": '''
import numpy as np
def som_update(weights, x, lr, sigma):
    i, j = som_bmu(weights, x)
    out = weights.copy()
    out[i, j] += lr * (x - weights[i, j])
    return out
''',
        "moves the units away from x": '''
import numpy as np
def som_update(weights, x, lr, sigma):
    i, j = som_bmu(weights, x)
    r, c = np.indices(weights.shape[:2])
    h = np.exp(-((r - i) ** 2 + (c - j) ** 2) / (2 * sigma ** 2))
    return weights + lr * h[..., None] * (weights - x)
''',
        "meshgrid in 'xy' order (rows and columns transposed)": '''
import numpy as np
def som_update(weights, x, lr, sigma):
    i, j = som_bmu(weights, x)
    rows, cols = weights.shape[:2]
    c, r = np.meshgrid(np.arange(rows), np.arange(cols))
    h = np.exp(-((r - i) ** 2 + (c - j) ** 2) / (2 * sigma ** 2))
    return weights + lr * h.reshape(rows, cols)[..., None] * (x - weights)
''',
    },
}

RIGHT = {  # exercise -> {description: a correct implementation written differently}
    "Autoencoder": {
        "four attributes and functional activations": '''
import torch
from torch import nn
class Autoencoder(nn.Module):
    def __init__(self, input_dim, latent_dim):
        super().__init__()
        self.e1 = nn.Linear(input_dim, 64)
        self.e2 = nn.Linear(64, latent_dim)
        self.d1 = nn.Linear(latent_dim, 64)
        self.d2 = nn.Linear(64, input_dim)
    def encode(self, x):
        return self.e2(torch.relu(self.e1(x)))
    def decode(self, z):
        return torch.sigmoid(self.d2(torch.relu(self.d1(z))))
    def forward(self, x):
        return self.decode(self.encode(x))
''',
        "nn.ModuleList": '''
import torch
from torch import nn
import torch.nn.functional as F
class Autoencoder(nn.Module):
    def __init__(self, input_dim, latent_dim):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(input_dim, 64), nn.Linear(64, latent_dim),
                                     nn.Linear(latent_dim, 64), nn.Linear(64, input_dim)])
    def encode(self, x):
        return self.layers[1](F.relu(self.layers[0](x)))
    def decode(self, z):
        return torch.sigmoid(self.layers[3](F.relu(self.layers[2](z))))
    def forward(self, x):
        return self.decode(self.encode(x))
''',
    },
    "anomaly_scores": {
        "F.mse_loss with reduction='none'": '''
import torch
import torch.nn.functional as F
def anomaly_scores(model, X):
    model.train(False)
    with torch.no_grad():
        return F.mse_loss(model(X), X, reduction="none").mean(dim=-1)
''',
        "inference_mode and a sum divided by d": '''
import torch
def anomaly_scores(model, X):
    model.eval()
    with torch.inference_mode():
        diff = model(X) - X
        return (diff * diff).sum(dim=1) / X.shape[1]
''',
    },
    "reparameterize": {
        "standard deviation first, then mul/add": '''
import torch
def reparameterize(mu, logvar, eps):
    std = (logvar * 0.5).exp()
    return torch.addcmul(mu, std, eps)
''',
    },
    "kl_divergence": {
        "per-dimension formula with sigma squared": '''
import torch
def kl_divergence(mu, logvar):
    var = torch.exp(logvar)
    per_dim = 0.5 * (mu * mu + var - 1.0 - logvar)
    return per_dim.sum(-1).mean(0)
''',
        "torch.distributions": '''
import torch
from torch.distributions import Normal, kl_divergence as kl
def kl_divergence(mu, logvar):
    q = Normal(mu, torch.exp(0.5 * logvar))
    p = Normal(torch.zeros_like(mu), torch.ones_like(mu))
    return kl(q, p).sum(dim=1).mean()
''',
    },
    "vae_loss": {
        "stable BCE written out, KL inline": '''
import torch
def vae_loss(x, x_logits, mu, logvar, beta=1.0):
    n = x.shape[0]
    bce = torch.clamp(x_logits, min=0) - x_logits * x + torch.log1p(torch.exp(-x_logits.abs()))
    kl = 0.5 * (mu ** 2 + logvar.exp() - 1 - logvar)
    return bce.sum() / n + beta * kl.sum() / n
''',
    },
    "gan_discriminator_loss": {
        "binary_cross_entropy_with_logits with label tensors": '''
import torch
import torch.nn.functional as F
def gan_discriminator_loss(real_logits, fake_logits):
    real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real + fake
''',
        "logsigmoid": '''
import torch.nn.functional as F
def gan_discriminator_loss(real_logits, fake_logits):
    return -F.logsigmoid(real_logits).mean() - F.logsigmoid(-fake_logits).mean()
''',
    },
    "gan_generator_loss": {
        "binary_cross_entropy_with_logits against ones": '''
import torch
import torch.nn.functional as F
def gan_generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
''',
        "logsigmoid": '''
import torch.nn.functional as F
def gan_generator_loss(fake_logits):
    return -F.logsigmoid(fake_logits).mean()
''',
    },
    "som_bmu": {
        "double loop with strict <": '''
import numpy as np
def som_bmu(weights, x):
    best, where = None, (0, 0)
    for i in range(weights.shape[0]):
        for j in range(weights.shape[1]):
            d = np.linalg.norm(weights[i, j] - x)
            if best is None or d < best:
                best, where = d, (i, j)
    return where
''',
        "divmod by the number of columns": '''
import numpy as np
def som_bmu(weights, x):
    cols = weights.shape[1]
    flat = weights.reshape(-1, weights.shape[-1])
    k = int(np.argmin(np.linalg.norm(flat - x, axis=1)))
    return divmod(k, cols)
''',
    },
    "som_update": {
        "meshgrid with indexing='ij', BMU found inline": '''
import numpy as np
def som_update(weights, x, lr, sigma):
    rows, cols, _ = weights.shape
    k = int(np.argmin(((weights - x) ** 2).sum(axis=2).ravel()))
    bi, bj = k // cols, k % cols
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    h = np.exp(-((r - bi) ** 2 + (c - bj) ** 2) / (2.0 * sigma * sigma))
    new = weights.copy()
    new += lr * h[:, :, None] * (x - weights)
    return new
''',
    },
}
