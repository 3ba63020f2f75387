"""python -m immunocourse.classroom demo [--students N] | clean  (see term.py)."""

from __future__ import annotations

import argparse
import os
import sys

from immunocourse.classroom.term import OUT, ClassDemo, clean, print_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m immunocourse.classroom")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run one term of a class through JupyterHub")
    demo.add_argument("--students", type=int, default=20)
    demo.add_argument("--hub-students", type=int, default=3)
    demo.add_argument("--jobs", type=int, default=2, help="parallel autograde workers")
    demo.add_argument("--prefix", default="icdemo-")
    demo.add_argument("--keep", action="store_true", help="leave accounts and files")
    cl = sub.add_parser("clean", help="remove the demo's accounts, processes and files")
    cl.add_argument("--prefix", default="icdemo-")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("the class demo creates Linux accounts: run it as root", file=sys.stderr)
        return 2
    if args.command == "clean":
        clean(args.prefix)
        return 0
    try:
        demo = ClassDemo(args.students, args.hub_students, args.prefix, args.jobs, OUT,
                         args.keep)
    except ValueError as exc:
        parser.error(str(exc))  # one line, exit 2
    try:
        with demo:
            demo.run()
    except Exception as exc:  # the term stopped: show how far it got, everything is stopped
        print_report(demo.report)
        print(f"class demo failed: {exc}", file=sys.stderr)
        return 1
    print_report(demo.report)
    print(f"grades: {OUT / 'grades.csv'}")
    return 0 if demo.report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
