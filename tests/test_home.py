"""The course home lists every module from the modules' own opening cells, and
every module opens with goals, prerequisites and time and closes with a summary
and self-check questions."""
import json

import nbformat
import pytest

from autograder.pipeline import RELEASE, SOURCE
from conftest import MODULES
from course.home import HOME, build_home, module_info


@pytest.mark.parametrize("module", MODULES)
def test_module_opens_with_goals_and_closes_with_self_check(module):
    info = module_info(SOURCE / module / f"{module}.ipynb")
    assert info["title"], f"{module}: the first cell must start with '# NN · Title'"
    assert len(info["goals"]) >= 3, f"{module}: list at least three goals ('**You will be able to**')"
    assert info["prerequisites"], f"{module}: state **Prerequisites:** in the opening cells"
    assert info["time"], f"{module}: state **Time:** in the opening cells"
    assert info["summary"], f"{module}: close with a '## Summary' cell"
    assert info["self_check"], f"{module}: close with self-check questions"


def test_home_lists_every_released_module_and_is_current():
    committed = nbformat.read(HOME, as_version=4)
    fresh = build_home()
    assert json.dumps(committed, sort_keys=True) == json.dumps(fresh, sort_keys=True), \
        "release/Home.ipynb is out of date: run `course release`"
    text = "\n".join(c.source for c in committed.cells)
    released = sorted(p.parent.name for p in RELEASE.glob("[0-9][0-9]_*/*.ipynb"))
    assert released == MODULES
    for module in MODULES:
        info = module_info(RELEASE / module / f"{module}.ipynb")
        assert f"]({module}/{module}.ipynb)" in text, f"home does not link {module}"
        assert info["title"] in text and info["goals"][0] in text
    assert all(not c.get("outputs") for c in committed.cells if c.cell_type == "code")


def test_home_builds_on_names_only_earlier_modules(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "# 05 · Something\n\nIntro.\n\n**You will be able to**\n- one;\n- two,\n  continued;\n- three.\n\n"
        "**Prerequisites:** modules 02–04 (things) and 05 itself, 09 later.\n\n**Time:** about 1 hour."),
        nbformat.v4.new_markdown_cell("## Summary\n\n- x\n\n## Self-check questions\n1. why?")])
    path = tmp_path / "05_something.ipynb"
    nbformat.write(nb, path)
    info = module_info(path)
    assert info["goals"] == ["one;", "two, continued;", "three."]
    assert info["prerequisites"].startswith("modules 02–04") and info["time"] == "about 1 hour."
    home = build_home([path])
    assert "| 05 | [Something](05_something/05_something.ipynb) | About 1 hour | 02, 03, 04 |" \
        in home.cells[1].source
