"""course.charlm: the text, tokenizer, batching, the reference model and its
pieces (checked against PyTorch), sampling filters, and a short training run."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course import charlm


@pytest.fixture(scope="module")
def tok():
    return charlm.CharTokenizer(charlm.corpus())


def test_corpus_is_deterministic_and_small_vocabulary():
    a, b = charlm.corpus(), charlm.corpus()
    assert a == b and a != charlm.corpus(seed=1)
    assert set(a) <= set("abcdefghijklmnopqrstuvwxyz .,\n")
    assert len(a.splitlines()) == 1500 and all(line.endswith(".") for line in a.splitlines())


def test_tokenizer_round_trip(tok):
    s = "the fox sleeps by the river.\n"
    ids = tok.encode(s)
    assert ids.dtype == torch.long and tok.decode(ids) == s
    assert tok.decode(tok.encode("the FOX!")) == "the "          # unknown characters are dropped
    assert tok.vocab_size == len(tok.chars) == len(set(charlm.corpus()))


def test_batches_are_targets_shifted_by_one(tok):
    data = tok.encode(charlm.corpus())
    x, y = charlm.get_batch(data, 16, 5, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (5, 16)
    assert torch.equal(x[:, 1:], y[:, :-1])
    text = tok.decode(data)
    for row_x, row_y in zip(x, y):
        s = tok.decode(row_x) + tok.decode(row_y[-1:])
        assert s in text


@pytest.mark.parametrize("mask_kind", [None, "causal", "random"])
def test_attention_matches_torch(mask_kind):
    g = torch.Generator().manual_seed(0)
    Q, K, V = (torch.randn(2, 3, 6, 4, generator=g, dtype=torch.float64) for _ in range(3))
    mask = None
    if mask_kind == "causal":
        mask = torch.ones(6, 6, dtype=torch.bool).tril()
    elif mask_kind == "random":
        mask = torch.rand(6, 6, generator=g) < 0.5
        mask[:, 0] = True
    out, w = charlm.attention(Q, K, V, mask)
    assert torch.allclose(out, F.scaled_dot_product_attention(Q, K, V, attn_mask=mask))
    assert torch.allclose(w.sum(-1), torch.ones(2, 3, 6, dtype=torch.float64))


def test_sinusoids_follow_the_formula():
    pe = charlm.sinusoids(20, 7)
    for p in [0, 3, 19]:
        for j in range(7):
            angle = p / 10000 ** (2 * (j // 2) / 7)
            assert pe[p, j].item() == pytest.approx(math.sin(angle) if j % 2 == 0 else math.cos(angle), abs=1e-6)


def test_block_is_causal_and_model_refuses_long_inputs(tok):
    torch.manual_seed(0)
    model = charlm.TinyGPT(tok.vocab_size, block_size=8, d_model=16, n_heads=2, n_layers=2, d_ff=32).eval()
    idx = torch.randint(tok.vocab_size, (1, 8))
    changed = idx.clone()
    changed[0, 5] = (changed[0, 5] + 1) % tok.vocab_size
    with torch.no_grad():
        a, b = model(idx), model(changed)
    assert torch.allclose(a[0, :5], b[0, :5]) and not torch.allclose(a[0, 5:], b[0, 5:])
    with pytest.raises(ValueError):
        model(torch.zeros(1, 9, dtype=torch.long))


def test_attention_maps_equal_an_independent_forward(tok):
    torch.manual_seed(1)
    model = charlm.TinyGPT(tok.vocab_size, block_size=12, d_model=16, n_heads=4, n_layers=2, d_ff=32).eval()
    idx = tok.encode("the owl sings.")[None, -12:]
    maps = charlm.attention_maps(model, idx)
    assert maps.shape == (2, 4, 12, 12)
    with torch.no_grad():
        x = model.tok(idx) + model.pos(torch.arange(12))
        for layer, blk in enumerate(model.blocks):
            h = blk.ln1(x)
            heads = lambda t: t.reshape(1, 12, 4, 4).permute(0, 2, 1, 3)  # noqa: E731
            eye = torch.eye(12).expand(1, 4, 12, 12)
            ref = F.scaled_dot_product_attention(heads(blk.q_proj(h)), heads(blk.k_proj(h)), eye, is_causal=True)
            assert torch.allclose(maps[layer], ref[0], atol=1e-6)
            x = blk(x)


def test_filter_logits_temperature_top_k_top_p():
    z = torch.tensor([[2.0, 1.0, 0.5, 0.0, -1.0]])
    assert torch.allclose(charlm.filter_logits(z, temperature=2.0), z / 2)
    kept = torch.isfinite(charlm.filter_logits(z, top_k=2))
    assert kept.tolist() == [[True, True, False, False, False]]
    assert torch.isfinite(charlm.filter_logits(z, top_k=9)).all()
    p = torch.softmax(z, -1)[0]                      # 0.55, 0.20, 0.12, 0.07, 0.03 (rounded)
    for top_p, n_kept in [(0.5, 1), (0.6, 2), (0.8, 3), (1.0, 5)]:
        kept = torch.isfinite(charlm.filter_logits(z, top_p=top_p))[0]
        assert int(kept.sum()) == n_kept, (top_p, p)
        assert float(p[kept].sum()) >= min(top_p, 1.0) - 1e-9


def test_generate_crops_keeps_prefix_and_follows_the_filter(tok):
    torch.manual_seed(2)
    model = charlm.TinyGPT(tok.vocab_size, block_size=6, d_model=16, n_heads=2, n_layers=1, d_ff=32)
    idx = tok.encode("the fox ")[None].repeat(3, 1)
    out = charlm.generate(model, idx, 10, top_k=1)
    assert out.shape == (3, 18) and torch.equal(out[:, :8], idx)
    assert (out[0] == out[1]).all()                  # greedy: identical rows
    greedy = idx.clone()
    for _ in range(10):
        with torch.no_grad():
            nxt = model(greedy[:, -6:])[:, -1].argmax(-1, keepdim=True)
        greedy = torch.cat([greedy, nxt], 1)
    assert torch.equal(out, greedy)
    assert model.training                            # the train/eval mode is restored


def test_short_training_lowers_the_loss(tok):
    torch.manual_seed(0)
    model = charlm.TinyGPT(tok.vocab_size, block_size=16, d_model=32, n_heads=2, n_layers=1, d_ff=64)
    losses = charlm.train(model, tok.encode(charlm.corpus()), steps=60, batch_size=16)
    assert losses[0] == pytest.approx(math.log(tok.vocab_size), abs=0.2)
    assert np.mean(losses[-10:]) < losses[0] - 0.8


def test_remember_sets_the_default_model(tok):
    sentinel = object()
    charlm.remember(sentinel, tok, [1.0])
    try:
        assert charlm.trained_model()[0] is sentinel
    finally:
        charlm.forget()
