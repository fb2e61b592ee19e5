"""Assertions for graded test cells.

Every helper raises ``AssertionError`` with a message a learner can act on:
what was called, what was expected, what came back (or the largest
difference), and a hint about the usual mistake. Test cells import them as::

    from course.checks import assert_close, assert_equal, call_pure

Nothing here knows an exercise's answer: references live in the (hidden)
tests themselves or come from PyTorch.
"""
import copy
import warnings

import numpy as np

__all__ = [
    "assert_close",
    "assert_equal",
    "assert_dtype_kind",
    "assert_shape",
    "assert_raises",
    "call_pure",
    "call_quietly",
    "assert_gradient",
    "assert_no_shared_memory",
    "assert_input_untouched",
]


def _fail(what, lines, hint):
    msg = [f"{what}:"] + [f"  {line}" for line in lines]
    if hint:
        msg.append(f"Hint: {hint}")
    raise AssertionError("\n".join(msg))


def _brief(value, limit=200):
    text = np.array2string(np.asarray(value), precision=6, threshold=20, edgeitems=3) \
        if isinstance(value, np.ndarray) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _num(x):
    """A number as a learner would write it (no ``np.float64(...)`` wrapper)."""
    return repr(x.item()) if hasattr(x, "item") else repr(x)


def _as_array(value, what, hint):
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if value is None:
        _fail(what, ["expected an array, got None (did the function forget to `return`?)"], hint)
    try:
        arr = np.asarray(value)
    except Exception as exc:  # noqa: BLE001 - report anything unconvertible
        _fail(what, [f"expected an array, got {type(value).__name__} ({exc})"], hint)
    if arr.dtype == object:
        _fail(what, [f"expected an array of numbers, got {type(value).__name__}: {_brief(value)}"], hint)
    return arr


def assert_shape(actual, shape, what="result", hint=""):
    """Check that ``actual`` is array-like with exactly ``shape``."""
    arr = _as_array(actual, what, hint)
    if arr.shape != tuple(shape):
        _fail(what, [f"expected shape {tuple(shape)}, got shape {arr.shape}"], hint)
    return arr


def assert_dtype_kind(actual, kinds, what="result", hint=""):
    """Check the NumPy dtype kind: ``"i"`` signed int, ``"u"`` unsigned,
    ``"f"`` float, ``"b"`` bool; ``kinds`` is a string of allowed kinds."""
    arr = _as_array(actual, what, hint)
    if arr.dtype.kind not in kinds:
        names = {"i": "integer", "u": "unsigned integer", "f": "float", "b": "bool"}
        want = " or ".join(names.get(k, k) for k in kinds)
        _fail(what, [f"expected an array of {want}, got dtype {arr.dtype}"], hint)
    return arr


def assert_close(actual, expected, what="result", hint="", rtol=1e-6, atol=1e-9):
    """Check shape and values of ``actual`` against ``expected``.

    NaN and infinities must match exactly where they occur; finite values must
    satisfy ``|actual - expected| <= atol + rtol * |expected|``.
    """
    exp = np.asarray(expected.detach().cpu().numpy() if hasattr(expected, "detach") else expected,
                     dtype=float)
    act = _as_array(actual, what, hint)
    if act.shape != exp.shape:
        _fail(what, [f"expected shape {exp.shape}, got shape {act.shape}",
                     f"expected {_brief(exp)}", f"got      {_brief(act)}"], hint)
    try:
        act = act.astype(float)
    except (TypeError, ValueError):
        _fail(what, [f"expected numbers, got dtype {act.dtype}"], hint)
    with np.errstate(all="ignore"):  # the checker itself must never warn on stderr
        _compare_close(act, exp, what, hint, rtol, atol)
    return act


def _compare_close(act, exp, what, hint, rtol, atol):
    bad_nan = np.isnan(act) != np.isnan(exp)
    if bad_nan.any():
        idx = tuple(int(i) for i in np.argwhere(bad_nan)[0])
        _fail(what, [f"at index {idx}: expected {_num(exp[idx])}, got {_num(act[idx])}",
                     f"expected {_brief(exp)}", f"got      {_brief(act)}"],
              hint or "NaN usually comes from inf - inf or 0/0: look for an overflowing exp().")
    both = ~np.isnan(exp)
    inf_mismatch = both & (np.isinf(exp) | np.isinf(act)) & (act != exp)
    if inf_mismatch.any():
        idx = tuple(int(i) for i in np.argwhere(inf_mismatch)[0])
        _fail(what, [f"at index {idx}: expected {_num(exp[idx])}, got {_num(act[idx])}",
                     f"expected {_brief(exp)}", f"got      {_brief(act)}"], hint)
    finite = both & np.isfinite(exp) & np.isfinite(act)
    err = np.where(finite, np.abs(act - exp), 0.0)
    tol = atol + rtol * np.abs(np.where(finite, exp, 0.0))
    if (err > tol).any():
        idx = np.unravel_index(int(np.argmax(err - tol)), err.shape) if err.ndim else ()
        idx = tuple(int(i) for i in idx)
        where = f"at index {idx}" if idx else "the value"
        _fail(what, [f"{where}: expected {_num(exp[idx])}, got {_num(act[idx])} "
                     f"(difference {err[idx]:.3g}, tolerance {tol[idx]:.3g})",
                     f"expected {_brief(exp)}", f"got      {_brief(act)}"], hint)


def assert_equal(actual, expected, what="result", hint=""):
    """Exact equality for ints, tuples, strings and integer arrays."""
    if isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray):
        act = _as_array(actual, what, hint)
        exp = np.asarray(expected)
        if act.shape != exp.shape:
            _fail(what, [f"expected shape {exp.shape}, got shape {act.shape}",
                         f"expected {_brief(exp)}", f"got      {_brief(act)}"], hint)
        if not np.array_equal(act, exp):
            idx = tuple(int(i) for i in np.argwhere(act != exp)[0])
            _fail(what, [f"at index {idx}: expected {_num(exp[idx])}, got {_num(act[idx])}",
                         f"expected {_brief(exp)}", f"got      {_brief(act)}"], hint)
        return act
    if type(actual) is not type(expected) and not (
        isinstance(actual, (int, np.integer)) and isinstance(expected, (int, np.integer))
        and not isinstance(actual, (bool, np.bool_))
    ):
        if not (isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple))):
            _fail(what, [f"expected a {type(expected).__name__} {_brief(expected)}, "
                         f"got a {type(actual).__name__} {_brief(actual)}"], hint)
    if actual != expected:
        _fail(what, [f"expected {_brief(expected)}", f"got      {_brief(actual)}"], hint)
    return actual


def assert_raises(exc_type, fn, *args, what=None, hint="", **kwargs):
    """Check that ``fn(*args, **kwargs)`` raises ``exc_type``."""
    what = what or f"{getattr(fn, '__name__', 'function')}{_call_repr(args, kwargs)}"
    try:
        result = fn(*args, **kwargs)
    except exc_type:
        return
    except Exception as exc:  # noqa: BLE001 - report the wrong kind of error
        _fail(what, [f"expected {exc_type.__name__}, but it raised "
                     f"{type(exc).__name__}: {exc}"], hint)
    _fail(what, [f"expected {exc_type.__name__} to be raised, but it returned {_brief(result)}"],
          hint)


def _call_repr(args, kwargs):
    parts = [_brief(a, 60) for a in args] + [f"{k}={_brief(v, 60)}" for k, v in kwargs.items()]
    return "(" + ", ".join(parts) + ")"


def _snapshot(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - an uncopyable argument cannot be checked
        return value


def _same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype):
            return False
        # NaN only exists in inexact dtypes; strings and objects compare plainly.
        return np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001
        return True


def call_pure(fn, *args, what=None, **kwargs):
    """Call ``fn`` and check it did not modify any of its array arguments.

    Returns what ``fn`` returned. Exercises must leave their inputs alone;
    an in-place update (``w += ...``) is the usual culprit.
    """
    before = [_snapshot(a) for a in args]
    before_kw = {k: _snapshot(v) for k, v in kwargs.items()}
    result = fn(*args, **kwargs)
    name = what or getattr(fn, "__name__", "function")
    for i, (old, new) in enumerate(zip(before, args)):
        if not _same(old, new):
            _fail(f"{name}", [f"argument {i + 1} was modified by the call",
                              f"before {_brief(old)}", f"after  {_brief(new)}"],
                  "work on a copy (e.g. `w = w + ...` or `w.copy()`), never `w += ...` "
                  "on an argument.")
    for key, old in before_kw.items():
        if not _same(old, kwargs[key]):
            _fail(f"{name}", [f"argument {key}= was modified by the call"],
                  "work on a copy, never update an argument in place.")
    return result


def call_quietly(fn, *args, what=None, hint="", **kwargs):
    """Call ``fn`` and fail if it emits a warning (e.g. NumPy's overflow
    ``RuntimeWarning``). Returns what ``fn`` returned.

    Underflow (``exp(-2000)`` becoming 0) is not a warning: stable formulas do
    it on purpose, and NumPy is silent about it by default."""
    name = what or f"{getattr(fn, '__name__', 'function')}{_call_repr(args, kwargs)}"
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
        warnings.simplefilter("always")
        result = fn(*args, **kwargs)
    if caught:
        first = caught[0]
        _fail(name, [f"the call warned: {first.category.__name__}: {first.message}"],
              hint or "an overflow warning means exp() got a huge argument; "
                      "rewrite the formula so exp() only sees values <= 0.")
    return result


# -- helpers that hidden tests share (each was once pasted into several test cells) ------------
def assert_gradient(name, got, want, numeric, what, hint):
    """Compare one gradient ``got`` with PyTorch's ``want`` (autograd) and with
    ``numeric``, a central-difference check of the same quantity made by the test.

    The two references must agree (else the test itself is wrong); ``got`` must
    match ``want`` to ``1e-8 + 1e-6 |want|`` everywhere. The message names the
    parameter, the worst index and all three numbers there.
    """
    want = np.asarray(want, dtype=float)
    got = assert_shape(got, want.shape, what=f"{what}: {name}", hint=hint).astype(float)
    assert np.allclose(want, numeric, rtol=1e-5, atol=1e-6), "test error: references disagree"
    diff = np.abs(got - want)
    diff = np.where(np.isnan(diff), np.inf, diff)
    tol = 1e-8 + 1e-6 * np.abs(want)
    if (diff > tol).any():
        idx = np.unravel_index(int(np.argmax(diff - tol)), diff.shape) if diff.ndim else ()
        idx = tuple(int(i) for i in idx)
        where = f" at {idx}" if idx else ""
        raise AssertionError(
            f"{what}:\n  {name}: largest difference {diff[idx]:.3g}{where}; torch autograd says "
            f"{want[idx] + 0.0:.6g}, a central-difference check says "
            f"{np.asarray(numeric)[idx] + 0.0:.6g}, you returned {got[idx] + 0.0:.6g}\nHint: {hint}")


def assert_no_shared_memory(outputs, inputs, what):
    """Fail if any of ``outputs`` shares memory with any of the array ``inputs``
    (an update returned in place of a new array)."""
    for i, out in enumerate(outputs):
        for j, inp in enumerate(inputs):
            assert_equal(bool(np.shares_memory(np.asarray(out), inp)), False,
                         what=f"{what}: output {i + 1} shares memory with argument {j + 1}",
                         hint="return new arrays: compute `theta - ...` instead of "
                              "updating (or returning) an argument.")


def assert_input_untouched(model, x, x_before, what):
    """After an attack or attribution call: the input tensor ``x`` is unchanged
    (values, and ``requires_grad`` still False) and no parameter of ``model`` has
    a ``.grad`` left over."""
    import torch

    assert_equal(torch.equal(x, x_before) and not x.requires_grad, True,
                 what=f"{what}: x after the call is unchanged (values, requires_grad False)",
                 hint="work on a copy: x.detach().clone().requires_grad_(True), never x.requires_grad_() "
                      "or an in-place update of x.")
    leftover = [name for name, p in model.named_parameters() if p.grad is not None]
    assert_equal(leftover, [], what=f"{what}: parameters with a .grad after the call",
                 hint="use torch.autograd.grad(loss, x_copy): loss.backward() also fills the weights' .grad.")


# -- every failing check of a test cell, not only the first ----------------------------
def _collector_stack():
    """The open ``collect()`` blocks, held in this closure rather than in an attribute, so that
    graded code can neither reach a block's failures nor plant a block of its own: a failure
    is recorded only into a block whose frame is on the current call stack."""
    import sys

    entries = []  # (frame, token, failures)

    def push(frame, token):
        entries.append((frame, token, []))

    def pop(token):
        for i in range(len(entries) - 1, -1, -1):
            if entries[i][1] is token:
                return entries.pop(i)[2]
        return []

    def record(text):
        if not entries:
            return False
        live, frame = set(), sys._getframe(1)
        while frame is not None:
            live.add(id(frame))
            frame = frame.f_back
        for entry_frame, _token, failures in reversed(entries):
            if id(entry_frame) in live:
                if text not in failures:
                    failures.append(text)
                return True
        return False

    return push, pop, record


_push_block, _pop_block, _record_failure = _collector_stack()


class collect:
    """Run a test cell's checks to the end and fail once, listing every failing one.

    Test cells wrap their visible checks in it::

        with collect():
            assert_close(...)
            assert_close(...)

    Inside the block a failing ``assert_*`` check (or ``expect``) is recorded and returns
    what it was given, so the checks after it still run; at the end of the block one
    ``AssertionError`` lists every recorded failure, one line each ("what: detail.
    Hint: ..."). An error the block itself raises (a plain ``assert``, the stub's
    ``NotImplementedError``, a crash caused by an earlier wrong value) ends it: it is
    re-raised as it is when nothing was recorded, else added as the last line. The
    cell still fails as a whole, so nbgrader's scoring of a test cell is unchanged.

    ``assert_close`` and ``assert_equal`` also take ``mistakes={description: value}``: the
    values the classic mistakes return; a failing answer equal to one of them is told
    "this is what you get if you <description>".
    """

    def __init__(self, limit=12):
        self.limit = limit

    def __enter__(self):
        import sys

        self._token = object()
        _push_block(sys._getframe(1), self._token)
        return self

    def __exit__(self, exc_type, exc, tb):
        failures = list(_pop_block(self._token))
        if not failures:
            return False
        lines = failures
        if exc_type is not None:
            text = one_line(exc) if isinstance(exc, AssertionError) else \
                f"then {exc_type.__name__}: {one_line(exc)}"
            if text not in lines:
                lines.append(text)
        shown = lines[: self.limit]
        if len(lines) > len(shown):
            shown.append(f"... and {len(lines) - len(shown)} more")
        head = "1 check failed:" if len(lines) == 1 else f"{len(lines)} checks failed:"
        raise AssertionError("\n".join([head] + [f"- {line}" for line in shown])) from None

    @staticmethod
    def record(error):
        """Record ``error`` in the innermost open block of the calling code; False if none."""
        return _record_failure(one_line(error))


def one_line(error):
    """A check's message in one line: ``what: detail [detail...] Hint: ...`` (the
    ``expected ...``/``got ...`` dumps of arrays are left out)."""
    lines = [ln.strip() for ln in str(error).splitlines() if ln.strip()]
    if not lines:
        return type(error).__name__
    keep = [lines[0]] + [ln for ln in lines[1:]
                         if not ln.startswith(("expected [", "got      [", "expected array",
                                               "got      array"))]
    text = " ".join(keep)
    return text if len(text) <= 400 else text[:397] + "..."


def _looks_like(actual, mistakes):
    """The first description in ``mistakes`` ({description: what that mistake returns})
    whose value ``actual`` matches; None if none does."""
    for desc, value in (mistakes or {}).items():
        try:
            act = actual.detach().cpu().numpy() if hasattr(actual, "detach") else actual
            val = value.detach().cpu().numpy() if hasattr(value, "detach") else value
            act, val = np.asarray(act, dtype=float), np.asarray(val, dtype=float)
            with np.errstate(all="ignore"):
                if act.shape == val.shape and np.allclose(act, val, rtol=1e-6, atol=1e-9):
                    return desc
        except Exception:  # noqa: BLE001 - an unconvertible answer matches no mistake
            continue
    return None


def _collectable(fn, passthrough):
    import functools

    @functools.wraps(fn)
    def wrapper(*args, mistakes=None, **kwargs):
        try:
            return fn(*args, **kwargs)
        except AssertionError as error:
            desc = _looks_like(args[0], mistakes) if args and mistakes else None
            if desc:
                lines = str(error).splitlines()
                error = AssertionError("\n".join(lines[:1] + [f"  this is what you get if you {desc}"]
                                                 + lines[1:]))
            if not collect.record(error):
                raise error from None
            return passthrough(args)
    return wrapper


def expect(condition, message):
    """``assert condition, message`` that a ``collect()`` block records and goes on from."""
    if not condition:
        err = AssertionError(message)
        if not collect.record(err):
            raise err
    return bool(condition)


assert_close = _collectable(assert_close, lambda a: a[0] if a else None)
assert_equal = _collectable(assert_equal, lambda a: a[0] if a else None)
assert_shape = _collectable(assert_shape, lambda a: a[0] if a else None)
assert_dtype_kind = _collectable(assert_dtype_kind, lambda a: a[0] if a else None)
assert_raises = _collectable(assert_raises, lambda a: None)
__all__ += ["collect", "expect", "one_line"]
