"""nbgrader's exchange end to end, through a course-local exchange folder:
release -> fetch -> submit -> collect -> `course grade` -> feedback back to the students.

Two students work in homes of their own; ada answers every exercise, bob hands in
twice (first unanswered, then everything but one exercise) and the newer one counts.
"""
import csv
import hashlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest

from autograder import exchange
from autograder.notebooks import exercises, is_answer_cell, nbgrader_meta
from autograder.pipeline import RELEASE, source_notebook
from conftest import MODULES

MODULE = "01_perceptron"
pytestmark = pytest.mark.skipif(MODULE not in MODULES, reason=f"no {MODULE}")
STUDENTS = ("ada", "bob")


def _bytes(path):
    return Path(path).read_bytes()


def _sha(path):
    return hashlib.sha256(_bytes(path)).hexdigest()


def _exchange(state):
    """The course's folder in the exchange: <course_dir>/exchange/<course id>."""
    return state["course_dir"] / "exchange" / state["course_id"]


def _now():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _answer(path, skip=()):
    """The student's work: every answer cell of the fetched notebook gets the
    reference solution, except the exercises in ``skip``."""
    nb = nbformat.read(path, as_version=4)
    solutions = {nbgrader_meta(c)["grade_id"]: c.source
                 for c in nbformat.read(source_notebook(MODULE), as_version=4).cells
                 if is_answer_cell(c)}
    for cell in nb.cells:
        if is_answer_cell(cell) and nbgrader_meta(cell)["grade_id"] not in skip:
            cell.source = solutions[nbgrader_meta(cell)["grade_id"]]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def handed_in(tmp_path_factory):
    """Release, fetch, answer, submit, collect; what each step left behind."""
    from nbgrader.utils import parse_utc

    base = tmp_path_factory.mktemp("exchange")
    course_dir = base / "instructor"
    homes = {s: base / "home" / s for s in STUDENTS}
    state = {"course_dir": course_dir, "homes": homes, "submits": {}, "fetched": {},
             "course_id": exchange.course_id(course_dir),
             "unanswered": next(iter(exercises(nbformat.read(source_notebook(MODULE),
                                                             as_version=4))))}
    state["outbound"] = exchange.release_to_exchange(MODULE, course_dir)
    for student, home in homes.items():
        folder = exchange.fetch(MODULE, course_dir, home, student)
        notebook = folder / f"{MODULE}.ipynb"
        state["fetched"][student] = (folder, _bytes(notebook))
        submits = state["submits"][student] = []
        if student == "bob":  # a first, unanswered hand-in that a later one replaces
            before = _now()
            timestamp, inbound = exchange.submit(MODULE, course_dir, home, student)
            submits.append({"timestamp": timestamp, "inbound": inbound, "sha": _sha(notebook),
                            "when": (before, _now()), "parsed": parse_utc(timestamp)})
            _answer(notebook, skip={state["unanswered"]})
        else:
            _answer(notebook)
        before = _now()
        timestamp, inbound = exchange.submit(MODULE, course_dir, home, student)
        submits.append({"timestamp": timestamp, "inbound": inbound, "sha": _sha(notebook),
                        "when": (before, _now()), "parsed": parse_utc(timestamp)})
    state["collected"] = exchange.collect(MODULE, course_dir)
    return state


def test_release_puts_the_student_notebook_in_the_exchange(handed_in):
    outbound = handed_in["outbound"]
    assert outbound == _exchange(handed_in) / "outbound" / MODULE
    assert _bytes(outbound / f"{MODULE}.ipynb") == _bytes(RELEASE / MODULE / f"{MODULE}.ipynb")
    assert (_exchange(handed_in) / "inbound").is_dir()


def test_each_student_fetches_the_released_notebook_into_their_home(handed_in):
    released = _bytes(RELEASE / MODULE / f"{MODULE}.ipynb")
    for student, (folder, fetched) in handed_in["fetched"].items():
        assert folder == handed_in["homes"][student] / MODULE
        assert fetched == released


def test_submit_leaves_a_timestamped_copy_in_the_exchange_and_the_cache(handed_in):
    inbound = _exchange(handed_in) / "inbound"
    assert len(list(inbound.iterdir())) == 3  # ada once, bob twice
    for student, submits in handed_in["submits"].items():
        for sub in submits:
            folder = sub["inbound"]
            assert folder.parent == inbound
            name, module, stamp, _random = folder.name.split("+")
            assert (name, module, stamp) == (student, MODULE, sub["timestamp"])
            assert (folder / "timestamp.txt").read_text() == sub["timestamp"]
            assert (folder / "submission_secret.txt").read_text().strip()
            assert sub["when"][0] - timedelta(seconds=1) <= sub["parsed"] <= sub["when"][1]
            cached = (handed_in["homes"][student] / ".nbgrader_cache" / handed_in["course_id"]
                      / f"{student}+{MODULE}+{sub['timestamp']}")
            assert (cached / "timestamp.txt").read_text() == sub["timestamp"]
        assert _sha(submits[-1]["inbound"] / f"{MODULE}.ipynb") == submits[-1]["sha"]
    first, second = handed_in["submits"]["bob"]
    assert first["parsed"] < second["parsed"] and first["sha"] != second["sha"]


def test_collect_takes_each_students_newest_submission_byte_for_byte(handed_in):
    collected = handed_in["collected"]
    assert sorted(collected) == list(STUDENTS)
    for student, folder in collected.items():
        newest = handed_in["submits"][student][-1]
        assert folder == handed_in["course_dir"] / "submitted" / student / MODULE
        notebook = folder / f"{MODULE}.ipynb"
        assert _sha(notebook) == newest["sha"] == _sha(handed_in["homes"][student] / MODULE
                                                        / f"{MODULE}.ipynb")
        assert (folder / "timestamp.txt").read_text() == newest["timestamp"]


@pytest.fixture(scope="module")
def graded(handed_in):
    """`course grade` on what was collected, then the feedback back to the students."""
    from test_grading import course

    course_dir = handed_in["course_dir"]
    submitted = course_dir / "submitted"
    out = course_dir.parent / "graded"
    digests = {p: _sha(p) for p in submitted.rglob("*") if p.is_file()}
    proc = course("grade", MODULE, "--submissions", submitted, "--out", out, "--jobs", 2)
    rows = list(csv.DictReader(open(out / "grades.csv"))) if (out / "grades.csv").exists() else []
    released = exchange.return_feedback(MODULE, course_dir, out)
    fetched = {s: exchange.fetch_feedback(MODULE, course_dir, home, s)
               for s, home in handed_in["homes"].items()}
    return {"proc": proc, "rows": rows, "out": out, "digests": digests, "released": released,
            "fetched": fetched}


@pytest.mark.slow
@pytest.mark.xdist_group("grading")
def test_grading_the_collected_submissions_gives_the_right_grades(handed_in, graded):
    assert graded["proc"].returncode == 0, graded["proc"].stdout + graded["proc"].stderr
    found = exercises(nbformat.read(source_notebook(MODULE), as_version=4))
    rows = {(r["student"], r["exercise"]): r for r in graded["rows"]}
    assert len(graded["rows"]) == len(STUDENTS) * len(found)
    for name, tests in found.items():
        top = sum(p for _, p in tests)
        ada = rows["ada", name]
        assert (ada["status"], float(ada["score"]), float(ada["max_score"])) == ("passed", top, top)
        bob = rows["bob", name]
        if name == handed_in["unanswered"]:
            assert (bob["status"], float(bob["score"])) == ("failed", 0.0), bob
            assert "NotImplementedError" in bob["message"]
        else:
            assert (bob["status"], float(bob["score"])) == ("passed", top), bob
    for path, digest in graded["digests"].items():
        assert _sha(path) == digest, f"grading modified {path}"


@pytest.mark.slow
@pytest.mark.xdist_group("grading")
def test_each_student_fetches_their_own_feedback(handed_in, graded):
    assert sorted(graded["released"]) == list(STUDENTS)
    outbound = _exchange(handed_in) / "feedback"
    assert len(list(outbound.glob("*.html"))) == len(STUDENTS)
    for student, home in handed_in["homes"].items():
        newest = handed_in["submits"][student][-1]["timestamp"]
        expected = home / MODULE / "feedback" / newest / f"{MODULE}.html"
        assert graded["fetched"][student] == [expected]
        assert _bytes(expected) == _bytes(graded["out"] / "feedback" / student / f"{MODULE}.html")
        rows = [r for r in graded["rows"] if r["student"] == student]
        score = sum(float(r["score"]) for r in rows)
        top = sum(float(r["max_score"]) for r in rows)
        assert f"Score: {score:.1f} / {top:.1f}" in expected.read_text(encoding="utf-8")
        # the feedback of the other student never reaches this home
        other = next(s for s in STUDENTS if s != student)
        assert _bytes(expected) != _bytes(graded["out"] / "feedback" / other / f"{MODULE}.html")
        assert sorted(p.name for p in (home / MODULE / "feedback").iterdir()) == [newest]


def test_the_course_command_drives_the_exchange(tmp_path):
    """`course exchange` is the same flow from the command line, one line per step."""
    from test_grading import course

    course_dir, home = tmp_path / "instructor", tmp_path / "home" / "cy"
    steps = [("release",), ("fetch", "--home", home, "--student", "cy"),
             ("submit", "--home", home, "--student", "cy"), ("collect",)]
    for step, *extra in steps:
        proc = course("exchange", step, MODULE, "--course", course_dir, *extra)
        assert proc.returncode == 0, (step, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
    assert "cy: " in proc.stdout and "course grade" in proc.stdout
    handed = course_dir / "submitted" / "cy" / MODULE / f"{MODULE}.ipynb"
    assert _bytes(handed) == _bytes(home / MODULE / f"{MODULE}.ipynb")


@pytest.mark.parametrize("args, says", [
    (("fetch", MODULE, "--home", "{tmp}/h", "--student", "dee"), "has not been released"),
    (("submit", MODULE, "--home", "{tmp}/h", "--student", "../eve"), "not a plain name"),
    (("fetch", MODULE), "--home"),
    (("feedback", MODULE), "--graded"),
    (("release", "99_nothing"), "unknown module"),
])
def test_exchange_refuses_bad_requests_in_one_line(tmp_path, args, says):
    from test_grading import course

    args = [str(a).format(tmp=tmp_path) for a in args]
    proc = course("exchange", *args, "--course", tmp_path / "instructor")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("course: error:") and says in lines[0], lines


def test_collect_follows_no_link_a_student_put_in_the_inbound_folder(tmp_path):
    """A student may write in their own inbound folder: a link in place of their notebook
    (to the instructor's source) and a link to source/ are neither followed nor copied,
    the collected submission is graded as missing, not as the instructor's notebook, and
    returning feedback follows no link in submitted/."""
    from autograder.pipeline import ROOT, grade

    course_dir = tmp_path / "class"
    exchange.release_to_exchange(MODULE, course_dir)
    home = tmp_path / "mallory"
    exchange.fetch(MODULE, course_dir, home, "mallory")
    _, inbound = exchange.submit(MODULE, course_dir, home, "mallory")
    (inbound / f"{MODULE}.ipynb").unlink()
    (inbound / f"{MODULE}.ipynb").symlink_to(ROOT / "source" / MODULE / f"{MODULE}.ipynb")
    (inbound / "instructor_source").symlink_to(ROOT / "source")
    folder = exchange.collect(MODULE, course_dir)["mallory"]
    assert folder.is_dir() and not folder.is_symlink()
    for path in folder.rglob("*"):
        assert not path.is_symlink(), path
    assert not (folder / f"{MODULE}.ipynb").exists()
    assert not (folder / "instructor_source").exists()
    rows = grade(MODULE, course_dir / "submitted", tmp_path / "graded", cell_timeout=30)
    assert {r["status"] for r in rows} == {"missing"}, rows
    # a submitted folder whose timestamp is a link gets no feedback released
    (folder / "timestamp.txt").unlink()
    (folder / "timestamp.txt").symlink_to(ROOT / "source" / MODULE / f"{MODULE}.ipynb")
    fake = tmp_path / "graded" / "feedback" / "mallory"
    fake.mkdir(parents=True, exist_ok=True)
    (fake / f"{MODULE}.html").write_text("<p>feedback</p>")
    assert exchange.return_feedback(MODULE, course_dir, tmp_path / "graded") == []


def test_collect_skips_an_inbound_submission_that_is_itself_a_link(tmp_path):
    from autograder.pipeline import ROOT

    course_dir = tmp_path / "class"
    exchange.release_to_exchange(MODULE, course_dir)
    home = tmp_path / "mallory"
    exchange.fetch(MODULE, course_dir, home, "mallory")
    _, inbound = exchange.submit(MODULE, course_dir, home, "mallory")
    import shutil

    shutil.rmtree(inbound)
    inbound.symlink_to(ROOT / "source" / MODULE)
    exchange.collect(MODULE, course_dir)
    copied = course_dir / "submitted" / "mallory" / MODULE
    assert not (copied / f"{MODULE}.ipynb").exists()
