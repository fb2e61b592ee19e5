"""`make test` and `make lab` install the Debian packages they need where they can
(tools/system.py), and otherwise print the one command to run and let the tests skip."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import system  # noqa: E402

APT = ["apt-get", "install", "-y", "-q", "--no-install-recommends"]


def test_nothing_missing_means_nothing_to_do():
    for root, sudo in ((True, False), (False, True), (False, False)):
        assert system.plan([], root=root, sudo=sudo, apt=True).action == "nothing"


def test_root_installs_with_apt():
    p = system.plan(["bubblewrap", "chromium"], root=True, sudo=False, apt=True)
    assert (p.action, p.command) == ("install", [*APT, "bubblewrap", "chromium"])


def test_passwordless_sudo_installs_with_sudo_n():
    p = system.plan(["postgresql"], root=False, sudo=True, apt=True)
    assert (p.action, p.command) == ("install", ["sudo", "-n", *APT, "postgresql"])


def test_neither_root_nor_sudo_prints_the_command():
    p = system.plan(["bubblewrap"], root=False, sudo=False, apt=True)
    assert (p.action, p.command) == ("advise", ["sudo", *APT, "bubblewrap"])
    assert "password" in p.reason


def test_no_apt_or_apt_not_allowed_only_advises():
    assert system.plan(["bubblewrap"], root=True, sudo=False, apt=False).action == "advise"
    p = system.plan(["bubblewrap"], root=True, sudo=False, apt=True, allowed=False)
    assert (p.action, p.command) == ("advise", [*APT, "bubblewrap"])


def _script(target, **env):
    return subprocess.run([sys.executable, str(ROOT / "tools" / "system.py"), target],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
                          env={**{k: v for k, v in os.environ.items()
                                  if not k.startswith("COURSE_REQUIRE_")}, **env})


def test_without_root_or_sudo_it_prints_the_command_and_exits_0():
    done = _script("test", COURSE_SYSTEM_PRETEND="user", COURSE_SYSTEM_MISSING="bubblewrap,chromium")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"sudo {' '.join(APT)} bubblewrap chromium" in done.stdout
    assert "skip" in done.stdout
    # `make lab` needs only bubblewrap, for `course grade`
    done = _script("lab", COURSE_SYSTEM_PRETEND="user", COURSE_SYSTEM_MISSING="bubblewrap,chromium")
    assert done.returncode == 0 and f"{' '.join(APT)} bubblewrap\n" in done.stdout, done.stdout


def test_a_required_package_that_is_missing_fails():
    done = _script("test", COURSE_SYSTEM_PRETEND="user", COURSE_SYSTEM_MISSING="postgresql",
                   COURSE_REQUIRE_POSTGRES="1")
    assert done.returncode == 1
    assert "COURSE_REQUIRE_POSTGRES=1" in done.stdout
    # required, but present: fine
    done = _script("test", COURSE_SYSTEM_PRETEND="user", COURSE_SYSTEM_MISSING="chromium",
                   COURSE_REQUIRE_POSTGRES="1")
    assert done.returncode == 0, done.stdout


def test_nothing_missing_is_silent():
    done = _script("test", COURSE_SYSTEM_MISSING="")
    assert (done.returncode, done.stdout) == (0, "")


def test_pytest_summary_repeats_the_command(tmp_path):
    """The tests skip with the reason, and the session's summary says what to run."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-q",
         str(ROOT / "tests" / "test_system.py") + "::test_nothing_missing_means_nothing_to_do"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300, cwd=ROOT,
        env=dict(os.environ, COURSE_SYSTEM_PRETEND="user", COURSE_SYSTEM_MISSING="bubblewrap"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "system packages" in done.stdout
    assert f"sudo {' '.join(APT)} bubblewrap" in done.stdout


@pytest.mark.skipif(system.postgres_bin() is None, reason="PostgreSQL is not installed")
def test_session_postgres_server_starts_and_stops():
    import pgserver

    server, why = pgserver.start()
    assert server is not None, why
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(server.url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
        engine.dispose()
    finally:
        server.stop()
    assert not server.data.exists()
