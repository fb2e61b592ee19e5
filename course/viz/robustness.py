"""Visualizations and helpers for 15_robustness: attacking, defending and
explaining a small CNN on handwritten digits, and two frontier ideas.

- ``adversarial_explorer``: a test digit, an attack (FGSM or PGD) and its
  budget epsilon; it draws the clean digit, the perturbation, the
  adversarial digit and both probability vectors, for one or several models
  (e.g. a standard and an adversarially trained one);
- ``attribution_explorer``: one digit and a target class; saliency,
  Grad-CAM, occlusion and integrated gradients side by side, with the
  completeness check of integrated gradients in the status line;
- ``euler_explorer``: Euler's method on a spiral ODE with a step-count
  slider, next to the exact solution (the forward pass of a neural ODE).

Helpers usable on their own: ``make_digits_cnn`` (the architecture),
``train_digits`` (``course.train.fit`` on the digits' 75/25 training split,
able to run the learner's ``adversarial_training_step``), ``digits_cnn`` (a
cached trained model), and built-in versions of the exercises (``fgsm``, ``pgd``,
``saliency``, ``grad_cam``, ``occlusion``, ``integrated_gradients``,
``odeint_euler``) that follow the exercises' contracts.
"""
import functools

import numpy as np

from .. import data
from ..train import fit
from .render import Backdrop
from .base import (Explorer, dropdown, freeze_layout, int_slider, learner_function, new_figure,
                   slider, visualization)

MODULE = "15_robustness"
__all__ = ["adversarial_explorer", "attribution_explorer", "euler_explorer",
           "make_digits_cnn", "train_digits", "digits_cnn", "fgsm", "pgd",
           "saliency", "grad_cam", "occlusion", "integrated_gradients", "odeint_euler",
           "SPIRAL"]

GREY, RED, BLUE = "#9a9a9a", "#d62728", "#1f77b4"
PGD_STEPS = 10          # the explorer's PGD: 10 steps of eps / 4
#: the linear ODE dh/dt = SPIRAL @ h that ``euler_explorer`` integrates
SPIRAL = np.array([[-0.1, -1.0], [1.0, -0.1]])


# -- built-in versions of the exercises (same contracts) ---------------------------------------
def fgsm(model, x, y, eps):
    """clamp(x + eps * sign(grad_x CE(model(x), y)), 0, 1); x and the model are left alone."""
    import torch
    import torch.nn.functional as F

    x_var = x.detach().clone().requires_grad_(True)
    grad, = torch.autograd.grad(F.cross_entropy(model(x_var), y), x_var)
    return (x + eps * grad.sign()).clamp(0, 1).detach()


def pgd(model, x, y, eps, alpha, steps):
    """``steps`` signed-gradient steps of size ``alpha`` from x, each followed by a
    projection onto the eps L-inf ball around x and a clamp to [0, 1]."""
    import torch

    x_adv = x.detach().clone()
    for _ in range(steps):
        x_adv = fgsm(model, x_adv, y, alpha)
        x_adv = torch.minimum(torch.maximum(x_adv, x - eps), x + eps).clamp(0, 1)
    return x_adv.detach()


def _target_grad(model, x, target, inputs=None):
    """Gradient of sum_n logits[n, target[n]] with respect to ``x`` (batched)."""
    import torch

    x_var = x.detach().clone().requires_grad_(True)
    logits = model(x_var)
    score = logits.gather(1, target.view(-1, 1)).sum()
    return torch.autograd.grad(score, x_var)[0]


def saliency(model, x, target):
    """|d logit_target / d x|, shaped like x."""
    return _target_grad(model, x, target).abs()


def grad_cam(model, layer, x, target):
    """relu(sum_c mean_ij(dlogit/dA_c) A_c) per image, divided by its max (zero maps stay zero).
    Returns (N, h, w) at the layer's own spatial size."""
    import torch

    store = {}
    handle = layer.register_forward_hook(lambda _m, _i, out: store.__setitem__("A", out))
    try:
        logits = model(x.detach())
    finally:
        handle.remove()
    A = store["A"]
    grads, = torch.autograd.grad(logits.gather(1, target.view(-1, 1)).sum(), A)
    cam = torch.relu((grads.mean(dim=(2, 3), keepdim=True) * A).sum(dim=1)).detach()
    top = cam.amax(dim=(1, 2), keepdim=True)
    return torch.where(top > 0, cam / torch.where(top > 0, top, torch.ones_like(top)), cam)


def occlusion(model, x, target, patch, stride):
    """p_target(x) - p_target(x with a patch x patch square set to 0), per position."""
    import torch

    N, _, H, W = x.shape
    rows = range(0, H - patch + 1, stride)
    cols = range(0, W - patch + 1, stride)
    copies = [x]
    for r in rows:
        for c in cols:
            x_occ = x.clone()
            x_occ[:, :, r:r + patch, c:c + patch] = 0
            copies.append(x_occ)
    with torch.no_grad():      # one forward pass over the clean batch and every occluded copy
        p = torch.softmax(model(torch.cat(copies)), dim=1)
    p = p.view(len(copies), N, -1).gather(2, target.view(1, -1, 1).expand(len(copies), N, 1))[..., 0]
    return (p[0] - p[1:]).T.reshape(N, len(rows), len(cols))


def integrated_gradients(model, x, baseline, target, steps=50):
    """(x - baseline) * mean over k = 1..steps of the target logit's gradient at
    baseline + (k / steps)(x - baseline) (right-endpoint Riemann sum)."""
    import torch

    N = x.shape[0]
    alphas = torch.arange(1, steps + 1, dtype=x.dtype, device=x.device) / steps
    alphas = alphas.view(-1, 1, *([1] * (x.dim() - 1)))
    path = (baseline + alphas * (x - baseline)).reshape(steps * N, *x.shape[1:])
    grads = _target_grad(model, path, target.repeat(steps)).view(steps, *x.shape)
    return ((x - baseline) * grads.mean(dim=0)).detach()


def odeint_euler(f, h0, ts):
    """Euler's method: h[k+1] = h[k] + (ts[k+1] - ts[k]) f(ts[k], h[k]); returns all states stacked."""
    import torch

    states = [h0]
    for k in range(len(ts) - 1):
        states.append(states[-1] + (ts[k + 1] - ts[k]) * f(ts[k], states[-1]))
    return torch.stack(states)


# -- data, model, training ---------------------------------------------------------------------
def make_digits_cnn(seed=0):
    """The module's CNN for (N, 1, 8, 8) digits: two 3x3 convolutions (16 and 32
    filters, ReLU), 2x2 max pooling, one linear layer to 10 logits. ``model[3]``
    (the second ReLU, 32 maps of 8x8) is the layer Grad-CAM looks at."""
    import torch
    from torch import nn

    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 4 * 4, 10))


def _standard_step(model, optimizer, x, y, eps):
    import torch.nn.functional as F

    model.train()
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def _fgsm_step(model, optimizer, x, y, eps):
    model.eval()
    x_adv = fgsm(model, x, y, eps)
    return _standard_step(model, optimizer, x_adv, y, eps)


def train_digits(model, epochs=8, step=None, eps=0.1, lr=1e-2, batch_size=64, seed=0,
                 progress=False):
    """Train ``model`` on the digits' training split with Adam; returns it in eval mode.

    ``step(model, optimizer, x, y, eps) -> float`` does one optimizer step on a
    batch (default: plain cross-entropy on the clean batch; pass the learner's
    ``adversarial_training_step`` to train on FGSM examples of size ``eps``, or
    ``"fgsm"`` for the built-in one). The batches are shuffled with ``seed``.
    ``progress=True`` shows a tqdm bar (never while nbgrader executes).
    Returns the model; its ``history`` attribute holds the mean loss per epoch.
    """
    if step is None:
        step = _standard_step
    elif step == "fgsm":
        step = _fgsm_step
    X_tr, y_tr = data.digits("train", layout="channels", tensors=True, scheme="train/test")
    model.history = fit(model, X_tr, y_tr, epochs=epochs, lr=lr, batch_size=batch_size, seed=seed,
                        step=lambda m, opt, xb, yb: step(m, opt, xb, yb, eps), device="model",
                        progress=progress, train_mode=False)
    return model


@functools.lru_cache(maxsize=None)
def digits_cnn(adversarial=False, seed=0):
    """A trained ``make_digits_cnn`` (8 epochs, CPU), cached: plain training, or
    FGSM adversarial training with eps = 0.1 when ``adversarial=True``."""
    return train_digits(make_digits_cnn(seed), epochs=8, step="fgsm" if adversarial else None,
                        seed=seed)


# -- probes for the learner's functions ---------------------------------------------------------
def _tiny_model():
    import torch
    from torch import nn

    model = nn.Sequential(nn.Flatten(), nn.Linear(4, 3))
    with torch.no_grad():
        model[1].weight.copy_(torch.tensor([[1.0, -1, 0.5, 0], [-1, 1, 0, 0.5], [0, 0, 1, -1]]))
        model[1].bias.zero_()
    return model.eval()


def _probe_attack(kind):
    def probe(fn):
        import torch

        x = torch.full((1, 1, 2, 2), 0.5)
        y = torch.tensor([0])
        out = fn(_tiny_model(), x, y, 0.1) if kind == "fgsm" else fn(_tiny_model(), x, y, 0.1,
                                                                        0.05, 2)
        if tuple(out.shape) != (1, 1, 2, 2):
            raise ValueError(f"returned shape {tuple(out.shape)} for x of shape (1, 1, 2, 2)")
    return probe


def _probe_map(kind):
    def probe(fn):
        import torch

        with torch.random.fork_rng():          # building the probe model must not move the learner's RNG
            model = make_digits_cnn(0).eval()
        x = torch.full((1, 1, 8, 8), 0.5)
        t = torch.tensor([0])
        want = {"saliency": (1, 1, 8, 8), "grad_cam": (1, 8, 8), "occlusion": (1, 7, 7),
                "ig": (1, 1, 8, 8)}[kind]
        if kind == "saliency":
            out = fn(model, x, t)
        elif kind == "grad_cam":
            out = fn(model, model[3], x, t)
        elif kind == "occlusion":
            out = fn(model, x, t, 2, 1)
        else:
            out = fn(model, x, torch.zeros_like(x), t, steps=4)
        if tuple(out.shape) != want:
            raise ValueError(f"returned shape {tuple(out.shape)}, expected {want}")
    return probe


def _probe_odeint(fn):
    import torch

    out = fn(lambda t, h: -h, torch.ones(2), torch.tensor([0.0, 0.5, 1.0]))
    if tuple(out.shape) != (3, 2):
        raise ValueError(f"returned shape {tuple(out.shape)} for h0 of shape (2,) and 3 times")


def _np(t):
    return t.detach().cpu().numpy()


# -- the visualizations -------------------------------------------------------------------------
@visualization(MODULE)
def adversarial_explorer(models=None, fgsm_fn=None, pgd_fn=None, images=None, labels=None,
                         index=0, eps=0.1, attack="FGSM"):
    """Fool a digit classifier with a perturbation you can barely see.

    Left to right: the clean test digit, the perturbation delta = x_adv - x
    (red brightens a pixel, blue darkens it; its colour scale is fixed at
    +-0.3, so the budget shows as colour strength), the adversarial digit, and
    the model's probabilities for the 10 classes on the clean digit (grey) and
    on the adversarial one (red; the true class is outlined). The status line
    says whether the prediction flipped and how big delta really is. PGD runs
    10 steps of size eps/4.

    Arguments: ``models`` a dict ``{name: model}`` of trained digit models
    taking (N, 1, 8, 8) (default: the module's CNN, trained once and cached);
    ``fgsm_fn`` / ``pgd_fn`` the learner's ``fgsm_attack`` / ``pgd_attack``
    (default: the built-in ones; one that raises is replaced and the status
    says why); ``images`` (n, 8, 8) and ``labels`` (default: the first 100 test
    digits); ``index``, ``eps`` and ``attack`` are the controls' first values.

    Example::

        from course.viz.robustness import adversarial_explorer
        adversarial_explorer({"standard": model, "robust": robust_model}, fgsm_fn=fgsm_attack)
    """
    import torch

    fgsm_use, note1 = learner_function(fgsm_fn, _probe_attack("fgsm"), fgsm)
    pgd_use, note2 = learner_function(pgd_fn, _probe_attack("pgd"), pgd)
    note = note1 + note2
    if models is None:
        models = {"standard CNN": digits_cnn()}
    elif not isinstance(models, dict):
        models = {"model": models}
    for m in models.values():
        m.eval()
    if images is None:
        X_te, y_te = data.digits("test", scheme="train/test")
        images, labels = X_te[:100], y_te[:100]
    images = np.asarray(images, np.float32)
    labels = np.asarray(labels)

    fig = new_figure(10.0, 2.7)
    ax_x, ax_d, ax_a, ax_p = fig.subplots(1, 4, width_ratios=(1, 1, 1, 1.7))
    blank = np.zeros((8, 8))
    im_x = ax_x.imshow(blank, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    im_d = ax_d.imshow(blank, cmap="RdBu_r", vmin=-0.3, vmax=0.3, interpolation="nearest")
    im_a = ax_a.imshow(blank, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    for ax in (ax_x, ax_d, ax_a):
        ax.set_xticks([])
        ax.set_yticks([])
    # titles that change are plain texts at fixed places (a frozen layout keeps them there)
    t_x = ax_x.text(0.5, 1.03, "clean", transform=ax_x.transAxes, ha="center", va="bottom",
                    fontsize=10)
    ax_d.set_title("perturbation (x_adv - x)", fontsize=10)
    t_a = ax_a.text(0.5, 1.03, "adversarial", transform=ax_a.transAxes, ha="center",
                    va="bottom", fontsize=10)
    classes = np.arange(10)
    bars_clean = ax_p.bar(classes - 0.2, np.zeros(10), width=0.4, color=GREY, label="clean")
    bars_adv = ax_p.bar(classes + 0.2, np.zeros(10), width=0.4, color=RED, label="adversarial")
    ax_p.set_xticks(classes)
    ax_p.set_ylim(0, 1.3)
    ax_p.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax_p.set_xlabel("class")
    ax_p.set_ylabel("probability")
    ax_p.legend(loc="upper center", ncols=2, fontsize=8, frameon=False)

    controls = {
        "image": int_slider(index, 0, len(images) - 1, "image"),
        "attack": dropdown(["FGSM", "PGD"], attack, "attack"),
        "eps": slider(eps, 0.0, 0.3, 0.01, "epsilon"),
    }
    if len(models) > 1:          # a model picker only when there is a choice
        controls["model"] = dropdown(list(models), next(iter(models)), "model")
    only = next(iter(models))

    @functools.lru_cache(maxsize=512)
    def run(image, attack, eps, model_name):
        model = models[model_name]
        dev = next(model.parameters()).device
        x = torch.from_numpy(images[image][None, None].copy()).to(dev)
        y = torch.tensor([int(labels[image])], device=dev)
        try:
            if attack == "FGSM":
                x_adv = fgsm_use(model, x, y, eps)
            else:
                x_adv = pgd_use(model, x, y, eps, eps / 4, PGD_STEPS)
            failed = ""
        except Exception as exc:  # noqa: BLE001 - a learner's bug must not break the picture
            x_adv = (fgsm if attack == "FGSM" else
                     lambda m, a, b, e: pgd(m, a, b, e, e / 4, PGD_STEPS))(model, x, y, eps)
            failed = f"<br><i>your attack failed here ({type(exc).__name__}: {exc}): built-in shown.</i>"
        with torch.no_grad():
            p = torch.softmax(model(torch.cat([x, x_adv.to(dev)])), dim=1)
        return _np(x[0, 0]), _np(x_adv[0, 0]), _np(p[0]), _np(p[1]), failed

    def draw(image, attack, eps, model=only):
        backdrop.bake(None)
        x, x_adv, p_clean, p_adv, failed = run(image, attack, round(float(eps), 4), model)
        delta = x_adv - x
        im_x.set_data(x)
        im_d.set_data(delta)
        im_a.set_data(x_adv)
        label = int(labels[image])
        for k in range(10):
            bars_clean[k].set_height(p_clean[k])
            bars_adv[k].set_height(p_adv[k])
            bars_adv[k].set_edgecolor("black" if k == label else RED)
            bars_adv[k].set_linewidth(1.5 if k == label else 0)
        pred, pred_adv = int(p_clean.argmax()), int(p_adv.argmax())
        t_x.set_text(f"clean: says {pred} ({p_clean[pred]:.0%})")
        t_a.set_text(f"adversarial: says {pred_adv} ({p_adv[pred_adv]:.0%})")
        linf = float(np.abs(delta).max())
        verdict = ("<b style='color:#d62728'>fooled</b>" if pred_adv != label and pred == label
                   else "already wrong" if pred != label else "still right")
        how = "one signed-gradient step" if attack == "FGSM" else \
            f"{PGD_STEPS} steps of {eps / 4:.3f}, projected"
        return (f"true label {label}; {attack} ({how}) with epsilon = {eps:.2f}: "
                f"prediction {pred} &rarr; {pred_adv}, {verdict}. "
                f"Largest pixel change {linf:.3f}, pixels changed {int((np.abs(delta) > 1e-6).sum())}/64, "
                f"p(true class) {p_clean[label]:.2f} &rarr; {p_adv[label]:.2f}." + note + failed)

    freeze_layout(fig)
    backdrop = Backdrop(fig, [im_x, im_d, im_a, t_x, t_a, *bars_clean, *bars_adv])
    ex = Explorer(controls, fig, draw, title="Adversarial examples")
    ex.artists = {"clean": im_x, "delta": im_d, "adversarial": im_a, "bars_clean": bars_clean,
                  "bars_adv": bars_adv, "titles": (t_x, t_a)}
    return ex


METHODS = ("saliency", "Grad-CAM", "occlusion", "integrated gradients")


@visualization(MODULE)
def attribution_explorer(model=None, layers=None, saliency_fn=None, grad_cam_fn=None,
                         occlusion_fn=None, ig_fn=None, images=None, labels=None, index=0,
                         target="predicted", patch=2, ig_steps=50):
    """Four answers to "which pixels made the model say this class?".

    Left to right: the digit, then saliency |d logit/dx|, Grad-CAM (on the
    layer's 8x8 maps), occlusion (drop in the target's probability when a
    patch x patch square centred there is set to 0; stride 1) and integrated
    gradients from a black baseline (red pushes towards the target, blue
    away). Each heat map lies over the faint digit. Pick the image, the target
    class ("predicted", "true" or a digit) and the occlusion patch; the status
    line gives the probabilities and checks completeness: the integrated
    gradients add up to logit(x) - logit(baseline).

    Arguments: ``model`` a CNN taking (N, 1, 8, 8) and ``layers`` the
    layer Grad-CAM looks at, or a dict ``{name: layer}`` to choose from
    (default: the module's trained CNN and its two ReLU layers ``model[3]``
    and ``model[1]``; a dropdown picks); ``saliency_fn``, ``grad_cam_fn``, ``occlusion_fn``,
    ``ig_fn`` the learner's ``saliency_map``, ``grad_cam``, ``occlusion_map``,
    ``integrated_gradients`` (default: built-in; one that raises is replaced
    and the status says why); ``images``/``labels`` (default: the first 100 test
    digits); ``index``, ``target``, ``patch`` the first values; ``ig_steps`` the
    Riemann steps.

    Example::

        from course.viz.robustness import attribution_explorer
        attribution_explorer(model, {"conv2": model[3], "conv1": model[1]},
                             saliency_fn=saliency_map, ig_fn=integrated_gradients)
    """
    import torch

    fns, note = {}, ""
    for key, fn, builtin in (("saliency", saliency_fn, saliency), ("grad_cam", grad_cam_fn, grad_cam),
                             ("occlusion", occlusion_fn, occlusion),
                             ("ig", ig_fn, integrated_gradients)):
        fns[key], n = learner_function(fn, _probe_map(key), builtin)
        note += n
    if model is None:
        model = digits_cnn()
        layers = layers or {"conv2 (model[3])": model[3], "conv1 (model[1])": model[1]}
    if layers is None:
        raise ValueError("pass the layer Grad-CAM should look at, e.g. model[3]")
    if not isinstance(layers, dict):
        layers = {"given layer": layers}
    model.eval()
    if images is None:
        X_te, y_te = data.digits("test", scheme="train/test")
        images, labels = X_te[:100], y_te[:100]
    images = np.asarray(images, np.float32)
    labels = np.asarray(labels)

    fig = new_figure(10.0, 2.6)
    axes = fig.subplots(1, 5)
    blank = np.zeros((8, 8))
    im_x = axes[0].imshow(blank, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    t_x = axes[0].text(0.5, 1.03, "input", transform=axes[0].transAxes, ha="center",
                       va="bottom", fontsize=10)
    heat = []
    for ax, name in zip(axes[1:], METHODS):
        ax.imshow(blank, cmap="gray_r", vmin=0, vmax=3, interpolation="nearest")   # faint digit
        signed = name in ("occlusion", "integrated gradients")
        im = ax.imshow(blank, cmap="RdBu_r" if signed else "Reds",
                       vmin=-1 if signed else 0, vmax=1, alpha=0.75, interpolation="nearest",
                       extent=(-0.5, 7.5, 7.5, -0.5))
        ax.set_title(name, fontsize=10)
        heat.append((im, ax.images[0]))
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlim(-0.5, 7.5)
        ax.set_ylim(7.5, -0.5)

    options = ["predicted", "true"] + [str(k) for k in range(10)]
    controls = {
        "image": int_slider(index, 0, len(images) - 1, "image"),
        "target": dropdown(options, str(target), "target class"),
        "patch": int_slider(patch, 1, 4, "occlusion patch"),
        "layer": dropdown(list(layers), next(iter(layers)), "Grad-CAM layer"),
    }
    dev = next(model.parameters()).device

    @functools.lru_cache(maxsize=256)
    def maps(image, t, patch, layer_name):
        layer = layers[layer_name]
        x = torch.from_numpy(images[image][None, None].copy()).to(dev)
        tt = torch.tensor([t], device=dev)
        out, failed = {}, ""
        for key, builtin in (("saliency", saliency), ("grad_cam", grad_cam),
                             ("occlusion", occlusion), ("ig", integrated_gradients)):
            args = {"saliency": (model, x, tt), "grad_cam": (model, layer, x, tt),
                    "occlusion": (model, x, tt, patch, 1),
                    "ig": (model, x, torch.zeros_like(x), tt)}[key]
            kwargs = {"steps": ig_steps} if key == "ig" else {}
            try:
                out[key] = _np(fns[key](*args, **kwargs))
            except Exception as exc:  # noqa: BLE001 - a learner's bug must not break the picture
                out[key] = _np(builtin(*args, **kwargs))
                failed += f"<br><i>{key} failed here ({type(exc).__name__}: {exc}): built-in shown.</i>"
        with torch.no_grad():
            logits = model(torch.cat([x, torch.zeros_like(x)]))
        return out, _np(torch.softmax(logits[:1], dim=1)[0]), _np(logits[:, t]), failed

    def pick_target(image, target):
        if target == "predicted":
            x = torch.from_numpy(images[image][None, None].copy()).to(dev)
            with torch.no_grad():
                return int(model(x).argmax())
        return int(labels[image]) if target == "true" else int(target)

    def draw(image, target, patch, layer):
        backdrop.bake(None)
        t = pick_target(image, target)
        out, p, f, failed = maps(image, t, patch, layer)
        img = images[image]
        im_x.set_data(img)
        t_x.set_text(f"input (label {int(labels[image])})")
        sal = out["saliency"][0, 0]
        cam = out["grad_cam"][0]
        occ = out["occlusion"][0]
        ig = out["ig"][0, 0]
        shown = [sal / (sal.max() or 1.0), cam, occ / (np.abs(occ).max() or 1.0),
                 ig / (np.abs(ig).max() or 1.0)]
        for (im, faint), values in zip(heat, shown):
            faint.set_data(img)
            im.set_data(values)
        # occlusion: one value per patch position, drawn at the patch's centre
        half = (patch - 1) / 2
        n = occ.shape[0]
        heat[2][0].set_extent((half - 0.5, half + n - 0.5, half + n - 0.5, half - 0.5))
        pred = int(p.argmax())
        return (f"target class <b>{t}</b>: p = {p[t]:.3f} (model says {pred}, p = {p[pred]:.3f}). "
                f"Occlusion: largest drop {occ.max():+.3f} with a {patch}x{patch} patch. "
                + ("<b>Grad-CAM is all zero here</b> (every position's weighted sum is negative). "
                   if cam.max() <= 0 else "") +
                f"Completeness: integrated gradients sum to {ig.sum():.3f}; "
                f"logit(x) - logit(black) = {f[0] - f[1]:.3f}." + note + failed)

    freeze_layout(fig)
    backdrop = Backdrop(fig, [im_x, t_x] + [a for pair in heat for a in pair])
    ex = Explorer(controls, fig, draw, title="Attributions")
    ex.artists = {"input": im_x, "title": t_x, **{name: pair[0] for name, pair in zip(METHODS, heat)}}
    return ex


def _spiral_exact(h0, ts):
    import torch

    A = torch.tensor(SPIRAL)
    return np.stack([_np(torch.linalg.matrix_exp(A * float(t))) @ h0 for t in ts])


@visualization(MODULE)
def euler_explorer(odeint=None, steps=10, t_end=10.0):
    """Euler's method on the spiral dh/dt = A h, A = [[-0.1, -1], [1, -0.1]].

    The grey curve is the exact solution h(t) = expm(A t) h0; the red dots
    are Euler's states at ``steps`` equal steps from 0 to ``t_end``, joined
    by straight segments (each segment follows the slope at its start). Few
    steps overshoot and spiral outwards; halving the step halves the error at
    the end (a first-order method). The status line gives that error.

    Arguments: ``odeint`` the learner's ``euler_odeint(f, h0, ts)`` (default:
    the built-in one); ``steps`` and ``t_end`` the first values.

    Example::

        from course.viz.robustness import euler_explorer
        euler_explorer(odeint=euler_odeint)
    """
    import torch

    solve, note = learner_function(odeint, _probe_odeint, odeint_euler)
    h0 = np.array([2.0, 0.0])
    A = torch.tensor(SPIRAL)
    fig = new_figure(7.5, 3.4)
    ax_p, ax_e = fig.subplots(1, 2)
    fine = np.linspace(0, 20, 801)
    exact = _spiral_exact(h0, fine)
    ax_p.plot(exact[:, 0], exact[:, 1], color=GREY, lw=1.2, label="exact")
    (path,) = ax_p.plot([], [], "o-", color=RED, ms=3, lw=1, label="Euler")
    (end_exact,) = ax_p.plot([], [], "s", color="black", ms=5, label="exact at t_end")
    ax_p.set_xlim(-4, 4)
    ax_p.set_ylim(-4, 4)
    ax_p.set_aspect("equal")
    ax_p.set_xlabel("$h_1$")
    ax_p.set_ylabel("$h_2$")
    ax_p.legend(loc="lower left", fontsize=7, frameon=False)
    counts = np.unique(np.geomspace(2, 400, 30).astype(int))
    ax_e.set_xscale("log")
    ax_e.set_yscale("log")
    ax_e.set_xlabel("steps")
    ax_e.set_ylabel("error at t_end")
    (err_line,) = ax_e.plot([], [], color=BLUE, lw=1.2)
    (err_dot,) = ax_e.plot([], [], "o", color=RED)
    ax_e.set_xlim(2, 400)
    ax_e.set_ylim(1e-3, 1e2)
    controls = {"steps": int_slider(steps, 2, 200, "steps"),
                "t_end": slider(t_end, 1.0, 20.0, 0.5, "t_end")}

    def f(t, h):
        return A @ h

    @functools.lru_cache(maxsize=256)
    def errors(t_end):
        # Euler on a linear ODE: h_n = (I + dt A)^n h0
        target = _spiral_exact(h0, [t_end])[0]
        return np.array([np.linalg.norm(np.linalg.matrix_power(np.eye(2) + (t_end / n) * SPIRAL,
                                                               int(n)) @ h0 - target)
                         for n in counts])

    def draw(steps, t_end):
        backdrop.bake(None)
        ts = torch.linspace(0, t_end, steps + 1, dtype=torch.float64)
        try:
            hs = _np(solve(f, torch.tensor(h0), ts))
            failed = ""
        except Exception as exc:  # noqa: BLE001
            hs = _np(odeint_euler(f, torch.tensor(h0), ts))
            failed = f"<br><i>your euler_odeint failed here ({type(exc).__name__}: {exc}).</i>"
        target = _spiral_exact(h0, [t_end])[0]
        path.set_data(hs[:, 0], hs[:, 1])
        end_exact.set_data([target[0]], [target[1]])
        err = float(np.linalg.norm(hs[-1] - target))
        err_line.set_data(counts, errors(round(float(t_end), 3)))
        err_dot.set_data([steps], [max(err, 1e-3)])
        return (f"{steps} Euler steps of size {t_end / steps:.3f} up to t = {t_end:.1f}: "
                f"distance from the exact end point {err:.4f}." + note + failed)

    freeze_layout(fig)
    backdrop = Backdrop(fig, [path, end_exact, err_line, err_dot])
    ex = Explorer(controls, fig, draw, title="Euler's method: a neural ODE's forward pass")
    ex.artists = {"path": path, "end": end_exact, "errors": err_line, "current": err_dot}
    return ex
