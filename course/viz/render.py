"""Drawing helpers the visualizations share (each ``viz/<module>.py`` imports
these and ``viz.base``, never another visualization file).

- ``TextLayer``: many short labels drawn as small images from a glyph cache
  (Matplotlib's own text costs about 2 ms a line per draw);
- ``RasterImage``: an image that fills an axes, painted directly by the renderer;
- ``Backdrop``: the static part of a figure baked into one stored image, so a
  redraw paints only the artists that change;
- ``one_blas_thread()``: small matrix products on one BLAS thread;
- ``curves``: a static figure comparing training runs (notebooks 07 and 10).
"""
import contextlib

import numpy as np

from .base import new_figure

__all__ = ["TextLayer", "RasterImage", "Backdrop", "one_blas_thread", "curves"]

_BLAS = {}


def one_blas_thread():
    """Run small matrix products on one BLAS thread: with two, OpenBLAS's idle
    threads keep spinning after each product and double the cost of a redraw.
    (The controller is found once; each use then costs microseconds.)"""
    if "controller" not in _BLAS:
        try:
            from threadpoolctl import ThreadpoolController
            _BLAS["controller"] = ThreadpoolController()
        except Exception:  # noqa: BLE001 - optional: without it things are only slower
            _BLAS["controller"] = None
    if _BLAS["controller"] is None:
        return contextlib.nullcontext()
    return _BLAS["controller"].limit(limits=1, user_api="blas")


# =====================================================================================
# fast text: glyphs rendered once, copied into place with NumPy
# =====================================================================================
# Matplotlib (3.11) spends about 2 ms laying out and rasterising each line of
# text on every draw; a graph with twenty labelled boxes would blow the 50 ms
# budget on text alone. ``TextLayer`` draws many short labels as small images
# built from a cache of glyph masks: each character is rasterised once per
# size (by Matplotlib itself, so it looks the same), after which a label costs
# a few NumPy copies.
_GLYPHS = {}          # (char, size px, bold) -> (mask (h, w) uint8, pad, advance px)
_LINES = {}           # (line, size px, bold) -> (mask, pad, width px)
_CELL = {}            # (size px, bold) -> (cell height, baseline row)


def _glyph_font(bold):
    from matplotlib.font_manager import FontProperties, findfont, get_font
    return get_font(findfont(FontProperties(weight="bold" if bold else "normal")))


def _cache_glyphs(chars, size, bold):
    """Rasterise the missing ``chars`` at ``size`` px in one Agg draw."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    missing = sorted({c for c in chars if (c, size, bold) not in _GLYPHS})
    if not missing:
        return
    font = _glyph_font(bold)
    font.set_size(size, 72)
    adv = []
    for c in missing:
        try:
            adv.append(font.load_char(ord(c)).linearHoriAdvance / 65536)
        except Exception:  # noqa: BLE001 - a character the font lacks: a blank box
            adv.append(size * 0.6)
    pad = int(size * 0.4) + 2
    height = int(np.ceil(size * 1.6)) + 2 * pad
    base = pad + int(np.ceil(size * 1.05))            # baseline row from the top
    widths = [int(np.ceil(a)) + 2 * pad for a in adv]
    total = sum(widths)
    fig = Figure(figsize=(total / 72, height / 72), dpi=72)
    fig.patch.set_alpha(0.0)
    x = 0
    for c, w in zip(missing, widths):
        fig.text((x + pad) / total, 1 - base / height, c, fontsize=size, color="black",
                 fontweight="bold" if bold else "normal", ha="left", va="baseline")
        x += w
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    alpha = np.asarray(canvas.buffer_rgba())[..., 3]
    x = 0
    for c, w, a in zip(missing, widths, adv):
        _GLYPHS[(c, size, bold)] = (alpha[:, x:x + w].copy(), pad, a)
        x += w
    _CELL[(size, bold)] = (height, base)


def _line_mask(line, size, bold):
    """``(mask, pad, width)`` of one line: glyph masks side by side (no kerning)."""
    key = (line, size, bold)
    if key in _LINES:
        return _LINES[key]
    _cache_glyphs(line, size, bold)
    glyphs = [_GLYPHS[(c, size, bold)] for c in line]
    pad = glyphs[0][1] if glyphs else 2
    width = sum(g[2] for g in glyphs)
    height = _CELL.get((size, bold), (int(size * 1.6) + 2 * pad, 0))[0]
    mask = np.zeros((height, int(np.ceil(width)) + 2 * pad + 2), np.uint8)
    pen = float(pad)
    for g, gpad, a in glyphs:
        x0 = int(round(pen)) - gpad
        part = mask[:, x0:x0 + g.shape[1]]
        np.maximum(part, g[:, :part.shape[1]], out=part)
        pen += a
    if len(_LINES) > 4000:
        _LINES.clear()
    _LINES[key] = (mask, pad, width)
    return _LINES[key]


def _rgba(color):
    from matplotlib.colors import to_rgba
    return np.array(to_rgba(color)) * 255


class TextLayer:
    """Short labels drawn fast on top of a figure (see the note above).

    ``set(key, text, x, y, transform=..., size=9, color=..., ha=, va=, bold=,
    bg=None)`` adds or changes a label (``"\\n"`` splits lines); ``hide(key)``
    removes it. ``items`` maps keys to the label dicts (tests read them).
    Coordinates go through ``transform`` (e.g. ``ax.transData``).
    """

    def __init__(self, fig):
        from matplotlib.artist import Artist

        layer = self

        class _Artist(Artist):
            def draw(self, renderer):
                if self.get_visible():
                    layer._draw(renderer)

        self.items = {}
        self.artist = _Artist()
        self.artist.set_zorder(20)
        fig.add_artist(self.artist)

    def set(self, key, text, x, y, transform, size=9.0, color="#222222", ha="center",
            va="center", bold=False, bg=None):
        self.items[key] = dict(text=str(text), x=x, y=y, transform=transform, size=size,
                               color=color, ha=ha, va=va, bold=bold, bg=bg)
        self.artist.stale = True

    def hide(self, key):
        if self.items.pop(key, None) is not None:
            self.artist.stale = True

    def texts(self):
        """Every label's text, by key."""
        return {k: v["text"] for k, v in self.items.items()}

    def _draw(self, renderer):
        scale = renderer.dpi / 72.0
        gc = renderer.new_gc()
        try:
            for item in self.items.values():
                if not item["text"]:
                    continue
                image, left, bottom = self._image(item, scale)
                renderer.draw_image(gc, left, bottom, image)
        finally:
            gc.restore()

    def _image(self, item, scale):
        size = round(item["size"] * scale * 2) / 2          # half-pixel steps share the cache
        bold = item["bold"]
        lines = [_line_mask(line, size, bold) for line in item["text"].split("\n")]
        height, base = _CELL[(size, bold)] if (size, bold) in _CELL else (lines[0][0].shape[0], 0)
        pad = lines[0][1]
        step = int(round(size * 1.25))
        width = max(int(np.ceil(w)) for _, _, w in lines)
        total_h = height + step * (len(lines) - 1)
        canvas = np.zeros((total_h, width + 2 * pad + 2), np.uint8)
        for k, (mask, _, w) in enumerate(lines):
            shift = {"left": 0, "right": width - w}.get(item["ha"], (width - w) / 2)
            x0 = int(round(shift))
            part = canvas[k * step:k * step + height, x0:x0 + mask.shape[1]]
            np.maximum(part, mask[:, :part.shape[1]], out=part)
        px, py = item["transform"].transform((item["x"], item["y"]))
        first_base = base                                  # row of the first baseline
        n = len(lines)
        va = item["va"]
        if va == "center":
            # centre of the block of lines sits at py (digits/capitals centred)
            top_to_py = first_base - 0.36 * size + step * (n - 1) / 2
        elif va == "top":
            top_to_py = first_base - 0.95 * size
        elif va == "bottom":
            top_to_py = first_base + step * (n - 1) + 0.26 * size
        else:  # baseline
            top_to_py = first_base
        ha = item["ha"]
        x_text = {"left": 0.0, "right": width}.get(ha, width / 2)
        left = int(round(px - pad - x_text))
        top = py + top_to_py                           # display y of the canvas' top row
        color = _rgba(item["color"])
        image = np.zeros(canvas.shape + (4,), np.uint8)
        a = canvas.astype(np.float32) / 255.0 * (color[3] / 255.0)
        if item["bg"] is not None:
            bg = _rgba(item["bg"])
            rows = slice(max(int(first_base - 1.05 * size), 0),
                         min(int(first_base + step * (n - 1) + 0.4 * size), canvas.shape[0]))
            cols = slice(max(pad - 3, 0), min(pad + width + 3, canvas.shape[1]))
            under = np.zeros(canvas.shape, np.float32)
            under[rows, cols] = bg[3] / 255.0
            rgb = (color[:3] * a[..., None] + bg[:3] * (under * (1 - a))[..., None])
            alpha = a + under * (1 - a)
            image[..., :3] = np.where(alpha[..., None] > 0,
                                      rgb / np.maximum(alpha, 1e-6)[..., None], 0)
            image[..., 3] = alpha * 255
        else:
            image[..., :3] = color[:3]
            image[..., 3] = a * 255
        bottom = int(round(top - canvas.shape[0]))
        return image[::-1].copy(), left, bottom


class RasterImage:
    """A 2-D array shown as an image filling its axes, resampled by NumPy.

    Matplotlib's image path (normalise, resample, composite) costs about 5 ms
    per image per draw; here the array is upsampled straight to the axes'
    pixel size (bilinear or nearest) and coloured through a 256-entry lookup
    table, about 1 ms. NaN is drawn transparent. ``set_data``/``get_array``
    as for ``AxesImage``; row 0 of the array is the bottom of the axes when
    ``origin="lower"``.
    """

    def __init__(self, ax, data, cmap, vmin, vmax, interpolation="bilinear", origin="lower"):
        from matplotlib.artist import Artist

        layer = self

        class _Artist(Artist):
            def draw(self, renderer):
                if self.get_visible():
                    layer._draw(renderer)

        self.ax = ax
        self.cmap, self.vmin, self.vmax = cmap, vmin, vmax
        self.interpolation, self.origin = interpolation, origin
        self.lut = (cmap(np.linspace(0, 1, 256)) * 255).round().astype(np.uint8)
        self._data = np.asarray(data, float)
        self.artist = _Artist()
        self.artist.set_zorder(0.5)
        self.artist.axes = ax
        self.artist.set_figure(ax.figure)
        ax.add_artist(self.artist)
        self._cached = None

    def set_data(self, data):
        self._data = np.asarray(data, float)
        self._cached = None
        self.artist.stale = True

    def get_array(self):
        return self._data

    @staticmethod
    def _linear(n_out, n_in):
        """Source indices and weights to resample n_in samples at n_out pixel centres."""
        pos = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
        lo = np.floor(pos).astype(int)
        return lo, np.minimum(lo + 1, n_in - 1), (pos - lo).astype(np.float32)

    def rgba(self, width, height):
        """The image at ``width`` x ``height`` pixels, top row first (uint8 RGBA)."""
        key = (width, height)
        if self._cached is not None and self._cached[0] == key:
            return self._cached[1]
        z = self._data if self.origin == "upper" else self._data[::-1]
        scale = 255.0 / (self.vmax - self.vmin)
        if self.interpolation == "nearest":
            # colour the small array, then repeat its pixels
            nan = np.isnan(z)
            idx = np.clip((np.where(nan, self.vmin, z) - self.vmin) * scale + 0.5, 0, 255)
            small = self.lut[idx.astype(np.uint8)]
            small[nan] = 0
            rows = np.minimum(((np.arange(height) + 0.5) * z.shape[0] / height).astype(int),
                              z.shape[0] - 1)
            cols = np.minimum(((np.arange(width) + 0.5) * z.shape[1] / width).astype(int),
                              z.shape[1] - 1)
            image = small[rows][:, cols]
        else:
            # separable linear interpolation by gathers (no BLAS: see _one_blas_thread)
            z = z.astype(np.float32)
            r0, r1, fr = self._linear(height, z.shape[0])
            c0, c1, fc = self._linear(width, z.shape[1])
            rows = z[r0] + (z[r1] - z[r0]) * fr[:, None]
            up = rows[:, c0] + (rows[:, c1] - rows[:, c0]) * fc[None, :]
            up -= self.vmin
            up *= scale
            up += 0.5
            np.clip(up, 0, 255, out=up)
            image = self.lut[up.astype(np.uint8)]
        self._cached = (key, image)
        return image

    def _draw(self, renderer):
        box = self.ax.bbox
        width, height = int(round(box.width)), int(round(box.height))
        if width < 1 or height < 1:
            return
        gc = renderer.new_gc()
        try:
            renderer.draw_image(gc, int(round(box.x0)), int(round(box.y0)),
                                self.rgba(width, height)[::-1].copy())
        finally:
            gc.restore()


class Backdrop:
    """Paint the parts of a figure that do not change as one stored image.

    A full matplotlib draw re-renders every tick label, and that is most of a
    redraw's cost. ``bake(key)`` renders the figure once without the
    ``dynamic`` artists, keeps the pixels, and hides every other artist; each
    later draw paints the pixels and then the dynamic artists only. A new
    ``key`` (axis limits, scales: whatever changes the static part) bakes
    again. If the figure's size or dpi changed behind its back (ipympl sets the
    screen's pixel ratio), the hidden artists come back for that draw.
    """

    def __init__(self, fig, dynamic):
        from matplotlib.artist import Artist

        backdrop = self

        class _Painter(Artist):
            def draw(self, renderer):
                backdrop._paint(renderer)

        self.fig, self.dynamic = fig, list(dynamic)
        self.key, self.image, self.hidden = None, None, []
        self.painter = _Painter()
        self.painter.set_zorder(-1000)
        fig.add_artist(self.painter)
        self.bakes = 0

    def _size(self):
        return (self.fig.dpi, tuple(np.round(self.fig.bbox.size).astype(int)))

    def _statics(self):
        ids = {id(a) for a in self.dynamic}
        out = [t for t in self.fig.texts if id(t) not in ids]
        for ax in self.fig.axes:
            out += [a for a in ax.get_children() if id(a) not in ids]
        return [a for a in out if a.get_visible()]

    def release(self):
        """Show the static artists again (a normal, slow draw)."""
        for a in self.hidden:
            a.set_visible(True)
        self.hidden, self.image, self.key = [], None, None

    def bake(self, key):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        full = (key, self._size())
        if full == self.key and self.image is not None:
            return
        self.release()
        shown = [a for a in self.dynamic if a.get_visible()]
        for a in shown:
            a.set_visible(False)
        try:
            FigureCanvasAgg.draw(self.fig.canvas)      # render only: nothing is sent
            self.image = np.asarray(self.fig.canvas.buffer_rgba()).copy()
        finally:
            for a in shown:
                a.set_visible(True)
        self.hidden = self._statics()
        for a in self.hidden:
            a.set_visible(False)
        self.key = full
        self.bakes += 1

    def _paint(self, renderer):
        if self.image is None:
            return
        if self.key[1] != self._size() or self.image.shape[:2] != (int(renderer.height),
                                                                   int(renderer.width)):
            self.release()      # the hidden artists draw themselves in this same pass
            return
        gc = renderer.new_gc()
        renderer.draw_image(gc, 0, 0, self.image[::-1])
        gc.restore()


def curves(runs, metric="val_loss", title=None, ylabel=None, log=False, width=6.0, height=3.2):
    """A static figure comparing runs: ``runs`` maps a label to a history (or to
    a list of values per epoch); one line of ``metric`` per run. Returns the
    figure's canvas widget (display it as a cell's last expression).

    Example::

        curves({"lr=1e-3": run_a, "lr=1e-2": run_b})      # histories, or lists of values
    """
    fig = new_figure(width, height)
    ax = fig.add_subplot()
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
    for i, (label, run) in enumerate(runs.items()):
        values = np.asarray(run[metric] if isinstance(run, dict) else run, float)
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", ms=3, lw=1.5,
                color=colors[i % len(colors)], label=str(label))
    ax.set(xlabel="epoch", ylabel=ylabel or metric.replace("_", " "), title=title or "")
    if log:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    fig.canvas.draw()
    return fig.canvas
