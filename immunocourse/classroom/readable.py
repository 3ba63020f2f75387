"""Can other users read a path, and a copy of a tree that they can.

Students' servers run as the students' own accounts, so the course's code and packages
must be readable by them and every folder above must let them through. A checkout in a
home folder (mode 0700 or 0750) or in ``mktemp -d`` does not: the class demo then runs the
students' side from a copy made here.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

NOBODY = "nobody"  # an account with no rights of its own: what any student may read


class CopyError(RuntimeError):
    """A copy for the students could not be made; the message says why and what to do."""


def _blocking_folder(path: Path) -> str:
    """The first folder on the way to ``path`` that others may not enter, with its mode."""
    for folder in [*reversed(path.parents), path]:
        try:
            mode = folder.stat().st_mode
        except OSError:
            return f"{folder} is missing"
        others = stat.S_IXOTH if folder.is_dir() else stat.S_IROTH
        if not mode & others:
            return f"{folder} is mode {stat.S_IMODE(mode):04o}"
    return ""


def unreadable(paths: list[Path]) -> str:
    """'' if an unprivileged user can read every path; else why not, in a few words.

    Checked for real, as the ``nobody`` account (ACLs and mounts count); without that
    account, by the modes of every folder on the way.
    """
    try:
        pwd.getpwnam(NOBODY)
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    except KeyError:
        runuser = ""
    for path in paths:
        path = path.resolve()
        if runuser:
            test = "-x" if path.is_dir() else "-r"
            denied = subprocess.run([runuser, "-u", NOBODY, "--", "test", test, str(path)],
                                    capture_output=True).returncode != 0
        else:
            denied = bool(_blocking_folder(path))
        if denied:
            return f"{path} cannot be read by other users ({_blocking_folder(path) or 'ACL'})"
    return ""


@dataclass
class Copied:
    files: int = 0
    linked: int = 0  # hard links: world-readable files on the same filesystem
    bytes: int = 0  # copied, not linked
    seconds: float = 0.0

    def __add__(self, other: Copied) -> Copied:
        return Copied(self.files + other.files, self.linked + other.linked,
                      self.bytes + other.bytes, self.seconds + other.seconds)

    def __str__(self) -> str:
        return (f"{self.files} files in {self.seconds:.1f} s: {self.linked} hard-linked, "
                f"{self.bytes / 1e6:.1f} MB copied")


def _linkable(st: os.stat_result, dest_dev: int) -> bool:
    mode = st.st_mode
    return (st.st_dev == dest_dev and bool(mode & stat.S_IROTH)
            and not mode & (stat.S_IWOTH | stat.S_ISUID | stat.S_ISGID))


def copy_readable(src: Path, dest: Path, ignore: tuple[str, ...] = ()) -> Copied:
    """Copy the tree ``src`` to ``dest`` so that everyone can read it.

    Folders are made 0755. A file that is already world-readable (and not writable by
    others) on the same filesystem is hard-linked: fast, and the link shares the original's
    mode, which is therefore never changed. Any other file is copied and made a+r.
    Symbolic links are copied as links. Raises :class:`CopyError` (one line) when the copy
    cannot be made, e.g. for lack of space; the caller removes the half-made copy.
    """
    t0, done = time.perf_counter(), Copied()
    dest.mkdir(parents=True, exist_ok=True)
    dest_dev = dest.stat().st_dev
    plan: list[tuple[Path, Path, int, bool]] = []
    need = 0
    for folder, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d not in ignore]
        rel = Path(folder).relative_to(src)
        for name in [*dirs, *files]:
            if name in ignore:
                continue
            path = Path(folder) / name
            st = path.lstat()
            link = stat.S_ISREG(st.st_mode) and _linkable(st, dest_dev)
            if stat.S_ISREG(st.st_mode) and not link:
                need += st.st_size
            plan.append((path, dest / rel / name, st.st_mode, link))
    free = shutil.disk_usage(dest).free
    if need > free:
        raise CopyError(f"no space for a copy of {src} in {dest}: {need / 1e6:.1f} MB "
                        f"needed, {free / 1e6:.1f} MB free")
    try:
        for path, target, mode, link in plan:
            if stat.S_ISLNK(mode):
                target.symlink_to(os.readlink(path))
            elif stat.S_ISDIR(mode):
                target.mkdir(mode=0o755)
                target.chmod(0o755)  # whatever the umask
            elif link:
                os.link(path, target)
                done.linked += 1
            else:
                shutil.copy2(path, target)
                target.chmod(stat.S_IMODE(mode) & 0o755 | 0o444 | (0o111 if mode & 0o100 else 0))
                done.bytes += target.stat().st_size
            done.files += not stat.S_ISDIR(mode)
    except OSError as exc:
        raise CopyError(f"cannot copy {path} to {target}: {exc.strerror}") from None
    done.seconds = time.perf_counter() - t0
    return done
