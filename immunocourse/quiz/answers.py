"""``answers.json``: a student's answers, ``{question id: answer}``, beside the notebook.

Each answer has the bank's ``answer`` form: an option's text (single), a list of option
texts (multiple), true/false (truefalse) or a number (numeric). Writes are atomic (a temp
file in the same folder, then ``os.replace``) so a crash never leaves half a file, and a
file that cannot be read is moved aside, never overwritten.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

ANSWERS_FILE = "answers.json"


class AnswersError(ValueError):
    """answers.json exists but is not a JSON object; the message is one line."""


def read_answers(path: str | Path) -> dict[str, Any]:
    """The saved answers; ``{}`` when the file does not exist.

    Raises ``AnswersError`` (one line, naming the file and the place) when it cannot be read.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersError(f"{path}: cannot be read: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnswersError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno})"
        ) from None
    if not isinstance(data, dict):
        raise AnswersError(f"{path}: must hold a JSON object {{question id: answer}}, "
                           f"not a {type(data).__name__}")
    return data


def write_answers(path: str | Path, answers: dict[str, Any]) -> None:
    """Write atomically: readers see the old file or the new one, never a mix."""
    path = Path(path)
    text = json.dumps(answers, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes 0600 files; give the usual permissions so collection tools can read it
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def move_aside(path: str | Path, reason: str) -> Path:
    """Rename an unreadable answers file to ``answers.json.bak-<timestamp>`` and warn."""
    path = Path(path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    backup = path.with_name(f"{path.name}.bak-{stamp}")
    os.replace(path, backup)
    warnings.warn(
        f"{reason}; it was kept as {backup.name} and a fresh {path.name} is started",
        stacklevel=3,
    )
    return backup


def to_json_form(kind: str, value: Any) -> Any:
    """A widget value in the bank's answer form (tuples become lists for JSON)."""
    if kind == "multiple":
        return list(value)
    if kind == "numeric":
        return float(value)
    return value
