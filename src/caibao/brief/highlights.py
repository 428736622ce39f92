"""Highlight bullets. Every number in them is computed from facts here; the words come from
labels.toml. A bullet whose facts are missing is left out, never written with a placeholder."""

from __future__ import annotations

from caibao.analysis import measures, records
from caibao.analysis.breakdowns import breakdown, segment_profit_metrics
from caibao.analysis.measures import Figure
from caibao.analysis.rounding import round_half_up
from caibao.brief import formatting as fmt
from caibao.brief.i18n import Words
from caibao.brief.model import Highlight
from caibao.facts.index import FactIndex
from caibao.facts.periods import FiscalLabel


class HighlightWriter:
    def __init__(self, index: FactIndex, label: FiscalLabel, words: Words):
        self.index, self.label, self.w, self.lang = index, label, words, words.lang

    def growth(self, figure: Figure | None, kind: str = "yoy") -> str | None:
        if figure is None or figure.value is None:
            return None
        rounded = round_half_up(figure.value, 0)
        if rounded == 0:
            return self.w("word", f"flat_{kind}")
        direction = "up" if rounded > 0 else "down"
        return self.w("word", f"{direction}_{kind}", pct=fmt.pct(figure.value, self.lang, signed=False))

    def percent(self, figure: Figure | None, places: int = 0) -> str | None:
        """A margin or share for running text; None (the clause is left out) where it is n.m."""
        if figure is None or figure.value is None:
            return None
        return fmt.pct(figure.value, self.lang, places)

    def shown_yoy(self, metric: str, member: str = "") -> Figure | None:
        """YoY growth as the tables show it: n.m. (value None) where analysis.meaningful says so."""
        lab, ago = self.label, self.label.year_ago()
        now, base = measures.level(self.index, metric, lab, member), measures.level(self.index, metric, ago, member)
        return measures.shown_growth(now, base, measures.level(self.index, "revenue", ago))

    def amount(self, figure: Figure) -> str:
        assert figure.value is not None
        return fmt.amount_text(figure.value, self.lang)

    def _range(self, low: Figure, high: Figure) -> str:
        assert low.value is not None and high.value is not None
        return fmt.amount_range_text(low.value, high.value, self.lang)

    def sentence(self, clauses: list[str]) -> str:
        sep = ";" if self.lang != "en" else "; "
        text = sep.join(c for c in clauses if c)
        if self.lang == "en":
            text = text[:1].upper() + text[1:]
        return text + self.w("word", "sentence_end")

    def all(self) -> list[Highlight]:
        found = [
            self.revenue(),
            self.operating_income(),
            self.net_income(),
            *self.segments(),
            self.fastest_line(),
            self.cash(),
            self.guidance(),
        ]
        return [h for h in found if h]

    def growth_record(self, record: records.GrowthRecord) -> str:
        """ "the fastest growth in 13 quarters"; a fiscal year's record is counted in years."""
        if record.since:
            key = "growth_record" if record.label.is_quarter else "growth_record_year"
            return self.w("sentence", key, count=record.periods)
        return self.w("sentence", "growth_record_all", first=str(records.step_back(record.label, record.periods)))

    def revenue(self) -> Highlight | None:
        idx, lab = self.index, self.label
        level = measures.level(idx, "revenue", lab)
        if level is None:
            return None
        yoy, qoq = measures.yoy(idx, "revenue", lab), measures.qoq(idx, "revenue", lab)
        growth = self.w("word", "clause_sep").join(g for g in (self.growth(yoy), self.growth(qoq, "qoq")) if g) or None
        key = "revenue" if lab.is_quarter else "revenue_year"
        clauses = [self.w("sentence", key, amount=self.amount(level), growth=growth)]
        sources = [*level.sources, *(yoy.sources if yoy else ()), *(qoq.sources if qoq else ())]
        ex_fx = measures.level(idx, "revenue_growth_ex_fx", lab)
        if ex_fx and ex_fx.value is not None:
            clauses.append(self.w("sentence", "revenue_ex_fx", pct=fmt.pct(ex_fx.value, self.lang)))
            sources += ex_fx.sources
        clauses.append(self._versus_guidance("revenue", level, sources))
        record = records.first_above(idx, "revenue", lab)
        if record:
            first = str(lab.shift(-record.history) if lab.is_quarter else FiscalLabel(lab.year - record.history))
            key = "first_above" if lab.is_quarter else "first_above_year"
            threshold = fmt.amount_text(record.threshold, self.lang)
            clauses.append(self.w("sentence", key, threshold=threshold, first=first))
            sources += record.sources
        return Highlight(self.sentence(clauses), _unique(sources))

    def _versus_guidance(self, metric: str, level: Figure, sources: list[str]) -> str:
        low = self.index.get(f"guidance_{metric}_low", self.label)
        high = self.index.get(f"guidance_{metric}_high", self.label)
        if low is None or high is None or level.value is None:
            return ""
        sources += [low.id, high.id]
        lo, hi = fmt.amount_text(low.value, self.lang), fmt.amount_text(high.value, self.lang)
        if level.value > high.value:
            return self.w("sentence", "vs_guidance_above", high=hi)
        if level.value < low.value:
            return self.w("sentence", "vs_guidance_below", low=lo)
        return self.w("sentence", "vs_guidance_within", range=fmt.amount_range_text(low.value, high.value, self.lang))

    def operating_income(self) -> Highlight | None:
        idx, lab = self.index, self.label
        level = measures.level(idx, "operating_income", lab)
        margin = measures.ratio(idx, "operating_income", "revenue", lab)
        yoy = self.shown_yoy("operating_income")
        if level is None or margin is None or yoy is None:
            return None
        sources = [*level.sources, *yoy.sources, *margin.sources]
        text = self.w(
            "sentence",
            "operating_income",
            amount=self.amount(level),
            growth=self.growth(yoy),
            margin=self.percent(margin, 1),
        )
        return Highlight(
            self.sentence([text, self._versus_guidance("operating_income", level, sources)]), _unique(sources)
        )

    def net_income(self) -> Highlight | None:
        idx, lab = self.index, self.label
        level, yoy = measures.level(idx, "net_income", lab), self.shown_yoy("net_income")
        eps = measures.level(idx, "eps_diluted", lab)
        if level is None or yoy is None or eps is None:
            return None
        text = self.w(
            "sentence",
            "net_income",
            amount=self.amount(level),
            growth=self.growth(yoy),
            eps=fmt.per_share_text(eps.value, self.lang),
        )
        return Highlight(self.sentence([text]), _unique([*level.sources, *yoy.sources, *eps.sources]))

    def segments(self) -> list[Highlight]:
        idx, lab = self.index, self.label
        found: list[tuple[Highlight, Figure]] = []
        # Only the segments that partition revenue: never a subtotal or a reconciling item.
        periods = (lab, lab.year_ago())
        split = breakdown(idx, "segment_revenue", "revenue", periods)
        members = [r.member for r in split.rows if r.role == "part"] if split else []
        if len(members) < 2:
            return []  # one reportable segment is the company itself
        fastest = max(
            (m for m in members if measures.yoy(idx, "segment_revenue", lab, m)),
            key=lambda m: measures.yoy(idx, "segment_revenue", lab, m).value or 0,  # type: ignore[union-attr]
            default=None,
        )
        # The profit measure the segments report (Tesla's gross profit, IBM's pre-tax income), named as such.
        profit = next(
            (m for m in segment_profit_metrics() if set(members) & set(idx.members(m))), "segment_operating_income"
        )
        sentence = {"segment_operating_income": "segment"}.get(profit, profit.replace("segment_", "segment_by_"))
        for member in members:
            level = measures.level(idx, "segment_revenue", lab, member)
            yoy = measures.yoy(idx, "segment_revenue", lab, member)
            income = measures.level(idx, profit, lab, member)
            margin = measures.ratio(idx, profit, "segment_revenue", lab, member)
            if not (level and yoy and income and margin):
                continue
            sources = [*level.sources, *yoy.sources, *income.sources, *margin.sources]
            clauses = [
                self.w(
                    "sentence",
                    sentence,
                    segment=self.w.member(member),
                    amount=self.amount(level),
                    growth=self.growth(yoy),
                    income=self.amount(income),
                    margin=self.percent(margin, 1),
                )
            ]
            record = records.fastest_growth(idx, "segment_revenue", lab, member)
            if record:
                clauses.append(self.growth_record(record))
                sources += record.sources
            if member == fastest:
                rate = measures.run_rate(idx, "segment_revenue", lab, member)
                added = measures.incremental(idx, "segment_revenue", lab, member)
                if rate:
                    clauses.append(self.w("sentence", "run_rate", amount=self.amount(rate)))
                    sources += rate.sources
                if added and added.value is not None and added.value > 0:
                    clauses.append(self.w("sentence", "added", amount=self.amount(added)))
                    sources += added.sources
            found.append((Highlight(self.sentence(clauses), _unique(sources)), level))
        found.sort(key=lambda pair: -(pair[1].value or 0))
        return [h for h, _ in found]

    def fastest_line(self) -> Highlight | None:
        idx, lab = self.index, self.label
        # The fastest of the parts the line table shows (Apple's services, Alphabet's Google Cloud
        # completing its lines, Amazon's AWS among them), never a subtotal beside its own lines nor a
        # reconciling item: the bullet is true of the table it sums up.
        split = breakdown(idx, "line_revenue", "revenue", (lab, lab.year_ago()))
        best = None
        for row in split.parts() if split else []:
            yoy = measures.yoy(idx, row.metric, lab, row.member)
            if yoy is None or yoy.value is None:
                continue
            if best is None or yoy.value > best[2].value:
                best = (row.metric, row.member, yoy)
        if best is None:
            return None
        metric, member, yoy = best
        level = measures.level(idx, metric, lab, member)
        assert level is not None
        name = self.w.member(member) if member else self.w("row", metric)
        text = self.w("sentence", "fastest_line", line=name, amount=self.amount(level), growth=self.growth(yoy))
        return Highlight(self.sentence([text]), _unique([*level.sources, *yoy.sources]))

    def cash(self) -> Highlight | None:
        idx, lab = self.index, self.label
        ocf, fcf = measures.ttm(idx, "operating_cash_flow", lab), measures.ttm(idx, "free_cash_flow", lab)
        capex, capex_ago = measures.ttm(idx, "capex", lab), measures.ttm(idx, "capex", lab.year_ago())
        capex_yoy = measures.growth(capex, capex_ago)
        if not (ocf and fcf and capex and capex_yoy):
            return None
        text = self.w(
            "sentence",
            "cash" if lab.is_quarter else "cash_year",  # a year's twelve months are the year, not a TTM
            ocf=self.amount(ocf),
            capex=self.amount(capex),
            capex_growth=self.growth(capex_yoy),
            fcf=self.amount(fcf),
        )
        return Highlight(self.sentence([text]), _unique([*ocf.sources, *fcf.sources, *capex_yoy.sources]))

    def guidance(self) -> Highlight | None:
        idx, nxt = self.index, self.label.next()
        keys = (
            "guidance_revenue_low",
            "guidance_revenue_high",
            "guidance_operating_income_low",
            "guidance_operating_income_high",
        )
        facts = [idx.get(k, nxt) for k in keys]
        base = idx.get("revenue", nxt.year_ago())
        if not all(facts) or base is None:
            return None
        rev_low, rev_high, oi_low, oi_high = (Figure.of(f) for f in facts if f)
        yoy_low = measures.growth(rev_low, Figure.of(base))
        yoy_high = measures.growth(rev_high, Figure.of(base))
        assert yoy_low and yoy_high
        text = self.w(
            "sentence",
            "guidance",
            period=fmt.period_column(nxt),
            revenue=self._range(rev_low, rev_high),
            income=self._range(oi_low, oi_high),
            yoy_low=fmt.pct(yoy_low.value, self.lang),
            yoy_high=fmt.pct(yoy_high.value, self.lang),
        )
        return Highlight(self.sentence([text]), _unique([f.id for f in facts if f] + [base.id]))


def _unique(ids: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))
