"""Known answers for 10_rnn: mistakes that must fail, alternatives that must pass."""

WRONG = {  # exercise -> {description of the mistake: source code that defines the name}
    "rnn_cell": {
        "sigmoid instead of tanh": '''
import numpy as np
def rnn_cell(x, h, Wx, Wh, b):
    return 1 / (1 + np.exp(-(x @ Wx + h @ Wh + b)))
''',
        "recurrent weights transposed (h @ Wh.T)": '''
import numpy as np
def rnn_cell(x, h, Wx, Wh, b):
    return np.tanh(x @ Wx + h @ Wh.T + b)
''',
        "forgets the bias": '''
import numpy as np
def rnn_cell(x, h, Wx, Wh, b):
    return np.tanh(x @ Wx + h @ Wh)
''',
        "writes the result into h (out=h) and so modifies its argument": '''
import numpy as np
def rnn_cell(x, h, Wx, Wh, b):
    return np.tanh(x @ Wx + h @ Wh + b, out=h)
''',
        "ReLU instead of tanh": '''
import numpy as np
def rnn_cell(x, h, Wx, Wh, b):
    return np.maximum(0, x @ Wx + h @ Wh + b)
''',
    },
    "rnn_forward": {
        "includes h0: returns T + 1 states": '''
import numpy as np
def rnn_forward(X, h0, Wx, Wh, b):
    h, states = h0, [h0]
    for t in range(X.shape[1]):
        h = np.tanh(X[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    return np.stack(states, axis=1)
''',
        "never feeds the state back: every step starts from h0": '''
import numpy as np
def rnn_forward(X, h0, Wx, Wh, b):
    return np.stack([np.tanh(X[:, t] @ Wx + h0 @ Wh + b) for t in range(X.shape[1])], axis=1)
''',
        "time-major output (T, n, H)": '''
import numpy as np
def rnn_forward(X, h0, Wx, Wh, b):
    h, states = h0, []
    for t in range(X.shape[1]):
        h = np.tanh(X[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    return np.stack(states, axis=0)
''',
        "loops over axis 0 (the batch) as if it were time": '''
import numpy as np
def rnn_forward(X, h0, Wx, Wh, b):
    h, states = h0, []
    for x_t in X:
        h = np.tanh(x_t @ Wx + h @ Wh + b)
        states.append(h)
    return np.stack(states, axis=1)
''',
        "reads the sequence backwards": '''
import numpy as np
def rnn_forward(X, h0, Wx, Wh, b):
    h, states = h0, []
    for t in reversed(range(X.shape[1])):
        h = np.tanh(X[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    return np.stack(states, axis=1)
''',
    },
    "lstm_cell": {
        "gate order i, f, o, g (Keras-like) instead of torch's i, f, g, o": '''
import numpy as np
def lstm_cell(x, h, c, W, U, b):
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    i, f, o, g = np.split(x @ W + h @ U + b, 4, axis=1)
    c_new = s(f) * c + s(i) * np.tanh(g)
    return s(o) * np.tanh(c_new), c_new
''',
        "h = o * c, no tanh on the cell state": '''
import numpy as np
def lstm_cell(x, h, c, W, U, b):
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    i, f, g, o = np.split(x @ W + h @ U + b, 4, axis=1)
    c_new = s(f) * c + s(i) * np.tanh(g)
    return s(o) * c_new, c_new
''',
        "naive sigmoid 1/(1+exp(-z)) overflows on large inputs": '''
import numpy as np
def lstm_cell(x, h, c, W, U, b):
    s = lambda z: 1 / (1 + np.exp(-z))
    i, f, g, o = np.split(x @ W + h @ U + b, 4, axis=1)
    c_new = s(f) * c + s(i) * np.tanh(g)
    return s(o) * np.tanh(c_new), c_new
''',
        "no input gate: c = f * c + g": '''
import numpy as np
def lstm_cell(x, h, c, W, U, b):
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    i, f, g, o = np.split(x @ W + h @ U + b, 4, axis=1)
    c_new = s(f) * c + np.tanh(g)
    return s(o) * np.tanh(c_new), c_new
''',
        "returns (c, h) instead of (h, c)": '''
import numpy as np
def lstm_cell(x, h, c, W, U, b):
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    i, f, g, o = np.split(x @ W + h @ U + b, 4, axis=1)
    c_new = s(f) * c + s(i) * np.tanh(g)
    return c_new, s(o) * np.tanh(c_new)
''',
        "input and forget gates swapped": '''
import numpy as np
def lstm_cell(x, h, c, W, U, b):
    s = lambda z: 0.5 * (1 + np.tanh(0.5 * z))
    i, f, g, o = np.split(x @ W + h @ U + b, 4, axis=1)
    c_new = s(i) * c + s(f) * np.tanh(g)
    return s(o) * np.tanh(c_new), c_new
''',
    },
    "gru_cell": {
        "z and 1 - z swapped: h = z * n + (1 - z) * h": '''
import numpy as np
def gru_cell(x, h, W, U, bw, bu):
    s = lambda v: 0.5 * (1 + np.tanh(0.5 * v))
    a_r, a_z, a_n = np.split(x @ W + bw, 3, axis=1)
    u_r, u_z, u_n = np.split(h @ U + bu, 3, axis=1)
    r, z = s(a_r + u_r), s(a_z + u_z)
    n = np.tanh(a_n + r * u_n)
    return z * n + (1 - z) * h
''',
        "reset gate leaves the hidden bias out: r * (h U_n) + bu_n": '''
import numpy as np
def gru_cell(x, h, W, U, bw, bu):
    s = lambda v: 0.5 * (1 + np.tanh(0.5 * v))
    H = h.shape[1]
    a_r, a_z, a_n = np.split(x @ W + bw, 3, axis=1)
    u_r, u_z, u_n = np.split(h @ U, 3, axis=1)
    r, z = s(a_r + u_r + bu[:H]), s(a_z + u_z + bu[H:2 * H])
    n = np.tanh(a_n + r * u_n + bu[2 * H:])
    return (1 - z) * n + z * h
''',
        "reset gate applied before the matrix: (r * h) U_n (the original paper, not torch)": '''
import numpy as np
def gru_cell(x, h, W, U, bw, bu):
    s = lambda v: 0.5 * (1 + np.tanh(0.5 * v))
    H = h.shape[1]
    a_r, a_z, a_n = np.split(x @ W + bw, 3, axis=1)
    u_r, u_z, _ = np.split(h @ U + bu, 3, axis=1)
    r, z = s(a_r + u_r), s(a_z + u_z)
    n = np.tanh(a_n + (r * h) @ U[:, 2 * H:] + bu[2 * H:])
    return (1 - z) * n + z * h
''',
        "gate order z, r, n": '''
import numpy as np
def gru_cell(x, h, W, U, bw, bu):
    s = lambda v: 0.5 * (1 + np.tanh(0.5 * v))
    a_z, a_r, a_n = np.split(x @ W + bw, 3, axis=1)
    u_z, u_r, u_n = np.split(h @ U + bu, 3, axis=1)
    r, z = s(a_r + u_r), s(a_z + u_z)
    n = np.tanh(a_n + r * u_n)
    return (1 - z) * n + z * h
''',
        "naive sigmoid overflows on large inputs": '''
import numpy as np
def gru_cell(x, h, W, U, bw, bu):
    s = lambda v: 1 / (1 + np.exp(-v))
    a_r, a_z, a_n = np.split(x @ W + bw, 3, axis=1)
    u_r, u_z, u_n = np.split(h @ U + bu, 3, axis=1)
    r, z = s(a_r + u_r), s(a_z + u_z)
    n = np.tanh(a_n + r * u_n)
    return (1 - z) * n + z * h
''',
    },
    "clip_grad_norm": {
        "clips every array to max_norm separately": '''
import numpy as np
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    out = []
    for g in grads:
        norm = float(np.sqrt(np.sum(g ** 2)))
        out.append(g * min(1.0, max_norm / (norm + 1e-6)))
    return out, total
''',
        "also scales small gradients up": '''
import numpy as np
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    coef = max_norm / (total + 1e-6)
    return [g * coef for g in grads], total
''',
        "scales the input arrays in place": '''
import numpy as np
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    coef = max_norm / (total + 1e-6)
    if coef < 1:
        for g in grads:
            g *= coef
    return [g.copy() for g in grads], total
''',
        "no 1e-6 in the denominator": '''
import numpy as np
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    coef = min(1.0, max_norm / total) if total > 0 else 1.0
    return [g * coef for g in grads], total
''',
        "returns the norm after clipping": '''
import numpy as np
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    coef = min(1.0, max_norm / (total + 1e-6))
    return [g * coef for g in grads], total * coef
''',
        "returns the input arrays themselves when nothing is clipped": '''
import numpy as np
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    coef = max_norm / (total + 1e-6)
    if coef >= 1:
        return list(grads), total
    return [g * coef for g in grads], total
''',
        "adds up the norms of the arrays instead of one global norm": '''
import numpy as np
def clip_grad_norm(grads, max_norm):
    total = float(sum(np.sqrt(np.sum(g ** 2)) for g in grads))
    coef = min(1.0, max_norm / (total + 1e-6))
    return [g * coef for g in grads], total
''',
    },
    "SequenceLSTM": {
        "reads the first time step, output[:, 0]": '''
from torch import nn
class SequenceLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, num_layers=1, bidirectional=False):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), output_size)
    def forward(self, x):
        return self.head(self.lstm(x)[0][:, 0])
''',
        "forgets batch_first=True (reads the batch as time)": '''
import torch
from torch import nn
class SequenceLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, num_layers=1, bidirectional=False):
        super().__init__()
        self.bi = bidirectional
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, bidirectional=bidirectional)
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), output_size)
    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        last = torch.cat([h_n[-2], h_n[-1]], dim=1) if self.bi else h_n[-1]
        return self.head(last)
''',
        "bidirectional summary read from output[:, -1]": '''
from torch import nn
class SequenceLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, num_layers=1, bidirectional=False):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), output_size)
    def forward(self, x):
        return self.head(self.lstm(x)[0][:, -1])
''',
        "ignores num_layers": '''
import torch
from torch import nn
class SequenceLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, num_layers=1, bidirectional=False):
        super().__init__()
        self.bi = bidirectional
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), output_size)
    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        last = torch.cat([h_n[-2], h_n[-1]], dim=1) if self.bi else h_n[-1]
        return self.head(last)
''',
        "h_n[0]: the first layer's state when stacked": '''
import torch
from torch import nn
class SequenceLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, num_layers=1, bidirectional=False):
        super().__init__()
        self.bi = bidirectional
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), output_size)
    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        last = torch.cat([h_n[0], h_n[1]], dim=1) if self.bi else h_n[0]
        return self.head(last)
''',
        "ReLU after the head (cannot predict negative values)": '''
import torch
from torch import nn
class SequenceLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, num_layers=1, bidirectional=False):
        super().__init__()
        self.bi = bidirectional
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), output_size)
    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        last = torch.cat([h_n[-2], h_n[-1]], dim=1) if self.bi else h_n[-1]
        return torch.relu(self.head(last))
''',
        "averages the outputs over time instead of the final state": '''
from torch import nn
class SequenceLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, num_layers=1, bidirectional=False):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), output_size)
    def forward(self, x):
        return self.head(self.lstm(x)[0].mean(dim=1))
''',
    },
    "train_sequence_model": {
        "never calls zero_grad: gradients accumulate": '''
import torch
import torch.nn.functional as F
import course
def train_sequence_model(model, X, y, epochs, lr, batch_size, seed=0):
    device = course.device()
    model.to(device).train()
    X, y = X.to(device), y.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=gen)
        total = 0.0
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss = F.mse_loss(model(X[idx]), y[idx])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item() * len(idx)
        history.append(total / len(X))
    return history
''',
        "no gradient clipping": '''
import torch
import torch.nn.functional as F
import course
def train_sequence_model(model, X, y, epochs, lr, batch_size, seed=0):
    device = course.device()
    model.to(device).train()
    X, y = X.to(device), y.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=gen)
        total = 0.0
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss = F.mse_loss(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        history.append(total / len(X))
    return history
''',
        "mean of the batch losses (the smaller last batch counts as much as the others)": '''
import torch
import torch.nn.functional as F
import course
def train_sequence_model(model, X, y, epochs, lr, batch_size, seed=0):
    device = course.device()
    model.to(device).train()
    X, y = X.to(device), y.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=gen)
        losses = []
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss = F.mse_loss(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            losses.append(loss.item())
        history.append(sum(losses) / len(losses))
    return history
''',
        "SGD instead of Adam": '''
import torch
import torch.nn.functional as F
import course
def train_sequence_model(model, X, y, epochs, lr, batch_size, seed=0):
    device = course.device()
    model.to(device).train()
    X, y = X.to(device), y.to(device)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=gen)
        total = 0.0
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss = F.mse_loss(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item() * len(idx)
        history.append(total / len(X))
    return history
''',
        "shuffles with the global generator, ignoring seed": '''
import torch
import torch.nn.functional as F
import course
def train_sequence_model(model, X, y, epochs, lr, batch_size, seed=0):
    device = course.device()
    model.to(device).train()
    X, y = X.to(device), y.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        order = torch.randperm(len(X))
        total = 0.0
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss = F.mse_loss(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item() * len(idx)
        history.append(total / len(X))
    return history
''',
        "clips before backward (clips last step's zeroed gradients: no effect)": '''
import torch
import torch.nn.functional as F
import course
def train_sequence_model(model, X, y, epochs, lr, batch_size, seed=0):
    device = course.device()
    model.to(device).train()
    X, y = X.to(device), y.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=gen)
        total = 0.0
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss = F.mse_loss(model(X[idx]), y[idx])
            opt.zero_grad()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        history.append(total / len(X))
    return history
''',
        "returns the loss of every batch, not of every epoch": '''
import torch
import torch.nn.functional as F
import course
def train_sequence_model(model, X, y, epochs, lr, batch_size, seed=0):
    device = course.device()
    model.to(device).train()
    X, y = X.to(device), y.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=gen)
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss = F.mse_loss(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            history.append(loss.item())
    return history
''',
    },
}

RIGHT = {  # exercise -> {description: a correct implementation written differently}
    "rnn_cell": {"einsum and an explicit bias broadcast": '''
import numpy as np
def rnn_cell(x, h, Wx, Wh, b):
    a = np.einsum("nd,dh->nh", x, Wx) + np.einsum("nk,kh->nh", h, Wh) + b[None, :]
    return np.tanh(a)
'''},
    "rnn_forward": {"preallocated output, tanh written inline": '''
import numpy as np
def rnn_forward(X, h0, Wx, Wh, b):
    n, T, _ = X.shape
    out = np.empty((n, T, Wh.shape[0]))
    h = h0.copy()
    for t in range(T):
        h = np.tanh(X[:, t, :] @ Wx + h @ Wh + b)
        out[:, t, :] = h
    return out
'''},
    "lstm_cell": {"column slices and a logaddexp sigmoid": '''
import numpy as np
def lstm_cell(x, h, c, W, U, b):
    H = h.shape[1]
    z = x @ W + h @ U + b
    sig = lambda v: np.exp(-np.logaddexp(0.0, -v))
    i, f = sig(z[:, :H]), sig(z[:, H:2 * H])
    g, o = np.tanh(z[:, 2 * H:3 * H]), sig(z[:, 3 * H:])
    c2 = f * c + i * g
    h2 = o * np.tanh(c2)
    return (h2, c2)
'''},
    "gru_cell": {"column slices, logaddexp sigmoid, h + (1 - z)(n - h)": '''
import numpy as np
def gru_cell(x, h, W, U, bw, bu):
    H = h.shape[1]
    sig = lambda v: np.exp(-np.logaddexp(0.0, -v))
    a, u = x @ W + bw, h @ U + bu
    r = sig(a[:, :H] + u[:, :H])
    z = sig(a[:, H:2 * H] + u[:, H:2 * H])
    n = np.tanh(a[:, 2 * H:] + r * u[:, 2 * H:])
    return h + (1 - z) * (n - h)
'''},
    "clip_grad_norm": {"flattened concatenation and np.linalg.norm": '''
import numpy as np
def clip_grad_norm(grads, max_norm):
    total_norm = np.linalg.norm(np.concatenate([np.ravel(g) for g in grads]))
    clip_coef = max_norm / (total_norm + 1e-6)
    if clip_coef < 1:
        return [np.array(g) * clip_coef for g in grads], total_norm
    return [np.array(g, copy=True) for g in grads], total_norm
'''},
    "SequenceLSTM": {"final states read from output at both ends": '''
import torch
from torch import nn
class SequenceLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, num_layers=1, bidirectional=False):
        super().__init__()
        self.H, self.bi = hidden_size, bidirectional
        self.rnn = nn.LSTM(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers,
                           batch_first=True, bidirectional=bidirectional)
        self.out = nn.Linear((2 if bidirectional else 1) * hidden_size, output_size)
    def forward(self, x):
        seq, _ = self.rnn(x)
        if self.bi:
            return self.out(torch.cat([seq[:, -1, :self.H], seq[:, 0, self.H:]], dim=1))
        return self.out(seq[:, -1])
'''},
    "train_sequence_model": {"torch.split batches, losses summed as tensors": '''
import torch
import torch.nn.functional as F
import course
def train_sequence_model(model, X, y, epochs, lr, batch_size, seed=0):
    dev = course.device()
    model = model.to(dev)
    model.train()
    X, y = X.to(dev), y.to(dev)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    g = torch.Generator()
    g.manual_seed(seed)
    losses = []
    for epoch in range(epochs):
        running = torch.zeros((), device=dev)
        for idx in torch.split(torch.randperm(X.shape[0], generator=g), batch_size):
            loss = F.mse_loss(model(X[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            running += loss.detach() * idx.numel()
        losses.append(float(running) / X.shape[0])
    return losses
'''},
}
