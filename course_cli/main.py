"""The ``course`` command: study, check and grade the course's notebooks.

    course lab                        JupyterLab on your copies of the student notebooks
    course release [MODULE...]        regenerate release/ from source/ with nbgrader
    course validate NOTEBOOK          run a notebook's visible tests
    course submit NOTEBOOK            grade your notebook with the hidden tests (self-study)
    course progress [--check]         where you stand in every module
    course grade MODULE --submissions DIR --out DIR [--jobs N] [--db URL]
    course report MODULE --graded OUT        the class report (HTML) of a graded module
    course export canvas|moodle --graded OUT [OUT...] --out FILE   grades for a gradebook
    course exchange STEP MODULE --course DIR ...   nbgrader's release/fetch/submit/collect/feedback
    course hub setup --exchange DIR --instructor NAME --config-dir DIR   a class on JupyterHub
"""
import argparse
import os
import sys
import textwrap
import time
from pathlib import Path

from autograder import CourseError


def _table(rows, columns, widths):
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        cells = [str(row.get(c, "")) for c in columns]
        lines.append("  ".join(v.ljust(w) for v, w in zip(cells, widths)).rstrip())
    return "\n".join(lines)


def _show_rows(rows, scored):
    for row in rows:
        row["result"] = "pass" if row["status"] == "passed" else row["status"].upper()
        if scored:
            row["points"] = f"{row['score']:g}/{row['max_score']:g}"
    cols = ["exercise", "result"] + (["points"] if scored else [])
    width = max([len("exercise")] + [len(r["exercise"]) for r in rows])
    print(_table(rows, cols, [width, 8, 7][: len(cols)]))
    for row in rows:
        if row["message"]:
            print(f"\n{row['exercise']}:")
            lines = row["message"].splitlines()
            # a message of several checks ("3 checks failed:" and one line each) is shown whole
            keep = 30 if any(ln.startswith("- ") for ln in lines) else 8
            print(textwrap.indent("\n".join(lines[:keep]), "    "))


def cmd_lab(args):
    from autograder.pipeline import workspace

    where = workspace(args.dir)
    print(f"course: opening JupyterLab on {where}")
    # Students need nbgrader's Validate button, not the instructor's formgrader.
    off = {"nbgrader.server_extensions.formgrader": False,
           "nbgrader.server_extensions.course_list": False}
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={where}",
           f"--ServerApp.jpserver_extensions={off!r}"]
    if (Path(where) / "Home.ipynb").is_file():
        cmd.append("--LabApp.default_url=/lab/tree/Home.ipynb")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI run as root
    if args.port:
        cmd.append(f"--port={args.port}")
    if args.no_browser:
        cmd.append("--no-browser")
    sys.stdout.flush()
    os.execv(sys.executable, cmd)


def cmd_release(args):
    from autograder.pipeline import ROOT, release

    for path in release(args.modules):
        print(f"released {path.relative_to(ROOT)}")
    solutions = ROOT / "tools" / "make_solutions.py"
    if solutions.is_file():  # the instructor's checkout: solutions/ follows source/
        import runpy

        for path in runpy.run_path(str(solutions))["write"]():
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


def cmd_validate(args):
    from autograder.pipeline import validate

    from course.progress import record

    rows = validate(args.notebook)
    record(args.notebook, rows, "validate")
    _show_rows(rows, scored=False)
    passed = sum(r["status"] == "passed" for r in rows)
    print(f"\n{passed} of {len(rows)} exercises pass their visible tests.")
    return 0 if passed == len(rows) else 1


def cmd_submit(args):
    from autograder.pipeline import submit

    from course.progress import record

    rows, html = submit(args.notebook, args.out)
    record(args.notebook, rows, "submit")
    _show_rows(rows, scored=True)
    score = sum(r["score"] for r in rows)
    total = sum(r["max_score"] for r in rows)
    print(f"\nScore: {score:g} / {total:g}")
    if html:
        print(f"Feedback: {html}")
    return 0


def cmd_progress(args):
    from autograder.pipeline import validate
    from course.progress import COLUMNS, HEADINGS, default_workspace, progress, record, stale

    ws = Path(args.dir) if args.dir else default_workspace()
    if not ws.is_dir():
        raise CourseError(f"no workspace at {ws}: `course lab` creates it")
    if args.check:
        todo = stale(ws)
        for i, notebook in enumerate(todo, 1):
            print(f"checking {notebook.stem} ({i}/{len(todo)}) ...", flush=True)
            record(notebook, validate(notebook), "validate")
        if not todo:
            print("every record is up to date")
    rows = progress(ws)
    widths = [max(len(HEADINGS[c]), *(len(str(r[c])) for r in rows)) for c in COLUMNS]
    print(_table([{HEADINGS[c]: r[c] for c in COLUMNS} for r in rows],
                 [HEADINGS[c] for c in COLUMNS], widths))
    return 0


def cmd_grade(args):
    from autograder.pipeline import grade

    start = time.monotonic()

    def report(done, total, student, rows):
        score = sum(r["score"] for r in rows)
        top = sum(r["max_score"] for r in rows)
        statuses = ",".join(sorted({r["status"] for r in rows}))
        print(f"[{done}/{total}] {student}: {score:g}/{top:g} {statuses} "
              f"({time.monotonic() - start:.0f} s)", flush=True)

    rows = grade(args.module, args.submissions, args.out, jobs=args.jobs, db=args.db,
                 progress=report, sandbox=not args.no_sandbox, cell_timeout=args.cell_timeout,
                 submission_timeout=args.submission_timeout)
    print()
    students = {}
    for row in rows:
        s = students.setdefault(row["student"], {"student": row["student"], "score": 0.0,
                                                 "max": 0.0, "statuses": set()})
        s["score"] += row["score"]
        s["max"] += row["max_score"]
        s["statuses"].add(row["status"])
    summary = [{"student": s["student"], "score": f"{s['score']:g}/{s['max']:g}",
                "status": ",".join(sorted(s["statuses"]))} for s in students.values()]
    width = max([7] + [len(s["student"]) for s in summary])
    print(_table(summary, ["student", "score", "status"], [width, 9, 20]))
    print(f"\nGrades: {os.path.join(args.out, 'grades.csv')}")
    print(f"Feedback: {os.path.join(args.out, 'feedback')}")
    try:
        from autograder.report import build_report

        path, pairs = build_report(args.module, args.out)
        print(f"Report: {path}" + (f" ({len(pairs)} similar pair(s) to read)" if pairs else ""))
    except Exception as exc:  # noqa: BLE001 - the grades stand; the report can be rebuilt
        print(f"Report: not written ({exc.__class__.__name__}: {exc}); "
              f"`course report {args.module} --graded {args.out}` tries again", flush=True)
    return 0


def cmd_report(args):
    from autograder.report import build_report

    if not Path(args.graded).is_dir():
        raise CourseError(f"{args.graded}: no such folder (the --out folder of course grade)")
    if not 0 < args.threshold <= 1:
        raise CourseError("--threshold must be in (0, 1]")
    path, pairs = build_report(args.module, args.graded, args.out, submissions=args.submissions,
                               threshold=args.threshold, common=args.common)
    for p in pairs:
        print(f"similar: {p.a} and {p.b} ({100 * p.similarity_a:.0f}% / "
              f"{100 * p.similarity_b:.0f}% of their own code)")
    print(f"Report: {path}")
    return 0


def cmd_export(args):
    from autograder.report import export

    for folder in args.graded:
        if not Path(folder).is_dir():
            raise CourseError(f"{folder}: no such folder (the --out folder of course grade)")
    path, modules, grades = export(args.kind, args.graded, args.out)
    print(f"{args.kind}: {len(grades)} student(s), {len(modules)} module(s) "
          f"({', '.join(modules)}) -> {path}")
    return 0


def cmd_exchange(args):
    from autograder import exchange
    from autograder.pipeline import resolve_module

    step, module, course_dir = args.step, resolve_module(args.module), Path(args.course)
    shared = {"exchange_root": args.exchange} if args.exchange else {}
    if step in ("fetch", "submit", "fetch-feedback") and not args.home:
        raise CourseError(f"exchange {step} needs --home DIR (the student's folder)")
    if step == "feedback" and not args.graded:
        raise CourseError("exchange feedback needs --graded DIR (the --out of course grade)")
    if step == "release":
        print(f"Released to {exchange.release_to_exchange(module, course_dir, **shared)}")
    elif step == "fetch":
        print(f"Fetched into {exchange.fetch(module, course_dir, args.home, args.student, **shared)}")
    elif step == "submit":
        stamp, where = exchange.submit(module, course_dir, args.home, args.student, **shared)
        print(f"Submitted at {stamp}: {where}")
    elif step == "collect":
        collected = exchange.collect(module, course_dir, **shared)
        for student, folder in sorted(collected.items()):
            print(f"{student}: {folder}")
        print(f"Collected {len(collected)} submission(s); grade them with:\n"
              f"  course grade {module} --submissions {course_dir / 'submitted'} --out DIR")
    elif step == "feedback":
        released = exchange.return_feedback(module, course_dir, args.graded, **shared)
        print(f"Feedback released for {len(released)} student(s): {', '.join(released) or '-'}")
    elif step == "fetch-feedback":
        for path in exchange.fetch_feedback(module, course_dir, args.home, args.student,
                                             **shared):
            print(path)
    return 0


def cmd_hub(args):
    from autograder.hub import setup_class

    made = setup_class(args.exchange, args.instructor, args.config_dir, staff_group=args.staff)
    print(f"Exchange for the course: {made['exchange']} (owned by {args.instructor})")
    print(f"Class configuration: {made['config_dir']} "
          f"(put it on JUPYTER_CONFIG_PATH of every single-user server)")
    for path in made["locked"]:
        print(f"Staff only ({args.staff}): {path}")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="course", description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n", 2)[2])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("lab", help="JupyterLab on your copies of the student notebooks")
    p.add_argument("--dir", help="workspace folder (default: workspace/ in the course)")
    p.add_argument("--port", type=int)
    p.add_argument("--no-browser", action="store_true")
    p.set_defaults(func=cmd_lab)

    p = sub.add_parser("release", help="regenerate release/ from source/ with nbgrader")
    p.add_argument("modules", nargs="*", metavar="MODULE")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("validate", help="run a notebook's visible tests")
    p.add_argument("notebook")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("submit", help="grade your own notebook with the hidden tests")
    p.add_argument("notebook")
    p.add_argument("--out", help="folder for the HTML feedback (default: feedback/ beside the notebook)")
    p.set_defaults(func=cmd_submit)

    p = sub.add_parser("progress", help="where you stand in every module")
    p.add_argument("--dir", help="workspace folder (default: workspace/ in the course)")
    p.add_argument("--check", action="store_true",
                   help="first re-run the visible tests of notebooks changed since their last check")
    p.set_defaults(func=cmd_progress)

    p = sub.add_parser("grade", help="grade a class's submissions (instructors)")
    p.add_argument("module")
    p.add_argument("--submissions", required=True, metavar="DIR",
                   help="DIR/<student>/<MODULE>/<MODULE>.ipynb")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--jobs", type=int, default=1, metavar="N")
    p.add_argument("--db", metavar="URL", help="SQLAlchemy URL of the gradebook "
                   "(default: sqlite in --out)")
    p.add_argument("--cell-timeout", type=int, metavar="SECONDS",
                   help="time limit of one cell (default 90)")
    p.add_argument("--submission-timeout", type=int, metavar="SECONDS",
                   help="time limit of one submission's whole notebook, every restart "
                        "included (default: $COURSE_SUBMISSION_SECONDS, else the larger of "
                        "3 cell limits and 300 s)")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run the notebooks without bubblewrap (only for code you trust)")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("report", help="the class report of a graded module (instructors)")
    p.add_argument("module")
    p.add_argument("--graded", required=True, metavar="OUT", help="the --out folder of course grade")
    p.add_argument("--out", metavar="FILE", help="where to write it (default: OUT/report.html)")
    p.add_argument("--submissions", metavar="DIR", help="compare these submissions "
                   "(DIR/<student>/<MODULE>/<MODULE>.ipynb) instead of the graded copies")
    p.add_argument("--threshold", type=float, default=0.5,
                   help="flag a pair when this share of either's own code is shared (default 0.5)")
    p.add_argument("--common", type=int, default=3, metavar="N",
                   help="ignore passages found in more than N submissions (default 3)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export", help="grades as CSV for Canvas or Moodle (instructors)")
    p.add_argument("kind", choices=["canvas", "moodle"])
    p.add_argument("--graded", required=True, nargs="+", metavar="OUT",
                   help="the --out folder(s) of course grade, one per module")
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("exchange", help="nbgrader's exchange through a course-local folder",
                       description="release -> fetch -> submit -> collect, then course grade, "
                       "then feedback -> fetch-feedback. The exchange lives in COURSE/exchange.")
    p.add_argument("step", choices=["release", "fetch", "submit", "collect", "feedback",
                                    "fetch-feedback"])
    p.add_argument("module")
    p.add_argument("--course", required=True, metavar="DIR",
                   help="the instructor's course folder (holds exchange/, submitted/, feedback/)")
    p.add_argument("--home", metavar="DIR", help="the student's folder (fetch, submit, fetch-feedback)")
    p.add_argument("--student", metavar="NAME", help="the student's id (default: the login name)")
    p.add_argument("--graded", metavar="DIR", help="the --out folder of course grade (feedback)")
    p.add_argument("--exchange", metavar="DIR",
                   help="a shared exchange root (JupyterHub: the one `course hub setup` made) "
                   "instead of COURSE/exchange")
    p.set_defaults(func=cmd_exchange)

    p = sub.add_parser("hub", help="set up a class on one JupyterHub machine (root)",
                       description="Makes the shared nbgrader exchange, the class's Jupyter "
                       "configuration for every single-user server, and (--staff) closes "
                       "source/ and tests/ of this checkout to everyone outside the staff group.")
    p.add_argument("action", choices=["setup"])
    p.add_argument("--exchange", required=True, metavar="DIR", help="the exchange root")
    p.add_argument("--instructor", required=True, metavar="NAME", help="the instructor's account")
    p.add_argument("--config-dir", required=True, metavar="DIR",
                   help="where to write nbgrader_config.py and jupyter_server_config.json")
    p.add_argument("--staff", metavar="GROUP",
                   help="the instructors' group: source/, tests/, ... of the checkout become theirs only")
    p.set_defaults(func=cmd_hub)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except CourseError as exc:
        print(f"course: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("course: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback
        if os.environ.get("COURSE_DEBUG"):
            raise
        print(f"course: error: {exc.__class__.__name__}: {exc} "
              f"(set COURSE_DEBUG=1 for the traceback)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
