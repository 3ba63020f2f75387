"""Grading kernels forked from a warm process (immunocourse.grading.warm_kernels).

What the faster start must not change: each submission gets a fresh ipykernel of its own,
in its own folder and environment; a cell that never ends is interrupted and grading goes
on; nothing is left running afterwards; and nbgrader gives exactly the grades it gives with
its stock Execute step.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest
from nbclient import NotebookClient

from immunocourse.grading import kernel_env, warm_kernels
from immunocourse.grading.course import (
    course_config,
    nbgrader_env,
    new_course,
    run_nbgrader,
)
from immunocourse.grading.warm_kernels import WarmKernelManager
from immunocourse.quiz.answers import write_answers
from immunocourse.quiz.bank import load_bank
from tests.helpers.students import simulate_student

COURSE_BANKS = Path(__file__).parent / "data" / "banks" / "course"
QUIZ = "immune-system"
REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"
# The versions warm_kernels.py was written and checked against (see its docstring)
WRITTEN_FOR = {"jupyter_client": "8.10.0", "ipykernel": "7.4.0"}
# What the grading process holds on the class server and no grading kernel may see
SECRETS = {"IMMUNOCOURSE_DB_URL": "postgresql://grader:secret@db/course",
           "JUPYTERHUB_API_TOKEN": "grader-token", "JPY_API_TOKEN": "grader-token"}

PROBE = textwrap.dedent("""\
    import json, os, signal, sys
    from ipykernel.kernelapp import IPKernelApp
    print(json.dumps({
        "signals": {s.name: repr(signal.getsignal(s)) for s in signal.Signals
                    if s not in (signal.SIGKILL, signal.SIGSTOP)},
        "blocked": sorted(signal.pthread_sigmask(signal.SIG_BLOCK, [])),
        "secrets": sorted(k for k in os.environ if k.startswith("IMMUNOCOURSE_DB")
                          or k in ("JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN")),
        "parent_handle": IPKernelApp.instance().parent_handle,
        "pid": os.getpid(), "ppid": os.getppid(), "cwd": os.getcwd(),
        "mark": os.environ.get("PROBE_MARK"), "leftover": "secret" in globals(),
        "shell": type(get_ipython()).__name__, "path0": sys.path[0],
        "parent_pid_env": os.environ.get("JPY_PARENT_PID"),
    }))
    secret = 42
""")


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def _run(nb: nbformat.NotebookNode, folder: Path, **kwargs) -> nbformat.NotebookNode:
    client = NotebookClient(
        nb, timeout=kwargs.pop("timeout", 60), kernel_name="python3",
        kernel_manager_class=kwargs.pop("kernel_manager_class", WarmKernelManager),
        shutdown_kernel="immediate", resources={"metadata": {"path": str(folder)}}, **kwargs)
    return client.execute()


def _probe(folder: Path, monkeypatch, mark: str, **kwargs) -> dict:
    monkeypatch.setenv("PROBE_MARK", mark)
    nb = _run(_notebook(PROBE), folder, **kwargs)
    return json.loads(nb.cells[0].outputs[0]["text"])


def test_each_kernel_is_a_fresh_ipykernel_in_its_own_folder(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(sys.path))
    # on the hub the grader's environment holds these; no grading kernel may see them
    monkeypatch.setenv("IMMUNOCOURSE_DB_URL", "postgresql://grader:secret@db/course")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "grader-token")
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    first = _probe(a, monkeypatch, "one")
    server = warm_kernels._server
    second = _probe(b, monkeypatch, "one")
    assert server is not None and warm_kernels._server is server  # one warm server
    for probe, folder in ((first, a), (second, b)):
        # forked by the warm server, not started by this process
        assert probe["ppid"] == server.proc.pid != os.getpid()
        assert probe["parent_pid_env"] == str(server.proc.pid) == str(probe["parent_handle"])
        assert probe["cwd"] == str(folder)
        assert probe["mark"] == "one"
        assert probe["shell"] == "ZMQInteractiveShell"
        assert probe["leftover"] is False  # nothing of the previous kernel
    assert first["pid"] != second["pid"]
    # what the kernel sees is what a kernel jupyter_client starts itself sees
    from jupyter_client.manager import AsyncKernelManager

    cold = _probe(b, monkeypatch, "one", kernel_manager_class=AsyncKernelManager)
    assert cold["ppid"] == os.getpid() == cold["parent_handle"]
    for key in ("cwd", "mark", "shell", "path0", "leftover", "signals", "blocked"):
        assert second[key] == cold[key], key
    assert second["signals"]["SIGPIPE"] == repr(signal.SIG_IGN)  # as Python starts
    assert first["secrets"] == second["secrets"] == []
    assert not psutil.pid_exists(first["pid"]) or psutil.Process(first["pid"]).status() == \
        psutil.STATUS_ZOMBIE  # stopped (and reaped once jupyter_client saw it end)

    # a different environment gets a server of its own (the warm imports depend on it)
    third = _probe(b, monkeypatch, "two")
    assert third["mark"] == "two"
    assert warm_kernels._server is not server and server.proc.poll() == 0


def test_jupyter_versions_are_those_the_warm_kernels_were_written_for():
    from importlib.metadata import version

    text = REQUIREMENTS.read_text(encoding="utf-8")
    pins = {name: (m.group(1) if (m := re.search(rf"^{name}==(\S+)", text, re.M)) else None)
            for name in WRITTEN_FOR}
    installed = {name: version(name) for name in WRITTEN_FOR}
    assert installed == WRITTEN_FOR == pins, (
        f"the warm grading kernels were written for {WRITTEN_FOR}; installed: {installed}; "
        f"requirements.txt pins: {pins}. immunocourse/grading/warm_kernels.py overrides "
        "private jupyter_client methods (AsyncKernelManager._async_pre_start_kernel, "
        "KernelProvisionerBase._finalize_env) and forks ipykernel's IPKernelApp: check "
        "them against the new versions and run this file, then update WRITTEN_FOR and the pins")


def test_a_stock_kernel_started_while_nbgrader_grades_gets_no_secret(tmp_path: Path,
                                                                     monkeypatch):
    """The hook nbgrader_config.py installs covers kernels of any kernel manager, not only
    the warm ones; kernels started outside grading (the grader's own, in the formgrader's
    Lab) keep the environment they had."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning.provisioner_base import KernelProvisionerBase

    # put back jupyter_client's own method when the test ends
    monkeypatch.setattr(KernelProvisionerBase, "_finalize_env",
                        KernelProvisionerBase._finalize_env)
    kernel_env.keep_secrets_from_grading_kernels()
    kernel_env.keep_secrets_from_grading_kernels()  # the formgrader loads the config again
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(sys.path))
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    grading = _probe(tmp_path, monkeypatch, "stock", kernel_manager_class=AsyncKernelManager)
    assert grading["ppid"] == os.getpid()  # started the ordinary way
    assert grading["secrets"] == []
    assert os.environ["IMMUNOCOURSE_DB_URL"] == SECRETS["IMMUNOCOURSE_DB_URL"]  # ours kept
    monkeypatch.delenv("NBGRADER_EXECUTION")
    outside = _probe(tmp_path, monkeypatch, "stock", kernel_manager_class=AsyncKernelManager)
    assert outside["secrets"] == sorted(SECRETS)


def test_the_switch_selects_stock_execute(tmp_path: Path, monkeypatch):
    from jupyter_client.provisioning.provisioner_base import KernelProvisionerBase
    from nbgrader.converters.base import BaseConverter

    # loading the config patches these in this process: put them back afterwards
    monkeypatch.setattr(KernelProvisionerBase, "_finalize_env",
                        KernelProvisionerBase._finalize_env)
    monkeypatch.setattr(BaseConverter, "init_assignment", BaseConverter.init_assignment)
    course = new_course(tmp_path / "course", banks_dir=COURSE_BANKS, quiz_ids=[QUIZ])
    monkeypatch.delenv("IMMUNOCOURSE_WARM_KERNELS", raising=False)
    steps = list(course_config(course).Autograde.autograde_preprocessors)
    assert steps[0] == "immunocourse.grading.warm_kernels.WarmExecute"
    monkeypatch.setenv("IMMUNOCOURSE_WARM_KERNELS", "0")
    off = list(course_config(course).Autograde.autograde_preprocessors)
    assert off == ["nbgrader.preprocessors.Execute", *steps[1:]]


def test_a_cell_that_never_ends_is_interrupted_and_the_next_one_runs(tmp_path: Path):
    nb = _run(_notebook("while True:\n    pass", "print('graded on')"), tmp_path,
              timeout=3, interrupt_on_timeout=True, allow_errors=True)
    assert nb.cells[0].outputs[-1]["ename"] == "KeyboardInterrupt"
    assert nb.cells[1].outputs[0]["text"] == "graded on\n"


def test_other_kernel_commands_start_the_ordinary_way(tmp_path: Path, monkeypatch):
    assert warm_kernels._kernel_args([sys.executable, "-m", "ipykernel_launcher", "-f",
                                         "c.json"]) == ["-f", "c.json"]
    assert warm_kernels._kernel_args([sys.executable, "-m", "ipykernel", "-f", "x"]) is None
    assert warm_kernels._kernel_args(["/usr/bin/env", "-m", "ipykernel_launcher"]) is None
    # another virtualenv's python is often a link to this very binary: not ours to fork
    other = tmp_path / "other-venv" / "bin"
    other.mkdir(parents=True)
    (other / "python").symlink_to(os.path.realpath(sys.executable))
    assert warm_kernels._kernel_args([str(other / "python"), "-m", "ipykernel_launcher",
                                         "-f", "c.json"]) is None
    # a kernelspec of its own whose argv is not ipykernel_launcher: launched by Popen
    spec = tmp_path / "share" / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel", "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(sys.path))
    probe = json.loads(_run(_notebook(PROBE), tmp_path).cells[0].outputs[0]["text"])
    assert probe["ppid"] == os.getpid()


def test_a_dead_fork_server_is_replaced(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(sys.path))
    first = _probe(tmp_path, monkeypatch, "before")
    old = warm_kernels._server
    os.kill(old.proc.pid, signal.SIGKILL)
    old.proc.wait(timeout=10)
    second = _probe(tmp_path, monkeypatch, "before")
    assert second["ppid"] == warm_kernels._server.proc.pid != old.proc.pid
    assert second["pid"] != first["pid"]


def test_the_server_exits_by_itself_when_grading_ends(tmp_path: Path, monkeypatch):
    """Closing our end ends the server (no wait for a timeout, no kill), and with it any
    kernel still running; nothing a grading run started is left behind."""
    mark = uuid.uuid4().hex
    script = tmp_path / "grade.py"
    script.write_text(textwrap.dedent(f"""\
        import asyncio, json, sys
        import nbformat
        from nbclient import NotebookClient
        from immunocourse.grading import warm_kernels
        from immunocourse.grading.warm_kernels import WarmKernelManager
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os; os.getpid()")])
        nb.metadata["kernelspec"] = {{"name": "python3", "display_name": "P", "language": "python"}}
        for _ in range(2):
            NotebookClient(nb, kernel_name="python3", kernel_manager_class=WarmKernelManager,
                           resources={{"metadata": {{"path": "{tmp_path}"}}}}).execute()
        # a kernel still running when grading stops (started, never shut down)
        km = WarmKernelManager(kernel_name="python3")
        asyncio.run(km.start_kernel())
        server = warm_kernels._server
        print(json.dumps({{"server": server.proc.pid, "orphan": km.provisioner.pid}}))
        sys.stdout.flush()
        warm_kernels._stop_server()
        print(json.dumps({{"returncode": server.proc.returncode}}))
    """))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "GRADING_MARK": mark}
    proc = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    started, ended = (json.loads(line) for line in proc.stdout.splitlines()[-2:])
    assert ended["returncode"] == 0  # it left on its own when our end closed
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _marked(mark):
        time.sleep(0.1)
    assert _marked(mark) == []
    assert not psutil.pid_exists(started["orphan"])


def test_a_kernel_whose_main_thread_ends_neither_hangs_grading_nor_stays(tmp_path: Path):
    """A kernel whose main thread exits while its other threads run shows as a zombie in
    /proc but has not ended: grading must time the cell out as stock nbgrader does, then
    stop the kernel, not wait on it for ever."""
    mark = uuid.uuid4().hex
    script = tmp_path / "grade.py"
    script.write_text(textwrap.dedent(f"""\
        import nbformat
        from nbclient import NotebookClient
        from immunocourse.grading.warm_kernels import WarmKernelManager
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_code_cell("import ctypes; ctypes.CDLL(None).pthread_exit(None)")])
        nb.metadata["kernelspec"] = {{"name": "python3", "display_name": "P", "language": "python"}}
        try:
            NotebookClient(nb, kernel_name="python3", kernel_manager_class=WarmKernelManager,
                           timeout=5, shutdown_kernel="immediate",
                           resources={{"metadata": {{"path": "{tmp_path}"}}}}).execute()
        except Exception as exc:
            print("stopped:", type(exc).__name__)
    """))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "GRADING_MARK": mark}
    proc = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "stopped:" in proc.stdout  # a timeout or a dead kernel, as with stock nbgrader
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _marked(mark):
        time.sleep(0.1)
    assert _marked(mark) == []


def test_edited_course_code_gets_a_new_server(tmp_path: Path, monkeypatch):
    """A long-lived process (the formgrader) keeps its fork server between gradings; once
    the course's code changes, kernels come from a server that imported the new code."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(sys.path))
    _probe(tmp_path, monkeypatch, "code")
    old = warm_kernels._server
    _probe(tmp_path, monkeypatch, "code")
    assert warm_kernels._server is old  # nothing changed: the same warm server
    grading = Path(warm_kernels.__file__).with_name("cells.py")
    before = grading.stat()
    try:
        os.utime(grading, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
        _probe(tmp_path, monkeypatch, "code")
    finally:
        os.utime(grading, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert warm_kernels._server is not old and old.proc.poll() == 0


def _marked(mark: str) -> list[int]:
    """Processes (kernels, servers) whose environment carries ``mark``."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("GRADING_MARK") == mark and proc.status() != "zombie":
                found.append(proc.pid)
        except (psutil.Error, OSError):
            continue
    return found


@pytest.mark.slow
def test_nbgrader_grades_exactly_as_with_its_stock_execute(tmp_path: Path):
    """The same class graded three times, with the course's config, with nbgrader's own
    steps where ours only save time (Execute for WarmExecute, OverwriteCells for
    OverwriteCellsInOrder), and with the course's config and IMMUNOCOURSE_WARM_KERNELS=0:
    the same scores, and the same graded cells."""
    bank = load_bank(COURSE_BANKS / f"{QUIZ}.yml")
    right = {q.id: list(q.answer) if q.type == "multiple" else q.answer
             for q in bank.questions}
    warm = new_course(tmp_path / "warm", banks_dir=COURSE_BANKS, quiz_ids=[QUIZ])
    run_nbgrader(warm, "generate_assignment", QUIZ)
    alice = simulate_student(warm, QUIZ, "alice", right)
    given = {
        "bob": {"granulocytes": ["Neutrophils", "Dendritic cells"], "main-types-count": 5},
        "cara": {"which-cells-make-antibodies": "B-cell lymphocytes", "t-cells-destroy": "yes"},
        "dan": {},
    }
    for student, answers in given.items():
        folder = warm / "submitted" / student / QUIZ
        shutil.copytree(alice, folder)
        write_answers(folder / "answers.json", answers)
    stock, off = tmp_path / "stock", tmp_path / "off"
    shutil.copytree(warm, stock)
    shutil.copytree(warm, off)  # the course's config, warm kernels switched off
    config = stock / "nbgrader_config.py"
    text = config.read_text()
    assert '"immunocourse.grading.warm_kernels.WarmExecute"' in text
    assert '"immunocourse.grading.preprocessors.OverwriteCellsInOrder"' in text
    config.write_text(text.replace('"immunocourse.grading.warm_kernels.WarmExecute"',
                                   '"nbgrader.preprocessors.Execute"')
                      .replace('"immunocourse.grading.preprocessors.OverwriteCellsInOrder"',
                               '"nbgrader.preprocessors.OverwriteCells"'))

    grades = {}
    for name, course in (("warm", warm), ("stock", stock), ("off", off)):
        env = nbgrader_env(60)
        env.pop("IMMUNOCOURSE_WARM_KERNELS", None)
        if name == "off":
            env["IMMUNOCOURSE_WARM_KERNELS"] = "0"
        proc = subprocess.run([shutil.which("nbgrader", path=str(Path(sys.executable).parent)),
                               "autograde", QUIZ], cwd=course, env=env,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        run_nbgrader(course, "export")
        with open(course / "grades.csv", newline="", encoding="utf-8") as fh:
            grades[name] = sorted(
                ({k: v for k, v in row.items() if k != "timestamp"} for row in csv.DictReader(fh)),
                key=lambda r: r["student_id"])
        grades[name + "-cells"] = _cell_outputs(course)
    assert [r["student_id"] for r in grades["warm"]] == ["alice", "bob", "cara", "dan"]
    assert [float(r["score"]) for r in grades["warm"]] == [13.0, 1.0, 1.0, 0.0]
    assert grades["warm"] == grades["stock"] == grades["off"]
    assert grades["warm-cells"] == grades["stock-cells"] == grades["off-cells"]


def _cell_outputs(course: Path) -> dict[str, list]:
    """Each cell of each graded notebook: its source, nbgrader metadata (checksum included)
    and outputs (what the scores and the feedback are built from)."""
    out = {}
    for path in sorted((course / "autograded").glob(f"*/{QUIZ}/{QUIZ}.ipynb")):
        nb = nbformat.read(path, as_version=4)
        out[path.parts[-3]] = [
            (cell.source, cell.metadata.get("nbgrader"),
             [(o.output_type, o.get("text"), o.get("data")) for o in cell.get("outputs", [])])
            for cell in nb.cells]
    return out


# A student's solution cell in an assignment that is not a quiz: it runs when graded
SNOOP = textwrap.dedent("""\
    import json, os, psutil
    answer = 42
    print(json.dumps({"secrets": sorted(k for k in os.environ if k in %r),
                      "parent": " ".join(psutil.Process(os.getppid()).cmdline())}))
""") % sorted(SECRETS)


def _exercise(course: Path, work: str = "answer = 42") -> None:
    """An assignment that is not a quiz, released: a solution cell and a hidden test."""
    source = course / "source" / "exercise"
    source.mkdir(parents=True)
    nb = _notebook(
        f"### BEGIN SOLUTION\n{work}\n### END SOLUTION",
        "### BEGIN HIDDEN TESTS\nassert answer == 42\n### END HIDDEN TESTS")
    nb.cells[0].metadata["nbgrader"] = {"grade": False, "grade_id": "work", "locked": False,
                                        "schema_version": 3, "solution": True, "task": False}
    nb.cells[1].metadata["nbgrader"] = {"grade": True, "grade_id": "check", "locked": True,
                                        "points": 1, "schema_version": 3, "solution": False,
                                        "task": False}
    nbformat.write(nb, source / "exercise.ipynb")
    run_nbgrader(course, "generate_assignment", "exercise")


@pytest.mark.slow
def test_no_grading_kernel_sees_the_graders_secrets(tmp_path: Path):
    """nbgrader runs with the secrets in its environment (as on the class server); the
    student's cell that reads os.environ finds none of them, whether the warm kernels, the
    stock Execute named in the config, or the switch IMMUNOCOURSE_WARM_KERNELS=0 runs it."""
    course = new_course(tmp_path / "course", banks_dir=COURSE_BANKS, quiz_ids=[QUIZ])
    _exercise(course)
    released = nbformat.read(course / "release" / "exercise" / "exercise.ipynb", as_version=4)
    released.cells[0].source = SNOOP
    folder = course / "submitted" / "snoop" / "exercise"
    folder.mkdir(parents=True)
    nbformat.write(released, folder / "exercise.ipynb")
    (folder / "timestamp.txt").write_text("2026-11-26 12:00:00 UTC")
    config = course / "nbgrader_config.py"
    warm_config = config.read_text()
    # the grading process uses its gradebook URL (this course's own) and keeps it
    secrets = {**SECRETS, "IMMUNOCOURSE_DB_URL": f"sqlite:///{course.resolve()}/gradebook.db"}
    seen = {}
    for variant in ("warm", "stock", "off"):
        config.write_text(warm_config if variant != "stock" else warm_config.replace(
            '"immunocourse.grading.warm_kernels.WarmExecute"', '"nbgrader.preprocessors.Execute"'))
        env = {**nbgrader_env(60), **secrets}
        env.pop("IMMUNOCOURSE_WARM_KERNELS", None)
        if variant == "off":
            env["IMMUNOCOURSE_WARM_KERNELS"] = "0"
        proc = subprocess.run([shutil.which("nbgrader", path=str(Path(sys.executable).parent)),
                               "autograde", "exercise", "--force"], cwd=course, env=env,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        graded = nbformat.read(course / "autograded" / "snoop" / "exercise" / "exercise.ipynb",
                               as_version=4)
        seen[variant] = json.loads(graded.cells[0].outputs[0]["text"])
        assert graded.cells[1].outputs == []  # the hidden test passed: the cell really ran
        assert seen[variant]["secrets"] == [], variant
    # which executor ran: only the warm kernels are forked by the fork server
    assert "immunocourse.grading.kernel_server" in seen["warm"]["parent"]
    for variant in ("stock", "off"):
        assert "immunocourse.grading.kernel_server" not in seen[variant]["parent"], variant
        assert "nbgrader" in seen[variant]["parent"], variant


@pytest.mark.slow
def test_a_student_cannot_have_a_test_cell_skipped(tmp_path: Path):
    """nbclient skips a cell tagged ``skip-execution``, and the grading kernels one tagged
    GRADING_SKIP_TAG: in a notebook that is not a quiz a student could tag the hidden test
    cell so and never fail it. Those tags are removed from what a student hands in."""
    from immunocourse.grading.preprocessors import GRADING_SKIP_TAG

    course = new_course(tmp_path / "course", banks_dir=COURSE_BANKS, quiz_ids=[QUIZ])
    _exercise(course)
    released = nbformat.read(course / "release" / "exercise" / "exercise.ipynb", as_version=4)
    for student, answer, tags in (("honest", "42", []),
                                  ("skipper", "None", ["skip-execution", GRADING_SKIP_TAG])):
        work = nbformat.from_dict(json.loads(json.dumps(released)))
        work.cells[0].source = f"answer = {answer}"
        work.cells[1].metadata["tags"] = tags
        folder = course / "submitted" / student / "exercise"
        folder.mkdir(parents=True)
        nbformat.write(work, folder / "exercise.ipynb")
        (folder / "timestamp.txt").write_text("2026-11-26 12:00:00 UTC")
    run_nbgrader(course, "autograde", "exercise", timeout=60)
    run_nbgrader(course, "export")
    with open(course / "grades.csv", newline="", encoding="utf-8") as fh:
        scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh)
                  if r["assignment"] == "exercise"}
    assert scores == {"honest": 1.0, "skipper": 0.0}
    graded = nbformat.read(course / "autograded" / "skipper" / "exercise" / "exercise.ipynb",
                           as_version=4)
    assert graded.cells[1].outputs[0]["ename"] == "AssertionError"  # it ran, and failed
