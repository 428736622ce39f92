"""Consistency identities (analysis/data/identities.toml, plus time rules from the catalogue).

A broken identity is never ignored: `check` returns every one with its figures, and ingest
refuses a batch that breaks one.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from caibao.analysis.breakdowns import breakdown
from caibao.analysis.rounding import in_millions
from caibao.facts.catalogue import catalogue
from caibao.facts.index import FactIndex
from caibao.facts.model import Fact
from caibao.facts.periods import FiscalLabel

Form = tuple[tuple[int, str], ...]  # (sign, metric or "metric[*]")


@dataclass(frozen=True)
class Identity:
    name: str
    total: str
    parts: Form
    for_each: str = ""
    # Other complete forms of the same identity, as filers write it (Netflix's pre-tax income with
    # interest expense apart from its "interest and other income"): it holds if any complete form holds.
    alternatives: tuple[Form, ...] = ()

    @property
    def forms(self) -> tuple[Form, ...]:
        return (self.parts, *self.alternatives)


@dataclass(frozen=True)
class Broken:
    """An identity that does not hold, with the figures that show it."""

    name: str
    label: FiscalLabel
    total: Fact
    parts: tuple[tuple[int, Fact], ...]
    difference: Decimal
    tolerance: Decimal

    @property
    def facts(self) -> tuple[Fact, ...]:
        return (self.total, *(f for _, f in self.parts))

    def message(self) -> str:
        def show(f: Fact) -> str:
            amount = in_millions(f.value) if f.unit == "USD" else str(f.value)
            return f"{f.metric}{f' [{f.member}]' if f.member else ''} {f.label} {amount} ({f.source.locator})"

        expr = " ".join(f"{'+' if sign > 0 else '-'} {show(f)}" for sign, f in self.parts).lstrip("+ ")
        where = f"{self.total.source.document}:{self.total.source.locator.removeprefix('line ')}"
        unit = "USD millions" if self.total.unit == "USD" else self.total.unit
        return (
            f"{where}: identity '{self.name}' broken for {self.total.ticker} {self.label}: "
            f"{expr} = {in_millions(self.total.value + self.difference)}, but {show(self.total)}; "
            f"off by {in_millions(abs(self.difference))} ({unit})"
        )


@cache
def identities() -> tuple[Identity, ...]:
    text = resources.files("caibao.analysis").joinpath("data/identities.toml").read_text(encoding="utf-8")
    found = []
    for spec in tomllib.loads(text)["identity"]:
        forms = [spec["parts"], *spec.get("alternatives", [])]
        parsed = tuple(tuple((-1, p[1:]) if p.startswith("-") else (1, p) for p in form) for form in forms)
        found.append(Identity(spec["name"], spec["total"], parsed[0], spec.get("for_each", ""), parsed[1:]))
    return tuple(found)


def _holds(total: Fact, parts: list[tuple[int, Fact]], label: FiscalLabel, name: str) -> Broken | None:
    computed = sum((sign * f.value for sign, f in parts), Decimal(0))
    tolerance = total.tolerance + sum((f.tolerance for _, f in parts), Decimal(0))
    difference = computed - total.value
    if abs(difference) <= tolerance:
        return None
    return Broken(name, label, total, tuple(parts), difference, tolerance)


def _expand(form: Form, total: str, index: FactIndex, label: FiscalLabel, member: str) -> list[tuple[int, Fact]] | None:
    """The facts of one form of an identity, or None where any is missing (the form is incomplete).
    `metric[*]` is the top level of the metric's breakdown (analysis/breakdowns.py): its members and
    the filer's reconciling items, never a subtotal beside its own children; complete only where
    every member the filer reports for the metric has a figure for the period."""
    parts: list[tuple[int, Fact]] = []
    for sign, term in form:
        if term.endswith("[*]"):
            metric = term[:-3]
            members = index.members(metric)
            # A segment measure is complete only with a figure for every segment the filer reports
            # (Alphabet gives no operating expenses for Other Bets).
            required = set(members) | (set(index.members("segment_revenue")) if _axis(metric) == "segment" else set())
            if not members or any(index.get(metric, label, m) is None for m in required):
                return None
            # Subtotals are told from the values in this period and its neighbours of the same kind.
            near = (label, label.year_ago(), label.previous(), label.year_ago().year_ago())
            periods = [p for p in dict.fromkeys(near) if index.get(total, p)]
            found = breakdown(index, metric, total, periods or [label])
            if found is None:
                return None
            parts.extend((sign, f) for row in found.top() if (f := row.facts[0]) is not None)
        else:
            fact = index.get(term, label, member)
            if fact is None:
                return None
            parts.append((sign, fact))
    return parts


def _axis(metric: str) -> str:
    known = catalogue().metrics.get(metric)
    return known.axis if known else ""


def check(index: FactIndex, only: set[FiscalLabel] | None = None) -> list[Broken]:
    """Every identity that fails in `index` (one company's facts), in the periods `only` names and
    the periods their sums reach (a quarter's year, a year's quarters, a TTM's quarters), or in all."""
    broken: list[Broken] = []
    labels = index.labels()
    if only is not None:
        years = {label.year for label in only}
        labels = [label for label in labels if label.year in years or label.year - 1 in years]
    for identity in identities():
        members = index.members(identity.total) if identity.for_each else [""]
        for label in labels:
            for member in members:
                total = index.get(identity.total, label, member)
                if total is None:
                    continue
                # Judged on its complete forms only; broken only if none holds, shown by the form
                # that comes closest.
                forms = [p for form in identity.forms if (p := _expand(form, identity.total, index, label, member))]
                results = [_holds(total, parts, label, identity.name) for parts in forms]
                if results and all(results):
                    broken.append(min((r for r in results if r), key=lambda r: abs(r.difference)))
    broken.extend(_check_time(index, labels))
    return broken


def _check_time(index: FactIndex, labels: list[FiscalLabel]) -> list[Broken]:
    broken: list[Broken] = []
    cat = catalogue()
    keys = {(f.metric, f.member, f.unit) for f in index}
    for metric_key, member, unit in sorted(keys):
        metric = cat.of_fact(metric_key, unit)
        for label in labels:
            total = index.get(metric_key, label, member)
            if total is None:
                continue
            if metric.sums_over_time and label.is_year:
                name = "four quarters sum to the fiscal year"
                terms = [index.get(metric_key, q, member) for q in label.quarters_of_year()]
            elif metric.kind == "ttm" and label.is_quarter:
                name = f"{metric_key} = sum of the last four quarters of {metric.ttm_of}"
                terms = [index.get(metric.ttm_of, label.shift(-k), member) for k in range(3, -1, -1)]
            elif metric.kind == "ttm" and label.is_year:
                name = f"{metric_key} = the fiscal year's {metric.ttm_of}"
                terms = [index.get(metric.ttm_of, label, member)]
            else:
                continue
            if all(terms):
                result = _holds(total, [(1, f) for f in terms if f], label, name)
                if result:
                    broken.append(result)
    return broken
