"""Breakdowns on the shared filings' own figures: every filer's segments, lines and regions sum to
its total, through the reconciling items and subtotals the filing tags; and the brief's tables show
them so (shares only over a partition, subtotals above their indented lines)."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from caibao.analysis.breakdowns import MAX_MEMBERS, breakdown, completions, segment_profit_metrics
from caibao.brief.build import build_brief
from caibao.facts import ingest as loader
from caibao.facts.catalogue import catalogue
from caibao.facts.index import FactIndex
from caibao.facts.model import Fact, Period, Source
from caibao.facts.periods import FiscalLabel, parse_label
from caibao.facts.store import Store
from caibao.facts.xbrl_source import xbrl_map


@pytest.fixture(scope="module")
def store(shared: Path, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("breakdowns") / "filings.duckdb"
    with Store.open(path, seed=False) as opened:
        for name, data in loader.inputs([shared / "filings"]):
            loader.write(opened, loader.prepare(name, data, None))
    with Store.open(path, seed=False, read_only=True) as reading:
        yield reading


def periods_of(label: FiscalLabel) -> tuple[FiscalLabel, ...]:
    return (label, label.previous(), label.year_ago()) if label.is_quarter else (label, label.year_ago())


# (ticker, period, metric, total, rows as (member or metric, role, depth, value in USD millions))
CASES = [
    ("NFLX", "2025Q2", "region_revenue", "revenue", [
        ("United States and Canada", "part", 0, "4929.003"), ("Europe, Middle East, and Africa", "part", 0, "3538.175"),
        ("Latin America", "part", 0, "1306.735"), ("Asia-Pacific", "part", 0, "1305.253"),
        ("United States", "outside", 0, "4600")]),
    ("GOOGL", "FY2024", "line_revenue", "revenue", [
        ("Google Search & other", "part", 2, "198084"), ("YouTube ads", "part", 2, "36147"),
        ("Google Network", "part", 2, "30359"), ("Google advertising", "subtotal", 1, "264590"),
        ("Google subscriptions, platforms, and devices", "part", 1, "40340"),
        ("Google Services", "subtotal", 0, "304930"), ("Google Cloud", "part", 0, "43229"),
        ("Other Bets", "part", 0, "1648"), ("Hedging gains", "reconciling", 0, "211")]),
    ("GOOGL", "FY2024", "segment_operating_income", "operating_income", [
        ("Google Services", "part", 0, "121263"), ("Google Cloud", "part", 0, "6112"),
        ("Other Bets", "part", 0, "-4444"), ("Corporate", "reconciling", 0, "-10541")]),
    ("META", "FY2024", "region_revenue", "revenue", [
        ("US & Canada", "part", 0, "63207"), ("Asia-Pacific", "part", 0, "45009"), ("Europe", "part", 0, "38361"),
        ("Rest of World", "part", 0, "17924"), ("United States", "outside", 0, "59730"),
        ("China", "outside", 0, "18350")]),
    ("META", "FY2024", "line_revenue", "revenue", [
        ("Advertising", "part", 1, "160633"), ("Other revenue", "part", 1, "1722"),
        ("Family of Apps", "subtotal", 0, "162355"), ("Reality Labs", "part", 0, "2146")]),
    ("IBM", "2025Q2", "segment_pretax_income", "income_before_taxes", [
        ("Software", "part", 0, "2296"), ("Infrastructure", "part", 0, "965"), ("Consulting", "part", 0, "562"),
        ("Financing", "part", 0, "179"), ("Acquisition-related charges", "reconciling", 0, "-26"),
        ("Amortization of acquired intangible assets", "reconciling", 0, "-549"),
        ("Corporate", "reconciling", 0, "-2"), ("Divested businesses", "reconciling", 0, "-20"),
        ("Interest, excluding Financing", "reconciling", 0, "-343"),
        ("Non-operating retirement-related costs", "reconciling", 0, "-25"),
        ("Restructuring charges", "reconciling", 0, "-17"),
        ("Stock-based compensation not allocated to segments", "reconciling", 0, "-424")]),
    ("IBM", "2025Q2", "line_revenue", "revenue", [
        ("Technology Service", "part", 0, "7682"), ("Financial Service", "part", 0, "166"),
        ("product_revenue", "part", 0, "9129")]),
    ("TSLA", "FY2024", "segment_gross_profit", "gross_profit", [
        ("Automotive", "part", 0, "14810"), ("Energy Generation and Storage", "part", 0, "2640")]),
    ("TSLA", "FY2024", "line_revenue", "revenue", [
        ("Automotive Sales", "part", 1, "72480"), ("Automotive Regulatory Credits", "part", 1, "2763"),
        ("Automotive Leasing", "part", 1, "1827"), ("Total automotive revenues", "subtotal", 0, "77070"),
        ("Services and Other", "part", 0, "10534"), ("Energy Generation and Storage Sales", "part", 1, "9564"),
        ("Energy Generation and Storage Leasing", "part", 1, "522"),
        ("Energy Generation and Storage", "subtotal", 0, "10086")]),
    ("NVDA", "FY2025", "line_revenue", "revenue", [
        ("Compute", "part", 1, "102196"), ("Networking", "part", 1, "12990"), ("Data Center", "subtotal", 0, "115186"),
        ("Gaming", "part", 0, "11350"), ("Professional Visualization", "part", 0, "1878"),
        ("Automotive", "part", 0, "1694"), ("OEM and Other", "part", 0, "389")]),
    ("NVDA", "FY2025", "segment_operating_income", "operating_income", [
        ("Compute & Networking", "part", 0, "82875"), ("Graphics", "part", 0, "5085"),
        ("Corporate", "reconciling", 0, "-6507")]),
    ("AAPL", "FY2024", "line_revenue", "revenue", [
        ("iPhone", "part", 0, "201183"), ("Wearables, Home and Accessories", "part", 0, "37005"),
        ("Mac", "part", 0, "29984"), ("iPad", "part", 0, "26694"), ("service_revenue", "part", 0, "96169")]),
    ("AAPL", "FY2024", "segment_operating_income", "operating_income", [
        ("Americas", "part", 0, "67656"), ("Europe", "part", 0, "41790"), ("Greater China", "part", 0, "27082"),
        ("Rest of Asia Pacific", "part", 0, "13062"), ("Japan", "part", 0, "12454"),
        ("Other corporate expenses, net", "reconciling", 0, "-7458"),
        ("Research and development not allocated to segments", "reconciling", 0, "-31370")]),
    ("WMT", "FY2025", "segment_revenue", "revenue", [
        ("Walmart U.S.", "part", 0, "465009"), ("Walmart International", "part", 0, "123363"),
        ("Sam's Club U.S.", "part", 0, "92561"), ("Corporate and support", "reconciling", 0, "52")]),
    ("AMZN", "FY2024", "segment_operating_income", "operating_income", [
        ("AWS", "part", 0, "39834"), ("North America", "part", 0, "24967"), ("International", "part", 0, "3792")]),
]  # fmt: skip


@pytest.mark.parametrize(("ticker", "period", "metric", "total", "rows"), CASES)
def test_a_filers_breakdown_partitions_its_total(store, ticker, period, metric, total, rows):
    label = parse_label(period)
    found = breakdown(store.index(ticker), metric, total, periods_of(label))
    assert found is not None
    got = [
        (r.member or r.metric, r.role, r.depth, r.facts[0].value / 10**6 if r.facts[0] else None) for r in found.rows
    ]
    assert got == [(m, role, depth, Decimal(v)) for m, role, depth, v in rows]
    assert found.partition
    top = sum((r.facts[0].value for r in found.top()), Decimal(0))
    assert abs(top - found.totals[0].value) <= Decimal(10**6) * len(found.top())  # to the rounding of each figure


def test_tesla_sales_and_services_crosses_the_automotive_lines_and_is_left_out(store):
    found = breakdown(store.index("TSLA"), "line_revenue", "revenue", periods_of(parse_label("FY2024")))
    assert found.crossing == ("Sales and Services",)


def fact(member: str, value: int, label: FiscalLabel, metric: str = "line_revenue") -> Fact:
    period = Period(date(2024, 1, 29), date(2025, 1, 26), label)
    return Fact(
        "NVDA", metric, member, period, Decimal(value) * 10**6, -6, "USD", Source("nvda-10-k-2025-02-26.htm", "test")
    )


def test_past_the_member_cap_there_is_no_hierarchy():
    """NVIDIA's fiscal 2025 lines (Data Center = Compute + Networking), padded past the cap with
    zero-valued members: no subtotal is looked for, so nothing partitions."""
    year = FiscalLabel(2025)
    real = [("Compute", 102196), ("Networking", 12990), ("Data Center", 115186), ("Gaming", 11350),
            ("Professional Visualization", 1878), ("Automotive", 1694), ("OEM and Other", 389)]  # fmt: skip
    padding = [(f"Line {k:02d}", 0) for k in range(MAX_MEMBERS + 1 - len(real))]
    facts = [fact(m, v, year) for m, v in real + padding] + [fact("", 130497, year, "revenue")]
    found = breakdown(FactIndex(facts), "line_revenue", "revenue", [year])
    assert found.capped and not found.partition
    assert {r.role for r in found.rows} == {"part"}
    within = breakdown(FactIndex(facts[: len(real)] + facts[-1:]), "line_revenue", "revenue", [year])
    assert not within.capped and within.partition
    assert [(r.member, r.depth) for r in within.rows][:3] == [("Compute", 1), ("Networking", 1), ("Data Center", 0)]


def cells(brief, key: str) -> dict[str, list[str]]:
    table = next(t for t in brief.tables if t.key == key)
    return {r.label: [c.text for c in r.cells] for r in table.rows if not r.group}


def test_teslas_line_shares_sum_to_100_over_the_partition(store):
    brief = build_brief(store, "TSLA", "FY2024", "en")
    table = next(t for t in brief.tables if t.key == "lines")
    top = [r for r in table.rows if r.depth == 0 and r.key != "revenue"]
    shares = [r.cells[-1].value for r in top]
    assert [r.label for r in top] == [
        "Total automotive revenues",
        "Services and Other",
        "Energy Generation and Storage",
    ]
    assert abs(sum(shares, Decimal(0)) - 100) < Decimal("0.0001")
    assert [r.depth for r in table.rows if r.label.startswith("Automotive ")] == [1, 1, 1]


@pytest.mark.parametrize(
    ("ticker", "period", "row_key", "current"),
    [
        ("IBM", "2025Q2", "segment_pretax_income:Software", "2,296"),
        ("IBM", "2025Q2", "income_before_taxes", "2,597"),
        ("TSLA", "FY2024", "segment_gross_profit:Automotive segment", "14,810"),
        ("WMT", "FY2025", "segment_operating_income:Corporate and support", "-2,439"),
        ("NFLX", "2025Q2", "region_revenue:United States and Canada", "4,929"),
    ],
)
def test_segment_profit_reconciling_items_and_regions_reach_the_brief(store, ticker, period, row_key, current):
    brief = build_brief(store, ticker, period, "en")
    rows = {r.key: r for t in brief.tables for r in t.rows}
    key = row_key if row_key in rows else row_key.replace(" segment", "")
    assert rows[key].cells[0].text == current


def test_apples_fastest_line_is_services(store):
    brief = build_brief(store, "AAPL", "FY2024", "en")
    assert any(h.text.startswith("The fastest-growing sales line was Services") for h in brief.highlights)


def test_breakdown_and_reconciling_data_is_valid():
    metrics = catalogue().metrics
    raw = tomllib.loads(resources.files("caibao.analysis").joinpath("data/breakdowns.toml").read_text("utf-8"))
    for spec in raw["breakdown"]:
        assert metrics[spec["metric"]].axis, spec
        for term in completions()[spec["metric"]]:
            base = term.removesuffix("[*]").removesuffix("[reconciling]")
            assert base in metrics, term
    assert all(metrics[m].axis == "segment" for m in segment_profit_metrics())
    mapping = xbrl_map()
    roles = {spec.get("role", "") for spec in mapping.members.values()}
    assert roles <= {"", "reconciling"}
    specs = [
        *mapping.reconciling_concepts.values(),
        *(s for t in mapping.reconciling_whole.values() for s in t.values()),
    ]
    for spec in specs:
        assert metrics[spec["metric"]].axis == "segment" and spec.get("sign", 1) in (1, -1), spec


# -- review findings (caibao issue 10) ----------------------------------------------------------


def table_of(brief, key: str):
    return next(t for t in brief.tables if t.key == key)


@pytest.mark.parametrize(
    ("ticker", "period", "sentence"),
    [
        # Google Cloud (+31%) completes Alphabet's line table: it is the fastest part the table shows,
        # not Google subscriptions (+16%)
        ("GOOGL", "FY2024", "The fastest-growing sales line was Google Cloud at $43.2 billion, up 31% YoY."),
        # AWS (+24%) is one of Amazon's lines as well as a segment: not Advertising services (+23%)
        ("AMZN", "2025Q4", "The fastest-growing sales line was AWS at $35.6 billion, up 24% YoY."),
        ("TSLA", "FY2024", "The fastest-growing sales line was Energy Generation and Storage Sales at $9.6 billion, "
                           "up 73% YoY."),
    ],
)  # fmt: skip
def test_the_fastest_line_is_the_fastest_part_of_the_line_table(store, read_store, ticker, period, sentence):
    brief = build_brief(read_store if ticker == "AMZN" else store, ticker, period, "en")
    assert sentence in [h.text for h in brief.highlights]
    table = table_of(brief, "lines")
    yoy = table.columns.index("YoY")
    parts = [r for r in table.rows if r.role == "line" and r.cells[yoy].value is not None]
    fastest = max(parts, key=lambda r: r.cells[yoy].value)
    assert sentence.startswith(f"The fastest-growing sales line was {fastest.label} at ")


@pytest.mark.parametrize(
    ("ticker", "period", "lang", "heading", "row_key", "margin"),
    [
        ("TSLA", "FY2024", "en", "Gross margin", "segment_gross_profit:Automotive segment", "16.9%"),
        ("TSLA", "FY2024", "zh-Hant", "毛利率", "segment_gross_profit:Automotive segment", "16.9%"),
        ("TSLA", "FY2024", "zh-Hans", "毛利率", "segment_gross_profit:Automotive segment", "16.9%"),
        ("IBM", "2025Q2", "en", "Pre-tax margin", "segment_pretax_income:Software", "31.1%"),
        ("IBM", "2025Q2", "zh-Hant", "稅前淨利率", "segment_pretax_income:Software", "31.1%"),
        ("IBM", "2025Q2", "zh-Hans", "税前利润率", "segment_pretax_income:Software", "31.1%"),
        ("AMZN", "2025Q4", "en", "Op. margin", "segment_operating_income:AWS", "35.0%"),
        ("AMZN", "2025Q4", "zh-Hant", "營業利益率", "segment_operating_income:AWS", "35.0%"),
    ],
)
def test_the_segment_margin_column_is_headed_by_the_measure_it_holds(store, ticker, period, lang, heading, row_key,
                                                                     margin, read_store):  # fmt: skip
    table = table_of(build_brief(read_store if ticker == "AMZN" else store, ticker, period, lang), "segments")
    assert table.columns[-1] == heading
    rows = {r.key: r for r in table.rows}
    key = row_key if row_key in rows else row_key.replace(" segment", "")
    assert rows[key].cells[-1].text == margin


def test_a_stray_member_of_another_profit_measure_does_not_replace_the_segments_own(store, tmp_path):
    """IBM's segments report pre-tax income; an operating income tagged for a reconciling member
    (here Corporate, with a real IBM figure's period and source) must not turn the table to it."""
    from caibao.brief.i18n import Words
    from caibao.brief.tables import TableBuilder

    facts = store.facts("IBM")
    label = parse_label("2025Q2")
    corporate = next(f for f in facts if f.metric == "segment_pretax_income" and f.member == "Corporate"
                     and f.period.label == label)  # fmt: skip
    stray = Fact("IBM", "segment_operating_income", "Corporate", corporate.period, corporate.value,
                 corporate.decimals, "USD", corporate.source, role="reconciling")  # fmt: skip
    table = TableBuilder(FactIndex([*facts, stray]), label, Words("en")).segments()
    assert table is not None and table.columns[-1] == "Pre-tax margin"
    keys = [r.key for r in table.rows]
    assert "segment_pretax_income:Software" in keys and "income_before_taxes" in keys


def test_netflix_regions_show_the_untagged_dvd_revenue_as_a_derived_residual(store):
    """Netflix's regions are streaming revenue: in 2023 they sum to 33,640 of 33,723 (the DVD revenue
    its table gives but does not tag by region). The gap is a derived row; shares stand over it."""
    found = breakdown(store.index("NFLX"), "region_revenue", "revenue", periods_of(parse_label("FY2024")))
    assert not found.partition
    assert found.shortfall() == (Decimal(0), Decimal("82839000"))
    assert [r.member for r in found.rows if r.role == "outside"] == ["United States"]
    for lang, residual, of_which, country in (("en", "Other (not tagged by region)", "Of which", "United States"),
                                              ("zh-Hant", "其他(未按地區揭露)", "其中", "美國"),
                                              ("zh-Hans", "其他(未按地区披露)", "其中", "美国")):  # fmt: skip
        brief = build_brief(store, "NFLX", "FY2024", lang)
        table = table_of(brief, "regions")
        got = [(r.label, r.depth, [c.text for c in r.cells]) for r in table.rows]
        assert [g[0] for g in got][-4:] == [residual, table.rows[-3].label, of_which, country]
        assert got[-4][2][:2] == ["0", "83"]
        assert table.rows[-3].key == "revenue" and table.rows[-3].cells[-1].text == "100.0%"
        assert table.rows[-1].depth == 1 and table.rows[-1].cells[-1].text == ""  # no share beside the partition
        shares = [r.cells[-1].value for r in table.rows[:-3] if not r.group]
        assert all(s is not None for s in shares) and abs(sum(shares, Decimal(0)) - 100) < Decimal("0.0001")
        cited = set(table.rows[-4].cells[1].sources)
        assert found.totals[1].id in cited and len(cited) == 5  # the total and the four regions, 2023
        assert len(table.notes) == 1 and residual in table.notes[0]
    # a quarter whose regions add up has no residual
    regions = table_of(build_brief(store, "NFLX", "2025Q2", "en"), "regions")
    assert not any(r.role == "residual" for r in regions.rows)


@pytest.mark.parametrize(
    ("ticker", "period", "totals"),
    [
        # Alphabet's segment operating expenses (Google Services, Google Cloud) do not reach its total:
        # that total row is left out, the segments' rows stay
        ("GOOGL", "FY2024", [("revenue", "350,018"), ("operating_income", "112,390")]),
        ("META", "FY2024", [("revenue", "164,501"), ("operating_income", "69,380")]),
        ("TSLA", "FY2024", [("revenue", "97,690"), ("gross_profit", "17,450")]),
        ("AMZN", "2025Q4", [("revenue", "213,386"), ("total_operating_expenses", "188,409"),
                            ("operating_income", "24,977")]),
        ("IBM", "2025Q2", [("revenue", "16,977"), ("income_before_taxes", "2,597")]),
    ],
)  # fmt: skip
def test_segment_tables_total_each_measure_that_partitions(store, read_store, ticker, period, totals):
    table = table_of(build_brief(read_store if ticker == "AMZN" else store, ticker, period, "en"), "segments")
    assert [(r.key, r.cells[0].text) for r in table.rows if r.role == "total" and not r.group] == totals
    if ticker == "GOOGL":
        assert [r.cells[0].text for r in table.rows if r.key.startswith("segment_operating_expenses:")] == [
            "183,667",
            "37,117",
        ]


@pytest.mark.parametrize(("count", "capped"), [(16, True), (MAX_MEMBERS, True), (8, False)])
def test_a_hostile_breakdown_of_near_equal_members_is_bounded(count, capped):
    """Near-equal members each stated to the million: within rounding almost every small subset
    matches almost every member. Past MAX_MEMBERS nothing is searched; within it the search stops at
    MAX_EXAMINED candidate subsets. Either way no hierarchy is claimed."""
    from caibao.analysis.breakdowns import MAX_EXAMINED

    year = FiscalLabel(2025)
    facts = [fact(f"Line {k:02d}", 1, year) for k in range(count)] + [fact("", count, year, "revenue")]
    found = breakdown(FactIndex(facts), "line_revenue", "revenue", [year])
    assert found.capped is capped and found.examined <= MAX_EXAMINED
    assert found.examined == (0 if count > MAX_MEMBERS else found.examined)
    if not capped:
        assert found.examined > 0 and {r.role for r in found.rows} != set()
