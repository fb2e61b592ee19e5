"""Claims of 07_training's prose (see tests/claims/__init__.py)."""
from claims import Claim, Ref  # noqa: F401

# Distinct learning rates the learner's random_search tries with 9 trials, over the explorer's
# seeds 0-30, on the explorer's own search space.
_DISTINCT = ("{agg}([len({{p['lr'] for p in (lambda tried: (random_search("
             "{{'lr': list(T.SEARCH_LRS), 'width': list(T.SEARCH_WIDTHS)}}, 9, "
             "lambda p: (tried.append(p), 0.0)[1], s), tried)[1])([])}}) for s in range(31)])")
_T = "(lambda T: {body})(__import__('course.viz.training', fromlist=['SEARCH_LRS']))"

CLAIMS = [
    Claim("barely left the starting loss of $\\ln 10$ after 102\nsteps", 102,
          "lr_runs['lr=0.0001']['steps'][-1]", "lr_runs = {", 0, "optimizer steps in 6 epochs"),
    Claim("$10^{-2}$ is the best of these", -2,
          "np.log10(float(min(lr_runs, key=lambda k: lr_runs[k]['val_loss'][-1])[3:]))", "lr_runs = {", 0,
          "log10 of the learning rate with the lowest validation loss"),
    Claim("about as good as chance (10 %)", 10, "100 * lr_runs['lr=1']['val_acc'][-1]", "lr_runs = {", 4,
          "validation accuracy in per cent at learning rate 1"),
    Claim("$B = 512$ made 9 steps in 3 epochs", 9, "batch_runs['B=512']['steps'][-1]", "batch_runs = {", 0,
          "optimizer steps at batch 512"),
    Claim("$B = 8$ made 405", 405, "batch_runs['B=8']['steps'][-1]", "batch_runs = {", 0,
          "optimizer steps at batch 8"),
    Claim("(4 orders of magnitude below its start", 4,
          "np.log10(np.log(10) / overfit['train_eval_loss'][-1])", "overfit = run(", 0.8,
          "orders of magnitude the training loss falls in 60 epochs"),
    Claim("(epoch 14 here)", 14, "best_epoch", "overfit = run(", 4, "epoch of the lowest validation loss"),
    Claim("(0.916 at the best epoch", 0.916, "overfit['val_acc'][best_epoch - 1]", "overfit = run(", 0.02,
          "validation accuracy at the best epoch"),
    Claim("0.922 at epoch 60", 0.922, "overfit['val_acc'][-1]", "overfit = run(", 0.02,
          "validation accuracy after 60 epochs"),
    Claim("(39 %\nvalidation accuracy)", 39, "100 * shape_runs['depth=8']['val_acc'][-1]", "shape_runs = {", 10,
          "validation accuracy in per cent of the 8-layer network"),
    Claim("between 6 and 9 distinct ones", 6, _T.format(body=_DISTINCT.format(agg="min")),
          "search_comparison(search=random_search)", 0, "fewest distinct learning rates over seeds 0-30"),
    Claim("between 6 and 9 distinct ones", 9, _T.format(body=_DISTINCT.format(agg="max")),
          "search_comparison(search=random_search)", 0, "most distinct learning rates over seeds 0-30"),
    Claim("about 6.7 on average", 6.7, _T.format(body=_DISTINCT.format(agg="np.mean")),
          "search_comparison(search=random_search)", 0.3, "mean distinct learning rates over seeds 0-30"),
    Claim("on the 1438 examples", 1438, "len(y_dev)", "X_dev, y_dev = torch.cat", 0,
          "training plus validation examples"),
]

_REFS = [
    ("can compute **gradients** automatically (section 2)", "Autograd"),
    ("the order of the batches is reproducible too\n(section 13)", "Reproducibility"),
    ("(359 examples: section 4.1)", "Data"),
    ("where early stopping (section 10)", "Early stopping"),
    ("used with\na warmup, section 9)", "schedules"),
    ("early stopping, section 10.", "Early stopping"),
    ("the differences are small (section 13)", "Reproducibility"),
    ("Section 7.3 showed", "Hyperparameters"),
    ("(kept in a checkpoint, section 11)", "Checkpoints"),
    ("(section 4.1: differences below the noise)", "Data"),
    ("the overfitting run of section 7.3", "Hyperparameters"),
    ("the best weights of a run (section 10)", "Early stopping"),
    ("gives a noisy score (section 4.1)", "Data"),
]
CLAIMS += [Ref(text, heading) for text, heading in _REFS]

CLAIMS += [
    Claim("(0.985 against 0.944 in this run)", 0.985, "train_acc", "dash = training_dashboard(", 0.015,
          "training accuracy after 10 epochs of the learner's loop"),
    Claim("(0.985 against 0.944 in this run)", 0.944, "val_acc", "dash = training_dashboard(", 0.02,
          "validation accuracy after 10 epochs of the learner's loop"),
]
