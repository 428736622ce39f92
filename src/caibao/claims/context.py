"""What an article's periods mean: the period the article reports (from its headline, dateline or
first explicit mention), and each period expression read through the filer's fiscal calendar.

The calendar comes from the filer's own facts (the end date of every period the store holds), so
Apple's quarter ended 28 June 2025 is fiscal 2025Q3 and NVIDIA's year ended January 2025 is
FY2025. Where an expression could be fiscal or calendar ("2025年第二季度" about NVIDIA), both
readings are kept, the fiscal one first; a figure is contradicted only if it fails under all.
"""

from __future__ import annotations

import calendar as cal
import re
from dataclasses import dataclass, field, replace
from datetime import date

from caibao.claims.tokens import PeriodMark, Token
from caibao.facts.index import FactIndex
from caibao.facts.periods import FiscalLabel

_QUARTER_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "first": 1, "second": 2, "third": 3, "fourth": 4}
_MONTHS = {name.lower(): i for i, name in enumerate(cal.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(cal.month_abbr) if name})
_MONTHS["sept"] = 9
_SPAN_MONTHS = {"three": 3, "3": 3, "six": 6, "6": 6, "nine": 9, "9": 9, "twelve": 12, "12": 12, "三": 3, "六": 6,
                "九": 9, "十二": 12, "year": 12, "years": 12, "年度": 12, "财年": 12, "quarter": 3, "quarters": 3,
                "季度": 3}  # fmt: skip
_DATELINE = re.compile(
    r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?P<day>\d{1,2}),\s+(?P<y>\d{4})"
    r"[ \t]*(?:\([a-z][a-z .&'-]{1,30}\)[ \t]*)?(?:--|—|–|-|/|$)",  # "(Reuters) -", or the date alone on a line
    re.M,
)
_DATELINE_ZH = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")


@dataclass
class Calendar:
    """A filer's periods as its facts give them: label -> the date the period ends."""

    ends: dict[FiscalLabel, date] = field(default_factory=dict)

    @classmethod
    def of(cls, index: FactIndex) -> Calendar:
        ends: dict[FiscalLabel, date] = {}
        for fact in index:
            label = fact.period.label
            if not fact.derived or label not in ends:
                ends.setdefault(label, fact.period.end)
        return cls(ends)

    @property
    def calendar_year(self) -> bool:
        """Does the fiscal year end at the end of December (within a week)?"""
        years = [end for label, end in self.ends.items() if label.is_year]
        return not years or all(
            abs((e - date(e.year, 12, 31)).days) <= 7 or (e.month == 1 and e.day <= 7) for e in years
        )

    def label_ending(self, end: date, months: int) -> FiscalLabel | None:
        """The label of a period of `months` months ending on `end` (within a week)."""
        for label, e in self.ends.items():
            if abs((e - end).days) > 7:
                continue
            if (months == 12 and label.is_year) or (months == 3 and label.is_quarter):
                return label
            if months in (6, 9) and label.ytd and label.quarter == months // 3:
                return label
        if months == 12:  # a year the store holds only as quarters
            for label, e in self.ends.items():
                if label.is_quarter and label.quarter == 4 and abs((e - end).days) <= 7:
                    return FiscalLabel(label.year)
        return None

    def near(self, end: date, months: int) -> FiscalLabel | None:
        """The fiscal period of `months` months ending nearest a calendar period's end, at most 15
        days before or 45 after it: the calendar reading of "the second quarter of 2025"."""
        best: tuple[int, FiscalLabel] | None = None
        for label, e in self.ends.items():
            kind_ok = (
                (months == 12 and label.is_year)
                or (months == 3 and label.is_quarter)
                or (months in (6, 9) and label.ytd and label.quarter == months // 3)
            )
            delta = (e - end).days
            if kind_ok and -15 <= delta <= 45 and (best is None or abs(delta) < best[0]):
                best = (abs(delta), label)
        return best[1] if best else None

    def latest_before(self, day: date, quarter: int | None) -> FiscalLabel | None:
        """The latest fiscal quarter numbered `quarter` (None: fiscal year) ended before `day`."""
        found = [
            (e, label)
            for label, e in self.ends.items()
            if e < day and (label.is_year if quarter is None else label.is_quarter and label.quarter == quarter)
            and (day - e).days <= 200
        ]  # fmt: skip
        return max(found)[1] if found else None


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _quarter(text: str) -> int:
    return int(text) if text.isdigit() else _QUARTER_WORDS[text]


def _date(groups: dict, year_key: str = "y") -> date | None:
    try:
        month_text = groups["month"].lower()
        month = int(month_text) if month_text.isdigit() else _MONTHS[month_text[:3]]
        return date(int(groups[year_key]), month, int(groups["day"]))
    except (KeyError, ValueError):
        return None


@dataclass
class Context:
    """The article's reported period and what its period expressions name."""

    calendar: Calendar
    document: list[FiscalLabel]  # the reported period; several readings where the text allows them
    dateline: date | None = None

    @property
    def period(self) -> FiscalLabel | None:
        return self.document[0] if self.document else None

    def publication_year(self) -> int | None:
        if self.dateline:
            return self.dateline.year
        return None

    def readings(self, mark: PeriodMark, current: FiscalLabel | None) -> list[FiscalLabel]:
        """What a period expression names, fiscal reading first; [] when the text leaves it open."""
        g = mark.groups
        doc = self.period
        if mark.kind == "dated":
            if "y" not in g and doc is not None and doc in self.calendar.ends:
                g = {**g, "y": str(self.calendar.ends[doc].year)}  # "Six Months Ended June 30:" of this year
            end = _date(g)
            months = _SPAN_MONTHS.get(g.get("n", ""), 0)
            if end is None or not months:
                return []
            first = self.calendar.label_ending(end, months)
            return [first] if first else []
        if mark.kind == "fiscal_quarter":
            return [FiscalLabel(_year(g["y"]) or 0, _quarter(g["q"]))]
        if mark.kind == "quarter":
            q = _quarter(g["q"])
            year = _year(g.get("y"))
            if year is None and g.get("ly") and doc is not None:
                # "the third quarter of last year": a year before the one reported, or (said after a
                # fourth quarter, in the next year) of that year
                return [FiscalLabel(doc.year - 1, q), FiscalLabel(doc.year, q)]
            if year is None:
                if doc is not None:
                    return [FiscalLabel(doc.year, q)]
                if self.dateline:
                    label = self.calendar.latest_before(self.dateline, q)
                    return [label] if label else []
                return []
            return self._fiscal_or_calendar(FiscalLabel(year, q), date(year, 3 * q, cal.monthrange(year, 3 * q)[1]), 3)
        if mark.kind in ("half", "nine_months"):
            quarter = 2 if mark.kind == "half" else 3
            year = _year(g.get("y")) or (doc.year if doc else None)
            if year is None:
                return []
            label = FiscalLabel(year, quarter, ytd=True)
            if g.get("y"):
                return self._fiscal_or_calendar(label, date(year, 3 * quarter, 30), 3 * quarter)
            return [label]
        if mark.kind == "fiscal_year":
            return [FiscalLabel(_year(g["y"]) or 0)]
        if mark.kind == "year":
            year = _year(g["y"]) or 0
            return self._fiscal_or_calendar(FiscalLabel(year), date(year, 12, 31), 12)
        return self._relative(mark.rel, current)

    def base_readings(self, mark: PeriodMark, period: FiscalLabel) -> list[FiscalLabel]:
        """What a period compared with names: "较前一年", "较上季" are relative to the claim's period."""
        if mark.kind == "rel" and mark.rel in ("last_year", "prior_year", "year_ago"):
            return [period.year_ago()]
        if mark.kind == "rel" and mark.rel == "two_years_ago":
            return [period.year_ago().year_ago()]
        if mark.kind == "rel" and mark.rel == "previous_quarter" and period.is_quarter:
            return [period.previous()]
        return self.readings(mark, period)

    def pair(self, mark: PeriodMark) -> list[FiscalLabel]:
        """The two periods of "three and six months ended June 30, 2025" or "years ended December
        31, 2024 and 2023", in the order written; [] for any other expression."""
        g = mark.groups
        end = _date(g) if mark.kind == "dated" else None
        if end is None:
            return []
        months = _SPAN_MONTHS.get(g.get("n", ""), 0)
        if g.get("n2"):
            found = [self.calendar.label_ending(end, months), self.calendar.label_ending(end, _SPAN_MONTHS[g["n2"]])]
        elif g.get("y2"):
            other = _date(g, "y2")
            found = [
                self.calendar.label_ending(end, months),
                self.calendar.label_ending(other, months) if other else None,
            ]
        else:
            return []
        return [label for label in found if label] if all(found) else []

    def _fiscal_or_calendar(self, fiscal: FiscalLabel, calendar_end: date, months: int) -> list[FiscalLabel]:
        if self.calendar.calendar_year:
            return [fiscal]
        other = self.calendar.near(calendar_end, months)
        return [fiscal] + ([other] if other and other != fiscal else [])

    def _relative(self, kind: str, current: FiscalLabel | None) -> list[FiscalLabel]:
        doc = self.period
        base = current or doc
        if kind == "that_period":
            return []
        if kind == "two_years_ago":
            return [base.year_ago().year_ago()] if base else []
        if kind in ("current_quarter", "spoken_quarter"):
            return [doc] if doc and doc.is_quarter else []
        if kind == "previous_quarter":
            if base is not None and base == doc and doc.is_quarter:
                # "蘋果上季營收年增10%", "revenue rose 10% last quarter" in an article on a quarter's
                # results: the quarter just reported, seen from the day it is written; or the one before
                return [doc, doc.previous()]
            return [base.previous()] if base and base.is_quarter else []
        if kind == "next_quarter":
            return [doc.next()] if doc and doc.is_quarter else []
        if kind == "year_ago":
            return [base.year_ago()] if base else []
        if kind == "same_period":
            return [base] if base else []
        if kind == "full_year":
            return [FiscalLabel(base.year)] if base else []
        if kind == "prior_year":
            # "前一年", "the prior year" with no figure before it: the year before the one reported,
            # or (as "last year" from the day it is written) that one
            if base is None:
                return []
            year = FiscalLabel(base.year)
            return [year.year_ago(), year] if base.is_year else [year.year_ago()]
        if kind in ("last_year", "this_year"):
            shift = 0 if kind == "this_year" else -1
            published = self.publication_year()
            if published is not None:
                return self._fiscal_or_calendar(FiscalLabel(published + shift), date(published + shift, 12, 31), 12)
            if doc is None:
                return []
            # Annual results are published in the next calendar year: "去年" in an article on 2024's
            # results is most likely 2024, perhaps 2023.
            if doc.is_year or doc.quarter == 4:
                return [FiscalLabel(doc.year + 1 + shift), FiscalLabel(doc.year + shift)]
            return [FiscalLabel(doc.year + shift)]
        return []


def dateline(original: str, folded: str) -> date | None:
    """The date a news story is datelined with: "SEATTLE, Oct. 26, 2023 --", in its first lines."""
    head = folded[:400]
    m = _DATELINE.search(head) or _DATELINE_ZH.search(head)
    if not m:
        return None
    return _date(m.groupdict())


def headline_span(folded: str) -> tuple[int, int] | None:
    """The first line, where it stands apart as a headline (short, no full stop, text after it)."""
    stripped = len(folded) - len(folded.lstrip())
    end = folded.find("\n", stripped)
    if end == -1 or end - stripped > 80 or folded[stripped:end].rstrip().endswith(("。", ".")):
        return None
    return stripped, end


_ANNUAL = re.compile(r"全年|年度|财年|财报|业绩|年报|full|fiscal|annual|results|earnings")
_EXPLICIT = ("dated", "fiscal_quarter", "fiscal_year", "year", "quarter", "half", "nine_months")


def forecast_mark(folded: str, tokens: list[Token], i: int) -> bool:
    """Is the period mark tokens[i] that of a forecast: a guidance or expectation word beside it, in
    the same sentence?"""
    mark = tokens[i]
    for t in (*tokens[max(0, i - 4) : i], *tokens[i + 1 : i + 6]):
        near = mark.start - t.end if t.end <= mark.start else t.start - mark.end
        if near > 50 or any(ch in "。.!?\n" for ch in folded[min(t.end, mark.end) : max(t.start, mark.start)]):
            continue
        if t.has("expect") or t.get("measure") in ("guidance", "guide_high", "guide_low"):
            return True
    return False


def _dateline_period(
    tokens: list[Token], calendar: Calendar, day: date | None, probe: Context
) -> tuple[list[FiscalLabel], int]:
    """A quarter or year named without its year near a dateline ("SEATTLE, Aug. 1, 2025 — ...
    second-quarter", "in the three months ended June 30"): the filer's latest such period ended
    before that day, and where it is named."""
    if day is None:
        return [], 0
    for token in tokens:
        if token.start > 600:
            break
        mark = token.mark
        if mark is None:
            continue
        label = None
        if mark.kind == "quarter" and not mark.groups.get("y"):
            label = calendar.latest_before(day, _quarter(mark.groups["q"]))
        elif mark.kind == "rel" and mark.rel == "full_year":
            label = calendar.latest_before(day, None)
        elif mark.kind == "dated" and not mark.groups.get("y") and mark.groups.get("month"):
            month, dom = (
                int(mark.groups["month"])
                if mark.groups["month"].isdigit()
                else _MONTHS.get(mark.groups["month"][:3], 0),
                int(mark.groups.get("day") or 1),
            )
            if month:
                year = day.year if (month, dom) <= (day.month, day.day) else day.year - 1
                found = probe.readings(replace(mark, groups={**mark.groups, "y": str(year)}), None)
                label = found[0] if found else None
        if label:
            return [label], token.start
    return [], 0


def reported_period(
    folded: str, tokens: list[Token], calendar: Calendar, day: date | None, index: FactIndex
) -> list[FiscalLabel]:
    """The period an article reports: named with its year in the headline, else in its first
    sentences ("公布2023年第四季財報"; "2024年第四季度及全年业绩" allows both); else a quarter or the
    full year named near a dateline ("SEATTLE, Oct. 26, 2023 -- ... third-quarter net sales"): the
    filer's latest such period ended before that day. [] when the text does not say."""
    probe = Context(calendar, [], day)
    head = headline_span(folded)
    spans = ([head] if head else []) + [(0, min(len(folded), 1500))]
    found: list[FiscalLabel] = []
    dated, dated_at = _dateline_period(tokens, calendar, day, probe)
    for start, end in spans:
        marks = [(i, t) for i, t in enumerate(tokens) if t.mark is not None and start <= t.start < end]
        for i, token in marks:
            mark = token.mark
            assert mark is not None
            if dated and (start, end) != head and token.start > dated_at:
                break  # "SEATTLE, Aug. 1, 2025 — ... second-quarter net sales ..., compared with ... in the
                # second quarter of 2024": the dateline's quarter, named first, is the one reported
            if mark.kind not in _EXPLICIT or (not mark.groups.get("y") and mark.kind != "dated"):
                continue
            if mark.kind == "year" and not _ANNUAL.search(folded, token.start, min(len(folded), token.end + 6)):
                continue  # "计划2026~2027年扩建": a year mentioned, not the year reported
            if i and tokens[i - 1].has("base"):
                continue  # "较2022年": the period compared with
            if forecast_mark(folded, tokens, i):
                continue  # "Nvidia forecasts third-quarter revenue", "For fiscal 2026, the company forecast": ahead
            found = probe.readings(mark, None)
            nxt = tokens[i + 1 : i + 3]
            if found and found[0].is_quarter and any(t.mark and t.mark.rel == "full_year" for t in nxt):
                found = [*found, FiscalLabel(found[0].year)]  # "第四季度及全年", "fourth quarter and full year"
            if found:
                break
        if found:
            break
    if not found and dated:
        found = dated
    if not found:
        # No period in the opening: the quarter the text names most often with its year (a note whose
        # tables are headed "FY 4Q25").
        counts: dict[FiscalLabel, int] = {}
        for token in tokens:
            mark = token.mark
            if mark is not None and mark.kind in ("quarter", "fiscal_quarter") and mark.groups.get("y"):
                for label in probe.readings(mark, None)[:1]:
                    counts[label] = counts.get(label, 0) + 1
        if counts:
            found = [max(counts, key=lambda label: (counts[label], label))]
    # "第四季度及全年": the quarter, unless the store has nothing for it (a 10-K alone gives the year).
    held = [label for label in found if index.get("revenue", label) is not None]
    return held[:1] or found[:1]
