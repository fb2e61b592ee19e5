"""Claims of 02_activations' prose (see tests/claims/__init__.py)."""
from claims import Claim, Ref  # noqa: F401

_STATUS = ("float(__import__('re').search(r'{name} ([-+.\\de]+)', "
           "gradient_depth_explorer(depth=30, init_scale=1.0).status.value).group(1))")

CLAIMS = [
    Claim("The first error is rounding noise ($10^{-15}$)", -15,
          "np.log10(np.abs(two_linear - one_linear).max())", "two_linear = (X @ W1 + b1) @ W2 + b2", 1.0,
          "log10 of the largest difference between two linear layers and their product"),
    Claim("all 6 weight gradients are negative", 6,
          "int(np.sum(delta / (1 + np.exp(-z_prev)) < 0))", "delta = -0.3", 0,
          "negative weight gradients with sigmoid inputs"),
    Claim("here 1 of the 6 is positive", 1,
          "int(np.sum(delta * np.tanh(z_prev) > 0))", "delta = -0.3", 0,
          "positive weight gradients with tanh inputs"),
    Claim("about 18 orders of", 18, "-np.log10(" + _STATUS.format(name="sigmoid") + ")",
          "gradient_depth_explorer()", 1.0,
          "orders of magnitude the sigmoid gradient falls over 30 layers at init scale 1"),
    Claim("about half the layer is dead (54 %)", 54,
          "100 * np.all(X @ W - 3.0 <= 0, axis=0).mean()", "of units dead", 3,
          "percentage of dead units at bias -3"),
    Claim("nearly all of it (96.5 %)", 96.5,
          "100 * np.all(X @ W - 4.0 <= 0, axis=0).mean()", "of units dead", 1.5,
          "percentage of dead units at bias -4"),
    Ref("the zero-centring argument of\nsection 3", "zero-centred"),
    Ref("something very simple (section 9)", "softmax with cross-entropy"),
    Ref("for the reasons of\nsection 4", "vanishing gradients"),
]
