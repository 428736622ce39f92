"""The CSV facts source: real rows parse exactly; each kind of bad row is named by file, line, field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from caibao.errors import IngestError
from caibao.facts import csv_source
from caibao.facts.csv_source import parse_csv_facts, read_csv_facts

from .conftest import BUNDLED_CSV

HEADER = "period,period_start,period_end,fiscal_period,metric,segment,value,unit,source_url,note"
GOOD = "2025Q4,2025-10-01,2025-12-31,Q4,net_sales,,213386,USD_millions,https://example.test/q4,"


def parse(*rows: str, header: str = HEADER):
    return parse_csv_facts("\n".join((header, *rows)) + "\n", "t.csv", ticker="AMZN")


def test_bundled_dataset_parses_exactly():
    facts = read_csv_facts(BUNDLED_CSV, ticker="AMZN")
    assert len(facts) == 901
    by_key = {(f.metric, f.member, f.label): f for f in facts}
    revenue = by_key[("revenue", "", "2025Q4")]
    assert revenue.value == Decimal("213386000000") and revenue.unit == "USD" and revenue.decimals == -6
    eps = by_key[("eps_diluted", "", "2025Q4")]
    assert eps.value == Decimal("1.95") and eps.unit == "USD/share" and eps.decimals == 2
    ads = by_key[("line_revenue", "Advertising services", "2025Q4")]
    assert ads.value == Decimal("21317000000") and ads.derived  # FY2025 less Q1-Q3, per its note
    assert by_key[("segment_operating_income", "AWS", "FY2024")].value == Decimal("39834000000")
    assert by_key[("diluted_shares", "", "2025Q4")].value == Decimal("10863000000")
    assert by_key[("revenue_growth_ex_fx", "", "2025Q4")].unit == "percent"


@pytest.mark.parametrize(
    ("note", "value", "decimals"),
    [
        ("", "213386", -6),
        ("rounded: release states $8.1 billion", "8100", -8),
        ("rounded: news copy quoting $16.11 billion (two decimals)", "16110", -7),
        ("unfavorable; release states $5.0 billion (rounded to $0.1B)", "-5000", -8),  # not -9: $5.0B
        ("derived: FY less 9M", "21317", -6),
    ],
)
def test_precision_from_the_digits_written(note, value, decimals):
    row = f"2025Q4,2025-10-01,2025-12-31,Q4,fx_impact_on_net_sales,,{value},USD_millions,,{note}"
    assert parse(row)[0].decimals == decimals


def test_explicit_columns_override_inference():
    header = HEADER + ",ticker,cik,decimals"
    fact = parse(GOOD + ",googl,0001652044,-5", header=header)[0]
    assert (fact.ticker, fact.cik, fact.decimals) == ("GOOGL", "0001652044", -11)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (GOOD.replace("213386", "abc"), "t.csv:2: field 'value': 'abc' is not a number"),
        (GOOD.replace("213386", "NaN"), "t.csv:2: field 'value': 'NaN' is not a finite number"),
        (GOOD.replace("2025-10-01", "2025-13-01"), "t.csv:2: field 'period_start': '2025-13-01' is not an ISO date"),
        (GOOD.replace("net_sales", "revenuez"), "t.csv:2: field 'metric': unknown metric 'revenuez'"),
        (GOOD.replace("USD_millions", "EUR"), "t.csv:2: field 'unit': unknown unit 'EUR'"),
        (GOOD.replace("net_sales", "eps_diluted"), "t.csv:2: field 'unit': eps_diluted is in USD/share"),
        (GOOD.replace("net_sales,", "net_sales,AWS"), "t.csv:2: field 'segment': revenue is a whole-company"),
        (GOOD.replace("net_sales", "segment_net_sales"), "t.csv:2: field 'segment': segment_revenue needs a segment"),
        (GOOD.replace(",Q4,", ",Q3,"), "t.csv:2: field 'fiscal_period': 'Q3' disagrees with period 2025Q4"),
        (GOOD.replace("2025-10-01", "2025-01-01"), "t.csv:2: field 'period_end': 2025-01-01..2025-12-31 (365 days)"),
        (GOOD.replace("2025-12-31", "2025-09-30"), "t.csv:2: field 'period_end': 2025-09-30 is before"),
        (GOOD.replace("2025Q4", "2025Q5"), "t.csv:2: field 'period': period '2025Q5' is not a fiscal period"),
        (GOOD + ",extra", "t.csv:2: row has more fields than the header"),
        ("2025Q4,2025-10-01", "t.csv:2: field"),
    ],
)
def test_bad_rows_are_named(row, message):
    with pytest.raises(IngestError) as caught:
        parse(row)
    assert str(caught.value).startswith(message)


def test_line_numbers_count_multiline_notes():
    note_row = GOOD.replace("net_sales", "product_sales").replace("213386", "89992")[:-1] + ',"two\nlines"'
    with pytest.raises(IngestError, match="^t.csv:4: field 'value'"):
        parse(note_row, GOOD.replace("213386", "x"))


def test_duplicate_rows_are_named():
    with pytest.raises(IngestError, match="^t.csv:3: duplicate of line 2"):
        parse(GOOD, GOOD)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (HEADER.replace("value,", ""), "t.csv:1: missing column(s) value"),
        (HEADER + ",colour", "t.csv:1: unknown column(s) colour"),
    ],
)
def test_bad_headers(header, message):
    with pytest.raises(IngestError) as caught:
        parse(GOOD, header=header)
    assert str(caught.value) == message


def test_empty_file_and_missing_ticker():
    with pytest.raises(IngestError, match="t.csv: no rows"):
        parse()
    with pytest.raises(IngestError, match="no ticker column"):
        parse_csv_facts(HEADER + "\n" + GOOD + "\n", "t.csv")


def test_file_errors(tmp_path):
    binary = tmp_path / "latin1.csv"
    binary.write_bytes(HEADER.encode() + b"\n" + GOOD.encode() + b"\xff\n")
    with pytest.raises(IngestError, match="latin1.csv:2: field 'note': not UTF-8 text"):
        read_csv_facts(binary, ticker="AMZN")
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as f:  # sparse: the size check must refuse it before reading a byte
        f.truncate(csv_source.MAX_BYTES + 1)
    with pytest.raises(IngestError, match=f"huge.csv: {csv_source.MAX_BYTES + 1} bytes is over the"):
        read_csv_facts(huge, ticker="AMZN")
