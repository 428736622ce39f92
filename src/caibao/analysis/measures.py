"""Measures over one company's facts: each returns a Figure that cites the facts it used.

Nothing here rounds; rounding is the renderer's job (analysis.rounding). Per-share figures and
ratios are never added or subtracted across periods: a TTM or Q4 of those is "not derivable".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from caibao.analysis.meaningful import not_meaningful
from caibao.analysis.rounding import growth_pct, growth_pct_of_loss, share_pct
from caibao.facts.catalogue import catalogue
from caibao.facts.index import FactIndex
from caibao.facts.model import Fact
from caibao.facts.periods import FiscalLabel

FOUR = Decimal(4)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Figure:
    """A number with its unit and the ids of the facts behind it.

    `value` None means the measure exists but is not meaningful (growth from a loss, say).
    """

    value: Decimal | None
    unit: str
    sources: tuple[str, ...]
    derived: bool = True
    decimals: int | None = None  # stated precision of a level (the coarsest input's, for a sum)
    error: Decimal = Decimal(0)  # how far the true value may lie from `value`: the inputs' rounding

    @classmethod
    def of(cls, fact: Fact) -> Figure:
        return cls(fact.value, fact.unit, (fact.id,), derived=fact.derived, decimals=fact.decimals,
                   error=fact.tolerance)  # fmt: skip


def _ratio_error(a: Figure, b: Figure) -> Decimal:
    """The uncertainty of a / b (in percent) from the rounding of a and b, to first order."""
    assert a.value is not None and b.value is not None
    if b.value == 0:
        return Decimal(0)
    return HUNDRED * (a.error / abs(b.value) + abs(a.value) * b.error / (b.value * b.value))


def level(index: FactIndex, metric: str, label: FiscalLabel, member: str = "") -> Figure | None:
    fact = index.get(metric, label, member)
    return Figure.of(fact) if fact else None


def growth(now: Figure | None, base: Figure | None) -> Figure | None:
    """Percent change between two figures of the same measure, citing both."""
    if now is None or base is None or now.value is None or base.value is None:
        return None
    value = growth_pct(now.value, base.value)
    error = _ratio_error(now, base) if value is not None else Decimal(0)
    return Figure(value, "percent", now.sources + base.sources, error=error)


def _not_shown(figure: Figure) -> Figure:
    """The figure as "n.m.": no value, still citing what it was computed from."""
    return Figure(None, figure.unit, figure.sources, derived=figure.derived)


def shown_growth(now: Figure | None, base: Figure | None, revenue: Figure | None = None) -> Figure | None:
    """`growth` as a brief prints it: value None (n.m.) where analysis.meaningful says it is not
    meaningful. `revenue` is the company's revenue in the base period, the yardstick for a base too
    small to grow from; it applies to USD amounts only (a per-share base is not comparable)."""
    figure = growth(now, base)
    if figure is None or now is None or base is None:
        return figure
    size = revenue.value if revenue is not None and now.unit == "USD" else None
    return _not_shown(figure) if not_meaningful("growth", figure.value, now.value, base.value, size) else figure


def growth_of_loss(now: Figure | None, base: Figure | None) -> Figure | None:
    """Percent change from a negative base, over the base's size ("(10)%" for a widening loss)."""
    if now is None or base is None or now.value is None or base.value is None or base.value >= 0:
        return None
    value = growth_pct_of_loss(now.value, base.value)
    assert value is not None
    error = _ratio_error(now, base)
    return Figure(value, "percent", now.sources + base.sources, error=error)


def _change(index: FactIndex, metric: str, label: FiscalLabel, base_label: FiscalLabel, member: str) -> Figure | None:
    return growth(level(index, metric, label, member), level(index, metric, base_label, member))


def yoy(index: FactIndex, metric: str, label: FiscalLabel, member: str = "") -> Figure | None:
    """Growth on the same period a year earlier, in percent."""
    return _change(index, metric, label, label.year_ago(), member)


def qoq(index: FactIndex, metric: str, label: FiscalLabel, member: str = "") -> Figure | None:
    """Growth on the previous quarter, in percent."""
    if not label.is_quarter:
        return None
    return _change(index, metric, label, label.previous(), member)


def ratio(
    index: FactIndex, part: str, whole: str, label: FiscalLabel, member: str = "", whole_member: str | None = None
) -> Figure | None:
    """`part` as a percent of `whole`: a margin (operating_income / revenue) or a share of total, as a
    brief prints it: value None (n.m.) beyond analysis.meaningful's limit (a margin of -826%)."""
    top = index.get(part, label, member)
    bottom = index.get(whole, label, member if whole_member is None else whole_member)
    if top is None or bottom is None:
        return None
    figure = Figure(share_pct(top.value, bottom.value), "percent", (top.id, bottom.id))
    return _not_shown(figure) if not_meaningful("margin", figure.value) else figure


def incremental(
    index: FactIndex, metric: str, label: FiscalLabel, member: str = "", quarters_back: int = 1
) -> Figure | None:
    """The absolute change on `quarters_back` quarters earlier (4 = on the year-ago quarter)."""
    now = index.get(metric, label, member)
    base = index.get(metric, label.shift(-quarters_back), member) if label.is_quarter else None
    if now is None or base is None:
        return None
    return Figure(now.value - base.value, now.unit, (now.id, base.id))


def run_rate(index: FactIndex, metric: str, label: FiscalLabel, member: str = "") -> Figure | None:
    """The quarter annualised (x4): what "annual run-rate" means in a release."""
    now = index.get(metric, label, member)
    if now is None or not label.is_quarter or not catalogue().metric(metric).sums_over_time:
        return None
    return Figure(now.value * FOUR, now.unit, (now.id,), decimals=now.decimals)


def ttm(index: FactIndex, metric: str, label: FiscalLabel, member: str = "") -> Figure | None:
    """Trailing twelve months: a reported TTM figure when the store has one, else four quarters summed.

    Only flows sum; for anything else there is no TTM to derive.
    """
    spec = catalogue().metric(metric)
    reported = next((m for m in catalogue().metrics.values() if m.kind == "ttm" and m.ttm_of == metric), None)
    if reported:
        fact = index.get(reported.key, label, member)
        if fact:
            return Figure.of(fact)
    if not spec.sums_over_time:
        return None
    if label.is_year:
        return level(index, metric, label, member)  # twelve months to the year's end: the year
    if not label.is_quarter:
        return None
    quarters = [index.get(metric, label.shift(-k), member) for k in range(3, -1, -1)]
    if not all(quarters):
        return None
    facts = [q for q in quarters if q]
    total = sum((q.value for q in facts), Decimal(0))
    return Figure(total, spec.unit, tuple(q.id for q in facts), decimals=min(q.decimals for q in facts),
                  error=sum((q.tolerance for q in facts), Decimal(0)))  # fmt: skip


# A metric the filings may leave untagged, and how to make it from the ones they do tag.
_DIFFERENCES = {
    "gross_profit": ("revenue", "cost_of_sales"),
    "segment_gross_profit": ("segment_revenue", "segment_cost_of_sales"),
    "line_gross_profit": ("line_revenue", "line_cost_of_sales"),
}


def amount(index: FactIndex, metric: str, label: FiscalLabel, member: str = "", window: str = "") -> Figure | None:
    """A metric's value for a period: the fact, else (gross profit) revenue less cost of revenue,
    citing both; with `window` "ttm", the twelve months to the period."""
    if window == "ttm":
        return ttm(index, metric, label, member) if metric in catalogue().metrics else None
    fact = index.get(metric, label, member)
    if fact is not None:
        return Figure.of(fact)
    if metric in _DIFFERENCES:
        top_metric, less_metric = _DIFFERENCES[metric]
        # Gross profit is on sales: where a filer reports its sales apart from other revenue
        # (Walmart's membership income), on those.
        sales = {"revenue": "contract_revenue", "segment_revenue": "segment_contract_revenue"}.get(top_metric)
        if sales and index.get(sales, label, member) is not None:
            top_metric = sales
        top, less = index.get(top_metric, label, member), index.get(less_metric, label, member)
        if top is not None and less is not None:
            decimals = min(top.decimals, less.decimals)
            error = top.tolerance + less.tolerance
            return Figure(top.value - less.value, top.unit, (top.id, less.id), decimals=decimals, error=error)
    return None


def quotient(part: Figure | None, whole: Figure | None) -> Figure | None:
    """`part` as a percent of `whole`, citing both: a margin or a share."""
    if part is None or whole is None or part.value is None or whole.value is None:
        return None
    value = share_pct(part.value, whole.value)
    error = _ratio_error(part, whole) if value is not None else Decimal(0)
    return Figure(value, "percent", part.sources + whole.sources, error=error)


def difference(now: Figure | None, base: Figure | None) -> Figure | None:
    """`now` less `base` in the unit of both: a change in amount, or in percentage points."""
    if now is None or base is None or now.value is None or base.value is None:
        return None
    return Figure(now.value - base.value, now.unit, now.sources + base.sources, error=now.error + base.error)
