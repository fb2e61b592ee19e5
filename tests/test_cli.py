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
