"""Curated CSV facts files, in the format of shared/reference/amzn-facts.csv (see README).

Every row is validated before anything is returned; the first bad row raises an IngestError that
names the file, the line and the field, so a bad file never reaches the store half-read.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from caibao.errors import CaibaoError, IngestError
from caibao.facts.catalogue import catalogue
from caibao.facts.model import Fact, Period, Source
from caibao.facts.periods import parse_label

MAX_BYTES = 64 * 1024 * 1024
REQUIRED = ("period", "period_start", "period_end", "metric", "segment", "value", "unit")
OPTIONAL = ("fiscal_period", "source_url", "note", "ticker", "cik", "decimals")
_ROUNDED = re.compile(r"\brounded\b", re.I)
# Releases state rounded figures to $0.1 billion; a rounded "5000" (USD millions) is $5.0 billion,
# not $5 billion, so a rounded figure is never taken as coarser than this.
_COARSEST_ROUNDED_DECIMALS = -8


def read_bounded(path: Path) -> bytes:
    """A source file's bytes, refused past MAX_BYTES before reading them."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise IngestError(f"{path}: {size} bytes is over the {MAX_BYTES}-byte limit for a facts file")
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror})") from None


def decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def read_csv_facts(path: Path, ticker: str | None = None, cik: str = "") -> list[Fact]:
    """Parse a facts CSV file. `ticker` is used when the file has no ticker column."""
    return parse_csv_facts(decode(read_bounded(path), str(path)), name=path.name, ticker=ticker, cik=cik)


def parse_csv_facts(text: str, name: str, ticker: str | None = None, cik: str = "") -> list[Fact]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise IngestError(f"{name}:1: missing column(s) {', '.join(missing)}")
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise IngestError(f"{name}:1: unknown column(s) {', '.join(unknown)}")
    if "ticker" not in header and not ticker:
        raise IngestError(f"{name}:1: no ticker column; say which company the file is for (--ticker)")

    facts: list[Fact] = []
    seen: dict[tuple, int] = {}
    line = 1
    for row in reader:
        start_line, line = line + 1, reader.line_num
        where = f"{name}:{start_line}"
        fact = _row_to_fact(row, where, name, start_line, ticker, cik)
        key = (fact.ticker, fact.metric, fact.member, fact.period.start, fact.period.end, fact.unit)
        if key in seen:
            raise IngestError(f"{where}: duplicate of line {seen[key]} ({fact.metric} {fact.member} {fact.label})")
        seen[key] = start_line
        facts.append(fact)
    if not facts:
        raise IngestError(f"{name}: no rows")
    return facts


def _field(row: dict, column: str, where: str) -> str:
    value = row.get(column)
    if value is None:
        raise IngestError(f"{where}: field '{column}': row has too few fields")
    return value.strip()


def _row_to_fact(row: dict, where: str, name: str, line: int, ticker: str | None, cik: str) -> Fact:
    if None in row:
        raise IngestError(f"{where}: row has more fields than the header")
    cat = catalogue()
    try:
        metric, member = cat.resolve(_field(row, "metric", where), _field(row, "segment", where))
    except CaibaoError as exc:
        raise IngestError(f"{where}: field 'metric': {exc}") from None
    if metric.axis and not member:
        raise IngestError(f"{where}: field 'segment': {metric.key} needs a {metric.axis}")
    if not metric.axis and member:
        raise IngestError(f"{where}: field 'segment': {metric.key} is a whole-company metric, got {member!r}")

    start = _date(row, "period_start", where)
    end = _date(row, "period_end", where)
    if end < start:
        raise IngestError(f"{where}: field 'period_end': {end} is before period_start {start}")
    try:
        label = parse_label(_field(row, "period", where))
    except CaibaoError as exc:
        raise IngestError(f"{where}: field 'period': {exc}") from None
    fiscal_period = (row.get("fiscal_period") or "").strip()
    expected = f"Q{label.quarter}" if label.is_quarter else "FY"
    if fiscal_period and fiscal_period != expected:
        raise IngestError(f"{where}: field 'fiscal_period': {fiscal_period!r} disagrees with period {label}")
    days = (end - start).days + 1
    if (label.is_quarter and not 84 <= days <= 98) or (not label.is_quarter and not 357 <= days <= 371):
        raise IngestError(f"{where}: field 'period_end': {start}..{end} ({days} days) is not a {expected} period")

    unit_name = _field(row, "unit", where)
    spec = cat.units.get(unit_name)
    if spec is None:
        raise IngestError(f"{where}: field 'unit': unknown unit {unit_name!r}")
    if spec.unit != metric.unit:
        raise IngestError(f"{where}: field 'unit': {metric.key} is in {metric.unit}, got {unit_name!r}")
    raw_value = _field(row, "value", where)
    try:
        written = Decimal(raw_value.replace(",", ""))
    except InvalidOperation:
        raise IngestError(f"{where}: field 'value': {raw_value!r} is not a number") from None
    if not written.is_finite():
        raise IngestError(f"{where}: field 'value': {raw_value!r} is not a finite number")

    note = (row.get("note") or "").strip()
    decimals = _decimals(row, written, note, where) - spec.scale
    if _ROUNDED.search(note) and not (row.get("decimals") or "").strip():
        decimals = max(decimals, _COARSEST_ROUNDED_DECIMALS)
    company = (row.get("ticker") or "").strip().upper() or (ticker or "").upper()
    if not company:
        raise IngestError(f"{where}: field 'ticker': empty")
    return Fact(
        ticker=company,
        metric=metric.key,
        member=member,
        period=Period(start, end, label),
        value=written.scaleb(spec.scale),
        decimals=decimals,
        unit=spec.unit,
        source=Source(document=name, locator=f"line {line}", url=(row.get("source_url") or "").strip(), note=note),
        cik=(row.get("cik") or "").strip() or cik,
        derived=note.lower().startswith("derived"),
    )


def _date(row: dict, column: str, where: str) -> date:
    text = _field(row, column, where)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise IngestError(f"{where}: field '{column}': {text!r} is not an ISO date (YYYY-MM-DD)") from None


def _decimals(row: dict, written: Decimal, note: str, where: str) -> int:
    """Stated precision in the file's own unit: an explicit `decimals` column, else the digits written."""
    explicit = (row.get("decimals") or "").strip()
    if explicit:
        try:
            return int(explicit)
        except ValueError:
            raise IngestError(f"{where}: field 'decimals': {explicit!r} is not an integer") from None
    exponent = written.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent < 0 or not _ROUNDED.search(note) or written == 0:
        return -exponent
    digits = str(abs(int(written)))
    trailing = len(digits) - len(digits.rstrip("0"))
    return -trailing
