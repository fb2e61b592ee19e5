"""The check helpers pass what is right and explain what is wrong."""
import warnings

import numpy as np
import pytest

from course.checks import (assert_close, assert_dtype_kind, assert_equal, assert_raises,
                           assert_shape, call_pure, call_quietly)


def test_assert_close_accepts_close_values():
    assert_close(np.array([1.0, 2.0]) + 1e-12, [1.0, 2.0])
    assert_close(np.array([np.inf, np.nan, -np.inf]), [np.inf, np.nan, -np.inf])


@pytest.mark.parametrize("actual,expected,phrase", [
    (np.array([1.0, 2.5]), [1.0, 2.0], "at index (1,): expected 2.0, got 2.5"),
    (np.array([[1.0, 2.0]]), [1.0, 2.0], "expected shape (2,), got shape (1, 2)"),
    (np.array([np.nan]), [1.0], "at index (0,)"),
    (np.array([np.inf]), [1.0], "expected 1.0, got inf"),
    (None, [1.0], "did the function forget to `return`?"),
])
def test_assert_close_says_what_differs(actual, expected, phrase):
    with pytest.raises(AssertionError) as err:
        assert_close(actual, expected, "f(x)", hint="look at the sign")
    text = str(err.value)
    assert text.startswith("f(x):") and phrase in text and "Hint: look at the sign" in text


def test_assert_equal_types_and_arrays():
    assert_equal(3, np.int64(3))
    assert_equal((1, 2), (1, 2))
    with pytest.raises(AssertionError, match="expected a int"):
        assert_equal(True, 1)
    with pytest.raises(AssertionError, match="at index"):
        assert_equal(np.array([0, 1]), np.array([0, 0]))


def test_dtype_and_shape():
    assert_dtype_kind(np.array([1, 0]), "iu")
    with pytest.raises(AssertionError, match="integer"):
        assert_dtype_kind(np.array([True]), "iu")
    with pytest.raises(AssertionError, match="shape"):
        assert_shape(np.zeros(3), (3, 1))


def test_assert_raises():
    assert_raises(ValueError, int, "x")
    with pytest.raises(AssertionError, match="expected ValueError to be raised"):
        assert_raises(ValueError, int, "3")
    with pytest.raises(AssertionError, match="but it raised TypeError"):
        assert_raises(ValueError, int, None)


def test_call_pure_catches_in_place_updates():
    def sneaky(w):
        w += 1
        return w

    assert call_pure(lambda w: w + 1, np.zeros(2)).tolist() == [1, 1]
    with pytest.raises(AssertionError, match="argument 1 was modified"):
        call_pure(sneaky, np.zeros(2))


def test_call_quietly_catches_warnings():
    assert call_quietly(np.exp, 1.0) == np.e
    with pytest.raises(AssertionError, match="RuntimeWarning"):
        call_quietly(np.exp, 1000.0)
    with pytest.raises(AssertionError, match="UserWarning"):
        call_quietly(lambda: warnings.warn("careful"))
    with pytest.raises(AssertionError, match="divide by zero"):
        call_quietly(np.log, np.array(0.0))


def test_call_quietly_allows_underflow():
    """Stable formulas underflow on purpose: exp(-2000) is 0 and that is fine."""
    assert call_quietly(np.exp, np.array(-2000.0)) == 0.0


def test_call_pure_accepts_string_arrays_and_sees_them_modified():
    import numpy as np

    from course.checks import call_pure

    groups = np.array(["a", "b", "a"])
    assert call_pure(lambda g: (g == "a").mean(), groups) == 2 / 3

    def relabel(g):
        g[0] = "z"
        return g

    with pytest.raises(AssertionError, match="modified"):
        call_pure(relabel, np.array(["a", "b"]))


def test_collect_reports_every_failing_check_in_one_error():
    from course.checks import collect, expect

    with pytest.raises(AssertionError) as info:
        with collect():
            assert_close([1.0, 2.0], [1.0, 2.5], what="dW", hint="dW = X.T @ dout")
            assert_close(3.0, 3.0, what="loss")
            expect(False, "db: sum over the batch, not the mean")
            assert_equal((2, 3), (3, 2), what="shape", hint="rows first")
    text = str(info.value)
    lines = text.splitlines()
    assert lines[0] == "3 checks failed:" and len(lines) == 4, text
    assert lines[1].startswith("- dW: at index (1,): expected 2.5, got 2.0") and "Hint: dW = X.T @ dout" in lines[1]
    assert lines[2] == "- db: sum over the batch, not the mean"
    assert lines[3].startswith("- shape:") and "Hint: rows first" in lines[3]


def test_collect_passes_quietly_and_reraises_other_errors_as_they_are():
    from course.checks import collect

    with collect():
        assert_close(1.0, 1.0)
    with pytest.raises(NotImplementedError):
        with collect():
            raise NotImplementedError()
    # an error after a failed check (caused by the wrong value) joins the list
    with pytest.raises(AssertionError) as info:
        with collect():
            out = assert_shape(np.zeros(3), (2,), what="out")
            out[5]
    assert str(info.value).splitlines()[0] == "2 checks failed:"
    assert "then IndexError" in str(info.value)


def test_checks_outside_collect_still_raise_at_once():
    from course.checks import expect

    with pytest.raises(AssertionError, match="first"):
        expect(False, "first")
    with pytest.raises(AssertionError):
        assert_close(1.0, 2.0)


def test_a_known_mistake_is_named():
    want = np.array([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(AssertionError) as info:
        assert_close(want * 3, want, what="db2",
                     mistakes={"forgot to divide by n": want * 3, "averaged twice": want / 3})
    assert str(info.value).splitlines()[1] == "  this is what you get if you forgot to divide by n"
    with pytest.raises(AssertionError) as info:
        assert_close(want * 2, want, what="db2", mistakes={"forgot to divide by n": want * 3})
    assert "this is what you get" not in str(info.value)
    assert_close(want, want, mistakes={"x": want})


def test_a_block_opened_elsewhere_cannot_swallow_a_later_failure():
    """A learner's cell that opens a collect() block and never closes it (or opens one inside
    the function a test calls) must not turn the later checks into silent records."""
    from course.checks import collect

    def answer_cell():
        collect().__enter__()          # left open on purpose

    answer_cell()
    with pytest.raises(AssertionError):
        assert_close(1.0, 2.0, what="a hidden check after the learner's cell")

    def learner_function():
        collect().__enter__()
        return 1.0

    with pytest.raises(AssertionError, match="1 check failed"):
        with collect():
            assert_close(learner_function(), 2.0, what="visible check")
    with pytest.raises(AssertionError):
        assert_close(learner_function(), 2.0, what="hidden check")
