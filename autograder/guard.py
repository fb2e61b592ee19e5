"""The guard: trusted code the grader runs inside the kernel, around every test cell.

``install(modules)`` runs in a hidden first cell, before any of the learner's
code, and remembers what the tests rely on: every function and class of the
protected modules (NumPy, PyTorch, ``course.checks``, the builtins, ... and
whatever the test cells import), the methods of every class those modules
define (``torch.Tensor``, ``nn.Module``, ``nn.LSTMCell``, ...), and IPython's hooks (input and AST transformers, the custom
exception handler, the trace and exception hooks).

``check(cell)`` runs first in every test cell: it fails the cell if anything
remembered was replaced, and seeds ``random``, NumPy and PyTorch so the test
sees the same random numbers on every run. ``done(cell, nonce)`` runs last and
checks again (the learner's function may have replaced something while the test
called it) before printing the nonce the grader looks for: a test cell whose
output lacks it did not run to its end, however quiet its output.
"""
import builtins
import importlib
import random
import sys
import types

SEED = 1234
BASE_MODULES = ("builtins", "math", "random", "numpy", "numpy.linalg", "numpy.random",
                "numpy.testing", "course", "course.checks")
TORCH_MODULES = ("torch", "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.nn.utils",
                 "torch.testing", "torch.linalg", "torch.autograd", "torch.optim",
                 "torch.distributions", "torch.utils.data")
# Classes whose methods are remembered even though their module may not export them.
TORCH_CLASSES = ("Tensor", "nn.Module", "nn.Parameter")

# Names IPython and ipykernel themselves rebind in the builtins around every cell.
IPYTHON_BUILTINS = {"input", "raw_input", "getpass", "exit", "quit", "get_ipython", "display",
                    "help", "copyright", "credits", "license", "dreload", "_", "__", "___"}
# Shell methods that decide what a cell's outcome looks like.
SHELL_METHODS = ("run_cell", "run_cell_async", "run_ast_nodes", "run_code", "showtraceback",
                 "_showtraceback", "showsyntaxerror", "transform_cell", "transform_ast")

# Functions PyTorch itself wraps once its compiler loads (the first optimizer step):
# the wrapper is accepted when it wraps exactly the remembered function.
WRAPPED_BY_TORCH = {("torch", "manual_seed")}

_saved = {}


class GradingIntegrityError(Exception):
    """The learner's code changed something the tests rely on."""


def _callables(namespace):
    return {name: value for name, value in list(namespace.items())
            if callable(value) or isinstance(value, types.ModuleType)}


def _methods(cls):
    """What a class does: its functions, static and class methods and properties
    (``nn.LSTMCell.forward`` patched to call the learner's cell would make the
    reference agree with any answer)."""
    return {name: value for name, value in list(vars(cls).items())
            if callable(value) or isinstance(value, (staticmethod, classmethod, property))}


def _optimizer_hook(cls, attr, current):
    """PyTorch wraps an optimizer class's ``step`` for its profiler when the first
    instance is made (``Optimizer._patch_step_function``; on a subclass that inherits
    ``step``, around the inherited one): wrappers of PyTorch's own making around a
    remembered ``step`` of the class or an ancestor are PyTorch's doing."""
    torch = sys.modules.get("torch")
    if attr != "step" or torch is None or not isinstance(cls, type) \
            or not issubclass(cls, torch.optim.Optimizer):
        return False
    maker = vars(torch.optim.Optimizer).get("profile_hook_step")
    maker = getattr(maker, "__func__", maker)
    codes = [c for c in getattr(getattr(maker, "__code__", None), "co_consts", ())
             if isinstance(c, types.CodeType)]
    steps = [_saved["classes"][k][1].get("step") for k in cls.__mro__ if k in _saved["classes"]]
    wrapped = 0
    while getattr(current, "hooked", False) is True and getattr(current, "__code__", None) in codes \
            and wrapped < 8:
        current, wrapped = getattr(current, "__wrapped__", None), wrapped + 1
    return wrapped > 0 and any(current is step for step in steps if step is not None)


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - plain Python
        return None
    return get_ipython()


def _hooks():
    shell = _shell()
    state = {"sys.excepthook": sys.excepthook, "sys.gettrace": sys.gettrace(),
             "sys.getprofile": sys.getprofile()}
    if shell is not None:
        state.update({
            "IPython's input transformers": list(shell.input_transformers_post),
            "IPython's input cleanup transformers": list(shell.input_transformers_cleanup),
            "IPython's AST transformers": list(shell.ast_transformers),
            "IPython's custom exception handler": shell.custom_exceptions,
            "IPython's CustomTB": vars(shell).get("CustomTB"),
        })
        for name in SHELL_METHODS:
            state[f"the shell's {name}"] = vars(shell).get(name)
            state[f"the shell class's {name}"] = getattr(type(shell), name, None)
    return state


def install(extra_modules=()):
    """Remember the state the tests rely on (call before any learner code runs)."""
    names = list(BASE_MODULES) + [m for m in extra_modules if m not in BASE_MODULES]
    if any(m.split(".")[0] == "torch" for m in names) or "torch" in sys.modules:
        names += [m for m in TORCH_MODULES if m not in names]
    modules = {}
    for name in names:
        try:
            modules[name] = importlib.import_module(name)
        except ImportError:
            continue
    _saved["modules"] = {name: (mod, _callables(vars(mod))) for name, mod in modules.items()}
    for name in IPYTHON_BUILTINS:
        _saved["modules"]["builtins"][1].pop(name, None)
    classes = {}
    if "torch" in modules:
        torch = modules["torch"]
        for path in TORCH_CLASSES:
            cls = torch
            for part in path.split("."):
                cls = getattr(cls, part)
            classes[cls] = (f"torch.{path}", _methods(cls))
    roots = {name.split(".")[0] for name in modules}
    for name, mod in modules.items():  # every class a protected module defines
        root = name.split(".")[0]
        for attr, value in list(vars(mod).items()):
            if isinstance(value, type) and value not in classes \
                    and str(getattr(value, "__module__", "")).split(".")[0] == root:
                classes[value] = (f"{name}.{attr}", _methods(value))
    for cls in list(classes):  # and their ancestors (Tensor's methods live in its C base)
        for base in cls.__mro__[1:]:
            if base not in classes and base is not object \
                    and str(getattr(base, "__module__", "")).split(".")[0] in roots:
                classes[base] = (f"{base.__module__}.{base.__qualname__}", _methods(base))
    _saved["classes"] = classes
    _saved["hooks"] = _hooks()


def _problems():
    found = []
    for name, (mod, members) in _saved["modules"].items():
        if sys.modules.get(name) is not mod:
            found.append(f"the module {name} itself")
            continue
        now = vars(mod)
        for attr, value in members.items():
            current = now.get(attr)
            if current is value or ((name, attr) in WRAPPED_BY_TORCH
                                    and getattr(current, "__wrapped__", None) is value):
                continue
            found.append(f"{name}.{attr}")
    for cls, (name, members) in _saved["classes"].items():
        now = _methods(cls)
        for attr, value in members.items():
            current = now.get(attr)
            if current is not value and not _optimizer_hook(cls, attr, current):
                found.append(f"{name}.{attr}")
        # a method added to the class shadows the one it inherits
        found += [f"{name}.{attr}" for attr in now.keys() - members.keys()
                  if not _optimizer_hook(cls, attr, now[attr])]
    hooks = _hooks()
    for key, value in _saved["hooks"].items():
        if hooks.get(key) != value:  # bound methods are equal when function and owner are
            found.append(key)
    return found


def _seed():
    random.seed(SEED)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(SEED)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(SEED)


def check(cell):
    """Fail if the tests' world was changed; then seed every generator."""
    if not _saved:
        raise GradingIntegrityError(f"{cell}: the grader's guard was not installed")
    problems = _problems()
    if problems:
        shown = ", ".join(problems[:3]) + (" ..." if len(problems) > 3 else "")
        raise GradingIntegrityError(
            f"the notebook changed what the tests rely on ({shown}); "
            f"graded code must not replace library functions or the kernel's hooks")
    _seed()


def done(cell, nonce):
    """The test cell ran to its end: check again, then print the grader's nonce."""
    check(cell)
    builtins.print(f"\n[course-guard {nonce}]", end="")
