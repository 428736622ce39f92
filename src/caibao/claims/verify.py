"""Verify a resolved claim against the facts, and when it is wrong, say the likeliest reason.

A claim is judged under each reading the text allows (its period, and where the text leaves it
open, other periods and bases: a calendar quarter, "去年" in an annual story, a change on the
year or on the quarter). It is supported when the filed figure matches under one of them,
contradicted only when every reading has a filed figure and none matches, and unverifiable when
no reading has one, with the reason.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from caibao.analysis import measures, records
from caibao.analysis.measures import Figure
from caibao.analysis.rounding import round_half_up
from caibao.claims.explain import Explainer
from caibao.claims.model import CONTRADICTED, SUPPORTED, UNVERIFIABLE, Claim
from caibao.claims.vocab import base as base_data
from caibao.facts.catalogue import catalogue
from caibao.facts.index import FactIndex
from caibao.facts.periods import FiscalLabel

HUNDRED = Decimal(100)
INFINITY = Decimal("Infinity")
# A metric's version for one member, by the kind of member: the store's metric per family.
_FAMILIES = {
    "segment": {"revenue": "segment_revenue", "contract_revenue": "segment_contract_revenue",
                "operating_income": "segment_operating_income",
                "total_operating_expenses": "segment_operating_expenses", "cost_of_sales": "segment_cost_of_sales",
                "gross_profit": "segment_gross_profit", "income_before_taxes": "segment_pretax_income"},
    "line": {"revenue": "line_revenue", "cost_of_sales": "line_cost_of_sales", "gross_profit": "line_gross_profit"},
    "region": {"revenue": "region_revenue", "paid_memberships": "region_paid_memberships"},
}  # fmt: skip
# A metric already of a member's kind ("Segment pre-tax income" under "Software": IBM's
# segment_pretax_income, catalogued on the segment axis) is its own version for that member.
_AXIS_FAMILY = {"segment": "segment", "revenue_line": "line", "region": "region"}
for _key, _spec in catalogue().metrics.items():
    if _spec.axis in _AXIS_FAMILY:
        _FAMILIES[_AXIS_FAMILY[_spec.axis]].setdefault(_key, _key)
# A member's measure said of no member ("Total revenue | Segment pre-tax income | 2,597"): the segments
# reconcile to the company's own figure, the base metric.
_COMPANY_OF = {key: metric for family in _FAMILIES.values() for metric, key in family.items() if metric != key}
_REVENUE_METRICS = ("revenue", "segment_revenue", "line_revenue", "region_revenue")
_WHOLE_OF = {metric: family["revenue"] for family in _FAMILIES.values() for metric in family.values()}
# Metrics a filer reports apart only where they differ from the usual one (facts/data/xbrl_map.toml
# [alternates]): elsewhere the usual one is the same figure.
_OUTFLOWS = frozenset(base_data()["outflows"]["metrics"])
_DEDUCTIONS = frozenset(base_data()["statement"]["deductions"])
_FALLBACK = {
    "contract_revenue": "revenue",
    "consolidated_net_income": "net_income",
    "segment_contract_revenue": "segment_revenue",
}

Reason = tuple[str, dict]  # a key of explain.toml's [why] and the values it names


@lru_cache(maxsize=4096)
def _families(index: FactIndex, member: str) -> list[str]:
    """The kinds of member `member` is for this filer, segment first (asked for every claim: kept)."""
    found = []
    for name, family in _FAMILIES.items():
        if any(index.has_member(m, member) or member in index.reconciling(m) for m in family.values()):
            found.append(name)
    return found


def store_metric(claim: Claim, index: FactIndex) -> tuple[str | None, str]:
    """The store's metric and member for a claim's metric and segment, or (None, "")."""
    metric, member, _ = resolve(claim, index)
    return metric, member


def resolve(claim: Claim, index: FactIndex, metric: str | None = None, member: str | None = None):
    """(store metric, member, None) for a claim, or (None, "", why there is none)."""
    metric = metric if metric is not None else claim.metric
    member = member if member is not None else claim.segment
    if metric is None:
        return None, "", ("unclear", {})
    if metric in _FALLBACK and not index.labels(metric) and not index.members(metric):
        metric = _FALLBACK[metric]
    if not member:
        if metric in _COMPANY_OF and not index.labels(metric):
            metric = _COMPANY_OF[metric]
        return metric, "", None
    families = _families(index, member)
    if metric == "contract_revenue" and not index.members("segment_contract_revenue"):
        metric = "revenue"
    if not families:
        return None, "", ("no_member", {"member": member})
    for family in families:
        key = _FAMILIES[family].get(metric)
        if key is None:
            continue
        derived = key in ("segment_gross_profit", "line_gross_profit")
        # a reconciling item ("Corporate", "Restructuring charges") is filed under the segment metric too
        if member in index.members(key) or member in index.reconciling(key) or derived:
            return key, member, None
    return None, "", ("not_filed", {"metric": metric, "member": member})


def interval(claim: Claim) -> tuple[Decimal, Decimal]:
    """What the stated figure covers: its stated precision, widened or bounded by its qualifier.
    Bounds of a negative figure ("年减逾5成", "declined nearly 15%") apply to its size."""
    step = claim.step
    # "1,420 亿", "about 230 basis points" may be rounded to tens: a trailing zero is not a stated digit
    rounded = claim.qualifier == "eq" or (claim.kind == "points" and claim.qualifier == "approx")
    if claim.kind in ("money", "points") and claim.places == 0 and rounded and claim.stated % (step * 10) == 0:
        step *= 10
    half = step / 2
    low, high = claim.stated, claim.stated_high if claim.stated_high is not None else claim.stated
    if claim.qualifier == "range":
        return low - half, high + half
    if claim.qualifier == "approx":
        return low - step, high + step
    negative = high < 0
    if claim.qualifier == "at_least":
        return (-INFINITY, high) if negative else (low, INFINITY)
    if claim.qualifier == "at_most":
        return (low, INFINITY) if negative else (-INFINITY, high)
    if claim.qualifier == "near_below":
        if negative:
            return low - half, high * Decimal("0.9")
        return low * Decimal("0.9") if low > 0 else low * Decimal("1.1"), high + half
    return low - half, high + half


def _within(value: Decimal, bounds: tuple[Decimal, Decimal], error: Decimal = Decimal(0)) -> bool:
    """Does the filed value (give or take `error`, the rounding of the facts it was computed
    from) fall within what the stated figure covers?"""
    if bounds[1] == INFINITY:
        return value + error >= bounds[0]
    if bounds[0] == -INFINITY:
        return value - error <= bounds[1]
    if error:
        # the fact's own rounding makes it an interval too; two intervals that only touch ("2.42"
        # written, 2.41 filed: [2.415, 2.425) against [2.405, 2.415)) do not meet
        return bounds[0] < value + error and value - error < bounds[1]
    return bounds[0] <= value < bounds[1]


@dataclass(frozen=True)
class Variant:
    """One reading of a claim: the period, measure and base it is judged under."""

    label: FiscalLabel
    measure: str
    base: FiscalLabel | None = None
    whole: str | None = None  # a ratio's denominator, where the text leaves it open


def variants(claim: Claim, index: FactIndex | None = None) -> Iterator[Variant]:
    """The claim's readings, its own first. A margin whose text names no denominator is read over
    revenue and, where the filer reports its sales apart (Walmart's net sales), over those."""
    if claim.period is None:
        return
    measures_ = [claim.measure]
    if claim.measure in ("change", "pp"):
        measures_ = [f"{claim.measure}_{m}" for m in (claim.alt_measures or ["yoy"])]
    wholes: list[str | None] = [None]
    ratio = claim.measure in ("margin", "pp")
    if ratio and not claim.share_of and index is not None and index.labels("contract_revenue"):
        wholes.append("contract_revenue")
    for label in [claim.period, *claim.readings]:
        for measure in measures_:
            for whole in wholes:
                yield Variant(label, measure, claim.base, whole)


def _base_of(variant: Variant, kind: str) -> FiscalLabel | None:
    if variant.base is not None:
        return variant.base
    if kind == "qoq":
        return variant.label.previous() if variant.label.is_quarter else None
    return variant.label.year_ago()


# compute() results per index: a document asks for the same figures again and again (every claim
# of one metric and period, every reading and every likely cause), and each is worked out once.
_COMPUTED: weakref.WeakKeyDictionary[FactIndex, dict] = weakref.WeakKeyDictionary()
_COMPUTED_LIMIT = 100_000  # entries kept per index: memory stays bounded whatever the input


def compute(
    claim: Claim,
    index: FactIndex,
    label: FiscalLabel | None = None,
    metric: str | None = None,
    member: str | None = None,
    measure: str | None = None,
    base: FiscalLabel | None = None,
    whole_member: str | None = None,
    whole: str | None = None,
) -> Figure | None:
    """The filed value of the claim's measure (or of a variant of it, for readings and causes)."""
    key = (claim.metric, claim.segment, claim.period, claim.measure, tuple(claim.alt_measures), claim.kind,
           claim.window, claim.share_of, claim.base, label, metric, member, measure, base, whole_member,
           whole)  # fmt: skip
    memo = _COMPUTED.setdefault(index, {})
    if key in memo:
        return memo[key]
    if len(memo) >= _COMPUTED_LIMIT:
        memo.clear()
    memo[key] = figure = _compute(claim, index, label, metric, member, measure, base, whole_member, whole)
    return figure


def _compute(
    claim: Claim,
    index: FactIndex,
    label: FiscalLabel | None,
    metric: str | None,
    member: str | None,
    measure: str | None,
    base: FiscalLabel | None,
    whole_member: str | None,
    whole: str | None,
) -> Figure | None:
    label = label or claim.period
    measure = measure or (next(variants(claim)).measure if claim.period else claim.measure)
    key, member_name, _ = resolve(claim, index, metric, member)
    if key is None or label is None:
        return None
    window = claim.window
    variant = Variant(label, measure, base if base is not None else claim.base)

    def at(when: FiscalLabel | None, what: str = key, who: str = member_name) -> Figure | None:
        return measures.amount(index, what, when, who, window) if when is not None else None

    denominator = whole or (claim.share_of if claim.measure in ("margin", "pp") else None) or "revenue"
    if denominator in _FALLBACK and not index.labels(denominator):
        denominator = _FALLBACK[denominator]

    def margin(when: FiscalLabel | None) -> Figure | None:
        if when is None:
            return None
        base_metric = denominator
        if member_name:
            base_metric = _WHOLE_OF.get(key, "revenue") if denominator == "revenue" else denominator
            if whole_member == "" and base_metric in _WHOLE_OF.values():
                base_metric = denominator
        who = member_name if whole_member is None else whole_member
        return measures.quotient(at(when), at(when, base_metric, who))

    if measure == "level":
        figure = at(label)
        unit = catalogue().metrics[key].unit if key in catalogue().metrics else "USD"
        if figure is not None and (figure.unit == "percent" or unit == "percent") and claim.kind == "money":
            return None
        return figure
    if measure in ("yoy", "qoq"):
        if measure == "qoq" and not label.is_quarter:
            return None
        now, then = at(label), at(_base_of(variant, measure))
        grown = measures.growth(now, then)
        if grown is not None and grown.value is None:
            grown = measures.growth_of_loss(now, then) or grown  # "(10)%" on a loss, as filers print it
        return grown
    if measure.startswith("change_"):
        return measures.difference(at(label), at(_base_of(variant, measure[len("change_") :])))
    if measure == "margin":
        return margin(label)
    if measure.startswith("pp_"):
        return measures.difference(margin(label), margin(_base_of(variant, measure[len("pp_") :])))
    if measure == "share":
        whole = claim.share_of or "revenue"
        return measures.quotient(at(label), at(label, whole, ""))
    if measure == "run_rate":
        return measures.run_rate(index, key, label, member_name)
    if measure == "ttm":
        return measures.ttm(index, key, label, member_name)
    return None


def verify(claim: Claim, index: FactIndex, say: Explainer | None = None) -> None:
    """Set the claim's verdict, actual figure, sources and explanation (in `say`'s language)."""
    say = say or Explainer()
    if claim.reason:
        claim.verdict, claim.explanation = UNVERIFIABLE, say("why", claim.reason, **claim.reason_args)
        return
    if claim.kind in ("count", "multiple", "number", "foreign") and claim.measure not in ("streak",) and not (
        claim.kind == "count" and claim.metric and catalogue().metrics.get(claim.metric, None) is not None
        and catalogue().metrics[claim.metric].kind == "count"
    ):  # fmt: skip
        claim.verdict, claim.explanation = UNVERIFIABLE, say("why", "currency" if claim.kind == "foreign" else "count")
        return
    if claim.measure in ("ex_fx", "non_gaap", "guidance", "first_above", "streak"):
        _special(claim, index, say)
        return
    if claim.metric in _OUTFLOWS and claim.measure == "level" and claim.stated < 0:
        claim.stated = -claim.stated  # "(37,256)" in a cash flow statement: cash out, the amount 37,256
    if claim.in_table and claim.metric in _DEDUCTIONS and claim.measure == "level" and claim.kind == "money":
        # "Provision for income taxes | (506)": a statement's way of showing a deduction; the figure is
        # its size, whichever sign the table or the filing gives it
        claim.stated, claim.bound = abs(claim.stated), "abs"
        if claim.stated_high is not None:
            claim.stated_high = abs(claim.stated_high)
    # The members the claim may be about: its own and, in a section headed by a member, the whole
    # company too ("gross profit margin increased 0.7 points" under "Software").
    segments = [claim.segment, *[s for s in claim.alt_segments if s != claim.segment]]
    judged: list[tuple[Variant, Figure, str]] = []
    unjudged: Reason | None = None
    for segment in segments:
        claim.segment = segment
        metric, _, why = resolve(claim, index)
        if metric is None:
            assert why is not None
            unjudged = unjudged or why
            continue
        for variant in variants(claim, index):
            figure = compute(claim, index, variant.label, measure=variant.measure, base=variant.base,
                             whole=variant.whole)  # fmt: skip
            if figure is None or figure.value is None:
                continue
            if (figure.unit == "percent") != (claim.kind in ("percent", "points")):
                claim.verdict = UNVERIFIABLE
                what = describe(claim, index, say, measure=False)
                claim.explanation = say("why", "unclear_kind", kind=claim.kind, what=what)
                return
            if claim.bound == "abs":  # a change the text gives without its direction
                figure = Figure(abs(figure.value), figure.unit, figure.sources, figure.derived, figure.decimals,
                                figure.error)  # fmt: skip
            judged.append((variant, figure, segment))
            if _within(figure.value, interval(claim), figure.error):
                _judge(claim, figure, index, say, variant)
                return
        if not any(seg == segment for _, _, seg in judged):
            unjudged = unjudged or ("no_fact", {"what": describe(claim, index, say)})
    claim.segment = segments[0]
    if judged and unjudged is not None and len(segments) > 1:
        # one reading has no filed figure: the one that does not match proves nothing
        claim.verdict = UNVERIFIABLE
        claim.explanation = say("why", "section_member", member=segments[0] or segments[-1])
        return
    if not judged:
        why = unjudged or ("no_fact", {"what": describe(claim, index, say)})
        claim.verdict, claim.explanation = UNVERIFIABLE, say("why", why[0], **why[1])
        return
    variant, figure, segment = judged[0]
    claim.segment = segment
    _judge(claim, figure, index, say, variant)


def _judge(claim: Claim, figure: Figure, index: FactIndex, say: Explainer, variant: Variant | None = None) -> None:
    assert figure.value is not None
    if variant is not None:
        claim.period = variant.label
        if variant.measure.startswith(("change_", "pp_")):
            claim.alt_measures = [variant.measure.split("_", 1)[1]]
    claim.actual, claim.sources = figure.value, list(figure.sources)
    bounds = interval(claim)
    claim.stated_low = bounds[0] if bounds[0] != -INFINITY else None
    claim.stated_high = bounds[1] if bounds[1] != INFINITY else None
    filed = say(
        "say", "filed", what=describe(claim, index, say), value=say.show(figure.value, claim),
        inputs=_inputs(claim, figure, index, say),
    )  # fmt: skip
    if _within(figure.value, bounds, figure.error):
        claim.verdict, claim.explanation = SUPPORTED, filed
        return
    fx = _fx_explains(claim, index, say)
    if fx:
        claim.verdict, claim.explanation = UNVERIFIABLE, fx
        return
    claim.verdict = CONTRADICTED
    cause, detail = likely_cause(claim, index, bounds, say)
    claim.cause = cause
    claim.explanation = filed + (f"; {detail}" if detail else "")


def _special(claim: Claim, index: FactIndex, say: Explainer) -> None:
    label = claim.period
    metric, member, why = resolve(claim, index)
    if claim.measure == "ex_fx":
        if metric == "revenue" and label is not None and claim.kind == "percent":
            figure = measures.level(index, "revenue_growth_ex_fx", label)
            if figure:
                _judge(claim, figure, index, say)
                return
        claim.verdict, claim.explanation = UNVERIFIABLE, say("why", "ex_fx")
        return
    if claim.measure == "non_gaap":
        claim.verdict, claim.explanation = UNVERIFIABLE, say("why", "non_gaap")
        return
    if claim.measure == "guidance":
        _guidance(claim, index, say)
        return
    if metric is None or label is None:
        claim.verdict = UNVERIFIABLE
        claim.explanation = say("why", why[0], **why[1]) if why else say("why", "no_period")
        return
    if claim.measure == "first_above":
        _first_above(claim, index, say, metric, member, label)
    else:
        _streak(claim, index, say, metric, member, label)


def _first_above(claim: Claim, index: FactIndex, say: Explainer, metric: str, member: str, label: FiscalLabel) -> None:
    now = index.get(metric, label, member)
    if now is None:
        claim.verdict, claim.explanation = UNVERIFIABLE, say("why", "no_fact", what=describe(claim, index, say))
        return
    claim.actual, claim.sources = now.value, [now.id]
    history = list(_history(index, metric, label, member))
    if len(history) < 4:
        claim.verdict, claim.explanation = UNVERIFIABLE, say("why", "short_history")
        return
    previous_high = max(history, key=lambda f: f.value)
    claim.sources += [f.id for f in history]
    value, high = say.show(now.value, claim), say.show(previous_high.value, claim)
    if now.value >= claim.stated > previous_high.value:
        claim.verdict = SUPPORTED
        claim.explanation = say("say", "first_above", value=value, high=high, when=previous_high.label,
                                count=len(history))  # fmt: skip
    elif previous_high.value >= claim.stated:
        claim.verdict = CONTRADICTED
        claim.explanation = say("say", "first_above_not", value=value, high=high, when=previous_high.label)
    else:
        claim.verdict = CONTRADICTED
        claim.explanation = say("say", "first_above_below", value=value, stated=say.show(claim.stated, claim))


def _streak(claim: Claim, index: FactIndex, say: Explainer, metric: str, member: str, label: FiscalLabel) -> None:
    record = records.fastest_growth(index, metric, label, member, minimum=1)
    growth = measures.yoy(index, metric, label, member)
    if growth is None or growth.value is None:
        claim.verdict, claim.explanation = UNVERIFIABLE, say("why", "no_fact", what=describe(claim, index, say))
        return
    if record is None:
        claim.verdict = CONTRADICTED
        claim.actual, claim.sources = Decimal(0), list(growth.sources)
        claim.explanation = say("say", "streak_none", when=label, growth=say.pct(growth.value))
        return
    claim.actual, claim.sources = Decimal(record.quarters), list(record.sources)
    since = say("say", "streak_since", when=record.since) if record.since else say("say", "streak_start")
    text = say("say", "streak", when=label, growth=say.pct(record.growth), count=record.quarters, since=since)
    held = record.quarters == int(claim.stated) or (record.since is None and record.quarters >= claim.stated)
    claim.verdict, claim.explanation = (SUPPORTED if held else CONTRADICTED), text


def _history(index: FactIndex, metric: str, label: FiscalLabel, member: str):
    back = label.previous()
    while (fact := index.get(metric, back, member)) is not None:
        yield fact
        back = back.previous()


def _guidance(claim: Claim, index: FactIndex, say: Explainer) -> None:
    """A figure said as guidance: judged only against guidance the store holds for that period."""
    metric = claim.metric
    label = claim.period
    what = say.metric(metric) if metric else "?"
    kinds = ("money", "percent") if claim.bound == "implied" else ("money",)
    if metric not in ("revenue", "operating_income") or claim.segment or label is None or claim.kind not in kinds:
        claim.verdict, claim.explanation = UNVERIFIABLE, say("why", "no_guidance", what=what)
        return
    low, high = index.get(f"guidance_{metric}_low", label), index.get(f"guidance_{metric}_high", label)
    if low is None or high is None:
        claim.verdict, claim.explanation = UNVERIFIABLE, say("why", "no_guidance", what=f"{label} {what}")
        return
    bounds = interval(claim)
    if claim.bound == "implied":
        actual = index.get(metric, label.year_ago())
        if actual is None or claim.kind != "percent":
            claim.verdict, claim.explanation = UNVERIFIABLE, say("why", "no_guidance", what=f"{label} {what}")
            return
        ends = [measures.growth(Figure.of(f), Figure.of(actual)) for f in (low, high)]
        values = [e.value for e in ends if e is not None and e.value is not None]
        if len(values) != 2:
            claim.verdict, claim.explanation = UNVERIFIABLE, say("why", "no_guidance", what=f"{label} {what}")
            return
        claim.actual, claim.sources = values[0], [low.id, high.id, actual.id]
        ok = _ends_match(claim, values[0], values[1], bounds)
        claim.verdict = SUPPORTED if ok else CONTRADICTED
        claim.explanation = say("say", "guided_growth", low=say.pct(values[0]), high=say.pct(values[1]))
        return
    claim.actual, claim.sources = low.value, [low.id, high.id]
    if claim.bound in ("high", "low"):
        end = high if claim.bound == "high" else low
        claim.actual = end.value
        ok = _within(end.value, bounds)
    elif claim.qualifier == "range":
        ok = _ends_match(claim, low.value, high.value, bounds)
    else:
        ok = low.value <= claim.stated <= high.value
    claim.verdict = SUPPORTED if ok else CONTRADICTED
    claim.explanation = say("say", "guided", low=say.show(low.value, claim), high=say.show(high.value, claim))


def _ends_match(claim: Claim, low: Decimal, high: Decimal, bounds: tuple[Decimal, Decimal]) -> bool:
    if claim.qualifier != "range":
        return low <= claim.stated <= high
    return _within(low, (bounds[0], bounds[0] + claim.step)) and _within(high, (bounds[1] - claim.step, bounds[1]))


def _fx_explains(claim: Claim, index: FactIndex, say: Explainer) -> str:
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
        return say("say", "fx", actual=say.pct(claim.actual), effect=say.pct(effect).rstrip("%"),
                   stated=say.pct(claim.stated))  # fmt: skip
    return ""


# -- causes -------------------------------------------------------------------------------------


def likely_cause(claim: Claim, index: FactIndex, bounds: tuple[Decimal, Decimal], say: Explainer) -> tuple[str, str]:
    """The likeliest reason a figure is wrong, checked in order of how often each happens."""
    label = claim.period
    metric, member = store_metric(claim, index)
    if label is None or metric is None:
        return "", ""
    if claim.qualifier in ("at_least", "at_most", "near_below"):
        return "", ""  # a bound that fails says too little to point at another figure
    measure = next(variants(claim)).measure

    def hit(**variant) -> Figure | None:
        variant.setdefault("measure", measure)
        figure = compute(claim, index, **variant)
        return figure if figure and figure.value is not None and _within(figure.value, bounds) else None

    candidates: list[tuple[str, Callable[[], Figure | None], str, dict]] = []
    others = [label.year_ago(), FiscalLabel(label.year)] if label.is_quarter else [label.previous()]
    if label.is_quarter:
        others += [label.previous(), FiscalLabel(label.year - 1)]
    elif label.is_year:
        others.append(FiscalLabel(label.year + 1))  # "$97.7 billion in 2023": the next year's figure
    for other in others:
        key = (
            "cause_year_ago"
            if other == label.year_ago()
            else "cause_other"
            if other.year > label.year
            else "cause_prior"
        )
        candidates.append(("other period", lambda o=other: hit(label=o), key, {"when": other}))
    if claim.measure == "margin":
        for kind in ("gross_profit", "operating_income", "net_income"):
            if kind != claim.metric:
                candidates.append(("wrong margin", lambda k=kind: hit(metric=k), "cause_margin_kind",
                                   {"kind": say.metric(kind)}))  # fmt: skip
        if member:
            candidates.append(("margin on the wrong base", lambda: hit(whole_member=""), "cause_margin_base", {}))
    if member:
        base = claim.metric or ""
        if claim.measure != "share":
            candidates.append(("wrong segment", lambda: hit(metric=base, member=""), "cause_company", {}))
        for family in _FAMILIES.values():
            if base not in family:
                continue
            for other_member in index.members(family[base]):
                if other_member != member:
                    candidates.append(("wrong segment", lambda m=other_member: hit(member=m), "cause_member",
                                       {"member": say.member(other_member)}))  # fmt: skip
    if claim.measure in ("yoy", "qoq"):
        flip = "qoq" if claim.measure == "yoy" else "yoy"
        candidates.append(
            ("wrong measure", lambda: hit(measure=flip), "cause_measure", {"measure": say("measure", flip)})
        )
    for name, test, key, values in candidates:
        found = test()
        if found is not None and found.value is not None:
            return name, say("say", key, value=say.show(found.value, claim), **values)
    assert claim.actual is not None
    if claim.kind == "money" and claim.measure == "level":
        for power in (1, 2, 3, 4, -1, -2, -3, -4):
            if _within(claim.actual, (bounds[0].scaleb(power), bounds[1].scaleb(power))):
                return "unit error", say("say", "cause_unit", power=power)
        typo = _one_digit(claim, say)
        if typo:
            return "one-digit typo", typo
    if claim.measure in ("yoy", "qoq", "margin", "share", "pp"):
        return "miscalculated", say("say", "cause_calc", stated=say.pct(claim.stated))
    return "", ""


def _one_digit(claim: Claim, say: Explainer) -> str:
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
        key = "cause_swap" if swapped else "cause_digit"
        return say("say", key, written=format(written, "f"), filed=format(filed, "f"))
    return ""


# -- display ------------------------------------------------------------------------------------

_SHOWN_MEASURES = ("yoy", "qoq", "margin", "change", "pp", "run_rate", "ttm")


def describe(claim: Claim, index: FactIndex, say: Explainer, measure: bool = True) -> str:
    """What the figure was taken to be: "AWS 營業利益 年增率 2025Q4" / "AWS operating income YoY growth 2025Q4"."""
    metric, member = store_metric(claim, index)
    words = [say.member(member or claim.segment), say.metric(metric or claim.metric)]
    if claim.window == "ttm" and claim.measure != "ttm":
        words.append(say("measure", "ttm"))
    if measure and claim.measure in _SHOWN_MEASURES:
        if claim.measure in ("change", "pp"):
            base = (claim.alt_measures or ["yoy"])[0]
            words.append(say("measure", f"{claim.measure}_{base}"))
        else:
            words.append(say("measure", claim.measure))
    elif measure and claim.measure == "share":
        words.append(say("measure", "share", whole=say.metric(claim.share_of or claim.metric)))
    words.append(str(claim.period) if claim.period else "")
    return " ".join(w for w in words if w)


def _inputs(claim: Claim, figure: Figure, index: FactIndex, say: Explainer) -> str:
    """The filed figures a computed value came from: "(1,040 vs 1,315 million, 2025Q4 vs 2024Q4)"."""
    if claim.measure not in ("yoy", "qoq", "margin", "share", "change") or len(figure.sources) != 2:
        return ""
    facts = [index.by_id(s) for s in figure.sources]
    if not all(facts):
        return ""
    a, b = (f for f in facts if f)
    if claim.measure in ("margin", "share"):
        return say("say", "inputs_ratio", part=say.amount(a.value, a.unit), whole=say.amount(b.value, b.unit))
    return say("say", "inputs_growth", now=say.amount(a.value, a.unit), base=say.amount(b.value, b.unit),
               now_when=a.label, base_when=b.label)  # fmt: skip
