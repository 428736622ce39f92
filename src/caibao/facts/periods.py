"""Fiscal period labels: `2025Q4`, `FY2025`, and the arithmetic between them.

A label names the fiscal year by the year in which that fiscal year ends, so the arithmetic
here (previous quarter, year-ago quarter) works the same for calendar and non-calendar filers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from caibao.errors import CaibaoError

_QUARTER_PATTERNS = (
    re.compile(r"^(?:FY)?\s*(?P<y>\d{4})\s*-?\s*Q(?P<q>[1-4])$", re.I),  # 2025Q4, 2025-Q4
    re.compile(r"^(?:FY\s*)?Q(?P<q>[1-4])\s*[-' ]?\s*(?P<y>\d{4}|\d{2})$", re.I),  # Q4 2025, Q4'25
    re.compile(r"^(?:FY\s*)?(?P<q>[1-4])Q\s*(?P<y>\d{4}|\d{2})$", re.I),  # 4Q25, FY 4Q25
)
_YEAR_PATTERN = re.compile(r"^FY\s*-?(?P<y>\d{4}|\d{2})$", re.I)
_YTD_PATTERN = re.compile(r"^(?P<m>6|9)M\s*(?P<y>\d{4})$", re.I)


@dataclass(frozen=True)
class FiscalLabel:
    """A fiscal year (`quarter` None), one of its quarters, or its year to date at the end of a
    quarter (`ytd`: 6M2025 is the first half of fiscal 2025, 9M2025 its first three quarters).
    A year sorts after its Q4; a year to date after the quarter it ends with."""

    year: int
    quarter: int | None = None
    ytd: bool = False

    def __lt__(self, other: FiscalLabel) -> bool:
        return (self.year, self.quarter or 5, self.ytd) < (other.year, other.quarter or 5, other.ytd)

    def __str__(self) -> str:
        if self.quarter is None:
            return f"FY{self.year}"
        return f"{3 * self.quarter}M{self.year}" if self.ytd else f"{self.year}Q{self.quarter}"

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None and not self.ytd

    @property
    def is_year(self) -> bool:
        return self.quarter is None

    def shift(self, quarters: int) -> FiscalLabel:
        """The quarter `quarters` away (negative = earlier)."""
        if self.quarter is None:
            raise ValueError(f"{self} is a fiscal year, not a quarter")
        index = self.year * 4 + (self.quarter - 1) + quarters
        return FiscalLabel(index // 4, index % 4 + 1)

    def previous(self) -> FiscalLabel:
        return self.shift(-1) if self.is_quarter else FiscalLabel(self.year - 1, self.quarter, self.ytd)

    def year_ago(self) -> FiscalLabel:
        return FiscalLabel(self.year - 1, self.quarter, self.ytd)

    def next(self) -> FiscalLabel:
        return self.shift(1) if self.is_quarter else FiscalLabel(self.year + 1, self.quarter, self.ytd)

    def quarters_of_year(self) -> list[FiscalLabel]:
        return [FiscalLabel(self.year, q) for q in (1, 2, 3, 4)]


def _full_year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def parse_label(text: str) -> FiscalLabel:
    """Parse the ways people write a fiscal period; raise CaibaoError on anything else."""
    cleaned = text.strip()
    for pattern in _QUARTER_PATTERNS:
        m = pattern.match(cleaned)
        if m:
            return FiscalLabel(_full_year(m["y"]), int(m["q"]))
    m = _YEAR_PATTERN.match(cleaned)
    if m:
        return FiscalLabel(_full_year(m["y"]))
    m = _YTD_PATTERN.match(cleaned)
    if m:
        return FiscalLabel(int(m["y"]), int(m["m"]) // 3, ytd=True)
    raise CaibaoError(f"period {text!r} is not a fiscal period (write it as 2025Q4, 4Q25 or FY2025)")
