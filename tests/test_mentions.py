"""Numbers as financial text writes them, price-parser style: each real string and what it holds."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from caibao.claims.mentions import find_mentions
from caibao.claims.normalize import fold


def found(text: str, table: bool = False):
    folded = fold(text)
    return [(text[m.start : m.end], m.kind, m.value, m.qualifier, m.high) for m in find_mentions(folded, table=table)]


@pytest.mark.parametrize(
    ("text", "quote", "kind", "value"),
    [
        ("營收 2,134 億美元", "2,134 億美元", "money", D("213400000000")),
        ("营收2134亿美元", "2134亿美元", "money", D("213400000000")),
        ("全年營收7169億美元", "7169億美元", "money", D("716900000000")),
        ("AWS收入1287亿", "1287亿", "money", D("128700000000")),
        ("線上商店營收829.88億美元", "829.88億美元", "money", D("82988000000")),
        ("市值破1.6兆美元", "1.6兆美元", "money", D("1600000000000")),
        ("投入1.6万亿", "1.6万亿", "money", D("1600000000000")),
        ("net sales of $213.4 billion", "$213.4 billion", "money", D("213400000000")),
        ("AWS ($35.6B)", "$35.6B", "money", D("35600000000")),
        ("US$ 21.3 bn", "US$ 21.3 bn", "money", D("21300000000")),
        ("EPS 為 1.95 美元", "1.95 美元", "money", D("1.95")),
        ("裁員1.4萬人", "1.4萬人", "count", D("14000")),
        ("新增 3.9GW 電力", "3.9GW", "count", D("3.9")),
        ("年增 24%", "24%", "percent", D("24")),
        ("營業利益率 35.0%", "35.0%", "percent", D("35.0")),
        ("貢獻超6成利潤", "6成", "percent", D("60")),
        ("提升 150 bps", "150 bps", "points", D("1.5")),
        ("提升2個百分點", "2個百分點", "points", D("2")),
        ("效能提升 4 倍", "4 倍", "multiple", D("4")),
        ("增至兩倍", "兩倍", "multiple", D("2")),
    ],
)
def test_amounts(text, quote, kind, value):
    [(q, k, v, _, _)] = found(text)
    assert (q, k, v) == (quote, kind, value)


@pytest.mark.parametrize(
    ("text", "quote", "low", "high"),
    [
        ("約 30% 至 40% 的優勢", "30% 至 40%", D("30"), D("40")),
        ("營收 1,735 億至 1,785 億美元", "1,735 億至 1,785 億美元", D("173500000000"), D("178500000000")),
        ("$21.0–26.0 billion", "$21.0–26.0 billion", D("21000000000"), D("26000000000")),
        ("$173.5 billion to $178.5 billion", "$173.5 billion to $178.5 billion", D("173500000000"), D("178500000000")),
        # the unit written once, after the second figure
        ("營收 1,735–1,785 億美元", "1,735–1,785 億美元", D("173500000000"), D("178500000000")),
        ("营业利润165–215亿美元", "165–215亿美元", D("16500000000"), D("21500000000")),
        ("implied 11–15% YoY", "11–15%", D("11"), D("15")),
    ],
)
def test_ranges(text, quote, low, high):
    [(q, _, v, qualifier, h)] = found(text)
    assert (q, v, qualifier, h) == (quote, low, "range", high)


@pytest.mark.parametrize(
    ("text", "quote", "value"),
    [("(21%)", "(21%)", D("-21")), ("-6%", "-6%", D("-6")), ("173.5 - 178.5", "173.5 - 178.5", D("173.5")),
     ("1,040", "1,040", D("1040")), ("$1.86", "$1.86", D("1.86")),
     ("(10)%", "(10)%", D("-10")), ("(260.7)", "(260.7)", D("-260.7"))],
)  # fmt: skip
def test_table_cells(text, quote, value):
    [(q, _, v, _, _)] = found(text, table=True)
    assert (q, v) == (quote, value)


def test_prose_parentheses_are_asides_not_signs():
    assert found("AWS的營收增速(24%)")[0][2] == D("24")


def test_three_digit_growth_is_a_lower_bound():
    [(quote, kind, value, qualifier, _)] = found("維持三位數成長")
    assert (quote, kind, value, qualifier) == ("三位數", "percent", D("100"), "at_least")


@pytest.mark.parametrize(
    "text",
    [
        "截至12月31日的2025年第四季度",
        "創立於1994年",
        "2026~2027 年再翻倍",
        "過去 12 個月",
        "創13個季度以來新高",
        "Trainium2 與 Trainium 3 晶片",
        "Amazon EC2和Amazon S3服務",
        "FY 4Q25 財務概況",
        "每季數十億美元的新增營收",
        "單位:百萬美元",
        "三個交易日之內",
        "1. 單季度營收",
        "各營運部門營收(百萬美元)",
        "in 2024-2025",
    ],
)
def test_not_claims(text):
    assert found(text) == []
