"""``python -m immunocourse.book``: the strict book build (``make book``)."""

from immunocourse.book.build import main

if __name__ == "__main__":
    raise SystemExit(main())
