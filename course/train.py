"""Models, metrics and the one training loop the notebooks and visualizations share.

- ``make_mlp``: ``depth`` hidden ReLU layers, then a linear output (logits);
- ``accuracy``: the fraction a classifier gets right (optionally under an attack);
- ``fit``: mini-batch training on tensors ``(X, y)``: shuffled by a seeded generator,
  Adam, with hooks for what differs between uses (the loss, a whole custom step,
  gradient clipping, something to do after each step, a report after each epoch
  for live plots, a progress bar).

PyTorch is imported when these are called, not when this module is imported.
"""
import os

__all__ = ["make_mlp", "accuracy", "fit"]


def make_mlp(input_dim=64, width=64, depth=2, num_classes=10):
    """``depth`` hidden layers of ``width`` ReLU units, then a linear output:
    an ``nn.Sequential`` returning logits (``depth=2`` is module 07's MLP).

    Example::

        model = make_mlp(64, 32, depth=3)     # 64 -> 32 -> 32 -> 32 -> 10
    """
    from torch import nn

    layers, d = [], input_dim
    for _ in range(depth):
        layers += [nn.Linear(d, width), nn.ReLU()]
        d = width
    layers.append(nn.Linear(d, num_classes))
    return nn.Sequential(*layers)


def accuracy(model, X, y, attack=None, **attack_args):
    """Fraction of ``X`` that ``model`` (put in eval mode, no gradients) classifies
    as ``y``; with ``attack``, of ``attack(model, X, y, **attack_args)`` instead.
    ``X`` and ``y`` are moved to the model's device.

    Example::

        accuracy(model, X_test, y_test)                               # e.g. 0.97
        accuracy(model, X_test, y_test, fgsm_attack, eps=0.1)         # under FGSM
    """
    import torch

    model.eval()
    dev = next(model.parameters()).device
    X, y = X.to(dev), y.to(dev)
    if attack is not None:
        X = attack(model, X, y, **attack_args)
    with torch.no_grad():
        return float((model(X).argmax(dim=1) == y).float().mean())


def _cross_entropy(out, X, y):
    import torch.nn.functional as F

    return F.cross_entropy(out, y)


def fit(model, X, y, epochs=20, lr=3e-3, batch_size=64, seed=0, loss_fn=None, step=None,
        clip=None, after_step=None, on_epoch=None, device=None, progress=False,
        train_mode=True, generator=None):
    """Train ``model`` with Adam on ``(X, y)``; returns the mean loss of every epoch
    and leaves the model in eval mode.

    Each epoch shuffles with ``torch.Generator().manual_seed(seed)`` (made once, so
    the same arguments give the same run; or ``generator``, to share it with a ``step``
    that draws noise too) and walks the batches:

    - ``loss_fn(logits, X_batch, y_batch)`` gives a batch's loss (default:
      cross-entropy); distillation passes one that also asks a teacher;
    - ``step(model, optimizer, X_batch, y_batch) -> float`` replaces the whole
      optimizer step (adversarial training passes one);
    - ``clip``: the gradient norm is clipped to it before each step;
    - ``after_step(model)`` runs after every step (e.g. to re-apply a pruning mask);
    - ``on_epoch(epoch, loss)`` after every epoch (live plots, dashboards);
    - ``progress=True`` shows a tqdm bar (never while nbgrader executes).

    The model and data go to ``device`` (default ``course.device()``); with
    ``device="model"`` they stay where the model's parameters are.

    Example::

        losses = fit(make_mlp(), *digits("train", layout="flat", tensors=True), epochs=10)
    """
    import torch

    if device == "model":
        device = next(model.parameters()).device
    elif device is None:
        from .device import device as _device
        device = _device()
    model.to(device)
    X, y = X.to(device), y.to(device)
    loss_fn = loss_fn or _cross_entropy
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    gen = generator if generator is not None else torch.Generator().manual_seed(seed)
    epochs_iter = range(epochs)
    if progress:
        from tqdm.auto import tqdm
        epochs_iter = tqdm(epochs_iter, desc="training", leave=False,
                           disable=bool(os.environ.get("NBGRADER_EXECUTION")))
    losses = []
    for epoch in epochs_iter:
        if train_mode:
            model.train()
        order = torch.randperm(len(X), generator=gen).to(device)
        total = 0.0
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            if step is not None:
                value = float(step(model, optimizer, X[idx], y[idx]))
            else:
                loss = loss_fn(model(X[idx]), X[idx], y[idx])
                optimizer.zero_grad()
                loss.backward()
                if clip is not None:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
                optimizer.step()
                value = loss.item()
            if after_step is not None:
                after_step(model)
            total += value * len(idx)
        losses.append(total / len(X))
        if on_epoch is not None:
            on_epoch(epoch, losses[-1])
    model.eval()
    return losses
