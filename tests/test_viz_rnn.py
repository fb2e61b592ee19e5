"""Visualizations and helpers of 10_rnn, built headlessly, driven from Python and
checked against PyTorch: the built-in cells against nn.RNNCell / nn.LSTMCell,
the gradient norms against autograd through time, the heatmap against what
nn.LSTM computes, and the drawn artists against those numbers."""
import numpy as np
import pytest
import torch
from torch import nn

from course.data import adding_problem
from course.viz import rnn as R


def ydata(line):
    return np.asarray(line.get_ydata(), float)


def xdata(line):
    return np.asarray(line.get_xdata(), float)


# -- data and built-in cells ------------------------------------------------------------------------
def test_adding_problem_has_two_marks_one_per_half_and_the_right_sum():
    X, y = adding_problem(500, T=12, seed=3)
    assert X.shape == (500, 12, 2) and y.shape == (500, 1)
    assert X.dtype == torch.float32 and y.dtype == torch.float32
    marks = X[:, :, 1].numpy()
    assert set(np.unique(marks)) == {0.0, 1.0}
    assert (marks.sum(axis=1) == 2).all()
    assert (marks[:, :6].sum(axis=1) == 1).all() and (marks[:, 6:].sum(axis=1) == 1).all()
    np.testing.assert_allclose(y[:, 0].numpy(), (X[:, :, 0] * X[:, :, 1]).sum(dim=1).numpy(), rtol=1e-6)
    again, _ = adding_problem(500, T=12, seed=3)
    assert torch.equal(X, again)
    other, _ = adding_problem(500, T=12, seed=4)
    assert not torch.equal(X, other)


def _torch_cell(cell, W, U, b):
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(W.T.copy()))
        cell.weight_hh.copy_(torch.from_numpy(U.T.copy()))
        cell.bias_ih.copy_(torch.from_numpy(b.copy()))
        cell.bias_hh.zero_()
    return cell


def test_builtin_cells_match_torch():
    rng = np.random.default_rng(0)
    n, d, H = 4, 3, 5
    x, h, c = rng.normal(size=(n, d)), rng.uniform(-1, 1, (n, H)), rng.normal(size=(n, H))
    Wx, Wh, b = rng.normal(size=(d, H)), rng.normal(size=(H, H)), rng.normal(size=H)
    cell = _torch_cell(nn.RNNCell(d, H).double(), Wx, Wh, b)
    with torch.no_grad():
        want = cell(torch.from_numpy(x), torch.from_numpy(h)).numpy()
    np.testing.assert_allclose(R._rnn_cell(x, h, Wx, Wh, b), want, rtol=1e-12)

    W, U, b4 = 3 * rng.normal(size=(d, 4 * H)), rng.normal(size=(H, 4 * H)), rng.normal(size=4 * H)
    cell = _torch_cell(nn.LSTMCell(d, H).double(), W, U, b4)
    with torch.no_grad():
        h1, c1 = cell(torch.from_numpy(x), (torch.from_numpy(h), torch.from_numpy(c)))
    got_h, got_c = R._lstm_cell(x, h, c, W, U, b4)
    np.testing.assert_allclose(got_h, h1.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got_c, c1.numpy(), rtol=1e-10, atol=1e-12)


# -- gradient norms through time --------------------------------------------------------------------
def _autograd_norms(T, init_scale, forget_bias):
    """||dL/dh_t|| (and ||dL/dc_t||) from torch autograd through the same networks."""
    p = R.gradient_weights(init_scale, forget_bias)
    X = torch.from_numpy(p["X"][:T].copy())
    v = torch.from_numpy(p["v"].copy())
    Wx, Wh, b = (torch.from_numpy(p[k].copy()) for k in ("Wx", "Wh", "b"))
    H = Wh.shape[0]
    h, hs = torch.zeros(1, H, dtype=torch.float64, requires_grad=True), []
    for t in range(T):
        h = torch.tanh(X[t] @ Wx + h @ Wh + b)
        h.retain_grad()
        hs.append(h)
    (hs[-1] @ v).sum().backward()
    rnn = np.array([x.grad.norm().item() for x in hs])

    cell = _torch_cell(nn.LSTMCell(X.shape[2], H).double(), p["W"], p["U"], p["b_lstm"])
    h, c = torch.zeros(1, H, dtype=torch.float64), torch.zeros(1, H, dtype=torch.float64)
    hs, cs = [], []
    for t in range(T):
        h, c = cell(X[t], (h, c))
        h.retain_grad()
        c.retain_grad()
        hs.append(h)
        cs.append(c)
    (hs[-1] @ v).sum().backward()
    lstm = np.array([x.grad.norm().item() for x in hs])
    lstm_c = np.array([x.grad.norm().item() for x in cs])
    return rnn, lstm, lstm_c


@pytest.mark.parametrize("T,scale,fb", [(30, 1.0, 2.0), (12, 2.5, 0.0), (40, 0.6, 4.0), (2, 1.0, 1.0)])
def test_gradient_norms_match_autograd(T, scale, fb):
    rnn, lstm, lstm_c = _autograd_norms(T, scale, fb)
    got = R.gradient_norms(T, scale, fb)
    np.testing.assert_allclose(got["rnn"], rnn, rtol=1e-8, atol=1e-300)
    np.testing.assert_allclose(got["lstm"], lstm, rtol=1e-8, atol=1e-300)
    np.testing.assert_allclose(got["lstm_c"], lstm_c, rtol=1e-8, atol=1e-300)


def test_gradients_vanish_for_the_rnn_explode_with_large_weights_and_survive_in_the_lstm():
    norms = R.gradient_norms(100, 1.0, 2.0)
    assert norms["rnn"][-1] == pytest.approx(1.0)
    assert norms["rnn"][0] < 1e-8 < norms["lstm"][0]
    assert R.gradient_norms(100, 2.5, 2.0)["rnn"][0] > 1e3           # exploding
    assert R.gradient_norms(100, 1.0, 4.0)["lstm"][0] > 1e2 * R.gradient_norms(100, 1.0, 0.0)["lstm"][0]


def test_gradient_through_time_draws_the_norms_against_steps_back():
    ex = R.gradient_through_time()
    for T, scale, fb in [(60, 1.0, 2.0), (150, 1.8, -1.0), (7, 0.5, 3.0)]:
        ex.set(seq_len=T, init_scale=scale, forget_bias=fb)
        want = R.gradient_norms(T, scale, fb)
        for key in ("rnn", "lstm", "lstm_c"):
            line = ex.artists[key]
            np.testing.assert_allclose(xdata(line), T - np.arange(1, T + 1))
            np.testing.assert_allclose(ydata(line), np.maximum(want[key], 1e-30))
        assert f"T = {T}" in ex.status.value and f"{want['rnn'][0]:.2e}" in ex.status.value
    ax = ex.fig.axes[0]
    assert ax.get_yscale() == "log"
    assert ax.get_xlim()[0] > ax.get_xlim()[1]                  # the loss (0 steps back) on the right
    before = ex.render()
    ex.set(seq_len=100, init_scale=2.5)
    assert ydata(ex.artists["rnn"])[0] > 1e3
    assert not np.array_equal(before, ex.render())


def test_gradient_through_time_runs_the_learners_cells_and_falls_back_from_a_wrong_one():
    calls = []

    def rnn_cell(x, h, Wx, Wh, b):
        calls.append(1)
        return np.tanh(x @ Wx + h @ Wh + b)

    def lstm_cell(x, h, c, W, U, b):
        return R._lstm_cell(x, h, c, W, U, b)

    ex = R.gradient_through_time(rnn_cell, lstm_cell, seq_len=20)
    assert len(calls) > 20 and "built-in" not in ex.status.value
    np.testing.assert_allclose(ydata(ex.artists["rnn"]), R.gradient_norms(20, 1.0, 2.0)["rnn"])

    def wrong(x, h, Wx, Wh, b):
        return 1 / (1 + np.exp(-(x @ Wx + h @ Wh + b)))

    def stub(x, h, c, W, U, b):
        raise NotImplementedError()

    ex = R.gradient_through_time(wrong, stub, seq_len=20)
    assert "wrong failed" in ex.status.value and "not written yet" in ex.status.value
    np.testing.assert_allclose(ydata(ex.artists["rnn"]), R.gradient_norms(20, 1.0, 2.0)["rnn"])


# -- the hidden-state heatmap -------------------------------------------------------------------------
def test_lstm_internals_match_nn_lstm():
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 5, batch_first=True)
    X = torch.randn(4, 7, 3)
    with torch.no_grad():
        out, (h_n, c_n) = lstm(X)
    inside = R.lstm_internals(lstm, X)
    np.testing.assert_allclose(inside["h"], out.double().numpy(), atol=1e-5)
    np.testing.assert_allclose(inside["c"][:, -1], c_n[0].double().numpy(), atol=1e-5)
    for k in "ifo":
        assert ((inside[k] > 0) & (inside[k] < 1)).all()
    # c_t = f c_{t-1} + i g and h = o tanh(c), step by step
    c_prev = np.concatenate([np.zeros((4, 1, 5)), inside["c"][:, :-1]], axis=1)
    np.testing.assert_allclose(inside["c"], inside["f"] * c_prev + inside["i"] * inside["g"], atol=1e-12)
    np.testing.assert_allclose(inside["h"], inside["o"] * np.tanh(inside["c"]), atol=1e-12)


@pytest.fixture(scope="module")
def heatmap():
    return R.hidden_state_heatmap()


def test_the_built_in_lstm_learned_the_adding_problem():
    model, untrained, history = R.trained_adding_lstm()
    assert history[-1] < history[0] / 5
    X, y = adding_problem(500, 30, seed=7)
    with torch.no_grad():
        assert torch.nn.functional.mse_loss(model(X), y).item() < 0.02
        assert torch.nn.functional.mse_loss(untrained(X), y).item() > 0.1


def test_heatmap_shows_the_chosen_quantity_of_the_chosen_sequence(heatmap):
    ex = heatmap
    for sequence, show, model in [(0, "cell state c", "trained LSTM"), (5, "forget gate f", "trained LSTM"),
                                  (19, "hidden state h", "untrained LSTM"), (3, "candidate g", "trained LSTM"),
                                  (3, "input gate i", "untrained LSTM"), (8, "output gate o", "trained LSTM")]:
        ex.set(sequence=sequence, show=show, model=model)
        k = R.QUANTITIES[show]
        want = ex.cache[model]["inside"][k][sequence].T
        np.testing.assert_array_equal(np.asarray(ex.artists["image"].get_array()), want)
        lo, hi = ex.artists["image"].get_clim()
        if k in "ifo":
            assert (lo, hi) == (0.0, 1.0) and want.min() >= 0 and want.max() <= 1
        else:
            assert lo == -hi and np.abs(want).max() <= hi
        np.testing.assert_allclose(ydata(ex.artists["input"]), ex.inputs[sequence])
        marked = ex.artists["marked"].get_offsets()
        assert len(marked) == 2 and np.allclose(ex.inputs[sequence, marked[:, 0].astype(int)], marked[:, 1])
        assert f"{ex.target[sequence]:.3f}" in ex.status.value and model in ex.status.value


def test_heatmap_predictions_and_redraws(heatmap):
    ex = heatmap
    trained, untrained, _ = R.trained_adding_lstm()
    X, _ = adding_problem(20, 30, 123)
    with torch.no_grad():
        np.testing.assert_allclose(ex.cache["trained LSTM"]["pred"], trained(X)[:, 0].double().numpy(), atol=1e-6)
    ex.set(sequence=0, show="cell state c", model="trained LSTM")
    before = ex.render()
    ex.set(sequence=1)
    after = ex.render()
    assert not np.array_equal(before, after)
    ex.set(model="untrained LSTM")
    assert not np.array_equal(after, ex.render())
    # switching between colour scales bakes each scale's static backdrop once
    for show in ["forget gate f", "cell state c", "hidden state h"] * 2:
        ex.set(show=show)
    bakes = ex.backdrop.bakes
    for show in ["forget gate f", "cell state c", "hidden state h"] * 2:
        ex.set(show=show)
        ex.render()
    assert ex.backdrop.bakes == bakes


def test_heatmap_reads_the_learners_model():
    torch.manual_seed(1)
    model = R.SequenceModel("LSTM", 2, 6, 1, num_layers=2)
    ex = R.hidden_state_heatmap(model)
    assert list(ex.controls["model"].options) == ["your model", "untrained copy"]
    X, _ = adding_problem(20, 30, 123)
    with torch.no_grad():
        layer0 = nn.LSTM(2, 6, batch_first=True)
        layer0.load_state_dict({k.replace("_l0", "_l0"): v for k, v in model.rnn.state_dict().items()
                                if k.endswith("_l0")})
        out, _ = layer0(X)
    ex.set(sequence=4, show="hidden state h", model="your model")
    np.testing.assert_allclose(np.asarray(ex.artists["image"].get_array()), out[4].double().numpy().T, atol=1e-5)
    ex.set(model="untrained copy")
    assert not np.allclose(np.asarray(ex.artists["image"].get_array()), out[4].double().numpy().T)
