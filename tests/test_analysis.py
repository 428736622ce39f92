"""Measures and records over Amazon's real figures, each checked against a hand computation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from caibao.analysis import measures, records
from caibao.analysis.rounding import round_half_up
from caibao.facts.index import FactIndex
from caibao.facts.periods import parse_label as L


def r(figure, places=1):
    assert figure is not None and figure.value is not None
    return round_half_up(figure.value, places)


@pytest.mark.parametrize(
    ("measure", "args", "expected"),
    [
        (measures.yoy, ("revenue", "2025Q4"), "13.6"),  # 213,386 / 187,792
        (measures.qoq, ("revenue", "2025Q4"), "18.4"),  # 213,386 / 180,169
        (measures.yoy, ("segment_revenue", "2025Q4", "AWS"), "23.6"),  # 35,579 / 28,786
        (measures.yoy, ("segment_operating_income", "2025Q4", "International"), "-20.9"),  # 1,040 / 1,315
        (measures.yoy, ("line_revenue", "2025Q4", "Advertising services"), "23.3"),  # 21,317 / 17,288
        (measures.yoy, ("revenue", "FY2025"), "12.4"),  # 716,924 / 637,959
        (measures.yoy, ("eps_diluted", "2025Q4"), "4.8"),  # 1.95 / 1.86: a ratio of per-share figures is fine
    ],
)
def test_growth(amzn, measure, args, expected):
    metric, label, *member = args
    assert r(measure(amzn, metric, L(label), *member)) == Decimal(expected)


def test_qoq_of_a_year_is_not_a_thing(amzn):
    assert measures.qoq(amzn, "revenue", L("FY2025")) is None


def test_margins_and_shares(amzn):
    q = L("2025Q4")
    assert r(measures.ratio(amzn, "operating_income", "revenue", q)) == Decimal("11.7")
    assert r(measures.ratio(amzn, "segment_operating_income", "segment_revenue", q, "AWS")) == Decimal("35.0")
    share = measures.ratio(amzn, "segment_operating_income", "operating_income", L("FY2025"), "AWS", whole_member="")
    assert r(share) == Decimal("57.0")  # 45,606 / 79,975: AWS made 57% of FY2025 operating income, not "over 60%"
    assert r(measures.ratio(amzn, "segment_revenue", "revenue", L("FY2025"), "AWS", whole_member="")) == Decimal("18.0")


def test_incremental_run_rate_ttm(amzn):
    q = L("2025Q4")
    assert measures.incremental(amzn, "segment_revenue", q, "AWS").value == Decimal("2573000000")
    assert measures.incremental(amzn, "segment_revenue", q, "AWS", quarters_back=4).value == Decimal("6793000000")
    assert measures.run_rate(amzn, "segment_revenue", q, "AWS").value == Decimal("142316000000")
    capex = measures.ttm(amzn, "capex", q)
    assert capex.value == Decimal("131819000000") and len(capex.sources) == 4  # summed: no TTM capex is reported
    ocf = measures.ttm(amzn, "operating_cash_flow", q)
    assert ocf.value == Decimal("139514000000") and not ocf.derived  # the reported TTM figure


def test_nothing_derived_from_per_share_figures_or_ratios(amzn):
    q = L("2025Q4")
    assert measures.ttm(amzn, "eps_diluted", q) is None
    assert measures.run_rate(amzn, "eps_diluted", q) is None
    assert measures.ttm(amzn, "revenue_growth_ex_fx", q) is None


def test_ttm_needs_four_unbroken_quarters(amzn):
    assert measures.ttm(amzn, "capex", L("2022Q4")) is None  # 2022Q3/Q4 capex are not in the reference


def test_aws_fastest_growth_in_13_quarters(amzn):
    record = records.fastest_growth(amzn, "segment_revenue", L("2025Q4"), "AWS")
    assert record is not None
    assert (record.quarters, str(record.since)) == (13, "2022Q3")
    assert round_half_up(record.growth, 1) == Decimal("23.6")


def test_no_growth_record_where_growth_was_beaten_recently(amzn):
    assert records.fastest_growth(amzn, "segment_revenue", L("2025Q1"), "AWS") is None  # 16.9% < 2024Q4's 18.9%


def test_first_quarter_above_200_billion(amzn):
    record = records.first_above(amzn, "revenue", L("2025Q4"))
    assert record is not None
    assert record.threshold == Decimal("200000000000")
    assert record.previous_high == Decimal("187792000000")
    assert records.first_above(amzn, "revenue", L("2025Q3")) is None  # 180,169 < 187,792 of 2024Q4


def test_records_refuse_to_bridge_a_gap(amzn):
    # Without 2023Q2 in the store, a 2025Q4 record can only look back to 2023Q3.
    facts = [f for f in amzn if not (f.label == "2023Q2" and f.metric == "revenue")]
    record = records.first_above(FactIndex(facts), "revenue", L("2025Q4"))
    assert record is not None and record.history == 9


def test_growth_record_of_a_fiscal_year_counts_years(amzn):
    # Regression: a streak claim about a fiscal year used to crash stepping back by quarters.
    record = records.fastest_growth(amzn, "segment_revenue", L("FY2025"), "AWS", minimum=1)
    assert record is not None and (record.quarters, str(record.since)) == (3, "FY2022")
