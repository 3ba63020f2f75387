"""The package's layers: imports run one way, down the list, and the science stays plain.

    content < science < figures < lessons < quiz < grading < book < classroom < __main__

The package root (``DISCLAIMER``, ``settings``, ``aliases``) may be imported from anywhere.
Every import counts, at the top of a module or inside a function: a lazy import up the
layers is still a dependency up the layers.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "immunocourse"
LAYERS = ("content", "science", "figures", "lessons", "quiz", "grading", "book", "classroom",
          "__main__")
ROOT_MODULES = {"immunocourse", "immunocourse.aliases", "immunocourse.settings"}
PLAIN = {"content", "science"}  # no display, notebook, book or grading libraries here
FORBIDDEN_IN_PLAIN = ("plotly", "ipywidgets", "sphinx", "nbgrader", "myst_nb", "IPython")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in ``path``, relative ones resolved; ``from X import
    Y`` counts as X.Y when X.Y is a module of the package, else as X."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((node.lineno, sub if _is_module(sub) else base))
    return found


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return ((PACKAGE.parent / rel).with_suffix(".py").is_file()
            or (PACKAGE.parent / rel / "__init__.py").is_file())


def layer(module: str) -> int | None:
    """The rank of a module of the package; None for the root, which anyone may import."""
    if module in ROOT_MODULES:
        return None
    top = module.split(".")[1]
    assert top in LAYERS, f"{module}: not in a layer; add its folder to LAYERS in this test"
    return LAYERS.index(top)


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_in_a_layer() -> None:
    for path in SOURCES:
        name = module_name(path)
        if name not in ROOT_MODULES:
            layer(name)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_down_the_layers(path: Path) -> None:
    me = module_name(path)
    my_rank = layer(me)
    bad = []
    for line, target in imports(path):
        if not target.startswith("immunocourse"):
            if my_rank is not None and LAYERS[my_rank] in PLAIN and \
                    target.split(".")[0] in FORBIDDEN_IN_PLAIN:
                bad.append(f"{path.name}:{line}: {LAYERS[my_rank]}/ imports {target}")
            continue
        rank = layer(target)
        if rank is not None and (my_rank is None or rank > my_rank):
            bad.append(f"{path.name}:{line}: {me} imports {target}, a layer above it")
    assert not bad, "\n".join(bad)


def test_no_import_cycle() -> None:
    graph = {module_name(p): {t for _, t in imports(p) if t.startswith("immunocourse.")}
             for p in SOURCES}
    graph = {m: {t for t in targets if t in graph and t != m and not m.startswith(t + ".")}
             for m, targets in graph.items()}
    # a package's __init__ may import its own submodules, and a submodule its parent package
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for t in sorted(graph[m]):
            if state.get(t) == 1:
                return stack[stack.index(t):] + [t]
            if t not in state and (cycle := visit(t)):
                return cycle
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (cycle := visit(m)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


def test_science_loads_without_display_libraries() -> None:
    """What the AST cannot see: nothing the science imports pulls plotly in, transitively."""
    modules = sorted(module_name(p) for p in SOURCES if module_name(p).split(".")[1:2] in
                     (["science"], ["content"]))
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN_IN_PLAIN!r})\n"
            + "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == ""
