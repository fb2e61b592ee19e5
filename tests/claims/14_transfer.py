"""Claims of 14_transfer's prose (see tests/claims/__init__.py)."""
from claims import Claim, Ref  # noqa: F401

_PRE = "state, acc = transfer.pretrain()"
_FROZEN = "trainable after freezing the body"
_CURVES = "results = transfer.learning_curves()"
_T = "results['target']"
_SHIFT = 'kind="shifted"'
_PROTO = "protonet = train_prototypical("
_NARROW = "narrow = train_prototypical("

CLAIMS = [
    Claim("all ten digits, 628\ntraining images", 628, "len(tasks.Xs_train)", _PRE, 0),
    Claim("reads clean digits at about 97 %", 97, "100 * acc['source']", _PRE, 2, "source test accuracy, in %"),
    Claim("the scanned ones at\nabout 30 %", 30, "100 * acc['blurred']", _PRE, 4,
          "the pretrained network on the scanned digits, in %"),
    Claim("Freezing the body leaves 650 trainable", 650,
          "sum(p.numel() for p in net.parameters() if p.requires_grad)", _FROZEN, 0),
    Claim("4 % of the network", 4,
          "100 * sum(p.numel() for p in net.parameters() if p.requires_grad) / sum(p.numel() for p in net.parameters())",
          _FROZEN, 0.5),
    Claim("about 58 % (scratch)", 58, f"100 * {_T}['scratch'].mean(0)[0]", _CURVES, 5,
          "scratch, 1 label per digit, mean of 3 seeds, in %"),
    Claim("to about 80 %", 80, f"100 * {_T}['feature extraction'].mean(0)[0]", _CURVES, 4,
          "feature extraction, 1 label per digit, in %"),
    Claim("every strategy reaches about 91 % or more", 91,
          f"100 * min({_T}[s].mean(0)[-1] for s in results['strategies'])", _CURVES, 2,
          "lowest mean accuracy at 20 labels per digit, in %"),
    Claim("the gap has shrunk to about 5 points", 5,
          f"100 * ({_T}['feature extraction'].mean(0)[-1] - {_T}['scratch'].mean(0)[-1])", _CURVES, 2.5,
          "feature extraction minus scratch at 20 labels per digit, in points"),
    Claim("(within about 2 points at every size", 2,
          f"100 * max(abs({_T}[s].mean(0) - {_T}['feature extraction'].mean(0)).max() "
          "for s in ('fine-tuning', 'gradual unfreezing'))", _CURVES, 1.5,
          "largest gap between fine-tuning or gradual unfreezing and feature extraction, in points"),
    Claim("with its\nold head: about 30 %", 30, "100 * results['zero_shot']", _CURVES, 4),
    Claim("Feature extraction keeps 97 % on the source task", 97,
          "100 * results['source']['feature extraction'].mean()", _CURVES, 1.5),
    Claim("(to about 93 %)", 93, "100 * results['source']['fine-tuning'].mean()", _CURVES, 2.5,
          "source accuracy kept by fine-tuning, mean over sizes and seeds, in %"),
    Claim("In section 4 feature extraction kept 97 %", 97,
          "100 * results['source']['feature extraction'].mean()", _CURVES, 1.5),
    Claim("75.4 % against 85.1 % from scratch, fine-tuning 79.3 %", 75.4, "100 * row['feature extraction']",
          _SHIFT, 4, "shifted scanner, 10 labels per digit, feature extraction, in %"),
    Claim("75.4 % against 85.1 % from scratch, fine-tuning 79.3 %", 85.1, "100 * row['scratch']",
          _SHIFT, 4, "shifted scanner, 10 labels per digit, scratch, in %"),
    Claim("75.4 % against 85.1 % from scratch, fine-tuning 79.3 %", 79.3, "100 * row['fine-tuning']",
          _SHIFT, 4, "shifted scanner, 10 labels per digit, fine-tuning, in %"),
    Claim("(89.1 % against 74.3 % in 5-way 1-shot", 89.1, "100 * transfer.episode_accuracy(protonet, 5, 1)[0]",
          _PROTO, 3, "ProtoNet, 5-way 1-shot on the scanned digits, in %"),
    Claim("(89.1 % against 74.3 % in 5-way 1-shot", 74.3, "100 * transfer.episode_accuracy(None, 5, 1)[0]",
          _PROTO, 2, "raw pixels, 5-way 1-shot on the scanned digits, in %"),
    Claim("(82.0 % in\n10-way 1-shot episodes", 82.0, "100 * transfer.episode_accuracy(protonet, 10, 1)[0]",
          _PROTO, 3, "ProtoNet, 10-way 1-shot on the scanned digits, in %"),
    Claim("against their 79 % on all ten digits", 79, "100 * results['target']['fine-tuning'].mean(0)[0]",
          _PROTO, 4, "fine-tuning with 1 label per digit (section 4), in %"),
    Claim("pixels win (73.7 % against 41.2 %)", 73.7,
          "100 * transfer._episode_stats(X_new.astype(np.float64), y_new, 5, 1, 5, 300, 0)[0]", _NARROW, 2,
          "raw pixels, 5-way 1-shot on unseen digits 5-9, in %"),
    Claim("pixels win (73.7 % against 41.2 %)", 41.2,
          "100 * transfer._episode_stats(E_narrow, y_new, 5, 1, 5, 300, 0)[0]", _NARROW, 6,
          "ProtoNet trained on 0-4, 5-way 1-shot on unseen digits 5-9, in %"),
    Ref("and, in section 8, **zero-shot**", "Zero-shot"),
    Ref("MAML, section 7, learns an initialisation", "MAML"),
    Ref("the fine-tuned networks of section 4", "when does transfer win"),
    Ref("In section 4 feature extraction kept", "when does transfer win"),
]
