"""Batch check and bulk ingest on Dask: documents/s with 1 and 2 local workers, as a user runs them.

    python -m benchmarks.batch_scale [--shared ../shared] [--articles 2000] [--write docs/benchmarks.md]

The articles are the corpus (each under its ticker, by a manifest) and the seeds, repeated under
different file names up to --articles. Each run is the real command (`caibao check MANIFEST --out
RESULTS.parquet [--workers N]`, `caibao ingest ../shared/filings [--workers N]` into a fresh store)
in a fresh process, which reports its own wall time and peak RSS (the client's: the workers are
other processes). The baseline is what a user without batch mode does: one `caibao check FILE`
process per article, two at a time (xargs -P 2), on a sample of the articles.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.report import write_section

RUNNER = """
import resource, sys, time
from caibao.cli.app import app
started = time.perf_counter()
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("BENCH", time.perf_counter() - started, peak, file=sys.stderr)
"""


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, client peak MB) of one caibao command in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *args], env=env, capture_output=True, text=True, timeout=3600, check=False
    )
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("BENCH")]
    if done.returncode or not line:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr[-2000:]}")
    _, seconds, peak = line[-1].split()
    return float(seconds), int(peak) / 1024


def articles(shared: Path, folder: Path, count: int) -> tuple[Path, list[tuple[Path, str]]]:
    cases = [json.loads(ln) for p in sorted((shared / "corpus").glob("*.jsonl")) for ln in p.open() if ln.strip()]
    texts = [(c["id"], c["text"], c["ticker"]) for c in cases]
    texts += [(p.stem, p.read_text(encoding="utf-8"), "AMZN") for p in sorted((shared / "seeds").glob("*.txt"))]
    files = []
    for n in range(count):
        name, text, ticker = texts[n % len(texts)]
        path = folder / f"{n:05d}-{name}.txt"
        path.write_text(text, encoding="utf-8")
        files.append((path, ticker))
    manifest = folder / "manifest.jsonl"
    manifest.write_text("".join(json.dumps({"path": str(p), "ticker": t}) + "\n" for p, t in files), encoding="utf-8")
    return manifest, files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=100, help="articles for the one-process-per-file baseline")
    parser.add_argument("--write", type=Path)
    options = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="caibao-batch-"))
    env = {k: v for k, v in os.environ.items() if k != "CAIBAO_DASK_SCHEDULER"}
    filings = str(options.shared / "filings")
    size = sum(p.stat().st_size for p in (options.shared / "filings").iterdir() if p.is_file())

    ingest_rows = []
    for workers in (None, 1, 2):
        db = root / f"ingest-{workers}.duckdb"
        extra = ["--workers", str(workers)] if workers else []
        seconds, peak = timed(["ingest", filings, *extra], {**env, "CAIBAO_DB": str(db)})
        ingest_rows.append((workers, seconds, peak))
        print("ingest", workers, f"{seconds:.2f} s", f"{peak:.0f} MB", flush=True)

    store = {**env, "CAIBAO_DB": str(root / "ingest-None.duckdb")}
    folder = root / "articles"
    folder.mkdir()
    manifest, files = articles(options.shared, folder, options.articles)
    chars = sum(len(p.read_text(encoding="utf-8")) for p, _ in files)
    check_rows = []
    for workers in (None, 1, 2):
        out = root / f"results-{workers}.parquet"
        extra = ["--workers", str(workers)] if workers else []
        seconds, peak = timed(["check", str(manifest), "--out", str(out), *extra], store)
        check_rows.append((workers, seconds, peak))
        print("check", workers, f"{len(files) / seconds:.1f} docs/s", f"{peak:.0f} MB", flush=True)

    sample = files[: options.sample]
    started = time.perf_counter()
    commands = "".join(f"{p}\0{t}\0" for p, t in sample)
    one_file = f'{sys.executable} -m caibao check "$0" --ticker "$1" >/dev/null'
    subprocess.run(
        ["xargs", "-0", "-n", "2", "-P", "2", "sh", "-c", one_file],
        input=commands, text=True, env=store, check=True,
    )  # fmt: skip
    per_file = len(sample) / (time.perf_counter() - started)
    print("xargs -P 2", f"{per_file:.1f} docs/s", flush=True)

    one = next(s for w, s, _ in check_rows if w == 1)
    lines = [
        f"{len(files):,} articles ({chars / 1e6:.1f} M characters: the 15 corpus articles and 2 seeds repeated "
        "under different names, each under its ticker by a JSONL manifest), checked into one Parquet file on "
        f"this {os.cpu_count()}-core machine. Each run is the whole command in a fresh process (cluster start-up "
        "included); peak memory is the client process's (workers are separate processes).",
        "",
        "| run | seconds | documents/s | vs 1 worker | client peak MB |",
        "|---|---:|---:|---:|---:|",
    ]
    for workers, seconds, peak in check_rows:
        name = f"`--workers {workers}`" if workers else "in this process (no Dask)"
        lines.append(f"| {name} | {seconds:.1f} | {len(files) / seconds:.1f} | {one / seconds:.2f}x | {peak:.0f} |")
    lines.append(
        f"| one `caibao check FILE` per article, `xargs -P 2` ({len(sample)} articles) | — | {per_file:.1f} | "
        f"{per_file / (len(files) / one):.2f}x | — |"
    )
    one_ingest = next(s for w, s, _ in ingest_rows if w == 1)
    lines += [
        "",
        f"Bulk ingest of `../shared/filings` ({size / 1e6:.0f} MB of filings) into a fresh store, the store the "
        "same byte for byte whichever way (tests/test_bulk_ingest.py):",
        "",
        "| run | seconds | vs 1 worker | client peak MB |",
        "|---|---:|---:|---:|",
    ]
    for workers, seconds, peak in ingest_rows:
        name = f"`--workers {workers}`" if workers else "in this process (no Dask)"
        lines.append(f"| {name} | {seconds:.1f} | {one_ingest / seconds:.2f}x | {peak:.0f} |")
    body = "\n".join(lines)
    print(body)
    if options.write:
        write_section(options.write, "Batch check and bulk ingest on Dask", body)


if __name__ == "__main__":
    main()
