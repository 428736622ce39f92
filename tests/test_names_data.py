"""names.toml: what the press calls each filer and its members, checked as data (no store, no network).

The member keys are the contract with the store: each must be a member name the store holds for that
filer, exactly as spelled there. Names are compared folded (OpenCC t2s, lower-case), the way the checker
compares an article's words.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import opencc
import pytest

PATH = Path(__file__).parents[1] / "src/caibao/facts/data/names.toml"
DATA = tomllib.loads(PATH.read_text(encoding="utf-8"))

LANGS = ("en", "zh-Hant", "zh-Hans")
TICKERS = ("AAPL", "AMZN", "GOOGL", "IBM", "META", "NFLX", "NVDA", "TSLA", "WMT")
SUBTABLES = {"members", "parts", "metrics", "either"}

# Member names the store holds per filer (segments, revenue lines, regions), as ingested from the
# filings in ../shared/filings and the bundled Amazon data.
EXPECTED_MEMBERS: dict[str, set[str]] = {
    "AAPL": {
        "Americas",
        "China",
        "Europe",
        "Greater China",
        "iPad",
        "iPhone",
        "Japan",
        "Mac",
        "Other Countries",
        "Rest of Asia Pacific",
        "United States",
        "Wearables, Home and Accessories",
        "Other corporate expenses, net",
        "Research and development not allocated to segments",
    },
    "AMZN": {
        "Advertising services",
        "AWS",
        "Germany",
        "International",
        "Japan",
        "Rest of world",
        "North America",
        "Online stores",
        "Other",
        "Physical stores",
        "Subscription services",
        "Third-party seller services",
        "United Kingdom",
        "United States",
    },
    "GOOGL": {
        "APAC",
        "EMEA",
        "Google advertising",
        "Google Cloud",
        "Google Network",
        "Google Search & other",
        "Google Services",
        "Google subscriptions, platforms, and devices",
        "Other Americas",
        "Other Bets",
        "United States",
        "YouTube ads",
        "Corporate",
        "Hedging gains",
    },
    "IBM": {
        "Americas",
        "Asia Pacific",
        "Consulting",
        "EMEA",
        "Financial Service",
        "Financing",
        "Infrastructure",
        "Software",
        "Technology Service",
        "Acquisition-related charges",
        "Amortization of acquired intangible assets",
        "Corporate",
        "Divested businesses",
        "Interest, excluding Financing",
        "Non-operating retirement-related costs",
        "Reconciling items",
        "Restructuring charges",
        "Stock-based compensation not allocated to segments",
    },
    "META": {
        "Advertising",
        "Asia-Pacific",
        "China",
        "Europe",
        "Family of Apps",
        "Other revenue",
        "Reality Labs",
        "Rest of World",
        "United States",
        "US & Canada",
    },
    "NFLX": {
        "Asia-Pacific",
        "Europe, Middle East, and Africa",
        "Latin America",
        "United States",
        "United States and Canada",
    },
    "NVDA": {
        "All Other Countries Not Separately Disclosed",
        "Automotive",
        "China (including Hong Kong)",
        "Compute",
        "Compute & Networking",
        "Data Center",
        "Gaming",
        "Graphics",
        "Networking",
        "OEM and Other",
        "Other Countries",
        "Professional Visualization",
        "Singapore",
        "Taiwan",
        "United States",
        "Acquisition-related and other costs",
        "Corporate",
        "Stock-based compensation not allocated to segments",
        "Unallocated cost of revenue and operating expenses",
    },
    "TSLA": {
        "Automotive",
        "Automotive Leasing",
        "Automotive Regulatory Credits",
        "Automotive Sales",
        "China",
        "Energy Generation and Storage",
        "Energy Generation and Storage Leasing",
        "Energy Generation and Storage Sales",
        "Other Countries",
        "Sales and Services",
        "Services and Other",
        "Total automotive revenues",
        "United States",
    },
    "WMT": {
        "Fuel and Other",
        "Non-U.S.",
        "Other Categories",
        "Sam's Club U.S.",
        "United States",
        "Walmart International",
        "Walmart U.S.",
        "Corporate and support",
    },
}

# Whole-company metrics a filer names in words of its own: products and services, Amazon's expense lines.
ALLOWED_METRICS = {
    "product_revenue",
    "service_revenue",
    "fulfillment",
    "technology_and_infrastructure",
    "other_operating_expense_net",
    "contract_revenue",
}
EXPECTED_METRICS: dict[str, set[str]] = {
    "AAPL": {"product_revenue", "service_revenue"},
    "AMZN": ALLOWED_METRICS - {"contract_revenue"},
    "WMT": {"contract_revenue"},
}

# Members whose first English name is not their member name: a bare catch-all word, or a word that
# names more than the member (Tesla's bare "automotive" is in [TSLA.parts]).
FIRST_EN_EXCEPTIONS = {("AMZN", "Other"): "Other revenue", ("TSLA", "Automotive"): "Automotive segment"}

# Words that never name one member on their own, in any table.
GENERIC = {
    "other",
    "others",
    "total",
    "revenue",
    "revenues",
    "sales",
    "segment",
    "business",
    "其他",
    "其它",
    "总计",
    "营收",
    "收入",
    "销售",
    "业务",
    "部门",
}

# Characters that are Traditional too although OpenCC's s2t changes them out of context (台 as Taiwan
# writes 臺, 里 as in 阿里巴巴).
TAIWAN_COMMON = set("台里")

T2S = opencc.OpenCC("t2s")
S2T = opencc.OpenCC("s2t")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def fold(name: str) -> str:
    return T2S.convert(name).lower()


def tables(ticker: str) -> list[tuple[str, dict, bool]]:
    """(where, table, may be empty) for the company and each of its members, metrics and parts."""
    company = DATA[ticker]
    found = [(f"[{ticker}]", company, False)]
    found += [(f'[{ticker}.members."{k}"]', v, False) for k, v in company.get("members", {}).items()]
    found += [(f"[{ticker}.metrics.{k}]", v, False) for k, v in company.get("metrics", {}).items()]
    if "parts" in company:
        found.append((f"[{ticker}.parts]", company["parts"], True))
    return found


@pytest.mark.parametrize("ticker", TICKERS)
def test_either_names_two_store_members_and_no_one_else(ticker):
    """[TICKER.either]: a name for either of two members, judged under both; never a name one
    member or the company already owns."""
    company = DATA[ticker]
    owned = {fold(n) for t in [company, *company.get("members", {}).values(), *company.get("metrics", {}).values()]
             for lang in LANGS for n in t.get(lang, [])}  # fmt: skip
    for name, members in company.get("either", {}).items():
        assert isinstance(members, list) and len(set(members)) >= 2, (ticker, name)
        assert set(members) <= EXPECTED_MEMBERS[ticker], (ticker, name, members)
        assert fold(name) not in owned, f"[{ticker}.either] {name!r} is already a name of one member"


def all_tables() -> list[tuple[str, dict, bool]]:
    return [t for ticker in TICKERS for t in tables(ticker)] + [("[other_companies]", DATA["other_companies"], False)]


def check_lists(where: str, table: dict, may_be_empty: bool) -> None:
    for lang in LANGS:
        assert lang in table, f"{where} has no {lang!r} list"
        names = table[lang]
        assert isinstance(names, list), f"{where} {lang} is not a list"
        assert may_be_empty or names, f"{where} {lang} is empty"
        for name in names:
            assert isinstance(name, str), f"{where} {lang}: {name!r} is not a string"
            assert name == name.strip(), f"{where} {lang}: {name!r} has surrounding whitespace"
            assert len(name) >= 2, f"{where} {lang}: {name!r} is shorter than 2 characters"
            assert fold(name) not in GENERIC, f"{where} {lang}: {name!r} is a generic word, not a name"
        folded = [fold(n) for n in names]
        dupes = sorted({n for n in folded if folded.count(n) > 1})
        assert not dupes, f"{where} {lang}: repeated (after folding) {dupes}"


def test_top_level_keys():
    assert set(DATA) == {*TICKERS, "other_companies"}, f"unexpected top-level keys: {sorted(DATA)}"


@pytest.mark.parametrize("ticker", TICKERS)
def test_company_table_shape(ticker):
    company = DATA[ticker]
    extra = set(company) - set(LANGS) - SUBTABLES
    assert not extra, f"[{ticker}] may hold only {LANGS} and sub-tables {sorted(SUBTABLES)}, not {sorted(extra)}"
    for sub in SUBTABLES & set(company):
        assert isinstance(company[sub], dict), f"[{ticker}].{sub} must be a table"
    for lang in LANGS:
        assert company.get(lang), f"[{ticker}] needs company names in {lang}"


@pytest.mark.parametrize("ticker", TICKERS)
def test_lists_well_formed(ticker):
    for where, table, may_be_empty in tables(ticker):
        extra = set(table) - set(LANGS) - (SUBTABLES if where == f"[{ticker}]" else set())
        assert not extra, f"{where} has keys other than {LANGS}: {sorted(extra)}"
        check_lists(where, table, may_be_empty)


@pytest.mark.parametrize("ticker", TICKERS)
def test_member_keys_are_the_store_names(ticker):
    members = set(DATA[ticker].get("members", {}))
    expected = EXPECTED_MEMBERS[ticker]
    assert members == expected, (
        f"[{ticker}] members differ from the store: missing {sorted(expected - members)}, "
        f"unknown {sorted(members - expected)}"
    )


@pytest.mark.parametrize("ticker", TICKERS)
def test_metric_keys(ticker):
    metrics = set(DATA[ticker].get("metrics", {}))
    assert metrics <= ALLOWED_METRICS, f"[{ticker}] unknown metrics {sorted(metrics - ALLOWED_METRICS)}"
    assert metrics == EXPECTED_METRICS.get(ticker, set()), f"[{ticker}] metrics {sorted(metrics)}"


@pytest.mark.parametrize("ticker", TICKERS)
def test_first_english_name_is_the_member_label(ticker):
    for member, table in DATA[ticker].get("members", {}).items():
        want = FIRST_EN_EXCEPTIONS.get((ticker, member), member)
        assert fold(table["en"][0]) == fold(want), f'[{ticker}.members."{member}"] en should start with {want!r}'


@pytest.mark.parametrize("ticker", TICKERS)
def test_no_name_has_two_owners(ticker):
    company = DATA[ticker]
    owners: dict[str, set[str]] = {}
    groups = [("the company", company)]
    groups += [(f"member {k!r}", v) for k, v in company.get("members", {}).items()]
    groups += [(f"metric {k}", v) for k, v in company.get("metrics", {}).items()]
    groups += [("parts", company["parts"])] if "parts" in company else []
    for owner, table in groups:
        for lang in LANGS:
            for name in table[lang]:
                owners.setdefault(fold(name), set()).add(owner)
    clashes = {name: sorted(who) for name, who in owners.items() if len(who) > 1}
    assert not clashes, f"[{ticker}] names claimed twice (folded): {clashes}"


def simplified_only(name: str) -> list[str]:
    """Characters of name that Taiwan would not write: s2t changes them and t2s leaves them alone."""
    return [c for c in name if CJK.match(c) and c not in TAIWAN_COMMON and T2S.convert(c) == c != S2T.convert(c)]


@pytest.mark.parametrize("where,table,may_be_empty", all_tables(), ids=lambda v: v if isinstance(v, str) else "")
def test_chinese_scripts(where, table, may_be_empty):
    english = {fold(n) for n in table["en"]}
    for lang in ("zh-Hant", "zh-Hans"):
        names = table[lang]
        if names and not any(CJK.search(n) for n in names):
            latin = [n for n in names if fold(n) not in english]
            assert not latin, f"{where} {lang} has no Chinese name, and {latin} are not English names of it either"
    for name in table["zh-Hant"]:
        bad = simplified_only(name)
        assert not bad, f"{where} zh-Hant: {name!r} has Simplified-only characters {bad}"
    for name in table["zh-Hans"]:
        assert T2S.convert(name) == name, f"{where} zh-Hans: {name!r} is not Simplified ({T2S.convert(name)!r})"


def test_other_companies():
    others = DATA["other_companies"]
    assert set(others) == set(LANGS), f"[other_companies] keys: {sorted(others)}"
    check_lists("[other_companies]", others, may_be_empty=False)
    filer_names: dict[str, str] = {}
    for ticker in TICKERS:
        for where, table, _ in tables(ticker):
            for lang in LANGS:
                for name in table[lang]:
                    filer_names.setdefault(fold(name), where)
    clashes = {n: filer_names[fold(n)] for lang in LANGS for n in others[lang] if fold(n) in filer_names}
    assert not clashes, f"[other_companies] names that belong to a filer: {clashes}"
