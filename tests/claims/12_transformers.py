"""Claims of 12_transformers' prose (see tests/claims/__init__.py).

The trained GPT's loss and the attention timings are stated by the notebook itself (generated
sentences after the computations: the graded run trains 60 steps, a student's run 600, and
timings depend on the machine)."""
from claims import Claim, Ref  # noqa: F401

_PARAMS = "sum(p.numel() for p in gpt.parameters())"

CLAIMS = [
    Claim("keep the vocabulary at 27 symbols", 27, "tok.vocab_size", after="tok = charlm.CharTokenizer(text)", tol=0,
          why="distinct characters of the GPT's corpus"),
    Claim("about 105,000 parameters", 105000, _PARAMS, after="gpt = charlm.TinyGPT(", tol=2000,
          why="parameters of the tiny GPT"),
    Claim("about 6 per parameter", 6, f"600 * 32 * 32 / {_PARAMS}", after="gpt = charlm.TinyGPT(", tol=0.6,
          why="training tokens (600 steps of 32 windows of 32 characters) per parameter"),
    Claim("about $\\pm 23$", 23, "raw.std().item()", after="for d_k in [4, 64, 512]:", tol=1.5,
          why="standard deviation of unscaled scores q . k at d_k = 512 (the loop's last size)"),
    Ref("is **self-attention** (sections 3 and 11)", "scaled dot-product attention"),
    Ref("do exactly that\nin section 10", "what the heads learned"),
    Ref("grows\nwith the sequence (section 13)", "what attention costs"),
    Ref("the tiny GPT of section 8", "tiny GPT"),
    Ref("the objective of section 8", "tiny GPT"),
    Ref("attention of section 2 with learned projections", "let the decoder look back"),
]
