"""``answers.json``: a student's answers, ``{question id: answer}``, beside the notebook.

Each answer has the bank's ``answer`` form: an option's text (single), a list of option
texts (multiple), true/false (truefalse) or a number (numeric). Writes are atomic (a temp
file in the same folder, then ``os.replace``) so a crash never leaves half a file, and a
file that cannot be read is moved aside, never overwritten.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

ANSWERS_FILE = "answers.json"


class AnswersError(ValueError):
    """answers.json exists but is not a JSON object; the message is one line."""


# answers.json is untrusted data at grading time: at most this many bytes are read.
MAX_ANSWERS_BYTES = 1_000_000  # "at most 1 MB"; a full quiz's answers take a few kB
MAX_DEPTH = 16  # {id: [option, ...]} is 2 deep; deeper values only feed printing recursion


def kind_refused(mode: int) -> str:
    """Why a file of this type is never read as answers ("" for a regular file)."""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISLNK(mode):
        return "is a symbolic link (links are never followed when grading)"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    return "is not a regular file"


def read_answers(path: str | Path) -> dict[str, Any]:
    """The saved answers; ``{}`` when the file does not exist.

    The file is treated as untrusted data: only a regular file is read (never through a
    symbolic link, never a FIFO, folder or device, and opening never blocks), at most
    ``MAX_ANSWERS_BYTES`` of strict UTF-8 JSON with an object at the top level.
    Raises ``AnswersError`` (one line, naming the file and the place) otherwise.
    """
    path = Path(path)
    try:
        refused = kind_refused(os.lstat(path).st_mode)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise AnswersError(f"{path}: cannot be read: {exc.strerror}") from None
    if refused:
        raise AnswersError(f"{path}: {refused}")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return {}
    except OSError as exc:  # ELOOP: replaced by a link since lstat
        raise AnswersError(f"{path}: cannot be read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())  # what was opened, not what lstat saw
        refused = kind_refused(st.st_mode)
        if refused:
            raise AnswersError(f"{path}: {refused}")
        if st.st_size > MAX_ANSWERS_BYTES:
            raise AnswersError(f"{path}: is {st.st_size:,} bytes; at most "
                               f"{MAX_ANSWERS_BYTES:,} bytes (1 MB) are read")
        raw = fh.read(MAX_ANSWERS_BYTES + 1)
    if len(raw) > MAX_ANSWERS_BYTES:  # grew after fstat
        raise AnswersError(f"{path}: is larger than {MAX_ANSWERS_BYTES:,} bytes (1 MB)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AnswersError(f"{path}: is not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnswersError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise AnswersError(f"{path}: JSON nested too deeply to be read") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise AnswersError(f"{path}: not usable JSON ({' '.join(str(exc).split())[:120]})") \
            from None
    if not isinstance(data, dict):
        raise AnswersError(f"{path}: must hold a JSON object {{question id: answer}}, "
                           f"not a {type(data).__name__}")
    if _depth(data) > MAX_DEPTH:
        raise AnswersError(f"{path}: JSON nested more than {MAX_DEPTH} levels deep")
    return data


def _depth(value: Any) -> int:
    """Nesting depth, without recursion (a deep value must not crash the reader)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


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
