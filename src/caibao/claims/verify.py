"""Verify a resolved claim against the facts, and when it is wrong, say the likeliest reason."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from caibao.analysis import measures, records
from caibao.analysis.measures import Figure
from caibao.analysis.rounding import round_half_up
from caibao.claims.model import CONTRADICTED, SUPPORTED, UNVERIFIABLE, Claim
from caibao.facts.index import FactIndex
from caibao.facts.periods import FiscalLabel

HUNDRED = Decimal(100)
INFINITY = Decimal("Infinity")
_SEGMENT_METRIC = {
    "revenue": "segment_revenue",
    "operating_income": "segment_operating_income",
    "total_operating_expenses": "segment_operating_expenses",
}
_REVENUE_METRICS = ("revenue", "segment_revenue", "line_revenue")


def store_metric(claim: Claim, index: FactIndex) -> tuple[str | None, str]:
    """The store's metric and member for a claim's metric and segment (or why there is none)."""
    metric, member = claim.metric, claim.segment
    if metric is None:
        return None, "what the figure measures is not clear from the text"
    if metric == "line_revenue":
        if member not in index.members("line_revenue"):
            return None, f"no revenue line '{member}' in the store"
        return metric, member
    if member:
        if member in index.members("line_revenue") and member not in index.members("segment_revenue"):
            return ("line_revenue", member) if metric == "revenue" else (None, f"{metric} of {member} is not filed")
        segment_metric = _SEGMENT_METRIC.get(metric)
        if segment_metric is None:
            return None, f"{metric} is not reported by segment"
        if member not in index.members(segment_metric):
            return None, f"no segment '{member}' in the store"
        return segment_metric, member
    return metric, ""


def interval(claim: Claim) -> tuple[Decimal, Decimal]:
    """What the stated figure covers: its stated precision, widened or bounded by its qualifier."""
    step = claim.step
    if claim.kind == "money" and claim.places == 0 and claim.qualifier == "eq" and claim.stated % (step * 10) == 0:
        step *= 10  # "1,420 亿" may be rounded to tens: a trailing zero is not a stated digit
    half = step / 2
    low, high = claim.stated, claim.stated_high if claim.stated_high is not None else claim.stated
    if claim.qualifier == "range":
        return low - half, high + half
    if claim.qualifier == "approx":
        return low - step, high + step
    if claim.qualifier == "at_least":
        return low, INFINITY
    if claim.qualifier == "at_most":
        return -INFINITY, high
    if claim.qualifier == "near_below":
        return low * Decimal("0.9") if low > 0 else low * Decimal("1.1"), high + half
    return low - half, high + half


def _within(value: Decimal, bounds: tuple[Decimal, Decimal]) -> bool:
    return bounds[0] <= value < bounds[1] if bounds[1] != INFINITY else value >= bounds[0]


def compute(
    claim: Claim,
    index: FactIndex,
    label: FiscalLabel | None = None,
    metric: str | None = None,
    member: str | None = None,
    measure: str | None = None,
) -> Figure | None:
    """The filed value of the claim's measure (or of a variant of it, for finding causes)."""
    label = label or claim.period
    measure = measure or claim.measure
    if metric is None:
        metric, member_or_reason = store_metric(claim, index)
        if metric is None:
            return None
        member = member_or_reason
    member = member or ""
    if label is None:
        return None
    if measure == "level":
        figure = measures.level(index, metric, label, member)
        if figure and figure.unit == "percent" and claim.kind == "money":
            return None
        return figure
    if measure == "yoy":
        return measures.yoy(index, metric, label, member)
    if measure == "qoq":
        return measures.qoq(index, metric, label, member)
    if measure == "incremental":
        return measures.incremental(index, metric, label, member)
    if measure == "run_rate":
        return measures.run_rate(index, metric, label, member)
    if measure == "ttm":
        return measures.ttm(index, metric, label, member)
    if measure == "margin":
        whole = "segment_revenue" if metric.startswith("segment_") else "revenue"
        return measures.ratio(index, metric, whole, label, member)
    if measure == "share":
        whole = claim.share_of or claim.metric or ""
        return measures.ratio(index, metric, whole, label, member, whole_member="")
    return None


def verify(claim: Claim, index: FactIndex) -> None:
    """Set the claim's verdict, actual figure, sources and explanation."""
    if claim.reason:
        claim.verdict, claim.explanation = UNVERIFIABLE, claim.reason
        return
    if claim.kind in ("count", "multiple", "number") and claim.measure not in ("streak",):
        claim.verdict, claim.explanation = UNVERIFIABLE, "a count or multiple the filings do not state"
        return
    if claim.measure in ("ex_fx", "non_gaap", "guidance", "first_above", "streak"):
        _special(claim, index)
        return
    metric, member_or_reason = store_metric(claim, index)
    if metric is None:
        claim.verdict, claim.explanation = UNVERIFIABLE, member_or_reason
        return
    figure = compute(claim, index)
    if figure is not None and (figure.unit == "percent") != (claim.kind in ("percent", "points")):
        claim.verdict = UNVERIFIABLE
        claim.explanation = f"what the {claim.kind} figure measures of {_name(metric, member_or_reason)} is not clear"
        return
    if figure is None or figure.value is None:
        period = claim.period or "the period"
        claim.verdict = UNVERIFIABLE
        claim.explanation = f"the store has no {claim.measure} of {_name(metric, member_or_reason)} for {period}"
        return
    _judge(claim, figure, index)


def _judge(claim: Claim, figure: Figure, index: FactIndex) -> None:
    assert figure.value is not None
    claim.actual, claim.sources = figure.value, list(figure.sources)
    bounds = interval(claim)
    claim.stated_low = bounds[0] if bounds[0] != -INFINITY else None
    claim.stated_high = bounds[1] if bounds[1] != INFINITY else None
    filed = f"{describe(claim, index)}: filed {show(figure.value, claim)}{_inputs(claim, figure, index)}"
    if _within(figure.value, bounds):
        claim.verdict, claim.explanation = SUPPORTED, filed
        return
    fx = _fx_explains(claim, index, bounds)
    if fx:
        claim.verdict, claim.explanation = UNVERIFIABLE, fx
        return
    claim.verdict = CONTRADICTED
    cause, detail = likely_cause(claim, index, bounds)
    claim.cause = cause
    claim.explanation = filed + (f"; {detail}" if detail else "")


def _special(claim: Claim, index: FactIndex) -> None:
    label = claim.period
    metric, member = store_metric(claim, index)
    if claim.measure == "ex_fx":
        if metric == "revenue" and label is not None and claim.kind == "percent":
            figure = measures.level(index, "revenue_growth_ex_fx", label)
            if figure:
                _judge(claim, figure, index)
                return
        claim.verdict, claim.explanation = UNVERIFIABLE, "growth excluding FX is filed only for total net sales"
        return
    if claim.measure == "non_gaap":
        claim.verdict, claim.explanation = UNVERIFIABLE, "non-GAAP figures are not in the filings"
        return
    if claim.measure == "guidance":
        _guidance(claim, index)
        return
    if metric is None or label is None:
        claim.verdict, claim.explanation = UNVERIFIABLE, member or "no period"
        return
    if claim.measure == "first_above":
        now = index.get(metric, label, member)
        if now is None:
            claim.verdict, claim.explanation = UNVERIFIABLE, f"no {metric} for {label} in the store"
            return
        claim.actual, claim.sources = now.value, [now.id]
        history = list(_history(index, metric, label, member))
        if len(history) < 4:
            claim.verdict, claim.explanation = UNVERIFIABLE, "too little history in the store to call a record"
            return
        previous_high = max(history, key=lambda f: f.value)
        claim.sources += [f.id for f in history]
        if now.value >= claim.stated > previous_high.value:
            claim.verdict = SUPPORTED
            claim.explanation = (
                f"filed: {show(now.value, claim)}; the highest before was {show(previous_high.value, claim)} "
                f"({previous_high.label}), over {len(history)} earlier periods"
            )
        else:
            claim.verdict = CONTRADICTED
            claim.explanation = (
                f"filed: {show(now.value, claim)}; {previous_high.label} already had {show(previous_high.value, claim)}"
                if previous_high.value >= claim.stated
                else f"filed: {show(now.value, claim)}, below {show(claim.stated, claim)}"
            )
        return
    record = records.fastest_growth(index, metric, label, member, minimum=1)
    growth = measures.yoy(index, metric, label, member)
    if growth is None or growth.value is None:
        claim.verdict, claim.explanation = UNVERIFIABLE, f"no growth of {_name(metric, member)} for {label}"
        return
    if record is None:
        claim.verdict = CONTRADICTED
        claim.actual, claim.sources = Decimal(0), list(growth.sources)
        claim.explanation = f"{label} growth {pct(growth.value)} was not above the quarter before"
        return
    claim.actual, claim.sources = Decimal(record.quarters), list(record.sources)
    since = f" (last as high in {record.since})" if record.since else " (since the store's history begins)"
    if record.quarters == int(claim.stated) or (record.since is None and record.quarters >= claim.stated):
        claim.verdict = SUPPORTED
        claim.explanation = (
            f"filed: {label} growth {pct(record.growth)}, the highest in {record.quarters} quarters{since}"
        )
    else:
        claim.verdict = CONTRADICTED
        claim.explanation = (
            f"filed: {label} growth {pct(record.growth)} is the highest in {record.quarters} quarters{since}"
        )


def _history(index: FactIndex, metric: str, label: FiscalLabel, member: str):
    back = label.previous()
    while (fact := index.get(metric, back, member)) is not None:
        yield fact
        back = back.previous()


def _guidance(claim: Claim, index: FactIndex) -> None:
    metric = claim.metric
    label = claim.period
    if metric not in ("revenue", "operating_income") or claim.segment or label is None or claim.kind != "money":
        claim.verdict, claim.explanation = UNVERIFIABLE, f"no filed guidance for {metric or 'this figure'}"
        return
    target = label if label.is_quarter and index.get(f"guidance_{metric}_low", label) else None
    if target is None:
        claim.verdict, claim.explanation = UNVERIFIABLE, f"no filed guidance of {metric} for {label}"
        return
    low, high = index.get(f"guidance_{metric}_low", target), index.get(f"guidance_{metric}_high", target)
    assert low is not None and high is not None
    bounds = interval(claim)
    claim.actual, claim.sources = low.value, [low.id, high.id]
    ends_match = _within(low.value, (bounds[0], bounds[0] + claim.step)) and _within(
        high.value, (bounds[1] - claim.step, bounds[1])
    )
    inside = low.value <= claim.stated <= high.value
    if ends_match if claim.qualifier == "range" else inside:
        claim.verdict, claim.explanation = SUPPORTED, f"guided: {show(low.value, claim)}–{show(high.value, claim)}"
    else:
        claim.verdict, claim.explanation = CONTRADICTED, f"guided: {show(low.value, claim)}–{show(high.value, claim)}"


def _fx_explains(claim: Claim, index: FactIndex, bounds: tuple[Decimal, Decimal]) -> str:
    """Sales growth a little off the reported rate may be the FX-neutral rate a release also quotes."""
    metric, _ = store_metric(claim, index)
    if claim.measure != "yoy" or metric not in _REVENUE_METRICS or claim.period is None or claim.actual is None:
        return ""
    reported = measures.yoy(index, "revenue", claim.period)
    neutral = measures.level(index, "revenue_growth_ex_fx", claim.period)
    if reported is None or neutral is None or reported.value is None or neutral.value is None:
        return ""
    effect = reported.value - neutral.value  # points of growth from currency moves (±0.5 of rounding)
    lo, hi = sorted((claim.actual - effect - Decimal("0.5"), claim.actual))
    if lo <= claim.stated <= hi + Decimal("0.5"):
        claim.sources += [*reported.sources, *neutral.sources]
        return (
            f"reported growth is {pct(claim.actual)}; currency moved total net sales growth by about "
            f"{pct(effect)} points this period, so {pct(claim.stated)} may be growth excluding FX, which "
            "is not filed for this line"
        )
    return ""


# -- causes -------------------------------------------------------------------------------------


def likely_cause(claim: Claim, index: FactIndex, bounds: tuple[Decimal, Decimal]) -> tuple[str, str]:
    """The likeliest reason a figure is wrong, checked in order of how often each happens."""
    label = claim.period
    metric, member = store_metric(claim, index)
    if label is None or metric is None:
        return "", ""
    if claim.qualifier in ("at_least", "at_most", "near_below"):
        return "", ""  # a bound that fails says too little to point at another figure

    def hit(**variant) -> Figure | None:
        figure = compute(claim, index, **variant)
        return figure if figure and figure.value is not None and _within(figure.value, bounds) else None

    candidates: list[tuple[str, Callable[[], Figure | None], str]] = []
    others = [label.year_ago(), FiscalLabel(label.year)] if label.is_quarter else [label.previous()]
    if label.is_quarter:
        others += [label.previous(), FiscalLabel(label.year - 1)]
    for other in others:
        what = "the year-ago" if other == label.year_ago() else "the prior"
        candidates.append(("other period", lambda o=other: hit(label=o), f"{what} figure ({other}) matches"))
    if member:
        base = claim.metric or ""
        if claim.measure != "share":
            candidates.append(
                ("wrong segment", lambda: hit(metric=base, member=""), "the whole company's figure matches")
            )
        family = metric
        for other_member in index.members(family):
            if other_member != member:
                candidates.append(
                    (
                        "wrong segment",
                        lambda m=other_member: hit(member=m, metric=family),
                        f"{other_member}'s figure matches",
                    )
                )
    if claim.measure in ("yoy", "qoq"):
        flip = "qoq" if claim.measure == "yoy" else "yoy"
        candidates.append(("wrong measure", lambda: hit(measure=flip), f"the {flip.upper()} rate matches"))
    for name, test, detail in candidates:
        found = test()
        if found is not None:
            return name, f"{detail}: {show(found.value, claim)}"
    assert claim.actual is not None
    if claim.kind == "money" and claim.measure == "level":
        for power in (1, 2, 3, 4, -1, -2, -3, -4):
            if _within(claim.actual, (bounds[0].scaleb(power), bounds[1].scaleb(power))):
                return "unit error", f"the stated figure is off by a factor of 10^{power}"
        typo = _one_digit(claim)
        if typo:
            return "one-digit typo", typo
    if claim.measure in ("yoy", "qoq", "margin", "share"):
        return "miscalculated", f"{pct(claim.stated)} does not follow from the filed figures"
    return "", ""


def _one_digit(claim: Claim) -> str:
    """ "428.16亿" for 528.16亿: the same digits but one, at the precision written."""
    assert claim.actual is not None
    unit = Decimal(1).scaleb(claim.power)
    written = round_half_up(claim.stated / unit, claim.places)
    filed = round_half_up(claim.actual / unit, claim.places)
    a, b = format(abs(written), "f").replace(".", ""), format(abs(filed), "f").replace(".", "")
    if len(a) != len(b) or a == b:
        return ""
    differ = [i for i in range(len(a)) if a[i] != b[i]]
    swapped = (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and a[differ[0]] == b[differ[1]]
        and a[differ[1]] == b[differ[0]]
    )
    if len(differ) == 1 or swapped:
        how = "two digits swapped" if swapped else "one digit differs"
        return f"written {format(written, 'f')}, filed {format(filed, 'f')}: {how}"
    return ""


# -- display ------------------------------------------------------------------------------------

_MEASURE_WORDS = {
    "yoy": "YoY growth",
    "qoq": "QoQ growth",
    "margin": "margin",
    "share": "share of total",
    "incremental": "increase on the prior quarter",
    "run_rate": "annualised run-rate",
    "ttm": "TTM",
    "level": "",
}


def describe(claim: Claim, index: FactIndex) -> str:
    """What the figure was taken to be: "AWS segment_operating_income YoY growth 2025Q4"."""
    metric, member = store_metric(claim, index)
    words = [member, metric or claim.metric or "?", _MEASURE_WORDS.get(claim.measure, claim.measure)]
    if claim.measure == "share" and claim.share_of:
        words[-1] = f"share of total {claim.share_of}"
    words.append(str(claim.period) if claim.period else "")
    return " ".join(w for w in words if w)


def _inputs(claim: Claim, figure: Figure, index: FactIndex) -> str:
    """The filed figures a computed value came from: "(1,040 vs 1,315 million)"."""
    if claim.measure not in ("yoy", "qoq", "margin", "share", "incremental") or len(figure.sources) != 2:
        return ""
    facts = [index.by_id(s) for s in figure.sources]
    if not all(facts):
        return ""
    a, b = (f for f in facts if f)
    amounts = [format(round_half_up(f.value.scaleb(-6), 0), ",") if f.unit == "USD" else str(f.value) for f in (a, b)]
    unit = " million" if a.unit == "USD" else ""
    if claim.measure in ("margin", "share"):
        return f" ({amounts[0]} / {amounts[1]}{unit})"
    return f" ({amounts[0]} vs {amounts[1]}{unit}, {a.label} vs {b.label})"


def pct(value: Decimal) -> str:
    return f"{round_half_up(value, 1)}%"


def show(value: Decimal, claim: Claim) -> str:
    """A filed value in the article's own unit, to one more digit than written."""
    if claim.kind in ("percent", "points") or claim.measure in ("yoy", "qoq", "margin", "share"):
        return pct(value)
    if claim.kind == "count":
        return str(value)
    if claim.metric and claim.metric.startswith("eps"):
        return f"${round_half_up(value, 2)}"
    millions = f"{round_half_up(value.scaleb(-6), 0):,} million"
    if claim.power == 8:
        return f"{round_half_up(value.scaleb(-8), max(claim.places, 1))}亿 ({millions})"
    return millions


def _name(metric: str, member: str) -> str:
    return f"{metric} [{member}]" if member else metric
