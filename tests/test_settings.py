"""IMMUNOCOURSE_* variables: declared once with a default, read with a check that names the
variable, listed by `python -m immunocourse settings` with secrets masked."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from immunocourse.__main__ import main as immunocourse_main
from immunocourse.settings import MASK, SETTINGS, SettingError, Settings
from tests.helpers.paths import ROOT

NAMES = {s.variable for s in SETTINGS}


def test_defaults_when_nothing_is_set() -> None:
    s = Settings(environ={})
    assert s.grade_timeout == 30
    assert s.warm_kernels is True
    assert s.exchange is None  # each config picks its own folder
    assert s.db_url is None and s.admin_token is None
    assert (s.hub_port, s.hub_api_port, s.proxy_api_port, s.grader_port) == (8000, 8081, 8001,
                                                                              9999)
    assert s.hub_ip == ""
    assert s.authenticator == "pam"
    assert s.grader_user == "grader-immunocourse"
    assert s.grader_home == Path("/home/grader-immunocourse")
    assert s.course_dir == Path("/home/grader-immunocourse/immunocourse")
    assert s.venv == Path("/opt/immunocourse/venv")


def test_values_are_parsed_and_defaults_follow_the_grader_account() -> None:
    s = Settings(environ={
        "IMMUNOCOURSE_GRADE_TIMEOUT": " 45 ", "IMMUNOCOURSE_WARM_KERNELS": "0",
        "IMMUNOCOURSE_HUB_PORT": "8443", "IMMUNOCOURSE_EXCHANGE": "/data/exchange",
        "IMMUNOCOURSE_GRADER_USER": "grader-bio101", "IMMUNOCOURSE_AUTHENTICATOR": "native",
        "IMMUNOCOURSE_DB_URL": "",  # empty counts as unset
    })
    assert s.grade_timeout == 45 and s.warm_kernels is False and s.hub_port == 8443
    assert s.exchange == Path("/data/exchange")
    assert s.authenticator == "native"
    assert s.course_dir == Path("/home/grader-bio101/immunocourse")
    assert s.db_url is None


def test_a_setting_is_read_when_it_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from immunocourse.settings import settings

    monkeypatch.setenv("IMMUNOCOURSE_GRADE_TIMEOUT", "7")
    assert settings.grade_timeout == 7
    with pytest.raises(AttributeError, match="IMMUNOCOURSE_NO_SUCH"):
        settings.no_such  # noqa: B018


@pytest.mark.parametrize("name,value,says", [
    ("GRADE_TIMEOUT", "thirty", "a whole number of seconds"),
    ("GRADE_TIMEOUT", "0", "a whole number of seconds"),
    ("HUB_PORT", "80000", "a TCP port"),
    ("WARM_KERNELS", "yes", "1 (on) or 0 (off)"),
    ("AUTHENTICATOR", "ldap", "one of pam, native, lti"),
    ("TODAY", "7 Dec 2026", "a date written YYYY-MM-DD"),
    ("TODAY", "2026-02-30", "a date written YYYY-MM-DD"),
])
def test_a_bad_value_is_one_line_naming_the_variable(name: str, value: str, says: str) -> None:
    s = Settings(environ={f"IMMUNOCOURSE_{name}": value})
    with pytest.raises(SettingError) as info:
        s.get(name)
    message = str(info.value)
    assert message.startswith(f"IMMUNOCOURSE_{name}={value!r}: must be ")
    assert says in message and "\n" not in message


def test_today_is_a_date_or_unset() -> None:
    import datetime as dt

    assert Settings(environ={}).today is None
    assert Settings(environ={"IMMUNOCOURSE_TODAY": "2026-12-07"}).today == dt.date(2026, 12, 7)


def test_the_old_exchange_name_still_works_and_the_new_one_wins() -> None:
    old = Settings(environ={"IMMUNOCOURSE_EXCHANGE_ROOT": "/srv/old"})
    assert old.exchange == Path("/srv/old")
    both = Settings(environ={"IMMUNOCOURSE_EXCHANGE_ROOT": "/srv/old",
                             "IMMUNOCOURSE_EXCHANGE": "/srv/new"})
    assert both.exchange == Path("/srv/new")
    assert "deprecated" in next(s.help for s in SETTINGS if s.name == "EXCHANGE_ROOT")


def test_printout_lists_every_variable_with_help_and_masks_secrets(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IMMUNOCOURSE_DB_URL", "postgresql://course:hunter2@db:5432/course")
    monkeypatch.setenv("IMMUNOCOURSE_ADMIN_TOKEN", "s3cr3t-token")
    monkeypatch.setenv("IMMUNOCOURSE_HUB_PORT", "8443")
    assert immunocourse_main(["settings"]) == 0
    out = capsys.readouterr().out
    assert "hunter2" not in out and "s3cr3t-token" not in out
    assert f"IMMUNOCOURSE_DB_URL = {MASK}  (set, secret)" in out
    assert f"IMMUNOCOURSE_ADMIN_TOKEN = {MASK}  (set, secret)" in out
    assert "IMMUNOCOURSE_HUB_PORT = 8443  (set)" in out
    assert "IMMUNOCOURSE_GRADE_TIMEOUT = 30  (default)" in out
    listed = re.findall(r"^(IMMUNOCOURSE_\w+) = ", out, re.M)
    assert sorted(listed) == sorted(NAMES)
    for setting in SETTINGS:  # each followed by its help
        assert f"\n    {setting.help}\n" in out + "\n"


def test_printout_shows_a_bad_value_and_exits_1(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("IMMUNOCOURSE_GRADER_PORT", "http")
    assert immunocourse_main(["settings"]) == 1
    out = capsys.readouterr().out
    assert "    error: IMMUNOCOURSE_GRADER_PORT='http': must be a TCP port" in out


def test_every_variable_the_project_reads_is_declared() -> None:
    """A new IMMUNOCOURSE_* read anywhere must be declared in settings.py, with its help."""
    files = subprocess.run(["git", "ls-files", "immunocourse", "quizzes", "deploy", "scripts",
                            "benchmarks", "book", "README.md", "Makefile", ".ci"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    used = set()
    for name in files:
        path = ROOT / name
        if path.suffix in {".py", ".md", ".sh", ".yaml", ".txt", ""} and path.is_file():
            used |= set(re.findall(r"\bIMMUNOCOURSE_[A-Z_]+[A-Z]\b", path.read_text()))
    assert used, "the scan found nothing: it looks in the wrong place"
    assert used <= NAMES, f"not declared in immunocourse/settings.py: {sorted(used - NAMES)}"


_LOADER = """
import json, os, sys
from traitlets.config.loader import PyFileConfigLoader
for line in sys.stdin:
    config, folder, env = json.loads(line)
    for name in [k for k in os.environ if k.startswith("IMMUNOCOURSE_")]:
        del os.environ[name]
    os.environ.update(env)
    try:
        c = PyFileConfigLoader(config, path=folder).load_config()
        print(json.dumps([str(c.Exchange.root), c.Execute.get("timeout")]), flush=True)
    except SystemExit as exc:
        print(json.dumps(["SystemExit", str(exc)]), flush=True)
"""


def load_configs(cases: list[tuple[str, Path, dict[str, str]]]) -> list[list]:
    """[Exchange.root, Execute.timeout] (or ["SystemExit", message]) for each (config file,
    folder, IMMUNOCOURSE_* variables), each loaded as nbgrader loads it; one process for all,
    since importing nbgrader takes seconds."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    stdin = "".join(json.dumps([c, str(f), e]) + "\n" for c, f, e in cases)
    proc = subprocess.run([sys.executable, "-c", _LOADER], input=stdin, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


@pytest.fixture
def course(tmp_path: Path) -> Path:
    course = tmp_path / "quizzes"
    course.mkdir()
    shutil.copy2(ROOT / "quizzes" / "nbgrader_config.py", course)
    return course


def test_course_config_reads_the_exchange_under_either_name_and_stops_on_a_bad_value(
        course: Path, tmp_path: Path) -> None:
    new, old = tmp_path / "new", tmp_path / "old"
    config = "nbgrader_config.py"
    assert load_configs([
        (config, course, {}),
        (config, course, {"IMMUNOCOURSE_EXCHANGE": str(new), "IMMUNOCOURSE_GRADE_TIMEOUT": "12"}),
        (config, course, {"IMMUNOCOURSE_EXCHANGE_ROOT": str(old)}),
        # nbgrader would drop a config file that raises and grade with stock settings
        (config, course, {"IMMUNOCOURSE_GRADE_TIMEOUT": "30s"}),
    ]) == [
        [str(course / "exchange"), 30],
        [str(new), 12],
        [str(old), 30],
        ["SystemExit", "nbgrader_config.py: IMMUNOCOURSE_GRADE_TIMEOUT='30s': must be a whole "
                       "number of seconds, 1 or more"],
    ]
    assert new.is_dir() and old.is_dir()  # made for the formgrader


def test_hub_configs_read_the_exchange_under_either_name() -> None:
    deploy = ROOT / "deploy" / "jupyterhub"
    cases = [(config, deploy, env) for config in ("nbgrader_config.py", "nbgrader_course.py")
             for env in ({}, {"IMMUNOCOURSE_EXCHANGE_ROOT": "/old"},
                         {"IMMUNOCOURSE_EXCHANGE": "/new", "IMMUNOCOURSE_EXCHANGE_ROOT": "/old"})]
    assert [root for root, _ in load_configs(cases)] == ["/srv/nbgrader/exchange", "/old",
                                                         "/new"] * 2
