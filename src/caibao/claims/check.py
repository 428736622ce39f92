"""Check an article: extract every numeric claim, resolve it, verify it against the store."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from operator import attrgetter

from caibao.claims.context import Calendar, Context, dateline, reported_period
from caibao.claims.decode import refuse_surrogates
from caibao.claims.explain import Explainer, keep_as_read, language_of
from caibao.claims.html_text import Grid, html_to_text_and_tables, source_span
from caibao.claims.model import Claim
from caibao.claims.normalize import fold
from caibao.claims.resolve import Resolver
from caibao.claims.tables import GridReader, resolve_tables
from caibao.claims.tokens import sentences, tokenize
from caibao.claims.verify import verify
from caibao.claims.vocab import Vocabulary, vocabulary
from caibao.errors import CaibaoError
from caibao.facts import names as filer_names
from caibao.facts.index import FactIndex
from caibao.facts.periods import FiscalLabel
from caibao.facts.store import Store

MAX_CHARS = 2_000_000
# Figures one check reads, at most: each claim costs some 7.5 KB while it is worked out, so a text
# of nothing but numbers ("1% 1% 1% ...", 500,000 of them in a megabyte) would take gigabytes.
# Real articles have hundreds; a 10-K, a few thousand; the densest benchmark text, 41,000.
MAX_FIGURES = 50_000
_DIGIT_RUN = re.compile(r"\d+")


@dataclass
class Report:
    document: str
    ticker: str
    text: str
    claims: list[Claim] = field(default_factory=list)
    period: FiscalLabel | None = None  # the period the article reports, as read

    def count(self, verdict: str) -> int:
        return sum(c.verdict == verdict for c in self.claims)


def check_text(
    store: Store,
    text: str,
    ticker: str | None = None,
    document: str = "-",
    html: bool = False,
    lang: str | None = None,
    period: FiscalLabel | None = None,
) -> Report:
    """Check an article. With `html`, the text is read out of the markup and every offset reported
    is an offset in the HTML as given. Explanations are in `lang`, else the article's own language.
    `period` says which period the article reports, where its text does not."""

    def index_of(symbol: str) -> FactIndex:
        index = store.index(symbol)
        if not len(index):
            held = ", ".join(store.tickers())
            raise CaibaoError(f"no facts for {symbol} in {store.path}; companies in the store: {held}")
        return index

    tickers = tuple(store.tickers())
    return check_source(
        text, ticker, document, html, index_of, lambda folded: detect_ticker(tickers, folded), lang, period, tickers
    )


def check_source(
    source: str,
    ticker: str | None,
    document: str,
    html: bool,
    index_of: Callable[[str], FactIndex],
    detect: Callable[[str], str | None],
    lang: str | None = None,
    period: FiscalLabel | None = None,
    tickers: tuple[str, ...] = (),
) -> Report:
    """The check itself, with the store reached through `index_of` and `detect` (so a server can
    keep its indexes in memory)."""
    if len(source) > MAX_CHARS:
        raise CaibaoError(f"{document}: {len(source)} characters is over the {MAX_CHARS}-character limit")
    refuse_surrogates(source, document)
    text, offsets, grids = html_to_text_and_tables(source) if html else (source, None, None)
    # Counted before anything is built: digit runs outnumber figures (years, "10-K", page numbers),
    # so a text past three times the figure limit cannot pass it, and is refused in milliseconds.
    runs = sum(1 for _ in _DIGIT_RUN.finditer(text))
    if runs > 3 * MAX_FIGURES:
        raise CaibaoError(f"{document}: {runs:,} numbers is over what one check reads; check it in parts")
    folded = fold(text)
    ticker = (ticker or detect(folded) or "").upper()
    if not ticker:
        raise CaibaoError(f"{document}: no company detected; say which with --ticker")
    report = check_with_index(index_of(ticker), text, folded, ticker, document, lang, period, tickers, grids)
    if offsets is not None:
        for claim in report.claims:
            claim.start, claim.end = source_span(source, text, offsets, claim.start, claim.end)
        report.text = source
    return report


def filer_vocabulary(index: FactIndex, ticker: str, tickers: tuple[str, ...] = ()) -> Vocabulary:
    def members(*metrics: str) -> tuple[str, ...]:
        return tuple(sorted({m for metric in metrics for m in index.members(metric)}))

    return vocabulary(
        ticker,
        members("segment_revenue", "segment_operating_income"),
        members("line_revenue"),
        members("region_revenue", "region_paid_memberships"),
        tuple(sorted(tickers)),
    )


def check_with_index(
    index: FactIndex,
    text: str,
    folded: str,
    ticker: str,
    document: str,
    lang: str | None = None,
    period: FiscalLabel | None = None,
    tickers: tuple[str, ...] = (),
    grids: list[Grid] | None = None,
    span: tuple[int, int] | None = None,
) -> Report:
    """Check `text` (folded as `folded`) against one filer's facts. `grids` are the text's HTML
    tables (read as grids, not as |-rows); with `span`, only that stretch of the text is read."""
    # A long article makes hundreds of thousands of tokens, none in a reference cycle: the cyclic
    # collector would walk them all again and again (a fifth of the time on 2 M characters) to free
    # nothing that reference counting does not free already.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check(index, text, folded, ticker, document, lang, period, tickers, grids, span)
    finally:
        if collecting:
            gc.enable()


def _check(
    index: FactIndex,
    text: str,
    folded: str,
    ticker: str,
    document: str,
    lang: str | None,
    period: FiscalLabel | None,
    tickers: tuple[str, ...],
    grids: list[Grid] | None,
    span: tuple[int, int] | None,
) -> Report:
    vocab = filer_vocabulary(index, ticker, tickers)
    tokens = tokenize(folded, vocab)
    figures = sum(t.kind == "num" for t in tokens)
    if figures > MAX_FIGURES:
        raise CaibaoError(
            f"{document}: {figures:,} figures is over the {MAX_FIGURES:,} one check reads; check it in parts"
        )
    calendar = Calendar.of(index)
    day = dateline(text, folded)
    reported = [period] if period else reported_period(folded, tokens, calendar, day, index)
    context = Context(calendar, reported, day)
    start, end = span or (0, len(text))
    if grids is None:
        claims, tables = resolve_tables(text, folded, vocab, context)
        claims = [c for c in claims if start <= c.start < end]
    else:
        claims = GridReader(text, folded, vocab, context).read_grids(grids, (start, end))
        tables = [(g.start, g.end) for g in grids]
    resolver = Resolver(text, folded, context, vocab)
    prose = _outside(tokens, tables)
    for sentence in sentences(text, folded, prose, start, end):
        if any(a <= sentence.start < b for a, b in tables):
            continue
        claims.extend(resolver.sentence(sentence))
    _carry_repeated_figures(claims)
    keep_as_read(claims)  # for a web result's other languages (explain.every_language)
    _verify_all(claims, index, Explainer(lang or language_of(text), ticker))
    claims.sort(key=lambda c: (c.start, c.end))
    return Report(document, ticker, text, claims, context.period)


# What a claim is, apart from where it stands: verify() reads none of _WHERE (nor does what it calls).
_WHERE = frozenset({"quote", "start", "end", "sentence", "in_table"})
_LISTS = tuple(f.name for f in fields(Claim) if f.name not in _WHERE and f.default_factory is list)
_DICTS = tuple(f.name for f in fields(Claim) if f.name not in _WHERE and f.default_factory is dict)
_SCALARS = tuple(f.name for f in fields(Claim) if f.name not in _WHERE and f.name not in _LISTS + _DICTS)
_scalars = attrgetter(*_SCALARS)


def _verify_all(claims: list[Claim], index: FactIndex, say: Explainer) -> None:
    """Verify every claim, once for each distinct claim: a figure said again with the same subject,
    period and reading gets the same verdict, so it is copied, not worked out again. A repeated
    line ("$1 $1 $1 …", a paragraph pasted twice) then costs a look-up a copy, not a check."""
    done: dict[tuple, tuple] = {}
    for claim in claims:
        try:
            key = _key(claim)
            outcome = done.get(key)
        except TypeError:  # a reason's argument that is no key (none is today): verified on its own
            verify(claim, index, say)
            continue
        if outcome is None:
            verify(claim, index, say)
            done[key] = (_scalars(claim), *(getattr(claim, n) for n in _LISTS + _DICTS))
            continue
        for name, value in zip(_SCALARS, outcome[0], strict=True):
            setattr(claim, name, value)
        for name, value in zip(_LISTS + _DICTS, outcome[1:], strict=True):
            setattr(claim, name, value.copy())  # each claim its own lists: a later edit of one is its own


def _key(claim: Claim) -> tuple:
    # str(stated) besides the scalars' equality: Decimal("1.50") == Decimal("1.5"), but the places
    # written show in the explanation
    return (
        _scalars(claim),
        str(claim.stated),
        *(tuple(getattr(claim, n)) for n in _LISTS),
        *(tuple(sorted(getattr(claim, n).items())) for n in _DICTS),
    )


def _outside(tokens: list, spans: list[tuple[int, int]]) -> list:
    """The tokens outside the (sorted, disjoint) spans, in one pass."""
    if not spans:
        return tokens
    out, j = [], 0
    spans = sorted(spans)
    for token in tokens:
        while j < len(spans) and spans[j][1] <= token.start:
            j += 1
        if j < len(spans) and spans[j][0] <= token.start < spans[j][1]:
            continue
        out.append(token)
    return out


def _carry_repeated_figures(claims: list[Claim]) -> None:
    """A figure repeated later without a period of its own ("2000亿美元的资本开支", after "预计2026年
    ...约2000亿美元") is the same claim: it takes the period and measure it was first given."""
    first: dict[tuple, Claim] = {}
    for claim in sorted(claims, key=lambda c: c.start):
        key = (claim.metric, claim.segment, claim.kind, claim.stated)
        if claim.period_explicit or key not in first:
            first.setdefault(key, claim)
            continue
        earlier = first[key]
        if earlier.period_explicit and (earlier.period != claim.period or earlier.measure != claim.measure):
            claim.period, claim.readings, claim.measure = earlier.period, list(earlier.readings), earlier.measure
            claim.bound = earlier.bound
            if not claim.reason:
                claim.reason, claim.reason_args = earlier.reason, earlier.reason_args


def detect_ticker(tickers: tuple[str, ...] | Store, folded: str) -> str | None:
    """The company the article names most often, of those the store holds."""
    if isinstance(tickers, Store):
        tickers = tuple(tickers.tickers())
    best, hits = None, 0
    for ticker in tickers:
        words = [fold(n) for n in filer_names.company_names(ticker)] or [ticker.lower()]
        count = sum(folded.count(w) for w in {w for w in words if len(w) >= 2})
        if count > hits:
            best, hits = ticker, count
    return best
