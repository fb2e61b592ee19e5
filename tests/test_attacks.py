"""The attack corpus (tests/attacks.py) graded as one class by `course grade`, in the
sandbox: no attack earns a mark it did not deserve, none stops the batch, none
reaches outside its sandbox (the repository and a canary file on the host are
checksummed before and after), no value of the grader's environment appears in any
output, the grader's own processes stay under 1 GB, and no submission is changed."""
import csv
import hashlib
import os
import re
import secrets
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from attacks import ATTACKS, CANARY, SECRET_ENV, STUDENT, Layout, Link, build, expected
from autograder.notebooks import exercises
from autograder.pipeline import ROOT, source_notebook
from autograder.sandbox import available
from test_grading import student_notebook

MODULE = "01_perceptron"
GRADER_MEMORY_LIMIT = 1 << 30
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("attacks"),  # one class, graded once
              pytest.mark.skipif(not available() and os.environ.get("COURSE_REQUIRE_SANDBOX") != "1",
                                 reason="bubblewrap is not available here (CI requires it)")]
SKIPPED_IN_REPO = {".git", ".venv", "__pycache__", ".pytest_cache", "test-artifacts", "workspace",
                   "node_modules"}


def _slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def student_of(name):
    return STUDENT.get(name, _slug(name))


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def repository_state():
    """Every file of the repository (but caches and the virtual environment): its path,
    mode and contents' digest."""
    state = {}
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_IN_REPO]
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            path = Path(folder) / name
            info = path.lstat()
            content = os.readlink(path) if path.is_symlink() else (
                _digest(path) if stat.S_ISREG(info.st_mode) else "")
            state[str(path.relative_to(ROOT))] = (stat.S_IMODE(info.st_mode), content)
    return state


def _fill(text, places):
    for key, value in places.items():
        text = text.replace(key, str(value))
    return text


def materialize(subs, student, layout, places):
    for rel, value in layout.items():
        path = subs / student / rel if rel else subs / student
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, Link):
            path.symlink_to(_fill(value, places))
        else:
            path.write_text(_fill(value, places), encoding="utf-8")


class MemoryWatch(threading.Thread):
    """Samples the resident memory of the grader's processes (the `course` process and
    its descendants, but not the sandboxed kernels, which have limits of their own)."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak_total, self.peak_one, self.running = pid, 0, 0, True

    def _grader_processes(self):
        try:
            top = psutil.Process(self.pid)
            found, todo = [top], [top]
            while todo:
                for child in todo.pop().children():
                    if child.name() != "bwrap":  # a kernel's sandbox: not the grader
                        found.append(child)
                        todo.append(child)
            return found
        except psutil.Error:
            return []

    def run(self):
        while self.running:
            total = 0
            for proc in self._grader_processes():
                try:
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                self.peak_one = max(self.peak_one, rss)
            self.peak_total = max(self.peak_total, total)
            time.sleep(0.2)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("attacks")
    subs, out = base / "submissions", base / "out"
    canary = base / "host-canary.txt"
    canary.write_text("a host file no submission may read or change\n")
    canary.chmod(0o600)
    places = {"@ROOT@": ROOT, "@OUT@": out, "@SUBS@": subs, "@CANARY@": canary}
    honest = student_notebook(MODULE)
    students = {"honest": Layout({f"{MODULE}/{MODULE}.ipynb": nbformat.writes(honest)})}
    students.update({student_of(name): build(name, honest) for name in ATTACKS})
    subs.mkdir()
    for student, layout in students.items():
        materialize(subs, student, layout, places)
    watched = [ROOT / "course" / "checks.py", source_notebook(MODULE)]
    before = {p: _digest(p) for p in list(subs.rglob("*.ipynb")) + watched
              if p.is_file() and not p.is_symlink() and not any(q.is_symlink() for q in p.parents)}
    repo_before = repository_state()
    canary_before = (_digest(canary), stat.S_IMODE(canary.stat().st_mode))
    secrets_in_env = {SECRET_ENV: "grader-secret-" + secrets.token_hex(8),
                      "PGPASSWORD": "pg-password-" + secrets.token_hex(8)}
    # A temporary folder of the grader's own: what the sandboxes leave on the host shows.
    host_tmp = base / "host-tmp"
    host_tmp.mkdir()
    env = dict(os.environ, COURSE_SANDBOX_MEMORY_MB="2048", TMPDIR=str(host_tmp),
               **secrets_in_env)
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "course_cli", "grade", MODULE, "--submissions",
                             str(subs), "--out", str(out), "--jobs", "2", "--cell-timeout", "10"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, env=env)
    watch = MemoryWatch(proc.pid)
    watch.start()
    try:
        stdout, stderr = proc.communicate(timeout=3600)
    finally:
        watch.running = False
        proc.kill()
    watch.join()
    seconds = time.monotonic() - started
    rows = list(csv.DictReader(open(out / "grades.csv", encoding="utf-8"))) \
        if (out / "grades.csv").exists() else []
    course_canary = (ROOT / CANARY).exists() or (ROOT / "course" / CANARY).exists()
    (ROOT / CANARY).unlink(missing_ok=True)
    return {"proc": proc, "stdout": stdout, "stderr": stderr, "rows": rows, "before": before,
            "course_canary": course_canary, "out": out, "students": students, "subs": subs,
            "repo_before": repo_before, "repo_after": repository_state(), "canary": canary,
            "canary_before": canary_before, "secrets": secrets_in_env, "memory": watch,
            "seconds": seconds, "host_tmp": sorted(str(p.relative_to(host_tmp)) for p in host_tmp.rglob("*")
                                               if not p.name.startswith("course-kernels-"))}


def test_the_batch_finishes_with_a_row_for_every_exercise(graded):
    assert graded["proc"].returncode == 0, graded["stderr"][-2000:]
    names = list(exercises(nbformat.read(source_notebook(MODULE), as_version=4)))
    got = {(r["student"], r["exercise"]) for r in graded["rows"]}
    assert got == {(s, n) for s in graded["students"] for n in names}
    print(f"graded {len(graded['students'])} submissions in {graded['seconds']:.0f} s")


def test_the_honest_submission_gets_full_marks(graded):
    rows = [r for r in graded["rows"] if r["student"] == "honest"]
    assert rows and all(r["status"] == "passed" and r["score"] == r["max_score"] for r in rows)


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_attack_gets_the_result_it_must(graded, attack):
    rows = [r for r in graded["rows"] if r["student"] == student_of(attack)]
    assert rows, f"no rows for {attack}"
    for row in rows:
        want = expected(attack, row["exercise"])
        assert row["status"] == want, (attack, row)
        if want != "passed":
            assert float(row["score"]) == 0, (attack, row)
            assert row["message"], f"{attack}: a {want} row must say why"
            assert "\n" not in row["message"]
        else:
            assert float(row["score"]) == float(row["max_score"]) > 0, (attack, row)


def test_nothing_outside_the_sandbox_changed(graded):
    assert not graded["course_canary"], "a submission wrote into the course"
    for path, digest in graded["before"].items():
        assert _digest(path) == digest, f"{path} was changed by grading"
    before, after = graded["repo_before"], graded["repo_after"]
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    assert not changed, f"grading changed the repository: {changed[:5]}"
    canary = graded["canary"]
    assert (_digest(canary), stat.S_IMODE(canary.stat().st_mode)) == graded["canary_before"]


def test_no_link_and_nothing_the_kernel_made_is_kept(graded):
    """Only nbgrader's own files are in OUT: no links, no copy of the source notebook or
    the gradebook, nothing a kernel wrote in its folder."""
    out = graded["out"]
    for folder, dirs, files in os.walk(out):
        for name in dirs + files:
            assert not os.path.islink(os.path.join(folder, name)), os.path.join(folder, name)
    for student in (student_of("makes links and files where it runs"),
                    student_of("leaves links beside its notebook")):
        assert sorted(p.name for p in (out / "feedback" / student).iterdir()) == [f"{MODULE}.html"]
        kept = out / "nbgrader" / "autograded" / student / MODULE
        assert sorted(p.name for p in kept.iterdir()) == [f"{MODULE}.ipynb"]


def test_no_grader_environment_value_appears_in_any_output(graded):
    values = [v.encode() for v in graded["secrets"].values()]
    assert not any(v.decode() in graded["stdout"] + graded["stderr"] for v in values)
    for path in graded["out"].rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            assert not any(v in data for v in values), f"a grader secret is in {path}"


def test_the_grader_stays_under_1_gb(graded):
    watch = graded["memory"]
    assert 0 < watch.peak_total < GRADER_MEMORY_LIMIT, watch.peak_total
    print(f"grader peak: {watch.peak_total / 2**20:.0f} MB in all, "
          f"{watch.peak_one / 2**20:.0f} MB in one process")


def test_output_flood_is_cut(graded):
    notebook = graded["out"] / "nbgrader" / "autograded" / _slug("floods the output") / MODULE \
        / f"{MODULE}.ipynb"
    assert notebook.stat().st_size < 3_000_000
    assert "[output cut" in notebook.read_text()


def test_the_kernel_has_no_powers_and_a_clean_environment():
    """Run directly: what the kernel's process is (uid, capabilities, environment)."""
    from autograder.sandbox import KERNEL_UID_BASE, bwrap_command, kernel_env

    secret = "grader-secret-" + secrets.token_hex(8)
    os.environ[SECRET_ENV] = secret
    try:
        cmd = bwrap_command(["sh", "-c", "id -u; id -g; id -G; grep '^Cap' /proc/self/status; "
                                         "env; mount -o remount,rw,bind /usr && echo REMOUNTED"],
                            uid=KERNEL_UID_BASE)
        done = subprocess.run(cmd, env=kernel_env(), capture_output=True, text=True, timeout=60)
    finally:
        del os.environ[SECRET_ENV]
    lines = done.stdout.splitlines()
    assert lines[0] != "0" and lines[1] != "0" and "0" not in lines[2].split(), lines[:3]
    caps = [ln.split()[1] for ln in lines if ln.startswith("Cap")]
    assert len(caps) == 5 and set(caps) == {"0000000000000000"}, caps
    assert secret not in done.stdout and SECRET_ENV not in done.stdout
    assert "REMOUNTED" not in done.stdout


def test_kernel_deaths_past_the_budget_fail_validate_and_submit(tmp_path):
    """`course validate` and `course submit` of the unanswered notebook that ends its
    kernel six times: every test cell fails, none is passed for not having run."""
    from attacks import _dies

    path = tmp_path / f"{MODULE}.ipynb"
    nbformat.write(_dies(6)(student_notebook(MODULE)), path)
    env = dict(os.environ, COURSE_WORKSPACE=str(tmp_path / "workspace"))
    for command, verdict in (("validate", "\n0 of "), ("submit", "Score: 0 /")):
        proc = subprocess.run([sys.executable, "-m", "course_cli", command, str(path)],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=1800, env=env, cwd=tmp_path)
        text = proc.stdout + proc.stderr
        assert "Traceback" not in text, text[-2000:]
        assert verdict in text, text[-2000:]
        assert "kernel died" in text, text[-2000:]


def test_the_sandboxes_leave_nothing_in_the_hosts_tmp(graded):
    """Kernels' socket folders and scratch folders, and grading jobs' folders, all go
    (the grader's own empty folder for unsandboxed kernels' sockets may stay)."""
    left = [n for n in graded["host_tmp"] if "course-" in n]
    assert not left, left


def test_no_submission_wrote_onto_the_host_through_its_socket_folder(graded):

    rows = [r for r in graded["rows"]
            if r["student"] == student_of("writes into its socket folder on the host")]
    assert rows and all(r["status"] != "passed" or r["exercise"] != "perceptron_predict"
                        for r in rows)


@pytest.mark.parametrize("attack", ["raises errors of 25 MB", "updates displays with 30 MB"])
def test_every_kind_of_output_is_capped(graded, attack):
    notebook = graded["out"] / "nbgrader" / "autograded" / student_of(attack) / MODULE \
        / f"{MODULE}.ipynb"
    assert notebook.stat().st_size < 3_000_000, notebook.stat().st_size
    feedback = graded["out"] / "feedback" / student_of(attack) / f"{MODULE}.html"
    assert feedback.stat().st_size < 3_000_000, feedback.stat().st_size


def test_learner_markup_does_not_reach_the_feedback_page(graded):
    """No browser needed: the learner's tags appear only escaped, as text."""
    from attacks import FEEDBACK_MARKUP

    html = (graded["out"] / "feedback" / student_of("puts markup and a formula in its feedback")
            / f"{MODULE}.html").read_text(encoding="utf-8")
    for raw in ('<div id="fake-banner"', "<script>document.title", "<img src=x",
                FEEDBACK_MARKUP):
        assert raw not in html, raw
    # inside a tag (not as escaped text): no event handler, no fixed-position style
    assert not re.search(r"<[^<>]*\bonerror\s*=", html)
    assert not re.search(r"<[^<>]*style=\"position:\s*fixed", html)


def test_a_formula_in_a_message_is_neutralised_in_grades_csv(graded):
    text = (graded["out"] / "grades.csv").read_text(encoding="utf-8")
    student = student_of("puts markup and a formula in its feedback")
    row = next(r for r in graded["rows"] if r["student"] == student
               and r["exercise"] == "perceptron_predict")
    assert row["message"].startswith("'=HYPERLINK("), row["message"]
    for line in text.splitlines()[1:]:
        for field in next(csv.reader([line])):
            assert not field.startswith(("=", "+", "@")), line
            assert not re.match(r"-[^0-9]", field), line


def test_the_feedback_shows_no_hidden_test(graded):
    """The feedback of a submission that answered nothing holds no line of any hidden
    block of the source notebook."""
    source = nbformat.read(source_notebook(MODULE), as_version=4)
    hidden = []
    for cell in source.cells:
        text = cell.source
        while "### BEGIN HIDDEN TESTS" in text:
            block = text.split("### BEGIN HIDDEN TESTS", 1)[1]
            hidden += [ln.strip() for ln in block.split("### END HIDDEN TESTS")[0].splitlines()
                       if len(ln.strip()) > 12]
            text = block.split("### END HIDDEN TESTS", 1)[-1]
    visible = set()
    for cell in source.cells:  # lines a hidden block shares with visible code are not secret
        parts = re.split(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", cell.source, flags=re.S)
        visible.update(ln.strip() for part in parts for ln in part.splitlines())
    # ... nor are lines that visible code contains (``_expect(_gate_check(...), ...)`` shows
    # the hidden ``_gate_check(...)`` call's text in the open).
    shown_code = "\n".join(visible)
    hidden = [ln for ln in hidden if ln not in visible and ln not in shown_code]
    assert hidden
    import html as html_module

    for student in (student_of("has no cells"), "honest"):
        page = html_module.unescape(re.sub(r"<[^>]+>", "", (
            graded["out"] / "feedback" / student / f"{MODULE}.html").read_text(encoding="utf-8")))
        shown = [ln for ln in hidden if ln in page]
        assert not shown, (student, shown[:3])
