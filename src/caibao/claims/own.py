"""A filing's own narrative checked against its own tags: the MD&A of a 10-K or 10-Q (Item 7 or
Item 2) read as an article about the filer and the period it reports, against the facts of that
same document alone. The text and the tags come from one company on one day, so every
contradiction is either a slip in the filing or a misreading by caibao: a self-audit, and the
harness that keeps the checker honest on prose nobody wrote for it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from caibao.claims.check import Report, check_with_index
from caibao.claims.html_text import html_to_text_and_tables, source_span
from caibao.claims.normalize import fold
from caibao.errors import CaibaoError
from caibao.facts.derive import derive
from caibao.facts.index import FactIndex
from caibao.facts.periods import FiscalLabel
from caibao.facts.xbrl import parse_xbrl
from caibao.facts.xbrl_source import convert

# "Item 7. Management's Discussion and Analysis" (10-K), "Item 2. ..." (10-Q); the section ends at
# the next item (7A / 8 in a 10-K, 3 / 4 in a 10-Q).
_START = re.compile(r"item[\s\u00a0|]*(?P<item>7|2)\.?[\s\u00a0|]*management[’'‘]?s[\s\u00a0]+discussion", re.I)
_END = re.compile(
    r"(?<=[\n|])[ \t\u00a0]*item[\s\u00a0|]*(?:7a|3|4|8)\.?[\s\u00a0|]*"
    r"(?:quantitative|financial[\s\u00a0]+statements|controls)",
    re.I,
)


_BY_REFERENCE = re.compile(r"incorporated[\s\u00a0]+(?:herein[\s\u00a0]+)?by[\s\u00a0]+reference", re.I)


@dataclass
class Section:
    start: int
    end: int


def mdna_span(text: str) -> Section | None:
    """The longest stretch from an MD&A heading to the next item: the section itself, not its line
    in the table of contents."""
    best: Section | None = None
    starts = list(_START.finditer(text))
    for i, m in enumerate(starts):
        end = _END.search(text, m.end())
        stop = end.start() if end else len(text)
        if i + 1 < len(starts) and starts[i + 1].start() < stop:
            continue  # the table of contents: the heading comes again before the section ends
        if best is None or stop - m.start() > best.end - best.start:
            best = Section(m.start(), stop)
    return best


def own_index(data: bytes, name: str) -> tuple[FactIndex, str, dict]:
    """The filing's facts (and the quarters they let one derive) as an index, its ticker and dei."""
    document = parse_xbrl(data, name)
    converted = convert(document)
    facts = list(converted.facts)
    facts += derive(FactIndex(facts), converted.ticker)
    return FactIndex(facts), converted.ticker, document.dei


def reported(index: FactIndex, dei: dict) -> FiscalLabel | None:
    """The period a filing reports: the fiscal year of a 10-K, the quarter of a 10-Q."""
    end = _date(dei.get("DocumentPeriodEndDate", ""))
    if end is None:
        return None
    annual = dei.get("DocumentType", "").upper().startswith("10-K")
    for fact in index:
        label = fact.period.label
        if abs((fact.period.end - end).days) <= 7 and (label.is_year if annual else label.is_quarter):
            return label
    return None


def _date(text: str) -> date | None:
    """dei:DocumentPeriodEndDate as filings show it: 2025-06-30, June 30, 2025, JUNE 30, 2025."""
    cleaned = " ".join(text.replace("\u00a0", " ").split()).title()
    for fmt in ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%B %d %Y"):
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def check_own(data: bytes, name: str, lang: str | None = "en") -> Report:
    """Check the MD&A of the filing `data` against the filing's own facts."""
    return check_own_index(data, name, lang)[0]


def check_own_index(data: bytes, name: str, lang: str | None = "en") -> tuple[Report, FactIndex]:
    """The own check and the index it was judged against (for the JSON report's store metrics)."""
    index, ticker, dei = own_index(data, name)
    source = data.decode("utf-8", errors="replace")
    text, offsets, grids = html_to_text_and_tables(source)
    section = mdna_span(text)
    if section is None:
        raise CaibaoError(f"{name}: no Management's Discussion and Analysis section found")
    body = text[section.start : section.end]
    if len(body) < 2000 and _BY_REFERENCE.search(body):
        # IBM's 10-K: "Refer to pages 6 through 42 of IBM's 2024 Annual Report to Stockholders,
        # which are incorporated herein by reference": the narrative is in another document
        raise CaibaoError(f"{name}: the MD&A is incorporated by reference from another document; nothing to check")
    if not len(index):
        raise CaibaoError(f"{name}: the filing tags no financial facts to check its MD&A against")
    period = reported(index, dei)
    report = check_with_index(
        index, text, fold(text), ticker, name, lang, period, (ticker,), grids, (section.start, section.end)
    )
    for claim in report.claims:
        claim.start, claim.end = source_span(source, text, offsets, claim.start, claim.end)
    report.text = source
    return report, index
