"""A class under load: N students submit within seconds of each other; nothing lost, nothing mixed.

    sudo .venv/bin/python -m immunocourse.classroom.load [--students 200] [--jobs 2]
    (benchmarks/bench_class.py prints the same figures; tests/test_class_load.py checks them)

N Linux accounts (PREFIXsNNN, made in one ``newusers`` batch, password locked) fetch the
released quiz from an exchange laid out as on the class server (mode 1777, the course in
the path) and submit it through nbgrader's own exchange code, each as its own uid, all let
go at the same moment (:mod:`.swarm`). Each student's answers differ from every other's
(:func:`.answers.distinct_answers`). Then the course collects, grades with ``quiz grade``'s
parallel autograde against a throwaway PostgreSQL gradebook (as the class server does) and
exports grades.csv. No JupyterHub: the exchange is what is under load.

The report counts, per student, what reached the exchange's inbound (owned by that
student), what was collected, graded and exported; a submission is *lost* if it was
accepted but is missing from any later step, and *mixed up* if a copy is not byte for byte
the answers.json that student wrote or a score differs from what that student's answers
earn. Everything made is removed afterwards, even on failure (``--keep`` leaves it).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from immunocourse.classroom import accounts
from immunocourse.classroom.answers import distinct_answers, expected_points
from immunocourse.classroom.grading import autograde_parallel
from immunocourse.classroom.postgres import Postgres, pg_bin
from immunocourse.grading.course import COURSE_ID, new_course
from immunocourse.grading.parallel import Nbgrader, default_jobs, grade_class
from immunocourse.quiz.answers import ANSWERS_FILE
from immunocourse.quiz.bank import BANKS_DIR, load_bank

QUIZ = "immune-system"
REPO = Path(__file__).resolve().parents[2]
GRADEBOOKS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
SPREAD_LIMIT = 10.0  # seconds: "all submissions started within 10 s of each other"
# The class server's exchange layout (deploy/jupyterhub/nbgrader_course.py), without the
# hub: nobody asks JupyterHub who is in the course.
COURSE_CONFIG = """
# --- class load test: the class server's exchange layout, no JupyterHub ---
c.Exchange.path_includes_course = True
"""


def work_dir(prefix: str) -> Path:
    return Path("/var/tmp") / f"{prefix}load"


@dataclass
class LoadReport:
    students: int
    gradebook: str
    jobs: int
    submitted: int = 0  # nbgrader's submit returned without error
    received: int = 0  # students with their submission in the exchange's inbound
    collected: int = 0
    graded: int = 0  # students with every question's score in the gradebook
    exported: int = 0  # students in grades.csv with the total their answers earn
    lost: dict[str, str] = field(default_factory=dict)  # student -> where it went missing
    mixed: dict[str, str] = field(default_factory=dict)  # student -> what is not theirs
    failed: dict[str, str] = field(default_factory=dict)  # student -> why it never went in
    spread: float = float("nan")  # last submit start - first submit start (s)
    to_grades: float = float("nan")  # first submit start -> grades.csv written (s)
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        n = self.students
        return (not self.lost and not self.mixed and not self.failed
                and self.submitted == self.received == self.collected == self.graded
                == self.exported == n and self.spread <= SPREAD_LIMIT)

    def lines(self) -> list[str]:
        """The figures, one per line, as the benchmark and the command line print them."""
        out = [f"{self.students} students, {os.cpu_count()} cores, gradebook {self.gradebook}, "
               f"{self.jobs} grading workers",
               f"submitted {self.submitted}, received in the exchange {self.received}, "
               f"collected {self.collected}, graded {self.graded}, exported {self.exported}",
               f"lost {len(self.lost)}, mixed up {len(self.mixed)}, "
               f"failed to submit {len(self.failed)}",
               f"submissions started within {self.spread:.2f} s of each other "
               f"(limit {SPREAD_LIMIT:g} s)",
               f"first submit -> exported grades: {self.to_grades:.1f} s"]
        out += [f"  {name:<9}{seconds:7.1f} s" for name, seconds in self.phases.items()]
        for title, problems in (("LOST", self.lost), ("MIXED UP", self.mixed),
                                ("FAILED", self.failed)):
            out += [f"{title} {s}: {why}" for s, why in list(problems.items())[:10]]
        return out


class ClassLoad:
    """``with ClassLoad(200) as load: report = load.run()``."""

    def __init__(self, students: int = 200, prefix: str = "icload-", jobs: int | None = None,
                 keep: bool = False, timeout: float = 900, gradebook: str = "postgresql"
                 ) -> None:
        if students < 1:
            raise ValueError("need at least one student")
        if gradebook not in GRADEBOOKS:
            raise ValueError(f"gradebook must be one of {', '.join(GRADEBOOKS)}")
        self.prefix, self.keep, self.timeout = prefix, keep, timeout
        self.gradebook = gradebook
        self.jobs = jobs or default_jobs()
        self.work = work_dir(prefix)
        self.students = [f"{prefix}s{i:03d}" for i in range(1, students + 1)]
        self.questions = load_bank(BANKS_DIR / f"{QUIZ}.yml").questions
        self.answers = {s: distinct_answers(self.questions, i)
                        for i, s in enumerate(self.students, start=1)}
        self.pg: Postgres | None = None
        self.uids: dict[str, int] = {}
        self.leaving: threading.Thread | None = None  # removes the students' accounts
        self.report = LoadReport(students, GRADEBOOKS[gradebook], self.jobs)

    @property
    def exchange(self) -> Path:
        return self.work / "exchange"

    @property
    def course(self) -> Path:
        return self.work / "course"

    def home(self, student: str) -> Path:
        return self.work / "home" / student

    # --- setup and teardown -------------------------------------------------------------
    def __enter__(self) -> ClassLoad:
        try:
            self.setup()
        except BaseException:
            self.teardown()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self.teardown()

    def setup(self) -> None:
        t = time.monotonic()
        clean(self.prefix)
        (self.work / "home").mkdir(parents=True)
        self.work.chmod(0o755)  # students reach their homes and the exchange through it
        create_users(self.students, self.work / "home")
        self.report.phases["accounts"] = time.monotonic() - t
        t = time.monotonic()
        self.exchange.mkdir()
        self.exchange.chmod(0o1777)  # as on the class server: anyone adds, nobody removes others'
        if self.gradebook == "postgresql":
            self.pg = Postgres(self.work / "postgres")
            self.pg.create()
            self.db_url = self.pg.url
        else:
            self.db_url = f"sqlite:///{self.course / 'gradebook.db'}"
        new_course(self.course, quiz_ids=[QUIZ])
        with open(self.course / "nbgrader_config.py", "a") as fh:
            fh.write(COURSE_CONFIG)
        self.nbgrader = Nbgrader.here()
        self.nbgrader.env.update(IMMUNOCOURSE_EXCHANGE=str(self.exchange),
                                 IMMUNOCOURSE_DB_URL=self.db_url)
        self.run_nbgrader("generate_assignment", QUIZ)
        self.run_nbgrader("release_assignment", QUIZ)
        self.report.phases["setup"] = time.monotonic() - t

    def teardown(self) -> None:
        if self.leaving is not None:
            self.leaving.join()
        accounts.stop_processes(accounts.users_with_prefix(self.prefix))
        if self.pg is not None:
            self.pg.stop_at_teardown()
        if not self.keep:
            t = time.monotonic()
            clean(self.prefix)
            self.report.phases["cleanup"] = time.monotonic() - t

    def run_nbgrader(self, *args: str) -> None:
        proc = subprocess.run([*self.nbgrader.argv, *args], cwd=self.course,
                              env=self.nbgrader.env, capture_output=True, text=True,
                              timeout=self.timeout)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-15:])
            raise RuntimeError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{tail}")

    # --- the load -----------------------------------------------------------------------
    def run(self) -> LoadReport:
        results = self.submit_all()
        t = time.monotonic()
        self.run_nbgrader("collect", QUIZ)
        self.report.phases["collect"] = time.monotonic() - t
        received = self.check_exchange(results)
        # The students are done: their accounts go while the grading runs (removing an
        # account syncs the password files, a tenth of a second each, mostly waiting).
        self.leaving = threading.Thread(target=accounts.delete_users, args=(self.students,))
        self.leaving.start()
        t = time.monotonic()
        if self.pg is not None:  # the class server's way: the gradebook must answer first
            failed = autograde_parallel(self.nbgrader, self.course, QUIZ, self.jobs,
                                        self.db_url)
        else:
            failed = sorted(grade_class(self.course, QUIZ, self.jobs, progress=False,
                                        feedback=False, nbgrader=self.nbgrader,
                                        db_url=self.db_url).failures)
        self.report.phases["grade"] = time.monotonic() - t
        t = time.monotonic()
        self.run_nbgrader("export")
        done = time.monotonic()
        self.report.phases["export"] = done - t
        started = [r["started"] for r in results.values() if r["started"] is not None]
        if started:
            self.report.to_grades = done - min(started)
        self.check_grades(received, failed)
        return self.report

    def submit_all(self) -> dict[str, dict[str, Any]]:
        """Every student fetches, answers and submits, all let go together (swarm.py)."""
        plan = {"exchange": str(self.exchange), "course_id": COURSE_ID, "quiz": QUIZ,
                "timeout": self.timeout, "students": []}
        for student in self.students:
            entry = pwd.getpwnam(student)
            self.uids[student] = entry.pw_uid
            plan["students"].append({"name": student, "uid": entry.pw_uid,
                                     "gid": entry.pw_gid, "home": str(self.home(student)),
                                     "answers": self.answers[student]})
        plan_file, out_file = self.work / "swarm-plan.json", self.work / "swarm-results.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        plan_file.chmod(0o600)
        env = {**self.nbgrader.env, "PYTHONPATH": str(REPO)}
        t = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "immunocourse.classroom.swarm",
                               str(plan_file), str(out_file)], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=self.timeout + 60)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-15:])
            raise RuntimeError(f"the submitting students failed ({proc.returncode}):\n{tail}")
        out = json.loads(out_file.read_text(encoding="utf-8"))
        self.report.phases["fork+fetch"] = out["released"] - t
        results = {r["student"]: r for r in out["results"]}
        for student in self.students:
            r = results.setdefault(student, {"student": student, "started": None,
                                             "finished": None, "sha256": None,
                                             "error": "no result (killed at the time limit)"})
            if r["error"]:
                self.report.failed[student] = r["error"]
        started = [r["started"] for r in results.values() if r["started"] is not None]
        finished = [r["finished"] for r in results.values() if r["finished"] is not None]
        self.report.submitted = len(finished)
        if started:
            self.report.spread = max(started) - min(started)
        if started and finished:  # not from "released": the parent may run last of all
            self.report.phases["submit"] = max(finished) - min(started)
        return results

    # --- what an administrator checks ---------------------------------------------------
    def check_exchange(self, results: dict[str, dict[str, Any]]) -> dict[str, str]:
        """Each accepted submission once in the inbound, owned by its student, and
        collected, both byte for byte what the student wrote; {student: sha256}."""
        report, received = self.report, {}
        inbound = inbound_by_student(self.exchange / COURSE_ID / "inbound")
        for name in sorted(set(inbound) - set(self.students)):
            report.mixed[name] = "a submission from nobody in the class"
        for student in self.students:
            wrote = results[student]["sha256"]
            if results[student]["finished"] is None:
                continue  # never accepted: in report.failed
            folders = inbound.get(student, [])
            if len(folders) != 1:
                report.lost[student] = f"{len(folders)} submissions in the inbound, not 1"
                continue
            report.received += 1
            if folders[0].stat().st_uid != self.uids[student]:
                report.mixed[student] = f"{folders[0].name} is not owned by {student}"
            elif _sha256(folders[0] / ANSWERS_FILE) != wrote:
                report.mixed[student] = f"{folders[0].name}/{ANSWERS_FILE} is not theirs"
            collected = self.course / "submitted" / student / QUIZ / ANSWERS_FILE
            if not collected.exists():
                report.lost[student] = "not collected"
                continue
            report.collected += 1
            if _sha256(collected) != wrote:
                report.mixed[student] = f"collected {ANSWERS_FILE} differs from what they wrote"
            received[student] = wrote
        return received

    def check_grades(self, received: dict[str, str], failed_grading: list[str]) -> None:
        """Each collected student graded question by question as their answers earn,
        and exported with that total."""
        report = self.report
        scores = gradebook_scores(self.db_url, QUIZ)
        with open(self.course / "grades.csv", encoding="utf-8") as fh:
            exported = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh)}
        for name in sorted(set(scores) - set(self.students)):
            report.mixed[name] = "graded, but nobody in the class"
        for student in received:
            expected = expected_points(self.questions, self.answers[student])
            if student not in scores or student in failed_grading:
                report.lost[student] = "not graded"
                continue
            report.graded += 1
            if scores[student] != expected:
                report.mixed[student] = f"graded {_diff(scores[student], expected)}"
            if student not in exported:
                report.lost[student] = "not in grades.csv"
                continue
            report.exported += 1
            if abs(exported[student] - sum(expected.values())) > 1e-6:
                report.mixed[student] = (f"exported {exported[student]:g}, their answers earn "
                                         f"{sum(expected.values()):g}")


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _diff(got: dict[str, float], expected: dict[str, float]) -> str:
    wrong = [f"{q} {got.get(q)} (expected {v:g})" for q, v in expected.items()
             if got.get(q) != v]
    return "; ".join(wrong[:3]) or f"questions {sorted(got)} (expected {sorted(expected)})"


def inbound_by_student(inbound: Path) -> dict[str, list[Path]]:
    """nbgrader's inbound folders, ``student+quiz+timestamp+random``, by student."""
    found: dict[str, list[Path]] = {}
    for folder in sorted(inbound.iterdir()):
        student, _, rest = folder.name.partition("+")
        if rest.startswith(f"{QUIZ}+"):
            found.setdefault(student, []).append(folder)
    return found


def gradebook_scores(db_url: str, quiz: str) -> dict[str, dict[str, float]]:
    """{student: {question id: score}} as the gradebook holds them (grade cells test-ID)."""
    from nbgrader.api import Gradebook

    out: dict[str, dict[str, float]] = {}
    with Gradebook(db_url, COURSE_ID) as gb:
        for sub in gb.find_assignment(quiz).submissions:
            out[sub.student.id] = {g.name.removeprefix("test-"): g.score
                                   for nb in sub.notebooks for g in nb.grades}
    return out


def create_users(names: list[str], parent: Path) -> None:
    """Accounts with their own group and a home only they can enter, made in one batch.

    ``newusers`` takes the password database's lock once for all of them (``useradd`` takes
    it, and syncs the files, once per account: minutes for a class). It sets each password
    through PAM, so each gets a random one nobody knows, then locked at once (``!``).
    """
    batch = "".join(f"{n}:{secrets.token_urlsafe(24)}:::immunocourse load test:{parent / n}:"
                    "/usr/sbin/nologin\n" for n in names)
    for argv, text in ((["newusers"], batch),
                       (["chpasswd", "-e"], "".join(f"{n}:!\n" for n in names))):
        proc = subprocess.run(argv, input=text, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): "
                               f"{' '.join(proc.stderr.split())[:300]}")
    for name in names:
        home = parent / name
        if not home.is_dir():
            raise RuntimeError(f"newusers made no home {home} for {name}")
        home.chmod(0o700)


def clean(prefix: str) -> None:
    """Remove every account named PREFIX*, its processes, PostgreSQL and the work folder."""
    work = work_dir(prefix)
    data = work / "postgres" / "data"
    if (data / "postmaster.pid").exists():
        subprocess.run(["runuser", "-u", "postgres", "--", str(pg_bin() / "pg_ctl"), "-D",
                        str(data), "-m", "immediate", "-w", "stop"], capture_output=True)
    accounts.delete_users(accounts.users_with_prefix(prefix))
    shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m immunocourse.classroom.load",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=None, help="grading workers (one per core)")
    parser.add_argument("--gradebook", choices=sorted(GRADEBOOKS), default="postgresql")
    parser.add_argument("--prefix", default="icload-")
    parser.add_argument("--keep", action="store_true", help="leave accounts and files")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("the class load test creates Linux accounts: run it as root", file=sys.stderr)
        return 2
    return play("class load", args.students, args.prefix, args.jobs, args.keep, args.gradebook)


def play(name: str, students: int, prefix: str, jobs: int | None, keep: bool,
         gradebook: str) -> int:
    """Run one load and print its report; the exit status (the command and the bench)."""
    try:
        load = ClassLoad(students, prefix, jobs, keep, gradebook=gradebook)
    except ValueError as exc:
        print(f"{name}: --students {students}: {exc}", file=sys.stderr)
        return 2
    try:
        with load:
            load.run()
    except Exception as exc:  # noqa: BLE001 - one line; everything was stopped and removed
        print("\n".join(load.report.lines()))
        print(f"{name} failed: {' '.join(str(exc).split())[:500]}", file=sys.stderr)
        return 1
    print("\n".join(load.report.lines()))
    if not load.report.ok:
        print("NOT every submission received, collected and graded as expected")
        return 1
    print("every submission received, collected and graded as expected; 0 lost, 0 mixed up")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
