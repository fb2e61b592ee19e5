"""Kernels for untrusted notebooks, confined by bubblewrap (Debian's ``bubblewrap``).

A grading kernel is started as ``bwrap ... prlimit ... python -m ipykernel_launcher``:

- it sees the operating system's and Python's files and the installed packages
  read-only, the course's ``course`` and ``autograder`` packages read-only, and
  the folder of the one notebook it runs, read-write; nothing else of the course
  (no ``source/`` with the hidden tests, no other student's notebook, no gradebook);
- it has a private ``/tmp`` and ``$HOME`` (in memory) and no network;
- it has a memory limit (``COURSE_SANDBOX_MEMORY_MB``, default 4096), a limit on
  the size of any file it writes, and is killed with the grader;
- it talks to the grader over two private Unix sockets in a folder of its own.

The per-cell time limit and the output cap live in the executor
(``autograder.preprocessors.GuardedExecute``).
"""
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # where course/ and autograder/ live
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/etc", "/opt")


def memory_limit_bytes():
    return int(os.environ.get("COURSE_SANDBOX_MEMORY_MB", "4096")) * 1024 * 1024


@functools.lru_cache(maxsize=1)
def available():
    """True if bubblewrap is installed and can make a sandbox here."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    try:
        done = subprocess.run([bwrap, "--ro-bind", "/", "/", "--unshare-net", "--dev", "/dev",
                               "--proc", "/proc", "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _python_dirs():
    """Folders the interpreter and its packages live in (outside the system folders)."""
    dirs = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent}
    return sorted(str(d) for d in dirs if not str(d).startswith(SYSTEM_DIRS))


def bwrap_command(command, workdir, private_dirs=(), readable_files=()):
    """``command`` wrapped in bubblewrap, with ``workdir`` writable and nothing else of
    the course visible but its two packages."""
    args = ["bwrap", "--die-with-parent", "--new-session", "--unshare-all",
            "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/dev/shm"]
    for d in SYSTEM_DIRS:
        if os.path.exists(d):
            args += ["--ro-bind", d, d]
    for d in _python_dirs():
        args += ["--ro-bind", d, d]
    for pkg in ("course", "autograder"):
        args += ["--ro-bind", str(PACKAGE_ROOT / pkg), str(PACKAGE_ROOT / pkg)]
    for d in private_dirs:
        args += ["--bind", str(d), str(d)]
    for f in readable_files:
        args += ["--ro-bind", str(f), str(f)]
    args += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir),
             "--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
             "--setenv", "TMPDIR", "/tmp", "--unsetenv", "COURSE_WORKSPACE",
             # pid 1 is bwrap here: ipykernel must not take it for a dead parent
             # (--die-with-parent ends the kernel with the grader instead).
             "--setenv", "JPY_PARENT_PID", "1"]
    limits = ["prlimit", f"--data={memory_limit_bytes()}", f"--fsize={1 << 30}", "--core=0", "--"]
    return args + ["--"] + limits + list(command)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run inside ``bwrap_command``."""

    async def _async_pre_start_kernel(self, **kw):
        self._sandbox_dir = Path(tempfile.mkdtemp(prefix="course-sandbox-"))
        self.transport = "ipc"
        self.ip = str(self._sandbox_dir / "k")
        self._sandbox_cwd = Path(kw.get("cwd") or os.getcwd()).resolve()
        # bwrap does not pass signals on: interrupt (the cell time limit) by message,
        # and ipykernel signals itself.
        if self.kernel_spec is not None:
            self.kernel_spec.interrupt_mode = "message"
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        return bwrap_command(cmd, self._sandbox_cwd, private_dirs=[self._sandbox_dir],
                             readable_files=[self.connection_file])

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(getattr(self, "_sandbox_dir", ""), ignore_errors=True)
