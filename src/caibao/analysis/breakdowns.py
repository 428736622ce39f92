"""A breakdown of a consolidated figure (revenue by segment, line or region) as the filer builds it:
its members in order, each with its depth and role, and whether they partition the total.

Roles: "part" (a member that is no sum of others), "subtotal" (a member equal to the sum of other
members in every period looked at: Tesla's "Total automotive revenues", NVIDIA's Data Center =
Compute + Networking, Alphabet's "Google advertising"), "reconciling" (an item the filer shows
between its segments and the consolidated figure: corporate costs, eliminations, hedging gains).
Children come indented under their subtotal, the subtotal after them, as filers print it.

The top level (parts and subtotals no other subtotal holds, then the reconciling items) PARTITIONS
the total when it sums to it within the stated precision of every figure, in every period looked at
where all of them are given. Where a breakdown's own members do not, it may be completed as the
filer's table completes it (analysis/data/breakdowns.toml): Apple's product lines with its services,
Alphabet's lines (all within Google Services) with its other segments.

Subtotals are found from the values by a bounded search: every subset of at most MAX_MEMBERS
members (2**12 sums), and at most MAX_EXAMINED candidate subsets checked against the other periods
(near-equal values make many subsets match a member's value within rounding). A breakdown with more
members, or whose search runs past that budget, gets no hierarchy (`capped`): its members are all
parts, and it partitions the total only if they all add up to it. A member that is the sum of others across the
hierarchy kept (Tesla's "Sales and Services", a cut through the automotive lines) is left out of the
rows and named in `crossing`. Pure functions over a FactIndex: no store.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from importlib import resources

from caibao.facts.index import FactIndex
from caibao.facts.model import Fact
from caibao.facts.periods import FiscalLabel

MAX_MEMBERS = 12  # 2**12 subset sums per breakdown: past it, no hierarchy is looked for
# Candidate subsets (a member's value matched within rounding) checked in every period, per breakdown:
# past it the search stops and the breakdown gets no hierarchy, as past MAX_MEMBERS. The shared
# filers' hierarchies need a few hundred at most.
MAX_EXAMINED = 20_000


@dataclass(frozen=True)
class BreakdownRow:
    member: str  # "" for a whole-company metric completing the breakdown (Apple's services)
    metric: str  # the metric its figures are facts of
    role: str  # part | subtotal | reconciling | outside (a finer member beside the partition: see _outside)
    depth: int
    facts: tuple[Fact | None, ...]  # one per period of the breakdown

    @property
    def key(self) -> str:
        return f"{self.metric}:{self.member}" if self.member else self.metric


@dataclass(frozen=True)
class Breakdown:
    metric: str
    total: str
    periods: tuple[FiscalLabel, ...]
    rows: tuple[BreakdownRow, ...]
    totals: tuple[Fact | None, ...]
    partition: bool  # the top-level rows sum to the total (see the module's docstring)
    crossing: tuple[str, ...] = ()  # members summing others across the hierarchy, left out of rows
    capped: bool = False  # more than MAX_MEMBERS members, or past MAX_EXAMINED: no hierarchy
    examined: int = 0  # candidate subsets the subtotal search checked (at most MAX_EXAMINED)

    def top(self) -> list[BreakdownRow]:
        """The top level: what sums to the total (never a subtotal beside its own children)."""
        return [r for r in self.rows if r.depth == 0 and r.role != "outside"]

    def parts(self) -> list[BreakdownRow]:
        """Members of the partition that are no subtotal and no reconciling item (empty if none)."""
        return [r for r in self.rows if r.role == "part"] if self.partition else []

    def shortfall(self) -> tuple[Decimal | None, ...] | None:
        """Where the top level falls short of the total (a line the filer does not tag by this axis:
        Netflix's DVD revenue beside its streaming regions): the gap, total less the top level, per
        period (None where a figure is missing). None where the top level partitions the total, where
        it exceeds it in any period, or where no hierarchy was looked for: no residual explains that."""
        if self.partition or self.capped or not self.rows:
            return None
        top = self.top()
        gaps: list[Decimal | None] = []
        beyond = False  # some period's gap exceeds the rounding of its figures
        for p, total in enumerate(self.totals):
            facts = [r.facts[p] for r in top]
            if total is None or any(f is None for f in facts):
                gaps.append(None)
                continue
            gap = total.value - sum((f.value for f in facts if f is not None), Decimal(0))
            tolerance = total.tolerance + sum((f.tolerance for f in facts if f is not None), Decimal(0))
            if gap < -tolerance:
                return None
            beyond = beyond or gap > tolerance
            gaps.append(gap)
        return tuple(gaps) if beyond and gaps and gaps[0] is not None else None


@dataclass(frozen=True)
class _Candidate:
    member: str
    metric: str
    role: str
    facts: tuple[Fact | None, ...]


@cache
def _data() -> dict:
    text = resources.files("caibao.analysis").joinpath("data/breakdowns.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def completions() -> dict[str, tuple[str, ...]]:
    """breakdown metric -> the terms that may complete it (breakdowns.toml), in the order tried."""
    return {spec["metric"]: tuple(spec.get("complete_with", ())) for spec in _data()["breakdown"]}


def mixes_levels(metric: str) -> bool:
    """Whether the breakdown's members may be of two levels (regions and countries within them)."""
    return any(spec["metric"] == metric and spec.get("mixed_levels", False) for spec in _data()["breakdown"])


def segment_profit_metrics() -> tuple[str, ...]:
    """The segment profit measures in order of preference (breakdowns.toml [segment_profit])."""
    return tuple(_data()["segment_profit"]["metrics"])


def breakdown(
    index: FactIndex,
    metric: str,
    total: str,
    periods: Sequence[FiscalLabel],
    order: Sequence[str] = (),
) -> Breakdown | None:
    """`metric`'s members (and reconciling items) as a breakdown of `total` over `periods` (the first
    is the one shown: a member without a figure for it is left out). None where there are no members.
    `order`: the members' order where known (a filer's own); the rest by size in the first period."""
    periods = tuple(periods)
    base = _candidates(index, metric, periods, order)
    if not base:
        return None
    totals = tuple(index.get(total, p) for p in periods)
    first = _build(metric, total, periods, base, totals)
    if first.partition:
        return first
    for term in completions().get(metric, ()):
        if term.endswith("[*]"):
            extra = _candidates(index, term[:-3], periods, ())
        elif term.endswith("[reconciling]"):
            extra = [
                c
                for c in _candidates(index, term.removesuffix("[reconciling]"), periods, ())
                if c.role == "reconciling"
            ]
        else:
            extra = [_Candidate("", term, "part", tuple(index.get(term, p) for p in periods))]
        if not extra or any(c.facts[0] is None for c in extra):
            continue
        done = _build(metric, total, periods, [*base, *extra], totals)
        if done.partition:
            return done
    return first


def _candidates(index: FactIndex, metric: str, periods: tuple[FiscalLabel, ...], order: Sequence[str]) -> list:
    def facts(member: str) -> tuple[Fact | None, ...]:
        return tuple(index.get(metric, p, member) for p in periods)

    def size(member: str) -> Decimal:
        fact = index.get(metric, periods[0], member)
        return fact.value if fact else Decimal(0)

    members = index.members(metric)
    ranked = [m for m in order if m in members] + sorted((m for m in members if m not in order), key=lambda m: -size(m))
    found = [_Candidate(m, metric, "part", facts(m)) for m in ranked]
    found += [_Candidate(m, metric, "reconciling", facts(m)) for m in index.reconciling(metric)]
    return [c for c in found if c.facts[0] is not None]


def _build(
    metric: str,
    total: str,
    periods: tuple[FiscalLabel, ...],
    found: list[_Candidate],
    totals: tuple[Fact | None, ...],
) -> Breakdown:
    # Relations are judged where every figure is given (the first period always is, for the members).
    usable = [i for i in range(len(periods)) if all(c.facts[i] is not None for c in found)]
    capped = len(found) > MAX_MEMBERS
    children: dict[int, list[int]] = {}
    examined = 0
    if not capped:
        searched = _subtotals(found, usable)
        if searched is None:
            capped, examined = True, MAX_EXAMINED
        else:
            children, examined = searched
    crossing = _laminar(children)
    for s in crossing:
        children.pop(s)
    # A kept subtotal's direct children: the largest kept subtotals inside it and the leaves no such
    # subtotal holds.
    direct = {s: _direct(s, children) for s in children}
    held = {k for kids in direct.values() for k in kids}
    dropped = set(crossing)
    top = [i for i in range(len(found)) if i not in held and i not in dropped]
    rows: list[BreakdownRow] = []

    def place(i: int, depth: int) -> None:
        for k in sorted(direct.get(i, ()), key=lambda k: _first(k, direct)):
            place(k, depth + 1)
        c = found[i]
        role = "reconciling" if c.role == "reconciling" else ("subtotal" if i in direct else "part")
        rows.append(BreakdownRow(c.member, c.metric, role, depth, c.facts))

    parts = [i for i in top if found[i].role != "reconciling"]
    for i in sorted(parts, key=lambda k: _first(k, direct)) + [i for i in top if found[i].role == "reconciling"]:
        place(i, 0)
    partition = bool(usable) and 0 in usable and all(totals[p] is not None for p in usable)
    ok = partition and all(_sums([found[i].facts[p] for i in top], totals[p]) for p in usable)  # type: ignore[misc]
    if partition and not ok and not capped and mixes_levels(metric):
        outside = _outside(found, top, totals, usable)
        if outside:
            rows = [replace(r, role="outside", depth=0) if r.member in outside else r for r in rows]
            rows = [r for r in rows if r.role != "outside"] + [r for r in rows if r.role == "outside"]
            # exact in every period, or in the period shown with a shortfall before it (see shortfall)
            left = [i for i in top if found[i].member not in outside or found[i].role == "reconciling"]
            ok = all(_sums([found[i].facts[p] for i in left], totals[p]) for p in usable)  # type: ignore[misc]
    partition = ok
    return Breakdown(
        metric, total, periods, tuple(rows), totals, partition, tuple(found[i].member for i in crossing), capped,
        examined,
    )  # fmt: skip


def _outside(found: list[_Candidate], top: list[int], totals: tuple[Fact | None, ...], usable: list[int]) -> set[str]:
    """Members to set beside a breakdown whose members are of two levels (Netflix's United States
    within its United States and Canada region): the fewest top-level members whose removal leaves
    a partition, if any; the reconciling items always stay. Failing that, the fewest whose removal
    leaves a partition in the period shown and at most a shortfall in the others (an earlier period's
    line the filer does not tag by region: Netflix's DVD revenue in 2023), shown as a residual."""
    kept = [i for i in top if found[i].role == "reconciling"]
    free = [i for i in top if found[i].role != "reconciling"]
    masks = sorted(range(1, 1 << len(free)), key=lambda m: (m.bit_count(), m))

    def left(mask: int) -> list[int]:
        return kept + [i for k, i in enumerate(free) if not mask >> k & 1]

    def short(rest: list[int], p: int) -> bool:
        facts: list[Fact] = [found[i].facts[p] for i in rest]  # type: ignore[misc]
        total = totals[p]
        assert total is not None
        return _sums(facts, total) or sum((f.value for f in facts), Decimal(0)) < total.value

    for fits in (
        lambda rest: all(_sums([found[i].facts[p] for i in rest], totals[p]) for p in usable),  # type: ignore[misc]
        lambda rest: (
            _sums([found[i].facts[usable[0]] for i in rest], totals[usable[0]])  # type: ignore[misc]
            and all(short(rest, p) for p in usable)
        ),
    ):
        for mask in masks:
            rest = left(mask)
            if len(rest) > 1 and fits(rest):
                return {found[i].member for k, i in enumerate(free) if mask >> k & 1}
    return set()


def _first(i: int, direct: dict[int, list[int]]) -> int:
    """A node's place: its own, or its first descendant's, whichever comes first."""
    return min([i, *(_first(k, direct) for k in direct.get(i, ()))])


def _direct(s: int, children: dict[int, list[int]]) -> list[int]:
    leaves = set(children[s])
    inside = [t for t in children if t != s and set(children[t]) < leaves]
    maximal = [t for t in inside if not any(set(children[t]) < set(children[u]) for u in inside if u != t)]
    covered = {k for t in maximal for k in children[t]}
    return maximal + [k for k in children[s] if k not in covered]


def _sums(facts: Sequence[Fact], total: Fact) -> bool:
    tolerance = total.tolerance + sum((f.tolerance for f in facts), Decimal(0))
    return abs(sum((f.value for f in facts), Decimal(0)) - total.value) <= tolerance


def _subtotals(found: list[_Candidate], usable: list[int]) -> tuple[dict[int, list[int]], int] | None:
    """subtotal index -> the leaves (members that are no sum of others) it is the sum of, in every
    usable period, and the candidate subsets examined; None past MAX_EXAMINED. All 2**n subset sums
    of the first usable period, sorted; each member's matches are looked up by bisection and checked
    in every usable period."""
    # Reconciling items are neither subtotals nor their children: they stand between the members and
    # the total. Searched only among the members, so found's indices are mapped back at the end.
    members = [i for i, c in enumerate(found) if c.role != "reconciling"]
    searched = _member_subtotals([found[i] for i in members], usable)
    if searched is None:
        return None
    inner, examined = searched
    return {members[s]: [members[k] for k in kids] for s, kids in inner.items()}, examined


def _member_subtotals(found: list[_Candidate], usable: list[int]) -> tuple[dict[int, list[int]], int] | None:
    n = len(found)
    if n < 3 or not usable:
        return {}, 0
    p0 = usable[0]
    values = [c.facts[p0].value for c in found]  # type: ignore[union-attr]
    slack = sum((c.facts[p0].tolerance for c in found), Decimal(0))  # type: ignore[union-attr]
    sums = [Decimal(0)] * (1 << n)
    for mask in range(1, 1 << n):
        low = mask & -mask
        sums[mask] = sums[mask ^ low] + values[low.bit_length() - 1]
    ordered = sorted(range(1, 1 << n), key=lambda m: sums[m])
    keys = [sums[m] for m in ordered]

    examined = 0

    def matches(i: int, allowed: int) -> list[int] | None:
        nonlocal examined
        lo, hi = bisect_left(keys, values[i] - slack), bisect_right(keys, values[i] + slack)
        examined += hi - lo
        if examined > MAX_EXAMINED:
            return None  # near-equal values: too many subsets match within rounding to tell them apart
        found_masks = []
        for mask in sorted(ordered[lo:hi]):
            if mask & (1 << i) or mask & ~allowed or mask.bit_count() < 2:
                continue
            members = [k for k in range(n) if mask >> k & 1]
            if all(_sums([found[k].facts[p] for k in members], found[i].facts[p]) for p in usable):  # type: ignore[misc]
                found_masks.append(mask)
        return found_masks

    everyone = (1 << n) - 1
    subtotal = set()
    for i in range(n):
        any_match = matches(i, everyone)
        if any_match is None:
            return None
        if any_match:
            subtotal.add(i)
    leaves = everyone & ~sum(1 << i for i in subtotal)
    result: dict[int, list[int]] = {}
    for i in sorted(subtotal):
        leaf_matches = matches(i, leaves)
        if leaf_matches is None:
            return None
        if leaf_matches:
            mask = leaf_matches[0]
            result[i] = [k for k in range(n) if mask >> k & 1]
    return result, examined


def _laminar(children: dict[int, list[int]]) -> list[int]:
    """Subtotals to drop so the rest nest (any two are disjoint or one holds the other): the one
    crossing most others first, then the larger, then the later. Equal sets keep the first."""
    sets = {s: frozenset(kids) for s, kids in children.items()}
    dropped: list[int] = []

    def crosses(a: int, b: int) -> bool:
        x, y = sets[a], sets[b]
        return bool(x & y) and not (x < y or y < x)

    while True:
        alive = [s for s in sets if s not in dropped]
        counts = {s: sum(crosses(s, t) for t in alive if t != s) for s in alive}
        worst = max(alive, key=lambda s: (counts[s], len(sets[s]), s), default=None)
        if worst is None or counts[worst] == 0:
            return dropped
        dropped.append(worst)
