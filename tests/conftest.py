import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("MPLBACKEND", "Agg")

from autograder.pipeline import modules  # noqa: E402

#: Modules present in source/ (each test over modules is parametrized by these).
MODULES = modules()

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
