"""The sandbox's limits, checked from outside on a real sandboxed kernel (started the
way `course validate` starts one: nbclient's sync set-up): the socket folder on the host
is locked before any cell runs and nothing is left on the host's temporary folder; a file
larger than the sandbox's tmpfs cannot be written; and, where cgroups can be made (root,
as in CI), processes a kernel forks share one memory budget."""
import os
import tempfile

import nbformat
import pytest

from autograder.sandbox import available, cgroups_available

pytestmark = pytest.mark.skipif(
    not available() and os.environ.get("COURSE_REQUIRE_SANDBOX") != "1",
    reason="bubblewrap is not available here (CI requires it)")

BUDGET_MB = 512  # /tmp gets 1/8: 64 MB; each process's data 384 MB


def _run(code, tmp_path, monkeypatch):
    from autograder.pipeline import execute

    host_tmp = tmp_path / "host-tmp"
    host_tmp.mkdir(exist_ok=True)
    monkeypatch.setenv("COURSE_SANDBOX_MEMORY_MB", str(BUDGET_MB))
    monkeypatch.setattr(tempfile, "tempdir", str(host_tmp))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    ran = execute(nb, tmp_path, sandbox=True, timeout=120)
    text = "".join(o.get("text", "") for o in ran.cells[0].outputs)
    errors = [o for o in ran.cells[0].outputs if o.get("output_type") == "error"]
    # course-kernels-<uid>: the grader's own folder for unsandboxed kernels' sockets (kept, empty)
    left = sorted(str(p.relative_to(host_tmp)) for p in host_tmp.rglob("*")
                  if not p.name.startswith("course-kernels-"))
    return text, errors, left


def test_the_socket_folder_is_locked_and_nothing_stays_on_the_host(tmp_path, monkeypatch):
    text, errors, left = _run(
        "import glob\n"
        "folders = glob.glob('/tmp/**/course-sandbox-*', recursive=True)\n"
        "print('folders', len(folders))\n"
        "for folder in folders:\n"
        "    try:\n"
        "        open(folder + '/fill', 'w').write('x')\n"
        "        print('WROTE')\n"
        "    except OSError as exc:\n"
        "        print('REFUSED', type(exc).__name__)\n", tmp_path, monkeypatch)
    assert not errors, errors
    assert "folders 1" in text, text
    if os.geteuid() == 0:  # started by anyone else, the folder is that user's own
        assert "REFUSED" in text and "WROTE" not in text, text
    assert not [n for n in left if n.startswith("course-")], left


def test_a_file_larger_than_the_tmpfs_cannot_be_written(tmp_path, monkeypatch):
    text, errors, _ = _run(
        "chunk = b'x' * (1 << 20)\n"
        "written = 0\n"
        "try:\n"
        "    with open('/tmp/work/big', 'wb') as fh:\n"
        "        for _ in range(200):\n"
        "            fh.write(chunk)\n"
        "            written += 1\n"
        "            fh.flush()\n"
        "    print('WROTE', written)\n"
        "except OSError as exc:\n"
        "    print('STOPPED', written, type(exc).__name__)\n", tmp_path, monkeypatch)
    assert "STOPPED" in text, (text, errors)
    assert int(text.split()[1]) <= BUDGET_MB // 8, text


@pytest.mark.skipif(not cgroups_available(), reason="no writable cgroup v1 memory/pids here "
                    "(the budget is per process then: ARCHITECTURE.md)")
def test_forked_children_share_one_memory_budget(tmp_path, monkeypatch):
    # each child alone fits the per-process data limit (384 MB); together they cannot
    text, errors, _ = _run(
        "import os, time\n"
        "kids = []\n"
        "for _ in range(4):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        hog = bytearray(200 * 2**20)\n"
        "        for i in range(0, len(hog), 4096):\n"
        "            hog[i] = 1\n"
        "        time.sleep(2)\n"
        "        os._exit(0)\n"
        "    kids.append(pid)\n"
        "codes = [os.waitpid(pid, 0)[1] for pid in kids]\n"
        "print('CODES', codes)\n", tmp_path, monkeypatch)
    if "CODES" in text:  # the kernel lived: some child must have been killed
        codes = eval(text.split("CODES", 1)[1].strip())
        assert any(code != 0 for code in codes), text
    else:  # the memory limit ended the kernel itself
        assert errors and "kernel died" in str(errors[0].get("evalue", "")), (text, errors)


def test_a_job_killed_at_its_time_limit_leaves_nothing_behind(tmp_path, monkeypatch):
    """A grading job killed while its kernel runs a cell: its sandbox's socket folder (in
    the job's own folder) and its cgroups go all the same."""
    import autograder.pipeline as pipeline
    from autograder.config import sqlite_url
    from autograder.sandbox import CGROUP_PREFIX, CGROUP_ROOT
    from test_grading import student_notebook

    module = "01_perceptron"
    host_tmp = tmp_path / "host-tmp"
    host_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(host_tmp))
    monkeypatch.setenv("TMPDIR", str(host_tmp))
    monkeypatch.setattr(pipeline, "FIXED_SECONDS", 20)  # the job is killed mid-cell
    nb = student_notebook(module, extra={"perceptron_predict": "import time\ntime.sleep(1000)"})
    path = tmp_path / "subs" / "slow" / module / f"{module}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    groups = lambda: {p.name for c in ("memory", "pids") if (CGROUP_ROOT / c).is_dir()  # noqa: E731
                      for p in (CGROUP_ROOT / c).glob(CGROUP_PREFIX + "*")}
    before = groups()
    rows = pipeline.grade_notebooks(module, {"slow": path}, tmp_path / "course",
                                    sqlite_url(tmp_path / "gradebook.db"), sandbox=True,
                                    cell_timeout=600, base=tmp_path / "subs",
                                    submission_timeout=30)
    assert rows[0]["status"] == "error" and "longer than" in rows[0]["message"], rows[0]
    left = [str(p.relative_to(host_tmp)) for p in host_tmp.rglob("*")
            if not p.name.startswith("course-kernels-")]
    assert not [n for n in left if "course-" in n], left
    assert not (groups() - before), groups() - before
