"""Visualizations for 13_generative: models that learn the data itself.

- ``latent_space_explorer``: a two-dimensional latent space of the digits
  (a VAE's, a plain autoencoder's, or your own model's); move the point
  (z1, z2) and watch the decoder turn it into an 8x8 digit, next to where the
  real digits landed;
- ``gan_training``: a GAN learning a 2-D distribution, scrubbed or played
  iteration by iteration: real and generated points over the discriminator's
  belief D(x), and both losses (your loss functions, once written);
- ``som_unfolding``: a self-organizing map's grid unfolding over its data,
  one sample at a time (your ``som_update``, once written).

Static helpers for the notebook: ``digit_rows`` (rows of 8x8 images with a
label each) and ``digit_grid`` (a map of images, e.g. a SOM's prototypes).
The digits come from ``course.data.digits(layout="flat")``.
"""
import functools

import numpy as np
import ipywidgets as widgets
from matplotlib import colormaps
from matplotlib.collections import LineCollection

from .. import data
from ..train import fit
from .render import Backdrop
from .base import (Explorer, button, dropdown, freeze_layout, int_slider, learner_function,
                   new_figure, slider, visualization)

MODULE = "13_generative"
__all__ = ["latent_space_explorer", "gan_training", "som_unfolding", "digit_rows", "digit_grid",
           "train_latent_model", "train_gan_2d", "train_som", "sample_2d",
           "GAN_DATA", "SOM_DATA", "SOM_GRIDS"]

REAL = "#1f77b4"
FAKE = "#d62728"


def _fmt(v, digits=3):
    return f"{float(v):.{digits}g}"


# -- static pictures ------------------------------------------------------------------------
def digit_rows(rows, labels, title=None, scale=0.55):
    """Rows of 8x8 images, one row per entry of ``rows`` (each (k, 64) or (k, 8, 8)),
    labelled on the left with ``labels``. Returns the figure's canvas widget
    (display it as a cell's last expression).

    Example::

        digit_rows([X[:8], model(X[:8])], ["input", "reconstruction"])
    """
    rows = [np.asarray(r.detach().cpu() if hasattr(r, "detach") else r, float).reshape(-1, 8, 8)
            for r in rows]
    k = max(len(r) for r in rows)
    fig = new_figure(1.3 + scale * 1.25 * k, 0.3 + scale * 1.25 * len(rows))
    axes = fig.subplots(len(rows), k, squeeze=False)
    for r, (images, label) in enumerate(zip(rows, labels)):
        for c in range(k):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if c < len(images):
                ax.imshow(images[c], cmap="gray_r", vmin=0, vmax=1)
            else:
                ax.axis("off")
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig.canvas


def digit_grid(images, labels=None, title=None, cell=0.5):
    """A (rows, cols) map of 8x8 images, e.g. a SOM's prototypes
    ``weights.reshape(rows, cols, 8, 8)``; ``labels`` (rows, cols), if given, is
    written in each cell's corner (-1: none). Returns the canvas widget.

    Example::

        digit_grid(W.reshape(8, 8, 8, 8), labels=winner_labels, title="SOM prototypes")
    """
    images = np.asarray(images, float)
    rows, cols = images.shape[:2]
    big = np.ones((rows * 9 + 1, cols * 9 + 1))
    for i in range(rows):
        for j in range(cols):
            big[1 + 9 * i:9 + 9 * i, 1 + 9 * j:9 + 9 * j] = 1.0 - images[i, j].reshape(8, 8)
    fig = new_figure(cell * cols + 0.4, cell * rows + (0.6 if title else 0.3))
    ax = fig.add_subplot()
    ax.imshow(big, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if labels is not None:
        for i in range(rows):
            for j in range(cols):
                if labels[i][j] >= 0:
                    ax.text(9 * j + 1.3, 9 * i + 2.6, str(labels[i][j]), color="#d62728",
                            fontsize=7, fontweight="bold")
    if title:
        ax.set_title(title, fontsize=10)
    return fig.canvas


# -- 1. the latent space ----------------------------------------------------------------------
def _torch():
    import torch
    from torch import nn
    return torch, nn


def _make_latent_model(kind, hidden=128):
    torch, nn = _torch()

    class TwoD(nn.Module):
        """64 -> hidden -> 2 (a VAE's encoder also gives log-variances) -> hidden -> 64 logits."""

        def __init__(self):
            super().__init__()
            out = 4 if kind == "vae" else 2
            self.enc = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, out))
            self.dec = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 64))

        def encode(self, x):
            h = self.enc(x)
            return (h[:, :2], h[:, 2:]) if kind == "vae" else h

        def decode(self, z):
            return self.dec(z)          # logits

    return TwoD()


@functools.lru_cache(maxsize=4)
def train_latent_model(kind="vae", epochs=30, beta=1.0, seed=0):
    """Train the built-in 2-D-latent model on all digits and cache it.

    ``kind`` is ``"vae"`` (Bernoulli decoder, loss = summed BCE + beta * KL) or
    ``"ae"`` (the same networks, deterministic code, summed BCE only).
    ``encode(x)`` returns ``(mu, logvar)`` for the VAE and ``z`` for the
    autoencoder; ``decode(z)`` returns logits. The model is returned on the CPU
    in eval mode.
    """
    import course
    torch, _ = _torch()
    import torch.nn.functional as F

    dev = course.device()
    X = torch.from_numpy(data.digits(layout="flat")[0]).to(dev)
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = _make_latent_model(kind).to(dev)

    def step(model, opt, xb, _):
        if kind == "vae":
            mu, logvar = model.encode(xb)
            z = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, generator=g).to(dev)
            kl = -0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(1).mean()
        else:
            z, kl = model.encode(xb), 0.0
        rec = F.binary_cross_entropy_with_logits(model.decode(z), xb, reduction="sum") / len(xb)
        loss = rec + beta * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    fit(model, X, X, epochs=epochs, lr=3e-3, batch_size=128, step=step, device=dev,
        train_mode=False, generator=g)
    return model.cpu().eval()


def _codes_and_decoder(model):
    """(codes (n, 2) of every digit, decode(z (m, 2)) -> pixels (m, 64) in [0, 1])."""
    torch, _ = _torch()
    param = next(iter(model.parameters()), None)
    dev = param.device if param is not None else torch.device("cpu")
    model.eval()
    with torch.no_grad():
        out = model.encode(torch.from_numpy(data.digits(layout="flat")[0]).to(dev))
        z = out[0] if isinstance(out, (tuple, list)) else out
        codes = z.detach().cpu().numpy().astype(float)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"encode(x) gave codes of shape {codes.shape}; this picture needs a 2-D latent")

    def decode(zs):
        with torch.no_grad():
            out = model.decode(torch.as_tensor(np.asarray(zs, np.float32)).to(dev))
        px = out.detach().cpu().numpy().astype(float).reshape(len(zs), -1)
        if px.min() < 0 or px.max() > 1:          # logits, not probabilities
            px = 1.0 / (1.0 + np.exp(-np.clip(px, -60, 60)))
        return px

    decode(np.zeros((1, 2)))
    return codes, decode


@visualization(MODULE)
def latent_space_explorer(model=None, z1=0.0, z2=0.0, which=None):
    """Walk a two-dimensional latent space of the digits and decode where you stand.

    Left: every digit's code (for a VAE the mean mu of q(z|x)), coloured by its
    label, and the point (z1, z2) you chose. Right: the decoder's output at
    that point as an 8x8 image. The status says which digit's code is nearest
    and how far away it is: far from every code the decoder was never trained,
    and a plain autoencoder's picture shows it.

    Controls: ``z1``, ``z2`` (the point); ``model``: the built-in VAE, the
    built-in plain autoencoder (same networks, no KL term, no sampling), or
    yours when given. Their slider ranges follow the model's codes.

    Arguments: ``model`` an ``nn.Module`` with ``encode(x)`` (x (n, 64) float32
    in [0, 1]) returning codes (n, 2) or a tuple whose first item is mu
    (n, 2), and ``decode(z)`` returning (n, 64) pixels or logits (anything
    outside [0, 1] is read as logits); ``z1``, ``z2`` the first point;
    ``which`` the first model shown.

    Example::

        from course.viz.generative import latent_space_explorer
        latent_space_explorer(model=vae)        # your trained VAE, 2-D latent
    """
    options = ["VAE (built in)", "plain autoencoder (built in)"]
    note = ""
    mine = None
    if model is not None:
        try:
            mine = _codes_and_decoder(model)
            options = ["your model"] + options
        except Exception as exc:  # noqa: BLE001 - a learner's bug must not break the picture
            note = (f"<br><i>your model failed ({type(exc).__name__}: {exc}): showing the "
                    f"built-in ones.</i>")
    which = which if which in options else options[0]
    _, y = data.digits(layout="flat")
    cache = {}

    def load(name):
        if name not in cache:
            if name == "your model":
                cache[name] = mine
            else:
                kind = "vae" if name.startswith("VAE") else "ae"
                cache[name] = _codes_and_decoder(train_latent_model(kind))
        return cache[name]

    fig = new_figure(8.4, 4.0)
    gs = fig.add_gridspec(1, 2, width_ratios=(1.35, 1))
    ax = fig.add_subplot(gs[0])
    axi = fig.add_subplot(gs[1])
    ax.set(xlabel="z₁", ylabel="z₂")
    cmap = colormaps["tab10"]
    dots = ax.scatter(np.zeros(len(y)), np.zeros(len(y)), c=cmap(y % 10), s=7, alpha=0.55,
                      linewidths=0)
    from matplotlib import patheffects
    outline = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    names = [ax.text(0, 0, str(d), fontsize=12, fontweight="bold", color="black", ha="center",
                     va="center", zorder=4, path_effects=outline)
             for d in range(10)]     # each digit's label at its median code (baked: no cost)
    here, = ax.plot([0.0], [0.0], marker="X", ms=14, color="black", mec="white", mew=1.5,
                    ls="none", zorder=5)
    image = axi.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=0, vmax=1)
    axi.set_xticks([])
    axi.set_yticks([])
    axi.set_title("decoder(z)", fontsize=10)

    def ranges(codes):
        lo = np.floor(np.percentile(codes, 0.5, axis=0) - 0.5)
        hi = np.ceil(np.percentile(codes, 99.5, axis=0) + 0.5)
        return lo, hi

    state = {"model": None}

    def draw(z1, z2, model):
        codes, decode = load(model)
        if state["model"] != model:
            state["model"] = model
            dots.set_offsets(codes)
            for d, label in enumerate(names):
                label.set_position(np.median(codes[y == d], axis=0))
            lo, hi = ranges(codes)
            ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))
        if "backdrop" in state:
            state["backdrop"].bake(model)
        here.set_data([z1], [z2])
        px = decode(np.array([[z1, z2]]))[0]
        image.set_data(px.reshape(8, 8))
        dist = np.sqrt(((codes - [z1, z2]) ** 2).sum(1))
        k = int(np.argmin(dist))
        spread = float(np.median(np.sqrt(((codes - np.median(codes, 0)) ** 2).sum(1))))
        where = ("among the data" if dist[k] < 0.1 * spread else
                 "near the data" if dist[k] < 0.3 * spread else
                 "<b>far from every code</b>: the decoder never saw this region")
        return (f"z = ({z1:.2f}, {z2:.2f}) &middot; nearest code: a <b>{y[k]}</b> at distance "
                f"{dist[k]:.2f} ({where}) &middot; {model}" + note)

    def fit_sliders(name):
        lo, hi = ranges(load(name)[0])
        for key, a, b in (("z1", lo[0], hi[0]), ("z2", lo[1], hi[1])):
            ctrl = controls[key]
            if a < ctrl.max:
                ctrl.min = float(a)
                ctrl.max = float(b)
            else:
                ctrl.max = float(b)
                ctrl.min = float(a)
            ctrl.step = float(max((b - a) / 200, 0.01))

    controls = {"z1": slider(z1, -4, 4, 0.02, "z₁"), "z2": slider(z2, -4, 4, 0.02, "z₂"),
                "model": dropdown(options, which, "model")}
    fit_sliders(which)
    controls["z1"].value, controls["z2"].value = z1, z2

    def on_model(change):
        with ex.hold():
            fit_sliders(change["new"])
    controls["model"].observe(on_model, names="value")

    def widest():
        draw(z1=controls["z1"].value, z2=controls["z2"].value, model=which)
    freeze_layout(fig, widest)
    state["model"] = None
    state["backdrop"] = Backdrop(fig, [here, image])
    ex = Explorer(controls, fig, draw, title="Decoding a point of the latent space")
    ex.artists = {"codes": dots, "here": here, "image": image, "names": names}
    ex.decoder = lambda: load(ex.controls["model"].value)[1]
    ex.codes = lambda: load(ex.controls["model"].value)[0]
    return ex


# -- 2. a GAN on 2-D data -----------------------------------------------------------------------
GAN_DATA = ("ring of 8 Gaussians", "two moons", "spiral")


def sample_2d(name, n, rng):
    """``n`` points (n, 2) float32 of the 2-D distribution ``name`` (one of
    ``GAN_DATA`` or ``SOM_DATA``) drawn with the NumPy generator ``rng``."""
    if name == "ring of 8 Gaussians":
        a = rng.integers(0, 8, n) * (2 * np.pi / 8)
        X = 2.0 * np.stack([np.cos(a), np.sin(a)], 1) + 0.07 * rng.normal(size=(n, 2))
    elif name == "two moons":
        t = rng.uniform(0, np.pi, n)
        upper = rng.random(n) < 0.5
        X = np.where(upper[:, None], np.stack([np.cos(t), np.sin(t)], 1),
                     np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1))
        X = 1.3 * (X - [0.5, 0.25]) + 0.06 * rng.normal(size=(n, 2))
    elif name == "spiral":
        t = np.sqrt(rng.uniform(0.04, 1, n)) * 3 * np.pi
        X = 0.28 * t[:, None] * np.stack([np.cos(t), np.sin(t)], 1) / 1.2
        X = X + 0.05 * rng.normal(size=(n, 2))
    elif name == "uniform square":
        X = rng.uniform(-1, 1, (n, 2))
    elif name == "ring":
        a = rng.uniform(0, 2 * np.pi, n)
        r = np.sqrt(rng.uniform(0.5 ** 2, 1.0, n))
        X = r[:, None] * np.stack([np.cos(a), np.sin(a)], 1)
    elif name == "three blobs":
        c = rng.integers(0, 3, n)
        centres = np.array([[-0.6, -0.5], [0.7, -0.4], [0.0, 0.7]])
        X = centres[c] + 0.18 * rng.normal(size=(n, 2))
    else:
        raise ValueError(f"unknown data {name!r}")
    return X.astype(np.float32)


def _builtin_d_loss(real_logits, fake_logits):
    import torch.nn.functional as F
    return (F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean())


def _builtin_g_loss(fake_logits):
    import torch.nn.functional as F
    return F.softplus(-fake_logits).mean()


GAN_LIM = 3.0
GAN_GRID = 48


@functools.lru_cache(maxsize=8)
def train_gan_2d(data="ring of 8 Gaussians", iterations=1000, every=20, d_loss=None, g_loss=None,
                 seed=0, batch=128, lr=2e-3, shown=400):
    """Train a small GAN on a 2-D distribution and keep snapshots (cached).

    G: noise (2) -> 64 -> 64 -> 2 (ReLU); D: 2 -> 64 -> 64 -> 1 logit (LeakyReLU);
    Adam(lr, betas=(0.5, 0.999)); per iteration one D step on a real and a
    fake batch, then one G step. ``d_loss(real_logits, fake_logits)`` and
    ``g_loss(fake_logits)`` (logits of shape (batch,)) default to the stable
    BCE losses. Returns a dict: ``its`` (K,) iterations of the snapshots,
    ``fake`` (K, shown, 2) generated points (the same noise every snapshot),
    ``D`` (K, GAN_GRID, GAN_GRID) D's probability "real" over [-3, 3]^2,
    ``d_loss``, ``g_loss`` (iterations,) per-iteration losses, ``real``
    (shown, 2) a sample of the data.
    """
    import course
    torch, nn = _torch()
    d_loss = d_loss or _builtin_d_loss
    g_loss = g_loss or _builtin_g_loss
    dev = course.device()
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    G = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                      nn.Linear(64, 2)).to(dev)
    D = nn.Sequential(nn.Linear(2, 64), nn.LeakyReLU(0.2), nn.Linear(64, 64), nn.LeakyReLU(0.2),
                      nn.Linear(64, 1)).to(dev)
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    z_shown = torch.from_numpy(rng.normal(size=(shown, 2)).astype(np.float32)).to(dev)
    axis = np.linspace(-GAN_LIM, GAN_LIM, GAN_GRID, dtype=np.float32)
    grid = torch.from_numpy(np.stack(np.meshgrid(axis, axis), -1).reshape(-1, 2)).to(dev)
    its, fakes, surfaces = [], [], []
    ld_all, lg_all = np.zeros(iterations), np.zeros(iterations)

    def snapshot(it):
        with torch.no_grad():
            its.append(it)
            fakes.append(G(z_shown).cpu().numpy())
            surfaces.append(torch.sigmoid(D(grid)).view(GAN_GRID, GAN_GRID).cpu().numpy())

    snapshot(0)
    for it in range(iterations):
        real = torch.from_numpy(sample_2d(data, batch, rng)).to(dev)
        z = torch.from_numpy(rng.normal(size=(batch, 2)).astype(np.float32)).to(dev)
        fake = G(z)
        ld = d_loss(D(real).view(-1), D(fake.detach()).view(-1))
        opt_d.zero_grad()
        ld.backward()
        opt_d.step()
        lg = g_loss(D(fake).view(-1))
        opt_g.zero_grad()
        lg.backward()
        opt_g.step()
        ld_all[it], lg_all[it] = ld.detach().item(), lg.detach().item()
        if (it + 1) % every == 0:
            snapshot(it + 1)
    return {"its": np.array(its), "fake": np.array(fakes), "D": np.array(surfaces),
            "d_loss": ld_all, "g_loss": lg_all,
            "real": sample_2d(data, shown, np.random.default_rng(seed + 1))}


def _probe_d(fn):
    torch, _ = _torch()
    out = fn(torch.zeros(4), torch.zeros(4))
    if tuple(getattr(out, "shape", (1,))) != () or not np.isfinite(float(out)):
        raise ValueError("did not return one finite number (a 0-d tensor)")


def _probe_g(fn):
    torch, _ = _torch()
    out = fn(torch.zeros(4))
    if tuple(getattr(out, "shape", (1,))) != () or not np.isfinite(float(out)):
        raise ValueError("did not return one finite number (a 0-d tensor)")


def _smooth(v, k=15):
    if len(v) < k:
        return v
    c = np.cumsum(np.concatenate([[0.0], v]))
    out = (c[k:] - c[:-k]) / k
    return np.concatenate([v[:k - 1].cumsum() / np.arange(1, k), out])


def _modes_covered(fake):
    """Ring of 8: how many of the 8 centres hold at least 3 % of the generated points."""
    centres = 2.0 * np.stack([np.cos(np.arange(8) * np.pi / 4), np.sin(np.arange(8) * np.pi / 4)], 1)
    d = np.sqrt(((fake[:, None, :] - centres[None]) ** 2).sum(-1))
    near = d.min(1) < 0.35
    counts = np.bincount(d.argmin(1)[near], minlength=8)
    return int((counts >= 0.03 * len(fake)).sum())


@visualization(MODULE)
def gan_training(d_loss=None, g_loss=None, data="ring of 8 Gaussians", iterations=1000, every=20):
    """Watch a GAN learn a 2-D distribution.

    Left: the real data (blue), the generator's points for a fixed batch of
    noise (red), and the discriminator's belief D(x) = P(real) shaded
    underneath (dark: D says "real", light: "fake"; the 0.5 contour is drawn).
    Right: both losses per iteration (smoothed), the current iteration marked,
    and the values of the ideal end point where D(x) = 1/2 everywhere:
    2 log 2 for D and log 2 for G. The status gives both losses, D's average
    verdict on real and generated points, and (ring data) the number of the 8
    modes the generator covers: watch for mode collapse.

    Controls: ``iteration`` scrubs the run (Play plays it, pause with the
    same button); ``step`` / ``reset`` buttons; ``data``: ring of 8 Gaussians,
    two moons, spiral (a new choice trains once, a few seconds, then is cached).

    Arguments: ``d_loss(real_logits, fake_logits)`` and ``g_loss(fake_logits)``:
    your loss functions (a function that is missing, unwritten or raising is
    replaced by the built-in one, and the status says so); ``data`` the first
    data set; ``iterations`` and ``every`` (snapshot spacing) of the run.

    Example::

        from course.viz.generative import gan_training
        gan_training(d_loss=gan_discriminator_loss, g_loss=gan_generator_loss)
    """
    d_fn, note_d = learner_function(d_loss, _probe_d, None)
    g_fn, note_g = learner_function(g_loss, _probe_g, None)
    note = note_d + note_g
    if d_fn is not None or g_fn is not None:
        note += "<br><i>training with your loss function(s).</i>"

    def run(name):
        return train_gan_2d(name, iterations, every, d_fn, g_fn)

    fig = new_figure(8.8, 4.1)
    gs = fig.add_gridspec(1, 2, width_ratios=(1.1, 1))
    ax = fig.add_subplot(gs[0])
    axl = fig.add_subplot(gs[1])
    ax.set(xlim=(-GAN_LIM, GAN_LIM), ylim=(-GAN_LIM, GAN_LIM), aspect="equal", xlabel="x₁",
           ylabel="x₂")
    surface = ax.imshow(np.full((GAN_GRID, GAN_GRID), 0.5), origin="lower",
                        cmap=colormaps["Greens"].resampled(10),   # bands: cheap to send
                        vmin=0, vmax=1, extent=(-GAN_LIM, GAN_LIM, -GAN_LIM, GAN_LIM),
                        interpolation="bilinear", alpha=0.75)
    contour, = ax.plot([], [], ls="none", marker=".", ms=1.5, color="#2ca02c")
    real = ax.scatter([], [], s=9, color=REAL, alpha=0.7, linewidths=0, label="real")
    fake = ax.scatter([], [], s=7, color=FAKE, alpha=0.8, linewidths=0, label="generated")
    ax.legend(loc="upper right", fontsize=7, markerscale=2)
    fig.colorbar(surface, ax=ax, shrink=0.8, label="D(x) = P(real)")
    axl.set(xlabel="iteration", ylabel="loss")
    line_d, = axl.plot([], [], color="#9467bd", lw=1.3, label="D loss")
    line_g, = axl.plot([], [], color="#ff7f0e", lw=1.3, label="G loss")
    axl.axhline(2 * np.log(2), color="#9467bd", lw=0.8, ls=":")
    axl.axhline(np.log(2), color="#ff7f0e", lw=0.8, ls=":")
    now = axl.axvline(0, color="0.3", lw=1.0)
    axl.legend(loc="upper right", fontsize=7)

    state = {"data": None}
    n_snap = iterations // every

    def half_contour(P):
        # the D = 0.5 level set as dots along grid edges where P crosses 0.5 (cheap, no contour())
        axis = np.linspace(-GAN_LIM, GAN_LIM, GAN_GRID)
        s = P >= 0.5
        pts = []
        hx = s[:, 1:] != s[:, :-1]
        r, c = np.nonzero(hx)
        pts.append(np.stack([(axis[c] + axis[c + 1]) / 2, axis[r]], 1))
        vy = s[1:, :] != s[:-1, :]
        r, c = np.nonzero(vy)
        pts.append(np.stack([axis[c], (axis[r] + axis[r + 1]) / 2], 1))
        return np.concatenate(pts) if pts else np.empty((0, 2))

    def draw(iteration, data):
        k = iteration
        res = run(data)
        if state["data"] != data:
            state["data"] = data
            real.set_offsets(res["real"])
            its = np.arange(1, iterations + 1)
            line_d.set_data(its, _smooth(res["d_loss"]))
            line_g.set_data(its, _smooth(res["g_loss"]))
            top = max(3.0, float(np.percentile(np.r_[_smooth(res["d_loss"]), _smooth(res["g_loss"])], 99)) * 1.1)
            axl.set(xlim=(0, iterations), ylim=(0, top))
        if "backdrop" in state:
            state["backdrop"].bake(data)
        k = min(k, len(res["its"]) - 1)
        it = int(res["its"][k])
        P = res["D"][k]
        surface.set_data(P)
        pts = half_contour(P)
        contour.set_data(pts[:, 0], pts[:, 1])
        fk = res["fake"][k]
        fake.set_offsets(fk)
        now.set_xdata([it, it])
        lo, hi = max(0, it - every), max(it, 1)
        ld = float(np.mean(res["d_loss"][lo:hi])) if it else float("nan")
        lg = float(np.mean(res["g_loss"][lo:hi])) if it else float("nan")
        d_real = _d_at(P, res["real"])
        d_fake = _d_at(P, fk)
        text = (f"iteration <b>{it}</b> / {iterations} &middot; D loss {_fmt(ld)}, G loss {_fmt(lg)}"
                f" &middot; mean D(real) {d_real:.2f}, mean D(generated) {d_fake:.2f}")
        if data == "ring of 8 Gaussians":
            text += f" &middot; modes covered: <b>{_modes_covered(fk)}</b> / 8"
        if k == n_snap:
            play.playing = False
        return text + note

    k_slider = int_slider(0, 0, n_snap, "snapshot")
    k_slider.readout = False
    play = widgets.Play(value=0, min=0, max=n_snap, step=1, interval=200, description="play",
                        show_repeat=False, layout=widgets.Layout(width="130px"))
    widgets.link((play, "value"), (k_slider, "value"))
    menu = dropdown(list(GAN_DATA), data if data in GAN_DATA else GAN_DATA[0], "data")

    def widest():
        axl.set(xlim=(0, iterations), ylim=(0, 3.0))
    freeze_layout(fig, widest)
    state["backdrop"] = Backdrop(fig, [surface, contour, fake, now])
    ex = Explorer({"iteration": k_slider, "data": menu}, fig, draw,
                  title="A GAN learning a 2-D distribution")

    def go(k):
        k_slider.value = int(min(max(k, 0), n_snap))

    actions = {"step": (button("step", "step-forward"), lambda: go(k_slider.value + 1)),
               "reset": (button("reset", "undo"), lambda: go(0))}
    for name, (btn, fn) in actions.items():
        btn.on_click(lambda _b, fn=fn: fn())     # the slider's observer redraws once
        ex.buttons[name] = btn
    ex.play = play
    ex.children = ex.children[:-2] + (
        widgets.HBox([play] + [btn for btn, _ in actions.values()]),) + ex.children[-2:]
    ex.artists = {"surface": surface, "real": real, "fake": fake, "d": line_d, "g": line_g,
                  "now": now}
    ex.run = lambda: run(ex.controls["data"].value)
    ex.losses = (d_fn, g_fn)
    return ex


def _d_at(P, pts):
    """D's probability at points ``pts`` read off the grid (nearest cell)."""
    idx = np.clip(np.round((pts + GAN_LIM) / (2 * GAN_LIM) * (GAN_GRID - 1)).astype(int), 0,
                  GAN_GRID - 1)
    return float(P[idx[:, 1], idx[:, 0]].mean())


# -- 3. a self-organizing map unfolding -------------------------------------------------------
SOM_DATA = ("uniform square", "ring", "three blobs", "spiral")
SOM_GRIDS = {"10 x 10 sheet": (10, 10), "6 x 15 sheet": (6, 15), "1 x 40 chain": (1, 40)}


def _builtin_som_update(weights, x, lr, sigma):
    d2 = ((weights - x) ** 2).sum(-1)
    i, j = np.unravel_index(np.argmin(d2), d2.shape)
    r, c = np.indices(d2.shape)
    h = np.exp(-((r - i) ** 2 + (c - j) ** 2) / (2 * sigma ** 2))
    return weights + lr * h[..., None] * (x - weights)


def som_schedule(t, T, lr0, lr_end, sigma0, sigma_end):
    """Exponential decay from the start value at t = 0 to the end value at t = T."""
    f = t / T
    return lr0 * (lr_end / lr0) ** f, sigma0 * (sigma_end / sigma0) ** f


@functools.lru_cache(maxsize=16)
def _som_run(data, rows, cols, iterations, update, seed):
    rng = np.random.default_rng(seed)
    X = sample_2d(data, 600, rng).astype(float)
    samples = sample_2d(data, iterations, rng).astype(float)
    W0 = X.mean(0) + 0.05 * rng.normal(size=(rows, cols, 2))
    sigma0 = max(rows, cols) / 2.0
    return train_som(samples, W0, iterations, update=update, sigma0=sigma0), X, samples


def train_som(samples, W0, iterations, update=None, lr0=0.5, lr_end=0.01, sigma0=5.0,
              sigma_end=0.5):
    """Run ``iterations`` SOM updates on ``samples`` (iterations, d) in order from
    ``W0`` (rows, cols, d); ``update(weights, x, lr, sigma)`` (the built-in rule
    if None) with lr and sigma decaying exponentially (``som_schedule``).
    Returns every state: (iterations + 1, rows, cols, d)."""
    update = update or _builtin_som_update
    states = np.empty((iterations + 1,) + W0.shape)
    states[0] = W = np.array(W0, float)
    for t in range(iterations):
        lr, sigma = som_schedule(t, iterations, lr0, lr_end, sigma0, sigma_end)
        W = np.asarray(update(W, samples[t], lr, sigma), float)
        states[t + 1] = W
    return states


def _probe_som(fn):
    W = np.zeros((2, 3, 2))
    out = np.asarray(fn(W.copy(), np.ones(2), 0.5, 1.0), float)
    if out.shape != W.shape:
        raise ValueError(f"returned shape {out.shape} for weights of shape {W.shape}")


def _mesh_segments(W):
    rows, cols = W.shape[:2]
    segs = [W[i] for i in range(rows) if cols > 1] + [W[:, j] for j in range(cols) if rows > 1]
    return segs


@visualization(MODULE)
def som_unfolding(update=None, data="uniform square", grid="10 x 10 sheet", iterations=2000):
    """Watch a self-organizing map unfold over its data, one sample at a time.

    The data (grey) and the map: every unit's weight vector drawn as a node at
    that position, neighbours on the grid joined by lines, so the grid is a
    mesh laid over the data. It starts crumpled near the data's mean; large
    neighbourhoods first pull it open, then shrinking ones let each unit settle
    on its own patch. The sample of the current iteration is a star, its best
    matching unit ringed. The status gives the learning rate and the
    neighbourhood width sigma of this iteration and the quantization error
    (mean distance from a data point to its best matching unit).

    Controls: ``iteration`` scrubs the run (Play plays it); ``step`` advances
    10 samples, ``reset`` returns to the start; ``data`` and ``grid`` (a 10 x 10
    or 6 x 15 sheet, or a 1 x 40 chain that snakes through the data).

    Arguments: ``update`` your ``som_update(weights, x, lr, sigma)`` (falls back
    to the built-in rule, saying so, if missing, unwritten or failing);
    ``data``, ``grid`` the first choices; ``iterations`` the length of the run
    (lr decays from 0.5 to 0.01 and sigma from half the grid's longer side to 0.5).

    Example::

        from course.viz.generative import som_unfolding
        som_unfolding(update=som_update)
    """
    fn, note = learner_function(update, _probe_som, _builtin_som_update)
    if update is not None and fn is update:
        note += "<br><i>running your som_update.</i>"

    fig = new_figure(5.4, 4.8)
    ax = fig.add_subplot()
    ax.set(xlim=(-1.35, 1.35), ylim=(-1.35, 1.35), aspect="equal", xlabel="x₁", ylabel="x₂")
    cloud = ax.scatter([], [], s=5, color="0.72", linewidths=0)
    mesh = LineCollection([], colors="#1f77b4", linewidths=1.0)
    ax.add_collection(mesh)
    nodes = ax.scatter([], [], s=10, color="#1f77b4", zorder=3)
    sample = ax.scatter([], [], marker="*", s=140, color="#d62728", zorder=5)
    bmu = ax.scatter([], [], s=110, facecolors="none", edgecolors="#d62728", linewidths=1.8,
                     zorder=4)
    state = {"key": None}

    def run(data, grid):
        rows, cols = SOM_GRIDS[grid]
        return _som_run(data, rows, cols, iterations, fn, 0)

    def draw(iteration, data, grid):
        t = iteration
        states, X, samples = run(data, grid)
        if state["key"] != (data, grid):
            state["key"] = (data, grid)
            cloud.set_offsets(X)
        if "backdrop" in state:
            state["backdrop"].bake((data, grid))
        rows, cols = SOM_GRIDS[grid]
        t = min(t, iterations)
        W = states[t]
        mesh.set_segments(_mesh_segments(W))
        nodes.set_offsets(W.reshape(-1, 2))
        sigma0 = max(rows, cols) / 2.0
        lr, sigma = som_schedule(min(t, iterations - 1), iterations, 0.5, 0.01, sigma0, 0.5)
        if t > 0:
            x = samples[t - 1]
            prev = states[t - 1].reshape(-1, 2)
            k = int(np.argmin(((prev - x) ** 2).sum(1)))
            sample.set_offsets([x])
            bmu.set_offsets([W.reshape(-1, 2)[k]])
            what = (f"sample {t} pulled unit ({k // cols}, {k % cols}) and its grid neighbours "
                    f"(lr {lr:.3f}, sigma {sigma:.2f})")
        else:
            sample.set_offsets(np.empty((0, 2)))
            bmu.set_offsets(np.empty((0, 2)))
            what = f"start: units crumpled near the mean (lr {lr:.3f}, sigma {sigma:.2f})"
        d = np.sqrt(((X[:, None, :] - W.reshape(1, -1, 2)) ** 2).sum(-1)).min(1)
        if t == iterations:
            play.playing = False
        return (f"iteration <b>{t}</b> / {iterations} &middot; {what} &middot; quantization error "
                f"<b>{d.mean():.3f}</b>" + note)

    t_slider = int_slider(0, 0, iterations, "iteration")
    play = widgets.Play(value=0, min=0, max=iterations, step=10, interval=60, description="play",
                        show_repeat=False, layout=widgets.Layout(width="130px"))
    widgets.link((play, "value"), (t_slider, "value"))
    controls = {"iteration": t_slider,
                "data": dropdown(list(SOM_DATA), data if data in SOM_DATA else SOM_DATA[0], "data"),
                "grid": dropdown(list(SOM_GRIDS), grid if grid in SOM_GRIDS else "10 x 10 sheet",
                                 "grid")}
    freeze_layout(fig)
    state["backdrop"] = Backdrop(fig, [mesh, nodes, sample, bmu])
    ex = Explorer(controls, fig, draw, title="A self-organizing map unfolding over its data")

    def go(t):
        t_slider.value = int(min(max(t, 0), iterations))

    actions = {"step": (button("step", "step-forward"), lambda: go(t_slider.value + 10)),
               "reset": (button("reset", "undo"), lambda: go(0))}
    for name, (btn, f) in actions.items():
        btn.on_click(lambda _b, f=f: f())
        ex.buttons[name] = btn
    ex.play = play
    ex.children = ex.children[:-2] + (
        widgets.HBox([play] + [btn for btn, _ in actions.values()]),) + ex.children[-2:]
    ex.artists = {"mesh": mesh, "nodes": nodes, "sample": sample, "bmu": bmu, "cloud": cloud}
    ex.run = lambda: run(ex.controls["data"].value, ex.controls["grid"].value)
    ex.update_rule = fn
    return ex
