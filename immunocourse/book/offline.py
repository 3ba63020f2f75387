"""The offline edition: ``python -m immunocourse.book.offline`` (``make offline``).

Writes ``_build/immunotherapy-course-<edition>.zip`` from the built book (``_build/html``) and
the PDF (``_build/pdf/immunotherapy-course.pdf``). Unzipped, it is one folder,
``immunotherapy-course-<edition>/``, with ``index.html`` at its top (the book's root page,
which sends the reader to the front page): a double-click opens the course with no server and
no network. The PDF sits at ``downloads/immunotherapy-course.pdf``, where the front page links
to it; the front page's link to the zip itself becomes a note that this is the offline copy.

The zip is written to a temporary file and renamed, so a failure leaves no half zip; entries
are in sorted order with a fixed timestamp, so the same inputs give the same bytes. Sphinx's
build state (``.buildinfo``, doctrees, caches, the sources stamp) stays out.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from immunocourse.book.build import ROOT, SOURCES_STAMP, is_current
from immunocourse.book.ext.edition import DOWNLOADS, PDF_NAME, ZIP_LINK_CLASS, ZIP_NAME
from immunocourse.content.review import EDITION

STEM = "immunotherapy-course"
FRONT_PAGE = "book/index.html"
# Build state and caches that a reader never needs.
EXCLUDED_NAMES = {".buildinfo", ".doctrees", "__pycache__", ".ipynb_checkpoints", ".DS_Store",
                  SOURCES_STAMP}
# downloads: added below; _sources: the page sources; 404.html: a web server's page for a
# missing address, with site-absolute links (no server answers a folder opened from disk)
EXCLUDED_TOP = {DOWNLOADS, "_sources", "404.html"}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest date: deterministic bytes
ZIP_LINK = re.compile(rf'<span class="{ZIP_LINK_CLASS}">.*?</span>', re.S)
OFFLINE_NOTE = (f'<span class="{ZIP_LINK_CLASS}">An offline copy: you are reading it. '
                "It opens from index.html and needs no internet.</span>")


def zip_name(edition: str = EDITION) -> str:
    return f"{STEM}-{edition}.zip"


def book_files(html: Path) -> Iterator[tuple[str, Path]]:
    """(path inside the book, file) for every file a reader needs, in sorted order."""
    for path in sorted(html.rglob("*")):
        rel = path.relative_to(html)
        if (path.is_dir() or rel.parts[0] in EXCLUDED_TOP
                or any(part in EXCLUDED_NAMES for part in rel.parts)
                or path.suffix in {".pyc", ".pickle", ".doctree"}):
            continue
        yield rel.as_posix(), path


def offline_front_page(html_text: str) -> str:
    """The front page with its link to the zip replaced by a note (the zip holds no zip)."""
    new, count = ZIP_LINK.subn(OFFLINE_NOTE, html_text)
    if count != 1:
        raise ValueError(f"{FRONT_PAGE}: expected one link to the zip "
                         f'(class "{ZIP_LINK_CLASS}"), found {count}')
    return new


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def write_zip(html: Path, pdf: Path, out_dir: Path, edition: str = EDITION) -> Path:
    """Write ``out_dir/immunotherapy-course-<edition>.zip``; return its path."""
    if not (html / "index.html").is_file() or not (html / FRONT_PAGE).is_file():
        raise FileNotFoundError(f"{html}: no built book (run make book)")
    if not pdf.is_file():
        raise FileNotFoundError(f"{pdf}: no PDF (run make pdf)")
    folder = f"{STEM}-{edition}"
    out = out_dir / zip_name(edition)
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out_dir)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        entries = dict(book_files(html))
        entries[f"{DOWNLOADS}/{PDF_NAME}"] = pdf
        with zipfile.ZipFile(tmp, "w") as archive:
            for name in sorted(entries):
                data = entries[name].read_bytes()
                if name == FRONT_PAGE:
                    data = offline_front_page(data.decode("utf-8")).encode("utf-8")
                _add(archive, f"{folder}/{name}", data)
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)  # mkstemp makes it private; the zip is for sharing
        tmp.replace(out)  # nothing half-written under the final name
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m immunocourse.book.offline",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html",
                        help="the built book (default _build/html)")
    parser.add_argument("--pdf", type=Path, default=ROOT / "_build" / "pdf" / PDF_NAME,
                        help=f"the PDF (default _build/pdf/{PDF_NAME})")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "_build",
                        help="where the zip goes (default _build)")
    args = parser.parse_args(argv)
    if args.html == ROOT / "_build" / "html" and not is_current(args.html):
        print("offline: _build/html is not built from the current sources (run make book)",
              file=sys.stderr)
        return 1
    try:
        out = write_zip(args.html, args.pdf, args.out_dir)
    except (FileNotFoundError, ValueError) as exc:
        print(f"offline: {exc}", file=sys.stderr)
        return 1
    print(f"offline: wrote {out} ({out.stat().st_size / 1e6:.1f} MB); "
          f"the published copy is {DOWNLOADS}/{ZIP_NAME}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
