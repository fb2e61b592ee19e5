"""Every landed module in JupyterLab, in a real (headless) Chromium.

For each release notebook: `course lab` serves a fresh workspace, the browser
opens the notebook and runs its code cells one after the other (the blank
release notebook raises NotImplementedError in its exercises; any other error
must be a cell using what a failed cell did not define, see browser.cascade),
then checks that each visualization shows exactly one drawn figure and no widget
error, drags a slider and sees the figure change, and presses nbgrader's
Validate button (in the modules of VALIDATE_IN, or all with
COURSE_BROWSER_VALIDATE=all), which must report every test cell of the blank
notebook as failing, and finally reloads the page: the figures must come back.

Screenshots go to test-artifacts/browser/<module>/. Needs Playwright (the
[test] extra) and Debian's chromium; without a Chromium the tests skip, unless
COURSE_REQUIRE_BROWSER=1 (CI), where they fail.
"""
import json
import os
import shutil
import time

import nbformat
import pytest

import browser
from autograder.pipeline import RELEASE

#: Modules whose release notebook exists.
MODULES = sorted(p.parent.name for p in RELEASE.glob("*/*.ipynb") if p.stem == p.parent.name)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

#: Validate runs the whole notebook again on the server (5-40 s a module): CI presses it
#: in two modules, a NumPy one and a PyTorch one; COURSE_BROWSER_VALIDATE=all presses it
#: everywhere.
VALIDATE_IN = {"01_perceptron", "09_cnn"}


def _validates(module):
    return os.environ.get("COURSE_BROWSER_VALIDATE") == "all" or module in VALIDATE_IN


@pytest.fixture(scope="module")
def chromium():
    reason = browser.unavailable()
    if reason:
        if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"COURSE_REQUIRE_BROWSER=1, but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=browser.find_chromium(), headless=True)
        yield chrome
        chrome.close()


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    home = tmp_path_factory.mktemp("browser")
    server = browser.Lab(home / "workspace", home).start()
    yield server
    server.stop()


def _main_first(nb, cells):
    """Visualization cells, the module's main one (tagged ``readme-picture``) first."""
    tagged = [i for i in cells if "readme-picture" in nb.cells[i].metadata.get("tags", [])]
    return tagged + [i for i in cells if i not in tagged]


@pytest.mark.parametrize("module", MODULES)
def test_module_in_jupyterlab(module, chromium, lab, artifacts):
    out = artifacts / "browser" / module
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    rel = f"{module}/{module}.ipynb"
    nb = nbformat.read(RELEASE / rel, as_version=4)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    viz = _main_first(nb, browser.visualization_cells(nb, module))
    graded = browser.graded_cells(nb)
    assert viz, f"{module}: the notebook shows none of its registered visualizations"

    problems, times, cascades = [], {}, []
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page_errors = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    start = time.monotonic()
    try:
        notebook = browser.Notebook(page, lab, rel)
        times["open"] = time.monotonic() - start

        # 1. Run every code cell; errors may come only from the unanswered exercises.
        t = time.monotonic()
        cell_times = notebook.run_all_one_by_one(code)
        times["run"] = time.monotonic() - t
        notebook.save()
        saved = nbformat.read(lab.workspace / rel, as_version=4)
        raised, cascades, errors_in = [], [], {}
        for i in code:
            for o in saved.cells[i].get("outputs", []):
                if o.output_type != "error":
                    continue
                if o.ename == "NotImplementedError":
                    pass
                elif browser.cascade(saved, raised, i, o.ename, o.evalue):
                    cascades.append(f"cell {i}: {o.ename}: {o.evalue}")
                else:
                    problems.append(f"cell {i} raised {o.ename}: {o.evalue} (only the "
                                    "unanswered exercises may raise, with NotImplementedError, "
                                    "and cells that use what a failed cell did not define)")
                raised.append(i)
                errors_in[i] = f"{o.ename}: {o.evalue}"
        if "widgets" in saved.metadata:
            problems.append("saving the notebook stored widget state in its metadata")

        # 2. Every visualization: one figure, drawn, not blank.
        t = time.monotonic()
        drawn, draw_deadline = [], time.monotonic() + 30  # one wait for them all
        for i in viz:
            n = notebook.figures(i).count()
            if n != 1:
                why = (f": the cell raised {errors_in[i]}, so a learner with a blank notebook "
                       "never sees it" if i in errors_in else "")
                problems.append(f"cell {i} (visualization) shows {n} figures, expected 1{why}")
                continue
            if not notebook.wait_drawn(i, timeout_s=max(1.0, draw_deadline - time.monotonic())):
                problems.append(f"cell {i} (visualization): the figure is never drawn "
                                "(its canvas stays 0 x 0 pixels)")
                continue
            notebook.figure_output(i).screenshot(path=str(out / f"cell{i:02d}.png"))
            if not browser.painted(notebook.canvas(i)):
                problems.append(f"cell {i} (visualization): the figure is drawn blank")
            else:
                drawn.append(i)
        time.sleep(1)  # a widget still loading has had its chance
        for text in notebook.output_trouble():
            problems.append(f"an output shows a widget failure: {text!r}")
        times["figures"] = time.monotonic() - t

        # 3. Drag sliders of the first drawn visualization that has some (the main one
        #    when it does) until the figure changes; a slider may matter only in another
        #    setting (e.g. a slope used by one activation only), so up to four are tried.
        t = time.monotonic()
        with_slider = [i for i in drawn if notebook.sliders(i).count()]
        if not with_slider:
            problems.append("no drawn visualization has a slider to drag")
        else:
            i = with_slider[0]
            canvas, tried = notebook.canvas(i), []
            for k in range(min(4, notebook.sliders(i).count())):
                handle = notebook.sliders(i).nth(k)
                canvas.scroll_into_view_if_needed()
                before, value = canvas.screenshot(), handle.get_attribute("aria-valuenow")
                notebook.drag(handle)
                after, changed = notebook.wait_changed(canvas, before, timeout_s=8)
                moved = handle.get_attribute("aria-valuenow")
                tried.append(f"slider {k + 1}: {value} -> {moved}")
                if changed:
                    (out / "slider_before.png").write_bytes(before)
                    (out / "slider_after.png").write_bytes(after)
                    break
            else:
                problems.append(f"cell {i}: dragging sliders did not change the figure "
                                f"({'; '.join(tried)})")
            times["slider_moves"] = len(tried)
        times["slider"] = time.monotonic() - t

        # 4. nbgrader's Validate button on the blank notebook: it must report failures.
        if _validates(module):
            t = time.monotonic()
            title, text, classes = notebook.validate()
            page.screenshot(path=str(out / "validate.png"))
            times["validate"] = time.monotonic() - t
            failed = text.count("The following cell failed")
            if title != "Validation Results" or "validation-failed" not in classes:
                problems.append(f"Validate answered {title!r}: {text[:300]!r}")
            elif failed != len(graded):
                problems.append(f"Validate reports {failed} failing cells; the blank notebook "
                                f"has {len(graded)} graded test cells, all of which must fail")
            notebook.close_dialog()

        # 5. Reload the page (the kernel lives on): the widgets come back from the kernel.
        t = time.monotonic()
        page.reload()
        notebook = browser.Notebook(page, lab, rel, goto=False)
        i = viz[0]
        if not notebook.wait_drawn(i):
            problems.append(f"after a page reload, cell {i}'s figure is not drawn again")
        else:
            notebook.figure_output(i).screenshot(path=str(out / f"cell{i:02d}_reloaded.png"))
        times["reload"] = time.monotonic() - t
    except Exception:
        try:
            page.screenshot(path=str(out / "failure.png"))
        except Exception:  # noqa: BLE001 - keep the first error
            pass
        raise
    finally:
        times["total"] = time.monotonic() - start
        slowest = sorted(cell_times.items(), key=lambda kv: -kv[1])[:3] if "run" in times else []
        (out / "timing.json").write_text(json.dumps(
            {"seconds": {k: round(v, 1) for k, v in times.items()},
             "slowest_cells": [[i, round(s, 1)] for i, s in slowest],
             "errors_after_failed_cells": cascades}, indent=1))
        context.close()
        lab.shutdown_kernels()
    problems += [f"JavaScript error in the page: {e}" for e in page_errors]
    assert not problems, f"{module} in JupyterLab:\n  " + "\n  ".join(problems)
