"""deploy/jupyterhub/install.sh, run twice as the deploy guide says, then a short term on it.

The install goes into a scratch folder under /var/tmp (install.sh's IMMUNOCOURSE_* overrides:
code and venv, hub state, exchange, roster, unit folder, grader account, database, ports);
PostgreSQL is the system cluster, started by install.sh when it is down. The unit it wrote is
checked and the hub started as systemd would start it. Two students and an instructor from
the installed roster get Linux accounts; everything the term runs comes from the installed
venv. Needs root: a skip locally, a failure under CI=true. One install and term per module;
afterwards every account, folder, process, database and role it made is gone, and the logs
stay in _build/install-test/logs/ only when something failed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from immunocourse.classroom import accounts
from immunocourse.classroom.answers import answers_for, expected_score
from immunocourse.classroom.installed import (
    INSTALL_SH,
    Unit,
    create_user,
    drop_database,
    kill_processes_under,
    main_cluster,
    processes_under,
    psql,
    run_install,
    start_as_unit,
    stop_cluster,
    verify,
)
from immunocourse.classroom.postgres import free_port
from immunocourse.grading.course import COURSE_ID
from immunocourse.quiz.answers import ANSWERS_FILE
from immunocourse.quiz.bank import BANKS_DIR, load_bank
from tests.helpers.paths import ROOT

pytestmark = pytest.mark.slow
QUIZ = "immune-system"
SERVICE = f"formgrader-{COURSE_ID}"
LOGS = ROOT / "_build" / "install-test" / "logs"


def _overrides(root: Path, prefix: str) -> dict[str, str]:
    grader = f"{prefix}grader"
    return {
        "IMMUNOCOURSE_PREFIX": str(root / "opt"),
        "IMMUNOCOURSE_HUB_STATE": str(root / "srv" / "jupyterhub"),
        "IMMUNOCOURSE_EXCHANGE": str(root / "srv" / "exchange"),
        "IMMUNOCOURSE_ROSTER": str(root / "etc"),
        "IMMUNOCOURSE_UNIT_DIR": str(root / "systemd"),
        "IMMUNOCOURSE_GRADER_USER": grader,
        "IMMUNOCOURSE_GRADER_HOME": str(root / "home" / grader),
        "IMMUNOCOURSE_DB_NAME": prefix.rstrip("-"),
        "IMMUNOCOURSE_HUB_IP": "127.0.0.1",
        "IMMUNOCOURSE_HUB_PORT": str(free_port()),
        "IMMUNOCOURSE_HUB_API_PORT": str(free_port()),
        "IMMUNOCOURSE_PROXY_API_PORT": str(free_port()),
        "IMMUNOCOURSE_GRADER_PORT": str(free_port()),
    }


def _snapshot(root: Path, env: dict[str, str], cluster_port: int) -> dict[str, object]:
    """What the second run must keep: hub.env, the roster, the course config, the database."""
    etc, course = root / "etc", Path(env["IMMUNOCOURSE_GRADER_HOME"]) / COURSE_ID
    config = (course / "nbgrader_config.py").read_text()
    name = env["IMMUNOCOURSE_DB_NAME"]
    cluster = main_cluster()
    return {
        # hashed: a failing comparison must not print the gradebook's password
        "hub.env sha256": hashlib.sha256((etc / "hub.env").read_bytes()).hexdigest(),
        "roster": {f: (etc / f).read_text() for f in ("students.txt", "instructors.txt")},
        "config sha256": hashlib.sha256(config.encode()).hexdigest(),
        "hub part appended": config.count("--- JupyterHub deployment (appended"),
        "databases": psql(cluster, f"SELECT count(*) FROM pg_database WHERE datname = '{name}';"
                                   f"SELECT count(*) FROM pg_roles WHERE rolname = '{name}';"
                          ).split(),
        "cluster port": cluster_port,
    }


class Term:
    """The short term, every step run from the installed venv as the user it belongs to."""

    def __init__(self, root: Path, env: dict[str, str], hub, students: list[str],
                 instructor: str) -> None:
        self.env, self.hub = env, hub
        self.venv = root / "opt" / "venv"
        self.grader = env["IMMUNOCOURSE_GRADER_USER"]
        self.course = Path(env["IMMUNOCOURSE_GRADER_HOME"]) / COURSE_ID
        self.home = {u: root / "home" / u for u in [*students, instructor]}
        self.home[self.grader] = Path(env["IMMUNOCOURSE_GRADER_HOME"])
        self.students, self.instructor = students, instructor
        self.db_url = (root / "etc" / "hub.env").read_text().strip().partition("=")[2]
        self.tokens = {u: hub.token_for(u) for u in self.home}
        self.questions = load_bank(BANKS_DIR / f"{QUIZ}.yml").questions
        # simulated students 1 and 3: a partial score, and a different total
        self.answers = {s: answers_for(self.questions, i)
                        for i, s in zip((1, 3), students, strict=True)}

    def user_env(self, user: str) -> dict[str, str]:
        env = {"HOME": str(self.home[user]), "USER": user, "LANG": "C.UTF-8",
               "PATH": f"{self.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
               "JUPYTERHUB_USER": user, "JUPYTERHUB_API_TOKEN": self.tokens[user],
               "JUPYTERHUB_API_URL":
                   f"http://127.0.0.1:{self.env['IMMUNOCOURSE_HUB_API_PORT']}/hub/api",
               "IMMUNOCOURSE_EXCHANGE": self.env["IMMUNOCOURSE_EXCHANGE"],
               "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        if user == self.grader:
            env["IMMUNOCOURSE_DB_URL"] = self.db_url
        return env

    def nbgrader(self, user: str, *args: str) -> None:
        cwd = self.course if user == self.grader else self.home[user]
        accounts.run_as(user, [str(self.venv / "bin" / "python"), "-m", "nbgrader", *args],
                        self.user_env(user), cwd)

    def write_answers(self, student: str) -> None:
        """answers.json as the quiz widgets save it, by the installed package."""
        folder = self.home[student] / COURSE_ID / QUIZ
        code = ("import json, sys; from immunocourse.quiz.answers import write_answers; "
                "write_answers(sys.argv[1], json.loads(sys.argv[2]))")
        accounts.run_as(student, [str(self.venv / "bin" / "python"), "-c", code,
                                  str(folder / ANSWERS_FILE), json.dumps(self.answers[student])],
                        self.user_env(student), folder)

    def play(self) -> dict[str, object]:
        seen: dict[str, object] = {}
        self.nbgrader(self.grader, "generate_assignment", QUIZ)
        r = self.hub.post(f"/services/{SERVICE}/formgrader/api/assignment/{QUIZ}/release",
                          self.tokens[self.instructor])
        seen["release"] = r.ok and bool(r.json().get("success"))
        assert seen["release"], f"release through the formgrader: {r.status_code} {r.text[:300]}"
        # the first student works in a server the installed hub spawned
        first, data = self.students[0], {"course_id": COURSE_ID, "assignment_id": QUIZ}
        self.hub.start_server(first, timeout=180)
        seen["spawned"] = self.hub.api("GET", f"/users/{first}")["servers"][""]
        r = self.hub.post(f"/user/{first}/assignments/fetch", self.tokens[first], data=data)
        assert r.ok, f"{first}: fetch through the server: {r.status_code} {r.text[:300]}"
        self.write_answers(first)
        r = self.hub.post(f"/user/{first}/assignments/submit", self.tokens[first], data=data)
        assert r.ok, f"{first}: submit through the server: {r.status_code} {r.text[:300]}"
        # the others from a terminal, as their own accounts
        for student in self.students[1:]:
            self.nbgrader(student, "fetch_assignment", QUIZ, f"--course={COURSE_ID}")
            self.write_answers(student)
            self.nbgrader(student, "submit", QUIZ, f"--course={COURSE_ID}")
        self.nbgrader(self.grader, "collect", QUIZ)
        self.nbgrader(self.grader, "autograde", QUIZ)
        self.nbgrader(self.grader, "export")
        with open(self.course / "grades.csv", encoding="utf-8") as fh:
            seen["grades"] = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh)}
        seen["expected"] = {s: expected_score(self.questions, self.answers[s])
                            for s in self.students}
        seen["graded in PostgreSQL"] = self._graded_rows()
        seen["sqlite gradebook"] = (self.course / "gradebook.db").exists()
        seen["server python"] = _server_python(self.home[first])
        return seen

    def _graded_rows(self) -> int:
        """Submissions the gradebook in PostgreSQL holds, read with the course's own role."""
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url, COURSE_ID) as gb:
            return len(gb.find_assignment(QUIZ).submissions)


def _server_python(home: Path) -> str:
    """The interpreter of the student's running server (read from /proc)."""
    for pid in accounts.pids_of({home.stat().st_uid}):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"jupyterhub.singleuser" in argv:
            return Path(f"/proc/{pid}/exe").resolve().as_posix() + " " + argv[0].decode()
    return ""


def _pip_seconds(log: Path) -> float | None:
    """How long the first run's venv step (pip) took, from install.sh's step times."""
    starts = [(line, float(line.rsplit("(at ", 1)[1].split()[0]))
              for line in log.read_text().splitlines()
              if line.startswith("== ") and line.endswith(" s)")]
    for (line, start), (_, end) in zip(starts, starts[1:], strict=False):
        if line.startswith("== Python venv"):
            return end - start
    return None


def _missing() -> str:
    if os.geteuid() != 0:
        return "install.sh runs as root (it creates accounts and a database)"
    return ""


@pytest.fixture(scope="module")
def installed():
    """Install twice, play the term, then remove everything and look for what is left."""
    missing = _missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    prefix = f"ici{os.getpid() % 10000}-"
    root = Path("/var/tmp") / f"{prefix}install"
    env = _overrides(root, prefix)
    students, instructor = [f"{prefix}s01", f"{prefix}s02"], f"{prefix}instructor"
    shutil.rmtree(LOGS, ignore_errors=True)
    LOGS.mkdir(parents=True)
    before = main_cluster()
    out: dict[str, object] = {"cluster before": before}
    hub = None
    failed = True
    t0 = time.perf_counter()
    try:
        root.mkdir(mode=0o755)
        root.chmod(0o755)  # students' servers run from inside it
        out["run 1"] = run_install(env, LOGS / "install-1.log")
        assert out["run 1"][0] == 0, f"install.sh (first run) failed; see {LOGS / 'install-1.log'}"
        out["pip seconds"] = _pip_seconds(LOGS / "install-1.log")
        cluster = main_cluster()
        out["first"] = _snapshot(root, env, cluster.port)
        # the administrator's step 3: the roster, then the second run must keep it
        (root / "etc" / "students.txt").write_text("\n".join(students) + "\n")
        (root / "etc" / "instructors.txt").write_text(f"# instructors\n{instructor}\n")
        roster = _snapshot(root, env, cluster.port)["roster"]
        out["run 2"] = run_install(env, LOGS / "install-2.log")
        assert out["run 2"][0] == 0, f"install.sh (second run) failed; see {LOGS / 'install-2.log'}"
        out["second"] = _snapshot(root, env, cluster.port)
        out["roster before run 2"] = roster
        unit_path = root / "systemd" / "jupyterhub.service"
        out["unit problems"] = verify(unit_path)
        assert out["unit problems"] == [], out["unit problems"]
        # accounts for the names the installed roster lists
        listed = [line.strip() for f in ("students.txt", "instructors.txt")
                  for line in (root / "etc" / f).read_text().splitlines()
                  if line.strip() and not line.startswith("#")]
        for user in listed:
            create_user(user, root / "home" / user)
        unit = Unit.read(unit_path)
        out["unit"], out["unit env"] = unit, unit.environment()
        hub = start_as_unit(unit, LOGS / "jupyterhub.log",
                            {"IMMUNOCOURSE_ADMIN_TOKEN": secrets.token_hex(24)})
        out["term"] = Term(root, env, hub, students, instructor).play()
        failed = False
    except Exception as exc:
        raise AssertionError(f"{exc}\n(logs kept in {LOGS})") from exc
    finally:
        if hub is not None:
            hub.stop()
        kill_processes_under(root)
        made = accounts.users_with_prefix(prefix)
        accounts.delete_users(made)
        cluster, name = main_cluster(), env["IMMUNOCOURSE_DB_NAME"]
        left_db: list[str] = []
        if cluster is not None and cluster.online:
            drop_database(cluster, name)
            # looked for before the cluster stops, or a left role would go unseen
            left_db = psql(cluster, f"SELECT datname FROM pg_database WHERE datname = '{name}'"
                                    f" UNION ALL SELECT rolname FROM pg_roles "
                                    f"WHERE rolname = '{name}';").split()
            if before is not None and not before.online:
                stop_cluster(cluster)  # install.sh started it; leave it as we found it
        shutil.rmtree(root, ignore_errors=True)
        out["seconds"] = time.perf_counter() - t0
        if not failed:
            shutil.rmtree(LOGS.parent, ignore_errors=True)
    after = main_cluster()
    out["left"] = {"accounts": accounts.users_with_prefix(prefix), "folder": root.exists(),
                   "processes": processes_under(root), "database and role": left_db,
                   "cluster online": after.online if after else None}
    print(f"install test: first run {out['run 1'][1]:.0f} s (pip {out['pip seconds']} s), "
          f"second run {out['run 2'][1]:.1f} s, whole module {out['seconds']:.0f} s "
          f"({os.cpu_count()} cores)")
    return out


def test_install_runs_twice_and_the_second_run_changes_nothing(installed):
    assert installed["run 1"][0] == 0 and installed["run 2"][0] == 0
    first, second = installed["first"], installed["second"]
    assert second["hub.env sha256"] == first["hub.env sha256"]  # the password kept
    assert second["roster"] == installed["roster before run 2"]  # the roster kept
    assert first["hub part appended"] == second["hub part appended"] == 1
    assert second["config sha256"] == first["config sha256"]
    assert second["databases"] == first["databases"] == ["1", "1"]  # one database, one role


def test_the_unit_is_valid_and_names_the_installed_venv(installed):
    unit = installed["unit"]
    assert installed["unit problems"] == []
    venv = Path(installed["unit env"]["IMMUNOCOURSE_VENV"])
    assert unit.exec_start[0] == str(venv / "bin" / "jupyterhub")
    assert not str(venv).startswith(str(ROOT))  # not the repository's venv
    # `systemctl restart jupyterhub` stops the hub only: students' servers keep running
    assert unit.service.get("KillMode") == ["process"]


def test_a_student_server_spawned_by_the_installed_hub_runs_the_installed_venv(installed):
    term = installed["term"]
    assert term["spawned"]["ready"]
    venv = installed["unit env"]["IMMUNOCOURSE_VENV"]
    assert f"{venv}/bin/python" in term["server python"]


def test_the_term_is_graded_as_expected_in_postgresql(installed):
    term = installed["term"]
    assert term["release"]
    assert term["grades"] == pytest.approx(term["expected"])
    assert len(set(term["expected"].values())) == 2  # the two students' answers differ
    assert term["graded in PostgreSQL"] == 2
    assert not term["sqlite gradebook"]


def test_nothing_is_left_behind(installed):
    before = installed["cluster before"]
    left = installed["left"]
    assert left["accounts"] == [] and not left["folder"] and left["processes"] == []
    assert left["database and role"] == []
    assert left["cluster online"] == (before.online if before else None)


@pytest.mark.parametrize(("variable", "value"), [
    ("IMMUNOCOURSE_PREFIX", "opt/immunocourse"),
    ("IMMUNOCOURSE_ROSTER", "/etc/my course"),
    ("IMMUNOCOURSE_HUB_PORT", "99999"),
    ("IMMUNOCOURSE_DB_NAME", "x'; DROP TABLE"),
    ("IMMUNOCOURSE_GRADER_USER", "Grader Bob"),
])
def test_a_bad_setting_stops_install_with_one_line_before_anything_is_made(
        tmp_path, variable, value):
    if os.geteuid() != 0:
        pytest.skip(_missing())
    env = {**_overrides(tmp_path / "scratch", "icx-"), variable: value}
    proc = subprocess.run([str(INSTALL_SH)], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"install.sh: {variable}=") and proc.stderr.count("\n") == 1
    assert proc.stdout == "" and not (tmp_path / "scratch").exists()
