"""Visualizations and helpers of 14_transfer, built headlessly and driven from Python: the
curves drawn are the measured means, spreads and single seeds; the episode viewer draws the
episode's own images, the true squared distances to the prototypes and their argmin."""
import warnings

import numpy as np
import pytest
import torch
from torch import nn

from course.viz import transfer as T

warnings.filterwarnings("ignore", category=DeprecationWarning)


# -- built-in exercise solutions ------------------------------------------------------------------
def test_builtin_freeze_unfreeze_and_count():
    net = T.TransferNet(seed=0)
    assert T._count_trainable(net) == 64 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10
    assert T._freeze(net.body) is net.body
    assert T._count_trainable(net) == 650
    assert T._unfreeze(net) is net and T._count_trainable(net) == 17226


@pytest.mark.parametrize("L,every", [(1, 1), (3, 2), (4, 1), (5, 3)])
def test_builtin_gradual_unfreezing_schedule(L, every):
    layers = [nn.Linear(2, 2) for _ in range(L)]
    for epoch in range(0, 4 * L * every):
        got = T._gradual_unfreezing(layers, epoch, every)
        want = [epoch >= (L - 1 - i) * every for i in range(L)]
        assert got == want
        assert [layer.weight.requires_grad for layer in layers] == want


def test_builtin_episode_properties():
    y = np.repeat([3, 5, 8, 9], 7)
    X = np.arange(len(y))[:, None]
    rng = np.random.default_rng(0)
    for _ in range(50):
        sx, sy, qx, qy = T._make_episode(X, y, 3, 2, 4, rng)
        assert np.bincount(sy).tolist() == [2] * 3 and np.bincount(qy).tolist() == [4] * 3
        assert not set(sx[:, 0]) & set(qx[:, 0])
        assert len({y[sx[sy == c, 0][0]] for c in range(3)}) == 3


def test_builtin_prototypes_and_logits_match_torch():
    g = torch.Generator().manual_seed(0)
    emb = torch.randn(12, 5, generator=g, dtype=torch.float64)
    lab = torch.tensor([2, 0, 1, 1, 0, 2, 2, 0, 1, 1, 0, 2])
    protos = T._compute_prototypes(emb, lab, 3)
    for c in range(3):
        assert torch.allclose(protos[c], emb[lab == c].mean(0))
    q = torch.randn(4, 5, generator=g, dtype=torch.float64)
    assert torch.allclose(T._prototypical_logits(q, protos), -torch.cdist(q, protos) ** 2)


def test_scanner_math_on_one_pixel():
    img = np.zeros((1, 8, 8), np.float32)
    img[0, 3, 4] = 1.0
    out = T.scanner(img, "blurred")[0]
    assert out.dtype == np.float32
    assert np.isclose(out[3, 4], 0.5 * 0.5 + 0.25) and np.isclose(out[2, 4], 0.5 * 0.125 + 0.25)
    assert np.isclose(out[3, 5], 0.5 * 0.125 + 0.25) and np.isclose(out[0, 0], 0.25)
    shifted = T.scanner(img, "shifted")[0]
    # thickened toward the bottom and the right (max with the upper and left neighbours), then moved right
    assert set(zip(*np.nonzero(shifted))) == {(3, 5), (4, 5), (3, 6)}
    with pytest.raises(ValueError):
        T.scanner(img, "sepia")


def test_tasks_are_disjoint_halves_and_read_only():
    t = T.digit_tasks()
    n_src = len(t.Xs_train) + len(t.Xs_test)
    n_tgt = len(t.pool["blurred"][0]) + len(t.test["blurred"][0])
    assert n_src + n_tgt == 1797
    assert sorted(set(t.test["blurred"][1])) == list(range(10))
    assert not t.Xs_train.flags.writeable and not t.pool["blurred"][0].flags.writeable
    X, y = T.labelled_subset(3, seed=1)
    assert np.bincount(y).tolist() == [3] * 10


# -- the experiment -----------------------------------------------------------------------------------
def test_reduced_experiment_transfer_wins_and_frozen_body_forgets_nothing():
    res = T.learning_curves(sizes=(1, 5), seeds=(0, 1), strategies=("scratch", "feature extraction"),
                            steps=100)
    fe, sc = res["target"]["feature extraction"], res["target"]["scratch"]
    assert fe.shape == (2, 2)
    assert fe[:, 0].mean() > sc[:, 0].mean() + 0.1          # transfer wins at 1 label per class
    assert np.all(np.isnan(res["source"]["scratch"]))
    # a frozen body under the old head reads the source exactly as before
    assert np.allclose(res["source"]["feature extraction"], res["source_before"])
    assert res["zero_shot"] < res["source_before"] - 0.3    # the domain shift is real


# -- learning_curve_explorer ----------------------------------------------------------------------
def fake_results():
    rng = np.random.default_rng(0)
    sizes, seeds = (1, 2, 5, 10), (0, 1, 2)
    target = {s: rng.uniform(0.3, 1.0, (3, 4)) for s in T.STRATEGIES}
    source = {s: rng.uniform(0.5, 1.0, (3, 4)) for s in T.STRATEGIES}
    source["scratch"][:] = np.nan
    return {"sizes": sizes, "seeds": seeds, "strategies": T.STRATEGIES, "kind": "blurred",
            "zero_shot": 0.31, "source_before": 0.97, "target": target, "source": source}


def test_curves_draw_the_means_and_error_bars():
    res = fake_results()
    ex = T.learning_curve_explorer(res)
    for s in T.STRATEGIES:
        x, y = ex.lines[s].get_data()
        assert np.allclose(x, res["sizes"]) and np.allclose(y, res["target"][s].mean(0))
        segs = ex.bars[s].get_segments()
        sd = res["target"][s].std(0, ddof=1)
        assert len(segs) == 4
        for seg, m, d in zip(segs, res["target"][s].mean(0), sd):
            assert np.allclose(seg[:, 1], [m - d, m + d])
    assert np.allclose(ex.reference.get_ydata(), 0.31)
    before = ex.render()
    ex.set(error_bars=False)
    assert all(len(ex.bars[s].get_segments()) == 0 for s in T.STRATEGIES)
    assert not np.array_equal(before, ex.render())


def test_curves_single_seed_metric_and_checkboxes():
    res = fake_results()
    ex = T.learning_curve_explorer(res)
    ex.set(seed="seed 2")
    assert np.allclose(ex.lines["fine-tuning"].get_ydata(), res["target"]["fine-tuning"][2])
    assert all(len(ex.bars[s].get_segments()) == 0 for s in T.STRATEGIES)   # one seed: no spread
    ex.set(seed="mean of seeds", metric="source accuracy kept")
    assert np.allclose(ex.lines["gradual unfreezing"].get_ydata(), res["source"]["gradual unfreezing"].mean(0))
    assert not ex.lines["scratch"].get_visible()                 # scratch has no source head
    assert np.allclose(ex.reference.get_ydata(), 0.97)
    assert "source" in ex.status.value
    before = ex.render()
    ex.controls["feature extraction"].value = False
    assert not ex.lines["feature extraction"].get_visible()
    assert "feature extraction" not in ex.status.value
    assert not np.array_equal(before, ex.render())


# -- episode_viewer -------------------------------------------------------------------------------------
def test_episode_viewer_draws_the_episode_and_true_distances():
    ex = T.episode_viewer(n_way=4, k_shot=2, seed=3, embedding="raw pixels")
    st = ex.state
    E, X, y = T._target_embeddings("raw pixels")
    s, q, sy, qy = st["support"], st["query"], st["support_y"], st["query_y"]
    assert len(s) == 8 and len(q) == 4 * T.N_QUERY
    assert len({y[i] for i in s}) == 4
    protos = np.stack([E[s[sy == c]].mean(0) for c in range(4)])
    dist = ((E[q][:, None] - protos[None]) ** 2).sum(-1)
    assert np.allclose(st["dist"], dist)
    assert np.array_equal(st["pred"], dist.argmin(1))
    assert np.allclose(ex.images["distance"].get_array(), dist)
    assert np.allclose(ex.dots.get_offsets(), np.column_stack([dist.argmin(1), np.arange(len(q))]))
    mosaic = np.asarray(ex.images["support"].get_array().filled(np.nan))
    assert mosaic.shape == (4 * T.TILE - 1, 2 * T.TILE - 1)
    assert np.allclose(mosaic[T.TILE:T.TILE + 8, T.TILE:T.TILE + 8], X[s[3]].reshape(8, 8))
    colors = ex.frames.get_colors()
    ok = st["pred"] == qy
    assert np.allclose(colors[ok, 1], 0.63) and np.allclose(colors[~ok, 0], 0.84)
    right = int(ok.sum())
    assert f"{right}/{len(q)} right" in ex.status.value


def test_episode_viewer_controls_change_the_picture():
    ex = T.episode_viewer()
    before = ex.render()
    ex.set(n_way=7, k_shot=3)
    assert ex.images["support"].get_array().shape == (7 * T.TILE - 1, 3 * T.TILE - 1)
    assert ex.images["distance"].get_array().shape == (7 * T.N_QUERY, 7)
    assert sum(t.get_visible() for t in ex.row_text) == 7
    after = ex.render()
    assert not np.array_equal(before, after)
    ex.set(embedding="raw pixels")
    assert "raw pixels" in ex.status.value
    assert not np.array_equal(after, ex.render())


def test_episode_viewer_protonet_beats_pixels_on_average():
    net = T.train_protonet()
    proto = T.episode_accuracy(net, 5, 1, episodes=100)[0]
    pixels = T.episode_accuracy(None, 5, 1, episodes=100)[0]
    assert proto > pixels + 0.05


def test_episode_viewer_uses_the_learners_functions_and_falls_back():
    calls = []

    def my_logits(query, prototypes):
        calls.append(tuple(query.shape))
        return -((query[:, None, :] - prototypes[None]) ** 2).sum(-1)

    ex = T.episode_viewer(n_way=3, prototypical_logits=my_logits)
    assert calls and calls[-1][0] == 3 * T.N_QUERY

    def stub(*args):
        raise NotImplementedError()

    ex = T.episode_viewer(make_episode=stub, compute_prototypes=stub)
    assert "not written yet" in ex.status.value and len(ex.state["query"]) == 5 * T.N_QUERY
