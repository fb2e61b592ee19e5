"""Visualizations for 05_backprop: the chain rule on a graph, one node at a
time, and a network that learns under the learner's eyes.

- ``computational_graph_stepper``: an expression (picked or typed) drawn as a
  graph of boxes; a step slider walks the forward pass (values) and then the
  backward pass (gradients), printing each local chain-rule product;
- ``playground``: a TensorFlow-Playground-style trainer on 2-D data, with the
  decision boundary, a map per hidden neuron and live loss curves, all
  computed by a small NumPy network with hand-written backprop;
- ``spiral_training_replay``: the learner's ``train_mlp_numpy`` replayed epoch
  by epoch on the three-arm spiral.

Expressions are read with :func:`parse_expression`, which walks Python's
``ast`` and accepts only numbers, input names, ``+ - * / **`` and the calls
``tanh relu exp max``: nothing the learner types is ever executed.
"""
import ast
import math
from dataclasses import dataclass, field

import numpy as np
import ipywidgets as widgets
from matplotlib.colors import LinearSegmentedColormap, ListedColormap
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .. import data
from .base import Explorer, button, dropdown, int_slider, new_figure, slider, visualization
from .render import RasterImage, TextLayer, one_blas_thread as _one_blas_thread

__all__ = ["computational_graph_stepper", "playground", "spiral_training_replay",
           "parse_expression", "ExpressionError", "Graph", "PlaygroundNet"]

MODULE = "05_backprop"
CLASS_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c")
#: class 0 (blue) -> undecided (white) -> class 1 (orange), for P(class 1)
#: (pastel at the ends, so points of the same colour stay visible on top)
BOUNDARY_CMAP = LinearSegmentedColormap.from_list(
    "blue_white_orange", ["#79aed6", "#cfe2f1", "#ffffff", "#fde1c7", "#f9b27a"])


def _num(x):
    """A number short enough for a box: 2 decimals, or scientific when tiny/huge."""
    x = float(x)
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if x == 0 or 0.01 <= abs(x) < 1000:
        return f"{x:.2f}".replace("-", "−")
    return f"{x:.2e}".replace("-", "−")


# =====================================================================================
# 1. expressions as computational graphs
# =====================================================================================
class ExpressionError(ValueError):
    """An expression the graph stepper cannot draw; the message says why."""


FUNCTIONS = {"tanh": 1, "relu": 1, "exp": 1, "max": 2}
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_ALLOWED = ("use numbers, input names (a, b, x1, ...), + - * / **, "
            "and tanh(...), relu(...), exp(...), max(..., ...)")


@dataclass
class Node:
    """One box of the graph: an input, a constant or an operation.

    ``op`` is "input", "const", one of ``+ - * / **`` or "neg", "tanh",
    "relu", "exp", "max"; ``inputs`` are indices of earlier nodes (the same
    index twice for ``a*a``); ``exponent`` is the number of a ``**`` node.
    """
    op: str
    inputs: tuple = ()
    name: str = ""
    value: float = 0.0          # the constant's value (const nodes)
    exponent: float = 0.0
    depth: int = 0
    users: list = field(default_factory=list)   # (node index, input position)

    @property
    def is_leaf(self):
        return self.op in ("input", "const")


def _fmt_const(c):
    return f"{c:g}"


def _paren(x):
    """A number for a product: negative ones in parentheses, 2.00×(−3.00)."""
    text = _num(x)
    return f"({text})" if text.startswith("−") else text


class Graph:
    """A parsed expression: nodes in topological order (inputs first, output last).

    ``inputs`` lists the input names in order of first appearance.
    ``evaluate(values)`` runs the forward pass and ``gradients(vals)`` the
    backward pass; ``forward_text(i, vals)`` and ``backward_text(i, vals,
    grads)`` say in words what step ``i`` computes.
    """

    def __init__(self, text, nodes, inputs):
        self.text = text
        self.nodes = nodes
        self.inputs = inputs
        self.output = len(nodes) - 1
        for i, node in enumerate(nodes):
            for pos, j in enumerate(node.inputs):
                nodes[j].users.append((i, pos))
        self.ops = [i for i, n in enumerate(nodes) if not n.is_leaf]
        # backward order: the output first, then every non-constant node in
        # reverse topological order (all of a node's users come before it)
        self.backward_order = [i for i in reversed(range(len(nodes)))
                               if nodes[i].op != "const"]
        self._name_ops()

    def _name_ops(self):
        k = 0
        for i in self.ops:
            if i == self.output:
                self.nodes[i].name = "f"
            else:
                k += 1
                self.nodes[i].name = f"v{k}"

    @property
    def steps(self):
        """Number of steps: one per operation forward, one per non-constant node backward."""
        return len(self.ops) + len(self.backward_order)

    # -- text -------------------------------------------------------------------
    def formula(self, i):
        """``v3 = v1 + c`` style definition of node ``i`` (just the name for leaves)."""
        node = self.nodes[i]
        if node.is_leaf:
            return node.name
        args = [self.nodes[j].name for j in node.inputs]
        if node.op == "**":
            return f"{node.name} = {args[0]}**{_fmt_const(node.exponent)}"
        if node.op == "neg":
            return f"{node.name} = −{args[0]}"
        if node.op in FUNCTIONS:
            return f"{node.name} = {node.op}({', '.join(args)})"
        symbol = {"*": "·", "-": "−"}.get(node.op, node.op)
        return f"{node.name} = {args[0]} {symbol} {args[1]}"

    # -- the two passes -------------------------------------------------------------
    def evaluate(self, values):
        """Forward pass: the value of every node, given ``values`` {input name: number}."""
        vals = np.zeros(len(self.nodes))
        with np.errstate(all="ignore"):
            for i, node in enumerate(self.nodes):
                x = [vals[j] for j in node.inputs]
                if node.op == "input":
                    v = float(values.get(node.name, 0.0))
                elif node.op == "const":
                    v = node.value
                elif node.op == "+":
                    v = x[0] + x[1]
                elif node.op == "-":
                    v = x[0] - x[1]
                elif node.op == "*":
                    v = x[0] * x[1]
                elif node.op == "/":
                    v = np.float64(x[0]) / np.float64(x[1])
                elif node.op == "**":
                    v = np.power(np.float64(x[0]), node.exponent)
                elif node.op == "neg":
                    v = -x[0]
                elif node.op == "tanh":
                    v = np.tanh(x[0])
                elif node.op == "relu":
                    v = max(x[0], 0.0)
                elif node.op == "exp":
                    v = np.exp(x[0])
                elif node.op == "max":
                    v = x[0] if x[0] >= x[1] else x[1]
                vals[i] = v
        return vals

    def local(self, user, pos, vals):
        """``(number, text)``: d(node user) / d(its input at position pos)."""
        node = self.nodes[user]
        a = node.inputs[0]
        b = node.inputs[1] if len(node.inputs) > 1 else None
        na = self.nodes[a].name
        nb = self.nodes[b].name if b is not None else ""
        with np.errstate(all="ignore"):
            if node.op == "+":
                return 1.0, "1"
            if node.op == "-":
                return (1.0, "1") if pos == 0 else (-1.0, "(−1)")
            if node.op == "*":
                other = b if pos == 0 else a
                return vals[other], self.nodes[other].name
            if node.op == "/":
                if pos == 0:
                    return 1.0 / np.float64(vals[b]), f"(1/{nb})"
                return -vals[a] / np.float64(vals[b]) ** 2, f"(−{na}/{nb}²)"
            if node.op == "**":
                e = node.exponent
                return (e * np.power(np.float64(vals[a]), e - 1),
                        f"({_fmt_const(e)}·{na}^{_fmt_const(e - 1)})")
            if node.op == "neg":
                return -1.0, "(−1)"
            if node.op == "tanh":
                return 1.0 - vals[user] ** 2, f"(1 − {node.name}²)"
            if node.op == "relu":
                return float(vals[a] > 0), f"[{na} > 0]"
            if node.op == "exp":
                return vals[user], node.name
            if node.op == "max":
                first = vals[a] >= vals[b]
                if pos == 0:
                    return float(first), f"[{na} ≥ {nb}]"
                return float(not first), f"[{nb} > {na}]"
        raise ValueError(node.op)

    def gradients(self, vals):
        """Backward pass: d f / d node for every node (constants included)."""
        grads = np.zeros(len(self.nodes))
        grads[self.output] = 1.0
        with np.errstate(all="ignore"):
            for i in reversed(range(len(self.nodes) - 1)):
                grads[i] = sum((grads[u] * self.local(u, pos, vals)[0]
                                for u, pos in self.nodes[i].users), 0.0)
        return grads

    def forward_text(self, i, vals):
        node = self.nodes[i]
        x = [_num(vals[j]) if k == 0 else _paren(vals[j]) for k, j in enumerate(node.inputs)]
        if node.op == "**":
            nums = f"{x[0]}**{_fmt_const(node.exponent)}"
        elif node.op == "neg":
            nums = f"−({x[0]})"
        elif node.op in FUNCTIONS:
            nums = f"{node.op}({', '.join(x)})"
        else:
            nums = f" {dict(zip('*-', '·−')).get(node.op, node.op)} ".join(x)
        return f"{self.formula(i)} = {nums} = <b>{_num(vals[i])}</b>"

    def backward_text(self, i, vals, grads):
        node = self.nodes[i]
        if i == self.output:
            return ("start at the output: ∂f/∂f = <b>1</b>; every other gradient "
                    "is this 1 times the local derivatives along the paths back to a node")
        users = node.users
        if not users:
            return f"{node.name} is not used: ∂f/∂{node.name} = <b>0</b>"
        sym, nums = [], []
        for u, pos in users:
            lv, lt = self.local(u, pos, vals)
            sym.append(f"∂f/∂{self.nodes[u].name}·{lt}")
            nums.append(f"{_num(grads[u])}×{_paren(lv)}")
        text = (f"∂f/∂{node.name} = {' + '.join(sym)} = {' + '.join(nums)} "
                f"= <b>{_num(grads[i])}</b>")
        if len(users) > 1:
            text += (f" &middot; {node.name} is used {len(users)} times, so its gradient "
                     f"is the <b>sum</b> of {len(users)} contributions")
        return text


class _Parser:
    def __init__(self, text, max_inputs, max_nodes):
        self.text = text
        self.max_inputs = max_inputs
        self.max_nodes = max_nodes
        self.nodes, self.keys, self.inputs = [], {}, []

    def fail(self, node, why):
        seg = ast.get_source_segment(self.text, node) if hasattr(node, "lineno") else None
        where = f"'{seg}': " if seg else ""
        raise ExpressionError(f"{where}{why}")

    def add(self, key, make):
        if key in self.keys:
            return self.keys[key]
        if len(self.nodes) >= self.max_nodes:
            raise ExpressionError(f"too many nodes (more than {self.max_nodes}) to draw; "
                                  "try a shorter expression")
        self.nodes.append(make())
        self.keys[key] = len(self.nodes) - 1
        return self.keys[key]

    def number(self, node):
        """The number of a constant (possibly negated), else None."""
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.number(node.operand)
            if inner is not None:
                return -inner if isinstance(node.op, ast.USub) else inner
        return None

    def visit(self, node):
        num = self.number(node)
        if num is not None:
            return self.add(("const", num), lambda: Node("const", name=_fmt_const(num), value=num))
        if isinstance(node, ast.Constant):
            self.fail(node, f"{type(node.value).__name__} constants are not allowed; {_ALLOWED}")
        if isinstance(node, ast.Name):
            name = node.id
            if name in FUNCTIONS:
                self.fail(node, f"{name} is a function: write {name}(...)")
            if name.startswith("_"):
                self.fail(node, "input names may not start with an underscore")
            if name not in self.inputs:
                if len(self.inputs) >= self.max_inputs:
                    self.fail(node, f"at most {self.max_inputs} different inputs "
                                    f"(there is one slider per input)")
                self.inputs.append(name)
            return self.add(("input", name), lambda: Node("input", name=name))
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow):
                e = self.number(node.right)
                if e is None:
                    self.fail(node, "the exponent of ** must be a number, like a**2 or a**-0.5")
                a = self.visit(node.left)
                return self.add(("**", a, e), lambda: Node("**", (a,), exponent=e))
            op = _BINOPS.get(type(node.op))
            if op is None:
                self.fail(node, f"the operator {type(node.op).__name__} is not allowed; {_ALLOWED}")
            a, b = self.visit(node.left), self.visit(node.right)
            return self.add((op, a, b), lambda: Node(op, (a, b)))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.UAdd):
                return self.visit(node.operand)
            if isinstance(node.op, ast.USub):
                a = self.visit(node.operand)
                return self.add(("neg", a), lambda: Node("neg", (a,)))
            self.fail(node, f"{_ALLOWED}")
        if isinstance(node, ast.Call):
            fname = node.func.id if isinstance(node.func, ast.Name) else None
            if fname not in FUNCTIONS:
                self.fail(node, f"only tanh, relu, exp and max may be called; {_ALLOWED}")
            if node.keywords or len(node.args) != FUNCTIONS[fname] or any(
                    isinstance(a, ast.Starred) for a in node.args):
                self.fail(node, f"{fname} takes {FUNCTIONS[fname]} argument"
                                f"{'s' if FUNCTIONS[fname] > 1 else ''}")
            args = tuple(self.visit(a) for a in node.args)
            return self.add((fname,) + args, lambda: Node(fname, args))
        self.fail(node, f"this is not allowed; {_ALLOWED}")


def parse_expression(text, max_inputs=5, max_nodes=24):
    """Read ``text`` into a :class:`Graph`, safely, or raise :class:`ExpressionError`.

    Accepted: numbers, input names, ``+ - * / **`` (a number exponent), unary
    minus, and the calls ``tanh(x)``, ``relu(x)``, ``exp(x)``, ``max(x, y)``.
    The same subexpression written twice becomes one node used twice.

    Example::

        g = parse_expression("a*a + a")
        vals = g.evaluate({"a": 3.0}); g.gradients(vals)[0]   # 7.0 = 2a + 1
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("type an expression, for example  tanh(w*x + b)")
    if len(text) > 200:
        raise ExpressionError("the expression is too long (at most 200 characters)")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        col = f" at column {exc.offset}" if exc.offset else ""
        raise ExpressionError(f"could not read this as a formula{col}: {exc.msg}") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"could not read this as a formula: {exc}") from None
    parser = _Parser(text.strip(), max_inputs, max_nodes)
    try:
        root = parser.visit(tree.body)
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply") from None
    nodes = parser.nodes
    # post-order: every node after its inputs, so the root, which no other
    # node contains, is the last one added
    assert root == len(nodes) - 1
    _set_depths(nodes)
    return Graph(text.strip(), nodes, parser.inputs)


def _set_depths(nodes):
    users = [[] for _ in nodes]
    for i, node in enumerate(nodes):
        node.depth = 0 if node.is_leaf else 1 + max(nodes[j].depth for j in node.inputs)
        for j in node.inputs:
            users[j].append(i)
    # a constant sits just left of its first user, not far away in column 0
    for i, node in enumerate(nodes):
        if node.op == "const" and users[i]:
            node.depth = max(min(nodes[u].depth for u in users[i]) - 1, 0)


def layout(graph, row=1.0):
    """Box centres ``(x, y)`` per node: x = depth, y chosen so a node sits near the
    mean height of its inputs without overlapping its column."""
    nodes = graph.nodes
    pos = {}
    for depth in range(max(n.depth for n in nodes) + 1):
        col = [i for i, n in enumerate(nodes) if n.depth == depth]
        targets = {}
        for rank, i in enumerate(col):
            node = nodes[i]
            placed = [pos[j][1] for j in node.inputs if j in pos]
            if node.op == "const":
                sib = [pos[k][1] for u, _ in node.users for k in nodes[u].inputs if k in pos]
                placed = sib
            targets[i] = np.mean(placed) if placed else rank * row
        order = sorted(col, key=lambda i: (targets[i], i))
        ys = []
        for i in order:
            y = targets[i]
            if ys and y < ys[-1] + row:
                y = ys[-1] + row
            ys.append(y)
        shift = np.mean([targets[i] for i in order]) - np.mean(ys)
        for i, y in zip(order, ys):
            pos[i] = (float(depth), y + shift)
    return pos


# -- the stepper ---------------------------------------------------------------------
PRESETS = ("(a*b + c) * tanh(a)", "relu(a*x + b)", "tanh(w1*x1 + w2*x2 + b)", "a*a + a",
           "max(a, b) * c", "1 / (1 + exp(-x))", "exp(a) / (exp(a) + exp(b))")
TYPED = "✎ typed below"
#: starting slider value per input name (anything else starts at 1.0)
DEFAULT_INPUTS = {"a": 2.0, "b": -3.0, "c": 1.0, "x": 1.5, "w1": -1.0, "x1": 2.0, "w2": 0.5,
                  "x2": 1.0, "w": 0.8}
MAX_INPUTS = 5
MAX_NODES = 24

_FACE = {"pending": "#ffffff", "value": "#dbe9f6", "grad": "#fde0c5", "const": "#f0f0f0",
         "current": "#ffd54f"}
_EDGE_IDLE, _EDGE_FWD, _EDGE_BWD = "#9e9e9e", "#1f77b4", "#d62728"


def _learner_check(value_cls, graph, values, vals, grads):
    """A sentence comparing the learner's ``Value`` with the built-in passes."""
    if value_cls is None:
        return ""
    if any(n.op == "max" for n in graph.nodes):
        return " &middot; <i>(max is not a Value operation: your Value is not checked here)</i>"
    try:
        made = {}
        for i, node in enumerate(graph.nodes):
            x = [made[j] for j in node.inputs]
            if node.op == "input":
                made[i] = value_cls(float(values[node.name]))
            elif node.op == "const":
                made[i] = node.value
            elif node.op == "+":
                made[i] = x[0] + x[1]
            elif node.op == "-":
                made[i] = x[0] - x[1]
            elif node.op == "*":
                made[i] = x[0] * x[1]
            elif node.op == "/":
                made[i] = x[0] / x[1]
            elif node.op == "**":
                made[i] = x[0] ** node.exponent
            elif node.op == "neg":
                made[i] = -x[0]
            else:
                made[i] = getattr(x[0], node.op)()
        out = made[graph.output]
        if not hasattr(out, "backward"):
            return ""   # a constant expression
        out.backward()
    except NotImplementedError:
        return " &middot; <i>(your Value is not written yet)</i>"
    except Exception as exc:  # noqa: BLE001 - show the learner what their class raised
        return f" &middot; <b style='color:#d62728'>your Value raised {type(exc).__name__}: {exc}</b>"
    bad = []
    if not np.isclose(float(out.data), vals[graph.output], rtol=1e-6, atol=1e-9, equal_nan=True):
        bad.append(f"f = {_num(out.data)} (expected {_num(vals[graph.output])})")
    for i, node in enumerate(graph.nodes):
        if node.op == "input":
            got = float(made[i].grad)
            if not np.isclose(got, grads[i], rtol=1e-6, atol=1e-9, equal_nan=True):
                bad.append(f"∂f/∂{node.name} = {_num(got)} (expected {_num(grads[i])})")
    if bad:
        return " &middot; <b style='color:#d62728'>your Value disagrees: " + "; ".join(bad) + "</b>"
    return " &middot; <b style='color:#2ca02c'>your Value agrees</b> on f and every input's gradient"


@visualization(MODULE)
def computational_graph_stepper(expression=PRESETS[0], values=None, value=None, interval=700):
    """Walk the forward pass and then the backward pass of an expression, one node at a time.

    The expression is drawn as a graph of boxes laid out by depth (inputs on
    the left, the output ``f`` on the right), arrows running from each input
    to the operation that uses it. Each box shows the node's definition, its
    value once the forward pass has reached it, and its gradient ``∂f/∂node``
    once the backward pass has. The current node is yellow; the arrows it
    reads (forward, blue) or sends its gradient along (backward, red, each
    labelled with its product ``upstream gradient × local derivative``) are
    highlighted; the status line prints the step: ``v3 = v1 + c = 6.00 +
    1.00 = 7.00`` forward, ``∂f/∂a = ∂f/∂v1·b + ... = ...`` backward (a node
    used twice sums two contributions).

    Controls: ``expression`` picks a preset, or "typed below" for the text
    box (type any formula of up to five inputs with ``+ - * / **``,
    ``tanh``, ``relu``, ``exp``, ``max`` and press Enter; bad input gets a
    message, never an error); ``step`` (or the Play button) walks the
    passes; one slider per input sets its value.

    Arguments: ``expression`` the starting preset or any formula;
    ``values`` {input name: starting value}; ``value`` the learner's
    ``Value`` class, checked against the graph's own passes in the status
    line; ``interval`` ms per step when playing.

    Example::

        from course.viz.backprop import computational_graph_stepper
        computational_graph_stepper("a*a + a", value=Value)
    """
    start = dict(DEFAULT_INPUTS, **(values or {}))
    cache = {p: parse_expression(p) for p in PRESETS}
    state = {"typed": None, "error": "", "graph": None}
    if expression not in cache:
        state["typed"] = parse_expression(expression)   # a bad default is the caller's bug

    fig = new_figure(9.4, 4.3)
    fig.set_layout_engine("none")          # one axes filling the figure: nothing to lay out
    ax = fig.add_axes([0.005, 0.005, 0.99, 0.99])
    ax.set_axis_off()
    text = TextLayer(fig)
    boxes, edges = [], []
    for _ in range(MAX_NODES):
        box = FancyBboxPatch((0, 0), 1, 1, boxstyle="round,pad=0,rounding_size=0.08",
                             linewidth=1.2, visible=False, zorder=2)
        ax.add_patch(box)
        boxes.append(box)
    for _ in range(2 * MAX_NODES):
        arrow = FancyArrowPatch((0, 0), (1, 1), arrowstyle="-|>", mutation_scale=11,
                                linewidth=1.1, color=_EDGE_IDLE, visible=False, zorder=1,
                                shrinkA=0, shrinkB=0)
        ax.add_patch(arrow)
        edges.append(arrow)
    geometry = {}
    dx, bw, bh = 1.95, 1.22, 0.74

    def place(graph):
        """Position boxes and arrows for a new graph (only when the graph changes)."""
        pos = layout(graph)
        centres = {i: (p[0] * dx, p[1]) for i, p in pos.items()}
        xs = [c[0] for c in centres.values()]
        ys = [c[1] for c in centres.values()]
        # small graphs keep a sensible box size: the view spans at least 4 columns, 4 rows
        span_x = max(max(xs) - min(xs) + bw + 0.3, 4 * dx)
        span_y = max(max(ys) - min(ys) + bh + 0.5, 4.0)
        mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        ax.set_xlim(mid_x - span_x / 2, mid_x + span_x / 2)
        ax.set_ylim(mid_y + span_y / 2, mid_y - span_y / 2)    # first rows at the top
        px_x = 0.99 * fig.get_figwidth() * 72 / span_x            # points per data unit
        px_y = 0.99 * fig.get_figheight() * 72 / span_y
        size = float(np.clip(min(px_x * bw / 8.0, px_y * bh / 3.9), 5.5, 10.0))
        for k, box in enumerate(boxes):
            box.set_visible(k < len(graph.nodes))
            if k < len(graph.nodes):
                cx, cy = centres[k]
                box.set_bounds(cx - bw / 2, cy - bh / 2, bw, bh)
                box.set_linestyle("--" if graph.nodes[k].op == "const" else "-")
        pairs = [(j, i, p) for i, node in enumerate(graph.nodes) for p, j in enumerate(node.inputs)]
        anchors = []
        for k, arrow in enumerate(edges):
            arrow.set_visible(k < len(pairs))
            if k < len(pairs):
                j, i, p = pairs[k]
                (x0, y0), (x1, y1) = centres[j], centres[i]
                # a*a: two arrows from a, bent apart so both show; an arrow that
                # skips a column bows around the boxes in between
                twin = graph.nodes[i].inputs.count(j) > 1
                bend = (-1 if p == 0 else 1) if twin else 0
                start, end = (x0 + bw / 2, y0 + 0.1 * bend), (x1 - bw / 2, y1 + 0.1 * bend)
                (sx, sy), (ex_, ey) = ax.transData.transform([start, end])
                rad = 0.2 * bend
                between = [centres[m] for m in centres if x0 + dx / 2 < centres[m][0] < x1 - dx / 2]
                if between and not twin:
                    # bow away from the box nearest the straight line (display y is up)
                    def offset(c):
                        bx, by = ax.transData.transform(c)
                        return by - (sy + (ey - sy) * (bx - sx) / max(ex_ - sx, 1e-9))
                    nearest = min((offset(c) for c in between), key=abs)
                    rad = -0.38 if nearest < 0 else 0.38
                arrow.set_positions(start, end)
                arrow.set_connectionstyle(f"arc3,rad={rad}")
                # the label sits on the curve's midpoint (arc3 bends in display space)
                cx, cy = (sx + ex_) / 2 + rad * (ey - sy), (sy + ey) / 2 - rad * (ex_ - sx)
                mid = (0.25 * sx + 0.5 * cx + 0.25 * ex_, 0.25 * sy + 0.5 * cy + 0.25 * ey)
                anchors.append(tuple(ax.transData.inverted().transform(mid)))
        geometry.update(pairs=pairs, size=size, centres=centres, anchors=anchors)

    def current_graph(expr):
        if expr == TYPED:
            return state["typed"] or cache[PRESETS[0]]
        return cache[expr]

    def draw(expression, step, **inputs):
        graph = current_graph(expression)
        if graph is not state["graph"]:
            state["graph"] = graph
            place(graph)
        values = {name: inputs[f"in{k + 1}"] for k, name in enumerate(graph.inputs)}
        vals = graph.evaluate(values)
        grads = graph.gradients(vals)
        n_fwd = len(graph.ops)
        step = min(step, graph.steps)
        fwd_done = set(graph.ops[:min(step, n_fwd)])
        bwd_k = step - n_fwd                       # backward steps done (<= 0: none)
        bwd_done = set(graph.backward_order[:max(bwd_k, 0)])
        current = None
        if 0 < step <= n_fwd:
            current = graph.ops[step - 1]
        elif bwd_k > 0:
            current = graph.backward_order[bwd_k - 1]
        size = geometry["size"]

        for i, node in enumerate(graph.nodes):
            known = node.is_leaf or i in fwd_done
            if node.op == "const":
                line3 = "constant"
            elif i in bwd_done:
                line3 = f"grad {_num(grads[i])}"
            else:
                line3 = "grad ?" if step >= n_fwd and step > 0 or bwd_k > 0 else ""
            cx, cy = geometry["centres"][i]
            text.set(("node", i), f"{graph.formula(i)}\n{_num(vals[i]) if known else '?'}\n{line3}",
                     cx, cy, ax.transData, size=size,
                     color="#1a1a1a" if known else "#8a8a8a")
            face = (_FACE["current"] if i == current else
                    _FACE["grad"] if i in bwd_done else
                    _FACE["const"] if node.op == "const" else
                    _FACE["value"] if known else _FACE["pending"])
            boxes[i].set_facecolor(face)
            boxes[i].set_edgecolor("#333333" if i == current else "#8a8a8a")
            boxes[i].set_linewidth(2.4 if i == current else 1.2)
        for k in range(MAX_NODES):
            if k >= len(graph.nodes):
                text.hide(("node", k))

        for k in range(len(edges)):
            text.hide(("edge", k))
        for k, (j, i, p) in enumerate(geometry["pairs"]):
            color, width = _EDGE_IDLE, 1.1
            if current is not None and bwd_k <= 0 and i == current:
                color, width = _EDGE_FWD, 2.4
            elif current is not None and bwd_k > 0 and j == current:
                color, width = _EDGE_BWD, 2.4
                lv = graph.local(i, p, vals)[0]
                x, y = geometry["anchors"][k]
                text.set(("edge", k), f"{_num(grads[i])}×{_paren(lv)}", x, y, ax.transData,
                         size=max(size - 1.0, 5.5), color=_EDGE_BWD, bg="white")
            edges[k].set_color(color)
            edges[k].set_linewidth(width)

        total = graph.steps
        if step == 0:
            phase = "forward pass: only the inputs are known"
            head = (f"step 0 of {total}: the inputs are set; press play or move <b>step</b> "
                    f"to run the forward pass ({n_fwd} operations), then the backward pass "
                    f"({len(graph.backward_order)} gradients)")
        elif step <= n_fwd:
            phase = f"forward pass: operation {step} of {n_fwd}"
            head = f"<b>forward</b> {step}/{n_fwd}: " + graph.forward_text(current, vals)
        else:
            phase = f"backward pass: gradient {bwd_k} of {len(graph.backward_order)}"
            head = (f"<b>backward</b> {bwd_k}/{len(graph.backward_order)}: "
                    + graph.backward_text(current, vals, grads))
        text.set("phase", phase, 0.01, 0.985, ax.transAxes, size=9, color="#555555",
                 ha="left", va="top")
        if step == total:
            ins = ", ".join(f"∂f/∂{n.name} = {_num(grads[i])}"
                            for i, n in enumerate(graph.nodes) if n.op == "input")
            head += f"<br>done: f = {_num(vals[graph.output])}" + (f"; {ins}" if ins else "")
            play.playing = False
        if not np.isfinite(vals).all():
            head += (" &middot; <b>a value is not a finite number "
                     "(division by 0? a fractional power of a negative number?)</b>")
        note = _learner_check(value, graph, values, vals, grads)
        src = f" &middot; <i>{graph.text}</i>" if expression == TYPED else ""
        error = f"<br><b style='color:#d62728'>{state['error']}</b>" if state["error"] else ""
        return head + src + note + error

    # -- controls --------------------------------------------------------------------
    first = state["typed"] or cache[expression]
    menu = dropdown(list(PRESETS) + [TYPED], TYPED if state["typed"] else expression,
                    "expression")
    menu.layout.width = "330px"
    step_slider = int_slider(0, 0, max(first.steps, 1), "step")
    sliders = {}
    for k in range(MAX_INPUTS):
        name = first.inputs[k] if k < len(first.inputs) else f"input {k + 1}"
        s = slider(start.get(name, 1.0), -3.0, 3.0, 0.1, name)
        s.layout.visibility = "visible" if k < len(first.inputs) else "hidden"
        sliders[f"in{k + 1}"] = s
    play = widgets.Play(value=0, min=0, max=max(first.steps, 1), step=1, interval=interval,
                        description="play", show_repeat=False,
                        layout=widgets.Layout(width="130px"))
    widgets.link((play, "value"), (step_slider, "value"))
    text_box = widgets.Text(value="" if not state["typed"] else expression,
                            placeholder="type a formula, e.g. tanh(w*x + b) * x, then Enter",
                            description="your formula", continuous_update=False,
                            style={"description_width": "initial"},
                            layout=widgets.Layout(width="460px"))
    holder = {}

    def adopt(graph):
        """Sliders and step range for a new graph, with no redraw in between."""
        ex = holder.get("ex")
        if ex is not None:
            ex._held = True
        try:
            step_slider.value = 0
            step_slider.max = max(graph.steps, 1)
            play.max = step_slider.max
            for k, s in enumerate(sliders.values()):
                if k < len(graph.inputs):
                    name = graph.inputs[k]
                    if s.description != name:
                        s.description = name
                        s.value = start.get(name, 1.0)
                    s.layout.visibility = "visible"
                else:
                    s.layout.visibility = "hidden"
        finally:
            if ex is not None:
                ex._held = False

    def on_menu(change):   # registered before the Explorer's observer: adapt first
        state["error"] = ""
        adopt(current_graph(change["new"]))
    menu.observe(on_menu, names="value")

    controls = {"expression": menu, "step": step_slider, **sliders}
    ex = Explorer(controls, fig, draw, title="A computational graph, forward then backward")
    holder["ex"] = ex

    def on_text(change):
        try:
            graph = parse_expression(change["new"], MAX_INPUTS, MAX_NODES)
        except ExpressionError as exc:
            state["error"] = f"could not use your formula: {exc}"
            ex.update()
            return
        state.update(typed=graph, error="")
        adopt(graph)
        if menu.value != TYPED:
            ex._held = True
            try:
                menu.value = TYPED
            finally:
                ex._held = False
        ex.update()
    text_box.observe(on_text, names="value")

    ex.play = play
    ex.text = text_box
    ex.labels = text
    ex.artists = {"boxes": boxes, "edges": edges}
    ex.graph = lambda: state["graph"]
    ex.type_expression = lambda formula: setattr(text_box, "value", formula)
    ex.children = ex.children[:-2] + (widgets.HBox([play, text_box]),) + ex.children[-2:]
    return ex


# =====================================================================================
# 2. the playground: a small NumPy network trained live
# =====================================================================================
def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


#: activation -> (f(z), f'(z) written with z and a = f(z))
ACTIVATIONS = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(float)),
    "tanh": (np.tanh, lambda z, a: 1.0 - a * a),
    "sigmoid": (_sigmoid, lambda z, a: a * (1.0 - a)),
    "linear": (lambda z: z, lambda z, a: np.ones_like(z)),
}


class PlaygroundNet:
    """A fully connected binary classifier: ``sizes = [2, h1, ..., 1]``.

    Hidden layers use ``activation``; the single output is a logit, turned
    into P(class 1) with a sigmoid. The loss is the mean binary cross-entropy
    plus ``l2 / 2 * sum(W**2)`` over the weight matrices (not the biases).
    Weights start as N(0, gain / fan_in) with gain 2 for ReLU and 1 otherwise.

    Example::

        net = PlaygroundNet([2, 4, 1], "tanh", seed=0)
        loss, grads = net.loss_and_grads(X, y, l2=0.0)
        net.sgd_step(X, y, lr=0.1)
    """

    def __init__(self, sizes, activation="tanh", seed=0):
        rng = np.random.default_rng(seed)
        self.sizes = list(sizes)
        self.activation = activation
        gain = 2.0 if activation == "relu" else 1.0
        self.W = [rng.standard_normal((m, k)) * np.sqrt(gain / m)
                  for m, k in zip(sizes[:-1], sizes[1:])]
        self.b = [np.full(k, 0.1 if activation == "relu" and i < len(sizes) - 2 else 0.0)
                  for i, k in enumerate(sizes[1:])]

    def forward(self, X):
        """``(logits (n,), hidden activations [ (n, h) per hidden layer ], pre-activations)``."""
        f = ACTIVATIONS[self.activation][0]
        a, acts, pres = X, [], []
        for W, b in zip(self.W[:-1], self.b[:-1]):
            z = a @ W + b
            a = f(z)
            pres.append(z)
            acts.append(a)
        return (a @ self.W[-1] + self.b[-1])[:, 0], acts, pres

    def predict_proba(self, X):
        return _sigmoid(self.forward(X)[0])

    def loss(self, X, y, l2=0.0):
        z = self.forward(X)[0]
        # mean of log(1 + exp(-z)) for y = 1 and log(1 + exp(z)) for y = 0, stably
        bce = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
        return float(bce + 0.5 * l2 * sum(np.sum(W * W) for W in self.W))

    def loss_and_grads(self, X, y, l2=0.0):
        """``(loss, (dW list, db list))`` by backpropagation."""
        z, acts, pres = self.forward(X)
        df = ACTIVATIONS[self.activation][1]
        n = len(X)
        loss = float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
                     + 0.5 * l2 * sum(np.sum(W * W) for W in self.W))
        dout = ((_sigmoid(z) - y) / n)[:, None]           # d loss / d logits
        ins = [X] + acts
        dW, db = [None] * len(self.W), [None] * len(self.W)
        for layer in reversed(range(len(self.W))):
            dW[layer] = ins[layer].T @ dout + l2 * self.W[layer]
            db[layer] = dout.sum(axis=0)
            if layer:
                dout = (dout @ self.W[layer].T) * df(pres[layer - 1], acts[layer - 1])
        return loss, (dW, db)

    def sgd_step(self, X, y, lr, l2=0.0):
        _, (dW, db) = self.loss_and_grads(X, y, l2)
        self.W = [W - lr * g for W, g in zip(self.W, dW)]
        self.b = [b - lr * g for b, g in zip(self.b, db)]


LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
L2_RATES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1)
MAX_LAYERS, MAX_NEURONS = 4, 8


def _selection(options, value, description):
    return widgets.SelectionSlider(options=list(options), value=value, description=description,
                                   continuous_update=False, style={"description_width": "initial"},
                                   layout=widgets.Layout(width="260px"))


@visualization(MODULE)
def playground(dataset="circles", noise=0.1, train_pct=70, layers=2, neurons=4,
               activation="tanh", lr=0.3, l2=0.0, n=200, batch_size=10, seed=0, interval=150):
    """Train a small network on 2-D data and watch it learn, TensorFlow-Playground style.

    One figure: left, the decision boundary (the network's P(class 1) on a
    40×40 grid, blue = class 0, orange = class 1) with the training points
    (circles) and test points (triangles); middle, one small map per hidden
    neuron (columns are layers, rows neurons; unused slots stay empty)
    showing that neuron's activation over the same plane; right, the
    training and test loss per epoch. The status line gives the epoch, the
    losses and the accuracies.

    The network is :class:`PlaygroundNet`: NumPy, backprop written by hand,
    mini-batch SGD (batches of ``batch_size``, reshuffled every epoch),
    sigmoid output, binary cross-entropy plus an L2 penalty. One tick of
    training (the Play button, or ``step``) is one epoch: a dozen or so SGD
    steps, then one redraw.

    Controls: ``data`` (circles, xor, blobs, spirals), ``noise``, ``train %``
    (the train/test split), ``hidden layers`` (0-4) and ``neurons per layer``
    (1-8), ``activation`` (relu, tanh, sigmoid, linear): changing any of
    these starts over; ``learning rate`` and ``L2`` apply from the next step
    on. Play/pause trains continuously, ``step`` trains one epoch, ``reset``
    goes back to epoch 0 with the same starting weights (to compare settings
    from one start), ``new weights`` starts over from other random weights,
    ``new data`` draws a fresh sample of the data set.

    Arguments: the starting value of every control, ``n`` points in all,
    ``batch_size``, ``seed`` (weights, shuffling and data), ``interval`` ms
    between ticks when playing.

    Example::

        from course.viz.backprop import playground
        playground("spirals", layers=3, neurons=8, activation="relu")
    """
    res, tile, gap = 40, 40, 6
    fig = new_figure(9.4, 4.1)
    fig.set_layout_engine("none")           # fixed axes: no layout pass per draw
    ax = fig.add_axes([0.012, 0.03, 0.385, 0.87])
    axn = fig.add_axes([0.425, 0.03, 0.225, 0.82])
    axl = fig.add_axes([0.715, 0.13, 0.27, 0.74])
    text = TextLayer(fig)

    heat = RasterImage(ax, np.full((res, res), 0.5), BOUNDARY_CMAP, 0.0, 1.0, "bilinear")
    train_pts = ax.scatter(np.zeros(0), np.zeros(0), s=26, marker="o", edgecolors="white",
                           linewidths=0.8, zorder=3)
    test_pts = ax.scatter(np.zeros(0), np.zeros(0), s=34, marker="^", edgecolors="black",
                          linewidths=0.7, zorder=3)
    ax.set_xticks([])
    ax.set_yticks([])
    text.set("heat_title", "decision boundary P(class 1)   ● train   ▲ test", 0.5, 1.012,
             ax.transAxes, size=9, va="bottom")

    # every hidden neuron's map, tiled into one image (one image draws far faster
    # than 32 small axes): tile (layer c, neuron r) at column c, row r
    mosaic = np.full((MAX_NEURONS * (tile + gap) - gap, MAX_LAYERS * (tile + gap) - gap), np.nan)
    neuron_image = RasterImage(axn, mosaic, BOUNDARY_CMAP, -1.0, 1.0, "nearest", origin="upper")
    axn.set_xlim(-0.5, mosaic.shape[1] - 0.5)
    axn.set_ylim(mosaic.shape[0] - 0.5, -0.5)
    axn.set_axis_off()
    from matplotlib.collections import LineCollection
    frames = LineCollection([], colors="#777777", linewidths=0.6)
    axn.add_collection(frames)
    text.set("neuron_title", "each hidden neuron's output", 0.5, 1.07,
             axn.transAxes, size=9, va="bottom")

    train_curve, = axl.plot([], [], color="#333333", lw=1.6)
    test_curve, = axl.plot([], [], color="#d62728", lw=1.6, ls="--")
    axl.set(xlim=(0, 10), ylim=(0, 1))
    axl.tick_params(labelbottom=False, labelleft=False, length=3)
    # the legend sits above the axes, where no curve can hide it
    axl.plot([0.02, 0.14], [1.045, 1.045], color="#333333", lw=1.6, transform=axl.transAxes,
             clip_on=False)
    axl.plot([0.52, 0.64], [1.045, 1.045], color="#d62728", lw=1.6, ls="--",
             transform=axl.transAxes, clip_on=False)
    text.set("leg_train", "train loss", 0.17, 1.045, axl.transAxes, size=8.5, ha="left")
    text.set("leg_test", "test loss", 0.67, 1.045, axl.transAxes, size=8.5, ha="left")
    text.set("loss_title", "loss per epoch", 0.5, 1.1, axl.transAxes, size=9, va="bottom")
    text.set("loss_x", "epoch", 0.5, -0.11, axl.transAxes, size=8, va="top")

    state = {"key": None, "arch": None, "data_seed": seed, "weight_seed": seed, "net": None,
             "epoch": 0, "history": [], "rng": None, "ticks": None}

    def tile_slice(c, r):
        return (slice(r * (tile + gap), r * (tile + gap) + tile),
                slice(c * (tile + gap), c * (tile + gap) + tile))

    def make_data(name, noise_, pct, data_seed):
        X, y = data.dataset_2d(name, n=n, noise=noise_, seed=data_seed)
        Xtr, ytr, Xte, yte = data.train_test_split(X, y, test_frac=1 - pct / 100, seed=data_seed)
        lim = float(np.ceil(np.abs(X).max() * 1.1 * 4) / 4)
        xs = np.linspace(-lim, lim, res)
        G = np.stack(np.meshgrid(xs, xs), axis=-1).reshape(-1, 2)
        state.update(X=Xtr, y=ytr.astype(float), Xte=Xte, yte=yte.astype(float), lim=lim,
                     grid=G)
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        train_pts.set_offsets(Xtr)
        train_pts.set_facecolors([CLASS_COLORS[int(t)] for t in ytr])
        test_pts.set_offsets(Xte if len(Xte) else np.empty((0, 2)))
        test_pts.set_facecolors([CLASS_COLORS[int(t)] for t in yte])

    def make_net(n_layers, width, act):
        state["net"] = PlaygroundNet([2] + [width] * n_layers + [1], act, seed=state["weight_seed"])
        state["epoch"] = 0
        state["history"] = []
        state["rng"] = np.random.default_rng(state["weight_seed"] + 1)
        mosaic[:] = np.nan
        segs = []
        for c in range(n_layers):
            for r in range(width):
                rows, cols = tile_slice(c, r)
                x0, x1 = cols.start - 0.5, cols.stop - 0.5
                y0, y1 = rows.start - 0.5, rows.stop - 0.5
                segs.append([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
        frames.set_segments(segs)
        for c in range(MAX_LAYERS):
            if c < n_layers:
                text.set(("layer", c), f"layer {c + 1}", c * (tile + gap) + tile / 2, -2,
                         axn.transData, size=7.5, va="bottom", color="#555555")
            else:
                text.hide(("layer", c))
        if n_layers:
            text.hide("no_hidden")
        else:
            text.set("no_hidden", "no hidden layer:\nthe output is a linear\nfunction of x₁, x₂",
                     0.5, 0.5, axn.transAxes, size=8.5, color="#666666")
        record()

    def record():
        net = state["net"]
        state["history"].append((net.loss(state["X"], state["y"]),
                                 net.loss(state["Xte"], state["yte"]) if len(state["Xte"])
                                 else np.nan))

    def tick(values=None):
        """One epoch of mini-batch SGD on the training set."""
        v = values or ex.values
        net, X, y = state["net"], state["X"], state["y"]
        order = state["rng"].permutation(len(X))
        with _one_blas_thread():
            for k in range(0, len(X), batch_size):
                idx = order[k:k + batch_size]
                net.sgd_step(X[idx], y[idx], v["lr"], v["l2"])
            state["epoch"] += 1
            record()

    def sync(values):
        """Rebuild the data and the network when a control that defines them changed."""
        dkey = (values["data"], values["noise"], values["train_pct"], state["data_seed"])
        akey = (values["layers"], values["neurons"], values["activation"])
        if dkey != state["key"]:
            make_data(values["data"], values["noise"], values["train_pct"], state["data_seed"])
        if dkey != state["key"] or akey != state["arch"]:
            make_net(*akey)
        state["key"], state["arch"] = dkey, akey

    def loss_ticks(hist):
        """Tick labels of the loss axes (drawn by the text layer), when the limits change."""
        top = np.nanmax(hist) if np.isfinite(hist).any() else 1.0
        xmax = max(10, len(hist) - 1)
        ymax = max(float(top) * 1.08, 0.1)
        key = (xmax, round(ymax, 3))
        if key == state["ticks"]:
            return
        state["ticks"] = key
        axl.set_xlim(0, xmax)
        axl.set_ylim(0, ymax)
        from matplotlib.ticker import MaxNLocator
        xt = [t for t in MaxNLocator(4, integer=True).tick_values(0, xmax) if 0 <= t <= xmax]
        yt = [t for t in MaxNLocator(4).tick_values(0, ymax) if 0 <= t <= ymax]
        axl.set_xticks(xt)
        axl.set_yticks(yt)
        for k in range(8):
            text.hide(("xt", k))
            text.hide(("yt", k))
        for k, t in enumerate(xt):
            text.set(("xt", k), f"{t:g}", t / xmax, -0.025, axl.transAxes, size=7.5, va="top")
        for k, t in enumerate(yt):
            text.set(("yt", k), f"{t:g}", -0.02, t / ymax, axl.transAxes, size=7.5, ha="right")

    def draw(**values):
        with _one_blas_thread():
            return _draw(values)

    def _draw(values):
        sync(values)
        net = state["net"]
        logits, acts, _ = net.forward(state["grid"])
        heat.set_data(_sigmoid(logits).reshape(res, res))
        for c, layer in enumerate(acts):
            if values["activation"] == "sigmoid":
                maps = 2.0 * layer - 1.0            # centre sigmoid's (0, 1) on white
            else:
                maps = layer / np.maximum(np.abs(layer).max(axis=0), 1e-9)
            for r in range(layer.shape[1]):
                mosaic[tile_slice(c, r)] = maps[:, r].reshape(res, res)[::-1]
        neuron_image.set_data(mosaic)
        hist = np.array(state["history"])
        epochs = np.arange(len(hist))
        train_curve.set_data(epochs, hist[:, 0])
        test_curve.set_data(epochs, hist[:, 1])
        loss_ticks(hist)
        acc_tr = np.mean((net.predict_proba(state["X"]) > 0.5) == state["y"])
        te = (f"test loss <b>{hist[-1, 1]:.3f}</b> (accuracy "
              f"{np.mean((net.predict_proba(state['Xte']) > 0.5) == state['yte']):.0%})"
              if len(state["Xte"]) else "no test points")
        arch = (f"{values['layers']} hidden layer{'s' if values['layers'] != 1 else ''} × "
                f"{values['neurons']} {values['activation']} neurons" if values["layers"]
                else "no hidden layer (a linear model: logistic regression)")
        return (f"epoch <b>{state['epoch']}</b> &middot; train loss <b>{hist[-1, 0]:.3f}</b> "
                f"(accuracy {acc_tr:.0%}) &middot; {te} &middot; {arch}, "
                f"lr {values['lr']:g}, L2 {values['l2']:g} &middot; "
                f"{len(state['X'])} train / {len(state['Xte'])} test points")

    controls = {
        "data": dropdown(list(data.DATASETS_2D), dataset, "data"),
        "noise": slider(noise, 0.0, 0.5, 0.05, "noise"),
        "train_pct": int_slider(train_pct, 10, 90, "train %", step=10),
        "layers": int_slider(layers, 0, MAX_LAYERS, "hidden layers"),
        "neurons": int_slider(neurons, 1, MAX_NEURONS, "neurons per layer"),
        "activation": dropdown(list(ACTIVATIONS), activation, "activation"),
        "lr": _selection(LEARNING_RATES, lr, "learning rate"),
        "l2": _selection(L2_RATES, l2, "L2"),
    }

    def reset():
        make_net(*state["arch"])

    def new_data():
        state["data_seed"] += 1   # sync() sees a new data key on the redraw

    def new_weights():
        state["weight_seed"] += 1
        make_net(*state["arch"])

    buttons = {"step": (button("step", "step-forward"), lambda: tick()),
               "reset": (button("reset", "undo"), reset),
               "new weights": (button("new weights", "random"), new_weights),
               "new data": (button("new data", "refresh"), new_data)}
    ex = Explorer(controls, fig, draw, buttons=buttons,
                  title="Playground: a small network trained by backprop, live")
    play = widgets.Play(value=0, min=0, max=10 ** 9, step=1, interval=interval,
                        description="train", show_repeat=False,
                        layout=widgets.Layout(width="130px"))

    def on_play(change):
        if change["new"] > change["old"]:
            tick()
            ex.update()
    play.observe(on_play, names="value")
    rows = list(ex.children)
    rows[-3] = widgets.HBox([play] + list(rows[-3].children))
    ex.children = tuple(rows)

    def train(epochs=1):
        """Train ``epochs`` epochs, then redraw once (for notebooks and tests)."""
        for _ in range(epochs):
            tick()
        ex.update()

    ex.play = play
    ex.train = train
    ex.state = state
    ex.labels = text
    ex.net = lambda: state["net"]
    ex.mosaic = mosaic
    ex.tile = tile_slice
    ex.artists = {"heatmap": heat, "train_points": train_pts, "test_points": test_pts,
                  "neurons": neuron_image, "frames": frames, "train_curve": train_curve,
                  "test_curve": test_curve, "loss_axes": axl}
    return ex


# =====================================================================================
# 3. the learner's train_mlp_numpy, replayed
# =====================================================================================
def _builtin_train(X, y, hidden=64, lr=1.0, epochs=300, seed=0):
    rng = np.random.default_rng(seed)
    d, C = X.shape[1], int(y.max()) + 1
    p = {"W1": rng.standard_normal((d, hidden)) * np.sqrt(2.0 / d), "b1": np.zeros(hidden),
         "W2": rng.standard_normal((hidden, C)) * np.sqrt(2.0 / hidden), "b2": np.zeros(C)}
    n, rows = len(X), np.arange(len(X))
    for _ in range(epochs):
        z1 = X @ p["W1"] + p["b1"]
        h = np.maximum(z1, 0.0)
        s = h @ p["W2"] + p["b2"]
        e = np.exp(s - s.max(axis=1, keepdims=True))
        dS = e / e.sum(axis=1, keepdims=True)
        dS[rows, y] -= 1.0
        dS /= n
        dz1 = (dS @ p["W2"].T) * (z1 > 0)
        g = {"W1": X.T @ dz1, "b1": dz1.sum(0), "W2": h.T @ dS, "b2": dS.sum(0)}
        p = {k: p[k] - lr * g[k] for k in p}
    return p


def _mlp_logits(p, X):
    return np.maximum(X @ p["W1"] + p["b1"], 0.0) @ p["W2"] + p["b2"]


def _ce(logits, y):
    s = logits - logits.max(axis=1, keepdims=True)
    return float(np.mean(np.log(np.exp(s).sum(axis=1)) - s[np.arange(len(y)), y]))


REPLAY_EPOCHS = (0, 5, 10, 20, 40, 80, 150, 300)


@visualization(MODULE)
def spiral_training_replay(train=None, n=300, seed=0, checkpoints=REPLAY_EPOCHS):
    """The three-arm spiral learned by ``train_mlp_numpy``, replayed epoch by epoch.

    For each number of epochs in ``checkpoints`` the trainer is run from the
    start (it is deterministic given its seed, so these are snapshots of one
    run); a slider picks the snapshot. Left: the predicted class over the
    plane with the training points; right: the loss at each snapshot, the
    current one marked. The status line gives the training accuracy.

    Arguments: ``train`` the learner's ``train_mlp_numpy`` (default: the
    built-in one; an unanswered exercise falls back to it with a note);
    ``n`` points; ``seed`` for the data and the trainer.

    Example::

        from course.viz.backprop import spiral_training_replay
        spiral_training_replay(train=train_mlp_numpy)
    """
    X, y = data.spirals(n, classes=3, seed=seed)
    note = ""
    fn = train or _builtin_train
    snaps = []
    with _one_blas_thread():
        try:
            for e in checkpoints:
                snaps.append(fn(X, y, epochs=e, seed=seed))
        except NotImplementedError:
            fn = _builtin_train
            note = " <i>(train_mlp_numpy is not written yet: built-in trainer)</i>"
            snaps = [fn(X, y, epochs=e, seed=seed) for e in checkpoints]
    losses = [_ce(_mlp_logits(p, X), y) for p in snaps]
    accs = [float(np.mean(_mlp_logits(p, X).argmax(1) == y)) for p in snaps]
    lim, res = 1.15, 120
    xs = np.linspace(-lim, lim, res)
    G = np.stack(np.meshgrid(xs, xs), axis=-1).reshape(-1, 2)
    regions = [_mlp_logits(p, G).argmax(1).reshape(res, res) for p in snaps]

    fig = new_figure(8.4, 4.0)
    fig.set_layout_engine("none")
    ax = fig.add_axes([0.02, 0.04, 0.43, 0.92])
    axl = fig.add_axes([0.56, 0.15, 0.41, 0.76])
    light = ListedColormap(["#c6dbef", "#fdd0a2", "#c7e9c0"])
    img = RasterImage(ax, regions[0], light, -0.5, 2.5, "nearest")    # fills the axes
    ax.scatter(X[:, 0], X[:, 1], c=[CLASS_COLORS[t] for t in y], s=12, edgecolors="white",
               linewidths=0.4)
    ax.set(xticks=[], yticks=[], aspect="equal", xlim=(-lim, lim), ylim=(-lim, lim))
    axl.plot(checkpoints, losses, marker="o", color="#555555", lw=1.4)
    mark, = axl.plot([checkpoints[0]], [losses[0]], marker="o", ms=11, color="#d62728",
                     ls="none")
    top = max(losses) * 1.1
    axl.set(xlim=(-10, checkpoints[-1] * 1.04), ylim=(0, top))
    # tick labels and titles through the fast text layer (Matplotlib text costs ~2 ms a line)
    text = TextLayer(fig)
    from matplotlib.ticker import MaxNLocator
    xt = [t for t in MaxNLocator(5, integer=True).tick_values(0, checkpoints[-1])
          if 0 <= t <= checkpoints[-1]]
    yt = [t for t in MaxNLocator(5).tick_values(0, top) if 0 <= t <= top]
    axl.set_xticks(xt)
    axl.set_yticks(yt)
    axl.tick_params(labelbottom=False, labelleft=False, length=3)
    x_of, y_of = axl.get_xaxis_transform(), axl.get_yaxis_transform()
    for k, t in enumerate(xt):
        text.set(("xt", k), f"{t:g}", t, -0.03, x_of, size=8, va="top")
    for k, t in enumerate(yt):
        text.set(("yt", k), f"{t:g}", -0.02, t, y_of, size=8, ha="right")
    text.set("xlabel", "epochs of full-batch gradient descent", 0.5, -0.12, axl.transAxes,
             size=8.5, va="top")
    text.set("title", "cross-entropy loss on the training set", 0.5, 1.02, axl.transAxes,
             size=9, va="bottom")
    epochs = widgets.SelectionSlider(options=list(checkpoints), value=checkpoints[-1],
                                     description="epochs", continuous_update=True,
                                     style={"description_width": "initial"},
                                     layout=widgets.Layout(width="320px"))

    def draw(epochs):
        k = list(checkpoints).index(epochs)
        img.set_data(regions[k])
        mark.set_data([epochs], [losses[k]])
        return (f"after {epochs} epochs: loss <b>{losses[k]:.3f}</b>, training accuracy "
                f"<b>{accs[k]:.1%}</b> (the exercise asks for at least 95% after 300)" + note)

    ex = Explorer({"epochs": epochs}, fig, draw, title="Training a network from scratch: "
                                                       "the spiral, epoch by epoch")
    ex.snapshots = snaps
    ex.accuracies = accs
    ex.losses = losses
    ex.artists = {"regions": img, "marker": mark}
    return ex
