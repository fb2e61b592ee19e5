# JupyterHub for a class on one machine (README: "A class on JupyterHub").
#
#   sudo /srv/course/.venv/bin/jupyterhub -f /srv/course/docs/deploy/jupyterhub_config.py
#
# The Hub runs as root so that LocalProcessSpawner can start each person's JupyterLab
# as their own Unix account, in their own home. Everyone runs the course's .venv; the
# class's Jupyter configuration (from `course hub setup --config-dir`) gives every
# single-user server nbgrader's exchange and course id. tests/test_hub.py loads this
# file and adds only its ports, paths and a test authenticator.
#
# Environment (all optional):
#   COURSE_CHECKOUT       the course checkout with its .venv (default: two folders up)
#   COURSE_CLASS_CONFIG   the --config-dir given to `course hub setup` (/srv/course-class/jupyter)
#   COURSE_HUB_STATE      where the Hub keeps its database and cookie secret (/srv/course-class/hub)
#   COURSE_HUB_URL        the public address (http://:8000; put TLS in front of it, or set
#                         c.JupyterHub.ssl_cert / ssl_key)
#   COURSE_CHP            configurable-http-proxy (npm install --prefix /srv/course/.ci/node)
#   COURSE_INSTRUCTORS, COURSE_STUDENTS   comma-separated account names
import os
import shutil
from pathlib import Path

c = get_config()  # noqa: F821

checkout = Path(os.environ.get("COURSE_CHECKOUT", Path(__file__).resolve().parents[2]))
venv_bin = checkout / ".venv" / "bin"
class_config = os.environ.get("COURSE_CLASS_CONFIG", "/srv/course-class/jupyter")
state = Path(os.environ.get("COURSE_HUB_STATE", "/srv/course-class/hub"))

c.JupyterHub.bind_url = os.environ.get("COURSE_HUB_URL", "http://:8000")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")

chp = os.environ.get("COURSE_CHP") or shutil.which("configurable-http-proxy") or str(
    checkout / ".ci" / "node" / "node_modules" / ".bin" / "configurable-http-proxy")
c.ConfigurableHTTPProxy.command = [chp]

# Each person's JupyterLab runs as their own account (root starts it, then drops to
# the account), in their home, from the course's environment.
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [str(venv_bin / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
    # nbgrader's course id and exchange, and no instructor extensions, for everyone
    "JUPYTER_CONFIG_PATH": class_config,
    # several people's kernels share the machine's cores
    "OMP_NUM_THREADS": "1",
}
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120

# Accounts: PAM (the machine's own passwords) is JupyterHub's default authenticator.
# Only the class may log in; instructors are the Hub's admins.
instructors = {n for n in os.environ.get("COURSE_INSTRUCTORS", "").split(",") if n}
students = {n for n in os.environ.get("COURSE_STUDENTS", "").split(",") if n}
if instructors or students:
    c.Authenticator.allowed_users = instructors | students
    c.Authenticator.admin_users = instructors
