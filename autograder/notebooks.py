"""Reading notebooks and finding the exercises in them.

Course conventions (README, "Writing a module"): exercise ``name`` has an answer
cell with grade_id ``name`` and test cells with grade_id ``test_name`` or
``test_name__part``.
"""
import json
import os
import re
import stat
from pathlib import Path

import nbformat

from . import CourseError

ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: The largest notebook grading reads (a course notebook with outputs is well under 5 MB).
MAX_NOTEBOOK_BYTES = 20_000_000
#: How deep a notebook's JSON may nest (nbformat's own structure is 6 deep; metadata a
#: little more): deeper is not a notebook anyone made by hand.
MAX_JSON_DEPTH = 200


def read_notebook(path):
    """Read a notebook, or raise CourseError saying in one line why not."""
    path = Path(path)
    if not path.exists():
        raise CourseError(f"{path}: no such file")
    if path.is_dir():
        raise CourseError(f"{path}: is a folder, not a notebook")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path}: cannot be read as text ({exc.__class__.__name__})") from None
    return parse_notebook(text, str(path))


def read_submission(base, parts, max_bytes=MAX_NOTEBOOK_BYTES):
    """The text of the file ``base/parts[0]/.../parts[-1]``, following no symbolic link
    below ``base`` (each folder and the file itself are opened with ``O_NOFOLLOW``); a
    link, a file that is not a regular file, one over ``max_bytes`` or not UTF-8 is a
    CourseError. What a learner hands in is graded as itself, never as what it points to."""
    shown = "/".join(parts)
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part in ("", ".", "..") or "/" in part:
                raise CourseError(f"{shown}: not a plain file name")
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | (0 if last else os.O_DIRECTORY)
            try:
                nxt = os.open(part, flags, dir_fd=fd)
            except OSError as exc:
                kind = "a symbolic link" if os.path.islink(os.path.join(base, *parts[:i + 1])) \
                    else exc.strerror.lower()
                raise CourseError(f"{shown}: {part} is {kind}; a submission must be a "
                                  f"plain notebook file") from None
            os.close(fd)
            fd = nxt
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CourseError(f"{shown}: is not a plain file")
        if info.st_size > max_bytes:
            raise CourseError(f"{shown}: is {info.st_size:,} bytes, more than the "
                              f"{max_bytes:,} a notebook may be")
        with os.fdopen(fd, "rb", closefd=True) as fh:
            fd = None
            data = fh.read(max_bytes + 1)
    finally:
        if fd is not None:
            os.close(fd)
    if len(data) > max_bytes:
        raise CourseError(f"{shown}: is more than the {max_bytes:,} bytes a notebook may be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CourseError(f"{shown}: cannot be read as text (not UTF-8)") from None


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)


def _depth(text):
    """How deep the brackets of JSON ``text`` nest (outside strings), without recursion."""
    depth = deepest = 0
    for ch in re.findall(r"[\[\]{}]", _JSON_STRING.sub("", text)):
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def parse_notebook(text, name="notebook"):
    if len(text) > MAX_NOTEBOOK_BYTES:
        raise CourseError(f"{name}: is more than the {MAX_NOTEBOOK_BYTES:,} characters a "
                          f"notebook may be")
    if _depth(text) > MAX_JSON_DEPTH:
        raise CourseError(f"{name}: not a notebook (its JSON nests more than "
                          f"{MAX_JSON_DEPTH} levels deep)")
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise CourseError(f"{name}: not a notebook (not valid JSON: {exc.msg} at line {exc.lineno})") \
            from None
    except (RecursionError, MemoryError) as exc:
        raise CourseError(f"{name}: not a notebook ({exc.__class__.__name__} reading its JSON)") \
            from None
    try:  # a lone surrogate ("\\ud800") is valid JSON but no text: nothing could write it back
        json.dumps(raw, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise CourseError(f"{name}: not a valid notebook (it holds text that is not valid "
                          f"Unicode: a lone surrogate)") from None
    if not isinstance(raw, dict) or "cells" not in raw and "worksheets" not in raw:
        raise CourseError(f"{name}: not a notebook (no cells)")
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except (RecursionError, MemoryError) as exc:
        raise CourseError(f"{name}: not a valid notebook ({exc.__class__.__name__})") from None
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise CourseError(f"{name}: not a valid notebook ({first[:120]})") from None
    return nb


def nbgrader_meta(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def is_test_cell(cell):
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_answer_cell(cell):
    return cell.get("cell_type") == "code" and bool(nbgrader_meta(cell).get("solution"))


def exercise_of(grade_id):
    """``test_sigmoid__2`` -> ``sigmoid``; answer ids are the exercise's name."""
    name = grade_id[len("test_"):] if grade_id.startswith("test_") else grade_id
    return name.split("__")[0]


def exercises(nb):
    """Ordered exercise names with their test cells' grade ids and points:
    ``{name: [(grade_id, points), ...]}``."""
    found = {}
    for cell in nb.cells:
        if is_answer_cell(cell):
            found.setdefault(nbgrader_meta(cell)["grade_id"], [])
        elif is_test_cell(cell):
            meta = nbgrader_meta(cell)
            found.setdefault(exercise_of(meta["grade_id"]), []).append(
                (meta["grade_id"], float(meta.get("points", 0))))
    return {name: tests for name, tests in found.items() if tests}


def failure_message(cell):
    """The error a test cell raised, as text without colours; None if it passed.

    Text on stderr alone is not a failure (see preprocessors.StderrToStdout).
    """
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            name, value = output.get("ename", "Error"), output.get("evalue", "")
            return ANSI.sub("", f"{name}: {value}".strip())
    return None


def test_results(nb):
    """``{grade_id: (passed, message)}`` for every test cell of an executed notebook."""
    results = {}
    for cell in nb.cells:
        if is_test_cell(cell):
            message = failure_message(cell)
            results[nbgrader_meta(cell)["grade_id"]] = (message is None, message)
    return results


STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def instructor_names(source_nb):
    """What the instructor's cells of ``source_nb`` (hidden tests included) bind:
    ``autograder.policy.InstructorNames``."""
    from .policy import InstructorNames

    code = [c for c in source_nb.cells if c.get("cell_type") == "code" and not is_answer_cell(c)]
    tests = [c for c in code if is_test_cell(c)]
    others = [c for c in code if not is_test_cell(c)]
    return InstructorNames.of([c.source for c in tests], [c.source for c in others],
                              [nbgrader_meta(c).get("grade_id") for c in tests],
                              [nbgrader_meta(c).get("grade_id") for c in others])


def _as_kind(cell, kind):
    made = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
            "raw": nbformat.v4.new_raw_cell}[kind](cell.get("source", ""))
    made.metadata = cell.get("metadata", {})
    if "id" in cell:
        made["id"] = cell["id"]
    return made


def prepare_submission(nb, release_nb, names=None):
    """The notebook to grade, made from a learner's notebook, and what was refused.

    Returns ``(notebook, refused)`` where ``refused`` maps an exercise to a one-line
    reason. Every cell the learner wrote (answer cells and cells they added) is
    checked by ``autograder.policy``: a refused answer cell is graded as the
    unanswered stub, a refused added cell is left out (its exercise is named in
    ``refused`` with a ``note:`` prefix, its grade unaffected). Test cells the
    learner deleted are put back at the end (the grader restores the sources of
    the others), so every test in the gradebook runs. ``names`` (from
    ``instructor_names`` of the source notebook) adds the rules about the names the
    instructor's cells bind; without it they come from ``release_nb``.
    """
    import copy

    from .policy import Violation, check_source, leave_out

    nb = copy.deepcopy(nb)
    if names is None:
        names = instructor_names(release_nb)
    refused = {}
    # Cells whose source the grader replaces with the instructor's (by grade id):
    # metadata a learner copied onto a cell of their own does not count.
    fixed = {nbgrader_meta(c).get("grade_id") for c in release_nb.cells
             if c.get("cell_type") == "code" and not is_answer_cell(c)
             and (nbgrader_meta(c).get("grade") or nbgrader_meta(c).get("locked"))}
    kinds = {nbgrader_meta(c).get("grade_id"): c.get("cell_type") for c in release_nb.cells
             if isinstance(nbgrader_meta(c).get("grade_id"), str)}
    # A grade id the course issued names one cell: where several cells carry it (a copied
    # cell, or a disguise placed before the real one), the last keeps it, as nbgrader's
    # own de-duplication does, and the others are graded as cells of the learner's own.
    last = {}
    for i, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id") if isinstance(meta, dict) else None
        if isinstance(gid, str) and gid in kinds:
            last[gid] = i
    reused = {}
    for i, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id") if isinstance(meta, dict) else None
        if isinstance(gid, str) and gid in kinds and last[gid] != i:
            cell.metadata.pop("nbgrader")
            reused.setdefault(gid, (i, last[gid]))
    for i, cell in enumerate(nb.cells):  # nbgrader metadata with an id the course never gave out is a disguise
        gid = cell.get("metadata", {}).get("nbgrader", {})
        gid = gid.get("grade_id") if isinstance(gid, dict) else None
        if "nbgrader" in cell.get("metadata", {}) and not (isinstance(gid, str) and gid in kinds):
            cell.metadata.pop("nbgrader")
        elif gid in kinds and cell.get("cell_type") != kinds[gid]:
            # A cell the course issued is prepared as the course's kind of cell (an answer
            # handed in as markdown would skip the checks, and nbgrader makes it code again).
            nb.cells[i] = _as_kind(cell, kinds[gid])
    present = {nbgrader_meta(c).get("grade_id") for c in nb.cells if is_test_cell(c)}
    for cell in release_nb.cells:
        if is_test_cell(cell) and nbgrader_meta(cell).get("grade_id") not in present:
            nb.cells.append(copy.deepcopy(cell))

    def instructors(cell):  # its source will be the instructor's: its grade id, else None
        meta = nbgrader_meta(cell)
        if cell.get("cell_type") == "code" and (meta.get("grade") or meta.get("locked")) \
                and not meta.get("solution") and meta.get("grade_id") in fixed:
            return meta["grade_id"]
        return None

    for gid, (first, kept) in reused.items():
        owner = exercise_of(gid)
        refused.setdefault(owner, f"note: cell {first + 1} reused the grade id {gid!r}, which the "
                                  f"course issued for one cell (cell {kept + 1} keeps it); it was "
                                  f"graded as a cell of your own")
    order = [instructors(c) for c in nb.cells]
    harmed = names.harmed(order)
    answers = [i for i, c in enumerate(nb.cells) if is_answer_cell(c)]
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code" or order[i] is not None:
            continue
        later = [j for j in answers if j >= i]
        owner = nbgrader_meta(nb.cells[later[0]]).get("grade_id") if later else (
            nbgrader_meta(nb.cells[answers[-1]]).get("grade_id") if answers else None)
        try:
            left_out = []
            for _ in range(100):  # a statement that breaks a names rule is left out, not the cell
                try:
                    check_source(cell.source, f"cell {i + 1}", names, harmed[i])
                    break
                except Violation as exc:
                    shorter = leave_out(cell.source, exc.statements, exc) if exc.statements else None
                    if shorter is None:
                        raise
                    cell.source = shorter
                    left_out.append(str(exc))
            else:
                raise Violation(f"cell {i + 1}: too many statements break the names rules")
            if left_out:
                refused.setdefault(owner, f"note: the grader left out {left_out[0]}"
                                          + (f" (and {len(left_out) - 1} more)" if len(left_out) > 1 else ""))
        except Violation as exc:
            if is_answer_cell(cell):
                cell.source = STUB
                refused[owner] = f"refused: {exc}"
            else:
                cell.source = f"# left out by the grader: {exc}"
                refused.setdefault(owner, f"note: a cell you added was left out ({exc})")
    return nb, refused
