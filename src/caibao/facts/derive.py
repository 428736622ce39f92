"""Quarters a filer never reports on their own, derived from what it does report.

10-Ks report the fiscal year, not the fourth quarter, so Q4 = fiscal year - nine months to date
(the nine months may come from a later 10-Q's prior-year column), or the year less the three
reported quarters; likewise Q2 = six months - Q1 and Q3 = nine months - six months. Only flows are
derived, from facts of the same filer, metric and member: per-share figures and ratios never are
(a Q4 EPS is "not derivable"). Derived facts are marked derived and cite their inputs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from caibao.facts.catalogue import catalogue
from caibao.facts.index import FactIndex
from caibao.facts.model import Fact, Period, Source
from caibao.facts.periods import FiscalLabel


def derived_document(ticker: str) -> str:
    return f"derived:{ticker}"


def _difference(total: Fact, parts: list[Fact], label: FiscalLabel, start_after: Fact, how: str) -> Fact:
    value = total.value - sum((p.value for p in parts), Decimal(0))
    return Fact(
        ticker=total.ticker,
        metric=total.metric,
        member=total.member,
        period=Period(start_after.period.end + timedelta(days=1), total.period.end, label),
        value=value,
        decimals=min(f.decimals for f in (total, *parts)),
        unit=total.unit,
        source=Source(derived_document(total.ticker), how, note=f"derived: {how}"),
        cik=total.cik,
        derived=True,
        inputs=tuple(f.id for f in (total, *parts)),
        role=total.role,  # a reconciling item's quarters reconcile too
    )


def _first_quarter(half: Fact, q2: Fact, label: FiscalLabel, how: str) -> Fact:
    """Q1 = H1 - Q2: it starts where the half starts and ends the day before Q2 begins."""
    fact = _difference(half, [q2], label, q2, how)
    return replace(fact, period=Period(half.period.start, q2.period.start - timedelta(days=1), label))


def derive(index: FactIndex, ticker: str) -> list[Fact]:
    """Every quarter derivable from `index` (one filer's facts) that it lacks."""
    cat = catalogue()
    keys = sorted(
        {(f.metric, f.member) for f in index if not f.derived and cat.of_fact(f.metric, f.unit).sums_over_time}
    )
    years = sorted({f.period.label.year for f in index})
    return [fact for metric, member in keys for year in years for fact in _derive_year(index, metric, member, year)]


def _derive_year(index: FactIndex, metric: str, member: str, year: int) -> list[Fact]:
    def reported(quarter: int | None, ytd: bool = False) -> Fact | None:
        fact = index.get(metric, FiscalLabel(year, quarter, ytd), member)
        return fact if fact is not None and not fact.derived else None

    def missing(quarter: int) -> bool:  # a source's own derived figure counts as present
        return index.get(metric, FiscalLabel(year, quarter), member) is None

    q1, q2, q3 = reported(1), reported(2), reported(3)
    h1, m9, fy = reported(2, True), reported(3, True), reported(None)
    found: list[Fact] = []
    if missing(2) and h1 and q1:
        found.append(_difference(h1, [q1], FiscalLabel(year, 2), q1, f"6M{year} - {year}Q1"))
    if missing(1) and h1 and q2:  # a 10-Q for the second quarter gives the half and the quarter
        found.append(_first_quarter(h1, q2, FiscalLabel(year, 1), f"6M{year} - {year}Q2"))
    if missing(3) and m9 and h1:
        found.append(_difference(m9, [h1], FiscalLabel(year, 3), h1, f"9M{year} - 6M{year}"))
    if missing(4) and fy and m9:
        found.append(_difference(fy, [m9], FiscalLabel(year, 4), m9, f"FY{year} - 9M{year}"))
    elif missing(4) and fy and q1 and q2 and q3:
        how = f"FY{year} - {year}Q1 - {year}Q2 - {year}Q3"
        found.append(_difference(fy, [q1, q2, q3], FiscalLabel(year, 4), q3, how))
    return found
