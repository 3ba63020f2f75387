"""``python -m immunocourse response classify FILE.json [--criteria recist1.1|irecist]``.

Prints the classification as JSON on stdout. Any bad input (missing file, malformed
JSON, invalid case) gives exit status 2 and exactly one line on stderr naming the file
and the place, and nothing on stdout. The options are parsed by hand because argparse
prints a multi-line usage block on errors.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from immunocourse.science.response import CRITERIA, ResponseInputError, classify

USAGE = "usage: python -m immunocourse response classify FILE.json [--criteria recist1.1|irecist]"


class _BadInput(Exception):
    """One line for stderr."""


def _fail(message: str) -> int:
    print(" ".join(message.split()), file=sys.stderr)  # always a single line
    return 2


def _parse_args(argv: list[str]) -> tuple[str, str | None]:
    if not argv or argv[0] != "classify":
        got = f"unknown subcommand {argv[0]!r}" if argv else "missing subcommand"
        raise _BadInput(f"immunocourse response: {got}; {USAGE}")
    path = None
    criteria = None
    rest = argv[1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--criteria" or arg.startswith("--criteria="):
            if "=" in arg:
                value = arg.split("=", 1)[1]
            elif i + 1 < len(rest):
                i += 1
                value = rest[i]
            else:
                raise _BadInput("--criteria: missing value (use recist1.1 or irecist)")
            if value not in CRITERIA:
                raise _BadInput(
                    f"--criteria: unknown criteria {value!r} (use recist1.1 or irecist)"
                )
            criteria = value
        elif arg.startswith("-") and arg != "-":
            raise _BadInput(f"immunocourse response: unknown option {arg!r}; {USAGE}")
        elif path is None:
            path = arg
        else:
            raise _BadInput(f"immunocourse response: one FILE only, got also {arg!r}; {USAGE}")
        i += 1
    if path is None:
        raise _BadInput(f"immunocourse response: missing FILE; {USAGE}")
    return path, criteria


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    obj: dict = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate key {key!r} in an object")
        obj[key] = value
    return obj


def _load(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise _BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise _BadInput(f"{path}: is a directory, not a JSON file") from None
    except UnicodeDecodeError as exc:
        raise _BadInput(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise _BadInput(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return json.loads(
            text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        raise _BadInput(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:  # duplicate key, NaN, Infinity, a 5000-digit number
        raise _BadInput(f"{path}: invalid JSON: {exc}") from None
    except RecursionError:
        raise _BadInput(f"{path}: invalid JSON: nested too deeply") from None


def main(argv: list[str]) -> int:
    """Entry point used by ``python -m immunocourse response``; returns the exit status."""
    if argv and argv[0] in {"-h", "--help"} or argv[1:2] in (["-h"], ["--help"]):
        print(USAGE)
        print("Classifies each follow-up scan by RECIST 1.1 or iRECIST; prints JSON.")
        return 0
    try:
        path, criteria = _parse_args(argv)
        data = _load(path)
        try:
            result = classify(data, criteria)
        except ResponseInputError as exc:
            raise _BadInput(f"{path}: {exc}") from None
    except _BadInput as exc:
        return _fail(str(exc))
    try:
        print(json.dumps(result, indent=2), flush=True)
    except BrokenPipeError:  # e.g. piped into `head`: not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
