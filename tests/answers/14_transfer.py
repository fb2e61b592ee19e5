"""Known answers for 14_transfer: mistakes that must fail, alternatives that must pass."""

WRONG = {  # exercise -> {description of the mistake: source code that defines the name}
    "freeze": {
        "forgets to return the module": '''
def freeze(module):
    for p in module.parameters():
        p.requires_grad_(False)
''',
        "only the direct parameters (recurse=False): nested layers stay trainable": '''
def freeze(module):
    for p in module.parameters(recurse=False):
        p.requires_grad_(False)
    for child in module.children():
        for p in child.parameters(recurse=False):
            p.requires_grad_(False)
    return module
''',
        "freezes the weights only, biases keep training": '''
def freeze(module):
    for name, p in module.named_parameters():
        if name.endswith("weight"):
            p.requires_grad_(False)
    return module
''',
        "calls eval() as well (changes the train/eval mode)": '''
def freeze(module):
    for p in module.parameters():
        p.requires_grad_(False)
    module.eval()
    return module
''',
        "uses eval() instead of requires_grad": '''
def freeze(module):
    return module.eval()
''',
    },
    "unfreeze": {
        "forgets to return the module": '''
def unfreeze(module):
    for p in module.parameters():
        p.requires_grad_(True)
''',
        "only the children's direct parameters (misses deeper nesting and plain parameters)": '''
def unfreeze(module):
    for child in module.children():
        for p in child.parameters(recurse=False):
            p.requires_grad_(True)
    return module
''',
        "unfreezes the weights only": '''
def unfreeze(module):
    for name, p in module.named_parameters():
        if "weight" in name:
            p.requires_grad = True
    return module
''',
        "calls train() as well": '''
def unfreeze(module):
    for p in module.parameters():
        p.requires_grad_(True)
    return module.train()
''',
    },
    "count_trainable": {
        "counts every parameter, frozen or not": '''
def count_trainable(model):
    return sum(p.numel() for p in model.parameters())
''',
        "counts tensors instead of values": '''
def count_trainable(model):
    return len([p for p in model.parameters() if p.requires_grad])
''',
        "counts the frozen ones": '''
def count_trainable(model):
    return sum(p.numel() for p in model.parameters() if not p.requires_grad)
''',
        "sums over modules(): nested and shared parameters counted several times": '''
def count_trainable(model):
    return sum(p.numel() for m in model.modules() for p in m.parameters() if p.requires_grad)
''',
        "returns a tensor": '''
import torch
def count_trainable(model):
    return torch.tensor(sum(p.numel() for p in model.parameters() if p.requires_grad))
''',
    },
    "gradual_unfreezing": {
        "off by one: nothing trains before the first `every` epochs": '''
def gradual_unfreezing(model_layers, epoch, every):
    layers = list(model_layers)
    m = min(len(layers), epoch // every)
    trains = [i >= len(layers) - m for i in range(len(layers))]
    for layer, on in zip(layers, trains):
        for p in layer.parameters():
            p.requires_grad_(on)
    return trains
''',
        "unfreezes from the bottom (input layer first)": '''
def gradual_unfreezing(model_layers, epoch, every):
    layers = list(model_layers)
    m = min(len(layers), 1 + epoch // every)
    trains = [i < m for i in range(len(layers))]
    for layer, on in zip(layers, trains):
        for p in layer.parameters():
            p.requires_grad_(on)
    return trains
''',
        "ignores `every`: one more layer each epoch": '''
def gradual_unfreezing(model_layers, epoch, every):
    layers = list(model_layers)
    m = min(len(layers), 1 + epoch)
    trains = [i >= len(layers) - m for i in range(len(layers))]
    for layer, on in zip(layers, trains):
        for p in layer.parameters():
            p.requires_grad_(on)
    return trains
''',
        "returns the schedule but does not apply it": '''
def gradual_unfreezing(model_layers, epoch, every):
    L = len(list(model_layers))
    m = min(L, 1 + epoch // every)
    return [i >= L - m for i in range(L)]
''',
        "only unfreezes, never freezes the groups that should not train": '''
def gradual_unfreezing(model_layers, epoch, every):
    layers = list(model_layers)
    m = min(len(layers), 1 + epoch // every)
    trains = [i >= len(layers) - m for i in range(len(layers))]
    for layer, on in zip(layers, trains):
        if on:
            for p in layer.parameters():
                p.requires_grad_(True)
    return trains
''',
        "counts epochs from 1: (epoch + 1) // every": '''
def gradual_unfreezing(model_layers, epoch, every):
    layers = list(model_layers)
    m = min(len(layers), 1 + (epoch + 1) // every)
    trains = [i >= len(layers) - m for i in range(len(layers))]
    for layer, on in zip(layers, trains):
        for p in layer.parameters():
            p.requires_grad_(on)
    return trains
''',
        "no cap at L: the cap is missed with a modulo that restarts the schedule": '''
def gradual_unfreezing(model_layers, epoch, every):
    layers = list(model_layers)
    m = 1 + (epoch // every) % len(layers)
    trains = [i >= len(layers) - m for i in range(len(layers))]
    for layer, on in zip(layers, trains):
        for p in layer.parameters():
            p.requires_grad_(on)
    return trains
''',
    },
    "make_episode": {
        "support and query drawn independently (they can share examples)": '''
import numpy as np
def make_episode(X, y, n_way, k_shot, n_query, rng):
    classes = rng.choice(np.unique(y), n_way, replace=False)
    s, q = [], []
    for c in classes:
        idx = np.flatnonzero(y == c)
        s.append(rng.choice(idx, k_shot, replace=False))
        q.append(rng.choice(idx, n_query, replace=False))
    s, q = np.concatenate(s), np.concatenate(q)
    return X[s], np.repeat(np.arange(n_way), k_shot), X[q], np.repeat(np.arange(n_way), n_query)
''',
        "keeps the original class labels": '''
import numpy as np
def make_episode(X, y, n_way, k_shot, n_query, rng):
    classes = rng.choice(np.unique(y), n_way, replace=False)
    s, q = [], []
    for c in classes:
        idx = rng.permutation(np.flatnonzero(y == c))
        s.append(idx[:k_shot])
        q.append(idx[k_shot:k_shot + n_query])
    s, q = np.concatenate(s), np.concatenate(q)
    return X[s], y[s], X[q], y[q]
''',
        "classes drawn with replacement (rng.choice default)": '''
import numpy as np
def make_episode(X, y, n_way, k_shot, n_query, rng):
    classes = rng.choice(np.unique(y), n_way)
    s, q = [], []
    for c in classes:
        idx = rng.permutation(np.flatnonzero(y == c))
        s.append(idx[:k_shot])
        q.append(idx[k_shot:k_shot + n_query])
    s, q = np.concatenate(s), np.concatenate(q)
    return X[s], np.repeat(np.arange(n_way), k_shot), X[q], np.repeat(np.arange(n_way), n_query)
''',
        "uses np.random instead of the rng argument": '''
import numpy as np
def make_episode(X, y, n_way, k_shot, n_query, rng):
    classes = np.random.choice(np.unique(y), n_way, replace=False)
    s, q = [], []
    for c in classes:
        idx = np.random.permutation(np.flatnonzero(y == c))
        s.append(idx[:k_shot])
        q.append(idx[k_shot:k_shot + n_query])
    s, q = np.concatenate(s), np.concatenate(q)
    return X[s], np.repeat(np.arange(n_way), k_shot), X[q], np.repeat(np.arange(n_way), n_query)
''',
        "sorts the drawn classes (each class always gets the same label)": '''
import numpy as np
def make_episode(X, y, n_way, k_shot, n_query, rng):
    classes = np.sort(rng.choice(np.unique(y), n_way, replace=False))
    s, q = [], []
    for c in classes:
        idx = rng.permutation(np.flatnonzero(y == c))
        s.append(idx[:k_shot])
        q.append(idx[k_shot:k_shot + n_query])
    s, q = np.concatenate(s), np.concatenate(q)
    return X[s], np.repeat(np.arange(n_way), k_shot), X[q], np.repeat(np.arange(n_way), n_query)
''',
        "always takes the first examples of each class": '''
import numpy as np
def make_episode(X, y, n_way, k_shot, n_query, rng):
    classes = rng.choice(np.unique(y), n_way, replace=False)
    s, q = [], []
    for c in classes:
        idx = np.flatnonzero(y == c)
        s.append(idx[:k_shot])
        q.append(idx[k_shot:k_shot + n_query])
    s, q = np.concatenate(s), np.concatenate(q)
    return X[s], np.repeat(np.arange(n_way), k_shot), X[q], np.repeat(np.arange(n_way), n_query)
''',
        "query gets k_shot examples per class instead of n_query": '''
import numpy as np
def make_episode(X, y, n_way, k_shot, n_query, rng):
    classes = rng.choice(np.unique(y), n_way, replace=False)
    s, q = [], []
    for c in classes:
        idx = rng.permutation(np.flatnonzero(y == c))
        s.append(idx[:k_shot])
        q.append(idx[k_shot:2 * k_shot])
    s, q = np.concatenate(s), np.concatenate(q)
    return X[s], np.repeat(np.arange(n_way), k_shot), X[q], np.repeat(np.arange(n_way), k_shot)
''',
        "examples drawn with replacement (duplicates inside a set)": '''
import numpy as np
def make_episode(X, y, n_way, k_shot, n_query, rng):
    classes = rng.choice(np.unique(y), n_way, replace=False)
    s, q = [], []
    for c in classes:
        idx = rng.choice(np.flatnonzero(y == c), k_shot + n_query)
        s.append(idx[:k_shot])
        q.append(idx[k_shot:])
    s, q = np.concatenate(s), np.concatenate(q)
    return X[s], np.repeat(np.arange(n_way), k_shot), X[q], np.repeat(np.arange(n_way), n_query)
''',
        "shuffles X and y in place": '''
import numpy as np
def make_episode(X, y, n_way, k_shot, n_query, rng):
    order = rng.permutation(len(y))
    X[:] = X[order]
    y[:] = y[order]
    classes = rng.choice(np.unique(y), n_way, replace=False)
    s, q = [], []
    for c in classes:
        idx = np.flatnonzero(y == c)
        s.append(idx[:k_shot])
        q.append(idx[k_shot:k_shot + n_query])
    s, q = np.concatenate(s), np.concatenate(q)
    return X[s], np.repeat(np.arange(n_way), k_shot), X[q], np.repeat(np.arange(n_way), n_query)
''',
    },
    "compute_prototypes": {
        "assumes labels are grouped by class (reshape)": '''
def compute_prototypes(embeddings, labels, n_way):
    return embeddings.reshape(n_way, -1, embeddings.shape[1]).mean(dim=1)
''',
        "sum instead of mean": '''
import torch
def compute_prototypes(embeddings, labels, n_way):
    return torch.stack([embeddings[labels == c].sum(dim=0) for c in range(n_way)])
''',
        "goes through NumPy (cuts the gradient)": '''
import numpy as np
import torch
def compute_prototypes(embeddings, labels, n_way):
    e, l = embeddings.detach().cpu().numpy(), labels.cpu().numpy()
    return torch.tensor(np.stack([e[l == c].mean(axis=0) for c in range(n_way)]))
''',
        "divides every class by n / n_way (assumes equal counts)": '''
import torch
def compute_prototypes(embeddings, labels, n_way):
    k = len(labels) // n_way
    return torch.stack([embeddings[labels == c].sum(dim=0) / k for c in range(n_way)])
''',
        "mean over the wrong axis": '''
import torch
def compute_prototypes(embeddings, labels, n_way):
    return torch.stack([embeddings[labels == c].mean(dim=1).mean() * torch.ones(embeddings.shape[1],
                        dtype=embeddings.dtype) for c in range(n_way)])
''',
    },
    "prototypical_logits": {
        "plain distance instead of squared": '''
import torch
def prototypical_logits(query, prototypes):
    return -torch.cdist(query, prototypes)
''',
        "positive squared distance (forgot the minus)": '''
def prototypical_logits(query, prototypes):
    return ((query[:, None, :] - prototypes[None, :, :]) ** 2).sum(dim=-1)
''',
        "dot product instead of distance": '''
def prototypical_logits(query, prototypes):
    return query @ prototypes.T
''',
        "mean over features instead of sum": '''
def prototypical_logits(query, prototypes):
    return -((query[:, None, :] - prototypes[None, :, :]) ** 2).mean(dim=-1)
''',
        "expansion without the prototype norm": '''
def prototypical_logits(query, prototypes):
    return -((query ** 2).sum(1, keepdim=True) - 2 * query @ prototypes.T)
''',
        "computed in float32 whatever the input": '''
def prototypical_logits(query, prototypes):
    q, p = query.float(), prototypes.float()
    return -((q[:, None, :] - p[None, :, :]) ** 2).sum(dim=-1)
''',
    },
}

RIGHT = {  # exercise -> {description: a correct implementation written differently}
    "freeze": {"requires_grad attribute assignment": '''
def freeze(module):
    for _, param in module.named_parameters():
        param.requires_grad = False
    return module
''', "module.requires_grad_(False)": '''
def freeze(module):
    return module.requires_grad_(False)
'''},
    "unfreeze": {"module.requires_grad_(True)": '''
def unfreeze(module):
    module.requires_grad_(True)
    return module
'''},
    "count_trainable": {"loop with a running total": '''
def count_trainable(model):
    total = 0
    for p in model.parameters():
        if p.requires_grad:
            n = 1
            for size in p.shape:
                n *= size
            total += n
    return total
'''},
    "gradual_unfreezing": {"joins at an epoch threshold per group": '''
def gradual_unfreezing(model_layers, epoch, every):
    layers = list(model_layers)
    L = len(layers)
    result = []
    for i, layer in enumerate(layers):
        on = epoch >= (L - 1 - i) * every
        layer.requires_grad_(on)
        result.append(on)
    return result
'''},
    "make_episode": {"shuffled rows, labels via a lookup": '''
import numpy as np
def make_episode(X, y, n_way, k_shot, n_query, rng):
    classes = rng.permutation(np.unique(y))[:n_way]
    s_rows, q_rows, s_lab, q_lab = [], [], [], []
    for label, c in enumerate(classes):
        members = np.flatnonzero(y == c)
        chosen = rng.choice(members, k_shot + n_query, replace=False)
        s_rows += list(chosen[:k_shot]); s_lab += [label] * k_shot
        q_rows += list(chosen[k_shot:]); q_lab += [label] * n_query
    s_order = rng.permutation(len(s_rows))
    q_order = rng.permutation(len(q_rows))
    s_rows, s_lab = np.array(s_rows)[s_order], np.array(s_lab)[s_order]
    q_rows, q_lab = np.array(q_rows)[q_order], np.array(q_lab)[q_order]
    return X[s_rows], s_lab, X[q_rows], q_lab
'''},
    "compute_prototypes": {"one-hot matrix product": '''
import torch
def compute_prototypes(embeddings, labels, n_way):
    onehot = torch.zeros(len(labels), n_way, dtype=embeddings.dtype, device=embeddings.device)
    onehot[torch.arange(len(labels)), labels] = 1
    return onehot.T @ embeddings / onehot.sum(0, keepdim=True).T
'''},
    "prototypical_logits": {"expanded square: |q|^2 + |p|^2 - 2 q.p": '''
def prototypical_logits(query, prototypes):
    qq = (query ** 2).sum(1, keepdim=True)
    pp = (prototypes ** 2).sum(1)
    return -(qq + pp - 2 * query @ prototypes.T)
''', "torch.cdist squared": '''
import torch
def prototypical_logits(query, prototypes):
    return -torch.cdist(query, prototypes) ** 2
'''},
}
