"""Known answers for 15_robustness: mistakes that must fail, alternatives that must pass."""

WRONG = {  # exercise -> {description of the mistake: source code that defines the name}
    "fgsm_attack": {
        "minus sign: steps down the loss (makes the model more confident)": '''
import torch
import torch.nn.functional as F
def fgsm_attack(model, x, y, eps):
    x_var = x.detach().clone().requires_grad_(True)
    grad, = torch.autograd.grad(F.cross_entropy(model(x_var), y), x_var)
    return (x - eps * grad.sign()).clamp(0, 1).detach()
''',
        "forgets to clamp to [0, 1]": '''
import torch
import torch.nn.functional as F
def fgsm_attack(model, x, y, eps):
    x_var = x.detach().clone().requires_grad_(True)
    grad, = torch.autograd.grad(F.cross_entropy(model(x_var), y), x_var)
    return (x + eps * grad.sign()).detach()
''',
        "uses the raw gradient instead of its sign": '''
import torch
import torch.nn.functional as F
def fgsm_attack(model, x, y, eps):
    x_var = x.detach().clone().requires_grad_(True)
    grad, = torch.autograd.grad(F.cross_entropy(model(x_var), y), x_var)
    return (x + eps * grad).clamp(0, 1).detach()
''',
        "attacks the predicted label instead of the true one": '''
import torch
import torch.nn.functional as F
def fgsm_attack(model, x, y, eps):
    x_var = x.detach().clone().requires_grad_(True)
    logits = model(x_var)
    grad, = torch.autograd.grad(F.cross_entropy(logits, logits.argmax(dim=1)), x_var)
    return (x + eps * grad.sign()).clamp(0, 1).detach()
''',
        "loss.backward() leaves gradients on the weights": '''
import torch
import torch.nn.functional as F
def fgsm_attack(model, x, y, eps):
    x_var = x.detach().clone().requires_grad_(True)
    F.cross_entropy(model(x_var), y).backward()
    return (x + eps * x_var.grad.sign()).clamp(0, 1).detach()
''',
        "switches the model to eval mode and leaves it there": '''
import torch
import torch.nn.functional as F
def fgsm_attack(model, x, y, eps):
    model.eval()
    x_var = x.detach().clone().requires_grad_(True)
    grad, = torch.autograd.grad(F.cross_entropy(model(x_var), y), x_var)
    return (x + eps * grad.sign()).clamp(0, 1).detach()
''',
        "sign with >= 0: pixels with zero gradient move up": '''
import torch
import torch.nn.functional as F
def fgsm_attack(model, x, y, eps):
    x_var = x.detach().clone().requires_grad_(True)
    grad, = torch.autograd.grad(F.cross_entropy(model(x_var), y), x_var)
    step = torch.where(grad >= 0, 1.0, -1.0).to(x.dtype)
    return (x + eps * step).clamp(0, 1).detach()
''',
        "sets requires_grad on the caller's x": '''
import torch
import torch.nn.functional as F
def fgsm_attack(model, x, y, eps):
    x.requires_grad_(True)
    grad, = torch.autograd.grad(F.cross_entropy(model(x), y), x)
    return (x + eps * grad.sign()).clamp(0, 1).detach()
''',
    },
    "pgd_attack": {
        "never projects onto the eps-ball": '''
import torch
import torch.nn.functional as F
def pgd_attack(model, x, y, eps, alpha, steps):
    x_adv = x.detach().clone()
    for _ in range(steps):
        x_adv.requires_grad_(True)
        grad, = torch.autograd.grad(F.cross_entropy(model(x_adv), y), x_adv)
        x_adv = (x_adv.detach() + alpha * grad.sign()).clamp(0, 1)
    return x_adv.detach()
''',
        "projects only once, at the end": '''
import torch
import torch.nn.functional as F
def pgd_attack(model, x, y, eps, alpha, steps):
    x_adv = x.detach().clone()
    for _ in range(steps):
        x_adv.requires_grad_(True)
        grad, = torch.autograd.grad(F.cross_entropy(model(x_adv), y), x_adv)
        x_adv = (x_adv.detach() + alpha * grad.sign()).clamp(0, 1)
    return torch.max(torch.min(x_adv, x + eps), x - eps).detach()
''',
        "gradient always taken at the clean x (repeated FGSM)": '''
import torch
import torch.nn.functional as F
def pgd_attack(model, x, y, eps, alpha, steps):
    x_var = x.detach().clone().requires_grad_(True)
    grad, = torch.autograd.grad(F.cross_entropy(model(x_var), y), x_var)
    x_adv = x.detach().clone()
    for _ in range(steps):
        x_adv = torch.max(torch.min(x_adv + alpha * grad.sign(), x + eps), x - eps).clamp(0, 1)
    return x_adv.detach()
''',
        "random start inside the ball": '''
import torch
import torch.nn.functional as F
def pgd_attack(model, x, y, eps, alpha, steps):
    x_adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1).detach()
    for _ in range(steps):
        x_adv.requires_grad_(True)
        grad, = torch.autograd.grad(F.cross_entropy(model(x_adv), y), x_adv)
        x_adv = torch.max(torch.min(x_adv.detach() + alpha * grad.sign(), x + eps), x - eps).clamp(0, 1)
    return x_adv.detach()
''',
        "uses eps as the step size (ignores alpha)": '''
import torch
import torch.nn.functional as F
def pgd_attack(model, x, y, eps, alpha, steps):
    x_adv = x.detach().clone()
    for _ in range(steps):
        x_adv.requires_grad_(True)
        grad, = torch.autograd.grad(F.cross_entropy(model(x_adv), y), x_adv)
        x_adv = torch.max(torch.min(x_adv.detach() + eps * grad.sign(), x + eps), x - eps).clamp(0, 1)
    return x_adv.detach()
''',
        "forgets the clamp to [0, 1]": '''
import torch
import torch.nn.functional as F
def pgd_attack(model, x, y, eps, alpha, steps):
    x_adv = x.detach().clone()
    for _ in range(steps):
        x_adv.requires_grad_(True)
        grad, = torch.autograd.grad(F.cross_entropy(model(x_adv), y), x_adv)
        x_adv = torch.max(torch.min(x_adv.detach() + alpha * grad.sign(), x + eps), x - eps)
    return x_adv.detach()
''',
        "returns x itself when steps = 0 (and updates nothing new)": '''
import torch
import torch.nn.functional as F
def pgd_attack(model, x, y, eps, alpha, steps):
    if steps == 0:
        return x
    x_adv = x.detach().clone()
    for _ in range(steps):
        x_adv.requires_grad_(True)
        grad, = torch.autograd.grad(F.cross_entropy(model(x_adv), y), x_adv)
        x_adv = torch.max(torch.min(x_adv.detach() + alpha * grad.sign(), x + eps), x - eps).clamp(0, 1)
    return x_adv.detach()
''',
    },
    "adversarial_training_step": {
        "trains on the clean batch (no attack)": '''
import torch.nn.functional as F
def adversarial_training_step(model, optimizer, x, y, eps):
    model.train()
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()
''',
        "never zeroes the gradients": '''
import torch.nn.functional as F
def adversarial_training_step(model, optimizer, x, y, eps):
    model.eval()
    x_adv = fgsm_attack(model, x, y, eps)
    model.train()
    loss = F.cross_entropy(model(x_adv), y)
    loss.backward()
    optimizer.step()
    return loss.item()
''',
        "crafts the FGSM examples in train mode": '''
import torch.nn.functional as F
def adversarial_training_step(model, optimizer, x, y, eps):
    model.train()
    x_adv = fgsm_attack(model, x, y, eps)
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x_adv), y)
    loss.backward()
    optimizer.step()
    return loss.item()
''',
        "takes the step in eval mode": '''
import torch.nn.functional as F
def adversarial_training_step(model, optimizer, x, y, eps):
    model.eval()
    x_adv = fgsm_attack(model, x, y, eps)
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x_adv), y)
    loss.backward()
    optimizer.step()
    model.train()
    return loss.item()
''',
        "trains on half clean, half adversarial loss": '''
import torch.nn.functional as F
def adversarial_training_step(model, optimizer, x, y, eps):
    model.eval()
    x_adv = fgsm_attack(model, x, y, eps)
    model.train()
    optimizer.zero_grad()
    loss = 0.5 * F.cross_entropy(model(x_adv), y) + 0.5 * F.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()
''',
        "returns the loss tensor, not a float": '''
import torch.nn.functional as F
def adversarial_training_step(model, optimizer, x, y, eps):
    model.eval()
    x_adv = fgsm_attack(model, x, y, eps)
    model.train()
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x_adv), y)
    loss.backward()
    optimizer.step()
    return loss
''',
    },
    "saliency_map": {
        "forgets the absolute value": '''
import torch
def saliency_map(model, x, target):
    x_var = x.detach().clone().requires_grad_(True)
    grad, = torch.autograd.grad(model(x_var).gather(1, target.view(-1, 1)).sum(), x_var)
    return grad
''',
        "gradient of the softmax probability instead of the logit": '''
import torch
def saliency_map(model, x, target):
    x_var = x.detach().clone().requires_grad_(True)
    p = torch.softmax(model(x_var), dim=1)
    grad, = torch.autograd.grad(p.gather(1, target.view(-1, 1)).sum(), x_var)
    return grad.abs()
''',
        "gradient of the cross-entropy loss": '''
import torch
import torch.nn.functional as F
def saliency_map(model, x, target):
    x_var = x.detach().clone().requires_grad_(True)
    grad, = torch.autograd.grad(F.cross_entropy(model(x_var), target), x_var)
    return grad.abs()
''',
        "explains the predicted class, ignoring target": '''
import torch
def saliency_map(model, x, target):
    x_var = x.detach().clone().requires_grad_(True)
    logits = model(x_var)
    grad, = torch.autograd.grad(logits.max(dim=1).values.sum(), x_var)
    return grad.abs()
''',
        "gradient times input": '''
import torch
def saliency_map(model, x, target):
    x_var = x.detach().clone().requires_grad_(True)
    grad, = torch.autograd.grad(model(x_var).gather(1, target.view(-1, 1)).sum(), x_var)
    return (grad * x).abs()
''',
        "uses target[0] for every image": '''
import torch
def saliency_map(model, x, target):
    x_var = x.detach().clone().requires_grad_(True)
    grad, = torch.autograd.grad(model(x_var)[:, int(target[0])].sum(), x_var)
    return grad.abs()
''',
    },
    "grad_cam": {
        "divides by the largest value of the whole batch (right for one image only)": '''
import torch
def grad_cam(model, layer, x, target):
    store = {}
    handle = layer.register_forward_hook(lambda module, inputs, output: store.update(A=output))
    try:
        logits = model(x)
    finally:
        handle.remove()
    A = store["A"]
    grads, = torch.autograd.grad(logits.gather(1, target.view(-1, 1)).sum(), A)
    cam = torch.relu((grads.mean(dim=(2, 3), keepdim=True) * A).sum(dim=1)).detach()
    top = cam.max()
    return cam / top if top > 0 else cam
''',
        "no ReLU on the weighted sum": '''
import torch
def grad_cam(model, layer, x, target):
    store = {}
    handle = layer.register_forward_hook(lambda m, i, o: store.update(A=o))
    logits = model(x)
    handle.remove()
    A = store["A"]
    g, = torch.autograd.grad(logits.gather(1, target.view(-1, 1)).sum(), A)
    cam = (g.mean(dim=(2, 3), keepdim=True) * A).sum(dim=1).detach()
    top = cam.abs().amax(dim=(1, 2), keepdim=True)
    return torch.where(top > 0, cam / top.clamp_min(1e-30), cam)
''',
        "no normalisation by the maximum": '''
import torch
def grad_cam(model, layer, x, target):
    store = {}
    handle = layer.register_forward_hook(lambda m, i, o: store.update(A=o))
    logits = model(x)
    handle.remove()
    A = store["A"]
    g, = torch.autograd.grad(logits.gather(1, target.view(-1, 1)).sum(), A)
    return torch.relu((g.mean(dim=(2, 3), keepdim=True) * A).sum(dim=1)).detach()
''',
        "min-max normalisation": '''
import torch
def grad_cam(model, layer, x, target):
    store = {}
    handle = layer.register_forward_hook(lambda m, i, o: store.update(A=o))
    logits = model(x)
    handle.remove()
    A = store["A"]
    g, = torch.autograd.grad(logits.gather(1, target.view(-1, 1)).sum(), A)
    cam = torch.relu((g.mean(dim=(2, 3), keepdim=True) * A).sum(dim=1)).detach()
    lo = cam.amin(dim=(1, 2), keepdim=True)
    hi = cam.amax(dim=(1, 2), keepdim=True)
    return torch.where(hi > lo, (cam - lo) / (hi - lo).clamp_min(1e-30), torch.zeros_like(cam))
''',
        "divides by the max without guarding zero maps (NaN)": '''
import torch
def grad_cam(model, layer, x, target):
    store = {}
    handle = layer.register_forward_hook(lambda m, i, o: store.update(A=o))
    logits = model(x)
    handle.remove()
    A = store["A"]
    g, = torch.autograd.grad(logits.gather(1, target.view(-1, 1)).sum(), A)
    cam = torch.relu((g.mean(dim=(2, 3), keepdim=True) * A).sum(dim=1)).detach()
    return cam / cam.amax(dim=(1, 2), keepdim=True)
''',
        "element-wise gradient x activation, no spatial average of the gradient": '''
import torch
def grad_cam(model, layer, x, target):
    store = {}
    handle = layer.register_forward_hook(lambda m, i, o: store.update(A=o))
    logits = model(x)
    handle.remove()
    A = store["A"]
    g, = torch.autograd.grad(logits.gather(1, target.view(-1, 1)).sum(), A)
    cam = torch.relu((g * A).sum(dim=1)).detach()
    top = cam.amax(dim=(1, 2), keepdim=True)
    return torch.where(top > 0, cam / top.clamp_min(1e-30), cam)
''',
        "upsamples the map to the input size": '''
import torch
import torch.nn.functional as F
def grad_cam(model, layer, x, target):
    store = {}
    handle = layer.register_forward_hook(lambda m, i, o: store.update(A=o))
    logits = model(x)
    handle.remove()
    A = store["A"]
    g, = torch.autograd.grad(logits.gather(1, target.view(-1, 1)).sum(), A)
    cam = torch.relu((g.mean(dim=(2, 3), keepdim=True) * A).sum(dim=1, keepdim=True)).detach()
    cam = F.interpolate(cam, size=x.shape[2:], mode="bilinear", align_corners=False)[:, 0]
    top = cam.amax(dim=(1, 2), keepdim=True)
    return torch.where(top > 0, cam / top.clamp_min(1e-30), cam)
''',
        "never removes the hook": '''
import torch
def grad_cam(model, layer, x, target):
    store = {}
    layer.register_forward_hook(lambda m, i, o: store.update(A=o))
    logits = model(x)
    A = store["A"]
    g, = torch.autograd.grad(logits.gather(1, target.view(-1, 1)).sum(), A)
    cam = torch.relu((g.mean(dim=(2, 3), keepdim=True) * A).sum(dim=1)).detach()
    top = cam.amax(dim=(1, 2), keepdim=True)
    return torch.where(top > 0, cam / top.clamp_min(1e-30), cam)
''',
    },
    "occlusion_map": {
        "sign flipped: occluded minus clean": '''
import torch
def occlusion_map(model, x, target, patch, stride):
    N, _, H, W = x.shape
    rows, cols = range(0, H - patch + 1, stride), range(0, W - patch + 1, stride)
    out = torch.zeros(N, len(rows), len(cols), dtype=x.dtype)
    with torch.no_grad():
        p = torch.softmax(model(x), dim=1)[torch.arange(N), target]
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                xo = x.clone()
                xo[:, :, r:r + patch, c:c + patch] = 0
                out[:, i, j] = torch.softmax(model(xo), dim=1)[torch.arange(N), target] - p
    return out
''',
        "uses logits instead of probabilities": '''
import torch
def occlusion_map(model, x, target, patch, stride):
    N, _, H, W = x.shape
    rows, cols = range(0, H - patch + 1, stride), range(0, W - patch + 1, stride)
    out = torch.zeros(N, len(rows), len(cols), dtype=x.dtype)
    with torch.no_grad():
        p = model(x)[torch.arange(N), target]
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                xo = x.clone()
                xo[:, :, r:r + patch, c:c + patch] = 0
                out[:, i, j] = p - model(xo)[torch.arange(N), target]
    return out
''',
        "off by one: misses the last position": '''
import torch
def occlusion_map(model, x, target, patch, stride):
    N, _, H, W = x.shape
    rows, cols = range(0, H - patch, stride), range(0, W - patch, stride)
    out = torch.zeros(N, len(rows), len(cols), dtype=x.dtype)
    with torch.no_grad():
        p = torch.softmax(model(x), dim=1)[torch.arange(N), target]
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                xo = x.clone()
                xo[:, :, r:r + patch, c:c + patch] = 0
                out[:, i, j] = p - torch.softmax(model(xo), dim=1)[torch.arange(N), target]
    return out
''',
        "occludes only the first channel": '''
import torch
def occlusion_map(model, x, target, patch, stride):
    N, _, H, W = x.shape
    rows, cols = range(0, H - patch + 1, stride), range(0, W - patch + 1, stride)
    out = torch.zeros(N, len(rows), len(cols), dtype=x.dtype)
    with torch.no_grad():
        p = torch.softmax(model(x), dim=1)[torch.arange(N), target]
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                xo = x.clone()
                xo[:, 0, r:r + patch, c:c + patch] = 0
                out[:, i, j] = p - torch.softmax(model(xo), dim=1)[torch.arange(N), target]
    return out
''',
        "fills the patch with the image mean instead of 0": '''
import torch
def occlusion_map(model, x, target, patch, stride):
    N, _, H, W = x.shape
    rows, cols = range(0, H - patch + 1, stride), range(0, W - patch + 1, stride)
    out = torch.zeros(N, len(rows), len(cols), dtype=x.dtype)
    with torch.no_grad():
        p = torch.softmax(model(x), dim=1)[torch.arange(N), target]
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                xo = x.clone()
                xo[:, :, r:r + patch, c:c + patch] = x.mean()
                out[:, i, j] = p - torch.softmax(model(xo), dim=1)[torch.arange(N), target]
    return out
''',
        "occludes x itself instead of a copy": '''
import torch
def occlusion_map(model, x, target, patch, stride):
    N, _, H, W = x.shape
    rows, cols = range(0, H - patch + 1, stride), range(0, W - patch + 1, stride)
    out = torch.zeros(N, len(rows), len(cols), dtype=x.dtype)
    with torch.no_grad():
        p = torch.softmax(model(x), dim=1)[torch.arange(N), target]
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                x_occ = x
                x_occ[:, :, r:r + patch, c:c + patch] = 0
                out[:, i, j] = p - torch.softmax(model(x_occ), dim=1)[torch.arange(N), target]
    return out
''',
    },
    "integrated_gradients": {
        "left-endpoint Riemann sum (k = 0..steps-1)": '''
import torch
def integrated_gradients(model, x, baseline, target, steps=50):
    total = torch.zeros_like(x)
    for k in range(steps):
        z = (baseline + k / steps * (x - baseline)).detach().requires_grad_(True)
        g, = torch.autograd.grad(model(z).gather(1, target.view(-1, 1)).sum(), z)
        total = total + g
    return ((x - baseline) * total / steps).detach()
''',
        "linspace(0, 1, steps): includes the baseline end": '''
import torch
def integrated_gradients(model, x, baseline, target, steps=50):
    total = torch.zeros_like(x)
    for a in torch.linspace(0, 1, steps, dtype=x.dtype):
        z = (baseline + a * (x - baseline)).detach().requires_grad_(True)
        g, = torch.autograd.grad(model(z).gather(1, target.view(-1, 1)).sum(), z)
        total = total + g
    return ((x - baseline) * total / steps).detach()
''',
        "forgets the (x - baseline) factor": '''
import torch
def integrated_gradients(model, x, baseline, target, steps=50):
    total = torch.zeros_like(x)
    for k in range(1, steps + 1):
        z = (baseline + k / steps * (x - baseline)).detach().requires_grad_(True)
        g, = torch.autograd.grad(model(z).gather(1, target.view(-1, 1)).sum(), z)
        total = total + g
    return (total / steps).detach()
''',
        "multiplies by x instead of (x - baseline)": '''
import torch
def integrated_gradients(model, x, baseline, target, steps=50):
    total = torch.zeros_like(x)
    for k in range(1, steps + 1):
        z = (baseline + k / steps * (x - baseline)).detach().requires_grad_(True)
        g, = torch.autograd.grad(model(z).gather(1, target.view(-1, 1)).sum(), z)
        total = total + g
    return (x * total / steps).detach()
''',
        "integrates the probability instead of the logit": '''
import torch
def integrated_gradients(model, x, baseline, target, steps=50):
    total = torch.zeros_like(x)
    for k in range(1, steps + 1):
        z = (baseline + k / steps * (x - baseline)).detach().requires_grad_(True)
        p = torch.softmax(model(z), dim=1)
        g, = torch.autograd.grad(p.gather(1, target.view(-1, 1)).sum(), z)
        total = total + g
    return ((x - baseline) * total / steps).detach()
''',
        "default of 20 steps": '''
import torch
def integrated_gradients(model, x, baseline, target, steps=20):
    total = torch.zeros_like(x)
    for k in range(1, steps + 1):
        z = (baseline + k / steps * (x - baseline)).detach().requires_grad_(True)
        g, = torch.autograd.grad(model(z).gather(1, target.view(-1, 1)).sum(), z)
        total = total + g
    return ((x - baseline) * total / steps).detach()
''',
    },
    "squash": {
        "norm over the first axis instead of the last": '''
def squash(s):
    norm = s.norm(dim=0, keepdim=True)
    return s * norm / (1 + norm ** 2)
''',
        "divides by |s|: NaN for the zero vector": '''
def squash(s):
    n2 = (s ** 2).sum(dim=-1, keepdim=True)
    return n2 / (1 + n2) * s / n2.sqrt()
''',
        "scale uses |s| instead of |s|^2": '''
def squash(s):
    norm = s.norm(dim=-1, keepdim=True)
    return norm / (1 + norm) * s / norm.clamp_min(1e-30)
''',
        "forgets to divide by |s| (no unit vector)": '''
def squash(s):
    n2 = (s ** 2).sum(dim=-1, keepdim=True)
    return n2 / (1 + n2) * s
''',
        "squashes in place": '''
def squash(s):
    norm = s.norm(dim=-1, keepdim=True)
    return s.mul_(norm / (1 + norm ** 2))
''',
    },
    "euler_odeint": {
        "always evaluates f at t = ts[0] (right for an f that ignores t)": '''
import torch
def euler_odeint(f, h0, ts):
    states = [h0]
    for k in range(len(ts) - 1):
        states.append(states[-1] + (ts[k + 1] - ts[k]) * f(ts[0], states[-1]))
    return torch.stack(states)
''',
        "uses the first step size for every step": '''
import torch
def euler_odeint(f, h0, ts):
    dt = ts[1] - ts[0] if len(ts) > 1 else 0.0
    states = [h0]
    for k in range(len(ts) - 1):
        states.append(states[-1] + dt * f(ts[k], states[-1]))
    return torch.stack(states)
''',
        "evaluates f at the end of the step": '''
import torch
def euler_odeint(f, h0, ts):
    states = [h0]
    for k in range(len(ts) - 1):
        states.append(states[-1] + (ts[k + 1] - ts[k]) * f(ts[k + 1], states[-1]))
    return torch.stack(states)
''',
        "leaves out h0": '''
import torch
def euler_odeint(f, h0, ts):
    h, states = h0, []
    for k in range(len(ts) - 1):
        h = h + (ts[k + 1] - ts[k]) * f(ts[k], h)
        states.append(h)
    return torch.stack(states) if states else h0[None]
''',
        "updates h0 in place": '''
import torch
def euler_odeint(f, h0, ts):
    h = h0
    states = [h0.clone()]
    with torch.no_grad():
        for k in range(len(ts) - 1):
            h += (ts[k + 1] - ts[k]) * f(ts[k], h)
            states.append(h.clone())
    return torch.stack(states)
''',
        "detaches each state (no gradient through the solver)": '''
import torch
def euler_odeint(f, h0, ts):
    states = [h0]
    for k in range(len(ts) - 1):
        states.append((states[-1] + (ts[k + 1] - ts[k]) * f(ts[k], states[-1])).detach())
    return torch.stack(states)
''',
        "arguments of f swapped: f(h, t)": '''
import torch
def euler_odeint(f, h0, ts):
    states = [h0]
    for k in range(len(ts) - 1):
        states.append(states[-1] + (ts[k + 1] - ts[k]) * f(states[-1], ts[k]))
    return torch.stack(states)
''',
    },
}

RIGHT = {  # exercise -> {description: a correct implementation written differently}
    "fgsm_attack": {
        "backward on a leaf copy, then puts the weights' gradients back": '''
import torch
import torch.nn.functional as F
def fgsm_attack(model, x, y, eps):
    saved = [p.grad for p in model.parameters()]
    x_adv = x.clone().detach().requires_grad_(True)
    loss = F.nll_loss(F.log_softmax(model(x_adv), dim=1), y, reduction="sum")
    loss.backward()
    step = eps * torch.sign(x_adv.grad)
    for p, g in zip(model.parameters(), saved):
        p.grad = g
    return torch.clamp(x.detach() + step, min=0.0, max=1.0)
''',
    },
    "pgd_attack": {
        "iterates on delta with an explicit per-step clip": '''
import torch
import torch.nn.functional as F
def pgd_attack(model, x, y, eps, alpha, steps):
    delta = torch.zeros_like(x)
    for _ in range(steps):
        d = delta.clone().requires_grad_(True)
        grad, = torch.autograd.grad(F.cross_entropy(model(x + d), y), d)
        delta = torch.clamp(delta + alpha * grad.sign(), -eps, eps)
        delta = torch.clamp(x + delta, 0, 1) - x
    return (x + delta).detach()
''',
        "calls fgsm_attack then clips": '''
import torch
def pgd_attack(model, x, y, eps, alpha, steps):
    x_adv = x.clone()
    for _ in range(steps):
        x_adv = fgsm_attack(model, x_adv, y, alpha)
        x_adv = torch.clamp(torch.clamp(x_adv, min=x - eps, max=x + eps), 0, 1)
    return x_adv.detach()
''',
    },
    "adversarial_training_step": {
        "own inline FGSM and set_to_none zeroing": '''
import torch
import torch.nn.functional as F
def adversarial_training_step(model, optimizer, x, y, eps):
    model.eval()
    x_var = x.clone().detach().requires_grad_(True)
    g, = torch.autograd.grad(F.cross_entropy(model(x_var), y), x_var)
    x_adv = (x + eps * g.sign()).clamp(0.0, 1.0).detach()
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x_adv), y)
    loss.backward()
    optimizer.step()
    return float(loss.detach())
''',
    },
    "saliency_map": {
        "one image at a time with backward": '''
import torch
def saliency_map(model, x, target):
    maps = []
    for n in range(len(x)):
        xi = x[n:n + 1].detach().clone().requires_grad_(True)
        grad, = torch.autograd.grad(model(xi)[0, target[n]], xi)
        maps.append(grad[0].abs())
    return torch.stack(maps)
''',
    },
    "grad_cam": {
        "hook appends to a list; einsum and a loop to normalise": '''
import torch
def grad_cam(model, layer, x, target):
    acts = []
    handle = layer.register_forward_hook(lambda m, i, o: acts.append(o))
    try:
        logits = model(x)
    finally:
        handle.remove()
    A = acts[0]
    score = logits[torch.arange(len(x)), target].sum()
    g = torch.autograd.grad(score, A)[0]
    h, w = A.shape[-2:]
    weights = g.sum(dim=(-1, -2)) / (h * w)
    cam = torch.einsum("nc,nchw->nhw", weights, A).clamp(min=0).detach()
    out = torch.zeros_like(cam)
    for n in range(len(cam)):
        m = cam[n].max()
        if m > 0:
            out[n] = cam[n] / m
    return out
''',
    },
    "occlusion_map": {
        "masks built up front, one batched forward pass": '''
import torch
def occlusion_map(model, x, target, patch, stride):
    N, C, H, W = x.shape
    ho, wo = (H - patch) // stride + 1, (W - patch) // stride + 1
    masks = torch.ones(ho * wo, 1, 1, H, W, dtype=x.dtype)
    for i in range(ho):
        for j in range(wo):
            masks[i * wo + j, ..., i * stride:i * stride + patch, j * stride:j * stride + patch] = 0
    with torch.no_grad():
        p = torch.softmax(model(x), dim=1).gather(1, target[:, None])[:, 0]
        occluded = (x[None] * masks).reshape(-1, C, H, W)
        q = torch.softmax(model(occluded), dim=1).reshape(ho * wo, N, -1)
        q = q.gather(2, target[None, :, None].expand(ho * wo, N, 1))[..., 0]
    return (p[None] - q).T.reshape(N, ho, wo)
''',
    },
    "integrated_gradients": {
        "all path points in one batch": '''
import torch
def integrated_gradients(model, x, baseline, target, steps=50):
    N = x.shape[0]
    alphas = torch.arange(1, steps + 1, dtype=x.dtype) / steps
    alphas = alphas.view(steps, 1, *([1] * (x.dim() - 1)))
    path = (baseline[None] + alphas * (x - baseline)[None]).reshape(steps * N, *x.shape[1:])
    path.requires_grad_(True)
    logits = model(path)
    grads, = torch.autograd.grad(logits[torch.arange(steps * N), target.repeat(steps)].sum(), path)
    return ((x - baseline) * grads.view(steps, *x.shape).mean(dim=0)).detach()
''',
    },
    "squash": {
        "as written, with a where() for zero vectors": '''
import torch
def squash(s):
    n2 = (s * s).sum(dim=-1, keepdim=True)
    safe = torch.where(n2 > 0, n2, torch.ones_like(n2))
    return torch.where(n2 > 0, n2 / (1 + n2) * s / safe.sqrt(), torch.zeros_like(s))
''',
    },
    "euler_odeint": {
        "preallocated list, times as a Python list": '''
import torch
def euler_odeint(f, h0, ts):
    h = h0
    out = [h]
    for t0, t1 in zip(ts[:-1], ts[1:]):
        h = h + f(t0, h) * (t1 - t0)
        out.append(h)
    return torch.stack(out, dim=0)
''',
    },
}

# Additions (second turn): Shapley values, LIME and dynamic routing.
_SHAPLEY_RIGHT = '''
import itertools
import math
import numpy as np
def shapley_values(f, x, baseline):
    d = len(x)
    phi = np.zeros(d)
    for i in range(d):
        others = [k for k in range(d) if k != i]
        for size in range(d):
            w = math.factorial(size) * math.factorial(d - size - 1) / math.factorial(d)
            for S in itertools.combinations(others, size):
                z = np.array(baseline, dtype=float)
                z[list(S)] = x[list(S)]
                without = f(z)
                z[i] = x[i]
                phi[i] += w * (f(z) - without)
    return phi
'''


def _shapley_variant(old, new):
    assert old in _SHAPLEY_RIGHT, old
    return _SHAPLEY_RIGHT.replace(old, new)


WRONG["shapley_values"] = {
    "equal weights (the Banzhaf value)": _shapley_variant(
        "w = math.factorial(size) * math.factorial(d - size - 1) / math.factorial(d)",
        "w = 1.0 / 2 ** (d - 1)"),
    "absent features set to 0 instead of the baseline": _shapley_variant(
        "z = np.array(baseline, dtype=float)", "z = np.zeros(d)"),
    "leave one out: f(x) - f(x with i at its baseline)": '''
import numpy as np
def shapley_values(f, x, baseline):
    phi = np.zeros(len(x))
    for i in range(len(x)):
        z = np.array(x, dtype=float)
        z[i] = baseline[i]
        phi[i] = f(x) - f(z)
    return phi
''',
    "add one: f(baseline with i from x) - f(baseline)": '''
import numpy as np
def shapley_values(f, x, baseline):
    phi = np.zeros(len(x))
    for i in range(len(x)):
        z = np.array(baseline, dtype=float)
        z[i] = x[i]
        phi[i] = f(z) - f(baseline)
    return phi
''',
    "weights |S|! (d - |S|)! / d! (off by one)": _shapley_variant(
        "math.factorial(d - size - 1) / math.factorial(d)", "math.factorial(d - size) / math.factorial(d)"),
    "gradient times input, by finite differences": '''
import numpy as np
def shapley_values(f, x, baseline):
    x = np.asarray(x, dtype=float)
    phi = np.zeros(len(x))
    for i in range(len(x)):
        e = np.zeros(len(x))
        e[i] = 1e-5
        phi[i] = (f(x + e) - f(x - e)) / 2e-5 * (x[i] - baseline[i])
    return phi
''',
}
RIGHT["shapley_values"] = {
    "coalitions by size with itertools.combinations": _SHAPLEY_RIGHT,
}

_LIME_RIGHT = '''
import numpy as np
def lime_weights(f, x, rng, n_samples=1000, kernel_width=0.75):
    d = len(x)
    Z = rng.integers(0, 2, size=(n_samples, d))
    y = np.array([f(x * z) for z in Z], dtype=float)
    removed = d - Z.sum(axis=1)
    w = np.exp(-(removed / d) / kernel_width ** 2)
    A = np.column_stack([np.ones(n_samples), Z])
    AtW = A.T * w
    beta = np.linalg.solve(AtW @ A, AtW @ y)
    return beta[1:], float(beta[0])
'''


def _lime_variant(old, new):
    assert old in _LIME_RIGHT, old
    return _LIME_RIGHT.replace(old, new)


WRONG["lime_weights"] = {
    "no kernel weights (ordinary least squares)": _lime_variant(
        "w = np.exp(-(removed / d) / kernel_width ** 2)", "w = np.ones(n_samples)"),
    "regresses on the perturbed inputs x * z instead of the masks": _lime_variant(
        "A = np.column_stack([np.ones(n_samples), Z])", "A = np.column_stack([np.ones(n_samples), Z * x])"),
    "no intercept": '''
import numpy as np
def lime_weights(f, x, rng, n_samples=1000, kernel_width=0.75):
    d = len(x)
    Z = rng.integers(0, 2, size=(n_samples, d))
    y = np.array([f(x * z) for z in Z], dtype=float)
    w = np.exp(-((d - Z.sum(axis=1)) / d) / kernel_width ** 2)
    sw = np.sqrt(w)
    coef = np.linalg.lstsq(Z * sw[:, None], y * sw, rcond=None)[0]
    return coef, 0.0
''',
    "distance to the empty mask instead of the full input": _lime_variant(
        "removed = d - Z.sum(axis=1)", "removed = Z.sum(axis=1)"),
    "kernel without the square on the distance (exp(-D / w^2))": _lime_variant(
        "w = np.exp(-(removed / d) / kernel_width ** 2)",
        "w = np.exp(-np.sqrt(removed / d) / kernel_width ** 2)"),
    "masks drawn with rng.random() < 0.5": _lime_variant(
        "Z = rng.integers(0, 2, size=(n_samples, d))", "Z = (rng.random((n_samples, d)) < 0.5).astype(int)"),
}
RIGHT["lime_weights"] = {
    "normal equations with the weights as a diagonal": _LIME_RIGHT,
}

_ROUTE_RIGHT = '''
import numpy as np
import torch
def dynamic_routing(u_hat, iterations=3):
    tensor_in = isinstance(u_hat, torch.Tensor)
    u = u_hat if tensor_in else torch.from_numpy(np.array(u_hat))
    n, I, J, D = u.shape
    b = u.new_zeros(n, I, J)
    for r in range(iterations):
        c = torch.exp(b - b.max(dim=2, keepdim=True).values)
        c = c / c.sum(dim=2, keepdim=True)
        s = torch.einsum("nij,nijd->njd", c, u)
        sq = (s * s).sum(dim=-1, keepdim=True)
        v = s * torch.sqrt(sq) / (1 + sq)
        if r + 1 < iterations:
            b = b + torch.einsum("nijd,njd->nij", u, v)
    return v if tensor_in else v.numpy()
'''


def _route_variant(old, new):
    assert old in _ROUTE_RIGHT, old
    return _ROUTE_RIGHT.replace(old, new)


WRONG["dynamic_routing"] = {
    "softmax over the lower capsules i": _route_variant(
        "c = torch.exp(b - b.max(dim=2, keepdim=True).values)\n        c = c / c.sum(dim=2, keepdim=True)",
        "c = torch.softmax(b, dim=1)"),
    "one b shared by the batch (agreement summed over examples)": _route_variant(
        "b = b + torch.einsum(\"nijd,njd->nij\", u, v)",
        "b = b + torch.einsum(\"nijd,njd->ij\", u, v)[None]"),
    "no squash: v = s": _route_variant("v = s * torch.sqrt(sq) / (1 + sq)", "v = s"),
    "updates b after the last iteration and recomputes v once more": _route_variant(
        "        if r + 1 < iterations:\n            b = b + torch.einsum(\"nijd,njd->nij\", u, v)\n",
        "        b = b + torch.einsum(\"nijd,njd->nij\", u, v)\n"
        "    c = torch.softmax(b, dim=2)\n    s = torch.einsum(\"nij,nijd->njd\", c, u)\n"
        "    sq = (s * s).sum(dim=-1, keepdim=True)\n    v = s * torch.sqrt(sq) / (1 + sq)\n"),
    "squash along the wrong axis (over the capsules J)": _route_variant(
        "sq = (s * s).sum(dim=-1, keepdim=True)", "sq = (s * s).sum(dim=1, keepdim=True)"),
    "always returns a NumPy array": _route_variant(
        "return v if tensor_in else v.numpy()", "return v.detach().numpy()"),
}
RIGHT["dynamic_routing"] = {
    "einsum and a hand-written softmax": _ROUTE_RIGHT,
}
