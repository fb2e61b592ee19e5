"""The course home notebook, built from the modules' own opening and closing cells.

Every module notebook opens with its title, what the learner will be able to do
(a bullet list), **Prerequisites** and **Time**, and closes with a summary and
self-check questions. ``module_info`` reads those parts back, and ``build_home``
turns them into ``release/Home.ipynb``: one place that lists every module, so
the home page can never disagree with the modules themselves.
"""
import re
from pathlib import Path

import nbformat

from . import ROOT

HOME = ROOT / "release" / "Home.ipynb"

_TITLE_PREFIX = re.compile(r"^(?:Module\s+)?\d\d\s*[·—:.-]\s*")
_GOALS_LEAD = re.compile(r"(?i)(able to|you can|you will)")


def _field(text, name):
    """The paragraph after ``**Name**`` (``**Name.**``, ``**Name:**``, ``**Name**:``), up to
    a blank line or the next bold field (``... **Time:** about 3 hours.`` in one paragraph)."""
    match = re.search(rf"\*\*{name}[.:]?\*\*[.:]?\s*(.+?)(?:\n\s*\n|\s*\*\*[A-Z][\w ]*[.:]?\*\*[.:]?|\Z)",
                      text, re.S)
    return " ".join(match.group(1).split()) if match else ""


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_DURATION = re.compile(
    r"(?i)\b(?:(?P<word>one|two|three|four|five|six)(?P<whalf> and a half)?|"
    r"(?P<num>\d+(?:\.\d+)?)(?P<half>½)?)\s*(?P<unit>hours?|h|minutes?|min)\b")


def _hours(value):
    """3.5 -> '3½ hours', 1 -> '1 hour', 1.5 -> '1½ hours'."""
    whole, frac = int(value), value - int(value)
    if abs(frac - 0.5) < 1e-9:
        return f"{whole}½ hours" if whole else "½ hour"
    if frac:
        return f"{value:g} hours"
    return f"{whole} hour" + ("s" if whole != 1 else "")


def normalize_time(text):
    """One way of writing a module's time: the first duration in ``text`` in hours, with ½
    ("about two and a half hours", "about 2.5 hours" and "about 150 minutes" all become
    "about 2½ hours"); the rest of the text is kept."""
    match = _DURATION.search(text)
    if not match:
        return text
    if match.group("word"):
        value = _NUMBER_WORDS[match.group("word").lower()] + (0.5 if match.group("whalf") else 0)
    else:
        value = float(match.group("num")) + (0.5 if match.group("half") else 0)
    if match.group("unit").lower().startswith("m"):
        if value % 30:
            return text
        value /= 60
    return text[: match.start()] + _hours(value) + text[match.end():]


def _goals(text):
    lines, goals, inside = text.splitlines(), [], False
    for line in lines:
        if not inside:
            inside = bool(line.startswith("**") and _GOALS_LEAD.search(line))
            continue
        if line.startswith(("- ", "* ")):
            goals.append(line[2:].strip())
        elif goals and line.startswith("  ") and line.strip():
            goals[-1] += " " + line.strip()
        elif goals or (line.strip() and not line.startswith(("- ", "* "))):
            if goals:
                break
    return goals


def _modules_named(text, own):
    """Module numbers a prerequisites sentence names ("modules 03–06" is 03, 04, 05, 06)."""
    found = []
    for lo, hi in re.findall(r"\b(\d\d)(?:\s*[–-]\s*(\d\d))?\b", text):
        for n in range(int(lo), int(hi or lo) + 1):
            if 1 <= n < int(own) and f"{n:02d}" not in found:
                found.append(f"{n:02d}")
    return sorted(found)


def module_info(path):
    """``dict(slug, number, title, goals, prerequisites, time, summary, self_check)`` of one
    module notebook; missing parts come back empty (the tests require them)."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    opening = "\n\n".join(markdown[:3])
    first = markdown[0].splitlines()[0] if markdown else ""
    title = _TITLE_PREFIX.sub("", first.lstrip("#").strip())
    closing = "\n\n".join(markdown[-4:])
    return {
        "slug": path.stem,
        "number": path.stem[:2],
        "title": title,
        "goals": _goals(opening),
        "prerequisites": _field(opening, "Prerequisites?"),
        "time": normalize_time(_field(opening, "Time")),
        "summary": any(re.search(r"^##\s+Summary", s, re.M) for s in markdown[-6:]),
        "self_check": bool(re.search(r"(?i)self-check|check yourself", closing)),
    }


def _intro():
    return """# Deep learning, from the perceptron to production

Sixteen modules, each one a notebook: prose and math, visualizations you drive with sliders and
buttons, and exercises that are graded the moment you ask. Work through them in order; each
module says what it builds on.

**How to work.** Open a module below. Read, run the cells from the top, and play with the
visualizations. Each exercise is a cell that says `raise NotImplementedError()`: replace that
line with your code, then run the test cells under it. Before you move on:

- **Validate** (the button in the notebook's toolbar, or `course validate NN_slug/NN_slug.ipynb`
  in a terminal) runs the visible tests;
- `course submit NN_slug/NN_slug.ipynb` grades your notebook with the hidden tests too and writes
  HTML feedback beside it;
- `course progress` prints where you stand in every module (the cell at the bottom of this page
  shows the same table).

Your notebooks are yours: updating the course never overwrites them."""


def build_home(notebooks=None):
    """The home notebook (an ``nbformat`` node) for the module notebooks given,
    by default every notebook in release/."""
    if notebooks is None:
        notebooks = sorted(HOME.parent.glob("[0-9][0-9]_*/[0-9][0-9]_*.ipynb"))
    infos = [module_info(p) for p in notebooks]
    rows = ["| | Module | Time | Builds on |", "|---|---|---|---|"]
    for m in infos:
        link = f"[{m['title']}]({m['slug']}/{m['slug']}.ipynb)"
        builds_on = ", ".join(_modules_named(m["prerequisites"], m["number"])) or "start here"
        time = m["time"].split(":")[0].rstrip(".")
        rows.append(f"| {m['number']} | {link} | {time[:1].upper() + time[1:]} | {builds_on} |")
    cells = [nbformat.v4.new_markdown_cell(_intro()),
             nbformat.v4.new_markdown_cell("## The modules\n\n" + "\n".join(rows))]
    for m in infos:
        goals = "\n".join(f"- {g}" for g in m["goals"])
        cells.append(nbformat.v4.new_markdown_cell(
            f"### {m['number']} · [{m['title']}]({m['slug']}/{m['slug']}.ipynb)\n\n"
            f"**You will be able to**\n\n{goals}\n\n"
            f"**Prerequisites:** {m['prerequisites']}\n\n**Time:** {m['time'][:1].upper() + m['time'][1:]}"))
    cells.append(nbformat.v4.new_markdown_cell(
        "## Your progress\n\nRun the cell below: it reads the results of your last `course validate` "
        "and `course submit` runs (it does not run your notebooks)."))
    cells.append(nbformat.v4.new_code_cell("from course.progress import progress_table\n\n"
                                           "progress_table()"))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                  "name": "python3"},
                   "language_info": {"name": "python"}}
    for i, cell in enumerate(nb.cells):
        cell.id = f"home-{i:02d}"
    return nb


def write_home(path=HOME):
    """Write the home notebook; returns its path."""
    nbformat.write(build_home(), path)
    return Path(path)
