"""docs/benchmarks.md is one file with a section per benchmark; each run rewrites its own section."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path


def median_seconds(fn: Callable[[], object], repeat: int, warm: bool = True) -> float:
    """Median wall time of `repeat` calls, after one untimed call when `warm`."""
    if warm:
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def write_section(path: Path, heading: str, body: str) -> None:
    """Replace (or add) the `## heading` section of `path`, leaving the others as they are."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    sections = text.split("\n## ")
    head, rest = sections[0], sections[1:]
    kept = [s for s in rest if s.split("\n", 1)[0].strip() != heading]
    new = f"{heading}\n\n{body.strip()}\n"
    order = [*kept, new]
    path.write_text(head.rstrip() + "\n" + "".join(f"\n## {s.rstrip()}\n" for s in order), encoding="utf-8")
