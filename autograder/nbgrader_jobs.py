"""Runs one nbgrader app (generate_assignment, autograde, generate_feedback), or the
whole grading of one submission (``grade``: read it, check it, autograde it, write its
feedback and its rows), in a process of its own, so that nothing one submission does
can stop the grading of the others. Writes one JSON object (nbgrader's success, log,
error; ``rows`` for ``grade``) to ``--result``.

    python -m autograder.nbgrader_jobs grade --root R --db URL --module M --student S \
        --submission-root DIR --submission STUDENT/MODULE/NAME.ipynb --result FILE

The caller reads only the result file and the last few kilobytes of the job's output
(decoded leniently), and kills the job's whole process group when it runs past its
time limit: a submission's output, size or nesting cannot grow or stop the caller.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from .config import ensure_env_bin_on_path, extra, make_config

ACTIONS = ("generate", "autograde", "feedback", "grade")
#: Seconds a grading job may take beyond the notebook's own time (starting nbgrader,
#: checking the submission, kernel starts, feedback).
FIXED_SECONDS = 180
#: What the caller reads of a job's result file and of its output.
MAX_RESULT_BYTES = 5_000_000
TAIL_BYTES = 8192


def run_here(action, root, db, module, student=None, sandbox=False, cell_timeout=None,
             total_timeout=None):
    from nbgrader.converters import Autograde, GenerateAssignment, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    ensure_env_bin_on_path()
    config = make_config(root, db, sandbox=sandbox)
    if action == "feedback":
        from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
        from nbgrader.preprocessors import GetGrades

        from .preprocessors import FeedbackView

        # The feedback shows no hidden test and runs none of the learner's markup.
        config = extra(config, HTMLExporter={"template_name": "feedback", "sanitize_html": True},
                       GenerateFeedback={"preprocessors": [GetGrades, FeedbackView,
                                                           CSSHTMLHeaderPreprocessor]})
    if cell_timeout:
        config = extra(config, Execute={"timeout": int(cell_timeout)})
    if total_timeout:
        config = extra(config, GuardedExecute={"total_timeout": int(total_timeout)})
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = module
    if student:
        coursedir.student_id = student
    if action == "generate":
        app = GenerateAssignment(coursedir=coursedir, config=config)
        app.force = True
        app.create_assignment = True
    elif action == "autograde":
        app = Autograde(coursedir=coursedir, config=config)
        app.force = True
        app.create_student = True
    else:
        app = GenerateFeedback(coursedir=coursedir, config=config)
        app.force = True
    return capture_log(app)


def grade_here(root, db, module, student, submission_root, submission, sandbox=False,
               cell_timeout=None, total_timeout=None):
    """Everything about one submission, in this process: read it (no links followed),
    check and prepare it, autograde it, write its feedback; returns the result with the
    student's ``rows``."""
    from . import CourseError
    from .notebooks import (exercises, instructor_names, parse_notebook, prepare_submission,
                            read_notebook, read_submission)
    from .pipeline import RELEASE, _apply_refusals, _exercise_rows, _graded_rows, source_notebook

    root = Path(root)
    found = exercises(read_notebook(root / "source" / module / f"{module}.ipynb"))
    try:
        parts = submission.split("/")
        text = read_submission(submission_root, parts)
        nb = parse_notebook(text, submission)
        blank = read_notebook(RELEASE / module / f"{module}.ipynb")
        names = instructor_names(read_notebook(source_notebook(module)))
        prepared, refused = prepare_submission(nb, blank, names)
        del nb, text
        dest = root / "submitted" / student / module
        dest.mkdir(parents=True, exist_ok=True)
        import nbformat

        nbformat.write(prepared, dest / f"{module}.ipynb")
    except CourseError as exc:
        return {"success": True, "rows": _exercise_rows(student, module, found, "invalid",
                                                        _one_line(exc))}
    except (RecursionError, MemoryError, UnicodeError, ValueError, TypeError, KeyError,
            AttributeError) as exc:  # a notebook no well-formed one resembles
        return {"success": True, "rows": _exercise_rows(
            student, module, found, "invalid",
            f"{submission}: not a notebook the grader can read ({exc.__class__.__name__})")}
    result = run_here("autograde", root, db, module, student, sandbox, cell_timeout,
                      total_timeout)
    if not result.get("success"):
        result["rows"] = _exercise_rows(student, module, found, "error",
                                        f"autograding failed: {_last_line(result)}")
        return result
    result["rows"] = _apply_refusals(_graded_rows(root, db, module, student, found), refused)
    run_here("feedback", root, db, module, student)
    return result


def _one_line(exc):
    lines = [ln for ln in str(exc).splitlines() if ln.strip()]
    return (lines[0] if lines else exc.__class__.__name__)[:300]


def _last_line(result):
    """The most telling line of a failed job: the last exception other than nbgrader's
    "see the above traceback", else the last line."""
    text = "\n".join(str(result.get(k) or "") for k in ("log", "error")).strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ("Error" in ln or "Exception" in ln)
              and "above traceback" not in ln and not ln.startswith(("File ", "Traceback"))]
    return (errors or lines or ["unknown error"])[-1][:300]


def _tail(fh):
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    fh.seek(max(0, size - TAIL_BYTES))
    return fh.read().decode("utf-8", errors="replace")


def run_job(action, root, db, module, student=None, timeout=1800, sandbox=False,
            cell_timeout=None, submission_root=None, submission=None, total_timeout=None):
    """Run ``action`` in a fresh Python process; returns nbgrader's result dict (for
    ``grade``, with the student's ``rows``). A job that runs past ``timeout`` seconds is
    killed with everything it started."""
    with tempfile.TemporaryDirectory(prefix="course-job-") as tmp:
        result_file = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "autograder.nbgrader_jobs", action, "--root", str(root),
               "--db", db, "--module", module, "--result", str(result_file)]
        if student:
            cmd += ["--student", student]
        if sandbox:
            cmd.append("--sandbox")
        if cell_timeout:
            cmd += ["--cell-timeout", str(int(cell_timeout))]
        if total_timeout:
            cmd += ["--total-timeout", str(int(total_timeout))]
        if submission is not None:
            cmd += ["--submission-root", str(submission_root), "--submission", submission]
        ensure_env_bin_on_path()
        # Submissions are graded side by side (--jobs): one BLAS/OpenMP thread per
        # kernel, or torch's threads fight over the cores and a 1 s training cell
        # takes tens of seconds. An explicit OMP_NUM_THREADS is respected.
        env = dict(os.environ)
        env.setdefault("OMP_NUM_THREADS", "1")
        # The sandbox's socket folders go in this job's folder, removed below even when
        # the job is killed.
        env["COURSE_SANDBOX_PARENT"] = tmp
        env["TMPDIR"] = tmp  # and whatever else the job makes there (its kernels' scratch)
        # (a socket folder that would be too long a path there goes to /tmp, listed in tmp)
        with open(Path(tmp) / "out", "w+b") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=env, start_new_session=True)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                return {"success": False, "error": f"{action} took longer than {timeout} s",
                        "log": ""}
            finally:
                _kill_group(proc)  # nothing it started outlives it
                if sandbox:
                    _remove_cgroups(tmp)
            tail = _tail(out)
        try:
            with open(result_file, "rb") as fh:
                return json.loads(fh.read(MAX_RESULT_BYTES).decode("utf-8", errors="replace"))
        except (OSError, ValueError):
            lines = [ln for ln in tail.strip().splitlines() if ln.strip()]
            last = lines[-1][:200] if lines else f"exit status {proc.returncode}"
            return {"success": False, "error": f"{action} process died: {last}", "log": tail}


def _remove_cgroups(tmp):
    """The cgroups of kernels whose socket folders were in ``tmp`` (a killed job could
    not remove them itself): what is left in them is killed, and they go."""
    from .sandbox import CGROUP_PREFIX, CGROUP_ROOT, remove_cgroups, remove_listed

    remove_listed(tmp)
    names = [p.name for p in Path(tmp).glob(CGROUP_PREFIX + "*")]
    remove_cgroups([CGROUP_ROOT / c / n for n in names for c in ("memory", "pids")
                    if (CGROUP_ROOT / c / n).is_dir()])


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.nbgrader_jobs")
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("--root", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--module", required=True)
    parser.add_argument("--result", required=True)
    parser.add_argument("--student")
    parser.add_argument("--sandbox", action="store_true")
    parser.add_argument("--cell-timeout", type=int)
    parser.add_argument("--total-timeout", type=int)
    parser.add_argument("--submission-root")
    parser.add_argument("--submission")
    args = parser.parse_args(argv)
    if args.action == "grade":
        result = grade_here(args.root, args.db, args.module, args.student, args.submission_root,
                            args.submission, args.sandbox, args.cell_timeout, args.total_timeout)
    else:
        result = run_here(args.action, args.root, args.db, args.module, args.student,
                          args.sandbox, args.cell_timeout, args.total_timeout)
    done = {"success": bool(result.get("success")), "log": str(result.get("log", ""))[-20000:],
            "error": str(result.get("error", ""))[-20000:]}
    if "rows" in result:
        done["rows"] = result["rows"]
    with open(args.result, "w", encoding="utf-8") as fh:
        json.dump(done, fh, ensure_ascii=True)


if __name__ == "__main__":
    main()
