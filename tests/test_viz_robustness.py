"""Visualizations and helpers of 15_robustness, built headlessly and driven from Python.

What is drawn is checked against the math: the adversarial explorer's images
against an FGSM/PGD step computed here by hand, its bars against the model's
softmax; the attribution explorer's maps against gradients, Grad-CAM and
occlusion computed independently; the Euler explorer's path against powers of
(I + dt A). Small random models keep it fast (no training)."""
import re
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course import data
from course.viz import robustness as R
from course.viz.base import REGISTRY

warnings.filterwarnings("ignore", category=DeprecationWarning)

VIZ = ["adversarial_explorer", "attribution_explorer", "euler_explorer"]


def test_registered_under_the_module_with_examples():
    for name in VIZ:
        assert name in REGISTRY, name
        assert REGISTRY[name].course_module == "15_robustness"
        assert "Example" in REGISTRY[name].__doc__


# =====================================================================================
# helpers and built-ins
# =====================================================================================
def linear_model(seed=0, d=64, k=10):
    torch.manual_seed(seed)
    m = nn.Sequential(nn.Flatten(), nn.Linear(d, k))
    with torch.no_grad():
        m[1].weight.normal_(0, 1.0)
    return m.eval()


def small_cnn(seed=0):
    return R.make_digits_cnn(seed).eval()


def images(n=6, seed=0):
    X_te, y_te = data.digits("test", scheme="train/test")
    return X_te[:n], y_te[:n]


def test_digits_tensors_shapes_and_split():
    X_tr, y_tr = data.digits("train", layout="channels", tensors=True, scheme="train/test")
    X_te, y_te = data.digits("test", layout="channels", tensors=True, scheme="train/test")
    assert tuple(X_tr.shape) == (1348, 1, 8, 8) and tuple(X_te.shape) == (449, 1, 8, 8)
    assert X_tr.dtype == torch.float32 and y_tr.dtype == torch.int64
    assert 0.0 <= float(X_tr.min()) and float(X_tr.max()) <= 1.0


def test_builtin_fgsm_is_the_signed_step_and_clamps():
    model = nn.Linear(3, 2, bias=False).double()
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, -1.0, 0.5], [-1.0, 1.0, -0.5]]))
    x = torch.tensor([[0.05, 0.5, 0.98]], dtype=torch.float64)
    out = R.fgsm(model, x, torch.tensor([0]), 0.1)
    assert torch.allclose(out, torch.tensor([[0.0, 0.6, 0.88]], dtype=torch.float64))
    assert all(p.grad is None for p in model.parameters())


def test_builtin_pgd_stays_in_the_ball_and_beats_fgsm_on_a_curved_model():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 20), nn.Tanh(), nn.Linear(20, 3)).double()
    x = torch.rand(50, 10, dtype=torch.float64)
    y = torch.randint(0, 3, (50,))
    adv = R.pgd(model, x, y, 0.1, 0.025, 20)
    assert float((adv - x).abs().max()) <= 0.1 + 1e-12
    assert float(adv.min()) >= 0 and float(adv.max()) <= 1
    loss_pgd = F.cross_entropy(model(adv), y).item()
    loss_fgsm = F.cross_entropy(model(R.fgsm(model, x, y, 0.1)), y).item()
    assert loss_pgd >= loss_fgsm - 1e-9
    assert torch.equal(R.pgd(model, x, y, 0.1, 0.025, 0), x)


def test_builtin_saliency_of_a_linear_model_is_the_weight_row():
    model = linear_model()
    X, _ = images(3)
    x = torch.from_numpy(X).unsqueeze(1)
    t = torch.tensor([2, 5, 7])
    sal = R.saliency(model, x, t)
    want = model[1].weight.detach()[t].abs().view(3, 1, 8, 8)
    assert torch.allclose(sal, want)


def test_builtin_grad_cam_on_the_hand_case():
    conv = nn.Conv2d(1, 2, 1, bias=False)
    head = nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([1.0, -1.0]).view(2, 1, 1, 1))
        head.weight.copy_(torch.eye(2))
    model = nn.Sequential(conv, nn.AdaptiveAvgPool2d(1), nn.Flatten(), head)
    x = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    assert torch.allclose(R.grad_cam(model, conv, x, torch.tensor([0])),
                          torch.tensor([[[0.25, 0.5], [0.75, 1.0]]]))
    zero = R.grad_cam(model, conv, x, torch.tensor([1]))
    assert torch.equal(zero, torch.zeros(1, 2, 2))
    assert len(conv._forward_hooks) == 0


def _occlusion_loops(model, x, t, patch, stride):
    N, _, H, W = x.shape
    out = np.zeros((N, (H - patch) // stride + 1, (W - patch) // stride + 1))
    with torch.no_grad():
        p = torch.softmax(model(x), 1)[torch.arange(N), t]
        for i in range(out.shape[1]):
            for j in range(out.shape[2]):
                xo = x.clone()
                xo[:, :, i * stride:i * stride + patch, j * stride:j * stride + patch] = 0
                out[:, i, j] = (p - torch.softmax(model(xo), 1)[torch.arange(N), t]).numpy()
    return out


@pytest.mark.parametrize("patch,stride", [(1, 1), (2, 1), (3, 2), (4, 4)])
def test_builtin_occlusion_matches_loops(patch, stride):
    model = small_cnn()
    X, _ = images(3)
    x = torch.from_numpy(X).unsqueeze(1)
    t = torch.tensor([0, 3, 9])
    got = R.occlusion(model, x, t, patch, stride).numpy()
    assert np.allclose(got, _occlusion_loops(model, x, t, patch, stride), atol=1e-6)


def test_builtin_integrated_gradients_complete_and_right_endpoint():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3)).double()
    x = torch.rand(4, 6, dtype=torch.float64)
    base = torch.full_like(x, 0.2)
    t = torch.tensor([0, 1, 2, 1])
    ig = R.integrated_gradients(model, x, base, t, steps=7)
    loop = torch.zeros_like(x)
    for k in range(1, 8):
        z = (base + k / 7 * (x - base)).requires_grad_(True)
        loop += torch.autograd.grad(model(z)[torch.arange(4), t].sum(), z)[0]
    assert torch.allclose(ig, (x - base) * loop / 7)
    big = R.integrated_gradients(model, x, base, t, steps=3000)
    with torch.no_grad():
        gap = model(x)[torch.arange(4), t] - model(base)[torch.arange(4), t]
    assert torch.allclose(big.sum(1), gap, atol=1e-3)


def test_builtin_euler_matches_the_closed_form_of_linear_decay():
    ts = torch.tensor([0.0, 0.1, 0.4, 0.5], dtype=torch.float64)
    out = R.odeint_euler(lambda t, h: -2 * h, torch.tensor([1.0, 3.0], dtype=torch.float64), ts)
    factors = np.cumprod([1.0, 1 - 0.2, 1 - 0.6, 1 - 0.2])
    assert np.allclose(out.numpy(), factors[:, None] * np.array([1.0, 3.0]))


def test_train_digits_runs_a_learner_step_and_records_history():
    calls = []

    def step(model, optimizer, x, y, eps):
        calls.append((tuple(x.shape), eps))
        return R._standard_step(model, optimizer, x, y, eps)

    model = R.train_digits(nn.Sequential(nn.Flatten(), nn.Linear(64, 10)), epochs=2, step=step,
                           eps=0.07, lr=0.05)
    assert len(model.history) == 2 and model.history[1] < model.history[0]
    assert calls[0] == ((64, 1, 8, 8), 0.07) and len(calls) == 2 * 22
    assert not model.training


# =====================================================================================
# adversarial_explorer
# =====================================================================================
@pytest.fixture()
def adv():
    X, y = images(6)
    model = linear_model(1)
    ex = R.adversarial_explorer({"linear": model}, images=X, labels=y)
    return ex, model, X, y


def test_adversarial_images_are_the_fgsm_step(adv):
    ex, model, X, y = adv
    ex.set(image=2, eps=0.12, attack="FGSM")
    x = torch.from_numpy(X[2:3]).unsqueeze(1)
    xv = x.clone().requires_grad_(True)
    g, = torch.autograd.grad(F.cross_entropy(model(xv), torch.tensor([int(y[2])])), xv)
    want = (x + 0.12 * g.sign()).clamp(0, 1)[0, 0].numpy()
    art = ex.artists
    assert np.allclose(np.asarray(art["clean"].get_array()), X[2])
    assert np.allclose(np.asarray(art["adversarial"].get_array()), want, atol=1e-6)
    assert np.allclose(np.asarray(art["delta"].get_array()), want - X[2], atol=1e-6)
    with torch.no_grad():
        p = torch.softmax(model(torch.cat([x, torch.from_numpy(want)[None, None]])), 1).numpy()
    assert np.allclose([b.get_height() for b in art["bars_clean"]], p[0], atol=1e-6)
    assert np.allclose([b.get_height() for b in art["bars_adv"]], p[1], atol=1e-6)
    pred, pred_adv = int(p[0].argmax()), int(p[1].argmax())
    assert f"prediction {pred} &rarr; {pred_adv}" in ex.status.value
    assert f"true label {int(y[2])}" in ex.status.value


def test_zero_epsilon_changes_nothing_and_pgd_stays_in_the_ball(adv):
    ex, _, X, _ = adv
    ex.set(image=0, eps=0.0)
    assert np.all(np.asarray(ex.artists["delta"].get_array()) == 0)
    assert "pixels changed 0/64" in ex.status.value
    ex.set(attack="PGD", eps=0.2)
    delta = np.asarray(ex.artists["delta"].get_array())
    assert np.abs(delta).max() <= 0.2 + 1e-6 and np.abs(delta).max() > 0.1
    adv_img = np.asarray(ex.artists["adversarial"].get_array())
    assert adv_img.min() >= 0 and adv_img.max() <= 1
    assert "PGD (10 steps of 0.050" in ex.status.value


def test_adversarial_pixels_change_with_epsilon(adv):
    ex = adv[0]
    ex.set(eps=0.0)
    before = ex.render()
    ex.set(eps=0.25)
    assert (before != ex.render()).any()


def test_adversarial_explorer_uses_the_learners_attack_and_falls_back():
    X, y = images(4)
    model = linear_model(2)

    def lazy_fgsm(model, x, y, eps):
        return x.clone()            # a "learner" attack that does nothing

    ex = R.adversarial_explorer({"m": model}, fgsm_fn=lazy_fgsm, images=X, labels=y)
    ex.set(eps=0.2)
    assert np.all(np.asarray(ex.artists["delta"].get_array()) == 0)

    def stub(model, x, y, eps):
        raise NotImplementedError()

    ex = R.adversarial_explorer({"m": model}, fgsm_fn=stub, images=X, labels=y)
    assert "not written yet" in ex.status.value
    ex.set(eps=0.2)
    assert np.abs(np.asarray(ex.artists["delta"].get_array())).max() > 0.19


def test_model_dropdown_switches_models():
    X, y = images(4)
    ex = R.adversarial_explorer({"a": linear_model(3), "b": linear_model(4)}, images=X, labels=y)
    first = [b.get_height() for b in ex.artists["bars_clean"]]
    ex.set(model="b")
    assert not np.allclose(first, [b.get_height() for b in ex.artists["bars_clean"]])


# =====================================================================================
# attribution_explorer
# =====================================================================================
@pytest.fixture()
def attr():
    X, y = images(6)
    model = small_cnn(1)
    ex = R.attribution_explorer(model, {"conv2": model[3], "conv1": model[1]}, images=X, labels=y)
    return ex, model, X, y


def test_attribution_maps_match_the_math(attr):
    ex, model, X, y = attr
    ex.set(image=1, target="4", patch=2, layer="conv1")
    x = torch.from_numpy(X[1:2]).unsqueeze(1)
    t = torch.tensor([4])
    xv = x.clone().requires_grad_(True)
    g, = torch.autograd.grad(model(xv)[0, 4], xv)
    sal = g.abs()[0, 0].numpy()
    assert np.allclose(np.asarray(ex.artists["saliency"].get_array()), sal / sal.max(), atol=1e-6)
    cam = R.grad_cam(model, model[1], x, t)[0].numpy()
    assert np.allclose(np.asarray(ex.artists["Grad-CAM"].get_array()), cam, atol=1e-6)
    occ = _occlusion_loops(model, x, t, 2, 1)[0]
    shown = np.asarray(ex.artists["occlusion"].get_array())
    assert shown.shape == (7, 7)
    assert np.allclose(shown, occ / np.abs(occ).max(), atol=1e-5)
    # a 2x2 patch's value is drawn at the patch centre: 7 cells from 0 to 7
    assert np.allclose(ex.artists["occlusion"].get_extent(), (0.0, 7.0, 7.0, 0.0))
    assert "target class <b>4</b>" in ex.status.value


def test_attribution_status_checks_completeness(attr):
    ex, model, X, _ = attr
    ex.set(image=2, target="predicted")
    nums = re.search(r"integrated gradients sum to (-?\d+\.\d+); logit\(x\) - logit\(black\) = (-?\d+\.\d+)",
                     ex.status.value)
    x = torch.from_numpy(X[2:3]).unsqueeze(1)
    with torch.no_grad():
        t = int(model(x).argmax())
        gap = (model(x) - model(torch.zeros_like(x)))[0, t].item()
    assert abs(float(nums.group(2)) - gap) < 1e-3
    assert abs(float(nums.group(1)) - gap) < 0.05 * (1 + abs(gap))
    assert f"target class <b>{t}</b>" in ex.status.value


def test_attribution_patch_and_target_redraw(attr):
    ex = attr[0]
    ex.set(patch=1, target="0")
    before = ex.render()
    assert np.asarray(ex.artists["occlusion"].get_array()).shape == (8, 8)
    ex.set(patch=3, target="7")
    assert np.asarray(ex.artists["occlusion"].get_array()).shape == (6, 6)
    assert np.allclose(ex.artists["occlusion"].get_extent(), (0.5, 6.5, 6.5, 0.5))
    assert (before != ex.render()).any()


def test_attribution_explorer_falls_back_from_a_failing_learner_function():
    X, y = images(3)
    model = small_cnn(2)

    def broken(model, x, target):
        raise ValueError("oops")

    ex = R.attribution_explorer(model, model[3], saliency_fn=broken, images=X, labels=y)
    assert "broken failed" in ex.status.value and "oops" in ex.status.value
    assert np.isfinite(np.asarray(ex.artists["saliency"].get_array())).all()


# =====================================================================================
# euler_explorer
# =====================================================================================
def test_euler_path_is_powers_of_the_step_matrix():
    ex = R.euler_explorer()
    ex.set(steps=12, t_end=6.0)
    xs, ys = ex.artists["path"].get_data()
    h, dt, want = np.array([2.0, 0.0]), 0.5, []
    for _ in range(13):
        want.append(h)
        h = h + dt * R.SPIRAL @ h
    assert np.allclose(np.c_[xs, ys], want)
    exact = R._spiral_exact(np.array([2.0, 0.0]), [6.0])[0]
    err = np.linalg.norm(want[-1] - exact)
    assert f"{err:.4f}" in ex.status.value
    assert np.allclose(ex.artists["end"].get_data(), [[exact[0]], [exact[1]]])


def test_euler_error_falls_with_more_steps_and_pixels_change():
    ex = R.euler_explorer()
    ex.set(steps=10)
    e10 = float(re.search(r"end point (\d+\.\d+)", ex.status.value).group(1))
    before = ex.render()
    ex.set(steps=160)
    e160 = float(re.search(r"end point (\d+\.\d+)", ex.status.value).group(1))
    assert e160 < e10 / 8
    assert (before != ex.render()).any()


def test_euler_explorer_draws_the_learners_solver():
    def half(f, h0, ts):               # a wrong "solver": states stay at h0
        return torch.stack([h0 for _ in ts])

    ex = R.euler_explorer(odeint=half)
    xs, ys = ex.artists["path"].get_data()
    assert np.allclose(xs, 2.0) and np.allclose(ys, 0.0)
