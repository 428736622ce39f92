"""SEC company-facts JSON (data.sec.gov/api/xbrl/companyfacts/CIK##########.json) as facts.

The API gives every value the filer has tagged, without dimensions, once per filing that reported
it; the latest filing's value wins. It states no fiscal year end, so the calendar is taken from the
annual (10-K) periods it reports.

The whole file is checked before a fact is made: anything that is not what the API serves (a
wrong type at any level, a missing or impossible date, a value out of range, text that is not
UTF-8) is refused with the file and the JSON path of the field at fault, e.g.
`CIK0001065280.json: facts.us-gaap.Revenues.units.USD[3].end: '2024-13-45' is not an ISO date`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caibao.errors import IngestError
from caibao.facts.bounds import check_date, check_value, short_number, shown
from caibao.facts.catalogue import catalogue
from caibao.facts.fiscal import FiscalCalendar
from caibao.facts.model import Fact, Period, Source
from caibao.facts.xbrl_source import EXACT, UNITS, Converted, xbrl_map

MAX_BYTES = 256 * 1024 * 1024
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,100}")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class _Entry:
    concept: str  # taxonomy:Concept
    unit: str
    start: date | None
    end: date
    value: Decimal
    form: str
    fp: str
    filed: str
    accn: str


def parse_companyfacts(data: bytes, name: str, ticker: str | None) -> Converted:
    if len(data) > MAX_BYTES:
        raise IngestError(f"{name}: {len(data)} bytes is over the {MAX_BYTES}-byte limit")
    doc = _load(data, name)
    if not isinstance(doc, dict) or not isinstance(doc.get("facts"), dict):
        raise IngestError(f"{name}: not SEC company facts (no 'facts' object)")
    cik = _cik(doc.get("cik"), name)
    entity = _text(doc.get("entityName", ""), f"{name}: entityName")
    if not ticker:
        raise IngestError(f"{name}: company facts name no ticker; say which company it is (--ticker)")
    symbol = ticker.upper()
    entries = _entries(doc["facts"], name)
    calendar = _calendar(entries)
    ranked = xbrl_map().ranked(symbol)
    metrics = catalogue().metrics
    out = Converted(symbol, cik, entity, f"--{calendar.month:02d}-{calendar.day:02d}")
    best: dict[tuple, tuple[int, str, Fact]] = {}
    for entry in entries:
        if entry.concept not in ranked or entry.start is None:
            out.skipped += 1
            continue
        metric, rank = ranked[entry.concept]
        label = calendar.label(entry.start, entry.end)
        if label is None or UNITS.get(entry.unit.replace("USD-per-shares", "USD/shares")) != metrics[metric].unit:
            out.skipped += 1
            continue
        fact = Fact(
            ticker=symbol, metric=metric, member="", period=Period(entry.start, entry.end, label), value=entry.value,
            decimals=EXACT, unit=metrics[metric].unit,
            source=Source(name, f"{entry.concept} accn {entry.accn or '?'} ({entry.form or '?'} filed {entry.filed})"),
            cik=cik,
        )  # fmt: skip
        key = (metric, entry.start, entry.end)
        if key not in best or (rank, _later(entry.filed)) < (best[key][0], _later(best[key][1])):
            best[key] = (rank, entry.filed, fact)
    out.facts = [fact for _, _, fact in best.values()]
    return out


def _load(data: bytes, name: str) -> object:
    try:
        text = data.decode("utf-8-sig")  # what the API serves; json.loads(bytes) would also guess UTF-16
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise IngestError(f"{name}:{line}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        # Numbers as Decimals, exact; NaN and Infinity too, so the check of the field names them.
        return json.loads(text, parse_float=Decimal, parse_int=Decimal, parse_constant=Decimal)
    except json.JSONDecodeError as exc:
        raise IngestError(f"{name}:{exc.lineno}: not JSON ({exc.msg}; column {exc.colno})") from None
    except RecursionError:
        # json's C scanner stops at Python's recursion limit; the API nests six deep.
        raise IngestError(f"{name}: not company facts (nested deeper than JSON can be read)") from None
    except ArithmeticError:
        # An exponent past what Decimal holds (1e99999999999999999999).
        raise IngestError(f"{name}: not company facts (a number with an exponent out of any range)") from None


def _later(filed: str) -> str:
    """Sort key: a later filing first (its figures include any restatement)."""
    return "".join(chr(0x10FFFF - ord(c)) for c in filed)


def _key(key: str) -> str:
    """A JSON object key for a path in a message: bare when plain, else quoted (and cut)."""
    return key if _PLAIN_KEY.fullmatch(key) else f"[{shown(key)}]"


def _kind(value: object) -> str:
    """A JSON value as a message names it: its text when short, else its type."""
    if isinstance(value, str):
        return f"{shown(value)} (a string)"
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, Decimal):
        return short_number(value)
    return "an object" if isinstance(value, dict) else "a list" if isinstance(value, list) else type(value).__name__


def _text(value: object, where: str) -> str:
    """A string field, refused when it is not one or holds a lone surrogate (a "\\ud800" escape),
    which no text column can store."""
    if not isinstance(value, str):
        raise IngestError(f"{where}: {_kind(value)} is not a string")
    if _SURROGATE.search(value):
        raise IngestError(f"{where}: {shown(value)} holds a lone surrogate escape, which is not text")
    return value


def _cik(value: object, name: str) -> str:
    if value is None or value == "":
        return ""
    text = str(value).strip() if isinstance(value, str | Decimal) else ""
    if not re.fullmatch(r"[0-9]{1,10}", text):
        raise IngestError(f"{name}: cik: {_kind(value)} is not a CIK (up to ten digits)")
    return f"{int(text):010d}"


def _entries(facts: dict, name: str) -> list[_Entry]:
    entries = []
    for taxonomy, concepts in facts.items():
        path = f"{name}: facts.{_key(taxonomy)}"
        _text(taxonomy, path)
        if not isinstance(concepts, dict):
            raise IngestError(f"{path} is not an object")
        for concept, body in concepts.items():
            here = f"{path}.{_key(concept)}"
            _text(concept, here)
            if not isinstance(body, dict):
                raise IngestError(f"{here} is not an object")
            units = body.get("units")
            if units is None:
                continue
            if not isinstance(units, dict):
                raise IngestError(f"{here}.units is not an object")
            for unit, values in units.items():
                at = f"{here}.units.{_key(unit)}"
                _text(unit, at)
                if not isinstance(values, list):
                    raise IngestError(f"{at} is not a list")
                for i, entry in enumerate(values):
                    entries.append(_entry(entry, f"{taxonomy}:{concept}", unit, f"{at}[{i}]"))
    return entries


def _entry(entry: object, concept: str, unit: str, at: str) -> _Entry:
    if not isinstance(entry, dict):
        raise IngestError(f"{at} is not an object")
    if "end" not in entry or "val" not in entry:
        raise IngestError(f"{at}: has no {'end' if 'end' not in entry else 'val'}")
    end = _date(entry["end"], f"{at}.end")
    start = _date(entry["start"], f"{at}.start") if "start" in entry else None
    if start is not None and start > end:
        raise IngestError(f"{at}.start: {start} is after end {end}")
    value = entry["val"]
    if not isinstance(value, Decimal):
        raise IngestError(f"{at}.val: {_kind(value)} is not a number")
    check_value(value, f"{at}.val")
    # Optional strings; the API writes null for some (an fp of an older filing).
    form, fp, filed, accn = (_text(entry.get(k) or "", f"{at}.{k}") for k in ("form", "fp", "filed", "accn"))
    return _Entry(concept, unit, start, end, value, form, fp, filed, accn)


def _date(value: object, where: str) -> date:
    text = _text(value, where)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise IngestError(f"{where}: {shown(text)} is not an ISO date (YYYY-MM-DD)") from None
    return check_date(day, where)


def _calendar(entries: list[_Entry]) -> FiscalCalendar:
    ends: Counter[tuple[int, int]] = Counter()
    for entry in entries:
        annual = entry.form == "10-K" and entry.fp == "FY" and entry.start is not None
        if annual and 350 <= (entry.end - entry.start).days <= 380:
            ends[(entry.end.month, entry.end.day)] += 1
    if not ends:
        return FiscalCalendar()
    (month, day), _ = ends.most_common(1)[0]
    return FiscalCalendar(month, day)
