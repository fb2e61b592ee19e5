"""Widget-driven visualizations, one function each (see ``base.Explorer``).

One file per course module (``perceptron`` for 01, ..., ``production`` for 16);
each imports only ``viz.base`` and ``viz.render`` (and ``course.data``,
``course.train``), never another visualization file (``tests/test_layout.py``).

Nothing is imported eagerly: ``import course.viz.perceptron`` loads NumPy and
matplotlib, not PyTorch. ``course.viz.transfer`` still works as an attribute
(loaded on first use), and ``load_all()`` imports every module and returns the
complete ``REGISTRY`` that the benchmark, the picture script and the tests walk.
"""
import importlib

from .base import REGISTRY, Explorer, new_figure, visualization  # noqa: F401

#: The visualization files, in course order (01 ... 16).
MODULES = ("perceptron", "activations", "layers", "losses", "backprop", "optimizers", "training",
           "regularization", "cnn", "rnn", "embeddings", "transformers", "generative", "transfer",
           "robustness", "production")


def load_all():
    """Import every visualization module; returns ``REGISTRY``, now complete."""
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
    return REGISTRY


def __getattr__(name):
    if name in MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
