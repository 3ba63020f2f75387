"""One helper that renders a lesson's rows as an accessible HTML table.

HTML, not Markdown: MyST-NB renders Markdown outputs as CommonMark, which has no tables. The
lesson modules build the rows from their records; this module only escapes and wraps them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence


def _cells(tag: str, values: Iterable[str]) -> str:
    return "".join(f"<{tag}>{html.escape(v)}</{tag}>" for v in values)


def html_table(header: Sequence[str], rows: Iterable[Sequence[str]], caption: str,
               font_size: str | None = None) -> str:
    """A ``<table class="table">`` with a caption, a header row and one row per item of
    ``rows``; every header, cell and the caption are HTML-escaped. ``font_size`` (such as
    ``"0.9em"``) shrinks a wide table."""
    style = f' style="font-size: {html.escape(font_size)}"' if font_size else ""
    body = "".join(f"<tr>{_cells('td', row)}</tr>" for row in rows)
    return (f'<table class="table"{style}><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{_cells('th', header)}</tr></thead><tbody>{body}</tbody></table>")
