"""Claims of 11_embeddings' prose (see tests/claims/__init__.py)."""
from claims import Claim, Ref  # noqa: F401

_NEAREST = ("sum(id2word[int(np.argmax(cosine_similarity(ngram_counts(w) @ Z, E)))] == base for w, base in "
            "zip(unseen_words, ['kingdom', 'queen', 'paris', 'swim', 'teacher', 'tiger']))")
_RANK = "(lambda a: np.argsort(np.argsort(a)))"

CLAIMS = [
    # section 1: the corpus and the paragraph
    Claim("about 100,000 words", 100000, "len(tokens)", after="tokens = corpus.tokens()", tol=5000,
          why="word tokens in the generated corpus"),
    Claim("about 5 times longer than the word sequence", 5, "len(chars) / len(words)",
          after="chars = list(paragraph)", tol=0.6, why="characters per word token of the paragraph"),
    Claim("And about 70 % of the paragraph's", 70, "100 * len(unseen) / len(set(words))",
          after="chars = list(paragraph)", tol=8,
          why="share of the paragraph's distinct words the corpus never contains, as the cell prints it"),
    # section 2: what 150 merges give
    Claim("with 150 merges, 39 of the corpus' 287 distinct", 39,
          "sum(len(bpe_encode(w, merges)) == 1 for w in set(tokens))",
          after="merges = bpe_train(corpus.word_counts(tokens), 150)", tol=0,
          why="corpus words that BPE with 150 merges encodes as a single token"),
    Claim("39 of the corpus' 287 distinct", 287, "len(set(tokens))",
          after="merges = bpe_train(corpus.word_counts(tokens), 150)", tol=0, why="distinct corpus words"),
    # section 7-8: skip-gram training
    Claim("first epoch and ends near 2.34", 2.34, "total / len(pairs)",
          after="center_vecs = torch.nn.Embedding(V, dim)", tol=0.06, why="mean loss of the last epoch"),
    Claim("between length and count is about −0.4", -0.4,
          f"float(np.corrcoef({_RANK}(np.linalg.norm(E, axis=1)), {_RANK}([counts[w] for w in id2word]))[0, 1])",
          after="center_vecs = torch.nn.Embedding(V, dim)", tol=0.15,
          why="rank correlation between a word vector's length and the word's count"),
    # section 10: fastText on unseen words
    Claim("vectors for 6 words the corpus **never contains**", 6, "sum(counts[w] == 0 for w in unseen_words)",
          after="unseen_words = [", tol=0, why="words of the demo that occur nowhere in the corpus"),
    Claim("yet for 5 of them the nearest word is the one they are built from", 5, _NEAREST,
          after="unseen_words = [", tol=0, why="unseen words whose nearest vocabulary word is their stem"),
    # section 11: bias
    Claim("the 2 jobs written most often with \"she\"", 2,
          "len(set(sorted(corpus.JOB_FEMALE_SHARE, key=lambda j: -corpus.JOB_FEMALE_SHARE[j])[:2])"
          " & set(sorted(proj, key=lambda j: -proj[j])[:2]))",
          after="g = np.mean([unit[word2id[f]]", tol=0,
          why="of the 2 jobs with the largest share of 'she', how many have the 2 largest projections"),
    Claim("correlation between skew and projection is\n0.63", 0.63,
          "float(np.corrcoef(shares, [proj[j] for j in corpus.JOB_FEMALE_SHARE])[0, 1])",
          after="g = np.mean([unit[word2id[f]]", tol=0.1, why="correlation of the corpus skew and the projection"),
    Ref("section 2 builds the most common algorithm", "byte-pair encoding"),
    Ref("fastText\n(section 10) builds", "fastText"),
    Ref("GloVe (section 9) is the", "GloVe"),
]
