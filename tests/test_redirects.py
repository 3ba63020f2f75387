"""Addresses of the published book keep working after lessons were renamed (issue 18).

``tests/data/published-urls.txt`` lists every page and notebook download the book had before
the rename; each is still a page, or a redirect to a page of the same lesson, or a notebook.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from immunocourse.book.ext.redirects import (
    copy_renamed_notebooks,
    remove_leftovers,
    write_redirects,
)
from tests.helpers.paths import ROOT, toc_pages

PUBLISHED = [line for line in (ROOT / "tests" / "data" / "published-urls.txt").read_text()
             .splitlines() if line and not line.startswith("#")]
PAGES = [url for url in PUBLISHED if url.endswith(".html")]
NOTEBOOKS = [url for url in PUBLISHED if url.endswith(".ipynb")]
REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def redirect_target(page: Path, address: str) -> str | None:
    """Where a redirect page at ``address`` (relative to the output) sends the reader, as an
    address relative to the output; None for a real page. The refresh, the canonical link and
    the visible link must all name the same page."""
    text = page.read_text(encoding="utf-8")
    refresh = REFRESH.search(text)
    if refresh is None:
        return None
    href = refresh.group(1)
    assert f'<link rel="canonical" href="{href}">' in text
    assert f'<a href="{href}">' in text, "no visible link for browsers that ignore the refresh"
    assert re.search(r'<html lang="[a-z-]+">', text) and re.search(r"<title>.+</title>", text)
    assert "://" not in text and "src=" not in text, "a redirect loads nothing from outside"
    return posixpath.normpath(posixpath.join(posixpath.dirname(address), href))


def test_writer_makes_a_redirect_page_beside_the_old_address(tmp_path: Path) -> None:
    pages = {"book/04-types": "book/04-immunotherapy-types", "old/deep/page": "book/new",
             "book/gone": "book/not-built"}
    titles = {"book/04-immunotherapy-types": "Types & kinds", "book/new": "New"}
    written = write_redirects(tmp_path, pages, titles, lang="en")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "book/04-types.html", "old/deep/page.html"]  # no redirect to a page this build lacks
    page = tmp_path / "book" / "04-types.html"
    assert redirect_target(page, "book/04-types.html") == "book/04-immunotherapy-types.html"
    text = page.read_text()
    assert '<html lang="en">' in text and "<title>Moved: Types &amp; kinds</title>" in text
    assert ">Types &amp; kinds</a>" in text
    assert redirect_target(tmp_path / "old/deep/page.html", "old/deep/page.html") == "book/new.html"


def test_writer_copies_a_renamed_notebook_to_its_old_name(tmp_path: Path) -> None:
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "04-immunotherapy-types.ipynb").write_text('{"cells": []}')
    written = copy_renamed_notebooks(tmp_path, {"04-types.ipynb": "04-immunotherapy-types.ipynb",
                                                "05-old.ipynb": "05-not-built.ipynb"})
    assert written == [tmp_path / "notebooks" / "04-types.ipynb"]
    assert (tmp_path / "notebooks" / "04-types.ipynb").read_text() == '{"cells": []}'


def test_a_redirect_dropped_from_the_table_is_not_served_from_an_earlier_build(
        tmp_path: Path) -> None:
    earlier = {"book/04-types": "book/04-new", "book/05-old": "book/05-new"}
    write_redirects(tmp_path, earlier, {"book/04-new": "Four", "book/05-new": "Five"})
    (tmp_path / "book" / "04-new.html").write_text("<p>a real page</p>")
    (tmp_path / "book" / "05-new.html").write_text("<p>a real page</p>")
    (tmp_path / "notebooks").mkdir()
    for name in ("04-types.ipynb", "04-new.ipynb", "05-old.ipynb"):
        (tmp_path / "notebooks" / name).write_text("{}")
    now = {"book/04-types": "book/04-new"}
    gone = remove_leftovers(tmp_path, now, {"04-types.ipynb": "04-new.ipynb"}, {"04-new.ipynb"})
    assert sorted(p.relative_to(tmp_path).as_posix() for p in gone) == [
        "book/05-old.html", "notebooks/05-old.ipynb"]
    assert sorted(p.name for p in tmp_path.rglob("*.*")) == [
        "04-new.html", "04-new.ipynb", "04-types.html", "04-types.ipynb", "05-new.html"]


@pytest.mark.parametrize("address", PAGES)
def test_published_page_still_opens_its_lesson(built_book: Path, address: str) -> None:
    page = built_book / address
    assert page.is_file(), f"{address} of the published book is gone: add it to RENAMED_PAGES"
    target = redirect_target(page, address)
    if target is None:
        assert address in toc_pages()
        return
    assert target in toc_pages(), f"{address} redirects to {target}, not a page of the book"
    assert redirect_target(built_book / target, target) is None, "a redirect to a redirect"
    # the same lesson: book/04-types -> book/04-immunotherapy-types
    assert Path(target).name[:3] == Path(address).name[:3]


@pytest.mark.parametrize("address", NOTEBOOKS)
def test_published_notebook_still_downloads(built_book: Path, address: str) -> None:
    notebook = built_book / address
    assert notebook.is_file(), f"{address} is gone: add it to RENAMED_NOTEBOOKS"
    number = Path(address).name[:3]
    current = [nb.read_bytes() for nb in (ROOT / "notebooks").glob(f"{number}*.ipynb")]
    assert notebook.read_bytes() in current, f"{address} is not a notebook of its lesson today"
