"""Print the mutation score of the last `mutmut run` (``make mutate``), and its survivors.

mutmut 3 keeps its results under ``mutants/``; ``mutmut export-cicd-stats`` sums them into
``mutants/mutmut-cicd-stats.json``. Survivors are listed by name so each can be checked
against benchmarks/MUTATION.md, which says why the ones left are equivalent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    mutmut = str(Path(sys.executable).parent / "mutmut")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([mutmut, "export-cicd-stats"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    stats = json.loads((ROOT / "mutants" / "mutmut-cicd-stats.json").read_text())
    results = subprocess.run([mutmut, "results"], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout
    survivors = [line.split(":")[0].strip() for line in results.splitlines()
                 if line.strip().endswith(": survived")]
    judged = stats["killed"] + stats["survived"]
    score = 100 * stats["killed"] / judged if judged else 0.0
    print(f"mutants: {stats['total']}  killed: {stats['killed']}  survived: {stats['survived']}"
          f"  timeout: {stats.get('timeout', 0)}  not checked: {stats.get('not_checked', 0)}")
    mutated = ", ".join(tomllib.loads((ROOT / "pyproject.toml").read_text())
                        ["tool"]["mutmut"]["only_mutate"])
    print(f"mutation score: {score:.1f}% of {judged} judged mutants "
          f"({mutated}; {os.cpu_count()} cores)")
    for name in survivors:
        print(f"survived: {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
