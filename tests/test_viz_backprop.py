"""Visualizations of 05_backprop, built headlessly and driven from Python.

What is drawn is checked against the math: the graph stepper's values and
gradients against PyTorch's autograd, the playground's heatmap and neuron maps
against its network's forward pass, its backprop against autograd, and the
replay against the trainer it replays.
"""
import math
import warnings

import numpy as np
import pytest
import torch
import ipywidgets as widgets
from matplotlib.colors import to_rgb

from course import data
from course.viz import backprop as B
from course.viz.base import REGISTRY

warnings.filterwarnings("ignore", category=DeprecationWarning)

VIZ = ["computational_graph_stepper", "playground", "spiral_training_replay"]


def test_registered_under_the_module_with_examples():
    for name in VIZ:
        assert name in REGISTRY, name
        assert REGISTRY[name].course_module == "05_backprop"
        assert "Example" in REGISTRY[name].__doc__


# =====================================================================================
# expressions: parsing, passes, layout
# =====================================================================================
def _t(x):
    return torch.as_tensor(x, dtype=torch.float64)


TORCH_FUNCS = {"tanh": lambda x: torch.tanh(_t(x)), "relu": lambda x: torch.relu(_t(x)),
               "exp": lambda x: torch.exp(_t(x)), "max": lambda x, y: torch.maximum(_t(x), _t(y))}


def torch_reference(text, values):
    """Value and input gradients of ``text`` by PyTorch (the test's own evaluation)."""
    ts = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in values.items()}
    out = _t(eval(text, {"__builtins__": {}}, {**TORCH_FUNCS, **ts}))   # trusted test strings only
    if out.requires_grad:
        out.backward()
    return out.item(), {k: (0.0 if t.grad is None else t.grad.item()) for k, t in ts.items()}


def random_expression(rng, names, depth):
    """A random formula over ``names`` using every operation the stepper knows."""
    if depth == 0 or rng.random() < 0.2:
        return str(rng.choice(names)) if rng.random() < 0.8 else f"{rng.choice([2, 3, 0.5])}"
    kind = rng.integers(0, 9)
    a = random_expression(rng, names, depth - 1)
    if kind == 0:
        return f"({a} + {random_expression(rng, names, depth - 1)})"
    if kind == 1:
        return f"({a} - {random_expression(rng, names, depth - 1)})"
    if kind == 2:
        return f"({a} * {random_expression(rng, names, depth - 1)})"
    if kind == 3:
        return f"({a} / (2 + exp({random_expression(rng, names, depth - 1)})))"
    if kind == 4:
        return f"(exp({a}) ** {rng.choice([2, 0.5, -1, 1.5])})"
    if kind == 5:
        return f"tanh({a})"
    if kind == 6:
        return f"relu({a})"
    if kind == 7:
        return f"max({a}, {random_expression(rng, names, depth - 1)})"
    return f"-{a}"


def test_passes_match_torch_on_random_expressions():
    rng = np.random.default_rng(0)
    checked = 0
    while checked < 150:
        text = random_expression(rng, ["a", "b", "c"], 3)
        try:
            graph = B.parse_expression(text, max_nodes=60)
        except B.ExpressionError:
            continue
        values = {k: float(rng.uniform(-2, 2)) for k in graph.inputs}
        if not values:
            continue
        vals = graph.evaluate(values)
        # stay clear of kinks (relu at 0, max ties) where derivatives are conventions
        kinks = [vals[n.inputs[0]] for n in graph.nodes if n.op == "relu"] + \
                [vals[n.inputs[0]] - vals[n.inputs[1]] for n in graph.nodes if n.op == "max"]
        if any(abs(k) < 1e-6 for k in kinks) or not np.isfinite(vals).all() \
                or np.abs(vals).max() > 1e6:
            continue
        grads = graph.gradients(vals)
        want, want_grads = torch_reference(text, values)
        assert vals[graph.output] == pytest.approx(want, rel=1e-9, abs=1e-12), text
        for i, node in enumerate(graph.nodes):
            if node.op == "input":
                assert grads[i] == pytest.approx(want_grads[node.name], rel=1e-7, abs=1e-10), \
                    (text, node.name)
        checked += 1


def test_shared_subexpressions_are_one_node():
    g = B.parse_expression("a*a + a")
    assert [n.op for n in g.nodes] == ["input", "*", "+"]
    assert g.nodes[1].inputs == (0, 0)
    assert len(g.nodes[0].users) == 3                       # a*a twice, then + a
    vals = g.evaluate({"a": 3.0})
    assert g.gradients(vals)[0] == pytest.approx(2 * 3.0 + 1)
    g = B.parse_expression("exp(a) / (exp(a) + exp(b))")
    assert sum(n.op == "exp" for n in g.nodes) == 2          # exp(a) once, used twice
    assert g.nodes[-1].name == "f" and g.formula(len(g.nodes) - 1).startswith("f = ")


@pytest.mark.parametrize("text,why", [
    ("__import__('os').system('ls')", "only tanh, relu, exp and max may be called"),
    ("a.real", "not allowed"),
    ("lambda: 1", "not allowed"),
    ("a ** b", "exponent of ** must be a number"),
    ("tanh(a, b)", "takes 1 argument"),
    ("max(a)", "takes 2 arguments"),
    ("tanh(x=a)", "takes 1 argument"),
    ("1 +", "could not read"),
    ("", "type an expression"),
    ("x[0]", "not allowed"),
    ("a if b else c", "not allowed"),
    ("'text'", "str constants are not allowed"),
    ("a < b", "not allowed"),
    ("tanh + 1", "tanh is a function"),
    ("_a + 1", "underscore"),
    ("a + b + c + d + e + f", "at most 5 different inputs"),
    ("a % 2", "operator Mod is not allowed"),
    ("a" + " + a" * 150, "too long"),
])
def test_bad_expressions_give_messages_not_errors(text, why):
    with pytest.raises(B.ExpressionError) as err:
        B.parse_expression(text)
    assert why in str(err.value)


def test_too_many_nodes_and_odd_values():
    with pytest.raises(B.ExpressionError, match="too many nodes"):
        B.parse_expression("+".join(f"{k}*{i}" for i in range(1, 9) for k in "ab"))   # 48 nodes
    g = B.parse_expression("2 ** 10000 + a / 0")              # no big ints, no exceptions
    vals = g.evaluate({"a": 1.0})
    assert not np.isfinite(vals[g.output])
    g = B.parse_expression("a ** 0.5")
    assert math.isnan(g.evaluate({"a": -1.0})[-1])           # never a complex number


def test_layout_keeps_boxes_apart_and_columns_by_depth():
    for text in list(B.PRESETS) + ["tanh(a*b + c) * exp(a - b) + relu(c) * a"]:
        g = B.parse_expression(text)
        pos = B.layout(g)
        for i, node in enumerate(g.nodes):
            assert pos[i][0] == node.depth
            for j in node.inputs:
                assert g.nodes[j].depth < node.depth, (text, i, j)   # arrows run left to right
        for depth in {n.depth for n in g.nodes}:
            ys = sorted(p[1] for i, p in pos.items() if g.nodes[i].depth == depth)
            assert all(b - a >= 1.0 - 1e-9 for a, b in zip(ys, ys[1:])), text


# =====================================================================================
# the stepper
# =====================================================================================
def label(ex, i):
    return ex.labels.items[("node", i)]["text"].split("\n")


def test_stepper_walks_forward_then_backward():
    ex = B.computational_graph_stepper("(a*b + c) * tanh(a)")
    g = ex.graph()
    values = {"a": 2.0, "b": -3.0, "c": 1.0}
    assert {ex.controls[f"in{k + 1}"].description: ex.controls[f"in{k + 1}"].value
            for k in range(3)} == values
    vals, grads = g.evaluate(values), g.gradients(g.evaluate(values))
    want, want_grads = torch_reference(g.text, values)
    assert vals[-1] == pytest.approx(want) and vals[-1] == pytest.approx(-4.8201, abs=1e-4)
    n_ops, total = len(g.ops), g.steps
    assert ex.controls["step"].max == total == n_ops + 7       # 4 ops, 7 non-constant nodes
    pairs = [(j, i, p) for i, n in enumerate(g.nodes) for p, j in enumerate(n.inputs)]

    def is_red(edge):
        return edge.get_edgecolor()[:3] == pytest.approx(to_rgb(B._EDGE_BWD))

    def is_blue(edge):
        return edge.get_edgecolor()[:3] == pytest.approx(to_rgb(B._EDGE_FWD))
    assert "step 0" in ex.status.value
    for i in g.ops:
        assert label(ex, i)[1] == "?"                           # nothing computed yet
    before = ex.render()
    for k in range(1, n_ops + 1):
        ex.set(step=k)
        node = g.ops[k - 1]
        assert f"<b>forward</b> {k}/{n_ops}" in ex.status.value
        assert g.formula(node) in ex.status.value
        assert f"<b>{B._num(vals[node])}</b>" in ex.status.value
        assert label(ex, node)[1] == B._num(vals[node])
        for later in g.ops[k:]:
            assert label(ex, later)[1] == "?"
        assert ex.artists["boxes"][node].get_facecolor()[:3] == pytest.approx(
            (1.0, 0xd5 / 255, 0x4f / 255), abs=1e-6)             # the current node is yellow
        for e, (j, i, p) in zip(ex.artists["edges"], pairs):      # and reads its blue inputs
            assert is_blue(e) == (i == node)
    assert not np.array_equal(before, ex.render())
    for k, node in enumerate(g.backward_order, start=1):
        ex.set(step=n_ops + k)
        assert f"<b>backward</b> {k}/{len(g.backward_order)}" in ex.status.value
        assert label(ex, node)[2] == f"grad {B._num(grads[node])}"
        for later in g.backward_order[k:]:                       # not reached yet
            assert label(ex, later)[2] == "grad ?"
        # the arrows carrying this node's gradient back to it are the red ones
        for e, (j, i, p) in zip(ex.artists["edges"], pairs):
            assert is_red(e) == (j == node), (node, j, i)
    assert "done" in ex.status.value
    for i, node in enumerate(g.nodes):
        if node.op == "input":
            assert grads[i] == pytest.approx(want_grads[node.name])
            assert f"∂f/∂{node.name} = {B._num(grads[i])}" in ex.status.value
    # a's gradient is the sum of its two contributions, and the status says so
    ex.set(step=total)
    assert "a is used 2 times" in ex.status.value
    assert B._num(-3.2453) in ex.status.value


def test_stepper_edge_labels_show_the_chain_rule_products():
    ex = B.computational_graph_stepper("a*a + a")
    g = ex.graph()
    ex.set(step=ex.controls["step"].max)                        # a's step: three products
    texts = [v["text"] for k, v in ex.labels.items.items() if k[0] == "edge"]
    assert sorted(texts) == sorted(["1.00×2.00", "1.00×2.00", "1.00×1.00"])
    assert label(ex, 0)[2] == "grad 5.00"                       # 2a + 1 at a = 2
    assert g.nodes[0].name == "a"


def test_sliders_drive_the_inputs():
    ex = B.computational_graph_stepper("tanh(w1*x1 + w2*x2 + b)")
    g = ex.graph()
    names = [ex.controls[f"in{k + 1}"].description for k in range(5)]
    assert names == ["w1", "x1", "w2", "x2", "b"]
    ex.set(step=g.steps, in1=2.5, in2=-1.5)
    values = {n: ex.controls[f"in{k + 1}"].value for k, n in enumerate(names)}
    want, want_grads = torch_reference(g.text, values)
    vals = g.evaluate(values)
    assert vals[-1] == pytest.approx(want)
    assert label(ex, len(g.nodes) - 1)[1] == B._num(want)
    for i, node in enumerate(g.nodes):
        if node.op == "input":
            assert label(ex, i)[1] == B._num(values[node.name])
            assert label(ex, i)[2] == f"grad {B._num(want_grads[node.name])}"


def test_picking_a_preset_rebuilds_graph_and_sliders():
    ex = B.computational_graph_stepper()
    ex.set(step=5)
    count = ex.updates
    ex.controls["expression"].value = "relu(a*x + b)"
    assert ex.updates == count + 1                             # one redraw, not one per slider
    g = ex.graph()
    assert g.text == "relu(a*x + b)"
    assert ex.controls["step"].value == 0 and ex.controls["step"].max == g.steps
    assert ex.play.max == g.steps
    vis = [ex.controls[f"in{k + 1}"].layout.visibility for k in range(5)]
    assert vis == ["visible"] * 3 + ["hidden"] * 2
    assert [ex.controls[f"in{k + 1}"].description for k in range(3)] == ["a", "x", "b"]
    assert len([k for k in ex.labels.items if k[0] == "node"]) == len(g.nodes)
    assert sum(b.get_visible() for b in ex.artists["boxes"]) == len(g.nodes)
    assert sum(e.get_visible() for e in ex.artists["edges"]) == \
        sum(len(n.inputs) for n in g.nodes)


def test_typed_expressions_and_bad_input():
    ex = B.computational_graph_stepper()
    ex.type_expression("tanh(w*x + b) * x")
    assert ex.controls["expression"].value == B.TYPED
    g = ex.graph()
    assert g.text == "tanh(w*x + b) * x" and g.inputs == ["w", "x", "b"]
    ex.set(step=g.steps)
    values = {n: ex.controls[f"in{k + 1}"].value for k, n in enumerate(g.inputs)}
    _, want_grads = torch_reference(g.text, values)
    assert f"∂f/∂x = {B._num(want_grads['x'])}" in ex.status.value
    for bad in ["__import__('os')", "a +", "open('f').read()", "a ** b"]:
        ex.type_expression(bad)                                # never raises
        assert "could not use your formula" in ex.status.value
        assert ex.graph() is g                                  # the last good graph stays
    ex.controls["expression"].value = B.PRESETS[3]              # a preset clears the message
    assert "could not use" not in ex.status.value
    ex.controls["expression"].value = B.TYPED                  # and the typed one comes back
    assert ex.graph() is g


class GoodValue:
    """A compact correct scalar autograd (the test's own), for the learner check."""

    def __init__(self, data, parents=()):
        self.data, self.grad, self.parents = float(data), 0.0, parents

    def _make(self, data, *pairs):
        return type(self)(data, pairs)

    def lift(self, x):
        return x if isinstance(x, GoodValue) else type(self)(x)

    def __add__(self, o):
        o = self.lift(o)
        return self._make(self.data + o.data, (self, 1.0), (o, 1.0))

    __radd__ = __add__

    def __mul__(self, o):
        o = self.lift(o)
        return self._make(self.data * o.data, (self, o.data), (o, self.data))

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, o):
        return self + -self.lift(o)

    def __rsub__(self, o):
        return self.lift(o) - self

    def __pow__(self, n):
        return self._make(self.data ** n, (self, n * self.data ** (n - 1)))

    def __truediv__(self, o):
        return self * self.lift(o) ** -1

    def __rtruediv__(self, o):
        return self.lift(o) * self ** -1

    def tanh(self):
        t = math.tanh(self.data)
        return self._make(t, (self, 1 - t * t))

    def relu(self):
        return self._make(max(self.data, 0.0), (self, float(self.data > 0)))

    def exp(self):
        e = math.exp(self.data)
        return self._make(e, (self, e))

    def backward(self):
        order, seen = [], set()

        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for p, _ in v.parents:
                    visit(p)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            for p, local in v.parents:
                p.grad += local * v.grad


class ForgetfulValue(GoodValue):
    """Overwrites gradients instead of accumulating them."""

    def backward(self):
        order, seen = [], set()

        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for p, _ in v.parents:
                    visit(p)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            for p, local in v.parents:
                p.grad = local * v.grad


class UnwrittenValue(GoodValue):
    def __add__(self, o):
        raise NotImplementedError()


def test_learner_value_is_checked_against_the_graph():
    ex = B.computational_graph_stepper("a*a + a", value=GoodValue)
    assert "your Value agrees" in ex.status.value
    ex.controls["expression"].value = "(a*b + c) * tanh(a)"
    assert "your Value agrees" in ex.status.value
    ex = B.computational_graph_stepper("a*a + a", value=ForgetfulValue)
    assert "your Value disagrees" in ex.status.value and "∂f/∂a" in ex.status.value
    ex = B.computational_graph_stepper("a*a + a", value=UnwrittenValue)
    assert "not written yet" in ex.status.value
    ex.controls["expression"].value = "max(a, b) * c"
    assert "max is not a Value operation" in ex.status.value


def test_play_is_linked_to_the_step_slider():
    ex = B.computational_graph_stepper()
    assert isinstance(ex.play, widgets.Play)
    ex.play.value = 3
    assert ex.controls["step"].value == 3
    assert "<b>forward</b> 3/" in ex.status.value


# =====================================================================================
# the fast text layer and raster images
# =====================================================================================
def test_text_layer_draws_where_it_says():
    from matplotlib.figure import Figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(3, 2), dpi=100)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_axis_off()
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 2)
    layer = B.TextLayer(fig)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    blank = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    layer.set("k", "grad −3.25", 0.75, 1.5, ax.transData, size=10, color="black")
    canvas.draw()
    img = np.asarray(canvas.buffer_rgba())[..., :3]
    ink = np.argwhere((img != blank).any(axis=-1))
    (top, left), (bottom, right) = ink.min(0), ink.max(0)
    # centred on (0.75, 1.5) in data = pixel (75, 50 from the top), text ~ 60 px wide
    assert abs((left + right) / 2 - 75) < 4 and abs((top + bottom) / 2 - 50) < 4
    assert 40 < right - left < 90
    assert layer.texts() == {"k": "grad −3.25"}
    layer.hide("k")
    canvas.draw()
    assert np.array_equal(np.asarray(canvas.buffer_rgba())[..., :3], blank)


def test_raster_image_resamples_like_nearest_and_bilinear():
    from matplotlib.figure import Figure
    from matplotlib.colors import ListedColormap

    fig = Figure()
    ax = fig.add_axes([0, 0, 1, 1])
    gray = ListedColormap(np.c_[np.linspace(0, 1, 256)[:, None].repeat(3, 1), np.ones(256)])
    z = np.array([[0.0, 1.0], [0.5, np.nan]])
    near = B.RasterImage(ax, z, gray, 0.0, 1.0, "nearest", origin="upper")
    img = near.rgba(4, 4)
    assert img.shape == (4, 4, 4)
    assert (img[:2, :2, 0] == 0).all() and (img[:2, 2:, 0] == 255).all()
    assert (img[2:, :2, 0] == 128).all() and (img[2:, 2:, 3] == 0).all()   # NaN transparent
    lin = B.RasterImage(ax, np.array([[0.0, 1.0]]), gray, 0.0, 1.0, "bilinear")
    row = lin.rgba(5, 1)[0, :, 0].astype(int)
    assert np.all(np.diff(row) >= 0) and row[0] < 30 and row[-1] > 225      # a smooth ramp
    low = B.RasterImage(ax, np.array([[0.0], [1.0]]), gray, 0.0, 1.0, "nearest")
    assert low.rgba(1, 2)[0, 0, 0] == 255                                  # origin lower: row 0 at the bottom


# =====================================================================================
# the playground
# =====================================================================================
@pytest.mark.parametrize("activation", list(B.ACTIVATIONS))
def test_playground_backprop_matches_torch(activation):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((9, 2))
    y = (rng.random(9) > 0.5).astype(float)
    net = B.PlaygroundNet([2, 5, 3, 1], activation, seed=2)
    l2 = 0.03
    loss, (dW, db) = net.loss_and_grads(X, y, l2)
    Ws = [torch.tensor(W, requires_grad=True) for W in net.W]
    bs = [torch.tensor(b, requires_grad=True) for b in net.b]
    f = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
         "linear": lambda t: t}[activation]
    h = torch.tensor(X)
    for W, b in zip(Ws[:-1], bs[:-1]):
        h = f(h @ W + b)
    z = (h @ Ws[-1] + bs[-1])[:, 0]
    want = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor(y)) + \
        0.5 * l2 * sum((W ** 2).sum() for W in Ws)
    want.backward()
    assert loss == pytest.approx(want.item(), rel=1e-10)
    assert net.loss(X, y, l2) == pytest.approx(want.item(), rel=1e-10)
    for g, t in zip(dW + db, Ws + bs):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-9, atol=1e-12)


def grid_of(ex):
    return ex.state["grid"]


def test_playground_heatmap_and_neuron_maps_are_the_network():
    ex = B.playground("xor", layers=2, neurons=3, activation="tanh")
    net = ex.net()
    logits, acts, _ = net.forward(grid_of(ex))
    res = int(math.isqrt(len(logits)))
    np.testing.assert_allclose(ex.artists["heatmap"].get_array(),
                               B._sigmoid(logits).reshape(res, res))
    for c in range(2):
        for r in range(3):
            a = acts[c][:, r]
            want = (a / np.abs(acts[c]).max(axis=0)[r]).reshape(res, res)[::-1]
            np.testing.assert_allclose(ex.mosaic[ex.tile(c, r)], want)
    # the grid spans the axes: first grid point at the lower-left corner
    lim = ex.state["lim"]
    assert grid_of(ex)[0] == pytest.approx([-lim, -lim])
    assert ex.artists["heatmap"].ax.get_xlim() == pytest.approx((-lim, lim))


def test_playground_learns_an_easy_dataset():
    ex = B.playground("blobs", layers=1, neurons=3, activation="tanh", lr=0.1)
    first = ex.state["history"][0][0]
    heat0 = ex.artists["heatmap"].get_array().copy()
    pixels0 = ex.render()
    for _ in range(15):
        ex.click("step")
    hist = np.array(ex.state["history"])
    assert len(hist) == 16 and ex.state["epoch"] == 15
    assert hist[-1, 0] < 0.5 * first                             # the training loss fell
    assert hist[-1, 0] == pytest.approx(ex.net().loss(ex.state["X"], ex.state["y"]))
    assert "epoch <b>15</b>" in ex.status.value and "accuracy 100%" in ex.status.value
    assert not np.allclose(ex.artists["heatmap"].get_array(), heat0)
    np.testing.assert_allclose(ex.artists["train_curve"].get_ydata(), hist[:, 0])
    np.testing.assert_allclose(ex.artists["test_curve"].get_ydata(), hist[:, 1])
    assert not np.array_equal(pixels0, ex.render())


def test_playground_reset_and_play():
    ex = B.playground("circles")
    heat0 = ex.artists["heatmap"].get_array().copy()
    loss0 = ex.state["history"][0]
    ex.train(5)
    assert ex.state["epoch"] == 5
    ex.click("reset")
    assert ex.state["epoch"] == 0 and len(ex.state["history"]) == 1
    assert ex.state["history"][0] == pytest.approx(loss0)       # same starting weights
    np.testing.assert_allclose(ex.artists["heatmap"].get_array(), heat0)
    assert "epoch <b>0</b>" in ex.status.value
    assert isinstance(ex.play, widgets.Play)
    for k in range(1, 4):                                       # what the Play button does
        ex.play.value = k
    assert ex.state["epoch"] == 3 and "epoch <b>3</b>" in ex.status.value


def test_playground_architecture_rebuilds_the_neuron_maps():
    ex = B.playground(layers=2, neurons=4)
    ex.train(3)
    ex.set(layers=3, neurons=5)
    assert ex.state["epoch"] == 0                              # a new network starts over
    assert [W.shape for W in ex.net().W] == [(2, 5), (5, 5), (5, 5), (5, 1)]
    filled = {(c, r) for c in range(B.MAX_LAYERS) for r in range(B.MAX_NEURONS)
              if not np.isnan(ex.mosaic[ex.tile(c, r)]).all()}
    assert filled == {(c, r) for c in range(3) for r in range(5)}
    assert len(ex.artists["frames"].get_segments()) == 15
    assert {k for k in ex.labels.items if k[0] == "layer"} == {("layer", 0), ("layer", 1),
                                                               ("layer", 2)}
    ex.set(layers=0)
    assert np.isnan(ex.mosaic).all() and len(ex.artists["frames"].get_segments()) == 0
    assert "no_hidden" in ex.labels.items and "logistic regression" in ex.status.value
    ex.set(layers=1, neurons=1, activation="relu")
    assert [W.shape for W in ex.net().W] == [(2, 1), (1, 1)]
    assert ex.net().activation == "relu"


def test_playground_data_controls_change_the_points():
    ex = B.playground("circles", train_pct=70)
    X0 = ex.artists["train_points"].get_offsets().copy()
    np.testing.assert_allclose(X0, ex.state["X"])
    assert len(X0) == 140 and len(ex.artists["test_points"].get_offsets()) == 60
    ex.set(data="spirals")
    X1 = ex.artists["train_points"].get_offsets()
    assert X1.shape == X0.shape and not np.allclose(X1, X0)
    Xs, ys = data.dataset_2d("spirals", n=200, noise=0.1, seed=0)
    assert {tuple(p) for p in np.round(X1, 9)} <= {tuple(p) for p in np.round(Xs, 9)}
    colors = ex.artists["train_points"].get_facecolors()[:, :3]
    want = np.array([to_rgb(B.CLASS_COLORS[int(t)]) for t in ex.state["y"]])
    np.testing.assert_allclose(colors, want)
    ex.set(train_pct=10)
    assert len(ex.state["X"]) == 20 and len(ex.state["Xte"]) == 180
    assert "20 train / 180 test" in ex.status.value
    before = ex.state["X"].copy()
    ex.set(noise=0.4)
    assert not np.allclose(ex.state["X"], before)
    before = ex.state["X"].copy()
    ex.click("new data")
    assert not np.allclose(ex.state["X"], before) and ex.state["epoch"] == 0


def test_playground_new_weights_starts_elsewhere():
    ex = B.playground("xor", layers=2, neurons=4, activation="relu")
    W0 = [W.copy() for W in ex.net().W]
    ex.train(3)
    ex.click("reset")
    assert all(np.array_equal(a, b) for a, b in zip(ex.net().W, W0))
    ex.click("new weights")
    assert ex.state["epoch"] == 0
    assert not any(np.array_equal(a, b) for a, b in zip(ex.net().W, W0))
    assert [W.shape for W in ex.net().W] == [W.shape for W in W0]


def test_playground_learning_rate_and_l2_apply_without_restarting():
    ex = B.playground("xor")
    ex.train(4)
    ex.set(lr=0.03, l2=0.01)
    assert ex.state["epoch"] == 4
    net = ex.net()
    W_before = [W.copy() for W in net.W]
    X, y = ex.state["X"], ex.state["y"]
    # one epoch with the new settings is what the network's own SGD step does
    rng = np.random.default_rng(0)
    ex.state["rng"] = rng
    ref = B.PlaygroundNet([2, 4, 4, 1], "tanh")
    ref.W, ref.b = [W.copy() for W in net.W], [b.copy() for b in net.b]
    order = np.random.default_rng(0).permutation(len(X))
    for k in range(0, len(X), 10):
        ref.sgd_step(X[order[k:k + 10]], y[order[k:k + 10]], 0.03, 0.01)
    ex.click("step")
    for a, b in zip(ex.net().W, ref.W):
        np.testing.assert_allclose(a, b)
    assert not all(np.allclose(a, b) for a, b in zip(ex.net().W, W_before))


# =====================================================================================
# the replay of train_mlp_numpy
# =====================================================================================
def test_replay_shows_the_trainers_snapshots():
    calls = []

    def trainer(X, y, hidden=64, lr=1.0, epochs=300, seed=0):
        calls.append(epochs)
        return B._builtin_train(X, y, hidden=hidden, lr=lr, epochs=epochs, seed=seed)

    ex = B.spiral_training_replay(train=trainer)
    assert calls == list(B.REPLAY_EPOCHS)
    assert ex.controls["epochs"].value == 300
    assert ex.accuracies[-1] >= 0.95 and ex.accuracies[0] < 0.6
    assert ex.losses[-1] < ex.losses[0]
    X, y = data.spirals(300, classes=3, seed=0)
    for k, p in enumerate(ex.snapshots):
        assert ex.accuracies[k] == pytest.approx(np.mean(B._mlp_logits(p, X).argmax(1) == y))
    last = ex.artists["regions"].get_array().copy()
    assert f"{ex.accuracies[-1]:.1%}" in ex.status.value
    ex.controls["epochs"].value = 0
    assert not np.array_equal(ex.artists["regions"].get_array(), last)
    assert ex.artists["marker"].get_xdata()[0] == 0
    # the predicted region under a training point is that point's predicted class
    ex.controls["epochs"].value = 300
    regions = np.asarray(ex.artists["regions"].get_array())
    lim, res = 1.15, regions.shape[0]
    idx = np.clip(np.round((X + lim) / (2 * lim) * (res - 1)).astype(int), 0, res - 1)
    agree = np.mean(regions[idx[:, 1], idx[:, 0]] == B._mlp_logits(ex.snapshots[-1], X).argmax(1))
    assert agree > 0.9


def test_replay_falls_back_when_the_exercise_is_unanswered():
    def unanswered(X, y, hidden=64, lr=1.0, epochs=300, seed=0):
        raise NotImplementedError()

    ex = B.spiral_training_replay(train=unanswered)
    assert "not written yet" in ex.status.value
    assert ex.accuracies[-1] >= 0.95
