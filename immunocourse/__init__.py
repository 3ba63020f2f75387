"""Immunotherapy: an interactive course -- the shared package.

The book pages, the student notebooks and the quizzes all import from here, so a
number, a figure or a question is computed or written once.
"""

__version__ = "0.1.0"

DISCLAIMER = (
    "This course is for education only. It is not medical advice: "
    "talk to your care team about any decision on treatment."
)

from immunocourse import aliases as _aliases  # noqa: E402 - old dotted paths keep working

_aliases.install()
