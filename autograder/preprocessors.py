"""Steps grading adds to nbgrader's autograde pipeline."""
from nbgrader.preprocessors import NbGraderPreprocessor


class StderrToStdout(NbGraderPreprocessor):
    """Move stderr text (warnings) of code cells to stdout, marked as such.

    nbgrader gives zero to any graded cell that wrote to stderr, so a correct
    answer that merely warns (a library's DeprecationWarning, a learner's
    debugging print to sys.stderr) would lose its marks. A test fails by
    raising, which leaves an error output; that is untouched and still scores 0.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    output["name"] = "stdout"
                    output["text"] = "[stderr] " + output.get("text", "")
        return cell, resources


# -- the guarded execution ------------------------------------------------------
import ast as _ast
import re as _re
import secrets as _secrets
import shutil as _shutil
import tempfile as _tempfile
import time as _time

import nbformat as _nbformat
from nbgrader.preprocessors import Execute as _Execute
from traitlets import Bool as _Bool, Integer as _Integer

from .notebooks import is_test_cell as _is_test_cell, nbgrader_meta as _meta

GUARD_NAME = "__course_guard__"
_MARKER = _re.compile(r"\n?\[course-guard ([0-9a-f]+)\]")


class _OutOfTime(Exception):
    """The notebook used up its whole time (``GuardedExecute.total_timeout``)."""


def test_imports(cells):
    """Modules the test cells import (``from a.b import c`` gives ``a.b`` and ``a.b.c``)."""
    found = []
    for cell in cells:
        try:
            tree = _ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in _ast.walk(tree):
            if isinstance(node, _ast.Import):
                found += [a.name for a in node.names]
            elif isinstance(node, _ast.ImportFrom) and node.module and not node.level:
                found.append(node.module)
                found += [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
    return list(dict.fromkeys(found))


class GuardedExecute(_Execute):
    """nbgrader's Execute with the guard around every test cell and a cap on output.

    A hidden first cell installs ``autograder.guard`` before the learner's code
    runs; each test cell runs as ``check(id)`` + the test + ``done(id, nonce)``,
    with a fresh random nonce per cell that the guard prints last. Afterwards the
    cells get their own sources back, the nonce is removed from the output, and a
    test cell that ended without printing it and without an error (its error was
    swallowed, or it never ran) gets an error of its own: it did not run to its end.
    """

    max_output_bytes = _Integer(
        1_000_000, help="Text one cell may print before the rest is dropped.").tag(config=True)
    sandbox = _Bool(False, help="Run the kernel inside bubblewrap (autograder.sandbox).").tag(
        config=True)

    #: IPython options every grading kernel starts with: no automagic (a one-line cell
    #: ``run x.py`` would become a magic after the policy checked it) and no autocall, so
    #: the kernel runs exactly the Python the policy checked.
    KERNEL_ARGUMENTS = ("--InteractiveShell.automagic=False", "--InteractiveShell.autocall=0")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Widget state would be saved in the graded notebook, uncapped: grading needs none.
        self.store_widget_state = False
        self.extra_arguments = list(self.extra_arguments) + [
            a for a in self.KERNEL_ARGUMENTS if a not in self.extra_arguments]
        if self.sandbox:  # configured, however nbgrader made this preprocessor
            from .sandbox import SandboxedKernelManager

            self.kernel_manager_class = SandboxedKernelManager

    max_kernel_deaths = _Integer(
        5, help="Times a notebook may end its kernel before the rest is not run.").tag(config=True)
    max_total_output_bytes = _Integer(
        20_000_000, help="Text the whole notebook may print before the rest is dropped.").tag(
        config=True)
    total_timeout = _Integer(
        0, help="Seconds the whole notebook may run, every restart included; 0: the cell "
                "time limit times the number of code cells, plus a minute.").tag(config=True)

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        lock = getattr(self.km, "lock", None)  # the sandbox's socket folder, once the kernel is up
        if lock is not None:
            lock()
        return kc

    def preprocess_cell(self, cell, resources, index):
        self._running = index
        if _time.monotonic() > self._deadline:
            raise _OutOfTime()
        return super().preprocess_cell(cell, resources, index)

    def preprocess(self, nb, resources=None, km=None):
        """Run the notebook; a cell that ends the kernel (``os._exit``, a crash, the
        memory limit) gets an error of its own and the notebook is run again from the
        top without it, so every other cell is still graded. When the kernel dies more
        often than ``max_kernel_deaths``, or the notebook runs out of time, every test
        cell that did not run to its end fails, saying why.

        The kernel works in a scratch folder of its own (removed afterwards), never in
        the folder nbgrader grades in: nothing it leaves there is read, copied or kept."""
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        resources = resources if resources is not None else {}
        scratch = _tempfile.mkdtemp(prefix="course-scratch-")
        resources.setdefault("metadata", {})["path"] = scratch
        code_cells = sum(1 for c in nb.cells if c.get("cell_type") == "code") + 1
        total = self.total_timeout or (int(self.timeout or 90) * code_cells + 60)
        self._deadline = _time.monotonic() + total
        killers, originals = {}, [c.source for c in nb.cells]
        not_run = None
        try:
            for attempt in range(self.max_kernel_deaths + 1):
                for i, cell in enumerate(nb.cells):
                    cell.source = originals[i]
                    if i in killers:
                        cell.source = f"raise RuntimeError({killers[i]!r})"
                    if cell.get("cell_type") == "code":
                        cell["outputs"] = []
                self._running = None
                try:
                    nb, resources = self._guarded(nb, resources, km)
                    break
                except (DeadKernelError, CellTimeoutError, _OutOfTime, RuntimeError) as exc:
                    if isinstance(exc, _OutOfTime):
                        not_run = (f"the notebook ran out of time ({total} s in all) before "
                                   f"this test cell ran to its end")
                        break
                    if not isinstance(exc, (DeadKernelError, CellTimeoutError)):
                        if attempt == 0:
                            raise  # the first kernel would not start: the grader's problem
                        not_run = (f"the kernel could not be restarted after the notebook ended "
                                   f"it ({exc.__class__.__name__}): this test cell did not run")
                        break
                    index = (self._running or 1) - 1  # the guard's first cell shifts them by one
                    if index in killers or not 0 <= index < len(nb.cells):
                        not_run = ("the kernel died (or stopped answering) before this test cell "
                                   "ran to its end, and the grader could not tell which cell "
                                   "ended it")
                        break
                    killers[index] = (
                        "the kernel died while this cell ran (the code ended the Python process: "
                        "os._exit, a crash or the memory limit)"
                        if isinstance(exc, DeadKernelError)
                        else "this cell ran past its time limit and could not be interrupted")
            else:
                not_run = (f"the kernel died {len(killers)} times, more than the grader retries "
                           f"({self.max_kernel_deaths}): this test cell was not run to its end")
        finally:
            _shutil.rmtree(scratch, ignore_errors=True)
        for i, cell in enumerate(nb.cells):
            cell.source = originals[i]
        if not_run is not None:  # whatever ran last: only a test cell that ran to its end counts
            for i, cell in enumerate(nb.cells):
                if _is_test_cell(cell):
                    self._settle(cell, self._nonces.get(i, ""), None, not_run)
        return nb, resources

    def _guarded(self, nb, resources=None, km=None):
        tests = [i for i, c in enumerate(nb.cells) if _is_test_cell(c)]
        originals = {i: nb.cells[i].source for i in tests}
        nonces = self._nonces = {i: _secrets.token_hex(16) for i in tests}
        for i in tests:
            gid = _meta(nb.cells[i]).get("grade_id", f"cell {i}")
            nb.cells[i].source = (f"{GUARD_NAME}.check({gid!r})\n{originals[i]}\n"
                                  f"{GUARD_NAME}.done({gid!r}, {nonces[i]!r})")
        modules = test_imports([nb.cells[i] for i in tests])
        install = _nbformat.v4.new_code_cell(
            f"import autograder.guard as {GUARD_NAME}\n{GUARD_NAME}.install({modules!r})")
        install.metadata["course_guard"] = True
        nb.cells.insert(0, install)
        self._output_sizes, self._cut, self._total_output = {}, {}, 0
        try:
            nb, resources = super().preprocess(nb, resources, km=km)
        finally:
            if nb.cells and nb.cells[0].metadata.get("course_guard"):
                ran = nb.cells.pop(0)
                failure = next((o for o in ran.get("outputs", []) if o.output_type == "error"), None)
            else:
                failure = None
            for i in tests:
                nb.cells[i].source = originals[i]
        for i in tests:
            self._settle(nb.cells[i], nonces[i], failure)
        return nb, resources

    @staticmethod
    def _settle(cell, nonce, install_failure, not_run=None):
        """A test cell's outcome is whether it ran to its end (its nonce) without an error;
        nothing else it shows counts. An ``execute_result`` (which nbgrader would read as
        the cell's score; the learner's code can make one appear) becomes plain display
        data."""
        seen = False
        outputs = []
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream" and "[course-guard " in out.get("text", ""):
                seen = seen or bool(nonce) and any(m == nonce for m in _MARKER.findall(out["text"]))
                out["text"] = _MARKER.sub("", out["text"])
            if kind == "stream" and out.get("text") == "":
                continue
            if kind == "execute_result":
                out = _nbformat.v4.new_output("display_data", data=dict(out.get("data", {})),
                                              metadata=dict(out.get("metadata", {})))
            outputs.append(out)
        cell["outputs"] = outputs
        errored = any(o.get("output_type") == "error" for o in cell["outputs"])
        if install_failure is not None and not errored:
            why = f"the grader's guard could not start: {install_failure.get('evalue', '')}"
        elif not seen and not errored:
            why = not_run or ("the test cell did not run to its end (its result was hidden or it "
                              "was skipped)")
        else:
            return
        cell["outputs"].append(_nbformat.v4.new_output(
            "error", ename="GradingIntegrityError", evalue=why,
            traceback=[f"GradingIntegrityError: {why}"]))

    #: What one error (name, message and traceback together) may hold.
    max_error_chars = _Integer(20_000, help="Characters one error output may keep.").tag(
        config=True)

    def _cap_error(self, msg, room):
        """The error message cut to ``room`` characters (an error always stays: it is
        what fails the cell), keeping the start of the message and the last lines of the
        traceback."""
        content = dict(msg.get("content", {}))
        room = max(1_000, min(int(room), self.max_error_chars))
        ename = str(content.get("ename", ""))[:200]
        evalue = str(content.get("evalue", ""))
        if len(evalue) > room // 2:
            evalue = evalue[:room // 2] + f" [... {len(evalue) - room // 2:,} characters cut]"
        lines, left = [], room - len(evalue)
        for line in reversed([str(t) for t in content.get("traceback", []) or []]):
            line = line if len(line) <= 2_000 else line[:2_000] + " [... cut]"
            if len(line) > left:
                lines.append("[... traceback cut]")
                break
            lines.append(line)
            left -= len(line)
        content.update(ename=ename, evalue=evalue, traceback=lines[::-1])
        return {**msg, "content": content}

    def process_message(self, msg, cell, cell_index):
        """Keep at most ``max_output_bytes`` of a cell's output and
        ``max_total_output_bytes`` of the notebook's (what is dropped is not counted), for
        every kind of output: streams, results, display data and their updates (which
        nbclient applies to earlier outputs before anything else sees them). An error
        always stays, cut to ``max_error_chars`` (what is left of the budgets, at least
        1,000). The guard's markers always get through (without the text around them), so
        a flood of output cannot make a test cell look as if it had not run to its end."""
        kind = msg.get("msg_type")
        if kind not in ("stream", "execute_result", "display_data", "update_display_data",
                        "error"):
            return super().process_message(msg, cell, cell_index)
        if kind == "error":
            kept = self._output_sizes.get(cell_index, 0)
            room = min(self.max_output_bytes - kept, self.max_total_output_bytes
                       - self._total_output)
            msg = self._cap_error(msg, room)
        size = len(str(msg.get("content", "")))
        transient = msg.get("content", {}).get("transient") or {}
        display_id = transient.get("display_id") if isinstance(transient, dict) else None
        if display_id:  # nbclient copies it into every output shown with that id
            shown = sum(len(v) for v in self._display_id_map.get(display_id, {}).values())
            size *= shown + (kind != "update_display_data")
        kept = self._output_sizes.get(cell_index, 0)
        cell_full = kept + size > self.max_output_bytes
        notebook_full = self._total_output + size > self.max_total_output_bytes
        if kind != "error" and (cell_full or notebook_full):
            outs = cell.outputs
            if not self._cut.get(cell_index):
                self._cut[cell_index] = True
                # display data, not a stream: nbgrader's LimitOutput drops streams
                # past its line limit, and would drop the notice with them.
                what = (f"this cell printed more than {self.max_output_bytes:,} characters"
                        if cell_full else f"the notebook printed more than "
                                          f"{self.max_total_output_bytes:,} characters")
                outs.append(_nbformat.v4.new_output(
                    "display_data", data={"text/plain": f"[output cut: {what}]"}))
            markers = _MARKER.findall(str(msg.get("content", {}).get("text", ""))) \
                if kind == "stream" else []
            if markers:
                outs.append(_nbformat.v4.new_output(
                    "stream", name="stdout",
                    text="".join(f"\n[course-guard {m}]" for m in markers[-4:])))
            return None
        self._output_sizes[cell_index] = kept + size
        self._total_output += size
        return super().process_message(msg, cell, cell_index)


# -- the feedback -----------------------------------------------------------------
import html as _html

#: Output kinds the feedback shows; everything else a notebook displays (HTML, SVG,
#: JavaScript, markdown, LaTeX, widgets) is learner-controlled markup and is left out.
SAFE_MIME = ("text/plain", "image/png", "image/jpeg")
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_NOTE = "# (hidden tests: their code is not shown in feedback)"


class FeedbackView(NbGraderPreprocessor):
    """What a learner's feedback may show, made from the autograded notebook before
    nbgrader renders it (``GenerateFeedback``; the autograded notebook is untouched):

    - each test cell shows its visible part only (what precedes ``### BEGIN HIDDEN
      TESTS``, or a one-line note), and its errors their name and message without a
      traceback (a traceback quotes the lines it passed through, hidden ones included);
    - no learner markup runs in the page: outputs keep text, PNG and JPEG only (HTML,
      SVG, JavaScript, markdown and LaTeX outputs become a one-line note), and markdown
      cells are rendered with every ``<`` escaped, so they hold no raw HTML.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.get("cell_type") == "markdown":
            cell.source = cell.source.replace("&", "&amp;").replace("<", "&lt;")
            cell.pop("attachments", None)
            return cell, resources
        if cell.get("cell_type") == "raw":
            cell.source = _html.escape(cell.source)
            cell.metadata.pop("format", None)
            cell.metadata.pop("raw_mimetype", None)
            return cell, resources
        if cell.get("cell_type") != "code":
            return cell, resources
        test = _is_test_cell(cell)
        if test:
            visible = cell.source.split(HIDDEN_BEGIN)[0].rstrip()
            cell.source = f"{visible}\n{HIDDEN_NOTE}" if HIDDEN_BEGIN in cell.source else visible
        outputs = []
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "error" and test:
                out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
            if kind in ("display_data", "execute_result"):
                data = out.get("data", {})
                kept = {k: v for k, v in data.items() if k in SAFE_MIME}
                dropped = sorted(set(data) - set(kept))
                if dropped and "text/plain" not in kept:
                    kept["text/plain"] = f"[not shown in feedback: {', '.join(dropped)[:200]}]"
                out["data"] = kept
                out["metadata"] = {}
            outputs.append(out)
        cell["outputs"] = outputs
        cell.get("metadata", {}).pop("widgets", None)
        return cell, resources

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)
