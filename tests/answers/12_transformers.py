"""Known answers for 12_transformers: mistakes that must fail, alternatives that must pass."""

_BLOCK_HEAD = '''
import math
import torch
from torch import nn
import torch.nn.functional as F


class TransformerBlock(nn.Module):
    def __init__(self, d_model, n_heads, d_ff, dropout=0.0):
        super().__init__()
        self.n_heads = n_heads
        self.ln1, self.ln2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.q_proj, self.k_proj = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.v_proj, self.out_proj = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.mlp = nn.Sequential(nn.Linear(d_model, d_ff), {act}, nn.Linear(d_ff, d_model))
        self.drop = nn.Dropout(dropout)

    def attend(self, h, causal=True, scale=None):
        n, T, d = h.shape
        split = lambda t: t.reshape(n, T, self.n_heads, d // self.n_heads).transpose(1, 2)
        Q, K, V = split(self.q_proj(h)), split(self.k_proj(h)), split(self.v_proj(h))
        scores = Q @ K.transpose(-2, -1) / math.sqrt(scale or d // self.n_heads)
        if causal:
            scores = scores.masked_fill(~torch.ones(T, T, dtype=torch.bool, device=h.device).tril(), float("-inf"))
        out = torch.softmax(scores, -1) @ V
        return self.out_proj(out.transpose(1, 2).reshape(n, T, d))
'''


def _block(forward, act="nn.GELU()"):
    return _BLOCK_HEAD.replace("{act}", act) + forward


WRONG = {  # exercise -> {description of the mistake: source code that defines the name}
    "luong_score": {
        "W_a on the wrong side: h_s^T W_a h_t": '''
import torch
def luong_score(h_t, H_s, W_a):
    return H_s @ W_a @ h_t
''',
        "drops W_a: plain dot product (Luong's 'dot' score)": '''
import torch
def luong_score(h_t, H_s, W_a):
    return H_s @ h_t
''',
        "returns the softmax weights instead of the raw scores": '''
import torch
def luong_score(h_t, H_s, W_a):
    return torch.softmax(H_s @ (h_t @ W_a), dim=0)
''',
        "scales the scores by sqrt(d)": '''
import math
import torch
def luong_score(h_t, H_s, W_a):
    return H_s @ (h_t @ W_a) / math.sqrt(h_t.shape[0])
''',
    },
    "scaled_dot_product_attention": {
        "no scaling by sqrt(d_k)": '''
import torch
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ K.transpose(-2, -1)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    w = torch.softmax(scores, dim=-1)
    return w @ V, w
''',
        "divides by d_k instead of sqrt(d_k)": '''
import torch
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ K.transpose(-2, -1) / Q.shape[-1]
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    w = torch.softmax(scores, dim=-1)
    return w @ V, w
''',
        "softmax over the queries (dim=-2)": '''
import math
import torch
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    w = torch.softmax(scores, dim=-2)
    return w @ V, w
''',
        "mask inverted (True = forbidden, the nn.MultiheadAttention convention)": '''
import math
import torch
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    w = torch.softmax(scores, dim=-1)
    return w @ V, w
''',
        "masks after the softmax by zeroing, without renormalising": '''
import math
import torch
def scaled_dot_product_attention(Q, K, V, mask=None):
    w = torch.softmax(Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1]), dim=-1)
    if mask is not None:
        w = w * mask
    return w @ V, w
''',
        "hand-written softmax without subtracting the max (overflows on large scores)": '''
import math
import torch
def scaled_dot_product_attention(Q, K, V, mask=None):
    e = torch.exp(Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1]))
    if mask is not None:
        e = e * mask
    w = e / e.sum(dim=-1, keepdim=True)
    return w @ V, w
''',
        "scales by sqrt(d_v) (V's width) instead of sqrt(d_k)": '''
import math
import torch
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ K.transpose(-2, -1) / math.sqrt(V.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    w = torch.softmax(scores, dim=-1)
    return w @ V, w
''',
    },
    "causal_mask": {
        "upper triangular: every token sees the future": '''
import torch
def causal_mask(T):
    return torch.ones(T, T, dtype=torch.bool).triu()
''',
        "strictly lower triangular: a token cannot see itself": '''
import torch
def causal_mask(T):
    return torch.ones(T, T, dtype=torch.bool).tril(diagonal=-1)
''',
        "float mask of ones and zeros instead of bool": '''
import torch
def causal_mask(T):
    return torch.ones(T, T).tril()
''',
        "additive -inf mask (the other convention)": '''
import torch
def causal_mask(T):
    return torch.full((T, T), float("-inf")).triu(diagonal=1)
''',
    },
    "split_heads": {
        "reshapes straight to (n, h, T, d_k): mixes positions": '''
import torch
def split_heads(X, num_heads):
    n, T, d = X.shape
    return X.reshape(n, num_heads, T, d // num_heads)
''',
        "interleaved features: head i gets features i, i+h, i+2h...": '''
import torch
def split_heads(X, num_heads):
    n, T, d = X.shape
    return X.reshape(n, T, d // num_heads, num_heads).permute(0, 3, 1, 2)
''',
        "forgets the transpose: returns (n, T, h, d_k)": '''
import torch
def split_heads(X, num_heads):
    n, T, d = X.shape
    return X.reshape(n, T, num_heads, d // num_heads)
''',
    },
    "merge_heads": {
        "reshapes without transposing back: mixes positions": '''
import torch
def merge_heads(X):
    n, h, T, dk = X.shape
    return X.reshape(n, T, h * dk)
''',
        "uses .view on the transposed (non-contiguous) tensor": '''
import torch
def merge_heads(X):
    n, h, T, dk = X.shape
    return X.transpose(1, 2).view(n, T, h * dk)
''',
        "interleaves the heads' features": '''
import torch
def merge_heads(X):
    n, h, T, dk = X.shape
    return X.permute(0, 2, 3, 1).reshape(n, T, h * dk)
''',
        "forgets to flatten: returns (n, T, h, d_k)": '''
import torch
def merge_heads(X):
    return X.transpose(1, 2)
''',
    },
    "multi_head_attention": {
        "forgets the output projection Wo": '''
import torch
def multi_head_attention(X, Wq, Wk, Wv, Wo, num_heads, mask=None):
    Q, K, V = (split_heads(X @ W, num_heads) for W in (Wq, Wk, Wv))
    heads, weights = scaled_dot_product_attention(Q, K, V, mask)
    return merge_heads(heads), weights
''',
        "projects with W.T (the nn.Linear convention)": '''
import torch
def multi_head_attention(X, Wq, Wk, Wv, Wo, num_heads, mask=None):
    Q, K, V = (split_heads(X @ W.T, num_heads) for W in (Wq, Wk, Wv))
    heads, weights = scaled_dot_product_attention(Q, K, V, mask)
    return merge_heads(heads) @ Wo.T, weights
''',
        "scales by sqrt(d) of the whole model instead of sqrt(d / h)": '''
import math
import torch
def multi_head_attention(X, Wq, Wk, Wv, Wo, num_heads, mask=None):
    d = X.shape[-1]
    Q, K, V = (split_heads(X @ W, num_heads) for W in (Wq, Wk, Wv))
    scores = Q @ K.transpose(-2, -1) / math.sqrt(d)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, -1)
    return merge_heads(weights @ V) @ Wo, weights
''',
        "returns the weights averaged over the heads": '''
import torch
def multi_head_attention(X, Wq, Wk, Wv, Wo, num_heads, mask=None):
    Q, K, V = (split_heads(X @ W, num_heads) for W in (Wq, Wk, Wv))
    heads, weights = scaled_dot_product_attention(Q, K, V, mask)
    return merge_heads(heads) @ Wo, weights.mean(dim=1, keepdim=True)
''',
        "ignores the mask": '''
import torch
def multi_head_attention(X, Wq, Wk, Wv, Wo, num_heads, mask=None):
    Q, K, V = (split_heads(X @ W, num_heads) for W in (Wq, Wk, Wv))
    heads, weights = scaled_dot_product_attention(Q, K, V)
    return merge_heads(heads) @ Wo, weights
''',
    },
    "sinusoidal_positional_encoding": {
        "sin and cos swapped": '''
import torch
def sinusoidal_positional_encoding(T, d):
    pos = torch.arange(T, dtype=torch.float64)[:, None]
    j = torch.arange(d)
    angle = pos * 10000.0 ** (-(j - j % 2).double() / d)
    return torch.where(j % 2 == 0, torch.cos(angle), torch.sin(angle))
''',
        "exponent j/d instead of 2i/d (every column its own frequency)": '''
import torch
def sinusoidal_positional_encoding(T, d):
    pos = torch.arange(T, dtype=torch.float64)[:, None]
    j = torch.arange(d)
    angle = pos * 10000.0 ** (-j.double() / d)
    return torch.where(j % 2 == 0, torch.sin(angle), torch.cos(angle))
''',
        "all sines first, then all cosines (concatenated, not interleaved)": '''
import torch
def sinusoidal_positional_encoding(T, d):
    pos = torch.arange(T, dtype=torch.float64)[:, None]
    i = torch.arange(0, d, 2).double()
    angle = pos * 10000.0 ** (-i / d)
    return torch.cat([torch.sin(angle), torch.cos(angle)], dim=1)[:, :d]
''',
        "positions start at 1": '''
import torch
def sinusoidal_positional_encoding(T, d):
    pos = torch.arange(1, T + 1, dtype=torch.float64)[:, None]
    j = torch.arange(d)
    angle = pos * 10000.0 ** (-(j - j % 2).double() / d)
    return torch.where(j % 2 == 0, torch.sin(angle), torch.cos(angle))
''',
    },
    "layer_norm": {
        "unbiased variance (torch.var's default divides by d - 1)": '''
import torch
def layer_norm(X, gamma, beta, eps=1e-5):
    mu = X.mean(dim=-1, keepdim=True)
    var = X.var(dim=-1, keepdim=True)
    return gamma * (X - mu) / torch.sqrt(var + eps) + beta
''',
        "eps outside the square root": '''
import torch
def layer_norm(X, gamma, beta, eps=1e-5):
    mu = X.mean(dim=-1, keepdim=True)
    sd = X.std(dim=-1, keepdim=True, unbiased=False)
    return gamma * (X - mu) / (sd + eps) + beta
''',
        "normalises over the batch (dim 0), like batch norm": '''
import torch
def layer_norm(X, gamma, beta, eps=1e-5):
    mu = X.mean(dim=0, keepdim=True)
    var = ((X - mu) ** 2).mean(dim=0, keepdim=True)
    return gamma * (X - mu) / torch.sqrt(var + eps) + beta
''',
        "ignores the eps argument (hard-coded 1e-5)": '''
import torch
def layer_norm(X, gamma, beta, eps=1e-5):
    mu = X.mean(dim=-1, keepdim=True)
    var = ((X - mu) ** 2).mean(dim=-1, keepdim=True)
    return gamma * (X - mu) / torch.sqrt(var + 1e-5) + beta
''',
        "forgets beta": '''
import torch
def layer_norm(X, gamma, beta, eps=1e-5):
    mu = X.mean(dim=-1, keepdim=True)
    var = ((X - mu) ** 2).mean(dim=-1, keepdim=True)
    return gamma * (X - mu) / torch.sqrt(var + eps)
''',
    },
    "TransformerBlock": {
        "post-LN: normalises after the residual addition": _block('''
    def forward(self, x):
        x = self.ln1(x + self.drop(self.attend(x)))
        return self.ln2(x + self.drop(self.mlp(x)))
'''),
        "no causal mask: every position sees the future": _block('''
    def forward(self, x):
        x = x + self.drop(self.attend(self.ln1(x), causal=False))
        return x + self.drop(self.mlp(self.ln2(x)))
'''),
        "scales by sqrt(d_model) instead of sqrt(d_model / n_heads)": _block('''
    def forward(self, x):
        x = x + self.drop(self.attend(self.ln1(x), scale=x.shape[-1]))
        return x + self.drop(self.mlp(self.ln2(x)))
'''),
        "ReLU instead of GELU in the MLP": _block('''
    def forward(self, x):
        x = x + self.drop(self.attend(self.ln1(x)))
        return x + self.drop(self.mlp(self.ln2(x)))
''', act="nn.ReLU()"),
        "no residual around the MLP": _block('''
    def forward(self, x):
        x = x + self.drop(self.attend(self.ln1(x)))
        return self.drop(self.mlp(self.ln2(x)))
'''),
        "reuses ln1 before the MLP (ln2 unused)": _block('''
    def forward(self, x):
        x = x + self.drop(self.attend(self.ln1(x)))
        return x + self.drop(self.mlp(self.ln1(x)))
'''),
        "never applies dropout": _block('''
    def forward(self, x):
        x = x + self.attend(self.ln1(x))
        return x + self.mlp(self.ln2(x))
'''),
    },
    "generate": {
        "multiplies the logits by the temperature": '''
import torch
@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None):
    bs = getattr(model, "block_size", None)
    for _ in range(max_new_tokens):
        logits = model(idx if bs is None else idx[:, -bs:])[:, -1, :] * temperature
        if top_k is not None and top_k < logits.shape[-1]:
            kth = torch.topk(logits, top_k).values[:, -1:]
            logits = logits.masked_fill(logits < kth, float("-inf"))
        idx = torch.cat([idx, torch.multinomial(torch.softmax(logits, -1), 1)], dim=1)
    return idx
''',
        "always greedy (argmax), never samples": '''
import torch
@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None):
    bs = getattr(model, "block_size", None)
    for _ in range(max_new_tokens):
        logits = model(idx if bs is None else idx[:, -bs:])[:, -1, :]
        idx = torch.cat([idx, logits.argmax(dim=-1, keepdim=True)], dim=1)
    return idx
''',
        "never crops the context to block_size": '''
import torch
@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None):
    for _ in range(max_new_tokens):
        logits = model(idx)[:, -1, :] / temperature
        if top_k is not None and top_k < logits.shape[-1]:
            kth = torch.topk(logits, top_k).values[:, -1:]
            logits = logits.masked_fill(logits < kth, float("-inf"))
        idx = torch.cat([idx, torch.multinomial(torch.softmax(logits, -1), 1)], dim=1)
    return idx
''',
        "uses the first position's logits instead of the last": '''
import torch
@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None):
    bs = getattr(model, "block_size", None)
    for _ in range(max_new_tokens):
        logits = model(idx if bs is None else idx[:, -bs:])[:, 0, :] / temperature
        if top_k is not None and top_k < logits.shape[-1]:
            kth = torch.topk(logits, top_k).values[:, -1:]
            logits = logits.masked_fill(logits < kth, float("-inf"))
        idx = torch.cat([idx, torch.multinomial(torch.softmax(logits, -1), 1)], dim=1)
    return idx
''',
        "top-k keeps the k smallest logits": '''
import torch
@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None):
    bs = getattr(model, "block_size", None)
    for _ in range(max_new_tokens):
        logits = model(idx if bs is None else idx[:, -bs:])[:, -1, :] / temperature
        if top_k is not None and top_k < logits.shape[-1]:
            kth = torch.topk(logits, top_k, largest=False).values[:, -1:]
            logits = logits.masked_fill(logits > kth, float("-inf"))
        idx = torch.cat([idx, torch.multinomial(torch.softmax(logits, -1), 1)], dim=1)
    return idx
''',
        "temperature applied to the probabilities after the softmax (no effect)": '''
import torch
@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None):
    bs = getattr(model, "block_size", None)
    for _ in range(max_new_tokens):
        logits = model(idx if bs is None else idx[:, -bs:])[:, -1, :]
        if top_k is not None and top_k < logits.shape[-1]:
            kth = torch.topk(logits, top_k).values[:, -1:]
            logits = logits.masked_fill(logits < kth, float("-inf"))
        probs = torch.softmax(logits, -1) / temperature
        idx = torch.cat([idx, torch.multinomial(probs, 1)], dim=1)
    return idx
''',
        "returns only the new tokens": '''
import torch
@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None):
    bs = getattr(model, "block_size", None)
    new = []
    for _ in range(max_new_tokens):
        logits = model(idx if bs is None else idx[:, -bs:])[:, -1, :] / temperature
        if top_k is not None and top_k < logits.shape[-1]:
            kth = torch.topk(logits, top_k).values[:, -1:]
            logits = logits.masked_fill(logits < kth, float("-inf"))
        nxt = torch.multinomial(torch.softmax(logits, -1), 1)
        idx = torch.cat([idx, nxt], dim=1)
        new.append(nxt)
    return torch.cat(new, dim=1) if new else idx[:, :0]
''',
        "does not clamp top_k to the vocabulary size": '''
import torch
@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None):
    bs = getattr(model, "block_size", None)
    for _ in range(max_new_tokens):
        logits = model(idx if bs is None else idx[:, -bs:])[:, -1, :] / temperature
        if top_k is not None:
            kth = torch.topk(logits, top_k).values[:, -1:]
            logits = logits.masked_fill(logits < kth, float("-inf"))
        idx = torch.cat([idx, torch.multinomial(torch.softmax(logits, -1), 1)], dim=1)
    return idx
''',
    },
}

RIGHT = {  # exercise -> {description: a correct implementation written differently}
    "luong_score": {
        "einsum": '''
import torch
def luong_score(h_t, H_s, W_a):
    return torch.einsum("i,ij,sj->s", h_t, W_a, H_s)
''',
        "W_a applied to the encoder states first": '''
import torch
def luong_score(h_t, H_s, W_a):
    return (H_s @ W_a.T) @ h_t
''',
    },
    "scaled_dot_product_attention": {
        "matmul with einsum, a -1e9 fill and an explicit stable softmax": '''
import torch
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = torch.einsum("...qd,...kd->...qk", Q, K) * Q.shape[-1] ** -0.5
    if mask is not None:
        scores = torch.where(mask, scores, torch.tensor(-1e9, dtype=scores.dtype))
    scores = scores - scores.amax(dim=-1, keepdim=True)
    e = scores.exp()
    w = e / e.sum(dim=-1, keepdim=True)
    return w @ V, w
''',
    },
    "causal_mask": {
        "comparison of two aranges": '''
import torch
def causal_mask(T):
    i = torch.arange(T)
    return i[:, None] >= i[None, :]
''',
    },
    "split_heads": {
        "view and permute": '''
import torch
def split_heads(X, num_heads):
    n, T, d = X.shape
    return X.view(n, T, num_heads, -1).permute(0, 2, 1, 3)
''',
        "stack of slices": '''
import torch
def split_heads(X, num_heads):
    dk = X.shape[-1] // num_heads
    return torch.stack([X[..., i * dk:(i + 1) * dk] for i in range(num_heads)], dim=1)
''',
    },
    "merge_heads": {
        "concatenate the heads along the features": '''
import torch
def merge_heads(X):
    return torch.cat(list(X.unbind(dim=1)), dim=-1)
''',
        "permute, contiguous, view": '''
import torch
def merge_heads(X):
    n, h, T, dk = X.shape
    return X.permute(0, 2, 1, 3).contiguous().view(n, T, h * dk)
''',
    },
    "multi_head_attention": {
        "one head at a time in a loop": '''
import math
import torch
def multi_head_attention(X, Wq, Wk, Wv, Wo, num_heads, mask=None):
    n, T, d = X.shape
    dk = d // num_heads
    outs, ws = [], []
    for i in range(num_heads):
        cols = slice(i * dk, (i + 1) * dk)
        q, k, v = X @ Wq[:, cols], X @ Wk[:, cols], X @ Wv[:, cols]
        s = q @ k.transpose(1, 2) / math.sqrt(dk)
        if mask is not None:
            m = torch.broadcast_to(mask, (n, num_heads, T, T))[:, i]
            s = s.masked_fill(~m, float("-inf"))
        w = torch.softmax(s, dim=-1)
        outs.append(w @ v)
        ws.append(w)
    return torch.cat(outs, dim=-1) @ Wo, torch.stack(ws, dim=1)
''',
    },
    "sinusoidal_positional_encoding": {
        "fill even and odd columns separately (float32)": '''
import math
import torch
def sinusoidal_positional_encoding(T, d):
    pe = torch.zeros(T, d)
    pos = torch.arange(T, dtype=torch.float32)[:, None]
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div[: d // 2])
    return pe
''',
    },
    "layer_norm": {
        "torch.var with unbiased=False and rsqrt": '''
import torch
def layer_norm(X, gamma, beta, eps=1e-5):
    mu = X.mean(-1, keepdim=True)
    var = X.var(-1, unbiased=False, keepdim=True)
    return (X - mu) * torch.rsqrt(var + eps) * gamma + beta
''',
    },
    "TransformerBlock": {
        "own attention code with a -1e9 fill and a registered causal buffer": '''
import math
import torch
from torch import nn


class TransformerBlock(nn.Module):
    def __init__(self, d_model, n_heads, d_ff, dropout=0.0):
        super().__init__()
        self.n_heads = n_heads
        self.ln1 = nn.LayerNorm(d_model)
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model))
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        n, T, d = x.shape
        h = self.ln1(x)
        q = self.q_proj(h).view(n, T, self.n_heads, -1).transpose(1, 2)
        k = self.k_proj(h).view(n, T, self.n_heads, -1).transpose(1, 2)
        v = self.v_proj(h).view(n, T, self.n_heads, -1).transpose(1, 2)
        s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
        future = torch.triu(torch.ones(T, T, dtype=torch.bool, device=x.device), diagonal=1)
        s = s.masked_fill(future, -1e9)
        a = torch.softmax(s, dim=-1) @ v
        x = x + self.drop(self.out_proj(a.transpose(1, 2).contiguous().view(n, T, d)))
        x = x + self.drop(self.mlp(self.ln2(x)))
        return x
''',
    },
    "generate": {
        "Gumbel-max sampling, sorting for top-k": '''
import torch
@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None):
    out = idx.clone()
    bs = getattr(model, "block_size", None)
    for _ in range(max_new_tokens):
        ctx = out if bs is None else out[:, -bs:]
        z = model(ctx)[:, -1, :].double() / temperature
        if top_k is not None:
            k = min(top_k, z.shape[-1])
            kth = z.sort(dim=-1, descending=True).values[:, k - 1:k]
            z = torch.where(z >= kth, z, torch.full_like(z, float("-inf")))
        gumbel = -torch.log(-torch.log(torch.rand_like(z).clamp_min(1e-300)))
        nxt = (z + gumbel).argmax(dim=-1, keepdim=True)
        out = torch.cat([out, nxt], dim=1)
    return out
''',
        "inverse-CDF sampling with torch.rand": '''
import torch
@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None):
    block = getattr(model, "block_size", idx.shape[1] + max_new_tokens)
    seq = idx
    for _ in range(max_new_tokens):
        logits = model(seq[:, -block:])[:, -1, :] / temperature
        if top_k is not None and top_k < logits.shape[-1]:
            v, _ = torch.topk(logits, top_k)
            logits[logits < v[:, [-1]]] = float("-inf")
        cdf = torch.softmax(logits, dim=-1).cumsum(dim=-1)
        u = torch.rand(seq.shape[0], 1, dtype=cdf.dtype)
        nxt = torch.searchsorted(cdf, u).clamp_max(logits.shape[-1] - 1)
        seq = torch.cat([seq, nxt], dim=1)
    return seq
''',
    },
}
