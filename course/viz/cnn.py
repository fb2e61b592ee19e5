"""Visualizations for 09_cnn: a kernel sliding over a real handwritten digit,
and what a trained convolutional network sees inside.

- ``convolution_explorer``: one digit from scikit-learn's digits, a kernel
  (identity, edges, sharpen, blur, emboss, outline or your own), stride and
  padding; it draws the padded input, the kernel as it slides, the feature
  map, and walks one window across the image while the status works out the
  output size formula and the window's sum;
- ``feature_map_viewer``: a test digit pushed through a CNN (yours once it is
  trained); the first layer's filters, the feature maps of any layer and the
  predicted class probabilities, with shifts of the input to watch the maps
  move with it.

Helpers: ``KERNELS`` (the preset 3x3 kernels), ``correlate2d`` (the built-in
single-channel cross-correlation), ``shift_image`` (move an image by whole
pixels, filling with zeros) and ``mosaic`` (tile a stack of maps into one
picture). The recipe's split is ``course.data.digits(split, scheme="train/test")``.
"""
import math

import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from .. import data
from .render import TextLayer
from .base import (Explorer, dropdown, freeze_layout, int_slider, learner_function, new_figure,
                   visualization)

MODULE = "09_cnn"
__all__ = ["convolution_explorer", "feature_map_viewer", "KERNELS", "correlate2d",
           "shift_image", "mosaic"]

#: Preset 3x3 kernels, as nn.Conv2d would hold them (cross-correlation weights).
KERNELS = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], float),
    "edge x (Sobel)": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float),
    "edge y (Sobel)": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], float),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], float),
    "blur (Gaussian)": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], float) / 16,
    "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], float),
    "outline (Laplacian)": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], float),
}
OPERATIONS = ("cross-correlation (nn.Conv2d)", "true convolution (kernel flipped)")
MAX_PAD = 2
MAX_STRIDE = 3
SHIFTS = [(dx, dy) for dx in range(-2, 3) for dy in range(-2, 3)]
PRECOMPUTE_FLOATS = 20_000_000   # feature-map values cached up front by feature_map_viewer
MAX_LABELLED = 7          # kernels up to 7x7 get their numbers written on them
PAD_RGB = np.array([0.80, 0.88, 0.97])   # padding cells: pale blue zeros


def correlate2d(image, kernel, stride=1, padding=0):
    """Cross-correlation of one 2-D ``image`` (H, W) with one 2-D ``kernel``
    (kH, kW): ``out[i, j] = sum_ab image_pad[i*stride + a, j*stride + b] * kernel[a, b]``,
    zero padding on every side. Returns (H_out, W_out) float64 (possibly empty).
    """
    image = np.pad(np.asarray(image, float), padding)
    kernel = np.asarray(kernel, float)
    kh, kw = kernel.shape
    oh = (image.shape[0] - kh) // stride + 1
    ow = (image.shape[1] - kw) // stride + 1
    if oh <= 0 or ow <= 0:
        return np.zeros((max(oh, 0), max(ow, 0)))
    out = np.zeros((oh, ow))
    for a in range(kh):
        for b in range(kw):
            out += kernel[a, b] * image[a:a + stride * (oh - 1) + 1:stride,
                                        b:b + stride * (ow - 1) + 1:stride]
    return out


def shift_image(image, dx=0, dy=0):
    """``image`` (H, W) moved ``dx`` pixels right and ``dy`` down; what moves in is zero."""
    image = np.asarray(image)
    out = np.zeros_like(image)
    h, w = image.shape
    if abs(dx) >= w or abs(dy) >= h:
        return out
    src = image[max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)]
    out[max(0, dy):max(0, dy) + src.shape[0], max(0, dx):max(0, dx) + src.shape[1]] = src
    return out


def mosaic(maps, cols=None, gap=1):
    """Tile ``maps`` (C, h, w) into one (rows*(h+gap)-gap, cols*(w+gap)-gap)
    array, row by row, with NaN in the gaps and unused tiles. Returns
    ``(picture, cols)``."""
    maps = np.asarray(maps, float)
    c, h, w = maps.shape
    cols = cols or max(1, math.ceil(math.sqrt(c)))
    rows = max(1, math.ceil(c / cols))
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan)
    for k in range(c):
        r, q = divmod(k, cols)
        out[r * (h + gap):r * (h + gap) + h, q * (w + gap):q * (w + gap) + w] = maps[k]
    return out, cols


def _probe_conv(conv):
    out = np.asarray(conv(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), np.zeros(1), 1, 0),
                     dtype=float)
    if out.shape != (1, 1, 2, 2):
        raise ValueError(f"returned shape {out.shape} for a (1, 1, 3, 3) input and a 2x2 "
                         f"kernel, expected (1, 1, 2, 2)")


def _grid_segments(h, w, x0=-0.5, y0=-0.5):
    """Cell borders of an h x w grid of unit cells starting at (x0, y0)."""
    segs = [[(x0 + j, y0), (x0 + j, y0 + h)] for j in range(w + 1)]
    segs += [[(x0, y0 + i), (x0 + w, y0 + i)] for i in range(h + 1)]
    return segs


def _fmt(v):
    v = float(v)
    if v == 0:
        return "0"
    if abs(v - round(v)) < 1e-9 and abs(v) < 1000:
        return f"{int(round(v))}"
    return f"{v:.2f}" if abs(v) >= 0.01 else f"{v:.0e}"


@visualization(MODULE)
def convolution_explorer(conv=None, images=None, labels=None, kernel=None, index=0,
                         preset="edge x (Sobel)", stride=1, padding=1):
    """A kernel sliding over a real handwritten digit.

    Left: the input (a digit from scikit-learn's digits, ink dark) with its
    zero padding drawn in pale blue and the original border dashed; the red
    square is the window that produces the highlighted output pixel. Middle:
    the kernel as it slides over the input (flipped when "true convolution"
    is picked), numbers written on it. Right: the feature map (red positive,
    blue negative) with the same pixel outlined. The status works out the
    output size ``floor((n + 2p - k)/s) + 1`` for the current numbers and the
    window's sum of products.

    Arguments: ``conv`` the learner's ``conv2d_forward(X, W, b, stride,
    padding)`` (default: the built-in cross-correlation; if the learner's
    raises, the built-in one is shown and the status says why); ``images``
    (n, H, W) and ``labels`` (default: the first 100 digits); ``kernel`` a 2-D
    array offered as the preset "custom" (and picked first); ``index``,
    ``preset``, ``stride`` and ``padding`` are the controls' first values.

    Example::

        from course.viz.cnn import convolution_explorer
        convolution_explorer(conv=conv2d_forward)    # try stride 2 with padding 0, 1, 2
    """
    conv, note = learner_function(conv, _probe_conv)
    if images is None:
        X, y = data.digits()
        images, labels = X[:100], y[:100]
    images = np.asarray(images, float)
    labels = None if labels is None else np.asarray(labels)
    kernels = dict(KERNELS)
    if kernel is not None:
        kernels = {"custom": np.atleast_2d(np.asarray(kernel, float)), **kernels}
        preset = "custom"
    H, W = images.shape[1:]
    kmax = max(max(k.shape) for k in kernels.values())
    n_out_max = max(H, W) + 2 * MAX_PAD  # a 1x1 kernel with the largest padding

    fig = new_figure(9.0, 3.5)
    ax_in, ax_k, ax_out = fig.subplots(1, 3, width_ratios=(H + 2 * MAX_PAD, kmax + 1.5,
                                                             n_out_max))
    for ax in (ax_in, ax_k, ax_out):
        ax.set_xticks([])
        ax.set_yticks([])
    # input: an RGB picture over the largest padded area; cells beyond the padding stay blank
    ext_in = (-MAX_PAD - 0.5, W + MAX_PAD - 0.5, H + MAX_PAD - 0.5, -MAX_PAD - 0.5)
    im_in = ax_in.imshow(np.ones((H + 2 * MAX_PAD, W + 2 * MAX_PAD, 4)), extent=ext_in,
                         interpolation="nearest")
    ax_in.set_xlim(ext_in[:2])
    ax_in.set_ylim(ext_in[2:])
    ax_in.add_collection(LineCollection(_grid_segments(H + 2 * MAX_PAD, W + 2 * MAX_PAD,
                                                       -MAX_PAD - 0.5, -MAX_PAD - 0.5),
                                        colors="0.85", linewidths=0.4))
    ax_in.add_patch(Rectangle((-0.5, -0.5), W, H, fill=False, ls="--", lw=1.2, ec="0.35"))
    window_patch = ax_in.add_patch(Rectangle((-0.5, -0.5), 3, 3, fill=False, lw=2.2,
                                             ec="#d62728"))
    # every label goes through the fast text layer (Matplotlib text costs ~1-2 ms a line)
    text = TextLayer(fig)
    for ax in (ax_in, ax_k, ax_out):
        ax.set_title("input", fontsize=10)

    im_k = ax_k.imshow(np.zeros((3, 3)), cmap="RdBu_r", vmin=-1, vmax=1,
                       interpolation="nearest", extent=(-0.5, 2.5, 2.5, -0.5))
    ax_k.set_xlim(-0.5 - 0.75, kmax - 0.5 + 0.75)
    ax_k.set_ylim(kmax - 0.5 + 0.75, -0.5 - 0.75)
    k_grid = ax_k.add_collection(LineCollection([], colors="0.5", linewidths=0.6))
    for spine in ax_k.spines.values():
        spine.set_visible(False)

    im_out = ax_out.imshow(np.zeros((1, 1)), cmap="RdBu_r", vmin=-1, vmax=1,
                           interpolation="nearest", extent=(-0.5, 0.5, 0.5, -0.5))
    ax_out.set_xlim(-0.5, n_out_max - 0.5)
    ax_out.set_ylim(n_out_max - 0.5, -0.5)
    out_grid = ax_out.add_collection(LineCollection([], colors="0.8", linewidths=0.4))
    cell = ax_out.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, lw=2.2, ec="#d62728"))
    gray = colormaps["gray_r"]

    kh0, kw0 = kernels[preset].shape
    n_pos0 = (max((H + 2 * padding - kh0) // stride + 1, 0)
              * max((W + 2 * padding - kw0) // stride + 1, 0))
    pos = int_slider(0, 0, max(n_pos0 - 1, 1), "window")
    controls = {
        "image": int_slider(index, 0, len(images) - 1, "image"),
        "kernel": dropdown(list(kernels), preset, "kernel"),
        "operation": dropdown(list(OPERATIONS), OPERATIONS[0], "operation"),
        "stride": int_slider(stride, 1, MAX_STRIDE, "stride"),
        "padding": int_slider(padding, 0, MAX_PAD, "padding"),
        "window": pos,
    }
    state = {"explorer": None}

    def feature_map(img, k, s, p):
        builtin = correlate2d(img, k, s, p)
        if conv is None or builtin.size == 0:
            return builtin, ""
        try:
            out = np.asarray(conv(img[None, None], k[None, None], np.zeros(1), s, p), float)
            out = out.reshape(builtin.shape)
        except Exception as exc:  # noqa: BLE001 - show the built-in map and say why
            return builtin, (f"<br><i>{getattr(conv, '__name__', 'your function')} failed here "
                             f"({type(exc).__name__}: {exc}): showing the built-in map.</i>")
        gap = float(np.max(np.abs(out - builtin)))
        flag = "" if gap < 1e-9 else " &nbsp;<b>differs from the built-in one!</b>"
        return out, (f"<br>feature map computed by <b>your "
                     f"{getattr(conv, '__name__', 'function')}</b>: largest difference from the "
                     f"built-in one {gap:.1e}{flag}")

    def set_window_range(n_pos):
        # keep the window slider inside the feature map without a second redraw
        top = max(n_pos - 1, 1)        # an IntSlider needs max > min to be movable
        ex = state["explorer"]
        if pos.max != top and ex is not None:
            with ex.hold():
                pos.max = top
        return min(pos.value, max(n_pos - 1, 0))

    def draw(image, kernel, operation, stride, padding, window):
        img = images[image]
        k_raw = kernels[kernel]
        flip = operation == OPERATIONS[1]
        k = k_raw[::-1, ::-1] if flip else k_raw
        kh, kw = k.shape
        s, p = stride, padding
        oh = (H + 2 * p - kh) // s + 1
        ow = (W + 2 * p - kw) // s + 1
        out, conv_note = feature_map(img, k, s, p)
        window = set_window_range(max(oh, 0) * max(ow, 0))

        # input with its padding
        rgba = np.ones((H + 2 * MAX_PAD, W + 2 * MAX_PAD, 4))
        rgba[..., 3] = 0.0
        off = MAX_PAD - p
        rgba[off:off + H + 2 * p, off:off + W + 2 * p, :3] = PAD_RGB
        rgba[off:off + H + 2 * p, off:off + W + 2 * p, 3] = 1.0
        lo, hi = float(img.min()), float(img.max())
        norm = (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)
        rgba[MAX_PAD:MAX_PAD + H, MAX_PAD:MAX_PAD + W] = gray(norm)
        im_in.set_data(rgba)
        label = "" if labels is None else f" (label {labels[image]})"
        text.set("title_in", f"input {H}×{W}, padding {p}{label}", 0.5, 1.02, ax_in.transAxes,
                 size=10, va="bottom")

        # kernel as it slides
        kmag = max(float(np.abs(k).max()), 1e-12)
        im_k.set_data(k)
        ky0, kx0 = (kmax - kh) / 2 - 0.5, (kmax - kw) / 2 - 0.5
        im_k.set_extent((kx0, kx0 + kw, ky0 + kh, ky0))
        im_k.set_clim(-kmag, kmag)
        k_grid.set_segments(_grid_segments(kh, kw, kx0, ky0))
        for i in range(MAX_LABELLED):
            for j in range(MAX_LABELLED):
                if i < kh and j < kw and kh <= MAX_LABELLED and kw <= MAX_LABELLED:
                    text.set(("k", i, j), _fmt(k[i, j]), kx0 + 0.5 + j, ky0 + 0.5 + i,
                             ax_k.transData, size=9,
                             color="white" if abs(k[i, j]) > 0.6 * kmag else "black")
                else:
                    text.hide(("k", i, j))
        text.set("title_k", f"kernel {kh}×{kw}" + (" (flipped)" if flip else ""), 0.5, 1.02,
                 ax_k.transAxes, size=10, va="bottom")

        # feature map
        if out.size:
            mag = max(float(np.abs(out).max()), 1e-12)
            im_out.set_data(out)
            im_out.set_clim(-mag, mag)
            # centred in a fixed field, so a smaller map looks smaller
            y0, x0 = (n_out_max - oh) / 2 - 0.5, (n_out_max - ow) / 2 - 0.5
            im_out.set_extent((x0, x0 + ow, y0 + oh, y0))
            out_grid.set_segments(_grid_segments(oh, ow, x0, y0))
            r, c = divmod(window, ow)
            cell.set_xy((x0 + c, y0 + r))
            window_rect = (c * s - p - 0.5, r * s - p - 0.5)
            cell.set_visible(True)
        else:
            im_out.set_data(np.full((1, 1), np.nan))
            out_grid.set_segments([])
            cell.set_visible(False)
            r = c = 0
            window_rect = (-p - 0.5, -p - 0.5)
        window_patch.set_xy(window_rect)
        window_patch.set_width(kw)
        window_patch.set_height(kh)
        window_patch.set_visible(out.size > 0)
        text.set("title_out", f"feature map {max(oh, 0)}×{max(ow, 0)}", 0.5, 1.02,
                 ax_out.transAxes, size=10, va="bottom")

        # status: the formula with today's numbers, and the window's sum
        def formula(n, kk):
            return (f"⌊({n} + 2·{p} − {kk}) / {s}⌋ + 1 = ⌊{n + 2 * p - kk}/{s}⌋ + 1 = "
                    f"{(n + 2 * p - kk) // s + 1}")
        size = (f"output size ⌊(n + 2p − k)/s⌋ + 1: rows {formula(H, kh)}"
                + (f", columns {formula(W, kw)}" if (H, kh) != (W, kw) else " (same for columns)"))
        if out.size:
            pad_img = np.pad(img, p)
            patch = pad_img[r * s:r * s + kh, c * s:c * s + kw]
            terms = int(np.count_nonzero(patch * k))
            detail = (f"<br>window at output ({r}, {c}) covers padded rows "
                      f"{r * s}–{r * s + kh - 1}, "
                      f"columns {c * s}–{c * s + kw - 1}: sum of {kh * kw} products "
                      f"({terms} non-zero) = <b>{float(np.sum(patch * k)):.3f}</b>; "
                      f"feature map there {float(out[r, c]):.3f}")
        else:
            detail = "<br>the kernel is larger than the padded input: no output"
        return size + detail + conv_note + note

    ex = Explorer(controls, fig, draw, title="Convolution explorer")
    state["explorer"] = ex
    freeze_layout(ex.fig)
    for ax in (ax_in, ax_k, ax_out):
        ax.set_title("")          # the room stays; the text layer writes the titles
    ex.text = text
    ex.update()
    return ex


def _default_cnn():
    """An untrained (seeded) small CNN for digits: what ``feature_map_viewer``
    shows when it is given no model."""
    import torch
    from torch import nn

    gen_state = torch.random.get_rng_state()
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 2 * 2, 10))
    torch.random.set_rng_state(gen_state)   # leave the caller's random stream alone
    return model.eval()


class _Probe:
    """Runs a model on one image and records every leaf module's 4-D output."""

    def __init__(self, model):
        import torch

        self.torch = torch
        self.model = model
        self.layers = [(name, m) for name, m in model.named_modules()
                       if not list(m.children()) and name]
        try:
            self.device = next(model.parameters()).device
        except StopIteration:
            self.device = torch.device("cpu")

    def run(self, images):
        """``(logits (n, classes), {layer name: (n, channels, h, w) array})`` for
        images (n, H, W)."""
        torch = self.torch
        seen = {}
        hooks = [m.register_forward_hook(self._keep(seen, name)) for name, m in self.layers]
        was_training = self.model.training
        try:
            self.model.eval()
            x = torch.as_tensor(np.asarray(images, np.float32)[:, None], device=self.device)
            with torch.no_grad():
                logits = self.model(x)
        finally:
            for h in hooks:
                h.remove()
            self.model.train(was_training)
        return logits.detach().cpu().double().numpy().reshape(len(x), -1), seen

    @staticmethod
    def _keep(seen, name):
        def hook(_module, _inputs, output):
            if hasattr(output, "dim") and output.dim() == 4:
                seen[name] = output.detach().cpu().float().numpy()   # float32 keeps caches small
        return hook


@visualization(MODULE)
def feature_map_viewer(model=None, images=None, labels=None, index=0, layer=None,
                       max_maps=32):
    """What a convolutional network sees: filters, feature maps, prediction.

    Left: a test digit (shifted by whole pixels if you move the shift
    sliders). Next: the first convolution's filters, one tile each (red
    positive, blue negative weights). Next: the feature maps of the chosen
    layer, one tile per channel, on one shared colour scale (red/blue around
    zero when the layer can be negative, dark to bright after a ReLU or a
    pool). Right: the predicted class probabilities (softmax of the logits);
    the true class's bar is green. Shift the digit and watch the maps of the
    convolutions move with it (translation equivariance) while the prediction
    stays put (the pooling and the classifier make it nearly invariant).

    Arguments: ``model`` an ``nn.Module`` taking (N, 1, H, W) images and
    returning (N, classes) logits, on any device (default: an untrained,
    seeded small CNN: random filters, for comparison); ``images`` (n, H, W)
    and ``labels`` (default: the digits test split of the notebook's recipe);
    ``index`` and ``layer`` (a module name such as ``"features.0"``) are the
    controls' first values; at most ``max_maps`` channels are shown.

    Example::

        from course.viz.cnn import feature_map_viewer
        feature_map_viewer(model)     # model: your trained SmallCNN
    """
    trained = model is not None
    if model is None:
        model = _default_cnn()
    if images is None:
        images, labels = data.digits("test", scheme="train/test")
    images = np.asarray(images, np.float32)
    labels = None if labels is None else np.asarray(labels)
    probe = _Probe(model)
    logits0, maps0 = probe.run(images[index:index + 1])
    logits0, maps0 = logits0[0], {n: m[0] for n, m in maps0.items()}
    names = [name for name, _ in probe.layers if name in maps0]
    if not names:
        raise ValueError("the model has no layer with a 4-D (N, C, H, W) output to show")
    kinds = dict((name, type(m).__name__) for name, m in probe.layers)
    convs = [m for _, m in probe.layers if type(m).__name__ == "Conv2d"]
    options = [(f"{n} ({kinds[n]}) " + "×".join(str(d) for d in maps0[n].shape), n) for n in names]
    layer = layer if layer in names else names[0]
    n_classes = logits0.size

    fig = new_figure(10.0, 3.6)
    ax_img, ax_f, ax_m, ax_p = fig.subplots(1, 4, width_ratios=(1.0, 1.2, 1.8, 1.1))
    for ax in (ax_img, ax_f, ax_m):
        ax.set_xticks([])
        ax.set_yticks([])
    H, W = images.shape[1:]
    im_img = ax_img.imshow(np.zeros((H, W)), cmap="gray_r", vmin=0, vmax=1,
                           interpolation="nearest")
    text = TextLayer(fig)

    bad = colormaps["RdBu_r"].with_extremes(bad="white")
    if convs:
        w = convs[0].weight.detach().cpu().double().numpy()
        filt, _ = mosaic(w[:max_maps].mean(axis=1) if w.shape[1] > 1 else w[:max_maps, 0])
        fmag = max(float(np.nanmax(np.abs(filt))), 1e-12)
        ax_f.imshow(filt, cmap=bad, vmin=-fmag, vmax=fmag, interpolation="nearest")
        extra = " (mean over input channels)" if w.shape[1] > 1 else ""
        text.set("title_f", f"first-layer filters ({w.shape[0]}){extra}", 0.5, 1.02,
                 ax_f.transAxes, size=10, va="bottom")
    else:
        text.set("title_f", "no Conv2d layer", 0.5, 1.02, ax_f.transAxes, size=10, va="bottom")
    for spine in ax_f.spines.values():
        spine.set_visible(False)

    maps_cmaps = {True: bad, False: colormaps["magma"].with_extremes(bad="white")}
    im_m = ax_m.imshow(np.zeros((2, 2)), cmap=bad, interpolation="nearest")
    for spine in ax_m.spines.values():
        spine.set_visible(False)

    bars = ax_p.barh(np.arange(n_classes), np.zeros(n_classes), color="0.6")
    ax_p.set_xlim(0, 1)
    ax_p.set_ylim(n_classes - 0.5, -0.5)
    ax_p.set_yticks(np.arange(n_classes))
    ax_p.tick_params(labelleft=False, length=2)
    ax_p.set_xticks([])
    for k in range(n_classes):
        text.set(("class", k), str(k), -0.04, k, ax_p.get_yaxis_transform(), size=8, ha="right")
    text.set("title_p", "P(class): full width = 1", 0.5, 1.02, ax_p.transAxes, size=10,
             va="bottom")
    for ax in (ax_img, ax_f, ax_m, ax_p):
        ax.set_title("input", fontsize=10)     # reserves the room the text layer writes in

    controls = {
        "image": int_slider(index, 0, len(images) - 1, "test image"),
        "layer": dropdown(options, layer, "layer"),
        "shift_x": int_slider(0, -2, 2, "shift x"),
        "shift_y": int_slider(0, -2, 2, "shift y"),
    }
    # Forward passes are batched and cached, so that moving a slider rarely runs the model:
    # every unshifted image at once when that is small enough, and all 25 shifts of an
    # image in one batch the first time it is shifted.
    unshifted, shifted = {}, {}
    per_image = sum(m.size for m in maps0.values())
    for start in range(0, len(images) if per_image * len(images) <= PRECOMPUTE_FLOATS else 0, 512):
        logits, maps = probe.run(images[start:start + 512])
        for i in range(len(logits)):
            unshifted[start + i] = (images[start + i], logits[i],
                                    {n: m[i] for n, m in maps.items()})

    def forward(image, dx, dy):
        if (dx, dy) == (0, 0) and image in unshifted:
            return unshifted[image]
        if image not in shifted:
            if len(shifted) > 16:
                shifted.clear()
            batch = np.stack([shift_image(images[image], sx, sy) for sx, sy in SHIFTS])
            logits, maps = probe.run(batch)
            shifted[image] = {s: (batch[i], logits[i], {n: m[i] for n, m in maps.items()})
                              for i, s in enumerate(SHIFTS)}
        return shifted[image][(dx, dy)]

    def draw(image, layer, shift_x, shift_y):
        img, logits, maps = forward(image, shift_x, shift_y)
        im_img.set_data(img)
        label = "" if labels is None else f"label {labels[image]}"
        text.set("title_img", f"input {label}".strip(), 0.5, 1.02, ax_img.transAxes, size=10,
                 va="bottom")

        fm = maps[layer]
        shown = fm[:max_maps]
        pic, _ = mosaic(shown)
        signed = bool(np.nanmin(pic) < 0)
        mag = max(float(np.nanmax(np.abs(pic))), 1e-12)
        im_m.set_data(pic)
        im_m.set_cmap(maps_cmaps[signed])
        im_m.set_clim(-mag if signed else 0.0, mag)
        im_m.set_extent((-0.5, pic.shape[1] - 0.5, pic.shape[0] - 0.5, -0.5))
        ax_m.set_xlim(-0.5, pic.shape[1] - 0.5)
        ax_m.set_ylim(pic.shape[0] - 0.5, -0.5)
        more = f", first {max_maps} shown" if fm.shape[0] > max_maps else ""
        text.set("title_m", f"{layer}: {fm.shape[0]} maps {fm.shape[1]}×{fm.shape[2]}{more}",
                 0.5, 1.02, ax_m.transAxes, size=10, va="bottom")

        z = logits - logits.max()
        prob = np.exp(z) / np.exp(z).sum()
        pred = int(np.argmax(prob))
        for k, bar in enumerate(bars):
            bar.set_width(prob[k])
            truth = labels is not None and k == int(labels[image])
            bar.set_color("#2ca02c" if truth else ("#d62728" if k == pred else "0.6"))

        which = "trained model" if trained else "untrained model (random filters)"
        truth = "" if labels is None else f", true class {labels[image]}"
        verdict = "" if labels is None else (" ✓" if pred == int(labels[image]) else " ✗")
        return (f"{which}: predicted class <b>{pred}</b> (p = {prob[pred]:.3f}){truth}{verdict}"
                f" &nbsp;|&nbsp; layer {layer} ({kinds[layer]}): {fm.shape[0]} channels of "
                f"{fm.shape[1]}×{fm.shape[2]}, values {fm.min():.2f} … {fm.max():.2f}"
                f" &nbsp;|&nbsp; input shifted by ({shift_x}, {shift_y})")

    ex = Explorer(controls, fig, draw, title="Inside a CNN: filters and feature maps")
    freeze_layout(ex.fig)
    for ax in (ax_img, ax_f, ax_m, ax_p):
        ax.set_title("")
    ex.text = text
    ex.update()
    return ex
