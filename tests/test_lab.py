"""`course lab` copies the student notebooks and serves JupyterLab on them."""
import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from autograder.pipeline import RELEASE


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_lab_serves_the_workspace(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    mine = ws / "keep.txt"
    mine.write_text("a learner's file")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "course_cli", "lab", "--dir", ws,
                             "--port", str(port), "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            stdin=subprocess.DEVNULL)
    try:
        deadline, status = time.time() + 60, None
        while time.time() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2) as r:
                    status = json.loads(r.read())
            except OSError:
                time.sleep(0.5)
        assert status and "version" in status, "JupyterLab did not answer"
        released = sorted(p.relative_to(RELEASE) for p in RELEASE.glob("*/*.ipynb"))
        copied = sorted(p.relative_to(ws) for p in ws.glob("*/*.ipynb"))
        assert copied == released
        assert mine.read_text() == "a learner's file"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
