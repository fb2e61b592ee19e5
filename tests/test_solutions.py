"""The built-in solutions the visualizations fall back on are the source notebooks' own
answer cells (``tools/make_solutions.py`` writes ``solutions/``), kept current, complete and
out of the grading sandbox's reach."""
import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tools import make_solutions as tool  # noqa: E402
SLUGS = [tool.slug(m) for m in tool.modules()]


def test_solutions_are_what_the_source_notebooks_give():
    stale = tool.stale()
    assert not stale, (f"solutions/ is out of date for {[str(p.relative_to(ROOT)) for p in stale]}: "
                       f"run `python tools/make_solutions.py` (or `course release`)")


@pytest.mark.parametrize("slug", SLUGS)
def test_every_answer_cell_is_there_and_names_nothing_undefined(slug):
    path = ROOT / "solutions" / f"{slug}.py"
    text = path.read_text(encoding="utf-8")
    assert not tool._free_globals(text), f"solutions/{slug}.py reads undefined names"
    module = next(m for m in tool.modules() if tool.slug(m) == slug)
    defined = {n.name for n in ast.parse(text).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    for grade_id, _ in tool.answer_cells(module):
        assert grade_id in defined, f"{module}: answer {grade_id} is missing from solutions/{slug}.py"


def test_the_light_modules_import_without_torch():
    code = "import sys, solutions.perceptron; print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert done.stdout.strip() == "False", done.stderr


def test_the_sandbox_does_not_bind_solutions_and_course_holds_none():
    from autograder import sandbox

    command = sandbox.bwrap_command(["true"])
    bound = {command[i + 1] for i, a in enumerate(command) if a in ("--ro-bind", "--bind")}
    assert str(ROOT / "course") in bound and str(ROOT / "solutions") not in bound
    assert not any(str(ROOT / "solutions").startswith(b.rstrip("/") + "/") for b in bound
                   if b not in ("/",) and not b.startswith(("/usr", "/bin", "/lib", "/etc", "/opt",
                                                           "/sbin")))


def test_training_builtins_come_from_the_generated_solutions():
    from course.viz import base

    generated = importlib.import_module("solutions.training")
    assert base.builtin("training", "train_one_epoch") is generated.train_one_epoch
    import course.viz.training as T

    names = {n for n in dir(T) if not n.startswith("__")}
    assert not names & {"_train_one_epoch", "_evaluate", "_EarlyStopping", "_random_search",
                        "_step_decay", "_split_indices"}


def test_where_solutions_cannot_be_imported_the_builtins_are_none(monkeypatch):
    """What the grading sandbox sees: no built-in, and a stub is reported as not written."""
    from course.viz import base
    import course.viz.training as T

    monkeypatch.setitem(sys.modules, "solutions.training", None)   # import raises ImportError
    assert base.builtin("training", "train_one_epoch") is None
    with pytest.raises(NotImplementedError, match="built-in one is not available"):
        T.schedule_values("step decay", 5)


def test_module_07s_pictures_still_draw_without_the_builtins(monkeypatch):
    import course.viz.training as T

    monkeypatch.setitem(sys.modules, "solutions.training", None)
    ex = T.schedule_explorer()
    assert "no built-in formula here" in ex.status.value and ex.render().std() > 0
    ex = T.search_comparison()
    assert "no built-in random search here" in ex.status.value and ex.render().std() > 0
