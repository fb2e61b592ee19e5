"""The one harness for known answers (tests/answers/NN_slug.py).

A ``NotebookSession`` keeps one kernel for a source notebook and runs its cells
one at a time. ``try_answer`` puts a snippet where an exercise's answer cell
stands, runs the cells after it through the exercise's last test cell — as
nbgrader would when grading a notebook with that answer — reports how each of
the exercise's test cells fared, and then restores the reference solution.
"""
import importlib.util
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from autograder.notebooks import exercise_of, is_answer_cell, is_test_cell, nbgrader_meta

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = Path(__file__).resolve().parent / "answers"


def load_answers(module):
    """``(WRONG, RIGHT)`` dicts of tests/answers/<module>.py."""
    path = ANSWERS / f"{module}.py"
    spec = importlib.util.spec_from_file_location(f"answers_{module}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.WRONG, mod.RIGHT


#: printed by a test cell of a ``NotebookSession`` between its visible and hidden parts
VISIBLE_MARK = "[harness: the visible tests of this cell passed]"


@dataclass
class CellRun:
    grade_id: str
    error: str | None      # "Name: value" of the exception raised, None if none
    stderr: str            # text written to stderr
    stdout: str = ""

    @property
    def passed(self):
        return self.error is None

    @property
    def visible_passed(self):
        """Whether the cell's visible part ran through (the hidden part may still fail)."""
        return self.passed or VISIBLE_MARK in self.stdout


def _summarise(cell_id, outputs):
    error, stderr, stdout = None, "", ""
    for out in outputs:
        if out.get("output_type") == "error" and error is None:
            error = f"{out.get('ename')}: {out.get('evalue')}"
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            stderr += out.get("text", "")
        elif out.get("output_type") == "stream":
            stdout += out.get("text", "")
    return CellRun(cell_id, error, stderr, stdout)


class NotebookSession:
    """A live kernel over one notebook, run as nbgrader's autograder would
    (``NBGRADER_EXECUTION=autograde``)."""

    def __init__(self, path, timeout=300):
        self.path = Path(path)
        self.nb = nbformat.read(self.path, as_version=4)
        for cell in self.nb.cells:  # mark where the visible part of each test cell ends
            if is_test_cell(cell) and "### BEGIN HIDDEN TESTS" in cell.source:
                cell.source = cell.source.replace(
                    "### BEGIN HIDDEN TESTS", f"print({VISIBLE_MARK!r})\n### BEGIN HIDDEN TESTS", 1)
        self._sockets = tempfile.mkdtemp(prefix="course-harness-")
        km = KernelManager(kernel_name="python3", transport="ipc",
                           ip=os.path.join(self._sockets, "k"))
        self.client = NotebookClient(self.nb, km=km, timeout=timeout, allow_errors=True,
                                     resources={"metadata": {"path": str(self.path.parent)}})
        self._ctx = None

    def __enter__(self):
        old = os.environ.get("NBGRADER_EXECUTION")
        os.environ["NBGRADER_EXECUTION"] = "autograde"
        try:
            self._ctx = self.client.setup_kernel()
            self._ctx.__enter__()
        finally:
            if old is None:
                os.environ.pop("NBGRADER_EXECUTION", None)
            else:
                os.environ["NBGRADER_EXECUTION"] = old
        return self

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)

    # -- running ------------------------------------------------------------
    def run(self, source, label="snippet"):
        cell = nbformat.v4.new_code_cell(source)
        self.client.execute_cell(cell, 0)
        return _summarise(label, cell.outputs)

    def run_all(self):
        """Run every code cell in order; returns ``{grade_id: CellRun}`` of test cells."""
        return self._run_range(0, len(self.nb.cells))

    def _run_range(self, start, stop):
        runs = {}
        for cell in self.nb.cells[start:stop]:
            if cell.cell_type != "code":
                continue
            gid = nbgrader_meta(cell).get("grade_id", "")
            result = self.run(cell.source, gid)
            if is_test_cell(cell):
                runs[gid] = result
        return runs

    # -- exercises ------------------------------------------------------------
    def answer_index(self, exercise):
        for i, cell in enumerate(self.nb.cells):
            if is_answer_cell(cell) and nbgrader_meta(cell).get("grade_id") == exercise:
                return i
        raise KeyError(f"{self.path.name}: no answer cell for {exercise!r}")

    def test_indices(self, exercise):
        return [i for i, cell in enumerate(self.nb.cells)
                if is_test_cell(cell) and exercise_of(nbgrader_meta(cell)["grade_id"]) == exercise]

    def exercises(self):
        return [nbgrader_meta(c)["grade_id"] for c in self.nb.cells if is_answer_cell(c)]

    def try_answer(self, exercise, snippet):
        """Run ``snippet`` as the answer to ``exercise``; return its test cells' runs.

        The reference solution is put back (its cells run again) before anything else
        runs: before the next try of another exercise, or before leaving. The next try
        of the same exercise needs no such run: it replaces the answer and runs the same
        cells again itself, so consecutive tries of one exercise (the known answers come
        exercise by exercise) cost one run of the cells each, not two."""
        self.restore(unless=exercise)
        start = self.answer_index(exercise)
        stop = max(self.test_indices(exercise)) + 1
        self._pending = (exercise, start, stop)
        self.run(snippet, exercise)
        return self._run_range(start + 1, stop)

    def restore(self, unless=None):
        """Put back the reference solution of the last exercise tried, unless it is ``unless``."""
        pending, self._pending = getattr(self, "_pending", None), None
        if pending and pending[0] != unless:
            self._run_range(pending[1], pending[2])
        elif pending:
            self._pending = pending


# -- visible tests ------------------------------------------------------------------
def visible_part(source):
    """A test cell as the release has it: everything before ``### BEGIN HIDDEN TESTS``
    and after ``### END HIDDEN TESTS`` (nbgrader removes the block between)."""
    lines, out, hidden = source.splitlines(), [], False
    for line in lines:
        if line.strip() == "### BEGIN HIDDEN TESTS":
            hidden = True
        elif line.strip() == "### END HIDDEN TESTS":
            hidden = False
        elif not hidden:
            out.append(line)
    return "\n".join(out)


class VisibleSession(NotebookSession):
    """A session over the source notebook whose test cells keep only their visible part:
    what ``course validate`` runs on a learner's notebook."""

    def __init__(self, path, timeout=300):
        super().__init__(path, timeout)
        for cell in self.nb.cells:
            if is_test_cell(cell):
                cell.source = visible_part(cell.source)


def visible_catch(module, exercises=None, progress=None):
    """``{exercise: {desc: caught}}`` for the module's known-wrong answers: caught when a
    visible test of its exercise fails. Also checks that the reference passes them."""
    from autograder.pipeline import source_notebook

    wrong, _ = load_answers(module)
    found = {}
    with VisibleSession(source_notebook(module)) as session:
        baseline = session.run_all()
        for exercise, items in wrong.items():
            if exercises and exercise not in exercises:
                continue
            own = [g for g in baseline if g.split("__")[0] == f"test_{exercise}"]
            broken = [g for g in own if not baseline[g].passed]
            if broken:
                raise AssertionError(f"{module}: the reference fails visible {broken}: "
                                     f"{[baseline[g].error for g in broken]}")
            for desc, code in items.items():
                runs = session.try_answer(exercise, code)
                caught = any(not r.passed for g, r in runs.items() if g in own)
                found.setdefault(exercise, {})[desc] = caught
                if progress:
                    progress(module, exercise, desc, caught)
    return found


def catch_rate(found):
    """``(caught, total)`` over an answer of ``visible_catch``."""
    flat = [c for items in found.values() for c in items.values()]
    return sum(flat), len(flat)
