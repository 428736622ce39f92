"""The brief's labels: members named from facts/data/names.toml in each language, a fiscal year's rows
and records in years, and an empty guidance section saying that none was filed."""

from __future__ import annotations

import pytest

from caibao.brief.build import build_brief
from caibao.brief.i18n import Words
from caibao.brief.render import render
from caibao.facts.names import member_label
from caibao.facts.store import Store

MEMBER_METRICS = ("segment_revenue", "line_revenue", "region_revenue")


@pytest.mark.parametrize(
    ("ticker", "member", "lang", "label"),
    [
        ("GOOGL", "Other Bets", "zh-Hant", "其他賭注"),
        ("GOOGL", "Google Cloud", "zh-Hans", "谷歌云"),
        ("WMT", "Sam's Club U.S.", "zh-Hant", "山姆會員店"),
        ("WMT", "Sam's Club U.S.", "en", "Sam's Club U.S."),
        ("META", "Reality Labs", "zh-Hans", "现实实验室"),
        ("NVDA", "Data Center", "zh-Hant", "資料中心"),
        ("NVDA", "Data Center", "zh-Hans", "数据中心"),
        ("AAPL", "iPhone", "zh-Hant", "iPhone"),
        ("AMZN", "North America", "zh-Hant", "North America"),  # as Taiwan's notes (seed 000) keep it
        ("AMZN", "North America", "zh-Hans", "北美"),
        ("AMZN", "Other", "en", "Other revenue"),
    ],
)
def test_member_names_come_from_names_toml(ticker, member, lang, label):
    assert Words(lang, ticker=ticker).member(member) == label
    assert Words(lang).member(member, ticker) == label


@pytest.mark.parametrize(
    ("member", "label"),
    [("Online stores", "線上商店"), ("Segment nobody knows", "Segment nobody knows")],
)
def test_member_without_a_ticker(member, label):
    # no filer: labels.toml's [member] table (Amazon's), else the name as the store holds it
    assert Words("zh-Hant").member(member) == label


def store_members(store) -> set[tuple[str, str]]:
    return {(t, m) for t in store.tickers() for metric in MEMBER_METRICS for m in store.index(t).members(metric)}


@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
def test_every_member_the_store_holds_has_a_label(filings_store, read_store, lang):
    members = store_members(filings_store[0]) | store_members(read_store)
    assert len(members) > 90
    unnamed = sorted((t, m) for t, m in members if member_label(t, m, lang) is None)
    assert unnamed == []


@pytest.mark.parametrize(
    ("ticker", "period", "lang", "shown"),
    [
        ("GOOGL", "FY2024", "zh-Hant", "Google雲端"),
        ("WMT", "FY2025", "zh-Hans", "山姆会员店"),
        ("NVDA", "FY2025", "zh-Hans", "数据中心"),
    ],
)
def test_chinese_brief_names_members_in_chinese(filings_store, ticker, period, lang, shown):
    store = filings_store[0]
    text = render(build_brief(store, ticker, period, lang), "md")
    body = text[: text.index("## " + Words(lang)("note", "sources"))]
    assert shown in body
    english = [m for t, m in store_members(store) if t == ticker and member_label(t, m, lang) != m]
    assert english and [m for m in english if m in body] == []


@pytest.mark.parametrize(
    ("lang", "rows", "guidance"),
    [
        (
            "en",
            ["Net cash provided by operating activities", "Purchases of property and equipment"],
            "FY2025 guidance: none filed",
        ),
        ("zh-Hant", ["營業現金流", "資本支出"], "FY2025 財測指引:申報資料中未提供"),
        ("zh-Hans", ["经营现金流", "资本支出"], "FY2025 业绩指引:申报文件中未提供"),
    ],
)
def test_annual_brief_speaks_in_years(filings_store, lang, rows, guidance):
    brief = build_brief(filings_store[0], "META", "FY2024", lang)
    cash = next(t for t in brief.tables if t.key == "cash")
    assert [r.label for r in cash.rows] == rows  # the year itself, not "(TTM)"; the filer's words in English
    assert [r.key for r in cash.rows] == ["operating_cash_flow_ttm", "capex_ttm"]  # keys kept for the JSON
    assert guidance in brief.notes
    assert not any("TTM" in h.text for h in brief.highlights)


@pytest.fixture(scope="module")
def amzn_since_2020(shared, tmp_path_factory):
    """The bundled data with Amazon's FY2022 XBRL instance (FY2020 figures in it): five years of history."""
    from caibao.facts import ingest as loader

    path = tmp_path_factory.mktemp("amzn") / "amzn.duckdb"
    with Store.open(path) as store:
        name = "amzn-20221231_htm.xml"
        loader.write(store, loader.prepare(name, (shared / "filings" / name).read_bytes(), None))
        yield store


@pytest.mark.parametrize(
    ("period", "lang", "record"),
    [
        ("FY2025", "en", "International net sales were $161.9 billion, up 13% YoY; operating income $4.8 billion, "
                         "margin 2.9%; the fastest growth in 4 years."),
        ("FY2025", "zh-Hant", "年增率創 4 年以來最快"),
        ("FY2025", "zh-Hans", "增速创4年以来新高"),
        ("2025Q4", "zh-Hant", "年增率創 13 季以來最快"),
    ],
)  # fmt: skip
def test_growth_records_count_the_periods_of_the_brief(amzn_since_2020, period, lang, record):
    text = "\n".join(h.text for h in build_brief(amzn_since_2020, "AMZN", period, lang).highlights)
    assert record in text
    if period.startswith("FY"):
        assert "quarters" not in text and "季以來" not in text and "个季度" not in text
