"""Grading throughput: `course grade` on a generated class, serially and in
parallel, and what grading costs over plain execution of the same notebook.

    python benchmarks/grading.py                          # 40 students of 01_perceptron, --jobs 1 and 2
    python benchmarks/grading.py --students 12 --module 04 --jobs 2

The class cycles through three kinds of submission: perfect (the reference
solutions from source/), blank (the release notebook as handed out) and partly
right (the solutions with one exercise replaced by a known-wrong answer from
tests/answers/, drawn with a fixed seed). Each configuration grades the same class
with `course grade` into a fresh folder, in the sandbox where bubblewrap works.

"Plain execution" is one run of the source notebook with nbclient in a fresh
kernel that is then shut down (as benchmarks/bench.py does), with one OpenMP
thread as grading kernels have. With --jobs 1 the time of each student is read off
`course grade`'s progress lines as they arrive, which gives seconds per kind of
submission; the first student also carries the start-up (nbgrader generate_assignment
and preparing every submission), and the HTML feedback for the whole class is
made after the last one.
"""
import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("OMP_NUM_THREADS", "1")  # as `course grade` gives its kernels

KINDS = ("perfect", "blank", "partly right")


def make_class(module, n, folder, seed=0):
    """Write ``n`` submissions into ``folder/<student>/<module>/``; returns
    ``{student: kind}``."""
    import nbformat

    from autograder.notebooks import is_answer_cell, nbgrader_meta
    from harness import load_answers
    from test_grading import student_notebook

    wrong, _right = load_answers(module)
    rng = random.Random(seed)
    kinds = {}
    for k in range(n):
        student, kind = f"student{k:03d}", KINDS[k % len(KINDS)]
        nb = student_notebook(module, answers="blank" if kind == "blank" else "solution")
        if kind == "partly right":
            exercise = rng.choice(sorted(wrong))
            mistake = rng.choice(sorted(wrong[exercise]))
            for cell in nb.cells:
                if is_answer_cell(cell) and nbgrader_meta(cell)["grade_id"] == exercise:
                    cell.source = wrong[exercise][mistake]
        where = Path(folder) / student / module
        where.mkdir(parents=True)
        nbformat.write(nb, where / f"{module}.ipynb")
        kinds[student] = kind
    return kinds


def plain_execution(module, repeats):
    """Median seconds of one nbclient run of the source notebook (kernel shut down)."""
    from autograder.pipeline import source_notebook
    from bench import time_notebook

    return statistics.median(time_notebook(source_notebook(module))[0] for _ in range(repeats))


def time_grading(module, submissions, jobs, sandbox, cell_timeout):
    """Run `course grade`; returns wall seconds, ``[(seconds since start, student)]``
    for its progress lines, and the rows of grades.csv."""
    with tempfile.TemporaryDirectory(prefix="course-bench-grade-") as out:
        cmd = [sys.executable, "-m", "course_cli", "grade", module, "--submissions",
               str(submissions), "--out", out, "--jobs", str(jobs)]
        if cell_timeout:
            cmd += ["--cell-timeout", str(cell_timeout)]
        if not sandbox:
            cmd.append("--no-sandbox")
        lines = []
        start = time.perf_counter()
        with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              stdin=subprocess.DEVNULL, cwd=ROOT) as proc:
            for line in proc.stdout:  # "[3/40] student002: 7/9 failed,passed (21 s)"
                if line.startswith("[") and "] " in line:
                    lines.append((time.perf_counter() - start,
                                  line.split("] ", 1)[1].split(":", 1)[0]))
            err = proc.stderr.read()
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"course grade --jobs {jobs} failed: {err.strip()[-800:]}")
        with open(Path(out) / "grades.csv", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    return wall, lines, rows


def check_grades(rows, kinds):
    """The class must be graded right, or the timings mean nothing: returns one
    line per kind, e.g. 'perfect: 14/14 full marks'."""
    totals = {}
    for row in rows:
        t = totals.setdefault(row["student"], [0.0, 0.0, set()])
        t[0] += float(row["score"])
        t[1] += float(row["max_score"])
        t[2].add(row["status"])
    wrong = []
    for student, kind in kinds.items():
        score, top, statuses = totals[student]
        ok = {"perfect": score == top > 0, "blank": score == 0,
              "partly right": score < top}[kind] and "error" not in statuses
        if not ok:
            wrong.append(f"{student} ({kind}): {score:g}/{top:g} {','.join(sorted(statuses))}")
    if wrong:
        raise SystemExit("graded wrongly, timings discarded:\n  " + "\n  ".join(wrong))


def per_student(lines, kinds):
    """With --jobs 1: ``{kind: [seconds]}`` from the gaps between progress lines,
    leaving out the first student (it carries the start-up)."""
    seconds = {kind: [] for kind in KINDS}
    for (before, _), (at, student) in zip(lines, lines[1:]):
        seconds[kinds[student]].append(at - before)
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--module", default="01_perceptron")
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2],
                        help="values of --jobs to time (default: 1 2)")
    parser.add_argument("--cell-timeout", type=int, metavar="SECONDS",
                        help="course grade's --cell-timeout (default: its own, 90 s)")
    parser.add_argument("--plain-repeats", type=int, default=3)
    parser.add_argument("--no-sandbox", action="store_true")
    args = parser.parse_args(argv)
    if args.students < 2:
        parser.error("--students must be at least 2")

    from autograder.pipeline import resolve_module
    from autograder.sandbox import available

    module = resolve_module(args.module)
    sandbox = available() and not args.no_sandbox
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="course-bench-class-") as subs:
        kinds = make_class(module, args.students, subs)
        counts = {k: sum(1 for v in kinds.values() if v == k) for k in KINDS}
        print(f"{module}: {args.students} students ({', '.join(f'{v} {k}' for k, v in counts.items())}), "
              f"sandbox {'on' if sandbox else 'off'}, {os.cpu_count()} CPU cores, "
              f"load average {load:.1f}", flush=True)
        plain = plain_execution(module, args.plain_repeats)
        print(f"plain execution: {plain:.2f} s (median of {args.plain_repeats})", flush=True)
        runs = {}
        for jobs in args.jobs:
            wall, lines, rows = time_grading(module, subs, jobs, sandbox, args.cell_timeout)
            check_grades(rows, kinds)
            runs[jobs] = (wall, lines)
            print(f"--jobs {jobs}: {wall:.1f} s, {60 * args.students / wall:.1f} students/min",
                  flush=True)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end\n")

    base = runs.get(1, (None,))[0]
    print("| course grade | wall time | students/min | s per student | speed-up over --jobs 1 |")
    print("|---|---|---|---|---|")
    for jobs, (wall, _) in runs.items():
        speedup = f"{base / wall:.2f}x" if base else ""
        print(f"| --jobs {jobs} | {wall:.0f} s | {60 * args.students / wall:.1f} | "
              f"{wall / args.students:.2f} | {speedup} |")

    print(f"\n| one notebook, {module} | seconds | over plain execution |\n|---|---|---|")
    print(f"| plain execution (nbclient, fresh kernel, median of {args.plain_repeats}) | "
          f"{plain:.2f} | |")
    if 1 in runs:
        wall, lines = runs[1]
        for kind, seconds in per_student(lines, kinds).items():
            if seconds:
                mean = statistics.mean(seconds)
                print(f"| graded with --jobs 1, {kind} (mean of {len(seconds)}) | {mean:.2f} | "
                      f"+{mean - plain:.2f} s ({mean / plain:.1f}x) |")
        everyone = wall / args.students
        print(f"| graded with --jobs 1, whole class incl. start-up and feedback (per student) | "
              f"{everyone:.2f} | +{everyone - plain:.2f} s ({everyone / plain:.1f}x) |")
        print(f"| start-up + first student | {lines[0][0]:.2f} | |")
        print(f"| feedback for the class, after the last student | {wall - lines[-1][0]:.2f} | |")


if __name__ == "__main__":
    main()
