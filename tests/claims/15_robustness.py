"""Claims of 15_robustness's prose (see tests/claims/__init__.py)."""
from claims import Claim, Ref  # noqa: F401

_TRAINED = 'print(f"clean test accuracy:'
_PGD_TABLE = "pgd_acc = accuracy(cnn, X_test, y_test, pgd_attack"
_TRANSFER = "surrogate = train_digits("
_ADV = "robust_cnn = train_digits("
_NOISE = ("(X_test + 0.1 * torch.randint(0, 2, X_test.shape, generator=torch.Generator().manual_seed(0))"
          ".to(device).mul(2).sub(1)).clamp(0, 1)")
_IG = "for m in (5, 20, 50, 300):"
_NAS = "best = max(trials, key="

CLAIMS = [
    Claim("A digit classifier that scores 99% on its test set", 99,
          "100 * accuracy(cnn, X_test, y_test)", _TRAINED, 1.5, "the CNN's clean test accuracy, in %"),
    Claim("(49 % under the PGD attack of section 5)", 49,
          "100 - 100 * accuracy(cnn, X_test, y_test, pgd_attack, eps=0.1, alpha=0.025, steps=10)", _PGD_TABLE, 5,
          "share of test digits misread under PGD-10 at eps = 0.1, in %"),
    Ref("(49 % under the PGD attack of section 5)", "PGD"),
    Claim("into 1,348 training", 1348, "len(X_train)", "X_test, y_test = digits(\"test\", layout=\"channels\"", 0),
    Claim("and 449 test images", 449, "len(X_test)", "X_test, y_test = digits(\"test\", layout=\"channels\"", 0),
    Claim("it\nleaves 12.5 % accuracy", 12.5, "100 * pgd_acc", _PGD_TABLE, 4,
          "accuracy under PGD-10 at eps = 0.15 (the table's last row), in %"),
    Claim("where FGSM leaves 26.7 %", 26.7, "100 * fgsm_acc", _PGD_TABLE, 4,
          "accuracy under FGSM at eps = 0.15, in %"),
    Claim("it keeps 79.1 % on the MLP's FGSM", 79.1,
          "100 * accuracy(cnn, fgsm_attack(surrogate, X_test, y_test, 0.1), y_test)", _TRANSFER, 4,
          "CNN accuracy on the MLP's FGSM examples at eps = 0.1, in %"),
    Claim("against 96.4 % under random noise", 96.4, f"100 * accuracy(cnn, {_NOISE}, y_test)", _TRANSFER, 2,
          "CNN accuracy under random +-0.1 noise, in %"),
    Claim("own FGSM left 54.8 %", 54.8, "100 * accuracy(cnn, X_test, y_test, fgsm_attack, eps=0.1)", _TRANSFER, 4,
          "CNN accuracy under its own FGSM at eps = 0.1, in %"),
    Claim("from 50.6 % to 82.9 %", 50.6,
          "100 * accuracy(cnn, X_test, y_test, pgd_attack, eps=0.1, alpha=0.025, steps=10)", _ADV, 4,
          "standard CNN under PGD-10 at eps = 0.1, in %"),
    Claim("from 50.6 % to 82.9 %", 82.9,
          "100 * accuracy(robust_cnn, X_test, y_test, pgd_attack, eps=0.1, alpha=0.025, steps=10)", _ADV, 5,
          "adversarially trained CNN under PGD-10 at eps = 0.1, in %"),
    Claim("from 0.0 % to 19.2 %", 0.0,
          "100 * accuracy(cnn, X_test, y_test, pgd_attack, eps=0.2, alpha=0.05, steps=10)", _ADV, 2,
          "standard CNN under PGD-10 at eps = 0.2, in %"),
    Claim("from 0.0 % to 19.2 %", 19.2,
          "100 * accuracy(robust_cnn, X_test, y_test, pgd_attack, eps=0.2, alpha=0.05, steps=10)", _ADV, 7,
          "adversarially trained CNN under PGD-10 at eps = 0.2, in %"),
    Claim("98.9 % for both models", 98.9, "100 * accuracy(cnn, X_test, y_test)", _ADV, 1,
          "standard CNN clean accuracy, in %"),
    Claim("98.9 % for both models", 98.9, "100 * accuracy(robust_cnn, X_test, y_test)", _ADV, 1,
          "adversarially trained CNN clean accuracy, in %"),
    Claim("(for 38 % of the test\nimages)", 38,
          "100 * (grad_cam(cnn, cnn[3], X_test, targets).amax(dim=(1, 2)) == 0).float().mean().item()",
          "targets = cnn(X_test).argmax(dim=1)", 10, "share of all-zero Grad-CAM maps at cnn[3], in %"),
    Claim("An error of 0.07 at 50 steps", 0.07,
          "(integrated_gradients(cnn, x5, black, t5, steps=50).sum(dim=(1, 2, 3)) - gap).abs().max().item()",
          _IG, 0.03, "largest completeness error over the 5 digits at 50 steps"),
    Claim("on logit gaps from 8.5 to 21.4", 8.5, "gap.min().item()", _IG, 0.5, "smallest logit gap"),
    Claim("on logit gaps from 8.5 to 21.4", 21.4, "gap.max().item()", _IG, 0.5, "largest logit gap"),
    Claim("(their values correlate at 0.97)", 0.97, "np.corrcoef(beta[1:].numpy(), shapley.numpy())[0, 1]",
          "correlation LIME vs Shapley", 0.03, "correlation of LIME's coefficients with the Shapley values"),
    Claim("(from 0.95 to\n0.998 of it in the third iteration)", 0.95, "c[:4, 0].min().item()",
          "# routing by agreement, 3 iterations", 0.02, "smallest coupling of an agreeing capsule to capsule 0"),
    Claim("(from 0.95 to\n0.998 of it in the third iteration)", 0.998, "c[:4, 0].max().item()",
          "# routing by agreement, 3 iterations", 0.003, "largest coupling of an agreeing capsule to capsule 0"),
    Claim("grows to 0.99", 0.99, "v.norm(dim=1)[0].item()", "# routing by agreement, 3 iterations", 0.01,
          "length of capsule 0 after three iterations"),
    Claim("(validation accuracy from 89.7 % to\n93.7 %)", 89.7, "100 * min(t[0] for t in trials)", _NAS, 2,
          "lowest validation accuracy of the ten trials, in %"),
    Claim("(validation accuracy from 89.7 % to\n93.7 %)", 93.7, "100 * max(t[0] for t in trials)", _NAS, 1.5,
          "highest validation accuracy of the ten trials, in %"),
    Claim("as here (94.2 %)", 94.2, "100 * accuracy(best[3], X_test, y_test)", _NAS, 1.5,
          "test accuracy of the chosen architecture, in %"),
    Claim("with 300 validation images", 300, "len(val_idx)", _NAS, 0, "size of the validation split"),
]
