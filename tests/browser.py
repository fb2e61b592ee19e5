"""Drive the course in JupyterLab with a real browser (tests/test_browser.py).

`course lab` serves a workspace; Playwright drives Debian's headless Chromium
(never a browser that Playwright downloads) the way a learner would: open a
module's notebook, run its cells, look at the visualizations, drag a slider,
press nbgrader's Validate button.
"""
import ast
import importlib
import importlib.util
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

#: Where a Chromium binary is looked for when COURSE_CHROMIUM is not set. Debian's
#: /usr/bin/chromium is a shell wrapper around /usr/lib/chromium/chromium.
CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: What JupyterLab writes into an output it could not turn into a widget view.
WIDGET_TROUBLE = ("Error displaying widget", "Loading widget...", "Error rendering output")

#: User settings of the test's JupyterLab (a fresh settings folder per run, so a
#: developer's own settings never change what is tested). Every cell stays in the
#: page ("windowingMode": "none"; Lab's default virtual scrolling removes cells
#: that are out of view), and Lab does not ask about fetching news.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}


# -- what is there ----------------------------------------------------------------

def find_chromium():
    """Path of a Chromium executable, or None. COURSE_CHROMIUM names one explicitly."""
    chosen = os.environ.get("COURSE_CHROMIUM")
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    for path in CHROMIUM_PATHS:
        if os.access(path, os.X_OK):
            return path
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def unavailable():
    """Why the browser tests cannot run here (a sentence), or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    if find_chromium() is None:
        where = os.environ.get("COURSE_CHROMIUM") or ", ".join(CHROMIUM_PATHS + CHROMIUM_NAMES)
        return (f"no Chromium found ({where}); install Debian's package: "
                "apt-get install --no-install-recommends chromium")
    return None


def visualization_cells(nb, module):
    """Indices of the code cells that build one of ``module``'s registered visualizations.

    The notebook's own imports say which ``course.viz`` modules to load (so a module
    whose visualizations are not yet listed in ``course/viz/__init__.py`` is covered
    too); ``@visualization(module)`` says which of their functions are visualizations.
    """
    from course.viz.base import REGISTRY

    trees = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            trees.append((i, ast.parse(cell.source)))
        except SyntaxError:  # IPython magics
            continue
    for _, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith("course.viz."):
                    importlib.import_module(node.module)
                elif node.module == "course.viz":
                    for alias in node.names:
                        if importlib.util.find_spec(f"course.viz.{alias.name}"):
                            importlib.import_module(f"course.viz.{alias.name}")
    names = {name for name, fn in REGISTRY.items() if fn.course_module == module}
    found = []
    for i, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = node.func
                called = fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", None)
                if called in names:
                    found.append(i)
                    break
    return found


def cascade(nb, errors, i, ename, evalue):
    """Whether cell ``i``'s error only follows from an earlier cell that failed.

    ``errors`` holds the indices of earlier cells that raised. A NameError for a name
    that one of them binds, or a KeyError for a constant key that one of them stores
    with ``d[key] = ...``, is what the learner sees until the exercise is written.
    """
    bound, keys = set(), set()
    for j in errors:
        if j >= i:
            continue
        try:
            tree = ast.parse(nb.cells[j].source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                bound.add(node.name)
            elif isinstance(node, ast.alias):
                bound.add((node.asname or node.name).split(".")[0])
            elif (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store)
                  and isinstance(node.slice, ast.Constant)):
                keys.add(repr(node.slice.value))
    if ename == "NameError":
        parts = evalue.split("'")
        return len(parts) >= 3 and parts[1] in bound
    if ename == "KeyError":
        return evalue in keys
    return False


def graded_cells(nb):
    return [i for i, c in enumerate(nb.cells)
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]


# -- JupyterLab ---------------------------------------------------------------------

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """``course lab --dir WORKSPACE --port P --no-browser`` in a subprocess.

    The server's token comes from JUPYTER_TOKEN (Jupyter Server reads it), so the
    browser logs in with ``?token=`` in the first URL. Lab's user settings and
    workspaces live in ``home`` and start empty.
    """

    def __init__(self, workspace, home):
        self.workspace = Path(workspace)
        self.home = Path(home)
        self.port = _free_port()
        self.token = uuid.uuid4().hex
        self.log = self.home / "lab.log"
        self.proc = None

    def start(self, timeout=120):
        settings = self.home / "settings"
        for rel, values in LAB_SETTINGS.items():
            path = settings / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = dict(os.environ, JUPYTER_TOKEN=self.token,
                   JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.home / "workspaces"))
        env.setdefault("OMP_NUM_THREADS", "1")  # kernels share the machine with the browser
        env.pop("MPLBACKEND", None)  # the test session's Agg must not reach the kernels
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "course_cli", "lab", "--dir", str(self.workspace),
                 "--port", str(self.port), "--no-browser"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"course lab exited ({self.proc.returncode}):\n{self.tail()}")
            try:
                self.api("GET", "api/status")
                return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer within {timeout} s:\n{self.tail()}")

    def tail(self, lines=40):
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def url(self, notebook):
        """A fresh Lab workspace showing only ``notebook`` (a path in the workspace)."""
        return (f"http://127.0.0.1:{self.port}/lab/workspaces/t{uuid.uuid4().hex[:8]}/tree/"
                f"{notebook}?reset&token={self.token}")

    def api(self, method, path):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def kernel_idle(self, notebook):
        """Whether the session of ``notebook`` has a kernel that says it is idle."""
        try:
            sessions = self.api("GET", "api/sessions") or []
        except OSError:
            return False
        return any(s.get("path") == str(notebook) and s.get("kernel")
                   and s["kernel"].get("execution_state") == "idle" for s in sessions)

    def shutdown_kernels(self):
        for kernel in self.api("GET", "api/kernels") or []:
            try:
                self.api("DELETE", f"api/kernels/{kernel['id']}")
            except OSError:
                pass

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


# -- a notebook in the page -------------------------------------------------------

_STARTED = "el => el.querySelector('.jp-InputPrompt').textContent.trim() !== '[ ]:'"
_EXECUTED = "el => /^\\[\\d+\\]:$/.test(el.querySelector('.jp-InputPrompt').textContent.trim())"
_CANVAS_DRAWN = ("el => { const c = el.querySelector('.jupyter-matplotlib-canvas-div canvas');"
                 " return c !== null && c.width > 0 && c.height > 0; }")


def _png(data):
    from PIL import Image

    return Image.open(io.BytesIO(data)).convert("RGB")


def images_differ(a, b):
    """Whether two PNG screenshots differ in any pixel."""
    from PIL import ImageChops

    ia, ib = _png(a), _png(b)
    return ia.size != ib.size or ImageChops.difference(ia, ib).getbbox() is not None


def is_blank(data):
    """Whether a PNG screenshot is one flat colour (nothing drawn)."""
    lo, hi = zip(*_png(data).getextrema())
    return lo == hi


def painted(locator, timeout_s=10):
    """Whether the element shows more than one flat colour within ``timeout_s``: ipympl
    sizes its canvas before the first image arrives, so one screenshot can be early."""
    deadline = time.monotonic() + timeout_s
    while True:
        if not is_blank(locator.screenshot()):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)


class Notebook:
    """The notebook open in a Playwright page."""

    def __init__(self, page, lab, path, timeout_s=60, goto=True):
        self.page = page
        if goto:
            page.goto(lab.url(path))
        self.panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first
        self.cells = self.panel.locator(".jp-Notebook .jp-Cell")
        # The page can say "idle" before its kernel is up: also ask the server.
        deadline = time.monotonic() + timeout_s
        while not lab.kernel_idle(path):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no idle kernel for {path} after {timeout_s} s")
            time.sleep(0.5)
        self.panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
            timeout=timeout_s * 1000)

    def cell(self, i):
        return self.cells.nth(i)

    def run_cell(self, i, timeout_s=180):
        """Select code cell ``i``, press the toolbar's Run button, wait for its prompt number.

        (The button, not Shift+Enter: a key press goes wherever the focus is, and a
        widget that has just rendered may hold it.)
        """
        cell = self.cell(i)
        prompt = cell.locator(".jp-InputPrompt")
        for _ in range(3):
            prompt.click()
            self.panel.locator(".jp-Toolbar-item[data-jp-item-name='run'] button").click()
            try:  # "[*]" (or a number) as soon as Lab has sent the request
                self.page.wait_for_function(_STARTED, arg=cell.element_handle(), timeout=10_000)
                break
            except Exception:  # noqa: BLE001 - not sent (the click went astray): again
                continue
        self.page.wait_for_function(_EXECUTED, arg=cell.element_handle(),
                                    timeout=timeout_s * 1000)

    def run_all_one_by_one(self, code_cells, timeout_s=180):
        """Run every code cell in order, each after the previous one has finished.

        Lab's Run All stops at the first error, and a blank release notebook raises
        NotImplementedError in every test cell; running cell by cell goes on past
        them as a learner does. Returns {cell index: seconds}.
        """
        times = {}
        for i in code_cells:
            start = time.monotonic()
            self.run_cell(i, timeout_s)
            times[i] = time.monotonic() - start
        return times

    def save(self, timeout_s=30):
        self.panel.locator(".jp-Toolbar-item[data-jp-item-name='save'] button").click()
        self.page.wait_for_function(
            "() => !document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')",
            timeout=timeout_s * 1000)

    def output_trouble(self):
        """Texts of outputs that show a widget failure or a widget still loading."""
        found = []
        outputs = self.panel.locator(".jp-OutputArea-output")
        for k in range(outputs.count()):
            text = outputs.nth(k).inner_text()
            for bad in WIDGET_TROUBLE:
                if bad in text:
                    found.append(text.strip()[:200])
        return found

    def figures(self, i):
        return self.cell(i).locator(".jp-OutputArea-output .jupyter-matplotlib-figure")

    def wait_drawn(self, i, timeout_s=30):
        """Wait until cell ``i`` shows a figure whose canvas has a size; False on timeout."""
        try:
            self.page.wait_for_function(_CANVAS_DRAWN, arg=self.cell(i).element_handle(),
                                        timeout=timeout_s * 1000)
            return True
        except Exception:  # noqa: BLE001 - playwright's TimeoutError
            return False

    def figure_output(self, i):
        """The output of cell ``i`` that holds its figure (with the controls around it)."""
        return self.cell(i).locator(".jp-OutputArea-output:has(.jupyter-matplotlib-figure)").first

    def canvas(self, i):
        return self.figures(i).first.locator(".jupyter-matplotlib-canvas-div canvas").first

    def sliders(self, i):
        return self.cell(i).locator(".jp-OutputArea-output .widget-slider .noUi-handle")

    def drag(self, handle, fraction=0.3):
        """Drag a slider handle by ``fraction`` of its track, towards the longer side."""
        track = handle.locator("xpath=ancestor::div[contains(@class, 'noUi-target')]")
        handle.scroll_into_view_if_needed()
        hb, tb = handle.bounding_box(), track.bounding_box()
        x, y = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
        right = (tb["x"] + tb["width"]) - x >= x - tb["x"]
        dx = fraction * tb["width"] * (1 if right else -1)
        mouse = self.page.mouse
        mouse.move(x, y)
        mouse.down()
        for step in range(1, 6):
            mouse.move(x + dx * step / 5, y)
        mouse.up()

    def wait_changed(self, locator, before, timeout_s=20):
        """Screenshot ``locator`` until it differs from ``before``; the last shot and a flag."""
        deadline = time.monotonic() + timeout_s
        while True:
            shot = locator.screenshot()
            if images_differ(before, shot):
                return shot, True
            if time.monotonic() > deadline:
                return shot, False
            time.sleep(0.25)

    def validate(self, timeout_s=300):
        """Press nbgrader's Validate button; (dialog title, body text, body classes)."""
        self.panel.locator(".validate-button").first.click()
        dialog = self.page.locator(".jp-Dialog")
        dialog.wait_for(timeout=timeout_s * 1000)
        title = dialog.locator(".jp-Dialog-header").inner_text().strip()
        body = dialog.locator(".jp-Dialog-body")
        classes = body.evaluate(
            "el => [el, ...el.querySelectorAll('*')].flatMap(e => Array.from(e.classList))")
        return title, body.inner_text(), set(classes)

    def close_dialog(self):
        self.page.locator(".jp-Dialog .jp-mod-accept").first.click()
