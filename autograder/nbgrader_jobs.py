"""Runs one nbgrader app (generate_assignment, autograde, generate_feedback)
in a process of its own, so that nothing one submission does can stop the
grading of the others. Prints one JSON line: nbgrader's success, log, error.

    python -m autograder.nbgrader_jobs autograde --root R --db URL --module M --student S
"""
import argparse
import json
import os
import subprocess
import sys

from .config import ensure_env_bin_on_path, extra, make_config

ACTIONS = ("generate", "autograde", "feedback")


def run_here(action, root, db, module, student=None, sandbox=False, cell_timeout=None):
    from nbgrader.converters import Autograde, GenerateAssignment, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    ensure_env_bin_on_path()
    config = make_config(root, db, sandbox=sandbox)
    if action == "feedback":
        config = extra(config, HTMLExporter={"template_name": "feedback"})
    if cell_timeout:
        config = extra(config, Execute={"timeout": int(cell_timeout)})
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


def run_job(action, root, db, module, student=None, timeout=1800, sandbox=False,
            cell_timeout=None):
    """Run ``action`` in a fresh Python process; returns nbgrader's result dict."""
    cmd = [sys.executable, "-m", "autograder.nbgrader_jobs", action, "--root", str(root),
           "--db", db, "--module", module]
    if student:
        cmd += ["--student", student]
    if sandbox:
        cmd.append("--sandbox")
    if cell_timeout:
        cmd += ["--cell-timeout", str(int(cell_timeout))]
    ensure_env_bin_on_path()
    # Submissions are graded side by side (--jobs): one BLAS/OpenMP thread per
    # kernel, or torch's threads fight over the cores and a 1 s training cell
    # takes tens of seconds. An explicit OMP_NUM_THREADS is respected.
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "1")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, env=env)
    except subprocess.TimeoutExpired:
        return {"success": False, "error": f"{action} took longer than {timeout} s", "log": ""}
    for line in reversed(proc.stdout.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
    return {"success": False, "error": f"{action} process died: {tail[0][:200]}", "log": proc.stderr}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.nbgrader_jobs")
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("--root", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--module", required=True)
    parser.add_argument("--student")
    parser.add_argument("--sandbox", action="store_true")
    parser.add_argument("--cell-timeout", type=int)
    args = parser.parse_args(argv)
    result = run_here(args.action, args.root, args.db, args.module, args.student, args.sandbox,
                      args.cell_timeout)
    print(json.dumps({"success": bool(result.get("success")), "log": result.get("log", ""),
                      "error": result.get("error", "")}))


if __name__ == "__main__":
    main()
