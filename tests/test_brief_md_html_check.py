"""A brief's Markdown and HTML are one document: `caibao check` gives each figure the same verdict
in both (issue 10), and the segment table's rows and margins are read as the segment measure they
show (IBM's segment pre-tax income, Tesla's segment gross profit). Real filings, a real DuckDB file."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from caibao.brief.build import build_brief
from caibao.brief.render import render
from caibao.claims.check import check_text
from caibao.facts.ingest import ingest_file
from caibao.facts.store import Store

FILINGS = Path(__file__).resolve().parents[2] / "shared" / "filings"
FILES = ["tsla-10-q-2025-07-24.htm", "tsla-10-k-2025-01-30.htm", "ibm-10-q-2025-07-24.htm"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    if not FILINGS.is_dir():
        pytest.skip("../shared/filings is not beside the checkout")
    db = Store.open(tmp_path_factory.mktemp("mdhtml") / "mdhtml.duckdb", seed=False)
    for name in FILES:
        ingest_file(db, FILINGS / name)
    return db


def _verdicts(report) -> dict[tuple[str, str, int], str]:
    """Each figure's verdict, keyed by its row (or sentence) as written, less the markup's spacing."""
    found, seen = {}, Counter()
    for claim in report.claims:
        key = (re.sub(r"[^\w%$.,]", "", claim.sentence)[:30], claim.quote)
        seen[key] += 1
        found[(*key, seen[key])] = claim.verdict
    return found


@pytest.mark.parametrize(
    ("ticker", "period", "lang"),
    [("TSLA", "2025Q2", "zh-Hans"), ("TSLA", "FY2024", "zh-Hans"), ("TSLA", "2025Q2", "zh-Hant"),
     ("TSLA", "2025Q2", "en"), ("TSLA", "FY2024", "zh-Hant")],
)  # fmt: skip
def test_md_and_html_agree(store: Store, ticker: str, period: str, lang: str) -> None:
    brief = build_brief(store, ticker, period, lang)
    md = _verdicts(check_text(store, render(brief, "md"), ticker, document="b.md"))
    html = _verdicts(check_text(store, render(brief, "html"), ticker, document="b.html", html=True))
    assert md.keys() == html.keys()
    differ = {k: (md[k], html[k]) for k in md if md[k] != html[k]}
    assert differ == {}
    assert "contradicted" not in md.values()


# (ticker, period, language, the row as the segment table shows it, figure, verdict)
SEGMENT_ROWS = [
    ("IBM", "2025Q2", "en", "Segment pre-tax income", "2,296", "supported"),  # Software
    ("IBM", "2025Q2", "zh-Hans", "分部税前利润", "2,296", "supported"),
    ("IBM", "2025Q2", "en", "Segment pre-tax income", "-549", "supported"),  # a reconciling item
    ("IBM", "2025Q2", "en", "Segment pre-tax income", "2,597", "supported"),  # the total: pre-tax income
    ("TSLA", "2025Q2", "en", "Segment gross profit", "3,032", "supported"),  # Automotive
    ("TSLA", "2025Q2", "zh-Hans", "分部毛利", "846", "supported"),  # Energy
]


@pytest.mark.parametrize(("ticker", "period", "lang", "row", "figure", "verdict"), SEGMENT_ROWS)
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_segment_measure_rows(store: Store, ticker, period, lang, row, figure, verdict, fmt) -> None:
    text = render(build_brief(store, ticker, period, lang), fmt)
    report = check_text(store, text, ticker, document=f"b.{fmt}", html=fmt == "html")
    found = [c for c in report.claims if c.quote == figure and row in c.sentence]
    assert found, f"{figure} not read in the {row} row"
    assert {c.verdict for c in found} == {verdict}, [c.explanation for c in found]


# The segment table's margin column headed by the measure ("Pre-tax margin", "毛利率"): that measure's
# margin over the segment's revenue. (ticker, period, language, brief's heading, the measure's, figure, metric)
MARGINS = [
    ("IBM", "2025Q2", "en", "Op. margin", "Pre-tax margin", "31.1%"),
    ("IBM", "2025Q2", "zh-Hant", "營業利益率", "稅前淨利率", "31.1%"),
    ("IBM", "2025Q2", "zh-Hans", "营业利润率", "税前净利率", "23.3%"),
    ("TSLA", "FY2024", "en", "Op. margin", "Gross margin", "16.9%"),
    ("TSLA", "FY2024", "zh-Hans", "营业利润率", "毛利率", "26.2%"),
]


@pytest.mark.parametrize(("ticker", "period", "lang", "heading", "measure", "figure"), MARGINS)
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_segment_margin_column(store: Store, ticker, period, lang, heading, measure, figure, fmt) -> None:
    text = render(build_brief(store, ticker, period, lang), fmt)
    lines = [line.replace(heading, measure) if "FY" in line and heading in line else line for line in text.split("\n")]
    report = check_text(store, "\n".join(lines), ticker, document=f"b.{fmt}", html=fmt == "html")
    found = [c for c in report.claims if c.quote == figure and c.measure == "margin" and c.segment]
    assert found
    assert {c.verdict for c in found} == {"supported"}, [c.explanation for c in found]
