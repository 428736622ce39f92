import pytest

from caibao.errors import CaibaoError
from caibao.facts.periods import FiscalLabel, parse_label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025Q4", FiscalLabel(2025, 4)),
        ("2025q4", FiscalLabel(2025, 4)),
        ("2025-Q4", FiscalLabel(2025, 4)),
        ("Q4 2025", FiscalLabel(2025, 4)),
        ("Q4'25", FiscalLabel(2025, 4)),
        ("4Q25", FiscalLabel(2025, 4)),
        ("FY 4Q25", FiscalLabel(2025, 4)),
        ("FY2025", FiscalLabel(2025)),
        ("FY25", FiscalLabel(2025)),
        (" fy2024 ", FiscalLabel(2024)),
    ],
)
def test_parse_label(text, expected):
    assert parse_label(text) == expected


@pytest.mark.parametrize("text", ["2025Q5", "2025", "Q0 2025", "last quarter", ""])
def test_parse_label_rejects(text):
    with pytest.raises(CaibaoError, match="not a fiscal period"):
        parse_label(text)


def test_label_arithmetic():
    q = FiscalLabel(2025, 1)
    assert str(q.previous()) == "2024Q4"
    assert str(q.year_ago()) == "2024Q1"
    assert str(q.shift(-13)) == "2021Q4"
    assert str(FiscalLabel(2025, 4).next()) == "2026Q1"
    assert sorted([FiscalLabel(2025), FiscalLabel(2025, 4), FiscalLabel(2025, 1)]) == [
        FiscalLabel(2025, 1),
        FiscalLabel(2025, 4),
        FiscalLabel(2025),
    ]
    with pytest.raises(ValueError):
        FiscalLabel(2025).shift(1)
