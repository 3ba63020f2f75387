"""Layer 7, the book's plumbing: the strict build (:mod:`.build`), the Sphinx extension
(:mod:`.ext`), the PDF (:mod:`.pdf`) and ``make start``'s launcher (:mod:`.launcher`).

``python -m immunocourse.book`` builds the book, as ``make book`` does.
"""
