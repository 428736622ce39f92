"""Face income statements as the filers present them, checked against the filings themselves.

The expected rows are read straight from each inline-XBRL document with a few lines of lxml written
here (not the project's reader): the first table holding net income, earnings per share and revenue,
each row's label (the text before its first figure) and its figures, signed as displayed (in
parentheses = negative). Every such row must appear in the brief, in the filer's order, with the
filed figure in the brief's current-period column; the statement must bridge from revenue to net
income; Chinese briefs carry the same rows and figures under Chinese labels.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from caibao.brief.build import build_brief
from caibao.brief.render import render
from caibao.facts.ingest import ingest_file
from caibao.facts.periods import parse_label
from caibao.facts.statement_source import bridge
from caibao.facts.store import Store

FILINGS = Path(__file__).resolve().parents[2] / "shared" / "filings"
IX = "{http://www.xbrl.org/2013/inlineXBRL}"
XBRLI = "{http://www.xbrl.org/2003/instance}"

# Every filer and period of the shared filings with a face income statement (issue 10).
CASES = [
    ("amzn-10-k-2025-02-07.htm", "AMZN", "FY2024"),
    ("googl-10-k-2025-02-05.htm", "GOOGL", "FY2024"),
    ("meta-10-k-2025-01-30.htm", "META", "FY2024"),
    ("nflx-10-q-2025-07-18.htm", "NFLX", "2025Q2"),
    ("nflx-10-k-2025-01-27.htm", "NFLX", "FY2024"),
    ("tsla-10-q-2025-07-24.htm", "TSLA", "2025Q2"),
    ("tsla-10-k-2025-01-30.htm", "TSLA", "FY2024"),
    ("aapl-10-q-2025-08-01.htm", "AAPL", "2025Q3"),
    ("aapl-10-k-2024-11-01.htm", "AAPL", "FY2024"),
    ("nvda-10-q-2025-08-27.htm", "NVDA", "2026Q2"),
    ("nvda-10-k-2025-02-26.htm", "NVDA", "FY2025"),
    ("wmt-10-k-2025-03-14.htm", "WMT", "FY2025"),
    ("ibm-10-q-2025-07-24.htm", "IBM", "2025Q2"),
]


def face_income_statement(path: Path) -> list[tuple[str, dict[tuple[str, str], tuple[Decimal, Decimal]]]]:
    """[(label, {(start, end): (shown value, half a unit of its stated precision)})] for each row
    with figures of undimensioned durations."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    root = etree.parse(str(path), parser).getroot()
    periods: dict[str, tuple[str, str]] = {}
    for ctx in root.iter(f"{XBRLI}context"):
        start, end = ctx.findtext(f".//{XBRLI}startDate"), ctx.findtext(f".//{XBRLI}endDate")
        if start and end and ctx.find(f".//{XBRLI}segment") is None:
            periods[ctx.get("id")] = (start.strip(), end.strip())
    for table in root.iter("{*}table"):
        names = {
            el.get("name").split(":")[1] for el in table.iter(f"{IX}nonFraction") if el.get("contextRef") in periods
        }
        if names & {"NetIncomeLoss", "ProfitLoss"} and names & {"EarningsPerShareDiluted", "EarningsPerShareBasic"} \
                and names & {"Revenues", "RevenueFromContractWithCustomerExcludingAssessedTax", "CostOfRevenue"} \
                and "NetCashProvidedByUsedInOperatingActivities" not in names:  # fmt: skip
            break
    rows = []
    for tr in table.iter("{*}tr"):
        facts = [el for el in tr.iter(f"{IX}nonFraction")]
        if not facts:
            continue
        text = "".join(tr.itertext())
        first = "".join(facts[0].itertext())
        label = " ".join(text[: text.index(first)].replace("\u00a0", " ").split()).rstrip("$( :")
        label = re.sub(r" \(Note \d+\)$", "", label)  # a reference to a note is no part of the label
        values = {}
        for el in facts:
            shown = "".join(el.itertext()).strip()
            if el.get("contextRef") not in periods:
                continue
            if not re.search(r"\d", shown):  # a dash: zero
                values[periods[el.get("contextRef")]] = (Decimal(0), Decimal(0))
                continue
            value = Decimal(shown.replace(",", "")).scaleb(int(el.get("scale", "0")))
            # shown in parentheses: negative
            negative = f"({shown})" in re.sub(r"\s", "", text)
            decimals = el.get("decimals", "INF")
            slack = Decimal(0) if decimals == "INF" else Decimal(5).scaleb(-int(decimals) - 1)
            values[periods[el.get("contextRef")]] = (-value if negative else value, slack)
        if values:
            rows.append((label, values))
    return rows


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    db = Store.open(tmp_path_factory.mktemp("statements") / "s.duckdb", seed=False)
    for name in sorted({case[0] for case in CASES} | {"aapl-10-k-2024-11-01.htm"}):
        ingest_file(db, FILINGS / name)
    return db


def _income(brief_json: dict) -> dict:
    return next(t for t in brief_json["tables"] if t["key"] == "income")


@pytest.mark.parametrize(("filing", "ticker", "period"), CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_every_face_line_is_in_the_brief_with_its_filed_value(store: Store, filing: str, ticker: str, period: str):
    expected = face_income_statement(FILINGS / filing)
    assert len(expected) >= 10
    brief = json.loads(render(build_brief(store, ticker, period, "en"), "json"))
    table = _income(brief)
    rows = [r for r in table["rows"] if r["cells"]]
    facts = brief["facts"]
    at = 0
    for label, values in expected:
        # in the filer's order: the next brief row with this label
        while at < len(rows) and rows[at]["label"] != label:
            at += 1
        assert at < len(rows), f"{ticker} {period}: face line {label!r} missing (or out of order)"
        cell = rows[at]["cells"][0]
        fact = facts[cell["facts"][0]]
        dates = (fact["period_start"], fact["period_end"])
        assert dates in values, f"{ticker} {period}: {label!r} cites {dates}, not a column of the filing"
        filed, slack = values[dates]
        # the figure as filed; where the filing tags it twice (948.0 million on the face, 947,961,917
        # in a note) the more precise one is kept, within the face's stated precision
        assert abs(Decimal(str(cell["value"])) - filed) <= slack, f"{ticker} {period}: {label!r}"
        at += 1


@pytest.mark.parametrize(("filing", "ticker", "period"), CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_the_statement_bridges_from_revenue_to_net_income(store: Store, filing: str, ticker: str, period: str):
    statement = store.statement(ticker, "income", parse_label(period))
    assert statement is not None and statement.document == filing
    index = store.index(ticker)
    result = bridge(statement, lambda p, label: index.get(p.metric, label, p.member))
    assert result.holds, f"{ticker} {period}: rows left unsummed {result.open}"
    keys = {p.metric for p in statement.lines}
    assert {"revenue", "operating_income"} & keys or "gross_profit" in keys
    assert "income_before_taxes" in keys and ("net_income" in keys or "consolidated_net_income" in keys)


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
@pytest.mark.parametrize(("filing", "ticker", "period"), CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_chinese_briefs_show_the_same_lines_in_chinese(store: Store, filing: str, ticker: str, period: str, lang: str):
    en = _income(json.loads(render(build_brief(store, ticker, period, "en"), "json")))
    zh = _income(json.loads(render(build_brief(store, ticker, period, lang), "json")))
    assert [r["key"] for r in zh["rows"]] == [r["key"] for r in en["rows"]]
    for a, b in zip(en["rows"], zh["rows"], strict=True):
        assert [c["value"] for c in a["cells"]] == [c["value"] for c in b["cells"]]
        assert not re.search(r"[A-Za-z]{3,}", b["label"]), f"{ticker} {lang}: English label {b['label']!r}"


# The filer's words and figures, as the filings print them (US$ millions).
LINES = [
    ("AAPL", "2025Q3", "Research and development", Decimal(8_866_000_000)),
    ("AAPL", "2025Q3", "Selling, general and administrative", Decimal(6_650_000_000)),
    ("GOOGL", "FY2024", "Research and development", Decimal(49_326_000_000)),
    ("META", "FY2024", "Research and development", Decimal(43_873_000_000)),
    ("META", "FY2024", "Total costs and expenses", Decimal(95_121_000_000)),
    ("NFLX", "2025Q2", "Technology and development", Decimal(824_683_000)),
    ("NFLX", "2025Q2", "Interest expense", Decimal(-182_649_000)),
    ("WMT", "FY2025", "Operating, selling, general and administrative expenses", Decimal(139_884_000_000)),
    ("WMT", "FY2025", "Net sales", Decimal(674_538_000_000)),
    ("WMT", "FY2025", "Total revenues", Decimal(680_985_000_000)),
    ("TSLA", "FY2024", "Provision for (benefit from) income taxes", Decimal(1_837_000_000)),
]


@pytest.mark.parametrize(("ticker", "period", "label", "value"), LINES)
def test_lines_analysts_missed(store: Store, ticker: str, period: str, label: str, value: Decimal):
    table = _income(json.loads(render(build_brief(store, ticker, period, "en"), "json")))
    row = next(r for r in table["rows"] if r["label"] == label)
    assert Decimal(str(row["cells"][0]["value"])) == value


def test_netflix_second_quarter_shows_the_first_quarter_derived_from_the_half(store: Store):
    table = _income(json.loads(render(build_brief(store, "NFLX", "2025Q2", "en"), "json")))
    revenue = next(r for r in table["rows"] if r["key"] == "revenue")
    assert [c["column"] for c in revenue["cells"][:3]] == ["FY 2Q25", "FY 1Q25", "FY 2Q24"]
    assert Decimal(str(revenue["cells"][1]["value"])) == Decimal(10_542_801_000)
    diluted = next(r for r in table["rows"] if r["key"] == "eps_diluted")
    assert diluted["cells"][1]["value"] is None  # per-share figures are never derived


@pytest.mark.parametrize("form", ["md", "html"])
@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
@pytest.mark.parametrize(("filing", "ticker", "period"), CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_check_of_each_brief_finds_nothing_contradicted(
    store: Store, filing: str, ticker: str, period: str, lang: str, form: str
):
    """The brief's tables, read as Markdown rows or as HTML <tr> rows, by the same group-row logic."""
    from caibao.claims.check import check_text

    text = render(build_brief(store, ticker, period, lang), form)
    report = check_text(store, text, ticker, document=f"brief.{form}", html=form == "html")
    wrong = [f"{c.quote!r} {c.metric} {c.segment} {c.period} {c.measure}: {c.explanation} || {c.sentence[:80]}"
             for c in report.claims if c.verdict == "contradicted"]  # fmt: skip
    assert wrong == []
    assert sum(c.verdict == "supported" for c in report.claims) >= 20


# How each concept of the shared filings' income statements counts on the way to net income.
SIGNS = [
    ("us-gaap:CostOfRevenue", -1),
    ("us-gaap:CostOfGoodsAndServicesSold", -1),
    ("us-gaap:ResearchAndDevelopmentExpense", -1),
    ("us-gaap:SellingGeneralAndAdministrativeExpense", -1),
    ("us-gaap:OperatingExpenses", -1),
    ("us-gaap:CostsAndExpenses", -1),
    ("us-gaap:InterestExpenseNonoperating", -1),
    ("us-gaap:InterestExpenseDebt", -1),
    ("wmt:FinanceLeaseAndFinancingObligationInterestExpense", -1),
    ("us-gaap:IncomeTaxExpenseBenefit", -1),
    ("us-gaap:NetIncomeLossAttributableToNoncontrollingInterest", -1),
    ("tsla:RestructuringAndOtherExpenses", -1),
    ("ibm:ExpenseAndIncomeOther", -1),
    ("ibm:OtherExpenseAndIncome", -1),
    ("us-gaap:Revenues", 1),
    ("us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax", 1),
    ("us-gaap:OtherIncome", 1),
    ("us-gaap:GrossProfit", 1),
    ("us-gaap:OperatingIncomeLoss", 1),
    ("us-gaap:InvestmentIncomeInterest", 1),
    ("us-gaap:NonoperatingIncomeExpense", 1),
    ("us-gaap:OtherNonoperatingIncomeExpense", 1),
    ("us-gaap:InterestIncomeExpenseNonoperatingNet", 1),
    ("us-gaap:IncomeLossFromEquityMethodInvestmentsNetOfTax", 1),
    ("us-gaap:IncomeLossFromContinuingOperationsBeforeIncomeTaxesExtraordinaryItemsNoncontrollingInterest", 1),
    ("us-gaap:IncomeLossFromDiscontinuedOperationsNetOfTax", 1),
    ("us-gaap:NetIncomeLoss", 1),
    ("ibm:IntellectualPropertyAndCustomDevelopmentIncome", 1),
    ("nvda:BusinessCombinationAdvancedConsiderationWrittenOff", 0),  # its total decides
]


@pytest.mark.parametrize(("concept", "sign"), SIGNS)
def test_how_a_line_counts_towards_net_income(concept: str, sign: int):
    from caibao.facts.statements import sign_of

    assert sign_of(concept) == sign


def test_an_instance_document_has_no_presentation_and_keeps_its_facts(tmp_path: Path):
    from caibao.facts.xbrl import parse_xbrl

    doc = parse_xbrl((FILINGS / "amzn-20221231_htm.xml").read_bytes(), "amzn-20221231_htm.xml")
    assert doc.statements == [] and len(doc.facts) > 1000


def test_rows_keep_the_filers_labels_indentation_and_signs():
    from caibao.facts.statements import rules
    from caibao.facts.xbrl import parse_xbrl

    doc = parse_xbrl((FILINGS / "nflx-10-q-2025-07-18.htm").read_bytes(), "nflx.htm")
    income = [ln for ln in doc.statements if ln.statement == "income"]
    assert 15 <= len(income) < rules().max_rows
    assert [ln.label for ln in income[:3]] == ["Revenues", "Cost of revenues", "Sales and marketing"]
    assert [ln.depth for ln in income[:3]] == [0, 1, 1]
    interest = next(ln for ln in income if ln.label == "Interest expense")
    assert interest.negated and interest.concept == "us-gaap:InterestExpenseNonoperating"


INSTANCE = "amzn-20221231_htm.xml"


def test_an_instance_gets_its_statement_from_the_calculation_and_label_linkbases(tmp_path: Path):
    from caibao.facts import ingest as loader

    [document] = list(loader.documents([FILINGS / INSTANCE]))
    assert sorted(document.linkbases) == ["amzn-20221231_cal.xml", "amzn-20221231_lab.xml"]
    db = Store.open(tmp_path / "i.duckdb", seed=False)
    loader.write(db, loader.prepare(document.name, document.data, None, linkbases=document.linkbases))
    statement = db.statement("AMZN", "income", parse_label("FY2021"))
    assert statement is not None and statement.document == INSTANCE
    index = db.index("AMZN")
    assert bridge(statement, lambda p, label: index.get(p.metric, label, p.member)).holds
    rows = {p.line.label: p for p in statement.lines}
    # the filer's labels, each total after the lines it sums, a subtracted line shown negative
    assert [p.line.label for p in statement.lines][-5:] == [
        "Total non-operating income (expense)", "Income (loss) before income taxes", "Income Tax Expense (Benefit)",
        "Equity-method investment activity, net of tax", "Net income (loss)",
    ]  # fmt: skip
    assert rows["Interest Expense"].line.negated and not rows["Total operating expenses"].line.negated
    assert rows["Cost of sales"].line.depth == 1 and rows["Operating income"].line.depth == 0
    # the same figures as the face of the 10-K filed two years later shows for FY2022
    face = dict(face_income_statement(FILINGS / "amzn-10-k-2025-02-07.htm"))
    fy2022 = (date(2022, 1, 1), date(2022, 12, 31))
    for label, filed in [("Operating income", "Operating income"), ("Net income (loss)", "Net income (loss)"),
                         ("Total net sales", "Total net sales"), ("Fulfillment", "Fulfillment")]:  # fmt: skip
        fact = index.get(rows[label].metric, parse_label("FY2022"), rows[label].member)
        assert fact is not None and fact.value == face[filed][tuple(d.isoformat() for d in fy2022)][0]


def test_linkbases_travel_with_their_instance_in_a_zip(tmp_path: Path):
    import zipfile

    from caibao.facts import ingest as loader

    archive = tmp_path / "amzn.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for name in (INSTANCE, "amzn-20221231_cal.xml", "amzn-20221231_lab.xml"):
            z.write(FILINGS / name, f"2022/{name}")
    [document] = list(loader.documents([archive]))
    assert document.name == INSTANCE and len(document.linkbases) == 2


def test_a_linkbase_declaring_entities_is_refused_in_one_line(tmp_path: Path):
    from caibao.errors import IngestError
    from caibao.facts import ingest as loader

    folder = tmp_path / "f"
    folder.mkdir()
    (folder / INSTANCE).write_bytes((FILINGS / INSTANCE).read_bytes())
    bomb = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">]><l>&a;</l>'
    (folder / "amzn-20221231_cal.xml").write_bytes(bomb)
    [document] = list(loader.documents([folder]))
    with pytest.raises(IngestError, match=r"^amzn-20221231_cal\.xml: declares XML entities; refused$"):
        loader.prepare(document.name, document.data, None, linkbases=document.linkbases)


def test_a_hostile_calculation_chain_gives_no_statement_and_no_crash(tmp_path: Path):
    from caibao.facts import ingest as loader

    folder = tmp_path / "f"
    folder.mkdir()
    (folder / INSTANCE).write_bytes((FILINGS / INSTANCE).read_bytes())
    chain = ["us-gaap_NetIncomeLoss", "us-gaap_OperatingIncomeLoss", "us-gaap_Revenues"] + [
        f"x_C{i}" for i in range(5000)
    ]
    locs = "".join(f'<link:loc xlink:type="locator" xlink:label="{c}" xlink:href="a.xsd#{c}"/>' for c in chain)
    arcs = "".join(
        f'<link:calculationArc xlink:type="arc" xlink:arcrole="http://www.xbrl.org/2003/arcrole/summation-item" '
        f'xlink:from="{a}" xlink:to="{b}" order="1" weight="1"/>'
        for a, b in itertools.pairwise(chain)
    )
    cal = (
        '<link:linkbase xmlns:link="http://www.xbrl.org/2003/linkbase" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f'<link:calculationLink xlink:type="extended" xlink:role="r">{locs}{arcs}</link:calculationLink>'
        "</link:linkbase>"
    )
    (folder / "amzn-20221231_cal.xml").write_text(cal)
    [document] = list(loader.documents([folder]))
    prepared = loader.prepare(document.name, document.data, None, linkbases=document.linkbases)
    assert prepared.statements == () and len(prepared.facts) > 100


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
@pytest.mark.parametrize(("filing", "ticker", "period"), CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_chinese_breakdowns_name_every_row_in_chinese(store: Store, filing: str, ticker: str, period: str, lang: str):
    from caibao.brief.i18n import Words, _labels
    from caibao.facts.names import names

    # a name the press keeps in English (AWS, iPhone, YouTube) is the names data's own Chinese entry
    kept = {n for m in names().get(ticker, {}).get("members", {}).values() for n in m.get(lang, [])}
    # and the brief's own per-filer exceptions (Taiwan's notes keep Amazon's "North America")
    words = Words(lang, ticker=ticker)
    kept |= {words.member(key.split("|")[1]) for key in _labels()["member"] if key.startswith(f"{ticker}|")}
    brief = json.loads(render(build_brief(store, ticker, period, lang), "json"))
    for table in brief["tables"]:
        for row in table["rows"]:
            english = re.search(r"[A-Za-z]{3,}", row["label"])
            assert not english or row["label"] in kept, f"{ticker} {lang} {table['key']}: {row['label']!r}"


def test_a_prior_quarter_no_filing_gives_is_left_out_not_dashed(store: Store):
    table = _income(json.loads(render(build_brief(store, "AAPL", "2025Q3", "en"), "json")))
    assert table["columns"] == ["FY 3Q25", "FY 3Q24", "YoY"]  # a third-quarter 10-Q: Q3 and nine months only


def test_a_reference_to_a_note_is_no_part_of_a_label(store: Store):
    table = _income(json.loads(render(build_brief(store, "GOOGL", "FY2024", "en"), "json")))
    assert "Basic net income per share" in [r["label"] for r in table["rows"]]


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        # Amazon tags its "Rest of world" row with the generic non-U.S. member: the row is not all of non-U.S.
        ("Amazon's net sales outside the United States were $199.9 billion in fiscal 2024.", "unverifiable"),
        ("Amazon's net sales outside the United States were $93.8 billion in fiscal 2024.", "unverifiable"),
        ("Amazon's rest of world net sales were $93.8 billion in fiscal 2024.", "supported"),
    ],
)
def test_a_member_is_what_the_filer_says_it_is(store: Store, sentence: str, verdict: str):
    from caibao.claims.check import check_text

    brief = json.loads(render(build_brief(store, "AMZN", "FY2024", "en"), "json"))
    regions = next(t for t in brief["tables"] if t["key"] == "regions")
    assert any(r["label"] == "Rest of world" for r in regions["rows"])
    [claim] = [c for c in check_text(store, sentence, "AMZN").claims if c.kind == "money"]
    assert claim.verdict == verdict, claim.explanation


@pytest.mark.parametrize("form", ["md", "html"])
@pytest.mark.parametrize(("filing", "ticker", "period"), CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_every_listed_document_is_pointed_to(store: Store, filing: str, ticker: str, period: str, form: str):
    text = render(build_brief(store, ticker, period, "en"), form)
    body, _, listing = text.rpartition("## Sources" if form == "md" else 'id="sources"')
    listed = re.findall(r"^(\d+)\. " if form == "md" else r'id="source-(\d+)"', listing, re.M)
    pointed = set(re.findall(r"\[(\d+)\]", body))
    assert listed and set(listed) <= pointed, f"{ticker} {period} {form}: listed {listed}, pointed to {pointed}"
