"""The system packages the course needs, from Debian's apt, for `make test` and `make lab`.

    python tools/system.py test   # bubblewrap, chromium, fonts-dejavu-core, postgresql
    python tools/system.py lab    # bubblewrap (sandboxed grading)

Each missing package is installed when this can be done without asking anyone: as root,
or with ``sudo -n`` (sudo without a password). Otherwise it prints the one command to run
and exits 0: the tests that need the package skip, and say so in pytest's summary. It
exits non-zero only when a package is missing that the environment requires
(``COURSE_REQUIRE_SANDBOX=1``, ``COURSE_REQUIRE_BROWSER=1``, ``COURSE_REQUIRE_POSTGRES=1``,
as CI sets them), so that CI cannot skip what it must test.

``COURSE_APT=0`` never runs apt (only prints the advice). For the tests of this
script, ``COURSE_SYSTEM_PRETEND`` takes ``user`` (not root, no password-less sudo) and
``COURSE_SYSTEM_MISSING`` a comma-separated list of packages to treat as absent; with
either set, nothing is ever installed.
"""
import glob
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

APT_FLAGS = ["-y", "-q", "--no-install-recommends"]


def postgres_bin():
    """The newest ``/usr/lib/postgresql/*/bin`` that has initdb, or None."""
    found = [p for p in glob.glob("/usr/lib/postgresql/*/bin") if os.access(f"{p}/initdb", os.X_OK)]
    return sorted(found, key=lambda p: [int(x) if x.isdigit() else x
                                        for x in Path(p).parent.name.split(".")])[-1] if found else None


#: package -> (what needs it, how to tell it is there, the variable that makes it required)
PACKAGES = {
    "bubblewrap": ("the grading sandbox (the attack corpus, `course grade`)",
                   lambda: shutil.which("bwrap") is not None, "COURSE_REQUIRE_SANDBOX"),
    "chromium": ("the browser tests (JupyterLab in headless Chromium)",
                 lambda: shutil.which("chromium") is not None, "COURSE_REQUIRE_BROWSER"),
    "fonts-dejavu-core": ("the browser tests' screenshots",
                          lambda: Path("/usr/share/fonts/truetype/dejavu").is_dir(),
                          "COURSE_REQUIRE_BROWSER"),
    "postgresql": ("the PostgreSQL gradebook tests",
                   lambda: postgres_bin() is not None, "COURSE_REQUIRE_POSTGRES"),
}
NEEDS = {"test": list(PACKAGES), "lab": ["bubblewrap"]}


def missing(packages):
    """The packages of ``packages`` that are not installed."""
    pretend = os.environ.get("COURSE_SYSTEM_MISSING")
    if pretend is not None:
        absent = {p.strip() for p in pretend.split(",") if p.strip()}
        return [p for p in packages if p in absent]
    return [p for p in packages if not PACKAGES[p][1]()]


@dataclass
class Plan:
    """What to do about missing packages: ``action`` is ``"nothing"``, ``"install"``
    (run ``command``) or ``"advise"`` (print ``command`` for a person to run)."""
    action: str
    packages: list = field(default_factory=list)
    command: list = field(default_factory=list)
    reason: str = ""


def plan(packages, *, root, sudo, apt, allowed=True):
    """Decide how ``packages`` (missing ones) get installed.

    ``root``: running as root; ``sudo``: ``sudo -n`` works (no password);
    ``apt``: apt-get is there (Debian or Ubuntu); ``allowed``: installing is allowed
    (``COURSE_APT`` is not 0)."""
    if not packages:
        return Plan("nothing")
    if not apt:
        return Plan("advise", packages, [],
                    "no apt-get here: install the equivalents of these Debian packages with "
                    "your system's package manager")
    command = ["apt-get", "install", *APT_FLAGS, *packages]
    if root:
        return Plan("install" if allowed else "advise", packages, command,
                    "" if allowed else "COURSE_APT=0: not installing")
    if sudo:
        return Plan("install" if allowed else "advise", packages, ["sudo", "-n", *command],
                    "" if allowed else "COURSE_APT=0: not installing")
    return Plan("advise", packages, ["sudo", *command],
                "not root, and sudo asks for a password")


def _probe():
    """``(root, sudo, apt, allowed)`` for this machine (or as COURSE_SYSTEM_PRETEND says)."""
    pretending = os.environ.get("COURSE_SYSTEM_PRETEND") or os.environ.get("COURSE_SYSTEM_MISSING")
    allowed = os.environ.get("COURSE_APT", "1") != "0" and not pretending
    apt = shutil.which("apt-get") is not None
    if os.environ.get("COURSE_SYSTEM_PRETEND") == "user":
        return False, False, apt, allowed
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    sudo = False
    if not root and shutil.which("sudo"):
        try:
            sudo = subprocess.run(["sudo", "-n", "true"], capture_output=True, stdin=subprocess.DEVNULL,
                                  timeout=20).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            sudo = False
    return root, sudo, apt, allowed


def _apt(command):
    """Run an apt-get install quietly, refreshing the package lists once if it fails."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    sudo = command[:2] if command[0] == "sudo" else []
    run = lambda cmd: subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,  # noqa: E731
                                     text=True, env=env)
    done = run(command)
    if done.returncode != 0:
        update = run([*sudo, "apt-get", "update", "-q"])
        done = run(command) if update.returncode == 0 else update
    return done


def advice(target="test"):
    """One line for people: the command that installs what ``target`` still lacks, or ''."""
    absent = missing(NEEDS[target])
    if not absent:
        return ""
    root, sudo, apt, allowed = _probe()
    p = plan(absent, root=root, sudo=sudo, apt=apt, allowed=allowed)
    what = "; ".join(f"{pkg}: {PACKAGES[pkg][0]}" for pkg in absent)
    how = " ".join(p.command) if p.command else f"install {' '.join(absent)}"
    return f"missing system packages ({what}); to test everything run: {how}"


def ensure(target="test", out=print):
    """Install what ``target`` needs where possible; return the exit status for `make`."""
    absent = missing(NEEDS[target])
    root, sudo, apt, allowed = _probe()
    p = plan(absent, root=root, sudo=sudo, apt=apt, allowed=allowed)
    if p.action == "install":
        out(f"system: installing {' '.join(p.packages)} with apt-get ...")
        sys.stdout.flush()
        done = _apt(p.command)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout or "").strip().splitlines()[-1:]
            out(f"system: apt-get failed: {tail[0] if tail else done.returncode}")
        absent = missing(NEEDS[target])
        if absent:  # apt-get could not: say what a person can run
            command = plan(absent, root=root, sudo=sudo, apt=apt).command
            if command[:2] == ["sudo", "-n"]:
                command = ["sudo", *command[2:]]
            p = Plan("advise", absent, command, "apt-get could not install them")
    if not absent:
        return 0
    for pkg in absent:
        out(f"system: missing {pkg}, for {PACKAGES[pkg][0]}")
    if p.reason:
        out(f"system: {p.reason}")
    if p.command:
        out(f"system: to install {'it' if len(absent) == 1 else 'them'}, run:\n\n"
            f"    {' '.join(p.command)}\n")
    if target == "test":
        out("system: until then the tests that need them skip, and say why")
    required = sorted({PACKAGES[pkg][2] for pkg in absent if os.environ.get(PACKAGES[pkg][2]) == "1"})
    if required:
        out(f"system: {', '.join(v + '=1' for v in required)}: these may not be skipped")
        return 1
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    target = argv[0] if argv else "test"
    if target not in NEEDS:
        print(f"usage: python tools/system.py [{'|'.join(NEEDS)}]", file=sys.stderr)
        return 2
    return ensure(target)


if __name__ == "__main__":
    sys.exit(main())
