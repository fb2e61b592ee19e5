"""Each module's notebooks: the source runs and passes, release/ is what
nbgrader makes of it, and an unanswered release fails every test cell."""
import filecmp
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest

from autograder.config import sqlite_url
from autograder.nbgrader_jobs import run_job
from autograder.notebooks import exercises, is_answer_cell, is_test_cell, nbgrader_meta
from autograder.pipeline import RELEASE, SOURCE, execute, source_notebook
from conftest import MODULES
from claims import REPORT, claim_cell, load
from contract import CONTRACT

ALL_NOTEBOOKS = sorted(SOURCE.glob("*/*.ipynb")) + sorted(RELEASE.glob("*/*.ipynb"))


def _read(path):
    return nbformat.read(path, as_version=4)


def test_every_contract_module_is_checked():
    assert MODULES, "no modules in source/"
    assert set(MODULES) <= set(CONTRACT), f"add the contract of {set(MODULES) - set(CONTRACT)}"


@pytest.mark.parametrize("module", MODULES)
def test_contract_exercises_are_answer_cells(module):
    nb = _read(source_notebook(module))
    answers = {nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells if is_answer_cell(c)}
    for name in CONTRACT[module]:
        assert name in answers, f"{module}: no answer cell for contract exercise {name}"
        assert re.search(rf"^(def|class)\s+{name}\b", answers[name], re.M), \
            f"{module}: answer cell {name} does not define {name}"
    found = exercises(nb)
    assert set(CONTRACT[module]) <= set(found), f"{module}: exercises without test cells"


@pytest.mark.parametrize("module", MODULES)
def test_test_cells_have_visible_and_hidden_tests(module):
    for cell in _read(source_notebook(module)).cells:
        if is_test_cell(cell):
            gid = nbgrader_meta(cell)["grade_id"]
            visible, _, rest = cell.source.partition("### BEGIN HIDDEN TESTS")
            assert rest, f"{gid}: no hidden tests"
            code = [ln for ln in visible.splitlines() if ln.strip() and not ln.startswith("#")]
            assert any("(" in ln for ln in code), f"{gid}: no visible test before the hidden ones"
            assert "### END HIDDEN TESTS" in rest, f"{gid}: hidden block not closed"
            assert nbgrader_meta(cell).get("points", 0) > 0, f"{gid}: no points"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_committed_notebooks_carry_no_outputs(path):
    nb = _read(path)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; commit notebooks clean"
    assert "widgets" not in nb.metadata, f"{path.name}: saved widget state; commit it clean"


@pytest.mark.parametrize("path", sorted(RELEASE.glob("*/*")), ids=lambda p: p.parent.name)
def test_release_leaks_no_solution_or_hidden_test(path):
    text = path.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text, f"{path}: {marker} leaked into the student notebook"


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES)
def test_release_is_what_nbgrader_generates(module, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(SOURCE / module, root / "source" / module)
    result = run_job("generate", root, sqlite_url(tmp_path / "gb.db"), module)
    assert result["success"], result.get("error") or result.get("log")
    fresh, committed = root / "release" / module, RELEASE / module
    cmp = filecmp.dircmp(fresh, committed)
    assert not cmp.left_only and not cmp.right_only, \
        f"release/{module} files differ: new {cmp.left_only}, stale {cmp.right_only}; run `course release`"
    for name in cmp.common_files:
        assert (fresh / name).read_bytes() == (committed / name).read_bytes(), \
            f"release/{module}/{name} is not what nbgrader generates now; run `course release {module}`"


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES)
def test_source_notebook_runs_and_every_test_cell_passes(module):
    """The same run also holds the prose's numbers to it (tests/claims/)."""
    path = source_notebook(module)
    nb, claims = with_claims(_read(path), module)
    nb = execute(nb, path.parent, mode="autograde", demote_stderr=False)
    check_claims(nb, claims, module)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or cell.metadata.get("course_claim"):
            continue
        errors = [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"{module} cell {i} ({nbgrader_meta(cell).get('grade_id')}) failed: {errors}"
        if is_test_cell(cell):
            stderr = "".join(o.text for o in cell.outputs
                             if o.output_type == "stream" and o.name == "stderr")
            assert not stderr, f"{module}: test cell {nbgrader_meta(cell)['grade_id']} wrote to " \
                               f"stderr for the reference answer (nbgrader scores it 0): {stderr[:300]}"


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES)
def test_every_test_cell_fails_on_the_unanswered_release(module):
    path = RELEASE / module / f"{module}.ipynb"
    nb = execute(_read(path), Path(tempfile.mkdtemp()), mode="autograde")
    passing = [nbgrader_meta(c)["grade_id"] for c in nb.cells
               if is_test_cell(c) and not any(o.output_type == "error" for o in c.outputs)]
    assert not passing, f"{module}: these test cells pass with no answer written: {passing}"
    # A learner who has written nothing yet still sees every visualization.
    from course.viz import load_all

    REGISTRY = load_all()
    from tools.pictures import _shown

    names = {n for n, fn in REGISTRY.items() if fn.course_module == module}
    hidden = [(i, next(o.ename for o in c.outputs if o.output_type == "error"))
              for i, c in enumerate(nb.cells) if c.cell_type == "code" and _shown(c.source, names)
              and any(o.output_type == "error" for o in c.outputs)]
    assert not hidden, (f"{module}: these visualization cells fail on the unanswered notebook "
                        f"(fall back to the built-in): {hidden}")


def with_claims(nb, module):
    """``nb`` with a cell after each claim's code cell that prints the run's value."""
    claims, _ = load(module)
    inserts = {}
    for k, claim in enumerate(claims):
        at = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and claim.after in c.source),
                  None)
        assert at is not None, f"{module}: claim {claim.text!r}: no code cell contains {claim.after!r}"
        inserts.setdefault(at, []).append(k)
    for at in sorted(inserts, reverse=True):
        for k in reversed(inserts[at]):
            cell = nbformat.v4.new_code_cell(claim_cell(k, claims[k]))
            cell.metadata["course_claim"] = k
            nb.cells.insert(at + 1, cell)
    return nb, claims


def check_claims(nb, claims, module):
    seen, wrong = {}, []
    for cell in nb.cells:
        if "course_claim" not in cell.metadata:
            continue
        k = cell.metadata["course_claim"]
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        errors = [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"{module}: claim {claims[k].text!r}: {claims[k].expr!r} failed: {errors}"
        seen[k] = float(REPORT.search(text).group(2))
    for k, claim in enumerate(claims):
        if abs(seen[k] - claim.value) > claim.tol:
            wrong.append(f"{claim.text!r} states {claim.value} ({claim.why or claim.expr}); "
                         f"the run gives {seen[k]:.6g} (tolerance {claim.tol})")
    assert not wrong, f"{module}: prose that the run contradicts:\n  " + "\n  ".join(wrong)
