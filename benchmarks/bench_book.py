"""Book build benchmark: clean build versus unchanged rebuild (execution cache at work).

Builds into a temporary folder, so the working tree's _build is left alone.
Target: the unchanged rebuild takes at most 15% of the clean build.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from immunocourse.book.build import ROOT, build_command, invalidate_stale_cache


def timed_build(out: Path) -> float:
    invalidate_stale_cache(out / "_build")
    start = time.perf_counter()
    result = subprocess.run(build_command(ROOT, out), cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"bench_book: build failed:\n{result.stdout[-2000:]}{result.stderr}")
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-book-") as tmp:
        out = Path(tmp)
        clean = timed_build(out)
        unchanged = timed_build(out)
    ratio = unchanged / clean
    print(f"book build (machine: {os.cpu_count()} cores)")
    print(f"  clean build:        {clean:7.1f} s")
    print(f"  unchanged rebuild:  {unchanged:7.1f} s")
    verdict = "met" if ratio <= 0.15 else "MISSED"
    print(f"  ratio:              {ratio:7.1%}  (target <= 15%: {verdict})")


if __name__ == "__main__":
    main()
