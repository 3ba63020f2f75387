"""Where the book extension finds its files: the repository, its static files and templates."""

from __future__ import annotations

from pathlib import Path

BOOK_PACKAGE = Path(__file__).resolve().parents[1]  # immunocourse/book
ROOT = BOOK_PACKAGE.parents[1]  # the repository: node_modules/, notebooks/
STATIC = BOOK_PACKAGE / "static"
TEMPLATES = BOOK_PACKAGE / "templates"
