"""Curated CSV facts files, in the format of shared/reference/amzn-facts.csv (see README).

Every row is validated before anything is returned; the first bad row raises an IngestError that
names the file, the line and the field, so a bad file never reaches the store half-read. That
includes what is not a facts file at all: bytes that are not UTF-8, control characters (a binary
file), lines too long for one, and values, precisions and dates out of the range a fact may hold
(see bounds.py).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from caibao.errors import CaibaoError, IngestError
from caibao.facts.bounds import (
    MAX_DECIMALS,
    MAX_INTEGER_DIGITS,
    MIN_DECIMALS,
    check_date,
    check_value,
    short_number,
    shown,
)
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
# The longest line of the bundled file is ~400 characters; one over this is not a facts row, and
# is refused before the csv module meets it (its own limit, 128 KiB a field, raises a bare error).
MAX_LINE_CHARS = 16 * 1024
# Text that no facts file holds: C0 controls but tab, newline and carriage return (NUL is the
# usual sign of a binary file), and lone surrogates (no UTF-8 decodes to one; a str may hold one).
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Numbers as written in a facts file: ASCII digits, an optional sign, point and exponent (Decimal
# alone would also take "1_000" and other scripts' digits). nan/inf are read to be named as such.
_NUMBER = re.compile(r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,9})?|nan|inf|infinity)", re.I | re.A)
_INTEGER = re.compile(r"[+-]?[0-9]{1,12}", re.A)
_CIK = re.compile(r"[0-9]{1,10}", re.A)
_QUOTED = re.compile(r'"[^"]*(?:"|$)')
MAX_NUMBER_CHARS = 100


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
        nul = data.find(b"\x00", 0, exc.start)
        if nul >= 0:  # a binary file: say so, rather than where its bytes first fail to be UTF-8
            raise IngestError(
                f"{name}:{_position(data[:nul].decode('utf-8-sig'))}: NUL byte (a binary file?)"
            ) from None
        where = _position(data[: exc.start].decode("utf-8-sig", errors="replace"))
        raise IngestError(
            f"{name}:{where}: not UTF-8 text ({exc.reason}: byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def _position(before: str) -> str:
    """'LINE: field NAME' of the character just after `before`, the text that precedes it. Lines
    are counted as the csv module counts them (\n, \r\n or \r ends one). The field is counted on
    its own line, so one after a quoted line break may be named wrong."""
    lines = _lines(before)
    try:
        header = next(csv.reader([lines[0].rstrip("\r\n")]), []) if len(lines) > 1 else []
    except csv.Error:  # a header csv cannot read: the column is named by number instead
        header = []
    index = _QUOTED.sub("", lines[-1]).count(",")
    column = f"field {header[index]!r}" if index < len(header) else f"column {index + 1}"
    return f"{len(lines)}: {column}"


def _lines(text: str) -> list[str]:
    """The lines of `text`, ends kept, split where csv splits them; a last empty one if it ends in a break."""
    lines = list(io.StringIO(text, newline=""))
    if not lines or lines[-1].endswith(("\n", "\r")):
        lines.append("")
    return lines


def _check_text(text: str, name: str) -> None:
    """Refuse what is not a facts file before reading it as CSV, naming the line and field."""
    bad = _NOT_TEXT.search(text)
    if bad:
        char = bad.group()
        hint = " (a binary file?)" if char == "\x00" else ""
        kind = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "control character"
        raise IngestError(f"{name}:{_position(text[: bad.start()])}: {kind} U+{ord(char):04X}{hint}")
    # Line by line (a regex for "a run of N characters but line ends" would rescan each line from
    # every position in it, quadratic in its length).
    offset = 0
    for line in io.StringIO(text, newline=""):
        length = len(line.rstrip("\r\n"))
        if length > MAX_LINE_CHARS:
            where = _position(text[: offset + MAX_LINE_CHARS])
            raise IngestError(f"{name}:{where}: line is {length} characters long, over the {MAX_LINE_CHARS} limit")
        offset += len(line)


def read_csv_facts(path: Path, ticker: str | None = None, cik: str = "") -> list[Fact]:
    """Parse a facts CSV file. `ticker` is used when the file has no ticker column."""
    return parse_csv_facts(decode(read_bounded(path), str(path)), name=path.name, ticker=ticker, cik=cik)


def parse_csv_facts(text: str, name: str, ticker: str | None = None, cik: str = "") -> list[Fact]:
    _check_text(text, name)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise IngestError(f"{name}:1: not CSV ({exc})") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise IngestError(f"{name}:1: missing column(s) {', '.join(missing)}")
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if unknown:
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        names = ", ".join(c if c.isprintable() and c.strip() == c and c else repr(c) for c in unknown[:5])
        raise IngestError(f"{name}:1: unknown column(s) {names}{more}")
    twice = next((c for i, c in enumerate(header) if c in header[:i]), None)
    if twice is not None:
        # DictReader would keep the last one's values and silently drop the first's.
        raise IngestError(f"{name}:1: column {twice!r} appears twice")
    if "ticker" not in header and not ticker:
        raise IngestError(f"{name}:1: no ticker column; say which company the file is for (--ticker)")

    facts: list[Fact] = []
    seen: dict[tuple, int] = {}
    line = 1
    rows = iter(reader)
    while True:
        try:
            row = next(rows, None)
        except csv.Error as exc:
            # A field over the csv module's limit: the lines are short (long ones are refused
            # above), so a quoted field has run on over many of them.
            raise IngestError(f"{name}:{line + 1}: not CSV ({exc}; a quote left open?)") from None
        if row is None:
            break
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
    if None in row.values():
        # Too few fields: where one holds line breaks, a quote opened in it was never closed and
        # the rest of the file was read into it.
        run_on = next((c for c, v in row.items() if v and "\n" in v), None)
        if run_on is not None:
            lines = row[run_on].count("\n") + 1
            raise IngestError(
                f"{where}: field {run_on!r}: a quoted field runs on over {lines} lines (a quote left open?)"
            )
    cat = catalogue()
    metric_text, segment_text = _field(row, "metric", where), _field(row, "segment", where)
    try:
        metric, member = cat.resolve(metric_text, segment_text)
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
    plain = raw_value.replace(",", "")
    if len(raw_value) > MAX_NUMBER_CHARS or not _NUMBER.fullmatch(plain):
        raise IngestError(f"{where}: field 'value': {shown(raw_value)} is not a number")
    written = Decimal(plain)
    if not written.is_finite():
        raise IngestError(f"{where}: field 'value': {raw_value!r} is not a finite number")
    # Checked before scaling: scaleb() on 1e999999999 overflows rather than saying why.
    if written and written.adjusted() + spec.scale >= MAX_INTEGER_DIGITS:
        raise IngestError(
            f"{where}: field 'value': value {short_number(written)} {unit_name} is out of range "
            f"(under 10^{MAX_INTEGER_DIGITS} {spec.unit})"
        )
    value = check_value(written.scaleb(spec.scale), f"{where}: field 'value'")

    note = (row.get("note") or "").strip()
    explicit = (row.get("decimals") or "").strip()
    decimals = _decimals(row, written, note, where) - spec.scale
    if _ROUNDED.search(note) and not explicit:
        decimals = max(decimals, _COARSEST_ROUNDED_DECIMALS)
    if not MIN_DECIMALS <= decimals <= MAX_DECIMALS:
        # Stated in the file's unit (USD millions), held in base units (USD): the range shown is the file's.
        low, high = MIN_DECIMALS + spec.scale, MAX_DECIMALS + spec.scale
        if explicit:
            raise IngestError(
                f"{where}: field 'decimals': {explicit} is out of range for {unit_name} ({low} to {high})"
            )
        raise IngestError(f"{where}: field 'value': {shown(raw_value)} states more decimal places than a fact may hold")
    company = (row.get("ticker") or "").strip().upper() or (ticker or "").upper()
    if not company:
        raise IngestError(f"{where}: field 'ticker': empty")
    row_cik = (row.get("cik") or "").strip()
    if row_cik and not _CIK.fullmatch(row_cik):
        raise IngestError(f"{where}: field 'cik': {shown(row_cik)} is not a CIK (up to ten digits)")
    return Fact(
        ticker=company,
        metric=metric.key,
        member=member,
        period=Period(start, end, label),
        value=value,
        decimals=decimals,
        unit=spec.unit,
        source=Source(document=name, locator=f"line {line}", url=(row.get("source_url") or "").strip(), note=note),
        cik=row_cik or cik,
        derived=note.lower().startswith("derived"),
    )


def _date(row: dict, column: str, where: str) -> date:
    text = _field(row, column, where)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise IngestError(f"{where}: field '{column}': {shown(text)} is not an ISO date (YYYY-MM-DD)") from None
    return check_date(day, f"{where}: field '{column}'")


def _decimals(row: dict, written: Decimal, note: str, where: str) -> int:
    """Stated precision in the file's own unit: an explicit `decimals` column, else the digits written."""
    explicit = (row.get("decimals") or "").strip()
    if explicit:
        if not _INTEGER.fullmatch(explicit):
            raise IngestError(f"{where}: field 'decimals': {shown(explicit)} is not an integer")
        return int(explicit)
    exponent = written.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent < 0 or not _ROUNDED.search(note) or written == 0:
        return -exponent
    digits = str(abs(int(written)))
    trailing = len(digits) - len(digits.rstrip("0"))
    return -trailing
