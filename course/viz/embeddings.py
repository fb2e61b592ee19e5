"""Visualizations and helpers for 11_embeddings: tokenization and word embeddings.

- ``bpe_merge_stepper``: byte-pair encoding one merge at a time on a small
  word-count table: the counts of the adjacent pairs (the winner marked), the
  merge just made, the vocabulary so far and how chosen words are segmented,
  including words the table never had;
- ``embedding_map``: skip-gram embeddings projected to 2-D with PCA; pick a
  word and see it and its nearest neighbours (by cosine in the full space).

The helpers behind them work on their own: ``train_sgns`` (skip-gram with
negative sampling in PyTorch, mini-batches of pairs), ``trained_embeddings``
(the course corpus trained once and cached), ``pca_2d``, ``noise_distribution``
and built-in versions of the exercises (``bpe_train``, ``bpe_encode``,
``build_vocab``, ``skipgram_pairs``, ``most_similar``) that follow the
contracts. Nothing drawn depends on the learner's code unless it is passed in.
"""
import functools
from collections import Counter

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from .. import corpus
from .base import Explorer, dropdown, freeze_layout, int_slider, learner_function, new_figure, \
    visualization

__all__ = ["bpe_merge_stepper", "embedding_map", "train_sgns", "trained_embeddings", "pca_2d",
           "noise_distribution", "bpe_train", "bpe_encode", "build_vocab", "skipgram_pairs",
           "most_similar", "bpe_steps", "END"]

MODULE = "11_embeddings"
END = "</w>"
BLUE, ORANGE, GREEN, RED, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#b0b0b0"
CATEGORY_COLORS = {"royalty": "#9467bd", "people": "#e377c2", "countries": "#1f77b4",
                   "capitals": "#17becf", "languages": "#aec7e8", "animals": "#8c564b",
                   "food": "#ff7f0e", "verbs": "#2ca02c", "colours": "#bcbd22",
                   "numbers": "#7f7f7f", "jobs": "#d62728"}


# -- built-in versions of the exercises (same contracts) ----------------------------------------
def _merge(symbols, pair):
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def _pair_counts(split, word_counts):
    counts = Counter()
    for word, symbols in split.items():
        for pair in zip(symbols, symbols[1:]):
            counts[pair] += word_counts[word]
    return counts


def bpe_steps(word_counts, num_merges):
    """BPE training, step by step: a list of ``(pair_counts, merged_pair)``,
    one per merge, where ``pair_counts`` is the Counter of adjacent pairs the
    merge was chosen from (most frequent, ties to the smallest pair)."""
    split = {w: list(w) + [END] for w in word_counts}
    steps = []
    for _ in range(num_merges):
        counts = _pair_counts(split, word_counts)
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        steps.append((counts, best))
        split = {w: _merge(s, best) for w, s in split.items()}
    return steps


def bpe_train(word_counts, num_merges):
    """The list of merged pairs (see the exercise of the same name)."""
    return [pair for _, pair in bpe_steps(word_counts, num_merges)]


def bpe_encode(word, merges):
    """``word`` as tokens: characters plus ``"</w>"``, merges applied in order."""
    symbols = list(word) + [END]
    for pair in merges:
        symbols = _merge(symbols, tuple(pair))
    return symbols


def build_vocab(tokens, min_count=1):
    """``(word2id, id2word)`` by decreasing count, ties alphabetical."""
    counts = Counter(tokens)
    id2word = sorted((w for w, c in counts.items() if c >= min_count),
                     key=lambda w: (-counts[w], w))
    return {w: i for i, w in enumerate(id2word)}, id2word


def skipgram_pairs(ids, window):
    """All (center, context) pairs at distance 1..window, an int array (m, 2)."""
    ids = np.asarray(ids)
    parts = [np.empty((0, 2), dtype=np.int64)]
    for d in range(1, window + 1):
        if d < len(ids):
            parts += [np.c_[ids[:-d], ids[d:]], np.c_[ids[d:], ids[:-d]]]
    return np.concatenate(parts).astype(np.int64)


def _cosines(a, B):
    norms = np.linalg.norm(B, axis=1) * np.linalg.norm(a)
    dots = B @ a
    return np.divide(dots, norms, out=np.zeros_like(dots, dtype=float), where=norms > 0)


def most_similar(word, E, word2id, id2word, k=5):
    """The ``k`` words nearest to ``word`` by cosine, as ``(word, cosine)`` pairs."""
    i = word2id[word]
    sims = _cosines(E[i], E)
    order = [j for j in np.argsort(-sims, kind="stable") if j != i][:k]
    return [(id2word[j], float(sims[j])) for j in order]


# -- training ------------------------------------------------------------------------------------
def noise_distribution(ids, vocab_size, power=0.75):
    """Negative-sampling noise: unigram counts raised to ``power``, normalised."""
    counts = np.bincount(np.asarray(ids), minlength=vocab_size).astype(float)
    weights = counts ** power
    return weights / weights.sum()


def train_sgns(ids, vocab_size, dim=32, window=2, negatives=5, epochs=5, lr=0.02, batch=1024,
               subsample=1e-3, seed=0, pairs_fn=None, progress=False):
    """Skip-gram with negative sampling on the token ids ``ids`` (1-D ints).

    Every epoch drops frequent tokens at random (keep probability
    ``min(1, sqrt(subsample / frequency))``; ``subsample=None`` keeps all),
    makes the (center, context) pairs with ``pairs_fn(ids, window)`` (the
    learner's ``skipgram_pairs``; default: the built-in one), shuffles them
    and, per mini-batch of ``batch`` pairs, draws ``negatives`` noise words
    per pair from the unigram^0.75 distribution and takes an Adam step on

        -log sigmoid(u_o . v_c) - sum_k log sigmoid(-u_k . v_c)

    averaged over the batch. Runs on ``course.device()``.

    Returns ``(E, losses)``: the input (center) vectors as a float64 array
    (vocab_size, dim) and the mean loss of every epoch.

    Example::

        word2id, id2word = build_vocab(tokens)
        E, losses = train_sgns([word2id[t] for t in tokens], len(id2word))
    """
    import torch
    import torch.nn.functional as F
    from ..device import device as _device, seed_everything

    dev = _device()
    seed_everything(seed)
    rng = np.random.default_rng(seed)
    ids = np.asarray(ids, dtype=np.int64)
    pairs_fn = pairs_fn or skipgram_pairs
    freq = np.bincount(ids, minlength=vocab_size) / len(ids)
    noise = torch.tensor(noise_distribution(ids, vocab_size), dtype=torch.float32, device=dev)
    V_in = torch.nn.Embedding(vocab_size, dim).to(dev)     # center vectors v
    U_out = torch.nn.Embedding(vocab_size, dim).to(dev)    # context vectors u
    with torch.no_grad():
        V_in.weight.uniform_(-0.5 / dim, 0.5 / dim)
        U_out.weight.zero_()
    opt = torch.optim.Adam(list(V_in.parameters()) + list(U_out.parameters()), lr=lr)
    losses = []
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=epochs, desc="skip-gram epochs")
    for _ in range(epochs):
        kept = ids
        if subsample:
            keep_p = np.minimum(1.0, np.sqrt(subsample / freq[ids]))
            kept = ids[rng.random(len(ids)) < keep_p]
        pairs = np.asarray(pairs_fn(kept, window), dtype=np.int64)
        pairs = torch.from_numpy(pairs[rng.permutation(len(pairs))]).to(dev)
        total = 0.0
        for start in range(0, len(pairs), batch):
            b = pairs[start:start + batch]
            neg = torch.multinomial(noise, len(b) * negatives, replacement=True).view(len(b), -1)
            v, u_o, U_neg = V_in(b[:, 0]), U_out(b[:, 1]), U_out(neg)
            pos = F.logsigmoid((v * u_o).sum(1))
            negs = F.logsigmoid(-(U_neg @ v.unsqueeze(2)).squeeze(2)).sum(1)
            loss = -(pos + negs).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(b)
        losses.append(total / max(1, len(pairs)))
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{losses[-1]:.3f}")
    if bar is not None:
        bar.close()
    return V_in.weight.detach().cpu().double().numpy(), losses


@functools.lru_cache(maxsize=2)
def _trained(seed):
    toks = corpus.tokens()
    word2id, id2word = build_vocab(toks)
    E, losses = train_sgns([word2id[t] for t in toks], len(id2word), seed=seed)
    E.flags.writeable = False
    return E, word2id, tuple(id2word), tuple(losses)


def trained_embeddings(seed=0):
    """``(E, word2id, id2word)`` from skip-gram on ``course.corpus.tokens()``,
    trained once per seed and cached (a few seconds the first time)."""
    E, word2id, id2word, _ = _trained(int(seed))
    return E.copy(), dict(word2id), list(id2word)


def pca_2d(E, normalize=True):
    """``(coords, explained)``: the rows of ``E`` (scaled to unit length first
    if ``normalize``, since cosine ignores length) centred and projected on
    their two principal directions (n, 2), and the share of variance kept."""
    E = np.asarray(E, float)
    if normalize:
        norms = np.linalg.norm(E, axis=1, keepdims=True)
        E = E / np.where(norms > 0, norms, 1.0)
    X = E - E.mean(axis=0)
    _, s, Vt = np.linalg.svd(X, full_matrices=False)
    return X @ Vt[:2].T, float((s[:2] ** 2).sum() / (s ** 2).sum())


# -- 1. BPE, one merge at a time -------------------------------------------------------------------
def _show(token):
    return token.replace(END, "_")


def _default_words(word_counts):
    words = sorted(word_counts, key=lambda w: (-word_counts[w], w))
    return words[:4]


@visualization(MODULE)
def bpe_merge_stepper(word_counts=None, num_merges=24, words=None, extra=None, train=None,
                      encode=None):
    """Step through byte-pair-encoding merges on a word-count table.

    The slider sets how many merges have been made. The top panel shows the
    counts of the most frequent adjacent pairs *now* (each pair counted once
    per occurrence, weighted by the word's count) with the pair that will be
    merged next in orange; the status line names the merge just made, its
    count and the vocabulary size; the bottom panel shows the segmentation of
    a few table words and of the word picked in the dropdown, which may be a
    word the table never contained (``_`` marks the end-of-word ``</w>``).
    The newest tokens of the vocabulary are listed under the segmentations.

    Arguments: ``word_counts`` ``{word: count}`` (default
    ``course.corpus.BPE_WORDS``), ``num_merges`` the slider's range, ``words``
    the table words to segment (default: the five most frequent), ``extra``
    the dropdown's words (default: table words plus unseen ones), ``train``
    and ``encode`` the learner's ``bpe_train`` and ``bpe_encode`` (default:
    built-in ones; an unwritten one falls back with a note).

    Example::

        bpe_merge_stepper()                       # drag the slider from 0 up
        bpe_merge_stepper(train=bpe_train, encode=bpe_encode)
    """
    word_counts = dict(word_counts or corpus.BPE_WORDS)
    words = list(words or _default_words(word_counts))
    extra = list(extra or ["walking", "talked", "singing", "walker", "jumps", "cooks",
                           "sings", "talkative", "kingdom", "parking"])
    train, note_t = learner_function(train, lambda f: f({"ab": 2, "b": 1}, 1), bpe_train)
    encode, note_e = learner_function(encode, lambda f: f("ab", [("a", "b")]), bpe_encode)
    steps = bpe_steps(word_counts, num_merges)
    merges = [tuple(m) for m in train(word_counts, num_merges)]
    n_steps = len(merges)
    chars = sorted({c for w in word_counts for c in w} | {END})

    # cache every segmentation at every step: slider moves only redraw
    shown = list(dict.fromkeys(words + extra))
    segs = {w: [encode(w, merges[:m]) for m in range(n_steps + 1)] for w in shown}

    fig = new_figure(6.2, 4.6)
    ax_bar, ax_seg = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1.0, 1.5]})
    top = 8
    bars = ax_bar.barh(np.arange(top), np.zeros(top), color=GREY)
    ax_bar.invert_yaxis()
    ax_bar.set(yticks=[], xticks=[])     # the counts are written on the bars
    max_count = max((max(c.values()) for c, _ in steps), default=1)
    ax_bar.set_xlim(0, max_count * 1.15)
    bar_text = [ax_bar.text(0, i, "", va="center", fontsize=8) for i in range(top)]

    rows = len(words) + 1
    width = max(len(w) for w in shown) + 1
    font = 9
    # x is measured in monospace character cells (set once the layout is frozen), so
    # each row is ONE text artist and the token boxes are placed by character offsets
    ax_seg.set(xlim=(-20, width * 2), ylim=(rows + 1.4, -0.8), xticks=[], yticks=[])
    for side in ("top", "right", "bottom", "left"):
        ax_seg.spines[side].set_visible(False)
    pad = max(len(w) for w in shown) + 2          # the word, right-aligned, then its tokens
    boxes, texts = [], []
    for r in range(rows):
        boxes.append([ax_seg.add_patch(Rectangle((0, r - 0.35), 1, 0.7, facecolor="#d6e6f5",
                                                 edgecolor="#4a6f9a", visible=False))
                      for _ in range(width)])
        texts.append(ax_seg.text(-pad, r + (0.25 if r == rows - 1 else 0.0), "", ha="left",
                                 va="center", fontsize=font, family="DejaVu Sans Mono"))
    vocab_text = ax_seg.text(-pad, rows + 0.9, "", ha="left", va="center", fontsize=8)

    def use_character_cells():
        cell_in = 0.602 * font / 72                      # DejaVu Sans Mono advance, in inches
        axes_in = ax_seg.get_position().width * fig.get_figwidth()
        ax_seg.set_xlim(-pad - 0.5, -pad - 0.5 + axes_in / cell_in)

    def draw_row(r, word, tokens, new):
        shown_tokens = [_show(t) for t in tokens]
        texts[r].set_text(word.rjust(pad - 2) + "  " + " ".join(shown_tokens))
        y = texts[r].get_position()[1]
        x = 0
        for j in range(width):
            if j < len(tokens):
                n = len(shown_tokens[j])
                boxes[r][j].set_bounds(x - 0.3, y - 0.38, n + 0.6, 0.76)
                boxes[r][j].set_facecolor("#ffd8a8" if tokens[j] == new else "#d6e6f5")
                boxes[r][j].set_visible(True)
                x += n + 1
            else:
                boxes[r][j].set_visible(False)

    def draw(merges_done, word):
        m = min(merges_done, n_steps)
        new = "".join(merges[m - 1]) if m else None
        if m < len(steps):
            counts, nxt = steps[m]
            best = sorted(counts, key=lambda p: (-counts[p], p))[:top]
        else:
            counts, nxt, best = {}, None, []
        for i in range(top):
            if i < len(best):
                p = best[i]
                bars[i].set_width(counts[p])
                bars[i].set_color(ORANGE if p == nxt else GREY)
                bar_text[i].set_position((counts[p] + max_count * 0.01, i))
                bar_text[i].set_text(f"{_show(p[0])} + {_show(p[1])}  {counts[p]}")
            else:
                bars[i].set_width(0)
                bar_text[i].set_text("")
        for r, w in enumerate(words):
            draw_row(r, w, segs[w][m], new)
        draw_row(rows - 1, word, segs[word][m], new)
        made = ["".join(p) for p in merges[:m]]
        vocab_size = len(chars) + len(made)
        recent = " ".join(_show(t) for t in made[-8:])
        vocab_text.set_text(f"newest tokens: {recent}" if made else "")
        if m == 0:
            head = "no merges yet: every word is its characters plus the end marker _"
        else:
            a, b = merges[m - 1]
            cnt = steps[m - 1][0][(a, b)] if m - 1 < len(steps) else "?"
            head = (f"merge {m}: ({_show(a)!r}, {_show(b)!r}) &rarr; <b>{_show(a + b)!r}</b> "
                    f"(seen {cnt} times)")
        return (f"{head} &middot; vocabulary: {len(chars)} characters + {len(made)} merged "
                f"= {vocab_size} &middot; "
                f"'{word}' &rarr; {len(segs[word][m])} tokens" + note_t + note_e)

    controls = {"merges_done": int_slider(0, 0, n_steps, "merges"),
                "word": dropdown(extra, extra[0] if extra else words[0], "segment")}

    def widest():
        draw(0, controls["word"].value)

    freeze_layout(fig, widest)
    use_character_cells()
    ex = Explorer(controls, fig, draw,
                  title="Byte-pair encoding, one merge at a time</b><br><small>top: the most "
                        "frequent adjacent pairs now (orange: merged next); bottom: "
                        "segmentations, newest token in orange</small><b>")
    ex.artists = {"bars": bars, "bar_text": bar_text, "texts": texts,
                  "boxes": boxes, "vocab": vocab_text}
    ex.merges, ex.words, ex.segmentations = merges, words, segs
    return ex


# -- 2. embeddings on a map ---------------------------------------------------------------------
def _categories(id2word):
    colour = {}
    for cat, ws in corpus.CATEGORIES.items():
        for w in ws:
            colour.setdefault(w, CATEGORY_COLORS[cat])
    return [colour.get(w, "#d0d0d0") for w in id2word]


@visualization(MODULE)
def embedding_map(E=None, id2word=None, word="king", k=5, most_similar=None, choices=None):
    """Word embeddings on a 2-D map (PCA), with a word picker.

    Every word is a dot, coloured by theme (royalty, people, countries,
    capitals, animals, ...; grey for the rest). Picking a word marks it with a
    star and draws lines to its ``k`` nearest neighbours; the neighbours are
    found by cosine similarity in the FULL embedding space, so a neighbour
    can look far away on the map: the two PCA directions keep only part of
    the variance (the status line says how much).

    Arguments: ``E`` (V, d) and ``id2word`` (default: skip-gram trained on
    the course corpus, once, cached); ``word`` and ``k`` the starting picks;
    ``most_similar`` the learner's function (default: built-in);
    ``choices`` the words offered in the picker (default: the themed words).

    Example::

        embedding_map(E, id2word, word="paris", most_similar=most_similar)
    """
    if E is None:
        E, _, id2word = trained_embeddings()
    E = np.asarray(E, float)
    id2word = list(id2word)
    word2id = {w: i for i, w in enumerate(id2word)}
    fn, note = learner_function(
        most_similar, lambda f: f(id2word[0], E, word2id, id2word, k=2), None)
    find = fn or globals()["most_similar"]
    coords, kept = pca_2d(E)
    if choices is None:
        themed = [w for ws in corpus.CATEGORIES.values() for w in ws if w in word2id]
        extras = [w for w in ("bank", "river", "money", "he", "she") if w in word2id]
        choices = sorted(set(themed + extras)) or sorted(id2word)
    choices = list(choices)
    if word not in word2id:
        word = choices[0]
    k_max = 10
    cache = {}

    def neighbours(w):
        if w not in cache:
            cache[w] = [(n, float(s)) for n, s in find(w, E, word2id, id2word, k=k_max)]
        return cache[w]

    fig = new_figure(5.6, 4.5)
    ax = fig.add_subplot()
    ax.scatter(coords[:, 0], coords[:, 1], s=12, c=_categories(id2word), alpha=0.55,
               linewidths=0)
    pad = 0.08 * (coords.max(0) - coords.min(0))
    ax.set(xlim=(coords[:, 0].min() - pad[0], coords[:, 0].max() + pad[0]),
           ylim=(coords[:, 1].min() - pad[1], coords[:, 1].max() + pad[1]),
           xlabel="first principal direction", ylabel="second principal direction")
    links = LineCollection([], colors=ORANGE, linewidths=1.2, zorder=2)
    ax.add_collection(links)
    rings = ax.scatter([], [], s=70, facecolors="none", edgecolors=ORANGE, linewidths=1.5,
                       zorder=3)
    star = ax.scatter([0.0], [0.0], s=220, marker="*", color=RED, zorder=4)
    star_label = ax.text(0, 0, "", fontsize=10, fontweight="bold", zorder=5)
    labels = [ax.text(0, 0, "", fontsize=8, zorder=5) for _ in range(k_max)]

    def draw(word, k):
        i = word2id[word]
        near = neighbours(word)[:k]
        idx = [word2id[n] for n, _ in near]
        star.set_offsets(coords[[i]])
        star_label.set_position(coords[i])
        star_label.set_text(" " + word)
        rings.set_offsets(coords[idx] if idx else np.empty((0, 2)))
        links.set_segments([np.array([coords[i], coords[j]]) for j in idx])
        for t in range(k_max):
            if t < len(idx):
                labels[t].set_position(coords[idx[t]])
                labels[t].set_text(" " + near[t][0])
            else:
                labels[t].set_text("")
        listing = ", ".join(f"{n} {s:.2f}" for n, s in near)
        return (f"nearest to <b>{word}</b> by cosine in {E.shape[1]}-D: {listing}"
                f"<br>the map keeps {kept:.0%} of the variance: closeness on it is only "
                f"a hint" + note)

    controls = {"word": dropdown(choices, word if word in choices else choices[0], "word"),
                "k": int_slider(min(k, k_max), 1, k_max, "neighbours")}
    freeze_layout(fig)
    key = " ".join(f'<span style="color:{c}">&#9679; {n}</span>'
                   for n, c in CATEGORY_COLORS.items())
    ex = Explorer(controls, fig, draw,
                  title=f"Word embeddings, projected with PCA</b><br><small>{key}</small><b>")
    ex.artists = {"star": star, "rings": rings, "links": links, "labels": labels,
                  "star_label": star_label}
    ex.coords, ex.word2id, ex.E = coords, word2id, E
    return ex
