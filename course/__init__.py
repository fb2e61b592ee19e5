"""The package every course notebook imports.

- ``course.device()`` picks where tensors live (CUDA, then MPS, then CPU);
- ``course.data`` makes every data set and split the notebooks use (no downloads);
- ``course.train`` holds the shared model builder, metric and training loop;
- ``course.viz`` holds the widget-driven visualizations, one file per module;
- ``course.checks`` holds the assertions that graded test cells use.

Nothing here imports the grader (``autograder``) or the command line (``course_cli``).
"""
from pathlib import Path

from .device import device, seed_everything

__all__ = ["device", "seed_everything", "ROOT", "MODULES"]
__version__ = "0.1.0"

#: The repository checkout this package was installed from (editable install).
ROOT = Path(__file__).resolve().parent.parent


def _modules():
    src = ROOT / "source"
    if not src.is_dir():
        return []
    try:
        return sorted(p.name for p in src.iterdir() if (p / f"{p.name}.ipynb").is_file())
    except PermissionError:  # a student's account on JupyterHub: source/ is staff only
        released = ROOT / "release"
        return sorted(p.name for p in released.iterdir()
                      if (p / f"{p.name}.ipynb").is_file()) if released.is_dir() else []


#: The course modules present in ``source/``, e.g. ``["01_perceptron", ...]``.
MODULES = _modules()
