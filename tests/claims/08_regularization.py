"""Claims of 08_regularization's prose (see tests/claims/__init__.py)."""
from claims import Claim, Ref  # noqa: F401

_TABLE = "rows = {}"
# The overfitting explorer's network on its 30 circles, trained as the explorer trains it.
_OF = ("(lambda M: (lambda r: float(r[{key!r}][-1]{minus}))(M.train_regularized_net("
       "*M._explorer_data('circles', 30, 0)[:4], {width}, lam={lam}, epochs=200, every=5, seed=0)))"
       "(__import__('course.viz.regularization', fromlist=['train_regularized_net']))")


def _of(key, width=48, lam=1e-5, gap=False):
    return _OF.format(key=key, width=width, lam=lam, minus=" - r['train_loss'][-1]" if gap else "")


_EXPLORER = "overfitting_explorer()"
_RIDGE = "float(np.sum(np.linalg.lstsq(V.T @ V / n + 2 * {lam} * P, V.T @ y / n, rcond=None)[0][1:] ** 2))"

CLAIMS = [
    Claim("(predicted 0.311, 0.117 and 0.151", 0.311, "rows[1][1]", _TABLE, 0.005, "bias^2+var+noise, degree 1"),
    Claim("(predicted 0.311, 0.117 and 0.151", 0.117, "rows[3][1]", _TABLE, 0.005, "bias^2+var+noise, degree 3"),
    Claim("(predicted 0.311, 0.117 and 0.151", 0.151, "rows[9][1]", _TABLE, 0.005, "bias^2+var+noise, degree 9"),
    Claim("measured 0.314, 0.112\nand 0.153", 0.314, "rows[1][0]", _TABLE, 0.005, "validation MSE, degree 1"),
    Claim("measured 0.314, 0.112\nand 0.153", 0.112, "rows[3][0]", _TABLE, 0.005, "validation MSE, degree 3"),
    Claim("measured 0.314, 0.112\nand 0.153", 0.153, "rows[9][0]", _TABLE, 0.005, "validation MSE, degree 9"),
    Claim("it predicts 0.581", 0.581, "rows[12][1]", _TABLE, 0.01, "bias^2+var+noise, degree 12"),
    Claim("our training set measured 0.239", 0.239, "rows[12][0]", _TABLE, 0.005, "validation MSE, degree 12"),
    Claim("(0.49 after 200 epochs: underfitting)", 0.49, _of("train_loss", width=1), _EXPLORER, 0.03,
          "final training loss at width 1"),
    Claim("at width 3 the training loss ends at 0.13", 0.13, _of("train_loss", width=3), _EXPLORER, 0.03,
          "final training loss at width 3"),
    Claim("the validation loss at 1.11", 1.11, _of("val_loss", width=3), _EXPLORER, 0.05,
          "final validation loss at width 3"),
    Claim("a final gap of 1.26", 1.26, _of("val_loss", gap=True), _EXPLORER, 0.05, "final gap at lambda 1e-5"),
    Claim("the gap has halved (0.63)", 0.63, _of("val_loss", lam=1e-3, gap=True), _EXPLORER, 0.05,
          "final gap at lambda 1e-3"),
    Claim("it is down to 0.32", 0.32, _of("val_loss", lam=3e-3, gap=True), _EXPLORER, 0.05,
          "final gap at lambda 3e-3"),
    Claim("the\n   training loss ends at 0.48", 0.48, _of("train_loss", lam=1e-2), _EXPLORER, 0.03,
          "final training loss at lambda 1e-2"),
    Claim("add up to about $2.8\\cdot10^5$", 2.8, _RIDGE.format(lam=0.0) + " / 1e5", "V, V_val = np.vander", 0.2,
          "sum of squared coefficients without a penalty, in units of 1e5"),
    Claim("cuts that to\nabout 18", 18, _RIDGE.format(lam=1e-4), "V, V_val = np.vander", 1.0,
          "sum of squared coefficients at lambda 1e-4"),
    Claim("is lowest after about 50 steps", 50, "int(np.argmin(val_curve)) + 1", "eta, w, val_curve = 0.1", 10,
          "gradient-descent step with the lowest validation MSE"),
    Ref("that is **early stopping** (section 5)", "Early stopping"),
    Ref("In the worked example of section 1", "Overfitting"),
    Ref("($\\gamma, \\beta$ of section 7)", "Batch normalization"),
    Ref("The degree-12 polynomial of section 1", "Overfitting"),
    Ref("which section 2 derives", "L2 regularization"),
    Ref("defined above (section 4)", "Elastic net"),
    Ref("as section 6 derives", "Dropout"),
]

# The sparsity explorer's lasso path (49 lambdas from 1e-3 to 10) on its 20-feature regression.
_SP = ("(lambda M: (lambda X, y, Xv, yv, w_true: (lambda lams: (lambda W: {body})("
       "M.penalty_path(X, y, 'L1', lams, 0.5)))(np.logspace(-3, 1, 49)))"
       "(*M.sparse_regression_data(seed=0)))(__import__('course.viz.regularization', fromlist=['penalty_path']))")
_BEST = "int(np.argmin([np.mean((Xv @ w - yv) ** 2) for w in W]))"
_AT = "int(np.argmin(np.abs(lams - {lam})))"
CLAIMS += [
    Claim("lowest near $\\lambda = 0.12$", 0.12, _SP.format(body=f"float(lams[{_BEST}])"), "sparsity_explorer()",
          0.02, "lambda with the lowest validation error on the lasso path"),
    Claim("where 9 of the 15 useless weights", 9,
          _SP.format(body=f"int((W[{_BEST}][w_true == 0] == 0).sum())"), "sparsity_explorer()", 0,
          "useless weights that are exactly zero at the best lambda"),
    Claim("a single useless weight (1 of 15)", 1,
          _SP.format(body=f"int((W[{_AT.format(lam=0.4)}][w_true == 0] != 0).sum())"), "sparsity_explorer()", 0,
          "useless weights still non-zero at lambda 0.4"),
    Claim("/ n \\approx 2.6$", 2.6, _SP.format(body="float(np.abs(X.T @ y).max() / len(X))"), "sparsity_explorer()",
          0.05, "lambda_max of the lasso"),
]

_BN = "Xs, ys = spirals(600"
_ALL = "def train_regularized("
CLAIMS += [
    Claim("the small learning rate crawls (62 % accuracy)", 62, "100 * accuracy[0.05, False]", _BN, 8,
          "accuracy in per cent, lr 0.05, no batch norm"),
    Claim("(accuracy at chance, 33 %)", 33, "100 * accuracy[0.5, False]", _BN, 5,
          "accuracy in per cent, lr 0.5, no batch norm"),
    Claim("(100 % and 96 %)", 100, "100 * accuracy[0.05, True]", _BN, 3, "accuracy in per cent, lr 0.05, batch norm"),
    Claim("(100 % and 96 %)", 96, "100 * accuracy[0.5, True]", _BN, 4, "accuracy in per cent, lr 0.5, batch norm"),
    Claim("its validation loss up (4.3)", 4.3, "losses[0.0, 0.0][1]", _ALL, 0.5, "validation loss, no regularization"),
    Claim("(to 1.4 and 0.81)", 1.4, "losses[0.0, 1.0][1]", _ALL, 0.2, "validation loss, weight decay 1"),
    Claim("(to 1.4 and 0.81)", 0.81, "losses[0.5, 0.0][1]", _ALL, 0.1, "validation loss, dropout 0.5"),
    Claim("the smallest gap (0.38)", 0.38, "losses[0.5, 1.0][1] - losses[0.5, 1.0][0]", _ALL, 0.08,
          "gap with dropout and weight decay"),
]
