"""Find the numbers in (folded) text that make a claim: amounts, percentages, points, multiples,
counts, with their qualifiers' raw material (sign, range). Dates, years, quarter names and bare
numbers without a unit are not claims and are left out.

Every pattern here starts only where a digit run starts and uses possessive repeats, so a run of
digits is read once, whatever follows it (linear time on any input).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache

from caibao.claims.numerals import CHINESE_NUMERAL, parse_number
from caibao.claims.vocab import base, trie_pattern

HUNDRED = Decimal(100)
MAX_DIGITS = 20  # more digits than any amount a filing states: a code or noise, not a figure
# The longest Chinese numeral a figure is written with before its 万/亿 is "九千九百九十九" (seven);
# a longer run ("一千二百一千二百…") is no number, and read as one it would only be a wrong one.
MAX_CHINESE = 10


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str  # money | percent | points | multiple | count | foreign | number (a bare number, tables only)
    value: Decimal  # money in USD; percent and points in percent points; a range's low end
    places: int  # decimal places written, after the multiplier: 2134亿 -> step 1e8
    step: Decimal  # one unit of the last digit written, in the value's unit
    qualifier: str = "eq"  # eq | range | at_least ("三位数"); the rest are read from the words around it
    high: Decimal | None = None  # a range's high end
    currency: bool = False
    unit_word: str = ""
    power: int = 0  # the multiplier written after the number (亿 = 8, billion = 9)

    @property
    def low(self) -> Decimal:
        return self.value


def numbers_data() -> dict:
    return base()["numbers"]


@cache
def _pattern() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(the number itself, what may follow it: a multiplier and a unit)."""
    data = numbers_data()
    currency = data["currency"]
    multipliers = trie_pattern(list(data["multipliers"]))
    percents = trie_pattern([w for words in data["percent"].values() for w in words])
    after = trie_pattern([*currency["after"], *currency["other_after"]])
    counts = trie_pattern(data["counts"]["units"])
    before = "|".join(
        re.escape(w) for w in sorted({*currency["before"], *currency["other_before"]}, key=len, reverse=True)
    )
    number = r"\d{1,3}+(?:,\d{3})++(?:\.\d++)?|\d++(?:\.\d++)?"
    chinese = f"[{CHINESE_NUMERAL}]++"
    head = re.compile(
        rf"(?P<neg>\(|(?<![\d.])-(?=[\d$€£¥]))?(?P<cur>{before})?\s?(?<![\d.,])(?P<num>{number})(?![\d.]*+[a-z]{{3,}})"
        rf"|(?<![{CHINESE_NUMERAL}])(?P<cn>{chinese})(?=\s?(?:{percents}|亿|万))",
    )
    tail = re.compile(rf"\s?(?P<mult>{multipliers})?\s?(?P<unit>{after}|{percents}|{counts})?")
    return head, tail


_DATE_AFTER = re.compile(r"\s?(?:年|月|日|号|季|个月|个季度|个交易日|天|周|财年|年度|位(?!数)|个?小时|分钟)")
_LETTER_BEFORE = re.compile(r"[a-z]$")
_EXPONENT = re.compile(r"e[+-]?\d++")
_CASHTAG_END = re.compile(r"[a-z)]")
_UNIT_ONLY = re.compile(r"[十百千万亿兆]+")  # no digit word: a scale, not an amount
_VAGUE_BEFORE = re.compile(r"(?:数|几|单位\s?[::]?\s?)$")
_RANGE = re.compile(r"\s?(?:至|到|-|–|—|~|to)\s?")


@cache
def _unit_kinds() -> dict[str, str]:
    data = numbers_data()
    kinds = {w: key for key, words in data["percent"].items() for w in words}
    kinds.update({w: "currency" for w in data["currency"]["after"]})
    kinds.update({w: "foreign" for w in data["currency"]["other_after"]})
    return kinds


def _unit_kind(unit: str) -> str:
    return _unit_kinds().get(unit, "count")


def find_mentions(text: str, start: int = 0, end: int | None = None, table: bool = False) -> list[Mention]:
    """Mentions in text[start:end]. In a table cell (`table`), unit-less numbers count (they take the
    table's unit) and parentheses mean a negative figure; in prose "(24%)" is only an aside."""
    head, tail = _pattern()
    end = len(text) if end is None else end
    found: list[Mention] = []
    bare: re.Match[str] | None = None  # a number with no unit, waiting for one ("15 and 83 basis points")
    pos = start
    while True:
        m = head.search(text, pos, end)
        if m is None:
            break
        pos = m.end()
        if m.group("num") and _LETTER_BEFORE.search(text, max(start, m.start("num") - 1), m.start("num")):
            continue  # Trainium2, EC2, S3: names, not figures
        exponent = _EXPONENT.match(text, m.end("num")) if m.group("num") else None
        if exponent is not None:
            # "1e400", "2.5e+9%": no article writes a figure so, and read as "$1" or "9%" it would be a
            # false alarm; the exponent's digits go with it
            pos = exponent.end()
            continue
        if m.group("cur") == "$" and m.start("cur") > 0 and _CASHTAG_END.match(text, m.start("cur") - 1):
            continue  # "$Meta Platforms(META)$ 2024全年": a cashtag's closing sign, not dollars
        if _DATE_AFTER.match(text, m.end()):
            continue  # 2025年, 12月31日, 13个季度, 12 个月: dates and spans of time, not figures
        if m.group("cn") and _VAGUE_BEFORE.search(text, max(start, m.start() - 3), m.start()):
            continue  # 数十亿, 几百万, and the unit line 单位:百万美元
        if (
            m.group("cn")
            and text[max(start, m.start() - 1) : m.start()] in ("(", "(")
            and _UNIT_ONLY.fullmatch(m.group("cn"))
        ):
            continue  # "营收(百万美元)": the unit a title gives, no figure
        if m.group("num") and sum(ch.isdigit() for ch in m.group("num")) > MAX_DIGITS:
            continue
        if m.group("cn") and len(m.group("cn")) > MAX_CHINESE:
            continue
        after = m.end()
        if table and m.group("neg") == "(" and text.startswith(")", after) and text.startswith("%", after + 1):
            after += 1  # "(10)%" in a table: minus ten percent
        t = tail.match(text, after, end)
        mult, unit = (t.group("mult") or "", t.group("unit") or "") if t else ("", "")
        if mult and unit == "" and mult in ("b", "m", "k") and not m.group("cur"):
            mult = ""  # "3 m" is metres more often than millions without a currency sign
        stop = m.end() if after == m.end() else after + 1
        if t and (mult or unit):
            stop = t.end("unit") if t.group("unit") else t.end("mult")
        mention = _mention(m, mult, unit, stop, table)
        if mention is None:
            bare = m if m.group("num") else None
            continue
        if (
            bare is not None
            and mention.kind != "number"
            and not _YEAR.fullmatch(bare.group("num"))  # "in the second quarter of 2024 and $25.0 billion"
            and (
                _LISTED.fullmatch(text, bare.end(), mention.start) or _RANGE.fullmatch(text, bare.end(), mention.start)
            )
        ):  # the unit written once for the list or the range: "15 and 83 basis points", "1,735–1,785 億美元"
            found.append(_listed(bare, mention))
        bare = None
        found.append(mention)
        pos = stop
    return _merge_ranges(text, found)


_LISTED = re.compile(r"\s*(?:and|&|,|和|及|、)\s*")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _listed(m: re.Match[str], after: Mention) -> Mention:
    """A bare number listed before a figure with a unit takes that unit."""
    value, places = parse_number(m.group("num"))
    step = Decimal(1).scaleb(after.power - places)
    if after.kind == "points" and after.unit_word in numbers_data()["percent"]["bps"]:
        value, step = value / HUNDRED, step / HUNDRED
    else:
        value = value.scaleb(after.power)
    return Mention(m.start("num"), m.end("num"), after.kind, value, places, step, currency=after.currency,
                   unit_word=after.unit_word, power=after.power)  # fmt: skip


def _mention(m: re.Match[str], mult: str, unit: str, stop: int, table: bool) -> Mention | None:
    if not (mult or unit or table or m.group("cur")):
        return None  # a bare number in prose (a year, a count of things): what the end would say, sooner
    value, places = parse_number(m.group("num") or m.group("cn"))
    unit_kind = _unit_kind(unit) if unit else ""
    symbol = m.group("cur") or ""
    foreign = unit_kind == "foreign" or (symbol and symbol not in numbers_data()["currency"]["before"])
    currency = bool(symbol) or unit_kind == "currency"
    power = numbers_data()["multipliers"].get(mult, 0)
    sign = m.group("neg") or ""
    negative = sign == "-" or (sign == "(" and table)
    start = m.start("neg") if negative else m.start("cur") if symbol else m.start("num" if m.group("num") else "cn")
    step = Decimal(1).scaleb(power - places)
    value = value.scaleb(power)
    qualifier = "eq"
    if unit_kind in ("percent", "points", "multiple"):
        kind = unit_kind
    elif unit_kind == "bps":
        kind, value, step = "points", value / HUNDRED, step / HUNDRED
    elif unit_kind == "tenths":  # 6成 = 60%
        kind, value, step = "percent", value * 10, step * 10
    elif unit_kind == "digits":  # 三位数 growth: at least 100%
        if places or not 1 <= value <= MAX_DIGITS:
            # "202612位数", "1.5位数": no growth rate has so many digits, and 10**202611 takes minutes
            return None
        kind, value, step, qualifier = "percent", Decimal(10) ** (int(value) - 1), HUNDRED, "at_least"
    elif foreign:
        kind = "foreign"
    elif unit_kind == "count":
        kind = "count"
    elif currency or power:
        kind = "money"
    elif table:
        kind = "number"
    else:
        return None
    if negative:
        value = -value
    end = stop + 1 if sign == "(" and negative and m.string[stop : stop + 1] == ")" else stop
    return Mention(start, end, kind, value, places, step, qualifier, currency=currency, unit_word=unit, power=power)


def _merge_ranges(text: str, found: list[Mention]) -> list[Mention]:
    """ "30% 至 40%", "173.5 - 178.5", "$21.0–26.0 billion": one claim with both ends."""
    merged: list[Mention] = []
    for mention in found:
        if merged:
            prev = merged[-1]
            gap = text[prev.end : mention.start] if mention.start - prev.end <= 8 else "x"
            if not gap and mention.value < 0 and text[mention.start] == "-":  # "173.5-178.5"
                gap, mention = "-", replace(mention, value=-mention.value)
            compatible = prev.kind == mention.kind or (prev.kind in ("number", "money") and mention.kind == "money")
            if compatible and prev.qualifier != "range" and _RANGE.fullmatch(gap) and mention.value >= abs(prev.value):
                low = prev.value
                if prev.power == 0 and mention.power:  # "21.0–26.0 billion": the multiplier is written once
                    low = prev.value.scaleb(mention.power)
                merged[-1] = Mention(
                    prev.start,
                    mention.end,
                    mention.kind,
                    low,
                    mention.places,
                    mention.step,
                    "range",
                    mention.value,
                    prev.currency or mention.currency,
                    mention.unit_word,
                    mention.power,
                )
                continue
        merged.append(mention)
    return merged
