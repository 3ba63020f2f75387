"""`make pdf`: the whole book as one offline PDF, opened and checked as a reader would."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from immunocourse import DISCLAIMER
from immunocourse.quiz import load_bank
from immunocourse.quiz.bank import BANKS_DIR
from tests.helpers.paths import toc_pages

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _words(text: str) -> str:
    """Whitespace collapsed and ligatures (the PDF's "ﬁ") spelled out."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def pdf(built_pdf: Path) -> Path:
    # `make pdf`'s output, shared with tests/test_offline.py (conftest.py builds it once).
    assert not built_pdf.with_suffix(".part").exists()
    return built_pdf


@pytest.fixture(scope="module")
def reader(pdf: Path):
    from pypdf import PdfReader

    return PdfReader(pdf)


@pytest.fixture(scope="module")
def text(reader) -> str:
    return _words(" ".join(page.extract_text() or "" for page in reader.pages))


def test_the_pdf_holds_the_whole_book_with_an_outline(reader, built_book: Path):
    assert len(reader.pages) >= 3 * len(toc_pages())

    def titles(items) -> list[str]:
        found = []
        for item in items:
            found.extend(titles(item) if isinstance(item, list) else [item.title])
        return found

    # Chromium joins a wrapped heading's lines without a space: compare without whitespace.
    outline = [re.sub(r"\s+", "", _words(t)) for t in titles(reader.outline)]
    for page in toc_pages():
        h1 = re.search(r"<h1>([^<]*)<a class=\"headerlink\"", (built_book / page).read_text())
        title = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", h1.group(1)))
        assert title in outline, f"{title!r} missing from the PDF outline"
    assert "Answerkey" in outline


def test_internal_links_point_inside_the_pdf(reader):
    internal = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if annot.get("/Dest") is not None or (action and action.get("/S") == "/GoTo"):
                internal += 1
    assert internal >= 20, f"only {internal} internal links"


def test_figures_are_drawn(text):
    # Plotly draws axis titles as text in its SVG: they reach the PDF only if the figure drew.
    assert "Weeks since start of treatment" in text
    assert "This figure needs plotly.js" not in text


def test_disclaimer_date_and_numbered_quizzes_with_an_answer_key(text):
    assert DISCLAIMER in text
    assert re.search(r"Course content as of \d{4}-\d{2}-\d{2}", text)
    bank = load_bank(BANKS_DIR / "immune-system.yml")
    key = text[text.rindex("Answer key"):]
    first = bank.questions[0]
    assert _words(first.explanation)[:60] in key, "the answer key lacks the explanation"
    assert "Question 1" in key and "Check question" not in text


def test_a_page_renders_to_an_image(pdf: Path, tmp_path: Path):
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        bitmap = document[1].render(scale=1.0)
        pixels = bitmap.to_numpy()
    finally:
        document.close()
    assert pixels.shape[0] > 800 and pixels.shape[1] > 500
    dark = (pixels[..., :3].mean(axis=2) < 128).mean()
    assert 0.001 < dark < 0.5, f"page 2 looks blank or black ({dark:.1%} dark pixels)"
