"""Wrap the visible part of every test cell of the given source notebooks in a
``course.checks.collect()`` block, so that a failing cell reports every failing check.

    python tools/wrap_visible.py source/NN_slug/NN_slug.ipynb ...

Idempotent (a cell already wrapped is left alone). Plain ``assert cond, msg`` statements
outside functions become ``_expect(cond, msg)`` (recorded, not raised at once); the
hidden part is not touched. Run ``course release NN_slug`` afterwards."""
import ast
import io
import sys
import tokenize

MARK = "### BEGIN HIDDEN TESTS"
HEAD = "from course.checks import collect as _collect, expect as _expect\n\nwith _collect():\n"

def asserts_to_checks(code):
    tree = ast.parse(code)
    lines = code.splitlines(keepends=True)
    offs = [0]
    for ln in lines: offs.append(offs[-1] + len(ln))
    pos = lambda l, c: offs[l - 1] + len(lines[l - 1].encode()[:c].decode())
    spans = []
    class V(ast.NodeVisitor):
        def visit_FunctionDef(self, node): pass
        visit_AsyncFunctionDef = visit_FunctionDef
        def visit_Lambda(self, node): pass
        def visit_Assert(self, node):
            test = ast.get_source_segment(code, node.test, padded=False)
            msg = ast.get_source_segment(code, node.msg) if node.msg else repr("assertion failed: " + " ".join(test.split()))
            spans.append((pos(node.lineno, node.col_offset), pos(node.end_lineno, node.end_col_offset),
                          f"_expect({test}, {msg})"))
    V().visit(tree)
    for a, b, text in sorted(spans, reverse=True):
        code = code[:a] + text + code[b:]
    ast.parse(code)
    return code

def indent(code):
    inner = set()
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == tokenize.STRING and tok.end[0] > tok.start[0]:
            inner.update(range(tok.start[0] + 1, tok.end[0] + 1))
    out = []
    for i, ln in enumerate(code.splitlines(), 1):
        out.append(ln if (i in inner or not ln.strip()) else "    " + ln)
    return "\n".join(out)

def wrap(src):
    if "with _collect():" in src or MARK not in src:
        return src
    vis, rest = src.split(MARK, 1)
    vis = vis.rstrip()
    if not vis.strip():
        return src
    body = indent(asserts_to_checks(vis + "\n").rstrip())
    new = HEAD + body + "\n\n" + MARK + rest
    compile(new, "cell", "exec")
    return new

for path in sys.argv[1:]:
    import nbformat
    nb = nbformat.read(path, as_version=4)
    n = 0
    for c in nb["cells"]:
        m = c.get("metadata", {}).get("nbgrader", {})
        if c["cell_type"] == "code" and m.get("grade") and not m.get("solution"):
            src = c["source"]
            new = wrap(src)
            if new != src:
                c["source"] = new
                n += 1
    nbformat.write(nb, path)
    print(path, n)
