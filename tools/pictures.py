"""Pictures of each module's main visualization for the README, made from the notebooks.

    python tools/pictures.py            # every module (make pictures)
    python tools/pictures.py --module 05

For each source notebook it runs the cells, in a real kernel, up to the cell
that shows the module's main visualization: the first cell tagged
``readme-picture``, else the first cell that ends by calling one of the
module's registered visualizations. It saves that figure as
``docs/pictures/<module>.png`` and rewrites the README's gallery between the
``<!-- pictures -->`` markers. Nothing here is drawn by hand.
"""
import argparse
import ast
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PICTURES = ROOT / "docs" / "pictures"
README = ROOT / "README.md"
START, END = "<!-- pictures -->", "<!-- /pictures -->"


def _shown(source, names):
    """How a cell shows a visualization: ``("assign", var, fn)`` for ``var = fn(...)``,
    ``("expr", None, fn)`` when its last statement is a call ``fn(...)``, else None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None

    def called(node):
        if isinstance(node, ast.Call):
            fn = node.func
            return fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", None)
        return None

    for node in ast.walk(tree):  # `var = viz(...)`, also inside try/if blocks
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and called(node.value) in names):
            return "assign", node.targets[0].id, called(node.value)
    if tree.body and isinstance(tree.body[-1], ast.Expr):  # the cell's shown value
        for node in ast.walk(tree.body[-1]):
            if called(node) in names:
                return "expr", None, called(node)
    return None


def picture_cell(nb, module):
    """``(index, how)`` of the cell that shows ``module``'s main visualization (see ``_shown``)."""
    from course.viz import load_all

    REGISTRY = load_all()

    names = {name for name, fn in REGISTRY.items() if fn.course_module == module}
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    tagged = [(i, c) for i, c in code if "readme-picture" in c.metadata.get("tags", [])]
    for i, cell in tagged + code:
        how = _shown(cell.source, names)
        if how:
            return i, how
    raise SystemExit(f"pictures: {module} shows none of its visualizations {sorted(names)}")


#: Visualizations pictured after some training (a fresh one shows an untrained network and
#: an empty loss plot): module -> epochs, run with the widget's own ``train(epochs)``.
TRAIN_FIRST = {"05_backprop": 60}


def save_source(module, var, out):
    """The code that saves the figure of ``var``, training it first where TRAIN_FIRST says."""
    epochs = TRAIN_FIRST.get(module)
    first = f"{var}.train({epochs})\n" if epochs else ""
    return first + f"{var}.fig.savefig({str(out)!r}, dpi=110)"


def take(module, out_dir=PICTURES):
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    path = ROOT / "source" / module / f"{module}.ipynb"
    nb = nbformat.read(path, as_version=4)
    index, (kind, var, name) = picture_cell(nb, module)
    out = Path(out_dir) / f"{module}.png"
    shown = nb.cells[index]
    if kind == "expr":  # keep what the cell shows: bind its last expression to a name
        last = ast.parse(shown.source).body[-1]
        lines = shown.source.splitlines()
        lines[last.lineno - 1] = (lines[last.lineno - 1][: last.col_offset] + "_course_picture = "
                                  + lines[last.lineno - 1][last.col_offset:])
        shown.source, var = "\n".join(lines), "_course_picture"
    nb.cells = nb.cells[: index + 1] + [nbformat.v4.new_code_cell(save_source(module, var, out))]
    sockets = tempfile.mkdtemp(prefix="course-pictures-")
    km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "k"))
    client = NotebookClient(nb, km=km, timeout=600, allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    finally:
        km.shutdown_kernel(now=True)
    return out, name


def gallery(shots):
    lines = [START, "", "| module | main visualization |", "|---|---|"]
    for module, name in shots:
        lines.append(f"| {module} `{name}` | ![{module}](docs/pictures/{module}.png) |")
    return "\n".join(lines + ["", END])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--module", action="append", help="only these modules (01, 05_backprop, ...)")
    args = parser.parse_args(argv)
    from autograder.pipeline import modules, resolve_module

    chosen = [resolve_module(m) for m in args.module] if args.module else modules()
    PICTURES.mkdir(parents=True, exist_ok=True)
    for module in chosen:
        out, name = take(module)
        print(f"{module}: {name} -> {out.relative_to(ROOT)}", flush=True)
    shots = []
    for module in modules():
        if (PICTURES / f"{module}.png").is_file():
            nb_path = ROOT / "source" / module / f"{module}.ipynb"
            import nbformat

            shots.append((module, picture_cell(nbformat.read(nb_path, as_version=4), module)[1][2]))
    text = README.read_text(encoding="utf-8")
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + gallery(shots) + rest.split(END, 1)[1]
        README.write_text(text, encoding="utf-8")
        print("README gallery updated")
    else:
        print(f"README has no {START} ... {END} markers; gallery not written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
