"""The `course` command end to end, with real nbgrader and its gradebook."""
import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.notebooks import exercises, is_answer_cell, nbgrader_meta
from autograder.pipeline import RELEASE, source_notebook
from conftest import MODULES, sandbox_args

pytestmark = [pytest.mark.skipif(not MODULES, reason="no modules yet"),
              # one worker grades the class once for all the tests that read it
              pytest.mark.xdist_group("grading")]
MODULE = MODULES[0] if MODULES else None


def course(*args, cwd=None):
    if args and args[0] == "grade":
        args = (*args, *sandbox_args())
    return subprocess.run([sys.executable, "-m", "course_cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, stdin=subprocess.DEVNULL,
                          timeout=1200)


def student_notebook(module, answers="solution", extra=None):
    """The release notebook as a student would hand it in: answer cells filled
    with the reference solutions ("solution") or left as released ("blank");
    ``extra`` maps an exercise to code appended to its answer cell."""
    nb = nbformat.read(RELEASE / module / f"{module}.ipynb", as_version=4)
    solutions = {nbgrader_meta(c)["grade_id"]: c.source
                 for c in nbformat.read(source_notebook(module), as_version=4).cells
                 if is_answer_cell(c)}
    for cell in nb.cells:
        if is_answer_cell(cell):
            gid = nbgrader_meta(cell)["grade_id"]
            if answers == "solution":
                cell.source = solutions[gid]
            if extra and gid in extra:
                cell.source += "\n" + extra[gid]
    return nb


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    subs, out = base / "submissions", base / "out"
    first = next(iter(exercises(nbformat.read(source_notebook(MODULE), as_version=4))))
    warns = (f"import warnings\n_real_{first} = {first}\n"
             f"def {first}(*args, **kwargs):\n"
             f"    warnings.warn('this answer prints a warning', stacklevel=1)\n"
             f"    return _real_{first}(*args, **kwargs)\n")
    notebooks = {
        "perfect": student_notebook(MODULE),
        "blank": student_notebook(MODULE, answers="blank"),
        "warns": student_notebook(MODULE, extra={first: warns}),
    }
    for student, nb in notebooks.items():
        (subs / student / MODULE).mkdir(parents=True)
        nbformat.write(nb, subs / student / MODULE / f"{MODULE}.ipynb")
    (subs / "broken" / MODULE).mkdir(parents=True)
    (subs / "broken" / MODULE / f"{MODULE}.ipynb").write_text('{"cells": [ this is not json')
    (subs / "absent" / MODULE).mkdir(parents=True)
    digests = {p: _digest(p) for p in subs.rglob("*.ipynb")}
    proc = course("grade", MODULE, "--submissions", subs, "--out", out, "--jobs", 2)
    rows = list(csv.DictReader(open(out / "grades.csv"))) if (out / "grades.csv").exists() else []
    return {"proc": proc, "rows": rows, "out": out, "subs": subs, "digests": digests,
            "first": first}


def _rows(graded, student):
    return [r for r in graded["rows"] if r["student"] == student]


@pytest.mark.slow
def test_grade_writes_one_row_per_student_and_exercise(graded_class):
    proc = graded_class["proc"]
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    n = len(exercises(nbformat.read(source_notebook(MODULE), as_version=4)))
    assert len(graded_class["rows"]) == 5 * n
    assert set(graded_class["rows"][0]) >= {"student", "module", "exercise", "score",
                                            "max_score", "status"}


@pytest.mark.slow
def test_perfect_submission_gets_full_marks(graded_class):
    rows = _rows(graded_class, "perfect")
    assert rows and all(r["status"] == "passed" for r in rows), rows
    assert all(float(r["score"]) == float(r["max_score"]) > 0 for r in rows)
    assert (graded_class["out"] / "feedback" / "perfect" / f"{MODULE}.html").is_file()


@pytest.mark.slow
def test_blank_submission_gets_zero(graded_class):
    rows = _rows(graded_class, "blank")
    assert rows and all(float(r["score"]) == 0 and r["status"] == "failed" for r in rows), rows
    assert all("NotImplementedError" in r["message"] for r in rows)


@pytest.mark.slow
def test_correct_answer_that_prints_a_warning_keeps_full_marks(graded_class):
    rows = _rows(graded_class, "warns")
    assert all(r["status"] == "passed" for r in rows), rows
    autograded = graded_class["out"] / "nbgrader" / "autograded" / "warns" / MODULE / f"{MODULE}.ipynb"
    assert "this answer prints a warning" in autograded.read_text(), \
        "the warning was never printed, so this test proves nothing"


@pytest.mark.slow
def test_broken_and_missing_submissions_get_status_rows(graded_class):
    broken, absent = _rows(graded_class, "broken"), _rows(graded_class, "absent")
    assert broken and all(r["status"] == "invalid" and "not a notebook" in r["message"]
                          for r in broken)
    assert absent and all(r["status"] == "missing" for r in absent)


@pytest.mark.slow
def test_gradebook_records_the_grades(graded_class):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded_class['out'] / 'gradebook.db'}") as gb:
        perfect = gb.find_submission(MODULE, "perfect")
        blank = gb.find_submission(MODULE, "blank")
        assert perfect.score == perfect.max_score > 0
        assert blank.score == 0


@pytest.mark.slow
def test_submissions_are_never_modified(graded_class):
    for path, digest in graded_class["digests"].items():
        assert _digest(path) == digest, f"{path} was modified by grading"


@pytest.mark.slow
def test_submit_grades_own_notebook_with_hidden_tests(tmp_path):
    path = tmp_path / f"{MODULE}.ipynb"
    nbformat.write(student_notebook(MODULE), path)
    before = _digest(path)
    proc = course("submit", path)
    assert proc.returncode == 0, proc.stderr
    assert "Score:" in proc.stdout and "Traceback" not in proc.stderr
    score = proc.stdout.split("Score:")[1].split()[:3]
    assert score[0] == score[2], proc.stdout
    assert (tmp_path / "feedback" / f"{MODULE}.html").is_file()
    assert _digest(path) == before


@pytest.mark.slow
def test_validate_reports_each_exercise(tmp_path):
    blank = tmp_path / "blank" / f"{MODULE}.ipynb"
    blank.parent.mkdir()
    nbformat.write(student_notebook(MODULE, answers="blank"), blank)
    proc = course("validate", blank)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    names = exercises(nbformat.read(source_notebook(MODULE), as_version=4))
    for name in names:
        assert name in proc.stdout
    assert f"0 of {len(names)} exercises pass" in proc.stdout
    done = tmp_path / "done" / f"{MODULE}.ipynb"
    done.parent.mkdir()
    nbformat.write(student_notebook(MODULE), done)
    proc = course("validate", done)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(names)} of {len(names)} exercises pass" in proc.stdout


@pytest.mark.slow
def test_grade_records_into_the_gradebook_named_by_db(tmp_path):
    from nbgrader.api import Gradebook

    subs, out = tmp_path / "subs", tmp_path / "out"
    (subs / "ada" / MODULE).mkdir(parents=True)
    nbformat.write(student_notebook(MODULE), subs / "ada" / MODULE / f"{MODULE}.ipynb")
    url = f"sqlite:///{tmp_path / 'elsewhere' / 'class.db'}"
    (tmp_path / "elsewhere").mkdir()
    proc = course("grade", MODULE, "--submissions", subs, "--out", out, "--db", url)
    assert proc.returncode == 0, proc.stderr
    assert not (out / "gradebook.db").exists(), "--db was ignored"
    with Gradebook(url) as gb:
        ada = gb.find_submission(MODULE, "ada")
        assert ada.score == ada.max_score > 0


@pytest.mark.slow
def test_grade_reports_progress_for_every_student(graded_class):
    out = graded_class["proc"].stdout
    lines = [ln for ln in out.splitlines() if ln.startswith("[")]
    assert len(lines) == 5, out
    assert [ln.split("]")[0] for ln in lines] == [f"[{i}/5" for i in range(1, 6)]
    assert {ln.split("] ")[1].split(":")[0] for ln in lines} == \
        {"perfect", "blank", "warns", "broken", "absent"}
    assert any(ln.startswith("[") and "broken: 0/" in ln and "invalid" in ln for ln in lines)


@pytest.mark.slow
def test_grade_writes_the_class_report_and_exports_match_the_gradebook(graded_class, tmp_path):
    """`course grade` writes OUT/report.html and says where; grades.csv has each student's
    grading time; both gradebook exports parse back to nbgrader's gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    from autograder.report import export, read_export, read_grades

    out = graded_class["out"]
    assert f"Report: {out / 'report.html'}" in graded_class["proc"].stdout
    page = (out / "report.html").read_text(encoding="utf-8")
    needs = page.split("id='needs-table'")[1].split("</table>")[0]
    assert "<td>broken</td><td>invalid</td>" in needs and "<td>absent</td><td>missing</td>" in needs
    # perfect and warns handed in the same reference solution: a pair, and the only one
    pairs = page.split("id='pairs-table'")[1].split("<h2 id='time'>")[0]
    assert "<td>perfect<br>warns</td>" in pairs and "blank" not in pairs
    seconds = {r["student"]: r["seconds"] for r in read_grades(out, MODULE)}
    assert all(seconds[s] > 0 for s in ("perfect", "blank", "warns")), seconds
    # A broken notebook is read (and found invalid) by a grading job of its own, which is
    # timed; a missing one never starts a job.
    assert seconds["broken"] is not None and seconds["absent"] is None
    book = {}
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gb:
        for student in ("perfect", "blank", "warns", "broken", "absent"):
            try:
                book[student] = {MODULE: gb.find_submission(MODULE, student).score}
            except MissingEntry:  # never graded: zero in the export
                book[student] = {MODULE: 0.0}
    assert book["perfect"][MODULE] > 0 and book["blank"][MODULE] == 0
    for kind in ("canvas", "moodle"):
        export(kind, [out], tmp_path / f"{kind}.csv")
        assert read_export(kind, tmp_path / f"{kind}.csv") == book
