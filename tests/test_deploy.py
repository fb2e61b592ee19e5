"""docs/deploy/: the Zero to JupyterHub files parse and agree with the course's pins.
They are not deployed here (see docs/deploy/kubernetes/README.md); this only proves that
the Dockerfile and the YAML are well-formed and say what the guide says."""
import json
import os
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

K8S = ROOT / "docs" / "deploy" / "kubernetes"


def _pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(re.match(r"([A-Za-z0-9_.\-\[\]]+?)(?:\[.*\])?==(\S+)", s).groups()
                for s in specs if "==" in s)


@pytest.fixture(scope="module")
def stages():
    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(fileobj=open(K8S / "Dockerfile", "rb"))
    found, current = {}, None
    for ins in parser.structure:
        if ins["instruction"] == "COMMENT":
            continue
        if ins["instruction"] == "FROM":
            current = ins["value"].split()[-1]
            found[current] = [ins]
        else:
            assert current, "an instruction before FROM"
            found[current].append(ins)
    return found


def _run(stage):
    return " ".join(i["value"] for i in stage if i["instruction"] == "RUN")


def test_the_dockerfile_has_a_student_image_and_a_grader_image(stages):
    assert list(stages) == ["singleuser", "grader"]
    assert stages["singleuser"][0]["value"].startswith("python:3.11")
    assert stages["grader"][0]["value"] == "singleuser AS grader"


def test_the_student_image_pins_what_the_course_pins(stages):
    pins, run = _pins(), _run(stages["singleuser"])
    assert f"torch=={pins['torch']}" in run and "whl/cpu" in run
    # jupyterhub-singleuser must match the Hub the course tests with
    assert f"jupyterhub=={pins['jupyterhub']}" in run


def test_the_student_image_holds_no_answers_and_runs_as_a_user(stages):
    singleuser = stages["singleuser"]
    copied = [i["value"].split()[0] for i in singleuser if i["instruction"] == "COPY"]
    assert "course" in copied and "autograder" in copied
    for forbidden in ("source", "tests", "."):
        assert forbidden not in copied, f"the student image copies {forbidden}"
    users = [i["value"] for i in singleuser if i["instruction"] == "USER"]
    assert users and users[-1] == "1000"
    cmd = [i["value"] for i in singleuser if i["instruction"] == "CMD"]
    assert json.loads(cmd[-1]) == ["jupyterhub-singleuser"]
    # the class's configuration goes where every server and nbgrader command finds it
    dests = [i["value"].split()[-1] for i in singleuser if i["instruction"] == "COPY"]
    assert "/etc/jupyter/nbgrader_config.py" in dests
    for src in (i["value"].split()[0] for i in singleuser if i["instruction"] == "COPY"):
        assert (ROOT / src).exists(), f"COPY {src}: not in the repository"


def test_the_grader_image_has_the_sources_and_bubblewrap(stages):
    grader = stages["grader"]
    copied = [i["value"].split()[0] for i in grader if i["instruction"] == "COPY"]
    assert "source" in copied
    assert "bubblewrap" in _run(grader)
    entry = [i["value"] for i in grader if i["instruction"] == "ENTRYPOINT"]
    assert json.loads(entry[-1]) == ["course"]


def test_the_helm_values_use_the_student_image_and_the_exchange_service():
    values = yaml.safe_load((K8S / "config.yaml").read_text())
    image = values["singleuser"]["image"]
    assert image["name"].endswith("course-singleuser") and image["tag"] == "0.1.0"
    assert values["singleuser"]["cmd"] == "jupyterhub-singleuser"
    assert "ngshare" in values["hub"]["services"]
    assert values["hub"]["loadRoles"]["ngshare"]["services"] == ["ngshare"]
    nbgrader = (K8S / "nbgrader_config.py").read_text()
    assert "ngshare_exchange" in nbgrader and "deep-learning-course" in nbgrader
    server = json.loads((K8S / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] \
        is False


def test_the_grading_job_runs_course_grade_into_postgresql():
    job = yaml.safe_load((K8S / "grade-job.yaml").read_text())
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "Job")
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["image"].endswith("course-grader:0.1.0")
    args = container["args"]
    assert args[0] == "grade" and "--db" in args and "--submissions" in args
    env = {e["name"]: e for e in container["env"]}
    assert env["GRADEBOOK_URL"]["valueFrom"]["secretKeyRef"]["name"] == "course-gradebook"
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_the_one_machine_hub_config_loads():
    """docs/deploy/jupyterhub_config.py is what tests/test_hub.py runs; here it is only
    loaded, without root, to catch a syntax or name error early."""
    from traitlets.config import Config

    config = Config()
    code = compile((ROOT / "docs" / "deploy" / "jupyterhub_config.py").read_text(),
                   "jupyterhub_config.py", "exec")
    exec(code, {"get_config": lambda: config, "__file__": str(ROOT / "docs" / "deploy"
                                                             / "jupyterhub_config.py")})
    assert config.JupyterHub.spawner_class.endswith("LocalProcessSpawner")
    assert config.Spawner.cmd[0].endswith("/.venv/bin/jupyterhub-singleuser")
    assert "JUPYTER_CONFIG_PATH" in config.Spawner.environment


def test_hub_setup_refuses_bad_requests_in_one_line(tmp_path):
    """`course hub setup` for an account that does not exist (or not as root) changes
    nothing and says why in one line."""
    from test_grading import course

    proc = course("hub", "setup", "--exchange", tmp_path / "exchange", "--instructor",
                  "no-such-account-here", "--config-dir", tmp_path / "jupyter")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("course: error:"), lines
    assert ("no Unix account" in lines[0]) if os.geteuid() == 0 else ("root" in lines[0])
    assert not (tmp_path / "exchange").exists() and not (tmp_path / "jupyter").exists()
