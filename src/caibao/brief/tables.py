"""The brief's tables, laid out as seed note 000 lays them out: a row per line item; columns the
periods, then QoQ / YoY, then any extra (margin, share). A missing figure prints as "—", never 0;
a row whose current-period figure is missing is left out."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from caibao.analysis import measures
from caibao.analysis.measures import Figure
from caibao.brief import formatting as fmt
from caibao.brief.i18n import Words
from caibao.brief.model import Cell, Row, Table
from caibao.facts.catalogue import catalogue
from caibao.facts.index import FactIndex
from caibao.facts.periods import FiscalLabel

INCOME_ROWS = (
    "product_revenue",
    "service_revenue",
    "revenue",
    "cost_of_sales",
    "fulfillment",
    "technology_and_infrastructure",
    "sales_and_marketing",
    "general_and_administrative",
    "other_operating_expense_net",
    "total_operating_expenses",
    "operating_income",
    "non_operating_income",
    "income_before_taxes",
    "net_income",
    "eps_diluted",
)

TABLE_DECIMALS = -6  # tables are in millions
Measure = Callable[[FiscalLabel], Figure | None]


class TableBuilder:
    def __init__(self, index: FactIndex, label: FiscalLabel, words: Words):
        self.index, self.label, self.w, self.lang = index, label, words, words.lang
        self.prev, self.year_ago = label.previous(), label.year_ago()
        # A quarter is shown beside the quarter before and the year-ago quarter; a fiscal year
        # beside the year before, with no QoQ.
        self.periods = (label, self.prev, self.year_ago) if label.is_quarter else (label, self.year_ago)
        self.growth = ("QoQ", "YoY") if label.is_quarter else ("YoY",)

    # -- cells -------------------------------------------------------------------------------

    def amount(self, column: str, figure: Figure | None) -> Cell:
        if figure is None:
            return Cell(column, fmt.MISSING)
        if figure.unit == "USD/share":
            return Cell(column, fmt.per_share(figure.value), figure.value, figure.unit, figure.sources)
        text = fmt.millions(figure.value, self.lang)
        if figure.decimals is not None and figure.decimals < TABLE_DECIMALS:
            text = fmt.APPROXIMATE + text  # the source states it only to $0.1 billion, say
        return Cell(column, text, figure.value, figure.unit, figure.sources)

    def percent(self, column: str, figure: Figure | None, places: int = 0) -> Cell:
        if figure is None:
            return Cell(column, fmt.MISSING)
        return Cell(column, fmt.pct(figure.value, self.lang, places), figure.value, "percent", figure.sources)

    def period_row(
        self,
        key: str,
        label: str,
        measure: Measure,
        growth: bool = True,
        periods: tuple[FiscalLabel, ...] | None = None,
    ) -> Row | None:
        """A row of figures for each period, then QoQ and YoY computed from those same figures."""
        periods = periods or self.periods
        figures = [measure(p) for p in periods]
        if figures[0] is None:
            return None
        cells = [self.amount(fmt.period_column(p), f) for p, f in zip(periods, figures, strict=True)]
        if growth:
            for column, base in (("QoQ", self.prev), ("YoY", self.year_ago)):
                if column in self.growth and base in periods:
                    cells.append(self.percent(column, measures.growth(figures[0], figures[periods.index(base)])))
        return Row(key, label, tuple(cells))

    # -- tables ------------------------------------------------------------------------------

    def income_statement(self) -> Table | None:
        rows = []
        for metric in INCOME_ROWS:
            row = self.period_row(metric, self.w("row", metric), lambda p, m=metric: measures.level(self.index, m, p))
            if row:
                rows.append(row)
        return self._table("income", "millions", rows, self.growth)

    def segments(self) -> Table | None:
        members = self._members_by_size("segment_revenue")
        if len(members) < 2:
            return None  # one reportable segment is the company itself
        rows: list[Row] = []
        periods = (self.label, self.year_ago)
        for member in members:
            group = [Row(f"segment:{member}", self.w.member(member), group=True)]
            for metric in ("segment_revenue", "segment_operating_expenses", "segment_operating_income"):
                row = self.period_row(
                    f"{metric}:{member}",
                    self.w("row", metric),
                    lambda p, m=metric, s=member: measures.level(self.index, m, p, s),
                    periods=periods,
                )
                if row is None:
                    continue
                margin_column = self.w("column", "margin")
                if metric == "segment_operating_income":
                    margin = measures.ratio(self.index, metric, "segment_revenue", self.label, member)
                    row = Row(row.key, row.label, (*row.cells, self.percent(margin_column, margin, 1)))
                else:
                    row = Row(row.key, row.label, (*row.cells, Cell(margin_column, "")))
                group.append(row)
            if len(group) > 1:
                rows.extend(group)
        return self._table("segments", "millions", rows, ("YoY", self.w("column", "margin")), periods)

    def revenue_lines(self) -> Table | None:
        share_column = self.w("column", "share")
        rows = []
        for member in self._members_in_order("line_revenue"):
            row = self.period_row(
                f"line_revenue:{member}",
                self.w.member(member),
                lambda p, s=member: measures.level(self.index, "line_revenue", p, s),
            )
            if row:
                share = measures.ratio(self.index, "line_revenue", "revenue", self.label, member, whole_member="")
                rows.append(Row(row.key, row.label, (*row.cells, self.percent(share_column, share, 1))))
        if not rows:
            return None
        total = self.period_row(
            "revenue", self.w("row", "line_total"), lambda p: measures.level(self.index, "revenue", p)
        )
        if total:
            rows.append(
                Row(
                    total.key,
                    total.label,
                    (*total.cells, Cell(share_column, "100.0%", Decimal(100), "percent", total.cells[0].sources)),
                )
            )
        return self._table("lines", "millions", rows, (*self.growth, share_column))

    def cash_flow(self) -> Table | None:
        specs = (
            ("operating_cash_flow_ttm", lambda p: measures.ttm(self.index, "operating_cash_flow", p)),
            ("capex_ttm", lambda p: measures.ttm(self.index, "capex", p)),
            ("capex_proceeds_ttm", lambda p: measures.ttm(self.index, "capex_proceeds", p)),
            ("free_cash_flow_ttm", lambda p: measures.ttm(self.index, "free_cash_flow", p)),
            ("operating_cash_flow", lambda p: measures.level(self.index, "operating_cash_flow", p)),
            ("capex", lambda p: measures.level(self.index, "capex", p)),
        )
        if not self.label.is_quarter:
            specs = specs[:4]  # for a fiscal year the trailing twelve months are the year itself
        rows = [row for key, measure in specs if (row := self.period_row(key, self.w("row", key), measure))]
        return self._table("cash", "millions", rows, self.growth)

    def guidance(self) -> Table | None:
        nxt = self.label.next()
        g_col = self.w("column", "guidance", period=fmt.period_column(nxt))
        a_col = self.w("column", "actual", period=fmt.period_column(self.label))
        y_col = self.w("column", "implied_yoy")
        rows = []
        for key, metric in (("guidance_revenue", "revenue"), ("guidance_operating_income", "operating_income")):
            low = self.index.get(f"guidance_{metric}_low", nxt)
            high = self.index.get(f"guidance_{metric}_high", nxt)
            actual = self.index.get(metric, self.label)
            if low is None or high is None:
                continue
            guided = Cell(
                g_col,
                f"{fmt.billions(low.value)} - {fmt.billions(high.value)}",
                None,
                "USD",
                (low.id, high.id),
                low.value,
                high.value,
            )
            done = (
                Cell(a_col, fmt.billions(actual.value, 2), actual.value, "USD", (actual.id,))
                if actual
                else Cell(a_col, fmt.MISSING)
            )
            base = self.index.get(metric, nxt.year_ago())
            implied = Cell(y_col, fmt.MISSING)
            if base is not None:
                lo, hi = (
                    measures.growth(Figure.of(low), Figure.of(base)),
                    measures.growth(Figure.of(high), Figure.of(base)),
                )
                if lo and hi and lo.value is not None and hi.value is not None:
                    text = f"{fmt.pct(lo.value, self.lang)} - {fmt.pct(hi.value, self.lang)}"
                    implied = Cell(y_col, text, None, "percent", (low.id, high.id, base.id), lo.value, hi.value)
            rows.append(Row(key, self.w("row", key), (guided, done, implied)))
        if not rows:
            return None
        # No filing guides capex, so the guided cell stays empty; the actual is the fiscal year at Q4
        # and the trailing twelve months otherwise.
        year = FiscalLabel(self.label.year)
        full_year = measures.level(self.index, "capex", year) if self.label.quarter == 4 else None
        capex = full_year or measures.ttm(self.index, "capex", self.label)
        if capex is not None and capex.value is not None:
            span = str(year) if full_year else "TTM"
            done = Cell(a_col, fmt.billions(capex.value, 2), capex.value, "USD", capex.sources)
            label = self.w("row", "guidance_capex", span=span)
            rows.append(Row("guidance_capex", label, (Cell(g_col, fmt.MISSING), done, Cell(y_col, fmt.MISSING))))
        title = self.w("table", "guidance", period=fmt.period_column(nxt))
        notes = (self.w("note", "capex_guidance"),)
        return Table("guidance", title, self.w("unit", "billions"), (g_col, a_col, y_col), tuple(rows), notes)

    # -- helpers -----------------------------------------------------------------------------

    def _table(
        self,
        key: str,
        unit: str,
        rows: list[Row],
        extra: tuple[str, ...],
        periods: tuple[FiscalLabel, ...] | None = None,
    ) -> Table | None:
        if not rows:
            return None
        periods = periods or self.periods
        columns = tuple(fmt.period_column(p) for p in periods) + extra
        return Table(key, self.w("table", key), self.w("unit", unit), columns, tuple(rows))

    def _members_by_size(self, metric: str) -> list[str]:
        def size(member: str) -> Decimal:
            fact = self.index.get(metric, self.label, member)
            return fact.value if fact else Decimal(0)

        return sorted(self.index.members(metric), key=lambda m: (-size(m), m))

    def _members_in_order(self, metric: str) -> list[str]:
        """Known members in the catalogue's order (a filer's own), then any others by size."""
        known = [member for (key, member) in catalogue().aliases.values() if key == metric and member]
        present = self.index.members(metric)
        return [m for m in known if m in present] + [m for m in self._members_by_size(metric) if m not in known]
