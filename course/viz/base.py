"""What every visualization is made of: ipywidgets controls around one
matplotlib figure whose artists are updated in place.

The figure's canvas is an ipympl widget, so in JupyterLab it redraws where it
stands instead of printing a new picture per change; outside a kernel (tests,
benchmarks, the README pictures) the same object renders with Agg.
"""
import contextlib

import numpy as np
import ipywidgets as widgets
from matplotlib.figure import Figure

#: name -> zero-argument builder, filled by ``@visualization``; the benchmark
#: and the picture script walk it.
REGISTRY = {}


def visualization(module):
    """Register a visualization builder under its module (e.g. ``"01_perceptron"``).

    The builder must be callable with no arguments (defaults for everything).
    """
    def wrap(fn):
        fn.course_module = module
        REGISTRY[fn.__name__] = fn
        return fn
    return wrap


def new_figure(width=6.0, height=4.0, dpi=80):
    """A matplotlib Figure drawn on an ipympl canvas widget (toolbar hidden)."""
    from ipympl.backend_nbagg import Canvas, FigureManager

    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    canvas = Canvas(fig)
    FigureManager(canvas, 0)
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.toolbar_visible = False
    canvas.resizable = False
    canvas.capture_scroll = False
    # ipympl 0.10.0 stores the PNG of a draw made before the front end is up as bare
    # base64, which JupyterLab cannot load: the figure would never appear (found by
    # tests/test_browser.py). The front end asks for its own image when it connects.
    canvas.syncing_data_url = False
    return fig


def builtin(slug, name):
    """The instructor's solution ``name`` of the module whose visualizations are
    ``course/viz/<slug>.py``, from ``solutions/<slug>.py`` (generated from the source
    notebook's answer cells by ``tools/make_solutions.py``), or ``None`` where that package
    cannot be imported: the grading sandbox binds only ``course`` and ``autograder``,
    so graded code (and the pictures drawn while grading) never get a working solution.
    """
    import importlib

    try:
        module = importlib.import_module(f"solutions.{slug}")
    except ImportError:
        return None
    return getattr(module, name)


def learner_function(fn, probe, builtin=None):
    """``(function, note)``: the learner's ``fn`` if ``probe(fn)`` runs, else ``builtin``.

    Visualizations can draw with the learner's own code. A function that is
    missing, not written yet (``NotImplementedError``) or failing on the probe
    is replaced by ``builtin`` (``None`` if the caller handles that), and
    ``note`` is a sentence for the status line saying so: a learner's bug must
    not break the picture, and must not hide silently either.
    """
    if fn is None:
        return builtin, ""
    name = getattr(fn, "__name__", "your function")
    try:
        probe(fn)
    except NotImplementedError:
        return builtin, f"<br><i>{name} is not written yet: showing the built-in one.</i>"
    except Exception as exc:  # noqa: BLE001 - a learner's bug must not break the picture
        return builtin, (f"<br><i>{name} failed ({type(exc).__name__}: {exc}): "
                         f"showing the built-in one.</i>")
    return fn, ""


def freeze_layout(target, widest=None):
    """Lay the figure out once, then keep that layout for every update.

    Constrained layout costs more than a redraw, and a visualization's axes
    never change size. ``target`` is an ``Explorer`` (redrawn in its real
    state afterwards, and returned) or a bare ``Figure``. ``widest()``, if
    given, first sets the limits whose tick labels need the most room. Axis
    labels get fixed positions too, or every draw measures every tick label
    to place them.
    """
    fig = target.fig if isinstance(target, Explorer) else target
    if widest is not None:
        widest()
    fig.canvas.draw()
    fig.set_layout_engine("none")
    for ax in fig.axes:
        to_axes = ax.transAxes.inverted()
        _, y_px = ax.xaxis.label.get_position()      # x in axes units, y in pixels
        ax.xaxis.set_label_coords(0.5, to_axes.transform((0.0, y_px))[1])
        x_px, _ = ax.yaxis.label.get_position()      # x in pixels, y in axes units
        ax.yaxis.set_label_coords(to_axes.transform((x_px, 0.0))[0], 0.5)
    if isinstance(target, Explorer):
        target.update()
    return target


class Explorer(widgets.VBox):
    """Controls, a one-line status and one figure, redrawn in place.

    ``controls`` maps names to value widgets (sliders, dropdowns, Play...);
    ``draw(**values)`` updates the figure's artists from the current values and
    may return a status string shown under the controls. ``buttons`` maps
    names to ``(Button, callback)``; each click runs its callback, then redraws.

    Tests and notebooks drive it from Python: ``ex.controls["w1"].value = 2``
    or ``ex.set(w1=2, b=0)`` (one redraw), ``ex.click("step")``.
    """

    def __init__(self, controls, fig, draw, buttons=None, title=None):
        self.controls = dict(controls)
        self.fig = fig
        self.buttons = {}
        self.status = widgets.HTML()
        self._draw = draw
        self._held = False
        self.updates = 0
        for ctrl in self.controls.values():
            ctrl.observe(self._on_change, names="value")
        for name, (button, callback) in (buttons or {}).items():
            self.buttons[name] = button
            button.on_click(self._clicked(callback))
        rows = [widgets.HBox(list(self.controls.values())[i:i + 3])
                for i in range(0, len(self.controls), 3)]
        if self.buttons:
            rows.append(widgets.HBox(list(self.buttons.values())))
        head = [widgets.HTML(f"<b>{title}</b>")] if title else []
        super().__init__(head + rows + [self.status, fig.canvas])
        self.update()

    # -- driving it -----------------------------------------------------
    @property
    def values(self):
        return {name: ctrl.value for name, ctrl in self.controls.items()}

    def set(self, **values):
        """Set several controls at once with a single redraw."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise KeyError(f"no control named {sorted(unknown)}; controls: {sorted(self.controls)}")
        with self.hold():
            for name, value in values.items():
                self.controls[name].value = value
        self.update()

    @contextlib.contextmanager
    def hold(self):
        """Change controls without redrawing for each (the caller redraws once)."""
        held, self._held = self._held, True
        try:
            yield self
        finally:
            self._held = held

    def click(self, name):
        """Press the button ``name`` as a learner would."""
        self.buttons[name].click()

    def update(self):
        text = self._draw(**self.values)
        if text is not None:
            self.status.value = text
        self.updates += 1
        self.fig.canvas.draw_idle()

    def render(self):
        """Draw now with Agg and return the RGBA pixels (for tests and pictures)."""
        self.fig.canvas.draw()
        return np.asarray(self.fig.canvas.buffer_rgba()).copy()

    # -- plumbing ---------------------------------------------------------
    def _on_change(self, _change):
        if not self._held:
            self.update()

    def _clicked(self, callback):
        def run(_button):
            callback()
            self.update()
        return run


def slider(value, lo, hi, step, description, readout_format=".2f"):
    """A float slider with the course's look."""
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                               readout_format=readout_format, continuous_update=True,
                               style={"description_width": "initial"},
                               layout=widgets.Layout(width="260px"))


def int_slider(value, lo, hi, description, step=1):
    return widgets.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                             continuous_update=True, style={"description_width": "initial"},
                             layout=widgets.Layout(width="260px"))


def dropdown(options, value, description):
    return widgets.Dropdown(options=options, value=value, description=description,
                            style={"description_width": "initial"},
                            layout=widgets.Layout(width="260px"))


def button(description, icon=""):
    return widgets.Button(description=description, icon=icon,
                          layout=widgets.Layout(width="110px"))
