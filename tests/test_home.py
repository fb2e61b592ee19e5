"""The course home lists every module from the modules' own opening cells, and
every module opens with goals, prerequisites and time and closes with a summary
and self-check questions."""
import json
import re

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


def test_every_card_states_the_time_once_in_one_style():
    """The time is its own field (not repeated inside the prerequisites) and written
    one way: 'About 2½ hours', never 'about two and a half hours' beside it."""
    home = build_home()
    cards = [c.source for c in home.cells if c.source.startswith("### ")]
    assert len(cards) == len(MODULES)
    for card in cards:
        assert card.count("**Time:**") == 1, card[:60]
        prereq = card.split("**Prerequisites:**")[1].split("**Time:**")[0]
        assert "Time" not in prereq, f"the time is repeated in the prerequisites: {card[:60]}"
        time = card.split("**Time:**")[1].strip()
        assert time.startswith("About "), time
        assert not re.search(r"(?i)\b(one|two|three|four|five)\b.*hour|\d\.5 hours|minutes", time), time
    table = home.cells[1].source
    times = [row.split(" | ")[2] for row in table.splitlines()[4:]]
    assert all(re.fullmatch(r"About \d+½? hours?", t) for t in times), times


@pytest.mark.parametrize("text,want", [
    ("about two and a half hours.", "about 2½ hours."),
    ("About 90 minutes.", "About 1½ hours."),
    ("about 3.5 hours", "about 3½ hours"),
    ("about 1 hour.", "about 1 hour."),
    ("about 3 hours: 1.5 h reading", "about 3 hours: 1.5 h reading"),
    ("a while", "a while"),
])
def test_times_are_written_one_way(text, want):
    from course.home import normalize_time

    assert normalize_time(text) == want


def test_a_time_in_the_prerequisites_paragraph_is_its_own_field(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "# 06 · Something\n\n**You will be able to**\n- one;\n- two;\n- three.\n\n"
        "**Prerequisites:** modules 04 and 05. **Time:** about four hours."),
        nbformat.v4.new_markdown_cell("## Summary\n\n- x\n\n## Self-check questions\n1. why?")])
    path = tmp_path / "06_something.ipynb"
    nbformat.write(nb, path)
    info = module_info(path)
    assert info["prerequisites"] == "modules 04 and 05."
    assert info["time"] == "about 4 hours."
