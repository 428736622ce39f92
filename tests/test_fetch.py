"""`caibao fetch` against a real HTTP server on 127.0.0.1 answering like SEC EDGAR."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from itertools import pairwise

import pytest

from caibao.errors import CaibaoError
from caibao.facts.periods import parse_label
from caibao.facts.sec import SecClient, fetch, user_agent
from caibao.facts.store import Store

from .sec_server import CIK, Sec, serve

AGENT = "caibao tests caibao-tests@example.com"


@pytest.fixture
def sec(shared, tmp_path, monkeypatch):
    state = Sec(shared / "filings")
    server, base = serve(state)
    monkeypatch.setenv("CAIBAO_SEC_WWW", base)
    monkeypatch.setenv("CAIBAO_SEC_DATA", base)
    monkeypatch.setenv("CAIBAO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CAIBAO_USER_AGENT", AGENT)
    monkeypatch.setenv("CAIBAO_HTTP_BACKOFF", "0.05")  # the real 0.5 s doubling is for SEC, not for tests
    yield state
    server.shutdown()


def run(*args: str, db) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "caibao", *args, "--db", str(db)], capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def test_fetch_ingests_filings_and_company_facts(sec, tmp_path):
    sec.fail[f"/api/xbrl/companyfacts/CIK{CIK}.json"] = 2  # two 503s, then an answer
    db = tmp_path / "s.duckdb"
    result = run("fetch", "NFLX", "--forms", "10-K,10-Q", db=db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("nflx-10-k-2025-01-27.htm: ") and lines[1].startswith("nflx-10-q-2025-07-18.htm: ")
    assert lines[2].startswith(f"CIK{CIK}.json: ") and lines[-1] == "3 documents from 7 requests"
    paths = [path for _, path, _ in sec.requests]
    assert not any("8k" in p for p in paths)  # only the forms asked for
    assert {agent for _, _, agent in sec.requests} == {AGENT}
    times = [t for t, _, _ in sec.requests]
    assert min(b - a for a, b in pairwise(times)) >= 0.09  # at most 10 a second
    with Store.open(db) as store:
        index = store.index("NFLX")
        assert index.get("revenue", parse_label("2025Q2")).value == 11_079_166_000
        q4 = index.get("revenue", parse_label("2024Q4"))  # FY2024 less the 9M in the company facts
        assert q4 is not None and q4.derived and q4.value == 10_328_685_000
    brief = run("brief", "NFLX", "2025Q2", "--lang", "en", db=db)
    assert brief.returncode == 0 and "| Revenues | 11,079 |" in brief.stdout  # the filer's own label


def test_second_fetch_comes_from_the_cache(sec, tmp_path):
    assert run("fetch", "NFLX", "--since", "2025", db=tmp_path / "a.duckdb").returncode == 0
    count = len(sec.requests)
    again = run("fetch", "NFLX", "--since", "2025", db=tmp_path / "b.duckdb")
    assert again.returncode == 0 and len(sec.requests) == count
    assert again.stdout.splitlines()[-1] == "3 documents from 0 requests"


def test_a_stalled_answer_is_retried(sec, tmp_path, monkeypatch):
    monkeypatch.setenv("CAIBAO_HTTP_TIMEOUT", "1")
    sec.stall[f"/submissions/CIK{CIK}.json"] = 3
    client = SecClient(user_agent(), backoff=0.05)
    documents = fetch(client, "NFLX", {"10-Q"}, None)
    assert [(d.name, d.filed) for d in documents] == [
        ("nflx-10-q-2025-07-18.htm", date(2025, 7, 18)),
        (f"CIK{CIK}.json", None),
    ]
    assert [p for _, p, _ in sec.requests].count(f"/submissions/CIK{CIK}.json") == 2


def test_a_broken_endpoint_fails_clearly_and_writes_nothing(sec, tmp_path):
    sec.broken.add(f"/api/xbrl/companyfacts/CIK{CIK}.json")
    db = tmp_path / "s.duckdb"
    result = run("fetch", "NFLX", db=db)
    assert result.returncode == 1
    assert result.stderr.strip().endswith(f"/api/xbrl/companyfacts/CIK{CIK}.json: HTTP 500 after 5 tries")
    with Store.open(db) as store:
        assert store.tickers() == ["AMZN"]  # the bundled data only: nothing of NFLX was written


def test_unknown_ticker_and_missing_user_agent(sec, tmp_path, monkeypatch):
    result = run("fetch", "ZZZZ", db=tmp_path / "s.duckdb")
    assert result.returncode == 1 and "ZZZZ: not in SEC's ticker map" in result.stderr
    monkeypatch.delenv("CAIBAO_USER_AGENT")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    with pytest.raises(CaibaoError, match="SEC requires a User-Agent"):
        user_agent()
    result = run("fetch", "NFLX", db=tmp_path / "s.duckdb")
    assert result.returncode == 1 and "CAIBAO_USER_AGENT" in result.stderr and len(result.stderr.splitlines()) == 1
