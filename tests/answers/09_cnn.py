"""Known answers for 09_cnn: mistakes that must fail, alternatives that must pass."""

WRONG = {  # exercise -> {description of the mistake: source code that defines the name}
    "conv_output_size": {
        "padding counted once, not on both sides": '''
def conv_output_size(n, kernel, padding=0, stride=1):
    return (n + padding - kernel) // stride + 1
''',
        "off by one: forgets the + 1": '''
def conv_output_size(n, kernel, padding=0, stride=1):
    return (n + 2 * padding - kernel) // stride
''',
        "rounds up (ceil) instead of down": '''
import math
def conv_output_size(n, kernel, padding=0, stride=1):
    return math.ceil((n + 2 * padding - kernel) / stride) + 1
''',
        "true division: returns a float": '''
def conv_output_size(n, kernel, padding=0, stride=1):
    return (n + 2 * padding - kernel) / stride + 1
''',
        "divides n by the stride before subtracting the kernel": '''
def conv_output_size(n, kernel, padding=0, stride=1):
    return (n + 2 * padding) // stride - kernel + 1
''',
    },
    "conv2d_forward": {
        "true convolution: flips the kernel": '''
import numpy as np
def conv2d_forward(X, W, b, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    Wf = W[:, :, ::-1, ::-1]
    C_out, _, kh, kw = W.shape
    Ho, Wo = (Xp.shape[2] - kh) // stride + 1, (Xp.shape[3] - kw) // stride + 1
    out = np.zeros((X.shape[0], C_out, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = Xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", win, Wf) + b
    return out
''',
        "ignores the stride": '''
import numpy as np
def conv2d_forward(X, W, b, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    C_out, _, kh, kw = W.shape
    Ho, Wo = Xp.shape[2] - kh + 1, Xp.shape[3] - kw + 1
    out = np.zeros((X.shape[0], C_out, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = Xp[:, :, i:i + kh, j:j + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", win, W) + b
    return out
''',
        "window moves one pixel per step but output size uses the stride": '''
import numpy as np
def conv2d_forward(X, W, b, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    C_out, _, kh, kw = W.shape
    Ho, Wo = (Xp.shape[2] - kh) // stride + 1, (Xp.shape[3] - kw) // stride + 1
    out = np.zeros((X.shape[0], C_out, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = Xp[:, :, i:i + kh, j:j + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", win, W) + b
    return out
''',
        "pads only one side (bottom and right)": '''
import numpy as np
def conv2d_forward(X, W, b, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (0, 2 * padding), (0, 2 * padding)))
    C_out, _, kh, kw = W.shape
    Ho, Wo = (Xp.shape[2] - kh) // stride + 1, (Xp.shape[3] - kw) // stride + 1
    out = np.zeros((X.shape[0], C_out, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = Xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", win, W) + b
    return out
''',
        "forgets the bias": '''
import numpy as np
def conv2d_forward(X, W, b, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    C_out, _, kh, kw = W.shape
    Ho, Wo = (Xp.shape[2] - kh) // stride + 1, (Xp.shape[3] - kw) // stride + 1
    out = np.zeros((X.shape[0], C_out, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = Xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", win, W)
    return out
''',
        "bias broadcast along the last axis (width) instead of the channel axis": '''
import numpy as np
def conv2d_forward(X, W, b, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    C_out, _, kh, kw = W.shape
    Ho, Wo = (Xp.shape[2] - kh) // stride + 1, (Xp.shape[3] - kw) // stride + 1
    out = np.zeros((X.shape[0], C_out, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = Xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", win, W)
    return out + b
''',
        "no sum over input channels: uses only channel 0": '''
import numpy as np
def conv2d_forward(X, W, b, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    C_out, _, kh, kw = W.shape
    Ho, Wo = (Xp.shape[2] - kh) // stride + 1, (Xp.shape[3] - kw) // stride + 1
    out = np.zeros((X.shape[0], C_out, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = Xp[:, 0, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.einsum("nhw,fhw->nf", win, W[:, 0]) + b
    return out
''',
        "averages over input channels instead of summing": '''
import numpy as np
def conv2d_forward(X, W, b, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    C_out, C_in, kh, kw = W.shape
    Ho, Wo = (Xp.shape[2] - kh) // stride + 1, (Xp.shape[3] - kw) // stride + 1
    out = np.zeros((X.shape[0], C_out, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = Xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", win, W) / C_in + b
    return out
''',
        "pads the input array in place (X is modified)": '''
import numpy as np
def conv2d_forward(X, W, b, stride=1, padding=0):
    C_out, _, kh, kw = W.shape
    N, C, H, Wd = X.shape
    Xp = np.zeros((N, C, H + 2 * padding, Wd + 2 * padding))
    Xp[:, :, padding:padding + H, padding:padding + Wd] = X
    X *= 1.0 + 1e-3          # "normalizes" the caller's array by accident
    Ho, Wo = (Xp.shape[2] - kh) // stride + 1, (Xp.shape[3] - kw) // stride + 1
    out = np.zeros((N, C_out, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = Xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", win, W) + b
    return out
''',
    },
    "conv2d_backward": {
        "dW from the first image only (no sum over the batch)": '''
import numpy as np
def conv2d_backward(dout, X, W, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dXp, dW = np.zeros(Xp.shape), np.zeros(W.shape)
    kh, kw = W.shape[2:]
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            g = dout[:, :, i, j]
            dW += np.einsum("f,chw->fchw", g[0], Xp[0, :, rows, cols])
            dXp[:, :, rows, cols] += np.einsum("nf,fchw->nchw", g, W)
    H, Wd = X.shape[2:]
    return dXp[:, :, padding:padding + H, padding:padding + Wd], dW, dout.sum(axis=(0, 2, 3))
''',
        "dW averaged over the batch": '''
import numpy as np
def conv2d_backward(dout, X, W, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dXp, dW = np.zeros(Xp.shape), np.zeros(W.shape)
    kh, kw = W.shape[2:]
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            g = dout[:, :, i, j]
            dW += np.einsum("nf,nchw->fchw", g, Xp[:, :, rows, cols]) / X.shape[0]
            dXp[:, :, rows, cols] += np.einsum("nf,fchw->nchw", g, W)
    H, Wd = X.shape[2:]
    return dXp[:, :, padding:padding + H, padding:padding + Wd], dW, dout.sum(axis=(0, 2, 3))
''',
        "dX as a full correlation with the kernel NOT flipped (stride 1 formula)": '''
import numpy as np
def conv2d_backward(dout, X, W, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dW = np.zeros(W.shape)
    kh, kw = W.shape[2:]
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            dW += np.einsum("nf,nchw->fchw", dout[:, :, i, j], Xp[:, :, rows, cols])
    # dilate dout by the stride, pad by k - 1, correlate with W as it is (should be flipped)
    N, C_out, Ho, Wo = dout.shape
    dil = np.zeros((N, C_out, (Ho - 1) * stride + 1, (Wo - 1) * stride + 1))
    dil[:, :, ::stride, ::stride] = dout
    full = np.pad(dil, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    dXp = np.zeros(Xp.shape)
    for p in range(min(Xp.shape[2], full.shape[2] - kh + 1)):
        for q in range(min(Xp.shape[3], full.shape[3] - kw + 1)):
            dXp[:, :, p, q] = np.einsum("nfhw,fchw->nc", full[:, :, p:p + kh, q:q + kw], W)
    H, Wd = X.shape[2:]
    return dXp[:, :, padding:padding + H, padding:padding + Wd], dW, dout.sum(axis=(0, 2, 3))
''',
        "db is the mean of dout instead of the sum": '''
import numpy as np
def conv2d_backward(dout, X, W, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dXp, dW = np.zeros(Xp.shape), np.zeros(W.shape)
    kh, kw = W.shape[2:]
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            g = dout[:, :, i, j]
            dW += np.einsum("nf,nchw->fchw", g, Xp[:, :, rows, cols])
            dXp[:, :, rows, cols] += np.einsum("nf,fchw->nchw", g, W)
    H, Wd = X.shape[2:]
    return dXp[:, :, padding:padding + H, padding:padding + Wd], dW, dout.mean(axis=(0, 2, 3))
''',
        "ignores the stride in the backward pass (windows at i, j)": '''
import numpy as np
def conv2d_backward(dout, X, W, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dXp, dW = np.zeros(Xp.shape), np.zeros(W.shape)
    kh, kw = W.shape[2:]
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i, i + kh), slice(j, j + kw)
            g = dout[:, :, i, j]
            dW += np.einsum("nf,nchw->fchw", g, Xp[:, :, rows, cols])
            dXp[:, :, rows, cols] += np.einsum("nf,fchw->nchw", g, W)
    H, Wd = X.shape[2:]
    return dXp[:, :, padding:padding + H, padding:padding + Wd], dW, dout.sum(axis=(0, 2, 3))
''',
        "returns the gradient of the padded input (padding not cropped)": '''
import numpy as np
def conv2d_backward(dout, X, W, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dXp, dW = np.zeros(Xp.shape), np.zeros(W.shape)
    kh, kw = W.shape[2:]
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            g = dout[:, :, i, j]
            dW += np.einsum("nf,nchw->fchw", g, Xp[:, :, rows, cols])
            dXp[:, :, rows, cols] += np.einsum("nf,fchw->nchw", g, W)
    return dXp, dW, dout.sum(axis=(0, 2, 3))
''',
        "crops the padding from the wrong side": '''
import numpy as np
def conv2d_backward(dout, X, W, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dXp, dW = np.zeros(Xp.shape), np.zeros(W.shape)
    kh, kw = W.shape[2:]
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            g = dout[:, :, i, j]
            dW += np.einsum("nf,nchw->fchw", g, Xp[:, :, rows, cols])
            dXp[:, :, rows, cols] += np.einsum("nf,fchw->nchw", g, W)
    H, Wd = X.shape[2:]
    return dXp[:, :, :H, :Wd], dW, dout.sum(axis=(0, 2, 3))
''',
    },
    "maxpool2d_forward": {
        "average pooling instead of max": '''
import numpy as np
def maxpool2d_forward(X, size=2, stride=2):
    N, C, H, W = X.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.zeros((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = X[:, :, i * stride:i * stride + size, j * stride:j * stride + size].mean(axis=(2, 3))
    return out
''',
        "windows step by size, ignoring stride": '''
import numpy as np
def maxpool2d_forward(X, size=2, stride=2):
    N, C, H, W = X.shape
    Ho, Wo = (H - size) // size + 1, (W - size) // size + 1
    out = np.zeros((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = X[:, :, i * size:i * size + size, j * size:j * size + size].max(axis=(2, 3))
    return out
''',
        "assumes padding: keeps the incomplete last window (ceil mode)": '''
import numpy as np
def maxpool2d_forward(X, size=2, stride=2):
    N, C, H, W = X.shape
    Ho, Wo = -(-(H - size) // stride) + 1, -(-(W - size) // stride) + 1
    out = np.zeros((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = X[:, :, i * stride:i * stride + size, j * stride:j * stride + size].max(axis=(2, 3))
    return out
''',
        "running max starts at 0 (wrong for negative maps)": '''
import numpy as np
def maxpool2d_forward(X, size=2, stride=2):
    N, C, H, W = X.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.zeros((N, C, Ho, Wo))
    for a in range(size):
        for d in range(size):
            out = np.maximum(out, X[:, :, a:a + stride * (Ho - 1) + 1:stride, d:d + stride * (Wo - 1) + 1:stride])
    return out
''',
        "max over the channels as well": '''
import numpy as np
def maxpool2d_forward(X, size=2, stride=2):
    N, C, H, W = X.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.zeros((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            m = X[:, :, i * stride:i * stride + size, j * stride:j * stride + size].max(axis=(1, 2, 3))
            out[:, :, i, j] = m[:, None]
    return out
''',
    },
    "ResidualBlock": {
        "no skip connection: relu(F(x))": '''
import torch.nn as nn
import torch.nn.functional as F
class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        return F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))
''',
        "ReLU before the addition only: relu(F(x)) + x": '''
import torch.nn as nn
import torch.nn.functional as F
class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        return F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))) + x
''',
        "no ReLU after the addition: F(x) + x": '''
import torch.nn as nn
import torch.nn.functional as F
class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        return self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))) + x
''',
        "convolutions without padding: changes the shape": '''
import torch.nn as nn
import torch.nn.functional as F
class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out + x[:, :, 2:-2, 2:-2])
''',
        "missing the inner ReLU": '''
import torch.nn as nn
import torch.nn.functional as F
class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        return F.relu(self.bn2(self.conv2(self.bn1(self.conv1(x)))) + x)
''',
        "adds F(x) into x in place (modifies the caller's tensor)": '''
import torch.nn as nn
import torch.nn.functional as F
class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        x += self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(x)
''',
        "shortcut taken after the first convolution": '''
import torch.nn as nn
import torch.nn.functional as F
class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(h)) + h)
''',
    },
    "SmallCNN": {
        "too small to learn: one 2-filter convolution and global average pooling": '''
import torch.nn as nn
class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(),
                                 nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2, num_classes))

    def forward(self, x):
        return self.net(x)
''',
        "softmax applied in forward (returns probabilities, not logits)": '''
import torch.nn as nn
class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(128, num_classes), nn.Softmax(dim=1))

    def forward(self, x):
        return self.net(x)
''',
        "ignores num_classes (always 10 outputs)": '''
import torch.nn as nn
class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(128, 10))

    def forward(self, x):
        return self.net(x)
''',
        "forgets to flatten: a 1x1 convolution head returns (N, classes, 1, 1)": '''
import torch.nn as nn
class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Conv2d(32, num_classes, 1))

    def forward(self, x):
        return self.net(x)
''',
        "no convolution at all: an MLP on the flattened pixels": '''
import torch.nn as nn
class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, num_classes))

    def forward(self, x):
        return self.net(x)
''',
        "flattens with view(-1, 256): wrong feature count mixes the images of a batch": '''
import torch.nn as nn
class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Linear(256, num_classes)

    def forward(self, x):
        return self.head(self.features(x).view(-1, 256))
''',
        "a layer created but never used": '''
import torch.nn as nn
class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2))
        self.hidden = nn.Linear(128, 64)
        self.head = nn.Linear(128, num_classes)

    def forward(self, x):
        return self.head(self.features(x).flatten(1))
''',
    },
}

RIGHT = {  # exercise -> {description: a correct implementation written differently}
    "conv_output_size": {
        "counts the window starts with range": '''
def conv_output_size(n, kernel, padding=0, stride=1):
    return len(range(0, n + 2 * padding - kernel + 1, stride))
''',
        "math.floor and int()": '''
import math
def conv_output_size(n, kernel, padding=0, stride=1):
    return int(math.floor((n + 2 * padding - kernel) / stride)) + 1
''',
    },
    "conv2d_forward": {
        "loop over kernel offsets with strided slices (im2col-like)": '''
import numpy as np
def conv2d_forward(X, W, b, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    C_out, C_in, kh, kw = W.shape
    Ho, Wo = (Xp.shape[2] - kh) // stride + 1, (Xp.shape[3] - kw) // stride + 1
    out = np.zeros((X.shape[0], C_out, Ho, Wo)) + b[None, :, None, None]
    for a in range(kh):
        for d in range(kw):
            patch = Xp[:, :, a:a + stride * (Ho - 1) + 1:stride, d:d + stride * (Wo - 1) + 1:stride]
            out += np.einsum("nchw,fc->nfhw", patch, W[:, :, a, d])
    return out
''',
        "sliding_window_view and one matrix product": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
def conv2d_forward(X, W, b, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    C_out, C_in, kh, kw = W.shape
    win = sliding_window_view(Xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("nchwab,fcab->nfhw", win, W) + b.reshape(1, -1, 1, 1)
''',
        "six nested loops": '''
import numpy as np
def conv2d_forward(X, W, b, stride=1, padding=0):
    N, C_in, H, Wd = X.shape
    C_out, _, kh, kw = W.shape
    Ho, Wo = (H + 2 * padding - kh) // stride + 1, (Wd + 2 * padding - kw) // stride + 1
    out = np.empty((N, C_out, Ho, Wo))
    for n in range(N):
        for f in range(C_out):
            for i in range(Ho):
                for j in range(Wo):
                    s = b[f]
                    for c in range(C_in):
                        for a in range(kh):
                            for d in range(kw):
                                r, q = i * stride + a - padding, j * stride + d - padding
                                if 0 <= r < H and 0 <= q < Wd:
                                    s += X[n, c, r, q] * W[f, c, a, d]
                    out[n, f, i, j] = s
    return out
''',
    },
    "conv2d_backward": {
        "dilate dout, full correlation with the flipped kernel": '''
import numpy as np
def conv2d_backward(dout, X, W, stride=1, padding=0):
    N, C_in, H, Wd = X.shape
    C_out, _, kh, kw = W.shape
    _, _, Ho, Wo = dout.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    # dW: correlate the padded input with dout (dout as the kernel, read at the stride)
    dW = np.zeros(W.shape)
    for a in range(kh):
        for d in range(kw):
            patch = Xp[:, :, a:a + stride * (Ho - 1) + 1:stride, d:d + stride * (Wo - 1) + 1:stride]
            dW[:, :, a, d] = np.einsum("nchw,nfhw->fc", patch, dout)
    # dX: dilate dout by the stride, pad by k - 1, correlate with the flipped kernel
    dil = np.zeros((N, C_out, (Ho - 1) * stride + 1, (Wo - 1) * stride + 1))
    dil[:, :, ::stride, ::stride] = dout
    full = np.pad(dil, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    Wf = W[:, :, ::-1, ::-1]
    dXp = np.zeros(Xp.shape)
    rows, cols = min(Xp.shape[2], full.shape[2] - kh + 1), min(Xp.shape[3], full.shape[3] - kw + 1)
    for a in range(kh):
        for d in range(kw):
            dXp[:, :, :rows, :cols] += np.einsum("nfhw,fc->nchw", full[:, :, a:a + rows, d:d + cols],
                                                 Wf[:, :, a, d])
    return dXp[:, :, padding:padding + H, padding:padding + Wd], dW, dout.sum(axis=(0, 2, 3))
''',
        "plain loops over every term": '''
import numpy as np
def conv2d_backward(dout, X, W, stride=1, padding=0):
    N, C_in, H, Wd = X.shape
    C_out, _, kh, kw = W.shape
    dX, dW, db = np.zeros(X.shape), np.zeros(W.shape), np.zeros(C_out)
    for n in range(N):
        for f in range(C_out):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    g = dout[n, f, i, j]
                    db[f] += g
                    for c in range(C_in):
                        for a in range(kh):
                            for d in range(kw):
                                r, q = i * stride + a - padding, j * stride + d - padding
                                if 0 <= r < H and 0 <= q < Wd:
                                    dW[f, c, a, d] += g * X[n, c, r, q]
                                    dX[n, c, r, q] += g * W[f, c, a, d]
    return dX, dW, db
''',
    },
    "maxpool2d_forward": {
        "np.maximum over window offsets, starting from -inf": '''
import numpy as np
def maxpool2d_forward(X, size=2, stride=2):
    N, C, H, W = X.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.full((N, C, Ho, Wo), -np.inf)
    for a in range(size):
        for d in range(size):
            out = np.maximum(out, X[:, :, a:a + stride * (Ho - 1) + 1:stride, d:d + stride * (Wo - 1) + 1:stride])
    return out
''',
        "sliding_window_view": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
def maxpool2d_forward(X, size=2, stride=2):
    win = sliding_window_view(X, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    return win.max(axis=(4, 5)).astype(np.float64)
''',
    },
    "ResidualBlock": {
        "nn.ReLU modules and an in-place addition on the new tensor": '''
import torch.nn as nn
class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)
''',
        "torch.relu and an explicit residual variable": '''
import torch
import torch.nn as nn
class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        residual = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(x + residual)
''',
    },
    "SmallCNN": {
        "three convolutions and global average pooling": '''
import torch.nn as nn
class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = nn.Linear(64, num_classes)

    def forward(self, x):
        return self.head(self.features(x))
''',
        "functional style, no batch norm, wider dense head": '''
import torch.nn as nn
import torch.nn.functional as F
class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc = nn.Linear(64 * 4 * 4, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.relu(self.conv2(x))
        return self.fc(x.flatten(1))
''',
    },
}
