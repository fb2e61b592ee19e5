"""Numbers and cross-references in the notebooks' prose, held to what the notebooks compute.

A learner trusts a sentence more than a cell's output, so a sentence that states a result of
the notebook's own run (an accuracy, a rate, a ratio, a count, a step number) must not drift
from it. Each module lists its claims in ``tests/claims/NN_slug.py`` as ``CLAIMS``:

- ``Claim``: words in a markdown cell that state a number, and a Python expression the
  notebook's kernel evaluates right after a given code cell. ``tests/test_notebooks.py``
  evaluates every claim in the same run that checks the source notebook's test cells and
  fails when the run's value is further than ``tol`` from the stated one.
- ``Ref``: words in a markdown cell that point to a numbered section ("section 9"); the
  heading carrying that number must contain ``heading``. Every "section N" in a module's
  prose must be covered by a ``Ref`` (``tests/test_claims.py``).

The other way to hold a number is to let the notebook say it: a ``display(Markdown(...))``
after the computation, built from the computed value. Such sentences need no claim.
"""
import importlib.util
import re
from pathlib import Path
from dataclasses import dataclass

NUMBER = re.compile(r"(?<![\w.])[-−]?\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class Claim:
    text: str      # exact words of a markdown cell that state the value
    value: float   # the number those words state (it must appear in ``text``)
    expr: str      # evaluated in the notebook's kernel: the run's value
    after: str     # a snippet of the code cell after which ``expr`` is evaluated (first match)
    tol: float     # |run - value| <= tol, in the units of ``value``
    why: str = ""  # what the number is, for the failure message


@dataclass(frozen=True)
class Ref:
    text: str      # exact words of a markdown cell, containing "section N"
    heading: str   # words of the heading numbered N


def numbers_in(text):
    """The numbers written in ``text`` ("1,347" is 1347; "−3" is -3)."""
    return [float(m.replace(",", "").replace("−", "-")) for m in NUMBER.findall(text)]


def load(module):
    """``(claims, refs)`` of ``module`` (empty if it has no file yet)."""
    path = Path(__file__).with_name(f"{module}.py")
    if not path.is_file():
        return [], []
    spec = importlib.util.spec_from_file_location(f"claims_{module}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    items = list(getattr(mod, "CLAIMS", []))
    return ([c for c in items if isinstance(c, Claim)], [r for r in items if isinstance(r, Ref)])


def claim_cell(index, claim):
    """Source of the code cell that reports ``claim``'s value from the kernel."""
    return ("import json as __claims_json\n"
            f"print('[claim {index}] ' + __claims_json.dumps(float({claim.expr})))\n"
            "del __claims_json")


REPORT = re.compile(r"^\[claim (\d+)\] (.+)$", re.M)
