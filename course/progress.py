"""Where a learner stands: one row per module, computed from their own notebooks.

``course validate`` and ``course submit`` record what they found in
``<workspace>/.course/progress.json``, each in its own record: validate how many
exercises pass their visible tests (the "visible tests passing" column), submit the
score with the hidden tests (the "score" column). Each record carries a hash of the
notebook's answers; ``course progress`` (and ``progress_table()`` in the home
notebook) reads them back next to the notebooks themselves and marks a result
"(stale)" once the answers it was computed from have changed; a notebook whose
answer cells are still the release's stubs is "not started".
``course progress --check`` re-runs the visible tests where the record is
missing or out of date.
"""
import datetime as _dt
import html
import json
import os
from pathlib import Path

from . import ROOT

RECORD = Path(".course") / "progress.json"


def default_workspace():
    return Path(os.environ.get("COURSE_WORKSPACE") or ROOT / "workspace")


def workspace_of(notebook):
    """The workspace a module notebook lives in (``<ws>/NN_slug/NN_slug.ipynb``), else None."""
    notebook = Path(notebook).resolve()
    if notebook.parent.name == notebook.stem and notebook.stem[:2].isdigit():
        ws = notebook.parent.parent
        if ws not in (ROOT / "release", ROOT / "source"):  # the course's own copies
            return ws
    return None


def _load(ws):
    try:
        return json.loads((Path(ws) / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def record(notebook, rows, kind):
    """Remember a ``validate`` or ``submit`` result for the notebook's module.

    Each kind keeps its own record (``validate``: how many exercises pass their visible
    tests; ``submit``: the score with the hidden tests), stamped with a hash of the
    notebook's answers, so a result is shown as stale once the answers change.
    Does nothing for a notebook outside a workspace layout, and never touches the
    notebook itself.
    """
    ws = workspace_of(notebook)
    if ws is None:
        return None
    data = _load(ws)
    entry = data.setdefault(Path(notebook).stem, {})
    for legacy in ("exercises", "passing", "score", "max_score", "scored", "notebook_mtime"):
        entry.pop(legacy, None)  # the one-record format of earlier versions
    result = {
        "exercises": len(rows),
        "passing": sum(r["status"] == "passed" for r in rows),
        "checked": _dt.datetime.now().isoformat(timespec="seconds"),
        "answers": answers_hash(notebook),
    }
    if kind == "submit":
        result["score"] = sum(r["score"] for r in rows)
        result["max_score"] = sum(r["max_score"] for r in rows)
    entry[kind] = result
    entry["checked"] = result["checked"]
    path = ws / RECORD
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)
    return path


# nbgrader's cell metadata, read here directly: what learners import (``course``)
# never imports the grader (``autograder``).
def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def answers_hash(notebook):
    """A hash of what the learner wrote in a notebook: its answer cells and the code cells
    they added (cells without nbgrader metadata); None if it cannot be read."""
    import hashlib

    try:
        nb = _read(notebook) if not hasattr(notebook, "cells") else notebook
    except ValueError:
        return None
    mine = [c.source for c in nb.cells if c.get("cell_type") == "code"
            and (_meta(c).get("solution") or "nbgrader" not in c.get("metadata", {}))]
    return hashlib.sha256(json.dumps(mine).encode("utf-8")).hexdigest()


def _answers(nb):
    return [c.source for c in nb.cells if c.cell_type == "code" and _meta(c).get("solution")]


def _exercise_count(nb):
    """How many exercises the notebook grades (``test_sigmoid``, ``test_sigmoid__2``: one)."""
    names = set()
    for c in nb.cells:
        meta = _meta(c)
        if c.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            gid = meta["grade_id"]
            names.add((gid[len("test_"):] if gid.startswith("test_") else gid).split("__")[0])
    return len(names)


def _read(path):
    """The notebook at ``path``; ValueError saying why if it cannot be read."""
    import nbformat

    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one state, said in one line
        raise ValueError(f"{path}: not a readable notebook ({exc.__class__.__name__})") from None


def _ago(iso, now):
    seconds = (now - _dt.datetime.fromisoformat(iso)).total_seconds()
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n > 1 else ''} ago"
    return "just now"


def progress(ws=None, now=None):
    """Rows ``dict(module, state, passing, score, checked)`` for every released module."""
    ws = Path(ws) if ws else default_workspace()
    now = now or _dt.datetime.now()
    data = _load(ws)
    rows = []
    for released in sorted((ROOT / "release").glob("[0-9][0-9]_*/[0-9][0-9]_*.ipynb")):
        module = released.stem
        mine = ws / module / released.name
        blank = _read(released)
        total = _exercise_count(blank)
        entry = data.get(module, {})
        row = {"module": module, "state": "", "passing": f"?/{total}", "score": "",
               "checked": "never"}
        try:
            answers = _answers(_read(mine)) if mine.is_file() else None
        except ValueError as exc:
            answers, row["state"] = None, f"unreadable: {exc}"
        if row["state"]:
            pass
        elif answers is None:
            row["state"] = "not in workspace"
        elif answers == _answers(blank):
            row["state"] = "not started"
            row["passing"] = f"0/{total}"
        else:
            row["state"] = "in progress"
        if entry and mine.is_file():
            current = answers_hash(mine)
            checks = {k: entry[k] for k in ("validate", "submit") if isinstance(entry.get(k), dict)}
            fresh = {k: v.get("answers") == current for k, v in checks.items()}
            visible = checks.get("validate")
            if visible:
                row["passing"] = f"{visible['passing']}/{visible['exercises']}"
                if not fresh["validate"]:
                    row["passing"] += " (stale)"
                elif visible["passing"] == visible["exercises"] and row["state"] == "in progress":
                    row["state"] = "all visible tests pass"
            scored = checks.get("submit")
            if scored:
                row["score"] = f"{scored['score']:g}/{scored['max_score']:g}"
                if not fresh["submit"]:
                    row["score"] += " (stale)"
            if checks:
                latest = max(checks, key=lambda k: checks[k]["checked"])
                row["checked"] = _ago(checks[latest]["checked"], now)
                if not fresh[latest]:
                    row["checked"] += " (changed since)"
        rows.append(row)
    return rows


def stale(ws=None):
    """Module notebooks in the workspace whose record is missing or older than the notebook,
    leaving out untouched ones."""
    ws = Path(ws) if ws else default_workspace()
    return [ws / r["module"] / f"{r['module']}.ipynb" for r in progress(ws)
            if r["state"] in ("in progress", "all visible tests pass")
            and (r["passing"].startswith("?") or r["passing"].endswith("(stale)"))]


COLUMNS = ["module", "state", "passing", "score", "checked"]
HEADINGS = {"module": "module", "state": "state", "passing": "visible tests passing",
            "score": "score (hidden tests)", "checked": "last checked"}


class ProgressTable:
    """The progress rows, shown as an HTML table in a notebook."""

    def __init__(self, rows):
        self.rows = rows

    def _repr_html_(self):
        head = "".join(f"<th style='text-align:left'>{HEADINGS[c]}</th>" for c in COLUMNS)
        body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(str(r[c]))}</td>"
                                        for c in COLUMNS) + "</tr>" for r in self.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def __repr__(self):
        return "\n".join(" | ".join(str(r[c]) for c in COLUMNS) for r in self.rows)


def progress_table(ws=None):
    """The home notebook's table. Inside JupyterLab the notebook runs in the
    workspace itself, so that is where it looks first."""
    if ws is None and (Path.cwd() / "Home.ipynb").is_file():
        ws = Path.cwd()
    return ProgressTable(progress(ws))
