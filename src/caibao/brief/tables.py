"""The brief's tables, laid out as seed note 000 lays them out: a row per line item; columns the
periods, then QoQ / YoY, then any extra (margin, share). A missing figure prints as "—", never 0;
a row whose current-period figure is missing is left out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from caibao.analysis import measures
from caibao.analysis.breakdowns import Breakdown, breakdown, segment_profit_metrics
from caibao.analysis.measures import Figure
from caibao.brief import formatting as fmt
from caibao.brief.i18n import Words, line_label
from caibao.brief.model import Cell, Row, Table
from caibao.facts.catalogue import catalogue
from caibao.facts.index import FactIndex
from caibao.facts.periods import FiscalLabel
from caibao.facts.statement_source import PlacedLine, Statement

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

# The consolidated figure each segment profit measure adds up to.
PROFIT_OF = {
    "segment_operating_income": "operating_income",
    "segment_pretax_income": "income_before_taxes",
    "segment_gross_profit": "gross_profit",
}

TABLE_DECIMALS = -6  # tables are in millions
Measure = Callable[[FiscalLabel], Figure | None]


class TableBuilder:
    def __init__(
        self,
        index: FactIndex,
        label: FiscalLabel,
        words: Words,
        statement: Statement | None = None,
        cash_statement: Statement | None = None,
    ):
        self.index, self.label, self.w, self.lang = index, label, words, words.lang
        self.statement = statement  # the filer's face income statement, where a filing gives one
        self.cash_statement = cash_statement  # its cash-flow statement: the filer's words for its lines
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
                    # n.m. across a sign change or off a near-zero base (analysis.meaningful)
                    revenue = measures.level(self.index, "revenue", base)
                    shown = measures.shown_growth(figures[0], figures[periods.index(base)], revenue)
                    cells.append(self.percent(column, shown))
        return Row(key, label, tuple(cells))

    # -- tables ------------------------------------------------------------------------------

    def income_statement(self) -> Table | None:
        if self.statement is not None:
            table = self.presented(self.statement)
            if table is not None:
                return table
        rows = []
        for metric in INCOME_ROWS:
            row = self.period_row(metric, self.w("row", metric), lambda p, m=metric: measures.level(self.index, m, p))
            if row:
                rows.append(row)
        return self._table("income", "millions", rows, self.growth)

    def presented(self, statement: Statement) -> Table | None:
        """The income statement as the filer presents it: its rows in its order, with its labels,
        headings, indentation and signs (an expense it shows in parentheses is shown so), for the
        periods compared; growth is worked out on the facts themselves. A row keeps the standard
        metric as its key where there is one, so highlights, JSON readers and `check` know it."""
        rows: list[Row] = []
        pending: list[Row] = []  # a heading waits for its first row of figures
        headings: list[tuple[int, str]] = []  # (depth, label) of the headings the row is under
        for placed in statement.lines:
            line = placed.line
            label = line_label(line.concept, line.dims_key, line.label, self.lang, statement.ticker)
            headings = [(d, h) for d, h in headings if d < line.depth or (line.role == "total" and d <= line.depth)]
            if line.role == "heading":
                pending = [Row(f"heading:{line.seq}", label, group=True, depth=line.depth)]
                headings.append((line.depth, label))
                continue
            if line.role == "total" and any(h == label for _, h in headings):
                # the total of a heading's lines, worded as the heading ("營業成本" under 營業成本): say so
                label = self.w("row", "total_of", label=label)
            key = placed.metric + (f":{placed.member}" if placed.member else "")
            sign = -1 if line.negated else 1

            def shown(p: FiscalLabel, placed: PlacedLine = placed, sign: int = sign) -> Figure | None:
                figure = measures.level(self.index, placed.metric, p, placed.member)
                if figure is None or figure.value is None or sign == 1:
                    return figure
                return replace(figure, value=-figure.value)

            row = self.period_row(key, label, shown, growth=False)
            if row is None:
                continue
            figures = [measures.level(self.index, placed.metric, p, placed.member) for p in self.periods]
            presented = [shown(p) for p in self.periods]
            if sign == -1 and all(f is not None and f.value is not None and f.value > 0 for f in presented):
                # a net expense tagged as negative income, shown positive (Walmart's "Interest, net"):
                # its growth is the growth of the figure as shown
                figures = presented
            cells = list(row.cells)
            for column, base in (("QoQ", self.prev), ("YoY", self.year_ago)):
                if column in self.growth:
                    revenue = measures.level(self.index, "revenue", base)
                    base_figure = figures[self.periods.index(base)]
                    cells.append(self.percent(column, measures.shown_growth(figures[0], base_figure, revenue)))
            rows += [*pending, Row(key, label, tuple(cells), depth=line.depth, role=line.role)]
            pending = []
        if not any(r.key == "net_income" or r.key == "revenue" for r in rows):
            return None  # not a statement this brief can stand on
        table = self._table("income", "millions", rows, self.growth)
        prior = fmt.period_column(self.prev)
        if (
            table is not None
            and self.label.is_quarter
            and not any(c.value is not None for r in rows for c in r.cells if c.column == prior)
        ):
            # No prior quarter can be had (Apple's third-quarter 10-Q shows the quarter and nine months:
            # the second quarter is no difference of them): its column and QoQ would be all dashes.
            gone = {prior, "QoQ"}
            table = replace(
                table,
                columns=tuple(c for c in table.columns if c not in gone),
                rows=tuple(replace(r, cells=tuple(c for c in r.cells if c.column not in gone)) for r in table.rows),
            )
        return table

    def segments(self) -> Table | None:
        """Each segment's sales, operating expenses and profit (its operating income, or the measure the
        filer reports for its segments: Tesla's gross profit, IBM's pre-tax income), then the
        reconciling items and the consolidated figures they add up to."""
        periods = (self.label, self.year_ago)
        revenue = breakdown(self.index, "segment_revenue", "revenue", periods)
        members = [r.member for r in revenue.rows if r.role not in ("reconciling", "outside")] if revenue else []
        if len(members) < 2:
            return None  # one reportable segment is the company itself
        # The measure the segments themselves report: a stray member of another measure (a reconciling
        # item tagged on the segment axis) does not decide it.
        shown = set(members)
        profit = next(
            (m for m in segment_profit_metrics() if shown & set(self.index.members(m))), "segment_operating_income"
        )
        whole = {"segment_revenue": "revenue", "segment_operating_expenses": "total_operating_expenses"}
        whole[profit] = PROFIT_OF[profit]
        # Headed by the measure shown: Tesla's segment gross margin, IBM's pre-tax margin.
        margin_key = f"margin_{profit}" if self.w.has("column", f"margin_{profit}") else "margin"
        margin_column = self.w("column", margin_key)
        reconciling = list(dict.fromkeys(m for metric in whole for m in self.index.reconciling(metric)))
        rows: list[Row] = []
        for member in [*members, *reconciling]:
            kind = "reconciling" if member in reconciling else ""
            group = [Row(f"segment:{member}", self.w.member(member), group=True, role=kind)]
            for metric in whole:
                row = self.period_row(
                    f"{metric}:{member}",
                    self._row_label(metric),
                    lambda p, m=metric, s=member: measures.level(self.index, m, p, s),
                    periods=periods,
                )
                if row is None:
                    continue
                margin = measures.ratio(self.index, metric, "segment_revenue", self.label, member)
                cell = (
                    self.percent(margin_column, margin, 1) if metric == profit and not kind else Cell(margin_column, "")
                )
                group.append(Row(row.key, row.label, (*row.cells, cell), role=kind))
            if len(group) > 1:
                rows.extend(group)
        # The consolidated figures the segments and reconciling items above add up to: a measure's
        # total only where its segments (and reconciling items) partition it in the periods shown, so
        # no total sits under rows that do not reach it (Alphabet tags no operating expenses for Other
        # Bets or for the company beyond its segments).
        group = [Row("segment:total", self.w("row", "line_total"), group=True, role="total")]
        for metric, total in whole.items():
            split = revenue if metric == "segment_revenue" else breakdown(self.index, metric, total, periods)
            if split is None or not split.partition:
                continue
            # the company's operating expenses are worded as its own total (cost of sales included),
            # not as a segment's "Operating expenses"
            label = self._row_label(total if metric == "segment_operating_expenses" else metric)
            row = self.period_row(total, label, lambda p, m=total: measures.level(self.index, m, p), periods=periods)
            if row is None:
                continue
            margin = measures.ratio(self.index, total, "revenue", self.label)
            cell = self.percent(margin_column, margin, 1) if metric == profit else Cell(margin_column, "")
            group.append(Row(row.key, row.label, (*row.cells, cell), role="total"))
        if len(group) > 1:
            rows.extend(group)
        return self._table("segments", "millions", rows, ("YoY", margin_column), periods)

    def revenue_lines(self) -> Table | None:
        """Net sales by line as the filer breaks them down: subtotals after their lines, indented
        lines under them; shares of the total only where the lines partition it."""
        order = [member for (key, member) in catalogue().aliases.values() if key == "line_revenue" and member]
        return self._breakdown_table("lines", "line_revenue", order)

    def regions(self) -> Table | None:
        """Revenue by region (Netflix's four regions, Meta's geography), with shares where they
        partition the total; a country the filer gives within a region is shown after, with no share."""
        return self._breakdown_table("regions", "region_revenue")

    def _breakdown_table(self, key: str, metric: str, order: list[str] | None = None) -> Table | None:
        found = breakdown(self.index, metric, "revenue", self.periods, order or ())
        if found is None:
            return None
        # Where the members fall short of the total (a line the filer does not tag by this axis), the
        # gap is a row of its own, so the table adds up and the shares stand over it.
        gaps = found.shortfall()
        shared = found.partition or gaps is not None
        share_column = self.w("column", "share")
        rows, beside, notes = [], [], []
        for item in found.rows:
            label = self.w.member(item.member) if item.member else self._row_label(item.metric)
            row = self.period_row(
                f"{item.metric}:{item.member}" if item.member else item.metric,
                label,
                lambda p, m=item.metric, s=item.member: measures.level(self.index, m, p, s),
            )
            if row is None:
                continue
            share = Cell(share_column, "")
            if shared and item.role != "outside":
                share = self.percent(share_column, measures.ratio(self.index, item.metric, "revenue", self.label,
                                                                  item.member, whole_member=""), 1)  # fmt: skip
            if item.role == "outside":
                # a finer member within one of the rows (a country within its region): the filing does
                # not say which in its tags, so it follows the total as "of which", never among them
                beside.append(Row(row.key, row.label, (*row.cells, share), depth=1, role="outside"))
                continue
            role = {"part": "line", "subtotal": "total"}.get(item.role, item.role)
            rows.append(Row(row.key, row.label, (*row.cells, share), depth=item.depth, role=role))
        if not rows:
            return None
        if gaps is not None and self.w.has("row", f"residual_{metric}"):
            residual = self._residual_row(found, gaps, f"residual_{metric}", share_column)
            if residual is not None:
                rows.append(residual)
                total_label = self.w("row", "line_total")
                notes.append(self.w("note", "residual", row=residual.label, total=total_label))
        total = self.period_row(
            "revenue", self.w("row", "line_total"), lambda p: measures.level(self.index, "revenue", p)
        )
        if total:
            hundred = (
                Cell(share_column, "100.0%", Decimal(100), "percent", total.cells[0].sources)
                if shared
                else Cell(share_column, "")
            )
            rows.append(Row(total.key, total.label, (*total.cells, hundred), role="total"))
        if beside:
            rows.append(Row(f"{metric}:of_which", self.w("row", "of_which"), group=True, role="outside"))
            rows.extend(beside)
        table = self._table(key, "millions", rows, (*self.growth, share_column))
        return replace(table, notes=tuple(notes)) if table is not None else None

    def _residual_row(
        self, found: Breakdown, gaps: tuple[Decimal | None, ...], key: str, share_column: str
    ) -> Row | None:
        """The total less the breakdown's top level, per period: derived, citing the figures it is
        worked out from."""
        figures: dict[FiscalLabel, Figure] = {}
        for p, (period, gap) in enumerate(zip(found.periods, gaps, strict=True)):
            total = found.totals[p]
            facts = [r.facts[p] for r in found.top()]
            if gap is None or total is None or any(f is None for f in facts):
                continue
            used = [total, *(f for f in facts if f is not None)]
            figures[period] = Figure(
                gap,
                total.unit,
                tuple(f.id for f in used),
                derived=True,
                decimals=min(f.decimals for f in used),
                error=sum((f.tolerance for f in used), Decimal(0)),
            )
        row = self.period_row(f"{found.metric}:residual", self.w("row", key), lambda p: figures.get(p))
        if row is None:
            return None
        share = self.percent(share_column, measures.quotient(figures.get(self.label), self._revenue()), 1)
        return Row(row.key, row.label, (*row.cells, share), role="residual")

    def _revenue(self) -> Figure | None:
        return measures.level(self.index, "revenue", self.label)

    def _row_label(self, metric: str) -> str:
        """A row's label: labels.toml's for the metric, else for the whole-company metric it breaks
        down (segment_pretax_income -> income_before_taxes), else its key in words."""
        for key in (metric, PROFIT_OF.get(metric, ""), metric.removeprefix("segment_")):
            if key and self.w.has("row", key):
                return self.w("row", key)
        return metric.removeprefix("segment_").replace("_", " ").capitalize()

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

        own = {p.metric: p.line.label for p in self.cash_statement.lines if p.metric and not p.member} if (
            self.cash_statement is not None and self.lang == "en") else {}  # fmt: skip

        def label(key: str) -> str:
            # A year's row is the year: labelled without "(TTM)", the row key kept for readers of the JSON.
            house = self.w("row", key) if self.label.is_quarter else self.w("row_year", key.removesuffix("_ttm"))
            metric = key.removesuffix("_ttm")
            if metric not in own:
                return house
            # the filer's words for the line, with the house note of what span it covers ("(TTM)")
            span = house[house.rindex(" (") :] if house.endswith(")") and " (" in house else ""
            return own[metric] + span

        rows = [row for key, measure in specs if (row := self.period_row(key, label(key), measure))]
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
