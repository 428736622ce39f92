"""Load on `caibao serve` over 127.0.0.1: N concurrent checks of seed 002 through POST /api/check.

    python benchmarks/web_load.py [--concurrency 200] [--write docs/benchmarks.md]

Starts the server in its own process on a free port over a fresh store, fires every request at
once (bounded in count and time, local only), and reports failures and the latency percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.report import write_section

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def load(base: str, text: str, concurrency: int) -> tuple[list[float], int, float]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:

        async def one() -> tuple[float, bool]:
            start = time.perf_counter()
            try:
                response = await client.post("/api/check", json={"text": text, "ticker": "AMZN"})
                ok = response.status_code == 200 and response.json()["summary"]["contradicted"] == 7
            except httpx.HTTPError:
                ok = False
            return time.perf_counter() - start, ok

        start = time.perf_counter()
        results = await asyncio.gather(*(one() for _ in range(concurrency)))
        return [t for t, _ in results], sum(not ok for _, ok in results), time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    text = (args.shared / "seeds" / "002_0670f17686d4aa05.txt").read_text(encoding="utf-8")
    port = free_port()
    db = Path(tempfile.mkdtemp()) / "load.duckdb"
    server = subprocess.Popen(
        [sys.executable, "-m", "caibao", "serve", "--port", str(port), "--db", str(db)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("server did not start")
            time.sleep(0.2)
        asyncio.run(load(base, text, 5))  # warm: the filer's facts read into memory
        latencies, failures, wall = asyncio.run(load(base, text, args.concurrency))
    finally:
        server.terminate()
        server.wait(10)
    lines = [
        f"{args.concurrency} concurrent `POST /api/check` of seed 002 ({len(text):,} characters, 81 claims each) "
        f"against `caibao serve` on 127.0.0.1: {failures} failed; p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; all done in "
        f"{wall:.1f} s ({args.concurrency / wall:.0f} checks/s). Checks run in the server's pool of worker "
        "processes (one per CPU), first come first served: the p50 is the middle of the queue, the p99 its end.",
    ]
    report = "\n".join(lines)
    print(report)
    if args.write:
        write_section(
            args.write, "Web: concurrent checks", f"`python benchmarks/web_load.py --write {args.write}`.\n\n{report}"
        )


if __name__ == "__main__":
    main()
