"""`course progress`: a learner's table, computed from their own notebooks and the
results `course validate` and `course submit` recorded."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from autograder.pipeline import RELEASE, SOURCE, workspace
from course.progress import progress, record, stale, workspace_of

MODULE = "01_perceptron"


def _course(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "course_cli", *args], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, cwd=cwd)


def _row(ws, module=MODULE):
    return next(r for r in progress(ws) if r["module"] == module)


def test_fresh_workspace_is_not_started(tmp_path):
    ws = workspace(tmp_path / "ws")
    rows = progress(ws)
    assert [r["module"] for r in rows] == sorted(p.name for p in RELEASE.glob("[0-9][0-9]_*")
                                                 if p.is_dir())
    assert all(r["state"] == "not started" and r["checked"] == "never" for r in rows)
    assert _row(ws)["passing"] == "0/4"
    assert stale(ws) == []
    assert (ws / "Home.ipynb").is_file()


def test_record_then_edit_marks_the_check_as_stale(tmp_path):
    ws = workspace(tmp_path / "ws")
    mine = ws / MODULE / f"{MODULE}.ipynb"
    shutil.copyfile(SOURCE / MODULE / f"{MODULE}.ipynb", mine)
    assert _row(ws)["state"] == "in progress" and stale(ws) == [mine]
    rows = [{"status": "passed", "score": 2.0, "max_score": 2.0}] * 3 + \
           [{"status": "failed", "score": 0.0, "max_score": 1.0}]
    record(mine, rows, "submit")
    row = _row(ws)
    assert (row["passing"], row["score"], row["checked"]) == ("3/4", "6/7", "just now")
    assert stale(ws) == []
    before = mine.read_text()
    os.utime(mine, (mine.stat().st_atime, mine.stat().st_mtime + 10))
    assert _row(ws)["checked"].endswith("(changed since)") and stale(ws) == [mine]
    assert mine.read_text() == before, "progress must never change a notebook"


def test_notebook_outside_a_workspace_is_not_recorded(tmp_path):
    path = tmp_path / "mine.ipynb"
    shutil.copyfile(RELEASE / MODULE / f"{MODULE}.ipynb", path)
    assert workspace_of(path) is None and record(path, [], "validate") is None


def test_unreadable_notebook_gets_a_row_not_a_crash(tmp_path):
    ws = workspace(tmp_path / "ws")
    (ws / MODULE / f"{MODULE}.ipynb").write_text("{ not json")
    assert _row(ws)["state"].startswith("unreadable")


@pytest.mark.slow
def test_validate_submit_and_progress_commands(tmp_path):
    ws = workspace(tmp_path / "ws")
    mine = ws / MODULE / f"{MODULE}.ipynb"
    shutil.copyfile(SOURCE / MODULE / f"{MODULE}.ipynb", mine)
    done = _course("progress", "--dir", str(ws), "--check")
    assert done.returncode == 0, done.stderr
    assert f"checking {MODULE} (1/1)" in done.stdout
    assert "all visible tests pass" in done.stdout and "4/4" in done.stdout
    done = _course("submit", str(mine))
    assert done.returncode == 0, done.stderr
    data = json.loads((ws / ".course" / "progress.json").read_text())
    assert data[MODULE]["score"] == data[MODULE]["max_score"] > 0
    done = _course("progress", "--dir", str(ws))
    assert f"{data[MODULE]['score']:g}/{data[MODULE]['max_score']:g}" in done.stdout
    assert "every record is up to date" in _course("progress", "--dir", str(ws), "--check").stdout


def test_progress_without_a_workspace_is_one_line(tmp_path):
    done = _course("progress", "--dir", str(tmp_path / "nope"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("course: error: no workspace")


def test_the_course_own_notebooks_are_not_a_workspace():
    from autograder.pipeline import ROOT

    for folder in ("release", "source"):
        assert workspace_of(ROOT / folder / MODULE / f"{MODULE}.ipynb") is None
