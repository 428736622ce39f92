"""Check an article: extract every numeric claim, resolve it, verify it against the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from caibao.claims.explain import Explainer, language_of
from caibao.claims.html_text import html_to_text
from caibao.claims.lexicon import lexicon, subjects
from caibao.claims.model import Claim
from caibao.claims.normalize import fold
from caibao.claims.periods import document_quarter
from caibao.claims.prose import resolve_prose
from caibao.claims.tables import resolve_tables
from caibao.claims.verify import verify
from caibao.errors import CaibaoError
from caibao.facts.index import FactIndex
from caibao.facts.periods import FiscalLabel
from caibao.facts.store import Store

MAX_CHARS = 2_000_000


@dataclass
class Report:
    document: str
    ticker: str
    text: str
    claims: list[Claim] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(c.verdict == verdict for c in self.claims)


def check_text(
    store: Store,
    text: str,
    ticker: str | None = None,
    document: str = "-",
    html: bool = False,
    lang: str | None = None,
) -> Report:
    """Check an article. With `html`, the text is read out of the markup and every offset reported
    is an offset in the HTML as given. Explanations are in `lang`, else the article's own language."""

    def index_of(symbol: str) -> FactIndex:
        index = store.index(symbol)
        if not len(index):
            held = ", ".join(store.tickers())
            raise CaibaoError(f"no facts for {symbol} in {store.path}; companies in the store: {held}")
        return index

    return check_source(text, ticker, document, html, index_of, lambda folded: detect_ticker(store, folded), lang)


def check_source(
    source: str,
    ticker: str | None,
    document: str,
    html: bool,
    index_of: Callable[[str], FactIndex],
    detect: Callable[[str], str | None],
    lang: str | None = None,
) -> Report:
    """The check itself, with the store reached through `index_of` and `detect` (so a server can
    keep its indexes in memory)."""
    if len(source) > MAX_CHARS:
        raise CaibaoError(f"{document}: {len(source)} characters is over the {MAX_CHARS}-character limit")
    text, offsets = html_to_text(source) if html else (source, None)
    folded = fold(text)
    ticker = (ticker or detect(folded) or "").upper()
    if not ticker:
        raise CaibaoError(f"{document}: no company detected; say which with --ticker")
    report = check_with_index(index_of(ticker), text, folded, ticker, document, lang)
    if offsets is not None:
        for claim in report.claims:
            claim.start, claim.end = offsets[claim.start], offsets[claim.end - 1] + 1
        report.text = source
    return report


def check_with_index(
    index: FactIndex, text: str, folded: str, ticker: str, document: str, lang: str | None = None
) -> Report:
    labels = index.labels("revenue") or index.labels()
    quarters = [q for q in labels if q.is_quarter]
    fallback = quarters[-1] if quarters else labels[-1] if labels else FiscalLabel(date.today().year)
    document_period = document_quarter(folded, fallback)
    table_claims, tables = resolve_tables(text, folded)
    members = subjects(tuple(index.members("segment_revenue")), tuple(index.members("line_revenue")))
    claims = table_claims + resolve_prose(text, folded, document_period, skip=tables, ticker=ticker, members=members)
    _carry_repeated_figures(claims)
    say = Explainer(lang or language_of(text))
    for claim in claims:
        verify(claim, index, say)
    claims.sort(key=lambda c: (c.start, c.end))
    return Report(document, ticker, text, claims)


def _carry_repeated_figures(claims: list[Claim]) -> None:
    """A figure repeated later without its period ("2000亿美元的资本开支", after "2026年...约2000亿美元")
    is the same claim: it takes the period and measure it was first given."""
    first: dict[tuple, Claim] = {}
    for claim in sorted(claims, key=lambda c: c.start):
        key = (claim.metric, claim.segment, claim.kind, claim.stated)
        if claim.period_explicit or key not in first:
            first.setdefault(key, claim)
            continue
        earlier = first[key]
        if earlier.period_explicit and (earlier.period != claim.period or earlier.measure != claim.measure):
            claim.period, claim.measure = earlier.period, earlier.measure
            if not claim.reason:
                claim.reason, claim.reason_args = earlier.reason, earlier.reason_args


def detect_ticker(store: Store, folded: str) -> str | None:
    """The company the article names most often, of those the store holds."""
    names = lexicon().companies
    best, hits = None, 0
    for ticker in store.tickers():
        count = sum(folded.count(n) for n in names.get(ticker, [ticker.lower()]))
        if count > hits:
            best, hits = ticker, count
    return best
