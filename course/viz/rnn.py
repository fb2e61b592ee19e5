"""Visualizations and helpers for 10_rnn: recurrent networks seen from the inside.

- ``gradient_through_time``: backpropagation through time measured on a real
  tanh RNN and a real LSTM: the norm of dL/dh_t for every step t of a
  sequence whose loss sits at its last step, on a log scale, with sliders for
  the sequence length, the scale of the recurrent weights and the LSTM's
  forget-gate bias. The forward pass can run the learner's ``rnn_cell`` and
  ``lstm_cell``.
- ``hidden_state_heatmap``: the state of every unit of an LSTM at every time
  step of one input sequence of the adding problem (h, c, or one of the four
  gates), for a trained and an untrained LSTM, or for the learner's own model.

Helpers usable on their own: ``adding_problem`` (the generated task of the
module), ``SequenceModel`` and ``fit_sequence_model`` (built-in versions of the
module's model and training loop), ``trained_adding_lstm`` (cached),
``gradient_norms`` (the numbers the first picture draws) and
``lstm_internals`` (the numbers the second one draws).
"""
import functools

import numpy as np

from ..data import adding_problem
from ..train import fit
from .base import (Explorer, dropdown, freeze_layout, int_slider, learner_function, new_figure,
                   slider, visualization)
from .render import Backdrop

__all__ = ["gradient_through_time", "hidden_state_heatmap", "SequenceModel",
           "fit_sequence_model", "trained_adding_lstm", "gradient_norms", "lstm_internals",
           "GRADIENT_SETUP"]

MODULE = "10_rnn"
BLUE, ORANGE, GREEN, RED, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#b0b0b0"


# -- built-in versions of the exercises (same contracts) -------------------------------------------
def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))     # never overflows, unlike 1 / (1 + exp(-z))


def _rnn_cell(x, h, Wx, Wh, b):
    return np.tanh(x @ Wx + h @ Wh + b)


def _lstm_step(x, h, c, W, U, b):
    """One LSTM step: ``(h, c, (i, f, g, o))`` with torch's gate order."""
    i, f, g, o = np.split(x @ W + h @ U + b, 4, axis=-1)
    i, f, g, o = _sigmoid(i), _sigmoid(f), np.tanh(g), _sigmoid(o)
    c = f * c + i * g
    return o * np.tanh(c), c, (i, f, g, o)


def _lstm_cell(x, h, c, W, U, b):
    h, c, _ = _lstm_step(x, h, c, W, U, b)
    return h, c


def _make_sequence_model(kind, input_size, hidden_size, output_size, num_layers=1,
                         bidirectional=False):
    import torch
    from torch import nn

    class SequenceModel(nn.Module):
        """``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN`` (batch_first) and a linear head
        on the last layer's final hidden state (both directions if
        bidirectional): (n, T, input_size) -> (n, output_size)."""

        def __init__(self):
            super().__init__()
            self.rnn = getattr(nn, kind)(input_size, hidden_size, num_layers, batch_first=True,
                                         bidirectional=bidirectional)
            self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), output_size)

        def forward(self, x):
            _, state = self.rnn(x)
            h_n = state[0] if isinstance(state, tuple) else state
            last = torch.cat([h_n[-2], h_n[-1]], dim=1) if bidirectional else h_n[-1]
            return self.head(last)

    return SequenceModel()


def SequenceModel(kind="LSTM", input_size=2, hidden_size=32, output_size=1, num_layers=1,
                  bidirectional=False):
    """A recurrent layer (``kind`` = ``"LSTM"``, ``"GRU"`` or ``"RNN"``) with a
    linear head on its final hidden state: the built-in twin of the module's
    ``SequenceLSTM``, for comparing cell types on the same task.

    Example::

        rnn = SequenceModel("RNN", 2, 32, 1)
        print(rnn(torch.zeros(5, 30, 2)).shape)      # torch.Size([5, 1])
    """
    return _make_sequence_model(kind, input_size, hidden_size, output_size, num_layers,
                                bidirectional)


def fit_sequence_model(model, X, y, epochs, lr, batch_size, seed=0, clip=1.0, progress=None):
    """Train ``model`` with Adam on the mean squared error, exactly as the
    module's ``train_sequence_model`` does (shuffling from
    ``torch.Generator().manual_seed(seed)``, gradient norm clipped at ``clip``,
    on ``course.device()``); returns the mean training loss of every epoch.

    ``progress`` (optional) is called with ``(epoch, loss)`` after every epoch.

    Example::

        X, y = adding_problem(2000)
        history = fit_sequence_model(SequenceModel("LSTM"), X, y, epochs=20, lr=0.01, batch_size=50)
    """
    import torch.nn.functional as F

    return fit(model, X, y, epochs=epochs, lr=lr, batch_size=batch_size, seed=seed,
               loss_fn=lambda out, xb, yb: F.mse_loss(out, yb), clip=clip,
               on_epoch=progress)


@functools.lru_cache(maxsize=4)
def _trained(hidden_size, T, seed, epochs):
    import torch

    torch.manual_seed(seed)
    untrained = SequenceModel("LSTM", 2, hidden_size, 1)
    model = SequenceModel("LSTM", 2, hidden_size, 1)
    model.load_state_dict(untrained.state_dict())
    X, y = adding_problem(2000, T, seed=seed)
    history = fit_sequence_model(model, X, y, epochs=epochs, lr=0.01, batch_size=50, seed=seed)
    return model.cpu().eval(), untrained.eval(), history


def trained_adding_lstm(hidden_size=16, T=30, seed=0, epochs=20):
    """``(trained, untrained, history)``: an LSTM ``SequenceModel`` trained on
    ``adding_problem(2000, T, seed)``, the same network before training, and the
    loss per epoch. Trained once per process (cached); on the CPU afterwards.

    Example::

        model, before, history = trained_adding_lstm()
    """
    return _trained(int(hidden_size), int(T), int(seed), int(epochs))


# -- gradient through time --------------------------------------------------------------------------
#: The fixed random network and input sequence of ``gradient_through_time``.
GRADIENT_SETUP = {"hidden": 32, "inputs": 4, "max_len": 200, "seed": 0}


@functools.lru_cache(maxsize=1)
def _gradient_base():
    H, d, T = GRADIENT_SETUP["hidden"], GRADIENT_SETUP["inputs"], GRADIENT_SETUP["max_len"]
    rng = np.random.default_rng(GRADIENT_SETUP["seed"])
    v = rng.normal(size=H)
    return {
        "X": rng.normal(0.0, 1.0, (T, 1, d)),
        "Wx": rng.normal(0.0, 1.0 / np.sqrt(d), (d, H)),
        "Wh": rng.normal(0.0, 1.0 / np.sqrt(H), (H, H)),      # spectral radius about 1
        "b": np.zeros(H),
        "W": rng.normal(0.0, 1.0 / np.sqrt(d), (d, 4 * H)),
        "U": rng.normal(0.0, 1.0 / np.sqrt(H), (H, 4 * H)),
        "v": v / np.linalg.norm(v),                             # L = v . h_T, so dL/dh_T = v
    }


def gradient_weights(init_scale=1.0, forget_bias=1.0):
    """The weights ``gradient_through_time`` uses: a dict with the RNN's
    ``Wx, Wh, b`` and the LSTM's ``W, U, b_lstm`` (recurrent weights drawn from
    N(0, init_scale^2 / H), forget-gate bias ``forget_bias``), the input
    sequence ``X`` (max_len, 1, d) and the loss direction ``v`` (L = v . h_T)."""
    base = _gradient_base()
    H = GRADIENT_SETUP["hidden"]
    b_lstm = np.zeros(4 * H)
    b_lstm[H:2 * H] = forget_bias
    return {"X": base["X"], "v": base["v"], "Wx": base["Wx"], "Wh": init_scale * base["Wh"],
            "b": base["b"], "W": base["W"], "U": init_scale * base["U"], "b_lstm": b_lstm}


def gradient_norms(T=50, init_scale=1.0, forget_bias=1.0, rnn_cell=None, lstm_cell=None):
    """Backpropagation through time, step by step, for L = v . h_T.

    Runs the RNN and the LSTM of ``gradient_weights(init_scale, forget_bias)``
    forward over the first ``T`` inputs (with ``rnn_cell`` / ``lstm_cell`` if
    given, else built-in cells of the same contracts), then backward, and
    returns a dict of arrays of length ``T``: ``"rnn"`` = ||dL/dh_t|| of the
    RNN, ``"lstm"`` = ||dL/dh_t|| and ``"lstm_c"`` = ||dL/dc_t|| of the LSTM,
    for t = 1..T (index t - 1).

    Example::

        norms = gradient_norms(T=100)
        print(norms["rnn"][0], norms["lstm"][0])     # how much of the signal reaches t = 1
    """
    rnn_cell = rnn_cell or _rnn_cell
    lstm_cell = lstm_cell or _lstm_cell
    p = gradient_weights(init_scale, forget_bias)
    X, v, H = p["X"][:T], p["v"][None, :], GRADIENT_SETUP["hidden"]

    # RNN: dL/dh_{t-1} = (dL/dh_t * (1 - h_t^2)) Wh^T
    h, hs = np.zeros((1, H)), []
    for x in X:
        h = np.asarray(rnn_cell(x, h, p["Wx"], p["Wh"], p["b"]), dtype=float)
        hs.append(h)
    rnn = np.empty(T)
    g = v
    for t in range(T - 1, -1, -1):
        rnn[t] = np.linalg.norm(g)
        g = (g * (1.0 - hs[t] ** 2)) @ p["Wh"].T

    # LSTM: the forward pass gives h and c; the gates are recomputed from them.
    h, c, states = np.zeros((1, H)), np.zeros((1, H)), []
    for x in X:
        h_new, c_new, gates = _lstm_step(x, h, c, p["W"], p["U"], p["b_lstm"])
        if lstm_cell is not _lstm_cell:            # the learner's cell drives the forward pass
            h_new, c_new = lstm_cell(x, h, c, p["W"], p["U"], p["b_lstm"])
        states.append((c, np.asarray(c_new, dtype=float), gates))
        h, c = np.asarray(h_new, dtype=float), np.asarray(c_new, dtype=float)
    lstm, lstm_c = np.empty(T), np.empty(T)
    gh, gc = v, np.zeros((1, H))
    for t in range(T - 1, -1, -1):
        c_prev, c_t, (i, f, g_, o) = states[t]
        tc = np.tanh(c_t)
        gc = gc + gh * o * (1.0 - tc ** 2)            # everything that reaches c_t
        lstm[t], lstm_c[t] = np.linalg.norm(gh), np.linalg.norm(gc)
        dz = np.concatenate([gc * g_ * i * (1 - i), gc * c_prev * f * (1 - f),
                             gc * i * (1 - g_ ** 2), gh * tc * o * (1 - o)], axis=1)
        gh, gc = dz @ p["U"].T, gc * f
    return {"rnn": rnn, "lstm": lstm, "lstm_c": lstm_c}


def _probe_rnn(fn):
    out = np.asarray(fn(np.ones((1, 2)), np.zeros((1, 3)), np.ones((2, 3)), np.eye(3), np.zeros(3)))
    if out.shape != (1, 3) or not np.allclose(out, np.tanh(2.0)):
        raise ValueError("it disagrees with tanh(x Wx + h Wh + b) on a small example")


def _probe_lstm(fn):
    H = 2
    x, h, c = np.ones((1, 1)), np.full((1, H), 0.5), np.full((1, H), -0.3)
    W, U, b = np.linspace(-1, 1, 4 * H)[None, :], np.eye(H, 4 * H), np.linspace(0, 0.5, 4 * H)
    got = fn(x, h, c, W, U, b)
    want = _lstm_cell(x, h, c, W, U, b)
    if not all(np.allclose(np.asarray(a), w) for a, w in zip(got, want)):
        raise ValueError("it disagrees with the LSTM equations on a small example")


def _floor(values, lo=1e-30):
    return np.maximum(values, lo)


@visualization(MODULE)
def gradient_through_time(rnn_cell=None, lstm_cell=None, seq_len=60, init_scale=1.0,
                          forget_bias=2.0):
    """How much gradient reaches each time step: ||dL/dh_t|| on a log scale,
    for a tanh RNN (blue) and an LSTM (orange; dashed: ||dL/dc_t||), both with
    32 units, reading the same random input sequence of length T, with the
    loss L = v . h_T at the last step. The x axis counts steps back from the
    loss (T - t): the loss sits at the right edge, t = 1 at the left end of
    each curve.

    Sliders: the sequence length T, the scale of the recurrent weights (drawn
    from N(0, scale^2 / H); the scale is about the spectral radius of the
    RNN's recurrent matrix), and the LSTM's forget-gate bias. The status line
    gives the gradient that reaches t = 1 and the average factor per step.

    ``rnn_cell`` / ``lstm_cell``: the learner's functions (the exercises'
    contracts) to run the forward pass; built-in ones otherwise.

    Example::

        gradient_through_time(rnn_cell, lstm_cell, seq_len=100)
    """
    rnn_cell, note_r = learner_function(rnn_cell, _probe_rnn, _rnn_cell)
    lstm_cell, note_l = learner_function(lstm_cell, _probe_lstm, _lstm_cell)
    T_max = GRADIENT_SETUP["max_len"]
    controls = {
        "seq_len": int_slider(seq_len, 2, T_max, "sequence length T"),
        "init_scale": slider(init_scale, 0.25, 3.0, 0.05, "recurrent weight scale"),
        "forget_bias": slider(forget_bias, -3.0, 5.0, 0.25, "LSTM forget bias"),
    }
    fig = new_figure(7.0, 3.8)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_yscale("log")
    ax.set_ylim(1e-24, 1e12)
    ax.set_xlim(T_max - 1, 0)                         # time runs left to right, the loss is at 0
    ax.axhline(1.0, color=GREY, lw=0.8, zorder=0)
    (line_rnn,) = ax.plot([], [], color=BLUE, lw=2, label=r"RNN  $\|\partial L/\partial h_t\|$")
    (line_lstm,) = ax.plot([], [], color=ORANGE, lw=2, label=r"LSTM $\|\partial L/\partial h_t\|$")
    (line_c,) = ax.plot([], [], color=ORANGE, lw=1.2, ls="--", alpha=0.8,
                        label=r"LSTM $\|\partial L/\partial c_t\|$")
    ax.set_xlabel("steps back from the loss, T - t")
    ax.set_ylabel("gradient norm (log scale)")
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(True, which="major", alpha=0.3)

    def factor(norms):
        if len(norms) < 2 or norms[0] <= 0:
            return 0.0
        return (norms[0] / norms[-1]) ** (1.0 / (len(norms) - 1))

    def draw(seq_len, init_scale, forget_bias):
        backdrop.bake(None)
        T = int(seq_len)
        norms = gradient_norms(T, init_scale, forget_bias, rnn_cell, lstm_cell)
        back = T - np.arange(1, T + 1)                # T - t for t = 1..T
        line_rnn.set_data(back, _floor(norms["rnn"]))
        line_lstm.set_data(back, _floor(norms["lstm"]))
        line_c.set_data(back, _floor(norms["lstm_c"]))
        ex.norms = norms
        return (f"T = {T}: the gradient that reaches t = 1 is <b>{norms['rnn'][0]:.2e}</b> for the "
                f"RNN (&times;{factor(norms['rnn']):.3f} per step) and "
                f"<b>{norms['lstm'][0]:.2e}</b> for the LSTM "
                f"(&times;{factor(norms['lstm']):.3f} per step; through c: "
                f"{norms['lstm_c'][0]:.2e})." + note_r + note_l)

    freeze_layout(fig)
    backdrop = Backdrop(fig, [line_rnn, line_lstm, line_c])
    ex = Explorer.__new__(Explorer)
    Explorer.__init__(ex, controls, fig, draw, title="Backpropagation through time: RNN vs LSTM")
    ex.artists = {"rnn": line_rnn, "lstm": line_lstm, "lstm_c": line_c}
    ex.backdrop = backdrop
    return ex


# -- the hidden state, unit by unit ------------------------------------------------------------------
QUANTITIES = {"hidden state h": "h", "cell state c": "c", "input gate i": "i",
              "forget gate f": "f", "candidate g": "g", "output gate o": "o"}


def lstm_internals(lstm, X):
    """Every internal of the first layer (forward direction) of ``lstm``, an
    ``nn.LSTM`` (batch_first) or ``nn.LSTMCell``, over the sequences ``X``
    (n, T, input_size): a dict of float64 arrays (n, T, H) under ``"h"``,
    ``"c"``, ``"i"``, ``"f"``, ``"g"``, ``"o"``.

    Example::

        model, _, _ = trained_adding_lstm()
        inside = lstm_internals(model.rnn, adding_problem(5)[0])
        inside["f"][0, :, 3]          # unit 3's forget gate over the first sequence
    """
    suffix = "_l0" if hasattr(lstm, "weight_ih_l0") else ""
    W = getattr(lstm, "weight_ih" + suffix).detach().cpu().double().numpy().T
    U = getattr(lstm, "weight_hh" + suffix).detach().cpu().double().numpy().T
    b = np.zeros(W.shape[1])
    for name in ("bias_ih", "bias_hh"):
        bias = getattr(lstm, name + suffix, None)
        if bias is not None:
            b = b + bias.detach().cpu().double().numpy()
    X = np.asarray(X.detach().cpu().double().numpy() if hasattr(X, "detach") else X, dtype=float)
    n, T, _ = X.shape
    H = U.shape[0]
    out = {k: np.empty((n, T, H)) for k in "hcifgo"}
    h, c = np.zeros((n, H)), np.zeros((n, H))
    for t in range(T):
        h, c, gates = _lstm_step(X[:, t], h, c, W, U, b)
        out["h"][:, t], out["c"][:, t] = h, c
        for k, gate in zip("ifgo", gates):
            out[k][:, t] = gate
    return out


def _first_lstm(model):
    from torch import nn

    for module in model.modules():
        if isinstance(module, (nn.LSTM, nn.LSTMCell)):
            return module
    raise ValueError("the model contains no nn.LSTM")


def _untrained_copy(model, seed=0):
    """The same architecture with freshly initialised weights."""
    import copy

    import torch

    fresh = copy.deepcopy(model).cpu()
    torch.manual_seed(seed)
    for module in fresh.modules():
        if hasattr(module, "reset_parameters"):
            module.reset_parameters()
    return fresh


class _Backdrops(Backdrop):
    """A ``Backdrop`` that keeps one baked image per key, so switching back
    and forth between a few static states (colour scales) bakes each once."""

    def __init__(self, fig, dynamic):
        super().__init__(fig, dynamic)
        self.images = {}

    def bake(self, key):
        full = (key, self._size())
        if full == self.key and self.image is not None:
            return
        if full in self.images and self.hidden:
            self.image, self.key = self.images[full], full
            return
        super().bake(key)
        self.images[full] = self.image


def _summary(model, X):
    import torch

    lstm = _first_lstm(model)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        param = next(model.parameters())
        pred = model(X.to(param.device)).detach().cpu().double().numpy().reshape(len(X), -1)[:, 0]
    model.train(was_training)
    return {"inside": lstm_internals(lstm, X), "pred": pred}


@visualization(MODULE)
def hidden_state_heatmap(model=None, T=30, n_sequences=20, seed=123):
    """What an LSTM holds while it reads a sequence of the adding problem.

    Top: the input sequence (values; the two marked ones in red). Bottom: a
    heatmap of one quantity of the first LSTM layer (forward direction), one
    row per unit, one column per time step: the hidden state h, the cell state
    c, or one of the gates i, f, g, o. The status line gives the target and
    the model's answer.

    ``model``: a trained model of yours (any ``nn.Module`` containing an
    ``nn.LSTM`` with ``input_size=2``, called on (n, T, 2) batches); by default
    a built-in 16-unit LSTM trained on the adding problem (a few seconds, once
    per session). The model dropdown switches to the same architecture with
    fresh, untrained weights.

    Example::

        hidden_state_heatmap()                  # the built-in trained LSTM
        hidden_state_heatmap(my_model)          # yours
    """
    if model is None:
        trained, untrained, _ = trained_adding_lstm(T=30)
        models = {"trained LSTM": trained, "untrained LSTM": untrained}
    else:
        models = {"your model": model, "untrained copy": _untrained_copy(model)}
    X, y = adding_problem(n_sequences, T, seed)
    cache = {name: _summary(m, X) for name, m in models.items()}
    H = cache[next(iter(models))]["inside"]["h"].shape[2]
    values = X[:, :, 0].double().numpy()
    marks = X[:, :, 1].numpy() > 0.5
    target = y[:, 0].double().numpy()

    controls = {
        "sequence": int_slider(0, 0, n_sequences - 1, "sequence"),
        "show": dropdown(list(QUANTITIES), "cell state c", "show"),
        "model": dropdown(list(models), next(iter(models)), "model"),
    }
    fig = new_figure(6.6, 4.2)
    grid = fig.add_gridspec(2, 2, height_ratios=[1, 3], width_ratios=[40, 1])
    ax_in = fig.add_subplot(grid[0, 0])
    ax_map = fig.add_subplot(grid[1, 0], sharex=ax_in)
    ax_bar = fig.add_subplot(grid[1, 1])
    t = np.arange(T)
    (line_in,) = ax_in.plot(t, values[0], color=GREY, marker="o", ms=3, lw=1)
    marked = ax_in.scatter([], [], color=RED, s=30, zorder=3)
    ax_in.set_ylim(-0.1, 1.1)
    ax_in.set_ylabel("input")
    ax_in.tick_params(labelbottom=False)
    image = ax_map.imshow(np.zeros((H, T)), aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1,
                          interpolation="nearest", origin="lower",
                          extent=(-0.5, T - 0.5, -0.5, H - 0.5))
    fig.colorbar(image, cax=ax_bar)
    ax_map.set_xlabel("time step t")
    ax_map.set_ylabel("unit")

    def scale(k, model):
        if k in "ifo":
            return "viridis", 0.0, 1.0
        if k == "c":
            top = max(1.0, float(np.abs(cache[model]["inside"]["c"]).max()))
            return "RdBu_r", -top, top
        return "RdBu_r", -1.0, 1.0

    def draw(sequence, show, model):
        k = QUANTITIES[show]
        cmap, lo, hi = scale(k, model)
        image.set_cmap(cmap)
        image.set_clim(lo, hi)
        backdrop.bake((cmap, lo, hi))   # the colour bar is static: baked once per colour scale
        data = cache[model]["inside"][k][sequence].T             # (H, T)
        image.set_data(data)
        line_in.set_ydata(values[sequence])
        where = np.flatnonzero(marks[sequence])
        marked.set_offsets(np.column_stack([where, values[sequence, where]]))
        ex.shown = data
        a, b = values[sequence, where]
        return (f"{model}, sequence {sequence}: marked values {a:.3f} (t = {where[0]}) + "
                f"{b:.3f} (t = {where[1]}) = <b>{target[sequence]:.3f}</b>; the model answers "
                f"<b>{cache[model]['pred'][sequence]:.3f}</b>. Showing {show} of {H} units.")

    freeze_layout(fig)
    backdrop = _Backdrops(fig, [image, line_in, marked])
    ex = Explorer.__new__(Explorer)
    Explorer.__init__(ex, controls, fig, draw, title="Inside an LSTM reading the adding problem")
    ex.artists = {"image": image, "input": line_in, "marked": marked}
    ex.cache, ex.inputs, ex.target, ex.backdrop = cache, values, target, backdrop
    return ex
