"""Resolve the numbers in running text: which company, metric, segment, period and measure each
one is about, from the words around it (claims/data/lexicon.toml).

Sentences end at 。!? and line breaks; clauses at commas, semicolons and brackets. A figure takes
its metric and segment from the nearest keyword before it in its sentence (or a metric written
straight after it: "60%的营业利润"); its measure from the words since the previous figure in its
clause; its period from the last period expression before it, carried from sentence to sentence.
A clause about something the filings do not cover (another company, market share, a product)
makes its figures unverifiable, and so do the clauses after it that name no subject of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from caibao.claims.lexicon import Vocabulary, lexicon
from caibao.claims.mentions import Mention, find_mentions
from caibao.claims.model import Claim
from caibao.claims.periods import PeriodMark, find_marks
from caibao.facts.periods import FiscalLabel

_SENTENCE = re.compile(r"[^。!?\n]+[。!?]?")
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]“”\"、]")
_RIGHT_METRIC_GAP = re.compile(r"\s?的?\s?")
_LOCAL_GAP = 4
_MEASURES_BY_KIND = {
    "percent": ("yoy", "qoq"),
    "points": ("yoy", "qoq"),
    "money": ("incremental", "run_rate"),
}  # "2024年的592亿": a local period mark this close before a figure names its period


def sentences(folded: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    for m in _SENTENCE.finditer(folded, start, len(folded) if end is None else end):
        if m.group(0).strip():
            yield m.start(), m.end()


def _clauses(folded: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, last = [], start
    for m in _CLAUSE_BREAK.finditer(folded, start, end):
        spans.append((last, m.start()))
        last = m.end()
    spans.append((last, end))
    return [(a, b) for a, b in spans if b > a]


def _veto_reason(
    original: str,
    folded: str,
    start: int,
    end: int,
    first: int,
    own: frozenset[str],
    members: tuple[Vocabulary, Vocabulary],
) -> tuple[tuple[str, dict] | None, bool]:
    """(reason, has_subject) for a clause: a topic the filings do not cover, and whether the clause
    names a subject (metric, segment, line) of its own before its first figure."""
    lx = lexicon()
    other = next((m for m in reversed(lx.other_companies.find_all(folded, start, end)) if m.group(0) not in own), None)
    if other:
        return ("other_company", {"name": original[other.start() : other.end()]}), True
    off = lx.off_record.last(folded, start, end)
    if off:
        return ("off_record", {"word": original[off.start() : off.end()]}), True
    has_subject = any(v.last(folded, start, first) for v in (lx.metrics, *members))
    return None, has_subject


def resolve_prose(
    original: str,
    folded: str,
    document: FiscalLabel,
    skip: list[tuple[int, int]],
    ticker: str = "",
    members: tuple[Vocabulary, Vocabulary, Vocabulary] | None = None,
) -> list[Claim]:
    """Claims of the running text; `members` are the filer's vocabularies (lexicon.subjects)."""
    claims: list[Claim] = []
    own = lexicon().own_names(ticker)
    segments, lines, parts = members or (lexicon().segments, lexicon().lines, None)
    current = document
    for s_start, s_end in sentences(folded):
        if any(a <= s_start < b for a, b in skip):
            continue
        marks = find_marks(folded, s_start, s_end)
        mentions = [m for m in find_mentions(folded, s_start, s_end) if not _inside_marks(m, marks)]
        clauses = _clauses(folded, s_start, s_end)
        veto: tuple[str, dict] | None = None  # why the figures of the current subject cannot be checked
        sentence_text = original[s_start:s_end].strip()
        clause_veto: dict[int, tuple[str, dict] | None] = {}
        for i, (c_start, c_end) in enumerate(clauses):
            first = next((m.start for m in mentions if c_start <= m.start < c_end), c_end)
            reason, has_subject = _veto_reason(original, folded, c_start, c_end, first, own, (segments, lines))
            if reason:
                veto = reason
            elif has_subject:
                veto = None
            clause_veto[i] = veto
        period, explicit = current, False
        mark_index, previous_end = 0, s_start
        for mention in mentions:
            while mark_index < len(marks) and marks[mark_index].end <= mention.start:
                mark = marks[mark_index]
                if not mark.local:
                    period, explicit = mark.apply(period, document), True
                mark_index += 1
            label = period
            local = _local_mark(marks, mention.start)
            if local is not None:
                label = local.apply(period, document)
            clause = next(i for i, (a, b) in enumerate(clauses) if a <= mention.start < b or mention.start < a)
            trailing = None if explicit or local else _trailing_mark(marks, mention, mentions, clauses[clause][1])
            if trailing is not None:
                # "revenue was $77.1 billion in 2024": English often names the period after the figure.
                label = trailing.apply(period, document)
                local = trailing
            lead_start = _after_aside(folded, previous_end, mention.start)
            claim = _claim(original, folded, mention, sentence_text, s_start, lead_start, segments, lines)
            part = parts.last(folded, s_start, mention.start) if parts and not claim.segment else None
            if part and claim.metric in ("revenue", "operating_income"):
                claim.reason, claim.reason_args = "part", {"word": original[part.start() : part.end()]}
            claim.period, claim.period_explicit = label, explicit or local is not None
            vetoed = clause_veto[clause]
            if vetoed:
                claim.reason, claim.reason_args = vetoed
            claims.append(claim)
            previous_end = mention.end
        claims.extend(
            _records(original, folded, s_start, s_end, sentence_text, period, claims, clause_veto, clauses,
                     (segments, lines))
        )  # fmt: skip
        if period != current and any(not m.local for m in marks):
            current = period
    return claims


def _after_aside(folded: str, position: int, limit: int) -> int:
    """Skip a bracketed aside straight after the previous figure: "12%(排除汇率影响)" is that
    figure's qualifier, not the next one's."""
    if folded[position : position + 1] == "(":
        close = folded.find(")", position, limit)
        if close != -1:
            return close + 1
    return position


def _inside_marks(mention: Mention, marks: list[PeriodMark]) -> bool:
    return any(m.start <= mention.start < m.end for m in marks)


def _trailing_mark(
    marks: list[PeriodMark], mention: Mention, mentions: list[Mention], clause_end: int
) -> PeriodMark | None:
    """The first period named after a figure and before the clause (or the next figure) ends."""
    following = next((m.start for m in mentions if m.start > mention.start), clause_end)
    limit = min(clause_end, following)
    return next((mark for mark in marks if mention.end <= mark.start < limit and not mark.local), None)


def _local_mark(marks: list[PeriodMark], position: int) -> PeriodMark | None:
    for mark in reversed(marks):
        if mark.end <= position:
            return mark if mark.local and position - mark.end <= _LOCAL_GAP else None
    return None


def _claim(
    original: str,
    folded: str,
    mention: Mention,
    sentence: str,
    s_start: int,
    lead_start: int,
    segments: Vocabulary,
    lines: Vocabulary,
) -> Claim:
    lx = lexicon()
    claim = Claim.of(original, mention, sentence)
    # Qualifier: the words just before (超过, 约, 近) or just after (以上, 左右) the figure.
    if claim.qualifier == "eq":
        before = lx.qualifiers.last(folded, max(lead_start, mention.start - 6), mention.start)
        if before and folded[before.end() : mention.start].strip(" 达到为至了") == "":
            claim.qualifier = lx.qualifiers.value(before)
        after = lx.qualifiers.pattern.match(folded, mention.end)
        if after and lx.qualifiers.value(after) in ("at_least", "at_most", "approx"):
            claim.qualifier = lx.qualifiers.value(after)

    # Subject: segment or line, then metric.
    segment = segments.last(folded, s_start, mention.start)
    line = lines.last(folded, s_start, mention.start)
    if line and (segment is None or line.start() > segment.start()):
        claim.segment, claim.metric = lines.value(line), "line_revenue"
        subject_start = line.start()
    elif segment:
        claim.segment = segments.value(segment)
        subject_start = segment.start()
    else:
        subject_start = s_start
    right = _RIGHT_METRIC_GAP.match(folded, mention.end)
    right_metric = lx.metrics.pattern.match(folded, right.end() if right else mention.end)
    left_metric = lx.metrics.last(folded, s_start, mention.start)
    metric_match = right_metric or left_metric
    if metric_match:
        word = metric_match.group(0)
        metric = lx.metrics.value(metric_match)
        if claim.metric == "line_revenue" and metric != "revenue" and metric_match.start() > subject_start:
            claim.reason, claim.reason_args = (
                "line_metric",
                {"word": original[metric_match.start() : metric_match.end()]},
            )
        elif claim.metric != "line_revenue":
            claim.metric = metric
        if word.endswith("率") or word.endswith("margin"):
            claim.measure = "margin"

    loss = lx.losses.last(folded, max(subject_start, lead_start), mention.start) if claim.kind == "money" else None
    if loss and (claim.metric in (None, "revenue", "operating_income", "line_revenue") or not metric_match):
        # "Reality Labs lost $17.7 billion": an operating income below zero, stated as a positive loss.
        claim.metric = "operating_income"
        if claim.stated > 0:
            claim.stated = -claim.stated
            if claim.stated_high is not None:
                claim.stated_high = -claim.stated_high
    if claim.metric is None and claim.segment:
        claim.metric = "revenue"  # "AWS增长24%": a segment's growth, unqualified, is its sales growth

    # Measure: the words since the previous figure in this clause.
    lead = (lead_start, mention.start)
    measure = lx.measures.last(folded, *lead)
    tail_measure = lx.measures.pattern.match(folded, mention.end) or _parenthetical(folded, mention.end)
    if tail_measure and lx.measures.value(tail_measure) in ("ex_fx", "non_gaap", "ttm"):
        measure = tail_measure
    if measure:
        name = lx.measures.value(measure)
        if name == "share" and claim.kind == "money":
            name = ""  # "占" before an amount: "占用" and the like, not a share
        if name in ("ex_fx", "non_gaap"):
            claim.measure = name
        elif name == "guidance":
            claim.measure = "guidance"
        elif name == "ttm" and claim.kind == "money":
            claim.measure = "ttm"
        elif name in _MEASURES_BY_KIND.get(claim.kind, ()):
            claim.measure = name
        elif name in ("margin", "share") and claim.kind == "percent":
            claim.measure = name
            if name == "share":
                claim.share_of = lx.metrics.value(right_metric) if right_metric else claim.metric
    if lx.measures.last(folded, s_start, mention.start) and _said_as_guidance(folded, s_start, mention.start):
        claim.measure = "guidance"
    growth_said = any(
        v.last(folded, *lead) or v.last(folded, max(s_start, lead_start - 8), lead_start)
        for v in (lx.growth_words, lx.direction)
    )
    if claim.kind == "percent" and claim.measure == "level" and growth_said:
        claim.measure = "yoy"
    direction = lx.direction.last(folded, *lead)
    if direction and lx.direction.value(direction) == "down" and claim.stated > 0 and claim.measure in ("yoy", "qoq"):
        claim.stated = -claim.stated
        if claim.stated_high is not None:
            claim.stated_high = -claim.stated_high
    return claim


def _bare_subject(folded: str, s_start: int, position: int, members: tuple[Vocabulary, Vocabulary]) -> Claim:
    """The subject (metric, segment) the words before `position` name, for a claim with no figure."""
    probe = Mention(position, position, "percent", Decimal(0), 0, Decimal(1))
    claim = _claim(folded, folded, probe, "", s_start, s_start, *members)
    claim.period = None
    return claim


def _parenthetical(folded: str, position: int) -> re.Match[str] | None:
    """ "年增 12%(排除汇率影响)": a qualifier in brackets straight after the figure."""
    if folded[position : position + 1] in "((":
        return lexicon().measures.pattern.match(folded, position + 1)
    return None


def _said_as_guidance(folded: str, start: int, end: int) -> bool:
    lx = lexicon()
    found = lx.measures.find_all(folded, start, end)
    return any(lx.measures.value(m) == "guidance" for m in found)


def _records(
    original: str,
    folded: str,
    s_start: int,
    s_end: int,
    sentence: str,
    period: FiscalLabel,
    claims: list[Claim],
    clause_veto: dict[int, tuple[str, dict] | None],
    clauses: list[tuple[int, int]],
    members: tuple[Vocabulary, Vocabulary],
) -> list[Claim]:
    """Streaks ("创13个季度以来新高") become claims of their own; "首次突破X" turns X's claim into one."""
    lx = lexicon()
    found: list[Claim] = []
    for claim in claims:
        if claim.start < s_start or claim.kind != "money":
            continue
        key = lx.first_above.last(folded, max(s_start, claim.start - 8), claim.start)
        if key and folded[key.end() : claim.start].strip() == "":
            claim.measure = "first_above"
            claim.qualifier = "at_least"
    seen: set[int] = set()
    for pattern in lx.streaks:
        for m in pattern.finditer(folded, s_start, s_end):
            if m.start(1) in seen:
                continue
            seen.add(m.start(1))
            clause = next((i for i, (a, b) in enumerate(clauses) if a <= m.start() < b), 0)
            subject = [c for c in claims if c.start < m.start() and c.start >= s_start]
            base = subject[-1] if subject else _bare_subject(folded, s_start, m.start(), members)
            claim = Claim(
                quote=original[m.start() : m.end()],
                start=m.start(),
                end=m.end(),
                sentence=sentence,
                kind="count",
                stated=Decimal(m.group(1)),
                stated_low=None,
                stated_high=None,
                measure="streak",
                metric=base.metric,
                segment=base.segment,
                period=base.period or period,
                period_explicit=base.period_explicit,
            )
            vetoed = clause_veto.get(clause)
            if vetoed:
                claim.reason, claim.reason_args = vetoed
            found.append(claim)
    return found
