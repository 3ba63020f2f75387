"""Cite and reuse: CITATION.cff, the licences, the edition date and "Last reviewed".

CITATION.cff is checked against the official Citation File Format 1.2.0 JSON schema,
vendored in tests/data from the cffconvert 2.0.0 wheel on PyPI (cffconvert/schemas/1.2.0/
schema.json; cffconvert itself needs jsonschema<4, which the course's pinned jsonschema
excludes).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from immunocourse.book.ext.edition import citation_line, load_citation
from immunocourse.book.offline import zip_name
from immunocourse.content import review
from tests.helpers.paths import ROOT, toc_pages

SCHEMA = ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json"
SCHEMA_SHA256 = "0b8d22140da702d766df318dcff3a91af2f39521298dcf36d76315fd99cc169b"


def problems(data: dict) -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(data)]


def test_the_schema_is_the_official_one():
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256
    assert json.loads(SCHEMA.read_text())["$id"] == (
        "https://citation-file-format.github.io/1.2.0/schema.json")


def test_citation_cff_is_valid():
    assert problems(load_citation()) == []


@pytest.mark.parametrize("break_it", [
    lambda d: d.pop("authors"),
    lambda d: d.update({"date-released": "7 December 2026"}),
    lambda d: d.update({"cff-version": "1.2"}),
    lambda d: d.update({"license": "CC-BY-4"}),
    lambda d: d["authors"][0].update({"nmae": "typo"}),
], ids=["no-authors", "bad-date", "bad-version", "bad-licence", "unknown-key"])
def test_the_check_rejects_a_broken_citation(break_it):
    data = copy.deepcopy(load_citation())
    break_it(data)
    assert problems(data), "the schema check let a broken CITATION.cff through"


def test_one_edition_date_everywhere(built_book: Path):
    data = load_citation()
    assert data["version"] == data["date-released"] == review.EDITION
    assert all(day <= review.EDITION for day in review.LAST_REVIEWED.values())
    assert zip_name() == f"immunotherapy-course-{review.EDITION}.zip"
    front = (built_book / "book" / "index.html").read_text(encoding="utf-8")
    assert f"Edition {review.human_date(review.EDITION)}." in front  # beside the downloads


def test_the_front_page_cites_from_citation_cff(built_book: Path):
    front = (built_book / "book" / "index.html").read_text(encoding="utf-8")
    line = re.search(r'<p class="ic-how-to-cite">(.*?)</p>', front, re.S).group(1)
    text = re.sub(r"<[^>]+>", "", line)
    assert text == f"How to cite: {citation_line(load_citation())}"
    assert "The Immunotherapy course team (2026)" in text and review.EDITION in text


def test_front_page_links_the_downloads_by_date_less_names(built_book: Path):
    front = (built_book / "book" / "index.html").read_text(encoding="utf-8")
    assert 'href="../downloads/immunotherapy-course.pdf"' in front
    assert 'href="../downloads/immunotherapy-course.zip"' in front


@pytest.mark.parametrize("page", [*toc_pages(), "search.html", "genindex.html"])
def test_every_page_shows_the_edition_and_its_review_date(built_book: Path, page: str):
    html = (built_book / page).read_text(encoding="utf-8")
    footer = html[html.index('class="bd-footer'):] if 'class="bd-footer' in html else html
    assert f'<p class="ic-edition">Edition {review.EDITION}</p>' in footer
    if page in ("search.html", "genindex.html"):
        return  # generated lists with no title of their own to date
    docname = page.removesuffix(".html")
    date = review.human_date(review.last_reviewed(docname) or review.EDITION)
    # under the page's title (the article's h1, with its # link), before the first section
    head = re.search(r'</a></h1>(.*?)(<h2|$)', html, re.S).group(1)
    stamp = re.search(r'<p class="ic-last-reviewed">Last reviewed: ([^<(]+)', head)
    assert stamp, f"{page}: no Last reviewed line under the title"
    assert stamp.group(1).startswith(date)


def test_the_licences_say_which_covers_what(built_book: Path):
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    content = (ROOT / "LICENSE-content.md").read_text()
    assert "CC BY 4.0" in content and "creativecommons.org/licenses/by/4.0/legalcode" in content
    assert "keep their sources' terms" in content
    readme = (ROOT / "README.md").read_text()
    assert "CC BY 4.0 (`LICENSE-content.md`)" in readme and "MIT licence (`LICENSE`)" in readme
    front = re.sub(r"<[^>]+>|\s+", " ", (built_book / "book" / "index.html").read_text())
    front = re.sub(r"\s+", " ", front)
    assert "words and figures are under the Creative Commons Attribution 4.0" in front
    assert "code is under the MIT licence" in front
    assert "Facts quoted from a source keep that source" in front
    assert set(load_citation()["license"]) == {"CC-BY-4.0", "MIT"}
