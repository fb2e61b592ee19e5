"""Visualizations of 12_transformers, built headlessly and driven from Python:
what they draw is checked against the math (the model's own attention
weights, the sinusoid formula, softmax with temperature / top-k / top-p)."""
import math

import numpy as np
import pytest
import torch

from course import charlm
from course.viz import transformers as VT


@pytest.fixture(scope="module")
def small():
    """A small GPT, briefly trained (a second of CPU), and its tokenizer."""
    text = charlm.corpus()
    tok = charlm.CharTokenizer(text)
    torch.manual_seed(0)
    model = charlm.TinyGPT(tok.vocab_size, block_size=24, d_model=32, n_heads=2, n_layers=2, d_ff=64)
    charlm.train(model, tok.encode(text), steps=30, batch_size=16)
    return model, tok


def _sinusoid(T, d):
    return np.array([[math.sin(p / 10000 ** (2 * (j // 2) / d)) if j % 2 == 0 else
                      math.cos(p / 10000 ** (2 * (j // 2) / d)) for j in range(d)] for p in range(T)])


# -- attention heatmap ---------------------------------------------------------------------------
def test_heatmap_draws_the_models_weights_for_each_layer_and_head(small):
    model, tok = small
    text = "the owl sings at night."
    ex = VT.attention_heatmap(model, tok, text)
    maps = charlm.attention_maps(model, tok.encode(text)[None]).numpy()
    T = len(text)
    for layer in range(2):
        for head in range(2):
            ex.set(layer=layer, head=head)
            shown = np.asarray(ex.image.get_array(), float)
            lower = np.tril(np.ones((T, T), bool))
            assert np.allclose(shown[:T, :T][lower], maps[layer, head][lower], atol=1e-6)
            assert np.isnan(shown[:T, :T][~lower]).all(), "the causal upper triangle is left empty"
            assert np.allclose(np.nansum(shown[:T, :T], axis=1), 1.0, atol=1e-5)
    assert np.array_equal(ex.x_labels.get_array(), np.hstack([ex.atlas[c] for c in text]))
    assert ex.x_labels.get_extent() == [-0.5, T - 0.5, 1, 0]
    assert ex.fig.axes[0].get_xlim() == (-0.5, T - 0.5)


def test_heatmap_query_row_strip_and_status(small):
    model, tok = small
    text = "the fox and the hen."
    ex = VT.attention_heatmap(model, tok, text)
    maps = charlm.attention_maps(model, tok.encode(text)[None]).numpy()
    ex.set(layer=1, head=1, query=7)
    strip = np.asarray(ex.strip.get_array(), float)
    assert np.allclose(strip[:, :len(text)], maps[:, :, 7, :].reshape(4, -1), atol=1e-6)
    assert ex.row_box.get_y() == 6.5 and ex.head_box.get_y() == 1 * 2 + 1 - 0.5
    top = int(np.argmax(maps[1, 1, 7, :8]))
    assert f"at position {top}" in ex.status.value and "position 7" in ex.status.value
    before = ex.render()
    ex.set(head=0)
    assert not np.array_equal(before, ex.render())
    ex.set(query=23)                                  # beyond the input: clipped to the last character
    assert f"query clipped to {len(text) - 1}" in ex.status.value


def test_heatmap_text_box_changes_input_and_crops_to_block_size(small):
    model, tok = small
    ex = VT.attention_heatmap(model, tok)
    long = "the baker sees the cat in the barn every day."
    ex.controls["text"].value = long.upper() + "!"   # case folded, unknown characters dropped
    shown = long[-24:]
    assert ex.state["text"] == shown
    assert np.array_equal(ex.y_labels.get_array(), np.vstack([ex.atlas[c] for c in shown]))
    assert ex.fig.axes[0].get_ylim() == (23.5, -0.5)


def test_glyph_atlas_draws_distinct_characters(small):
    _, tok = small
    atlas = VT.glyph_atlas(tok.chars)
    assert set(atlas) == set(tok.chars) and all(a.shape == (16, 16) for a in atlas.values())
    assert atlas["a"].max() > 0.5 and not np.array_equal(atlas["a"], atlas["b"])
    assert atlas["."].sum() < atlas["w"].sum()          # a dot has less ink than a w


# -- positional encodings --------------------------------------------------------------------------
def test_positional_explorer_draws_the_formula_and_dot_products():
    ex = VT.positional_encoding_explorer(T=40, d=16)
    pe = _sinusoid(40, 16)
    assert np.allclose(ex.pe, pe, atol=1e-6)
    for position, dimension in [(0, 0), (13, 5), (39, 15)]:
        ex.set(position=position, dimension=dimension)
        assert np.allclose(ex.lines["column"].get_ydata(), pe[:, dimension], atol=1e-6)
        assert np.allclose(ex.lines["dots"].get_ydata(), pe @ pe[position], atol=1e-5)
        assert list(ex.lines["row"].get_ydata()) == [position, position]
        assert list(ex.lines["col"].get_xdata()) == [dimension, dimension]
        # the smooth curve is the same sinusoid sampled finely
        x = ex.lines["smooth"].get_xdata()
        f = np.sin if dimension % 2 == 0 else np.cos
        assert np.allclose(ex.lines["smooth"].get_ydata(), f(x / 10000 ** (2 * (dimension // 2) / 16)))
    assert "norm<sup>2</sup> 8.0" in ex.status.value      # |PE_p|^2 = d / 2
    before = ex.render()
    ex.set(position=5)
    assert not np.array_equal(before, ex.render())


def test_positional_explorer_uses_the_learners_function_or_says_why_not():
    ex = VT.positional_encoding_explorer(lambda T, d: torch.tensor(_sinusoid(T, d)) * 0.5, T=10, d=4)
    assert np.allclose(ex.pe, 0.5 * _sinusoid(10, 4))

    def stub(T, d):
        raise NotImplementedError()
    ex = VT.positional_encoding_explorer(stub, T=10, d=4)
    assert np.allclose(ex.pe, _sinusoid(10, 4), atol=1e-6) and "not written yet" in ex.status.value


# -- sampling ---------------------------------------------------------------------------------------
def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def test_sampling_bars_follow_temperature_and_top_k(small):
    model, tok = small
    ex = VT.sampling_explorer(model, tok, prompt="the old miller ")
    ids = tok.encode("the old miller ")
    with torch.no_grad():
        z = model(ids[None])[0, -1].double().numpy()
    p = _softmax(z)
    order = np.argsort(-p, kind="stable")
    heights = lambda bars: np.array([b.get_height() for b in bars])  # noqa: E731
    assert np.allclose(heights(ex.bars_p), p[order], atol=1e-5)
    for T, k in [(0.5, 0), (2.0, 0), (1.0, 3), (0.7, 5)]:
        ex.set(temperature=T, top_k=k)
        q = _softmax(z / T)
        if k:
            q[np.argsort(-z)[k:]] = 0
            q /= q.sum()
        assert np.allclose(heights(ex.bars_q), q[order], atol=1e-5), (T, k)
        assert np.allclose(heights(ex.bars_p), p[order], atol=1e-5)
    assert f"{5} of {tok.vocab_size} characters kept" in ex.fig.axes[1].texts[-1].get_text()
    assert np.array_equal(ex.x_labels.get_array(), np.hstack([ex.atlas[tok.chars[j]] for j in order]))


def test_sampling_top_p_keeps_the_nucleus(small):
    model, tok = small
    ex = VT.sampling_explorer(model, tok)
    ex.set(temperature=1.0, top_k=0, top_p=0.6)
    q = np.array([b.get_height() for b in ex.bars_q])
    p = np.array([b.get_height() for b in ex.bars_p])
    kept = q > 0
    n = int(kept.sum())
    assert kept[:n].all() and not kept[n:].any(), "the nucleus is a prefix of the sorted bars"
    assert p[:n].sum() >= 0.6 - 1e-6 and p[:n - 1].sum() < 0.6
    assert np.isclose(q.sum(), 1.0)


def test_sample_button_writes_text_with_the_learners_generate(small):
    model, tok = small
    calls = []

    def my_generate(model, idx, max_new_tokens, temperature=1.0, top_k=None):
        calls.append((max_new_tokens, temperature, top_k))
        return charlm.generate(model, idx, max_new_tokens, temperature, top_k)

    ex = VT.sampling_explorer(model, tok, my_generate, prompt="the fox ")
    ex.set(temperature=0.8, top_k=4)
    state = torch.random.get_rng_state()
    ex.click("sample")
    assert torch.equal(state, torch.random.get_rng_state()), "sampling must not disturb the global generator"
    assert calls[-1] == (80, 0.8, 4)
    assert "your generate" in ex.status.value and "<tt>the fox <u>" in ex.status.value
    ex.set(top_p=0.5)
    ex.click("sample")
    assert "built-in sampler" in ex.status.value and len(calls) == 2


def test_sampling_explorer_falls_back_when_generate_is_a_stub(small):
    model, tok = small

    def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None):
        raise NotImplementedError()
    ex = VT.sampling_explorer(model, tok, generate)
    assert "not written yet" in ex.status.value
    ex.click("sample")
    assert "built-in sampler" in ex.status.value


def test_defaults_use_the_remembered_model(small):
    model, tok = small
    charlm.remember(model, tok)
    try:
        assert VT.attention_heatmap().model is model
    finally:
        charlm.forget()
