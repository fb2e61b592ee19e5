"""Grading throughput for a generated class, serial and in parallel, and the
overhead of grading over plain execution of the same notebook.

    python benchmarks/grading.py                       # 40 students of 01_perceptron
    python benchmarks/grading.py --students 12 --module 04 --jobs 1 2

The class mixes perfect submissions (the reference solutions), blank ones and
partly right ones (one exercise replaced by a known-wrong answer from
tests/answers/). Each configuration grades the same class with `course grade`
into a fresh folder. "Plain execution" runs the source notebook once in a kernel
(nbclient, kernel shut down), as a learner's Run All would.
"""
import argparse
import importlib.util
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("MPLBACKEND", "Agg")


def make_class(module, n, folder, seed=0):
    import nbformat

    from autograder.notebooks import is_answer_cell, nbgrader_meta
    from test_grading import student_notebook

    spec = importlib.util.spec_from_file_location("answers", ROOT / "tests" / "answers" / f"{module}.py")
    answers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(answers)
    rng = random.Random(seed)
    kinds = {}
    for k in range(n):
        kind = ("perfect", "blank", "partly right")[k % 3]
        nb = student_notebook(module, answers="blank" if kind == "blank" else "solution")
        if kind == "partly right":
            exercise = rng.choice(sorted(answers.WRONG))
            wrong = rng.choice(sorted(answers.WRONG[exercise].values()))
            for cell in nb.cells:
                if is_answer_cell(cell) and nbgrader_meta(cell)["grade_id"] == exercise:
                    cell.source = wrong
        where = Path(folder) / f"student{k:03d}" / module
        where.mkdir(parents=True)
        nbformat.write(nb, where / f"{module}.ipynb")
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def time_grading(module, submissions, jobs, sandbox, cell_timeout):
    out = Path(tempfile.mkdtemp(prefix="course-bench-grade-"))
    cmd = [sys.executable, "-m", "course.cli", "grade", module, "--submissions", str(submissions),
           "--out", str(out), "--jobs", str(jobs), "--cell-timeout", str(cell_timeout)] \
        + ([] if sandbox else ["--no-sandbox"])
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"grading failed: {done.stderr.strip()[-500:]}")
    return wall


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--module", default="01_perceptron")
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-sandbox", action="store_true")
    parser.add_argument("--cell-timeout", type=int, default=10,
                        help="some known-wrong answers never finish (a training loop that never "
                             "converges); each costs this many seconds (default 10)")
    args = parser.parse_args(argv)
    from autograder.pipeline import resolve_module, source_notebook
    from autograder.sandbox import available
    from bench import time_notebook

    module = resolve_module(args.module)
    sandbox = available() and not args.no_sandbox
    subs = Path(tempfile.mkdtemp(prefix="course-bench-class-"))
    kinds = make_class(module, args.students, subs)
    print(f"{module}: {args.students} students ({', '.join(f'{v} {k}' for k, v in kinds.items())}),"
          f" sandbox {'on' if sandbox else 'off'}, cell timeout {args.cell_timeout} s, "
          f"{os.cpu_count()} CPU cores", flush=True)
    plain, _errors = time_notebook(source_notebook(module))
    rows = [("plain execution of the source notebook, one run", f"{plain:.1f} s", "", "")]
    serial = None
    for jobs in args.jobs:
        wall = time_grading(module, subs, jobs, sandbox, args.cell_timeout)
        per = wall / args.students
        serial = serial or (wall if jobs == 1 else None)
        speedup = f"{serial / wall:.2f}x" if serial else ""
        rows.append((f"course grade --jobs {jobs}", f"{wall:.0f} s",
                     f"{60 * args.students / wall:.1f} students/min, {per:.1f} s each"
                     + (f" ({per / plain:.1f}x plain execution)" if jobs == 1 else ""), speedup))
        print(rows[-1], flush=True)
    print("\n| what | wall time | throughput | speed-up over --jobs 1 |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
