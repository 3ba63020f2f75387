"""Many students submit at once: one process per student, forked from one that imported nbgrader.

    python -m immunocourse.classroom.swarm PLAN.json RESULTS.json   (as root; see load.py)

Starting a Python that imports nbgrader costs a second or two of CPU, so 200 of them on two
cores would spread the submissions over minutes. Here one root process imports nbgrader
once and forks a child per student. The child becomes that student (groups, gid, uid,
HOME, umask, a clean environment) before it touches a file, then runs nbgrader's own
exchange code, ``ExchangeFetchAssignment`` and ``ExchangeSubmit``: the files in the
exchange are written by the student's uid and named by nbgrader after it, as with
``nbgrader submit``. Every child fetches and saves its answers, says it is ready, and
waits; when all are ready (or the wait is over) the parent lets them all go at once.

The plan (JSON): ``exchange``, ``course_id``, ``quiz``, ``timeout`` and ``students``, a
list of ``{name, uid, gid, home, answers}``. The results (JSON): one record per student
with ``ready``, ``started``/``finished`` (``time.monotonic()``, one clock for every
process on Linux), ``sha256`` of the answers.json the student wrote, and ``error``.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import select
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from immunocourse.quiz.answers import ANSWERS_FILE, write_answers

RESULT_BYTES = 3000  # one result line stays below PIPE_BUF (4096): writes never interleave


def _exchange(cls: Any, plan: dict[str, Any], home: str) -> Any:
    """An nbgrader exchange step for the user this process runs as, as a student's
    nbgrader_config.py sets it up on the class server (course in the path, own cache)."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    cfg = Config()
    cfg.Exchange.root = plan["exchange"]
    cfg.Exchange.path_includes_course = True
    cfg.Exchange.assignment_dir = home
    cfg.Exchange.cache = os.path.join(home, ".local", "share", "jupyter", "nbgrader_cache")
    cfg.CourseDirectory.course_id = plan["course_id"]
    cfg.CourseDirectory.assignment_id = plan["quiz"]
    log = logging.getLogger("immunocourse.swarm")
    return cls(coursedir=CourseDirectory(config=cfg, log=log),
               authenticator=Authenticator(config=cfg, log=log), config=cfg, log=log)


def fetch(plan: dict[str, Any], home: str) -> None:
    from nbgrader.exchange.default import ExchangeFetchAssignment

    _exchange(ExchangeFetchAssignment, plan, home).start()


def submit(plan: dict[str, Any], home: str) -> None:
    from nbgrader.exchange.default import ExchangeSubmit

    _exchange(ExchangeSubmit, plan, home).start()


def save_answers(plan: dict[str, Any], home: str, answers: dict[str, Any]) -> str:
    """Write answers.json as the quiz widgets do; the sha256 of the bytes on disk."""
    path = Path(home, plan["course_id"], plan["quiz"], ANSWERS_FILE)
    write_answers(path, answers)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def become(student: dict[str, Any]) -> None:
    """This process is the student from here on: no way back to root."""
    os.setgroups([student["gid"]])
    os.setgid(student["gid"])
    os.setuid(student["uid"])
    os.environ.clear()
    os.environ.update(HOME=student["home"], USER=student["name"], LOGNAME=student["name"],
                      PATH="/usr/bin:/bin", LANG="C.UTF-8")
    os.umask(0o022)
    os.chdir(student["home"])


def warm_up(plan: dict[str, Any]) -> None:
    """Fetch and submit once as root in a scratch exchange, so that every module the
    children need is imported here: a child can import nothing from a checkout its
    student cannot read (a private folder)."""
    course, quiz = plan["course_id"], plan["quiz"]
    with tempfile.TemporaryDirectory(prefix="immunocourse-swarm-") as tmp:
        released = Path(plan["exchange"], course, "outbound", quiz)
        shutil.copytree(released, Path(tmp, "x", course, "outbound", quiz))
        Path(tmp, "x", course, "inbound").mkdir()
        home = Path(tmp, "home")
        home.mkdir()
        scratch = {**plan, "exchange": str(Path(tmp, "x"))}
        fetch(scratch, str(home))
        save_answers(scratch, str(home), {})
        submit(scratch, str(home))


def child(plan: dict[str, Any], student: dict[str, Any], go: int, ready: int,
          results: int) -> int:
    result: dict[str, Any] = {"student": student["name"], "ready": False, "started": None,
                              "finished": None, "sha256": None, "error": None}
    try:
        become(student)
        fetch(plan, student["home"])
        result["sha256"] = save_answers(plan, student["home"], student["answers"])
        result["ready"] = True
    except BaseException as exc:  # noqa: BLE001 - reported, the parent decides
        result["error"] = f"before submitting: {type(exc).__name__}: {exc}"
    os.write(ready, b".")
    if result["ready"]:
        os.read(go, 1)  # returns (empty) when the parent closes its end: all go at once
        result["started"] = time.monotonic()
        try:
            submit(plan, student["home"])
            result["finished"] = time.monotonic()
        except BaseException as exc:  # noqa: BLE001
            result["error"] = f"submit: {type(exc).__name__}: {exc}"
    line = json.dumps(result)
    if len(line) > RESULT_BYTES:
        result["error"] = str(result["error"])[:RESULT_BYTES - 500]
        line = json.dumps(result)
    os.write(results, (line + "\n").encode())
    return 0 if result["error"] is None else 1


def _read_until(fd: int, done: Any, deadline: float) -> bytes:
    """Read ``fd`` until ``done(data)`` or EOF or the deadline; what was read."""
    data = b""
    while not done(data) and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    return data


def run(plan: dict[str, Any]) -> dict[str, Any]:
    """Fork the students, let them submit together; their results and any lost ones."""
    students = plan["students"]
    deadline = time.monotonic() + plan["timeout"]
    warm_up(plan)
    gc.freeze()  # the children share the parent's pages instead of copying them
    go_r, go_w = os.pipe()
    ready_r, ready_w = os.pipe()
    res_r, res_w = os.pipe()
    pids: dict[int, str] = {}
    for student in students:
        pid = os.fork()
        if pid == 0:  # the child: exits here, whatever happens
            code = 1
            try:
                for fd in (go_w, ready_r, res_r):
                    os.close(fd)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                code = child(plan, student, go_r, ready_w, res_w)
            finally:
                os._exit(code)
        pids[pid] = student["name"]
    for fd in (go_r, ready_w, res_w):
        os.close(fd)
    readied = _read_until(ready_r, lambda d: len(d) >= len(students), deadline)
    os.close(go_w)  # go
    released = time.monotonic()
    # until EOF: every child holds the write end until it exits
    lines = _read_until(res_r, lambda d: False, deadline)
    killed = []
    for pid, name in pids.items():  # reap; a child still running at the deadline is killed
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if not finished:
            killed.append(name)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    for fd in (ready_r, res_r):
        os.close(fd)
    return {"results": [json.loads(line) for line in lines.decode().splitlines()],
            "ready": len(readied), "released": released, "killed": killed}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m immunocourse.classroom.swarm PLAN.json RESULTS.json",
              file=sys.stderr)
        return 2
    plan = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    out = run(plan)
    Path(argv[1]).write_text(json.dumps(out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
