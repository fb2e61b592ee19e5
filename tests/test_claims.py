"""The claims each module's prose makes (tests/claims/): the words are in the notebook, the
number is in the words, and every section reference is listed and points where it says.
Their values are checked against the run in tests/test_notebooks.py."""
import re

import nbformat
import pytest

from autograder.pipeline import source_notebook
from claims import Claim, Ref, load, numbers_in
from conftest import MODULES

SECTION = re.compile(r"\b[Ss]ections? (\d+)")
HEADING = re.compile(r"^#{1,6}\s*(\d+)\.\s+(.*)$", re.M)


def _markdown(module):
    nb = nbformat.read(source_notebook(module), as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown"], nb


@pytest.mark.parametrize("module", MODULES)
def test_every_claim_is_in_the_prose_and_states_its_value(module):
    claims, refs = load(module)
    cells, nb = _markdown(module)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    for c in claims:
        assert any(c.text in m for m in cells), f"{module}: claim text not in any markdown cell: {c.text!r}"
        assert any(abs(n - c.value) < 1e-9 for n in numbers_in(c.text)), \
            f"{module}: the words {c.text!r} do not state {c.value}"
        assert any(c.after in s for s in code), f"{module}: no code cell contains {c.after!r}"
    for r in refs:
        assert any(r.text in m for m in cells), f"{module}: reference not in any markdown cell: {r.text!r}"


@pytest.mark.parametrize("module", MODULES)
def test_section_references_point_where_they_say(module):
    _, refs = load(module)
    cells, _ = _markdown(module)
    headings = {int(n): title for m in cells for n, title in HEADING.findall(m)}
    for r in refs:
        numbers = [int(n) for n in SECTION.findall(r.text)]
        assert numbers, f"{module}: reference {r.text!r} names no section number"
        for n in numbers:
            assert n in headings, f"{module}: {r.text!r}: there is no section {n}"
            assert r.heading.lower() in headings[n].lower(), \
                f"{module}: {r.text!r} points to section {n} ({headings[n]!r}), not to {r.heading!r}"
    # Every "section N" in the prose is listed, so none can drift unnoticed.
    for m in cells:
        spans = [(k, k + len(r.text)) for r in refs for k in _occurrences(m, r.text)]
        for hit in SECTION.finditer(m):
            assert any(a <= hit.start() and hit.end() <= b for a, b in spans), \
                (f"{module}: {hit.group(0)!r} in {m[max(0, hit.start() - 60): hit.end() + 60].strip()!r} "
                 f"is not listed as a Ref in tests/claims/{module}.py")


def _occurrences(text, sub):
    k = text.find(sub)
    while k >= 0:
        yield k
        k = text.find(sub, k + 1)


WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
COUNT = re.compile(r"\b(" + "|".join(WORDS) + r"|\d+)\s+(?:exercise cells|exercises|exercise)\b",
                   re.I)


@pytest.mark.parametrize("module", MODULES)
def test_the_number_of_exercises_the_prose_states_is_the_notebooks(module):
    """"Fill in the nine exercise cells": the count is the number of answer cells."""
    cells, nb = _markdown(module)
    answers = sum(1 for c in nb.cells if c.cell_type == "code"
                  and c.get("metadata", {}).get("nbgrader", {}).get("solution"))
    for m in cells:
        for hit in COUNT.finditer(" ".join(m.split())):
            word = hit.group(1).lower()
            stated = int(word) if word.isdigit() else WORDS[word]
            assert stated == answers, (f"{module}: the prose says {hit.group(0)!r}, "
                                       f"the notebook has {answers} answer cells")
