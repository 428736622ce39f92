"""`caibao check` reading rows of face income statements as the filers label them (issue 10): each
row of a table, with the filer's own words and figure (signed as the filing shows it), resolves to
the metric that row is, or stays unverifiable where the label names only part of a metric, and is
never contradicted. The stores are real: the shared filings, ingested into a DuckDB file."""

from __future__ import annotations

from pathlib import Path

import pytest

from caibao.claims.check import check_text
from caibao.facts.ingest import ingest_file
from caibao.facts.store import Store

FILINGS = Path(__file__).resolve().parents[2] / "shared" / "filings"
FILES = ["amzn-10-k-2025-02-07.htm", "googl-10-k-2025-02-05.htm", "meta-10-k-2025-01-30.htm",
         "nflx-10-q-2025-07-18.htm", "tsla-10-k-2025-01-30.htm", "aapl-10-k-2024-11-01.htm",
         "wmt-10-k-2025-03-14.htm", "ibm-10-q-2025-07-24.htm", "nvda-10-k-2025-02-26.htm"]  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    db = Store.open(tmp_path_factory.mktemp("rows") / "rows.duckdb", seed=False)
    for name in FILES:
        ingest_file(db, FILINGS / name)
    return db


# (ticker, period column, group row above or "", row label, figure as shown, metric read or None, verdict)
ROWS = [
    # a longer phrase wins over the metric inside it
    ("AMZN", "FY2024", "", "Total non-operating income (expense)", "21", "non_operating_income", "supported"),
    ("META", "FY2024", "", "Income before provision for income taxes", "70,663", "income_before_taxes", "supported"),
    ("AAPL", "FY2024", "", "Income before provision for income taxes", "123,485", "income_before_taxes", "supported"),
    (
        "IBM",
        "2025Q2",
        "",
        "Income from continuing operations before income taxes",
        "2,597",
        "income_before_taxes",
        "supported",
    ),
    ("NVDA", "FY2025", "", "Income before income tax", "84,026", "income_before_taxes", "supported"),
    # income "per share" is earnings per share, basic or diluted as the label says
    ("GOOGL", "FY2024", "", "Basic net income per share (Note 12)", "$8.13", "eps_basic", "supported"),
    ("GOOGL", "FY2024", "", "Diluted net income per share (Note 12)", "$8.04", "eps_diluted", "supported"),
    (
        "WMT",
        "FY2025",
        "",
        "Basic net income per common share attributable to Walmart",
        "$2.42",
        "eps_basic",
        "supported",
    ),
    (
        "WMT",
        "FY2025",
        "",
        "Diluted net income per common share attributable to Walmart",
        "$2.41",
        "eps_diluted",
        "supported",
    ),
    # "attributable to" the shareholders: their net income; to the noncontrolling holders: no figure held
    ("WMT", "FY2025", "", "Consolidated net income attributable to Walmart", "19,436", "net_income", "supported"),
    (
        "TSLA",
        "FY2024",
        "",
        "Net income (loss) attributable to noncontrolling interests and redeemable "
        "noncontrolling interests in subsidiaries",
        "62",
        None,
        "unverifiable",
    ),
    # a provision or expense shown as a deduction is the same figure
    ("AMZN", "FY2024", "", "Benefit (provision) for income taxes", "(9,265)", "income_tax_provision", "supported"),
    ("NFLX", "2025Q2", "", "Provision for income taxes", "-506", "income_tax_provision", "supported"),
    # MD&A prose uses "interest expense" for segments' and financing interest alike: not read as the line
    ("AMZN", "FY2024", "", "Interest expense", "(2,406)", None, "unverifiable"),
    ("TSLA", "FY2024", "", "Provision for (benefit from) income taxes", "1,837", "income_tax_provision", "supported"),
    # a loss keeps its sign: operating income is no deduction
    ("AMZN", "FY2024", "", "Other income (expense), net", "(2,250)", None, "unverifiable"),
    # a row naming part of a metric is not the whole metric
    (
        "TSLA",
        "FY2024",
        "Cost of revenues",
        "Total automotive cost of revenues",
        "62,873",
        "cost_of_sales",
        "unverifiable",
    ),
    ("AAPL", "FY2024", "Cost of sales", "Products", "185,233", "product_revenue", "unverifiable"),
    ("AAPL", "FY2024", "Cost of sales", "Services", "25,119", "service_revenue", "unverifiable"),
    ("IBM", "2025Q2", "Revenue", "Sales", "9,129", "revenue", "unverifiable"),
    ("TSLA", "FY2024", "Cost of revenues", "Automotive sales", "61,870", "cost_of_sales", "supported"),
    ("TSLA", "FY2024", "Revenues", "Automotive sales", "72,480", "revenue", "supported"),
    # under an umbrella row its rows are metrics of their own
    ("AMZN", "FY2024", "Operating expenses", "Cost of sales", "326,288", "cost_of_sales", "supported"),
    ("NFLX", "2025Q2", "", "Technology and development", "825", "research_and_development", "supported"),
    # Apple's "Gross margin" in dollars
    ("AAPL", "FY2024", "", "Gross margin", "180,683", "gross_profit", "supported"),
    # a reconciling item's measure is not the company's
    (
        "AAPL",
        "FY2024",
        "Research and development not allocated to segments",
        "Operating income",
        "(31,370)",
        "operating_income",
        "unverifiable",
    ),
    ("NVDA", "FY2025", "Corporate", "Operating income", "(6,507)", "operating_income", "unverifiable"),
]


@pytest.mark.parametrize(("ticker", "period", "group", "label", "shown", "metric", "verdict"), ROWS,
                         ids=[f"{r[0]}-{r[3][:40]}" for r in ROWS])  # fmt: skip
def test_a_statement_row_reads_as_the_metric_it_is(store: Store, ticker, period, group, label, shown, metric,
                                                   verdict):  # fmt: skip
    text = f"# {ticker} {period}\n\n| US$ million | {period} |\n|---|---|\n"
    if group:
        text += f"| {group} | |\n"
    text += f"| {label} | {shown} |\n"
    report = check_text(store, text, ticker, document="rows.md")
    [claim] = [c for c in report.claims if c.quote == shown or c.quote.strip("()$-") == shown.strip("()$-")]
    assert (claim.metric, claim.verdict) == (metric, verdict), claim.explanation
    assert claim.verdict != "contradicted"
