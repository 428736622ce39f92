"""`caibao check` against input size: time and peak memory for 10 k, 100 k, 1 M and 2 M characters
of four kinds of text, each run in a fresh process (so peak memory is the check's own).

    python -m benchmarks.check_scaling [--shared ../shared] [--sizes 10000,100000,1000000,2000000]
                                       [--repeat 3] [--file-bytes 2000000] [--write docs/benchmarks.md]

The kinds are the shapes that once made the checker super-linear:
- prose: seed 002 (a mainland news commentary, one figure every ~50 characters) repeated;
- one sentence: the same text with every sentence end turned into a comma (a single sentence);
- English paragraph: the English corpus articles as one paragraph, no line breaks;
- digit runs: 4,000-digit runs followed by letters.
A time is the best of `--repeat` runs of the check itself (store open and vocabulary compiled
before the clock starts); "per 1 M" divides it by the size, so linear time shows as a flat column.
No other tool checks claims, so the ratio is to the floor any checker pays: one regex scan that
spots the digits and does nothing else. A second table checks a 2 MB file of each kind with the
whole command, start-up and JSON report included.
A calibration loop (a fixed pure-Python workload) is timed beside each run: on a shared machine it
tells a slow run from a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.report import write_section

REPO = Path(__file__).resolve().parent.parent
KINDS = ("prose", "one sentence", "English paragraph", "digit runs")

_CHILD = r"""
import json, resource, sys, time
from caibao.claims.check import check_text
from caibao.facts.store import Store

def calibrate():
    start = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i % 7
    return time.perf_counter() - start

text = open(sys.argv[1], encoding="utf-8").read()
with Store.open(sys.argv[2]) as store:
    check_text(store, "營收 2,134 億美元", "AMZN")  # vocabulary compiled, caches warm
    start = time.perf_counter()
    report = check_text(store, text, "AMZN")
    seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
import re
start = time.perf_counter()
spotted = sum(1 for _ in re.finditer(r"\d[\d,.]*%?", text))  # the baseline: spot the digits, nothing else
scan = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "claims": len(report.claims), "peak": peak, "calibration": calibrate(),
                  "scan": scan}))
"""


def texts(shared: Path) -> dict[str, str]:
    seed = (shared / "seeds" / "002_0670f17686d4aa05.txt").read_text(encoding="utf-8")
    english = []
    for path in sorted((shared / "corpus").glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            if line.strip() and json.loads(line)["lang"] == "en":
                english.append(json.loads(line)["text"])
    return {
        "prose": seed + "\n",
        "one sentence": re.sub(r"[。\n!?;!?;]", ",", seed) + ",",
        "English paragraph": " ".join(t.replace("\n", " ") for t in english) + " ",
        "digit runs": "1234567890" * 400 + "abc ",
    }


def grow(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def grow_bytes(unit: str, size: int) -> str:
    """As many characters as fill `size` bytes of UTF-8 (a 2 MB file of Chinese is ~0.7 M characters)."""
    text = grow(unit, size)
    return text.encode("utf-8")[:size].decode("utf-8", errors="ignore")


def whole_process(text: str, store: Path, repeat: int) -> float:
    """`caibao check FILE --format json -o OUT` as a user runs it: start-up, reading, the check, the report."""
    with tempfile.TemporaryDirectory() as work:
        article, out = Path(work) / "article.txt", Path(work) / "out.json"
        article.write_text(text, encoding="utf-8")
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            # No time limit: the point is how long the largest inputs take, past the default 10 s too.
            command = [sys.executable, "-m", "caibao", "check", str(article), "--ticker", "AMZN", "--format", "json",
                       "-o", str(out), "--time-limit", "0"]  # fmt: skip
            env = {**os.environ, "CAIBAO_DB": str(store), "PYTHONPATH": str(REPO / "src")}
            subprocess.run(command, check=True, env=env)
            best = min(best, time.perf_counter() - start)
        return best


def measure(text: str, store: Path, repeat: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as f:
        f.write(text)
    try:
        runs = []
        for _ in range(repeat):
            out = subprocess.run([sys.executable, "-c", _CHILD, f.name, str(store)], capture_output=True, text=True,
                                 check=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")})  # fmt: skip
            runs.append(json.loads(out.stdout))
        best = min(runs, key=lambda r: r["seconds"])
        best["peak"] = max(r["peak"] for r in runs)
        return best
    finally:
        os.unlink(f.name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--sizes", default="10000,100000,1000000,2000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--file-bytes", type=int, default=2_000_000)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    units = texts(args.shared)
    with tempfile.TemporaryDirectory() as work:
        store = Path(work) / "caibao.duckdb"
        seed = f"from caibao.facts.store import Store; Store.open({str(store)!r}).close()"
        subprocess.run([sys.executable, "-c", seed], check=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")})
        rows = []
        for kind in KINDS:
            previous = None
            for size in sizes:
                r = measure(grow(units[kind], size), store, args.repeat)
                growth = f"{r['seconds'] / previous[1] / (size / previous[0]):.2f}" if previous else "—"
                previous = (size, r["seconds"])
                rows.append((kind, size, r["seconds"], r["seconds"] / size * 1e6, growth, r["peak"] / 2**20,
                             r["claims"], r["seconds"] / r["scan"], r["calibration"]))  # fmt: skip
                print(f"{kind:18} {size:>9,} {r['seconds']:7.2f} s  {r['peak'] / 2**20:6.0f} MB  "
                      f"{r['claims']:>6} claims  growth/linear {growth}  calibration {r['calibration']:.3f} s",
                      flush=True)  # fmt: skip
        files = []
        for kind in KINDS:
            text = grow_bytes(units[kind], args.file_bytes)
            r = measure(text, store, args.repeat)
            total = whole_process(text, store, args.repeat)
            files.append((kind, len(text), r["seconds"], total, r["peak"] / 2**20, r["claims"]))
            print(f"{kind:18} {args.file_bytes:,} bytes = {len(text):,} characters: check {r['seconds']:.2f} s, "
                  f"whole caibao check {total:.2f} s, {r['peak'] / 2**20:.0f} MB", flush=True)  # fmt: skip
    lines = [
        f"`python -m benchmarks.check_scaling --write docs/benchmarks.md` on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}: the best of {args.repeat} runs, each in a "
        'fresh process; "÷ regex scan" is the check\'s time over one regex scan spotting the digits.',
        "",
        "| text | characters | seconds | seconds per 1 M | time growth ÷ size growth | peak MB | claims "
        "| ÷ regex scan |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, size, seconds, per, growth, peak, claims, ratio, _ in rows:
        lines.append(f"| {kind} | {size:,} | {seconds:.2f} | {per:.2f} | {growth} | {peak:.0f} | {claims:,} | "
                     f"{ratio:,.0f}x |")  # fmt: skip
    lines += [
        "",
        f"A file of {args.file_bytes:,} bytes of each (UTF-8: Chinese takes three bytes a character), checked as a",
        "user checks it (`caibao check FILE --ticker AMZN --format json -o OUT`, start-up and report included):",
        "",
        "| text | characters | check seconds | whole command seconds | peak MB | claims |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, chars, seconds, total, peak, claims in files:
        lines.append(f"| {kind} | {chars:,} | {seconds:.2f} | {total:.2f} | {peak:.0f} | {claims:,} |")
    low, high = min(r[-1] for r in rows), max(r[-1] for r in rows)
    lines.append("")
    lines.append(
        f"Calibration loop (2 M additions in pure Python), timed beside each run: {low:.3f}–{high:.3f} s. Where "
        "it varies this much the machine's own speed does, and a growth figure above 1 between two sizes "
        "is as likely the machine as the check (the work per claim is the same at every size)."
    )
    if args.write:
        write_section(args.write, "check against input size", "\n".join(lines))


if __name__ == "__main__":
    main()
