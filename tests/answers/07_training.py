"""Known answers for 07_training: mistakes that must fail, alternatives that must pass."""

WRONG = {  # exercise -> {description of the mistake: source code that defines the name}
    "MLP": {
        "no ReLU between the second and the third layer": '''
from torch import nn
class MLP(nn.Module):
    def __init__(self, input_dim, hidden, num_classes):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(input_dim, hidden), nn.ReLU(),
                                 nn.Linear(hidden, hidden), nn.Linear(hidden, num_classes))
    def forward(self, x):
        return self.net(x)
''',
        "softmax at the end: returns probabilities, not logits": '''
from torch import nn
class MLP(nn.Module):
    def __init__(self, input_dim, hidden, num_classes):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(input_dim, hidden), nn.ReLU(),
                                 nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, num_classes), nn.Softmax(dim=1))
    def forward(self, x):
        return self.net(x)
''',
        "layers kept in a plain Python list (not registered)": '''
import torch
from torch import nn
class MLP(nn.Module):
    def __init__(self, input_dim, hidden, num_classes):
        super().__init__()
        self.layers = [nn.Linear(input_dim, hidden), nn.Linear(hidden, hidden),
                       nn.Linear(hidden, num_classes)]
    def forward(self, x):
        x = torch.relu(self.layers[0](x))
        x = torch.relu(self.layers[1](x))
        return self.layers[2](x)
''',
        "only one hidden layer": '''
from torch import nn
class MLP(nn.Module):
    def __init__(self, input_dim, hidden, num_classes):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(input_dim, hidden), nn.ReLU(),
                                 nn.Linear(hidden, num_classes))
    def forward(self, x):
        return self.net(x)
''',
        "sigmoid instead of ReLU": '''
from torch import nn
class MLP(nn.Module):
    def __init__(self, input_dim, hidden, num_classes):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(input_dim, hidden), nn.Sigmoid(),
                                 nn.Linear(hidden, hidden), nn.Sigmoid(),
                                 nn.Linear(hidden, num_classes))
    def forward(self, x):
        return self.net(x)
''',
        "second hidden layer half as wide": '''
from torch import nn
class MLP(nn.Module):
    def __init__(self, input_dim, hidden, num_classes):
        super().__init__()
        h2 = max(1, hidden // 2)
        self.net = nn.Sequential(nn.Linear(input_dim, hidden), nn.ReLU(),
                                 nn.Linear(hidden, h2), nn.ReLU(), nn.Linear(h2, num_classes))
    def forward(self, x):
        return self.net(x)
''',
        "ReLU after the output layer too": '''
from torch import nn
class MLP(nn.Module):
    def __init__(self, input_dim, hidden, num_classes):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(input_dim, hidden), nn.ReLU(),
                                 nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, num_classes), nn.ReLU())
    def forward(self, x):
        return self.net(x)
''',
        "no biases": '''
from torch import nn
class MLP(nn.Module):
    def __init__(self, input_dim, hidden, num_classes):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(input_dim, hidden, bias=False), nn.ReLU(),
                                 nn.Linear(hidden, hidden, bias=False), nn.ReLU(),
                                 nn.Linear(hidden, num_classes, bias=False))
    def forward(self, x):
        return self.net(x)
''',
    },
    "train_val_test_split": {
        "no shuffling: consecutive ranges": '''
import numpy as np
def train_val_test_split(n, val_frac, test_frac, seed):
    n_val, n_test = round(n * val_frac), round(n * test_frac)
    order = np.arange(n)
    return order[n_val + n_test:], order[:n_val], order[n_val:n_val + n_test]
''',
        "int() truncates the sizes": '''
import numpy as np
def train_val_test_split(n, val_frac, test_frac, seed):
    order = np.random.default_rng(seed).permutation(n)
    n_val, n_test = int(n * val_frac), int(n * test_frac)
    return order[n_val + n_test:], order[:n_val], order[n_val:n_val + n_test]
''',
        "rounds halves up with int(x + 0.5)": '''
import numpy as np
def train_val_test_split(n, val_frac, test_frac, seed):
    order = np.random.default_rng(seed).permutation(n)
    n_val, n_test = int(n * val_frac + 0.5), int(n * test_frac + 0.5)
    return order[n_val + n_test:], order[:n_val], order[n_val:n_val + n_test]
''',
        "uses the global np.random generator": '''
import numpy as np
def train_val_test_split(n, val_frac, test_frac, seed):
    order = np.random.permutation(n)
    n_val, n_test = round(n * val_frac), round(n * test_frac)
    return order[n_val + n_test:], order[:n_val], order[n_val:n_val + n_test]
''',
        "the training part still holds the test indices": '''
import numpy as np
def train_val_test_split(n, val_frac, test_frac, seed):
    order = np.random.default_rng(seed).permutation(n)
    n_val, n_test = round(n * val_frac), round(n * test_frac)
    return order[n_val:], order[:n_val], order[n_val:n_val + n_test]
''',
        "val and test drawn separately, so they can overlap": '''
import numpy as np
def train_val_test_split(n, val_frac, test_frac, seed):
    rng = np.random.default_rng(seed)
    n_val, n_test = round(n * val_frac), round(n * test_frac)
    val = rng.choice(n, n_val, replace=False)
    test = rng.choice(n, n_test, replace=False)
    train = np.setdiff1d(np.arange(n), np.concatenate([val, test]))
    return train, val, test
''',
        "a fixed seed: ignores the seed argument": '''
import numpy as np
def train_val_test_split(n, val_frac, test_frac, seed):
    order = np.random.default_rng(0).permutation(n)
    n_val, n_test = round(n * val_frac), round(n * test_frac)
    return order[n_val + n_test:], order[:n_val], order[n_val:n_val + n_test]
''',
    },
    "train_one_epoch": {
        "forgets optimizer.zero_grad(): gradients accumulate": '''
import torch
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        count += len(y)
    return total / count
''',
        "zero_grad once before the loop only": '''
import torch
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    optimizer.zero_grad()
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        count += len(y)
    return total / count
''',
        "zero_grad between backward and step: nothing learns": '''
import torch
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        total += loss.item() * len(y)
        count += len(y)
    return total / count
''',
        "no model.train()": '''
import torch
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        count += len(y)
    return total / count
''',
        "mean of the batch means": '''
import torch
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    losses = []
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
''',
        "divides by len(loader.dataset) instead of the examples delivered": '''
import torch
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total = 0.0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
    return total / len(loader.dataset)
''',
        "adds up loss tensors and returns a tensor": '''
import torch
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total = total + loss.detach() * len(y)
        count += len(y)
    return total / count
''',
        "forgets optimizer.step()": '''
import torch
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        total += loss.item() * len(y)
        count += len(y)
    return total / count
''',
    },
    "evaluate": {
        "no model.eval()": '''
import torch
def evaluate(model, loader, loss_fn, device):
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            out = model(X)
            total += loss_fn(out, y).item() * len(y)
            correct += (out.argmax(dim=1) == y).sum().item()
            count += len(y)
    return total / count, correct / count
''',
        "no torch.no_grad()": '''
import torch
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total, correct, count = 0.0, 0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        out = model(X)
        total += loss_fn(out, y).item() * len(y)
        correct += (out.argmax(dim=1) == y).sum().item()
        count += len(y)
    return total / count, correct / count
''',
        "argmax over the batch (dim=0)": '''
import torch
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            out = model(X)
            total += loss_fn(out, y).item() * len(y)
            correct += (out.argmax(dim=0) == y).sum().item()
            count += len(y)
    return total / count, correct / count
''',
        "mean of the batch accuracies and batch losses": '''
import torch
def evaluate(model, loader, loss_fn, device):
    model.eval()
    losses, accs = [], []
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            out = model(X)
            losses.append(loss_fn(out, y).item())
            accs.append((out.argmax(dim=1) == y).float().mean().item())
    return sum(losses) / len(losses), sum(accs) / len(accs)
''',
        "accuracy as a count of correct predictions": '''
import torch
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            out = model(X)
            total += loss_fn(out, y).item() * len(y)
            correct += (out.argmax(dim=1) == y).sum().item()
            count += len(y)
    return total / count, float(correct)
''',
        "returns tensors instead of floats": '''
import torch
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            out = model(X)
            total = total + loss_fn(out, y) * len(y)
            correct = correct + (out.argmax(dim=1) == y).sum()
            count += len(y)
    return total / count, correct / count
''',
    },
    "random_search": {
        "keeps the highest score (maximizes)": '''
import numpy as np
def random_search(space, n_trials, objective, seed):
    rng = np.random.default_rng(seed)
    best_params, best_score = None, None
    for _ in range(n_trials):
        params = {k: v[rng.integers(len(v))] for k, v in space.items()}
        score = objective(params)
        if best_score is None or score > best_score:
            best_params, best_score = params, score
    return best_params, best_score
''',
        "one trial too few": '''
import numpy as np
def random_search(space, n_trials, objective, seed):
    rng = np.random.default_rng(seed)
    best_params, best_score = None, float("inf")
    for _ in range(1, n_trials):
        params = {k: v[rng.integers(len(v))] for k, v in space.items()}
        score = objective(params)
        if score < best_score:
            best_params, best_score = params, score
    return best_params, best_score
''',
        "rng.choice turns the choices into NumPy values": '''
import numpy as np
def random_search(space, n_trials, objective, seed):
    rng = np.random.default_rng(seed)
    best_params, best_score = None, float("inf")
    for _ in range(n_trials):
        params = {k: rng.choice(v) for k, v in space.items()}
        score = objective(params)
        if score < best_score:
            best_params, best_score = params, score
    return best_params, best_score
''',
        "the global np.random generator, never seeded": '''
import numpy as np
def random_search(space, n_trials, objective, seed):
    best_params, best_score = None, float("inf")
    for _ in range(n_trials):
        params = {k: v[np.random.randint(len(v))] for k, v in space.items()}
        score = objective(params)
        if score < best_score:
            best_params, best_score = params, score
    return best_params, best_score
''',
        "one dict reused and updated in place for every trial": '''
import numpy as np
def random_search(space, n_trials, objective, seed):
    rng = np.random.default_rng(seed)
    params = {}
    best_params, best_score = None, float("inf")
    for _ in range(n_trials):
        for k, v in space.items():
            params[k] = v[rng.integers(len(v))]
        score = objective(params)
        if score < best_score:
            best_params, best_score = params, score
    return best_params, best_score
''',
        "off by one: the last choice is never drawn": '''
import numpy as np
def random_search(space, n_trials, objective, seed):
    rng = np.random.default_rng(seed)
    best_params, best_score = None, float("inf")
    for _ in range(n_trials):
        params = {k: v[rng.integers(max(1, len(v) - 1))] for k, v in space.items()}
        score = objective(params)
        if score < best_score:
            best_params, best_score = params, score
    return best_params, best_score
''',
        "returns the last trial, not the best": '''
import numpy as np
def random_search(space, n_trials, objective, seed):
    rng = np.random.default_rng(seed)
    for _ in range(n_trials):
        params = {k: v[rng.integers(len(v))] for k, v in space.items()}
        score = objective(params)
    return params, score
''',
        "best score starts at 0, so positive scores never win": '''
import numpy as np
def random_search(space, n_trials, objective, seed):
    rng = np.random.default_rng(seed)
    best_params, best_score = None, 0.0
    for _ in range(n_trials):
        params = {k: v[rng.integers(len(v))] for k, v in space.items()}
        score = objective(params)
        if score < best_score:
            best_params, best_score = params, score
    return best_params, best_score
''',
    },
    "step_decay": {
        "no floor: decays smoothly (epoch / every)": '''
def step_decay(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** (epoch / every)
''',
        "drops one block too early": '''
def step_decay(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** (epoch // every + 1)
''',
        "drops after every + 1 epochs": '''
def step_decay(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** (epoch // (every + 1))
''',
        "multiplies instead of raising to a power": '''
def step_decay(lr0, epoch, drop=0.5, every=10):
    k = epoch // every
    return lr0 * drop * k if k else lr0
''',
        "ignores the every argument": '''
def step_decay(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** (epoch // 10)
''',
    },
    "exponential_decay": {
        "one factor too many: gamma ** (epoch + 1)": '''
def exponential_decay(lr0, epoch, gamma):
    return lr0 * gamma ** (epoch + 1)
''',
        "exp(-gamma * epoch)": '''
import math
def exponential_decay(lr0, epoch, gamma):
    return lr0 * math.exp(-gamma * epoch)
''',
        "inverse-time decay lr0 / (1 + gamma * epoch)": '''
def exponential_decay(lr0, epoch, gamma):
    return lr0 / (1 + gamma * epoch)
''',
        "linear: lr0 * (1 - (1 - gamma) * epoch)": '''
def exponential_decay(lr0, epoch, gamma):
    return lr0 * max(0.0, 1 - (1 - gamma) * epoch)
''',
    },
    "cosine_annealing": {
        "ignores lr_min": '''
import math
def cosine_annealing(lr_max, lr_min, t, T):
    return 0.5 * lr_max * (1 + math.cos(math.pi * t / T))
''',
        "a full cosine period over T: cos(2 pi t / T)": '''
import math
def cosine_annealing(lr_max, lr_min, t, T):
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(2 * math.pi * t / T))
''',
        "clamps t at T (stays at lr_min)": '''
import math
def cosine_annealing(lr_max, lr_min, t, T):
    t = min(t, T)
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * t / T))
''',
        "one epoch ahead: t + 1": '''
import math
def cosine_annealing(lr_max, lr_min, t, T):
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * (t + 1) / T))
''',
        "forgets the factor 1/2": '''
import math
def cosine_annealing(lr_max, lr_min, t, T):
    return lr_min + (lr_max - lr_min) * (1 + math.cos(math.pi * t / T))
''',
    },
    "cosine_warm_restarts": {
        "ignores T_mult": '''
import math
def cosine_warm_restarts(lr_max, lr_min, t, T0, T_mult=1):
    t_cur = t % T0
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * t_cur / T0))
''',
        "restarts one epoch late: t % (T0 + 1)": '''
import math
def cosine_warm_restarts(lr_max, lr_min, t, T0, T_mult=1):
    period = T0 + 1
    while t >= period:
        t -= period
        period *= T_mult
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * t / (period - 1)))
''',
        "reaches lr_min on the last epoch of each period": '''
import math
def cosine_warm_restarts(lr_max, lr_min, t, T0, T_mult=1):
    period = T0
    while t >= period:
        t -= period
        period *= T_mult
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * t / max(1, period - 1)))
''',
        "period grows, but t_cur is measured from 0 modulo the new period": '''
import math
def cosine_warm_restarts(lr_max, lr_min, t, T0, T_mult=1):
    period, start = T0, 0
    while t >= start + period:
        start += period
        period *= T_mult
    t_cur = t % period
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * t_cur / period))
''',
        "ignores lr_min": '''
import math
def cosine_warm_restarts(lr_max, lr_min, t, T0, T_mult=1):
    period = T0
    while t >= period:
        t -= period
        period *= T_mult
    return 0.5 * lr_max * (1 + math.cos(math.pi * t / period))
''',
    },
    "EarlyStopping": {
        "a tie counts as an improvement (<=)": '''
class EarlyStopping:
    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.epoch, self.bad = float("inf"), None, -1, 0
    def step(self, val_loss):
        self.epoch += 1
        if val_loss <= self.best - self.min_delta:
            self.best, self.best_epoch, self.bad = val_loss, self.epoch, 0
        else:
            self.bad += 1
        return self.bad >= self.patience
''',
        "stops one epoch late (count > patience)": '''
class EarlyStopping:
    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.epoch, self.bad = float("inf"), None, -1, 0
    def step(self, val_loss):
        self.epoch += 1
        if val_loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.bad = val_loss, self.epoch, 0
        else:
            self.bad += 1
        return self.bad > self.patience
''',
        "never resets the count after an improvement": '''
class EarlyStopping:
    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.epoch, self.bad = float("inf"), None, -1, 0
    def step(self, val_loss):
        self.epoch += 1
        if val_loss < self.best - self.min_delta:
            self.best, self.best_epoch = val_loss, self.epoch
        else:
            self.bad += 1
        return self.bad >= self.patience
''',
        "best_epoch counts from 1": '''
class EarlyStopping:
    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.epoch, self.bad = float("inf"), None, 0, 0
    def step(self, val_loss):
        self.epoch += 1
        if val_loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.bad = val_loss, self.epoch, 0
        else:
            self.bad += 1
        return self.bad >= self.patience
''',
        "ignores min_delta": '''
class EarlyStopping:
    def __init__(self, patience, min_delta=0.0):
        self.patience = patience
        self.best, self.best_epoch, self.epoch, self.bad = float("inf"), None, -1, 0
    def step(self, val_loss):
        self.epoch += 1
        if val_loss < self.best:
            self.best, self.best_epoch, self.bad = val_loss, self.epoch, 0
        else:
            self.bad += 1
        return self.bad >= self.patience
''',
        "best follows every decrease, even one smaller than min_delta": '''
class EarlyStopping:
    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.epoch, self.bad = float("inf"), None, -1, 0
    def step(self, val_loss):
        self.epoch += 1
        improved = val_loss < self.best - self.min_delta
        if val_loss < self.best:
            self.best, self.best_epoch = val_loss, self.epoch
        self.bad = 0 if improved else self.bad + 1
        return self.bad >= self.patience
''',
        "True only on the patience-th epoch, not after": '''
class EarlyStopping:
    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.epoch, self.bad = float("inf"), None, -1, 0
    def step(self, val_loss):
        self.epoch += 1
        if val_loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.bad = val_loss, self.epoch, 0
        else:
            self.bad += 1
        return self.bad == self.patience
''',
        "a NaN loss counts as an improvement": '''
class EarlyStopping:
    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.epoch, self.bad = float("inf"), None, -1, 0
    def step(self, val_loss):
        self.epoch += 1
        if not (val_loss >= self.best - self.min_delta):
            self.best, self.best_epoch, self.bad = val_loss, self.epoch, 0
        else:
            self.bad += 1
        return self.bad >= self.patience
''',
        "state kept on the class, shared by every instance": '''
class EarlyStopping:
    best, best_epoch, epoch, bad = float("inf"), None, -1, 0
    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        EarlyStopping.best, EarlyStopping.best_epoch = float("inf"), None
        EarlyStopping.epoch, EarlyStopping.bad = -1, 0
    def step(self, val_loss):
        cls = EarlyStopping
        cls.epoch += 1
        if val_loss < cls.best - self.min_delta:
            cls.best, cls.best_epoch, cls.bad = val_loss, cls.epoch, 0
        else:
            cls.bad += 1
        return cls.bad >= self.patience
''',
    },
    "kfold_indices": {
        "no shuffling: contiguous folds": '''
import numpy as np
def kfold_indices(n, k, seed):
    folds = np.array_split(np.arange(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]
''',
        "the last fold takes the whole remainder": '''
import numpy as np
def kfold_indices(n, k, seed):
    order = np.random.default_rng(seed).permutation(n)
    size = n // k
    folds = [order[i * size:(i + 1) * size] for i in range(k - 1)] + [order[(k - 1) * size:]]
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]
''',
        "drops the remainder: some indices never validate": '''
import numpy as np
def kfold_indices(n, k, seed):
    order = np.random.default_rng(seed).permutation(n)
    size = n // k
    folds = [order[i * size:(i + 1) * size] for i in range(k)]
    return [(np.setdiff1d(order, f), f) for f in folds]
''',
        "training part includes the validation fold": '''
import numpy as np
def kfold_indices(n, k, seed):
    order = np.random.default_rng(seed).permutation(n)
    folds = np.array_split(order, k)
    return [(order.copy(), f) for f in folds]
''',
        "folds of ceil(n / k): sizes differ by more than one": '''
import math
import numpy as np
def kfold_indices(n, k, seed):
    order = np.random.default_rng(seed).permutation(n)
    size = math.ceil(n / k)
    folds = [order[i * size:(i + 1) * size] for i in range(k)]
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]
''',
        "uses the global np.random generator": '''
import numpy as np
def kfold_indices(n, k, seed):
    folds = np.array_split(np.random.permutation(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]
''',
    },
}

RIGHT = {  # exercise -> {description: a correct implementation written differently}
    "MLP": {
        "named layers and F.relu in forward": '''
import torch.nn.functional as F
from torch import nn
class MLP(nn.Module):
    def __init__(self, input_dim, hidden, num_classes):
        super().__init__()
        self.fc1 = nn.Linear(input_dim, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, num_classes)
    def forward(self, x):
        return self.out(F.relu(self.fc2(F.relu(self.fc1(x)))))
''',
        "nn.ModuleList and a loop": '''
import torch
from torch import nn
class MLP(nn.Module):
    def __init__(self, input_dim, hidden, num_classes):
        super().__init__()
        sizes = [input_dim, hidden, hidden, num_classes]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = torch.relu(x)
        return x
''',
    },
    "train_val_test_split": {
        "choice without replacement and setdiff1d": '''
import numpy as np
def train_val_test_split(n, val_frac, test_frac, seed):
    rng = np.random.default_rng(seed)
    n_val, n_test = round(n * val_frac), round(n * test_frac)
    held = rng.choice(n, n_val + n_test, replace=False)
    val, test = held[:n_val], held[n_val:]
    train = rng.permutation(np.setdiff1d(np.arange(n), held))
    return train, val, test
''',
        "np.split of a shuffled arange": '''
import numpy as np
def train_val_test_split(n, val_frac, test_frac, seed):
    idx = np.arange(n)
    np.random.default_rng(seed).shuffle(idx)
    n_val, n_test = round(n * val_frac), round(n * test_frac)
    val, test, train = np.split(idx, [n_val, n_val + n_test])
    return train, val, test
''',
    },
    "train_one_epoch": {
        "zero_grad(set_to_none=False) at the end of every step, counting with X.size(0)": '''
import torch
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    optimizer.zero_grad(set_to_none=False)
    running, seen = 0.0, 0
    for batch in loader:
        X, y = (t.to(device) for t in batch)
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=False)
        running += float(loss.detach()) * X.size(0)
        seen += X.size(0)
    return running / seen
''',
    },
    "evaluate": {
        "inference_mode and sums per class of correct predictions": '''
import torch
def evaluate(model, loader, loss_fn, device):
    model.eval()
    loss_sum, hits, seen = 0.0, 0, 0
    with torch.inference_mode():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            logits = model(X)
            n = y.shape[0]
            loss_sum += float(loss_fn(logits, y)) * n
            hits += int(torch.eq(torch.max(logits, 1).indices, y).sum())
            seen += n
    return loss_sum / seen, hits / seen
''',
    },
    "random_search": {
        "Python's random.Random(seed) and a list of trials": '''
import random
def random_search(space, n_trials, objective, seed):
    rng = random.Random(seed)
    results = []
    for _ in range(n_trials):
        params = {name: rng.choice(choices) for name, choices in space.items()}
        results.append((objective(params), params))
    best_score = min(score for score, _ in results)
    best_params = next(p for score, p in results if score == best_score)
    return best_params, best_score
''',
    },
    "step_decay": {
        "repeated multiplication": '''
def step_decay(lr0, epoch, drop=0.5, every=10):
    lr = lr0
    for _ in range(int(epoch) // int(every)):
        lr *= drop
    return lr
''',
    },
    "exponential_decay": {
        "numpy power": '''
import numpy as np
def exponential_decay(lr0, epoch, gamma):
    return float(lr0 * np.power(gamma, epoch))
''',
    },
    "cosine_annealing": {
        "numpy, written as lr_max - (lr_max - lr_min) * (1 - cos) / 2": '''
import numpy as np
def cosine_annealing(lr_max, lr_min, t, T):
    return float(lr_max - (lr_max - lr_min) * (1 - np.cos(np.pi * t / T)) / 2)
''',
    },
    "cosine_warm_restarts": {
        "closed form for the period index": '''
import math
def cosine_warm_restarts(lr_max, lr_min, t, T0, T_mult=1):
    if T_mult == 1:
        t_cur, T_i = t % T0, T0
    else:
        n = int(math.log(t / T0 * (T_mult - 1) + 1, T_mult))
        start = T0 * (T_mult ** n - 1) // (T_mult - 1)
        if t < start:                      # guard against log rounding just below a boundary
            n -= 1
            start = T0 * (T_mult ** n - 1) // (T_mult - 1)
        elif t >= start + T0 * T_mult ** n:
            start += T0 * T_mult ** n
            n += 1
        t_cur, T_i = t - start, T0 * T_mult ** n
    return lr_min + (lr_max - lr_min) * (1 + math.cos(math.pi * t_cur / T_i)) / 2
''',
    },
    "EarlyStopping": {
        "a list of losses, counting since the best": '''
import math
class EarlyStopping:
    def __init__(self, patience, min_delta=0.0):
        self.patience = patience
        self.min_delta = min_delta
        self.losses = []
        self.best = math.inf
        self.best_epoch = None
    def step(self, val_loss):
        self.losses.append(val_loss)
        epoch = len(self.losses) - 1
        if val_loss < self.best - self.min_delta:
            self.best = val_loss
            self.best_epoch = epoch
        since = epoch - (-1 if self.best_epoch is None else self.best_epoch)
        return since >= self.patience
''',
    },
    "kfold_indices": {
        "a fold label per index": '''
import numpy as np
def kfold_indices(n, k, seed):
    labels = np.arange(n) % k
    np.random.default_rng(seed).shuffle(labels)
    return [(np.flatnonzero(labels != i), np.flatnonzero(labels == i)) for i in range(k)]
''',
    },
}
