"""A member turned into its complement ("outside the United States", "美國以外", "excluding AWS") names no
member: the figure is unverifiable, never judged as the member's own (a false alarm otherwise). A member
that bears such a name itself (Walmart's "Non-U.S.") is still that member."""

from __future__ import annotations

from pathlib import Path

import pytest

from caibao.claims.check import check_text
from caibao.facts.ingest import ingest_file
from caibao.facts.store import Store

FILINGS = Path(__file__).resolve().parents[2] / "shared" / "filings"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    db = Store.open(tmp_path_factory.mktemp("negation") / "n.duckdb")
    for name in ("amzn-10-k-2025-02-07.htm", "nflx-10-k-2025-01-27.htm", "wmt-10-k-2025-03-14.htm"):
        ingest_file(db, FILINGS / name)
    return db


@pytest.mark.parametrize(
    ("ticker", "sentence", "verdict"),
    [
        ("AMZN", "Amazon's net sales outside the United States were $199.9 billion in fiscal 2024.", "unverifiable"),
        ("AMZN", "2024 年亞馬遜美國以外的營收為 1,999 億美元。", "unverifiable"),
        ("NFLX", "Revenue outside the United States and Canada was $21.6 billion in 2024.", "unverifiable"),
        ("NFLX", "Netflix's 2024 revenue excluding the United States and Canada was $21.6 billion.", "unverifiable"),
        ("NFLX", "Revenue in the United States and Canada was $17.4 billion in 2024.", "supported"),
        ("WMT", "Walmart's revenues outside the U.S. were $123.4 billion in fiscal 2025.", "supported"),
        ("AMZN", "Amazon's net sales in the United States were $438.0 billion in fiscal 2024.", "supported"),
    ],
)
def test_a_member_turned_into_its_complement(store: Store, ticker: str, sentence: str, verdict: str):
    [claim] = [c for c in check_text(store, sentence, ticker).claims if c.kind == "money"]
    assert claim.verdict == verdict, claim.explanation
