"""The metric catalogue (facts/data/metrics.toml): standard keys, their kinds, units and aliases."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from caibao.errors import CaibaoError

KINDS = {"flow", "ttm", "per_share", "ratio", "count", "guidance"}
RAW_KINDS = {"USD": "flow", "USD/share": "per_share", "shares": "count", "percent": "ratio"}


def is_raw(key: str) -> bool:
    """A filer's XBRL concept stored as it is ("us-gaap:ResearchAndDevelopmentExpense"), not a standard metric."""
    return ":" in key


@dataclass(frozen=True)
class Metric:
    key: str
    kind: str
    unit: str
    axis: str = ""  # segment, revenue_line, region; "" for whole-company metrics
    ttm_of: str = ""

    @property
    def sums_over_time(self) -> bool:
        """Only flows add up across quarters; per-share figures and ratios never do."""
        return self.kind == "flow"


@dataclass(frozen=True)
class UnitSpec:
    unit: str
    scale: int


@dataclass(frozen=True)
class Catalogue:
    metrics: dict[str, Metric]
    aliases: dict[str, tuple[str, str]]  # source name -> (metric, member)
    units: dict[str, UnitSpec]

    def resolve(self, name: str, member: str) -> tuple[Metric, str]:
        """A source's metric name (and member) as a standard metric and member."""
        if name in self.metrics:
            return self.metrics[name], member
        if name in self.aliases:
            key, alias_member = self.aliases[name]
            return self.metrics[key], alias_member or member
        raise CaibaoError(f"unknown metric {name!r}")

    def of_fact(self, key: str, unit: str) -> Metric:
        """The standard metric `key`, or for a filer's own statement line (a raw XBRL concept such as
        "us-gaap:ResearchAndDevelopmentExpense", kept so a brief can show every line the filer
        shows) a metric whose kind follows its unit: money over a period is a flow (quarters are
        derived for it), per-share figures, share counts and ratios never are."""
        if key in self.metrics:
            return self.metrics[key]
        return Metric(key, RAW_KINDS.get(unit, "count"), unit)

    def metric(self, key: str) -> Metric:
        try:
            return self.metrics[key]
        except KeyError:
            known = ", ".join(sorted(self.metrics))
            raise CaibaoError(f"unknown metric {key!r}; known metrics: {known}") from None


@cache
def catalogue() -> Catalogue:
    text = resources.files("caibao.facts").joinpath("data/metrics.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    metrics: dict[str, Metric] = {}
    aliases: dict[str, tuple[str, str]] = {}
    for key, spec in raw["metrics"].items():
        if spec["kind"] not in KINDS:
            raise ValueError(f"metrics.toml: {key}: kind {spec['kind']!r} is not one of {sorted(KINDS)}")
        metrics[key] = Metric(key, spec["kind"], spec["unit"], spec.get("axis", ""), spec.get("ttm_of", ""))
        for alias in spec.get("aliases", []):
            aliases[alias] = (key, "")
    for alias, spec in raw["member_aliases"].items():
        aliases[alias] = (spec["metric"], spec["member"])
    units = {name: UnitSpec(spec["unit"], spec["scale"]) for name, spec in raw["units"].items()}
    return Catalogue(metrics, aliases, units)
