"""A filer's fiscal calendar: which fiscal year and quarter a reported period belongs to.

A fiscal year is named by the calendar year in which it ends. 52/53-week filers end their year on
a weekday near a date rather than on it (Apple: the last Saturday of September), so a period end
is matched to a fiscal-year end with a week's tolerance, and a quarter is counted back from the
year end in quarter lengths rather than by calendar month.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from caibao.facts.periods import FiscalLabel

TOLERANCE = timedelta(days=7)
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_NUMERIC = re.compile(r"^-*(\d{1,2})[-/](\d{1,2})$")
_WORDS = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})$")
# Lengths in days of the durations a filing reports, and what each is.
_SPANS = ((80, 100, 3), (170, 195, 6), (260, 285, 9), (350, 380, 12))


def parse_year_end(text: str) -> tuple[int, int] | None:
    """dei:CurrentFiscalYearEndDate as filers write it: --12-31, 12-31, 1/25, December 31, SEPTEMBER 28."""
    cleaned = " ".join(text.replace("\u00a0", " ").split())
    m = _NUMERIC.match(cleaned)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
    else:
        m = _WORDS.match(cleaned)
        if not m or m.group(1).lower() not in _MONTHS:
            return None
        month, day = _MONTHS[m.group(1).lower()], int(m.group(2))
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    return month, day


@dataclass(frozen=True)
class FiscalCalendar:
    month: int = 12
    day: int = 31

    def year_end(self, year: int) -> date:
        return date(year, self.month, min(self.day, calendar.monthrange(year, self.month)[1]))

    def fiscal_year_end(self, end: date) -> date:
        """The end of the fiscal year a period ending on `end` belongs to."""
        for year in (end.year - 1, end.year, end.year + 1):
            candidate = self.year_end(year)
            if candidate >= end - TOLERANCE:
                return candidate
        raise AssertionError("unreachable: next year's end is always later")

    def instant_label(self, end: date) -> FiscalLabel | None:
        """The quarter (or, at the year's end, the fiscal year) a balance dated `end` closes."""
        year_end = self.fiscal_year_end(end)
        if abs((year_end - end).days) <= TOLERANCE.days:
            return FiscalLabel(year_end.year)
        quarters_before_end = (year_end - end).days / 91.3
        quarter = 4 - round(quarters_before_end)
        if abs(quarters_before_end - round(quarters_before_end)) * 91.3 > TOLERANCE.days or not 1 <= quarter <= 3:
            return None
        return FiscalLabel(year_end.year, quarter)

    def label(self, start: date, end: date) -> FiscalLabel | None:
        """The fiscal label of a duration, or None for a span that is not a quarter, a year to
        date at a quarter's end, or a fiscal year."""
        days = (end - start).days + 1
        months = next((m for low, high, m in _SPANS if low <= days <= high), None)
        if months is None:
            return None
        year_end = self.fiscal_year_end(end)
        quarters_before_end = round((year_end - end).days / 91.3)
        quarter = 4 - quarters_before_end
        if not 1 <= quarter <= 4:
            return None
        if months == 3:
            return FiscalLabel(year_end.year, quarter)
        if months == 12:
            return FiscalLabel(year_end.year) if quarter == 4 else None
        if quarter == months // 3:
            return FiscalLabel(year_end.year, quarter, ytd=True)
        return None
