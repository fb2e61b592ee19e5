import pytest
import torch

import course


def test_cpu_when_nothing_else(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert course.device() == torch.device("cpu")


def test_cuda_first_then_mps(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert course.device().type == "mps"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert course.device().type == "cuda"


def test_forced_choice(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert course.device() == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="not available"):
        course.device("cuda")
    with pytest.raises(ValueError, match="unknown device"):
        course.device("tpu")


def test_tensors_land_on_the_chosen_device():
    x = torch.ones(3, device=course.device())
    assert x.device.type == course.device().type


def test_seed_everything_repeats_draws():
    import numpy as np

    course.seed_everything(3)
    a = (np.random.rand(), torch.rand(1).item())
    course.seed_everything(3)
    assert a == (np.random.rand(), torch.rand(1).item())
