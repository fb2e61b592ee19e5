"""The 13_generative visualizations draw what the math says, and follow their controls."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course import data
from course.viz import generative as gen


# -- latent space ---------------------------------------------------------------------------------
def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def test_latent_explorer_decodes_the_point_with_the_builtin_vae():
    ex = gen.latent_space_explorer(z1=0.5, z2=-0.5)
    assert ex.controls["model"].value.startswith("VAE")
    model = gen.train_latent_model("vae")
    with torch.no_grad():
        want = torch.sigmoid(model.decode(torch.tensor([[0.5, -0.5]]))).numpy().reshape(8, 8)
    np.testing.assert_allclose(np.asarray(ex.artists["image"].get_array()), want, atol=1e-5)
    assert list(ex.artists["here"].get_xdata()) == [0.5] and list(ex.artists["here"].get_ydata()) == [-0.5]
    with torch.no_grad():
        mu, _ = model.encode(torch.from_numpy(data.digits(layout="flat")[0]))
    np.testing.assert_allclose(ex.artists["codes"].get_offsets(), mu.numpy(), atol=1e-5)
    assert "nearest code" in ex.status.value

    before = ex.render()
    ex.set(z1=-1.0, z2=1.0)
    with torch.no_grad():
        want = torch.sigmoid(model.decode(torch.tensor([[-1.0, 1.0]]))).numpy().reshape(8, 8)
    np.testing.assert_allclose(np.asarray(ex.artists["image"].get_array()), want, atol=1e-5)
    assert not np.array_equal(before, ex.render())


def test_latent_explorer_nearest_code_and_far_away_status():
    ex = gen.latent_space_explorer()
    codes = ex.codes()
    y = data.digits(layout="flat")[1]
    k = 123
    ex.set(z1=float(np.round(codes[k, 0], 2)), z2=float(np.round(codes[k, 1], 2)))
    z = np.array([ex.controls["z1"].value, ex.controls["z2"].value])
    nearest = int(np.argmin(((codes - z) ** 2).sum(1)))
    assert f"a <b>{y[nearest]}</b>" in ex.status.value
    ex.set(z1=ex.controls["z1"].max, z2=ex.controls["z2"].max)   # a corner of the range
    assert "far from every code" in ex.status.value or "near the data" in ex.status.value


def test_latent_explorer_plain_autoencoder_rescales_the_sliders():
    ex = gen.latent_space_explorer()
    ex.controls["model"].value = "plain autoencoder (built in)"
    ae = gen.train_latent_model("ae")
    with torch.no_grad():
        z = ae.encode(torch.from_numpy(data.digits(layout="flat")[0])).numpy()
    np.testing.assert_allclose(ex.artists["codes"].get_offsets(), z, atol=1e-5)
    lo, hi = np.percentile(z, 0.5, axis=0), np.percentile(z, 99.5, axis=0)
    for key, a, b in (("z1", lo[0], hi[0]), ("z2", lo[1], hi[1])):
        assert ex.controls[key].min <= a and ex.controls[key].max >= b
    z1, z2 = ex.controls["z1"].value, ex.controls["z2"].value
    with torch.no_grad():
        want = torch.sigmoid(ae.decode(torch.tensor([[z1, z2]], dtype=torch.float32))).numpy()
    np.testing.assert_allclose(np.asarray(ex.artists["image"].get_array()).ravel(), want.ravel(), atol=1e-5)


class _Toy(nn.Module):
    """encode: first two pixels' means as (mu, logvar); decode: probabilities directly."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 64)

    def encode(self, x):
        mu = torch.stack([x[:, :32].mean(1), x[:, 32:].mean(1)], 1) * 4 - 1
        return mu, torch.zeros_like(mu)

    def decode(self, z):
        return torch.sigmoid(self.lin(z))


def test_latent_explorer_uses_the_learners_model():
    torch.manual_seed(0)
    toy = _Toy()
    ex = gen.latent_space_explorer(model=toy, z1=0.3, z2=0.2)
    assert ex.controls["model"].value == "your model"
    with torch.no_grad():
        want = toy.decode(torch.tensor([[0.3, 0.2]])).numpy().reshape(8, 8)
    np.testing.assert_allclose(np.asarray(ex.artists["image"].get_array()), want, atol=1e-5)


def test_latent_explorer_survives_a_broken_model():
    class Broken(_Toy):
        def encode(self, x):
            raise NotImplementedError()

    ex = gen.latent_space_explorer(model=Broken())
    assert "your model" not in ex.controls["model"].options
    assert "your model failed (NotImplementedError" in ex.status.value


# -- GAN ------------------------------------------------------------------------------------------
def test_builtin_gan_losses_are_the_bce_losses():
    g = torch.Generator().manual_seed(0)
    r, f = torch.randn(7, generator=g) * 5, torch.randn(4, generator=g) * 5
    want_d = (F.binary_cross_entropy_with_logits(r, torch.ones_like(r))
              + F.binary_cross_entropy_with_logits(f, torch.zeros_like(f)))
    assert torch.allclose(gen._builtin_d_loss(r, f), want_d, atol=1e-6)
    assert torch.allclose(gen._builtin_g_loss(f), F.binary_cross_entropy_with_logits(f, torch.ones_like(f)),
                          atol=1e-6)
    assert torch.isfinite(gen._builtin_d_loss(torch.tensor([-1e3]), torch.tensor([1e3])))


def test_gan_training_draws_the_snapshot_it_shows():
    ex = gen.gan_training()
    res = ex.run()
    k = 30
    before = ex.render()
    ex.controls["iteration"].value = k
    np.testing.assert_allclose(ex.artists["fake"].get_offsets(), res["fake"][k])
    np.testing.assert_allclose(np.asarray(ex.artists["surface"].get_array()), res["D"][k])
    assert list(ex.artists["now"].get_xdata()) == [res["its"][k]] * 2
    assert f"iteration <b>{res['its'][k]}</b>" in ex.status.value
    np.testing.assert_allclose(ex.artists["real"].get_offsets(), res["real"])
    np.testing.assert_allclose(ex.artists["d"].get_ydata(), gen._smooth(res["d_loss"]))
    assert ((res["D"] >= 0) & (res["D"] <= 1)).all()
    assert not np.array_equal(before, ex.render())


def test_gan_step_and_reset_buttons():
    ex = gen.gan_training()
    ex.click("step")
    ex.click("step")
    assert ex.controls["iteration"].value == 2
    ex.click("reset")
    assert ex.controls["iteration"].value == 0
    assert "iteration <b>0</b>" in ex.status.value


def test_gan_learns_the_ring_and_covers_its_modes():
    res = gen.gan_training().run()
    start, end = gen._modes_covered(res["fake"][0]), gen._modes_covered(res["fake"][-1])
    assert end >= 6 > start
    radius = np.sqrt((res["fake"][-1] ** 2).sum(1))
    assert np.median(np.abs(radius - 2.0)) < 0.25
    assert abs(res["d_loss"][-100:].mean() - 2 * np.log(2)) < 0.3


def test_modes_covered_counts_centres():
    a = np.arange(8) * np.pi / 4
    centres = 2 * np.stack([np.cos(a), np.sin(a)], 1)
    assert gen._modes_covered(np.repeat(centres, 10, axis=0)) == 8
    assert gen._modes_covered(np.repeat(centres[:1], 80, axis=0)) == 1


def test_gan_training_uses_the_learners_losses():
    calls = {"d": 0, "g": 0}

    def d_loss(real, fake):
        calls["d"] += 1
        return F.softplus(-real).mean() + F.softplus(fake).mean()

    def g_loss(fake):
        calls["g"] += 1
        return F.softplus(-fake).mean()

    ex = gen.gan_training(d_loss=d_loss, g_loss=g_loss, iterations=30, every=10)
    assert calls["d"] >= 30 and calls["g"] >= 30
    assert "your loss" in ex.status.value
    assert ex.controls["iteration"].max == 3

    def stub(fake):
        raise NotImplementedError()

    ex = gen.gan_training(g_loss=stub, iterations=20, every=10)
    assert "stub is not written yet" in ex.status.value


# -- SOM ------------------------------------------------------------------------------------------
def _ref_update(W, x, lr, sigma):
    rows, cols, _ = W.shape
    k = int(np.argmin(np.linalg.norm(W.reshape(rows * cols, -1) - x, axis=1)))
    bi, bj = divmod(k, cols)
    out = W.copy()
    for i in range(rows):
        for j in range(cols):
            out[i, j] += lr * np.exp(-((i - bi) ** 2 + (j - bj) ** 2) / (2 * sigma ** 2)) * (x - W[i, j])
    return out


def test_builtin_som_update_matches_the_formula():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(4, 6, 3))
    x = rng.normal(size=3)
    np.testing.assert_allclose(gen._builtin_som_update(W, x, 0.3, 1.7), _ref_update(W, x, 0.3, 1.7))


def test_som_mesh_is_the_grid_of_the_weights():
    ex = gen.som_unfolding()
    states, X, samples = ex.run()
    before = ex.render()
    ex.controls["iteration"].value = 700
    W = states[700]
    segs = ex.artists["mesh"].get_segments()
    assert len(segs) == 10 + 10
    for i in range(10):
        np.testing.assert_allclose(segs[i], W[i])
        np.testing.assert_allclose(segs[10 + i], W[:, i])
    np.testing.assert_allclose(ex.artists["nodes"].get_offsets(), W.reshape(-1, 2))
    np.testing.assert_allclose(ex.artists["sample"].get_offsets(), [samples[699]])
    k = int(np.argmin(((states[699].reshape(-1, 2) - samples[699]) ** 2).sum(1)))
    np.testing.assert_allclose(ex.artists["bmu"].get_offsets(), [W.reshape(-1, 2)[k]])
    lr, sigma = gen.som_schedule(699, 2000, 0.5, 0.01, 5.0, 0.5)
    np.testing.assert_allclose(states[700], _ref_update(states[699], samples[699], lr, sigma))
    assert "iteration <b>700</b>" in ex.status.value
    assert not np.array_equal(before, ex.render())


def test_som_unfolds_over_the_square():
    ex = gen.som_unfolding()
    states, X, _ = ex.run()

    def qe(W):
        return np.sqrt(((X[:, None] - W.reshape(1, -1, 2)) ** 2).sum(-1)).min(1).mean()

    assert qe(states[-1]) < 0.5 * qe(states[0])
    W = states[-1]
    assert W[..., 0].max() - W[..., 0].min() > 1.5 and W[..., 1].max() - W[..., 1].min() > 1.5
    # topology: grid neighbours are close in the plane compared with the map's extent
    step = np.sqrt(((W[1:] - W[:-1]) ** 2).sum(-1)).max()
    assert step < 0.5


def test_som_chain_grid_and_buttons():
    ex = gen.som_unfolding()
    ex.controls["grid"].value = "1 x 40 chain"
    segs = ex.artists["mesh"].get_segments()
    assert len(segs) == 1 and len(segs[0]) == 40
    ex.controls["iteration"].value = 0
    ex.click("step")
    assert ex.controls["iteration"].value == 10
    ex.click("reset")
    assert ex.controls["iteration"].value == 0
    assert "start" in ex.status.value


def test_som_uses_the_learners_update_and_falls_back_on_a_stub():
    def frozen(weights, x, lr, sigma):          # a "learner" rule that never moves anything
        return weights.copy()

    ex = gen.som_unfolding(update=frozen, iterations=50)
    states, _, _ = ex.run()
    assert np.array_equal(states[0], states[-1])
    assert "running your som_update" in ex.status.value

    def som_update(weights, x, lr, sigma):
        raise NotImplementedError()

    ex = gen.som_unfolding(update=som_update, iterations=50)
    assert "som_update is not written yet" in ex.status.value
    states, _, _ = ex.run()
    assert not np.array_equal(states[0], states[-1])


# -- static helpers -------------------------------------------------------------------------------
def test_digit_pictures_show_the_images():
    X, _ = data.digits(layout="flat")
    canvas = gen.digit_rows([X[:3], X[3:5]], ["a", "b"])
    axes = canvas.figure.axes
    assert len(axes) == 6
    np.testing.assert_allclose(axes[0].images[0].get_array(), X[0].reshape(8, 8))
    canvas = gen.digit_grid(X[:6].reshape(2, 3, 64), labels=[[0, 1, 2], [3, -1, 5]])
    ax = canvas.figure.axes[0]
    assert [t.get_text() for t in ax.texts] == ["0", "1", "2", "3", "5"]
    big = np.asarray(ax.images[0].get_array())
    np.testing.assert_allclose(big[1:9, 10:18], 1 - X[1].reshape(8, 8))


@pytest.mark.parametrize("name", ["latent_space_explorer", "gan_training", "som_unfolding"])
def test_registered_under_the_module(name):
    from course.viz.base import REGISTRY
    assert REGISTRY[name].course_module == "13_generative"
