"""SEC company-facts JSON (data.sec.gov/api/xbrl/companyfacts/CIK##########.json) as facts.

The API gives every value the filer has tagged, without dimensions, once per filing that reported
it; the latest filing's value wins. It states no fiscal year end, so the calendar is taken from the
annual (10-K) periods it reports.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from decimal import Decimal

from caibao.errors import IngestError
from caibao.facts.catalogue import catalogue
from caibao.facts.fiscal import FiscalCalendar
from caibao.facts.model import Fact, Period, Source
from caibao.facts.xbrl_source import EXACT, UNITS, Converted, xbrl_map

MAX_BYTES = 256 * 1024 * 1024


def parse_companyfacts(data: bytes, name: str, ticker: str | None) -> Converted:
    if len(data) > MAX_BYTES:
        raise IngestError(f"{name}: {len(data)} bytes is over the {MAX_BYTES}-byte limit")
    try:
        doc = json.loads(data, parse_float=Decimal, parse_int=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IngestError(f"{name}: not JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("facts"), dict):
        raise IngestError(f"{name}: not SEC company facts (no 'facts' object)")
    cik = f"{int(doc.get('cik', 0)):010d}" if str(doc.get("cik", "")).strip() else ""
    if not ticker:
        raise IngestError(f"{name}: company facts name no ticker; say which company it is (--ticker)")
    symbol = ticker.upper()
    entries = _entries(doc, name)
    calendar = _calendar(entries, name)
    ranked = xbrl_map().ranked(symbol)
    metrics = catalogue().metrics
    out = Converted(symbol, cik, str(doc.get("entityName", "")), f"--{calendar.month:02d}-{calendar.day:02d}")
    best: dict[tuple, tuple[int, str, Fact]] = {}
    for concept, unit, entry in entries:
        if concept not in ranked or "start" not in entry:
            out.skipped += 1
            continue
        metric, rank = ranked[concept]
        start, end = date.fromisoformat(entry["start"]), date.fromisoformat(entry["end"])
        label = calendar.label(start, end)
        if label is None or UNITS.get(unit.replace("USD-per-shares", "USD/shares")) != metrics[metric].unit:
            out.skipped += 1
            continue
        value = entry["val"]
        if not isinstance(value, Decimal) or not value.is_finite():
            raise IngestError(f"{name}: {concept} {entry.get('end')}: value {value!r} is not a number")
        filed = str(entry.get("filed", ""))
        fact = Fact(
            ticker=symbol, metric=metric, member="", period=Period(start, end, label), value=value,
            decimals=EXACT, unit=metrics[metric].unit,
            source=Source(name, f"{concept} accn {entry.get('accn', '?')} ({entry.get('form', '?')} filed {filed})"),
            cik=cik,
        )  # fmt: skip
        key = (metric, start, end)
        if key not in best or (rank, _later(filed)) < (best[key][0], _later(best[key][1])):
            best[key] = (rank, filed, fact)
    out.facts = [fact for _, _, fact in best.values()]
    return out


def _later(filed: str) -> str:
    """Sort key: a later filing first (its figures include any restatement)."""
    return "".join(chr(0x10FFFF - ord(c)) for c in filed)


def _entries(doc: dict, name: str) -> list[tuple[str, str, dict]]:
    entries = []
    for taxonomy, concepts in doc["facts"].items():
        if not isinstance(concepts, dict):
            raise IngestError(f"{name}: facts.{taxonomy} is not an object")
        for concept, body in concepts.items():
            for unit, values in (body.get("units") or {}).items():
                for entry in values:
                    if not isinstance(entry, dict) or "end" not in entry or "val" not in entry:
                        raise IngestError(f"{name}: {taxonomy}:{concept} has an entry without end or val")
                    try:
                        date.fromisoformat(entry["end"])
                        if "start" in entry:
                            date.fromisoformat(entry["start"])
                    except (TypeError, ValueError):
                        raise IngestError(f"{name}: {taxonomy}:{concept}: bad date in {entry!r}") from None
                    entries.append((f"{taxonomy}:{concept}", unit, entry))
    return entries


def _calendar(entries: list[tuple[str, str, dict]], name: str) -> FiscalCalendar:
    ends: Counter[tuple[int, int]] = Counter()
    for _, _, entry in entries:
        if entry.get("form") == "10-K" and entry.get("fp") == "FY" and "start" in entry:
            start, end = date.fromisoformat(entry["start"]), date.fromisoformat(entry["end"])
            if 350 <= (end - start).days <= 380:
                ends[(end.month, end.day)] += 1
    if not ends:
        return FiscalCalendar()
    (month, day), _ = ends.most_common(1)[0]
    return FiscalCalendar(month, day)
