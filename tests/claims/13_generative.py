"""Claims of 13_generative's prose (see tests/claims/__init__.py)."""
from claims import Claim, Ref  # noqa: F401

_PCA8 = "float(((((X_te - mean) @ Vt[:8].T @ Vt[:8] + mean) - X_te) ** 2).mean())"
_NAIVE_INF = ("max(s / 100 for s in range({lo}, {hi}) "
              "if torch.isinf(torch.log(torch.sigmoid(torch.tensor(s / 100, dtype=torch.{dt})))))")

CLAIMS = [
    Claim("The running data set is scikit-learn's 1797 handwritten digits", 1797,
          "len(X_all)", "X_all, y_all = data.digits(layout=\"flat\")", 0, "number of digits"),
    Claim("(its error is about 26 % lower)", 26,
          f"100 * (1 - F.mse_loss(rec_te, Xte_t).item() / {_PCA8})", "hist = fit(ae, normal_tr", 8,
          "how much lower the autoencoder's test MSE is than PCA's with k = 8, in %"),
    Claim("the false-alarm rate: 4.5 % here", 4.5,
          "100 * flagged['normal test digits (0-8)']", "tau = torch.quantile(anomaly_scores(ae, calib)", 2.5,
          "share of held-out normal digits flagged, in %"),
    Claim("estimated from about 200 digits", 200, "len(calib)",
          "tau = torch.quantile(anomaly_scores(ae, calib)", 5, "size of the calibration half"),
    Claim("Scrambled images are all caught (100 %)", 100,
          "100 * flagged['scrambled pixels']", "tau = torch.quantile(anomaly_scores(ae, calib)", 0.5,
          "share of scrambled images flagged, in %"),
    Claim("only 58 % of them", 58,
          "100 * flagged['unseen class (9s)']", "tau = torch.quantile(anomaly_scores(ae, calib)", 12,
          "share of unseen 9s flagged, in %"),
    Claim("overflows\nto `inf` below about $s = -88.7$ in float32", -88.7,
          _NAIVE_INF.format(lo=-9000, hi=-8000, dt="float32"), "naive log(sigmoid(-200.))", 0.05,
          "largest s (to 0.01) where torch.log(torch.sigmoid(s)) is -inf in float32"),
    Claim("($-709.8$ in float64)", -709.8,
          _NAIVE_INF.format(lo=-71500, hi=-70500, dt="float64"), "naive log(sigmoid(-200.))", 0.05,
          "largest s (to 0.01) where torch.log(torch.sigmoid(s)) is -inf in float64"),
    Ref("a contraction penalty: section 3", "Denoising, sparse and contractive"),
    Ref("section 5 shows what that means for generation", "Variational autoencoders"),
    Ref("which we keep aside for section 4", "Anomaly detection"),
    Ref("(Section 8 shows that a", "Diffusion models"),
    Ref("the closed form of section 5", "Variational autoencoders"),
    Ref("the update rule in section 7's math", "Self-organizing maps"),
]
