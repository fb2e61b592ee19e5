"""Claims of 05_backprop's prose (see tests/claims/__init__.py)."""
from claims import Claim, Ref  # noqa: F401

_EPS = "[1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-8, 1e-10]"
# central-difference error at x = 1 for step e, in float64 or float32 (as the table computes it)
_ERR64 = "abs((fn(1.0 + e) - fn(1.0 - e)) / (2 * e) - exact)"
_ERR32 = ("abs(float((fn(np.float32(1.0) + np.float32(e)) - fn(np.float32(1.0) - np.float32(e)))"
          " / (2 * np.float32(e))) - exact)")
_TABLE = "fn = lambda x: np.sin(x) * np.exp(x)"
_NORMS = "layer_gradient_norms({kind!r})"

CLAIMS = [
    Claim("about $10^{-5}$ to $10^{-6}$ in float64", -5,
          f"np.log10(min({_EPS}, key=lambda e: {_ERR64}))", _TABLE, 1, "log10 of the best step in float64"),
    Claim("with errors near\n$10^{-10}$ or better", -10,
          f"np.log10(min({_ERR64} for e in {_EPS}))", _TABLE, 1, "log10 of the smallest float64 error"),
    Claim("near $10^{-2}$ to $10^{-3}$", -3,
          f"np.log10(min({_EPS}, key=lambda e: {_ERR32}))", _TABLE, 1, "log10 of the best step in float32"),
    Claim("no better than about $10^{-6}$", -6,
          f"np.log10(min({_ERR32} for e in {_EPS}))", _TABLE, 1, "log10 of the smallest float32 error"),
    Claim("smaller than the last ones (6 here)", 6,
          "np.log10(" + _NORMS.format(kind="sigmoid") + "[-1] / " + _NORMS.format(kind="sigmoid") + "[0])",
          "def layer_gradient_norms", 1, "orders of magnitude between layer 10 and layer 1, sigmoid"),
    Claim("within a factor of 3", 3,
          "max(" + _NORMS.format(kind="relu") + ") / min(" + _NORMS.format(kind="relu") + ")",
          "def layer_gradient_norms", 1, "largest over smallest gradient norm, ReLU"),
    Claim("this start gets stuck near 73%", 73,
          "float(__import__('re').search(r'\\(accuracy (\\d+)%', (lambda p: (p.train(150), "
          "p.status.value)[1])(playground('xor', layers=2, neurons=4, activation='relu'))).group(1))",
          "playground()", 3, "training accuracy of the xor start after 150 epochs"),
    Ref("implementation is right (section 6)", "Gradient check"),
    Ref("the single backward pass of section 3", "chain rule on a graph"),
    Ref("vanishing gradient of section 8", "through activations"),
]
