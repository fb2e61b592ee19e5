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


#: Processes and threads of a kernel's user where no cgroup bounds the sandbox's memory.
FALLBACK_PROCESSES = 48


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


def bwrap_command(command, private_dirs=(), readable_files=(), env=None, uid=None,
                  cgroups=False):
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
    # In cgroups the whole sandbox shares the budget and the process limit; without them
    # the limits are per process, and the kernel's dedicated user (root only) may run few
    # processes, which bounds what forking multiplies (ARCHITECTURE.md).
    nproc = process_limit() if cgroups or not root else min(process_limit(), FALLBACK_PROCESSES)
    prlimit = ["prlimit", f"--data={limits['data']}", f"--fsize={limits['tmp']}", "--core=0",
               f"--nproc={nproc}", "--"]
    return args + ["--"] + drop + prlimit + list(command)


#: The grading job's own folder (``nbgrader_jobs.run_job`` sets it): kernels' socket
#: folders live in it, so they go with it even when the job is killed at its time limit.
PARENT_ENV = "COURSE_SANDBOX_PARENT"
CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_PREFIX = "course-sandbox-"


def cgroups_available():
    """True where this process can make cgroup v1 ``memory`` and ``pids`` groups (root,
    with the controllers mounted writable, as in CI)."""
    if os.geteuid() != 0:
        return False
    return all((CGROUP_ROOT / c / f).is_file() and os.access(CGROUP_ROOT / c, os.W_OK)
               for c, f in (("memory", "memory.limit_in_bytes"), ("pids", "cgroup.procs")))


def make_cgroups(name):
    """Memory and pids cgroups for one kernel: the whole sandbox (every process it forks,
    and the pages of its tmpfs) shares one memory budget and one process limit. Returns
    their folders, or [] where cgroups cannot be made here."""
    if not cgroups_available():
        return []
    made = []
    try:
        for controller, settings in (
                ("memory", {"memory.limit_in_bytes": memory_limit_bytes(),
                            "memory.swappiness": 0}),
                ("pids", {"pids.max": process_limit()})):
            folder = CGROUP_ROOT / controller / name
            folder.mkdir()
            made.append(folder)
            for key, value in settings.items():
                try:
                    (folder / key).write_text(str(value))
                except OSError:
                    if key != "memory.swappiness":  # not settable in every kernel
                        raise
            if controller == "memory" and (folder / "memory.memsw.limit_in_bytes").is_file():
                try:  # swap counts too, where the kernel accounts it
                    (folder / "memory.memsw.limit_in_bytes").write_text(str(memory_limit_bytes()))
                except OSError:
                    pass
    except OSError:
        remove_cgroups(made)
        return []
    return made


def remove_cgroups(folders):
    """Kill what is left in the kernel's cgroups and remove them."""
    import signal
    import time

    for folder in folders:
        for _ in range(50):
            try:
                pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
            except OSError:
                break
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)
        try:
            folder.rmdir()
        except OSError:
            pass


def remove_stale(older_than=6 * 3600):
    """Remove kernels' cgroups (empty ones) and socket folders that a killed grader left
    behind more than ``older_than`` seconds ago."""
    import time

    now = time.time()
    places = [Path(tempfile.gettempdir())]
    places += [CGROUP_ROOT / c for c in ("memory", "pids")] if cgroups_available() else []
    for place in places:
        try:
            found = list(place.glob(CGROUP_PREFIX + "*"))
        except OSError:
            continue
        for folder in found:
            try:
                if now - folder.stat().st_mtime < older_than:
                    continue
                if str(place).startswith(str(CGROUP_ROOT)):
                    folder.rmdir()  # only an empty cgroup can be removed
                elif folder.is_dir() and not folder.is_symlink():
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                pass


#: Socket folders a job made outside its own folder, one a line (see _socket_parent).
MANIFEST = "course-sandboxes.txt"
#: A Unix socket's path holds at most 107 bytes: the folder's path must leave room.
MAX_SOCKET_DIR = 70


def _socket_parent():
    """Where a kernel's socket folder goes: the grading job's own folder, else the
    temporary folder, else ``/tmp``: the first whose path is short enough for sockets."""
    for place in (os.environ.get(PARENT_ENV), tempfile.gettempdir(), "/tmp"):
        if place and os.path.isdir(place) and len(place) + 30 <= MAX_SOCKET_DIR:
            return place
    return None


def remove_listed(job_folder):
    """Remove the socket folders (and their cgroups) a killed job listed in its folder."""
    try:
        listed = Path(job_folder, MANIFEST).read_text(encoding="utf-8").split("\n")
    except OSError:
        return
    for line in filter(None, listed):
        folder = Path(line)
        if folder.name.startswith(CGROUP_PREFIX) and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
            remove_cgroups([CGROUP_ROOT / c / folder.name for c in ("memory", "pids")
                            if (CGROUP_ROOT / c / folder.name).is_dir()])


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run inside ``bwrap_command``.

    Everything the sandbox needs happens in the manager's own start (used by every
    path: nbclient's sync and async set-ups, restarts): the socket folder is made
    (inside the grading job's folder) and given to the kernel's user, the kernel is put
    in its cgroups, and once its sockets exist the folder is locked (owned by root,
    read-only) before any cell runs."""

    _sandbox_dir = None
    _cgroups = ()

    async def _async_pre_start_kernel(self, **kw):
        self._remove_sandbox()  # a restart: the last kernel's folder and cgroups go
        self._sandbox_dir = Path(tempfile.mkdtemp(prefix=CGROUP_PREFIX, dir=_socket_parent()))
        job = os.environ.get(PARENT_ENV)
        if job and os.path.isdir(job) and not str(self._sandbox_dir).startswith(job + os.sep):
            # outside the job's folder: the job's parent removes what is listed here
            with open(os.path.join(job, MANIFEST), "a", encoding="utf-8") as fh:
                fh.write(f"{self._sandbox_dir}\n")
        self._cgroups = make_cgroups(self._sandbox_dir.name)
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
        wrapped = bwrap_command(cmd, private_dirs=[self._sandbox_dir],
                                readable_files=[self.connection_file], env=self._kernel_env,
                                uid=self._sandbox_uid, cgroups=bool(self._cgroups))
        if self._cgroups:  # bwrap and all it starts are in the kernel's cgroups from the start
            enter = " && ".join(f'echo $$ > "{f}/cgroup.procs"' for f in self._cgroups)
            wrapped = ["/bin/sh", "-c", f'{enter} && exec "$@"', "course-sandbox"] + wrapped
        return wrapped

    async def _async_post_start_kernel(self, **kw):
        # jupyter_client's start (every alias of it: AsyncKernelManager.start_kernel is the
        # base class's function, so an override of start itself is skipped) calls this by
        # name once the process is launched, also on a restart.
        await super()._async_post_start_kernel(**kw)
        await self._lock_when_bound()

    def _socket_files(self):
        return [Path(f"{self.ip}-{port}") for port in (
            self.shell_port, self.iopub_port, self.stdin_port, self.control_port, self.hb_port)]

    async def _lock_when_bound(self, timeout=120):
        """Wait until the kernel has made its sockets (no cell can run before: cells
        arrive through them), then lock the folder."""
        import asyncio
        import time

        end = time.monotonic() + timeout
        while time.monotonic() < end and not all(p.exists() for p in self._socket_files()):
            if self.has_kernel and not await self._async_is_alive():
                break
            await asyncio.sleep(0.05)
        self.lock()

    def lock(self):
        """Once the kernel is up, its sockets exist: the kernel may write nothing more
        on the host (where the grader is root; otherwise the folder stays the user's,
        whose files are the user's own)."""
        folder = self._sandbox_dir
        if folder is not None and os.geteuid() == 0 and folder.is_dir():
            os.chown(folder, 0, 0)
            os.chmod(folder, 0o755)

    def _remove_sandbox(self):
        if self._sandbox_dir is not None:
            shutil.rmtree(self._sandbox_dir, ignore_errors=True)
            self._sandbox_dir = None
        if self._cgroups:
            remove_cgroups(self._cgroups)
            self._cgroups = ()

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self._remove_sandbox()
