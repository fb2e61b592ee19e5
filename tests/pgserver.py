"""A throwaway PostgreSQL server (Debian's) for tests/test_postgres.py, started by the
test session (tests/conftest.py) so that a plain `make test` runs those tests too.

Its own data folder, trust authentication, listening only on 127.0.0.1 at a free port,
run by Debian's ``postgres`` user when we are root (PostgreSQL refuses to run as root),
no fsync; stopped and deleted when the session ends.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from system import postgres_bin  # noqa: E402


class Server:
    def __init__(self, bin_dir, data, run_as, url):
        self.bin_dir, self.data, self.run_as, self.url = bin_dir, data, run_as, url

    def _prefix(self):
        return ["runuser", "-u", self.run_as, "--"] if self.run_as else []

    def stop(self):
        subprocess.run([*self._prefix(), f"{self.bin_dir}/pg_ctl", "stop", "-D",
                        str(self.data / "db"), "-m", "fast", "-w"],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        shutil.rmtree(self.data, ignore_errors=True)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start():
    """Start a server; returns ``(Server, None)`` or ``(None, why not)``."""
    bin_dir = postgres_bin()
    if not bin_dir:
        return None, "PostgreSQL is not installed (Debian: apt-get install postgresql)"
    run_as = ""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        run_as = "postgres"
        if shutil.which("runuser") is None:
            return None, "running as root without runuser to start PostgreSQL as postgres"
    data = Path(tempfile.mkdtemp(prefix="course-pg-"))
    if run_as:
        try:
            shutil.chown(data, run_as)
        except (LookupError, PermissionError) as exc:
            shutil.rmtree(data, ignore_errors=True)
            return None, f"cannot hand a data folder to the {run_as} user: {exc}"
    port = _free_port()
    server = Server(bin_dir, data, run_as, f"postgresql://course@127.0.0.1:{port}/postgres")
    prefix = server._prefix()

    def run(*cmd, timeout=120):
        return subprocess.run([*prefix, *cmd], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout)

    done = run(f"{bin_dir}/initdb", "-D", str(data / "db"), "-U", "course", "--auth=trust",
               "-E", "UTF8", "--no-locale")
    if done.returncode != 0:
        shutil.rmtree(data, ignore_errors=True)
        return None, f"initdb failed: {(done.stderr or done.stdout).strip()[-300:]}"
    conf = (f"\nlisten_addresses = '127.0.0.1'\nport = {port}\n"
            f"unix_socket_directories = '{data}'\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
    with open(data / "db" / "postgresql.conf", "a", encoding="utf-8") as fh:
        fh.write(conf)
    done = run(f"{bin_dir}/pg_ctl", "start", "-w", "-t", "60", "-D", str(data / "db"),
               "-l", str(data / "server.log"))
    if done.returncode != 0:
        log = (data / "server.log").read_text(errors="replace") if (data / "server.log").exists() else ""
        shutil.rmtree(data, ignore_errors=True)
        return None, f"PostgreSQL did not start: {(log or done.stderr).strip()[-300:]}"
    return server, None
