"""deploy/jupyterhub/install.sh run for real, and the hub started the way its unit says.

tests/test_install.py installs into a scratch folder (install.sh's IMMUNOCOURSE_* path,
account, database and port overrides), checks the systemd unit it wrote, starts JupyterHub
exactly as systemd would (User, WorkingDirectory, EnvironmentFile, Environment, ExecStart)
where systemd is not running, and removes it all afterwards, database and role included.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from immunocourse.classroom import accounts
from immunocourse.classroom.hub import REPO, Hub, HubError

INSTALL_SH = REPO / "deploy" / "jupyterhub" / "install.sh"
# what systemd gives a service before its own Environment lines (systemd.exec(5))
SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class UnitError(ValueError):
    """A unit file systemd would refuse; the message names the file and the line or key."""


@dataclass(frozen=True)
class Unit:
    path: Path
    service: dict[str, list[str]]  # the [Service] section; a key may repeat (Environment)

    @classmethod
    def read(cls, path: Path) -> Unit:
        service: dict[str, list[str]] = {}
        section = ""
        for number, raw in enumerate(path.read_text().splitlines(), start=1):
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
            elif "=" not in line:
                raise UnitError(f"{path}:{number}: not KEY=VALUE: {line!r}")
            elif section == "Service":
                key, _, value = line.partition("=")
                service.setdefault(key.strip(), []).append(value.strip())
        return cls(path, service)

    def one(self, key: str) -> str:
        values = self.service.get(key, [])
        if len(values) != 1:
            raise UnitError(f"{self.path}: [Service] needs one {key}=, has {len(values)}")
        return values[0]

    @property
    def exec_start(self) -> list[str]:
        return shlex.split(self.one("ExecStart"))

    @property
    def user(self) -> str:
        return self.service.get("User", ["root"])[-1]

    def environment(self) -> dict[str, str]:
        """Environment= lines, then EnvironmentFile's, which win (as systemd reads them)."""
        env: dict[str, str] = {}
        for line in self.service.get("Environment", []):
            for word in shlex.split(line):
                key, _, value = word.partition("=")
                env[key] = value
        for name in self.service.get("EnvironmentFile", []):
            path = Path(name.lstrip("-"))
            if name.startswith("-") and not path.exists():
                continue  # "-": optional file
            for raw in path.read_text().splitlines():
                line = raw.strip()
                if line and line[0] not in "#;" and "=" in line:
                    key, _, value = line.partition("=")
                    env[key.strip()] = value.strip().strip("'\"")
        return env

    def problems(self) -> list[str]:
        """What would keep systemd from starting it, checked without systemd."""
        found = []
        try:
            binary = Path(self.exec_start[0])
            if not (binary.is_file() and os.access(binary, os.X_OK)):
                found.append(f"{self.path}: ExecStart={binary}: not an executable file")
            for name in self.service.get("EnvironmentFile", []):
                if not name.startswith("-") and not Path(name).is_file():
                    found.append(f"{self.path}: EnvironmentFile={name}: no such file")
            workdir = Path(self.one("WorkingDirectory"))
            if not workdir.is_dir():
                found.append(f"{self.path}: WorkingDirectory={workdir}: no such folder")
        except UnitError as exc:
            found.append(str(exc))
        try:
            pwd.getpwnam(self.user)
        except KeyError:
            found.append(f"{self.path}: User={self.user}: no such account")
        return found


def verify(path: Path) -> list[str]:
    """Problems with a unit: our own checks, then ``systemd-analyze verify`` if installed."""
    try:
        found = Unit.read(path).problems()
    except UnitError as exc:
        return [str(exc)]
    analyze = shutil.which("systemd-analyze")
    if analyze:
        proc = subprocess.run([analyze, "verify", str(path)], capture_output=True, text=True,
                              timeout=60)
        if proc.returncode != 0:
            found += [f"systemd-analyze verify: {line}" for line in
                      (proc.stdout + proc.stderr).splitlines() if line.strip()]
    return found


def start_as_unit(unit: Unit, log: Path, extra_env: dict[str, str],
                  timeout: float = 120) -> Hub:
    """Start the unit's ExecStart as systemd would, plus ``extra_env`` (the admin token the
    test drives the hub with), in its own process group; wait until the hub's API answers."""
    account = pwd.getpwnam(unit.user)
    env = {"PATH": SYSTEMD_PATH, "LANG": "C.UTF-8", "HOME": account.pw_dir,
           "USER": account.pw_name, "LOGNAME": account.pw_name, "SHELL": account.pw_shell,
           **unit.environment(), **extra_env}
    argv = unit.exec_start
    if unit.user != "root":
        argv = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", unit.user, "--", *argv]
    with open(log, "ab") as out:
        proc = subprocess.Popen(argv, cwd=unit.one("WorkingDirectory"), env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(f"http://{env.get('IMMUNOCOURSE_HUB_IP') or '127.0.0.1'}:"
              f"{env.get('IMMUNOCOURSE_HUB_PORT', '8000')}",
              env.get("IMMUNOCOURSE_ADMIN_TOKEN", ""), proc)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise HubError(f"JupyterHub exited ({proc.returncode}); see {log}")
        with contextlib.suppress(requests.ConnectionError):
            if requests.get(f"{hub.url}/hub/api/", timeout=2).ok:
                return hub
        time.sleep(0.5)
    hub.stop()
    raise HubError(f"JupyterHub did not answer within {timeout:.0f} s; see {log}")


def run_install(env: dict[str, str], log: Path, timeout: float = 1200) -> tuple[int, float]:
    """Run install.sh as the deploy guide says (as root, from this checkout) with ``env``
    added; its output goes to ``log``. Returns (exit code, seconds)."""
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.run([str(INSTALL_SH)], env={**os.environ, **env}, stdout=out,
                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              timeout=timeout)
    return proc.returncode, time.perf_counter() - t0


# --- the system PostgreSQL cluster install.sh uses --------------------------------------
@dataclass(frozen=True)
class Cluster:
    version: str
    port: int
    online: bool


def main_cluster() -> Cluster | None:
    """Debian's newest "main" cluster, as install.sh picks it (None: none exists)."""
    proc = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True)
    rows = [line.split() for line in proc.stdout.splitlines()]
    mains = sorted((r for r in rows if len(r) > 3 and r[1] == "main"), key=lambda r: int(r[0]))
    if not mains:
        return None
    version, _, port, status = mains[-1][:4]
    return Cluster(version, int(port), status == "online")


def psql(cluster: Cluster, sql: str, *, check: bool = True) -> str:
    """Run ``sql`` as the postgres superuser; return its unaligned output."""
    proc = subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-X", "-At", "-q",
                           "-v", "ON_ERROR_STOP=1", "-p", str(cluster.port)], input=sql,
                          capture_output=True, text=True, cwd="/", timeout=60)
    if check and proc.returncode != 0:
        raise RuntimeError(f"psql: {' '.join(proc.stderr.split())[:300]}")
    return proc.stdout


def drop_database(cluster: Cluster, name: str) -> None:
    """Drop the gradebook's database (closing its connections) and its role."""
    psql(cluster, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE);\n'
                  f'DROP ROLE IF EXISTS "{name}";\n')


def stop_cluster(cluster: Cluster) -> None:
    subprocess.run(["pg_ctlcluster", cluster.version, "main", "stop", "-m", "fast"],
                   capture_output=True, timeout=120)


# --- what the test made: accounts and processes ------------------------------------------
def create_user(name: str, home: Path, tries: int = 5) -> None:
    """accounts.create_user, again when another test holds /etc/passwd's lock (exit 10)."""
    for attempt in range(tries):
        try:
            accounts.create_user(name, home)
            return
        except subprocess.CalledProcessError as exc:
            if exc.returncode != 10 or attempt == tries - 1:
                raise
            time.sleep(0.5 * (attempt + 1))  # back off: the lock is another process's


def processes_under(folder: Path) -> list[int]:
    """Processes whose command line names ``folder`` (the hub, proxy, servers, service)."""
    needle = str(folder).encode()
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            if needle in cmdline.read_bytes() and int(cmdline.parent.name) != os.getpid():
                found.append(int(cmdline.parent.name))
    return found


def kill_processes_under(folder: Path, grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL, every process started from ``folder``, by id."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in processes_under(folder):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while processes_under(folder) and time.monotonic() < deadline:
            time.sleep(0.2)
