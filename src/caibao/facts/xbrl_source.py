"""Filed XBRL facts as caibao facts: concepts mapped to standard metrics (facts/data/xbrl_map.toml),
dimensions to segments, revenue lines and regions, periods to the filer's fiscal calendar."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

from caibao.errors import IngestError
from caibao.facts.catalogue import catalogue
from caibao.facts.fiscal import FiscalCalendar, parse_year_end
from caibao.facts.model import Fact, Period, Source
from caibao.facts.xbrl import XbrlDocument, XbrlFact

UNITS = {"USD": "USD", "USD/shares": "USD/share", "shares": "shares", "pure": "percent", "membership": "members"}
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
    member_names: dict[str, dict[str, str]]  # ticker -> member QName -> the filer's own name
    alternates: dict[str, dict[str, str]]  # metric -> {concept, of}: kept apart where it differs
    # concept -> {metric, sign, name}: what it reconciles on a reconciling member (see xbrl_map.toml)
    reconciling_concepts: dict[str, dict] = field(default_factory=dict)
    # ticker -> concept -> {metric, sign, name}: a filer's dimensionless reconciling items
    reconciling_whole: dict[str, dict[str, dict]] = field(default_factory=dict)

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
    return XbrlMap(
        raw["concepts"], raw.get("overrides", {}), raw["axes"], raw["by_axis"], raw["members"], neutral,
        raw.get("member_names", {}), raw.get("alternates", {}), raw.get("reconciling_concepts", {}),
        raw.get("reconciling_whole", {}),
    )  # fmt: skip


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
    superseded: int = 0  # of the skipped: previously reported figures and adjustments (see _restated)


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
    names = mapping.member_names.get(symbol, {})
    whole = _whole_members(doc)
    alternate_of = {spec["concept"]: (metric, spec["of"]) for metric, spec in mapping.alternates.items()}
    candidates: list[tuple[str, Fact]] = []
    # Reconciling items read from concepts of their own (Apple's R&D on the reconciling member), kept
    # only where the member gives no figure of that metric itself (NVIDIA's 10-K gives "All Other").
    reconciling: list[tuple[tuple, Fact]] = []
    direct: set[tuple] = set()
    read, out.superseded = _restated(doc.facts, restatement_rules())
    for filed, xf in read:
        placed = _place(xf, ranked, mapping, names, whole)
        item = _reconciling_item(xf, mapping, symbol, names) if placed is None else None
        if placed is None and item is None:
            out.skipped += 1
            continue
        metric, member, rank = placed or item[:3]  # type: ignore[index]
        role = _role(xf, mapping) if placed else "reconciling"
        start = xf.context.start
        if start is None:
            # A balance (paid memberships at the year's end) is dated by the period it closes.
            label = calendar.instant_label(xf.context.end) if metrics[metric].kind == "count" else None
            start = xf.context.end
        else:
            label = calendar.label(start, xf.context.end)
        if label is None or UNITS.get(xf.unit) != metrics[metric].unit:
            out.skipped += 1
            continue
        fact = Fact(
            ticker=symbol,
            metric=metric,
            member=member,
            period=Period(start, xf.context.end, label),
            value=xf.value,
            decimals=EXACT if xf.decimals is None else xf.decimals,
            unit=metrics[metric].unit,
            source=Source(doc.name, _locator(filed)),
            cik=cik,
            role=role,
        )
        if item is not None:
            sign, qname = item[3], item[4]
            if sign < 0:
                note = "an expense the segments' figures leave out: counted negative, as the filer reconciles"
                fact = replace(fact, value=-fact.value, source=replace(fact.source, note=note))
            reconciling.append(((metric, qname, start, xf.context.end), fact))
            continue
        if role:
            direct.add((metric, _reconciling_member(xf, mapping), start, xf.context.end))
        key = (metric, member, start, xf.context.end)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, fact)
        if xf.concept in alternate_of:
            candidates.append((alternate_of[xf.concept][0], fact))
    for key, fact in reconciling:
        found = (fact.metric, fact.member, fact.period.start, fact.period.end)
        if key not in direct and found not in best:
            best[found] = (0, fact)
    out.facts = [fact for _, fact in best.values()]
    out.facts += _alternates(candidates, best, mapping)
    out.skipped += len(doc.facts) - out.skipped - len(out.facts)
    return out


ROLES = ("previously_reported", "adjustment", "adjusted")


@dataclass(frozen=True)
class Restatement:
    """How a filing marks the versions of a restated or adjusted figure ([restatement] in xbrl_map.toml)."""

    axes: frozenset[str]
    qualifiers: frozenset[str]
    members: dict[str, str]  # member QName -> role
    endings: tuple[tuple[str, str], ...]  # (local-name ending, role), tried in order

    def role(self, member: str) -> str | None:
        if member in self.members:
            return self.members[member]
        local = member.split(":")[-1]
        return next((role for ending, role in self.endings if local.endswith(ending)), None)

    def read(self, dims: tuple[tuple[str, str], ...]) -> tuple[str | None, tuple[tuple[str, str], ...]]:
        """(role, the other dimensions) of a context; role None where no restatement axis is in it, or
        one of its members has no role (a forecast), and the dimensions are then left as they are.
        A previously reported version of an adjusted balance is still previously reported."""
        roles = [self.role(member) for axis, member in dims if axis in self.axes]
        if not roles or None in roles:
            return None, dims
        role = next(r for r in ROLES if r in roles)
        return role, tuple(d for d in dims if d[0] not in self.axes and d[0] not in self.qualifiers)


@cache
def restatement_rules() -> Restatement:
    raw = tomllib.loads(resources.files("caibao.facts").joinpath("data/xbrl_map.toml").read_text(encoding="utf-8"))
    table = raw.get("restatement", {})
    members = {member: role for role in ROLES for member in table.get(role, [])}
    endings = tuple((ending, role) for role in ROLES for ending in table.get(f"{role}_endings", []))
    return Restatement(frozenset(table.get("axes", [])), frozenset(table.get("qualifiers", [])), members, endings)


def _restated(facts: list[XbrlFact], rules: Restatement) -> tuple[list[tuple[XbrlFact, XbrlFact]], int]:
    """(fact as filed, fact as read) for every fact that stands, and how many were superseded.

    A figure tagged as adjusted (restated) is read without its restatement axis and replaces the
    plain fact of the same concept, period, unit and other dimensions in this document: that one is
    the figure as first reported, whichever way the filing marks it. Previously reported versions
    and adjustments are left out. Two passes over the facts, one set: linear."""
    read: list[tuple[XbrlFact, XbrlFact, bool]] = []
    adjusted: set[tuple] = set()
    superseded = 0
    for xf in facts:
        role, rest = rules.read(xf.context.dims)
        if role is None:
            read.append((xf, xf, False))
        elif role == "adjusted":
            plain = replace(xf, context=replace(xf.context, dims=rest))
            adjusted.add(_figure(plain))
            read.append((xf, plain, True))
        else:
            superseded += 1
    kept = [(filed, xf) for filed, xf, is_adjusted in read if is_adjusted or _figure(xf) not in adjusted]
    return kept, superseded + len(read) - len(kept)


def _figure(xf: XbrlFact) -> tuple:
    return xf.concept, xf.context.start, xf.context.end, xf.context.dims, xf.context.typed, xf.unit


def _alternates(candidates: list[tuple[str, Fact]], best: dict, mapping: XbrlMap) -> list[Fact]:
    """Alternate concepts as metrics of their own, where the preferred concept says otherwise."""
    found: dict[tuple, Fact] = {}
    for alternate, fact in candidates:
        chosen = best.get((fact.metric, fact.member, fact.period.start, fact.period.end))
        if chosen is None or chosen[1].value == fact.value:
            continue
        metric = alternate
        if fact.member:
            kind = next((k for k, table in mapping.by_axis.items() if table.get(mapping.alternates[alternate]["of"])
                         == fact.metric), None)  # fmt: skip
            metric = mapping.by_axis.get(kind or "", {}).get(alternate, "")
            if not metric:
                continue
        found.setdefault((metric, fact.member, fact.period.start, fact.period.end), replace(fact, metric=metric))
    return list(found.values())


def _whole_members(doc: XbrlDocument) -> frozenset[tuple[str, str, str]]:
    """(concept, axis, member) that add nothing to the other axis of a two-axis fact: the only
    member the filing ever gives on that axis for that concept (Netflix reports revenue by region
    within "Streaming", its one product), and the one segment a product line is ever reported in
    (Meta's advertising within Family of Apps), where every line of that table is in one segment.
    Walmart's grocery sales, given for two segments, are neither, and nor are its fuel sales, given
    for Sam's Club alone: its lines are each segment's own, not the company's."""
    seen: dict[tuple[str, str], set[str]] = {}
    within: dict[tuple[str, str, str], set[str]] = {}
    for xf in doc.facts:
        for axis, member in xf.context.dims:
            seen.setdefault((xf.concept, axis), set()).add(member)
        if len(xf.context.dims) == 2:
            (a1, m1), (a2, m2) = xf.context.dims
            within.setdefault((xf.concept, a1, m1), set()).add(m2)
            within.setdefault((xf.concept, a2, m2), set()).add(m1)
    whole = {(concept, axis, next(iter(ms))) for (concept, axis), ms in seen.items() if len(ms) == 1}
    # A table whose members are each given for more than one member of the other axis is a
    # breakdown of each of those: none of its members stands for the whole company.
    spread = {(concept, axis) for (concept, axis, _), others in within.items() if len(others) > 1}
    whole |= {key for key, others in within.items() if len(others) == 1 and key[:2] not in spread}
    return frozenset(whole)


def _place(
    xf: XbrlFact,
    ranked: dict[str, tuple[str, int]],
    mapping: XbrlMap,
    names: dict[str, str] | None = None,
    whole: frozenset[tuple[str, str, str]] = frozenset(),
) -> tuple[str, str, int] | None:
    """(metric, member, rank) for a filed fact, or None when it is no standard metric.

    A fact on two axes is kept when one of them does not narrow it: a product line within its
    segment (Meta's advertising within Family of Apps, Alphabet's lines within Google Services) is
    the line; a region within the filer's only product is the region (see _whole_members)."""
    if xf.concept not in ranked or xf.context.typed:
        return None
    metric, rank = ranked[xf.concept]
    dims = [d for d in xf.context.dims if d not in mapping.neutral]
    if not dims:
        # Only a neutral member ("operating segments" alone) is the segments' own total, not the
        # consolidated figure (Apple's segment operating income before R&D and corporate costs).
        return None if xf.context.dims else (metric, "", rank)
    if len(dims) == 2:
        kinds = {mapping.axes.get(axis): (axis, member) for axis, member in dims}
        if set(kinds) == {"segment", "revenue_line"} and (xf.concept, *kinds["revenue_line"]) in whole:
            dims = [kinds["revenue_line"]]
        elif set(kinds) == {"revenue_line", "region"} and (xf.concept, *kinds["revenue_line"]) in whole:
            dims = [kinds["region"]]
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
    return by_axis, (names or {}).get(member) or spec.get("name") or member_name(member), rank


def _role(xf: XbrlFact, mapping: XbrlMap) -> str:
    """ "reconciling" for a fact on a member the map marks so (corporate items, eliminations)."""
    return (
        "reconciling"
        if any(mapping.members.get(m, {}).get("role") == "reconciling" for _, m in xf.context.dims)
        else ""
    )


def _reconciling_member(xf: XbrlFact, mapping: XbrlMap) -> str:
    return next((m for _, m in xf.context.dims if mapping.members.get(m, {}).get("role") == "reconciling"), "")


def _reconciling_item(
    xf: XbrlFact, mapping: XbrlMap, ticker: str, names: dict[str, str]
) -> tuple[str, str, int, int, str] | None:
    """(metric, member, rank, sign, member QName) for a concept that is no standard metric of its own
    but reconciles a segment metric: on a reconciling member alone (xbrl_map.toml
    [reconciling_concepts]), or with no dimension where the filer shows it so ([reconciling_whole])."""
    if xf.context.typed:
        return None
    if not xf.context.dims:
        spec = mapping.reconciling_whole.get(ticker, {}).get(xf.concept)
        return (spec["metric"], spec["name"], 0, spec.get("sign", 1), "") if spec else None
    spec = mapping.reconciling_concepts.get(xf.concept)
    qname = _reconciling_member(xf, mapping)
    if spec is None or len(xf.context.dims) != 1 or not qname:
        return None
    member = spec.get("name") or names.get(qname) or mapping.members[qname].get("name") or member_name(qname)
    return spec["metric"], member, 0, spec.get("sign", 1), qname


def _locator(xf: XbrlFact) -> str:
    dims = "".join(f" [{axis.split(':')[-1]}={member}]" for axis, member in xf.context.dims)
    return f"{xf.concept}{dims}" + (f" #{xf.fact_id}" if xf.fact_id else "")
