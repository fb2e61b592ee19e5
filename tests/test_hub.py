"""A class on a real JupyterHub: an instructor and two students, each a Unix account of
their own with a JupyterLab run as that account (LocalProcessSpawner), nbgrader's
exchange shared between them (`course hub setup`), the Hub and its proxy
(configurable-http-proxy from npm) on loopback.

Everything goes through the Hub's REST API and each person's own server, with a token
of that person: the students use nbgrader's Assignments endpoints (what the Lab's
Assignments tab calls) to fetch, submit and fetch feedback, and the contents API to
answer; the instructor types `course exchange ... --exchange` and `course grade` into a
terminal of their own Lab. Then each student tries, from their own Lab's terminal, to
reach the other's files, the instructor's and the answer-holding parts of the course,
and must be refused.

Needs root (it creates the accounts, as CI does) and configurable-http-proxy; CI sets
COURSE_REQUIRE_HUB=1 so that a missing piece fails instead of skipping.
"""
import csv
import io
import json
import os
import pwd
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from autograder import exchange
from autograder.hub import STAFF_ONLY, blocked_dirs
from autograder.notebooks import exercises, is_answer_cell, nbgrader_meta
from autograder.pipeline import RELEASE, source_notebook
from conftest import MODULES, ROOT

MODULE = "01_perceptron"
REQUIRED = os.environ.get("COURSE_REQUIRE_HUB") == "1"
VENV_BIN = Path(sys.executable).parent
DOC_CONFIG = ROOT / "docs" / "deploy" / "jupyterhub_config.py"
TAG = secrets.token_hex(2)
INSTRUCTOR, ADA, BOB = f"teach{TAG}", f"ada{TAG}", f"bob{TAG}"
STUDENTS = (ADA, BOB)
STAFF = f"staff{TAG}"
COURSE_ID = exchange.COURSE_ID


def _proxy():
    found = os.environ.get("COURSE_CHP") or shutil.which("configurable-http-proxy")
    local = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
    return found or (str(local) if local.exists() else None)


def _missing():
    if MODULE not in MODULES:
        return f"no {MODULE}"
    if os.geteuid() != 0:
        return "creates Unix accounts for an instructor and two students: run as root (CI does)"
    for tool in ("useradd", "userdel", "groupadd", "groupdel"):
        if not shutil.which(tool):
            return f"no {tool} to create the class's accounts"
    if not (VENV_BIN / "jupyterhub").exists():
        return "jupyterhub is not installed (pip install -e '.[test]')"
    if not _proxy():
        return ("configurable-http-proxy not found: npm ci --prefix .ci/node "
                "(or set COURSE_CHP)")
    if not shutil.which("node"):
        return "no node for configurable-http-proxy"
    return None


if _missing() and REQUIRED:
    raise RuntimeError(f"COURSE_REQUIRE_HUB=1 but {_missing()}")
pytestmark = [pytest.mark.skipif(bool(_missing()), reason=str(_missing())),
              pytest.mark.slow, pytest.mark.xdist_group("hub")]


def _port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sh(*args):
    subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True,
                   stdin=subprocess.DEVNULL)


# -- the machine: accounts, the locked checkout, the Hub ----------------------------
class Hub:
    """A running JupyterHub and the REST calls of each person."""

    def __init__(self, base):
        import requests

        self.base = base
        self.url = f"http://127.0.0.1:{_port()}"
        self.admin_token = secrets.token_hex(32)
        self.tokens = {}
        self.http = requests.Session()
        self.proc = None
        self.log = base / "hub" / "jupyterhub.log"
        self._n = 0

    # the Hub's REST API, as the test's admin service
    def api(self, method, path, **kw):
        return self.http.request(method, f"{self.url}/hub/api/{path}", timeout=60,
                                 headers={"Authorization": f"token {self.admin_token}"}, **kw)

    # a person's own single-user server, with their own token
    def user(self, who, method, path, token_of=None, **kw):
        token = self.tokens[token_of or who]
        return self.http.request(method, f"{self.url}/user/{who}/{path}", timeout=300,
                                 allow_redirects=False,
                                 headers={"Authorization": f"token {token}"}, **kw)

    def read(self, who, path, fmt=None):
        params = {"content": 1, **({"format": fmt} if fmt else {})}
        r = self.user(who, "GET", f"api/contents/{path}", params=params)
        assert r.status_code == 200, (who, path, r.status_code, r.text[:500])
        return r.json()

    def put(self, who, path, model):
        r = self.user(who, "PUT", f"api/contents/{path}", json=model)
        assert r.status_code in (200, 201), (who, path, r.status_code, r.text[:500])

    def assignments(self, who, action=None):
        """nbgrader's Assignments endpoints: the list, or fetch/submit/fetch_feedback."""
        params = {"course_id": COURSE_ID}
        if action:
            params["assignment_id"] = MODULE
            r = self.user(who, "POST", f"assignments/{action}", params=params)
        else:
            r = self.user(who, "GET", "assignments", params=params)
        assert r.status_code == 200, (who, action, r.status_code, r.text[:500])
        reply = r.json()
        assert reply.get("success"), (who, action, reply)
        return reply["value"]

    def terminal(self, who, command, timeout=300):
        """Type ``command`` into a terminal of ``who``'s own Lab; its exit status and
        output (written to files in their home, read back through the contents API)."""
        import websocket

        self._n += 1
        log, rc = f"course-test-{self._n}.log", f"course-test-{self._n}.rc"
        r = self.user(who, "POST", "api/terminals")
        assert r.status_code == 200, (r.status_code, r.text)
        name = r.json()["name"]
        ws = websocket.create_connection(
            f"{self.url.replace('http', 'ws', 1)}/user/{who}/terminals/websocket/{name}",
            header=[f"Authorization: token {self.tokens[who]}"], timeout=2)
        try:
            ws.send(json.dumps(["stdin", f"({command}) > ~/{log} 2>&1; echo $? > ~/{rc}\r"]))
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    ws.recv()  # the terminal's echo; keeps the connection drained
                except websocket.WebSocketTimeoutException:
                    pass
                done = self.user(who, "GET", f"api/contents/{rc}", params={"content": 1})
                if done.status_code == 200 and done.json()["content"].strip():
                    status = int(done.json()["content"].strip())
                    return status, self.read(who, log)["content"]
            raise AssertionError(f"{command!r} in {who}'s terminal did not finish in {timeout} s")
        finally:
            ws.close()
            self.user(who, "DELETE", f"api/terminals/{name}")


def _add_accounts(base):
    _sh("groupadd", STAFF)
    homes = base / "home"
    homes.mkdir(mode=0o755)
    for name in (INSTRUCTOR, *STUDENTS):
        extra = ["--groups", STAFF] if name == INSTRUCTOR else []
        _sh("useradd", "--create-home", "--home-dir", homes / name, "--shell", "/bin/bash",
            "--user-group", *extra, name)
        os.chmod(homes / name, 0o700)


def _remove_accounts():
    for name in (INSTRUCTOR, *STUDENTS):
        try:
            uid = pwd.getpwnam(name).pw_uid
        except KeyError:
            continue
        # what the Hub left running as this test's own accounts, by process id
        found = subprocess.run(["pgrep", "-u", str(uid)], capture_output=True, text=True)
        for pid in found.stdout.split():
            try:
                os.kill(int(pid), 9)
            except ProcessLookupError:
                pass
        subprocess.run(["userdel", name], capture_output=True)
    subprocess.run(["groupdel", STAFF], capture_output=True)


def _modes(paths):
    """(mode, gid) of everything under ``paths``: the lock-down is undone at the end."""
    saved = {}
    for top in paths:
        for dirpath, dirnames, filenames in os.walk(top):
            for p in [dirpath] + [os.path.join(dirpath, f) for f in dirnames + filenames]:
                st = os.lstat(p)
                if not stat.S_ISLNK(st.st_mode):
                    saved[p] = (stat.S_IMODE(st.st_mode), st.st_gid)
    return saved


def _start_hub(hub, class_config):
    state = hub.base / "hub"
    state.mkdir(mode=0o700)
    config = state / "jupyterhub_config.py"
    config.write_text(
        f"load_subconfig({str(DOC_CONFIG)!r})\n"
        "# test only: loopback ports, no passwords, and an admin service for the test\n"
        f"c.JupyterHub.bind_url = {hub.url!r}\n"
        f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{_port()}'\n"
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{_port()}'\n"
        "c.JupyterHub.authenticator_class = 'dummy'\n"
        f"c.JupyterHub.services = [{{'name': 'course-test', 'api_token': {hub.admin_token!r}}}]\n"
        "c.JupyterHub.load_roles = [{'name': 'course-test', 'services': ['course-test'],\n"
        "    'scopes': ['admin:users', 'admin:servers', 'tokens', 'read:hub']}]\n"
        "c.JupyterHub.log_level = 'INFO'\n")
    env = dict(os.environ, COURSE_CHECKOUT=str(ROOT), COURSE_CLASS_CONFIG=str(class_config),
               COURSE_HUB_STATE=str(state), COURSE_CHP=_proxy(),
               COURSE_INSTRUCTORS=INSTRUCTOR, COURSE_STUDENTS=",".join(STUDENTS),
               PATH=f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    hub.proc = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(config)], cwd=state,
                                env=env, stdin=subprocess.DEVNULL, stdout=open(hub.log, "wb"),
                                stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert hub.proc.poll() is None, f"JupyterHub exited:\n{hub.log.read_text()[-4000:]}"
        try:
            if hub.api("GET", "").status_code == 200:
                return
        except Exception:  # noqa: BLE001 - not listening yet
            pass
        time.sleep(0.5)
    raise AssertionError(f"JupyterHub did not answer in 90 s:\n{hub.log.read_text()[-4000:]}")


def _start_servers(hub):
    for who in (INSTRUCTOR, *STUDENTS):
        r = hub.api("POST", f"users/{who}/server")
        assert r.status_code in (201, 202), (who, r.status_code, r.text)
    for who in (INSTRUCTOR, *STUDENTS):
        deadline = time.monotonic() + 150
        while True:
            model = hub.api("GET", f"users/{who}").json()
            if (model.get("servers") or {}).get("", {}).get("ready"):
                break
            assert time.monotonic() < deadline, f"{who}'s server did not start:\n" \
                f"{hub.log.read_text()[-4000:]}"
            time.sleep(0.5)
        r = hub.api("POST", f"users/{who}/tokens", json={"note": "course test", "expires_in": 3600})
        assert r.status_code in (200, 201), (who, r.status_code, r.text)
        hub.tokens[who] = r.json()["token"]


def _stop_hub(hub):
    if hub.proc is None or hub.proc.poll() is not None:
        return
    hub.proc.terminate()  # the Hub stops the servers and the proxy it started
    try:
        hub.proc.wait(30)
    except subprocess.TimeoutExpired:
        hub.proc.kill()
        hub.proc.wait(10)


@pytest.fixture(scope="module")
def hub():
    base = Path(tempfile.mkdtemp(prefix="course-hub-", dir="/tmp"))
    os.chmod(base, 0o755)
    locked = [ROOT / name for name in STAFF_ONLY if (ROOT / name).is_dir()]
    saved = _modes(locked)
    # The .venv's Python may live in root's private home (pyenv in /root, as on the
    # development machine): let the class's accounts search (not list) the way to it
    # while the test runs. A deployment installs Python where everyone can run it.
    opened = {p: stat.S_IMODE(os.stat(p).st_mode) for p in blocked_dirs(ROOT)}
    h = Hub(base)
    try:
        for path, mode in opened.items():
            os.chmod(path, mode | 0o001)
        _add_accounts(base)
        setup = subprocess.run(
            [str(VENV_BIN / "course"), "hub", "setup", "--exchange", base / "exchange",
             "--instructor", INSTRUCTOR, "--config-dir", base / "jupyter", "--staff", STAFF],
            capture_output=True, text=True, stdin=subprocess.DEVNULL)
        assert setup.returncode == 0, setup.stdout + setup.stderr
        h.setup_output = setup.stdout
        h.exchange_root = base / "exchange"
        h.homes = {who: base / "home" / who for who in (INSTRUCTOR, *STUDENTS)}
        started = time.monotonic()
        _start_hub(h, base / "jupyter")
        _start_servers(h)
        h.start_seconds = time.monotonic() - started
        yield h
    finally:
        _stop_hub(h)
        _remove_accounts()
        for path, mode in opened.items():
            os.chmod(path, mode)
        for path, (mode, gid) in saved.items():
            try:
                os.chown(path, -1, gid)
                os.chmod(path, mode)
            except FileNotFoundError:
                pass
        if h.log.exists():  # kept for CI's artifacts
            kept = ROOT / "test-artifacts" / "hub"
            kept.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(h.log, kept / "jupyterhub.log")
            if os.environ.get("COURSE_KEEP_HUB_LOG"):
                print(h.log.read_text())
        shutil.rmtree(base, ignore_errors=True)


# -- the class ----------------------------------------------------------------------
def _solutions():
    return {nbgrader_meta(c)["grade_id"]: c.source
            for c in nbformat.read(source_notebook(MODULE), as_version=4).cells
            if is_answer_cell(c)}


def _answer(hub, who, skip=()):
    """The student's work, saved through their own server's contents API."""
    path = f"{MODULE}/{MODULE}.ipynb"
    nb = nbformat.from_dict(hub.read(who, path)["content"])
    solutions = _solutions()
    for cell in nb.cells:
        if is_answer_cell(cell) and nbgrader_meta(cell)["grade_id"] not in skip:
            cell.source = solutions[nbgrader_meta(cell)["grade_id"]]
    hub.put(who, path, {"type": "notebook", "format": "json", "content": nb})
    return nb


def _cells(nb):
    """What a notebook holds, without what the contents API adds (cell trust)."""
    nb = nbformat.from_dict(nb) if not isinstance(nb, nbformat.NotebookNode) else nb
    return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]


def _status(listing):
    return sorted((a["assignment_id"], a["status"]) for a in listing
                  if a["course_id"] == COURSE_ID)


@pytest.fixture(scope="module")
def flow(hub):
    """release -> fetch -> answer -> submit -> collect -> grade -> feedback -> fetch feedback."""
    ex = f"--exchange {hub.exchange_root}"
    state = {"steps": {}, "unanswered": next(iter(exercises(nbformat.read(
        source_notebook(MODULE), as_version=4))))}

    def instructor(step, command, timeout=300):
        started = time.monotonic()
        rc, out = hub.terminal(INSTRUCTOR, command, timeout)
        state["steps"][step] = (rc, out, time.monotonic() - started)
        assert rc == 0, f"{step}: {command}\n{out}"
        return out

    instructor("release", f"course exchange release {MODULE} --course ~/class {ex}")
    state["listed"] = {s: hub.assignments(s) for s in STUDENTS}
    state["fetched"] = {s: hub.assignments(s, "fetch") for s in STUDENTS}
    state["released_bytes"] = {s: hub.read(s, f"{MODULE}/{MODULE}.ipynb")["content"]
                               for s in STUDENTS}
    _answer(hub, ADA)
    _answer(hub, BOB, skip={state["unanswered"]})
    state["submitted"] = {s: hub.assignments(s, "submit") for s in STUDENTS}
    state["handed_in"] = {s: hub.read(s, f"{MODULE}/{MODULE}.ipynb")["content"]
                          for s in STUDENTS}
    # ada hands in a copy of her work under bob's name, from her own terminal
    state["forged"] = hub.terminal(
        ADA, f"nbgrader submit {MODULE} --course {COURSE_ID} --CourseDirectory.student_id={BOB}")
    instructor("collect", f"course exchange collect {MODULE} --course ~/class {ex}")
    instructor("sandbox", "python -c 'from autograder.sandbox import available; "
               "print(available())'")
    sandbox = state["steps"]["sandbox"][1].strip().endswith("True")
    if not sandbox and os.environ.get("COURSE_REQUIRE_SANDBOX") == "1":
        raise AssertionError("bubblewrap does not work for the instructor's account")
    no_sandbox = "" if sandbox else " --no-sandbox"
    instructor("grade", f"course grade {MODULE} --submissions ~/class/submitted "
               f"--out ~/graded --jobs 2{no_sandbox}", timeout=400)
    instructor("feedback", f"course exchange feedback {MODULE} --course ~/class "
               f"--graded ~/graded {ex}")
    state["feedback_listed"] = {s: hub.assignments(s, "fetch_feedback") for s in STUDENTS}
    state["grades"] = list(csv.DictReader(io.StringIO(
        hub.read(INSTRUCTOR, "graded/grades.csv", fmt="text")["content"])))
    state["feedback"] = {}
    for s in STUDENTS:
        stamps = hub.read(s, f"{MODULE}/feedback")["content"]
        state["feedback"][s] = [(d["name"], hub.read(s, f"{d['path']}/{MODULE}.html",
                                                     fmt="text")["content"]) for d in stamps]
    return state


def test_hub_setup_makes_the_shared_exchange_and_locks_the_answers(hub):
    root = hub.exchange_root
    assert stat.S_IMODE(os.stat(root).st_mode) == 0o1777 and os.stat(root).st_uid == 0
    course = root / COURSE_ID
    assert os.stat(course).st_uid == pwd.getpwnam(INSTRUCTOR).pw_uid
    for name in STAFF_ONLY:
        if (ROOT / name).is_dir():
            assert stat.S_IMODE(os.stat(ROOT / name).st_mode) & 0o007 == 0, name
            assert f"Staff only ({STAFF}): {ROOT / name}" in hub.setup_output
    # the Hub, its proxy and three servers, each run as its own account
    for who in (INSTRUCTOR, *STUDENTS):
        r = hub.user(who, "GET", "api/status")
        assert r.status_code == 200, (who, r.status_code)
        lab = hub.user(who, "GET", "lab")
        assert lab.status_code == 200 and "jupyterlab" in lab.text.lower(), (who, lab.status_code)
        # the Assignments tab's server side answers, at the version of its Lab extension
        import nbgrader
        version = hub.user(who, "GET", "nbgrader_version", params={"version": nbgrader.__version__})
        assert version.status_code == 200 and version.json()["success"], (who, version.text)
        found = subprocess.run(["pgrep", "-u", who, "-f", "jupyterhub-singleuser"],
                               capture_output=True, text=True).stdout.split()
        assert found, f"no single-user server running as {who}"
    print(f"Hub, proxy and three servers up in {hub.start_seconds:.1f} s")


def test_students_fetch_the_release_from_their_own_lab(hub, flow):
    for s in STUDENTS:
        assert _status(flow["listed"][s]) == [(MODULE, "released")]
        assert _status(flow["fetched"][s]) == [(MODULE, "fetched")]
        released = nbformat.read(RELEASE / MODULE / f"{MODULE}.ipynb", as_version=4)
        assert _cells(flow["released_bytes"][s]) == _cells(released)
        # fetched into the student's own home, owned by them
        notebook = hub.homes[s] / MODULE / f"{MODULE}.ipynb"
        assert os.stat(notebook).st_uid == pwd.getpwnam(s).pw_uid


def test_submissions_are_private_and_collected_as_their_owner_handed_them_in(hub, flow):
    for s in STUDENTS:
        listing = flow["submitted"][s]
        assert (MODULE, "submitted") in _status(listing), listing
    inbound = hub.exchange_root / COURSE_ID / "inbound"
    assert stat.S_IMODE(os.stat(inbound).st_mode) & 0o007 == 0o003  # others: -wx, no listing
    entries = list(inbound.iterdir())
    assert {e.name.split("+")[0] for e in entries} == set(STUDENTS)
    for entry in entries:
        for path in [entry, *entry.rglob("*")]:
            assert stat.S_IMODE(os.stat(path).st_mode) & 0o007 == 0, path
    # the forged hand-in under bob's name is in the exchange, and is not what is collected
    assert flow["forged"][0] == 0, flow["forged"]
    assert len([e for e in entries if e.name.startswith(f"{BOB}+")]) == 2
    assert f"under the name {BOB} by the account {ADA}" in flow["steps"]["collect"][1]
    for s in STUDENTS:
        collected = hub.homes[INSTRUCTOR] / "class" / "submitted" / s / MODULE / f"{MODULE}.ipynb"
        assert _cells(nbformat.read(collected, as_version=4)) == \
            _cells(flow["handed_in"][s]), s


def test_the_instructor_grades_the_class_with_course_grade(hub, flow):
    rc, out, seconds = flow["steps"]["grade"]
    found = exercises(nbformat.read(source_notebook(MODULE), as_version=4))
    rows = {(r["student"], r["exercise"]): r for r in flow["grades"]}
    assert len(flow["grades"]) == len(STUDENTS) * len(found), out
    for name, tests in found.items():
        top = sum(p for _, p in tests)
        ada = rows[ADA, name]
        assert (ada["status"], float(ada["score"])) == ("passed", top), ada
        bob = rows[BOB, name]
        if name == flow["unanswered"]:
            assert (bob["status"], float(bob["score"])) == ("failed", 0.0), bob
        else:
            assert (bob["status"], float(bob["score"])) == ("passed", top), bob
    print(f"course grade, 2 students, in the instructor's terminal: {seconds:.1f} s")


def test_each_student_fetches_their_own_feedback_with_their_grade(hub, flow):
    for s in STUDENTS:
        feedback = flow["feedback"][s]
        assert len(feedback) == 1, feedback
        rows = [r for r in flow["grades"] if r["student"] == s]
        score = sum(float(r["score"]) for r in rows)
        top = sum(float(r["max_score"]) for r in rows)
        assert f"Score: {score:.1f} / {top:.1f}" in feedback[0][1]
    ada_score = sum(float(r["score"]) for r in flow["grades"] if r["student"] == ADA)
    bob_score = sum(float(r["score"]) for r in flow["grades"] if r["student"] == BOB)
    assert ada_score > bob_score > 0


PROBE = """
import json, os, sys
results = {}
for label, op, path in json.load(open(sys.argv[1])):
    try:
        if op == "list":
            os.listdir(path)
        elif op == "read":
            open(path, "rb").read(1)
        elif op == "write":
            open(path, "ab").close()
        elif op == "rename":
            os.rename(path, path + ".moved")
        elif op == "import":
            __import__(path)
        results[label] = "allowed"
    except PermissionError:
        results[label] = "refused"
    except Exception as exc:
        results[label] = type(exc).__name__
json.dump(results, open(sys.argv[2], "w"))
"""


def _probe(hub, who, attempts):
    """Each attempt (label, op, path) made by ``who`` from their own Lab's terminal."""
    hub.put(who, "probe.py", {"type": "file", "format": "text", "content": PROBE})
    hub.put(who, "attempts.json", {"type": "file", "format": "text",
                                   "content": json.dumps(attempts)})
    rc, out = hub.terminal(who, "python probe.py attempts.json results.json")
    assert rc == 0, out
    return json.loads(hub.read(who, "results.json", fmt="text")["content"])


def test_each_student_is_refused_the_others_files(hub, flow):
    course = hub.exchange_root / COURSE_ID
    teacher = hub.homes[INSTRUCTOR]
    for me, other in ((ADA, BOB), (BOB, ADA)):
        theirs = hub.homes[other]
        stamp = flow["feedback"][other][0][0]
        # their own hand-in (the one forged under bob's name belongs to ada)
        their_submission = next(e for e in (course / "inbound").iterdir()
                                if e.name.startswith(f"{other}+")
                                and os.stat(e).st_uid == pwd.getpwnam(other).pw_uid)
        mine_feedback = hub.homes[me] / MODULE / "feedback" / flow["feedback"][me][0][0]
        refused = [
            ("their home", "list", theirs),
            ("their notebook", "read", theirs / MODULE / f"{MODULE}.ipynb"),
            ("their feedback", "read", theirs / MODULE / "feedback" / stamp / f"{MODULE}.html"),
            ("their home, written", "write", theirs / "planted.txt"),
            ("the inbound, listed", "list", course / "inbound"),
            ("their submission, by its name", "read", their_submission / f"{MODULE}.ipynb"),
            ("their submission, replaced", "write", their_submission / f"{MODULE}.ipynb"),
            ("the feedback, listed", "list", course / "feedback"),
            ("the released notebook, changed", "write", course / "outbound" / MODULE
             / f"{MODULE}.ipynb"),
            ("the course's exchange, renamed", "rename", course),
            ("the instructor's home", "list", teacher),
            ("their collected submission", "read", teacher / "class" / "submitted" / other
             / MODULE / f"{MODULE}.ipynb"),
            ("their graded feedback", "read", teacher / "graded" / "feedback" / other
             / f"{MODULE}.html"),
            ("the grades", "read", teacher / "graded" / "grades.csv"),
            ("source/ (solutions, hidden tests)", "read", source_notebook(MODULE)),
            ("tests/answers", "list", ROOT / "tests" / "answers"),
        ]
        allowed = [  # the same probe can see what a student must see: it is not blind
            ("my feedback", "read", mine_feedback / f"{MODULE}.html"),
            ("the released notebook", "read", course / "outbound" / MODULE / f"{MODULE}.ipynb"),
            ("the course package", "import", "course.checks"),
        ]
        results = _probe(hub, me, [(lbl, op, str(p)) for lbl, op, p in refused + allowed])
        for label, *_ in refused:
            assert results[label] == "refused", (me, label, results)
        for label, *_ in allowed:
            assert results[label] == "allowed", (me, label, results)


def test_a_student_token_opens_only_their_own_server(hub, flow):
    for me, other in ((ADA, BOB), (BOB, ADA)):
        for whose in (other, INSTRUCTOR):
            r = hub.user(whose, "GET", f"api/contents/{MODULE}", token_of=me)
            assert r.status_code == 403, (me, whose, r.status_code)
            r = hub.user(whose, "POST", "assignments/fetch_feedback", token_of=me,
                         params={"course_id": COURSE_ID, "assignment_id": MODULE})
            assert r.status_code == 403, (me, whose, r.status_code)
        assert hub.user(me, "GET", f"api/contents/{MODULE}").status_code == 200
