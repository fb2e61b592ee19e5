"""A class on one JupyterHub machine: the shared exchange, the students' nbgrader
configuration and the staff-only parts of the course checkout.

Every person has a Unix account of their own; JupyterHub's LocalProcessSpawner runs
each one's JupyterLab as that account, in their home (mode 0700). What they share:

- the course checkout with its ``.venv`` (``make install``), readable by everyone,
  except what holds answers (``STAFF_ONLY``: source/ with the solutions and hidden
  tests, tests/ with known-right answers, the git history), which belongs to the
  staff group and is closed to others;
- nbgrader's exchange (``Exchange.root``): the root is world-writable with the sticky
  bit, so nobody can rename or delete what another put there; the course's folder in
  it is created here for the instructor, so no student can claim the course id first.
  nbgrader itself makes ``inbound`` writable but not listable by students (0733) and
  names each submission ``<student>+<module>+<timestamp>+<72 random bits>``, known only
  to the submitter's cache (in their home) and the instructor. nbgrader would leave the
  submission world-readable (0644 files in a 0777 folder) to anyone who learns that
  name; ``PrivateSubmit`` (the students' submit step) closes it to the instructor's
  group, which the setgid ``inbound`` gives it. Released feedback is filed under a
  hash of the submission's secret in a folder students cannot list (0711).
  ``OwnedCollect`` (the instructor's collect) takes each student's newest submission
  *owned by that student's account*: one handed in under another's name (nbgrader
  lets anyone pick the name) is skipped with a warning, where nbgrader would only warn;
- a Jupyter configuration folder on every single-user server's ``JUPYTER_CONFIG_PATH``
  (jupyterhub_config.py sets it): nbgrader's course id and exchange root for the
  Assignments tab, and nbgrader's instructor extensions (formgrader, course list)
  switched off; instructors use ``course exchange ... --exchange`` and ``course grade``.

``setup_class`` does all of it; it runs as root (``course hub setup``).
"""
import grp
import json
import os
import pwd
import stat
from pathlib import Path

from nbgrader.exchange.default.submit import ExchangeSubmit

from . import CourseError
from .exchange import COURSE_ID, _safe_collect_class, check_student

ROOT = Path(__file__).resolve().parent.parent
#: Parts of the course checkout that hold answers: staff only.
STAFF_ONLY = ("source", "tests", "benchmarks", "tools", ".git")
#: What every account needs to read in the checkout: the packages notebooks import
#: and the environment the single-user servers run from.
SHARED = ("course", "autograder", ".venv", "release")


def nbgrader_config_text(course_id, exchange_root):
    return (
        "# nbgrader's settings for every single-user server of the class (written by\n"
        "# `course hub setup`; found through JUPYTER_CONFIG_PATH, see jupyterhub_config.py).\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {course_id!r}\n"
        f"c.Exchange.root = {str(exchange_root)!r}\n"
        "# a submission readable by its student and the instructor's group only\n"
        "c.ExchangeFactory.submit = 'autograder.hub.PrivateSubmit'\n"
    )


class PrivateSubmit(ExchangeSubmit):
    """nbgrader's submit, then the submission closed to everyone but its owner and the
    group of ``inbound`` (the instructor's: the folder is setgid), which collects it
    and may remove it."""

    def copy_files(self):
        import shutil

        super().copy_files()
        dest = Path(self.inbound_path) / self.assignment_filename
        # Only what is created inside the setgid inbound gets the instructor's group
        # (a student cannot chgrp to it), and nbgrader's copy cleared that bit on the
        # submission's folder before writing timestamp.txt: copy it once more into a
        # fresh folder, then close it.
        fresh = dest.with_name(dest.name + ".private")
        os.mkdir(fresh)
        for src in sorted(dest.rglob("*")):
            target = fresh / src.relative_to(dest)
            if src.is_symlink():
                continue
            if src.is_dir():
                os.mkdir(target)
            else:
                shutil.copyfile(src, target)
        for path in [fresh, *fresh.rglob("*")]:
            os.chmod(path, 0o770 if path.is_dir() else 0o640)
        shutil.rmtree(dest)
        os.rename(fresh, dest)


#: Everyone gets the Assignments tab and the Validate button, not nbgrader's instructor
#: tools (instructors use the `course` command). Lab's terminals start a login shell,
#: whose /etc/profile would drop the course's .venv from PATH: start bash without it.
SERVER_CONFIG = {"ServerApp": {
    "jpserver_extensions": {
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False,
        "nbgrader.server_extensions.assignment_list": True,
        "nbgrader.server_extensions.validate_assignment": True,
    },
    "terminado_settings": {"shell_command": ["/bin/bash"]},
}}


class OwnedCollect(_safe_collect_class()):
    """nbgrader's collect of each student's newest submission that their own account
    handed in; a submission filed under a name its owner does not have is skipped."""

    def _owner(self, record):
        try:
            uid = os.lstat(os.path.join(self.inbound_path, record["filename"])).st_uid
            return pwd.getpwuid(uid).pw_name
        except (KeyError, OSError):
            return None

    def _sort_by_timestamp(self, records):
        # one student's submissions: the newest they made themselves comes first
        owned = []
        for record in records:
            owner = self._owner(record)
            if owner == record["username"]:
                owned.append(record)
            else:
                self.log.warning(f"skipped {record['filename']}: handed in under the name "
                                 f"{record['username']} by the account {owner}")
        # with none of their own, the forged one comes first and copy_files drops it
        return sorted(owned or records, key=lambda r: r["timestamp"], reverse=True)

    def copy_files(self):
        self.src_records = [r for r in self.src_records if self._owner(r) == r["username"]]
        super().copy_files()


def _user(name):
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise CourseError(f"no Unix account named {name!r}") from None


def _chmod_tree(path, gid, strip_other):
    """chgrp ``path`` and everything under it to ``gid``; give the group what the
    owner has (without write) and take everything from others."""
    for dirpath, dirnames, filenames in os.walk(path):
        for entry in [dirpath] + [os.path.join(dirpath, f) for f in filenames + dirnames]:
            st = os.lstat(entry)
            if stat.S_ISLNK(st.st_mode):
                continue
            os.chown(entry, -1, gid)
            mode = stat.S_IMODE(st.st_mode)
            group = (mode >> 3) & 0o7 | ((mode >> 6) & 0o5)
            mode = (mode & ~0o077) | (group << 3)
            if not strip_other:
                mode |= st.st_mode & 0o007
            os.chmod(entry, mode)


def lock_staff_only(checkout, staff_group):
    """Give the staff group the answer-holding parts of ``checkout`` and close them to
    everyone else; returns the paths locked."""
    gid = grp.getgrnam(staff_group).gr_gid
    locked = []
    for name in STAFF_ONLY:
        path = Path(checkout) / name
        if path.is_dir() and not path.is_symlink():
            _chmod_tree(path, gid, strip_other=True)
            locked.append(path)
    return locked


def python_dirs(checkout=ROOT):
    """The folders every account must reach to run the course: the checkout and the
    Python installation its .venv was made from (``home`` in pyvenv.cfg)."""
    checkout = Path(checkout).resolve()
    dirs = [checkout]
    cfg = checkout / ".venv" / "pyvenv.cfg"
    if cfg.is_file():
        for line in cfg.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "home":
                dirs.append(Path(value.strip()).resolve().parent)
    return dirs


def blocked_dirs(checkout=ROOT):
    """Folders on the way to ``python_dirs`` that other accounts cannot search."""
    blocked = []
    for top in python_dirs(checkout):
        for path in [top, *top.parents]:
            if not os.stat(path).st_mode & stat.S_IXOTH and path not in blocked:
                blocked.append(path)
    return blocked


def check_shared_readable(checkout):
    """CourseError unless every account can reach the course packages, the .venv and
    the Python it was made from (each folder above them searchable, the folders
    themselves readable)."""
    checkout = Path(checkout).resolve()
    blocked = blocked_dirs(checkout)
    if blocked:
        raise CourseError(
            f"{blocked[0]} is not searchable by other accounts: the single-user servers run "
            f"the course from {' and '.join(map(str, python_dirs(checkout)))} (make the "
            f".venv from a Python outside a private home, e.g. Debian's python3.11, or "
            f"chmod o+x the folder)")
    for name in SHARED:
        path = checkout / name
        if path.exists() and (os.stat(path).st_mode & 0o005) != 0o005:
            raise CourseError(f"{path} is not readable by other accounts (chmod -R o+rX)")


def setup_class(exchange_root, instructor, config_dir, course_id=COURSE_ID, staff_group=None,
                checkout=ROOT):
    """Make the shared exchange, the class's Jupyter configuration and (with
    ``staff_group``) lock the staff-only parts of the checkout. Run as root.
    Returns a dict of what was made."""
    if os.geteuid() != 0:
        raise CourseError("course hub setup makes folders for other accounts: run it as root")
    check_student(course_id)  # a plain name too: it becomes a folder in the exchange
    teacher = _user(instructor)
    check_shared_readable(checkout)
    exchange_root = Path(exchange_root).resolve()
    exchange_root.mkdir(parents=True, exist_ok=True)
    os.chown(exchange_root, 0, 0)
    # nbgrader wants the root world-writable (0777) and leaves extra bits alone; the
    # sticky bit keeps each entry for its owner.
    os.chmod(exchange_root, 0o1777)
    course = exchange_root / course_id
    course.mkdir(exist_ok=True)
    os.chown(course, teacher.pw_uid, teacher.pw_gid)
    os.chmod(course, 0o755)

    config_dir = Path(config_dir).resolve()
    config_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(config_dir, 0o755)
    (config_dir / "nbgrader_config.py").write_text(nbgrader_config_text(course_id, exchange_root))
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG, indent=2))
    for name in ("nbgrader_config.py", "jupyter_server_config.json"):
        os.chown(config_dir / name, 0, 0)
        os.chmod(config_dir / name, 0o644)

    locked = []
    if staff_group:
        try:
            members = grp.getgrnam(staff_group).gr_mem
        except KeyError:
            raise CourseError(f"no group named {staff_group!r} (groupadd it and add the "
                              f"instructors)") from None
        if instructor not in members and teacher.pw_gid != grp.getgrnam(staff_group).gr_gid:
            raise CourseError(f"{instructor} is not in the group {staff_group}: they could "
                              f"not read source/ to grade")
        locked = lock_staff_only(checkout, staff_group)
    return {"exchange": course, "config_dir": config_dir, "locked": locked}
