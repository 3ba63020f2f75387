"""No sphinx-thebe: Jupyter Book 1 always loads it, but the book runs no kernel."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def _drop_thebe(app: Sphinx, config: Any) -> None:
    """Remove sphinx-thebe's handlers and CSS.

    sphinx-thebe adds its inline config script once per read pass, so every page declared
    ``THEBE_JS_URL`` twice (a console error) and pointed at a CDN. Disconnecting its handlers
    drops the feature at its source. Run at config-inited (late, priority 900), once every
    extension, sphinx-thebe included, has connected its handlers.
    """
    for listeners in app.events.listeners.values():
        listeners[:] = [
            listener for listener in listeners
            if getattr(listener.handler, "__module__", "") != "sphinx_thebe"
        ]
    app.registry.css_files = [
        (name, attrs) for name, attrs in app.registry.css_files if name != "sphinx-thebe.css"
    ]


def setup(app: Sphinx) -> None:
    app.connect("config-inited", _drop_thebe, priority=900)
