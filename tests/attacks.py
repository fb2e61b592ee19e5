"""The attack corpus: submissions that try to earn marks they do not deserve, break out
of their sandbox, or stop the batch, each with the result it must get.

Every attack is a module-01 submission whose answers are the reference solutions,
except that ``perceptron_predict`` (the *target*) is wrong, and the attack tries to
make that wrong answer pass anyway, or to harm the grading. ``ATTACKS[name]`` is
``(build, expect)``: ``build(nb)`` turns the honest notebook into the attack (or
returns raw text for a file that is not a notebook), and ``expect`` maps exercises to
the status they must get (``"other"`` is every exercise not named).
"""
import json

import nbformat

from autograder.notebooks import is_answer_cell, is_test_cell, nbgrader_meta
from autograder.pipeline import ROOT

TARGET = "perceptron_predict"
WRONG = "def perceptron_predict(X, w, b):\n    return (X @ w + b >= 0).astype(int)\n"
#: Files the attacks try to create or change outside their sandbox (relative to the
#: course root); the test checks that none exists or changed after grading.
CANARY = "PWNED-by-a-submission.txt"


def _answer(nb, name):
    return next(c for c in nb.cells if is_answer_cell(c) and nbgrader_meta(c)["grade_id"] == name)


def _target(code):
    """The attack puts ``code`` in the target's answer cell."""
    def build(nb):
        _answer(nb, TARGET).source = code
        return nb
    return build


def _added(code, locked=False, honest=False):
    """The attack adds a cell of its own before the target's answer."""
    def build(nb):
        if not honest:
            _answer(nb, TARGET).source = WRONG
        cell = nbformat.v4.new_code_cell(code)
        if locked:  # dressed up as an instructor's cell, to dodge the checks
            cell.metadata["nbgrader"] = {"grade": False, "grade_id": "cell-0123456789abcdef",
                                         "locked": True, "schema_version": 3, "solution": False,
                                         "task": False}
        index = nb.cells.index(_answer(nb, TARGET))
        nb.cells.insert(index, cell)
        return nb
    return build


def _edit_tests(how):
    def build(nb):
        _answer(nb, TARGET).source = WRONG
        mine = [c for c in nb.cells if is_test_cell(c)
                and nbgrader_meta(c)["grade_id"].startswith(f"test_{TARGET}")]
        for cell in mine:
            if how == "delete":
                nb.cells.remove(cell)
            else:
                cell.source = "pass"
        return nb
    return build


def _not_json(_nb):
    return '{"cells": [ {"cell_type": "code", this is not json'


def _old_nbformat(nb):
    from nbformat import v3

    return v3.writes_json(nbformat.convert(nb, 3))


def _no_metadata(nb):
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    _answer_free = [c for c in nb.cells if c.cell_type == "code"
                    and c.source.startswith("def perceptron_predict")]
    for cell in _answer_free:
        cell.source = WRONG
    return nb


def _no_cells(nb):
    nb.cells = []
    return nb


def _wrong_unless(condition_code):
    """A target answer that is right only if ``condition_code`` (run inside it) succeeds:
    it earns the mark exactly when the attack reached what it must not."""
    return _target(
        "import numpy as np\n"
        "def perceptron_predict(X, w, b):\n"
        "    try:\n"
        + "".join(f"        {line}\n" for line in condition_code.splitlines()) +
        "        return (X @ w + b > 0).astype(int)\n"
        "    except Exception:\n"
        "        return (X @ w + b >= 0).astype(int)\n")


REJECTED = {TARGET: "rejected", "other": "passed"}
FAILED = {TARGET: "failed", "other": "passed"}
# Once a library function is replaced, no later test can trust it: all fail.
TAMPERED = {"other": "failed"}

ATTACKS = {
    # -- raising one's own grade inside the kernel ---------------------------------------
    "patches the course's checks": (_target(
        "import course.checks as cc\n"
        "for name in ('assert_equal', 'assert_close', 'assert_shape', 'assert_dtype_kind'):\n"
        "    pass\n"
        "cc.assert_equal = lambda *a, **k: None\ncc.assert_close = lambda *a, **k: None\n"
        + WRONG), TAMPERED),
    "patches numpy's comparisons through an alias": (_target(
        "import numpy as np\nq = np\nq.array_equal = lambda *a, **k: True\n"
        "q.allclose = lambda *a, **k: True\nq.testing.assert_array_equal = lambda *a, **k: None\n"
        + WRONG), TAMPERED),
    "patches the checks while the test calls it": (_target(
        "import numpy as np\nimport course.checks as cc\n"
        "def perceptron_predict(X, w, b):\n"
        "    cc.assert_equal = lambda *a, **k: None\n    np.array_equal = lambda *a, **k: True\n"
        "    return (X @ w + b >= 0).astype(int)\n"), TAMPERED),
    "swallows errors with IPython's exception handler": (_target(
        "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)\n" + WRONG), REJECTED),
    "rewrites the tests with an input transformer": (_target(
        "ip = get_ipython\nip().input_transformers_post.append(lambda lines: ['pass\\n'])\n"
        + WRONG), REJECTED),
    "rewrites the tests with an AST transformer": (_target(
        "import ast\nclass Drop(ast.NodeTransformer):\n    def visit_Assert(self, node):\n"
        "        return None\nget_ipython().ast_transformers.append(Drop())\n" + WRONG), REJECTED),
    "shadows isinstance and AssertionError": (_target(
        "def isinstance(a, b):\n    return True\nAssertionError = ValueError\n" + WRONG), REJECTED),
    "reaches sys through a package attribute": (_target(
        "import numpy as np\nmods = np.testing.sys.modules\n"
        "mods['course.checks'].assert_equal = lambda *a, **k: None\n" + WRONG), REJECTED),
    "hides a patch in a cell dressed as the instructor's": (_added(
        "import course.checks as cc\ncc.assert_equal = lambda *a, **k: None\n", locked=True),
        TAMPERED),
    "reads its own test cell's source from IPython's history": (_target(
        "def perceptron_predict(X, w, b):\n    print(In[-1])\n    return (X @ w + b >= 0).astype(int)\n"),
        REJECTED),
    "calls the hidden reference its test defines": (_target(
        "import numpy as np\ndef perceptron_predict(X, w, b):\n    try:\n"
        "        return _ref_predict(X, w, b)\n    except NameError:  # the visible test, hard-coded\n"
        "        return np.array([0, 1, 0, 0]) if len(X) == 4 else (X @ w + b >= 0).astype(int)\n"),
        REJECTED),
    "rebinds the test's checks from inside the function": (_target(
        "def perceptron_predict(X, w, b):\n"
        "    global assert_equal, assert_shape, assert_dtype_kind, _check\n"
        "    assert_equal = assert_shape = assert_dtype_kind = _check = lambda *a, **k: None\n"
        "    return (X @ w + b >= 0).astype(int)\n"), REJECTED),
    "imports a numpy of its own making as np": (_target(
        "open('mynp.py', 'w').write('from numpy import *\\narray_equal = lambda *a, **k: True\\n')\n"
        "import mynp as np\n" + WRONG), FAILED),  # the test imports numpy itself: harmless
    "returns an object that equals anything": (_target(
        "import numpy as np\nclass Agree(np.ndarray):\n    def __eq__(self, other):\n"
        "        return np.ones(np.shape(other), dtype=bool)\n"
        "def perceptron_predict(X, w, b):\n"
        "    return (X @ w + b >= 0).astype(int).view(Agree)\n"), REJECTED),
    "deletes its test cells": (_edit_tests("delete"), FAILED),
    "empties its test cells": (_edit_tests("empty"), FAILED),
    # -- reaching outside the sandbox ------------------------------------------------------
    "reads the hidden tests in source/": (_wrong_unless(
        f"assert 'BEGIN HIDDEN' in open({str(ROOT / 'source/01_perceptron/01_perceptron.ipynb')!r}).read()"),
        FAILED),
    "reads the other students' notebooks": (_wrong_unless(
        "import glob, os\nown = os.path.realpath('01_perceptron.ipynb')\n"
        "seen = glob.glob('../../../*/*/01_perceptron/*.ipynb') + glob.glob('../../*/01_perceptron/*.ipynb')\n"
        "assert {os.path.realpath(f) for f in seen} - {own}"), FAILED),
    "writes into the course": (_wrong_unless(
        f"open({str(ROOT / CANARY)!r}, 'w').write('x')\n"
        f"open({str(ROOT / 'course' / 'checks.py')!r}, 'a').write('\\n')"), FAILED),
    "uses the network": (_wrong_unless(
        "import urllib.request\nurllib.request.urlopen('https://pypi.org', timeout=5)"), FAILED),
    # -- faults that must not stop the batch -------------------------------------------------
    "loops forever": (_target("while True:\n    pass\n"), FAILED),
    "exits the kernel": (_target("import os\nos._exit(3)\n"), FAILED),
    "crashes the kernel inside the test": (_target(
        "import os\ndef perceptron_predict(X, w, b):\n"
        "    os.kill(os.getpid(), 11)  # SIGSEGV\n"), FAILED),
    "exhausts memory": (_target(
        "import numpy as np\nhog = []\nwhile True:\n    hog.append(np.ones(1 << 28, dtype=np.uint8))\n"
        + WRONG), FAILED),
    "floods the output": (_target(
        "for _ in range(200_000):\n    print('x' * 100)\n" + WRONG), FAILED),
    "asks for input": (_target("name = input('your name? ')\n" + WRONG), REJECTED),
    "starts threads": (_target("import threading\n" + WRONG), REJECTED),
    "shows a widget": (_added("import ipywidgets as w\nw.IntSlider(3)\n", honest=True),
                       {"other": "passed"}),
    # -- malformed notebooks ---------------------------------------------------------------
    "is not JSON": (_not_json, {"other": "invalid"}),
    "is an old nbformat (v3)": (_old_nbformat, {TARGET: "passed", "other": "passed"}),
    "lost its nbgrader metadata": (_no_metadata, FAILED),
    "has no cells": (_no_cells, {"other": "failed"}),
}


def build(name, honest):
    """The attack's file contents (text)."""
    made = ATTACKS[name][0](nbformat.from_dict(json.loads(json.dumps(honest))))
    return made if isinstance(made, str) else nbformat.writes(made)


def expected(name, exercise):
    expect = ATTACKS[name][1]
    return expect.get(exercise, expect["other"])
