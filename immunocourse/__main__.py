"""Command line: ``python -m immunocourse <command> ...``.

Each command lives in its own module exposing ``main(argv) -> int``; importing lazily
keeps ``quiz check`` fast and free of plotly/scipy start-up cost.
"""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "quiz": ("immunocourse.quiz.cli", "question banks: check, build, grade, stats, export"),
    "response": ("immunocourse.science.response_cli", "RECIST 1.1 / iRECIST: classify"),
    "settings": ("immunocourse.settings", "IMMUNOCOURSE_* variables: help, current values"),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"} or argv[0] not in COMMANDS:
        lines = ["usage: python -m immunocourse <command> ...", "", "commands:"]
        lines += [f"  {name:<10} {help_}" for name, (_, help_) in COMMANDS.items()]
        out = sys.stdout if argv and argv[0] in {"-h", "--help"} else sys.stderr
        print("\n".join(lines), file=out)
        if argv and argv[0] not in {"-h", "--help"}:
            print(f"immunocourse: unknown command {argv[0]!r}", file=sys.stderr)
        return 0 if argv and argv[0] in {"-h", "--help"} else 2
    module = importlib.import_module(COMMANDS[argv[0]][0])
    if argv[0] == "quiz" and argv[1:2] in (["grade"], ["stats"]):  # the grading layer
        from immunocourse.grading.cli import grade, stats

        return int(module.main(argv[1:], grade=grade, stats=stats) or 0)
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
