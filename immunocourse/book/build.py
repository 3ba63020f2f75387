"""Strict build of the course book: ``python -m immunocourse.book.build [--path-output DIR]``.

Jupyter Book is run with ``-W -n --keep-going``: every Sphinx warning (a broken reference,
an unknown citation, a notebook cell that raises) is reported and then fails the build.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def build_command(
    root: Path = ROOT, path_output: Path | None = None, toc: Path | None = None,
    builder: str = "html",
) -> list[str]:
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jupyter_book), "build", str(root), "--builder", builder,
           "--warningiserror", "--nitpick", "--keep-going"]
    if path_output is not None:
        cmd += ["--path-output", str(path_output)]
    if toc is not None:
        cmd += ["--toc", str(toc)]
    return cmd


def package_fingerprint(root: Path = ROOT) -> str:
    """Hash of the code and banks that pages import: what the execution cache can't see.

    The whole package, every layer (a page imports ``lessons``, which imports ``content``,
    ``science`` and ``figures``), not only this folder.
    """
    digest = hashlib.sha256()
    package = root / "immunocourse"
    sources = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix != ".pyc"
                     and "__pycache__" not in p.parts)
    sources += sorted((root / "quizzes" / "banks").glob("*.yml"))
    for path in sources:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def invalidate_stale_cache(build_dir: Path) -> bool:
    """Drop cached pages when the package changed; return whether they were dropped.

    jupyter-cache keys a page on its own cells only, and Sphinx re-reads only pages whose
    source changed, so a page whose figure comes from ``immunocourse`` would keep a stale
    output after the package changes. Dropping both caches makes every page run again.
    """
    stamp = build_dir / ".immunocourse-fingerprint"
    fingerprint = package_fingerprint()
    stale = stamp.exists() and stamp.read_text() != fingerprint
    if stale or not stamp.exists():
        shutil.rmtree(build_dir / ".jupyter_cache", ignore_errors=True)
        shutil.rmtree(build_dir / ".doctrees", ignore_errors=True)
    build_dir.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint)
    return stale


# Everything a built page can depend on: its source, the configuration, the package it
# imports (code, CSS, JS), the question banks and the notebooks it links to.
BOOK_INPUTS = ("_config.yml", "_toc.yml", "CITATION.cff", "book", "immunocourse", "quizzes/banks",
               "notebooks")
SOURCES_STAMP = ".immunocourse-sources"  # in _build/html: the inputs the build was made from


def sources_fingerprint(root: Path = ROOT) -> str:
    """Hash of every input file's path and bytes (no mtimes: a fresh clone has new ones)."""
    digest = hashlib.sha256()
    for name in BOOK_INPUTS:
        top = root / name
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def is_current(html: Path, root: Path = ROOT) -> bool:
    """Whether ``html`` was built, warning-free, from the sources as they are now."""
    stamp = html / SOURCES_STAMP
    return stamp.is_file() and stamp.read_text() == sources_fingerprint(root)


def build(root: Path = ROOT, path_output: Path | None = None, toc: Path | None = None) -> int:
    """Build the book; return the exit status (0 only for a warning-free build)."""
    build_dir = (path_output or root) / "_build"
    invalidate_stale_cache(build_dir)
    fingerprint = sources_fingerprint(root)  # before the build: edits during it make it stale
    stamp = build_dir / "html" / SOURCES_STAMP
    stamp.unlink(missing_ok=True)
    status = subprocess.call(build_command(root, path_output, toc), cwd=root)
    if status == 0 and toc is None:
        stamp.write_text(fingerprint)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m immunocourse.book.build", description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT, help="book root (with _config.yml)")
    parser.add_argument("--path-output", type=Path, help="build into DIR/_build instead")
    parser.add_argument("--toc", type=Path, help="a table of contents other than _toc.yml")
    args = parser.parse_args(argv)
    from immunocourse.book.ext.publish import base_url

    try:  # a bad address stops here in one line, not in a Sphinx traceback mid-build
        base_url()
    except ValueError as exc:
        print(f"book: {exc}", file=sys.stderr)
        return 2
    status = build(args.root.resolve(), args.path_output, args.toc)
    if status != 0:
        print(f"book: strict build of {args.root} failed (exit {status})", file=sys.stderr)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
