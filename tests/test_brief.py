"""The brief: seed 000's tables reproduced cell by cell, three languages, provenance in JSON."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from caibao.brief.build import build_brief, describe_periods
from caibao.brief.render import render
from caibao.errors import CaibaoError
from caibao.facts.periods import parse_label

from .seed_compare import compare

SEED_000 = "seeds/000_0a0102a18b13ed09.txt"


@pytest.fixture(scope="module")
def q4(read_store):
    return build_brief(read_store, "AMZN", "2025Q4")


def test_seed_000_tables_are_reproduced(shared, q4):
    compared, disagreements = compare((shared / SEED_000).read_text(encoding="utf-8"), q4)
    assert compared == 108  # income statement 75, segments 27, guidance 6
    # The one cell the filings cannot give: the 2026 capex outlook was said on the call, not filed.
    assert disagreements == [("FY 1Q26 財測指引", "資本支出 (2026年)", "FY 1Q26 / 2026 (G)", "200", "—")]


def cell(brief, table: str, row: str, column: str):
    t = next(t for t in brief.tables if t.key == table)
    r = next(r for r in t.rows if r.key == row)
    return r.cells[t.columns.index(column)]


@pytest.mark.parametrize(
    ("table", "row", "column", "text"),
    [
        ("income", "revenue", "FY 4Q25", "213,386"),
        ("income", "revenue", "YoY", "14%"),
        ("income", "general_and_administrative", "YoY", "(6%)"),  # seed writes -6%: one house style here
        ("income", "eps_diluted", "FY 4Q24", "$1.86"),
        ("income", "other_operating_expense_net", "YoY", "614%"),
        ("segments", "segment_operating_income:International", "YoY", "(21%)"),
        ("segments", "segment_operating_income:North America", "營業利益率", "9.0%"),
        ("segments", "segment_operating_income:AWS", "營業利益率", "35.0%"),
        ("lines", "line_revenue:Advertising services", "FY 4Q25", "21,317"),
        ("lines", "line_revenue:Advertising services", "YoY", "23%"),
        ("lines", "line_revenue:Online stores", "佔營收比重", "38.9%"),
        ("cash", "free_cash_flow_ttm", "FY 4Q25", "11,194"),
        ("cash", "capex_ttm", "FY 4Q25", "131,819"),
        ("cash", "capex_ttm", "YoY", "59%"),
        ("guidance", "guidance_revenue", "FY 1Q26 (G)", "173.5 - 178.5"),
        ("guidance", "guidance_operating_income", "FY 4Q25 (A)", "24.98"),
        ("guidance", "guidance_revenue", "隱含年增率", "11% - 15%"),
    ],
)
def test_table_cells(q4, table, row, column, text):
    assert cell(q4, table, row, column).text == text


def test_highlights_are_computed(q4):
    text = "\n".join(h.text for h in q4.highlights)
    assert "本季營收 2,134 億美元,年增 14%,季增 18%" in text
    assert "排除匯率影響年增 12%" in text
    assert "單季營收首度突破 2,000 億美元" in text  # record: first quarter above $200B
    assert "AWS 營收 356 億美元,年增 24%" in text
    assert "年增率創 13 季以來最快" in text  # streak: fastest AWS growth in 13 quarters
    assert "年化營收 run-rate 1,423 億美元" in text
    assert "單季新增 26 億美元營收" in text
    assert "自由現金流(TTM)112 億美元" in text
    assert "FY 1Q26 財測:營收 1,735–1,785 億美元" in text
    assert all(h.sources for h in q4.highlights)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh-Hant", ["簡明損益表", "營運部門財務績效", "單位:百萬美元", "年增 24%", "(21%)"]),
        ("zh-Hans", ["简明利润表", "经营分部业绩", "单位:百万美元", "同比增长24%", "-21%", "营业利润率"]),
        ("en", ["Condensed income statement", "Segment results", "US$ million", "up 24% YoY", "-21%"]),
    ],
)
def test_languages(read_store, lang, expected):
    text = render(build_brief(read_store, "AMZN", "2025Q4", lang), "md")
    for phrase in expected:
        assert phrase in text
    if lang == "zh-Hans":
        assert not set("營業額與資產") & set(text.split("## ")[1])  # no Traditional characters left
    if lang == "en":
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_json_cells_cite_the_facts_they_came_from(read_store, q4):
    doc = json.loads(render(q4, "json"))
    assert [t["key"] for t in doc["tables"]] == ["income", "segments", "lines", "cash", "guidance"]
    checked = 0
    for table in doc["tables"]:
        for row in table["rows"]:
            for c in row["cells"]:
                if c["value"] is None and c.get("low") is None:
                    continue
                assert c["facts"], (table["key"], row["key"], c["column"])
                for fid in c["facts"]:
                    assert fid in doc["facts"]
                    assert read_store.fact(fid) is not None
                checked += 1
                if c["unit"] == "USD" and len(c["facts"]) == 1 and c.get("low") is None:
                    fact = doc["facts"][c["facts"][0]]
                    if fact["metric"] not in ("capex",):  # a one-fact USD cell is that fact
                        assert c["value"] == fact["value"]
    assert checked > 150
    revenue = next(r for r in doc["tables"][0]["rows"] if r["key"] == "revenue")
    yoy = revenue["cells"][4]
    assert yoy["column"] == "YoY" and yoy["text"] == "14%" and yoy["value"] == 13.628909
    [now, ago] = [doc["facts"][f] for f in yoy["facts"]]
    assert (now["period"], now["value"], ago["period"], ago["value"]) == (
        "2025Q4",
        213386000000,
        "2024Q4",
        187792000000,
    )
    assert now["document"] == "amzn-facts.csv" and now["locator"] == "line 823"


def test_html_is_standalone_with_a_chart(q4):
    html = render(q4, "html")
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html and "http-equiv" not in html
    assert '<svg id="chart-segment_revenue"' in html
    assert html.count("<rect") >= 3 * 8  # three segments over at least eight quarters
    assert 'data-facts="' in html and "213,386" in html


@pytest.mark.parametrize("period", ["2024Q4", "2025Q3", "4Q25", "Q4 2025"])
def test_other_quarters(read_store, period):
    brief = build_brief(read_store, "AMZN", period)
    assert {t.key for t in brief.tables} >= {"income", "segments", "lines", "cash"}


def test_2024q4_and_2025q3_figures(read_store):
    b24 = build_brief(read_store, "AMZN", "2024Q4")
    assert cell(b24, "income", "revenue", "FY 4Q24").text == "187,792"
    assert cell(b24, "income", "revenue", "YoY").text == "10%"
    # The reference holds no guidance given for 2025Q1, so that section is left out, with a note,
    # while the guidance given for 2024Q4 itself is still weighed against the actual.
    assert "guidance" not in [t.key for t in b24.tables]
    assert any("FY 1Q25 財測指引" in n for n in b24.notes)
    assert "營業利益 212 億美元,年增 61%,營業利益率 11.3%;高於財測上緣 200 億美元" in b24.highlights[1].text
    b25 = build_brief(read_store, "AMZN", "2025Q3")
    assert cell(b25, "segments", "segment_operating_income:AWS", "FY 3Q25").text == "11,434"
    assert cell(b25, "guidance", "guidance_revenue", "FY 4Q25 (G)").text == "206.0 - 213.0"


def test_sections_without_data_are_omitted_with_a_note(read_store):
    brief = build_brief(read_store, "AMZN", "2021Q2")
    assert [t.key for t in brief.tables] == ["income"]
    assert any("營運部門財務績效" in n and "省略" in n for n in brief.notes)
    row = next(r for r in brief.tables[0].rows if r.key == "revenue")
    assert [c.text for c in row.cells] == ["113,080", "108,518", "—", "4%", "—"]  # no 2020 data: "—", not 0
    income = next(r for r in brief.tables[0].rows if r.key == "operating_income")
    assert income.cells[0].text == "≈7,700"  # stated only to $0.1 billion


def test_period_without_data_lists_what_exists(read_store):
    with pytest.raises(CaibaoError) as caught:
        build_brief(read_store, "AMZN", "2026Q1")  # only guidance exists for it
    assert str(caught.value) == "no data for AMZN 2026Q1; periods available: 2021Q1–2025Q4, FY2021–FY2025"
    with pytest.raises(CaibaoError, match="no facts for TSLA"):
        build_brief(read_store, "TSLA", "2025Q4")


def test_describe_periods():
    labels = [parse_label(x) for x in ("2021Q1", "2021Q2", "2021Q4", "FY2021", "FY2023")]
    assert describe_periods(labels) == "2021Q1–2021Q2, 2021Q4, FY2021, FY2023"


def test_values_are_exact_decimals(q4):
    revenue = cell(q4, "income", "revenue", "FY 4Q25")
    assert revenue.value == Decimal("213386000000")
    yoy = cell(q4, "income", "revenue", "YoY")
    assert isinstance(yoy.value, Decimal) and yoy.value == (Decimal(213386) - 187792) / 187792 * 100


def test_annual_brief(read_store):
    brief = build_brief(read_store, "AMZN", "FY2025", "en")
    income = next(t for t in brief.tables if t.key == "income")
    assert income.columns == ("FY2025", "FY2024", "YoY")
    revenue = next(r for r in income.rows if r.key == "revenue")
    assert [c.text for c in revenue.cells] == ["716,924", "637,959", "12%"]
    cash = next(t for t in brief.tables if t.key == "cash")
    capex = next(r for r in cash.rows if r.key == "capex_ttm")
    assert capex.cells[0].text == "131,819" and len(cash.rows) == 4  # no quarter rows in a year
    assert brief.highlights[0].text.startswith("Full-year net sales were $716.9 billion, up 12% YoY")
    assert "the first year above $700 billion" in brief.highlights[0].text
    assert brief.charts[0].labels == ("FY2021", "FY2022", "FY2023", "FY2024", "FY2025")
    assert "guidance" not in [t.key for t in brief.tables]  # Amazon guides quarters, not years
