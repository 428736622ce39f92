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
    # a reconciling item's measure is not the company's: it is the item's own, which the filer reconciles
    # its segments with (filed under the segment measure), or unverifiable where the store has none
    (
        "AAPL",
        "FY2024",
        "Research and development not allocated to segments",
        "Operating income",
        "(31,370)",
        "operating_income",
        "supported",
    ),
    ("NVDA", "FY2025", "Corporate", "Operating income", "(6,507)", "operating_income", "supported"),
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


def _html_table(period: str, rows: list[tuple[str, int, str]]) -> str:
    """A table as the brief's HTML writes one (brief_body.html.j2): a group row is one cell over all
    columns; a line's depth is a class on its label cell; a figure of "" marks a group row."""
    body = []
    for label, depth, shown in rows:
        if not shown:
            body.append(f'<tr class="group"><td colspan="2">{label}</td></tr>')
        else:
            cls = f' class="depth{depth}"' if depth else ""
            body.append(f"<tr><td{cls}>{label}</td><td>{shown}</td></tr>")
    return (
        f"<h3>Condensed income statement</h3>\n<table>\n<thead><tr><th>US$ million</th><th>{period}</th></tr></thead>\n"
        "<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>\n"
    )


def _md_table(period: str, rows: list[tuple[str, int, str]]) -> str:
    """The same table as the brief's Markdown writes it: two no-break spaces a level."""
    lines = [f"| US$ million | {period} |", "|---|---|"]
    lines += [f"| {chr(0xA0) * 2 * depth}{label} | {shown} |" for label, depth, shown in rows]
    return "\n".join(lines) + "\n"


# (ticker, period, rows as (label, depth, figure; "" for a group row), figure read, metric, verdict)
TABLES = [
    # "Total cost of sales" closes the group: "Gross margin" after it is the company's, in dollars
    ("AAPL", "FY2024", [("Cost of sales", 0, ""), ("Products", 1, "185,233"), ("Services", 1, "25,119"),
                        ("Total cost of sales", 2, "210,352"), ("Gross margin", 3, "180,683")],
     "180,683", "gross_profit", "supported"),
    ("AAPL", "FY2024", [("Cost of sales", 0, ""), ("Products", 1, "185,233"), ("Total cost of sales", 2, "210,352")],
     "185,233", "product_revenue", "unverifiable"),
    ("AAPL", "FY2024", [("Cost of sales", 0, ""), ("Products", 1, "185,233"), ("Total cost of sales", 2, "210,352")],
     "210,352", "cost_of_sales", "supported"),
    # IBM's "Sales" under "Revenue" is a part of revenue; its "Total revenue", at the heading's depth, the whole
    ("IBM", "2025Q2", [("Revenue", 0, ""), ("Services", 1, "7,682"), ("Sales", 1, "9,129"),
                       ("Financing", 1, "166"), ("Total revenue", 0, "16,977")],
     "9,129", "revenue", "unverifiable"),
    ("IBM", "2025Q2", [("Revenue", 0, ""), ("Services", 1, "7,682"), ("Sales", 1, "9,129"),
                       ("Financing", 1, "166"), ("Total revenue", 0, "16,977")],
     "16,977", "revenue", "supported"),
    # under "Cost", a word naming no metric, "Sales" is the cost of sales, no revenue
    ("IBM", "2025Q2", [("Cost", 0, ""), ("Services", 1, "5,280"), ("Sales", 1, "1,630")],
     "1,630", "revenue", "unverifiable"),
    # a row back at the heading's depth, with no total between, stands outside the group
    ("IBM", "2025Q2", [("Revenue", 0, ""), ("Services", 1, "7,682"), ("Sales", 1, "9,129"),
                       ("Gross profit", 0, "9,977")],
     "9,977", "gross_profit", "supported"),
    # a total worded as its heading: the same metric, not the group's part, with "合計"
    ("TSLA", "FY2024", [("營業成本", 0, ""), ("汽車銷售成本", 1, "61,870"), ("營業成本合計", 2, "80,240")],
     "80,240", "cost_of_sales", "supported"),
    ("TSLA", "FY2024", [("營業成本", 0, ""), ("汽車銷售成本", 1, "61,870"), ("營業成本", 2, "80,240")],
     "80,240", "cost_of_sales", "unverifiable"),
    ("TSLA", "FY2024", [("Cost of revenues", 0, ""), ("Automotive sales", 1, "61,870")],
     "61,870", "cost_of_sales", "supported"),
    # "Net income" above the shareholders' share is the group's, noncontrolling holders included
    ("TSLA", "FY2024", [("Net income", 0, "7,153"), ("Net income attributable to common stockholders", 0, "7,091")],
     "7,153", "consolidated_net_income", "supported"),
    # under an umbrella its rows are metrics of their own; the heading's scope ends at "Operating income"
    ("GOOGL", "FY2024", [("成本及費用", 0, ""), ("研發費用", 1, "49,326"), ("管理費用", 1, "14,188"),
                         ("營業利益", 0, "112,390")],
     "49,326", "research_and_development", "supported"),
    ("GOOGL", "FY2024", [("成本及費用", 0, ""), ("研發費用", 1, "49,326"), ("營業利益", 0, "112,390")],
     "112,390", "operating_income", "supported"),
    # Walmart's net sales row under the heading 營收, above 總營收
    ("WMT", "FY2025", [("營收", 0, ""), ("淨銷售額", 1, "674,538"), ("其他收入", 1, "6,447"), ("總營收", 2, "680,985")],
     "680,985", "revenue", "supported"),
]  # fmt: skip


@pytest.mark.parametrize("form", ["html", "md"])
@pytest.mark.parametrize(("ticker", "period", "rows", "shown", "metric", "verdict"), TABLES,
                         ids=[f"{t[0]}-{t[1]}-{t[3]}" for t in TABLES])  # fmt: skip
def test_a_brief_table_row_reads_under_its_group(store: Store, ticker, period, rows, shown, metric, verdict, form):
    """The brief's tables read alike in HTML (<tr> rows, a "depthN" class) and in Markdown (no-break
    spaces): one group-row logic, scoped by the rows' depth."""
    table = _html_table(period, rows) if form == "html" else _md_table(period, rows)
    text = f"<h1>{ticker} {period}</h1>\n{table}" if form == "html" else f"# {ticker} {period}\n\n{table}"
    report = check_text(store, text, ticker, document=f"rows.{form}", html=form == "html")
    [claim] = [c for c in report.claims if c.quote == shown]
    assert (claim.metric, claim.verdict) == (metric, verdict), claim.explanation


def test_statement_layout_data_names_known_metrics_and_plain_words():
    """The [statement] data the row-group logic reads: metrics the vocabulary has, lower-case words."""
    from caibao.claims.vocab import base
    from caibao.facts.catalogue import catalogue

    data = base()
    statement, metrics = data["statement"], set(data["metrics"]) | set(catalogue().metrics)
    for key in ("umbrellas", "part_measures"):
        assert statement[key] and set(statement[key]) <= metrics, key
    for key in ("group_words", "group_including"):
        words = statement[key]
        assert words and all(w == w.strip().lower() and w for w in words), key
        assert len(set(words)) == len(words), key
    assert "excluding" not in statement["group_including"]  # a narrowing word is never an inclusive one
