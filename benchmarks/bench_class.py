"""200 students submit within seconds of each other through nbgrader's exchange; then graded.

    sudo .venv/bin/python benchmarks/bench_class.py [--students 200] [--jobs N]
                                                    [--gradebook postgresql|sqlite]

Runs immunocourse/classroom/load.py: N Linux accounts (PREFIXsNNN, by default icbench-sNNN,
removed afterwards) fetch the released quiz and submit it as their own users, all let go at
the same moment; the course collects, autogrades in parallel against a throwaway PostgreSQL
gradebook on 127.0.0.1 (as the class server does; ``--gradebook sqlite`` for the course's
SQLite file) and exports grades.csv. Prints what was submitted, received in the exchange's inbound,
collected, graded and exported; how many were lost or mixed up (both must be 0); the spread
of the submissions' start times; the time from the first submit to the exported grades and
each phase, with the machine's core count. Needs root (it creates accounts; PostgreSQL
runs as the ``postgres`` account) and PostgreSQL's server; otherwise it says so and skips.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from immunocourse.classroom.load import GRADEBOOKS, play  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--gradebook", choices=sorted(GRADEBOOKS), default="postgresql")
    parser.add_argument("--prefix", default="icbench-", help="the accounts' name prefix")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if os.geteuid() != 0:
        print("skipped: bench_class.py creates Linux accounts (and runs PostgreSQL as the "
              "postgres account); run it as root")
        return 0
    if args.gradebook == "postgresql" and not list(
            Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        print("skipped: PostgreSQL server not installed (apt-get install postgresql), "
              "or run with --gradebook sqlite")
        return 0
    return play("bench_class", args.students, args.prefix, args.jobs, False, args.gradebook)

if __name__ == "__main__":
    raise SystemExit(main())
