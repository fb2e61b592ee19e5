"""`course grade --db postgresql://...` against a real PostgreSQL server.

The server is named by COURSE_TEST_POSTGRES_URL (any database on it, e.g.
postgresql://course@127.0.0.1:5432/postgres; its user must be allowed to create
databases). Every test creates a database of its own there and drops it after.
Without the variable the tests skip, unless COURSE_REQUIRE_POSTGRES=1 (as in CI,
where .ci/run starts a throwaway server): then they fail.
"""
import csv
import os
import uuid
from collections import defaultdict

import nbformat
import pytest

from autograder.notebooks import exercises
from autograder.pipeline import source_notebook
from conftest import MODULES

pytestmark = [pytest.mark.skipif(not MODULES, reason="no modules yet"),
              pytest.mark.slow, pytest.mark.xdist_group("grading")]
MODULE = MODULES[0] if MODULES else None
URL_VAR, REQUIRE_VAR = "COURSE_TEST_POSTGRES_URL", "COURSE_REQUIRE_POSTGRES"


def _unavailable(why):
    """Skip, or fail where PostgreSQL is required (CI)."""
    if os.environ.get(REQUIRE_VAR) == "1":
        pytest.fail(f"{REQUIRE_VAR}=1 but {why}", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="module")
def server():
    """A SQLAlchemy engine on the server's maintenance database ``postgres``."""
    url = os.environ.get(URL_VAR, "").strip()
    if not url:
        _unavailable(f"{URL_VAR} is not set; set it to postgresql://USER@HOST:PORT/postgres to "
                     f"test the PostgreSQL gradebook (.ci/run starts a server)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = make_url(url).set(database="postgres")
    try:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    except ImportError as exc:  # postgresql:// needs psycopg, from the [test] extra
        _unavailable(f"no PostgreSQL driver for {admin.drivername}: {exc} "
                     f"(pip install -e '.[test]')")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means no server
        engine.dispose()
        _unavailable(f"cannot connect to {admin.render_as_string()}: "
                     f"{str(exc).strip().splitlines()[0]}")
    yield engine
    engine.dispose()


@pytest.fixture
def database(server):
    """The URL of a new, empty database on the server, dropped after the test."""
    from sqlalchemy import text

    name = f"course_test_{uuid.uuid4().hex[:12]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _hand_in(subs, notebooks):
    """Write ``{student: notebook or text}`` as a class's submissions folder."""
    for student, nb in notebooks.items():
        path = subs / student / MODULE / f"{MODULE}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(nb, str):
            path.write_text(nb)
        else:
            nbformat.write(nb, path)


def _grade(subs, out, db, jobs=2):
    from test_grading import course

    proc = course("grade", MODULE, "--submissions", subs, "--out", out, "--jobs", jobs,
                  "--db", db)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert not (out / "gradebook.db").exists(), "--db was ignored: a SQLite gradebook was written"
    return list(csv.DictReader(open(out / "grades.csv", encoding="utf-8")))


def _csv_scores(rows):
    """``{student: {exercise: score}}`` from grades.csv rows."""
    scores = defaultdict(dict)
    for row in rows:
        scores[row["student"]][row["exercise"]] = float(row["score"])
    return scores


def _gradebook_scores(db, students):
    """``{student: (submission score, {exercise: score})}`` from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    found = exercises(nbformat.read(source_notebook(MODULE), as_version=4))
    result = {}
    with Gradebook(db) as gb:
        for student in students:
            submission = gb.find_submission(MODULE, student)
            cells = {g.name: g.score for g in
                     gb.find_submission_notebook(MODULE, MODULE, student).grades}
            result[student] = (submission.score, {
                name: sum(cells[gid] for gid, _ in tests) for name, tests in found.items()})
    return result


def _counts(db):
    """Rows per gradebook table, straight from PostgreSQL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                    for table in ("student", "submitted_assignment", "submitted_notebook",
                                  "grade", "comment")}
    finally:
        engine.dispose()


def test_grade_records_a_class_in_postgresql(tmp_path, database):
    from nbgrader.api import Gradebook
    from test_grading import student_notebook

    subs, out = tmp_path / "subs", tmp_path / "out"
    _hand_in(subs, {"perfect": student_notebook(MODULE),
                    "blank": student_notebook(MODULE, answers="blank"),
                    "broken": '{"cells": [ this is not json'})
    rows = _grade(subs, out, database)

    statuses = {(r["student"], r["status"]) for r in rows}
    assert statuses == {("perfect", "passed"), ("blank", "failed"), ("broken", "invalid")}, rows
    assert not any(r["status"] == "error" for r in rows), rows

    with Gradebook(database) as gb:
        assert sorted(s.id for s in gb.students) == ["blank", "perfect"]
        submissions = gb.assignment_submissions(MODULE)
        assert sorted(s.student_id for s in submissions) == ["blank", "perfect"], \
            "expected exactly one submission per graded student"
        perfect = gb.find_submission(MODULE, "perfect")
        assert perfect.score == perfect.max_score > 0
        assert gb.find_submission(MODULE, "blank").score == 0

    expected = _csv_scores(rows)
    for student, (total, per_exercise) in _gradebook_scores(database, ["perfect", "blank"]).items():
        assert per_exercise == expected[student], student
        assert total == pytest.approx(sum(expected[student].values()))
    assert (out / "feedback" / "perfect" / f"{MODULE}.html").is_file()


def test_regrading_updates_the_gradebook_without_duplicates(tmp_path, database):
    from nbgrader.api import Gradebook
    from test_grading import student_notebook

    subs = tmp_path / "subs"
    _hand_in(subs, {"ada": student_notebook(MODULE),
                    "bob": student_notebook(MODULE, answers="blank")})
    first = _grade(subs, tmp_path / "out1", database)
    counts = _counts(database)
    with Gradebook(database) as gb:
        ids = {s: gb.find_submission(MODULE, s).id for s in ("ada", "bob")}
    assert counts["student"] == 2 and counts["submitted_assignment"] == 2, counts
    assert _gradebook_scores(database, ["bob"])["bob"][0] == 0

    # The same class again, bob having since answered everything: his grades are
    # updated in place, nobody gets a second submission and no grade is duplicated.
    _hand_in(subs, {"bob": student_notebook(MODULE)})
    second = _grade(subs, tmp_path / "out2", database)
    assert _counts(database) == counts
    with Gradebook(database) as gb:
        assert {s: gb.find_submission(MODULE, s).id for s in ("ada", "bob")} == ids
        assert len(gb.assignment_submissions(MODULE)) == 2
    scores = _gradebook_scores(database, ["ada", "bob"])
    expected = _csv_scores(second)
    for student in ("ada", "bob"):
        assert scores[student][1] == expected[student]
    assert scores["bob"][0] == scores["ada"][0] == sum(_csv_scores(first)["ada"].values()) > 0
