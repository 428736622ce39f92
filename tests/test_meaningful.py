"""n.m.: margins beyond ±100%, growth across a sign change, a ten-fold move off a base under 1% of
revenue. One rule (analysis.meaningful), used by the brief's tables and its highlights alike; the
cases are the filings' own figures (USD millions)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from caibao.analysis.meaningful import not_meaningful
from caibao.analysis.rounding import growth_pct, share_pct
from caibao.brief.build import build_brief

D = Decimal


@pytest.mark.parametrize(
    ("kind", "now", "base", "revenue", "reason"),
    [
        # Meta FY2024: Reality Labs lost 17,729 on revenue of 2,146 (-826%); Alphabet's Other Bets -4,444 / 1,648.
        ("margin", D(-17729), D(2146), None, "margin"),
        ("margin", D(-4444), D(1648), None, "margin"),
        ("margin", D(12465), D(35579), None, None),  # AWS 2025Q4: 35.0%
        ("margin", D(2146), D(2146), None, None),  # exactly 100% is still a margin
        # Amazon FY2022: net income -2,722 after 33,364, a sign change (-108% says nothing).
        ("growth", D(-2722), D(33364), D(469822), "sign"),
        # Amazon FY2025: non-operating income 17,336 after 21, against revenue of 637,959 (82,452%).
        ("growth", D(17336), D(21), D(637959), "small_base"),
        # Amazon 2025Q4: other operating expense 1,257 after 176 (0.09% of 187,792): 614%, as seed 000 prints.
        ("growth", D(1257), D(176), D(187792), None),
        # The same ten-fold move off a base of 2% of revenue is a move of something that matters.
        ("growth", D(17336), D(12000), D(600000), None),
        # A loss that widens: no rate from a negative base (growth_pct gives none).
        ("growth", D(-17729), D(-16120), D(164501), "none"),
        # Per-share figures are not weighed against revenue.
        ("growth", D("23.86"), D("0.01"), None, None),
    ],
)
def test_not_meaningful(kind, now, base, revenue, reason):
    value = share_pct(now, base) if kind == "margin" else growth_pct(now, base)
    assert not_meaningful(kind, value, now, base, revenue) == reason


def cell(brief, table: str, row: str, column: str) -> str:
    t = next(t for t in brief.tables if t.key == table)
    r = next(r for r in t.rows if r.key == row)
    return r.cells[t.columns.index(column)].text


def test_reality_labs_margin_is_nm_in_table_and_left_out_of_the_highlight(filings_store):
    brief = build_brief(filings_store[0], "META", "FY2024", "en")
    assert cell(brief, "segments", "segment_operating_income:Reality Labs", "Op. margin") == "n.m."
    assert cell(brief, "segments", "segment_operating_income:Family of Apps", "Op. margin") == "53.7%"
    [reality] = [h.text for h in brief.highlights if h.text.startswith("Reality Labs")]
    assert reality == "Reality Labs revenue was $2.1 billion, up 13% YoY; operating income -$17.7 billion."
    assert not any("n.m." in h.text or "826" in h.text for h in brief.highlights)


@pytest.mark.parametrize(
    ("period", "lang", "row", "text"),
    [
        ("FY2022", "en", "net_income", "n.m."),  # -2,722 after 33,364: across a sign change
        ("FY2022", "en", "income_before_taxes", "n.m."),
        ("FY2025", "en", "non_operating_income", "n.m."),  # 17,336 after 21: 82,452% off 0.003% of revenue
        ("FY2025", "en", "revenue", "12%"),
        ("2025Q4", "zh-Hant", "other_operating_expense_net", "614%"),  # 0.09% of revenue, but a 7x move: shown
    ],
)
def test_income_statement_growth(read_store, period, lang, row, text):
    assert cell(build_brief(read_store, "AMZN", period, lang), "income", row, "YoY") == text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Net income was -$2.7 billion; diluted EPS -$0.27."),
        ("zh-Hant", "稅後淨利 -27 億美元;稀釋 EPS -0.27 美元。"),
        ("zh-Hans", "净利润-27亿美元;稀释后每股收益-0.27美元。"),
    ],
)
def test_highlight_drops_a_growth_that_is_nm(read_store, lang, expected):
    brief = build_brief(read_store, "AMZN", "FY2022", lang)
    assert expected in [h.text for h in brief.highlights]
