"""Visualizations and helpers of 11_embeddings: built headlessly, driven from
Python, and checked against the math (BPE replayed independently, the
segmentations drawn are the encodings, the map's neighbours are the cosine
neighbours, the PCA coordinates are a projection)."""
import numpy as np
import pytest

from course import corpus
from course.viz import embeddings as M

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# -- an independent BPE (regex over space-joined symbols) ------------------------------------
def ref_bpe(table, n):
    import re
    vocab = {" ".join(list(w) + ["</w>"]): c for w, c in table.items()}
    merges = []
    for _ in range(n):
        stats = {}
        for s, c in vocab.items():
            sy = s.split()
            for p in zip(sy, sy[1:]):
                stats[p] = stats.get(p, 0) + c
        if not stats:
            break
        best = sorted(stats.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        merges.append(best)
        pat = re.compile(r"(?<!\S)" + re.escape(" ".join(best)) + r"(?!\S)")
        vocab = {pat.sub("".join(best), s): c for s, c in vocab.items()}
    return merges


def ref_encode(word, merges):
    import re
    s = " ".join(list(word) + ["</w>"])
    for a, b in merges:
        s = re.sub(r"(?<!\S)" + re.escape(a + " " + b) + r"(?!\S)", a + b, s)
    return s.split()


# -- helpers ------------------------------------------------------------------------------------
def test_builtin_bpe_matches_an_independent_one():
    rng = np.random.default_rng(0)
    for _ in range(20):
        table = {"".join(rng.choice(list("abc"), size=int(rng.integers(1, 7)))): int(rng.integers(1, 6))
                 for _ in range(5)}
        merges = M.bpe_train(table, 12)
        assert merges == ref_bpe(table, 12)
        for w in list(table) + ["abcab", "cc"]:
            assert M.bpe_encode(w, merges) == ref_encode(w, merges)


def test_skipgram_pairs_and_vocab():
    pairs = M.skipgram_pairs(np.array([5, 6, 7]), 2)
    assert sorted(map(tuple, pairs.tolist())) == [(5, 6), (5, 7), (6, 5), (6, 7), (7, 5), (7, 6)]
    assert M.skipgram_pairs(np.array([1]), 3).shape == (0, 2)
    w2i, i2w = M.build_vocab(["b", "a", "b", "c", "a"], min_count=2)
    assert i2w == ["a", "b"] and w2i == {"a": 0, "b": 1}


def test_noise_distribution_is_unigram_to_the_three_quarters():
    p = M.noise_distribution([0, 0, 0, 0, 0, 0, 0, 0, 1, 2], 4)
    want = np.array([8.0, 1.0, 1.0, 0.0]) ** 0.75
    assert np.allclose(p, want / want.sum()) and p[3] == 0


def test_pca_2d_is_an_orthogonal_projection():
    rng = np.random.default_rng(1)
    E = rng.normal(size=(40, 6)) * np.array([5, 3, 1, 0.5, 0.2, 0.1])
    coords, kept = M.pca_2d(E, normalize=False)
    X = E - E.mean(0)
    total = (X ** 2).sum()
    assert np.isclose((coords ** 2).sum() / total, kept)
    assert abs(coords[:, 0] @ coords[:, 1]) < 1e-8 * total       # uncorrelated axes
    assert (coords[:, 0] ** 2).sum() >= (coords[:, 1] ** 2).sum()
    assert 0 < kept <= 1


def test_corpus_is_deterministic_and_big_enough():
    toks = corpus.tokens()
    assert 50_000 <= len(toks) <= 200_000
    assert toks == corpus.tokens()
    assert corpus.tokens(seed=1) != toks
    assert corpus.tokenize("The king's crown.") == ["the", "king's", "crown", "."]
    for words in corpus.CATEGORIES.values():
        assert all(w in set(toks) for w in words)


# -- 1. BPE merge stepper --------------------------------------------------------------------
def _row_tokens(ex, r):
    word, _, rest = ex.artists["texts"][r].get_text().strip().partition("  ")
    tokens = rest.split(" ")
    # one box per token, each box as wide as its token (in character cells)
    boxes = [b for b in ex.artists["boxes"][r] if b.get_visible()]
    assert len(boxes) == len(tokens)
    assert [round(b.get_width() - 0.6) for b in boxes] == [len(t) for t in tokens]
    return tokens


def test_bpe_stepper_replays_bpe():
    ex = M.bpe_merge_stepper()
    table = corpus.BPE_WORDS
    merges = ref_bpe(table, 24)
    assert ex.merges == merges
    assert ex.controls["merges_done"].max == len(merges)
    before = ex.render()
    for m in [0, 1, 5, 12, len(merges)]:
        for word in ["walker", "talkative"]:
            ex.set(merges_done=m, word=word)
            rows = ex.words + [word]
            for r, w in enumerate(rows):
                want = [t.replace("</w>", "_") for t in ref_encode(w, merges[:m])]
                assert _row_tokens(ex, r) == want, (m, w)
                assert ex.artists["texts"][r].get_text().split()[0] == w
            if m:
                a, b = merges[m - 1]
                assert f"merge {m}:" in ex.status.value
                assert repr((a + b).replace("</w>", "_")) in ex.status.value
                n_chars = len({c for w in table for c in w}) + 1
                assert f"= {n_chars + m}" in ex.status.value
            else:
                assert "no merges yet" in ex.status.value
    assert not np.array_equal(before, ex.render())


def test_bpe_stepper_bars_show_the_pair_counts():
    ex = M.bpe_merge_stepper()
    table = corpus.BPE_WORDS
    for m in [0, 3, 10]:
        ex.set(merges_done=m)
        split = {w: ref_encode(w, ex.merges[:m]) for w in table}
        counts = {}
        for w, s in split.items():
            for p in zip(s, s[1:]):
                counts[p] = counts.get(p, 0) + table[w]
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
        widths = [b.get_width() for b in ex.artists["bars"]]
        assert widths == [c for _, c in top]
        # the orange bar is the next merge
        orange = [i for i, b in enumerate(ex.artists["bars"]) if b.get_facecolor()[:3] != (0.6901960784313725,) * 3]
        assert orange == [0] and top[0][0] == ex.merges[m]


def test_bpe_stepper_pixels_change_with_each_control():
    ex = M.bpe_merge_stepper()
    for name, value in [("merges_done", 7), ("word", "kingdom")]:
        old = ex.render()
        ex.controls[name].value = value
        assert not np.array_equal(old, ex.render()), name


def test_bpe_stepper_uses_the_learners_functions_and_falls_back():
    calls = []

    def my_train(word_counts, num_merges):
        calls.append(num_merges)
        return M.bpe_train(word_counts, num_merges)

    def stub(word, merges):
        raise NotImplementedError()

    ex = M.bpe_merge_stepper(train=my_train, encode=stub)
    assert calls and "not written yet" in ex.status.value
    ex.set(merges_done=3)
    assert _row_tokens(ex, 0) == [t.replace("</w>", "_") for t in ref_encode(ex.words[0], ex.merges[:3])]


# -- 2. embedding map ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_embeddings():
    rng = np.random.default_rng(3)
    words = ["king", "queen", "paris", "rome", "dog", "cat", "red", "blue", "the", "a", "bank"]
    E = rng.normal(size=(len(words), 5)) * rng.uniform(0.2, 5, size=(len(words), 1))
    return E, words


def _cos_neighbours(E, words, w, k):
    i = words.index(w)
    U = E / np.linalg.norm(E, axis=1, keepdims=True)
    s = U @ U[i]
    order = [j for j in np.argsort(-s) if j != i][:k]
    return [words[j] for j in order], s


def test_embedding_map_marks_the_cosine_neighbours(small_embeddings):
    E, words = small_embeddings
    ex = M.embedding_map(E, words, word="king", k=3)
    coords = ex.coords
    before = ex.render()
    for w in ["queen", "dog", "bank", "paris"]:
        for k in (1, 4, 10):
            ex.set(word=w, k=k)
            want, sims = _cos_neighbours(E, words, w, k)
            i = words.index(w)
            assert np.allclose(ex.artists["star"].get_offsets(), coords[[i]])
            assert np.allclose(ex.artists["rings"].get_offsets(), coords[[words.index(n) for n in want]])
            segs = ex.artists["links"].get_segments()
            assert len(segs) == len(want)
            assert all(np.allclose(s[0], coords[i]) for s in segs)
            shown = [t.get_text().strip() for t in ex.artists["labels"] if t.get_text()]
            assert shown == want
            for n in want:
                assert f"{n} {sims[words.index(n)]:.2f}" in ex.status.value
    assert not np.array_equal(before, ex.render())


def test_embedding_map_coordinates_are_the_pca_projection(small_embeddings):
    E, words = small_embeddings
    ex = M.embedding_map(E, words)
    coords, kept = M.pca_2d(E)
    assert np.allclose(ex.coords, coords)
    assert f"{kept:.0%}" in ex.status.value


def test_embedding_map_pixels_change_with_each_control(small_embeddings):
    E, words = small_embeddings
    ex = M.embedding_map(E, words, word="king", k=3)
    for name, value in [("word", "dog"), ("k", 6)]:
        old = ex.render()
        ex.controls[name].value = value
        assert not np.array_equal(old, ex.render()), name


def test_embedding_map_uses_the_learners_most_similar(small_embeddings):
    E, words = small_embeddings
    seen = []

    def mine(word, E_, word2id, id2word, k=5):
        seen.append(word)
        return [(w, 0.5) for w in id2word if w != word][:k]     # deliberately odd ranking

    ex = M.embedding_map(E, words, word="dog", k=2, most_similar=mine)
    assert "dog" in seen
    assert [t.get_text().strip() for t in ex.artists["labels"] if t.get_text()] == \
        [w for w in words if w != "dog"][:2]

    def stub(word, E_, word2id, id2word, k=5):
        raise NotImplementedError()

    ex = M.embedding_map(E, words, word="dog", k=2, most_similar=stub)
    assert "not written yet" in ex.status.value
    want, _ = _cos_neighbours(E, words, "dog", 2)
    assert [t.get_text().strip() for t in ex.artists["labels"] if t.get_text()] == want


def test_default_embedding_map_has_sensible_neighbours():
    ex = M.embedding_map()
    ex.set(word="paris", k=5)
    near = [t.get_text().strip() for t in ex.artists["labels"] if t.get_text()]
    assert len(set(near) & set(corpus.CATEGORIES["capitals"])) >= 3, near
    ex.set(word="three", k=5)
    near = [t.get_text().strip() for t in ex.artists["labels"] if t.get_text()]
    assert len(set(near) & set(corpus.NUMBERS)) >= 3, near
