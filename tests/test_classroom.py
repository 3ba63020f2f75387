"""A class of five through JupyterHub, nbgrader's exchange and PostgreSQL (make class-demo).

Needs root (it creates Linux accounts), PostgreSQL's server binaries and the proxy from
deploy/jupyterhub (`npm ci`); missing is a skip locally and a failure under CI=true. One
term is played once for the module, from a copy of the checkout in a folder only root may
enter (as a clone in a home folder or `mktemp -d` is); each test checks one thing a teacher
or an administrator would check.
"""

from __future__ import annotations

import csv
import os
import pwd
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from immunocourse.classroom import accounts
from immunocourse.classroom.hub import HubError
from immunocourse.classroom.readable import CopyError, copy_readable, unreadable
from immunocourse.classroom.term import (
    FORMGRADER_PAGE,
    HUB_RESTART,
    QUIZ,
    ClassDemo,
    work_dir,
)
from immunocourse.classroom.venv import CODE, SKIP, code_for_users

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


def _require() -> None:
    missing = _missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)


def _private_checkout() -> tuple[Path, Path | None]:
    """What the demo uses of this checkout, and its venv, in a new 0700 folder (mkdtemp),
    as a clone in a home folder would be. The venv is hard-linked (seconds, no space); on
    another filesystem it stays where it is (None)."""
    (ROOT / "_build").mkdir(exist_ok=True)
    checkout = Path(tempfile.mkdtemp(prefix="icp-private-", dir=ROOT / "_build")) / "course"
    for part in CODE:
        shutil.copytree(ROOT / part, checkout / part,
                        ignore=shutil.ignore_patterns(*SKIP, "gradebook.db*"))
    (checkout / "deploy" / "jupyterhub" / "node_modules").symlink_to(PROXY.parents[1])
    venv = checkout / ".venv"
    linked = subprocess.run(["cp", "-al", str(Path(sys.prefix).resolve()), str(venv)],
                            capture_output=True)
    return checkout, venv if linked.returncode == 0 else None


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """Play one term (5 students, 3 through hub-spawned JupyterLab servers) from a private
    folder, probe it from outside while it is up, then check that nothing of it is left."""
    _require()
    prefix = f"icp{os.getpid() % 10000}-"
    out = tmp_path_factory.mktemp("class-demo")
    probes: dict[str, object] = {}
    checkout, venv = _private_checkout()
    probes["private venv"] = venv is not None
    try:
        with ClassDemo(students=5, hub_students=3, prefix=prefix, jobs=2, out=out,
                       source=checkout, project_venv=venv) as demo:
            report = demo.run()
            probes.update(_probe(demo))
            hub_pids = [demo.hub.process.pid, demo.hub.proxy.pid]
            uids = {pwd.getpwnam(u).pw_uid for u in accounts.users_with_prefix(prefix)}
    finally:
        shutil.rmtree(checkout.parent)
    left = {"accounts": accounts.users_with_prefix(prefix), "work": work_dir(prefix).exists(),
            "processes": accounts.orphan_pids(uids),
            "hub and proxy": [p for p in hub_pids if Path(f"/proc/{p}").exists()]}
    return report, probes, out, left


def _probe(demo: ClassDemo) -> dict[str, object]:
    probes: dict[str, object] = {}
    a, b = demo.students[0], demo.students[1]
    # the test's own probes, as a student would try them
    submitted = demo.course / "submitted" / b / QUIZ / "answers.json"
    probes["read graded copy"] = demo.python_as(a, f"open({str(submitted)!r}).read()")
    probes["student formgrader"] = demo.service(FORMGRADER_PAGE, a).status_code
    probes["grader formgrader"] = demo.service(FORMGRADER_PAGE, demo.grader).status_code
    probes["students"] = list(demo.students)
    return probes


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
    HUB_RESTART,
    "PostgreSQL down: clear error, nothing written",
])
def test_faults(term, fault):
    report = term[0]
    assert report.checks[fault][0], report.checks[fault]


def test_grading_survives_a_restart_of_the_formgrader_service(term):
    report = term[0]
    assert any("the hub restarted it" in e for e in report.events)
    assert all(r.score is not None for r in report.rows)


def test_the_term_ran_from_a_copy_users_can_read(term):
    """The checkout sat in a 0700 folder: the demo said so and used a copy (the grades
    above show the copy worked)."""
    report, probes = term[0], term[1]
    said = [e for e in report.events if "cannot be read by other users" in e]
    assert said and "use a copy of the course code in" in said[0], report.events[:3]
    if not probes["private venv"]:
        pytest.skip("the venv is on another filesystem than _build: not hard-linked")
    assert "use a copy of the project venv's packages in" in said[1], report.events[:3]


def test_nothing_is_left_behind(term):
    assert term[3] == {"accounts": [], "work": False, "processes": [], "hub and proxy": []}


def test_a_term_that_fails_to_start_keeps_its_logs_and_leaves_nothing(monkeypatch, tmp_path):
    """The hub cannot start (its API port is taken) after the accounts and PostgreSQL
    exist: the error names the hub's log, kept outside the work folder; all else goes."""
    _require()
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    hub_env = ClassDemo.hub_env

    def port_taken(self):
        return {**hub_env(self), "IMMUNOCOURSE_HUB_API_PORT": str(taken.getsockname()[1])}

    monkeypatch.setattr(ClassDemo, "hub_env", port_taken)
    prefix = f"icp{os.getpid() % 10000}f-"
    demo = ClassDemo(students=2, hub_students=0, prefix=prefix, out=tmp_path)
    with taken, pytest.raises(HubError) as failed, demo:
        pass
    log = Path(str(failed.value).rsplit("see ", 1)[-1])
    assert log == tmp_path / "logs" / "jupyterhub.log", str(failed.value)
    assert "address already in use" in log.read_text().lower()
    assert (tmp_path / "logs" / "server.log").is_file()  # PostgreSQL's
    assert demo.pg is not None  # PostgreSQL had been started
    assert accounts.users_with_prefix(prefix) == []
    assert not work_dir(prefix).exists()
    running = [p for p in Path("/proc").glob("[0-9]*/cmdline")
               if str(work_dir(prefix)).encode() in _read(p)]
    assert running == []


def test_a_private_folder_is_seen_and_copied_readable():
    """As the ``nobody`` account: a file under a 0700 folder is unreadable, its copy is
    readable, and the originals keep their modes (a hard link shares them)."""
    if os.geteuid() != 0:
        pytest.skip("runs a check as the nobody account: run as root")
    top = Path(tempfile.mkdtemp(prefix="icp-readable-", dir="/var/tmp"))  # pytest's is 0700
    try:
        top.chmod(0o755)
        private = top / "private"
        (private / "pkg").mkdir(parents=True)
        private.chmod(0o700)
        (private / "pkg" / "open.py").write_text("x = 1\n")
        (private / "pkg" / "open.py").chmod(0o644)
        (private / "pkg" / "closed.py").write_text("y = 2\n")
        (private / "pkg" / "closed.py").chmod(0o600)
        assert unreadable([private / "pkg" / "open.py"]) == (
            f"{private / 'pkg' / 'open.py'} cannot be read by other users "
            f"({private} is mode 0700)")
        done = copy_readable(private / "pkg", top / "copy")
        assert (done.files, done.linked) == (2, 1)
        assert unreadable([top / "copy" / "open.py", top / "copy" / "closed.py"]) == ""
        nobody = subprocess.run(["runuser", "-u", "nobody", "--", "cat",
                                 str(top / "copy" / "closed.py")], capture_output=True)
        assert nobody.stdout == b"y = 2\n"
        assert stat.S_IMODE((private / "pkg" / "closed.py").stat().st_mode) == 0o600
        assert stat.S_IMODE((private / "pkg" / "open.py").stat().st_mode) == 0o644
    finally:
        shutil.rmtree(top)


def test_no_space_for_the_copy_stops_with_one_line():
    """The students' copy goes to a 64 kB filesystem: one line saying why and what to do,
    before anything is written."""
    if os.geteuid() != 0:
        pytest.skip("mounts a small tmpfs: run as root")
    top = Path(tempfile.mkdtemp(prefix="icp-nospace-", dir="/var/tmp"))
    top.chmod(0o755)
    small = top / "small"
    small.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small)],
                      capture_output=True).returncode != 0:
        shutil.rmtree(top)
        pytest.skip("cannot mount a tmpfs here (no CAP_SYS_ADMIN)")
    try:
        source = top / "private" / "course"
        for name in ("immunocourse/__init__.py", "quizzes/banks/quiz.yml",
                     "deploy/jupyterhub/formgrader_server_config.py"):
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes(b"#" * 100_000)
        (top / "private").chmod(0o700)
        with pytest.raises(CopyError) as failed:
            code_for_users(source, small, print)
        message = str(failed.value)
        assert "\n" not in message
        assert f"{top / 'private'} is mode 0700" in message
        assert "no space for a copy of" in message and "MB free" in message
        assert "Free space under" in message and "folder others can read" in message
        assert list(small.iterdir()) in ([], [small / "code"])
        assert not any(p.is_file() for p in small.rglob("*"))  # nothing half-written
    finally:
        subprocess.run(["umount", str(small)], check=True)
        shutil.rmtree(top)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
