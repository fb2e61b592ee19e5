"""Widget-driven visualizations, one function each (see ``base.Explorer``).

Importing this package registers every visualization in ``REGISTRY``, which
the benchmark and the picture script walk.
"""
from .base import REGISTRY, Explorer, new_figure, visualization  # noqa: F401
from . import perceptron  # noqa: F401  (01)
from . import activations  # noqa: F401  (02)
from . import layers  # noqa: F401  (03)
from . import losses  # noqa: F401  (04)
from . import backprop  # noqa: F401  (05)
from . import optimizers  # noqa: F401  (06)
from . import training  # noqa: F401  (07)
from . import regularization  # noqa: F401  (08)
from . import cnn  # noqa: F401  (09)
from . import rnn  # noqa: F401  (10)
from . import embeddings  # noqa: F401  (11)
from . import transformers  # noqa: F401  (12)
from . import generative  # noqa: F401  (13)
from . import transfer  # noqa: F401  (14)
from . import robustness  # noqa: F401  (15)
from . import production  # noqa: F401  (16)
