"""A class of five through JupyterHub, nbgrader's exchange and PostgreSQL (make class-demo).

Needs root (it creates Linux accounts), PostgreSQL's server binaries and the proxy from
deploy/jupyterhub (`npm ci`); missing is a skip locally and a failure under CI=true. One
term is played once for the module; each test checks one thing a teacher would check.
"""

from __future__ import annotations

import csv
import os
import pwd
from pathlib import Path

import pytest

from immunocourse.classroom import accounts
from immunocourse.classroom.term import FORMGRADER_PAGE, QUIZ, ClassDemo, work_dir

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
PROXY = ROOT / "deploy" / "jupyterhub" / "node_modules" / ".bin" / "configurable-http-proxy"


def _missing() -> str:
    if os.geteuid() != 0:
        return "the class demo creates Linux accounts: run as root"
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return "PostgreSQL server not installed (apt-get install postgresql)"
    if not PROXY.exists():
        return "configurable-http-proxy missing (npm ci --prefix deploy/jupyterhub)"
    return ""


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """Play one term (5 students, 3 through hub-spawned JupyterLab servers), probe it from
    outside while it is up, then check that nothing of it is left."""
    missing = _missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    prefix = f"ict{os.getpid() % 10000}-"
    out = tmp_path_factory.mktemp("class-demo")
    probes: dict[str, object] = {}
    with ClassDemo(students=5, hub_students=3, prefix=prefix, jobs=2, out=out) as demo:
        report = demo.run()
        a, b = demo.students[0], demo.students[1]
        # the test's own probes, as a student would try them
        submitted = demo.course / "submitted" / b / QUIZ / "answers.json"
        probes["read graded copy"] = demo.python_as(a, f"open({str(submitted)!r}).read()")
        probes["student formgrader"] = demo.service(FORMGRADER_PAGE, a).status_code
        probes["grader formgrader"] = demo.service(FORMGRADER_PAGE, demo.grader).status_code
        probes["students"] = list(demo.students)
        uids = {pwd.getpwnam(u).pw_uid for u in accounts.users_with_prefix(prefix)}
    left = {"accounts": accounts.users_with_prefix(prefix), "work": work_dir(prefix).exists(),
            "processes": accounts.pids_of(uids)}
    return report, probes, out, left


def test_every_grade_is_the_expected_one_and_feedback_arrived(term):
    report, probes, out, _ = term
    with open(out / "grades.csv", encoding="utf-8") as fh:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(fh)}
    assert sorted(exported) == probes["students"]
    for row in report.rows:
        assert exported[row.student] == pytest.approx(row.expected), row.student
        assert row.feedback, f"{row.student} got no feedback"
    assert [r.route for r in report.rows].count("hub") == 3
    assert len({r.expected for r in report.rows}) > 2  # the answers really differ
    assert report.ok


def test_students_see_neither_each_other_nor_the_gradebook(term):
    report, probes, _, _ = term
    assert probes["read graded copy"].returncode != 0
    assert "PermissionError" in probes["read graded copy"].stderr
    for name in ("a student cannot list the exchange's submissions",
                 "a student cannot read another student's work",
                 "a student cannot read the gradebook"):
        assert report.checks[name][0], (name, report.checks[name])


def test_only_instructor_and_grader_open_the_formgrader(term):
    report, probes, _, _ = term
    assert probes["student formgrader"] in (302, 403)
    assert probes["grader formgrader"] == 200
    for name in ("a student cannot open the formgrader", "the instructor opens the formgrader",
                 "the formgrader may be framed by its own JupyterLab (CSP)"):
        assert report.checks[name][0], (name, report.checks[name])


@pytest.mark.parametrize("fault", [
    "submitted twice: the last submission is graded",
    "late submission marked late",
    "server stopped mid-term: answers kept",
    "PostgreSQL down: clear error, nothing written",
])
def test_faults(term, fault):
    report = term[0]
    assert report.checks[fault][0], report.checks[fault]


def test_grading_survives_a_restart_of_the_formgrader_service(term):
    report = term[0]
    assert any("the hub restarted it" in e for e in report.events)
    assert all(r.score is not None for r in report.rows)


def test_nothing_is_left_behind(term):
    assert term[3] == {"accounts": [], "work": False, "processes": []}


def test_a_term_that_fails_to_start_leaves_nothing(monkeypatch):
    """The hub fails to start after the accounts and PostgreSQL exist: all of it goes."""
    missing = _missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    from immunocourse.classroom.hub import Hub, HubError

    def broken(cls, *args, **kwargs):
        raise HubError("the hub did not start (test)")

    monkeypatch.setattr(Hub, "start", classmethod(broken))
    prefix = f"icf{os.getpid() % 10000}-"
    demo = ClassDemo(students=2, hub_students=0, prefix=prefix)
    with pytest.raises(HubError), demo:
        pass
    assert demo.pg is not None  # PostgreSQL had been started
    assert accounts.users_with_prefix(prefix) == []
    assert not work_dir(prefix).exists()
    running = [p for p in Path("/proc").glob("[0-9]*/cmdline")
               if str(work_dir(prefix)).encode() in _read(p)]
    assert running == []


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
