"""The attack corpus (tests/attacks.py) graded as one class by `course grade`, in the
sandbox: no attack earns a mark it did not deserve, none stops the batch, none
reaches outside its sandbox, and no submission is changed."""
import csv
import hashlib
import os
import re
import subprocess
import sys

import nbformat
import pytest

from attacks import ATTACKS, CANARY, build, expected
from autograder.notebooks import exercises
from autograder.pipeline import ROOT, source_notebook
from autograder.sandbox import available
from test_grading import student_notebook

MODULE = "01_perceptron"
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("attacks"),  # one class, graded once
              pytest.mark.skipif(not available() and os.environ.get("COURSE_REQUIRE_SANDBOX") != "1",
                                 reason="bubblewrap is not available here (CI requires it)")]


def _slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("attacks")
    subs, out = base / "submissions", base / "out"
    honest = student_notebook(MODULE)
    students = {"honest": nbformat.writes(honest)}
    students.update({_slug(name): build(name, honest) for name in ATTACKS})
    for student, text in students.items():
        (subs / student / MODULE).mkdir(parents=True)
        (subs / student / MODULE / f"{MODULE}.ipynb").write_text(text)
    watched = [ROOT / "course" / "checks.py", source_notebook(MODULE)]
    before = {p: _digest(p) for p in list(subs.rglob("*.ipynb")) + watched}
    env = dict(os.environ, COURSE_SANDBOX_MEMORY_MB="2048")
    proc = subprocess.run([sys.executable, "-m", "course_cli", "grade", MODULE, "--submissions",
                           str(subs), "--out", str(out), "--jobs", "2", "--cell-timeout", "10"],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env,
                          timeout=1800)
    rows = list(csv.DictReader(open(out / "grades.csv"))) if (out / "grades.csv").exists() else []
    canary = (ROOT / CANARY).exists()
    (ROOT / CANARY).unlink(missing_ok=True)
    return {"proc": proc, "rows": rows, "before": before, "canary": canary, "out": out,
            "students": students}


def test_the_batch_finishes_with_a_row_for_every_exercise(graded):
    assert graded["proc"].returncode == 0, graded["proc"].stderr[-2000:]
    names = list(exercises(nbformat.read(source_notebook(MODULE), as_version=4)))
    got = {(r["student"], r["exercise"]) for r in graded["rows"]}
    assert got == {(s, n) for s in graded["students"] for n in names}


def test_the_honest_submission_gets_full_marks(graded):
    rows = [r for r in graded["rows"] if r["student"] == "honest"]
    assert rows and all(r["status"] == "passed" and r["score"] == r["max_score"] for r in rows)


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_attack_gets_the_result_it_must(graded, attack):
    rows = [r for r in graded["rows"] if r["student"] == _slug(attack)]
    assert rows, f"no rows for {attack}"
    for row in rows:
        want = expected(attack, row["exercise"])
        assert row["status"] == want, (attack, row)
        if want != "passed":
            assert float(row["score"]) == 0, (attack, row)
            assert row["message"], f"{attack}: a {want} row must say why"
        else:
            assert float(row["score"]) == float(row["max_score"]) > 0, (attack, row)


def test_nothing_outside_the_sandbox_changed(graded):
    assert not graded["canary"], "a submission wrote into the course"
    for path, digest in graded["before"].items():
        assert _digest(path) == digest, f"{path} was changed by grading"


def test_output_flood_is_cut(graded):
    notebook = graded["out"] / "nbgrader" / "autograded" / _slug("floods the output") / MODULE \
        / f"{MODULE}.ipynb"
    assert notebook.stat().st_size < 3_000_000
    assert "[output cut" in notebook.read_text()
