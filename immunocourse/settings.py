"""Every ``IMMUNOCOURSE_*`` environment variable: its default, its type and what it does.

    python -m immunocourse settings     (each one with its help and current value)

Code reads ``settings.grade_timeout``, ``settings.exchange``, ... (the name without the
prefix, in lower case). Each read looks at the environment then, so a variable set by a
caller or a test is seen; a value the setting cannot take raises :class:`SettingError`,
one line that names the variable. An empty variable counts as unset.

Standard library only: nbgrader's and JupyterHub's config files import this module.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import string
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PREFIX = "IMMUNOCOURSE_"
HUB_EXCHANGE = Path("/srv/nbgrader/exchange")  # the exchange's folder on a class server
MASK = "********"


class SettingError(ValueError):
    """A variable set to a value its setting cannot take; the message names the variable."""


def _whole(low: int, high: int | None, must: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise ValueError(f"must be {must}")
        return value
    return parse


def _choice(*options: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return text
    return parse


def _flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError("must be 1 (on) or 0 (off)")
    return text == "1"


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError("must be a date written YYYY-MM-DD, such as 2026-12-07") from None


_seconds = _whole(1, None, "a whole number of seconds, 1 or more")
_port = _whole(1, 65535, "a TCP port, a whole number from 1 to 65535")


@dataclass(frozen=True)
class Setting:
    """One variable: ``IMMUNOCOURSE_<name>``."""

    name: str
    parse: Callable[[str], Any]
    default: str | None  # as the variable would be written; may name others: {GRADER_USER}
    help: str
    secret: bool = False
    fallback: str | None = None  # an older name, read when this one is unset

    @property
    def variable(self) -> str:
        return PREFIX + self.name


SETTINGS: tuple[Setting, ...] = (
    Setting("GRADE_TIMEOUT", _seconds, "30",
            "seconds one grading cell may run before it is interrupted"),
    Setting("WARM_KERNELS", _flag, "1",
            "1 (default) forks grading kernels from a warm process; 0 uses nbgrader's stock "
            "Execute"),
    Setting("EXCHANGE", Path, None,
            "nbgrader's exchange folder (release, submit, collect, feedback); unset: the "
            f"course folder's exchange/ on one machine, {HUB_EXCHANGE} on a class server",
            fallback="EXCHANGE_ROOT"),
    Setting("EXCHANGE_ROOT", Path, None,
            "deprecated: the class server's old name for IMMUNOCOURSE_EXCHANGE, read only "
            "when that is unset"),
    Setting("DB_URL", str, None,
            "the PostgreSQL gradebook, postgresql://USER:PASSWORD@HOST:PORT/DB; unset: the "
            "course folder's gradebook.db (SQLite)", secret=True),
    Setting("ADMIN_TOKEN", str, None,
            "API token of the hub's admin service for scripted setup (the class demo); "
            "unset: no such service", secret=True),
    Setting("ROSTER", Path, "/etc/immunocourse",
            "folder of students.txt and instructors.txt, one hub user name a line"),
    Setting("GRADER_USER", str, "grader-immunocourse",
            "the account that runs the formgrader service and owns the course folder"),
    Setting("GRADER_HOME", Path, "/home/{GRADER_USER}", "the grader account's home folder"),
    Setting("COURSE_DIR", Path, "/home/{GRADER_USER}/immunocourse",
            "the grader's course folder on the class server (a copy of quizzes/)"),
    Setting("GRADER_PORT", _port, "9999", "loopback port of the formgrader service"),
    Setting("HUB_IP", str, "",
            "address the hub's proxy listens on; empty: every interface (put TLS in front)"),
    Setting("HUB_PORT", _port, "8000", "port of the hub's public proxy"),
    Setting("HUB_API_PORT", _port, "8081", "loopback port of the hub's internal API"),
    Setting("PROXY_API_PORT", _port, "8001", "loopback port of the proxy's own API"),
    Setting("PROXY", _choice("hub", "own"), "hub",
            "who runs configurable-http-proxy: hub (the hub starts it) or own (its own service, "
            "CONFIGPROXY_AUTH_TOKEN set for it and the hub; it outlives a hub restart)"),
    Setting("HUB_STATE", Path, "/srv/jupyterhub",
            "the hub's own files: its database, cookie secret and pid files"),
    Setting("PREFIX", Path, "/opt/immunocourse",
            "install.sh: folder of the installed course code (course/) and venv (venv/)"),
    Setting("VENV", Path, "{PREFIX}/venv",
            "the course venv that every user's server and kernels run from"),
    Setting("UNIT_DIR", Path, "/etc/systemd/system",
            "install.sh: folder it writes jupyterhub.service to (systemd starts it only "
            "from the default)"),
    Setting("DB_NAME", str, "immunocourse",
            "install.sh: the gradebook's PostgreSQL database and role (letters, digits, _)"),
    Setting("AUTHENTICATOR", _choice("pam", "native", "lti"), "pam",
            "hub logins: pam (the server's accounts), native (students sign up, an admin "
            "approves) or lti (launched from an LMS)"),
    Setting("TODAY", _day, None,
            "the day the spaced review takes as today, YYYY-MM-DD, for tests and demos; "
            "read at every use, so a running kernel can be moved on; unset: the computer's "
            "local date"),
)


class Settings:
    """Attribute access to the declared settings, read from ``environ`` (default: the
    process environment, as it is at each read)."""

    def __init__(self, declared: tuple[Setting, ...] = SETTINGS,
                 environ: Mapping[str, str] | None = None) -> None:
        self.declared = {s.name: s for s in declared}
        self._environ = environ

    def source(self, name: str) -> tuple[str | None, str]:
        """(the text that applies, where it came from: a variable's name or "default")."""
        setting = self.declared[name]
        environ = os.environ if self._environ is None else self._environ
        for variable in (setting.variable, *([PREFIX + setting.fallback]
                                             if setting.fallback else [])):
            if environ.get(variable):
                return environ[variable], variable
        if setting.default is None:
            return None, "default"
        fields = [f for _, f, _, _ in string.Formatter().parse(setting.default) if f]
        return setting.default.format(**{f: self.get(f) for f in fields}), "default"

    def get(self, name: str) -> Any:
        """The value of ``IMMUNOCOURSE_<name>`` (None when unset with no default)."""
        text, where = self.source(name)
        if text is None:
            return None
        try:
            return self.declared[name].parse(text)
        except ValueError as exc:
            raise SettingError(f"{where}={text!r}: {exc}") from None

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_") or attr.upper() not in self.__dict__.get("declared", {}):
            raise AttributeError(f"no setting IMMUNOCOURSE_{attr.upper()}")
        return self.get(attr.upper())

    def describe(self) -> tuple[list[str], bool]:
        """The printout's lines (each variable, its current value, its help) and whether
        every value is good. Secrets show only whether they are set."""
        lines, good = [], True
        for setting in self.declared.values():
            text, where = self.source(setting.name)
            if text is None:
                shown = "(unset)"
            elif setting.secret:
                shown = MASK
            else:
                shown = text or '""'
            origin = "default" if where == "default" else (
                "set" if where == setting.variable else f"from {where}")
            lines.append(f"{setting.variable} = {shown}  ({origin}"
                         f"{', secret' if setting.secret else ''})")
            try:
                self.get(setting.name)
            except SettingError as exc:
                good = False
                lines.append(f"    error: {exc}")
            lines.append(f"    {setting.help}")
        return lines, good


settings = Settings()


def main(argv: list[str] | None = None) -> int:
    """``python -m immunocourse settings``: every variable, its help and current value."""
    parser = argparse.ArgumentParser(
        prog="python -m immunocourse settings",
        description="Print every IMMUNOCOURSE_* variable with its help and current value "
                    "(secrets masked); exit 1 if a value is bad.")
    parser.parse_args(argv)
    lines, good = settings.describe()
    print("\n".join(lines))
    if not good:
        print("settings: some values are bad (see error: lines above)", file=sys.stderr)
    return 0 if good else 1
