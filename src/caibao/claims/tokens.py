"""An article read once into typed tokens: figures (NUM), words of the vocabulary (TERM), period
expressions (PERIOD), and the boundaries of sentences and clauses.

Each kind is found by one left-to-right scan of the folded text; the scans' results are merged by
position. Where tokens overlap, a figure wins over a period expression and a period expression over
a word, so "a year earlier" inside "from a year earlier" is read as the longer phrase, and the
"2025" of "2025年" is a year, never an amount. Commas inside a token ("Europe, the Middle East and
Africa", "1,234") are not clause boundaries.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache

from caibao.claims.mentions import Mention, find_mentions
from caibao.claims.vocab import Vocabulary

# Every alternative opens with a character, so the scan skips ahead to the candidates.
_SENTENCE_END = re.compile(r"[。!?\n]|\.(?<=[A-Za-z0-9%)\"”’]\.)(?=\s+[\"“(•]?[A-Z0-9$•]|\s*$)|\.(?=\s*\n)")
# Abbreviations whose full stop does not end a sentence ("Inc.", "Calif.", "Oct.", "U.S.", "vs.").
_ABBREVIATION = re.compile(
    r"(?:\b(?:inc|corp|co|ltd|llc|plc|calif|mass|wash|tex|ariz|fla|jan|feb|mar|apr|aug|sept|sep|oct|nov|dec|"
    r"no|vs|approx|mr|mrs|ms|dr|st|jr|sr|e\.g|i\.e|u\.s|u\.k|n\.a)|\b[a-z])$"
)
# The words' leading boundary is checked after the match (an alternative opening with \b would be
# tried at every character).
_HAN = re.compile(r"[\u4e00-\u9fff]")
_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
# Clause breaks ("而" but not in "反而", "从而"); in a Chinese headline, a space after a figure
# ("…同比增22% 净利润大增近六成").
_CLAUSE_BREAK = re.compile(
    r"[,;:、;]|(?<![反从因进继])而|\s[-–—]\s|(?:while|whereas|but|though|although)\b"
    r"|(?<=[元倍成点])[ \u3000]+(?=[\u4e00-\u9fffa-z])|(?<=%)[ \u3000]+(?=[\u4e00-\u9fff])"
)


@dataclass(frozen=True, slots=True)
class PeriodMark:
    start: int
    end: int
    kind: str  # dated | fiscal_quarter | quarter | half | nine_months | fiscal_year | year | rel
    groups: dict = field(default_factory=dict, hash=False, compare=False)
    rel: str = ""  # for kind rel: current_quarter | previous_quarter | year_ago | ...


@dataclass(slots=True, eq=False)  # compared by identity; millions are made on a long text
class Token:
    start: int
    end: int
    kind: str  # num | term | period
    attrs: dict = field(default_factory=dict, hash=False, compare=False)  # a term's classes
    mention: Mention | None = None
    mark: PeriodMark | None = None
    aside: bool = False  # inside brackets

    def has(self, cls: str) -> bool:
        return cls in self.attrs

    def get(self, cls: str) -> str | None:
        return self.attrs.get(cls)


@dataclass
class Sentence:
    start: int
    end: int
    tokens: list[Token]
    clause_starts: list[int]  # offsets where a clause begins (the first is the sentence start)

    def clause_of(self, position: int) -> int:
        return bisect_right(self.clause_starts, position) - 1


_LOOKAROUND_NOT = re.compile(r"\(\?<?!(?:[^()\\]|\\.)*\)")
_CHAR_CLASS = re.compile(r"\[(?:[^\]\\]|\\.)*\]")


@cache
def needs_han(pattern: str) -> bool:
    """Can the pattern match only text with a Chinese character in it? Yes where it writes one
    outside a character class and a negative lookaround ("(?P<y>\\d{4}+)\\s*财年"; not "(?![\\d年q-])")."""
    return bool(_HAN.search(_CHAR_CLASS.sub("", _LOOKAROUND_NOT.sub("", pattern))))


def period_marks(folded: str, vocab: Vocabulary, start: int = 0, end: int | None = None) -> list[PeriodMark]:
    end = len(folded) if end is None else end
    found: list[PeriodMark] = []
    han = _HAN.search(folded, start, end) is not None
    for kind, pattern in vocab.periods:
        if not han and needs_han(pattern.pattern):
            continue  # a pattern of Chinese words on a text without a Chinese character
        for m in pattern.finditer(folded, start, end):
            if m.end() > m.start():
                groups = {k: v for k, v in m.groupdict().items() if v is not None}
                found.append(PeriodMark(m.start(), m.end(), kind, groups))
    # Leftmost-longest: "first half of the year" is one period, not "first half" and "the year".
    kept: list[PeriodMark] = []
    for mark in sorted(found, key=lambda k: (k.start, -(k.end - k.start))):
        if not kept or mark.start >= kept[-1].end:
            kept.append(mark)
    return kept


def tokenize(
    folded: str, vocab: Vocabulary, start: int = 0, end: int | None = None, table: bool = False
) -> list[Token]:
    """Tokens of folded[start:end], in order, none overlapping another."""
    end = len(folded) if end is None else end
    numbers = [Token(m.start, m.end, "num", mention=m) for m in find_mentions(folded, start, end, table=table)]
    marks = [Token(p.start, p.end, "period", mark=p) for p in period_marks(folded, vocab, start, end)]
    terms = []
    ends = [t.end for t in numbers]  # in order: a term opening inside a number is read from its end
    for first, last in vocab.scan(folded, start, end):
        k = bisect_right(ends, first)
        if k < len(numbers) and numbers[k].start <= first < numbers[k].end < last:
            # "42.2% of revenue": "% of revenue" is a term, but "%" is the number's; "of revenue" is
            cut = numbers[k].end + len(folded[numbers[k].end : last]) - len(folded[numbers[k].end : last].lstrip())
            if not vocab.attrs(folded[cut:last]):
                continue
            first = cut
        attrs = vocab.attrs(folded[first:last])
        if "rel" in attrs:
            mark = PeriodMark(first, last, "rel", rel=attrs["rel"])
            terms.append(Token(first, last, "term", attrs, mark=mark))
        else:
            terms.append(Token(first, last, "term", attrs))
    # Terms that beat the periods inside them: records ("the first quarter above $200 billion") and
    # windows ("近四季自由现金流": the last four quarters, not the fourth)
    strong = [t for t in terms if t.has("first_above") or t.get("measure") == "ttm"]
    merged = _without_overlaps(_without_overlaps(numbers, strong), marks)
    merged = _without_overlaps(merged, [t for t in terms if not (t.has("first_above") or t.get("measure") == "ttm")])
    return _mark_asides(folded, _since(folded, merged), start, end)


def _since(folded: str, tokens: list[Token]) -> list[Token]:
    """A period straight after "since"/"自" is where a span starts: a word, not the figure's period."""
    out: list[Token] = []
    for token in tokens:
        previous = out[-1] if out else None
        if (
            token.mark is not None and previous is not None and previous.kind == "term" and previous.has("since")
            and not folded[previous.end : token.start].strip()
        ):  # fmt: skip
            token = Token(token.start, token.end, "term", {"since": "start"})
        elif (
            token.has("since_after") and previous is not None and previous.kind == "period"
            and not folded[previous.end : token.start].strip()
        ):  # fmt: skip
            out[-1] = Token(previous.start, previous.end, "term", {"since": "start"})  # "2020年以来"
        out.append(token)
    return out


def _without_overlaps(strong: list[Token], weak: list[Token]) -> list[Token]:
    """`strong` and the `weak` tokens that overlap none of them, in order (a linear merge)."""
    out: list[Token] = []
    i = 0
    for token in weak:
        while i < len(strong) and strong[i].end <= token.start:
            out.append(strong[i])
            i += 1
        if i < len(strong) and strong[i].start < token.end:
            continue  # overlaps the next strong token
        if out and out[-1].end > token.start:
            continue  # overlaps the previous one
        out.append(token)
    out.extend(strong[i:])
    return out


def _mark_asides(folded: str, tokens: list[Token], start: int, end: int) -> list[Token]:
    """Tokens inside brackets are asides: "亚马逊（Amazon）", "(EMEA)", "(TTM)"."""
    depth_at: list[tuple[int, int]] = []
    depth = 0
    for m in re.finditer(r"[()()]", folded[start:end]):
        depth = depth + 1 if m.group(0) in "((" else max(0, depth - 1)
        depth_at.append((start + m.start(), depth))
    if not depth_at:
        return tokens
    out = []
    j, current = 0, 0
    for token in tokens:
        while j < len(depth_at) and depth_at[j][0] < token.start:
            current = depth_at[j][1]
            j += 1
        out.append(Token(token.start, token.end, token.kind, token.attrs, token.mention, token.mark, current > 0)
                   if current > 0 else token)  # fmt: skip
    return out


def sentences(
    original: str, folded: str, tokens: list[Token], start: int = 0, end: int | None = None
) -> list[Sentence]:
    """The sentences of text[start:end] with their tokens and clause starts. A full stop ends an
    English sentence only before a capital, a digit or the end (never inside "1.5" or "Inc.")."""
    end = len(folded) if end is None else end
    cuts = []
    for m in _SENTENCE_END.finditer(original, start, end):
        if m.group(0) == "." and _ABBREVIATION.search(folded, max(start, m.start() - 6), m.start()):
            continue
        cuts.append(m.end())
    cuts.append(end)
    found: list[Sentence] = []
    t = 0
    # Tokens never straddle a cut: a cut inside one ("Inc." is a term) is skipped.
    previous = start
    for cut in cuts:
        while t < len(tokens) and tokens[t].end <= previous:
            t += 1
        if any(tok.start < cut < tok.end for tok in tokens[t : t + 3]):
            continue
        first = t
        while t < len(tokens) and tokens[t].end <= cut:
            t += 1
        if folded[previous:cut].strip():
            found.append(
                Sentence(previous, cut, tokens[first:t], _clause_starts(folded, previous, cut, tokens[first:t]))
            )
        previous = cut
    return found


def _clause_starts(folded: str, start: int, end: int, tokens: list[Token]) -> list[int]:
    starts = [start]
    t = 0
    for m in _CLAUSE_BREAK.finditer(folded, start, end):
        if m.start() > 0 and folded[m.start()] in _ASCII_WORD and folded[m.start() - 1] in _ASCII_WORD:
            continue  # "meanwhile", "abut": inside a word
        while t < len(tokens) and tokens[t].end <= m.start():
            t += 1
        if t < len(tokens) and tokens[t].start < m.end() and tokens[t].start <= m.start():
            continue  # inside a token: "1,234", "Europe, the Middle East and Africa"
        starts.append(m.end())
    return starts
