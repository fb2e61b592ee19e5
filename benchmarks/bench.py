"""Benchmark the course: one full execution of every source notebook, and the
median time of one update of every visualization.

    python benchmarks/bench.py                 # everything, a Markdown table at the end
    python benchmarks/bench.py --viz-only      # skip the notebooks
    python benchmarks/bench.py --module 01     # one module

Targets (DEVELOPERS.md): <= 60 s per notebook, <= 50 ms per update, on 2 CPU
cores. An update is what a learner's slider move costs in Python: the
callback that changes the artists plus a full Agg render of the figure.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")

NOTEBOOK_TARGET_S = 60.0
UPDATE_TARGET_MS = 50.0


def time_notebook(path):
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    sockets = tempfile.mkdtemp(prefix="course-bench-")
    km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "k"))
    client = NotebookClient(nb, km=km, timeout=600, allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        km.shutdown_kernel(now=True)  # a kernel we started is ours to stop
        shutil.rmtree(sockets, ignore_errors=True)
    wall = time.perf_counter() - start
    errors = sum(1 for c in nb.cells if c.cell_type == "code"
                 for o in c.outputs if o.output_type == "error")
    return wall, errors


def _values_to_try(ctrl):
    """A few valid values for a control, different from its current one."""
    import ipywidgets as w

    if isinstance(ctrl, (w.FloatSlider, w.IntSlider, w.FloatLogSlider, w.Play, w.BoundedIntText,
                         w.BoundedFloatText)):
        lo, hi = ctrl.min, ctrl.max
        if isinstance(ctrl, w.FloatLogSlider):
            lo, hi = ctrl.base ** ctrl.min, ctrl.base ** ctrl.max
        picks = [lo + (hi - lo) * f for f in (0.2, 0.8, 0.35, 0.65, 0.5)]
        if isinstance(ctrl.value, int) and not isinstance(ctrl.value, bool):
            picks = [int(round(p)) for p in picks]
        return picks
    if isinstance(ctrl, (w.Dropdown, w.ToggleButtons, w.RadioButtons, w.SelectionSlider)):
        return [opt[1] if isinstance(opt, tuple) else opt for opt in ctrl.options]
    if isinstance(ctrl, (w.Checkbox, w.ToggleButton)):
        return [not ctrl.value, ctrl.value]
    return []


def time_visualization(builder, repeats=3):
    """Median seconds of (change one control + full render), over every control."""
    ex = builder()
    # In JupyterLab the front end sends 'initialized' and ipympl stops encoding a
    # second PNG snapshot per draw; headless, nothing does, so do what Lab does.
    ex.fig.canvas.syncing_data_url = False
    ex.render()  # first draw (fonts, caches) is not what a slider move costs
    times = []
    for name, ctrl in ex.controls.items():
        original = ctrl.value
        for _ in range(repeats):
            for value in _values_to_try(ctrl):
                if value == ctrl.value:
                    continue
                start = time.perf_counter()
                ctrl.value = value
                ex.fig.canvas.draw()
                times.append(time.perf_counter() - start)
        ctrl.value = original
    for name, button in getattr(ex, "buttons", {}).items():
        if name.lower() in {"play", "pause"}:
            continue
        for _ in range(repeats):
            start = time.perf_counter()
            button.click()
            ex.fig.canvas.draw()
            times.append(time.perf_counter() - start)
    return (statistics.median(times) if times else float("nan")), len(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--module", help="only this module (e.g. 01 or 01_perceptron)")
    parser.add_argument("--viz-only", action="store_true")
    parser.add_argument("--notebooks-only", action="store_true")
    args = parser.parse_args(argv)

    from autograder.pipeline import modules, resolve_module, source_notebook

    mods = [resolve_module(args.module)] if args.module else modules()
    print(f"CPU cores available: {len(os.sched_getaffinity(0))}")
    rows = []
    if not args.viz_only:
        for mod in mods:
            wall, errors = time_notebook(source_notebook(mod))
            ok = wall <= NOTEBOOK_TARGET_S and errors == 0
            rows.append((f"notebook {mod}", f"{wall:.1f} s", f"<= {NOTEBOOK_TARGET_S:.0f} s",
                         "ok" if ok else f"OVER ({errors} errors)" if errors else "OVER"))
            print(rows[-1], flush=True)
    if not args.notebooks_only:
        import course.viz as viz

        for name, builder in sorted(viz.load_all().items(), key=lambda kv: (kv[1].course_module, kv[0])):
            if builder.course_module not in mods:
                continue
            median, count = time_visualization(builder)
            ms = median * 1000
            rows.append((f"{builder.course_module} {name}", f"{ms:.1f} ms", f"<= {UPDATE_TARGET_MS:.0f} ms",
                         "ok" if ms <= UPDATE_TARGET_MS else "OVER"))
            print(rows[-1], f"({count} updates)", flush=True)
    print("\n| what | measured | target | |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0 if all(r[3] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
