"""Period expressions in article text: 2025年第四季度, Q4, 4Q25, 2025年全年, 去年同期, 本季."""

from __future__ import annotations

import re
from dataclasses import dataclass

from caibao.claims.lexicon import lexicon
from caibao.facts.periods import FiscalLabel

_QUARTER_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "first": 1, "second": 2, "third": 3, "fourth": 4}
_OF = re.compile(r"\s*的")


@dataclass(frozen=True)
class PeriodMark:
    start: int
    end: int
    kind: str  # quarter | year | current_quarter | previous_quarter | year_ago | same_period | full_year
    year: int | None = None
    quarter: int | None = None
    local: bool = False  # "2024年的592亿美元": names the period of the next figure only

    def apply(self, current: FiscalLabel, document: FiscalLabel) -> FiscalLabel:
        """The period this mark names, given the period in force and the article's own quarter."""
        year = self.year or current.year
        if self.kind == "quarter":
            return FiscalLabel(year, self.quarter)
        if self.kind in ("year", "full_year"):
            return FiscalLabel(year)
        if self.kind == "current_quarter":
            return document
        if self.kind == "previous_quarter":
            return (current if current.is_quarter else document).previous()
        if self.kind == "year_ago":
            return current.year_ago()
        return current  # same_period


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def find_marks(folded: str, start: int, end: int) -> list[PeriodMark]:
    lx = lexicon()
    marks: list[PeriodMark] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for pattern in lx.quarter_patterns:
        for m in pattern.finditer(folded, start, end):
            if free(m.start(), m.end()):
                q = m.group("q")
                quarter = int(q) if q.isdigit() else _QUARTER_WORDS[q]
                year = _year(m.groupdict().get("y"))
                marks.append(PeriodMark(m.start(), m.end(), "quarter", year, quarter))
                taken.append((m.start(), m.end()))
    for pattern in lx.year_patterns:
        for m in pattern.finditer(folded, start, end):
            if free(m.start(), m.end()):
                local = bool(_OF.match(folded, m.end()))
                marks.append(PeriodMark(m.start(), m.end(), "year", _year(m.group("y")), local=local))
                taken.append((m.start(), m.end()))
    for m in lx.relative_periods.find_all(folded, start, end):
        if free(m.start(), m.end()):
            kind = lx.relative_periods.value(m)
            local = kind in ("year_ago", "previous_quarter")
            marks.append(PeriodMark(m.start(), m.end(), kind, local=local))
            taken.append((m.start(), m.end()))
    return sorted(marks, key=lambda mark: mark.start)


def document_quarter(folded: str, fallback: FiscalLabel) -> FiscalLabel:
    """The quarter an article is about: the quarter it names most often (with its year), else `fallback`."""
    counts: dict[FiscalLabel, int] = {}
    for mark in find_marks(folded, 0, len(folded)):
        if mark.kind == "quarter" and mark.year:
            label = FiscalLabel(mark.year, mark.quarter)
            counts[label] = counts.get(label, 0) + 1
    if not counts:
        return fallback
    return max(counts, key=lambda label: (counts[label], label.year, label.quarter or 0))
