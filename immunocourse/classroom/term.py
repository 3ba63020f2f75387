"""``make class-demo``: one term of a class on this machine, through JupyterHub and PostgreSQL.

    sudo .venv/bin/python -m immunocourse.classroom demo --students 20   (make class-demo)
    sudo .venv/bin/python -m immunocourse.classroom clean                (make class-demo-clean)

Creates an instructor, a grader and N students (Linux accounts named PREFIX*), a
throwaway PostgreSQL cluster on loopback and JupyterHub on 127.0.0.1 with
deploy/jupyterhub/jupyterhub_config.py. The instructor releases a quiz through the
formgrader service; students fetch, answer and submit through the exchange as their own
Linux users (the first ones in a JupyterLab the hub spawned, via its nbgrader REST
handlers and contents API; the rest with ``runuser ... nbgrader``); the grader collects,
autogrades in parallel against PostgreSQL and releases feedback; students fetch it; the
grades are exported to _build/class-demo/grades.csv. Faults are staged on the way: a
double submission, a late one, a student's server stopped mid-term, the formgrader
service killed during grading, PostgreSQL down when grading starts, the hub restarted
while students' servers run (they, the proxy and saved answers stay). Everything started
is stopped, and (unless --keep) every account and file removed, even on failure; the logs
are kept in OUT/logs/ first. From a checkout others cannot read, users' processes run
from a copy under the work folder (venv.py).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from immunocourse.classroom import accounts
from immunocourse.classroom.answers import answers_for, expected_score
from immunocourse.classroom.grading import autograde_parallel
from immunocourse.classroom.hub import REPO, Hub, HubError
from immunocourse.classroom.postgres import (
    GradebookUnavailable,
    Postgres,
    free_port,
    pg_bin,
)
from immunocourse.classroom.venv import code_for_users, make_venv
from immunocourse.grading.course import COURSE_ID, new_course
from immunocourse.grading.parallel import Nbgrader
from immunocourse.quiz.answers import ANSWERS_FILE
from immunocourse.quiz.bank import BANKS_DIR, load_bank

QUIZ = "immune-system"
SERVICE = f"formgrader-{COURSE_ID}"
OUT = REPO / "_build" / "class-demo"
FORMGRADER_PAGE = "/formgrader/manage_assignments"  # what the Formgrader tab shows
PG_DOWN = "PostgreSQL down: clear error, nothing written"
HUB_RESTART = "hub restarted mid-term: servers, proxy and answers kept"


@dataclass
class Row:
    student: str
    route: str  # "hub" or "cli"
    expected: float
    score: float | None = None
    max_score: float | None = None
    late: bool = False
    feedback: bool = False


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    checks: dict[str, tuple[bool, str]] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        self.checks[name] = (bool(ok), detail)

    @property
    def ok(self) -> bool:
        rows_ok = all(r.score is not None and abs(r.score - r.expected) < 1e-6 and r.feedback
                      for r in self.rows)
        return bool(self.rows) and rows_ok and all(ok for ok, _ in self.checks.values())


def work_dir(prefix: str) -> Path:
    return Path("/var/tmp") / f"{prefix}class"


class ClassDemo:
    """Set up with ``with ClassDemo(...) as demo``; ``demo.run()`` plays the term."""

    def __init__(self, students: int = 20, hub_students: int = 3, prefix: str = "icdemo-",
                 jobs: int = 2, out: Path = OUT, keep: bool = False, source: Path = REPO,
                 project_venv: Path | None = None) -> None:
        if not 0 <= hub_students < students or students < 2:  # the late one uses a terminal
            raise ValueError(f"need at least 2 students and more than the {hub_students} "
                             "via the hub (--hub-students)")
        self.prefix, self.jobs, self.out, self.keep = prefix, jobs, out, keep
        self.source = self.code = source  # the checkout; code: what users import (a copy?)
        self.project_venv = project_venv  # whose packages users get; default: this one's
        self.work = work_dir(prefix)
        self.instructor, self.grader = f"{prefix}instructor", f"{prefix}grader"
        self.students = [f"{prefix}s{i:02d}" for i in range(1, students + 1)]
        self.hub_students = self.students[:hub_students]
        self.questions = load_bank(BANKS_DIR / f"{QUIZ}.yml").questions
        self.answers = {s: answers_for(self.questions, i)
                        for i, s in enumerate(self.students, start=1)}
        self.twice = self.students[hub_students] if hub_students < students else None
        self.late = self.students[-1]
        self.report = Report()
        self.pg: Postgres | None = None
        self.hub: Hub | None = None
        self.tokens: dict[str, str] = {}
        self.t0 = time.perf_counter()

    # --- paths --------------------------------------------------------------------------
    def home(self, user: str) -> Path:
        return self.work / "home" / user

    @property
    def venv(self) -> Path:
        return self.work / "venv"

    @property
    def exchange(self) -> Path:
        return self.work / "exchange"

    @property
    def deploy(self) -> Path:  # the hub's config files, as users' processes read them
        return self.code / "deploy" / "jupyterhub"

    @property
    def course(self) -> Path:
        return self.home(self.grader) / COURSE_ID

    # --- setup and teardown -------------------------------------------------------------
    def __enter__(self) -> ClassDemo:
        try:
            self.setup()
        except BaseException as exc:
            try:
                self.keep_logs(exc)
            finally:
                self.teardown()
            raise
        return self

    def __exit__(self, _type: Any, exc: BaseException | None, _tb: Any) -> None:
        try:
            if exc is not None or (self.report.rows and not self.report.ok):
                self.keep_logs(exc)
        finally:  # whatever happened while keeping the logs (a closed stdout...)
            self.teardown()

    def keep_logs(self, exc: BaseException | None) -> Path | None:
        """Copy the logs out of the work folder before teardown deletes it, and make the
        error name the copies. Users' servers and the formgrader service log to the hub's
        output, so jupyterhub.log holds theirs too."""
        logs = [self.work / "jupyterhub.log", self.work / "proxy.log",
                self.work / "postgres" / "server.log"]
        kept = self.out / "logs"
        shutil.rmtree(kept, ignore_errors=True)  # an earlier run's logs would mislead
        moved = {}
        for log in logs:
            if log.is_file():
                kept.mkdir(parents=True, exist_ok=True)
                shutil.copy2(log, kept / log.name)
                moved[str(log)] = str(kept / log.name)
        if not moved:
            return None
        message = str(exc) if isinstance(exc, Exception) and exc.args else ""
        pointed = message
        for old, new in moved.items():
            pointed = pointed.replace(old, new)
        if message and isinstance(exc.args[0], str) and len(exc.args) == 1:
            exc.args = (pointed if pointed != message else f"{message} (logs: {kept})",)
        else:
            print(f"class demo: logs kept in {kept}", file=sys.stderr, flush=True)
        return kept

    def log(self, message: str) -> None:
        self.report.events.append(message)
        print(f"[{time.perf_counter() - self.t0:5.0f} s] {message}", flush=True)

    def setup(self) -> None:
        clean(self.prefix)
        (self.work / "home").mkdir(parents=True)
        self.work.chmod(0o755)
        self.code = code_for_users(self.source, self.work, self.log)
        make_venv(self.venv, self.code, self.work, self.log, self.project_venv)
        for user in [self.instructor, self.grader, *self.students]:
            accounts.create_user(user, self.home(user))
        self.exchange.mkdir(mode=0o777)
        self.exchange.chmod(0o1777)  # like /tmp: everyone may create, nobody may delete others'
        self.pg = Postgres(self.work / "postgres")
        self.pg.create()
        self.make_course()
        self.start_hub()
        self.log(f"class of {len(self.students)}: {self.students[0]} .. {self.students[-1]}, "
                 f"instructor {self.instructor}, grader {self.grader}; hub {self.hub.url}; "
                 f"gradebook postgresql on 127.0.0.1:{self.pg.port}")

    def make_course(self) -> None:
        new_course(self.course, quiz_ids=[QUIZ])
        with open(self.course / "nbgrader_config.py", "a") as fh:
            fh.write((self.deploy / "nbgrader_course.py").read_text())
        subprocess.run(["chown", "-R", f"{self.grader}:{self.grader}", str(self.course)],
                       check=True)

    def hub_env(self) -> dict[str, str]:
        roster = self.work / "roster"
        roster.mkdir(exist_ok=True)
        (roster / "students.txt").write_text("\n".join(self.students) + "\n")
        (roster / "instructors.txt").write_text(self.instructor + "\n")
        return {
            "IMMUNOCOURSE_VENV": str(self.venv),
            "IMMUNOCOURSE_HUB_STATE": str(self.work / "hub"),
            "IMMUNOCOURSE_ROSTER": str(roster),
            "IMMUNOCOURSE_EXCHANGE": str(self.exchange),
            "IMMUNOCOURSE_GRADER_USER": self.grader,
            "IMMUNOCOURSE_GRADER_HOME": str(self.home(self.grader)),
            "IMMUNOCOURSE_COURSE_DIR": str(self.course),
            "IMMUNOCOURSE_DB_URL": self.pg.url,
            "IMMUNOCOURSE_HUB_IP": "127.0.0.1",
            "IMMUNOCOURSE_HUB_PORT": str(free_port()),
            "IMMUNOCOURSE_HUB_API_PORT": str(free_port()),
            "IMMUNOCOURSE_PROXY_API_PORT": str(free_port()),
            "IMMUNOCOURSE_GRADER_PORT": str(free_port()),
            "IMMUNOCOURSE_ADMIN_TOKEN": __import__("secrets").token_hex(24),
            # the proxy as its own process, so that it outlives a hub restart (hub_student)
            "IMMUNOCOURSE_PROXY": "own",
            "CONFIGPROXY_AUTH_TOKEN": __import__("secrets").token_hex(24),
            # the hub loads its config with the code users run (not whatever checkout the
            # project venv's editable install names); servers inherit it (env_keep)
            "PYTHONPATH": str(self.code),
        }

    def start_hub(self) -> None:
        checkout = self.source / "deploy" / "jupyterhub"
        if not (checkout / "node_modules" / ".bin" / "configurable-http-proxy").exists():
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(checkout)],
                           check=True, capture_output=True)
        self.env = self.hub_env()
        self.hub = Hub.start(self.env, self.work / "jupyterhub.log", self.work / "hub",
                             self.deploy / "jupyterhub_config.py")
        self.hub_api_url = f"http://127.0.0.1:{self.env['IMMUNOCOURSE_HUB_API_PORT']}/hub/api"
        for user in [self.instructor, self.grader, *self.students]:
            self.tokens[user] = self.hub.token_for(user)

    def teardown(self) -> None:
        """Stop the hub (servers, service, proxy), PostgreSQL, every demo process."""
        if self.hub is not None:
            self.hub.stop()
        accounts.stop_processes(accounts.users_with_prefix(self.prefix))
        if self.pg is not None:
            self.pg.stop_at_teardown()
        if not self.keep:
            clean(self.prefix)

    # --- running things as users --------------------------------------------------------
    def user_env(self, user: str) -> dict[str, str]:
        env = {
            "HOME": str(self.home(user)), "USER": user, "LANG": "C.UTF-8",
            "PATH": f"{self.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "JUPYTERHUB_USER": user, "JUPYTERHUB_API_TOKEN": self.tokens[user],
            "JUPYTERHUB_API_URL": self.hub_api_url,
            "IMMUNOCOURSE_EXCHANGE": str(self.exchange),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
        if user == self.grader:
            env["IMMUNOCOURSE_DB_URL"] = self.pg.url
        return env

    def nbgrader(self, user: str, *args: str, check: bool = True
                 ) -> subprocess.CompletedProcess[str]:
        cwd = self.course if user == self.grader else self.home(user)
        return accounts.run_as(user, [str(self.venv / "bin" / "python"), "-m", "nbgrader",
                                      *args], self.user_env(user), cwd, check=check)

    def python_as(self, user: str, code: str) -> subprocess.CompletedProcess[str]:
        return accounts.run_as(user, [str(self.venv / "bin" / "python"), "-c", code],
                               self.user_env(user), self.home(user), check=False)

    def service(self, path: str, user: str) -> Any:
        return self.hub.get(f"/services/{SERVICE}{path}", self.tokens[user])

    # --- the term -----------------------------------------------------------------------
    def run(self) -> Report:
        t0 = time.perf_counter()
        self.release()
        self.students_work()
        self.nbgrader(self.grader, "collect", QUIZ)
        self.log(f"collected {len(self.students)} submissions")
        self.grade()
        self.feedback()
        self.export()
        self.security_checks()
        self.backup()
        self.log(f"term took {time.perf_counter() - t0:.0f} s")
        return self.report

    def release(self) -> None:
        self.nbgrader(self.grader, "generate_assignment", QUIZ)
        r = self.hub.post(f"/services/{SERVICE}/formgrader/api/assignment/{QUIZ}/release",
                          self.tokens[self.instructor])
        body = r.json() if r.ok else {}
        if not body.get("success"):
            raise RuntimeError(f"release through the formgrader failed: HTTP {r.status_code} "
                               f"{r.text[:300]}")
        self.log(f"{self.instructor} released {QUIZ} through the formgrader service")

    def students_work(self) -> None:
        cli = [s for s in self.students if s not in self.hub_students]
        for i, student in enumerate(self.hub_students):
            self.hub_student(student, stop_midterm=(i == 0),
                             restart_hub=(i == len(self.hub_students) - 1))
        on_time = [s for s in cli if s != self.late]
        with ThreadPoolExecutor(max_workers=max(1, self.jobs * 2)) as pool:
            list(pool.map(self.cli_student, on_time))
        # the due date passes (2 s after the last on-time submission; the gradebook keeps
        # whole seconds), then the last student submits
        due_at = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=2)
        due = due_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        self.nbgrader(self.grader, "db", "assignment", "add", QUIZ, f"--duedate={due}")
        while dt.datetime.now(dt.UTC) < due_at + dt.timedelta(seconds=1):
            time.sleep(0.2)
        self.cli_student(self.late)
        self.log(f"due date set to {due}; {self.late} submitted after it")

    def row(self, student: str, route: str) -> Row:
        row = Row(student, route, expected_score(self.questions, self.answers[student]))
        self.report.rows.append(row)
        return row

    def hub_student(self, student: str, stop_midterm: bool, restart_hub: bool = False
                    ) -> None:
        """Through a JupyterLab the hub spawned: nbgrader's assignment REST handlers, and
        the contents API to save answers.json as the quiz widgets would."""
        self.row(student, "hub")
        token, base = self.tokens[student], f"/user/{student}"
        self.hub.start_server(student)
        data = {"course_id": COURSE_ID, "assignment_id": QUIZ}
        r = self.hub.post(f"{base}/assignments/fetch", token, data=data)
        if not r.ok or not any(a["assignment_id"] == QUIZ and a["status"] == "fetched"
                               for a in r.json()["value"]):
            raise RuntimeError(f"{student}: fetch through the server failed: {r.text[:300]}")
        path = f"{base}/api/contents/{COURSE_ID}/{QUIZ}/{ANSWERS_FILE}"
        content = json.dumps(self.answers[student], indent=2, sort_keys=True)
        r = self.hub.put(path, token, json={"type": "file", "format": "text",
                                            "content": content})
        if not r.ok:
            raise RuntimeError(f"{student}: saving answers failed: HTTP {r.status_code}")
        if stop_midterm:
            self.hub.stop_server(student)
            self.hub.start_server(student)
            kept = self.hub.get(path, token).json().get("content")
            self.report.check("server stopped mid-term: answers kept",
                              kept is not None and json.loads(kept) == self.answers[student],
                              f"{student}'s server stopped and restarted before submitting")
            self.log(f"{student}'s server was stopped mid-term and started again")
        if restart_hub:
            self.restart_hub(student, path)
        r = self.hub.post(f"{base}/assignments/submit", token, data=data)
        if not r.ok or (isinstance(r.json(), dict) and r.json().get("success") is False):
            raise RuntimeError(f"{student}: submit through the server failed: {r.text[:300]}")
        self.log(f"{student}: fetched, answered and submitted in the hub's JupyterLab")

    def servers(self) -> dict[str, list[int]]:
        """The hub students' running JupyterLab processes, by student."""
        found = {}
        for student in self.hub_students:
            pids = [p for p in accounts.pids_of({_uid(student)})
                    if b"jupyterhub.singleuser" in _cmdline(p)]
            if pids:
                found[student] = sorted(pids)
        return found

    def restart_hub(self, student: str, answers_path: str) -> None:
        """Fault: the hub is stopped and started again (same state, same config) while
        students' servers run. Their processes, the proxy and the saved answers must stay,
        and ``student`` then submits through the same server."""
        before, proxy = self.servers(), self.hub.proxy
        old_pid, t0 = self.hub.process.pid, time.perf_counter()
        clean = self.hub.restart()
        try:
            for user in before:  # the hub found each server again, from its database
                self.hub.wait_server(user, ready=True, timeout=60)
        except HubError as exc:  # recorded, then the term stops: nobody could submit
            self.report.check(HUB_RESTART, False, f"{exc}; before: {before}, after: "
                              f"{self.servers()}")
            raise
        after = self.servers()
        kept = self.hub.get(answers_path, self.tokens[student]).json().get("content")
        answering = all(self.hub.get(f"/user/{u}/api/status", self.tokens[u]).ok
                        for u in before)
        ok = (clean and len(before) >= 1 and after == before and answering
              and proxy is not None and proxy.poll() is None
              and kept is not None and json.loads(kept) == self.answers[student])
        self.report.check(HUB_RESTART, ok,
                          f"hub pid {old_pid} -> {self.hub.process.pid} (shut down "
                          f"{'by itself' if clean else 'by SIGKILL'}); servers "
                          f"{before} -> {after}; proxy pid "
                          f"{proxy.pid if proxy else None} "
                          f"{'running' if proxy and proxy.poll() is None else 'gone'}")
        self.log(f"the hub was restarted in {time.perf_counter() - t0:.0f} s while "
                 f"{len(before)} students' servers ran")

    def cli_student(self, student: str) -> None:
        row = self.row(student, "cli")
        self.nbgrader(student, "fetch_assignment", QUIZ, f"--course={COURSE_ID}")
        folder = self.home(student) / COURSE_ID / QUIZ
        if student == self.twice:  # a first, empty submission; the second one must count
            self.write_answers(student, folder, {})
            self.nbgrader(student, "submit", QUIZ, f"--course={COURSE_ID}")
            time.sleep(1.1)
        self.write_answers(student, folder, self.answers[student])
        self.nbgrader(student, "submit", QUIZ, f"--course={COURSE_ID}")
        row.late = student == self.late

    def write_answers(self, student: str, folder: Path, answers: dict[str, Any]) -> None:
        code = ("import json,sys; from immunocourse.quiz.answers import write_answers; "
                f"write_answers({str(folder / ANSWERS_FILE)!r}, json.loads(sys.argv[1]))")
        accounts.run_as(student, [str(self.venv / "bin" / "python"), "-c", code,
                                  json.dumps(answers)], self.user_env(student), folder)

    # --- grading ------------------------------------------------------------------------
    def grade(self) -> None:
        self.pg.stop()  # fault: PostgreSQL is down when grading starts
        try:
            self.grade_class()
            self.report.check(PG_DOWN, False, "grading went ahead with the database down")
        except GradebookUnavailable as exc:
            untouched = not (self.course / "autograded").exists()
            self.report.check(PG_DOWN, untouched,
                              str(exc))
            self.log(f"PostgreSQL down when grading starts -> {exc}")
        self.pg.start()
        failed = self.grade_class(on_started=self.restart_service_during_grading)
        if failed:
            raise RuntimeError(f"autograde failed for {', '.join(failed)}")
        self.log(f"autograded {len(self.students)} submissions with {self.jobs} workers")

    def grade_class(self, on_started: Any = None) -> list[str]:
        """``quiz grade``'s parallel autograde, as the grader, against PostgreSQL."""
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        as_grader = Nbgrader((runuser, "-u", self.grader, "--", str(self.venv / "bin" / "python"),
                              "-m", "nbgrader"), self.user_env(self.grader))
        return autograde_parallel(as_grader, self.course, QUIZ, self.jobs, self.pg.url,
                                  on_started)

    def restart_service_during_grading(self) -> None:
        """Kill the formgrader service; the hub must start it again by itself."""
        grader_pids = [p for p in accounts.pids_of({_uid(self.grader)})
                       if b"jupyterhub.singleuser" in _cmdline(p)]
        for pid in grader_pids:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if self.service("/formgrader/api/status", self.instructor).ok:
                    self.log("formgrader service killed during grading; the hub restarted it")
                    return
            except Exception:  # noqa: BLE001 - connection refused while it restarts
                pass
            time.sleep(1)
        raise RuntimeError("the hub did not restart the formgrader service")

    def feedback(self) -> None:
        self.nbgrader(self.grader, "generate_feedback", QUIZ)
        self.nbgrader(self.grader, "release_feedback", QUIZ)
        data = {"course_id": COURSE_ID, "assignment_id": QUIZ}

        def fetch(row: Row) -> None:
            if row.route == "hub":
                self.hub.post(f"/user/{row.student}/assignments/fetch_feedback",
                              self.tokens[row.student], data=data)
            else:
                self.nbgrader(row.student, "fetch_feedback", QUIZ, f"--course={COURSE_ID}")
            found = self.home(row.student).glob(f"{COURSE_ID}/{QUIZ}/feedback/*/{QUIZ}.html")
            row.feedback = any(found)

        with ThreadPoolExecutor(max_workers=max(1, self.jobs * 2)) as pool:
            list(pool.map(fetch, self.report.rows))
        self.log(f"feedback released; {sum(r.feedback for r in self.report.rows)} of "
                 f"{len(self.report.rows)} students have it")

    def export(self) -> None:
        self.nbgrader(self.grader, "export")
        self.out.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.course / "grades.csv", self.out / "grades.csv")
        with open(self.out / "grades.csv", encoding="utf-8") as fh:
            graded = {r["student_id"]: r for r in csv.DictReader(fh)}
        late = late_seconds(self.pg.url, QUIZ)
        for row in self.report.rows:
            if row.student in graded:
                row.score = float(graded[row.student]["score"])
                row.max_score = float(graded[row.student]["max_score"])
        self.report.check("late submission marked late",
                          late.get(self.late, 0) > 0
                          and all(late.get(s, 0) == 0 for s in self.students if s != self.late),
                          f"{self.late}: {late.get(self.late, 0):.0f} s late")
        if self.twice:
            row = next(r for r in self.report.rows if r.student == self.twice)
            self.report.check("submitted twice: the last submission is graded",
                              row.score == row.expected and row.expected > 0,
                              f"{self.twice}: {row.score} (first submission was empty)")

    # --- who can see what ---------------------------------------------------------------
    def security_checks(self) -> None:
        a, b = self.students[0], self.students[1]
        inbound = self.exchange / COURSE_ID / "inbound"
        listing = self.python_as(a, f"import os; print(os.listdir({str(inbound)!r}))")
        self.report.check("a student cannot list the exchange's submissions",
                          listing.returncode != 0 and "PermissionError" in listing.stderr,
                          (listing.stderr.strip().splitlines() or [""])[-1])
        other = self.home(b) / COURSE_ID / QUIZ / ANSWERS_FILE
        peek = self.python_as(a, f"print(open({str(other)!r}).read())")
        self.report.check("a student cannot read another student's work",
                          peek.returncode != 0 and "PermissionError" in peek.stderr, str(other))
        book = self.python_as(a, f"print(open({str(self.course / 'submitted')!r}))")
        gb = self.python_as(a, "import psycopg; psycopg.connect(host='127.0.0.1', "
                               f"port={self.pg.port}, user='immunocourse', "
                               "dbname='immunocourse', connect_timeout=5)")
        self.report.check("a student cannot read the gradebook",
                          book.returncode != 0 and gb.returncode != 0
                          and "password" in gb.stderr.lower(),
                          (gb.stderr.strip().splitlines() or [""])[-1])
        student_page = self.service(FORMGRADER_PAGE, a)
        self.report.check("a student cannot open the formgrader",
                          student_page.status_code in (302, 403),
                          f"HTTP {student_page.status_code}")
        for user in (self.instructor, self.grader):
            page = self.service(FORMGRADER_PAGE, user)
            listed = self.service("/formgrader/api/assignments", user)
            ok = page.status_code == 200 and listed.status_code == 200 and QUIZ in listed.text
            self.report.check(f"the {'grader' if user == self.grader else 'instructor'} "
                              "opens the formgrader", ok, f"HTTP {page.status_code}")
        # the page JupyterLab's Formgrader tab puts in an iframe
        page = self.service(FORMGRADER_PAGE, self.instructor)
        csp = page.headers.get("Content-Security-Policy", "")
        student_lab = self.hub.get(f"/user/{a}/lab", self.tokens[a])
        self.report.check("the formgrader may be framed by its own JupyterLab (CSP)",
                          page.status_code == 200 and "frame-ancestors 'self'" in csp
                          and "frame-ancestors 'none'"
                          in student_lab.headers.get("Content-Security-Policy", ""),
                          csp)

    def backup(self) -> None:
        dump = self.out / "gradebook.sql"
        self.pg.dump(dump)
        self.report.check("pg_dump backup of the gradebook", "submitted_notebook"
                          in dump.read_text(), str(dump))


def late_seconds(db_url: str, quiz: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(db_url, COURSE_ID) as gb:
        return {s.student.id: s.total_seconds_late
                for s in gb.find_assignment(quiz).submissions}


def _uid(user: str) -> int:
    return pwd.getpwnam(user).pw_uid


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def clean(prefix: str) -> None:
    """Remove every account named PREFIX*, its processes and the demo's work folder."""
    work = work_dir(prefix)
    pg = work / "postgres" / "data"
    if (pg / "postmaster.pid").exists():
        subprocess.run(["runuser", "-u", "postgres", "--", str(pg_bin() / "pg_ctl"),
                        "-D", str(pg), "-m", "immediate", "-w", "stop"], capture_output=True)
    pid_file = work / "hub" / "jupyterhub.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            time.sleep(2)
        except (ProcessLookupError, ValueError):
            pass
    proxy_pid = work / "hub" / "proxy.pid"
    if proxy_pid.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(proxy_pid.read_text().strip()), signal.SIGTERM)
    accounts.delete_users(accounts.users_with_prefix(prefix))
    shutil.rmtree(work, ignore_errors=True)


def print_report(report: Report) -> None:
    print(f"\n{'student':<16}{'via':<6}{'expected':>9}{'score':>8}{'max':>6}  late  feedback")
    for r in report.rows:
        score = "-" if r.score is None else f"{r.score:g}"
        print(f"{r.student:<16}{r.route:<6}{r.expected:>9g}{score:>8}{r.max_score or 0:>6g}  "
              f"{'yes' if r.late else 'no ':<4}  {'yes' if r.feedback else 'MISSING'}")
    print()
    for name, (ok, detail) in report.checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    print(f"\n{'every grade as expected' if report.ok else 'SOMETHING WENT WRONG'}")
