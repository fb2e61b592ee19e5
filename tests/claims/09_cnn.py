"""Claims of 09_cnn's prose (see tests/claims/__init__.py).

The augmentation run of section 11 is also stated by the notebook itself (a generated sentence
after the computation)."""
from claims import Claim, Ref  # noqa: F401

_TRAIN = "train_digits(model)"
_AUG = "shifted = {name: [shifted_accuracy(m, d)"
_PLAIN, _SHIFTED = "shifted['trained as is']", "shifted['trained with random shifts']"

CLAIMS = [
    Claim("Take one of the 1,797 handwritten digits", 1797, "len(X_digits)", after="X_digits, y_digits = data.digits()",
          tol=0, why="images in scikit-learn's digits"),
    Claim("about half a trillion weights ($4.8 \\times 10^{11}$)", 4.8, "dense_params(3, 64, 224, 224) / 1e11",
          after="def conv_params(c_in, c_out, k):", tol=0.05, why="weights of the dense layer for the photo / 1e11"),
    Claim("convolution needs 1,792.", 1792, "conv_params(3, 64, 3)", after="def conv_params(c_in, c_out, k):", tol=0,
          why="parameters of the 3x3 convolution, 3 -> 64 channels"),
    Claim("the measured patch is exactly the formula's 10×10", 10, "patch['AvgPool2d']",
          after="def receptive_fields(layers):", tol=0, why="side of the patch with non-zero gradient, average pooling"),
    Claim("with 32 blocks the first block's gradient is about 2,000 times", 2000, "ratios[32, False]",
          after="for depth in (2, 8, 32):", tol=500, why="|grad first| / |grad last| of the plain stack of 32 blocks"),
    Claim("it stays small (about 5 at", 5, "ratios[32, True]", after="for depth in (2, 8, 32):", tol=2.5,
          why="|grad first| / |grad last| of the residual stack of 32 blocks"),
    Claim("giving 1,348 training and 449 test", 1348, "len(X_train)", after="X_test, y_test = data.digits(\"test\", scheme=\"train/test\")",
          tol=0, why="training images of the fixed split"),
    Claim("1,348 training and 449 test", 449, "len(X_test)", after="X_test, y_test = data.digits(\"test\", scheme=\"train/test\")",
          tol=0, why="test images of the fixed split"),
    Claim("A design that works (about 6,200 parameters", 6200, "sum(p.numel() for p in model.parameters())",
          after=_TRAIN, tol=100, why="parameters of the suggested design"),
    Claim("about 99% test accuracy with the recipe", 99, "100 * accuracy(model, Xte, yte)", after=_TRAIN, tol=1.5,
          why="test accuracy of the suggested design after the recipe (percent)"),
    Claim("Expect about 99% test accuracy", 99, "100 * accuracy(model, Xte, yte)", after=_TRAIN, tol=1.5,
          why="test accuracy after the recipe (percent)"),
    Claim("by a single pixel costs about 28 points", 28, f"100 * ({_PLAIN}[0] - {_PLAIN}[1])", after=_AUG, tol=7,
          why="accuracy lost by the model trained as is when test digits move one pixel (points)"),
    Claim("and by two pixels about 72", 72, f"100 * ({_PLAIN}[0] - {_PLAIN}[2])", after=_AUG, tol=8,
          why="accuracy lost by the model trained as is when test digits move two pixels (points)"),
    Claim("for about 1 point on unshifted digits", 1, f"100 * ({_PLAIN}[0] - {_SHIFTED}[0])", after=_AUG, tol=1.5,
          why="accuracy on unshifted digits given up by training with random shifts (points)"),
    Ref("the zero padding of section 3 comes in", "padding, stride"),
    Ref("(section 11 measures\nhow insensitive)", "data augmentation"),
    Ref("in the backward pass (section 6)", "backward pass"),
    Ref("given by the formula of section 3", "padding, stride"),
    Ref("That is the flip of section 2", "cross-correlation"),
    Ref("one average over the whole map per channel (section 8)", "global average pooling"),
    Ref("argument (section 9)", "architectures"),
    Ref("every operation of sections 4–7 is a module", "channels and filters"),
    Ref("`augment` (section 11 uses it)", "data augmentation"),
    Ref("Section 11 measures this and fixes it", "data augmentation"),
]
