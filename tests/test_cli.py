"""Bad input gets one clear line and a non-zero exit, never a traceback."""
import os
import subprocess
import sys

import pytest

from conftest import MODULES


def course(*args, env=None):
    return subprocess.run([sys.executable, "-m", "course_cli", *map(str, args)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
                          env=env)


def without_bubblewrap(tmp_path):
    """The environment of a machine without bubblewrap: nothing on PATH (the interpreter
    is named by its full path), so `bwrap` is not found."""
    empty = tmp_path / "empty-path"
    empty.mkdir(exist_ok=True)
    return dict(os.environ, PATH=str(empty))


def assert_one_line_error(proc, *words):
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("course: error:"), lines
    for word in words:
        assert word in lines[0], lines[0]


def test_help_lists_every_command():
    proc = course("--help")
    assert proc.returncode == 0
    for cmd in ("lab", "release", "validate", "submit", "grade"):
        assert cmd in proc.stdout


def test_unknown_module(tmp_path):
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    assert_one_line_error(course("grade", "99_nothing", "--submissions", tmp_path / "subs",
                                 "--out", tmp_path / "out"), "unknown module")
    assert_one_line_error(course("release", "99_nothing"), "unknown module")


@pytest.mark.skipif(not MODULES, reason="no modules yet")
def test_missing_empty_and_file_submissions_folders(tmp_path):
    module = MODULES[0]
    assert_one_line_error(course("grade", module, "--submissions", tmp_path / "nope",
                                 "--out", tmp_path / "out"), "no such submissions folder")
    (tmp_path / "empty").mkdir()
    assert_one_line_error(course("grade", module, "--submissions", tmp_path / "empty",
                                 "--out", tmp_path / "out"), "is empty")
    (tmp_path / "afile").write_text("x")
    assert_one_line_error(course("grade", module, "--submissions", tmp_path / "afile",
                                 "--out", tmp_path / "out"), "is not a folder")


@pytest.mark.skipif(not MODULES, reason="no modules yet")
def test_arguments_are_checked_before_bubblewrap(tmp_path):
    """A missing folder is reported as such on a machine without bubblewrap too; only a
    good class folder gets as far as asking for the sandbox."""
    module, env = MODULES[0], without_bubblewrap(tmp_path)
    assert_one_line_error(course("grade", module, "--submissions", tmp_path / "nope",
                                 "--out", tmp_path / "out", env=env), "no such submissions folder")
    (tmp_path / "empty").mkdir()
    assert_one_line_error(course("grade", module, "--submissions", tmp_path / "empty",
                                 "--out", tmp_path / "out", env=env), "is empty")
    (tmp_path / "class" / "ada" / module).mkdir(parents=True)
    assert_one_line_error(course("grade", module, "--submissions", tmp_path / "class",
                                 "--out", tmp_path / "out", env=env), "needs bubblewrap")
    assert not (tmp_path / "out").exists(), "nothing is written before the sandbox is known"


@pytest.mark.parametrize("content,words", [
    ("this is not json", ["not a notebook"]),
    ('{"a": 1}', ["not a notebook"]),
    ('{"cells": "nope", "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', ["not a valid notebook"]),
])
@pytest.mark.parametrize("command", ["validate", "submit"])
def test_file_that_is_not_a_notebook(tmp_path, command, content, words):
    bad = tmp_path / "01_perceptron.ipynb"
    bad.write_text(content)
    assert_one_line_error(course(command, bad), *words)


@pytest.mark.parametrize("command", ["validate", "submit"])
def test_missing_notebook_file(tmp_path, command):
    assert_one_line_error(course(command, tmp_path / "ghost.ipynb"), "no such file")


def test_notebook_without_exercises(tmp_path):
    import nbformat

    path = tmp_path / "plain.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1+1")]), path)
    assert_one_line_error(course("validate", path), "no graded test cells")
    assert_one_line_error(course("submit", path), "cannot tell which module")


@pytest.mark.slow
def test_validate_shows_every_failing_check_of_an_exercise(tmp_path):
    """A test cell that checks three things and fails two of them shows both, one line each,
    the known mistake named; the exercise is still one row (nbgrader's cell = exercise)."""
    import nbformat

    def cell(source, grade_id, test):
        meta = {"grade": test, "solution": not test, "locked": test, "grade_id": grade_id,
                "schema_version": 3, **({"points": 1} if test else {})}
        return nbformat.v4.new_code_cell(source.strip("\n"), metadata={"nbgrader": meta})

    path = tmp_path / "mine.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        cell("def grads(dout):\n    ### BEGIN SOLUTION\n    return dout.mean(0), dout.T\n"
             "    ### END SOLUTION", "grads", False),
        cell("""
from course.checks import collect as _collect, expect as _expect

with _collect():
    import numpy as np
    from course.checks import assert_close
    dout = np.array([[1.0, 2.0], [3.0, 4.0]])
    db, dW = grads(dout)
    assert_close(db, dout.sum(0), what="db for a batch of 2", hint="sum over the batch",
                 mistakes={"forgot the sum over the batch (took the mean)": dout.mean(0)})
    _expect(dW.shape == (2, 2), "dW has the shape of W")
    assert_close(dW, [[1.0, 2.0], [3.0, 4.0]], what="dW", hint="no transpose here")

### BEGIN HIDDEN TESTS
### END HIDDEN TESTS
""", "test_grads", True),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}),
        path)
    done = course("validate", path)
    assert done.returncode == 1, done.stderr
    out = done.stdout
    assert "2 checks failed:" in out, out
    lines = [ln.strip() for ln in out.splitlines() if ln.strip().startswith("- ")]
    assert len(lines) == 2, out
    assert lines[0].startswith("- db for a batch of 2:") and \
        "this is what you get if you forgot the sum over the batch (took the mean)" in lines[0]
    assert lines[1].startswith("- dW:") and "Hint: no transpose here" in lines[1]
    assert "0 of 1 exercises pass" in out
