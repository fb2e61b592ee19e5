"""release, validate, submit and grade: what the ``course`` command does.

Every function raises ``CourseError`` for bad input (the command prints it in
one line) and never writes into a learner's submission: grading works on
copies inside its own course directory.
"""
import copy
import csv
import os
import re
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import nbformat

from . import CourseError
from .config import make_config, sqlite_url
from .exchange import check_student
from .nbgrader_jobs import FIXED_SECONDS, run_job
from .notebooks import (exercises, instructor_names, prepare_submission, read_notebook,
                        test_results)

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "source"
RELEASE = ROOT / "release"
# ``seconds``: the wall time of the student's grading run (blank where nothing ran).
CSV_COLUMNS = ["student", "module", "exercise", "score", "max_score", "status", "message",
               "seconds"]


# -- modules ------------------------------------------------------------------
def modules():
    """Module names present in source/, e.g. ['01_perceptron', '02_activations']."""
    if not SOURCE.is_dir():
        return []
    return sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").is_file())


def resolve_module(name):
    """Accept '01_perceptron', '01' or 'perceptron'; CourseError if unknown."""
    known = modules()
    name = str(name).strip().rstrip("/").split("/")[-1]
    for mod in known:
        if name in (mod, mod[:2], mod[3:]):
            return mod
    raise CourseError(f"unknown module {name!r}; modules: {', '.join(known) or '(none)'}")


def source_notebook(module):
    return SOURCE / module / f"{module}.ipynb"


def identify_module(path, nb):
    """Which module a student notebook belongs to: by its name, else by its exercises."""
    stem = Path(path).stem
    match = re.match(r"(\d\d_[a-z0-9_]+)", stem)
    if match and match.group(1) in modules():
        return match.group(1)
    mine = set(exercises(nb))
    for mod in modules():
        if mine and mine == set(exercises(read_notebook(source_notebook(mod)))):
            return mod
    raise CourseError(f"{path}: cannot tell which module this notebook belongs to "
                      f"(name it like NN_slug.ipynb, e.g. {modules()[0] if modules() else '01_perceptron'}.ipynb)")


# -- release ------------------------------------------------------------------
def release(names=None):
    """Regenerate release/<module>/ from source/<module>/ with nbgrader."""
    mods = [resolve_module(n) for n in names] if names else modules()
    if not mods:
        raise CourseError("no modules in source/")
    done = []
    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        db = sqlite_url(Path(tmp) / "gradebook.db")
        for mod in mods:
            result = run_job("generate", ROOT, db, mod)
            if not result.get("success"):
                raise CourseError(f"nbgrader could not generate {mod}: {_last_line(result)}")
            done.append(RELEASE / mod / f"{mod}.ipynb")
    from course.home import write_home

    done.append(write_home())
    return done


# -- validate -----------------------------------------------------------------
def execute(nb, cwd, mode="validate", timeout=None, demote_stderr=True, sandbox=False):
    """Execute a copy of ``nb`` as nbgrader does (cells may fail; the run goes on).

    With ``demote_stderr`` (as when grading) text on stderr is moved to stdout."""
    from nbgrader.utils import setenv

    from .config import extra
    from .preprocessors import GuardedExecute, StderrToStdout

    config = make_config(ROOT, "sqlite://", sandbox=sandbox)
    if timeout:
        config = extra(config, Execute={"timeout": timeout})
    nb = copy.deepcopy(nb)
    resources = {"metadata": {"path": str(cwd)}}
    with setenv(NBGRADER_EXECUTION=mode, NBGRADER_VALIDATING="1" if mode == "validate" else ""):
        nb, resources = GuardedExecute(config=config).preprocess(nb, resources)
    if demote_stderr:
        nb, resources = StderrToStdout(config=config).preprocess(nb, resources)
    return nb


def validate(path):
    """Run a student notebook's visible tests: rows of exercise, status, message."""
    path = Path(path)
    nb = read_notebook(path)
    found = exercises(nb)
    if not found:
        raise CourseError(f"{path}: has no graded test cells (is it a course notebook?)")
    try:
        module = identify_module(path, nb)
        release_nb = read_notebook(RELEASE / module / f"{module}.ipynb")
        # The names rules as grading applies them, so that validate refuses what grading would.
        names = instructor_names(read_notebook(source_notebook(module))) \
            if source_notebook(module).is_file() else None
    except CourseError:
        release_nb, names = nb, None  # not one of the course's: its own test cells are all there is
    nb, refused = prepare_submission(nb, release_nb, names)
    results = test_results(execute(nb, path.parent.resolve()))
    rows = []
    for name, tests in found.items():
        messages = [results[gid][1] for gid, _ in tests if gid in results and not results[gid][0]]
        # every failing test cell's message: a cell's own message lists each failing check
        rows.append({"exercise": name, "status": "failed" if messages else "passed",
                     "message": "\n".join(messages)})
    return _apply_refusals(rows, refused)


# -- grading ------------------------------------------------------------------
def _last_line(result):
    text = (result.get("error") or result.get("log") or "unknown error").strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1][:300] if lines else "unknown error"


def _pick_notebook(folder, module):
    """The submitted notebook in ``folder``: <module>.ipynb, else the only .ipynb; None if
    there is none; a one-line reason (str) where what is there may not be graded: a
    symbolic link (the student's folder, the module's folder or the notebook) is graded
    as itself, never as what it points to."""
    folder = Path(folder)
    for part in (folder.parent, folder):
        if part.is_symlink():
            return f"{part.name} is a symbolic link; a submission must be a plain folder"
    if not folder.is_dir():
        return None
    expected = folder / f"{module}.ipynb"
    if expected.is_symlink():
        return f"{expected.name} is a symbolic link; a submission must be a plain notebook file"
    if expected.is_file():
        return expected
    found = sorted(p for p in folder.glob("*.ipynb") if p.is_symlink() or p.is_file())
    if len(found) == 1 and found[0].is_symlink():
        return f"{found[0].name} is a symbolic link; a submission must be a plain notebook file"
    return found[0] if len(found) == 1 else None


def _prepare_course(root, module):
    """A course directory of our own with the module's source (hidden tests included)."""
    root.mkdir(parents=True, exist_ok=True)
    dest = root / "source" / module
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(SOURCE / module, dest)


def _exercise_rows(student, module, found, status, message):
    return [{"student": student, "module": module, "exercise": name, "score": 0.0,
             "max_score": sum(p for _, p in tests), "status": status, "message": message}
            for name, tests in found.items()]


def _graded_rows(root, db, module, student, found):
    from nbgrader.api import Gradebook, MissingEntry

    autograded = root / "autograded" / student / module / f"{module}.ipynb"
    results = test_results(read_notebook(autograded)) if autograded.is_file() else {}
    with Gradebook(db) as gb:
        try:
            grades = {g.name: g for g in gb.find_submission_notebook(module, module, student).grades}
        except MissingEntry:
            return _exercise_rows(student, module, found, "error", "no grades were recorded")
        rows = []
        for name, tests in found.items():
            score = sum(float(grades[g].score or 0.0) for g, _ in tests if g in grades)
            max_score = sum(p for _, p in tests)
            messages = [results[g][1] for g, _ in tests if g in results and not results[g][0]]
            missing = [g for g, _ in tests if g not in grades]
            if missing:
                messages.append(f"test cell {missing[0]} was not graded")
            passed = score >= max_score and not messages
            rows.append({"student": student, "module": module, "exercise": name,
                         "score": score, "max_score": max_score,
                         "status": "passed" if passed else "failed",
                         "message": "" if passed else (messages[0] if messages else "")})
    return rows


def _apply_refusals(rows, refused):
    """Rows of refused answers say why (``rejected``); notes join the message."""
    for row in rows:
        why = refused.get(row["exercise"])
        if not why:
            continue
        if why.startswith("refused: "):
            row.update(status="rejected", score=0.0, message=why[len("refused: "):])
        else:
            row["message"] = f"{why}; {row['message']}" if row["message"] else why
    return rows


def _clean(row):
    """A row as text that can be written anywhere: valid UTF-8, one line, bounded."""
    message = str(row.get("message", "")).encode("utf-8", "replace").decode("utf-8")
    row["message"] = " ".join(message.split())[:500]
    return row


def submission_seconds(cell_timeout=None, submission_timeout=None):
    """The time one submission's notebook may take in all, every kernel restart included:
    ``submission_timeout``, else ``$COURSE_SUBMISSION_SECONDS``, else the larger of three
    cell limits and 300 s. (A grading job gets ``nbgrader_jobs.FIXED_SECONDS`` more, for
    nbgrader, the checks and the feedback.) A student holds a worker no longer than that,
    however many cells their notebook has."""
    if submission_timeout is None and os.environ.get("COURSE_SUBMISSION_SECONDS"):
        try:
            submission_timeout = int(os.environ["COURSE_SUBMISSION_SECONDS"])
        except ValueError:
            raise CourseError("COURSE_SUBMISSION_SECONDS must be a whole number of seconds") \
                from None
    if submission_timeout is not None:
        if submission_timeout < 1:
            raise CourseError("--submission-timeout must be at least 1 second")
        return int(submission_timeout)
    return max(int(cell_timeout or 90) * 3, 300)


def grade_notebooks(module, notebooks, root, db, jobs=1, feedback_dir=None, progress=None,
                    sandbox=False, cell_timeout=None, base=None, submission_timeout=None):
    """Autograde ``{student: notebook path, None (missing) or a reason (invalid)}`` for
    ``module``.

    Returns one row per student and exercise. A missing or broken notebook, or a
    grading run that dies, gives that student rows with a status saying why; the others
    are graded all the same. Each submission is read, checked and graded by a process
    of its own (``nbgrader_jobs grade``) with a time limit: this process never parses a
    submission. ``progress(done, total, student, rows)`` is called as each student's
    grading finishes. Below ``base`` (the submissions folder), the job follows no
    symbolic link on its way to a notebook.
    """
    from .sandbox import remove_stale

    remove_stale()  # what a grader killed long ago left behind
    root = Path(root)
    _prepare_course(root, module)
    source_nb = read_notebook(source_notebook(module))
    found = exercises(source_nb)
    result = run_job("generate", root, db, module)
    if not result.get("success"):
        raise CourseError(f"nbgrader could not prepare {module}: {_last_line(result)}")
    total_timeout = submission_seconds(cell_timeout, submission_timeout)

    rows, to_grade = {}, []
    for student, path in notebooks.items():
        # nbgrader uses a student id in paths and as a glob pattern (a folder named ``*``
        # re-graded every student): the exchange's plain names only.
        try:
            check_student(student)
        except CourseError as exc:
            rows[student] = _exercise_rows(student, module, found, "invalid", str(exc))
            continue
        if path is None:
            rows[student] = _exercise_rows(student, module, found, "missing",
                                           f"no {module}.ipynb was submitted")
        elif isinstance(path, str):
            rows[student] = _exercise_rows(student, module, found, "invalid", path)
        else:
            to_grade.append(student)

    total = len(notebooks)
    if progress:
        for done, student in enumerate(rows, 1):
            progress(done, total, student, rows[student])

    def grade_one(student):
        start = time.monotonic()
        path = Path(notebooks[student])
        top = Path(base) if base is not None else path.parent
        return run_job("grade", root, db, module, student, sandbox=sandbox,
                       cell_timeout=cell_timeout, total_timeout=total_timeout,
                       timeout=total_timeout + FIXED_SECONDS, submission_root=top,
                       submission=path.relative_to(top).as_posix()), time.monotonic() - start

    with ThreadPoolExecutor(max_workers=max(1, int(jobs))) as pool:
        running = {pool.submit(grade_one, student): student for student in to_grade}
        for future in as_completed(running):
            student, (result, seconds) = running[future], future.result()
            got = result.get("rows")
            if isinstance(got, list) and got:
                rows[student] = [_clean(r) for r in got]
            else:
                rows[student] = _exercise_rows(student, module, found, "error",
                                               f"grading failed: {_last_line(result)}")
            for row in rows[student]:
                row["seconds"] = round(seconds, 2)
            if feedback_dir is not None and rows[student][0]["status"] not in ("invalid", "error"):
                html = root / "feedback" / student / module / f"{module}.html"
                if html.is_file() and not html.is_symlink():
                    target = Path(feedback_dir) / student / f"{module}.html"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(html, target)
            if progress:
                progress(len(rows), total, student, rows[student])
    return [row for student in notebooks for row in rows[student]]


def _sandbox_choice(sandbox):
    """``True``/``False``, or ``None`` for "where bubblewrap works"."""
    from .sandbox import available

    if sandbox is None:
        return available()
    if sandbox and not available():
        raise CourseError("grading untrusted notebooks needs bubblewrap (Debian: apt install "
                          "bubblewrap), which is missing or cannot make a sandbox here; "
                          "--no-sandbox grades without one")
    return bool(sandbox)


def grade(module, submissions, out, jobs=1, db=None, progress=None, sandbox=True,
          cell_timeout=None, submission_timeout=None):
    """Grade a class: ``submissions/<student>/<module>/*.ipynb`` -> ``out/grades.csv``,
    ``out/feedback/<student>/<module>.html`` and the gradebook. Kernels run in the
    sandbox unless ``sandbox`` is False."""
    module = resolve_module(module)
    submissions = Path(submissions)
    if not submissions.exists():
        raise CourseError(f"{submissions}: no such submissions folder")
    if not submissions.is_dir():
        raise CourseError(f"{submissions}: is not a folder")
    students = sorted(p.name for p in submissions.iterdir()
                      if (p.is_dir() or p.is_symlink()) and not p.name.startswith("."))
    if not students:
        raise CourseError(f"{submissions}: is empty; expected <student>/{module}/{module}.ipynb inside")
    if jobs < 1:
        raise CourseError("--jobs must be at least 1")
    if cell_timeout is not None and cell_timeout < 1:
        raise CourseError("--cell-timeout must be at least 1 second")
    submission_seconds(cell_timeout, submission_timeout)  # a bad limit fails before any work
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise CourseError(f"{out}: exists and is not a folder")
    sandbox = _sandbox_choice(sandbox)  # the environment, once the arguments are known good
    out.mkdir(parents=True, exist_ok=True)
    db = db or sqlite_url(out / "gradebook.db")
    notebooks = {s: _pick_notebook(submissions / s / module, module) for s in students}
    rows = grade_notebooks(module, notebooks, out / "nbgrader", db, jobs=jobs,
                           feedback_dir=out / "feedback", progress=progress, sandbox=sandbox,
                           cell_timeout=cell_timeout, base=submissions,
                           submission_timeout=submission_timeout)
    write_csv(out / "grades.csv", rows)
    return rows


def submit(path, out=None):
    """Self-study grading of one's own notebook with the hidden tests.

    Returns ``(rows, feedback_html_path or None)``.
    """
    path = Path(path)
    nb = read_notebook(path)
    module = identify_module(path, nb)
    out = Path(out) if out else path.resolve().parent / "feedback"
    with tempfile.TemporaryDirectory(prefix="course-submit-") as tmp:
        tmp = Path(tmp)
        feedback = tmp / "feedback-out"
        rows = grade_notebooks(module, {"me": path.resolve()}, tmp / "course",
                               sqlite_url(tmp / "gradebook.db"), feedback_dir=feedback,
                               sandbox=_sandbox_choice(None))
        html = feedback / "me" / f"{module}.html"
        target = None
        if html.is_file():
            out.mkdir(parents=True, exist_ok=True)
            target = out / f"{module}.html"
            shutil.copyfile(html, target)
    return rows, target


#: A cell a spreadsheet reads as a formula starts with one of these (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value):
    """``value`` as a CSV field no spreadsheet runs: text starting like a formula gets a
    leading ``'`` (OWASP's advice); numbers are written as numbers."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in map(_clean, rows):
            writer.writerow({k: csv_text(row.get(k, "")) for k in CSV_COLUMNS})


def workspace(target=None):
    """Copy the student notebooks into a workspace (never overwriting a learner's
    copy) and return its path. Home.ipynb holds no work of the learner's, so it is
    always the current one."""
    target = Path(target or os.environ.get("COURSE_WORKSPACE") or ROOT / "workspace")
    target.mkdir(parents=True, exist_ok=True)
    if (RELEASE / "Home.ipynb").is_file():
        shutil.copyfile(RELEASE / "Home.ipynb", target / "Home.ipynb")
    for nb in sorted(RELEASE.glob("*/*.ipynb")):
        dest = target / nb.parent.name / nb.name
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(nb, dest)
    return target
