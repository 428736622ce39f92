"""House style per language: how amounts, percentages and periods are written.

All rounding goes through analysis.rounding.round_half_up. Negative percentages: zh-Hant writes
(6%), as Taiwanese sell-side tables do; zh-Hans and en write -6%.
"""

from __future__ import annotations

from decimal import Decimal

from caibao.analysis.rounding import round_half_up
from caibao.facts.periods import FiscalLabel

MISSING = "—"
APPROXIMATE = "≈"
NOT_MEANINGFUL = "n.m."
_YI = Decimal(10) ** 8  # 億
_BILLION = Decimal(10) ** 9
_MILLION = Decimal(10) ** 6


def _negative(text: str, lang: str) -> str:
    return f"({text})" if lang == "zh-Hant" else f"-{text}"


def pct(value: Decimal | None, lang: str, places: int = 0, signed: bool = True) -> str:
    """A percentage, rounded half-up; `signed` False prints the magnitude (for 年減 6%)."""
    if value is None:
        return NOT_MEANINGFUL
    rounded = round_half_up(value, places)
    text = f"{abs(rounded):,}%"
    return _negative(text, lang) if signed and rounded < 0 else text


def millions(value: Decimal | None, lang: str) -> str:
    """A USD amount in a 百萬美元 / US$ million table."""
    if value is None:
        return MISSING
    rounded = round_half_up(value / _MILLION, 0)
    text = f"{abs(rounded):,}"
    return _negative(text, lang) if rounded < 0 else text


def billions(value: Decimal, places: int | None = None) -> str:
    """A USD amount in a 十億美元 / US$ billion table; `places` None: the digits the figure has
    (guidance of $173,500 million reads 173.5), at least one decimal."""
    if places is None:
        exponent = (value / _BILLION).normalize().as_tuple().exponent
        places = max(1, -exponent) if isinstance(exponent, int) else 1
    return f"{round_half_up(value / _BILLION, places):,}"


def per_share(value: Decimal | None) -> str:
    if value is None:
        return MISSING
    return f"${round_half_up(value, 2)}" if value >= 0 else f"-${round_half_up(-value, 2)}"


def _scaled(value: Decimal, lang: str, whole: bool) -> tuple[str, str]:
    """(number, unit word) for running text; `whole` drops decimals a round threshold does not need."""
    if lang == "en":
        divisor, word = (_BILLION, "billion") if abs(value) >= _BILLION else (_MILLION, "million")
        places = 1 if word == "billion" else 0
    else:
        divisor, word = _YI, "億美元" if lang == "zh-Hant" else "亿美元"
        places = 0 if abs(value) >= 10 * _YI else 1
    number = round_half_up(value / divisor, 0 if whole and value % divisor == 0 else places)
    return f"{number:,}", word


def amount_text(value: Decimal, lang: str) -> str:
    """A USD amount in running text: 2,134 億美元 / 2,134亿美元 / $213.4 billion."""
    number, word = _scaled(abs(value), lang, whole=True)
    sign = "-" if value < 0 else ""
    if lang == "en":
        return f"{sign}${number} {word}"
    return f"{sign}{number} {word}" if lang == "zh-Hant" else f"{sign}{number}{word}"


def amount_range_text(low: Decimal, high: Decimal, lang: str) -> str:
    """A guided range with its unit once: 210–260 億美元 / $21.0–26.0 billion."""
    lo, word = _scaled(low, lang, whole=False)
    hi, _ = _scaled(high, lang, whole=False)
    if lang == "en":
        return f"${lo}–{hi} {word}"
    return f"{lo}–{hi} {word}" if lang == "zh-Hant" else f"{lo}–{hi}{word}"


def per_share_text(value: Decimal, lang: str) -> str:
    """EPS in running text: 1.95 美元 / 1.95美元 / $1.95."""
    if lang == "en":
        return per_share(value)
    if value < 0:
        return "-" + per_share_text(-value, lang)
    return f"{round_half_up(value, 2)}{' ' if lang == 'zh-Hant' else ''}{'美元'}"


def period_column(label: FiscalLabel) -> str:
    """Column heads as the seed note writes them: FY 4Q25, FY2025."""
    if label.is_quarter:
        return f"FY {label.quarter}Q{label.year % 100:02d}"
    return f"FY{label.year}"
