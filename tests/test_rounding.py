"""The rounding and percent rules, as tables of inputs and the text a reader sees."""

from decimal import Decimal as D

import pytest

from caibao.analysis.rounding import growth_pct, round_half_up, share_pct
from caibao.brief import formatting as fmt


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("2.5", 0, "3"),
        ("3.5", 0, "4"),  # half-up, not banker's rounding (which gives 4 here but 2 for 2.5)
        ("-2.5", 0, "-3"),  # halves go away from zero
        ("-0.4", 0, "-0"),
        ("13.6291", 0, "14"),
        ("23.598", 1, "23.6"),
        ("0.05", 1, "0.1"),
        ("1.945", 2, "1.95"),
        ("2133.86", 0, "2134"),
        ("213386", -2, "213400"),
        ("213350", -2, "213400"),
        ("213349.99", -2, "213300"),
    ],
)
def test_round_half_up(value, places, expected):
    assert round_half_up(D(value), places) == D(expected)


@pytest.mark.parametrize(
    ("current", "base", "expected"),
    [
        ("213386", "187792", "13.6289"),
        ("2704", "2863", "-5.5536"),
        ("1257", "176", "614.2045"),
        ("5", "0", None),  # no growth from nothing
        ("5", "-3", None),  # nor from a loss
        ("-3", "5", "-160.0000"),
    ],
)
def test_growth_pct(current, base, expected):
    result = growth_pct(D(current), D(base))
    assert (None if result is None else round_half_up(result, 4)) == (None if expected is None else D(expected))


def test_share_pct():
    assert round_half_up(share_pct(D(11472), D(127083)), 1) == D("9.0")
    assert share_pct(D(1), D(0)) is None


@pytest.mark.parametrize(
    ("value", "lang", "places", "expected"),
    [
        ("13.6289", "zh-Hant", 0, "14%"),
        ("-5.5536", "zh-Hant", 0, "(6%)"),
        ("-5.5536", "zh-Hans", 0, "-6%"),
        ("-5.5536", "en", 0, "-6%"),
        ("-0.4", "zh-Hant", 0, "0%"),  # rounds to zero: no sign, no parentheses
        ("614.2045", "en", 0, "614%"),
        ("1234.5", "en", 0, "1,235%"),
        ("9.0272", "zh-Hant", 1, "9.0%"),
        ("35.03", "en", 1, "35.0%"),
        (None, "en", 0, "n.m."),
    ],
)
def test_pct(value, lang, places, expected):
    assert fmt.pct(None if value is None else D(value), lang, places) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        ("213386000000", "zh-Hant", "213,386"),
        ("-2250000000", "zh-Hant", "(2,250)"),
        ("-2250000000", "en", "-2,250"),
        ("499999", "en", "0"),
        ("500000", "en", "1"),
        (None, "en", "—"),
    ],
)
def test_millions(value, lang, expected):
    assert fmt.millions(None if value is None else D(value), lang) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        ("213386000000", "zh-Hant", "2,134 億美元"),
        ("213386000000", "zh-Hans", "2,134亿美元"),
        ("213386000000", "en", "$213.4 billion"),
        ("2573000000", "zh-Hant", "26 億美元"),
        ("730000000", "zh-Hant", "7.3 億美元"),
        ("730000000", "en", "$730 million"),
        ("200000000000", "zh-Hant", "2,000 億美元"),
        ("200000000000", "en", "$200 billion"),  # a round threshold keeps no ".0"
        ("-1040000000", "en", "-$1.0 billion"),
    ],
)
def test_amount_text(value, lang, expected):
    assert fmt.amount_text(D(value), lang) == expected


@pytest.mark.parametrize(
    ("low", "high", "lang", "expected"),
    [
        ("21000000000", "26000000000", "zh-Hant", "210–260 億美元"),
        ("21000000000", "26000000000", "zh-Hans", "210–260亿美元"),
        ("21000000000", "26000000000", "en", "$21.0–26.0 billion"),
    ],
)
def test_amount_range_text(low, high, lang, expected):
    assert fmt.amount_range_text(D(low), D(high), lang) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [("173500000000", None, "173.5"), ("206000000000", None, "206.0"), ("213386000000", 2, "213.39"),
     ("24977000000", 2, "24.98"), ("131819000000", 1, "131.8")],
)  # fmt: skip
def test_billions(value, places, expected):
    assert fmt.billions(D(value), places) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [("1.95", "zh-Hant", "1.95 美元"), ("1.95", "zh-Hans", "1.95美元"), ("1.95", "en", "$1.95"),
     ("-0.2", "en", "-$0.20")],
)  # fmt: skip
def test_per_share_text(value, lang, expected):
    assert fmt.per_share_text(D(value), lang) == expected
