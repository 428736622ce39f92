"""Records and streaks: "the fastest growth in 13 quarters", "the first quarter above $200B".

A record is claimed only from an unbroken run of history: if a quarter in between is missing
from the store, the claim is not made, rather than made on a gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from caibao.analysis.measures import yoy
from caibao.facts.index import FactIndex
from caibao.facts.periods import FiscalLabel


@dataclass(frozen=True)
class GrowthRecord:
    """YoY growth at `label` is the highest in `quarters` periods (quarters for a quarter, years for a
    fiscal year): the last time it was at least as high was `since` (None: never, in the `quarters`
    periods of history the store holds)."""

    label: FiscalLabel
    growth: Decimal
    quarters: int
    since: FiscalLabel | None
    sources: tuple[str, ...]

    @property
    def periods(self) -> int:
        """The record's span in the label's own periods: what a sentence counts ("in 4 years")."""
        return self.quarters


@dataclass(frozen=True)
class Threshold:
    """The first quarter whose level reached `threshold`; `previous_high` is the best before it."""

    label: FiscalLabel
    threshold: Decimal
    previous_high: Decimal
    history: int  # quarters of history compared
    sources: tuple[str, ...]


def step_back(label: FiscalLabel, steps: int) -> FiscalLabel:
    """`steps` periods earlier: quarters for a quarter, years for a fiscal year."""
    return label.shift(-steps) if label.is_quarter else FiscalLabel(label.year - steps)


def fastest_growth(
    index: FactIndex, metric: str, label: FiscalLabel, member: str = "", minimum: int = 4
) -> GrowthRecord | None:
    """The growth record at `label`, if it beats at least `minimum` earlier periods (quarters for a
    quarter, years for a fiscal year)."""
    now = yoy(index, metric, label, member)
    if now is None or now.value is None:
        return None
    sources = list(now.sources)
    back = 1
    while True:
        earlier = yoy(index, metric, step_back(label, back), member)
        if earlier is None or earlier.value is None:
            # History ends (or has a hole): a record over what came before is all we can say.
            quarters, since = back - 1, None
            break
        sources.extend(s for s in earlier.sources if s not in sources)
        if earlier.value >= now.value:
            quarters, since = back, step_back(label, back)
            break
        back += 1
    if quarters < minimum:
        return None
    return GrowthRecord(label, now.value, quarters, since, tuple(sources))


_STEPS = [Decimal(10) ** e * m for e in range(15, 5, -1) for m in (5, 2, 1)]


def first_above(
    index: FactIndex, metric: str, label: FiscalLabel, member: str = "", minimum_history: int = 4
) -> Threshold | None:
    """The roundest threshold this quarter (or year) is the first to reach, over an unbroken history."""
    now = index.get(metric, label, member)
    if now is None or not (label.is_quarter or label.is_year):
        return None
    history = []
    back = 1
    while (fact := index.get(metric, step_back(label, back), member)) is not None:
        history.append(fact)
        back += 1
    if len(history) < minimum_history:
        return None
    previous_high = max(f.value for f in history)
    if now.value <= previous_high:
        return None
    for step in _STEPS:
        threshold = (now.value // step) * step
        if previous_high < threshold <= now.value and threshold > 0:
            return Threshold(label, threshold, previous_high, len(history), (now.id, *(f.id for f in history)))
    return None
