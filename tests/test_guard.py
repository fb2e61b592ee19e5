"""The guard inside a fresh Python process: what it catches, and what PyTorch does
on its own that it must not mistake for tampering."""
import subprocess
import sys
import textwrap

import pytest

from autograder.pipeline import ROOT

PRELUDE = """
import torch, torch.nn as nn
import autograder.guard as guard
guard.install(["torch", "torch.nn", "torch.optim"])
"""


def _fake_profiler_step(optimizer):
    """A ``step`` for ``torch.optim.<optimizer>`` that does nothing, wrapped and marked
    as PyTorch's profiler wrapper is (``functools.wraps`` around Adam's ``step``, ``hooked``)."""
    return f"""
        import functools
        @functools.wraps(torch.optim.Adam.step)
        def step(self, *a, **k):
            return None
        step.hooked = True
        torch.optim.{optimizer}.step = step"""


TAMPERING = {
    "a torch layer's forward": "nn.LSTMCell.forward = lambda self, *a, **k: None",
    "a property of a torch class": "nn.Module.training = property(lambda self: False)",
    "a static method of a torch class": "torch.optim.Adam._step_supports_amp_scaling = staticmethod(print)",
    "an optimizer's step dressed as PyTorch's profiler hook": _fake_profiler_step("Adam"),
    "a step added to an optimizer that inherits one": _fake_profiler_step("AdamW"),
    "a Tensor method": "torch.Tensor.allclose = lambda *a, **k: True",
    "Tensor's C base, reached through mro()": """
        try:
            torch.Tensor.mro()[1].allclose = lambda *a, **k: True
        except TypeError:  # immutable in this PyTorch: the attack cannot even start
            print('IMMUTABLE')
            raise SystemExit(0)""",
    "a torch.utils.data class": "import torch.utils.data as tud\ntud.TensorDataset.__len__ = lambda self: 1",
}
HONEST = {
    "optimizers made and stepped (PyTorch hooks their step)": """
        w = torch.zeros(3, requires_grad=True)
        # AdamW inherits Adam's step: PyTorch wraps the inherited one, twice if Adam came first
        for make in (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW, torch.optim.RMSprop,
                     torch.optim.AdamW, torch.optim.Adagrad):
            opt = make([w], lr=0.1)
            (w.sum() ** 2).backward()
            opt.step()
            opt.zero_grad()""",
    "an optimizer of the learner's own": """
        class Mine(torch.optim.Optimizer):
            def __init__(self, params):
                super().__init__(params, {})
            def step(self, closure=None):
                return None
        Mine([torch.zeros(1, requires_grad=True)]).step()""",
    "a module of the learner's own": """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(2, 1)
            def forward(self, x):
                return self.fc(x)
        Net()(torch.zeros(4, 2)).sum().backward()""",
}


def _run(code):
    script = PRELUDE + textwrap.dedent(code) + "\nguard.check('test_x')\nprint('CLEAN')\n"
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, stdin=subprocess.DEVNULL, timeout=300)


@pytest.mark.parametrize("what", TAMPERING)
def test_the_guard_catches(what):
    proc = _run(TAMPERING[what])
    assert "CLEAN" not in proc.stdout, f"{what}: not caught"
    assert "GradingIntegrityError" in proc.stderr or proc.stdout == "IMMUTABLE\n", \
        proc.stdout[-500:] + proc.stderr[-1500:]


@pytest.mark.parametrize("what", HONEST)
def test_the_guard_accepts(what):
    proc = _run(HONEST[what])
    assert "CLEAN" in proc.stdout, proc.stderr[-1500:]
