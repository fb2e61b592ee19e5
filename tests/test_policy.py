"""The static check of learners' code: it refuses what could reach the tests'
machinery, and never a right answer."""
import importlib.util
from pathlib import Path

import nbformat
import pytest

from autograder.notebooks import (instructor_names, is_answer_cell, nbgrader_meta,
                                  prepare_submission)
from autograder.pipeline import RELEASE, SOURCE
from autograder.policy import InstructorNames, Violation, check_source
from conftest import MODULES

ANSWERS = Path(__file__).parent / "answers"

REFUSED = {
    # not Python after IPython's expansion: IPython's prefilter would still run it
    "automagic run": "run x.py\n",
    "automagic load_ext": "load_ext xext\n",
    "a syntax error": "def f(:\n    pass\n",
    "IPython's exception handler": "get_ipython().set_custom_exc((Exception,), lambda *a: None)",
    "an alias of get_ipython": "g = get_ipython\n",
    "a magic": "%load ../source/01_perceptron/01_perceptron.ipynb",
    "a shell escape": "!cat /etc/passwd",
    "the sys module": "import sys\nsys.modules['numpy'].allclose = lambda *a, **k: True",
    "sys from a package": "import numpy as np\nnp.testing.sys.modules",
    "from-import of a module attribute": "from os import sys",
    "inspect": "import inspect",
    "frames through a traceback": "try:\n    1/0\nexcept Exception as e:\n    e.__traceback__.tb_frame",
    "a function's globals": "def f(): pass\nf.__globals__['x'] = 1",
    "the class hierarchy": "().__class__.__base__.__subclasses__()",
    "getattr": "import numpy as np\ngetattr(np, 'all' + 'close')",
    "setattr": "import numpy as np\nname = 'allclose'\nsetattr(np, name, print)",
    "getattr of a private name": "import numpy as np\ngetattr(np, '_core')",
    "getattr of a dunder": "def f(g):\n    return getattr(g, '__globals__')",
    "exec": "exec('import sys')",
    "eval": "eval('1')",
    "globals": "globals()['x'] = 1",
    "builtins module": "import builtins\nbuiltins.isinstance = lambda a, b: True",
    "shadowing a builtin": "def isinstance(a, b):\n    return True",
    "shadowing AssertionError": "AssertionError = ValueError",
    "a finalizer": "class A:\n    def __del__(self):\n        pass",
    "an object equal to anything": "class Yes:\n    def __eq__(self, other):\n        return True",
    "a tensor that answers torch's functions": (
        "import torch\nclass T(torch.Tensor):\n    @classmethod\n"
        "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n        return True"),
    "an array-like that answers numpy's functions": (
        "class A:\n    def __array_function__(self, func, types, args, kwargs):\n        return True"),
    "threads": "import threading",
    "the __main__ module under another name": "import __main__ as m\nm.assert_close = print",
    "signals": "from signal import signal",
    "the guard's name": "__course_guard__.check = print",
    "IPython's history": "def f():\n    return In[-1]",
    "input()": "name = input('who?')",
    "ctypes": "import ctypes",
    "a format string into dunders": "'{0.__globals__}'.format(print)",
    "operator.attrgetter": "import operator\noperator.attrgetter('x')",
    "star import": "from numpy import *",
}

ALLOWED = {
    "ordinary numpy": "import numpy as np\ndef f(x):\n    return np.maximum(x, 0)",
    "a module named input": "import torch\nclass M(torch.nn.Module):\n    def __init__(self):\n"
                            "        super().__init__()\n        self.kernel = 3\n"
                            "    def forward(self, input):\n        return input * self.kernel",
    "freezing parameters": "def freeze(m):\n    for p in m.parameters():\n        p.requires_grad = False\n"
                           "    for sub in m.modules():\n        pass\n    return m",
    "str.replace and list.remove": "def f(s, xs):\n    xs = list(xs)\n    xs.remove(1)\n    return s.replace('a', 'b'), xs",
    "a local named like a builtin": "def f(x):\n    max = x.max()\n    return max",
    "time and os.path": "import time, os\ndef g(fn):\n    t = time.perf_counter()\n    fn()\n"
                        "    return os.path.join('a', 'b'), time.perf_counter() - t",
    "warnings": "import warnings\nwith warnings.catch_warnings():\n    warnings.simplefilter('ignore')",
    "dunder methods": "class Cache:\n    def __init__(self):\n        self.d = {}\n"
                      "    def __len__(self):\n        return len(self.d)\n"
                      "    def __repr__(self):\n        return f'Cache({self.d})'",
    "a docstring that mentions __init__ and {braces}": 'def f():\n    """Returns {"a": 1}; see __init__."""\n    return 1',
    "if __name__": "if __name__ == '__main__':\n    pass",
    "getattr with a literal name": "def f(model):\n    return getattr(model, 'block_size', None)",
}


def _known_answers(module):
    path = ANSWERS / f"{module}.py"
    if not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location(f"answers_{module}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.RIGHT


@pytest.mark.parametrize("module", MODULES)
def test_no_right_answer_is_refused(module):
    nb = nbformat.read(SOURCE / module / f"{module}.ipynb", as_version=4)
    names = instructor_names(nb)
    assert names.tests and names.carried, "the names rules would check nothing"
    for cell in nb.cells:
        if is_answer_cell(cell):
            check_source(cell.source, f"{module} solution {nbgrader_meta(cell)['grade_id']}", names)
    for exercise, variants in _known_answers(module).items():
        for description, source in variants.items():
            check_source(source, f"{module} RIGHT {exercise} ({description})", names)


# The names rules: a notebook whose test cell computes `want` with a hidden `_ref`
# helper, and whose setup cell imports numpy and defines the data the tests read.
NAMES = InstructorNames.of(
    test_sources=["from course.checks import assert_close\n"
                  "def _ref(x):\n    return x * 2\n"
                  "want = _ref(X_test)\nassert_close(np.asarray(double(X_test)), want)\n"],
    other_sources=["import numpy as np\nX_test = np.arange(3.0)\nscratch = 1\n"])
NAMES_REFUSED = {
    "calls the hidden reference": "def double(x):\n    return _ref(x)\n",
    "returns the test's expected value": "def double(x):\n    return want\n",
    "reads it in a lambda": "double = lambda x: want\n",
    "reads it in a comprehension": "def double(x):\n    return [w for w in want]\n",
    "reads it at the top level": "twice = _ref\n",
    "binds it first, reads it later": "want = None\ndef double(x):\n    return want\n",
    "rebinds a test's import from a function": (
        "def double(x):\n    global assert_close\n    assert_close = print\n    return x\n"),
    "rebinds the expected value from a function": (
        "def double(x):\n    global want\n    want = x\n    return x\n"),
    "replaces the test data": "X_test = np.zeros(3)\n",
    "replaces the test data in a loop": "for X_test in [1]:\n    pass\n",
    "imports something else as np": "import fakenumpy as np\n",
    "reads IPython's last output": "def double(x):\n    return _\n",
    "the caller's locals through traceback": (
        "from traceback import StackSummary, walk_stack\n"
        "def double(x):\n    return StackSummary.extract(walk_stack(None), capture_locals=True)\n"),
    "defines a function over the test data": "def X_test():\n    pass\n",
}
NAMES_ALLOWED = {
    "its own parameter named like the test's": "def double(want):\n    return want * 2\n",
    "a local named like the test's": "def double(x):\n    want = x * 2\n    return want\n",
    "numpy imported as the course does": "import numpy as np\ndef double(x):\n    return np.multiply(x, 2)\n",
    "the setup data read": "def double(x):\n    return x * 2\nprint(double(X_test))\n",
    "a name only a demo cell binds": "scratch = 3\n",
    "_ as a throwaway": "def double(x):\n    for _ in range(2):\n        pass\n    a, _ = x, 1\n    return 2 * a\n",
    "a global of its own": "counter = 0\ndef double(x):\n    global counter\n    counter += 1\n    return 2 * x\n",
}


# Every case without the names rules, and the names cases with them.
REFUSED_CASES = {**{what: (code, None) for what, code in REFUSED.items()},
                 **{f"names: {what}": (code, NAMES) for what, code in NAMES_REFUSED.items()}}
ALLOWED_CASES = {**{what: (code, None) for what, code in ALLOWED.items()},
                 **{f"names: {what}": (code, NAMES) for what, code in NAMES_ALLOWED.items()}}


@pytest.mark.parametrize("what", REFUSED_CASES)
def test_refused(what):
    code, names = REFUSED_CASES[what]
    with pytest.raises(Violation) as info:
        check_source(code, "cell 3", names)
    message = str(info.value)
    assert message.startswith("cell 3, line ") and "line ?" not in message, message
    assert "\n" not in message


@pytest.mark.parametrize("what", ALLOWED_CASES)
def test_allowed(what):
    code, names = ALLOWED_CASES[what]
    assert check_source(code, "cell 3", names) is None


def test_prepare_submission_refuses_and_restores():
    module = MODULES[0]
    blank = nbformat.read(RELEASE / module / f"{module}.ipynb", as_version=4)
    nb = nbformat.read(RELEASE / module / f"{module}.ipynb", as_version=4)
    answers = [c for c in nb.cells if is_answer_cell(c)]
    first = nbgrader_meta(answers[0])["grade_id"]
    answers[0].source = "import sys\n"
    tests = [c for c in nb.cells if nbgrader_meta(c).get("grade") and not is_answer_cell(c)]
    nb.cells.remove(tests[-1])
    added = nbformat.v4.new_code_cell("import gc")
    added.metadata["nbgrader"] = {"locked": True, "grade_id": "made-up", "grade": False,
                                  "solution": False}
    nb.cells.insert(0, added)
    prepared, refused = prepare_submission(nb, blank)
    assert refused[first].startswith("refused: ") and "`sys`" in refused[first]
    assert "raise NotImplementedError()" in [c for c in prepared.cells if is_answer_cell(c)][0].source
    assert prepared.cells[0].source.startswith("# left out by the grader")
    assert prepared.cells[-1].source == tests[-1].source, "a deleted test cell must come back"
    assert nb.cells[0].source == "import gc", "the learner's notebook is not modified"


def test_rebinding_matters_only_where_an_instructor_cell_reads_the_name_next():
    names = InstructorNames.of(["from course.checks import assert_close\n"
                                "assert_close(model(X_test), 1)\n"],
                               ["X_test = [1]\nmodel = None\n", "print(X_test)\n",
                                "X_test = [2]\n"],
                               test_ids=["t"], other_ids=["setup", "show", "again"])
    # learner cells at 0, 2, 4 and 6 around: setup, show (reads X_test), again (rebinds), t
    order = [None, "setup", None, "show", None, "again", None, "t"]
    harmed = names.harmed(order)
    assert harmed[0] == frozenset()                   # setup binds both afterwards
    assert harmed[2] == {"X_test", "model"}           # show reads X_test; t reads model
    assert harmed[4] == {"model"}                     # again binds X_test before t reads it
    assert harmed[6] == {"X_test", "model"}
    assert check_source("X_test = 0\n", "cell 1", names, harmed[0]) is None
    with pytest.raises(Violation, match="`X_test`"):
        check_source("X_test = 0\n", "cell 3", names, harmed[2])
    assert check_source("X_test = 0\n", "cell 5", names, harmed[4]) is None


def test_a_statement_that_breaks_a_names_rule_is_left_out_not_the_answer():
    """A right answer with a leftover debugging line that reads a test's variable, or
    that rebinds data an instructor cell reads next, keeps its marks: only those
    top-level statements are left out, and the exercise's message says so."""
    from test_grading import student_notebook

    module = "01_perceptron"
    if module not in MODULES:
        pytest.skip(f"no {module}")
    blank = nbformat.read(RELEASE / module / f"{module}.ipynb", as_version=4)
    names = instructor_names(nbformat.read(SOURCE / module / f"{module}.ipynb", as_version=4))
    nb = student_notebook(module)
    cell = next(c for c in nb.cells
                if is_answer_cell(c) and nbgrader_meta(c)["grade_id"] == "perceptron_update")
    right = cell.source
    cell.source = right + "\nprint(pred)\ndata = None\n"
    prepared, refused = prepare_submission(nb, blank, names)
    got = next(c for c in prepared.cells
               if is_answer_cell(c) and nbgrader_meta(c)["grade_id"] == "perceptron_update").source
    assert got.startswith(right), "the answer itself must be kept"
    tail = got[len(right):].splitlines()
    assert [line.split(":")[0] for line in tail if line] == ["# left out by the grader"] * 2, tail
    assert "`pred`" in tail[1] and "`data`" in tail[2]
    assert refused == {"perceptron_update": refused["perceptron_update"]}
    assert refused["perceptron_update"].startswith("note: the grader left out ")
    assert cell.source.endswith("data = None\n"), "the learner's notebook is not modified"


def test_grading_kernels_start_without_automagic(tmp_path):
    """The policy checks Python; the kernel must run nothing else (``run x.py`` as a
    one-line cell is a magic only with automagic on)."""
    from autograder.pipeline import execute

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "ip = get_ipython()\nprint(ip.automagic, ip.autocall)")])
    ran = execute(nb, tmp_path)
    text = "".join(o.get("text", "") for o in ran.cells[0].outputs)
    assert text.strip() == "False 0", ran.cells[0].outputs


def test_an_answer_automagic_would_run_is_rejected_and_an_added_one_left_out():
    module = MODULES[0]
    blank = nbformat.read(RELEASE / module / f"{module}.ipynb", as_version=4)
    nb = nbformat.read(RELEASE / module / f"{module}.ipynb", as_version=4)
    answer = [c for c in nb.cells if is_answer_cell(c)][0]
    answer.source = "run x.py\n"
    nb.cells.insert(0, nbformat.v4.new_code_cell("load_ext xext"))
    prepared, refused = prepare_submission(nb, blank)
    assert refused[nbgrader_meta(answer)["grade_id"]].startswith("refused: ")
    assert "not valid Python" in refused[nbgrader_meta(answer)["grade_id"]]
    assert prepared.cells[0].source.startswith("# left out by the grader")
