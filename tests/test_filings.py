"""Real SEC filings from ../shared/filings: every one ingests, and the key figures come out as filed."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caibao.brief.build import build_brief
from caibao.cli.app import app
from caibao.facts import ingest as loader
from caibao.facts.periods import parse_label
from caibao.facts.store import Store

M = Decimal(1_000_000)


def load(store: Store, shared: Path, *names: str):
    return [loader.write(store, loader.prepare(n, (shared / "filings" / n).read_bytes(), None)) for n in names]


def figure(store: Store, ticker: str, metric: str, period: str, member: str = "") -> Decimal:
    fact = store.index(ticker).get(metric, parse_label(period), member)
    assert fact is not None, (ticker, metric, period, member)
    return fact.value


def test_every_filing_ingests(filings_store, shared):
    store, reports = filings_store
    filings = sorted(p.name for p in (shared / "filings").iterdir() if not p.name.endswith(("_cal.xml", "_lab.xml")))
    assert [r.document for r in reports] == filings
    assert all(r.added > 0 for r in reports if not r.document.startswith("ibm-10-k"))
    ibm = next(r for r in reports if r.document.startswith("ibm-10-k"))
    assert ibm.added == 0 and any("incorporated by reference" in w for w in ibm.warnings)
    assert set(store.tickers()) == {"AAPL", "AMZN", "GOOGL", "IBM", "META", "NFLX", "NVDA", "TSLA", "WMT"}


def test_amazon_fy2024_from_its_10k(shared, tmp_path, monkeypatch):
    path = tmp_path / "amzn.duckdb"
    with Store.open(path, seed=False) as store:
        load(store, shared, "amzn-10-k-2025-02-07.htm")
    result = CliRunner().invoke(app, ["facts", "AMZN", "--period", "FY2024", "--format", "csv", "--db", str(path)])
    assert result.exit_code == 0, result.output
    got = {(r["metric"], r["segment"]): Decimal(r["value"]) / M for r in csv.DictReader(io.StringIO(result.stdout))}
    expected = {
        ("revenue", ""): 637_959, ("operating_income", ""): 68_593, ("net_income", ""): 59_248,
        ("segment_revenue", "AWS"): 107_556, ("segment_operating_income", "AWS"): 39_834,
        ("segment_revenue", "North America"): 387_497, ("segment_revenue", "International"): 142_906,
        ("line_revenue", "Advertising services"): 56_214, ("line_revenue", "Online stores"): 247_029,
        ("line_revenue", "Physical stores"): 21_215, ("line_revenue", "Third-party seller services"): 156_146,
        ("line_revenue", "Subscription services"): 44_374, ("line_revenue", "AWS"): 107_556,
        ("line_revenue", "Other"): 5_425, ("product_revenue", ""): 272_311, ("service_revenue", ""): 365_648,
    }  # fmt: skip
    for key, value in expected.items():
        assert got[key] == value, key
    assert ("segment_revenue", "North America And International") not in got  # a subtotal, left out


@pytest.mark.parametrize(
    ("ticker", "metric", "period", "member", "millions"),
    [
        ("GOOGL", "revenue", "FY2024", "", "350018"),
        ("GOOGL", "operating_income", "FY2024", "", "112390"),
        ("GOOGL", "net_income", "FY2024", "", "100118"),
        ("GOOGL", "segment_revenue", "FY2024", "Google Cloud", "43229"),
        ("GOOGL", "segment_operating_income", "FY2024", "Google Cloud", "6112"),
        ("GOOGL", "segment_revenue", "FY2024", "Google Services", "304930"),
        ("META", "revenue", "FY2024", "", "164501"),
        ("META", "operating_income", "FY2024", "", "69380"),
        ("META", "net_income", "FY2024", "", "62360"),
        ("META", "segment_operating_income", "FY2024", "Reality Labs", "-17729"),
        ("NFLX", "revenue", "FY2024", "", "39000.966"),
        ("NFLX", "operating_income", "FY2024", "", "10417.614"),
        ("NFLX", "net_income", "FY2024", "", "8711.631"),
        ("NFLX", "revenue", "2025Q2", "", "11079.166"),
        ("TSLA", "revenue", "FY2024", "", "97690"),
        ("TSLA", "operating_income", "FY2024", "", "7076"),
        ("TSLA", "net_income", "FY2024", "", "7091"),
        ("TSLA", "revenue", "2025Q2", "", "22496"),
        # Non-calendar fiscal years: Apple ends late September, NVIDIA late January, Walmart on 31 January.
        ("AAPL", "revenue", "FY2024", "", "391035"),
        ("AAPL", "revenue", "2025Q3", "", "94036"),  # quarter ended 28 June 2025
        ("NVDA", "revenue", "FY2025", "", "130497"),  # year ended 26 January 2025
        ("NVDA", "revenue", "2026Q2", "", "46743"),  # quarter ended 27 July 2025
        ("WMT", "revenue", "FY2025", "", "680985"),  # total revenues, the face-statement total
        ("AMZN", "revenue", "FY2021", "", "469822"),  # the FY2022 10-K as a plain XBRL instance
    ],
)
def test_key_figures(filings_store, ticker, metric, period, member, millions):
    store, _ = filings_store
    assert figure(store, ticker, metric, period, member) == Decimal(millions) * M


def test_eps_is_taken_as_filed(filings_store):
    store, _ = filings_store
    assert figure(store, "NFLX", "eps_diluted", "FY2024") == Decimal("19.83")
    assert figure(store, "AAPL", "eps_diluted", "FY2024") == Decimal("6.08")


def test_q4_is_the_year_less_nine_months(filings_store):
    store, _ = filings_store
    index = store.index("AAPL")
    q4 = index.get("revenue", parse_label("2023Q4"))
    assert q4 is not None and q4.derived
    assert q4.value == Decimal(89_498) * M  # FY2023 383,285 - 9M 293,787 (from the July 2023 10-Q)
    inputs = [store.fact(i) for i in q4.inputs]
    assert sorted(str(f.period.label) for f in inputs if f) == ["9M2023", "FY2023"]
    assert q4.period.start.isoformat() == "2023-07-02" and q4.period.end.isoformat() == "2023-09-30"
    assert index.get("eps_diluted", parse_label("2023Q4")) is None  # per-share: never derived


def test_derived_facts_are_marked_in_facts_csv(filings_store):
    store, _ = filings_store
    result = CliRunner().invoke(
        app, ["facts", "AAPL", "--metric", "revenue", "--period", "2023Q4", "--format", "csv", "--db", str(store.path)]
    )
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["derived"] == "true" and row["source"].startswith("derived:AAPL FY2023 - 9M2023")


@pytest.mark.parametrize("ticker", ["NFLX", "TSLA"])
def test_q2_brief_from_filings_alone(shared, tmp_path, ticker):
    with Store.open(tmp_path / "x.duckdb", seed=False) as store:
        names = [p.name for p in (shared / "filings").iterdir() if p.name.startswith(ticker.lower())]
        load(store, shared, *sorted(names))
        brief = build_brief(store, ticker, "2025Q2", "en")
        [half] = store.facts(ticker, "revenue", "", parse_label("6M2025"))
    income = next(t for t in brief.tables if t.key == "income")
    revenue = next(r for r in income.rows if r.key == "revenue")
    assert revenue.cells[0].value == figure_from(brief, "revenue", "2025Q2")
    # No 2025Q1 filing is ingested: the prior quarter is the half year less the second quarter, cited.
    q1 = next(f for f in brief.facts.values() if f.metric == "revenue" and f.label == "2025Q1" and not f.member)
    assert q1.derived and q1.inputs == (half.id, revenue.cells[0].sources[0])
    assert revenue.cells[1].value == q1.value == half.value - revenue.cells[0].value
    # a missing figure is never a 0; a 0 is a filed zero (Tesla's "—" restructuring line), cited
    assert all(c.sources for t in brief.tables for r in t.rows for c in r.cells if c.text == "0")
    assert any(n.endswith("guidance: none filed") for n in brief.notes)  # no guidance in a 10-Q


def figure_from(brief, metric, period):
    return next(f.value for f in brief.facts.values() if f.metric == metric and f.label == period and not f.member)


def test_reingesting_a_filing_changes_nothing(filings_store, shared):
    store, _ = filings_store
    before = store.count()
    [report] = load(store, shared, "meta-10-k-2025-01-30.htm")
    assert report.unchanged and store.count() == before


def test_quarters_are_labelled_from_the_filings(filings_store):
    store, _ = filings_store
    labels = {str(f.period.label) for f in store.facts("NFLX", metric="revenue")}
    assert labels >= {"FY2022", "FY2023", "FY2024", "2024Q2", "2025Q2", "6M2024", "6M2025"}
    tesla = {str(f.period.label) for f in store.facts("TSLA", metric="revenue")}
    assert {"2024Q2", "2025Q2", "FY2024"} <= tesla


@pytest.mark.parametrize(
    ("ticker", "text", "verdicts"),
    [
        ("NFLX", "LOS GATOS, Calif., July 17, 2025 -- Netflix second-quarter revenue rose 16% to $11.08 billion; "
                 "operating income was $3.77 billion.", ["supported", "supported", "supported"]),
        # no year, no dateline: which second quarter is not said, so nothing is judged
        ("NFLX", "Netflix second-quarter revenue rose 16% to $11.08 billion.", ["unverifiable", "unverifiable"]),
        ("NFLX", "奈飞2025年第二季度营收110.8亿美元,同比增长16%,营业利润37.7亿美元。", ["supported"] * 3),
        ("TSLA", "特斯拉2025年第二季度营收224.96亿美元,同比下降12%。", ["supported", "supported"]),
        ("TSLA", "Tesla's Q2 2025 revenue fell 21% to $22.5 billion.", ["contradicted", "supported"]),
        ("GOOGL", "Google Cloud revenue was $43.2 billion in 2024.", ["supported"]),
        # Any filer's own segments and lines are recognised, with the period written after the figure.
        ("AAPL", "Apple's iPhone revenue was $201.2 billion in fiscal 2024.", ["supported"]),
        ("META", "Meta's Reality Labs lost $17.7 billion in 2024.", ["supported"]),  # an operating loss
        ("NVDA", "NVIDIA Data Center revenue was $41.1 billion in the second quarter of fiscal 2026.", ["supported"]),
        # "automotive revenue" is what the press calls Tesla's "Total automotive revenues" line (names.toml)
        ("TSLA", "Tesla automotive revenue was $77.1 billion in 2024.", ["supported"]),
    ],
)  # fmt: skip
def test_check_an_article_about_an_ingested_company(filings_store, ticker, text, verdicts):
    from caibao.claims.check import check_text

    store, _ = filings_store
    report = check_text(store, text)
    assert report.ticker == ticker  # detected from the company's name
    assert [c.verdict for c in report.claims] == verdicts


def test_the_later_document_wins_whatever_the_order_of_ingest(shared, tmp_path):
    # Tesla's 10-K gives 2024Q2 income tax before adopting ASU 2023-08 (393 million, tagged plainly)
    # and as adjusted (371); its Q2 2025 10-Q gives 371. The adjusted figure stands for the 10-K, so
    # the two agree, and the 10-Q, filed later, is the one cited (tests/test_restatements.py changes
    # a figure to see the later filed document win a disagreement).
    for order in (("tsla-10-k-2025-01-30.htm", "tsla-10-q-2025-07-24.htm"),
                  ("tsla-10-q-2025-07-24.htm", "tsla-10-k-2025-01-30.htm")):  # fmt: skip
        with Store.open(tmp_path / f"{order[0]}.duckdb", seed=False) as store:
            reports = load(store, shared, *order)
            assert figure(store, "TSLA", "income_tax_provision", "2024Q2") == 371 * M
            fact = store.index("TSLA").get("income_tax_provision", parse_label("2024Q2"))
            assert fact is not None and fact.source.document == "tsla-10-q-2025-07-24.htm"
            warnings = [w for r in reports for w in r.warnings]
            assert not [w for w in warnings if w.startswith("income_tax_provision 2024Q2")], warnings
