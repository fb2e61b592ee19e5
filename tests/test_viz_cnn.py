"""Visualizations of 09_cnn, built headlessly and driven from Python.

What is drawn is checked against the math: the explorer's feature map against
PyTorch's conv2d, its window and output cell against the stride and padding,
its status against the output size formula and the window's sum of products;
the viewer's filters, feature maps and probabilities against the model itself.
"""
import re
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course import data
from course.viz import cnn as C
from course.viz.base import REGISTRY

warnings.filterwarnings("ignore", category=DeprecationWarning)

VIZ = ["convolution_explorer", "feature_map_viewer"]


def test_registered_under_the_module_with_examples():
    for name in VIZ:
        assert name in REGISTRY, name
        assert REGISTRY[name].course_module == "09_cnn"
        assert "Example" in REGISTRY[name].__doc__


# =====================================================================================
# helpers
# =====================================================================================
def torch_corr(img, k, stride, padding):
    return F.conv2d(torch.tensor(img, dtype=torch.float64)[None, None],
                    torch.tensor(np.ascontiguousarray(k), dtype=torch.float64)[None, None],
                    stride=stride, padding=padding)[0, 0].numpy()


@pytest.mark.parametrize("seed", range(6))
def test_correlate2d_matches_torch(seed):
    rng = np.random.default_rng(seed)
    img = rng.normal(size=tuple(rng.integers(4, 10, size=2)))
    k = rng.normal(size=tuple(rng.integers(1, 4, size=2)))
    s, p = int(rng.integers(1, 4)), int(rng.integers(0, 3))
    assert np.allclose(C.correlate2d(img, k, s, p), torch_corr(img, k, s, p))


def test_correlate2d_kernel_larger_than_input_is_empty():
    assert C.correlate2d(np.ones((3, 3)), np.ones((5, 5))).size == 0


def test_shift_image_moves_and_fills_with_zeros():
    img = np.arange(1.0, 26.0).reshape(5, 5)
    right = C.shift_image(img, dx=2)
    assert np.array_equal(right[:, 2:], img[:, :3]) and np.all(right[:, :2] == 0)
    up = C.shift_image(img, dy=-1)
    assert np.array_equal(up[:4], img[1:]) and np.all(up[4] == 0)
    assert np.array_equal(C.shift_image(img, 1, 1)[1:, 1:], img[:4, :4])
    assert np.all(C.shift_image(img, dx=9) == 0)


def test_mosaic_places_each_map_row_by_row():
    maps = np.arange(5 * 2 * 3, dtype=float).reshape(5, 2, 3)
    pic, cols = C.mosaic(maps)
    assert cols == 3 and pic.shape == (2 * 3 - 1, 3 * 4 - 1)
    assert np.array_equal(pic[0:2, 0:3], maps[0]) and np.array_equal(pic[3:5, 4:7], maps[4])
    assert np.isnan(pic[2]).all() and np.isnan(pic[3:5, 8:11]).all()   # gap row, unused tile


def test_the_recipe_split_is_train_test_split_of_a_quarter():
    (X_tr, y_tr), (X_te, y_te) = data.digits("train", scheme="train/test"), data.digits("test", scheme="train/test")
    X, y = data.digits()
    ref = data.train_test_split(X, y, test_frac=0.25, seed=0)
    assert X_te.shape == (449, 8, 8) and X_tr.shape == (1348, 8, 8)
    assert np.array_equal(X_te, ref[2]) and np.array_equal(y_tr, ref[1])


# =====================================================================================
# convolution_explorer
# =====================================================================================
def _parts(ex):
    ax_in, ax_k, ax_out = ex.fig.axes
    return dict(input=ax_in.images[0], window=ax_in.patches[1], kernel=ax_k.images[0],
                out=ax_out.images[0], cell=ax_out.patches[0])


def _expected_map(ex):
    v = ex.values
    img = data.digits()[0][:100][v["image"]].astype(float)
    k = C.KERNELS[v["kernel"]]
    if v["operation"] == C.OPERATIONS[1]:
        k = k[::-1, ::-1]
    return img, k, torch_corr(img, k, v["stride"], v["padding"])


@pytest.fixture(scope="module")
def explorer():
    return C.convolution_explorer()


@pytest.mark.parametrize("kernel", list(C.KERNELS))
@pytest.mark.parametrize("stride,padding", [(1, 0), (1, 1), (2, 0), (2, 1), (3, 2)])
def test_feature_map_is_the_cross_correlation(explorer, kernel, stride, padding):
    explorer.set(kernel=kernel, stride=stride, padding=padding, image=7,
                 operation=C.OPERATIONS[0], window=0)
    _, k, want = _expected_map(explorer)
    parts = _parts(explorer)
    assert np.allclose(np.asarray(parts["out"].get_array()), want)
    assert np.array_equal(np.asarray(parts["kernel"].get_array()), k)
    n = (8 + 2 * padding - 3) // stride + 1
    assert want.shape == (n, n)
    assert explorer.controls["window"].max == max(n * n - 1, 1)


def test_true_convolution_flips_the_kernel(explorer):
    explorer.set(kernel="edge x (Sobel)", stride=1, padding=1, image=3, operation=C.OPERATIONS[0])
    corr = np.asarray(_parts(explorer)["out"].get_array()).copy()
    explorer.set(operation=C.OPERATIONS[1])
    conv = np.asarray(_parts(explorer)["out"].get_array())
    assert np.allclose(conv, -corr)          # Sobel x flipped is minus itself
    assert "flipped" in explorer.text.texts()["title_k"]
    explorer.set(kernel="blur (Gaussian)")   # symmetric: the flip changes nothing
    blur_conv = np.asarray(_parts(explorer)["out"].get_array()).copy()
    explorer.set(operation=C.OPERATIONS[0])
    assert np.allclose(np.asarray(_parts(explorer)["out"].get_array()), blur_conv)


@pytest.mark.parametrize("stride,padding,window", [(1, 1, 0), (1, 0, 13), (2, 1, 15), (3, 2, 5),
                                                    (2, 0, 8)])
def test_window_cell_and_status_follow_stride_and_padding(explorer, stride, padding, window):
    explorer.set(kernel="sharpen", stride=stride, padding=padding, image=11,
                 operation=C.OPERATIONS[0], window=window)
    img, k, want = _expected_map(explorer)
    n = want.shape[1]
    r, c = divmod(window, n)
    parts = _parts(explorer)
    # the window starts at (r*s, c*s) of the padded image, (r*s - p, c*s - p) in image pixels
    want_xy = (c * stride - padding - 0.5, r * stride - padding - 0.5)
    assert parts["window"].get_xy() == pytest.approx(want_xy)
    assert (parts["window"].get_width(), parts["window"].get_height()) == (3, 3)
    # the outlined output pixel is the one the window produces
    x0, x1, y1, y0 = parts["out"].get_extent()
    assert (x1 - x0, y1 - y0) == pytest.approx((n, n))
    assert parts["cell"].get_xy() == pytest.approx((x0 + c, y0 + r))
    status = explorer.status.value
    formula = (f"⌊(8 + 2·{padding} − 3) / {stride}⌋ + 1 = ⌊{5 + 2 * padding}/{stride}⌋ + 1 "
               f"= {n}")
    assert formula in status
    shown = float(re.search(r"= <b>(-?[\d.]+)</b>", status).group(1))
    assert shown == pytest.approx(want[r, c], abs=6e-4)
    patch = np.pad(img, padding)[r * stride:r * stride + 3, c * stride:c * stride + 3]
    assert shown == pytest.approx(float(np.sum(patch * k)), abs=6e-4)


def test_input_draws_the_padding_ring(explorer):
    explorer.set(padding=1, image=0, stride=1)
    rgba = np.asarray(_parts(explorer)["input"].get_array())
    m = C.MAX_PAD
    assert rgba.shape == (8 + 2 * m, 8 + 2 * m, 4)
    ring = np.zeros((8 + 2 * m, 8 + 2 * m), bool)
    ring[m - 1:m + 9, m - 1:m + 9] = True
    ring[m:m + 8, m:m + 8] = False
    assert np.allclose(rgba[ring][:, :3], C.PAD_RGB) and np.all(rgba[ring][:, 3] == 1)
    assert np.all(rgba[:m - 1, :, 3] == 0)                   # beyond the padding: blank
    img = data.digits()[0][0]
    darkness = 1 - rgba[m:m + 8, m:m + 8, 0]                 # gray_r: ink is dark
    assert np.corrcoef(darkness.ravel(), img.ravel())[0, 1] > 0.99
    explorer.set(padding=2)
    rgba = np.asarray(_parts(explorer)["input"].get_array())
    assert np.all(rgba[0, :, 3] == 1) and np.allclose(rgba[0, 0, :3], C.PAD_RGB)


def test_window_slider_shrinks_with_the_map(explorer):
    explorer.set(stride=1, padding=2, window=0)
    assert explorer.controls["window"].max == 10 * 10 - 1
    explorer.set(window=99)
    explorer.set(stride=3, padding=0)
    assert explorer.controls["window"].max == 2 * 2 - 1
    assert explorer.controls["window"].value <= 3
    assert "feature map 2×2" in explorer.text.texts()["title_out"]


def test_controls_change_the_picture(explorer):
    explorer.set(kernel="identity", stride=1, padding=1, image=0, window=0)
    before = explorer.render()
    explorer.set(kernel="edge y (Sobel)")
    after = explorer.render()
    assert not np.array_equal(before, after)
    explorer.set(window=20)
    assert not np.array_equal(after, explorer.render())


def test_learner_conv_is_used_and_compared():
    calls = []

    def conv2d_forward(X, W, b, stride=1, padding=0):
        calls.append((X.shape, W.shape, stride, padding))
        return F.conv2d(torch.tensor(X), torch.tensor(W), torch.tensor(b), stride=stride,
                        padding=padding).numpy()

    ex = C.convolution_explorer(conv=conv2d_forward)
    ex.set(stride=2, padding=1)
    assert calls[-1] == ((1, 1, 8, 8), (1, 1, 3, 3), 2, 1)
    assert "your conv2d_forward" in ex.status.value and "differs" not in ex.status.value

    def doubled(X, W, b, stride=1, padding=0):
        return 2 * conv2d_forward(X, W, b, stride, padding)

    ex = C.convolution_explorer(conv=doubled, preset="edge x (Sobel)")
    _, _, want = _expected_map(ex)
    assert np.allclose(np.asarray(_parts(ex)["out"].get_array()), 2 * want)
    assert "differs" in ex.status.value


def test_unwritten_or_broken_learner_conv_falls_back():
    def conv2d_forward(X, W, b, stride=1, padding=0):
        raise NotImplementedError()

    ex = C.convolution_explorer(conv=conv2d_forward)
    assert "not written yet" in ex.status.value
    _, _, want = _expected_map(ex)
    assert np.allclose(np.asarray(_parts(ex)["out"].get_array()), want)

    def picky(X, W, b, stride=1, padding=0):
        if stride > 1:
            raise ValueError("stride not supported")
        return F.conv2d(torch.tensor(X), torch.tensor(W), torch.tensor(b), padding=padding).numpy()

    ex = C.convolution_explorer(conv=picky)
    ex.set(stride=2)
    assert "failed here" in ex.status.value
    _, _, want = _expected_map(ex)
    assert np.allclose(np.asarray(_parts(ex)["out"].get_array()), want)


def test_custom_kernel_and_images():
    rng = np.random.default_rng(0)
    images = rng.random((3, 6, 7))
    k = np.array([[1.0, -2.0], [0.5, 3.0]])
    ex = C.convolution_explorer(images=images, kernel=k, padding=0)
    assert ex.values["kernel"] == "custom"
    ex.set(image=2, stride=2, padding=1)
    assert np.allclose(np.asarray(_parts(ex)["out"].get_array()), torch_corr(images[2], k, 2, 1))
    texts = ex.text.texts()
    assert texts[("k", 1, 1)] == "3" and texts[("k", 0, 1)] == "-2" and ("k", 2, 2) not in texts
    assert "rows ⌊(6 + 2·1 − 2) / 2⌋ + 1" in ex.status.value
    assert "columns ⌊(7 + 2·1 − 2) / 2⌋ + 1" in ex.status.value


# =====================================================================================
# feature_map_viewer
# =====================================================================================
def small_model(seed=0):
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Conv2d(1, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 5, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(20, 10))
    with torch.no_grad():
        model[1].running_mean.uniform_(-0.2, 0.2)
        model[1].running_var.uniform_(0.5, 1.5)
    return model


def _viewer_parts(ex):
    ax_img, ax_f, ax_m, ax_p = ex.fig.axes
    return dict(img=ax_img.images[0], filters=ax_f.images[0], maps=ax_m.images[0],
                bars=list(ax_p.patches))


def test_viewer_default_is_untrained_and_draws():
    ex = C.feature_map_viewer()
    assert "untrained" in ex.status.value
    assert ex.render()[..., :3].std() > 0


def test_viewer_filters_maps_and_probabilities_match_the_model():
    model = small_model().train()          # the viewer must evaluate in eval mode and restore this
    before = {k: v.clone() for k, v in model.state_dict().items()}
    X_te, y_te = data.digits("test", scheme="train/test")
    ex = C.feature_map_viewer(model)
    assert model.training
    assert [v for _, v in ex.controls["layer"].options] == ["0", "1", "2", "3", "4", "5", "6"]
    parts = _viewer_parts(ex)
    filt, _ = C.mosaic(model[0].weight.detach().double().numpy()[:, 0])
    assert np.allclose(np.asarray(parts["filters"].get_array()), filt, equal_nan=True)

    for index, layer, upto in [(5, "0", 1), (17, "2", 3), (30, "3", 4), (30, "6", 7)]:
        ex.set(image=index, layer=layer)
        x = torch.from_numpy(X_te[index])[None, None]
        model.eval()
        with torch.no_grad():
            fm = model[:upto](x)[0].double().numpy()
            logits = model(x)[0].double().numpy()
        model.train()
        pic, _ = C.mosaic(fm)
        assert np.allclose(np.asarray(_viewer_parts(ex)["maps"].get_array()), pic, equal_nan=True,
                           atol=1e-6)
        prob = np.exp(logits - logits.max())
        prob /= prob.sum()
        widths = [b.get_width() for b in _viewer_parts(ex)["bars"]]
        assert np.allclose(widths, prob, atol=1e-6)
        pred = int(np.argmax(prob))
        assert f"predicted class <b>{pred}</b>" in ex.status.value
        assert f"true class {y_te[index]}" in ex.status.value
        bars = _viewer_parts(ex)["bars"]
        green = (0.172, 0.627, 0.172)
        assert bars[int(y_te[index])].get_facecolor()[:3] == pytest.approx(green, abs=0.01)
        assert f"{fm.shape[0]} channels of {fm.shape[1]}×{fm.shape[2]}" in ex.status.value
    assert model.training
    for k, v in model.state_dict().items():
        if not k.endswith("num_batches_tracked"):
            assert torch.equal(v, before[k]), f"the viewer changed {k}"


def test_viewer_shift_moves_the_first_feature_maps():
    model = small_model(1)
    X_te, _ = data.digits("test", scheme="train/test")
    ex = C.feature_map_viewer(model, index=12, layer="0")
    base = np.asarray(_viewer_parts(ex)["maps"].get_array()).copy()
    ex.set(shift_x=1)
    assert np.array_equal(np.asarray(_viewer_parts(ex)["img"].get_array()),
                          C.shift_image(X_te[12], 1, 0))
    shifted = np.asarray(_viewer_parts(ex)["maps"].get_array())
    # tile k of the mosaic: an 8x8 map at (row, col) = divmod(k, 3) with a 1-pixel gap
    for k in range(6):
        r, c = divmod(k, 3)
        a = base[r * 9:r * 9 + 8, c * 9:c * 9 + 8]
        b = shifted[r * 9:r * 9 + 8, c * 9:c * 9 + 8]
        # equivariance away from the borders: the shifted map is the map moved one column right
        assert np.allclose(b[1:-1, 2:-1], a[1:-1, 1:-2], atol=1e-5)
    assert "shifted by (1, 0)" in ex.status.value


def test_viewer_layer_change_redraws_and_limits_channels():
    model = small_model(2)
    ex = C.feature_map_viewer(model, max_maps=4)
    before = ex.render()
    ex.set(layer="4")
    assert not np.array_equal(before, ex.render())
    pic = np.asarray(_viewer_parts(ex)["maps"].get_array())
    assert pic.shape == (2 * 4 + 1, 2 * 4 + 1)            # 4 of 5 maps, 4x4 each, 2 by 2
    assert "first 4 shown" in ex.text.texts()["title_m"]


def test_viewer_accepts_images_without_labels():
    model = small_model(3)
    images = np.random.default_rng(0).random((4, 8, 8)).astype(np.float32)
    ex = C.feature_map_viewer(model, images=images)
    ex.set(image=3)
    assert "true class" not in ex.status.value
    assert np.array_equal(np.asarray(_viewer_parts(ex)["img"].get_array()), images[3])
