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
        for fact in facts:
            self._by_key.setdefault((fact.metric, fact.member, fact.period.label), fact)
            self._by_id[fact.id] = fact
            if fact.member:
                members.setdefault(fact.metric, set()).add(fact.member)
        # Asked for on every claim and every identity: worked out once.
        self._members = {metric: sorted(names) for metric, names in members.items()}

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

    def labels(self, metric: str | None = None, member: str = "") -> list[FiscalLabel]:
        return sorted({lab for (k, m, lab) in self._by_key if metric is None or (k == metric and m == member)})

    def quarters(self) -> list[FiscalLabel]:
        return [lab for lab in self.labels() if lab.is_quarter]
