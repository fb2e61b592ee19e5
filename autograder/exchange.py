"""nbgrader's exchange for a class, through a folder of the course's own.

The instructor's course directory ``course_dir`` holds nbgrader's layout
(``release/``, ``submitted/``, ``feedback/``) and the exchange itself
(``course_dir/exchange``, see config.make_config). Students work in folders of
their own ("homes"); each one's nbgrader cache lives in ``home/.nbgrader_cache``,
so several students can share one machine account.

On a shared machine (JupyterHub, one Unix account per person; see autograder/hub.py)
every function takes ``exchange_root``: nbgrader's ``Exchange.root`` that the students'
own Lab servers use too. Then the course directory holds no exchange, and collect
keeps only submissions owned by the account they are filed under (hub.OwnedCollect):
a student cannot hand in under another's name.

    release_to_exchange(module, course_dir)        instructor: release/<module> -> exchange outbound
    fetch(module, course_dir, home, student)       student: outbound -> home/<module>/
    submit(module, course_dir, home, student)      student: home/<module>/ -> exchange inbound
    collect(module, course_dir)                    instructor: inbound -> course_dir/submitted/<student>/<module>/
    (course grade MODULE --submissions course_dir/submitted --out OUT   grades and writes feedback)
    return_feedback(module, course_dir, OUT)       instructor: OUT/feedback/<student>/<module>.html -> exchange
    fetch_feedback(module, course_dir, home, student)   student: -> home/<module>/feedback/<timestamp>/

Every step is nbgrader's own exchange (ExchangeFactory: ReleaseAssignment,
FetchAssignment, Submit, Collect, ReleaseFeedback, FetchFeedback) run with the
course's configuration; a step nbgrader refuses raises ``CourseError`` with its reason.
"""
import functools
import logging
import re
import shutil
import sys
from pathlib import Path

from . import CourseError
from .config import ensure_env_bin_on_path, make_config, sqlite_url

#: The exchange files a class under this course id (used where the configuration sets none).
COURSE_ID = "deep-learning-course"
log = logging.getLogger("course.exchange")
# nbgrader logs each refusal and then raises it: the refusal reaches the user once, as
# CourseError; its warnings (a submission collected before, say) go to stdout.
_warnings = logging.StreamHandler(sys.stdout)
_warnings.setFormatter(logging.Formatter("nbgrader: %(message)s"))
_warnings.addFilter(lambda record: record.levelno == logging.WARNING)
log.addHandler(_warnings)
log.setLevel(logging.WARNING)
log.propagate = False


def check_student(student):
    """A student id is a plain name: it becomes a folder in submitted/ and part of
    the exchange's file names."""
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}", student or "") or ".." in student:
        raise CourseError(f"student id {student!r} is not a plain name "
                          f"(letters, digits, '_', '.', '@', '-')")
    return student


def safe_copytree(src, dest, ignore=None, log=log):
    """Copy a student's folder: plain files and folders only. A symbolic link (to the
    instructor's source/, another student's work, a host file) or anything else that is
    not a regular file or folder (a FIFO would block the copy) is skipped, with a logged
    reason; ``src`` itself must be a plain folder."""
    import os
    import stat

    def skip(folder, names):
        left = set(ignore(folder, names)) if ignore else set()
        for name in names:
            mode = os.lstat(os.path.join(folder, name)).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                what = "a symbolic link" if stat.S_ISLNK(mode) else "not a plain file"
                log.warning(f"skipped {os.path.join(folder, name)}: {what} (a submission "
                            f"holds plain files and folders only)")
                left.add(name)
        return left

    mode = os.lstat(src).st_mode
    if not stat.S_ISDIR(mode):
        log.warning(f"skipped {src}: not a plain folder (a symbolic link?)")
        return False
    shutil.copytree(src, dest, symlinks=True, ignore=skip)
    return True


@functools.lru_cache(maxsize=1)
def _safe_collect_class():
    from nbgrader.exchange.default.collect import ExchangeCollect
    from nbgrader.utils import ignore_patterns

    class SafeCollect(ExchangeCollect):
        """nbgrader's collect that never follows or copies a link in the inbound folder."""

        def do_copy(self, src, dest, log=None):
            import os

            if os.path.islink(src) or not os.path.isdir(src):
                self.log.warning(f"skipped {src}: not a plain folder (a symbolic link?)")
                return
            size = self.get_size(src)
            if size > 1000 * self.coursedir.max_dir_size:
                raise RuntimeError(f"Directory size is too big. Size is {size}, maximum size "
                                   f"is {1000 * self.coursedir.max_dir_size}")
            safe_copytree(src, dest, ignore=ignore_patterns(
                exclude=self.coursedir.ignore, include=self.coursedir.include,
                max_file_size=self.coursedir.max_file_size, log=self.log), log=self.log)

    return SafeCollect


def _config(course_dir, home=None, exchange_root=None):
    course_dir = Path(course_dir).resolve()
    config = make_config(course_dir, sqlite_url(course_dir / "gradebook.db"))
    if not config.CourseDirectory.get("course_id"):
        config.CourseDirectory.course_id = COURSE_ID
    if exchange_root is not None:
        # A shared exchange: one account per person, so a submission's owner must be
        # the student it is filed under (nbgrader skips it otherwise).
        config.Exchange.root = str(Path(exchange_root).resolve())
        config.ExchangeCollect.check_owner = True
        config.ExchangeFactory.collect = "autograder.hub.OwnedCollect"
    else:
        # One machine account serves every student of a course-local exchange: the owner
        # of a submission says nothing about who handed it in.
        config.ExchangeCollect.check_owner = False
        config.ExchangeFactory.collect = "autograder.exchange.SafeCollect"
    config.ExchangeCollect.update = True
    config.ExchangeReleaseAssignment.force = True
    config.ExchangeFetchAssignment.replace_missing_files = True
    if home is not None:
        home = Path(home).resolve()
        config.Exchange.assignment_dir = str(home)
        config.Exchange.cache = str(home / ".nbgrader_cache")
    return config


def course_id(course_dir):
    """The course id the exchange files this course under."""
    return _config(course_dir).CourseDirectory.course_id


def exchange_dir(course_dir, exchange_root=None):
    """The exchange's folder for this course: ``<Exchange.root>/<course id>``."""
    config = _config(course_dir, exchange_root=exchange_root)
    return Path(config.Exchange.root) / config.CourseDirectory.course_id


def _run(step, module, course_dir, home=None, student=None, exchange_root=None):
    """Run one nbgrader exchange step; returns the exchange object (its paths)."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeError, ExchangeFactory

    ensure_env_bin_on_path()
    if student is not None:
        check_student(student)
    config = _config(course_dir, home, exchange_root)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = module
    if student:
        coursedir.student_id = student
    factory = ExchangeFactory(config=config)
    exchange = getattr(factory, step)(coursedir=coursedir, config=config, log=log,
                                      authenticator=Authenticator(config=config))
    try:
        exchange.start()
    except ExchangeError as exc:
        raise CourseError(f"nbgrader exchange, {step} of {module}: {exc}") from None
    return exchange


def _module(name):
    from .pipeline import resolve_module

    return resolve_module(name)


# -- instructor -----------------------------------------------------------------
def release_to_exchange(module, course_dir, exchange_root=None):
    """Put the student notebook of ``module`` (release/) into the exchange's outbound
    folder; returns that folder."""
    from .pipeline import RELEASE

    module = _module(module)
    course_dir = Path(course_dir).resolve()
    mine = course_dir / "release" / module
    if mine.resolve() != (RELEASE / module).resolve():
        if mine.exists():
            shutil.rmtree(mine)
        shutil.copytree(RELEASE / module, mine)
    return Path(_run("ReleaseAssignment", module, course_dir,
                     exchange_root=exchange_root).dest_path)


def collect(module, course_dir, exchange_root=None):
    """Copy the newest submission of every student from the exchange into
    ``course_dir/submitted/<student>/<module>/``; returns ``{student: that folder}``."""
    module = _module(module)
    exchange = _run("Collect", module, course_dir, exchange_root=exchange_root)
    submitted = Path(course_dir).resolve() / "submitted"
    return {rec["username"]: submitted / rec["username"] / module
            for rec in exchange.src_records}


def return_feedback(module, course_dir, graded_out, exchange_root=None):
    """Release to the exchange the feedback `course grade ... --out graded_out` wrote
    (nbgrader's generate_feedback) for the collected submissions; returns the students
    whose feedback was released."""
    module = _module(module)
    course_dir = Path(course_dir).resolve()
    released = []
    for folder in sorted((course_dir / "submitted").glob(f"*/{module}")):
        student = folder.parent.name
        html = Path(graded_out) / "feedback" / student / f"{module}.html"
        wanted = [html, folder / "timestamp.txt", folder / "submission_secret.txt"]
        if folder.is_symlink() or folder.parent.is_symlink() \
                or not all(p.is_file() and not p.is_symlink() for p in wanted):
            continue  # not graded, not handed in through the exchange, or a link: never followed
        dest = course_dir / "feedback" / student / module
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(html, dest / f"{module}.html")
        # nbgrader names released feedback by the submission's secret, and the
        # student finds it under the submission's timestamp.
        for name in ("timestamp.txt", "submission_secret.txt"):
            shutil.copyfile(folder / name, dest / name)
        released.append(student)
    if released:
        _run("ReleaseFeedback", module, course_dir, exchange_root=exchange_root)
    return released


# -- student --------------------------------------------------------------------
def fetch(module, course_dir, home, student=None, exchange_root=None):
    """Fetch the released ``module`` into ``home/<module>/``; returns that folder."""
    module = _module(module)
    outbound = exchange_dir(course_dir, exchange_root) / "outbound"
    if not (outbound / module).is_dir():
        raise CourseError(f"{module} has not been released to the exchange of {course_dir} "
                          f"(course exchange release {module} --course {course_dir})")
    return Path(_run("FetchAssignment", module, course_dir, home, student,
                     exchange_root).dest_path)


def submit(module, course_dir, home, student=None, exchange_root=None):
    """Hand in ``home/<module>/``; returns ``(timestamp, folder in the exchange inbound)``.
    ``student`` defaults to nbgrader's choice (the login name)."""
    module = _module(module)
    exchange = _run("Submit", module, course_dir, home, student, exchange_root)
    return exchange.timestamp, Path(exchange.inbound_path) / exchange.assignment_filename


def fetch_feedback(module, course_dir, home, student=None, exchange_root=None):
    """Fetch the released feedback for the student's submissions of ``module`` into
    ``home/<module>/feedback/<timestamp>/``; returns the HTML files fetched."""
    module = _module(module)
    exchange = _run("FetchFeedback", module, course_dir, home, student, exchange_root)
    dest = Path(exchange.dest_path)
    return [dest / timestamp / f"{notebook}.html"
            for notebook, timestamp, _ in exchange.feedback_files]


def __getattr__(name):  # ``autograder.exchange.SafeCollect`` for nbgrader's ExchangeFactory
    if name == "SafeCollect":
        return _safe_collect_class()
    raise AttributeError(name)
