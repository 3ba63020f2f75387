"""Layer 7, the book's plumbing: the strict build (:mod:`.build`), the Sphinx extension
(:mod:`.ext`), the PDF (:mod:`.pdf`), ``make start``'s launcher (:mod:`.launcher`) and the
readability report on the built pages (:mod:`.readability`).

``python -m immunocourse.book`` builds the book, as ``make book`` does.
"""
