"""Where things live (issue 14): a file's place says what it is.

- each ``course/viz/<module>.py`` imports only ``viz.base`` and ``viz.render`` (and the
  course's library modules), never another visualization file;
- ``course`` (what learners import) never imports ``autograder``;
- importing a visualization module imports PyTorch only if that module needs it.
"""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VIZ = ROOT / "course" / "viz"
SHARED = {"__init__", "base", "render"}
#: what a visualization file may import from the course: the drawing layer and the library
ALLOWED = {"course.viz.base", "course.viz.render", "course.data", "course.train", "course.device",
           "course.corpus", "course.charlm", "course"}
VIZ_FILES = sorted(p for p in VIZ.glob("*.py") if p.stem not in SHARED)


def _course_imports(path):
    """Every course module ``path`` imports (relative imports resolved), with its line."""
    package = "course.viz"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("course", "autograder", "course_cli", "solutions"):
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] not in ("course", "autograder", "course_cli", "solutions"):
                continue
            if node.module is None or module in ("course", "course.viz"):
                # ``from . import data`` / ``from .. import data``: the names are modules
                for alias in node.names:
                    yield f"{module}.{alias.name}", node.lineno
            else:
                yield module, node.lineno


def test_there_are_sixteen_visualization_files():
    assert len(VIZ_FILES) == 16, [p.name for p in VIZ_FILES]


@pytest.mark.parametrize("path", VIZ_FILES, ids=[p.stem for p in VIZ_FILES])
def test_a_visualization_file_imports_no_other_visualization_file(path):
    bad = [(m, line) for m, line in _course_imports(path) if m not in ALLOWED]
    assert not bad, (f"course/viz/{path.name} imports {bad}: a visualization file imports only "
                     f"viz.base, viz.render and {sorted(ALLOWED - {'course.viz.base', 'course.viz.render'})}")


def test_the_import_rule_sees_relative_and_absolute_imports(tmp_path):
    f = tmp_path / "x.py"
    f.write_text("from .training import Backdrop\nfrom course.viz.backprop import TextLayer\n"
                 "from .. import data\nfrom .render import Backdrop\nimport autograder.guard\n")
    found = [m for m, _ in _course_imports(f)]
    assert found == ["course.viz.training", "course.viz.backprop", "course.data",
                     "course.viz.render", "autograder.guard"]


def _fresh_modules(statement):
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, env={"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_course_does_not_import_the_grader():
    mods = _fresh_modules("import course, course.checks, course.data, course.train, course.progress, "
                          "course.home, course.viz")
    assert not {m for m in mods if m.split(".")[0] in ("autograder", "course_cli", "solutions")}


def test_module_01s_visualizations_do_not_import_torch():
    mods = _fresh_modules("import course.viz.perceptron, course.data, course.checks")
    assert "torch" not in mods
    assert not [m for m in mods if m.startswith("course.viz.") and
                m not in ("course.viz.base", "course.viz.perceptron")]


def test_load_all_fills_the_registry_with_every_module():
    from course.viz import MODULES, load_all

    registry = load_all()
    assert {fn.__module__.rsplit(".", 1)[1] for fn in registry.values()} == set(MODULES)
