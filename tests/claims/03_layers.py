"""Claims of 03_layers' prose (see tests/claims/__init__.py)."""
from claims import Claim, Ref  # noqa: F401

_TANH = "activation_statistics({init!r}, 'tanh', depth=10, width=256, n=1000)[1]"
_FACTOR = "float(np.exp(np.mean(np.diff(np.log({stds})))))"   # geometric mean per-layer factor
_TABLE = "inits = [\"small normal 0.01\""

CLAIMS = [
    Claim("The first difference is rounding error ($10^{-14}$ or so)", -14,
          "np.log10(np.abs(linear_stack - (X @ W_eff + b_eff)).max())", "linear_stack = mlp_forward", 1.0,
          "log10 of the difference between four linear layers and the folded one"),
    Claim("Twenty units in ten layers make 1,024 pieces", 1024, "pieces", "def tent_stack", 0,
          "linear pieces of the 10-fold tent"),
    Claim("(about 0.16 for tanh", 0.16, _FACTOR.format(stds=_TANH.format(init="small normal 0.01")),
          _TABLE, 0.01, "per-layer std factor, tanh, N(0, 0.01^2)"),
    Claim("0.11\n  for ReLU", 0.11, _FACTOR.format(stds="stats['small normal 0.01'][1]"), _TABLE, 0.01,
          "per-layer std factor, ReLU, N(0, 0.01^2)"),
    Claim("about $10^{-8}$ (tanh)", -8, "np.log10(" + _TANH.format(init="small normal 0.01") + "[-1])",
          _TABLE, 0.5, "log10 of the tanh std at layer 10, N(0, 0.01^2)"),
    Claim("$3 \\times 10^{-10}$ (ReLU)", 3, "1e10 * stats['small normal 0.01'][1][-1]", _TABLE, 0.5,
          "ReLU std at layer 10 in units of 1e-10, N(0, 0.01^2)"),
    Claim("by a factor of about 11 per layer", 11, _FACTOR.format(stds="stats['normal 1.0'][1]"), _TABLE, 0.6,
          "per-layer std factor, ReLU, N(0, 1)"),
    Claim("from 0.63\n  at layer 1", 0.63, _TANH.format(init="xavier") + "[0]", _TABLE, 0.02,
          "tanh std at layer 1 under Xavier"),
    Claim("to 0.23 at layer 10", 0.23, _TANH.format(init="xavier") + "[-1]", _TABLE, 0.02,
          "tanh std at layer 10 under Xavier"),
    Ref("unit 0 is the neuron from section 1", "neuron"),
    Ref("through many layers (section 8)", "Initialization"),
    Ref("(section 8.3 says why)", "Initialization"),
]

# The largest error of the knot construction with m hidden units, rebuilt as the cell builds it.
_ERR = ("(lambda m: (lambda t: float(np.abs(mlp_forward(xs, [(np.ones((1, m)), -t[:-1]), "
        "(np.diff(np.diff(f(t)) / np.diff(t), prepend=0.0)[:, None], np.array([f(t[0])]))])[:, 0]"
        " - f(xs[:, 0])).max()))(np.linspace(0, 2, m + 1)))")
CLAIMS += [
    Claim("divides the error by about 4", 4, f"{_ERR}(32) / {_ERR}(64)", "f = lambda x: np.sin(3 * x) + 0.5 * x",
          0.5, "error with 32 units over error with 64"),
    Claim("divides the error by about 4", 4, f"{_ERR}(16) / {_ERR}(32)", "f = lambda x: np.sin(3 * x) + 0.5 * x",
          0.5, "error with 16 units over error with 32"),
]
