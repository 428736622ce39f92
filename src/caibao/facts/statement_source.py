"""Face-statement rows tied to stored facts.

Each row of a filing's income and cash-flow statements names the series of facts it shows: the
standard metric (and member) where every figure of the row became that metric's fact, otherwise the
filer's own concept kept as it is ("us-gaap:ResearchAndDevelopmentExpense", member = its dimensions),
so the brief can show every line the filer shows and cite a fact for each cell. Which rows are
totals is worked out from the figures: a row equal to the signed sum of the rows just before it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from caibao.facts.fiscal import FiscalCalendar, parse_year_end
from caibao.facts.model import Fact, Period, Source
from caibao.facts.periods import FiscalLabel
from caibao.facts.statements import StatementLine, dims_key, sign_of
from caibao.facts.xbrl import XbrlDocument, XbrlFact
from caibao.facts.xbrl_source import EXACT, UNITS, Converted, xbrl_map


@dataclass(frozen=True)
class PlacedLine:
    """A statement row and the fact series its cells come from (metric "" for a heading)."""

    line: StatementLine
    metric: str = ""
    member: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Statement:
    document: str
    ticker: str
    name: str  # income | cash_flow
    labels: tuple[FiscalLabel, ...]  # the periods its columns show
    lines: tuple[PlacedLine, ...]


def place_statements(doc: XbrlDocument, converted: Converted) -> tuple[list[Statement], list[Fact]]:
    """The document's face statements with each row's fact series, and the raw facts to store for
    rows no standard metric covers."""
    if not doc.statements or not doc.facts:
        return [], []
    parsed = parse_year_end(converted.year_end) or (12, 31)
    calendar = FiscalCalendar(*parsed)
    by_source: dict[str, Fact] = {}
    for fact in converted.facts:
        _, _, fid = fact.source.locator.rpartition(" #")
        if fid:
            by_source[fid] = fact
    ranked = xbrl_map().ranked(converted.ticker)
    chosen = {(f.metric, f.period.start, f.period.end): f for f in converted.facts if not f.member}
    series: dict[tuple[str, tuple], list[XbrlFact]] = {}
    for xf in doc.facts:
        if xf.context.start is not None and not xf.context.typed:
            series.setdefault((xf.concept, xf.context.dims), []).append(xf)
    raw: dict[tuple, Fact] = {}
    statements: list[Statement] = []
    for name in dict.fromkeys(line.statement for line in doc.statements):
        placed: list[PlacedLine] = []
        labels: set[FiscalLabel] = set()
        for line in (ln for ln in doc.statements if ln.statement == name):
            if line.role == "heading":
                placed.append(PlacedLine(line))
                continue
            facts = series.get((line.concept, line.dims), [])
            dated = [(xf, calendar.label(xf.context.start, xf.context.end)) for xf in facts]
            dated = [(xf, label) for xf, label in dated if label is not None and xf.context.start is not None]
            unit = UNITS.get(facts[0].unit, "") if facts else ""
            if not dated or not unit:
                continue
            # The statement's own columns (a duplicate of a cell kept from elsewhere in the filing counts).
            shown = [(xf, label) for xf, label in dated if (xf.context.start, xf.context.end) in line.periods]
            labels |= {label for _, label in shown}
            # The row is the standard metric where each of its own cells became that metric's fact;
            # the same concept elsewhere in the filing (a note's quarterly table) does not decide it.
            standard = {(by_source[xf.fact_id].metric, by_source[xf.fact_id].member) if xf.fact_id in by_source
                        else None for xf, _ in shown}  # fmt: skip
            if len(standard) == 1 and None not in standard:
                metric, member = next(iter(standard))  # type: ignore[misc]
                placed.append(PlacedLine(line, metric, member, unit))
                continue
            # A concept the map ranks below another for the same metric (Tesla's "Total revenues" tagged
            # as revenue from contracts, its revenue read from us-gaap:Revenues): the standard metric
            # still, where its fact has the row's value in every column.
            alias = ranked.get(line.concept, ("", 0))[0] if not line.dims else ""
            if (
                alias
                and shown
                and all(
                    (f := chosen.get((alias, xf.context.start, xf.context.end))) is not None and f.value == xf.value
                    for xf, _ in shown
                )
            ):
                placed.append(PlacedLine(line, alias, "", unit))
                continue
            member = dims_key(line.dims)
            # Only the statement's own columns: the same concept in a note may be another version of
            # the figure (Tesla's "before adoption" quarters are tagged with no dimension).
            columns = {(xf.context.start, xf.context.end) for xf, _ in shown}
            for xf, label in dated:
                if (xf.context.start, xf.context.end) not in columns:
                    continue
                key = (line.concept, member, xf.context.start, xf.context.end)
                raw.setdefault(key, _raw_fact(doc, converted, xf, label, member, unit))
            placed.append(PlacedLine(line, line.concept, member, unit))
        if any(p.metric for p in placed):
            statements.append(Statement(doc.name, converted.ticker, name, tuple(sorted(labels)), tuple(placed)))
    facts = list(raw.values())
    return [_with_totals(s, [*converted.facts, *facts]) for s in statements], facts


def _raw_fact(
    doc: XbrlDocument, converted: Converted, xf: XbrlFact, label: FiscalLabel, member: str, unit: str
) -> Fact:
    dims = "".join(f" [{axis.split(':')[-1]}={value}]" for axis, value in xf.context.dims)
    locator = f"{xf.concept}{dims}" + (f" #{xf.fact_id}" if xf.fact_id else "")
    assert xf.context.start is not None
    return Fact(
        ticker=converted.ticker,
        metric=xf.concept,
        member=member,
        period=Period(xf.context.start, xf.context.end, label),
        value=xf.value,
        decimals=EXACT if xf.decimals is None else xf.decimals,
        unit=unit,
        source=Source(doc.name, locator),
        cik=converted.cik,
    )


def _with_totals(statement: Statement, facts: list[Fact]) -> Statement:
    """Rows that are the signed sum of the rows just before them are totals (see `bridge`)."""
    values = {(f.metric, f.member, f.period.label): f for f in facts if f.period.label in statement.labels}
    collapsed = bridge(statement, lambda p, label: values.get((p.metric, p.member, label)))
    lines = tuple(
        replace(p, line=replace(p.line, role="total"))
        if p.line.seq in collapsed.totals and p.line.role == "line"
        else p
        for p in statement.lines
    )
    return replace(statement, lines=lines)


@dataclass(frozen=True)
class Bridge:
    totals: frozenset[int]  # seqs of rows that sum rows before them
    open: tuple[int, ...]  # seqs of money rows left unabsorbed at the end: one (net income) if it bridges
    columns: tuple[FiscalLabel, ...]

    @property
    def holds(self) -> bool:
        return len(self.open) == 1


MAX_RUN = 12  # rows a total may sum: a statement's longest block of expenses is under ten


def signed(placed: PlacedLine, value: Decimal, unknown: int = 1) -> Decimal:
    """A row's figure as it counts towards net income: costs and expenses subtract; a row whose
    concept does not say counts as `unknown` says."""
    return value * (sign_of(placed.line.concept) or unknown)


def bridge(statement: Statement, value_of) -> Bridge:
    """Walk the money rows in order, keeping a stack of rows not yet summed; a row equal (in every
    column both have, within the rounding of the figures) to the signed sum of the last k >= 2 rows
    on the stack absorbs them (the largest such k). A statement that bridges from revenue to net
    income ends with one row on the stack. `value_of(placed, label)` gives a row's fact."""
    columns = tuple(statement.labels)
    stack: list[tuple[PlacedLine, dict[FiscalLabel, Fact]]] = []
    totals: set[int] = set()
    for placed in statement.lines:
        if not placed.metric or placed.unit != "USD":
            continue
        cells = {label: f for label in columns if (f := value_of(placed, label)) is not None}
        if not cells:
            continue
        for k in range(min(len(stack), MAX_RUN), 1, -1):
            run = stack[-k:]
            common = [label for label in cells if all(label in c for _, c in run)]
            if common and all(_sums(placed, cells[label], [(p, c[label]) for p, c in run]) for label in common):
                del stack[-k:]
                totals.add(placed.line.seq)
                break
        stack.append((placed, cells))
    return Bridge(frozenset(totals), tuple(p.line.seq for p, _ in stack), columns)


def _sums(total: PlacedLine, fact: Fact, parts: list[tuple[PlacedLine, Fact]]) -> bool:
    """Whether `total` is the signed sum of `parts`. Parts whose concept does not say which way they
    count take the total's own sign (the lines of "Total operating expenses" are expenses), or else
    the opposite one."""
    own = sign_of(total.line.concept) or 1
    slack = sum((f.tolerance for _, f in parts), fact.tolerance) * 2
    for unknown in (own, -own):
        got = sum((signed(p, f.value, unknown) for p, f in parts), Decimal(0))
        if abs(signed(total, fact.value) - got) <= slack:
            return True
        if not any(sign_of(p.line.concept) == 0 for p, _ in parts):
            break
    return False
