"""An in-memory view of one company's facts, keyed the way analysis asks for them."""

from __future__ import annotations

from collections.abc import Iterable

from caibao.facts.model import Fact
from caibao.facts.periods import FiscalLabel


class FactIndex:
    """Facts by (metric, member, fiscal label). Where several facts share a key, the first one
    given wins: the store hands them over reported-before-derived, newest source first."""

    def __init__(self, facts: Iterable[Fact]):
        self._by_key: dict[tuple[str, str, FiscalLabel], Fact] = {}
        self._by_id: dict[str, Fact] = {}
        members: dict[str, set[str]] = {}
        reconciling: dict[str, set[str]] = {}
        labels: dict[tuple[str, str], set[FiscalLabel]] = {}
        for fact in facts:
            self._by_key.setdefault((fact.metric, fact.member, fact.period.label), fact)
            self._by_id[fact.id] = fact
            labels.setdefault((fact.metric, fact.member), set()).add(fact.period.label)
            if fact.member:
                # Reconciling items (corporate, eliminations) are no segment: kept apart, so only a
                # breakdown (analysis/breakdowns.py) that asks for them sees them.
                found = reconciling if fact.role == "reconciling" else members
                found.setdefault(fact.metric, set()).add(fact.member)
        # Asked for on every claim and every identity: worked out once.
        self._members = {metric: sorted(names) for metric, names in members.items()}
        self._labels = {key: sorted(found) for key, found in labels.items()}
        self._all_labels = sorted({lab for found in labels.values() for lab in found})
        self._member_sets = {metric: frozenset(names) for metric, names in members.items()}
        self._reconciling = {
            metric: sorted(names - members.get(metric, set())) for metric, names in reconciling.items()
        }

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self):
        return iter(self._by_key.values())

    def get(self, metric: str, label: FiscalLabel, member: str = "") -> Fact | None:
        return self._by_key.get((metric, member, label))

    def by_id(self, fact_id: str) -> Fact | None:
        return self._by_id.get(fact_id)

    def members(self, metric: str) -> list[str]:
        return self._members.get(metric, [])

    def reconciling(self, metric: str) -> list[str]:
        """The reconciling items reported for `metric`: between its members and the consolidated total."""
        return self._reconciling.get(metric, [])

    def has_member(self, metric: str, member: str) -> bool:
        return member in self._member_sets.get(metric, ())

    def labels(self, metric: str | None = None, member: str = "") -> list[FiscalLabel]:
        if metric is None:
            return list(self._all_labels)
        return list(self._labels.get((metric, member), ()))

    def quarters(self) -> list[FiscalLabel]:
        return [lab for lab in self.labels() if lab.is_quarter]
