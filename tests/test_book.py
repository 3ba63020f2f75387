"""The book builds strictly, fails on what a reader would see as broken, and stays offline."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from immunocourse import DISCLAIMER
from immunocourse.book.build import build, build_command
from immunocourse.content import review
from tests.helpers.paths import ROOT, toc_pages

PAGE_HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def make_book(tmp_path: Path, page: str) -> Path:
    """A one-page book using the course's own _config.yml, so the test checks our config."""
    book = tmp_path / "book"
    (book / "book").mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", book / "_config.yml")
    shutil.copy(ROOT / "book" / "references.bib", book / "book" / "references.bib")
    (book / "_toc.yml").write_text("format: jb-book\nroot: book/index\n")
    (book / "book" / "index.md").write_text(PAGE_HEADER + page)
    return book


def failed_build(book: Path) -> str:
    """Build strictly; the build must fail, and its log is returned to say why it did."""
    proc = subprocess.run(build_command(book), cwd=book, capture_output=True, text=True)
    assert proc.returncode != 0, "the strict build passed"
    return proc.stdout + proc.stderr


@pytest.mark.slow
def test_strict_build_fails_when_a_cell_raises(tmp_path: Path) -> None:
    book = make_book(tmp_path, "# Broken\n\n```{code-cell} ipython3\n1 / 0\n```\n")
    log = failed_build(book)
    assert "Executing notebook failed" in log and "book/index.err.log" in log
    report = book / "_build" / "html" / "reports" / "book" / "index.err.log"
    assert "ZeroDivisionError" in report.read_text()


@pytest.mark.slow
def test_strict_build_fails_when_a_lesson_page_has_no_review_date(tmp_path: Path) -> None:
    book = make_book(tmp_path, "# Welcome\n\nA valid page.\n")
    (book / "_toc.yml").write_text("format: jb-book\nroot: book/index\n"
                                   "chapters:\n- file: book/99-unreviewed\n")
    (book / "book" / "99-unreviewed.md").write_text(PAGE_HEADER + "# Not in the log\n\nText.\n")
    assert "book/99-unreviewed" not in review.LAST_REVIEWED
    assert "lesson page book/99-unreviewed has no review date" in failed_build(book)


@pytest.mark.slow
def test_strict_build_fails_on_a_broken_reference(tmp_path: Path) -> None:
    book = make_book(tmp_path, "# Broken\n\nSee {ref}`no-such-label` and {cite:p}`nobody1900`.\n")
    log = failed_build(book)
    assert "no-such-label" in log and "nobody1900" in log


@pytest.mark.slow
def test_strict_build_fails_on_a_figure_shown_without_its_offline_twin(tmp_path: Path) -> None:
    page = (
        "# Bare figure\n\n```{code-cell} ipython3\nimport plotly.graph_objects as go\n"
        "go.Figure(go.Bar(x=[1], y=[2]))\n```\n"
    )
    log = failed_build(make_book(tmp_path, page))
    assert "plotly figure without an offline HTML twin" in log


@pytest.mark.slow
def test_a_valid_page_builds(tmp_path: Path) -> None:
    page = (
        "# Fine\n\nA figure from the package, math $x^2$ and a citation "
        "{cite:p}`kuznetsov1994`.\n\n```{code-cell} ipython3\nimport plotly.graph_objects as go\n"
        "from immunocourse.figures.display import show\n"
        "show(go.Figure(go.Bar(x=[1], y=[2]), layout={'meta': {'alt': 'One bar'}}))\n```\n\n"
        "```{bibliography}\n```\n"
    )
    book = make_book(tmp_path, page)
    assert build(book) == 0
    html = (book / "_build" / "html" / "book" / "index.html").read_text()
    assert 'aria-label="One bar"' in html
    assert "application/vnd.plotly.v1+json" not in html


@pytest.mark.parametrize("page", toc_pages())
def test_every_page_carries_the_disclaimer(built_book: Path, page: str) -> None:
    text = re.sub(r"\s+", " ", (built_book / page).read_text())
    assert DISCLAIMER in text


@pytest.mark.parametrize("docname", sorted(review.LAST_REVIEWED))
def test_every_lesson_page_shows_its_review_date(built_book: Path, docname: str) -> None:
    html = (built_book / f"{docname}.html").read_text()
    stamp = re.search(r'<p class="ic-last-reviewed">(.*?)</p>', html, re.S)
    assert stamp, f"{docname}: no review date under the title"
    text = re.sub(r"<[^>]+>", "", stamp.group(1))
    date = review.human_date(review.LAST_REVIEWED[docname])
    assert text == f"Last reviewed: {date} (what changed)"
    assert 'href="changes.html"' in stamp.group(1)


def test_the_what_changed_page_lists_every_review(built_book: Path) -> None:
    raw = re.sub(r"<[^>]+>", "", (built_book / "book" / "changes.html").read_text())
    text = re.sub(r"\s+", " ", html.unescape(raw)).replace("\u2019", "'")
    for r in review.REVIEWS:
        assert f"{review.human_date(r.date)}: {r.title}" in text
        for change in r.changes:  # the words after the last page link, as a reader sees them
            words = re.split(r"\{doc\}`[^`]+`", change)[-1].strip()[-40:]
            assert words in text, f"change not on the page: {words!r}"


def test_plotly_js_is_served_from_the_book_once(built_book: Path) -> None:
    bundle = built_book / "_static" / "plotly-cartesian.min.js"
    assert bundle.stat().st_size > 1_000_000
    for page in toc_pages():
        html = (built_book / page).read_text()
        # Figures reference the shared bundle; none inlines its own copy of plotly.js.
        assert html.count("Plotly.newPlot") == html.count('class="ic-plotly-figure"')
        assert len(html) < 1_000_000, f"{page} looks like it inlines plotly.js"


EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//(?!127\.0\.0\.1|localhost)""")


@pytest.mark.parametrize("page", toc_pages())
def test_no_page_loads_scripts_or_styles_from_outside(built_book: Path, page: str) -> None:
    html = (built_book / page).read_text()
    loaded = [m for m in re.findall(r"<(?:script|link)[^>]*>", html) if EXTERNAL.search(m)]
    assert loaded == []


@pytest.mark.parametrize("module", [
    "immunocourse/content/evidence.py", "immunocourse/lessons/side_effects.py",
    "immunocourse/science/response.py", "immunocourse/figures/plots.py",
    "immunocourse/quiz/sphinx.py", "quizzes/banks/side-effects.yml",
])
def test_the_fingerprint_sees_every_layer(tmp_path: Path, module: str) -> None:
    """A page's output depends on every layer below it: a change to any of them must drop
    the cached pages (a fingerprint of immunocourse/book/ alone once served stale pages)."""
    from immunocourse.book.build import package_fingerprint

    for name in ("immunocourse", "quizzes/banks"):
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    before = package_fingerprint(tmp_path)
    with open(tmp_path / module, "a") as f:
        f.write("\n# changed\n")
    assert package_fingerprint(tmp_path) != before


def test_a_package_change_drops_both_page_caches(tmp_path: Path) -> None:
    """Pages compute with immunocourse: after it changes, every page must run and be read."""
    from immunocourse.book.build import invalidate_stale_cache, package_fingerprint

    build_dir = tmp_path / "_build"
    for cache in (".jupyter_cache", ".doctrees"):
        (build_dir / cache).mkdir(parents=True)
    (build_dir / ".immunocourse-fingerprint").write_text(package_fingerprint())
    assert invalidate_stale_cache(build_dir) is False
    assert (build_dir / ".jupyter_cache").exists() and (build_dir / ".doctrees").exists()

    (build_dir / ".immunocourse-fingerprint").write_text("an older package")
    assert invalidate_stale_cache(build_dir) is True
    assert not (build_dir / ".jupyter_cache").exists()
    assert not (build_dir / ".doctrees").exists()
