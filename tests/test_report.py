"""`course report`: the class page an instructor reads after grading, and the Canvas and
Moodle exports.

Grading 40 notebooks for real takes minutes, so the class of 40 is synthesized: its
files are those `course grade` writes (OUT/grades.csv through the pipeline's own writer,
the graded copies in OUT/nbgrader/submitted/), its answers the reference solutions, the
known-wrong and known-right answers of tests/answers/, blank notebooks, a broken and a
missing one, and one student who copied another's answers (renamed, recommented). The
report of a class graded for real is checked in tests/test_grading.py, on the class it
grades once for all its tests.
"""
import csv
import random
import re
import subprocess
import sys

import nbformat
import pytest

from autograder.notebooks import exercises, is_answer_cell, nbgrader_meta
from autograder.pipeline import RELEASE, source_notebook, write_csv
from autograder.report import (build_report, given_code, read_export, read_grades,
                               similar_pairs, submitted_codes, summarize)
from conftest import ARTIFACTS, MODULES
from harness import load_answers

MODULE = "01_perceptron"
pytestmark = pytest.mark.skipif(MODULE not in MODULES, reason=f"no {MODULE}")


def _notebook(answers):
    """The release notebook with ``{exercise: code}`` in its answer cells."""
    nb = nbformat.read(RELEASE / MODULE / f"{MODULE}.ipynb", as_version=4)
    for cell in nb.cells:
        if is_answer_cell(cell) and nbgrader_meta(cell)["grade_id"] in answers:
            cell.source = answers[nbgrader_meta(cell)["grade_id"]]
    return nb


def _solutions():
    return {nbgrader_meta(c)["grade_id"]: c.source
            for c in nbformat.read(source_notebook(MODULE), as_version=4).cells if is_answer_cell(c)}


def disguise(code):
    """What a copier does: rename the variables, reword comments, move blank lines."""
    names = {"X": "data", "w": "weights", "b": "bias", "x": "sample", "y": "label",
             "lr": "rate", "err": "delta", "mistakes": "errors_per_epoch", "count": "n_wrong"}
    out = []
    for line in code.splitlines():
        line = re.sub(r"#.*", "# my own work", line)
        line = re.sub(r"\b(" + "|".join(map(re.escape, names)) + r")\b",
                      lambda m: names[m.group(1)], line)
        out.append(line)
        if line.rstrip().endswith(":"):
            out.append("")
    return "\n".join(out) + "\n"


def synth_class(base, n_perfect=10, n_blank=6, n_partly=20):
    """A class of 40 as `course grade` leaves it in ``base``; returns what each student is."""
    found = exercises(nbformat.read(source_notebook(MODULE), as_version=4))
    wrong, right = load_answers(MODULE)
    solutions, rng = _solutions(), random.Random(17)
    pool = [(ex, desc, code) for ex in found for desc, code in wrong[ex].items()]
    rng.shuffle(pool)
    kinds, answers, rows = {}, {}, []
    for i in range(n_perfect):
        kinds[f"perfect{i:02d}"], answers[f"perfect{i:02d}"] = "perfect", dict(solutions)
    for i in range(n_blank):
        kinds[f"blank{i:02d}"], answers[f"blank{i:02d}"] = "blank", {}
    for i in range(n_partly):  # one or two known-wrong answers each, no two alike
        name = f"partly{i:02d}"
        mine = dict(solutions)
        for _ in range(1 + i % 2):
            ex, desc, code = next((p for p in pool if p[0] not in mine or mine[p[0]] == solutions[p[0]]))
            pool.remove((ex, desc, code))
            mine[ex] = code
        kinds[name], answers[name] = "partly", mine
    own = {ex: next(iter(right[ex].values())) for ex in found}  # written her own way
    kinds["ada"], answers["ada"] = "source", own
    kinds["bob"], answers["bob"] = "copier", {ex: disguise(code) for ex, code in own.items()}
    kinds["broken"], kinds["absent"] = "invalid", "missing"

    messages = {}
    for student, kind in kinds.items():
        seconds = round(rng.uniform(6.0, 12.0), 2) if kind not in ("invalid", "missing") else ""
        for k, (ex, tests) in enumerate(found.items()):
            top = sum(p for _, p in tests)
            row = {"student": student, "module": MODULE, "exercise": ex, "score": 0.0,
                   "max_score": top, "status": "failed", "message": "", "seconds": seconds}
            if kind == "invalid":
                row.update(status="invalid", message="not a notebook: Expecting value: line 1")
            elif kind == "missing":
                row.update(status="missing", message=f"no {MODULE}.ipynb was submitted")
            elif kind == "blank":
                row["message"] = "NotImplementedError: "
            elif answers[student].get(ex, solutions[ex]) != solutions[ex] and kind == "partly":
                msg = messages.setdefault(ex, [f"AssertionError: {ex}: wrong on the visible example",
                                               f"AssertionError: {ex}: wrong on random inputs"])
                row["message"] = msg[k % 2 if student[-1] in "02468" else 1 - k % 2]
                row["score"] = float(tests[0][1]) if len(tests) > 1 and student.endswith("5") else 0.0
            else:
                row.update(status="passed", score=float(top))
            rows.append(row)
    # one answer refused by the policy check
    refused = next(r for r in rows if r["student"] == "partly03" and r["status"] == "passed")
    refused.update(status="rejected", score=0.0,
                   message="line 4: reads `want`, a name the tests define")
    out = base / "out"
    out.mkdir(parents=True)
    write_csv(out / "grades.csv", rows)
    for student, mine in answers.items():
        path = out / "nbgrader" / "submitted" / student / MODULE / f"{MODULE}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(_notebook(mine), path)
    return out, kinds


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory):
    out, kinds = synth_class(tmp_path_factory.mktemp("class40"))
    path, pairs = build_report(MODULE, out)
    return {"out": out, "kinds": kinds, "path": path, "pairs": pairs}


def test_the_class_has_40_students_of_every_kind(synthesized):
    rows = read_grades(synthesized["out"], MODULE)
    assert len({r["student"] for r in rows}) == 40
    assert set(synthesized["kinds"].values()) == {"perfect", "blank", "partly", "source", "copier",
                                                  "invalid", "missing"}


def test_the_copied_pair_is_flagged_and_no_honest_pair(synthesized):
    pairs = synthesized["pairs"]
    assert [(p.a, p.b) for p in pairs] == [("ada", "bob")], [(p.a, p.b, p.similarity_a) for p in pairs]
    pair = pairs[0]
    assert min(pair.similarity_a, pair.similarity_b) > 0.7
    shared = "\n".join(t for _, t in pair.lines_b)
    assert "weights" in shared, "the copier's own (renamed) lines are shown"
    # with no threshold at all, every honest pair shares little
    every = similar_pairs(submitted_codes(synthesized["out"], MODULE), given_code(MODULE),
                          threshold=0.0, min_shared=0)
    honest = [p for p in every if {p.a, p.b} != {"ada", "bob"}]
    assert honest and max(max(p.similarity_a, p.similarity_b) for p in honest) < 0.25


def test_the_given_code_alone_is_never_similar():
    given = "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n" * 3
    assert similar_pairs({"a": given, "b": given}, given) == []
    mine = "def f(values):\n    total = 0\n    for v in values:\n        total += v * v\n" \
           "    return total / max(1, len(values)) + sum(abs(v) for v in values)\n"
    assert [(p.a, p.b) for p in similar_pairs({"a": given + mine, "b": given + mine}, given)] \
        == [("a", "b")]
    # what more than `common` students wrote alike is the obvious answer, not a copy
    assert similar_pairs({k: given + mine for k in "abcde"}, given, common=3) == []


def test_numbers_per_exercise(synthesized):
    rows = read_grades(synthesized["out"], MODULE)
    students, exs = summarize(rows)
    perfect = [s for s, k in synthesized["kinds"].items() if k == "perfect"]
    for ex in exs.values():
        passed = sum(1 for r in rows if r["exercise"] == ex.name and r["status"] == "passed")
        assert ex.pass_rate == pytest.approx(passed / 40)
        assert 0 < ex.pass_rate < 1
        # an exercise that strong students pass and weak ones fail discriminates
        assert ex.r_pb is not None and ex.r_pb > 0.2, (ex.name, ex.r_pb)
        assert ex.d_index is not None and ex.d_index > 0.3, (ex.name, ex.d_index)
        assert ex.failures.most_common(1)[0] == ("NotImplementedError:", 6)
    assert all(students[s]["score"] == students[s]["max"] for s in perfect)
    assert students["absent"]["seconds"] is None and students["perfect00"]["seconds"] > 0


def test_the_page_lists_what_needs_a_person(synthesized):
    page = synthesized["path"].read_text(encoding="utf-8")
    needs = page.split("id='needs-table'")[1].split("</table>")[0]
    for student, status in (("broken", "invalid"), ("absent", "missing"), ("partly03", "rejected")):
        assert f"<td>{student}</td><td>{status}</td>" in needs
    assert "reads `want`, a name the tests define" in needs
    assert page.count("data:image/png;base64,") == 3
    assert "<script" not in page


def test_the_report_in_a_real_browser(synthesized):
    """Opened in Debian's Chromium through Playwright, as the browser tests do."""
    import os

    import browser

    why = browser.unavailable()
    if why:
        if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"COURSE_REQUIRE_BROWSER=1, but {why}", pytrace=False)
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    shots = ARTIFACTS / "report"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=browser.find_chromium(), headless=True)
        try:
            page = chrome.new_page(viewport={"width": 1200, "height": 900})
            page.goto(synthesized["path"].resolve().as_uri())
            images = page.eval_on_selector_all(
                "img", "els => els.map(e => [e.alt, e.complete && e.naturalWidth > 100])")
            assert len(images) == 3 and all(ok for _, ok in images), images
            assert page.inner_text("#pair-count") == "1"
            assert page.inner_text("#need-count") == "3"
            rows = page.eval_on_selector_all("#exercise-table > tbody > tr", "els => els.length")
            assert rows == 1 + 4
            page.screenshot(path=str(shots / "class40.png"), full_page=True)
            page.locator("#similar").scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "class40-similar.png"))
        finally:
            chrome.close()
    assert (shots / "class40.png").stat().st_size > 20_000


def _class_totals(out):
    totals = {}
    for r in read_grades(out):
        totals.setdefault(r["student"], {}).setdefault(r["module"], 0.0)
        totals[r["student"]][r["module"]] += r["score"]
    return totals


@pytest.mark.parametrize("kind", ["canvas", "moodle"])
def test_exports_parse_back_to_the_grades(synthesized, tmp_path, kind):
    out = synthesized["out"]
    # a second module graded into its own folder: one column per module
    other = tmp_path / "other"
    other.mkdir()
    rows = [dict(r, module="02_activations", score=r["score"] / 2) for r in read_grades(out)
            if r["student"] != "perfect00"]
    write_csv(other / "grades.csv", rows)
    path = tmp_path / f"{kind}.csv"
    proc = subprocess.run([sys.executable, "-m", "course_cli", "export", kind, "--graded", out, other,
                           "--out", path], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    want = _class_totals(out)
    for student, mods in _class_totals(other).items():
        want[student].update(mods)
    assert read_export(kind, path) == want
    header = next(csv.reader(open(path, encoding="utf-8")))
    assert header[-2:] == [MODULE, "02_activations"]
    if kind == "canvas":
        assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
        assert list(csv.reader(open(path, encoding="utf-8")))[1][0].strip() == "Points Possible"
    else:
        assert header[0] == "Username"


def test_the_report_command(synthesized, tmp_path):
    target = tmp_path / "page.html"
    proc = subprocess.run([sys.executable, "-m", "course_cli", "report", "perceptron", "--graded",
                           synthesized["out"], "--out", target], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        next(ln for ln in proc.stdout.splitlines() if ln.startswith("similar: ada and bob (")),
        f"Report: {target}"], proc.stdout
    assert target.read_text(encoding="utf-8") == synthesized["path"].read_text(encoding="utf-8")


def test_report_and_export_reject_bad_input(tmp_path):
    def course(*args):
        return subprocess.run([sys.executable, "-m", "course_cli", *map(str, args)],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    for proc, words in ((course("report", MODULE, "--graded", tmp_path / "nope"), "no such folder"),
                        (course("report", MODULE, "--graded", tmp_path), "grades.csv: no such file"),
                        (course("export", "canvas", "--graded", tmp_path, "--out", tmp_path / "x.csv"),
                         "no such file")):
        assert proc.returncode != 0 and "Traceback" not in proc.stderr
        assert words in proc.stderr, proc.stderr
