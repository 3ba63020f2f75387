"""Per-lesson computations: the numbers a page quotes and the keys its quiz checks.

One module per lesson, named for it. A page and its bank (``answer_from``) import the same
function, so a figure, a sentence and a quiz key cannot disagree.
"""
