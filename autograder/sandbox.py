"""Kernels for untrusted notebooks, confined by bubblewrap (Debian's ``bubblewrap``).

A grading kernel is started as ``bwrap ... [setpriv ...] prlimit ... python -m
ipykernel_launcher``:

- it runs with no capabilities as an unprivileged user, whoever starts the grader:
  started by root, bwrap keeps only what it needs to change user and ``setpriv``
  drops to a user id of its own (``KERNEL_UID_BASE`` + a number) with no groups, no
  capabilities (bounding set included) and ``no_new_privs``; started by anyone else,
  a user namespace maps the kernel to uid/gid 65534 with every capability dropped;
- it sees the operating system's and Python's files and the installed packages
  read-only, the course's ``course`` and ``autograder`` packages read-only, and
  nothing else of the course or the host (no ``source/``, no submission, no
  gradebook, no nbgrader folder);
- it works in a scratch folder of its own (``/tmp/work``) on a size-limited tmpfs:
  nothing it writes reaches the host; only the executed notebook comes back, as the
  messages the kernel sends;
- it gets a clean environment (``--clearenv`` and an allow-list, ``kernel_env``):
  none of the grader's variables, secrets included;
- its memory budget (``COURSE_SANDBOX_MEMORY_MB``, default 4096) counts its tmpfs:
  3/4 for the process's data (``RLIMIT_DATA``), 1/8 for ``/tmp`` (the scratch folder
  and ``$HOME``), 1/8 for ``/dev/shm``; it may run ``COURSE_SANDBOX_PROCESSES``
  processes and threads (default 256), writes no file larger than its tmpfs, no core
  dumps, and is killed with the grader;
- it has no network and new PID/IPC/UTS namespaces; its standard output and error go
  to ``/dev/null`` (what a notebook prints reaches the grader only as messages, which
  the executor caps);
- it talks to the grader over two private Unix sockets in a folder of its own, which
  is locked (owned by root, read-only) once the kernel is up, when the grader is root.

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
WORKDIR = "/tmp/work"
#: Started by root, each kernel runs as a user id of its own from here up (no such user
#: exists): the process limit counts per user, and nothing on the host belongs to it.
KERNEL_UID_BASE = 1_500_000_000
#: Variables the kernel may inherit from the grader (values of the grader's other
#: variables never reach it).
ENV_ALLOWED = ("NBGRADER_EXECUTION", "NBGRADER_VALIDATING", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "OPENBLAS_NUM_THREADS", "COURSE_DEVICE", "MPLBACKEND", "PYTHONHASHSEED", "TZ")


def memory_limit_bytes():
    return int(os.environ.get("COURSE_SANDBOX_MEMORY_MB", "4096")) * 1024 * 1024


def budget():
    """How the memory budget is shared: ``{"data": ..., "tmp": ..., "shm": ...}`` bytes."""
    total = memory_limit_bytes()
    return {"data": total - total // 4, "tmp": total // 8, "shm": total // 8}


def process_limit():
    return int(os.environ.get("COURSE_SANDBOX_PROCESSES", "256"))


@functools.lru_cache(maxsize=1)
def available():
    """True if bubblewrap is installed and can make a sandbox here (as this user, with
    the options the kernels get)."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    try:
        done = subprocess.run(bwrap_command(["true"], uid=KERNEL_UID_BASE), capture_output=True,
                              timeout=30, env=kernel_env(), stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _python_dirs():
    """Folders the interpreter and its packages live in (outside the system folders)."""
    dirs = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent}
    return sorted(str(d) for d in dirs if not str(d).startswith(SYSTEM_DIRS))


def kernel_env(extra=None):
    """The kernel's whole environment: fixed values plus the allowed grader variables."""
    env = {k: v for k, v in {**os.environ, **(extra or {})}.items() if k in ENV_ALLOWED}
    env.setdefault("OMP_NUM_THREADS", "1")
    env.update({"PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin",
                                         "/usr/bin", "/bin"]),
                "HOME": "/tmp", "TMPDIR": "/tmp", "MPLCONFIGDIR": "/tmp/matplotlib",
                "LANG": "C.UTF-8", "PYTHONNOUSERSITE": "1",
                # pid 1 is bwrap here: ipykernel must not take it for a dead parent
                # (--die-with-parent ends the kernel with the grader instead).
                "JPY_PARENT_PID": "1"})
    return env


def bwrap_command(command, private_dirs=(), readable_files=(), env=None, uid=None):
    """``command`` wrapped in bubblewrap: see the module's docstring."""
    limits = budget()
    root = os.geteuid() == 0
    args = ["bwrap", "--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid",
            "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    if root:  # bwrap keeps root's capabilities: keep only those setpriv needs to drop to a user
        args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                 "--cap-add", "CAP_SETPCAP"]
    else:
        args += ["--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL"]
    args += ["--dev", "/dev", "--proc", "/proc",
             "--perms", "1777", "--size", str(limits["tmp"]), "--tmpfs", "/tmp",
             "--perms", "1777", "--size", str(limits["shm"]), "--tmpfs", "/dev/shm",
             "--perms", "1777", "--dir", WORKDIR]
    binds = [("--ro-bind", d) for d in SYSTEM_DIRS if os.path.exists(d)]
    binds += [("--ro-bind", d) for d in _python_dirs()]
    binds += [("--ro-bind", str(PACKAGE_ROOT / pkg)) for pkg in ("course", "autograder")]
    binds += [("--bind", str(d)) for d in private_dirs]
    binds += [("--ro-bind", str(f)) for f in readable_files]
    # The folders bwrap makes to mount on must be traversable by the kernel's user.
    parents = sorted({str(p) for _, d in binds for p in Path(d).parents
                      if str(p) != "/" and not str(p).startswith(SYSTEM_DIRS)})
    for d in parents:
        args += ["--perms", "0755", "--dir", d]
    for how, d in binds:
        args += [how, d, d]
    args += ["--chdir", WORKDIR, "--clearenv"]
    for key, value in sorted((env if env is not None else kernel_env()).items()):
        args += ["--setenv", key, value]
    drop = []
    if root:
        uid = int(uid if uid is not None else KERNEL_UID_BASE)
        drop = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    prlimit = ["prlimit", f"--data={limits['data']}", f"--fsize={limits['tmp']}", "--core=0",
               f"--nproc={process_limit()}", "--"]
    return args + ["--"] + drop + prlimit + list(command)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run inside ``bwrap_command``."""

    async def _async_pre_start_kernel(self, **kw):
        self._sandbox_dir = Path(tempfile.mkdtemp(prefix="course-sandbox-"))
        self._sandbox_uid = KERNEL_UID_BASE + os.getpid() % 1_000_000
        self.transport = "ipc"
        self.ip = str(self._sandbox_dir / "k")
        # bwrap does not pass signals on: interrupt (the cell time limit) by message,
        # and ipykernel signals itself.
        if self.kernel_spec is not None:
            self.kernel_spec.interrupt_mode = "message"
        kw.pop("cwd", None)  # the kernel works in its own scratch folder, never on the host
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        self._kernel_env = kernel_env(kw.get("env"))
        kw["env"] = dict(self._kernel_env)  # bwrap itself starts with the clean environment too
        kw["cwd"] = str(self._sandbox_dir)
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        kw["stdin"] = subprocess.DEVNULL
        if os.geteuid() == 0:  # the kernel's user makes its sockets here and reads the key
            os.chown(self._sandbox_dir, self._sandbox_uid, self._sandbox_uid)
            os.chown(self.connection_file, self._sandbox_uid, self._sandbox_uid)
        return self._wrap(cmd), kw

    def _wrap(self, cmd):
        return bwrap_command(cmd, private_dirs=[self._sandbox_dir],
                             readable_files=[self.connection_file], env=self._kernel_env,
                             uid=self._sandbox_uid)

    def lock(self):
        """Once the kernel is up, its sockets exist: the kernel may write nothing more
        on the host (where the grader is root; otherwise the folder stays the user's)."""
        folder = getattr(self, "_sandbox_dir", None)
        if folder is not None and os.geteuid() == 0 and folder.is_dir():
            os.chown(folder, 0, 0)
            os.chmod(folder, 0o755)

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(getattr(self, "_sandbox_dir", ""), ignore_errors=True)
