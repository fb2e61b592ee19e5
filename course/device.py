"""Where tensors live: one choice made in one place, so every notebook runs on
CUDA when a GPU is present and on the CPU of a laptop otherwise."""
import os
import random

import numpy as np


def device(prefer=None):
    """Return the ``torch.device`` training should use.

    The order is CUDA, then Apple's MPS, then the CPU. ``prefer`` (or the
    environment variable ``COURSE_DEVICE``) forces a choice such as ``"cpu"``;
    asking for a device that is not available raises ``ValueError``.

    >>> import course
    >>> course.device().type in {"cuda", "mps", "cpu"}
    True
    """
    import torch

    choice = prefer or os.environ.get("COURSE_DEVICE") or None
    available = {
        "cuda": torch.cuda.is_available(),
        "mps": bool(getattr(torch.backends, "mps", None)) and torch.backends.mps.is_available(),
        "cpu": True,
    }
    if choice:
        kind = str(choice).split(":")[0]
        if kind not in available:
            raise ValueError(f"unknown device {choice!r}: use 'cuda', 'mps' or 'cpu'")
        if not available[kind]:
            raise ValueError(f"device {choice!r} was asked for but is not available here")
        return torch.device(choice)
    for kind in ("cuda", "mps"):
        if available[kind]:
            return torch.device(kind)
    return torch.device("cpu")


def seed_everything(seed=0):
    """Seed Python's, NumPy's and (if installed) PyTorch's generators."""
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return
    torch.manual_seed(seed)
