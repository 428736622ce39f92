"""`caibao ingest PATH... --workers N`: filings parsed on a real Dask LocalCluster of two processes,
written by one writer in input order, give the store a sequential ingest gives, byte for byte; a
bad document among them is named and nothing is written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from caibao.facts import bulk
from caibao.facts import ingest as loader
from caibao.facts.store import Store

CAIBAO = [sys.executable, "-m", "caibao"]
TABLES = {
    # Every stored row but the ingest timestamp, in a fixed order.
    "companies": "SELECT * FROM companies ORDER BY ALL",
    "sources": "SELECT * EXCLUDE (ingested_at) FROM sources ORDER BY seq",
    "facts": "SELECT * FROM facts ORDER BY ALL",
    "statements": "SELECT * FROM statements ORDER BY ALL",
    "statement_lines": "SELECT * FROM statement_lines ORDER BY ALL",
}


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CAIBAO_DB": str(db)}
    env.pop("CAIBAO_DASK_SCHEDULER", None)
    return subprocess.run([*CAIBAO, *args], capture_output=True, text=True, env=env, timeout=300)


def _tables(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: con.execute(query).fetchall() for name, query in TABLES.items()}


@pytest.fixture(scope="module")
def stores(shared, tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("bulk")
    sequential, parallel = root / "sequential.duckdb", root / "parallel.duckdb"
    one = _cli(sequential, "ingest", str(shared / "filings"))
    two = _cli(parallel, "ingest", str(shared / "filings"), "--workers", "2")
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    return sequential, parallel, one, two


def test_facts_csv_equal_byte_for_byte(stores):
    sequential, parallel, one, two = stores
    noise = [line for line in two.stderr.splitlines() if "warning:" not in line]
    assert not noise, two.stderr  # the cluster's own logging stays out of the user's way
    assert two.stdout == one.stdout  # the same report, document by document, in the same order
    assert "17 documents: 3089 facts added, 443 derived, 0 rejected" in two.stdout
    with Store.open(sequential, read_only=True) as store:
        tickers = store.tickers()
    assert tickers == ["AAPL", "AMZN", "GOOGL", "IBM", "META", "NFLX", "NVDA", "TSLA", "WMT"]
    for ticker in tickers:
        alone = _cli(sequential, "facts", ticker, "--format", "csv")
        spread = _cli(parallel, "facts", ticker, "--format", "csv")
        assert alone.returncode == 0, alone.stderr
        assert alone.stdout.count("\n") > 50
        assert spread.stdout.encode() == alone.stdout.encode(), ticker


def test_every_stored_row_equal(stores, shared):
    sequential, parallel, _, _ = stores
    here, there = _tables(sequential), _tables(parallel)
    filed = {row[0] for row in here["sources"] if not row[0].startswith("derived:")}
    assert filed == {"amzn-facts.csv", *(p.name for p in loader.documents([shared / "filings"]))}
    assert len(here["statement_lines"]) > 300
    for name in TABLES:
        assert there[name] == here[name], name


def test_a_bad_document_is_named_and_nothing_is_written(shared, tmp_path):
    folder = tmp_path / "filings"
    folder.mkdir()
    for name in ("nflx-10-q-2025-07-18.htm", "tsla-10-q-2025-07-24.htm"):
        shutil.copy(shared / "filings" / name, folder / name)
    (folder / "broken-10-q.htm").write_bytes(b"<html><body><ix:nonFraction name='x'>1</ix:nonFraction")
    (folder / "empty.xml").write_bytes(b"")
    db = tmp_path / "store.duckdb"
    before = _tables(db) if db.exists() else None
    result = _cli(db, "ingest", str(folder), "--workers", "2")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "broken-10-q.htm" in lines[0] and "empty.xml" in lines[1]  # in input order, one line each
    assert "2 of 4 documents are bad; nothing was written" in lines[-1]
    assert "Traceback" not in result.stderr
    after = _tables(db) if db.exists() else None
    assert before is None or after == before
    if after is not None:
        assert {row[0] for row in after["sources"]} <= {"amzn-facts.csv"}


def test_sequential_bulk_run_stops_at_the_first_bad_document(shared, tmp_path):
    from caibao.errors import IngestError

    inputs = [
        loader.Input("broken.htm", b"<html><body>no facts at all"),
        loader.Input("nflx-10-q-2025-07-18.htm", (shared / "filings" / "nflx-10-q-2025-07-18.htm").read_bytes()),
    ]
    with Store.open(tmp_path / "store.duckdb") as store:
        with pytest.raises(IngestError, match=r"^broken\.htm"):
            bulk.run(inputs, store)
        assert "NFLX" not in store.tickers()
        reports = bulk.run(inputs[1:], store)
        assert [r.document for r in reports] == ["nflx-10-q-2025-07-18.htm"]
        assert reports[0].added > 100
