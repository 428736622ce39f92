"""The range of what a fact may hold, checked by every reader before a fact is made.

A value beyond these would not fail where it is read but later and far away: DuckDB refuses it
mid-ingest, or a report rounding it raises. So each reader refuses it at once, naming the fact.

- Values: under 10**22 in magnitude. The store keeps DECIMAL(38, 6), but facts are worked with in
  Python's default 28-digit decimal context: 22 digits before the point and the 6 kept after it
  are 28, so rounding a stored value to any of its places stays exact. The largest figure any
  filer reports (a year's revenue in Korean won or Indonesian rupiah) is near 10**17.
- Decimals (stated precision): -32 to 32. Within those, tolerances and roundings stay in range,
  and nothing outside them has meaning for a value under 10**22.
- Dates: 1900-01-01 to 2199-12-31, so fiscal-year arithmetic (a year either side) stays inside
  what `datetime.date` holds.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from caibao.errors import IngestError

MAX_INTEGER_DIGITS = 22
MIN_DECIMALS, MAX_DECIMALS = -32, 32
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)
MAX_SHOWN = 60  # characters of a bad input quoted in a message
_TRAILING_ZEROS = re.compile(r"\.?0+E")


def check_value(value: Decimal, where: str) -> Decimal:
    if not value.is_finite():
        raise IngestError(f"{where}: value {value} is not a finite number")
    if value and value.adjusted() >= MAX_INTEGER_DIGITS:
        raise IngestError(f"{where}: value {short_number(value)} is out of range (under 10^{MAX_INTEGER_DIGITS})")
    return value


def check_date(day: date, where: str) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise IngestError(f"{where}: {day.isoformat()} is out of range ({FIRST_DAY} to {LAST_DAY})")
    return day


def short_number(value: Decimal) -> str:
    """A number for a message: in full while that is short, else in E notation (1E+999999999
    written out would be a gigabyte)."""
    if not value.is_finite():
        return str(value)
    if -30 < value.adjusted() < 30:
        return format(value, "f")
    return _TRAILING_ZEROS.sub("E", format(value, ".6E"))


def shown(text: str) -> str:
    """A bad input quoted for a message: repr (control characters escaped), cut to MAX_SHOWN."""
    if len(text) > MAX_SHOWN:
        return repr(text[:MAX_SHOWN]) + f"... ({len(text)} characters)"
    return repr(text)
