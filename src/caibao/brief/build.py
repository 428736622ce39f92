"""Assemble a brief for one company and quarter from the store."""

from __future__ import annotations

from caibao.analysis.breakdowns import breakdown
from caibao.brief import formatting as fmt
from caibao.brief.highlights import HighlightWriter
from caibao.brief.i18n import Words
from caibao.brief.model import Brief, Chart, Series
from caibao.brief.sources import source_list
from caibao.brief.tables import TableBuilder
from caibao.errors import CaibaoError, NotFound
from caibao.facts.index import FactIndex
from caibao.facts.names import company_label
from caibao.facts.periods import FiscalLabel, parse_label
from caibao.facts.statement_source import Statement
from caibao.facts.store import Store

CHART_QUARTERS = 12
CHART_YEARS = 5


def available_periods(index: FactIndex) -> list[FiscalLabel]:
    """Periods a brief can be made for: those with reported revenue (guidance alone is not enough)."""
    return index.labels("revenue")


def describe_periods(labels: list[FiscalLabel]) -> str:
    """`2021Q1–2025Q4, FY2021–FY2025`: runs of consecutive periods collapsed."""
    quarters = [lab for lab in labels if lab.is_quarter]
    years = [lab for lab in labels if lab.is_year]
    runs: list[str] = []
    for group, step in ((quarters, lambda a: a.shift(1)), (years, lambda a: a.next())):
        start = prev = None
        for lab in group:
            if prev is not None and step(prev) == lab:
                prev = lab
                continue
            if start is not None:
                runs.append(str(start) if start == prev else f"{start}–{prev}")
            start = prev = lab
        if start is not None:
            runs.append(str(start) if start == prev else f"{start}–{prev}")
    return ", ".join(runs) or "none"


def build_brief(store: Store, ticker: str, period: str, lang: str = "zh-Hant") -> Brief:
    ticker = ticker.upper()
    words = Words(lang, ticker=ticker)
    label = parse_label(period)
    index = store.index(ticker)
    if not len(index):
        held = ", ".join(store.tickers()) or "none"
        raise NotFound(f"no facts for {ticker} in {store.path}; companies in the store: {held}")
    available = available_periods(index)
    if not (label.is_quarter or label.is_year):
        raise CaibaoError(f"a brief is for a quarter or a fiscal year, not {label}")
    if label not in available:
        raise NotFound(f"no data for {ticker} {label}; periods available: {describe_periods(available)}")

    # In Chinese the name the press uses (蘋果, 輝達); in English the registrant's name as filed.
    company = (company_label(ticker, lang) if lang != "en" else None) or store.company_name(ticker)
    column = fmt.period_column(label)
    brief = Brief(
        ticker=ticker,
        company=company,
        period=label,
        lang=lang,
        title=words("title", company=company, ticker=ticker, period=column),
        overview=words("overview", period=column),
    )
    statement = store.statement(ticker, "income", label)
    words = Words(lang, ticker=ticker, revenue_term=revenue_name(statement))
    brief.highlights = HighlightWriter(index, label, words).all()
    tables = TableBuilder(index, label, words, statement, store.latest_statement(ticker, "cash_flow"))
    for key, make in (
        ("income", tables.income_statement),
        ("segments", tables.segments),
        ("lines", tables.revenue_lines),
        ("regions", tables.regions),
        ("cash", tables.cash_flow),
        ("guidance", tables.guidance),
    ):
        table = make()
        if table:
            brief.tables.append(table)
        else:
            section = words("table", key, period=fmt.period_column(label.next()))
            # A section may say why it is empty in words of its own (no guidance filed, not "no data").
            note = f"omitted_{key}" if words.has("note", f"omitted_{key}") else "omitted"
            brief.notes.append(words("note", note, section=section, period=column))
    chart = segment_chart(index, label, words)
    if chart:
        brief.charts.append(chart)
    cited = {s for h in brief.highlights for s in h.sources}
    cited |= {s for t in brief.tables for r in t.rows for c in r.cells for s in c.sources}
    cited |= {s for c in brief.charts for series in c.series for s in series.sources}
    brief.facts = {f.id: f for f in index if f.id in cited}
    brief.sources = source_list(brief.facts.values(), index.by_id)
    return brief


def revenue_name(statement: Statement | None) -> str:
    """What the filer calls its revenue on the face of its income statement ("Total revenues" ->
    "Revenues", "Total net sales" -> "Net sales"); "" without a statement."""
    if statement is None:
        return ""
    label = next((p.line.label for p in statement.lines if p.metric == "revenue" and not p.member), "")
    label = label[len("Total ") :] if label.lower().startswith("total ") else label
    return label[:1].upper() + label[1:]


def segment_chart(index: FactIndex, label: FiscalLabel, words: Words) -> Chart | None:
    """Segment revenue over the last quarters (or fiscal years) the store holds."""
    if label.is_quarter:
        quarters = [label.shift(-k) for k in range(CHART_QUARTERS - 1, -1, -1)]
    else:
        quarters = [FiscalLabel(label.year - k) for k in range(CHART_YEARS - 1, -1, -1)]
    quarters = [q for q in quarters if index.get("revenue", q)]
    # Only the segments that partition the revenue (never a subtotal or a reconciling item).
    found = breakdown(index, "segment_revenue", "revenue", (label, *reversed(quarters[:-1])))
    members = [r.member for r in found.rows if r.role == "part"] if found else []
    if len(quarters) < 2 or not members:
        return None
    series = []
    for member in members:
        facts = [index.get("segment_revenue", q, member) for q in quarters]
        series.append(
            Series(
                words.member(member),
                tuple(f.value if f else None for f in facts),
                tuple(f.id for f in facts if f),
            )
        )
    series.sort(key=lambda s: -(s.values[-1] or 0))
    return Chart(
        "segment_revenue", words("note", "chart"), tuple(fmt.period_column(q) for q in quarters), tuple(series)
    )
