"""The DuckDB store: seeded on first use, transactional, idempotent, and faithful to the reference."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from caibao.errors import CaibaoError, IngestError
from caibao.facts.csv_source import read_csv_facts
from caibao.facts.ingest import ingest_file
from caibao.facts.store import Store, default_db_path, resolve_db_path

from .conftest import BUNDLED_CSV

ONE_ROW = (
    "period,period_start,period_end,fiscal_period,metric,segment,value,unit,source_url,note\n"
    "2026Q1,2026-01-01,2026-03-31,Q1,net_sales,,180000,USD_millions,https://example.test,\n"
)


def test_bundled_copy_is_the_reference_byte_for_byte(shared):
    assert BUNDLED_CSV.read_bytes() == (shared / "reference" / "amzn-facts.csv").read_bytes()


def test_store_holds_the_reference_values_exactly(shared, store):
    reference = list(csv.DictReader((shared / "reference" / "amzn-facts.csv").open(encoding="utf-8", newline="")))
    stored = {(f.source.locator, f.value) for f in store.facts("AMZN")}
    assert len(stored) == len(reference) == 901
    scale = {"USD_millions": 6, "shares_millions": 6, "USD_per_share": 0, "pct": 0}
    values = sorted(Decimal(r["value"]).scaleb(scale[r["unit"]]) for r in reference)
    assert sorted(v for _, v in stored) == values


def test_first_use_creates_and_seeds(tmp_path):
    path = tmp_path / "deep" / "new.duckdb"
    with Store.open(path) as store:
        assert store.count() == 901
        assert store.tickers() == ["AMZN"]
        assert store.company_name("AMZN") == "Amazon.com, Inc."
    with Store.open(path) as store:  # a second open seeds nothing twice
        assert store.count() == 901


def test_db_path_resolution(monkeypatch, tmp_path):
    monkeypatch.setenv("CAIBAO_DB", str(tmp_path / "env.duckdb"))
    assert resolve_db_path() == tmp_path / "env.duckdb"
    assert resolve_db_path(tmp_path / "flag.duckdb") == tmp_path / "flag.duckdb"
    monkeypatch.delenv("CAIBAO_DB")
    assert resolve_db_path() == default_db_path()
    assert default_db_path().parts[-2:] == ("caibao", "caibao.duckdb")


def test_same_source_twice_changes_nothing(store, tmp_path, shared):
    path = tmp_path / "msft-facts.csv"
    path.write_text(ONE_ROW, encoding="utf-8")
    first = ingest_file(store, path, ticker="MSFT")
    assert (first.added, first.unchanged) == (1, False)
    snapshot = store.con.execute("SELECT * FROM facts ORDER BY id").fetchall()
    second = ingest_file(store, path, ticker="MSFT")
    assert second.unchanged and "nothing changed" in second.summary()
    assert store.con.execute("SELECT * FROM facts ORDER BY id").fetchall() == snapshot
    # The reference file is the bundled dataset: same content, nothing to add.
    assert ingest_file(store, shared / "reference" / "amzn-facts.csv", ticker="AMZN").unchanged


def test_changed_document_replaces_its_earlier_version(store, tmp_path):
    path = tmp_path / "msft-facts.csv"
    path.write_text(ONE_ROW, encoding="utf-8")
    ingest_file(store, path, ticker="MSFT")
    path.write_text(ONE_ROW.replace("180000", "181000"), encoding="utf-8")
    report = ingest_file(store, path, ticker="MSFT")
    assert (report.added, report.replaced) == (1, 1)
    [fact] = store.facts("MSFT")
    assert fact.value == Decimal("181000000000")


def test_failed_batch_writes_nothing(store, tmp_path):
    before = store.con.execute("SELECT count(*), (SELECT count(*) FROM sources) FROM facts").fetchone()
    path = tmp_path / "bad.csv"
    path.write_text(
        ONE_ROW
        + ONE_ROW.splitlines()[1]
        .replace("2026Q1,2026-01-01,2026-03-31,Q1", "2026Q2,2026-04-01,2026-06-30,Q2")
        .replace("180000", "x")
        + "\n"
    )
    with pytest.raises(IngestError, match="bad.csv:3: field 'value'"):
        ingest_file(store, path, ticker="MSFT")
    assert store.con.execute("SELECT count(*), (SELECT count(*) FROM sources) FROM facts").fetchone() == before


def test_provenance_round_trips(store):
    [fact] = store.facts("AMZN", metric="segment_operating_income", member="aws", label=None)[:1]
    again = store.fact(fact.id)
    assert again == fact
    [q4] = [f for f in store.facts("AMZN", metric="revenue") if f.label == "2025Q4"]
    assert q4.source.document == "amzn-facts.csv"
    assert q4.source.locator == "line 823"
    assert q4.source.url.startswith("https://github.com/apresai/podcaster/")
    assert (
        BUNDLED_CSV.read_text(encoding="utf-8")
        .splitlines()[822]
        .startswith("2025Q4,2025-10-01,2025-12-31,Q4,net_sales")
    )


def test_reported_facts_come_before_derived_ones(store):
    facts = store.facts("AMZN", metric="line_revenue", member="Advertising services")
    flags = [f.derived for f in facts]
    assert flags == sorted(flags) and True in flags and False in flags


def test_not_a_store(tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(CaibaoError, match="junk.duckdb"):
        Store.open(junk)


def test_fact_ids_are_stable_across_stores(tmp_path):
    a = {f.id for f in read_csv_facts(BUNDLED_CSV, ticker="AMZN")}
    with Store.open(Path(tmp_path) / "s.duckdb") as store:
        assert {f.id for f in store.facts("AMZN")} == a


def test_a_store_from_before_as_of_is_upgraded(tmp_path):
    # Regression: stores created before sources.as_of existed crashed on the first read.
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE sources (document VARCHAR PRIMARY KEY, sha256 VARCHAR NOT NULL, kind VARCHAR NOT NULL, "
        "ingested_at TIMESTAMP NOT NULL DEFAULT current_timestamp, facts INTEGER NOT NULL, seq INTEGER NOT NULL)"
    )
    con.close()
    with Store.open(path) as store:
        assert store.count() == 901
        assert len(store.facts("AMZN", metric="revenue")) == 25
