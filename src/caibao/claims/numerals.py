"""Numbers as financial text writes them: 2,134 / 829.88 / 1.6 / 六 / 三 / 两 / 十二."""

from __future__ import annotations

from decimal import Decimal

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL = "零〇一二两三四五六七八九十百千"


def chinese_to_int(text: str) -> int:
    """一 -> 1, 十二 -> 12, 三百五十 -> 350 (no 万/亿: those are multipliers to the parser)."""
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + digit


def parse_number(text: str) -> tuple[Decimal, int]:
    """The value of a written number and its decimal places: "829.88" -> (829.88, 2)."""
    if text[0] in CHINESE_NUMERAL:
        return Decimal(chinese_to_int(text)), 0
    digits = text.replace(",", "")
    value = Decimal(digits)
    places = len(digits.split(".", 1)[1]) if "." in digits else 0
    return value, places
