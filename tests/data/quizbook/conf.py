"""A tiny book for tests/test_quiz_book.py: two quizzes on one MyST page, built strictly."""

project = "Quiz test book"
extensions = ["myst_parser", "immunocourse.quiz.sphinx"]
myst_enable_extensions = ["dollarmath"]
quiz_banks_dir = "banks"
exclude_patterns = ["_build", "banks"]
html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
# Relative to _static: a local stand-in, so the page with math makes no request to a CDN.
mathjax_path = "mathjax-stub.js"
# Without it pydata-sphinx-theme logs "Got invalid theme mode" to the console on a first visit.
html_context = {"default_mode": "auto"}
