"""`make offline`: the zip a reader downloads, unzipped and opened from disk in Chromium.

The zip is made from the session's built book and the PDF tests/test_pdf.py also reads
(conftest.py builds each once), unzipped into a scratch folder and opened over ``file://``
with every request outside that folder refused and counted.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from immunocourse.book import offline
from immunocourse.book.ext.edition import PDF_NAME, ZIP_LINK_CLASS
from immunocourse.content.review import EDITION
from immunocourse.quiz import load_bank
from immunocourse.quiz.bank import BANKS_DIR
from tests.helpers.paths import ROOT

pytestmark = pytest.mark.slow
FOLDER = f"immunotherapy-course-{EDITION}"


@pytest.fixture(scope="module")
def zip_path(built_book: Path, built_pdf: Path, tmp_path_factory) -> Path:
    out_dir = tmp_path_factory.mktemp("offline")
    result = subprocess.run(
        [sys.executable, "-m", "immunocourse.book.offline", "--pdf", str(built_pdf),
         "--out-dir", str(out_dir)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return out_dir / f"immunotherapy-course-{EDITION}.zip"


@pytest.fixture(scope="module")
def unzipped(zip_path: Path, tmp_path_factory) -> Path:
    scratch = tmp_path_factory.mktemp("scratch")
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(scratch)
    assert [p.name for p in scratch.iterdir()] == [FOLDER], "unzipping gives one folder"
    return scratch / FOLDER


def test_the_zip_is_one_dated_folder_with_the_book_and_the_pdf(zip_path: Path,
                                                                built_pdf: Path):
    assert zip_path.name == offline.zip_name() == f"immunotherapy-course-{EDITION}.zip"
    assert sorted(p.name for p in zip_path.parent.iterdir()) == [zip_path.name], "no leftovers"
    assert zip_path.stat().st_mode & 0o044, "readable by others, like any download"
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert names == sorted(names), "entries in a deterministic order"
        assert all(n.startswith(f"{FOLDER}/") for n in names)
        assert f"{FOLDER}/index.html" in names and f"{FOLDER}/book/index.html" in names
        pdf = archive.read(f"{FOLDER}/downloads/{PDF_NAME}")
        assert pdf == built_pdf.read_bytes()
        leaked = [n for n in names if re.search(
            r"/(\.buildinfo|\.doctrees|__pycache__|_sources|\.jupyter_cache|"
            r"\.immunocourse-[a-z]+)(/|$)|\.(pickle|doctree|pyc)$", n)]
        assert leaked == [], leaked
        assert not any(n.endswith(".zip") for n in names), "the zip holds no zip"
        assert {i.date_time for i in archive.infolist()} == {offline.FIXED_TIME}


def test_the_same_book_gives_the_same_bytes(zip_path: Path, built_book: Path,
                                           built_pdf: Path, tmp_path: Path):
    again = offline.write_zip(built_book, built_pdf, tmp_path)
    assert again.read_bytes() == zip_path.read_bytes()


def test_a_failure_leaves_no_half_zip(tmp_path: Path):
    """A front page without its zip link (a theme change) fails after other files were
    written: nothing is left under the final name, and no temporary file either."""
    html = tmp_path / "html"
    (html / "book").mkdir(parents=True)
    (html / "index.html").write_text("<p>root</p>")
    (html / "a.html").write_text("<p>" + "x" * 100_000 + "</p>")
    (html / "book" / "index.html").write_text("<p>no link to the zip</p>")
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4")
    out = tmp_path / "out"
    with pytest.raises(ValueError, match=ZIP_LINK_CLASS):
        offline.write_zip(html, tmp_path / "c.pdf", out)
    assert list(out.iterdir()) == []


_LINK = re.compile(r"""\s(?:href|src)=["']([^"']+)["']|url=([^"'\s>]+)""")


def test_every_local_link_in_the_zip_resolves_to_a_file_in_it(unzipped: Path):
    # _static/*.html are the theme's Jinja macro files, copied along but never opened.
    pages = sorted(p for p in unzipped.rglob("*.html")
                   if p.relative_to(unzipped).parts[0] != "_static")
    assert len(pages) > 20
    dead, checked = [], 0
    for page in pages:
        for match in _LINK.finditer(page.read_text(encoding="utf-8")):
            url = match.group(1) or match.group(2)
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("#", "//")) or not parts.path:
                continue  # another site (a link, never loaded), mailto:, data:, this page
            target = (page.parent / unquote(parts.path)).resolve()
            checked += 1
            if not (target.is_file() and target.is_relative_to(unzipped)):
                dead.append(f"{page.relative_to(unzipped)} -> {url}")
    assert checked > 500
    assert dead == [], dead[:20]


# --- from disk, in Chromium ---------------------------------------------------------------------


@pytest.fixture
def disk_page(guarded_page, unzipped: Path):
    """A page that may load only files of the unzipped folder; the rest is refused and
    counted, as are console errors."""
    inside = unzipped.as_uri() + "/"
    guard = guarded_page(allow=lambda url: url.startswith(inside)
                         or url.startswith(("data:", "blob:", "about:")))
    return guard.page, guard.external, guard.console_errors


@pytest.mark.browser
def test_the_course_works_from_disk(disk_page, unzipped: Path):
    """A double-click on index.html: the front page, a lesson with its figures, an explorer,
    a quiz and search, with no server, no console error and no request outside the folder."""
    from playwright.sync_api import expect

    page, outside, errors = disk_page
    page.goto((unzipped / "index.html").as_uri())
    page.wait_for_url("**/book/index.html")
    expect(page.locator(f".{ZIP_LINK_CLASS}")).to_contain_text("you are reading it")
    expect(page.locator(".ic-edition")).to_have_text(f"Edition {EDITION}")

    # A lesson page renders, with its figures drawn, and an explorer responds.
    page.goto((unzipped / "book" / "07-measuring-response.html").as_uri())
    expect(page.locator("h1").first).to_contain_text("Measuring response")
    page.locator("div.ic-plotly-figure svg.main-svg").first.wait_for(timeout=15_000)
    slider = page.locator(".ic-figure-controls input[type=range]").first
    figure_id = slider.get_attribute("id").rsplit("-slider-", 1)[0]
    data = f"() => JSON.stringify(document.getElementById('{figure_id}').data.map(t => t.y))"
    before = page.evaluate(data)
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({data})() !== {json.dumps(before)}", timeout=10_000)

    # A quiz checks an answer (and keeps it in the browser, which works over file:// too).
    question = load_bank(BANKS_DIR / "immune-system.yml").questions[0]
    page.goto((unzipped / "book" / "02-immune-system.html").as_uri())
    fieldset = page.locator(f"fieldset[data-question-id='{question.id}']")
    fieldset.get_by_label(question.answer, exact=True).check()
    fieldset.locator("button.quiz-check").click()
    expect(fieldset.locator("[role=status]")).to_contain_text("Correct")

    # Search finds a word, and its hits open pages of the copy.
    page.goto((unzipped / "search.html").as_uri() + "?q=pseudoprogression")
    hits = page.locator("#search-results ul.search li a")
    expect(hits.first).to_be_visible(timeout=15_000)
    titles = hits.all_inner_texts()
    assert any("Measuring response" in t for t in titles), titles
    hits.first.click()
    page.wait_for_load_state()
    assert page.url.startswith(unzipped.as_uri())
    assert errors == [], errors
    assert outside == [], outside
