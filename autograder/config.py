"""Builds nbgrader's configuration for one course directory and gradebook."""
import os
import sys
import tempfile
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

CONFIG_FILE = Path(__file__).with_name("nbgrader_config.py")


def ensure_env_bin_on_path():
    """nbgrader creates its gradebook by running `alembic`, which lives next to
    this interpreter: make sure a subprocess can find it."""
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bindir not in parts:
        os.environ["PATH"] = os.pathsep.join([bindir] + parts)


def sqlite_url(path):
    """A SQLite URL that waits for a lock instead of failing at once."""
    return f"sqlite:///{Path(path).resolve()}?timeout=60"


def make_config(root, db_url, sandbox=False):
    config = PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()
    config.CourseDirectory.root = str(Path(root).resolve())
    config.CourseDirectory.db_url = db_url
    config.Exchange.root = str(Path(root).resolve() / "exchange")
    # Kernels talk to the grader over local sockets (no TCP ports opened).
    sockets = Path(tempfile.gettempdir()) / f"course-kernels-{os.getuid()}"
    sockets.mkdir(mode=0o700, exist_ok=True)
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(sockets / f"k{os.getpid()}")
    # Kernels of untrusted notebooks run in bubblewrap (autograder/sandbox.py).
    config.GuardedExecute.sandbox = bool(sandbox)
    return config


def extra(config, **sections):
    """Return a copy of ``config`` with more settings, e.g. extra(c, Execute={"timeout": 5})."""
    merged = Config(config)
    for section, values in sections.items():
        for key, value in values.items():
            merged[section][key] = value
    return merged
