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


def _edit_answer(path, exercise="perceptron_predict", text="\n# changed"):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == exercise)
    cell.source += text
    nbformat.write(nb, path)


def test_record_then_edit_marks_the_check_as_stale(tmp_path):
    ws = workspace(tmp_path / "ws")
    mine = ws / MODULE / f"{MODULE}.ipynb"
    shutil.copyfile(SOURCE / MODULE / f"{MODULE}.ipynb", mine)
    assert _row(ws)["state"] == "in progress" and stale(ws) == [mine]
    rows = [{"status": "passed", "score": 2.0, "max_score": 2.0}] * 3 + \
           [{"status": "failed", "score": 0.0, "max_score": 1.0}]
    record(mine, rows, "validate")
    record(mine, rows, "submit")
    row = _row(ws)
    assert (row["passing"], row["score"], row["checked"]) == ("3/4", "6/7", "just now")
    assert stale(ws) == []
    before = mine.read_text()
    # touching the file without changing an answer changes nothing
    os.utime(mine, (mine.stat().st_atime, mine.stat().st_mtime + 10))
    assert _row(ws)["checked"] == "just now" and stale(ws) == []
    assert mine.read_text() == before, "progress must never change a notebook"
    _edit_answer(mine)
    row = _row(ws)
    assert (row["passing"], row["score"]) == ("3/4 (stale)", "6/7 (stale)")
    assert row["checked"].endswith("(changed since)") and stale(ws) == [mine]


def test_a_score_is_never_shown_as_current_after_the_answers_change(tmp_path):
    """A submit gave 17/17; an answer changed since: the score is marked stale, and the
    visible-tests column only ever counts visible tests (validate), never a submit."""
    ws = workspace(tmp_path / "ws")
    mine = ws / MODULE / f"{MODULE}.ipynb"
    shutil.copyfile(SOURCE / MODULE / f"{MODULE}.ipynb", mine)
    record(mine, [{"status": "passed", "score": 4.0, "max_score": 4.0}] * 4, "submit")
    row = _row(ws)
    assert row["score"] == "16/16" and row["passing"] == "?/4", row
    assert row["state"] == "in progress" and stale(ws) == [mine]
    _edit_answer(mine, text="\nx = 1")
    row = _row(ws)
    assert row["score"] == "16/16 (stale)" and row["checked"] == "just now (changed since)"
    record(mine, [{"status": "passed"}] * 3 + [{"status": "failed"}], "validate")
    row = _row(ws)
    assert (row["passing"], row["score"]) == ("3/4", "16/16 (stale)")
    assert row["checked"] == "just now" and stale(ws) == []
    # back to what was submitted: the score is current again
    shutil.copyfile(SOURCE / MODULE / f"{MODULE}.ipynb", mine)
    assert _row(ws)["score"] == "16/16" and _row(ws)["passing"] == "3/4 (stale)"


def test_an_added_cell_counts_as_a_change(tmp_path):
    import nbformat

    from course.progress import answers_hash

    ws = workspace(tmp_path / "ws")
    mine = ws / MODULE / f"{MODULE}.ipynb"
    shutil.copyfile(SOURCE / MODULE / f"{MODULE}.ipynb", mine)
    before = answers_hash(mine)
    nb = nbformat.read(mine, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("def helper():\n    return 1"))
    nbformat.write(nb, mine)
    assert answers_hash(mine) != before
    nb.cells.append(nbformat.v4.new_markdown_cell("a note"))
    nb.cells[0].source += " "
    nbformat.write(nb, mine)
    assert answers_hash(mine) != before


def test_a_record_of_the_earlier_format_does_not_crash(tmp_path):
    ws = workspace(tmp_path / "ws")
    mine = ws / MODULE / f"{MODULE}.ipynb"
    shutil.copyfile(SOURCE / MODULE / f"{MODULE}.ipynb", mine)
    (ws / ".course").mkdir(exist_ok=True)
    (ws / ".course" / "progress.json").write_text(json.dumps({MODULE: {
        "exercises": 4, "passing": 4, "checked": "2026-01-01T00:00:00", "notebook_mtime": 0,
        "score": 17, "max_score": 17}}))
    row = _row(ws)
    assert row["passing"] == "?/4" and row["score"] == "" and stale(ws) == [mine]
    record(mine, [{"status": "passed"}] * 4, "validate")
    data = json.loads((ws / ".course" / "progress.json").read_text())
    assert "score" not in data[MODULE] and data[MODULE]["validate"]["passing"] == 4


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
    scored = data[MODULE]["submit"]
    assert scored["score"] == scored["max_score"] > 0
    done = _course("progress", "--dir", str(ws))
    assert f"{scored['score']:g}/{scored['max_score']:g}" in done.stdout
    assert "every record is up to date" in _course("progress", "--dir", str(ws), "--check").stdout


def test_progress_without_a_workspace_is_one_line(tmp_path):
    done = _course("progress", "--dir", str(tmp_path / "nope"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("course: error: no workspace")


def test_the_course_own_notebooks_are_not_a_workspace():
    from autograder.pipeline import ROOT

    for folder in ("release", "source"):
        assert workspace_of(ROOT / folder / MODULE / f"{MODULE}.ipynb") is None
