"""A throwaway PostgreSQL cluster for the gradebook: loopback only, its own port and socket.

The server runs as the Debian ``postgres`` account (PostgreSQL refuses to run as root).
Only the course's role can log in over TCP, with a password; the socket directory is
readable by ``postgres`` alone, so students reach the gradebook by no path.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path


def pg_bin() -> Path:
    """The newest PostgreSQL server installed by Debian's ``postgresql`` package."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL server not found: apt-get install postgresql")
    return found[-1].parent

ROLE = DATABASE = "immunocourse"


class GradebookUnavailable(RuntimeError):
    """The gradebook cannot be reached; the message is one line naming the server."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_gradebook(db_url: str) -> None:
    """Raise :class:`GradebookUnavailable` unless the gradebook answers a query."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(db_url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("select 1"))
    except sqlalchemy.exc.OperationalError as exc:
        where = engine.url.render_as_string(hide_password=True)
        reason = " ".join(str(exc.orig).split())[:200]
        raise GradebookUnavailable(f"gradebook {where} is unreachable: {reason}") from None
    finally:
        engine.dispose()


@dataclass
class Postgres:
    root: Path  # data/ and sock/ go here
    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_hex(16))

    @property
    def url(self) -> str:
        return f"postgresql://{ROLE}:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _as_postgres(self, *argv: str, stdin: str | None = None) -> None:
        proc = subprocess.run(["runuser", "-u", "postgres", "--", *argv], input=stdin,
                              capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            tail = " ".join((proc.stdout + proc.stderr).split())[-300:]
            raise RuntimeError(f"{Path(argv[0]).name} failed ({proc.returncode}): {tail}")

    def create(self) -> None:
        """initdb, start, and make the course's role and database."""
        self.root.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o700)
        (self.root / "sock").mkdir(mode=0o700, exist_ok=True)
        shutil.chown(self.root / "sock", "postgres", "postgres")
        self._as_postgres(str(pg_bin() / "initdb"), "-D", str(self.data), "-U", "postgres",
                          "--auth-local=peer", "--auth-host=scram-sha-256", "-E", "UTF8")
        self.start()
        # SQL on stdin: a password on the command line would show in everyone's `ps`
        for statement in (f"CREATE ROLE {ROLE} LOGIN PASSWORD '{self.password}';",
                          f"CREATE DATABASE {DATABASE} OWNER {ROLE};"):
            self._as_postgres("psql", "-h", str(self.root / "sock"), "-p", str(self.port),
                              "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q",
                              stdin=statement)

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root / 'sock'} -c listen_addresses=127.0.0.1 "
                   "-c max_connections=60")
        self._as_postgres(str(pg_bin() / "pg_ctl"), "-D", str(self.data), "-o", options,
                          "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._as_postgres(str(pg_bin() / "pg_ctl"), "-D", str(self.data), "-m", "fast",
                              "-w", "stop")

    def stop_at_teardown(self) -> None:
        """Stop it, warning instead of raising: a teardown must go on to remove the rest."""
        try:
            self.stop()
        except (subprocess.SubprocessError, RuntimeError) as exc:
            print(f"warning: stopping PostgreSQL: {exc}", file=sys.stderr)

    def dump(self, dest: Path) -> None:
        """``pg_dump`` of the gradebook, as the backup section of the README does it."""
        env = {**os.environ, "PGPASSWORD": self.password}  # not in the arguments (ps)
        with open(dest, "wb") as out:
            subprocess.run(["pg_dump", "--no-owner", "-h", "127.0.0.1", "-p", str(self.port),
                            "-U", ROLE, DATABASE], check=True, stdout=out, env=env,
                           timeout=120)
