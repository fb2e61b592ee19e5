import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
# `tools` (pictures, system) is imported by tests; plain `pytest` does not put the root on the path.
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))
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


# -- the system around the tests ---------------------------------------------------------
# `make test` first runs tools/system.py, which installs Debian's bubblewrap, chromium,
# fonts-dejavu-core and postgresql where it can and otherwise prints the command to run.
# The session starts a throwaway PostgreSQL for tests/test_postgres.py when none is named
# by COURSE_TEST_POSTGRES_URL (once, in the controller: xdist's workers inherit the URL).
_PG = {"server": None, "why": ""}


def _wants_postgres(config):
    if os.environ.get("COURSE_TEST_POSTGRES_URL") or os.environ.get("COURSE_TEST_START_POSTGRES") == "0":
        return False
    for arg in config.args or [str(ROOT / "tests")]:
        path = Path(arg.split("::")[0]).resolve()
        if path.is_dir() and (path / "test_postgres.py").is_file() \
                or path.name == "test_postgres.py" or path == ROOT:
            return True
    return False


def pytest_configure(config):
    if hasattr(config, "workerinput") or not _wants_postgres(config):
        return
    import pgserver

    server, why = pgserver.start()
    if server is None:
        _PG["why"] = why
        return
    _PG["server"] = server
    os.environ["COURSE_TEST_POSTGRES_URL"] = server.url


def pytest_unconfigure(config):
    server, _PG["server"] = _PG["server"], None
    if server is not None:
        os.environ.pop("COURSE_TEST_POSTGRES_URL", None)
        server.stop()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if hasattr(config, "workerinput"):
        return
    sys.path.insert(0, str(ROOT / "tools"))
    from system import advice

    lines = [line for line in (advice("test"), _PG["why"] and f"PostgreSQL: {_PG['why']}") if line]
    if lines:
        terminalreporter.section("system packages")
        for line in lines:
            terminalreporter.write_line(line)
