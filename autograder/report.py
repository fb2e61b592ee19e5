"""What an instructor sees after ``course grade``: one HTML page for the class, and the
grades in the CSV layouts that Canvas and Moodle gradebooks import.

The report reads what ``course grade MODULE --out OUT`` wrote: ``OUT/grades.csv`` (one
row per student and exercise, with the seconds each student's grading took) and the
submissions as graded, ``OUT/nbgrader/submitted/<student>/<MODULE>/<MODULE>.ipynb``.
It shows the score distribution; per exercise the pass rate, the mean score, the most
common failure messages and how well the exercise separates strong from weak students
(item discrimination); the results that need a person (rejected, error, invalid,
missing) with their reasons; the grading time per student; and pairs of students whose
answers are alike (copydetect's fingerprints, the code every student was given left out).
"""
import base64
import csv
import html
import io
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import CourseError

NEEDS_A_PERSON = ("rejected", "error", "invalid", "missing")
NOT_ATTEMPTED = ("error", "invalid", "missing")  # no measure of what the student can do
MAX_CODE = 200_000  # characters of one student's answers compared for similarity


# -- reading ----------------------------------------------------------------------------
def read_grades(out, module=None):
    """Rows of ``OUT/grades.csv`` with numbers as floats (``seconds`` None where blank)."""
    path = Path(out) / "grades.csv"
    if not path.is_file():
        raise CourseError(f"{path}: no such file (the --out folder of `course grade`)")
    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        need = {"student", "module", "exercise", "score", "max_score", "status", "message"}
        if not need <= set(reader.fieldnames or []):
            raise CourseError(f"{path}: not a grades.csv of `course grade` (columns "
                              f"{', '.join(sorted(need - set(reader.fieldnames or [])))} missing)")
        for row in reader:
            try:
                row["score"], row["max_score"] = float(row["score"]), float(row["max_score"])
                row["seconds"] = float(row["seconds"]) if row.get("seconds") else None
            except ValueError as exc:
                raise CourseError(f"{path}: a row of {row.get('student')!r} has a bad number: {exc}")
            rows.append(row)
    if module is not None:
        rows = [r for r in rows if r["module"] == module]
    if not rows:
        raise CourseError(f"{path}: no grades{f' for {module}' if module else ''}")
    return rows


# -- the numbers ------------------------------------------------------------------------
@dataclass
class Exercise:
    name: str
    max_score: float
    scores: dict = field(default_factory=dict)       # student -> score (attempted students)
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)  # first line of message -> students
    pass_rate: float = 0.0
    mean: float = 0.0
    r_pb: float | None = None     # corrected item-total (point-biserial) correlation
    d_index: float | None = None  # upper-lower group index (top and bottom 27%)


def first_line(message, width=160):
    line = next((ln.strip() for ln in str(message).splitlines() if ln.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def _pearson(xs, ys):
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def summarize(rows):
    """``(students, exercises)``: per student score, max, statuses, seconds; per exercise
    an ``Exercise`` with its pass rate, mean, failures and discrimination."""
    students, exercises = {}, {}
    for row in rows:
        s = students.setdefault(row["student"], {"score": 0.0, "max": 0.0, "statuses": Counter(),
                                                 "seconds": None, "attempted": True})
        s["score"] += row["score"]
        s["max"] += row["max_score"]
        s["statuses"][row["status"]] += 1
        if row["seconds"] is not None:
            s["seconds"] = row["seconds"]
        if row["status"] in NOT_ATTEMPTED:
            s["attempted"] = False
        ex = exercises.setdefault(row["exercise"], Exercise(row["exercise"], row["max_score"]))
        ex.statuses[row["status"]] += 1
        if row["status"] not in NOT_ATTEMPTED:
            ex.scores[row["student"]] = row["score"]
        if row["status"] in ("failed", "rejected") and row["message"]:
            ex.failures[first_line(row["message"])] += 1
    attempted = [name for name, s in students.items() if s["attempted"]]
    totals = {name: students[name]["score"] for name in attempted}
    ranked = sorted(attempted, key=lambda n: totals[n])
    group = max(1, round(0.27 * len(ranked))) if len(ranked) >= 4 else 0
    lower, upper = ranked[:group], ranked[-group:] if group else []
    for ex in exercises.values():
        n = len(students)
        ex.pass_rate = ex.statuses["passed"] / n if n else 0.0
        ex.mean = sum(ex.scores.get(s, 0.0) for s in students) / n if n else 0.0
        frac = {s: ex.scores.get(s, 0.0) / ex.max_score if ex.max_score else 0.0 for s in attempted}
        ex.r_pb = _pearson([frac[s] for s in attempted],
                           [totals[s] - ex.scores.get(s, 0.0) for s in attempted])
        if group:
            ex.d_index = (sum(frac[s] for s in upper) - sum(frac[s] for s in lower)) / group
    return students, exercises


# -- similar answers --------------------------------------------------------------------
@dataclass
class Pair:
    a: str
    b: str
    similarity_a: float   # share of a's own code (given code left out) also in b
    similarity_b: float
    tokens: int           # characters of normalised code they share
    lines_a: list         # [(line number, text)] of a's shared lines
    lines_b: list


def answer_code(nb):
    """The code of a notebook's answer cells, one after another."""
    from .notebooks import is_answer_cell

    return "\n\n".join(cell.source for cell in nb.cells
                       if cell.cell_type == "code" and is_answer_cell(cell))


def _lines(code, slices):
    """``[(line number, text)]`` of the lines of ``code`` that the slices touch."""
    starts = [0]
    for i, ch in enumerate(code):
        if ch == "\n":
            starts.append(i + 1)
    touched = set()
    import bisect

    for lo, hi in zip(*slices):
        first = bisect.bisect_right(starts, int(lo)) - 1
        last = bisect.bisect_right(starts, max(int(lo), int(hi) - 1)) - 1
        touched.update(range(first, last + 1))
    lines = code.split("\n")
    return [(i + 1, lines[i]) for i in sorted(touched) if i < len(lines) and lines[i].strip()]


def similar_pairs(codes, given="", threshold=0.5, common=3, noise=25, min_shared=60):
    """Pairs of students whose answers are alike.

    ``codes`` maps a student to their answer code; ``given`` is the code every student
    was handed (the release notebook's answer cells), left out like copydetect's
    boilerplate. A passage found in more than ``common`` submissions is left out too
    (MOSS's rule: what many wrote alike is the obvious answer, not a copy). A pair is
    flagged when at least ``threshold`` of either student's own code is shared with the
    other, and at least ``min_shared`` characters of normalised code are shared.
    Every k-gram of ``noise`` characters of the normalised code is a fingerprint (a
    winnowing window of 1): answers are small, and winnowing would pick its fingerprints
    by the values of Python's per-process string hashes, so that the same class could
    get a slightly different report on each run.
    Returns the flagged pairs, most similar first."""
    import copy

    from copydetect import CodeFingerprint, compare_files
    from copydetect.utils import get_token_coverage

    win = 1

    def fingerprint(code, drop=frozenset()):
        fp = CodeFingerprint("answer.py", noise, win, fp=io.StringIO(code))
        fp.hashes = set(fp.hashes) - drop
        fp.hash_idx = {h: i for h, i in fp.hash_idx.items() if h in fp.hashes}
        fp.token_coverage = get_token_coverage(fp.hash_idx, noise, len(fp.filtered_code))
        return fp

    given_hashes = frozenset(fingerprint(given).hashes) if given.strip() else frozenset()
    prints = {s: fingerprint(code, given_hashes) for s, code in codes.items() if code.strip()}
    seen = Counter(h for fp in prints.values() for h in fp.hashes)
    shared_by_many = {h for h, n in seen.items() if n > common}
    rare = {}
    for s, fp in prints.items():
        r = copy.copy(fp)   # own code as the denominator, only rare passages compared
        r.hashes = fp.hashes - shared_by_many
        r.hash_idx = {h: i for h, i in fp.hash_idx.items() if h in r.hashes}
        rare[s] = r
    names, pairs = sorted(rare), []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if not rare[a].hashes & rare[b].hashes:
                continue
            tokens, (sa, sb), (slices_a, slices_b) = compare_files(rare[a], rare[b])
            if tokens >= min_shared and max(sa, sb) >= threshold:
                pairs.append(Pair(a, b, float(sa), float(sb), int(tokens),
                                  _lines(rare[a].raw_code, slices_a),
                                  _lines(rare[b].raw_code, slices_b)))
    return sorted(pairs, key=lambda p: -max(p.similarity_a, p.similarity_b))


def submitted_codes(out, module, submissions=None):
    """``{student: answer code}`` from the submissions as graded (or ``submissions``)."""
    import nbformat

    base = Path(submissions) if submissions else Path(out) / "nbgrader" / "submitted"
    codes = {}
    if not base.is_dir():
        return codes
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        path = folder / module / f"{module}.ipynb"
        if not path.is_file():
            continue
        try:  # a flood of code is compared by its first MAX_CODE characters
            codes[folder.name] = answer_code(nbformat.read(path, as_version=4))[:MAX_CODE]
        except Exception:  # noqa: BLE001 - a broken notebook has its status row already
            continue
    return codes


def given_code(module):
    import nbformat

    from .pipeline import RELEASE

    path = RELEASE / module / f"{module}.ipynb"
    return answer_code(nbformat.read(path, as_version=4)) if path.is_file() else ""


# -- pictures ---------------------------------------------------------------------------
def _png(fig):
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figures(students, exercises):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    pics = {}
    pct = [100 * s["score"] / s["max"] if s["max"] else 0.0 for s in students.values()]
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    ax.hist(pct, bins=[i * 10 for i in range(11)], color="#4c72b0", edgecolor="white")
    ax.set_xlabel("score (% of the points)")
    ax.set_ylabel("students")
    ax.set_xlim(0, 100)
    ax.set_title(f"Score distribution ({len(pct)} students)")
    pics["scores"] = _png(fig)

    names = list(exercises)
    height = 0.5 + 0.4 * len(names)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, height), sharey=True)
    y = range(len(names))
    ax1.barh(y, [100 * exercises[n].pass_rate for n in names], color="#55a868")
    ax1.set_xlim(0, 100)
    ax1.set_xlabel("pass rate (%)")
    ax1.set_yticks(list(y), names)
    ax1.invert_yaxis()
    d = [exercises[n].r_pb if exercises[n].r_pb is not None else 0.0 for n in names]
    ax2.barh(y, d, color=["#c44e52" if v < 0.2 else "#4c72b0" for v in d])
    ax2.axvline(0.2, color="grey", lw=1, ls="--")
    ax2.set_xlim(min(-0.2, min(d, default=0) - 0.05), 1)
    ax2.set_xlabel("discrimination (point-biserial r)")
    fig.suptitle("Per exercise")
    pics["exercises"] = _png(fig)

    timed = sorted(((s["seconds"], name) for name, s in students.items()
                    if s["seconds"] is not None), reverse=True)
    if timed:
        fig, ax = plt.subplots(figsize=(6.4, 2.8))
        ax.hist([t for t, _ in timed], bins=min(20, max(5, len(timed) // 2)), color="#8172b2",
                edgecolor="white")
        ax.set_xlabel("grading time per student (s)")
        ax.set_ylabel("students")
        ax.set_title("Grading time")
        pics["time"] = _png(fig)
    return pics


# -- the page ---------------------------------------------------------------------------
CSS = """
body{font:15px/1.45 "DejaVu Sans",sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{margin-top:1.8em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ddd;padding:.25em .6em;
vertical-align:top;text-align:left}th{background:#f4f4f4}td.n{text-align:right}
.poor{color:#b00}.flag{background:#fff3cd}pre{background:#f7f7f7;padding:.5em;margin:0;
font-size:12px;white-space:pre-wrap}.cards span{display:inline-block;margin-right:2em}
.cards b{font-size:1.4em;display:block}img{max-width:100%}
"""


def _esc(x):
    return html.escape(str(x), quote=True)


def _fmt(v, digits=2):
    return "–" if v is None else f"{v:.{digits}f}"


def _verdict(r):
    if r is None:
        return "no spread"
    if r < 0:
        return "check it: weaker students do better"
    if r < 0.2:
        return "poor"
    return "fair" if r < 0.3 else "good"


def render(module, rows, pairs, settings=None):
    students, exercises = summarize(rows)
    pics = _figures(students, exercises)
    n = len(students)
    total_max = max((s["max"] for s in students.values()), default=0.0)
    mean_pct = sum(100 * s["score"] / s["max"] for s in students.values() if s["max"]) / max(1, n)
    full = sum(1 for s in students.values() if s["max"] and s["score"] >= s["max"])
    person = [r for r in rows if r["status"] in NEEDS_A_PERSON]
    secs = [s["seconds"] for s in students.values() if s["seconds"] is not None]
    out = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
           f"<title>{_esc(module)}: class report</title><style>{CSS}</style></head><body>",
           f"<h1>{_esc(module)}: how the class did</h1>",
           "<div class='cards'>"
           f"<span><b>{n}</b>students</span>"
           f"<span><b>{mean_pct:.0f}%</b>mean score</span>"
           f"<span><b>{full}</b>full marks</span>"
           f"<span><b id='need-count'>{len({r['student'] for r in person})}</b>need a person</span>"
           f"<span><b id='pair-count'>{len(pairs)}</b>similar pairs</span>"
           f"<span><b>{_fmt(sum(secs) / len(secs), 1) if secs else '–'} s</b>grading per student</span>"
           "</div>",
           "<h2 id='scores'>Score distribution</h2>",
           f"<img alt='score distribution' src='{pics['scores']}'>",
           f"<p>Out of {total_max:g} points.</p>",
           "<h2 id='exercises'>Exercises</h2>",
           f"<img alt='pass rate and discrimination per exercise' src='{pics['exercises']}'>",
           "<p>Discrimination: the correlation of an exercise's score with the rest of the "
           "student's score (point-biserial, corrected), and the upper−lower index D (the "
           "exercise's mean score in the top 27% of the class minus the bottom 27%). "
           "Below 0.2 an exercise tells strong and weak students apart poorly.</p>",
           "<table id='exercise-table'><tr><th>exercise</th><th>pass rate</th><th>mean score</th>"
           "<th>r</th><th>D</th><th></th><th>most common failures (students)</th></tr>"]
    for ex in exercises.values():
        fails = "".join(f"<li>{_esc(msg)} <b>({k})</b></li>" for msg, k in ex.failures.most_common(3))
        cls = " class='poor'" if ex.r_pb is not None and ex.r_pb < 0.2 else ""
        out.append(f"<tr><td>{_esc(ex.name)}</td><td class='n'>{100 * ex.pass_rate:.0f}%</td>"
                   f"<td class='n'>{ex.mean:.2f} / {ex.max_score:g}</td>"
                   f"<td class='n'>{_fmt(ex.r_pb)}</td><td class='n'>{_fmt(ex.d_index)}</td>"
                   f"<td{cls}>{_esc(_verdict(ex.r_pb))}</td>"
                   f"<td><ul>{fails}</ul></td></tr>")
    out.append("</table>")

    out.append("<h2 id='needs-a-person'>Needs a person</h2>")
    if person:
        out.append("<table id='needs-table'><tr><th>student</th><th>status</th><th>exercises</th>"
                   "<th>reason</th></tr>")
        grouped = defaultdict(list)
        for r in person:
            grouped[(r["student"], r["status"], first_line(r["message"], 300))].append(r["exercise"])
        for (student, status, why), exs in sorted(grouped.items()):
            out.append(f"<tr><td>{_esc(student)}</td><td>{_esc(status)}</td>"
                       f"<td>{_esc(', '.join(exs))}</td><td>{_esc(why)}</td></tr>")
        out.append("</table>")
    else:
        out.append("<p>Nothing: every submission was graded and none was refused.</p>")

    out.append("<h2 id='similar'>Similar answers</h2>")
    cfg = settings or {}
    out.append(f"<p>Compared with copydetect's fingerprints (names and strings normalised), "
               f"leaving out the code every student was given and any passage found in more "
               f"than {cfg.get('common', 3)} submissions; a pair is listed when at least "
               f"{100 * cfg.get('threshold', 0.5):.0f}% of either student's own code is also in "
               f"the other's. Similar is not proof: read the shared lines.</p>")
    if pairs:
        out.append("<table id='pairs-table'><tr><th>students</th><th>shared</th>"
                   "<th>shared lines</th></tr>")
        for p in pairs:
            code = lambda lines: _esc("\n".join(f"{k:4d}  {t}" for k, t in lines))  # noqa: E731
            out.append(f"<tr class='flag'><td>{_esc(p.a)}<br>{_esc(p.b)}</td>"
                       f"<td class='n'>{100 * p.similarity_a:.0f}%<br>{100 * p.similarity_b:.0f}%</td>"
                       f"<td><table><tr><th>{_esc(p.a)}</th><th>{_esc(p.b)}</th></tr>"
                       f"<tr><td><pre>{code(p.lines_a)}</pre></td><td><pre>{code(p.lines_b)}</pre>"
                       f"</td></tr></table></td></tr>")
        out.append("</table>")
    else:
        out.append("<p>No pair of students wrote alike.</p>")

    out.append("<h2 id='time'>Grading time per student</h2>")
    if "time" in pics:
        slow = sorted(((s["seconds"], name) for name, s in students.items()
                       if s["seconds"] is not None), reverse=True)[:5]
        out.append(f"<img alt='grading time per student' src='{pics['time']}'>")
        out.append("<p>Slowest: " + ", ".join(f"{_esc(name)} {t:.1f} s" for t, name in slow) + "</p>")
    else:
        out.append("<p>No timings in grades.csv (graded before it recorded them).</p>")

    out.append("<h2 id='students'>Students</h2><table id='student-table'><tr><th>student</th>"
               "<th>score</th><th>status</th><th>grading time</th></tr>")
    for name, s in sorted(students.items()):
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(s["statuses"].items()))
        out.append(f"<tr><td>{_esc(name)}</td><td class='n'>{s['score']:g} / {s['max']:g}</td>"
                   f"<td>{_esc(statuses)}</td><td class='n'>{_fmt(s['seconds'], 1)}</td></tr>")
    out.append("</table></body></html>")
    return "\n".join(out)


def build_report(module, graded, out_file=None, submissions=None, threshold=0.5, common=3):
    """Write the class report of ``module`` graded into ``graded``; returns its path
    and the flagged pairs."""
    from .pipeline import resolve_module

    module = resolve_module(module)
    graded = Path(graded)
    rows = read_grades(graded, module)
    pairs = similar_pairs(submitted_codes(graded, module, submissions), given_code(module),
                          threshold=threshold, common=common)
    target = Path(out_file) if out_file else graded / "report.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(module, rows, pairs, {"threshold": threshold, "common": common}),
                      encoding="utf-8")
    return target, pairs


# -- gradebook exports ------------------------------------------------------------------
def class_grades(graded_dirs):
    """``(modules, {student: {module: score}}, {module: max points})`` from the
    grades.csv of each ``course grade --out`` folder."""
    modules, grades, maxima = [], defaultdict(dict), {}
    for folder in graded_dirs:
        for row in read_grades(folder):
            mod = row["module"]
            if mod not in modules:
                modules.append(mod)
            grades[row["student"]][mod] = grades[row["student"]].get(mod, 0.0) + row["score"]
            per_student = maxima.setdefault(mod, {})
            per_student[row["student"]] = per_student.get(row["student"], 0.0) + row["max_score"]
    top = {mod: max(v.values()) for mod, v in maxima.items()}
    return sorted(modules), dict(grades), top


CANVAS_ID_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def export(kind, graded_dirs, path):
    """Write the grades for Canvas (``canvas``) or Moodle (``moodle``); one column per
    module. Canvas: its gradebook export's layout (Student, ID, SIS User ID, SIS Login
    ID, Section, then one column per assignment, with a Points Possible row); the
    student's id is the SIS Login ID. Moodle: Username and one column per grade item,
    matched on import by mapping Username to the user's username."""
    if kind not in ("canvas", "moodle"):
        raise CourseError(f"unknown export {kind!r}: canvas or moodle")
    modules, grades, top = class_grades(graded_dirs)
    fmt = lambda v: f"{v:g}"  # noqa: E731
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        if kind == "canvas":
            w.writerow(CANVAS_ID_COLUMNS + modules)
            w.writerow(["    Points Possible", "", "", "", ""] + [fmt(top[m]) for m in modules])
            for student in sorted(grades):
                w.writerow([student, "", "", student, ""]
                           + [fmt(grades[student][m]) if m in grades[student] else "" for m in modules])
        else:
            w.writerow(["Username"] + modules)
            for student in sorted(grades):
                w.writerow([student] + [fmt(grades[student][m]) if m in grades[student] else ""
                                        for m in modules])
    return Path(path), modules, grades


def read_export(kind, path):
    """``{student: {module: score}}`` back from an export (what a gradebook would read)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    if kind == "canvas":
        first = len(CANVAS_ID_COLUMNS)
        body = [r for r in body if r[0].strip() != "Points Possible"]
        key = header.index("SIS Login ID")
    else:
        first, key = 1, header.index("Username")
    return {r[key]: {m: float(v) for m, v in zip(header[first:], r[first:]) if v != ""}
            for r in body}
