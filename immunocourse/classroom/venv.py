"""The course venv the class demo's users run from (on a real server: /opt/immunocourse/venv).

Made in seconds: the system Python 3.11 plus a .pth naming the course's code and the
installed packages of the project's own venv. Students' servers run as the students, so
both must be readable by them; when the checkout or the venv sits in a folder they cannot
enter (a home folder, ``mktemp -d``), the students' side runs from a readable copy under
the demo's work folder instead (:mod:`.readable`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from immunocourse.classroom.readable import Copied, CopyError, copy_readable, unreadable

# What the users' processes read from the checkout: the package, the quiz banks (and the
# course's nbgrader config), the hub's config files the services and servers load.
CODE = ("immunocourse", "quizzes", "deploy/jupyterhub")
# generated folders, skipped in the code only (nbgrader itself has an exchange/ package)
SKIP = ("__pycache__", "node_modules", "source", "release", "submitted", "autograded",
        "feedback", "exchange", "reports")
PYTHON = "/usr/bin/python3.11"


def code_for_users(source: Path, work: Path, log: Callable[[str], None]) -> Path:
    """The checkout users' processes import from: ``source`` if they can read it, else a
    copy of its CODE folders in ``work``/code (deploy/jupyterhub's node_modules linked: only
    root's proxy runs it)."""
    why = unreadable([source / "immunocourse" / "__init__.py", source / "quizzes" / "banks",
                      source / "deploy" / "jupyterhub" / "formgrader_server_config.py"])
    if not why:
        return source
    dest = work / "code"
    done = Copied()
    for part in CODE:
        done += _copy(source / part, dest / part, why, SKIP)
    (dest / "deploy" / "jupyterhub" / "node_modules").symlink_to(
        source / "deploy" / "jupyterhub" / "node_modules")
    log(f"{why}: students' processes use a copy of the course code in {dest} "
        f"({done})")
    return dest


def _copy(src: Path, dest: Path, why: str, ignore: tuple[str, ...] = ()) -> Copied:
    try:
        return copy_readable(src, dest, ignore)
    except CopyError as exc:
        raise CopyError(f"{why}, and a copy for the students failed: {exc}. Free space under "
                        f"{dest.parent}, or clone the course into a folder others can read"
                        ) from None


def make_venv(venv: Path, code: Path, work: Path, log: Callable[[str], None],
              project: Path | None = None) -> None:
    """The venv at ``venv``: system Python, a .pth to ``code`` and the packages installed in
    ``project`` (the project's venv, default: this one), console scripts with its own
    shebang, the kernelspecs and Jupyter config."""
    project = Path(project or sys.prefix)
    site = (project / "lib" / "python3.11" / "site-packages").resolve()
    share = (project / "share" / "jupyter").resolve()
    why = unreadable([site / "nbgrader" / "__init__.py", share / "kernels"])
    if why:  # the packages and kernelspecs, copied (or hard-linked) where users can read them
        dest = work / "packages"
        done = (_copy(site, dest / "site-packages", why)
                + _copy(share, dest / "share-jupyter", why))
        site, share = dest / "site-packages", dest / "share-jupyter"
        log(f"{why}: students' processes use a copy of the project venv's packages in "
            f"{dest} ({done})")
    subprocess.run([PYTHON, "-m", "venv", "--without-pip", str(venv)], check=True)
    packages = venv / "lib" / "python3.11" / "site-packages"
    (packages / "immunocourse-demo.pth").write_text(f"{code}\n{site}\n")
    # the one installed package that needs Python >= 3.11.5 (Debian 12 has 3.11.2):
    # the version pip picks on Debian 12, as deploy/jupyterhub/requirements.txt pins it
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--disable-pip-version-check", "--target", str(packages),
                    "soupsieve==2.10"], check=True, capture_output=True)
    # console scripts (nbgrader runs `alembic`, kernels run `python`) with our shebang
    python = str(venv / "bin" / "python")
    for script in (project / "bin").iterdir():
        target = venv / "bin" / script.name
        if target.exists() or not script.is_file():
            continue
        head, _, rest = script.read_bytes().partition(b"\n")
        if head.startswith(b"#!") and b"python" in head:
            target.write_bytes(f"#!{python}\n".encode() + rest)
            target.chmod(0o755)
    # kernelspecs, nbconvert templates, lab extensions: the installed ones (a link, so that
    # the chmod below never reaches the originals, nor the hard links of a copy)
    (venv / "share").mkdir(exist_ok=True)
    (venv / "share" / "jupyter").symlink_to(share)
    etc = venv / "etc" / "jupyter"
    shutil.copytree(project / "etc" / "jupyter", etc, dirs_exist_ok=True)
    shutil.copy2(code / "deploy" / "jupyterhub" / "nbgrader_config.py",
                 etc / "nbgrader_config.py")
    subprocess.run(["chmod", "-R", "a+rX", str(venv)], check=True)
