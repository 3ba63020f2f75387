"""``quiz stats --all`` for a large class, on this machine.

    .venv/bin/python benchmarks/bench_stats.py [--students 1000]

Setup (not timed): a temporary course folder with every bank of ``quizzes/banks``, and a
SQLite gradebook holding N graded submissions of every quiz (filled as ``nbgrader
autograde`` leaves it, tests/helpers/gradebook.py) with each student's ``answers.json``
in the grading copy. Answers are simulated: a student of ability a in [0, 1] gets a
question right with probability 0.2 + 0.7a, else picks a wrong option (or number), and
skips 3% of questions; marks are what ``score`` gives those answers.

Timed: ``python -m immunocourse quiz stats --all`` as an instructor runs it (start-up,
reading the gradebook and 13 x N answer files, the statistics, every CSV, JSON and HTML
file and course.html), twice; the faster run is the figure. Target: at most 10 s for 1,000
students on every quiz on 2 cores. quizzes/ is not touched.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from immunocourse.grading.course import course_db_url, nbgrader_env, new_course  # noqa: E402
from immunocourse.quiz.bank import BANKS_DIR, iter_banks  # noqa: E402
from immunocourse.quiz.model import Question  # noqa: E402
from immunocourse.quiz.scoring import score  # noqa: E402
from tests.helpers.gradebook import fill_gradebook  # noqa: E402

TARGET_SECONDS = 10.0


def simulated_answer(q: Question, ability: float, rng: random.Random) -> Any:
    right = rng.random() < 0.2 + 0.7 * ability
    if q.type == "single":
        wrong = [o for o in q.options or () if o != q.answer]
        return q.answer if right else rng.choice(wrong)
    if q.type == "multiple":
        keys = set(q.answer)
        return [o for o in q.options or () if (o in keys) == (rng.random() < (0.9 if right
                                                                           else 0.4))]
    if q.type == "truefalse":
        return q.answer if right else not q.answer
    return q.answer if right else q.answer + rng.choice([-10, -1, 1, 2, 10])


def build_class(root: Path, students: int, seed: int = 20) -> Path:
    course = new_course(root / "course", banks_dir=BANKS_DIR)
    rng = random.Random(seed)
    abilities = {f"student{i:04d}": rng.random() for i in range(students)}
    db = course_db_url(course)
    for bank in iter_banks(course / "banks"):
        marks: dict[str, dict[str, float]] = {}
        for student, ability in abilities.items():
            given = {q.id: simulated_answer(q, ability, rng) for q in bank.questions
                     if rng.random() > 0.03}
            marks[student] = {q.id: score(q, given.get(q.id)).points for q in bank.questions}
            folder = course / "autograded" / student / bank.id
            folder.mkdir(parents=True)
            # plain writes: write_answers' fsync per file would make the set-up take minutes
            (folder / "answers.json").write_text(json.dumps(given), encoding="utf-8")
        fill_gradebook(db, bank.id, bank.questions, marks)
    return course


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=1000)
    args = parser.parse_args(argv)
    banks = iter_banks()
    with tempfile.TemporaryDirectory(prefix="bench-stats-") as tmp:
        start = time.perf_counter()
        course = build_class(Path(tmp), args.students)
        print(f"set-up: {args.students} students x {len(banks)} quizzes "
              f"({sum(len(b.questions) for b in banks)} questions) in "
              f"{time.perf_counter() - start:.1f} s (not timed)")
        runs = []
        for _ in range(2):
            start = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "immunocourse", "quiz", "stats", "--all",
                 "--course", str(course)], env=nbgrader_env(), capture_output=True, text=True)
            runs.append(time.perf_counter() - start)
            if proc.returncode != 0:
                print(proc.stdout[-2000:], proc.stderr[-2000:], sep="\n")
                return 1
        written = sorted((course / "reports").iterdir())
        size = sum(p.stat().st_size for p in written)
    best = min(runs)
    print(f"quiz stats --all: {best:.2f} s for {args.students} students on every quiz "
          f"(runs: {', '.join(f'{r:.2f}' for r in runs)} s; {len(written)} files, "
          f"{size / 1e6:.1f} MB) on {cores()} cores; target at most {TARGET_SECONDS:g} s "
          f"for 1,000 students on 2 cores: {'met' if best <= TARGET_SECONDS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
