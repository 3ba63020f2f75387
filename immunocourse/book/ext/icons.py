"""The theme's 1.5 MB Font Awesome bundle is replaced by ``icons.js``, written at build time
with only the icons the built pages use (``templates/layout.html`` links it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sphinx.application import Sphinx

from immunocourse.book.ext.paths import TEMPLATES

ICONS_STATIC = "icons.js"
_FA_ICON = re.compile(  # name (quoted or bare):[width,height,[aliases],"unicode","path"]
    r'(?:"([a-z0-9-]+)"|([a-z0-9]+)):\[(\d+),(\d+),\[([^\]]*)\],"[0-9a-f]*","(M[^"]+)"\]')
_FA_CLASS = re.compile(r"\bfa-([a-z0-9-]+)")
ICONS_TEMPLATE = TEMPLATES / "icons.js"  # /*ICONS*/{} is replaced by the icon data


def _theme_icons() -> dict[str, list]:
    """Every icon in the theme's Font Awesome bundle: name (or alias) -> [width, height, path].

    The bundle defines the solid set last, so a later definition of a name wins."""
    import pydata_sphinx_theme

    bundle = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
              / "static" / "scripts" / "fontawesome.js").read_text(encoding="utf-8")
    icons: dict[str, list] = {}
    for quoted, bare, width, height, aliases, path in _FA_ICON.findall(bundle):
        icon = [int(width), int(height), path]
        for name in [quoted or bare, *re.findall(r'"([a-z0-9-]+)"', aliases)]:
            icons[name] = icon
    return icons


def icons_used(outdir: Path) -> set[str]:
    """Font Awesome names (``fa-NAME``) on the built pages and in their scripts."""
    names: set[str] = set()
    for path in [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")]:
        if path.name != ICONS_STATIC:
            names.update(_FA_CLASS.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


def _write_icons(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    available = _theme_icons()
    icons = {name: available[name] for name in sorted(icons_used(outdir)) if name in available}
    script = ICONS_TEMPLATE.read_text(encoding="utf-8").replace(
        "/*ICONS*/{}", json.dumps(icons, separators=(",", ":")))
    (outdir / "_static" / ICONS_STATIC).write_text(script, encoding="utf-8")


def setup(app: Sphinx) -> None:
    app.connect("build-finished", _write_icons)
