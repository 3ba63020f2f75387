"""The shared HTML table helper: what a reader sees is exactly the text of the records."""

from __future__ import annotations

from html.parser import HTMLParser

from immunocourse.figures.tables import html_table


class _Cells(HTMLParser):
    """Collects the text of the caption, header cells and body cells, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: dict[str, list[str]] = {"caption": [], "th": [], "td": []}
        self.styles: list[str | None] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.styles.append(dict(attrs).get("style"))
        if tag in self.parts:
            self._open = tag
            self.parts[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.parts[self._open][-1] += data


def test_text_with_markup_characters_reads_back_unchanged() -> None:
    header = ["Drug", "ORR <5% & 'rare'"]
    rows = [["nivolumab + ipilimumab", "57.6%"], ["<script>alert(1)</script>", 'a "b"']]
    caption = "The FDA's dates, A & B"
    cells = _Cells()
    cells.feed(html_table(header, rows, caption))
    assert cells.parts == {"caption": [caption], "th": header,
                           "td": [v for row in rows for v in row]}
    assert cells.styles == [None]


def test_font_size_is_the_only_style() -> None:
    cells = _Cells()
    cells.feed(html_table(["a"], [], "empty", font_size="0.85em"))
    assert cells.styles == ["font-size: 0.85em"] and cells.parts["td"] == []
