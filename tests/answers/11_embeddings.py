"""Known answers for 11_embeddings: mistakes that must fail, alternatives that must pass."""

WRONG = {  # exercise -> {description of the mistake: source code that defines the name}
    "bpe_train": {
        "ties go to the first pair found (max over counts), not the smallest": '''
from collections import Counter
def bpe_train(word_counts, num_merges):
    split = {w: list(w) + ["</w>"] for w in word_counts}
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for w, s in split.items():
            for p in zip(s, s[1:]):
                pairs[p] += word_counts[w]
        if not pairs:
            break
        best = max(pairs, key=pairs.get)
        merges.append(best)
        for w, s in split.items():
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                    out.append(s[i] + s[i + 1]); i += 2
                else:
                    out.append(s[i]); i += 1
            split[w] = out
    return merges
''',
        "counts pairs once per word, ignoring the word counts": '''
from collections import Counter
def bpe_train(word_counts, num_merges):
    split = {w: list(w) + ["</w>"] for w in word_counts}
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for w, s in split.items():
            for p in zip(s, s[1:]):
                pairs[p] += 1
        if not pairs:
            break
        top = max(pairs.values())
        best = min(p for p in pairs if pairs[p] == top)
        merges.append(best)
        for w, s in split.items():
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                    out.append(s[i] + s[i + 1]); i += 2
                else:
                    out.append(s[i]); i += 1
            split[w] = out
    return merges
''',
        "forgets the end-of-word marker": '''
from collections import Counter
def bpe_train(word_counts, num_merges):
    split = {w: list(w) for w in word_counts}
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for w, s in split.items():
            for p in zip(s, s[1:]):
                pairs[p] += word_counts[w]
        if not pairs:
            break
        top = max(pairs.values())
        best = min(p for p in pairs if pairs[p] == top)
        merges.append(best)
        for w, s in split.items():
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                    out.append(s[i] + s[i + 1]); i += 2
                else:
                    out.append(s[i]); i += 1
            split[w] = out
    return merges
''',
        "counts each pair at most once per word (a set of pairs)": '''
from collections import Counter
def bpe_train(word_counts, num_merges):
    split = {w: list(w) + ["</w>"] for w in word_counts}
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for w, s in split.items():
            for p in set(zip(s, s[1:])):
                pairs[p] += word_counts[w]
        if not pairs:
            break
        top = max(pairs.values())
        best = min(p for p in pairs if pairs[p] == top)
        merges.append(best)
        for w, s in split.items():
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                    out.append(s[i] + s[i + 1]); i += 2
                else:
                    out.append(s[i]); i += 1
            split[w] = out
    return merges
''',
        "does not stop when no pair is left (max of an empty sequence)": '''
from collections import Counter
def bpe_train(word_counts, num_merges):
    split = {w: list(w) + ["</w>"] for w in word_counts}
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for w, s in split.items():
            for p in zip(s, s[1:]):
                pairs[p] += word_counts[w]
        top = max(pairs.values())
        best = min(p for p in pairs if pairs[p] == top)
        merges.append(best)
        for w, s in split.items():
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                    out.append(s[i] + s[i + 1]); i += 2
                else:
                    out.append(s[i]); i += 1
            split[w] = out
    return merges
''',
    },
    "bpe_encode": {
        "drops the end-of-word marker": '''
def bpe_encode(word, merges):
    syms = list(word)
    for a, b in merges:
        out, i = [], 0
        while i < len(syms):
            if i + 1 < len(syms) and syms[i] == a and syms[i + 1] == b:
                out.append(a + b); i += 2
            else:
                out.append(syms[i]); i += 1
        syms = out
    return syms
''',
        "merges only the first occurrence of each pair": '''
def bpe_encode(word, merges):
    syms = list(word) + ["</w>"]
    for a, b in merges:
        for i in range(len(syms) - 1):
            if syms[i] == a and syms[i + 1] == b:
                syms = syms[:i] + [a + b] + syms[i + 2:]
                break
    return syms
''',
        "scans right to left ('a a a' becomes 'a aa')": '''
def bpe_encode(word, merges):
    syms = list(word) + ["</w>"]
    for a, b in merges:
        i = len(syms) - 2
        while i >= 0:
            if syms[i] == a and syms[i + 1] == b:
                syms = syms[:i] + [a + b] + syms[i + 2:]
                i -= 2
            else:
                i -= 1
    return syms
''',
        "stops at the first merge that does not apply": '''
def bpe_encode(word, merges):
    syms = list(word) + ["</w>"]
    for a, b in merges:
        if not any(x == a and y == b for x, y in zip(syms, syms[1:])):
            break
        out, i = [], 0
        while i < len(syms):
            if i + 1 < len(syms) and syms[i] == a and syms[i + 1] == b:
                out.append(a + b); i += 2
            else:
                out.append(syms[i]); i += 1
        syms = out
    return syms
''',
        "applies the merges in reverse order": '''
def bpe_encode(word, merges):
    syms = list(word) + ["</w>"]
    for a, b in reversed(merges):
        out, i = [], 0
        while i < len(syms):
            if i + 1 < len(syms) and syms[i] == a and syms[i + 1] == b:
                out.append(a + b); i += 2
            else:
                out.append(syms[i]); i += 1
        syms = out
    return syms
''',
    },
    "build_vocab": {
        "ties in order of first appearance (Counter.most_common)": '''
from collections import Counter
def build_vocab(tokens, min_count=1):
    id2word = [w for w, c in Counter(tokens).most_common() if c >= min_count]
    return {w: i for i, w in enumerate(id2word)}, id2word
''',
        "min_count compared with > instead of >=": '''
from collections import Counter
def build_vocab(tokens, min_count=1):
    counts = Counter(tokens)
    id2word = sorted((w for w in counts if counts[w] > min_count), key=lambda w: (-counts[w], w))
    return {w: i for i, w in enumerate(id2word)}, id2word
''',
        "ids start at 1": '''
from collections import Counter
def build_vocab(tokens, min_count=1):
    counts = Counter(tokens)
    id2word = sorted((w for w in counts if counts[w] >= min_count), key=lambda w: (-counts[w], w))
    return {w: i + 1 for i, w in enumerate(id2word)}, id2word
''',
        "ignores min_count": '''
from collections import Counter
def build_vocab(tokens, min_count=1):
    counts = Counter(tokens)
    id2word = sorted(counts, key=lambda w: (-counts[w], w))
    return {w: i for i, w in enumerate(id2word)}, id2word
''',
        "sorted alphabetically only": '''
def build_vocab(tokens, min_count=1):
    id2word = sorted(w for w in set(tokens) if tokens.count(w) >= min_count)
    return {w: i for i, w in enumerate(id2word)}, id2word
''',
    },
    "skipgram_pairs": {
        "includes the center itself (distance 0)": '''
import numpy as np
def skipgram_pairs(ids, window):
    ids = np.asarray(ids)
    out = [(ids[p], ids[q]) for p in range(len(ids))
           for q in range(max(0, p - window), min(len(ids), p + window + 1))]
    return np.array(out, dtype=np.int64).reshape(-1, 2)
''',
        "only the contexts to the right": '''
import numpy as np
def skipgram_pairs(ids, window):
    ids = np.asarray(ids)
    out = [(ids[p], ids[q]) for p in range(len(ids)) for q in range(p + 1, min(len(ids), p + window + 1))]
    return np.array(out, dtype=np.int64).reshape(-1, 2)
''',
        "window off by one (distances 1..window-1)": '''
import numpy as np
def skipgram_pairs(ids, window):
    ids = np.asarray(ids)
    out = [(ids[p], ids[q]) for p in range(len(ids))
           for q in range(max(0, p - window + 1), min(len(ids), p + window)) if q != p]
    return np.array(out, dtype=np.int64).reshape(-1, 2)
''',
        "wraps around the ends with np.roll": '''
import numpy as np
def skipgram_pairs(ids, window):
    ids = np.asarray(ids)
    parts = []
    for d in range(1, window + 1):
        parts += [np.c_[ids, np.roll(ids, -d)], np.c_[ids, np.roll(ids, d)]]
    return np.concatenate(parts).astype(np.int64)
''',
        "returns positions instead of ids": '''
import numpy as np
def skipgram_pairs(ids, window):
    n = len(ids)
    out = [(p, q) for p in range(n) for q in range(max(0, p - window), min(n, p + window + 1)) if q != p]
    return np.array(out, dtype=np.int64).reshape(-1, 2)
''',
        "np.array of an empty list: float dtype and shape (0,)": '''
import numpy as np
def skipgram_pairs(ids, window):
    out = [(ids[p], ids[q]) for p in range(len(ids))
           for q in range(max(0, p - window), min(len(ids), p + window + 1)) if q != p]
    return np.array(out)
''',
    },
    "sgns_loss_and_grads": {
        "du_o and dU_neg with the sign flipped (zero when v_c = 0)": '''
import numpy as np
def sgns_loss_and_grads(v_c, u_o, U_neg):
    s_o, s_neg = u_o @ v_c, U_neg @ v_c
    loss = np.logaddexp(0.0, -s_o) + np.logaddexp(0.0, s_neg).sum()
    g_o = np.exp(-np.logaddexp(0.0, -s_o)) - 1.0
    g_neg = np.exp(-np.logaddexp(0.0, -s_neg))
    return float(loss), g_o * u_o + g_neg @ U_neg, -g_o * v_c, -np.outer(g_neg, v_c)
''',
        "sigma(+score) for the negatives (wrong sign)": '''
import numpy as np
def sgns_loss_and_grads(v_c, u_o, U_neg):
    sig = lambda x: np.exp(-np.logaddexp(0.0, -x))
    s_o, s_n = u_o @ v_c, U_neg @ v_c
    loss = np.logaddexp(0.0, -s_o) + np.logaddexp(0.0, -s_n).sum()
    g_o, g_n = sig(s_o) - 1.0, sig(s_n) - 1.0
    return float(loss), g_o * u_o + g_n @ U_neg, g_o * v_c, np.outer(g_n, v_c)
''',
        "averages over the negatives instead of summing": '''
import numpy as np
def sgns_loss_and_grads(v_c, u_o, U_neg):
    sig = lambda x: np.exp(-np.logaddexp(0.0, -x))
    s_o, s_n = u_o @ v_c, U_neg @ v_c
    loss = np.logaddexp(0.0, -s_o) + np.logaddexp(0.0, s_n).mean()
    g_o, g_n = sig(s_o) - 1.0, sig(s_n) / len(s_n)
    return float(loss), g_o * u_o + g_n @ U_neg, g_o * v_c, np.outer(g_n, v_c)
''',
        "du_o uses sigma(s_o) instead of sigma(s_o) - 1": '''
import numpy as np
def sgns_loss_and_grads(v_c, u_o, U_neg):
    sig = lambda x: np.exp(-np.logaddexp(0.0, -x))
    s_o, s_n = u_o @ v_c, U_neg @ v_c
    loss = np.logaddexp(0.0, -s_o) + np.logaddexp(0.0, s_n).sum()
    g_o, g_n = sig(s_o) - 1.0, sig(s_n)
    return float(loss), g_o * u_o + g_n @ U_neg, sig(s_o) * v_c, np.outer(g_n, v_c)
''',
        "naive log(sigmoid) overflows for large scores": '''
import numpy as np
def sgns_loss_and_grads(v_c, u_o, U_neg):
    sig = lambda x: 1.0 / (1.0 + np.exp(-x))
    s_o, s_n = u_o @ v_c, U_neg @ v_c
    loss = -np.log(sig(s_o)) - np.log(sig(-s_n)).sum()
    g_o, g_n = sig(s_o) - 1.0, sig(s_n)
    return float(loss), g_o * u_o + g_n @ U_neg, g_o * v_c, np.outer(g_n, v_c)
''',
        "dv_c forgets the negatives' pull": '''
import numpy as np
def sgns_loss_and_grads(v_c, u_o, U_neg):
    sig = lambda x: np.exp(-np.logaddexp(0.0, -x))
    s_o, s_n = u_o @ v_c, U_neg @ v_c
    loss = np.logaddexp(0.0, -s_o) + np.logaddexp(0.0, s_n).sum()
    g_o, g_n = sig(s_o) - 1.0, sig(s_n)
    return float(loss), g_o * u_o, g_o * v_c, np.outer(g_n, v_c)
''',
        "dU_neg transposed to (d, K)": '''
import numpy as np
def sgns_loss_and_grads(v_c, u_o, U_neg):
    sig = lambda x: np.exp(-np.logaddexp(0.0, -x))
    s_o, s_n = u_o @ v_c, U_neg @ v_c
    loss = np.logaddexp(0.0, -s_o) + np.logaddexp(0.0, s_n).sum()
    g_o, g_n = sig(s_o) - 1.0, sig(s_n)
    return float(loss), g_o * u_o + g_n @ U_neg, g_o * v_c, np.outer(v_c, g_n)
''',
    },
    "cosine_similarity": {
        "divides by the length of a only": '''
import numpy as np
def cosine_similarity(a, B):
    n = np.linalg.norm(a)
    return B @ a / n if n > 0 else np.zeros(len(B))
''',
        "lengths of B's columns (axis=0) instead of rows": '''
import numpy as np
def cosine_similarity(a, B):
    norms = np.linalg.norm(B, axis=0) * np.linalg.norm(a)
    dots = B @ a
    return np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
''',
        "divides by squared lengths": '''
import numpy as np
def cosine_similarity(a, B):
    norms = (B ** 2).sum(axis=1) * (a @ a)
    dots = B @ a
    return np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
''',
        "zero vectors give nan with a division warning": '''
import numpy as np
def cosine_similarity(a, B):
    return B @ a / (np.linalg.norm(B, axis=1) * np.linalg.norm(a))
''',
        "returns the cosine distance 1 - cos": '''
import numpy as np
def cosine_similarity(a, B):
    norms = np.linalg.norm(B, axis=1) * np.linalg.norm(a)
    dots = B @ a
    return 1.0 - np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
''',
    },
    "most_similar": {
        "includes the word itself": '''
import numpy as np
def most_similar(word, E, word2id, id2word, k=5):
    i = word2id[word]
    unit = E / np.linalg.norm(E, axis=1, keepdims=True)
    sims = unit @ unit[i]
    return [(id2word[j], float(sims[j])) for j in np.argsort(-sims)[:k]]
''',
        "ranks by dot product instead of cosine": '''
import numpy as np
def most_similar(word, E, word2id, id2word, k=5):
    i = word2id[word]
    sims = E @ E[i]
    order = [j for j in np.argsort(-sims) if j != i][:k]
    return [(id2word[j], float(sims[j])) for j in order]
''',
        "sorted by increasing similarity": '''
import numpy as np
def most_similar(word, E, word2id, id2word, k=5):
    i = word2id[word]
    unit = E / np.linalg.norm(E, axis=1, keepdims=True)
    sims = unit @ unit[i]
    order = [j for j in np.argsort(sims) if j != i][:k]
    return [(id2word[j], float(sims[j])) for j in order]
''',
        "nearest by Euclidean distance of the raw vectors": '''
import numpy as np
def most_similar(word, E, word2id, id2word, k=5):
    i = word2id[word]
    dist = np.linalg.norm(E - E[i], axis=1)
    unit = E / np.linalg.norm(E, axis=1, keepdims=True)
    order = [j for j in np.argsort(dist) if j != i][:k]
    return [(id2word[j], float(unit[j] @ unit[i])) for j in order]
''',
        "returns k - 1 neighbours (drops the first after excluding the word)": '''
import numpy as np
def most_similar(word, E, word2id, id2word, k=5):
    i = word2id[word]
    unit = E / np.linalg.norm(E, axis=1, keepdims=True)
    sims = unit @ unit[i]
    order = [j for j in np.argsort(-sims)[:k] if j != i]
    return [(id2word[j], float(sims[j])) for j in order]
''',
    },
    "analogy": {
        "excludes only b and c": '''
import numpy as np
def analogy(a, b, c, E, word2id, id2word):
    target = E[word2id[b]] - E[word2id[a]] + E[word2id[c]]
    sims = cosine_similarity(target, E)
    sims[word2id[b]] = -np.inf
    sims[word2id[c]] = -np.inf
    return id2word[int(np.argmax(sims))]
''',
        "does not exclude a, b and c": '''
import numpy as np
def analogy(a, b, c, E, word2id, id2word):
    t = E[word2id[b]] - E[word2id[a]] + E[word2id[c]]
    sims = E @ t / (np.linalg.norm(E, axis=1) * np.linalg.norm(t))
    return id2word[int(np.argmax(sims))]
''',
        "excludes only a and b": '''
import numpy as np
def analogy(a, b, c, E, word2id, id2word):
    t = E[word2id[b]] - E[word2id[a]] + E[word2id[c]]
    sims = E @ t / (np.linalg.norm(E, axis=1) * np.linalg.norm(t))
    sims[word2id[a]] = sims[word2id[b]] = -np.inf
    return id2word[int(np.argmax(sims))]
''',
        "sign error: a - b + c": '''
import numpy as np
def analogy(a, b, c, E, word2id, id2word):
    t = E[word2id[a]] - E[word2id[b]] + E[word2id[c]]
    sims = E @ t / (np.linalg.norm(E, axis=1) * np.linalg.norm(t))
    for w in (a, b, c):
        sims[word2id[w]] = -np.inf
    return id2word[int(np.argmax(sims))]
''',
        "ranks by dot product instead of cosine": '''
import numpy as np
def analogy(a, b, c, E, word2id, id2word):
    t = E[word2id[b]] - E[word2id[a]] + E[word2id[c]]
    sims = E @ t
    for w in (a, b, c):
        sims[word2id[w]] = -np.inf
    return id2word[int(np.argmax(sims))]
''',
    },
    "char_ngrams": {
        "forgets the < and > markers": '''
def char_ngrams(word, n_min=3, n_max=6):
    return [word[i:i + n] for n in range(n_min, n_max + 1) for i in range(len(word) - n + 1)]
''',
        "n_max exclusive": '''
def char_ngrams(word, n_min=3, n_max=6):
    w = "<" + word + ">"
    return [w[i:i + n] for n in range(n_min, n_max) for i in range(len(w) - n + 1)]
''',
        "removes repeated n-grams (a set)": '''
def char_ngrams(word, n_min=3, n_max=6):
    w = "<" + word + ">"
    return list({w[i:i + n] for n in range(n_min, n_max + 1) for i in range(len(w) - n + 1)})
''',
        "misses the last start position": '''
def char_ngrams(word, n_min=3, n_max=6):
    w = "<" + word + ">"
    return [w[i:i + n] for n in range(n_min, n_max + 1) for i in range(len(w) - n)]
''',
        "hard-codes lengths 3 to 6": '''
def char_ngrams(word, n_min=3, n_max=6):
    w = "<" + word + ">"
    return [w[i:i + n] for n in range(3, 7) for i in range(len(w) - n + 1)]
''',
    },
    "cooccurrence_matrix": {
        "fancy-index += drops repeated pairs": '''
import numpy as np
def cooccurrence_matrix(ids, vocab_size, window):
    ids = np.asarray(ids)
    X = np.zeros((vocab_size, vocab_size))
    for d in range(1, window + 1):
        X[ids[:-d], ids[d:]] += 1
        X[ids[d:], ids[:-d]] += 1
    return X
''',
        "one direction only (not symmetric)": '''
import numpy as np
def cooccurrence_matrix(ids, vocab_size, window):
    ids = np.asarray(ids)
    X = np.zeros((vocab_size, vocab_size))
    for d in range(1, window + 1):
        np.add.at(X, (ids[:-d], ids[d:]), 1.0)
    return X
''',
        "counts each word with itself (distance 0)": '''
import numpy as np
def cooccurrence_matrix(ids, vocab_size, window):
    ids = np.asarray(ids)
    X = np.zeros((vocab_size, vocab_size))
    np.add.at(X, (ids, ids), 1.0)
    for d in range(1, window + 1):
        np.add.at(X, (ids[:-d], ids[d:]), 1.0)
        np.add.at(X, (ids[d:], ids[:-d]), 1.0)
    return X
''',
        "weights by 1/distance (GloVe's weighting, not raw counts)": '''
import numpy as np
def cooccurrence_matrix(ids, vocab_size, window):
    ids = np.asarray(ids)
    X = np.zeros((vocab_size, vocab_size))
    for d in range(1, window + 1):
        np.add.at(X, (ids[:-d], ids[d:]), 1.0 / d)
        np.add.at(X, (ids[d:], ids[:-d]), 1.0 / d)
    return X
''',
        "window off by one": '''
import numpy as np
def cooccurrence_matrix(ids, vocab_size, window):
    ids = np.asarray(ids)
    X = np.zeros((vocab_size, vocab_size))
    for d in range(1, window):
        np.add.at(X, (ids[:-d], ids[d:]), 1.0)
        np.add.at(X, (ids[d:], ids[:-d]), 1.0)
    return X
''',
    },
}

RIGHT = {  # exercise -> {description: a correct implementation written differently}
    "bpe_train": {
        "space-joined strings and str.split": '''
def bpe_train(word_counts, num_merges):
    table = [(list(w) + ["</w>"], c) for w, c in word_counts.items()]
    merges = []
    while len(merges) < num_merges:
        counts = {}
        for syms, c in table:
            for i in range(len(syms) - 1):
                counts[(syms[i], syms[i + 1])] = counts.get((syms[i], syms[i + 1]), 0) + c
        if not counts:
            break
        best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        merges.append(best)
        new = []
        for syms, c in table:
            i, out = 0, []
            while i < len(syms):
                if syms[i:i + 2] == list(best):
                    out.append(best[0] + best[1]); i += 2
                else:
                    out.append(syms[i]); i += 1
            new.append((out, c))
        table = new
    return merges
''',
    },
    "bpe_encode": {
        "in-place merging with a while loop": '''
def bpe_encode(word, merges):
    syms = list(word) + ["</w>"]
    for pair in merges:
        i = 0
        while i < len(syms) - 1:
            if (syms[i], syms[i + 1]) == tuple(pair):
                syms[i:i + 2] = [syms[i] + syms[i + 1]]
            i += 1
    return syms
''',
    },
    "build_vocab": {
        "dict counting and a two-key sort": '''
def build_vocab(tokens, min_count=1):
    counts = {}
    for t in tokens:
        counts[t] = counts.get(t, 0) + 1
    kept = sorted(w for w, c in counts.items() if c >= min_count)
    kept.sort(key=lambda w: counts[w], reverse=True)     # stable: ties stay alphabetical
    return dict(zip(kept, range(len(kept)))), kept
''',
    },
    "skipgram_pairs": {
        "shifted slices, vectorised": '''
import numpy as np
def skipgram_pairs(ids, window):
    ids = np.asarray(ids, dtype=np.int64)
    parts = [np.zeros((0, 2), dtype=np.int64)]
    for d in range(1, window + 1):
        if d < len(ids):
            parts.append(np.stack([ids[:-d], ids[d:]], axis=1))
            parts.append(np.stack([ids[d:], ids[:-d]], axis=1))
    return np.concatenate(parts)
''',
    },
    "sgns_loss_and_grads": {
        "np.where-based stable sigmoid and explicit loops": '''
import numpy as np
def sgns_loss_and_grads(v_c, u_o, U_neg):
    def sig(x):
        x = np.asarray(x, dtype=float)
        z = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
    def softplus(x):        # log(1 + e^x), stable
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    s_o = float(u_o @ v_c)
    loss = softplus(-s_o)
    dv = (sig(s_o) - 1.0) * u_o
    dU = np.zeros_like(U_neg)
    for k in range(len(U_neg)):
        s_k = float(U_neg[k] @ v_c)
        loss = loss + softplus(s_k)
        dv = dv + sig(s_k) * U_neg[k]
        dU[k] = sig(s_k) * v_c
    return float(loss), dv, (sig(s_o) - 1.0) * v_c, dU
''',
    },
    "cosine_similarity": {
        "normalise first, guard zero lengths": '''
import numpy as np
def cosine_similarity(a, B):
    na = np.linalg.norm(a)
    nb = np.linalg.norm(B, axis=1)
    out = np.zeros(B.shape[0])
    ok = nb > 0
    if na > 0:
        out[ok] = (B[ok] / nb[ok, None]) @ (a / na)
    return out
''',
    },
    "most_similar": {
        "sorted() over (word, cosine) tuples": '''
import numpy as np
def most_similar(word, E, word2id, id2word, k=5):
    q = E[word2id[word]]
    cands = []
    for j, w in enumerate(id2word):
        if w != word:
            cands.append((w, float(E[j] @ q / (np.linalg.norm(E[j]) * np.linalg.norm(q)))))
    return sorted(cands, key=lambda t: -t[1])[:k]
''',
    },
    "analogy": {
        "loop with a running best": '''
import numpy as np
def analogy(a, b, c, E, word2id, id2word):
    t = E[word2id[b]] - E[word2id[a]] + E[word2id[c]]
    t = t / np.linalg.norm(t)
    best, best_s = None, -np.inf
    for j, w in enumerate(id2word):
        if w in (a, b, c):
            continue
        s = E[j] @ t / np.linalg.norm(E[j])
        if s > best_s:
            best, best_s = w, s
    return best
''',
    },
    "char_ngrams": {
        "start position outer, length inner": '''
def char_ngrams(word, n_min=3, n_max=6):
    w = f"<{word}>"
    out = []
    for i in range(len(w)):
        for n in range(n_min, n_max + 1):
            if i + n <= len(w):
                out.append(w[i:i + n])
    return out
''',
    },
    "cooccurrence_matrix": {
        "from the skip-gram pairs with np.add.at": '''
import numpy as np
def cooccurrence_matrix(ids, vocab_size, window):
    ids = np.asarray(ids)
    X = np.zeros((vocab_size, vocab_size), dtype=np.int64)
    n = len(ids)
    for p in range(n):
        for q in range(max(0, p - window), min(n, p + window + 1)):
            if q != p:
                X[ids[p], ids[q]] += 1
    return X
''',
    },
}

# Additions (second turn): WordPiece encoding and the GloVe gradients.
WRONG["wordpiece_tokenize"] = {
    "shortest match first": '''
def wordpiece_tokenize(word, vocab, unk="[UNK]"):
    out, p = [], 0
    while p < len(word):
        for q in range(p + 1, len(word) + 1):
            piece = word[p:q] if p == 0 else "##" + word[p:q]
            if piece in vocab:
                out.append(piece)
                p = q
                break
        else:
            return [unk]
    return out
''',
    "continuation pieces looked up without the ## prefix": '''
def wordpiece_tokenize(word, vocab, unk="[UNK]"):
    out, p = [], 0
    while p < len(word):
        for q in range(len(word), p, -1):
            if word[p:q] in vocab:
                out.append(word[p:q] if p == 0 else "##" + word[p:q])
                p = q
                break
        else:
            return [unk]
    return out
''',
    "keeps the pieces found before the unknown part": '''
def wordpiece_tokenize(word, vocab, unk="[UNK]"):
    out, p = [], 0
    while p < len(word):
        for q in range(len(word), p, -1):
            piece = word[p:q] if p == 0 else "##" + word[p:q]
            if piece in vocab:
                out.append(piece)
                p = q
                break
        else:
            return out + [unk]
    return out
''',
    "backtracks when the greedy split fails": '''
def wordpiece_tokenize(word, vocab, unk="[UNK]"):
    def split(p):
        if p == len(word):
            return []
        for q in range(len(word), p, -1):
            piece = word[p:q] if p == 0 else "##" + word[p:q]
            if piece in vocab:
                rest = split(q)
                if rest is not None:
                    return [piece] + rest
        return None
    out = split(0)
    return [unk] if out is None else out
''',
    "hard-coded [UNK] instead of unk": '''
def wordpiece_tokenize(word, vocab, unk="[UNK]"):
    out, p = [], 0
    while p < len(word):
        for q in range(len(word), p, -1):
            piece = word[p:q] if p == 0 else "##" + word[p:q]
            if piece in vocab:
                out.append(piece)
                p = q
                break
        else:
            return ["[UNK]"]
    return out
''',
    "iterates over vocab to bound the piece length": '''
def wordpiece_tokenize(word, vocab, unk="[UNK]"):
    longest = max(len(v) for v in vocab)
    out, p = [], 0
    while p < len(word):
        for q in range(min(len(word), p + longest), p, -1):
            piece = word[p:q] if p == 0 else "##" + word[p:q]
            if piece in vocab:
                out.append(piece)
                p = q
                break
        else:
            return [unk]
    return out
''',
    "longest match from the right": '''
def wordpiece_tokenize(word, vocab, unk="[UNK]"):
    out, q = [], len(word)
    while q > 0:
        for p in range(0, q):
            piece = word[p:q] if p == 0 else "##" + word[p:q]
            if piece in vocab:
                out.insert(0, piece)
                q = p
                break
        else:
            return [unk]
    return out
''',
}
RIGHT["wordpiece_tokenize"] = {
    "recursive: longest prefix, then the rest with ##": '''
def wordpiece_tokenize(word, vocab, unk="[UNK]"):
    tokens = []
    rest, prefix = word, ""
    while rest:
        for cut in range(len(rest), 0, -1):
            if prefix + rest[:cut] in vocab:
                tokens.append(prefix + rest[:cut])
                rest, prefix = rest[cut:], "##"
                break
        else:
            return [unk]
    return tokens
''',
}

_GLOVE_RIGHT = '''
import numpy as np
def glove_loss_and_grads(W, W_ctx, b, b_ctx, X, x_max=100.0, alpha=0.75):
    i, j = np.nonzero(X)
    x = X[i, j]
    f = np.minimum((x / x_max) ** alpha, 1.0)
    diff = np.einsum("kd,kd->k", W[i], W_ctx[j]) + b[i] + b_ctx[j] - np.log(x)
    g = 2.0 * f * diff
    dW, dW_ctx = np.zeros_like(W), np.zeros_like(W_ctx)
    np.add.at(dW, i, g[:, None] * W_ctx[j])
    np.add.at(dW_ctx, j, g[:, None] * W[i])
    db = np.bincount(i, weights=g, minlength=len(b)).astype(float)
    db_ctx = np.bincount(j, weights=g, minlength=len(b_ctx)).astype(float)
    return float(np.sum(f * diff ** 2)), dW, dW_ctx, db, db_ctx
'''


def _glove_variant(old, new):
    assert old in _GLOVE_RIGHT, old
    return _GLOVE_RIGHT.replace(old, new)


WRONG["glove_loss_and_grads"] = {
    "a factor 1/2 in the loss (and none in the gradients)": _glove_variant(
        "return float(np.sum(f * diff ** 2))", "return float(0.5 * np.sum(f * diff ** 2))").replace(
        "g = 2.0 * f * diff", "g = f * diff"),
    "mean over the pairs instead of the sum": _glove_variant(
        "return float(np.sum(f * diff ** 2))", "return float(np.mean(f * diff ** 2))"),
    "weight not capped at 1": _glove_variant(
        "f = np.minimum((x / x_max) ** alpha, 1.0)", "f = (x / x_max) ** alpha"),
    "dW_ctx from the rows (assumes X symmetric)": '''
import numpy as np
def glove_loss_and_grads(W, W_ctx, b, b_ctx, X, x_max=100.0, alpha=0.75):
    nz = X > 0
    logx = np.log(np.where(nz, X, 1.0))
    f = np.where(nz, np.minimum((np.where(nz, X, 0.0) / x_max) ** alpha, 1.0), 0.0)
    diff = W @ W_ctx.T + b[:, None] + b_ctx[None, :] - logx
    R = f * diff
    return float(np.sum(R * diff)), 2 * R @ W_ctx, 2 * R @ W, 2 * R.sum(1), 2 * R.sum(1)
''',
    "log(1 + X) over every entry, zeros included": '''
import numpy as np
def glove_loss_and_grads(W, W_ctx, b, b_ctx, X, x_max=100.0, alpha=0.75):
    f = np.minimum((X / x_max) ** alpha, 1.0)
    diff = W @ W_ctx.T + b[:, None] + b_ctx[None, :] - np.log1p(X)
    R = f * diff
    return float(np.sum(R * diff)), 2 * R @ W_ctx, 2 * R.T @ W, 2 * R.sum(1), 2 * R.sum(0)
''',
    "zero entries weighted 1 (log X taken as 0 there)": '''
import numpy as np
def glove_loss_and_grads(W, W_ctx, b, b_ctx, X, x_max=100.0, alpha=0.75):
    nz = X > 0
    logx = np.log(np.where(nz, X, 1.0))
    f = np.where(nz, np.minimum((np.where(nz, X, 0.0) / x_max) ** alpha, 1.0), 1.0)
    diff = W @ W_ctx.T + b[:, None] + b_ctx[None, :] - logx
    R = f * diff
    return float(np.sum(R * diff)), 2 * R @ W_ctx, 2 * R.T @ W, 2 * R.sum(1), 2 * R.sum(0)
''',
    "forgets the biases in the prediction": _glove_variant(
        "+ b[i] + b_ctx[j] - np.log(x)", "- np.log(x)"),
}
RIGHT["glove_loss_and_grads"] = {
    "loops over the nonzero entries with np.add.at": _GLOVE_RIGHT,
}
