"""Claims of 16_production's prose (see tests/claims/__init__.py).

The ONNX agreement and the latency comparison are generated sentences (display(Markdown(...))
after the measurement), so they need no claim here; timings are machine-dependent."""
from claims import Claim, Ref  # noqa: F401

_TEACHER = "fit(teacher, X_train, y_train, epochs=25"
_QTABLE = 'report["int8_acc"] = rows[1][2]'
_PRUNE = "for sparsity in (0.5, 0.8, 0.9, 0.95):"
_DISTIL = 'candidates = {"labels only": [], "distilled": []}'
_FEW = "n_labelled = 150"
_DRIFT = "scenarios = {"
_FAIR = "y_true, score, group = fairness_data()"
_EQUAL = 'policies["per-group thresholds (equal positive rates)"]'

CLAIMS = [
    Claim("about 85,000 parameters", 85000, "n_params", _TEACHER, 500, "teacher's parameter count"),
    Claim("each 4-bit row loses about\n0.6 points", 0.6,
          "100 * max(report['teacher_acc'] - acc for bits, name, acc in rows if bits == 4)", _QTABLE, 0.5,
          "largest 4-bit accuracy cost, in points"),
    Claim("each 4-bit row loses about\n0.6 points", 0.6,
          "100 * min(report['teacher_acc'] - acc for bits, name, acc in rows if bits == 4)", _QTABLE, 0.5,
          "smallest 4-bit accuracy cost, in points"),
    Claim("model (0.3 at most here)", 0.3,
          "100 * max(abs(acc - report['teacher_acc']) for bits, name, acc in rows if bits == 8)", _QTABLE, 0.3,
          "largest 8-bit accuracy change, in points"),
    Claim("(at 80 % sparsity, fine-tuned", 80, "100 * report['pruned_sparsity']", _PRUNE, 0,
          "the largest sparsity within 2 points of the teacher"),
    Claim("it is 1.7 points below the teacher)", 1.7, "100 * (report['teacher_acc'] - report['pruned_acc'])",
          _PRUNE, 1, "accuracy cost at that sparsity after fine-tuning, in points"),
    Claim("one hidden layer of 32 units: about 2,400 parameters", 2400, "n_student", _DISTIL, 20),
    Claim("35\ntimes fewer than the teacher", 35, "n_params / n_student", _DISTIL, 1),
    Claim("all 1,079 training labels", 1079, "len(X_train)", _DISTIL, 0),
    Claim("(1.7 points of mean test accuracy over the three seeds)", 1.7,
          "100 * (np.mean([accuracy(m, X_test, y_test) for m in candidates['labels only']])"
          " - np.mean([accuracy(m, X_test, y_test) for m in candidates['distilled']]))", _DISTIL, 1.2,
          "labels-only minus distilled mean test accuracy, in points"),
    Claim("(100.0 % training accuracy)", 100.0, "100 * accuracy(teacher, X_train, y_train)", _DISTIL, 0.5,
          "teacher's training accuracy, in %"),
    Claim("(87.4 % against 86.2 %", 87.4, "100 * np.mean(distilled)", _FEW, 1.5,
          "distilled students' mean test accuracy on the 150-label task, in %"),
    Claim("(87.4 % against 86.2 %", 86.2, "100 * np.mean(plain)", _FEW, 1.5,
          "plain students' mean test accuracy on the 150-label task, in %"),
    Claim("beat their own teacher (86.6 %)", 86.6, "100 * accuracy(small_teacher, X_test, y_test)", _FEW, 1.5,
          "150-label teacher's test accuracy, in %"),
    Claim("with 359\ntest digits", 359, "len(X_test)", _FEW, 0),
    Claim("pixel is flagged (0 of 64)", 0, "report['drifted_features']", _DRIFT, 0),
    Claim("many are flagged (41 of 64)", 41, "int(detect_drift(X_tr, 0.6 * X_te, 0.2).sum())", _DRIFT, 4),
    Claim("(0.958 against 0.961)", 0.958, "accuracy(shipped, torch.as_tensor(0.6 * X_te), y_test)", _DRIFT, 0.01),
    Claim("(0.958 against 0.961)", 0.961, "accuracy(shipped, torch.as_tensor(X_te), y_test)", _DRIFT, 0.01),
    Claim("(3 of 64\nflagged)", 3,
          "int(detect_drift(X_tr, np.clip(X_te + 0.15 * np.random.default_rng(1).standard_normal(X_te.shape),"
          " 0, 1).astype(np.float32), 0.2).sum())", _DRIFT, 3),
    Claim("yet it costs more accuracy (0.916)", 0.916,
          "accuracy(shipped, torch.as_tensor(np.clip(X_te + 0.15 * np.random.default_rng(1)"
          ".standard_normal(X_te.shape), 0, 1).astype(np.float32)), y_test)", _DRIFT, 0.02),
    Claim("the accuracy falls (to 0.769)", 0.769,
          "accuracy(shipped, torch.as_tensor(X_te), torch.where(y_test == 1, 7, torch.where(y_test == 7, 1, y_test)))",
          _DRIFT, 0.02),
    Claim("two groups, A (60 %)", 60, "100 * (group == 'A').mean()", _FAIR, 3, "share of group A, in %"),
    Claim("and B\n(40 %)", 40, "100 * (group == 'B').mean()", _FAIR, 3, "share of group B, in %"),
    Claim("(50 % and 30 % of positives)", 50, "100 * y_true[group == 'A'].mean()", _FAIR, 3),
    Claim("(50 % and 30 % of positives)", 30, "100 * y_true[group == 'B'].mean()", _FAIR, 3),
    Claim("own base rate (here 50 % and 30 %)", 50, "100 * y_true[group == 'A'].mean()", _FAIR, 3,
          "base rate of group A, in %"),
    Claim("own base rate (here 50 % and 30 %)", 30, "100 * y_true[group == 'B'].mean()", _FAIR, 3,
          "base rate of group B, in %"),
    Claim("(an equal-opportunity gap of 0.014", 0.014, "report['eo_gap']", _FAIR, 0.02),
    Claim("the positive rates differ by 0.150", 0.150, "report['dp_gap']", _FAIR, 0.03),
    Claim("accuracy falls from 0.874 to 0.831", 0.874,
          "((score > 0.5).astype(int) == y_true).mean()", _FAIR, 0.01),
    Claim("accuracy falls from 0.874 to 0.831", 0.831,
          f"((score > {_EQUAL}).astype(int) == y_true).mean()", _FAIR, 0.015),
    Claim("(a gap of 0.085)", 0.085,
          f"equal_opportunity_difference(y_true, (score > {_EQUAL}).astype(int), group)", _FAIR, 0.03),
]
