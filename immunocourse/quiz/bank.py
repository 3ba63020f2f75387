"""Question banks: ``quizzes/banks/<quiz-id>.yml``, loaded and validated.

A bank is a YAML mapping::

    id: immune-system                  # slug, equal to the file stem, unique across banks
    title: The immune system
    description: Markdown shown above the questions   # optional
    questions:
      - id: which-cells-make-antibodies  # slug, unique within the bank
        type: single                   # single | multiple | truefalse | numeric
        prompt: Which cells make antibodies?     # Markdown, may contain $math$
        options: [B cells, T cells, Dendritic cells, Neutrophils]  # single/multiple: >= 2, unique
        answer: B cells                # single: one option; multiple: a list of options;
                                       # truefalse: true or false; numeric: a number
        tolerance: 0.5                 # numeric only: absolute, >= 0, default 0
        explanation: Markdown text     # required
        points: 1                      # > 0, default 1
        objectives: [immune-system/parts]  # optional: the learning objectives it assesses

Optional keys beyond the contract:

* ``description`` (bank level): Markdown introduction.
* ``answer_from`` (question level, instead of ``answer``): ``"package.module:function"``,
  a zero-argument function whose return value is the answer, so a key computed by the
  package (e.g. a percent change) is written once. It is resolved when the bank loads;
  an import failure, an exception or a value of the wrong form is a validation problem.
* ``objectives`` (question level): a list of learning-objective ids, ``<quiz-id>/<slug>``,
  each one of the course's objectives (:mod:`immunocourse.content.objectives`); an unknown
  id is a validation problem on its own line. A bank without objectives is valid: the
  course's own banks name them for every question (``tests/test_objectives.py``).

Options and the answers of ``single``/``multiple`` questions are taken as the text written
in the file, so ``[Yes, No]`` or ``[1, 2]`` mean the strings, not YAML booleans or numbers.

Every problem is one line: ``FILE:LINE: question 'ID' field 'FIELD': what is wrong``.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from immunocourse.content.objectives import OBJECTIVES, unknown_message
from immunocourse.quiz.model import Question, is_number

BANKS_DIR = Path(__file__).resolve().parents[2] / "quizzes" / "banks"

TYPES = ("single", "multiple", "truefalse", "numeric")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BANK_KEYS = ("id", "title", "description", "questions")
QUESTION_KEYS = (
    "id", "type", "prompt", "options", "answer", "answer_from", "tolerance", "explanation",
    "points", "objectives",
)


class BankError(ValueError):
    """A bank that cannot be used; ``problems`` holds the one-line messages."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)

    def report(self, command: str) -> int:
        """For a command line (``quiz build``, ``quiz export``): each problem on its own line
        on stderr, then that nothing was written; returns the exit status, 1."""
        for line in self.problems:
            print(line, file=sys.stderr)
        print(f"{command}: nothing written", file=sys.stderr)
        return 1


@dataclass(frozen=True)
class Bank:
    id: str
    title: str
    questions: tuple[Question, ...]
    path: Path
    description: str = ""

    @property
    def hash(self) -> str:
        """A short fingerprint of what a student sees and is scored on (ids, types, prompts,
        options, keys, tolerances, points). Saved answers are filed under it, so a changed
        bank never shows answers given to the old questions as right."""
        import hashlib
        import json

        data = [[q.id, q.type, q.prompt, list(q.options or ()),
                 list(q.answer) if isinstance(q.answer, tuple) else q.answer,
                 float(q.tolerance), float(q.points)] for q in self.questions]
        text = json.dumps([self.id, data], ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"bank {self.id!r} has no question {question_id!r}")


def _line(node: Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class _Parser:
    """Walks the composed YAML tree so every problem can name its line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self._loader: yaml.SafeLoader | None = None

    def problem(self, node: Node | None, where: str, text: str) -> None:
        prefix = f"{self.path}:{_line(node)}: "
        self.problems.append(prefix + (f"{where}: " if where else "") + _one_line(text))

    def value(self, node: Node) -> Any:
        assert self._loader is not None
        return self._loader.construct_object(node, deep=True)

    def mapping(self, node: Node, where: str, allowed: tuple[str, ...]) -> dict[str, Node]:
        """Key -> value node, reporting duplicate and unknown keys."""
        out: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, where, "keys must be plain words")
                continue
            key = key_node.value
            field = f"{where} field '{key}'".strip()
            if key in out:
                self.problem(key_node, field, "appears twice")
            elif key not in allowed:
                self.problem(key_node, field, f"unknown key (allowed: {', '.join(allowed)})")
            else:
                out[key] = value_node
        return out

    # -- whole file -------------------------------------------------------------------

    def parse(self) -> Bank | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problems.append(f"{self.path}: no such file")
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(f"{self.path}: cannot read: {_one_line(exc)}")
            return None
        loader = yaml.SafeLoader(text)
        self._loader = loader
        try:
            root = loader.get_single_node()
            return self._bank(root)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            what = exc.problem or exc.context or "invalid YAML"
            self.problems.append(f"{self.path}:{line}: YAML syntax error: {_one_line(what)}")
            return None
        except yaml.YAMLError as exc:
            self.problems.append(f"{self.path}: YAML error: {_one_line(exc)}")
            return None
        finally:
            loader.dispose()

    def _bank(self, root: Node | None) -> Bank | None:
        if not isinstance(root, MappingNode):
            self.problem(root, "", "a bank must be a mapping with id, title and questions")
            return None
        fields = self.mapping(root, "", BANK_KEYS)
        for key in ("id", "title", "questions"):
            if key not in fields:
                self.problem(root, f"field '{key}'", "missing")

        bank_id = self.slug(fields.get("id"), "field 'id'")
        if bank_id is not None and bank_id != self.path.stem:
            self.problem(
                fields["id"], "field 'id'",
                f"'{bank_id}' must equal the file name stem '{self.path.stem}'",
            )
        title = self.text(fields.get("title"), "field 'title'")
        description = ""
        if "description" in fields:
            description = self.text(fields["description"], "field 'description'") or ""

        questions: list[Question] = []
        qnode = fields.get("questions")
        if qnode is not None:
            if not isinstance(qnode, SequenceNode) or not qnode.value:
                self.problem(qnode, "field 'questions'", "must be a non-empty list of questions")
            else:
                seen: dict[str, int] = {}
                for index, item in enumerate(qnode.value, start=1):
                    qid, q = self._question(item, index)
                    if qid is not None and qid in seen:
                        self.problem(
                            item, f"question '{qid}' field 'id'",
                            f"duplicate question id (first used on line {seen[qid]})",
                        )
                    elif qid is not None:
                        seen[qid] = _line(item)
                    if q is not None:
                        questions.append(q)
        if self.problems or bank_id is None or title is None:
            return None
        return Bank(bank_id, title, tuple(questions), self.path, description)

    # -- scalars ----------------------------------------------------------------------

    def slug(self, node: Node | None, where: str) -> str | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode) or not SLUG.match(node.value):
            shown = node.value if isinstance(node, ScalarNode) else "a " + node.id
            self.problem(
                node, where,
                f"'{shown}' is not a slug (lower-case letters, digits and single hyphens)",
            )
            return None
        return node.value

    def text(self, node: Node | None, where: str) -> str | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode) or not node.value.strip():
            self.problem(node, where, "must be non-empty text")
            return None
        return node.value

    def number(self, node: Node, where: str, *, positive: bool) -> float | None:
        value = self.value(node) if isinstance(node, ScalarNode) else None
        if not is_number(value):
            self.problem(node, where, f"must be a number, not '{_shown(node)}'")
            return None
        if positive and value <= 0:
            self.problem(node, where, f"must be greater than 0, not {value}")
            return None
        if not positive and value < 0:
            self.problem(node, where, f"must be 0 or more, not {value}")
            return None
        return float(value)

    # -- one question -----------------------------------------------------------------

    def _question(self, node: Node, index: int) -> tuple[str | None, Question | None]:
        """The question's id (if readable, for duplicate checks) and the question if valid."""
        before = len(self.problems)
        if not isinstance(node, MappingNode):
            self.problem(node, f"question {index}", "must be a mapping with id, type, prompt, ...")
            return None, None
        unnamed = f"question {index} (no valid id)"
        qid = self.slug(node_get(node, "id"), f"{unnamed} field 'id'")
        label = f"question '{qid}'" if qid else unnamed
        f = self.mapping(node, label, QUESTION_KEYS)


        for key in ("id", "type", "prompt", "explanation"):
            if key not in f:
                self.problem(node, f"{label} field '{key}'", "missing")
        qtype = None
        if "type" in f:
            tnode = f["type"]
            if isinstance(tnode, ScalarNode) and tnode.value in TYPES:
                qtype = tnode.value
            else:
                self.problem(
                    tnode, f"{label} field 'type'",
                    f"'{_shown(tnode)}' is not one of {', '.join(TYPES)}",
                )
        prompt = self.text(f.get("prompt"), f"{label} field 'prompt'")
        explanation = self.text(f.get("explanation"), f"{label} field 'explanation'")
        points = 1.0
        if "points" in f:
            points = self.number(f["points"], f"{label} field 'points'", positive=True) or 1.0

        tolerance = 0.0
        if "tolerance" in f:
            if qtype is not None and qtype != "numeric":
                self.problem(f["tolerance"], f"{label} field 'tolerance'",
                             "only numeric questions take a tolerance")
            else:
                where = f"{label} field 'tolerance'"
                tolerance = self.number(f["tolerance"], where, positive=False) or 0.0

        options: tuple[str, ...] | None = None
        if qtype in ("single", "multiple"):
            options = self._options(f.get("options"), node, label)
        elif "options" in f and qtype is not None:
            self.problem(f["options"], f"{label} field 'options'",
                         f"{qtype} questions take no options")

        answer = None
        if "answer" in f and "answer_from" in f:
            self.problem(f["answer_from"], f"{label} field 'answer_from'",
                         "give either answer or answer_from, not both")
        elif "answer" not in f and "answer_from" not in f:
            self.problem(node, f"{label} field 'answer'", "missing (give answer or answer_from)")
        elif qtype is not None:
            if "answer" in f:
                answer = self._answer_from_node(f["answer"], qtype, options, label)
            else:
                answer = self._answer_from_function(f["answer_from"], qtype, options, label)

        objectives: tuple[str, ...] = ()
        if "objectives" in f:
            objectives = self._objectives(f["objectives"], label)

        if len(self.problems) > before or qid is None or qtype is None:
            return qid, None
        return qid, Question(
            id=qid, type=qtype, prompt=prompt or "", explanation=explanation or "",
            answer=answer, options=options, tolerance=tolerance, points=points,
            line=_line(node), objectives=objectives,
        )

    def _objectives(self, node: Node, label: str) -> tuple[str, ...]:
        """The objective ids, each a course objective, each once; problems on their lines."""
        where = f"{label} field 'objectives'"
        if not isinstance(node, SequenceNode) or not node.value:
            self.problem(node, where, "must be a list of objective ids, e.g. "
                         f"[{next(iter(OBJECTIVES))}] (or leave the key out)")
            return ()
        ids: list[str] = []
        for item in node.value:
            if not isinstance(item, ScalarNode) or not item.value.strip():
                self.problem(item, where, f"each objective must be an id, not '{_shown(item)}'")
            elif item.value in ids:
                self.problem(item, where, f"objective '{item.value}' appears twice")
            elif item.value not in OBJECTIVES:
                self.problem(item, where, unknown_message(item.value))
            else:
                ids.append(item.value)
        return tuple(ids)

    def _options(self, node: Node | None, qnode: Node, label: str) -> tuple[str, ...] | None:
        where = f"{label} field 'options'"
        if node is None:
            self.problem(qnode, where, "missing (single and multiple questions need options)")
            return None
        if not isinstance(node, SequenceNode):
            self.problem(node, where, "must be a list of at least 2 options")
            return None
        texts: list[str] = []
        for item in node.value:
            if isinstance(item, MappingNode):
                self.problem(item, where, "an option was read as a mapping: "
                             "put quotes around option text that contains ': '")
                return None
            if not isinstance(item, ScalarNode) or not item.value.strip():
                self.problem(item, where, "each option must be non-empty text")
                return None
            if item.value in texts:
                self.problem(item, where, f"option '{item.value}' appears twice")
                return None
            texts.append(item.value)
        if len(texts) < 2:
            self.problem(node, where, f"needs at least 2 options, has {len(texts)}")
            return None
        return tuple(texts)

    def _answer_from_node(
        self, node: Node, qtype: str, options: tuple[str, ...] | None, label: str
    ) -> Any:
        # single/multiple compare the written text, so `answer: 1` matches `options: [1, 2]`
        if qtype == "single":
            value: Any = node.value if isinstance(node, ScalarNode) else self.value(node)
        elif qtype == "multiple":
            if isinstance(node, SequenceNode) and all(
                isinstance(n, ScalarNode) for n in node.value
            ):
                value = [n.value for n in node.value]
            else:
                value = self.value(node)
        else:
            value = self.value(node)
        return self.check_answer(value, qtype, options, node, f"{label} field 'answer'")

    def _answer_from_function(
        self, node: Node, qtype: str, options: tuple[str, ...] | None, label: str
    ) -> Any:
        where = f"{label} field 'answer_from'"
        spec = node.value if isinstance(node, ScalarNode) else ""
        module_name, _, func_name = spec.partition(":")
        if not module_name or not func_name:
            self.problem(node, where, f"'{spec}' must look like 'package.module:function'")
            return None
        try:
            func = getattr(importlib.import_module(module_name), func_name)
        except Exception as exc:  # any import-time failure is the bank's problem, not a crash
            self.problem(node, where, f"cannot import '{spec}': {type(exc).__name__}: {exc}")
            return None
        if not callable(func):
            self.problem(node, where, f"'{spec}' is not a function")
            return None
        try:
            value = func()
        except Exception as exc:
            self.problem(node, where, f"'{spec}()' raised {type(exc).__name__}: {exc}")
            return None
        if isinstance(value, tuple):
            value = list(value)
        return self.check_answer(value, qtype, options, node, where)

    def check_answer(
        self, value: Any, qtype: str, options: tuple[str, ...] | None, node: Node, where: str
    ) -> Any:
        if qtype == "single":
            if not isinstance(value, str):
                self.problem(node, where, f"must be one of the options, not {value!r}")
            elif options is not None and value not in options:
                self.problem(node, where, f"'{value}' is not one of the options")
            else:
                return value
        elif qtype == "multiple":
            if not isinstance(value, list) or not value or not all(
                isinstance(v, str) for v in value
            ):
                self.problem(node, where, "must be a non-empty list of options")
            elif len(set(value)) != len(value):
                self.problem(node, where, "lists an option twice")
            elif options is not None and (missing := [v for v in value if v not in options]):
                self.problem(node, where, f"'{missing[0]}' is not one of the options")
            else:
                return tuple(value)
        elif qtype == "truefalse":
            if not isinstance(value, bool):
                self.problem(node, where, f"must be true or false, not {value!r}")
            else:
                return value
        elif qtype == "numeric":
            if not is_number(value):
                self.problem(node, where, f"must be a finite number, not {value!r}")
            else:
                return value
        return None


def node_get(node: MappingNode, key: str) -> Node | None:
    """The last value node under ``key`` (what PyYAML would load), or None."""
    found = None
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            found = v
    return found


def _line_of(problem: str) -> int:
    m = re.match(r".*?:(\d+): ", problem)
    return int(m.group(1)) if m else 0


def _shown(node: Node) -> str:
    return node.value if isinstance(node, ScalarNode) else f"a {type(node).__name__[:-4].lower()}"


def _parse(path: str | Path) -> tuple[Bank | None, list[str]]:
    parser = _Parser(Path(path))
    bank = parser.parse()
    return bank, sorted(parser.problems, key=_line_of)  # stable: same-line order kept


def load_bank(path: str | Path) -> Bank:
    """Load and validate one bank; raise ``BankError`` listing every problem."""
    bank, problems = _parse(path)
    if problems or bank is None:
        raise BankError(problems or [f"{path}: not a usable bank"])
    return bank


def validate_file(path: str | Path) -> list[str]:
    """The one-line problems of one bank file; empty when it is valid."""
    return _parse(path)[1]


def bank_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Expand files and folders into bank files; nonexistent or empty paths are problems."""
    files: list[Path] = []
    problems: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(p.glob("*.yml"))
            if not found:
                problems.append(f"{p}: no .yml bank files in this folder")
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            problems.append(f"{p}: no such file or folder")
    return files, problems


def validate_paths(paths: Iterable[str | Path]) -> list[str]:
    """Problems of all banks under ``paths``, including quiz ids used twice."""
    files, problems = bank_files(paths)
    first: dict[str, Path] = {}
    seen_files: set[Path] = set()
    for f in files:
        if f.resolve() in seen_files:
            continue
        seen_files.add(f.resolve())
        bank, found = _parse(f)
        problems.extend(found)
        if bank is None:
            continue
        if bank.id in first:
            problems.append(
                f"{f}:1: field 'id': quiz id '{bank.id}' is also used by {first[bank.id]}"
            )
        else:
            first[bank.id] = f
    return problems


def shared_question_ids(paths: Iterable[str | Path]) -> list[str]:
    """Warnings (not errors) for question ids used by more than one valid bank.

    Lesson notebooks in one folder share one answers.json keyed by question id, so two
    quizzes with the same question id would overwrite each other's answer there.
    """
    files, _ = bank_files(paths)
    first: dict[str, Path] = {}
    warnings = []
    for f in files:
        bank, problems = _parse(f)
        if bank is None or problems:
            continue
        for q in bank.questions:
            if q.id in first and first[q.id] != f:
                warnings.append(
                    f"{f}:{q.line}: question '{q.id}' field 'id': also used in "
                    f"{first[q.id]} (quizzes whose notebooks share a folder share answers.json)"
                )
            first.setdefault(q.id, f)
    return warnings


def find_bank(quiz_id: str, banks_dir: str | Path = BANKS_DIR) -> Path:
    """The bank file for ``quiz_id``; ``FileNotFoundError`` names what was looked for."""
    path = Path(banks_dir) / f"{quiz_id}.yml"
    if not SLUG.match(quiz_id) or not path.is_file():
        raise FileNotFoundError(f"no question bank '{quiz_id}' (looked for {path})")
    return path


def iter_banks(banks_dir: str | Path = BANKS_DIR) -> list[Bank]:
    """Every bank in ``banks_dir`` sorted by id; ``BankError`` lists all problems."""
    problems = validate_paths([banks_dir])
    if problems:
        raise BankError(problems)
    return [load_bank(p) for p in sorted(Path(banks_dir).glob("*.yml"))]
