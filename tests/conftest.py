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


def sandbox_args():
    """``[]`` where bubblewrap works (CI requires it: COURSE_REQUIRE_SANDBOX=1),
    else ``["--no-sandbox"]`` so `course grade` still runs on a machine without it."""
    import os

    from autograder.sandbox import available

    if available() or os.environ.get("COURSE_REQUIRE_SANDBOX") == "1":
        return []
    return ["--no-sandbox"]
