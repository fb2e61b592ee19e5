"""course.data (every data set behind one convention) and course.train (the shared
model, metric and training loop)."""
import numpy as np
import pytest
import torch

from course import data
from course.train import accuracy, fit, make_mlp


def test_digits_layouts_tensors_and_the_two_schemes():
    X, y = data.digits()
    assert X.shape == (1797, 8, 8) and X.dtype == np.float32 and y.dtype == np.int64
    assert 0.0 <= X.min() and X.max() <= 1.0
    assert data.digits(layout="flat")[0].shape == (1797, 64)
    assert data.digits(flat=True)[0].shape == (1797, 64)                # the older spelling
    Xc, yc = data.digits("test", layout="channels", tensors=True, scheme="train/test")
    assert tuple(Xc.shape) == (449, 1, 8, 8) and Xc.dtype == torch.float32 and yc.dtype == torch.int64
    sizes = {p: len(data.digits(p)[1]) for p in ("train", "val", "test")}
    assert sizes == {"train": 1079, "val": 359, "test": 359}
    # the 75/25 scheme is exactly train_test_split(test_frac=0.25, seed=0), as modules 09 and 15 had it
    ref = data.train_test_split(X, y, test_frac=0.25, seed=0)
    got = data.digits("train", scheme="train/test") + data.digits("test", scheme="train/test")
    for a, b in zip(got, ref):
        assert np.array_equal(a, b)


def test_digits_returns_new_arrays_and_refuses_bad_arguments():
    a, _ = data.digits("train")
    a[:] = 0
    assert data.digits("train")[0].max() > 0
    for kwargs in ({"split": "val", "scheme": "train/test"}, {"layout": "column"}, {"scheme": "50/50"}):
        with pytest.raises(ValueError, match="choose from"):
            data.digits(**kwargs)


def test_fit_runs_its_hooks_and_is_reproducible():
    X, y = data.digits("train", layout="flat", tensors=True)
    X, y = X[:256], y[:256]
    seen = {"epochs": [], "steps": 0}

    def after_step(model):
        seen["steps"] += 1

    torch.manual_seed(0)
    a = make_mlp(64, 16, depth=1)
    losses = fit(a, X, y, epochs=3, lr=1e-2, batch_size=64, device="cpu", clip=1.0,
                 after_step=after_step, on_epoch=lambda e, loss: seen["epochs"].append((e, loss)))
    assert seen["steps"] == 3 * 4 and [e for e, _ in seen["epochs"]] == [0, 1, 2]
    assert losses == [loss for _, loss in seen["epochs"]] and losses[-1] < losses[0]
    assert not a.training
    torch.manual_seed(0)
    b = make_mlp(64, 16, depth=1)
    assert fit(b, X, y, epochs=3, lr=1e-2, batch_size=64, device="cpu", clip=1.0) == losses


def test_fit_with_a_custom_step_and_accuracy_under_an_attack():
    X, y = data.digits("train", layout="flat", tensors=True)
    calls = []

    def step(model, optimizer, xb, yb):
        calls.append(len(xb))
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
        return loss.item()

    torch.manual_seed(0)
    model = make_mlp(64, 32, depth=1)
    fit(model, X, y, epochs=2, lr=1e-2, step=step, device="model")
    assert sum(calls) == 2 * len(X)
    clean = accuracy(model, *data.digits("test", layout="flat", tensors=True))
    assert clean > 0.8
    zeroed = accuracy(model, X, y, attack=lambda m, x, t, scale: x * scale, scale=0.0)
    assert zeroed < 0.3
