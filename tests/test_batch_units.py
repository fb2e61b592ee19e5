"""Fast checks of the layers issue 13 hardened, without running a class: reading a
submission follows no link, hostile JSON is refused in one line, a test cell is scored
only by running to its end, and a course cell handed in as another kind is checked."""
import os

import nbformat
import pytest

from autograder import CourseError
from autograder.notebooks import (is_answer_cell, nbgrader_meta, parse_notebook,
                                  prepare_submission, read_submission)
from autograder.pipeline import RELEASE, _pick_notebook
from autograder.preprocessors import GuardedExecute

MODULE = "01_perceptron"


def test_read_submission_follows_no_link(tmp_path):
    (tmp_path / "ann" / MODULE).mkdir(parents=True)
    real = tmp_path / "ann" / MODULE / f"{MODULE}.ipynb"
    real.write_text("{}")
    assert read_submission(tmp_path, ["ann", MODULE, f"{MODULE}.ipynb"]) == "{}"
    (tmp_path / "bob" / MODULE).mkdir(parents=True)
    (tmp_path / "bob" / MODULE / f"{MODULE}.ipynb").symlink_to(real)
    (tmp_path / "eve").symlink_to(tmp_path / "ann")
    for who in ("bob", "eve"):
        with pytest.raises(CourseError, match="symbolic link"):
            read_submission(tmp_path, [who, MODULE, f"{MODULE}.ipynb"])
    assert "symbolic link" in _pick_notebook(tmp_path / "bob" / MODULE, MODULE)
    assert "symbolic link" in _pick_notebook(tmp_path / "eve" / MODULE, MODULE)
    fifo = tmp_path / "ann" / MODULE / "fifo.ipynb"
    os.mkfifo(fifo)
    with pytest.raises(CourseError, match="not a plain file"):
        read_submission(tmp_path, ["ann", MODULE, "fifo.ipynb"])


@pytest.mark.parametrize("text, words", [
    ('{"cells": [], "metadata": {"x": ' + "[" * 100_000 + "]" * 100_000 + '}, "nbformat": 4, '
     '"nbformat_minor": 5}', "nests"),
    ('{"cells": [], "metadata": {"x": "\\ud800"}, "nbformat": 4, "nbformat_minor": 5}',
     "surrogate"),
])
def test_hostile_json_is_refused_in_one_line(text, words):
    with pytest.raises(CourseError, match=words) as info:
        parse_notebook(text)
    assert "\n" not in str(info.value)


def _test_cell(outputs):
    cell = nbformat.v4.new_code_cell("pass")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "test_x",
                                 "points": 1}
    cell.outputs = outputs
    return cell


def test_a_test_cell_is_scored_only_by_running_to_its_end():
    from nbgrader.utils import determine_grade

    result = nbformat.v4.new_output("execute_result", data={"text/plain": "1.0"},
                                    execution_count=1)
    marker = nbformat.v4.new_output("stream", name="stdout", text="\n[course-guard abc]")
    ran = _test_cell([result, marker])
    GuardedExecute._settle(ran, "abc", None)
    assert [o.output_type for o in ran.outputs] == ["display_data"]
    assert determine_grade(ran) == (1.0, 1.0)
    failed = _test_cell([nbformat.v4.new_output("execute_result", data={"text/plain": "1.0"},
                                                execution_count=1),
                         nbformat.v4.new_output("error", ename="AssertionError", evalue="no",
                                                traceback=[])])
    GuardedExecute._settle(failed, "abc", None)
    assert determine_grade(failed) == (0, 1.0)  # nbgrader read the execute_result first before
    unfinished = _test_cell([nbformat.v4.new_output("execute_result", data={"text/plain": "1"},
                                                    execution_count=1)])
    GuardedExecute._settle(unfinished, "abc", None, "the kernel died")
    assert determine_grade(unfinished) == (0, 1.0)
    assert "the kernel died" in unfinished.outputs[-1].evalue


def test_an_answer_handed_in_as_markdown_is_checked_as_code():
    blank = nbformat.read(RELEASE / MODULE / f"{MODULE}.ipynb", as_version=4)
    nb = nbformat.read(RELEASE / MODULE / f"{MODULE}.ipynb", as_version=4)
    index, cell = next((i, c) for i, c in enumerate(nb.cells) if is_answer_cell(c))
    made = nbformat.v4.new_markdown_cell("get_ipython().set_custom_exc((Exception,), print)")
    made.metadata = cell.metadata
    nb.cells[index] = made
    prepared, refused = prepare_submission(nb, blank)
    back = prepared.cells[index]
    assert back.cell_type == "code" and is_answer_cell(back)
    assert refused[nbgrader_meta(back)["grade_id"]].startswith("refused: ")
