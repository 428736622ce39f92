"""Throughput of `caibao check` on a corpus of articles, against a plain regex scan of the same text.

    python benchmarks/check_throughput.py [--shared ../shared] [--write docs/benchmarks.md]

The corpus is the two seed articles, the two together, a 5,000-character article cut from them at a
sentence end, and the statements of tests/test_claims.py as one article. Times are medians of
repeated in-process runs after start-up (store opened, vocabulary compiled), plus the whole
process for one article. The regex baseline finds numbers and does nothing else: the ratio is what
resolving and verifying every claim costs over merely spotting the digits.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.report import median_seconds, write_section
from caibao.claims.check import check_with_index
from caibao.claims.normalize import fold
from caibao.facts.store import Store

REPO = Path(__file__).resolve().parent.parent
NUMBERS = re.compile(r"\d[\d,.]*%?")


def corpus(shared: Path) -> dict[str, str]:
    seeds = {p.stem[:3]: p.read_text(encoding="utf-8") for p in sorted((shared / "seeds").glob("*.txt"))}
    both = seeds["000"] + "\n" + seeds["002"]
    cut = both[:5000]
    cut = cut[: max(cut.rfind("。"), cut.rfind("\n")) + 1]
    sys.path.insert(0, str(REPO))
    from tests.test_claims import CONTRADICTED, SUPPORTED, UNVERIFIABLE

    statements = [*SUPPORTED, *(t for t, _, _ in CONTRADICTED), *(t for t, _ in UNVERIFIABLE)]
    return {
        "seed 000 (sell-side note)": seeds["000"],
        "seed 002 (news commentary)": seeds["002"],
        "seeds 000 + 002": both,
        f"{len(cut):,}-character article": cut,
        "test statements (zh-Hant, zh-Hans, en)": "\n".join(statements),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()

    db = Path(tempfile.mkdtemp()) / "bench.duckdb"
    with Store.open(db) as store:
        index = store.index("AMZN")
    rows = []
    for name, text in corpus(args.shared).items():
        report = check_with_index(index, text, fold(text), "AMZN", name)
        ours = median_seconds(lambda t=text, n=name: check_with_index(index, t, fold(t), "AMZN", n), args.repeat)
        regex = median_seconds(lambda t=text: NUMBERS.findall(t), args.repeat * 10)
        rows.append((name, len(text), len(report.claims), ours, regex))

    article = args.shared / "seeds" / "002_0670f17686d4aa05.txt"
    command = [sys.executable, "-m", "caibao", "check", str(article), "--ticker", "AMZN", "--format", "json",
               "--db", str(db)]  # fmt: skip
    process = median_seconds(lambda: subprocess.run(command, capture_output=True, check=True), 5)

    lines = [
        "| article | characters | claims | caibao check | chars/s | claims/s | regex scan | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, chars, claims, ours, regex in rows:
        lines.append(
            f"| {name} | {chars:,} | {claims} | {ours * 1000:.1f} ms | {chars / ours:,.0f} | {claims / ours:,.0f} "
            f"| {regex * 1e6:.0f} µs | {ours / regex:,.0f}x |"
        )
    lines.append("")
    lines.append(f"Whole process, `caibao check` of seed 002 to JSON (start-up included): {process * 1000:.0f} ms.")
    table = "\n".join(lines)
    print(table)
    if args.write:
        body = f"`python benchmarks/check_throughput.py --write {args.write}` on {platform()}.\n\n{table}"
        write_section(args.write, "`caibao check` throughput", body)


def platform() -> str:
    import os
    import platform as p

    return f"{p.processor() or p.machine()}, {os.cpu_count()} cores, Python {p.python_version()}"


if __name__ == "__main__":
    main()
