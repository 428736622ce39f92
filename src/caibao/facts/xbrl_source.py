"""Filed XBRL facts as caibao facts: concepts mapped to standard metrics (facts/data/xbrl_map.toml),
dimensions to segments, revenue lines and regions, periods to the filer's fiscal calendar."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from caibao.errors import IngestError
from caibao.facts.catalogue import catalogue
from caibao.facts.fiscal import FiscalCalendar, parse_year_end
from caibao.facts.model import Fact, Period, Source
from caibao.facts.xbrl import XbrlDocument, XbrlFact

UNITS = {"USD": "USD", "USD/shares": "USD/share", "shares": "shares", "pure": "percent"}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SMALL_WORDS = {"Of", "And", "The", "For", "In"}
EXACT = 10  # decimals="INF": exact; stored as far finer than any figure needs


@dataclass(frozen=True)
class XbrlMap:
    concepts: dict[str, list[str]]
    overrides: dict[str, dict[str, list[str]]]
    axes: dict[str, str]
    by_axis: dict[str, dict[str, str]]
    members: dict[str, dict]
    neutral: frozenset[tuple[str, str]]

    def ranked(self, ticker: str) -> dict[str, tuple[str, int]]:
        """concept -> (metric, preference rank) for one filer, its overrides first."""
        table: dict[str, tuple[str, int]] = {}
        for source in (self.overrides.get(ticker, {}), self.concepts):
            for metric, concepts in source.items():
                for rank, concept in enumerate(concepts):
                    table.setdefault(concept, (metric, rank))
        return table


@cache
def xbrl_map() -> XbrlMap:
    raw = tomllib.loads(resources.files("caibao.facts").joinpath("data/xbrl_map.toml").read_text(encoding="utf-8"))
    neutral = frozenset((axis, member) for axis, member in raw.get("neutral", {}).get("pairs", []))
    return XbrlMap(raw["concepts"], raw.get("overrides", {}), raw["axes"], raw["by_axis"], raw["members"], neutral)


def member_name(qname: str) -> str:
    """ "goog:GoogleCloudMember" -> "Google Cloud", "meta:FamilyOfAppsMember" -> "Family of Apps"."""
    local = qname.split(":")[-1]
    for suffix in ("SegmentMember", "Member"):
        if local.endswith(suffix) and len(local) > len(suffix):
            local = local[: -len(suffix)]
            break
    words = _CAMEL.split(local)
    return " ".join(w.lower() if i and w in _SMALL_WORDS else w for i, w in enumerate(words))


@dataclass
class Converted:
    ticker: str
    cik: str
    name: str
    year_end: str
    facts: list[Fact] = field(default_factory=list)
    skipped: int = 0


def convert(doc: XbrlDocument, ticker: str | None = None) -> Converted:
    symbol = (ticker or doc.dei.get("TradingSymbol", "").split(" ")[0]).upper()
    if not symbol:
        raise IngestError(f"{doc.name}: no dei:TradingSymbol; say which company it is (--ticker)")
    year_end_text = doc.dei.get("CurrentFiscalYearEndDate", "")
    parsed = parse_year_end(year_end_text) if year_end_text else None
    if parsed is None:
        raise IngestError(f"{doc.name}: dei:CurrentFiscalYearEndDate {year_end_text!r} is not a month and day")
    calendar = FiscalCalendar(*parsed)
    cik = doc.dei.get("EntityCentralIndexKey", "").strip()
    out = Converted(symbol, cik, doc.dei.get("EntityRegistrantName", ""), f"--{parsed[0]:02d}-{parsed[1]:02d}")
    mapping, ranked = xbrl_map(), xbrl_map().ranked(symbol)
    metrics = catalogue().metrics
    best: dict[tuple, tuple[int, Fact]] = {}
    for xf in doc.facts:
        placed = _place(xf, ranked, mapping)
        if placed is None or xf.context.start is None:
            out.skipped += 1
            continue
        metric, member, rank = placed
        label = calendar.label(xf.context.start, xf.context.end)
        if label is None or UNITS.get(xf.unit) != metrics[metric].unit:
            out.skipped += 1
            continue
        fact = Fact(
            ticker=symbol,
            metric=metric,
            member=member,
            period=Period(xf.context.start, xf.context.end, label),
            value=xf.value,
            decimals=EXACT if xf.decimals is None else xf.decimals,
            unit=metrics[metric].unit,
            source=Source(doc.name, _locator(xf)),
            cik=cik,
        )
        key = (metric, member, xf.context.start, xf.context.end)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, fact)
    out.facts = [fact for _, fact in best.values()]
    out.skipped += len(doc.facts) - out.skipped - len(out.facts)
    return out


def _place(xf: XbrlFact, ranked: dict[str, tuple[str, int]], mapping: XbrlMap) -> tuple[str, str, int] | None:
    """(metric, member, rank) for a filed fact, or None when it is no standard metric."""
    if xf.concept not in ranked or xf.context.typed:
        return None
    metric, rank = ranked[xf.concept]
    dims = [d for d in xf.context.dims if d not in mapping.neutral]
    if not dims:
        return metric, "", rank
    if len(dims) != 1:
        return None
    axis, member = dims[0]
    kind = mapping.axes.get(axis)
    if kind is None:
        return None
    spec = mapping.members.get(member, {})
    if spec.get("skip"):
        return None
    if "metric" in spec:
        return (spec["metric"], "", rank) if metric == "revenue" else None
    by_axis = mapping.by_axis[kind].get(metric)
    if by_axis is None:
        return None
    return by_axis, spec.get("name") or member_name(member), rank


def _locator(xf: XbrlFact) -> str:
    dims = "".join(f" [{axis.split(':')[-1]}={member}]" for axis, member in xf.context.dims)
    return f"{xf.concept}{dims}" + (f" #{xf.fact_id}" if xf.fact_id else "")
