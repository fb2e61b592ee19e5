"""Cell constructors with the course's nbgrader metadata, for writing or
editing a source notebook from Python.

    from tools.nbauthor import md, code, answer, tests, write
    write("source/01_perceptron/01_perceptron.ipynb", [md("# ..."), answer("f", "..."), ...])

Conventions (the grader relies on them):
- an exercise ``name`` has one answer cell, grade_id ``name``, whose solution
  sits between ``### BEGIN SOLUTION`` / ``### END SOLUTION``;
- its test cells have grade_id ``test_name`` (more: ``test_name__2``...), a
  visible part first and then ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``;
- every other cell is locked so a student cannot change it unnoticed.
"""
import hashlib

import nbformat
from nbformat import v4

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _meta(grade_id, grade=False, solution=False, locked=True, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _id(source, salt):
    return hashlib.sha1((salt + source).encode()).hexdigest()[:12]


def md(text, grade_id=None):
    text = text.strip("\n")
    cell = v4.new_markdown_cell(text)
    cell.id = _id(text, "md")
    cell.metadata = _meta(grade_id or f"md_{cell.id}")
    return cell


def code(text, grade_id=None):
    """A locked, ungraded code cell (setup, demos, visualizations)."""
    text = text.strip("\n")
    cell = v4.new_code_cell(text)
    cell.id = _id(text, "code")
    cell.metadata = _meta(grade_id or f"code_{cell.id}")
    return cell


def answer(name, text):
    """The autograded answer cell for exercise ``name``."""
    text = text.strip("\n")
    assert "### BEGIN SOLUTION" in text and "### END SOLUTION" in text, name
    cell = v4.new_code_cell(text)
    cell.id = _id(name, "answer")
    cell.metadata = _meta(name, solution=True, locked=False)
    return cell


def tests(name, text, points=1, part=None):
    """A graded test cell for exercise ``name`` (visible, then hidden tests)."""
    text = text.strip("\n")
    assert "### BEGIN HIDDEN TESTS" in text and "### END HIDDEN TESTS" in text, name
    grade_id = f"test_{name}" + (f"__{part}" if part else "")
    cell = v4.new_code_cell(text)
    cell.id = _id(grade_id, "test")
    cell.metadata = _meta(grade_id, grade=True, points=points)
    return cell


def write(path, cells):
    nb = v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": KERNELSPEC,
                   "language_info": {"name": "python", "version": "3.11"}}
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return nb
