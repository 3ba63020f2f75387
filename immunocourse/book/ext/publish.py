"""The book published: where it lives, link previews, a sitemap and a 404 page.

``BOOK_BASE_URL`` (e.g. ``https://example.org/course/``) is the one setting. Unset (the
default, and ``make book``), every link stays relative and nothing below names the site:
the offline book is unchanged. Set, the build adds ``html_baseurl`` (a canonical link on
every page), ``sitemap.xml`` (sphinx-sitemap), ``robots.txt``, and absolute ``og:url`` and
``og:image`` tags.

Every page gets ``<meta name="description">`` and Open Graph tags: the description is the
``description`` field of the page's front matter, else the first sentence of its first
paragraph (skipping a lesson's frame: objectives, time, prerequisites, review date). The
link-preview image, ``_static/course-card.png``, is drawn here with numpy (no font, no
network).
The 404 page (sphinx-notfound-page) keeps the book's frame; its links start at the site's
path (``/`` without a base URL).
"""

from __future__ import annotations

import html
import os
import re
import struct
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

from immunocourse.book.ext.reviewed import REVIEWED_CLASS

ENV_VAR = "BOOK_BASE_URL"
CARD = "_static/course-card.png"
CARD_SIZE = (1200, 630)  # width, height: the size link previews expect
MAX_DESCRIPTION = 200
SITE_DESCRIPTION = ("An open course on cancer immunotherapy for non-specialists. "
                    "It is education, not medical advice.")
# A lesson's frame: these sections come before its first sentence of substance.
FRAME_SECTIONS = {"learning objectives", "estimated time", "prerequisites"}
NOT_IN_SITEMAP = ["404.html", "search.html", "genindex.html"]


def base_url(environ: os._Environ[str] | dict[str, str] = os.environ) -> str | None:
    """``BOOK_BASE_URL`` with one trailing slash, or None when unset or empty."""
    value = environ.get(ENV_VAR, "").strip()
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"{ENV_VAR} must be an http(s) address such as "
                         f"https://example.org/course/, not {value!r}")
    return value.rstrip("/") + "/"


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", text, maxsplit=1)[0]
    if len(sentence) > MAX_DESCRIPTION:  # cut at a word, with an ellipsis
        sentence = sentence[: MAX_DESCRIPTION - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return sentence


def _front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8") if path.suffix == ".md" else ""
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    data = yaml.safe_load(match.group(1)) if match else None
    return data if isinstance(data, dict) else {}


def page_description(app: Sphinx, pagename: str, doctree: nodes.document | None) -> str:
    """The page's front-matter ``description``, else its first sentence, else the site's."""
    if doctree is not None and pagename in app.env.all_docs:
        field = _front_matter(Path(app.env.doc2path(pagename))).get("description")
        if isinstance(field, str) and field.strip():
            return _first_sentence(field)
        for para in doctree.findall(nodes.paragraph):
            section = next((p for p in _ancestors(para) if isinstance(p, nodes.section)), None)
            title = section[0].astext().strip().lower() if section is not None else ""
            if (title in FRAME_SECTIONS or REVIEWED_CLASS in para["classes"]
                    or _in_admonition(para)):
                continue
            text = para.astext().strip()
            if text:
                return _first_sentence(text)
    return SITE_DESCRIPTION


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


def _in_admonition(node: nodes.Node) -> bool:
    return any(isinstance(p, (nodes.Admonition, nodes.field_list, nodes.definition_list,
                              nodes.list_item)) for p in _ancestors(node))


def _meta(attribute: str, key: str, value: str) -> str:
    return f'<meta {attribute}="{key}" content="{html.escape(value, quote=True)}" />\n'


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                  doctree: nodes.document | None) -> None:
    if app.builder.name != "html":
        return
    description = page_description(app, pagename, doctree)
    title = re.sub(r"<[^>]+>", "", context.get("title") or app.config.project)
    tags = [_meta("name", "description", description),
            _meta("property", "og:title", html.unescape(title)),
            _meta("property", "og:description", description),
            _meta("property", "og:type", "website"),
            _meta("property", "og:site_name", app.config.project)]
    base = base_url()
    if base is not None:  # absolute addresses only when the site has one
        tags += [_meta("property", "og:url", base + app.builder.get_target_uri(pagename)),
                 _meta("property", "og:image", base + CARD),
                 _meta("property", "og:image:width", str(CARD_SIZE[0])),
                 _meta("property", "og:image:height", str(CARD_SIZE[1])),
                 _meta("property", "og:image:alt", app.config.project)]
    context["metatags"] = context.get("metatags", "") + "".join(tags)


def _toctree_never_none(app: Sphinx, pagename: str, templatename: str,
                        context: dict[str, Any], doctree: nodes.document | None) -> None:
    """sphinx-notfound-page's toctree() gives None for a book without one (Sphinx's own
    gives ""), which the theme cannot parse: the 404 page gets "" too."""
    toctree = context.get("toctree")
    if pagename == app.config.notfound_pagename and callable(toctree):
        context["toctree"] = lambda *args, **kwargs: toctree(*args, **kwargs) or ""


def course_card(size: tuple[int, int] = CARD_SIZE) -> bytes:
    """The link-preview image as PNG bytes: a T cell meeting a tumour cell, with antibodies.

    Okabe-Ito colours on white, drawn at 2x and averaged down for smooth edges.
    """
    width, height = size
    scale = 2
    y, x = np.mgrid[0:height * scale, 0:width * scale] / scale
    img = np.ones((height * scale, width * scale, 3))

    def paint(mask: np.ndarray, hex_colour: str) -> None:
        img[mask] = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]

    def disc(cx: float, cy: float, r: float) -> np.ndarray:
        return (x - cx) ** 2 + (y - cy) ** 2 <= r ** 2

    def bar(x0: float, y0: float, x1: float, y1: float, half: float) -> np.ndarray:
        dx, dy = x1 - x0, y1 - y0
        t = np.clip(((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy), 0, 1)
        return (x - x0 - t * dx) ** 2 + (y - y0 - t * dy) ** 2 <= half ** 2

    paint(y > height - 90, "#0072B2")  # a blue band along the bottom
    paint(disc(420, 290, 170), "#009E73")  # the T cell
    paint(disc(420, 290, 70), "#E6F5EF")  # its nucleus
    paint(disc(820, 300, 190), "#E69F00")  # the tumour cell
    paint(disc(860, 260, 60), "#FBE9C7")
    for cx, cy in ((700, 120), (980, 470), (1010, 130)):  # Y-shaped antibodies
        for x1, y1 in ((cx - 30, cy - 40), (cx + 30, cy - 40), (cx, cy + 45)):
            paint(bar(cx, cy, x1, y1, 9), "#CC79A7")
    small = img.reshape(height, scale, width, scale, 3).mean(axis=(1, 3))
    rows = (small * 255).round().astype(np.uint8)
    raw = b"".join(b"\0" + row.tobytes() for row in rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    out = Path(app.outdir)
    (out / CARD).parent.mkdir(parents=True, exist_ok=True)
    (out / CARD).write_bytes(course_card())
    base = base_url()
    if base is None:  # a build for a site may have left them: the offline book has none
        for name in ("robots.txt", "sitemap.xml"):
            (out / name).unlink(missing_ok=True)
    else:
        (out / "robots.txt").write_text(
            f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n", encoding="utf-8")


def _config_inited(app: Sphinx, config: Config) -> None:
    base = base_url()
    prefix = urlparse(base).path if base else "/"
    config.notfound_urls_prefix = prefix
    config.notfound_context = {
        "title": "Page not found",
        "body": (
            "<h1>Page not found</h1>\n<p>There is no page at this address. It may have "
            "moved, or the address may have a typing mistake.</p>\n<ul>\n"
            f'<li><a href="{prefix}book/index.html">Go to the course contents</a></li>\n'
            f'<li><a href="{prefix}search.html">Search the course</a></li>\n</ul>\n'
        ),
    }
    if base is not None:
        config.html_baseurl = base
        config.sitemap_url_scheme = "{link}"  # no language or version segment
        config.sitemap_excludes = NOT_IN_SITEMAP


def setup(app: Sphinx) -> None:
    app.setup_extension("notfound.extension")
    if base_url() is not None:
        app.setup_extension("sphinx_sitemap")
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    # after sphinx-notfound-page sets the 404 page's toctree (400), before the theme reads it
    app.connect("html-page-context", _toctree_never_none, priority=450)
    app.connect("build-finished", _build_finished)
