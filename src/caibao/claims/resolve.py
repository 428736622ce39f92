"""Resolve the figures of running text: what each one is about (company, metric, member, period,
measure), from the tokens of its sentence (claims/tokens.py), or left unknown with the reason.

The reading goes clause by clause, left to right, once:
- A figure's subject is the noun phrase of its own clause before it (in English the first metric
  of the phrase is its head, so "cost of automotive sales revenue" is a cost; in Chinese the last,
  "汽车销售成本"). A phrase with a metric but no member takes the member from the sentence so far
  ("能源业务收入30亿美元,毛利润7亿美元", "the unit's cost of revenues"), unless it says the
  company's ("the company's operating margin", "总营收"). A figure with no subject words takes the
  subject of the figure before it ("营收X,同比增长Y%"). A clause without a figure that opens with
  a name hands it on ("Google Services, home to ..., posted ..."); a clause giving a cause or an
  aside ("受惠廣告需求強勁", "driven by ...", ", the unit behind ...,") hands on nothing.
- Its measure comes from the words next to it: a verb of change before an amount makes it a change,
  before a percentage a growth rate; "to" makes a level; "from" the level compared with; "of total"
  or "占" a share; a margin word a margin; points a change in a margin; "per diluted share" EPS.
- Its period is an expression in its own clause, else the one its subject came with, else one
  framing the sentence ("2024財年,..."), else the article's reported period. An expression after
  "compared with" / "较" is the base of a comparison, never the period.
Nothing carries from one sentence to the next but the article's reported period. A slot the text
does not fill stays empty, and the figure is unverifiable with the reason.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache

from caibao.claims.context import Context, forecast_mark
from caibao.claims.model import Claim, excerpt
from caibao.claims.normalize import fold
from caibao.claims.tokens import Sentence, Token
from caibao.claims.vocab import Vocabulary
from caibao.claims.vocab import base as base_data
from caibao.facts.catalogue import catalogue
from caibao.facts.periods import FiscalLabel

_HAN = re.compile(r"[\u4e00-\u9fff]")
_WORD_BEFORE = re.compile(r"([A-Za-z0-9][\w&'’.\-]*)[\s’']*$")
# Words that may stand right before a metric, or carry no subject at all (base.toml [words]).
_PLAIN = frozenset(base_data()["words"]["plain"])
_HEAD_NOUN = re.compile(
    r"\s*(?:"
    + "|".join(
        sorted(
            (re.escape(w) + (r"\b" if w.isascii() else ""))
            for w in (*base_data()["head_nouns"]["en"], *base_data()["head_nouns"]["zh"])
        )
    )
    + ")"
)
_FUNCTION_WORDS = frozenset(base_data()["words"]["function"])
_ATTACHED = re.compile(r"\s*(?:in|for|during|of|over|at)?\s*(?:the)?\s*")
_NEXT_WORD = re.compile(r"\s*(?:(?:and|&)\s+)?([a-z][a-z-]{2,})")
_JOINED = re.compile(r"^\s*(?:,|and|和|及|与|、|,\s*and)\s*$")
_CJK_CODE = re.compile(r"[a-z0-9][a-z0-9.\-]*$")
_MODIFYING = re.compile(r"^\s*(?:including|excluding|net of|inclusive of|exclusive of|adjusted for)\b", re.I)
_NAMED_AFTER = re.compile(r"\s+(?:of|in|on|for)\s+[^,;\d]{3,60}?[\s,]*")
_CAUSE_LEAD = re.compile(r"[\s,，]*(?:(?:primarily|mainly|largely|partly|partially|in part|主要|部分)\s*)?", re.I)
_PERIOD_CLAUSE = re.compile(r"[\s,]*(?:(?:in|for|during|over)\s+)?(?:the\s+)?$")
_AGENT = re.compile(r"([A-Z][\w&'’.\-]*)\s*,?\s+(?:(?:which|that|who)\s+)?$")
_AGENTS = frozenset(base_data()["agents"]["en"])
_BREAKDOWN = re.compile(
    r"\s*(?:{})".format(
        "|".join(re.escape(w) + (r"\b" if w[-1].isascii() else "") for w in base_data()["headings"]["breakdown"])
    )
)
# Page furniture: a running head ("Management Discussion – (continued)") is no new section
_FURNITURE = re.compile(r"^(?:table of contents|page \d+|\d+|[ivxlc]+|.*\(continued\)|.*[-–—] continued)$", re.I)
_APPOSITIVE = re.compile(r"^\s*(?:the|a|an|which|who|whose|home to|including|mostly|mainly)\b", re.I)
_OPENERS = {"anaphor", "whole", "company", "member", "part", "part_noun", "and", "metric", "margin", "rel"}
_PREFIX_NOISE = re.compile(
    r"[\s\W_]|\b(?:in|at|for|by|the|though|although|while|and|from|of|within|among|inside)\b|其中|而|则|至于|另外|但|同时",
    re.I,
)
_PROFITS = frozenset({"operating_income", "gross_profit", "net_income", "income_before_taxes"})
_REVENUE_WORDS = frozenset({"revenue", "product_revenue", "service_revenue"})
_COUNT_METRICS = {key for key, m in catalogue().metrics.items() if m.kind == "count" and m.unit == "members"}
_PER_SHARE = ("eps_diluted", "eps_basic")
# "$10.43 billion of net proceeds": what follows "of" names the figure, unless it opens with a
# function word ("$3 billion of which", "of the total")
_OF_PHRASE = re.compile(r"\s+of\s+(([a-z][a-z-]{2,})(?:\s+[a-z][a-z-]+){0,3})")
# "... and $Y", "... and spent $Y", "... on $Y", "...以及约$Y": a new figure after the one before and its noun
_AND_THEN = re.compile(r"[\s,]*(?:(?:and|as well as|plus|和|及|以及)\s*(?:[a-z]+\s+)?|on\s+)(?:约|近|逾)?\s*")
_BASES = frozenset(("base", "base_margin"))
_GROWTH_RATE = re.compile(r"增速|增长率|成长率|年增率|growth rate")
_ON_REVENUE = re.compile(r"\s+on\s+(?:revenue|revenues|sales|net\s+sales)\s+of\b")
_OF_WHOLE = re.compile(r"\s+of\s+(?:its|the|our|their|total|consolidated|[a-z][a-z.&-]*['’]s|\s)*")
_ASCII_WORD = re.compile(r"[a-z]")
_POSSESSIVE_AFTER = re.compile(r"\s*(?:'s|’s|的)")
_LOSS_PER_SHARE = re.compile(r"(?:每股(?:净)?亏损|亏损每股|loss of|net loss of)\s*(?:约|近)?\s*$")
_LIST_GAP = re.compile(r"[\s、,，和及与]*(?:以及)?[\s、,，]*")
_CHANGE_NOUNS = frozenset((*base_data()["change_nouns"]["en"], *base_data()["change_nouns"]["zh"]))
_LABEL_BEFORE = re.compile(r"\s*(?:\d{1,2}\s*/\s*|[-*•#]+\s*)?(?:for\s+)?(?:the\s+)?", re.I)
# what ends a label: a colon ("7/ Full year FY25 📅:"), or a bold run-in heading ("**First half (1H25).**")
_LABEL_AFTER = re.compile(r"[^\w\n:：]{0,6}[:：]|\s*(?:\([^)\n]{1,12}\))?\s*\.?\s*\*\*")
_AGAINST = re.compile(
    "(?:"
    + "|".join(
        re.escape(w)
        for w in sorted(
            (*base_data()["against_guidance"]["en"], *base_data()["against_guidance"]["zh"]), key=len, reverse=True
        )
    )
    + r")\s*(?:the\s+|its\s+|our\s+|公司|原|the\s+company's\s+)*\s*$"
)
_FRAME_OPENER = re.compile(r"[\s,，;；(（]*(?:(?:but|and|while|in|for|during|over|the|但|而|在|于|截至|至于|其中)\s*)*")
_RATE = re.compile(r"\s*(?:" + "|".join(map(re.escape, base_data()["numbers"]["currency"]["rate"])) + r")\s*[\d.]")
_COMPANY = "\x00company"  # a referent: the company itself
_POSSESSIVES = frozenset(base_data()["anaphors"]["possessive"])
_DEMONSTRATIVES = sorted(
    (*base_data()["demonstratives"]["en"], *base_data()["demonstratives"]["zh"]), key=len, reverse=True
)
_DEMONSTRATIVE = re.compile(r"(?:^|(?<=[\s,，]))(" + "|".join(re.escape(w) for w in _DEMONSTRATIVES) + r")\s*$")
_CONNECTORS = frozenset(("of", "in", "on", "for", "的"))
_NEGATION_BEFORE = re.compile(
    r"(?:^|(?<![\w-]))("
    + "|".join(sorted(map(re.escape, base_data()["member_negation"]["before"]), key=len, reverse=True))
    + r")\s*(?:the\s+)?$"
)
_NEGATION_AFTER = re.compile(r"\s*(?:" + "|".join(map(re.escape, base_data()["member_negation"]["after"])) + ")")
_CONNECTOR = re.compile(r"^\s*(?:of|in|on|for|的|worth of)?\s*$")


@dataclass(slots=True)
class Subject:
    """What a figure is about, as far as the text says."""

    metric: str | None = None
    member: str = ""
    margin: str | None = None  # a margin of this metric ("" = a margin the words do not name)
    ratio: bool = False  # "as a percentage of revenue": the metric over revenue
    whole: bool = False  # said to be the company's
    part: str = ""  # a word naming part of the business, not one member
    unknown: str = ""  # a word naming something caibao does not know ("H20")
    members: list[str] = field(default_factory=list)  # every member named ("A and B ... respectively")
    alt_members: list[str] = field(default_factory=list)  # what else its name may mean ("汽車業務": two members)
    ttm: bool = False
    ex_fx: bool = False  # "constant currency revenues": not the reported figure
    non_gaap: bool = False  # "operating (non-GAAP) gross margin": not the GAAP figure
    tight: bool = True  # nothing but vocabulary between its name and the figure
    several: str = ""  # several members at once ("A and B"), to be paired by "respectively" or not at all
    loss: str = ""  # operating | net | any
    veto: tuple[str, dict] | None = None  # another company, a topic no filing covers

    company: bool = False  # the company itself is the subject ("and Netflix spent ...")
    anaphor: str = ""  # a word pointing back at what was named before ("its revenue", "that revenue", "该业务")

    @property
    def named(self) -> bool:
        return bool(self.metric or self.margin is not None or self.member or self.part or self.unknown or self.ratio
                    or self.company)  # fmt: skip


@dataclass(slots=True)
class Reading:
    """A figure as read so far."""

    claim: Claim
    subject: Subject
    role: str
    inherited: bool
    own_period: bool
    period_from: str = "document"  # own | local | trailing | inherited | frame | document
    compared: Reading | None = None  # for a base ("compared to $8.90 billion in 2023"), the figure it is the base of
    main: Subject | None = None  # for a per-share figure, the subject of the figure it is per share of
    relative: bool = False  # its own period is written relative to another ("上年同期", "a year earlier")


def _terms(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.kind == "term"]


def _first_word(tokens: list[Token], cls: str, value: str | None = None) -> Token | None:
    for t in tokens:
        if t.kind == "term" and t.has(cls) and (value is None or t.get(cls) == value):
            return t
    return None


@cache
def _metric_words() -> tuple[tuple[str, str], ...]:
    return tuple(
        (fold(word), metric)
        for metric, spec in base_data()["metrics"].items()
        for word in (*spec.get("en", []), *spec.get("zh", []))
        if len(word) >= 2
    )


def _metric_in(surface: str) -> str | None:
    """The metric a share phrase names as its whole: "of total revenues" -> revenue."""
    return next((metric for word, metric in _metric_words() if word in surface), None)


class Resolver:
    """Reads the sentences of one article for one filer."""

    def __init__(self, original: str, folded: str, context: Context, vocab: Vocabulary):
        self.original = original
        self.folded = folded
        self.context = context
        self.vocab = vocab
        self.frame_rate = ""
        self.per_share_seen = False
        self.figure_aside = False  # the figure being read is inside brackets
        self.bracket_owned = False  # the bracket after the figure holds a figure of its own
        self.relative = False  # the figure being read names its period relative to another
        self.topic_heading = False  # the topic came from a heading: it holds for its whole section
        self.label: list[FiscalLabel] | None = None  # "7/ Full year FY25: ...": the paragraph's period
        self.last_end = 0  # where the sentence before ended
        self.label_member = False  # section_member came from a paragraph's label, and ends with it
        self.label_guidance = False  # the label is of guidance ("Guide for Q1'26:")
        self.topic = ""  # another company the text has turned to ("## 2. Netflix: ..."), until it turns back
        self.referent: str | None = None  # what the last sentence naming one thing named: a member, or _COMPANY
        self.last_period: FiscalLabel | None = None  # the period the previous sentence spoke of ("同期")
        self.section: list[FiscalLabel] | None = None  # a heading's period ("Six Months Ended June 30, 2025")
        self.section_qualifier: tuple[str, str] | None = None  # (metric, heading) a heading qualifies
        self.section_open = False  # headings came under the period heading: its period may have ended
        self.section_member = ""  # the member a heading names ("Software"), until the next heading
        self._at = 0  # where the current sentence's text starts
        self._streak_matches: list[re.Match[str]] = []
        self._streak_starts: list[int] | None = None

    # -- subjects ---------------------------------------------------------------------------

    def subject_of(self, tokens: list[Token], en: bool, start: int, clause_initial: bool = False) -> Subject:
        """The subject a run of tokens names; with `clause_initial`, only names opening the run
        count (a clause without a figure hands on what it opens with, not what it mentions)."""
        subject = Subject()
        terms = _terms(tokens)
        plain = [t for t in terms if not t.aside]
        if clause_initial:
            opening = self._opening(tokens, start)
            plain = [t for t in plain if id(t) in opening]
        if any("part" in t.attrs for t in plain):
            plain = [t for t in plain if not ("part" in t.attrs and self._epithet(t, terms))]
        heads = [t for t in plain if "metric" in t.attrs or "margin" in t.attrs]
        if len(heads) > 1:
            # "the fastest-growing sales line was Services": a metric before a part noun says what kind
            # of part the subject is; the metric named after it is the subject
            kinds = [h for h in heads if self._kind_of_part(h, plain)]
            heads = [h for h in heads if h not in kinds] or heads
        if heads:
            head = heads[0] if en else heads[-1]
            if "margin" in head.attrs:
                subject.margin = head.attrs.get("margin") or ""
                if subject.margin == "":
                    named = [t for t in plain if t.start < head.start and "metric" in t.attrs]
                    subject.margin = named[-1].attrs.get("metric") if named else ""
            else:
                subject.metric = head.attrs.get("metric")
            if subject.metric in ("consolidated_net_income", "net_income") and self._attributed(head, plain):
                subject.metric = "net_income"  # "consolidated net income attributable to Walmart": the shareholders'
            if subject.metric in _REVENUE_WORDS and self._cost_of(head, plain):
                subject.metric = "cost_of_sales"  # "Cost of automotive sales revenue decreased $3.25 billion"
            back = next((t for t in plain if "anaphor" in t.attrs and t.end <= head.start), None)
            if back is not None:
                subject.anaphor = self.original[back.start : back.end]
            elif (m := _DEMONSTRATIVE.search(self.folded, max(start, head.start - 8), head.start)) is not None:
                subject.anaphor = self.original[m.start(1) : m.end(1)]  # "That revenue fell 51%"
            subject.unknown = (
                self._unknown_before(head, tokens, en, start)
                or self._narrowed(head, tokens)
                or (self._agent(head, tokens, start) if en else "")
            )
            if not subject.unknown and self._kind_of_part(head, plain) and not any("member" in t.attrs for t in plain):
                # "the fastest-growing sales line was Products": a part caibao has no name for, not the whole
                noun = next(t for t in plain if t.start >= head.end)
                subject.unknown = self.original[noun.start : noun.end]
        subject.ratio = any("ratio" in t.attrs for t in plain)
        members = [t for t in plain if "member" in t.attrs] or [t for t in terms if t.aside and "member" in t.attrs]
        negated = next((n for t in members if (n := self._negated_member(t))), "")
        if negated:
            # "outside the United States": not the member; what it is, the filing does not say
            subject.unknown = subject.unknown or negated
            members = []
        names = list(dict.fromkeys(t.attrs.get("member") or "" for t in members))
        if names:
            adjacent = len(members) >= 2 and self.folded[members[-2].end : members[-1].start].strip() == ""
            # "FoA other revenue": the line within the segment, named last; else English names the
            # subject first ("Revenue in the United States and Canada, Netflix's largest market")
            subject.member = names[-1] if (not en or adjacent) else names[0]
            subject.members = names
            named = next((t for t in members if t.attrs.get("member") == subject.member), None)
            if named is not None and named.attrs.get("alt_member"):
                subject.alt_members = named.attrs["alt_member"].split("|")
            joined = len(names) >= 2 and all(
                _JOINED.match(self.folded[a.end : b.start]) or self.folded[a.end : b.start].strip() in ("&", "和")
                for a, b in itertools.pairwise(members)
            )
            if joined:  # "automotive & services and other segment": more than one member at once
                subject.several = " & ".join(names)
        if names and not heads and self._cost_of(members[-1], plain):
            subject.metric = "cost_of_sales"  # "Cost of automotive sales revenue": a member named with its revenue
        parts_joined = [t for t in plain if "part" in t.attrs and any(
            _JOINED.match(self.folded[t.end : m.start]) or self.folded[t.end : m.start].strip() in ("&",)
            for m in members if m.start >= t.end
        )]  # fmt: skip
        if parts_joined and names:
            subject.several = self.original[parts_joined[0].start : members[-1].end]
        if names and not heads:
            last = members[-1]
            gap = self._blanked(tokens, last.end, tokens[-1].end if tokens else last.end)
            subject.tight = len(re.findall(r"[a-z]{3,}|[\u4e00-\u9fff]", gap)) <= 1
        parts = [t for t in plain if "part" in t.attrs]
        if parts and not subject.member:
            subject.part = self.original[parts[-1].start : parts[-1].end]
        if not subject.member and any("whole" in t.attrs or "company" in t.attrs for t in plain):
            subject.whole = True
            subject.company = any("company" in t.attrs for t in plain) and not heads
        subject.ttm = any(t.attrs.get("measure") == "ttm" for t in terms)
        subject.ex_fx = any(t.attrs.get("measure") == "ex_fx" for t in plain)
        subject.non_gaap = any(t.attrs.get("measure") == "non_gaap" for t in terms)
        losses = [t for t in terms if "loss" in t.attrs]
        if losses:
            subject.loss = losses[-1].attrs.get("loss") or "any"
        if not subject.member and not subject.part and not subject.unknown:
            subject.unknown = self._unknown_part(plain, en, start)
        subject.veto = self._veto(terms)
        if not subject.unknown and members and en:
            first_member = members[0]
            m = _WORD_BEFORE.search(self.original, max(start, first_member.start - 24), first_member.start)
            previous_end = max((t.end for t in tokens if t.end <= first_member.start), default=start)
            if m and m.start(1) >= previous_end:
                word = m.group(1)
                lower = word.lower()
                code = (len(word) >= 2 and any(ch.isupper() for ch in word[1:])) or any(ch.isdigit() for ch in word)
                # "Distributed Infrastructure revenue": a capitalised word joined to the name narrows it
                joined = word[0].isupper() and not (lower in _PLAIN or lower in _FUNCTION_WORDS or lower in _AGENTS)
                if (code and not heads) or (joined and not self.original[m.end(1) : first_member.start].strip()):
                    subject.unknown = self.original[m.start(1) : first_member.end]  # "FoA other revenue"
        if not subject.unknown and members:
            last = members[-1]
            m = _HEAD_NOUN.match(self.folded, last.end, last.end + 24) if not heads else None
            if m:  # "financing receivables", "AWS backlog": the member's something else
                subject.unknown = self.original[last.start : m.end()]
            following = next(
                (t for t in tokens if t.start >= last.end and not ("and" in t.attrs and len(t.attrs) == 1)), None
            )
            gap = self.folded[last.end : following.start if following else last.end + 20]
            w = _NEXT_WORD.match(gap)
            if (
                en
                and w
                and w.group(1) not in _FUNCTION_WORDS
                and w.group(1) not in _PLAIN
                and (following is None or following.start > last.end + w.end(1) - 1)
            ):  # "Data Center computing", "compute and infrastructure": the phrase goes on past the name
                subject.unknown = self.original[last.start : last.end + w.end(1)]
        if not subject.named and not subject.veto and not clause_initial:
            words = self._uncovered(tokens, start)
            if words:
                subject.unknown = words  # "income from continuing operations of $2.2 billion"
        return subject

    def _agent(self, head: Token, tokens: list[Token], start: int) -> str:
        """ "OpenShift which grew revenue more than 20 percent": the name doing the verb before the
        metric, when it is no name caibao knows (a known one is a token of its own)."""
        before = [t for t in tokens if t.end <= head.start]
        if not before or "dir" not in before[-1].attrs or self.folded[before[-1].end : head.start].strip():
            return ""
        verb = before[-1]
        floor = max(start, before[-2].end if len(before) >= 2 else start)
        m = _AGENT.search(self.original, floor, verb.start)
        if m is None or m.group(1).lower() in _AGENTS or m.group(1).lower() in _PLAIN:
            return ""
        return m.group(1)

    def _kind_of_part(self, head: Token, plain: list[Token]) -> bool:
        """ "sales line", "revenue segment": a metric straight before a part noun."""
        after = next((t for t in plain if t.start >= head.end), None)
        return after is not None and "part_noun" in after.attrs and self.folded[head.end : after.start].strip() == ""

    def _attributed(self, head: Token, plain: list[Token]) -> bool:
        """ "net income attributable to Walmart", "归属于普通股股东的净利润": income of the shareholders."""
        near = [t for t in plain if abs((t.start - head.end) if t.start >= head.end else (head.start - t.end)) <= 12]
        return any("attributable" in t.attrs for t in near)

    def _epithet(self, part: Token, terms: list[Token]) -> bool:
        """ "AI晶片龍頭輝達", "EV maker Tesla": the part names what the company is, right before its name."""
        following = next((t for t in terms if t.start >= part.end), None)
        return (
            following is not None and "company" in following.attrs and following.start - part.end <= 4
            and not any(ch in ",，;；。" for ch in self.folded[part.end : following.start])
        )  # fmt: skip

    def _cost_of(self, head: Token, plain: list[Token]) -> bool:
        """Is the revenue word `head` the end of "cost(s) of [a name] revenue"?"""
        before = [t for t in plain if t.end <= head.start]
        at = head.start
        while before and "member" in before[-1].attrs and self.folded[before[-1].end : at].strip() in ("", "and", "&"):
            at = before.pop().start
        return bool(before) and "cost_of" in before[-1].attrs and self.folded[before[-1].end : at].strip() == ""

    def _uncovered(self, tokens: list[Token], start: int, end: int | None = None) -> str:
        """A phrase of words no token explains, standing where a subject would: the figure is about
        something caibao has no word for, so it is not the subject before it."""
        if not tokens:
            return ""
        end = tokens[-1].end if end is None else end
        text = self._blanked(tokens, start, end)
        english = [w for w in re.findall(r"[a-z][a-z'-]{2,}", text) if w not in _FUNCTION_WORDS]
        han = re.findall(r"[\u4e00-\u9fff]", text)
        if len(english) >= 2 or len(han) >= 6:
            return " ".join(english[-4:]) if english else "".join(han[-6:])
        return ""

    def _blanked(self, tokens: list[Token], start: int, end: int, blank: str = " ") -> str:
        """folded[start:end] with every token inside it replaced by `blank`, in one pass."""
        pieces, position = [], start
        for t in tokens:
            if t.start >= position and t.end <= end:
                pieces.append(self.folded[position : t.start])
                pieces.append(blank)
                position = t.end
        pieces.append(self.folded[position:end])
        return "".join(pieces)

    def _opening(self, tokens: list[Token], start: int) -> set[int]:
        """The ids of the tokens that open their clause: nothing before them but words pointing at
        a subject (the company's, its, the unit's), a period, other names, and a particle or two.
        One pass: once a token does not open the clause, no later one does."""
        found: set[int] = set()
        named = next((t for t in tokens if t.kind == "term" and (t.has("member") or t.has("company"))), None)
        if named is not None:
            cut = self.folded.rfind("的", start, named.start)
            if cut >= 0 and not any(t.has("metric") or t.has("member") for t in tokens if t.end <= cut):
                start = cut + 1  # "被視為金雞母的雲端部門AWS": the words before "的" describe what it names
        noise, position = 0, start
        for t in tokens:
            if t.start < position:
                continue
            noise += len(_PREFIX_NOISE.sub("", self.folded[position : t.start]))
            if noise > 2:
                break
            found.add(id(t))
            if not (t.mark is not None or (t.kind == "term" and not _OPENERS.isdisjoint(t.attrs))):
                noise += len(_PREFIX_NOISE.sub("", self.folded[t.start : t.end]))
            position = t.end
        return found

    def _unknown_before(self, head: Token, tokens: list[Token], en: bool, start: int) -> str:
        """A word straight before the metric that names something caibao does not know."""
        previous = max((t.end for t in tokens if t.end <= head.start), default=start)
        previous = max(previous, start)
        gap = self.original[previous : head.start]
        if en:
            m = _WORD_BEFORE.search(gap)
            if not m:
                return ""
            word = m.group(1)
            lower = word.lower().rstrip(".")
            if lower in _PLAIN or (lower.endswith(("'s", "’s")) and lower[:-2] in _PLAIN):
                return ""
            at_start = self.original[previous : previous + m.start(1)].strip() == "" and self._sentence_start(previous)
            acronym = len(word) >= 2 and any(ch.isupper() for ch in word[1:])  # "RL", "FoA", "TAC"
            if word[0].isupper() or acronym or any(ch.isdigit() for ch in word) or "-" in word:
                return word  # "Automation revenue", "H20 sales", "data-center revenue"
            del at_start
            return ""
        m = _CJK_CODE.search(self.folded, previous, head.start)
        if m and m.end() == head.start and m.start() < head.start:
            return self.original[m.start() : m.end()]
        return ""

    def _negated_member(self, token: Token) -> str:
        """ "outside the United States", "美國以外": the words that make a member its complement, or ""."""
        before = self.folded[max(0, token.start - 24) : token.start]
        m = _NEGATION_BEFORE.search(before)
        if m:
            return self.original[token.start - len(before) + m.start(1) : token.end]
        m = _NEGATION_AFTER.match(self.folded, token.end)
        return self.original[token.start : m.end()] if m else ""

    def _narrowed(self, head: Token, tokens: list[Token]) -> str:
        """ "other sales and marketing expenses", "income taxes payable", "其他营业收入": a part or a
        relative of the metric, not the figure filed under it."""
        before = [t for t in tokens if t.end <= head.start]
        if before and "narrow" in before[-1].attrs and self.folded[before[-1].end : head.start].strip() == "":
            return self.original[before[-1].start : head.end]
        m = _HEAD_NOUN.match(self.folded, head.end, head.end + 40)
        if m:
            return self.original[head.start : m.end()]
        return ""

    def _sentence_start(self, position: int) -> bool:
        before = self.original[max(0, position - 3) : position].strip()
        return before == "" or before[-1:] in ".。!?\n:;,"

    def _unknown_part(self, plain: list[Token], en: bool, start: int) -> str:
        """ "the Compute segment", "游戏业务" with no known name before the part noun; "segment
        operating income" with none at all."""
        for t in plain:
            if "part_noun" not in t.attrs:
                continue
            before = [u for u in plain if u.end <= t.start]
            after = next((u for u in plain if u.start >= t.end), None)
            if (
                not before
                and after is not None
                and ("metric" in after.attrs or "margin" in after.attrs)
                and (after.start - t.end <= 1)
            ):
                return self.original[t.start : after.end]  # "segment operating income": which segment?
            if (
                before
                and before[-1].end >= t.start - 1
                and ("member" in before[-1].attrs or "part" in before[-1].attrs or "company" in before[-1].attrs)
            ):
                continue  # "北美部门", "the AWS segment"
            gap_start = max(start, before[-1].end if before else start)
            gap = self.original[gap_start : t.start]
            if en:
                m = _WORD_BEFORE.search(gap)
                if m and m.group(1).lower() not in _PLAIN:
                    return f"{m.group(1)} {self.original[t.start : t.end]}"
            else:
                core = gap.strip(" ,、的之在其")
                if core and (_HAN.search(core[-1]) or core[-1].isalnum()):
                    return core[-4:] + self.original[t.start : t.end]
        return ""

    def _veto(self, terms: list[Token]) -> tuple[str, dict] | None:
        for t in reversed(terms):
            if "counterfactual" in t.attrs:
                return "counterfactual", {"word": self.original[t.start : t.end]}
            if "superseded" in t.attrs:
                return "superseded", {"word": self.original[t.start : t.end]}
            if "effect" in t.attrs:
                return "effect", {"word": self.original[t.start : t.end]}
            if "other_company" in t.attrs:
                return "other_company", {"name": self.original[t.start : t.end]}
            if "off" in t.attrs:
                return "off_record", {"word": self.original[t.start : t.end]}
            if "expect" in t.attrs:
                return "expectation", {"word": self.original[t.start : t.end]}
        return None

    # -- a sentence -------------------------------------------------------------------------

    def sentence(self, sentence: Sentence) -> list[Claim]:
        if "\n" in self.original[self.last_end : sentence.start]:
            self.label, self.label_guidance = None, False  # a label holds for its paragraph
            if self.label_member:
                self.section_member, self.label_member = "", False
        self.last_end = sentence.end
        self._label(sentence)
        self._heading_subject(sentence)
        if self._heading(sentence):
            if not self.original[sentence.start : sentence.end].strip().endswith(":"):
                self.section_member = ""  # a period heading opens a section; "... was as follows:" goes on in one
            return []
        if self._title(sentence):
            self._title_member(sentence)
            self.referent = None  # a heading starts afresh
            self._turn(sentence, heading=True)
            if self.section and not self.section_open:
                # A heading under the period heading ("Consulting" after "Revenue performance in the
                # first six months of 2025 ... was as follows:"): the period may or may not go on.
                self.section = [*self.section, *[p for p in self.context.document if p not in self.section]]
                self.section_open = True
            return []
        en = not _HAN.search(self.original, sentence.start, sentence.end)
        raw = self.original[sentence.start : sentence.end]
        text = raw.strip()
        self._at = sentence.start + len(raw) - len(raw.lstrip())  # where `text` starts
        clauses: dict[int, list[Token]] = {}
        starts, c = sentence.clause_starts, 0  # tokens and clauses are both in order: one walk
        for token in sentence.tokens:
            while c + 1 < len(starts) and starts[c + 1] <= token.start:
                c += 1
            clauses.setdefault(c, []).append(token)
        frame: list[FiscalLabel] | None = None
        pending: Subject | None = None
        current: Reading | None = None
        guidance = self.label_guidance
        condition: Token | None = None  # a clause opening with "if"/"若": the figures after it are hypothetical
        basis: Token | None = None  # a clause opening with "on an adjusted basis": the figures after it are non-GAAP
        ttm_frame = False  # the sentence opened on trailing twelve months: its figures are all of them
        label = None  # a period ending the clause before a colon ("FY2023:"), the next figure's
        frame = self._topic_period(sentence)
        outside: Reading | None = None  # the last figure outside brackets
        listed: tuple[str, dict] | None = None  # an estimate the figure before was, for a list after it
        after_aside = False  # the figure before was inside brackets
        base_seen = False  # a comparison's base was read in this sentence
        self.frame_rate = ""  # "Sequentially, compute revenue declined 1%"
        self.per_share_seen = False  # a per-share figure was read in this sentence
        aside = False  # inside an aside: ", home to Search, YouTube, Android and Chrome,"
        readings: list[Reading] = []
        for index in sorted(clauses):
            tokens = clauses[index]
            start = sentence.clause_starts[index]
            if self.folded[max(0, start - 1) : start] == ";":
                guidance = False  # "...; above the guided top end of $213 billion; the first quarter above..."
                condition = basis = None
                frame = self._topic_period(sentence, tokens) or frame  # "；更早的2022年營收僅…,淨利…"
            cause = self._cause(tokens, start)
            numbers = [i for i, t in enumerate(tokens) if t.kind == "num"]
            if not numbers:
                first = next((t for t in tokens if t.kind == "term"), None)
                # "若剔除上述费用,营业利润将达到215亿美元", "亚马逊第四季度若剔除…,": what follows is
                # hypothetical (a clause opening with the condition, after at most who and when)
                opener = next((t for t in tokens if t.kind != "period" and not t.has("company")), None)
                if (
                    opener is not None
                    and opener.has("counterfactual")
                    and not self.folded[start : tokens[0].start].strip()
                ):
                    condition = opener
                if (
                    current is None and first is not None and first.attrs.get("measure") == "non_gaap"
                    and not any(t.has("metric") or t.has("margin") for t in tokens)
                ):  # fmt: skip
                    basis = first  # "On an adjusted basis, the company earned $2.80 per share": all non-GAAP
                if (
                    current is not None
                    and first is not None
                    and first.attrs.get("measure") in ("ex_fx", "non_gaap")
                    and (self.folded[start : first.start].strip() == "")
                ):  # "... $307.2 billion in revenues, excluding hedging effect, for 2023"
                    current.claim.measure = first.attrs.get("measure") or "ex_fx"
                if (
                    en and current is not None and pending is None and not current.claim.reason
                    and _MODIFYING.match(self.original[start : start + 24])
                    and _NAMED_AFTER.fullmatch(self.folded, current.claim.end, start)
                ):  # fmt: skip
                    # "$39.23 billion of capital expenditures, including principal payments on finance
                    # leases,": the aside makes the figure something else than the metric it names
                    word = re.split(r"[,;，；]", self.original[start : start + 60].lstrip(" ,"), maxsplit=1)[0].strip()
                    current.claim.reason, current.claim.reason_args = "unknown_subject", {"word": word}
                    aside = True
                    continue
                if en and pending is not None and _MODIFYING.match(self.original[start : start + 24]):
                    # "Capital expenditures, including principal payments on finance leases, were ...":
                    # the aside changes what the figure is
                    pending = replace(pending, unknown=self.original[start : start + 40].strip())
                    aside = True
                    continue
                if (
                    aside
                    or cause
                    or (en and pending is not None and _APPOSITIVE.match(self.original[start : start + 20]))
                ):
                    aside = True
                    continue
                for i, token in enumerate(tokens):
                    if token.mark is not None and not self._after_base(tokens, i):
                        if readings and not _FRAME_OPENER.fullmatch(self.folded, start, token.start):
                            # "…年增11.0%,成長率和2023年相差不大;但營業利益達685.9億美元": a year
                            # compared with, inside a remark, is no frame for the figures after it
                            continue
                        frame = self._readings(token.mark, self._now(frame)) or frame
                        if (
                            i == 0 and frame and _PERIOD_CLAUSE.match(self.folded, start, token.start)
                            and not (token.mark.kind == "rel" and base_seen)
                        ):  # fmt: skip
                            # (", a year earlier." after "from $16.6 billion" dates the base alone)
                            self._period_after(readings, frame)
                guidance = guidance or self._guides(tokens)
                if any(t.attrs.get("measure") == "ttm" for t in _terms(tokens)):
                    ttm_frame = True  # "截至6月底的过去十二个月,经营活动现金流增长75%至1,079.52亿美元"
                rates = [t.attrs.get("measure") for t in _terms(tokens) if t.attrs.get("measure") in ("yoy", "qoq")]
                if rates:
                    self.frame_rate = rates[-1] or ""
                subject = self.subject_of(tokens, en, start, clause_initial=True)
                if pending is not None and subject.company and not subject.veto:
                    continue  # "Revenue in UCAN, Netflix's largest market, rose ...": an aside
                if subject.named or subject.veto:
                    pending = subject if pending is None else _merge(subject, pending, en)[0]
                continue
            aside = False
            previous_end = start
            labelled = label if self.folded[max(0, start - 1) : start] == ":" else None
            last = tokens[-1]
            label = last.mark if last.mark is not None and self.folded[last.end : last.end + 1] == ":" else None
            for k, i in enumerate(numbers):
                # the tokens since the figure before, up to the next, and the next one's stretch: the
                # work per figure is bounded by its neighbours, whatever the clause's length
                lead = tokens[numbers[k - 1] + 1 if k else 0 : i]
                nxt = numbers[k + 1] if k + 1 < len(numbers) else len(tokens)
                beyond = numbers[k + 2] if k + 2 < len(numbers) else len(tokens)
                right = tokens[i + 1 : nxt]
                guidance = guidance or self._guides(lead)
                if current is not None and after_aside and not tokens[i].aside and outside is not None:
                    current = outside  # "US$8.04(FY2023: US$5.80),YoY +38.6%": after the bracket, the 8.04's
                own_frame = frame
                if k == 0 and not lead and labelled is not None:
                    # "(FY2023: US$5.80)": the period labelling the figure, before the colon
                    own_frame = self._readings(labelled, self._now(frame)) or frame
                reading = self.figure(tokens[i], lead, right, en, previous_end, pending, current, own_frame,
                                      guidance, text, tokens[nxt:beyond])  # fmt: skip
                if condition is not None and not reading.claim.reason:
                    word = self.original[condition.start : condition.end]
                    reading.claim.reason, reading.claim.reason_args = "counterfactual", {"word": word}
                elif basis is not None and not reading.claim.reason:
                    reading.claim.reason, reading.claim.reason_args = "non_gaap", {}
                if not readings and not ttm_frame:
                    ttm_frame = reading.claim.window == "ttm"  # "过去十二个月经营现金流…;自由现金流112亿美元"
                elif (
                    ttm_frame
                    and not reading.claim.window
                    and reading.claim.measure in ("level", "yoy", "change")
                    and reading.claim.period is not None
                    and reading.claim.period.is_quarter
                    and not reading.claim.period.ytd
                    and (reading.period_from not in ("own", "local", "trailing") or reading.relative)
                ):  # fmt: skip  (a quarter's figure in a sentence on the last twelve months: of them)
                    reading.claim.window = "ttm"
                joined = any(t.has("and") for t in lead)
                joined = joined or (k == 0 and self.folded[max(0, start - 1) : start] == "、")
                if listed is not None and reading.claim.reason in ("", "no_period") and joined:
                    # "consensus 預期 FY2025 revenue 約 US$395bn、EPS US$9.0 左右": the list is the estimate's
                    reading.claim.reason, reading.claim.reason_args = listed
                doc = self.context.period
                if reading.own_period and reading.claim.period and doc and reading.claim.period > doc:
                    frame = [reading.claim.period]  # "2025年营收1,880亿,EPS 27刀左右": all of that later year
                listed = None
                if reading.claim.reason == "expectation":
                    listed = reading.claim.reason, reading.claim.reason_args
                after_aside = tokens[i].aside
                if not tokens[i].aside:
                    outside = reading
                readings.append(reading)
                base_seen = base_seen or reading.role in _BASES
                self.per_share_seen = self.per_share_seen or reading.role == "eps"
                current, pending = reading, None
                previous_end = tokens[i].end
        if self.section_qualifier is not None:
            metric, heading = self.section_qualifier
            for reading in readings:
                if reading.claim.metric == metric and reading.claim.segment and not reading.claim.reason:
                    reading.claim.reason, reading.claim.reason_args = "section", {"heading": heading}
        self._respectively(sentence, readings)
        spoken = [r.claim.period for r in readings if r.claim.period is not None and r.claim.period_explicit]
        if spoken or frame:
            self.last_period = spoken[-1] if spoken else frame[0] if frame else None
        self._refer(sentence)
        self._turn(sentence)
        claims = [r.claim for r in readings]
        claims += self._streaks(sentence, readings, text)
        return claims

    def _topic_period(self, sentence: Sentence, tokens: list[Token] | None = None) -> list[FiscalLabel] | None:
        """A period a Chinese sentence opens with, before its first metric and figure ("Alphabet在2022年
        營收為2,828.36億美元、淨利599.72億美元,稀釋後EPS僅4.56美元"): the sentence's topic, for every
        figure after it that names no period of its own."""
        if not _HAN.search(self.folded, sentence.start, sentence.end):
            return None
        for t in sentence.tokens if tokens is None else tokens:
            if t.mark is not None:
                if t.mark.kind == "rel":
                    return None
                return self._readings(t.mark, self.context.period) or None
            if t.kind == "num" or not (t.has("company") or t.has("whole")):
                return None
        return None

    def _label(self, sentence: Sentence) -> None:
        """A paragraph opening with a period and a colon ("7/ Full year FY25 📅: Rev $716.9B",
        "Q1 2025:") is of that period, sentence after sentence, until it ends."""
        first = next(
            (
                t for t in sentence.tokens
                if not (t.has("whole") or t.attrs.get("rel") == "full_year" or t.attrs.get("measure") == "guidance")
            ),
            None,
        )  # fmt: skip
        if first is None:
            return
        text = self.original[sentence.start : sentence.end]
        marks = [t.mark for t in sentence.tokens if t.mark is not None and t.mark.kind != "rel"]
        if (
            marks and len(text.strip()) <= 40 and not any(t.kind == "num" for t in sentence.tokens)
            and all(t.mark is not None or t.has("whole") for t in sentence.tokens)
        ):  # fmt: skip
            # "**First half (1H25).** Revenue for the six months was ...": a run-in heading
            self.label = self.context.readings(marks[-1], self.context.period) or None
            return
        skipped = [t for t in sentence.tokens if t.end <= first.start]
        if not _LABEL_BEFORE.fullmatch(self._blanked(skipped, sentence.start, first.start, "")):
            return
        if _LABEL_AFTER.match(self.original, first.end) is None:
            return
        if first.mark is not None and first.mark.kind != "rel":
            self.label = self.context.readings(first.mark, self.context.period) or None
            # "10/ Guide for Q1'26: Rev $173.5B–$178.5B. OI $16.5B–$21.5B": the paragraph is guidance
            self.label_guidance = any(
                t.attrs.get("measure") == "guidance" for t in sentence.tokens if t.end <= first.start
            )
        elif first.kind == "term" and first.has("member"):
            # "5/ North America 🇺🇸: Rev $127.1B (+10% Y/Y). OI $11.5B": the member's, or the company's
            self.section_member, self.label_member = first.attrs["member"], True

    def _turn(self, sentence: Sentence, heading: bool = False) -> None:
        """The company the text goes on about: the one a heading or a sentence opens with as its
        subject ("## 2. Netflix: ...", "Netflix's 2024 revenue grew 16%"), not a source it cites
        ("Analysts polled by FactSet expected ...")."""
        terms = [t for t in sentence.tokens if t.kind == "term"]
        first = terms[0] if terms else None
        if first is None or first.start - sentence.start > 40:
            return
        if "company" in first.attrs:
            self.topic, self.topic_heading = "", False
            return
        if "other_company" not in first.attrs:
            return
        after = terms[1] if len(terms) > 1 else None
        possessive = _POSSESSIVE_AFTER.match(self.folded, first.end) is not None
        subject = possessive or heading or (after is not None and (after.has("metric") or after.has("margin")))
        if subject and not any(t.has("company") or t.has("member") for t in terms):
            name = self.original[first.start : first.end]
            same = fold(name) == fold(self.topic)  # a sentence under the heading naming its company again
            self.topic, self.topic_heading = name, heading or (same and self.topic_heading)

    def _refer(self, sentence: Sentence) -> None:
        """What a pronoun in the next sentence may point back at: the one member this sentence
        names, or the company where it names the company and no member."""
        members = {t.attrs["member"] for t in sentence.tokens if t.kind == "term" and "member" in t.attrs}
        if len(members) == 1:
            self.referent = members.pop()
        elif members:
            self.referent = None
        elif any(t.kind == "term" and "company" in t.attrs for t in sentence.tokens):
            self.referent = _COMPANY

    @staticmethod
    def _period_after(readings: list[Reading], frame: list[FiscalLabel]) -> None:
        """ "decreased $6.28 billion, or 18%, in the six months ended June 30, 2025 as compared to
        ...": a clause that is only a period, after figures that named none, is theirs."""
        for k in range(len(readings) - 1, -1, -1):
            reading = readings[k]
            if reading.period_from not in ("frame", "document", "inherited") or reading.own_period:
                break
            # A base ("compared with $97.00 billion, or $6.13 per diluted share, in fiscal 2023") takes
            # the clause only where it names the base's own period; otherwise the clause is of the
            # figures the base is compared with, which named their period already
            tied = reading.role in _BASES or (reading.role == "eps" and k and readings[k - 1].role in _BASES)
            if tied and reading.claim.period != frame[0]:
                break
            reading.claim.period, reading.claim.readings = frame[0], list(frame[1:])
            reading.claim.period_explicit = True
            reading.period_from = "trailing"
            if tied:
                break

    def _readings(self, mark, now: FiscalLabel | None) -> list[FiscalLabel]:
        if mark.kind == "rel" and mark.rel == "same_period" and self.last_period is not None:
            return [self.last_period]  # "同期": the period the sentence before spoke of
        if mark.kind == "rel" and mark.rel == "spoken_quarter" and self.last_period and self.last_period.is_quarter:
            return [self.last_period]  # "單計第四財季…。iPhone季度收入": the quarter just spoken of
        return self.context.readings(mark, now)

    def _now(self, frame: list[FiscalLabel] | None) -> FiscalLabel | None:
        if frame:
            return frame[0]
        if self.label:
            return self.label[0]
        return self.section[0] if self.section else self.context.period

    def _heading(self, sentence: Sentence) -> bool:
        """A line that heads what follows ("Six months ended June 30, 2025 as compared to the six
        months ended June 30, 2024"): short, no figure, no full stop, naming a period."""
        text = self.original[sentence.start : sentence.end].strip()
        if len(text) > 140 or text.endswith((".", "。")) or any(t.kind == "num" for t in sentence.tokens):
            return False
        marks = [i for i, t in enumerate(sentence.tokens) if t.mark is not None and t.mark.kind != "rel"]
        # "Nvidia forecasts third-quarter revenue above estimates": a headline on the outlook heads
        # nothing reported
        own = [
            i for i in marks
            if not self._after_base(sentence.tokens, i) and not forecast_mark(self.folded, sentence.tokens, i)
        ]  # fmt: skip
        if not own:
            return False
        mark = sentence.tokens[own[0]].mark
        assert mark is not None
        found = self.context.readings(mark, self.context.period)
        if found and self.original[: sentence.start].strip():
            self.section, self.section_open = found, False
        # (a text's first line naming a period, "First Quarter 2025", dates the text: the article's
        # period comes from it or --period, and no section opens under it)
        return bool(found)

    def _title(self, sentence: Sentence) -> bool:
        """A heading line: short, no figure, no closing punctuation, opening with a capital."""
        text = self.original[sentence.start : sentence.end].strip()
        if not text or len(text) > 100 or text[-1] in ".。:;,!?" or any(t.kind == "num" for t in sentence.tokens):
            return False
        if "\n" in text or _FURNITURE.match(text) or not (text[0].isupper() or _HAN.match(text[0])):
            return False
        if any(p.search(self.folded, sentence.start, sentence.end) for p in self.vocab.streaks):
            return False  # "AWS营收增速创下13个季度以来新高": a headline with a claim in it
        return bool(re.search(r"[A-Za-z\u4e00-\u9fff]{2}", text))

    def _title_member(self, sentence: Sentence) -> None:
        """A heading naming one member and nothing else ("Software", "Walmart U.S. Segment") makes
        that member what the section is about; any other heading ends it."""
        terms = _terms(sentence.tokens)
        members = {t.attrs.get("member") for t in terms if "member" in t.attrs}
        rest = self.folded[sentence.start : sentence.end]
        for t in sorted(terms, key=lambda t: -t.start):
            if "member" in t.attrs or "part_noun" in t.attrs:
                rest = rest[: t.start - sentence.start] + rest[t.end - sentence.start :]
        self.section_member = (
            next(iter(members)) or "" if len(members) == 1 and not re.sub(r"[\s&\-—–]", "", rest) else ""
        )

    def _heading_subject(self, sentence: Sentence) -> None:
        """A heading that names a metric in words caibao cannot resolve ("Trends in Our Revenue by
        User Geography") qualifies that metric in the section under it."""
        text = self.original[sentence.start : sentence.end].strip()
        if len(text) > 100 or text.endswith((".", "。", ":")) or any(t.kind == "num" for t in sentence.tokens):
            return
        if not re.search(r"[A-Za-z\u4e00-\u9fff]", text) or _FURNITURE.match(text):
            return  # a page number or "Table of Contents": the page, not the section
        metrics = [t for t in sentence.tokens if t.kind == "term" and "metric" in t.attrs]
        self.section_qualifier = None
        if not metrics or (re.search(r"[a-z]", text[:1]) or text.startswith(("•", "-", "("))):
            return  # a heading opens with a capital; a bullet or a wrapped line does not
        cut = _BREAKDOWN.match(self.folded, metrics[0].end, sentence.end)
        if cut and self._uncovered(sentence.tokens, cut.end(), sentence.end):
            self.section_qualifier = (metrics[0].attrs.get("metric") or "", text)

    def _guides(self, tokens: list[Token]) -> bool:
        """Does a guidance word make what follows guidance ("expects revenue of"), not results
        measured against guidance ("營收優於財測上緣", "beat its outlook")?"""
        return any(
            t.kind == "term" and t.attrs.get("measure") == "guidance"
            and not _AGAINST.search(self.folded, max(0, t.start - 24), t.start)
            for t in tokens
        )  # fmt: skip

    def _cause(self, tokens: list[Token], start: int) -> bool:
        first = next((t for t in tokens if t.kind == "term"), None)
        # "due to ...", ", primarily driven by ...", "主要由于 ...": a clause that gives a cause
        return bool(first and "cause" in first.attrs and _CAUSE_LEAD.fullmatch(self.original[start : first.start]))

    def _after_base(self, tokens: list[Token], i: int) -> bool:
        """Is token i a period named as the base of a comparison ("较2022年", "compared to 2023")?"""
        if i == 0:
            return False
        before = tokens[i - 1]
        gap = self.folded[before.end : tokens[i].start].strip()
        return before.kind == "term" and "base" in before.attrs and gap in ("", "the")

    # -- a figure ---------------------------------------------------------------------------

    def figure(
        self,
        token: Token,
        lead: list[Token],
        right: list[Token],
        en: bool,
        lead_start: int,
        pending: Subject | None,
        current: Reading | None,
        frame: list[FiscalLabel] | None,
        guidance: bool,
        sentence: str,
        after: list[Token] | None = None,
    ) -> Reading:
        """Read one figure; `after` are the clause's tokens past `right` ("$3,304 million or 61%
        increase in net income": the frame after the second figure is both figures')."""
        mention = token.mention
        assert mention is not None
        claim = Claim.of(self.original, mention, excerpt(sentence, self._at, mention.start, mention.end))
        cause = next((i for i in range(len(lead) - 1, -1, -1) if lead[i].kind == "term" and lead[i].has("cause")), None)
        if cause is not None:
            # "..., primarily driven by increases in employee compensation of $1.5 billion": the figure
            # is about what the cause names, nothing before it
            before_cause = lead[:cause]
            lead_start, lead = lead[cause].end, lead[cause + 1 :]
            pending, period_from = None, current
            current = None
            marks = [
                i for i, t in enumerate(before_cause) if t.mark is not None and not self._after_base(before_cause, i)
            ]
            if period_from is None and marks:
                # "Free cash flow for fiscal 2025 decreased when compared to fiscal 2024 due to an
                # increase of $3.2 billion in capex": the cause is of the period the clause speaks of
                mark = before_cause[marks[-1]].mark
                assert mark is not None
                frame = self._readings(mark, self._now(frame)) or frame
        else:
            period_from = None
        first = None
        if current is not None:
            first = next(
                (t for t in lead if self.folded[t.start : t.end] not in _CONNECTORS and not t.has("whole")), None
            )  # "60% of consolidated operating income on 17% of revenue": past "consolidated"
        if (
            first is not None and first.kind == "term" and "metric" in first.attrs
            and self._blanked([t for t in lead if t.has("whole")], lead_start, first.start, "").strip()
            in _CONNECTORS | {""}
            and _AND_THEN.fullmatch(self.folded, first.end, token.start)
        ):  # fmt: skip
            # "$6.1 billion in cash from operations and $4.8 billion in free cash flow": the metric
            # right after the figure before is that figure's; this one names its own, or inherits
            lead_start, lead = first.end, [t for t in lead if t.start >= first.end]
        own = self.subject_of(lead, en, lead_start)
        change_of = self._change_of(right)
        if change_of is None and after and self.folded[token.end : after[0].start].strip() in ("or", "或"):
            change_of = self._change_of(after[1:])
            right = [*right, *after[1:]] if change_of is not None else right
        before = self._change_before(lead, token)
        inherit = False
        if change_of is not None:  # "a $1,172 million increase in operating income"
            tail = [t for t in right if t.start >= change_of.end]
            own = self.subject_of(tail, en, change_of.end)
            if not own.named:  # "a $40 million increase in personnel-related costs": not ours
                own.unknown = self.original[change_of.end : (tail[0].start if tail else change_of.end + 30)].strip()
                own.unknown = own.unknown[:40] or self.original[change_of.start : change_of.end]
        elif before is not None:
            # "an increase in Google Services revenues of $32.4 billion", "a decrease of $91 million in
            # purchases of property and equipment": the change of what the phrase names, either side
            named = self.subject_of([t for t in lead if t.start >= before.end], en, before.end)
            between = self.folded[before.end : token.start]
            inherit = False
            if not named.named and re.fullmatch(r"[\s\W]*(?:of)?[\s\W]*(?:approximately|about|nearly)?\s*", between):
                if re.match(r"\s*(?:in|of|for)\b", self.folded[token.end : token.end + 6]):
                    named = self.subject_of(right, en, token.end)  # "a decrease of $91 million in capex"
                else:
                    inherit = True  # "..., representing decreases of $3.00 billion": of the subject before
            elif not named.named:
                named.unknown = between.strip()[:40] or "?"
            own = named if named.named else own
            change_of = before
        if not own.member and not own.part and change_of is None:
            member_after = self._member_after(token, right)  # "revenue increased by 18% in United States & Canada"
            if member_after is not None:
                own.member, own.members = (
                    member_after.attrs.get("member") or "",
                    [member_after.attrs.get("member") or ""],
                )
        if change_of is not None:
            pass
        elif not (own.metric or own.margin is not None):
            metric_after = self._metric_after(token, right)  # "60%的营业利润", "$156 million on property and equipment"
            if metric_after is not None:
                own.metric = metric_after.attrs.get("metric")
                if "margin" in metric_after.attrs:
                    own.margin = metric_after.attrs.get("margin") or ""
        if en and current is not None and change_of is None and not own.named and mention.kind == "money":
            phrase = self._of_phrase(token, right)
            if phrase:  # "... from operations and $10.43 billion of net proceeds": its own, unknown thing
                own.unknown = phrase
        right_veto = self._veto([t for t in _terms(right[:3]) if "expect" in t.attrs])
        said = right[0] if right and right[0].kind == "term" and "expect_after" in right[0].attrs else None
        if right_veto is None and said is not None and not self.folded[token.end : said.start].strip(" )"):
            right_veto = "expectation", {"word": self.original[said.start : said.end]}  # "$7.08 expected"
        earlier = current.subject if current else None
        if current is not None and current.main is not None and mention.power >= 6:
            # "$26.4 billion, or $1.08 per diluted share, from $16.6 billion": no per-share figure is
            # written in billions; it is of what the figure before the per-share one was
            earlier = current.main
        if pending is not None:
            earlier = _merge(pending, earlier, en)[0] if earlier else pending
        if change_of is not None and not (before is not None and inherit):
            earlier = None  # the change frame names its own subject, or none
        if (
            pending is not None and pending.member and not (own.member or own.part)
            and any(t.kind == "term" and "company" in t.attrs for t in lead)
            and not any(t.kind == "term" and "whole" in t.attrs for t in lead)
        ):  # fmt: skip
            # "In the United States and Canada, Netflix had 89.63 million paid members": there
            own.member, own.members, own.whole, own.company = pending.member, list(pending.members), False, False
        if pending is not None and pending.ratio and not pending.metric and own.metric and not own.ratio:
            own.ratio = True  # "As a percentage of revenue, SG&A rose to 6.1% from 5.0%"
        if (
            pending is not None and pending.metric in ("service_revenue", "product_revenue") and own.metric == "revenue"
            and not (own.member or own.whole or own.part)
        ):  # fmt: skip
            own.metric = pending.metric  # "服務業務繼續成為增長引擎,收入961.69億美元": the services' revenue
        subject, inherited = _merge(own, earlier, en)
        inherited = inherited and pending is None
        if mention.kind == "money" and subject.metric in _COUNT_METRICS and not own.metric:
            subject.metric = None  # "89.63 million paid members and $17.36 billion": no amount of members
        if (
            own.anaphor and earlier is None and not (subject.member or subject.part or subject.unknown)
            and not any(t.kind == "term" and "company" in t.attrs for t in lead)  # "Meta said its revenue"
        ):  # fmt: skip
            # "Its revenue declined 7%" after "the energy generation and storage business held up":
            # what the sentence before named, if it named one thing; else the text does not say
            if self.referent not in (None, _COMPANY):
                subject.member, subject.members = self.referent, [self.referent]
            elif not (self.referent == _COMPANY and own.anaphor.lower() in _POSSESSIVES):
                subject.unknown = own.anaphor
        subject.veto = subject.veto or right_veto
        ours = subject.company or any(t.kind == "term" and "company" in t.attrs for t in lead)
        if self.topic and not (subject.veto or ours or (subject.member and not self.topic_heading)):
            # "## 2. Netflix: ..." then "Operating income rose 50%", "The company generated $7.36
            # billion": that company's, not the filer's (after a sentence on it, a member of the
            # filer's named is still the filer's)
            subject.veto = "other_company", {"name": self.topic}
        if not subject.loss:
            subject.loss = next((t.attrs.get("loss") or "any" for t in _terms(right[:4]) if "loss" in t.attrs), "")
        # a bracket with a figure of its own is that figure's: "成長10%(若排除匯率影響則成長11%)", but
        # "年增 12%(排除匯率影響)" qualifies the 12%
        self.bracket_owned = bool(after) and after[0].aside and not token.aside
        if any(
            t.attrs.get("measure") == "ex_fx" and (token.aside or not t.aside or not self.bracket_owned)
            for t in _terms(right[:3])
        ):
            subject.ex_fx = True  # (not "成長10%(若排除匯率影響則成長11%)": the bracket's figure is ex-FX)
        if any(t.attrs.get("measure") == "ttm" for t in _terms(right[:3])):
            # "increased 16% to $130.7 billion for the trailing twelve months": both figures
            subject.ttm = True
            if inherited and current is not None and not current.claim.window:
                current.claim.window = "ttm"
        role = self._role(claim, token, lead, right, subject, current if inherited else None, guidance, change_of)
        self._qualifier(claim, token, lead, right)
        self._fill(claim, subject, role, lead, right, change_of, current if inherited else None)
        if mention.kind == "money" and _RATE.match(self.folded, token.end):
            claim.reason, claim.reason_args = "fx_rate", {}  # "以1美元兑32.8元新台币计": a rate
        noun = next((t for t in right[:1] if "figure_noun" in t.attrs and t.start - token.end <= 1), None)
        if role == "eps" and current is not None and current.claim.stated < 0 < claim.stated and current.subject.loss:
            _negate(claim)  # "a loss of $2.03 billion, or 20 cents a share": a loss a share too
        if (
            claim.metric in _PER_SHARE
            and claim.stated > 0
            and _LOSS_PER_SHARE.search(self.folded, max(0, token.start - 8), token.start)
        ):
            _negate(claim)  # "每股虧損0.27美元", "a loss of 20 cents a share"
        if noun is not None:
            # "a $4.5 billion charge", "a $60 billion buyback": the figure is that, no metric's
            claim.reason, claim.reason_args = "figure_noun", {"word": self.original[noun.start : noun.end]}
        since = next((t for t in (*lead, *right) if t.attrs.get("since") == "start"), None)
        if since is not None and role in ("growth", "change") and not claim.reason:
            # "has doubled since 2021": a change over several periods, not a filed growth rate
            claim.reason, claim.reason_args = "since", {"when": self.original[since.start : since.end]}
        elif since is not None and any("cumulative" in t.attrs for t in (*lead, *right)):
            # "cumulative losses since 2020 now exceed $60 billion": a total over several years
            claim.reason, claim.reason_args = "cumulative", {"when": self.original[since.start : since.end]}
        main = None
        if role == "eps":  # "$X, or $Y per diluted share, compared with $5.80 a year before"
            main = current.main if current is not None and current.main is not None else subject
            subject = replace(subject, metric=claim.metric, margin=None, member="", members=[])
        self.figure_aside, self.relative = token.aside, False
        if period_from is not None:  # a cause keeps the period of the figure it explains
            own_period, source = self._period(claim, lead, right, True, period_from, frame, role)
        else:
            own_period, source = self._period(claim, lead, right, inherited, current, frame, role)
        compared = self._compared_level(claim, token, lead, current)
        if (
            self.section_member and not claim.segment and not claim.reason and claim.metric
            and not (subject.member or subject.whole or subject.company or subject.part or subject.unknown)
        ):  # fmt: skip
            # "gross profit margin increased 0.7 points" under the heading "Software": Software's,
            # or the company's; the text does not say
            claim.segment, claim.alt_segments = self.section_member, [""]
        reading = Reading(claim, subject, role, inherited, own_period, source, main=main, relative=self.relative)
        if (role in _BASES or compared or source == "prior") and current is not None and source != "spoken":
            reading.compared = current  # the figure this one is the base of: a change after both is the later's
        if (
            source == "trailing" and inherited and current is not None and current.period_from in ("frame", "document")
            and role == "level" and current.claim.measure in ("yoy", "qoq", "change")
        ):  # fmt: skip
            # "increased 11% to $638.0 billion in 2024": the period written last is both figures'
            current.claim.period, current.claim.readings = claim.period, list(claim.readings)
            current.claim.period_explicit = True
        return reading

    def _compared_level(self, claim: Claim, token: Token, lead: list[Token], current: Reading | None) -> bool:
        """ "較去年同期的8.90億美元", "较上一季的60.5%", "較前一年的842.93億美元", "较2023年的270.45亿美元":
        a level named right after the comparison is the compared period's figure, not this period's."""
        if claim.measure not in ("level", "margin", "yoy", "qoq") or not lead:
            return False
        last = lead[-1]
        if self.folded[last.end : token.start].strip() not in ("的", "为", "时的", "之"):
            return False
        rate = last.attrs.get("measure") if last.kind == "term" else None
        if claim.measure in ("yoy", "qoq"):
            # "AWS同比增长17%,增速较上季度的19%有所放缓": the (year-on-year) growth of the quarter before
            growth = _GROWTH_RATE.search(self.folded, lead[0].start, last.start)
            if rate == "qoq" and growth and claim.period is not None and claim.period.is_quarter:
                claim.measure = "yoy"
                claim.period, claim.readings = claim.period.previous(), []
                return True
            return False
        base_mark = last.mark if last.mark is not None and self._after_base(lead, len(lead) - 1) else None
        if rate not in ("yoy", "qoq") and base_mark is None:
            return False
        if base_mark is not None:
            # "較前一年的", "较2023年的": the period the comparison names, counted from the figure before
            if current is None or current.claim.period is None:
                return False
            found = self.context.base_readings(base_mark, current.claim.period)
            if not found:
                return False
            claim.period, claim.readings = found[0], found[1:]
        else:
            if claim.period is None and current is not None and current.claim.period is not None:
                # "2024年資本支出為113.4億美元,較去年同期的89.0億美元": compared with the figure before
                claim.period, claim.readings = current.claim.period, list(current.claim.readings)
            if claim.period is None:
                return False
            if rate == "yoy":
                claim.period, claim.readings = claim.period.year_ago(), [r.year_ago() for r in claim.readings]
            elif claim.period.is_quarter:
                claim.period, claim.readings = claim.period.previous(), []
            else:
                return False
        if claim.reason == "no_period":
            claim.reason, claim.reason_args = "", {}
        return True

    def _of_phrase(self, token: Token, right: list[Token]) -> str:
        """ "$10.43 billion of net proceeds": the words after "of" that say what the figure is, when
        no vocabulary word does."""
        end = next((t.start for t in right if self.folded[t.start : t.end] != "of"), token.end + 60)
        m = _OF_PHRASE.match(self.folded, token.end, min(end, token.end + 60))
        if m is None or m.group(2) in _FUNCTION_WORDS:
            return ""
        return self.original[m.start(1) : m.end(1)]

    def _change_before(self, lead: list[Token], token: Token) -> Token | None:
        """ "an increase in X of $Y", "an increase of 14%": a change noun opening the figure's phrase."""
        terms = _terms(lead)
        for t in reversed(terms):
            if "change_of" in t.attrs:
                between = [u for u in terms if u.start >= t.end]
                if any(
                    "to" in u.attrs and "metric" not in u.attrs and self.folded[u.start : u.end] != "of"
                    for u in between
                ):
                    return None
                return t
            if "dir" in t.attrs or "base" in t.attrs:
                return None
        return None

    def _change_of(self, right: list[Token]) -> Token | None:
        first = next((t for t in right if not (t.kind == "term" and "qual" in t.attrs)), None)
        if first is not None and first.kind == "term" and "change_of" in first.attrs:
            return first
        return None

    def _member_after(self, token: Token, right: list[Token]) -> Token | None:
        first = next((t for t in right if t.kind == "term"), None)
        if first is None or "member" not in first.attrs:
            return None
        if not re.fullmatch(r"\s*(?:in|at|from|for)\s+(?:the\s+)?", self.folded[token.end : first.start]):
            return None
        if re.match(r"\s*(?:&|and)\s+[A-Z]", self.original[first.end : first.end + 12]):
            return None  # "United States & Canada": a longer name than the one found
        return first

    def _metric_after(self, token: Token, right: list[Token]) -> Token | None:
        if _ON_REVENUE.match(self.folded, token.end):
            return None  # "earned $39.1 billion on revenue of $134.9 billion": not the revenue
        first = next((t for t in right if t.kind == "term" and self.folded[t.start : t.end] not in _CONNECTORS), None)
        if (
            first is not None
            and first.attrs.get("measure") == "share"
            and token.mention
            and token.mention.kind == "money"
        ):
            metric = _metric_in(self.folded[first.start : first.end])  # "$17.36 billion of revenue": no share
            first = Token(first.start, first.end, "term", {"metric": metric}) if metric else None
        if first is None or not ("metric" in first.attrs or "margin" in first.attrs):
            return None
        return first if _CONNECTOR.match(self.folded[token.end : first.start]) else None

    def _role(
        self,
        claim: Claim,
        token: Token,
        lead: list[Token],
        right: list[Token],
        subject: Subject,
        previous: Reading | None,
        guidance: bool,
        change_of: Token | None,
    ) -> str:
        terms_lead, terms_right = _terms(lead), _terms(right)
        near = [
            t
            for t in terms_lead
            if not ("qual" in t.attrs and len(t.attrs) == 1) and not ("and" in t.attrs and len(t.attrs) == 1)
        ]
        prev = near[-1] if near and self._adjacent(near[-1], token, terms_lead) else None
        close_right = [
            t for t in terms_right if t.start - token.end <= 3 or t is (terms_right[0] if terms_right else None)
        ]
        measures = {
            t.attrs.get("measure") for t in (*terms_lead, *terms_right[:3])
            if "measure" in t.attrs and (token.aside or not t.aside or not self.bracket_owned)
        }  # fmt: skip
        lead_measures = {t.attrs.get("measure") for t in terms_lead if "measure" in t.attrs}
        if claim.kind == "money" and claim.power < 6 and any("per_share" in t.attrs for t in terms_right[:2]):
            if _PRICE_BEFORE.search(self.folded, max(0, token.start - 16), token.start):
                return "price"  # "At $186 per share, AMZN trades at 36x": the share's price
            if "non_gaap" in lead_measures or subject.non_gaap:
                return "non_gaap"  # "on an adjusted basis Tesla earned 40 cents a share"
            return "eps"
        if claim.kind == "money" and previous is not None and self.per_share_seen and claim.power <= 0 and not near:
            return "eps"  # "$1.17 billion, or 33 cents a share, from $1.40 billion, or 40 cents": per share too
        if claim.kind in ("money", "percent") and (prev is not None and "first_above" in prev.attrs):
            return "first_above"
        if "guide_high" in measures or "guide_low" in measures:
            return "guide_high" if "guide_high" in measures else "guide_low"
        if "implied" in lead_measures or ("implied" in measures and claim.kind == "percent"):
            return "implied"  # "營收 1,735–1,785 億美元(隱含年增 11%–15%)": the growth is implied, not the range
        named = prev is not None and prev.attrs.get("measure") == "guidance"  # "落在財測 210–260 億美元"
        if named or "guidance" in {t.attrs.get("measure") for t in close_right}:
            return "guidance"
        compared_at = next(
            (t.end for t in terms_lead if t.has("base") or t.attrs.get("qual") in ("at_least", "at_most")), None
        )
        if guidance and not (compared_at is not None and any(t.mark is not None and t.start >= compared_at
                                                                  for t in lead)):  # fmt: skip
            # (not "財測是140億至180億美元,低於去年第四季的212.0億美元": a result the guidance is compared with)
            return "guidance"
        if "ex_fx" in measures or subject.ex_fx:
            return "ex_fx"
        if "non_gaap" in measures or subject.non_gaap:
            return "non_gaap"
        if (
            close_right
            and "adjusting" in close_right[0].attrs
            and not self.folded[token.end : close_right[0].start].strip()
        ):
            return "non_gaap"  # "$25.0 billion excluding a $2.5 billion charge": an adjusted figure
        if claim.kind == "money" and subject.margin and subject.metric is None:
            subject.metric, subject.margin = subject.margin, None  # "gross margin of $180.7 billion": the amount
        if claim.kind == "money" or (claim.kind == "count" and subject.metric in _COUNT_METRICS):
            if "run_rate" in measures:
                return "run_rate"
            if change_of is not None:
                return "change"
            if previous is not None and previous.role in ("change", "growth") and not near:
                return "change"  # "increased $1.7 billion and $1.5 billion", "$32.9 billion or 5.1% and $36.8 billion"
            added = prev is not None and prev.attrs.get("measure") == "incremental"
            if (
                added
                and prev is not None
                and _ASCII_WORD.match(self.folded, prev.start)
                and not measures & {"yoy", "qoq"}
            ):
                added = False  # "subscription services added $9.9 billion": brought in, with no period to add to
            if prev is not None and (("dir" in prev.attrs and "to" not in prev.attrs) or added):
                return "change"
            if (
                prev is not None and "metric" in prev.attrs and len(near) >= 2
                and near[-2].attrs.get("measure") == "incremental"
                and not self.folded[near[-2].end : prev.start].strip()
            ):  # fmt: skip
                return "change"  # "单季新增营收26亿美元": the revenue added
            if prev is not None and (
                "base" in prev.attrs or ("loss" in prev.attrs and len(near) >= 2 and "base" in near[-2].attrs)
            ):  # "compared with a loss of $2.03 billion"
                return "base"
            noun = next(
                (t for t in terms_lead if t.has("change_of") or self.folded[t.start : t.end] in _CHANGE_NOUNS), None
            )
            if noun is not None and prev is not None and "to" in prev.attrs and prev.start > noun.end:
                return "change"  # "our sequential dollar growth in AWS was about $2.1 billion"
            return "level"
        if claim.kind == "percent":
            share = self._share_before(terms_lead) or any(t.attrs.get("measure") == "share" for t in terms_right[:2])
            if share:
                return "share"
            if (
                previous is not None and previous.role == "share" and terms_lead
                and all(t.has("dir") or t.has("to") or t.has("qual") for t in terms_lead)
            ):  # fmt: skip
                return "share"  # "比重由2023年的66.8%降到58.1%": the share it went to
            if subject.margin is not None or subject.ratio:
                margin_at = max((t.end for t in terms_lead if "margin" in t.attrs or "ratio" in t.attrs), default=-1)
                if (
                    any("dir" in t.attrs for t in terms_lead if t.start >= margin_at)
                    and prev is not None
                    and "to" not in prev.attrs
                ):
                    return "unknown_margin_change"  # "operating margin rose 2%": relative or points?
                if prev is not None and "base" in prev.attrs:
                    return "base_margin"
                return "margin"
            if (
                measures & {"yoy", "qoq"}
                or change_of is not None
                or any("dir" in t.attrs for t in (*terms_lead, *terms_right[:1]))
            ):
                return "growth"
            if previous is not None and previous.role in ("change", "growth"):
                return "growth"  # "increased $66.6 billion, or 11%"; "16% and 14%"
            return "unknown_percent"
        if claim.kind == "points":
            if subject.margin is not None or subject.ratio:
                return "pp"
            return "unknown_points"
        return claim.kind  # count, multiple, foreign: unverifiable as such

    def _share_before(self, terms: list[Token]) -> bool:
        """A share word before the figure with nothing between but the whole it is a share of:
        "占总营收的近75%", "贡献了公司超过60%", "accounted for about 76%"."""
        for t in reversed(terms):
            if t.attrs.get("measure") == "share":
                return True
            if not (
                "whole" in t.attrs
                or "company" in t.attrs
                or "qual" in t.attrs
                or "metric" in t.attrs
                or "to" in t.attrs
                or "base" in t.attrs  # "佔營業利益的比重由2023年的66.8%"
            ):
                return False
        return False

    def _adjacent(self, word: Token, figure: Token, terms: list[Token]) -> bool:
        """Is `word` next to the figure, but for qualifiers and a few particles ("占总营收逾61%")?"""
        gap = self._blanked([t for t in terms if "qual" in t.attrs], word.end, figure.start, "")
        return gap.strip(" 了达到为至仅僅by") == ""

    def _qualifier(self, claim: Claim, token: Token, lead: list[Token], right: list[Token]) -> None:
        if claim.qualifier != "eq":
            return
        if self.folded[token.end : token.end + 1] == "+" and claim.kind == "percent":
            claim.qualifier = "at_least"  # "营收增速20%+"
            return
        quals = [t for t in _terms(lead) if "qual" in t.attrs]
        if quals and self.folded[quals[-1].end : token.start].strip(" 达到为至了仅僅") == "":
            claim.qualifier = quals[-1].attrs.get("qual") or "eq"
        after = next((t for t in _terms(right[:1]) if "qual" in t.attrs and t.start - token.end <= 1), None)
        if after is not None and after.attrs.get("qual") in ("at_least", "at_most", "approx"):
            claim.qualifier = after.attrs.get("qual") or "eq"

    def _fill(
        self,
        claim: Claim,
        subject: Subject,
        role: str,
        lead: list[Token],
        right: list[Token],
        change_of: Token | None,
        previous: Reading | None = None,
    ) -> None:
        """The claim's metric, member and measure from the subject and the figure's role."""
        metric = subject.margin if subject.margin is not None else subject.metric
        named_metric = metric
        if subject.loss and claim.kind == "money" and role in ("level", "base"):
            if subject.loss == "tax":
                metric = "income_tax_provision"  # "a benefit from income taxes of $112 million"
            elif subject.loss == "net" or (metric == "net_income"):
                metric = "net_income"
            elif subject.loss == "operating" or metric == "operating_income":
                metric = "operating_income"
            elif subject.member and metric in (None, "revenue"):
                metric = "operating_income"  # "Reality Labs lost $17.7 billion": a segment's loss is operating
            elif metric in (None, "revenue"):
                metric = None  # "a loss of $176 million": of what, the text does not say
            if claim.stated > 0:
                claim.stated = -claim.stated
        if subject.margin == "" and not metric:
            claim.reason, claim.reason_args = "which_margin", {}  # "segment profit margin of 23.3 percent"
        elif subject.member and not metric and role not in ("eps",) and subject.tight:
            metric = "revenue"  # "AWS grew 20%": a segment's growth, unqualified, is its sales growth
        if metric == "opex":
            metric = "total_operating_expenses" if subject.member else None
            if metric is None:
                claim.reason, claim.reason_args = "which_opex", {}
        if metric == "profit":
            # A segment's profit is its operating income; the company's "profit" could be either.
            metric = "operating_income" if subject.member else None
            if metric is None:
                claim.reason, claim.reason_args = "which_profit", {}
        claim.metric = metric or None
        claim.segment = subject.member
        claim.alt_segments = list(subject.alt_members)  # "汽車業務": read under each member it may name
        claim.window = "ttm" if subject.ttm else ""
        # "operating loss increased $349 million": operating income fell by that much
        flip = bool(subject.loss and role in ("change", "growth") and claim.kind == "money")
        if role == "eps":
            basic = any("basic" in self.folded[t.start : t.end] for t in _terms(right[:2]))
            claim.metric, claim.segment = ("eps_basic" if basic else "eps_diluted"), ""
            claim.measure = "level"
        elif role in ("level", "base"):
            claim.measure = "level"
        elif role == "change":
            claim.measure = "change"
            down = change_of.attrs.get("change_of") == "down" if change_of else _down(lead)
            said = change_of is not None or any("dir" in t.attrs for t in _terms(lead))
            if not said and previous is not None and previous.claim.stated < 0:
                down = True  # "decreases of $3.00 billion and $4.97 billion": both down
            if down:
                _negate(claim)
            if not change_of and _direction(lead) == "any":
                claim.bound = "abs"  # "changed by $6.84 billion": which way, the text does not say
            if flip:
                claim.stated = -claim.stated
            measures = {t.attrs.get("measure") for t in (*_terms(lead), *_terms(right)) if "measure" in t.attrs}
            if "qoq" in measures:
                claim.base = None
                claim.alt_measures = ["qoq"]
            elif "yoy" in measures:
                claim.alt_measures = ["yoy"]
            else:
                first = "qoq" if "incremental" in measures else "yoy"
                claim.alt_measures = [first, "qoq" if first == "yoy" else "yoy"]
        elif role == "growth":
            claim.measure = _rate(lead, right, claim.end, self.frame_rate)
            down = (
                change_of.attrs.get("change_of") == "down" if change_of is not None else _down(lead) or _down(right[:1])
            )
            said = change_of is not None or any("dir" in t.attrs for t in (*_terms(lead), *_terms(right[:1])))
            if not said and previous is not None and previous.claim.stated < 0:
                down = True  # "decreased $6.03 billion, or 8%": the rate goes the way of the amount
            if down:
                _negate(claim)
            if subject.loss and claim.metric in _PROFITS and any("loss" in t.attrs for t in _terms(lead)):
                # "Reality Labs operating loss widened 10%": the income fell 10% of the loss it had
                _negate(claim)
        elif role in ("margin", "base_margin"):
            claim.measure = "margin"
            claim.metric = metric
            ratio = next((t for t in _terms(lead) if "ratio" in t.attrs), None)
            if ratio is not None:  # "as a percentage of net sales": over the sales it names
                claim.share_of = self.vocab.denominator(self.folded[ratio.start : ratio.end])
        elif role == "pp":
            claim.measure = "pp"
            measures = {t.attrs.get("measure") for t in (*_terms(lead), *_terms(right)) if "measure" in t.attrs}
            claim.alt_measures = ["qoq"] if "qoq" in measures else ["yoy"]
            if _down(lead) or (not _direction(lead) and _down(right[:1])):
                _negate(claim)  # "下降2.0个百分点", "2.2 percentage points lower than the 6.3%"
        elif role == "share":
            claim.measure = "share"
            share = next((t for t in (*_terms(lead), *_terms(right[:2])) if t.attrs.get("measure") == "share"), None)
            whole = _metric_in(self.folded[share.start : share.end]) if share else None
            if previous is not None and whole in _REVENUE_WORDS and not subject.member and metric in _PROFITS:
                # "operating income of $69.38 billion, or 42.2% of revenue": that income's margin
                claim.measure, claim.metric = "margin", metric
            else:
                self._share(claim, subject, share, whole, right, named_metric, previous)
        elif role in ("guidance", "guide_high", "guide_low", "implied"):
            claim.measure = "guidance"
            claim.bound = {"guide_high": "high", "guide_low": "low", "implied": "implied"}.get(role, "")
        elif role in ("run_rate", "ex_fx", "non_gaap", "first_above"):
            claim.measure = role
            if role == "first_above":
                claim.qualifier = "at_least"
        else:
            claim.measure = "level"
            claim.reason, claim.reason_args = _UNKNOWN_ROLE.get(role, ("count", {}))
        if subject.veto:  # a topic no filing covers says more than what the figure measures
            claim.reason, claim.reason_args = subject.veto
        elif claim.reason:
            return
        elif subject.several:
            claim.reason, claim.reason_args = "several", {"what": subject.several}
        elif subject.unknown:
            claim.reason, claim.reason_args = "unknown_subject", {"word": subject.unknown}
        elif subject.part:
            claim.reason, claim.reason_args = "part", {"word": subject.part}
        elif claim.metric is None and claim.kind in ("money", "percent", "points"):
            claim.reason, claim.reason_args = "unclear", {}

    def _share(
        self, claim: Claim, subject: Subject, share: Token | None, whole: str | None, right: list[Token],
        named_metric: str | None, previous: Reading | None,
    ) -> None:  # fmt: skip
        """A share's part and whole."""
        after = self._metric_after_share(share, right) if share else None
        if whole is None and after is None and right:
            m = _OF_WHOLE.match(self.folded, claim.end)
            named = next((t for t in right if t.kind == "term" and t.start >= (m.end() if m else -1)), None)
            if (
                m
                and named is not None
                and named.start == m.end()
                and ("metric" in named.attrs or "margin" in named.attrs)
            ):
                # "roughly 53% of its operating profit": a share of that, whatever the share before was of
                after = named.attrs.get("metric") or named.attrs.get("margin")
                claim.metric = after if after != "profit" else "operating_income"
                after = claim.metric
        if after == "profit":
            after = "operating_income" if subject.member else None
        claim.share_of = whole or after or (subject.metric if subject.member else None) or "revenue"
        mismatched = (whole or after) not in (None, *_REVENUE_WORDS) and claim.metric in _REVENUE_WORDS
        if (not named_metric and (whole or after)) or (whole and previous is not None) or mismatched:
            # (a revenue as a share of operating income is no share: "以不到18%的营收贡献了公司约64%的营业利润")
            # "AWS贡献了公司超过60%的营业利润": AWS's operating income; "营业利益…年增7.8%,佔總營收比重
            # 約68%": a share of total revenue is of revenue, whatever the figure before was
            claim.metric = claim.share_of
        if not subject.member and claim.share_of == (claim.metric or "revenue") and not subject.part:
            claim.reason, claim.reason_args = "share_of_what", {}

    def _metric_after_share(self, share: Token, right: list[Token]) -> str | None:
        """ "AWS贡献了公司超过60%的营业利润": the whole is named after the figure."""
        after = next((t for t in _terms(right[:3]) if "metric" in t.attrs or "margin" in t.attrs), None)
        if after is not None and after.start >= share.end:
            return after.attrs.get("metric")
        return None

    # -- periods ----------------------------------------------------------------------------

    def _period(
        self,
        claim: Claim,
        lead: list[Token],
        right: list[Token],
        inherited: bool,
        current: Reading | None,
        frame: list[FiscalLabel] | None,
        role: str = "",
    ) -> tuple[bool, str]:
        """Set the claim's period (and other readings, and a named base); (whether the text names it,
        where it came from)."""
        now = self._now(frame)
        token_aside = self.figure_aside
        after_figure = current is not None and current.claim.period is not None
        if after_figure:
            assert current is not None
            now = current.claim.period  # "上季为X" after a figure: counted from that figure's period
        # A period straight after the figure before belongs to that one ("$11.34 billion in 2024
        # compared to $8.90 billion in 2023"), not to this.
        taken = 0
        if (
            current is not None
            and lead
            and lead[0].start >= current.claim.end
            and not re.search(r"[,;:、]", self.folded[current.claim.end : lead[0].start])
        ):
            while (
                taken < len(lead)
                and (lead[taken].mark is not None)
                and not (lead[taken].aside and self.figure_aside)  # "(FY2023: US$5.80)": the bracket's own
                and _ATTACHED.fullmatch(
                    self.folded, lead[taken - 1].end if taken else current.claim.end, lead[taken].start
                )
            ):
                taken += 1
        own = [i for i, t in enumerate(lead) if i >= taken and t.mark is not None and not self._after_base(lead, i)]
        bases = [t for i, t in enumerate(lead) if t.mark is not None and self._after_base(lead, i)]
        # a period in brackets after the figure is the bracket's own ("2.04美元(2023年为4.30美元)")
        trailing = [
            i for i, t in enumerate(right)
            if t.mark is not None and not self._after_base(right, i) and (token_aside or not t.aside)
        ]  # fmt: skip
        bases += [t for i, t in enumerate(right) if t.mark is not None and self._after_base(right, i)]
        found: list[FiscalLabel] = []
        explicit, source = False, "document"
        level_after_level = current is not None and claim.measure == "level" and current.claim.measure == "level"
        # "去年同期淨利是143億美元、每股賺1.39美元": a list shares the period its first item names
        listed = (
            bool(lead[:1]) and lead[0].has("and") and current is not None and current.period_from in ("own", "local")
        )
        if own:
            token = lead[own[-1]]
            assert token.mark is not None
            found, explicit = self._readings(token.mark, now), True
            self.relative = token.mark.kind == "rel"
            if token.mark.kind == "rel" and token.mark.rel == "that_period" and current is not None and after_figure:
                assert current.claim.period is not None
                found = [current.claim.period, *current.claim.readings]  # "..., and over the same period"
            if token.mark.kind == "rel" and token.mark.rel == "prior_year" and after_figure and now is not None:
                found = [now.year_ago()]  # "2024年营收为6380亿美元,上年为5748亿美元": the year before that one
            local = self.folded[token.end : token.end + 2].strip().startswith("的")
            source = "local" if local else "own"
            if token.mark.kind == "rel" and token.mark.rel == "prior_year" and after_figure:
                source = "prior"  # the figure compared with the one before: a rate after both is that one's
        elif trailing:
            mark = right[trailing[0]].mark
            assert mark is not None
            base_now = current.claim.period if current is not None and inherited else now
            found, explicit, source = self._readings(mark, base_now), True, "trailing"
            self.relative = mark.kind == "rel"
            if mark.kind == "rel" and current is not None and inherited:
                # "compared with $1.91 a year earlier" after a figure read under two periods: a year
                # before either
                for other in current.claim.readings:
                    found += [p for p in self._readings(mark, other) if p not in found]
        elif role == "eps" and current is not None and current.claim.period is not None and current.role in _BASES:
            # "from $16.6 billion, or 67 cents per share, a year earlier": per share of the base, of
            # its period; or of the figure the base is compared with ("to $19.4 billion from $15.5
            # billion, or $2.41 per diluted share"): the text does not say which
            found = [current.claim.period, *current.claim.readings]
            if current.compared is not None and current.compared.claim.period is not None:
                found.append(current.compared.claim.period)
            explicit, source = current.own_period, "inherited"
        elif (
            (role == "eps" or role in _BASES) and current is not None and current.claim.period is None
            and current.claim.reason == "no_period"
        ):  # fmt: skip
            pass  # "Net income in that quarter was $6.75 billion, or 65 cents": of a period the text leaves open
        elif (
            role == "eps" and current is not None and current.claim.period is not None
            and current.claim.kind == "money" and current.role != "eps" and current.claim.period_explicit
        ):  # fmt: skip
            # "去年同期淨利是143億美元、每股賺1.39美元", "$1.40 billion, or $0.40 per diluted share": per
            # share of the figure before, of its period
            found = [current.claim.period, *current.claim.readings]
            explicit, source = True, "inherited"
        elif (
            role in _BASES
            and current is not None
            and current.claim.period is not None
            and (inherited or self._now(frame) is None or role == "base")
        ):
            # "compared to $307.2 billion in revenues": the figure compared with, a year before
            found = [p.year_ago() for p in (current.claim.period, *current.claim.readings)]
            source = "inherited"
        elif role == "base_margin" and self._now(frame) is not None:
            # "Cloud operating margin 從 5.2% 升至 14.1%": a year before the period spoken of
            spoken = self._now(frame)
            assert spoken is not None
            found, source = [spoken.year_ago()], "spoken"
        elif (
            inherited and current is not None and current.claim.period is not None
            and current.period_from != "local" and not level_after_level
        ):  # fmt: skip
            if current.compared is not None and (
                claim.measure in ("change", "yoy", "qoq", "pp")
                or (current.role in _BASES and role not in _BASES and claim.measure in ("level", "margin"))
            ):  # "營業利益率從6.4%拉升至10.8%": the figure after the base is the later one
                # "$11.34 billion in 2024 compared to $8.90 billion in 2023, representing an increase
                # of $2.44 billion": the change is of the later figure, not of its base
                current = current.compared
            assert current.claim.period is not None
            found = [current.claim.period, *current.claim.readings]
            explicit, source = current.own_period, "inherited"
            if current.period_from == "spoken" and role not in _BASES and self._now(frame) is not None:
                # "從 5.2% 升至 14.1%" with the base a year before the period spoken of: that period
                found = [self._now(frame)]  # type: ignore[list-item]
        elif listed and current is not None and current.claim.period is not None:
            found, explicit, source = [current.claim.period, *current.claim.readings], True, "inherited"
        elif frame:
            found, explicit, source = list(frame), True, "frame"
        elif self.label:
            found, source = list(self.label), "frame"
        elif self.section:
            found, source = list(self.section), "frame"
        elif self.context.document:
            found = list(self.context.document)
        if (
            role in ("guidance", "guide_high", "guide_low", "implied") and not explicit and found
            and source in ("document", "frame")
            and found[0].is_quarter and not found[0].ytd
        ):  # fmt: skip
            # "It forecast net sales of between $173.5 billion and $178.5 billion" in a report on a
            # quarter: guidance given with the quarter's results is for the next one, or else for it
            found = [found[0].next(), *found]
        if found:
            claim.period, claim.readings = found[0], found[1:]
        claim.period_explicit = explicit
        if bases and claim.period is not None:
            mark = bases[0].mark
            assert mark is not None
            base = self.context.base_readings(mark, claim.period)
            if claim.measure in ("level", "margin") and not own and not trailing:
                # "高于一季度的0.12美元", "compared with Q3's $X": the figure is the base period's
                claim.period, claim.readings = (base[0], base[1:]) if base else (None, [])
                if current is None:
                    source = "spoken"  # "营业利润率从上年同期的5.7%升至9.9%": what follows is of the period spoken of
            else:
                claim.base = base[0] if base else None
                period = claim.period
                if claim.base is not None and (claim.base.is_quarter, claim.base.ytd) != (
                    period.is_quarter,
                    period.ytd,
                ):
                    # "grew 79% year-on-year compared to the first half of fiscal year 2025": the half after
                    label = claim.base
                    claim.period, claim.readings = FiscalLabel(label.year + 1, label.quarter, label.ytd), []
        if claim.period is None and not claim.reason:
            claim.reason, claim.reason_args = "no_period", {}
        return explicit, source

    # -- sentence-wide frames ---------------------------------------------------------------

    def _respectively(self, sentence: Sentence, readings: list[Reading]) -> None:
        """Figures listed against a list of periods or members, in order: "$36.9 billion and $68.6
        billion for 2023 and 2024", "for the three and six months ended June 30, 2025 increased 16%
        and 14% ..., respectively", "A and B were $X and $Y, respectively"."""
        words = [t for t in sentence.tokens if t.kind == "term" and "respectively" in t.attrs]
        lists = self._period_lists(sentence)
        if len(readings) < 2 or (not words and not lists):
            return
        if len(words) > 1:  # "... $22.50 billion and $41.83 billion, respectively, representing decreases
            j = 0  # of $3.00 billion and $4.97 billion, respectively": each list on its own
            for word in words:
                part: list[Reading] = []
                while j < len(readings) and readings[j].claim.start < word.start:
                    part.append(readings[j])
                    j += 1
                self._pair(part, word, lists, sentence)
            return
        self._pair(readings, words[0] if words else None, lists, sentence)

    def _pair(self, readings: list[Reading], word: Token | None, lists: list, sentence: Sentence | None = None) -> None:
        if word is not None and _HAN.search(self.folded, word.start, word.end):
            # "年增率分別為17.2%、18.7%、19.1%、18.9%": Chinese lists after the word, as far as the list runs
            group = []
            for r in readings:
                if r.claim.start < word.end:
                    continue
                if group and not _LIST_GAP.fullmatch(self.folded, group[-1].claim.end, r.claim.start):
                    break
                group.append(r)
        else:
            group = [r for r in readings if word is None or r.claim.start < word.start]
        items = self._items(group)
        own = [labels for is_base, labels in lists if not is_base]
        based = any(is_base for is_base, _ in lists)
        if own:
            labels = own[0]
            tail = items if len(items) == len(labels) else []
            if all(label.is_year for label in labels) and self._quarters_named(sentence):
                tail = []  # "between the third and fourth quarters of 2024, 2023 and 2022": not the years
            if tail:
                for item, label in zip(tail, labels, strict=True):
                    for reading in item:
                        reading.claim.period, reading.claim.readings = label, []
                        reading.claim.period_explicit = True
                        if reading.claim.reason == "no_period":
                            reading.claim.reason, reading.claim.reason_args = "", {}
                        if based:
                            reading.claim.base = None  # the base list mirrors the periods: each its year-ago
                return
            for reading in group:  # a list of periods the figures do not match one for one
                if (word is not None or reading.period_from in ("own", "trailing")) and not reading.claim.reason:
                    reading.claim.reason, reading.claim.reason_args = "respectively", {}
            return
        if word is None:
            return
        members = next((r.subject.members for r in group if len(r.subject.members) >= 2), None)
        if members and len(members) <= len(group):
            for reading, member in zip(group[-len(members) :], members, strict=True):
                reading.claim.segment = member
                if reading.claim.reason == "several":
                    reading.claim.reason, reading.claim.reason_args = "", {}
            return
        for reading in group:
            if not reading.claim.reason:
                reading.claim.reason, reading.claim.reason_args = "respectively", {}

    @staticmethod
    def _quarters_named(sentence: Sentence | None) -> bool:
        return sentence is not None and any(
            t.mark is not None and t.mark.kind in ("quarter", "fiscal_quarter") for t in sentence.tokens
        )

    def _items(self, group: list[Reading]) -> list[list[Reading]]:
        """Figures listed as items, "$32.9 billion or 5.1%" being one item (an amount and its rate)."""
        items: list[list[Reading]] = []
        for reading in group:
            if items and self.folded[items[-1][-1].claim.end : reading.claim.start].strip(" ,") in ("or", "或"):
                items[-1].append(reading)
            else:
                items.append([reading])
        return items

    def _period_lists(self, sentence: Sentence) -> list[tuple[bool, list[FiscalLabel]]]:
        """Lists of periods in a sentence ("2023 and 2024", "three and six months ended ..."), each
        with whether it is the base of a comparison ("as compared to ...")."""
        found: list[tuple[bool, list[FiscalLabel]]] = []
        tokens = sentence.tokens
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if t.mark is None or t.mark.kind == "rel":
                i += 1
                continue
            is_base = self._after_base(tokens, i)
            pair = self.context.pair(t.mark)
            if pair:
                found.append((is_base, pair))
                i += 1
                continue
            run = [t]
            j = i + 1
            while j < len(tokens):
                k = j + 1 if tokens[j].kind == "term" and tokens[j].has("and") and len(tokens[j].attrs) == 1 else j
                nxt = tokens[k] if k < len(tokens) else None
                if nxt is None or nxt.mark is None or nxt.mark.kind == "rel":
                    break
                if not _JOINED.match(self.folded[run[-1].end : nxt.start]):
                    break
                run.append(nxt)
                j = k + 1
            if len(run) >= 2:
                labels = [(self.context.readings(m.mark, self.context.period) or [None])[0] for m in run if m.mark]
                if all(labels):
                    found.append((is_base, [label for label in labels if label]))
            i = j
        return found

    def _streaks(self, sentence: Sentence, readings: list[Reading], text: str) -> list[Claim]:
        """ "创13个季度以来新高", "the fastest growth in 13 quarters": a record of the subject's growth.
        One pass over the matches in order, with the figures before each found by bisection."""
        if self._streak_starts is None:  # the whole text scanned once, not once per sentence
            found = sorted((m for p in self.vocab.streaks for m in p.finditer(self.folded)), key=lambda m: m.start())
            self._streak_matches, self._streak_starts = found, [m.start() for m in found]
        first = bisect_left(self._streak_starts, sentence.start)
        last = bisect_left(self._streak_starts, sentence.end)
        matches = [m for m in self._streak_matches[first:last] if m.end() <= sentence.end]
        if not matches:
            return []
        starts = [r.claim.start for r in readings]
        last_growth: list[int] = []  # index of the last growth figure up to each reading, or -1
        for i, r in enumerate(readings):
            last_growth.append(i if r.claim.measure in ("yoy", "qoq") else (last_growth[-1] if i else -1))
        found: list[Claim] = []
        for m in matches:
            if found and m.start() < found[-1].end:
                continue  # one record, matched by two patterns
            k = bisect_left(starts, m.start())
            # a record of growth ("年增率創 13 季以來最快"): of the growth figure said before it
            base = readings[last_growth[k - 1]] if k and last_growth[k - 1] >= 0 else readings[k - 1] if k else None
            claim = Claim(
                quote=self.original[m.start() : m.end()],
                start=m.start(),
                end=m.end(),
                sentence=excerpt(text, self._at, m.start(), m.end()),
                kind="count",
                stated=Decimal(m.group(1)),
                stated_low=None,
                stated_high=None,
                measure="streak",
            )
            if base is not None:
                claim.metric = base.claim.metric if base.claim.measure != "margin" else None
                claim.segment = base.claim.segment
                claim.period, claim.readings = base.claim.period, list(base.claim.readings)
                claim.period_explicit = base.claim.period_explicit
                if base.claim.reason:
                    claim.reason, claim.reason_args = base.claim.reason, base.claim.reason_args
            else:
                start = sentence.clause_starts[sentence.clause_of(m.start())]
                tokens = [t for t in sentence.tokens if start <= t.start and t.end <= m.start()]
                subject = self.subject_of(tokens, False, start)
                claim.metric = subject.metric or ("revenue" if subject.member else None)
                claim.segment = subject.member
                claim.period = self.context.period
                if subject.veto:
                    claim.reason, claim.reason_args = subject.veto
            if claim.metric is None and not claim.reason:
                claim.reason = "unclear"
            found.append(claim)
        return found


_UNKNOWN_ROLE = {
    "unknown_percent": ("unclear_measure", {}),
    "unknown_points": ("points_of_what", {}),
    "unknown_margin_change": ("margin_change", {}),
    "count": ("count", {}),
    "multiple": ("count", {}),
    "foreign": ("currency", {}),
    "number": ("unclear", {}),
    "price": ("price", {}),
}
# Words before "$X per share" that make it the share's price: "At $186 per share, ...", "shares closed at".
_PRICE_BEFORE = re.compile(
    r"(?:(?:^|(?<=[,;.\n]))\s*at|\b(?:trading|trades|traded|closed|priced|shares|stock)\s+at"
    r"|price of|股价为?|股价报)\s*$"
)


def _rate(lead: list[Token], right: list[Token], figure_end: int = -1, frame: str = "") -> str:
    """Year-on-year or sequential: a word straight after the figure says it first ("up 5%
    sequentially"), else the nearest before it ("同比增长12%", "Sequentially, revenue declined 1%");
    by default, on the year."""
    terms = _terms(right[:2])
    end = figure_end
    if len(terms) == 2 and "dir" in terms[0].attrs and (end < 0 or terms[0].start - end <= 1):
        end = terms[0].end if end >= 0 else end  # "6% higher sequentially"
        terms = terms[1:]
    if terms and terms[0].attrs.get("measure") in ("yoy", "qoq") and (end < 0 or terms[0].start - end <= 1):
        return terms[0].attrs.get("measure") or "yoy"
    for t in reversed(_terms(lead)):
        if t.attrs.get("measure") in ("yoy", "qoq"):
            return t.attrs.get("measure") or "yoy"
    return frame or "yoy"


def _direction(tokens: list[Token]) -> str:
    for t in reversed(_terms(tokens)):
        if "dir" in t.attrs:
            return t.attrs.get("dir") or ""
    return ""


def _down(tokens: list[Token]) -> bool:
    """Is the change said to be down ("下降", "fell", "decreased")?"""
    for t in reversed(_terms(tokens)):
        if "dir" in t.attrs:
            return t.attrs.get("dir") == "down"
    return False


def _negate(claim: Claim) -> None:
    low, high = claim.stated, claim.stated_high
    if high is not None:
        claim.stated, claim.stated_high = -abs(high), -abs(low)
    else:
        claim.stated = -abs(low)


def _merge(own: Subject, earlier: Subject | None, en: bool) -> tuple[Subject, bool]:
    """A figure's subject from its own words and the sentence's subject so far: (subject, whether
    it came whole from before)."""
    if earlier is None:
        return own, False
    if not own.named:
        inherited = replace(earlier, members=list(earlier.members))
        inherited.veto = own.veto or earlier.veto
        if own.ttm:
            inherited.ttm = True
        if own.ex_fx:
            inherited.ex_fx = True
        if own.non_gaap:
            inherited.non_gaap = True
        if own.loss:
            inherited.loss = own.loss
        return inherited, True
    subject = replace(own, members=list(own.members))
    if own.margin == "" and not own.metric and earlier.metric in _PROFITS:
        subject.margin = earlier.metric  # "operating income $11.5 billion, margin 9.0%": that income's margin
    has_metric = bool(own.metric or own.margin is not None or own.ratio)
    if not has_metric and (own.member or own.part):
        # "while Asia-Pacific contributed $38.36 billion": that member's figure of the same metric
        subject.metric, subject.margin, subject.ratio = earlier.metric, earlier.margin, earlier.ratio
    elif has_metric and not (own.member or own.part or own.whole or own.unknown):
        subject.member, subject.part, subject.members = earlier.member, earlier.part, list(earlier.members)
        subject.unknown = subject.unknown or earlier.unknown
    if subject.veto is None and not has_metric:
        subject.veto = earlier.veto
    return subject, False
