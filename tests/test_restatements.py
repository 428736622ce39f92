"""Restated and adjusted figures, and which document is believed: the real Tesla filings, where the
10-K tags its 2024 quarters "before adoption" (plainly) and "as adjusted" for ASU 2023-08, and the
next 10-Q tags the adjusted quarter plainly beside the "previously reported" one."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

import duckdb
import pytest

from caibao.facts import ingest as loader
from caibao.facts.periods import parse_label
from caibao.facts.store import Store
from caibao.facts.xbrl import parse_xbrl
from caibao.facts.xbrl_source import ROLES, convert, restatement_rules, xbrl_map

M = Decimal(1_000_000)
TEN_K = "tsla-10-k-2025-01-30.htm"
TEN_Q = "tsla-10-q-2025-07-24.htm"
ADOPTION = "srt:CumulativeEffectPeriodOfAdoptionAxis"
ADJUSTED = "srt:CumulativeEffectPeriodOfAdoptionAdjustedBalanceMember"
QNAME = re.compile(r"^[a-z][a-z0-9-]*:[A-Z][A-Za-z0-9]*$")

# The 10-K's "As adjusted" rows (Note 2, ASU 2023-08), three months ended March 31, June 30 and
# September 30, 2024, as printed; the fourth quarter is the year's figure less those three
# (FY2024: net income 7,091, tax 1,837, other income 695, from the income statement).
ADJUSTED_2024 = [
    ("net_income", "2024Q1", Decimal(1390) * M),
    ("net_income", "2024Q2", Decimal(1400) * M),
    ("net_income", "2024Q3", Decimal(2173) * M),
    ("income_tax_provision", "2024Q1", Decimal(483) * M),
    ("income_tax_provision", "2024Q2", Decimal(371) * M),
    ("income_tax_provision", "2024Q3", Decimal(602) * M),
    ("other_income_net", "2024Q1", Decimal(443) * M),
    ("other_income_net", "2024Q2", Decimal(-80) * M),
    ("other_income_net", "2024Q3", Decimal(-263) * M),
    ("eps_basic", "2024Q1", Decimal("0.45")),
    ("eps_basic", "2024Q2", Decimal("0.44")),
    ("eps_basic", "2024Q3", Decimal("0.68")),
    ("eps_diluted", "2024Q1", Decimal("0.41")),
    ("eps_diluted", "2024Q2", Decimal("0.40")),
    ("eps_diluted", "2024Q3", Decimal("0.62")),
]
DERIVED_Q4 = [
    ("net_income", "2024Q4", Decimal(2128) * M),  # 7,091 - 1,390 - 1,400 - 2,173
    ("income_tax_provision", "2024Q4", Decimal(381) * M),  # 1,837 - 483 - 371 - 602
    ("other_income_net", "2024Q4", Decimal(595) * M),  # 695 - 443 + 80 + 263
]


def _read(shared: Path, name: str) -> bytes:
    return (shared / "filings" / name).read_bytes()


def _converted(shared: Path, name: str):
    return convert(parse_xbrl(_read(shared, name), name))


def _changed(data: bytes, fact_id: str, shown: str, amended: bool = False) -> bytes:
    """The filing with one displayed value replaced (and, if `amended`, its dei:AmendmentFlag true)."""
    tag = re.compile(rb'(<ix:nonFraction[^>]*id="' + fact_id.encode() + rb'"[^>]*>)[^<]*<')
    data, count = tag.subn(lambda m: m.group(1) + shown.encode() + b"<", data)
    assert count == 1
    if amended:
        data, count = re.subn(rb'(name="dei:AmendmentFlag" format=")ixt:fixed-false("[^>]*>)false<',
                              rb"\1ixt:fixed-true\2true<", data)  # fmt: skip
        assert count == 1
    return data


def _load(store: Store, name: str, data: bytes, filed: date | None = None):
    return loader.write(store, loader.prepare(name, data, None, filed))


# -- the data ---------------------------------------------------------------------------------------


def test_the_restatement_table_is_well_formed():
    raw = tomllib.loads(resources.files("caibao.facts").joinpath("data/xbrl_map.toml").read_text(encoding="utf-8"))
    table = raw["restatement"]
    assert set(table) == {"axes", "qualifiers", *ROLES, *(f"{role}_endings" for role in ROLES)}
    for axis in table["axes"] + table["qualifiers"]:
        assert QNAME.match(axis) and axis.endswith("Axis"), axis
    assert not set(table["axes"]) & set(table["qualifiers"])
    assert not set(table["axes"]) & set(xbrl_map().axes)  # a version is never a segment or a line
    members = [m for role in ROLES for m in table[role]]
    assert all(QNAME.match(m) and m.endswith("Member") for m in members)
    assert len(members) == len(set(members)), "a member with two roles"
    endings = [e for role in ROLES for e in table[f"{role}_endings"]]
    assert all(re.fullmatch(r"[A-Z][A-Za-z]*Member", e) for e in endings) and len(endings) == len(set(endings))


@pytest.mark.parametrize(
    ("dims", "role", "rest"),
    [
        (((ADOPTION, ADJUSTED),), "adjusted", ()),
        (((ADOPTION, "srt:CumulativeEffectPeriodOfAdoptionAdjustmentMember"),), "adjustment", ()),
        ((("srt:RestatementAxis", "srt:ScenarioPreviouslyReportedMember"),), "previously_reported", ()),
        ((("srt:RestatementAxis", "srt:RestatementAdjustmentMember"),), "adjustment", ()),
        ((("us-gaap:StatementScenarioAxis", "us-gaap:ScenarioPreviouslyReportedMember"),), "previously_reported", ()),
        ((("srt:RestatementAxis", "srt:RevisionOfPriorPeriodErrorCorrectionAdjustmentMember"),), "adjustment", ()),
        # Filers' own members, by how their names end.
        ((("srt:RestatementAxis", "xyz:AsRestatedMember"),), "adjusted", ()),
        ((("srt:RestatementAxis", "xyz:ScenarioAsPreviouslyReportedMember"),), "previously_reported", ()),
        # A previously reported adjusted balance is still the old figure.
        (
            ((ADOPTION, ADJUSTED), ("srt:RestatementAxis", "srt:ScenarioPreviouslyReportedMember")),
            "previously_reported",
            (),
        ),
        # A restated segment figure is the segment's figure; the standard it adopts adds nothing.
        (
            (
                ("srt:RestatementAxis", "xyz:AsRestatedMember"),
                ("us-gaap:StatementBusinessSegmentsAxis", "amzn:NorthAmericaSegmentMember"),
            ),
            "adjusted",
            (("us-gaap:StatementBusinessSegmentsAxis", "amzn:NorthAmericaSegmentMember"),),
        ),
        (
            (
                ("us-gaap:AccountingStandardsUpdateAxis", "us-gaap:AccountingStandardsUpdate202308Member"),
                (ADOPTION, ADJUSTED),
            ),
            "adjusted",
            (),
        ),
        # A forecast (Amazon's, NVIDIA's) has no role: left to the other rules, dimensions and all.
        (
            (("srt:StatementScenarioAxis", "srt:ScenarioForecastMember"),),
            None,
            (("srt:StatementScenarioAxis", "srt:ScenarioForecastMember"),),
        ),
        (
            (("srt:ProductOrServiceAxis", "us-gaap:ProductMember"),),
            None,
            (("srt:ProductOrServiceAxis", "us-gaap:ProductMember"),),
        ),
        ((), None, ()),
    ],
)
def test_a_version_is_read_by_its_members_role(dims, role, rest):
    assert restatement_rules().read(dims) == (role, rest)


# -- one filing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("metric", "label", "value"), ADJUSTED_2024)
def test_the_10k_gives_its_2024_quarters_as_adjusted(shared, metric, label, value):
    converted = _converted(shared, TEN_K)
    found = [f for f in converted.facts if f.metric == metric and not f.member and str(f.period.label) == label]
    assert [f.value for f in found] == [value]
    assert f"[CumulativeEffectPeriodOfAdoptionAxis={ADJUSTED}]" in found[0].source.locator


@pytest.mark.parametrize(
    ("name", "superseded"),
    [
        # 27 adjustment facts, and the 21 "before adoption" facts the 21 "as adjusted" replace.
        (TEN_K, 48),
        # 13 previously reported and 13 restatement adjustments (June 2024), 3 adoption adjustments.
        (TEN_Q, 29),
    ],
)
def test_superseded_versions_are_left_out_and_counted(shared, name, superseded):
    converted = _converted(shared, name)
    assert converted.superseded == superseded
    locators = [f.source.locator for f in converted.facts]
    assert not [loc for loc in locators if "PreviouslyReported" in loc or "AdjustmentMember" in loc]


# -- the store --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("metric", "label", "value"), ADJUSTED_2024 + DERIVED_Q4)
def test_teslas_2024_quarters_are_the_adjusted_figures(filings_store, metric, label, value):
    store, _ = filings_store
    fact = store.index("TSLA").get(metric, parse_label(label))
    assert fact is not None and fact.value == value


def test_no_tesla_figure_disagrees_across_all_filings(filings_store):
    _, reports = filings_store
    tesla = [w for r in reports if r.document.startswith("tsla-") for w in r.warnings]
    assert [w for w in tesla if " gives " in w or "disagree" in w] == []
    assert [w for r in reports for w in r.warnings if " gives " in w and "tsla-" in w] == []


@pytest.mark.parametrize(
    ("name", "filed", "facts_of", "expected"),
    [
        (TEN_K, None, TEN_K, date(2025, 1, 30)),  # the name's date
        (TEN_K, date(2025, 1, 29), TEN_K, date(2025, 1, 29)),  # the caller's date beats the name's
        ("aapl-20230930_htm.xml", None, "aapl-20230930_htm.xml", date(2023, 9, 30)),  # compact: a period end
        ("amzn-20221231_htm.xml", None, "amzn-20221231_htm.xml", date(2022, 12, 31)),
        ("ibm-10-k-2025-02-25.htm", None, "ibm-10-k-2025-02-25.htm", date(2025, 2, 25)),  # no facts: the name
        ("tsla-10-k-2024-06-30.htm", None, TEN_K, date(2024, 12, 31)),  # before its own periods end: no date
        ("tsla-10-k-2025-02-30.htm", None, TEN_K, date(2024, 12, 31)),  # no such day
    ],
)
def test_a_filings_date_comes_from_the_caller_its_name_or_its_periods(shared, name, filed, facts_of, expected):
    assert loader.prepare(name, _read(shared, facts_of), None, filed).filed == expected


def test_an_amendment_without_a_date_comes_after_the_original(shared):
    amended = _changed(_read(shared, TEN_K), "f-796", "1,400", amended=True)
    # The 10-K's last period ends 2024-12-31; 105 days on is past any original's filing deadline.
    assert loader.prepare("tsla-10-k-amended.htm", amended, None).filed == date(2025, 4, 15)


@pytest.mark.parametrize(
    ("name", "amended", "believed"),
    [
        # Filed after the 10-Q, though every period in it ends before the 10-Q's: the 10-K/A wins.
        ("tsla-10-k-a-2025-08-15.htm", False, Decimal(1401) * M),
        # Dated by its flag alone, an amendment still follows the 10-K, and the 10-Q (filed
        # 2025-07-24) follows it: the 10-Q's 1,400 stands.
        ("tsla-10-k-amended.htm", True, Decimal(1400) * M),
    ],
)
def test_the_latest_filed_document_is_believed(shared, tmp_path, name, amended, believed):
    with Store.open(tmp_path / "s.duckdb", seed=False) as store:
        changed = _changed(_read(shared, TEN_K), "f-796", "1,401", amended)
        # Ingested first, so the order of ingest cannot be what decides.
        _load(store, name, changed)
        _load(store, TEN_Q, _read(shared, TEN_Q))
        last = _load(store, TEN_K, _read(shared, TEN_K))
        fact = store.index("TSLA").get("net_income", parse_label("2024Q2"))
        assert fact is not None and fact.value == believed
        if believed == Decimal(1401) * M:
            assert fact.source.document == name
            assert any("gives 1401000000" in w and f"the later document ({name})" in w for w in last.warnings)


def test_an_amendment_by_flag_beats_the_original_of_its_period(shared, tmp_path):
    with Store.open(tmp_path / "s.duckdb", seed=False) as store:
        _load(store, "tsla-10-k-amended.htm", _changed(_read(shared, TEN_K), "f-796", "1,401", amended=True))
        _load(store, TEN_K, _read(shared, TEN_K))
        fact = store.index("TSLA").get("net_income", parse_label("2024Q2"))
        assert fact is not None and (fact.value, fact.source.document) == (Decimal(1401) * M, "tsla-10-k-amended.htm")


def test_the_callers_filing_date_decides(shared, tmp_path):
    # The same changed copy, said by the caller (SEC's index) to be filed before the original.
    with Store.open(tmp_path / "s.duckdb", seed=False) as store:
        _load(store, TEN_K, _read(shared, TEN_K))
        _load(store, "tsla-10-k-a-2025-08-15.htm", _changed(_read(shared, TEN_K), "f-796", "1,401"), date(2025, 1, 29))
        fact = store.index("TSLA").get("net_income", parse_label("2024Q2"))
        assert fact is not None and (fact.value, fact.source.document) == (Decimal(1400) * M, TEN_K)
        filed = dict(store.con.execute("SELECT document, filed FROM sources").fetchall())
        assert filed == {
            TEN_K: date(2025, 1, 30),
            "tsla-10-k-a-2025-08-15.htm": date(2025, 1, 29),
            "derived:TSLA": None,
        }


def test_a_store_from_before_filed_keeps_its_order(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE sources (document VARCHAR PRIMARY KEY, sha256 VARCHAR NOT NULL, kind VARCHAR NOT NULL, "
        "ingested_at TIMESTAMP NOT NULL DEFAULT current_timestamp, facts INTEGER NOT NULL, seq INTEGER NOT NULL, "
        "as_of DATE)"
    )
    con.execute("INSERT INTO sources (document, sha256, kind, facts, seq, as_of) VALUES ('a.htm', 'x', 'k', 0, 1, "
                "DATE '2024-12-31'), ('b.csv', 'y', 'k', 0, 2, NULL)")  # fmt: skip
    con.close()
    with Store.open(path, seed=False, read_only=True) as store:
        rows = store.con.execute("SELECT document, filed FROM sources ORDER BY document").fetchall()
    assert rows == [("a.htm", date(2024, 12, 31)), ("b.csv", None)]
