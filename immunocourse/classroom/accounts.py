"""Linux accounts for the class demo: create, run a command as, and remove, by name prefix."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path


def users_with_prefix(prefix: str) -> list[str]:
    """Every account whose name starts with ``prefix`` (the demo's, and only those)."""
    return sorted(p.pw_name for p in pwd.getpwall() if p.pw_name.startswith(prefix))


def create_user(name: str, home: Path) -> None:
    """An ordinary account with its own group and a home only it can enter."""
    if name not in users_with_prefix(name):
        subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--user-group",
                        "--shell", "/bin/bash", name], check=True, capture_output=True)
    home.chmod(0o700)


def pids_of(uids: set[int]) -> list[int]:
    """Processes running as any of ``uids`` (read from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid in uids:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                continue
    return pids


def orphan_pids(uids: set[int]) -> list[int]:
    """Processes still running as ``uids`` after their accounts were deleted.

    A uid that now names an account again was reused by ``useradd`` (another class on this
    machine, e.g. a parallel test): its processes are that class's, not left over.
    """
    def deleted(uid: int) -> bool:
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return True
        return False

    return pids_of({uid for uid in uids if deleted(uid)})


def stop_processes(names: list[str], grace: float = 5.0) -> None:
    """SIGTERM, then SIGKILL, each process (by id) that runs as one of the demo's accounts."""
    uids = set()
    for name in names:
        try:
            uids.add(pwd.getpwnam(name).pw_uid)
        except KeyError:
            continue
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = pids_of(uids)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while pids_of(uids) and time.monotonic() < deadline:
            time.sleep(0.1)


def delete_users(names: list[str]) -> None:
    """Stop their processes, then remove the accounts, their groups and homes."""
    stop_processes(names)
    for name in names:
        subprocess.run(["userdel", "--remove", "--force", name], capture_output=True)


def run_as(user: str, argv: list[str], env: dict[str, str], cwd: Path,
           check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run as ``user`` in ``cwd`` with exactly ``env``; on failure raise with the last lines.

    The environment goes through the process's environment, never its command line: a
    token or password in the arguments would be visible to every user in ``ps``, while
    /proc/PID/environ is readable only by the process's owner (and root).
    """
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"  # from root's PATH, not env's
    proc = subprocess.run([runuser, "-u", user, "--", *argv], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-15:])
        raise RuntimeError(f"{user}: {' '.join(argv)} failed ({proc.returncode}):\n{tail}")
    return proc
