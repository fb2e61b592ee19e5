"""A tiny character-level GPT for module 12: the text it learns from, the
tokenizer, batching, a reference model assembled from the same pieces the
learner writes, a training loop, sampling, and the trained model cached in
memory so the notebook and the visualizations share one.

The text is generated from templates written for this course (a small world
of animals, people and places), so its words and grammar are regular enough
for a model of ~100k parameters to pick them up in a few seconds of CPU time.

    from course import charlm
    text = charlm.corpus()
    tok = charlm.CharTokenizer(text)
    model = charlm.TinyGPT(tok.vocab_size)
    charlm.train(model, tok.encode(text), steps=300)
    print(tok.decode(charlm.generate(model, tok.encode("the ")[None], 80)[0]))
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# -- the text ---------------------------------------------------------------------------------------
_ANIMALS = ["cat", "dog", "fox", "owl", "hen", "goat", "crow", "mole", "frog", "bear"]
_PEOPLE = ["the baker", "the farmer", "the old miller", "the little girl", "the fisherman",
           "the teacher", "the king", "my sister"]
_COLOURS = ["red", "brown", "grey", "black", "white", "little", "sleepy", "clever"]
_PLACES = ["in the garden", "by the river", "on the hill", "under the bridge", "in the barn",
           "near the mill", "at the market", "in the forest"]
_ANIMAL_VERBS = ["sleeps", "runs", "sings", "hides", "waits", "sits", "dances", "eats"]
_TRANSITIVE = ["sees", "follows", "finds", "calls", "feeds", "watches"]
_TIMES = ["in the morning", "at night", "every day", "after the rain", "before dinner"]
_THINGS = ["bread", "apples", "fish", "soup", "milk", "cheese"]


def corpus(n_sentences=1500, seed=0):
    """The training text: ``n_sentences`` short English sentences, lower case,
    one per line, drawn from the course's templates with ``np.random.default_rng(seed)``.

    About 40 characters per sentence; vocabulary: ``a``-``z``, space, ``.``, ``,`` and newline.
    """
    rng = np.random.default_rng(seed)
    pick = lambda words: words[rng.integers(len(words))]  # noqa: E731
    templates = [
        lambda: f"the {pick(_COLOURS)} {pick(_ANIMALS)} {pick(_ANIMAL_VERBS)} {pick(_PLACES)}.",
        lambda: f"{pick(_PEOPLE)} {pick(_TRANSITIVE)} the {pick(_ANIMALS)} {pick(_PLACES)}.",
        lambda: f"{pick(_TIMES)}, the {pick(_ANIMALS)} {pick(_ANIMAL_VERBS)}.",
        lambda: f"{pick(_PEOPLE)} sells {pick(_THINGS)} {pick(_PLACES)}.",
        lambda: f"the {pick(_ANIMALS)} and the {pick(_ANIMALS)} {pick(_ANIMAL_VERBS[:4]).rstrip('s')} "
                f"{pick(_TIMES)}.",
        lambda: f"{pick(_PEOPLE)} eats {pick(_THINGS)} {pick(_TIMES)}.",
    ]
    lines = [templates[rng.integers(len(templates))]() for _ in range(n_sentences)]
    return "\n".join(lines) + "\n"


class CharTokenizer:
    """Characters <-> integer ids; the vocabulary is the sorted set of characters in ``text``."""

    def __init__(self, text):
        self.chars = sorted(set(text))
        self.stoi = {c: i for i, c in enumerate(self.chars)}
        self.vocab_size = len(self.chars)

    def encode(self, s):
        """A string -> int64 tensor of ids (characters not in the vocabulary are dropped)."""
        return torch.tensor([self.stoi[c] for c in s if c in self.stoi], dtype=torch.long)

    def decode(self, ids):
        """A sequence of ids -> the string."""
        return "".join(self.chars[int(i)] for i in ids)


def get_batch(data, block_size, batch_size, generator=None):
    """Random training windows: ``(x, y)`` of shape (batch_size, block_size), y = x shifted by one."""
    starts = torch.randint(len(data) - block_size - 1, (batch_size,), generator=generator)
    x = torch.stack([data[s:s + block_size] for s in starts.tolist()])
    y = torch.stack([data[s + 1:s + block_size + 1] for s in starts.tolist()])
    return x, y


# -- the reference pieces (the same contract as the notebook's exercises) ----------------------------
def attention(Q, K, V, mask=None):
    """Scaled dot-product attention; boolean ``mask`` True = may attend. -> (out, weights)."""
    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ V, weights


def sinusoids(T, d):
    """Sinusoidal positional encodings (T, d), float32: sin on even columns, cos on odd ones."""
    pos = torch.arange(T, dtype=torch.float64)[:, None]
    freq = 10000.0 ** (-(torch.arange(d) // 2 * 2).double() / d)
    angle = pos * freq
    pe = torch.where(torch.arange(d) % 2 == 0, torch.sin(angle), torch.cos(angle))
    return pe.float()


class Block(nn.Module):
    """Pre-LN causal transformer block with the attribute names of the notebook's
    ``TransformerBlock``: ln1, q_proj, k_proj, v_proj, out_proj, ln2, mlp, drop."""

    def __init__(self, d_model, n_heads, d_ff, dropout=0.0):
        super().__init__()
        self.n_heads = n_heads
        self.ln1, self.ln2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.q_proj, self.k_proj = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.v_proj, self.out_proj = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.mlp = nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model))
        self.drop = nn.Dropout(dropout)

    def _heads(self, x):
        n, T, d = x.shape
        return x.view(n, T, self.n_heads, d // self.n_heads).transpose(1, 2)

    def forward(self, x):
        n, T, d = x.shape
        h = self.ln1(x)
        mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
        out, _ = attention(self._heads(self.q_proj(h)), self._heads(self.k_proj(h)),
                           self._heads(self.v_proj(h)), mask)
        x = x + self.drop(self.out_proj(out.transpose(1, 2).reshape(n, T, d)))
        return x + self.drop(self.mlp(self.ln2(x)))


class TinyGPT(nn.Module):
    """Token embedding + learned position embedding, ``n_layers`` blocks, a final
    LayerNorm and a linear head: ``model(idx)`` (n, T) int64 -> logits (n, T, vocab_size).

    ``block`` builds one block from ``(d_model, n_heads, d_ff, dropout)``; the default is
    the reference :class:`Block`, the notebook passes the learner's ``TransformerBlock``.
    Inputs longer than ``block_size`` are refused (``generate`` crops them).
    """

    def __init__(self, vocab_size, block_size=32, d_model=64, n_heads=4, n_layers=2, d_ff=256,
                 dropout=0.0, block=None):
        super().__init__()
        block = block or Block
        self.block_size, self.n_heads = block_size, n_heads
        self.tok = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Embedding(block_size, d_model)
        self.blocks = nn.ModuleList([block(d_model, n_heads, d_ff, dropout) for _ in range(n_layers)])
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)
        self.apply(self._init)

    @staticmethod
    def _init(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, idx):
        n, T = idx.shape
        if T > self.block_size:
            raise ValueError(f"sequence of {T} tokens is longer than block_size={self.block_size}")
        x = self.tok(idx) + self.pos(torch.arange(T, device=idx.device))
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.ln_f(x))


def attention_maps(model, idx):
    """Every head's attention weights of ``model`` on ``idx`` (1, T):
    a float tensor (n_layers, n_heads, T, T), rows = queries, columns = keys.

    Works for any block with the notebook's attribute names (ln1, q_proj, k_proj):
    the inputs of each block are captured with hooks and the weights recomputed
    from the block's own LayerNorm and projections.
    """
    idx = idx.to(next(model.parameters()).device)
    inputs = []
    hooks = [blk.register_forward_pre_hook(lambda _m, args: inputs.append(args[0]))
             for blk in model.blocks]
    try:
        with torch.no_grad():
            model(idx)
            maps = []
            for blk, x in zip(model.blocks, inputs):
                n, T, d = x.shape
                h = blk.ln1(x)
                split = lambda t: t.view(n, T, model.n_heads, -1).transpose(1, 2)  # noqa: E731
                mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
                _, w = attention(split(blk.q_proj(h)), split(blk.k_proj(h)), split(blk.k_proj(h)), mask)
                maps.append(w[0])
    finally:
        for hk in hooks:
            hk.remove()
    return torch.stack(maps).float().cpu()


# -- training and sampling ------------------------------------------------------------------------------
def train(model, data, steps=600, batch_size=32, lr=3e-3, seed=0, device=None, progress=False):
    """AdamW on random windows of ``data`` (1-D int64 tensor); returns the list of losses.

    The learning rate decays along a cosine to 10 % at the end. ``progress=True``
    shows a tqdm bar.
    """
    device = device or next(model.parameters()).device
    model.to(device).train()
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    losses = []
    steps_iter = range(steps)
    if progress:
        from tqdm.auto import tqdm
        steps_iter = tqdm(steps_iter, desc="training", mininterval=0.5)
    for step in steps_iter:
        for group in opt.param_groups:
            group["lr"] = lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / steps)))
        x, y = get_batch(data, model.block_size, batch_size, gen)
        logits = model(x.to(device))
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.to(device).reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    return losses


@torch.no_grad()
def next_token_logits(model, idx):
    """Logits (n, vocab) for the token after ``idx`` (n, T), context cropped to block_size."""
    bs = getattr(model, "block_size", None)
    ctx = idx if bs is None else idx[:, -bs:]
    dev = next(model.parameters()).device
    return model(ctx.to(dev))[:, -1, :].float().cpu()


def filter_logits(logits, temperature=1.0, top_k=None, top_p=None):
    """Divide by the temperature, keep the ``top_k`` largest and/or the smallest set
    whose probability reaches ``top_p``; removed entries become -inf."""
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p is not None and top_p < 1.0:
        sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
        probs = torch.softmax(sorted_logits, dim=-1)
        before = probs.cumsum(-1) - probs           # probability of the tokens ranked above
        drop_sorted = before >= top_p
        drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)
        logits = logits.masked_fill(drop, float("-inf"))
    return logits


@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None, top_p=None, generator=None):
    """Append ``max_new_tokens`` sampled tokens to ``idx`` (n, T); returns a new (n, T + new) tensor."""
    was_training = model.training
    model.eval()
    out = idx.clone()
    for _ in range(max_new_tokens):
        logits = filter_logits(next_token_logits(model, out), temperature, top_k, top_p)
        nxt = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=generator)
        out = torch.cat([out, nxt.to(out.device)], dim=1)
    model.train(was_training)
    return out


# -- the cached trained model ------------------------------------------------------------------------
_CACHE = {}


def trained_model(steps=None, seed=0):
    """``(model, tokenizer, losses)``: the model the visualizations show by default.

    With no arguments: the model last handed to :func:`remember` (the notebook's),
    else the reference TinyGPT trained for 400 steps on :func:`corpus`. With
    ``steps``: that training. Trained once per process and cached (seconds of CPU);
    a model trained here lives on the CPU.
    """
    if steps is None and "remembered" in _CACHE:
        return _CACHE["remembered"]
    key = (steps or 400, seed)
    if key not in _CACHE:
        text = corpus()
        tok = CharTokenizer(text)
        torch.manual_seed(seed)
        model = TinyGPT(tok.vocab_size)
        losses = train(model, tok.encode(text), steps=key[0], seed=seed, device=torch.device("cpu"))
        _CACHE[key] = (model, tok, losses)
    return _CACHE[key]


def remember(model, tokenizer, losses=None):
    """Make ``model`` (trained elsewhere, e.g. in the notebook) the one that
    visualizations built without a model show."""
    _CACHE["remembered"] = (model, tokenizer, list(losses or []))


def forget():
    """Drop the remembered model (the default goes back to the reference one)."""
    _CACHE.pop("remembered", None)
