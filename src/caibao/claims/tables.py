"""Markdown tables (and HTML tables, which html_text turns into the same |-rows): each numeric cell
is a claim whose metric and member come from its row label and column head (either may name
either: "| 北美 | 105,514 | 6,461 |" under "| | 營收 | 營業利益 |"), its member also from the group
row above it, its period or measure from the column head ("FY 4Q25", "2025年第2季", "QoQ", "YoY",
"(G)", "Op. margin") or the row label ("(FY2025)", "(TTM)"), and its unit from the table's unit line
("单位:百万美元", "US$ million"). Labels are read with the same vocabulary as prose.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

from caibao.claims.context import Context
from caibao.claims.mentions import find_mentions, numbers_data
from caibao.claims.model import Claim, excerpt
from caibao.claims.normalize import fold
from caibao.claims.tokens import tokenize
from caibao.claims.vocab import Vocabulary, base
from caibao.facts.periods import FiscalLabel

_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.M)
_RULE = re.compile(r"^[\s|:\-]+$")
_GUIDANCE = re.compile(r"\(\s*g\s*\)")
# A column of estimates: "Q3 FY26E", "FY27E", "2026E", "(E)", "Estimates", "预估".
_ESTIMATE = re.compile(r"(?<=\d)e\b|\(\s*e\s*\)|\bestimates?\b|\best\.|\bconsensus\b|预估|预测|预期")
# Row labels of the brief's own tables that name a metric other than their key.
_ROW_METRIC = {
    "segment_revenue": "revenue",
    "segment_operating_expenses": "total_operating_expenses",
    "segment_operating_income": "operating_income",
    "guidance_revenue": "revenue",
    "guidance_operating_income": "operating_income",
    "guidance_capex": "capex",
    "line_total": "revenue",
    "operating_cash_flow_ttm": "operating_cash_flow",
    "capex_ttm": "capex",
    "capex_proceeds_ttm": "capex_proceeds",
    "free_cash_flow_ttm": "free_cash_flow",
}


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    text: str  # folded


@dataclass
class Head:
    """What a row label or column head says."""

    metric: str | None = None
    margin: str | None = None
    member: str = ""
    readings: list[FiscalLabel] = field(default_factory=list)
    year: FiscalLabel | None = None  # "FY 1Q26 / 2026 (G)": the year the column means for annual rows
    role: str = ""  # yoy | qoq | margin | share | guidance | implied | actual | ""
    ttm: bool = False
    quarter_only: bool = False  # "(quarter)", "(單季)"
    unknown: bool = False  # words that name nothing caibao knows
    denominator: str | None = None  # "Percent of Net Sales": what a ratio row divides by
    whole: bool = False  # "Total revenue", "Consolidated": the company's
    attributed: bool = False  # "Net income attributable to common stockholders": the shareholders' share
    narrow: bool = False  # a group row "Excluding Fuel": no row under it is the filed figure
    # A row label's words no token explains, where they alone leave it unknown ("汽车销售成本": "成本");
    # a group row's words, all of them ("营业成本"): a row's leftover words its group row says are the group's.
    words: frozenset[str] = frozenset()


_STATEMENT = base()["statement"]
_UMBRELLAS = frozenset(_STATEMENT["umbrellas"])
_PART_MEASURES = frozenset(_STATEMENT["part_measures"])
# Income a "per share" phrase turns into earnings per share: "Basic net income per share".
_PER_SHARE_OF = frozenset({"net_income", "consolidated_net_income", "profit"})
_BASIC = re.compile(r"\bbasic\b|基本")
_ATTRIBUTED = re.compile(
    "|".join(re.escape(fold(w)) for w in (*base()["attributable"]["en"], *base()["attributable"]["zh"]))
)
_DILUTED = re.compile(r"\bdiluted\b|\bdilution\b|稀释|摊薄")
_INDENT = frozenset("\u00a0\u3000")

# what a segment or line row can be followed by, as a measure of that same member
_MEMBER_MEASURES = frozenset(
    {"gross_profit", "operating_income", "cost_of_sales", "income_before_taxes", "total_operating_expenses"}
)


@cache
def _row_labels() -> dict[str, tuple[str, bool]]:
    """Folded row label -> (metric, TTM?), from the brief's own words in every language."""
    text = resources.files("caibao.brief").joinpath("data/labels.toml").read_text(encoding="utf-8")
    rows = tomllib.loads(text)["row"]
    labels: dict[str, tuple[str, bool]] = {}
    for key, names in rows.items():
        key = key.rpartition("|")[2]  # "AMZN|product_revenue": one filer's own words for the metric
        metric = _ROW_METRIC.get(key, key)
        for name in names.values():
            labels[_label_key(fold(name))] = (metric, key.endswith("_ttm"))
    return labels


def _label_key(text: str) -> str:
    return re.sub(r"\s+|\(.*?\)|\{.*?\}", "", text)


def _cells(line_start: int, line: str) -> list[Cell]:
    cells, pos = [], line.index("|") + 1
    while True:
        nxt = line.find("|", pos)
        if nxt == -1:
            break
        raw = line[pos:nxt]
        stripped = raw.strip()
        offset = pos + (len(raw) - len(raw.lstrip()))
        cells.append(Cell(line_start + offset, line_start + offset + len(stripped), stripped))
        pos = nxt + 1
    return cells


def table_blocks(folded: str) -> list[tuple[int, int]]:
    """Spans of Markdown tables: runs of |-delimited lines."""
    blocks: list[tuple[int, int]] = []
    for m in _ROW.finditer(folded):
        if blocks and folded[blocks[-1][1] : m.start()].strip() == "":
            blocks[-1] = (blocks[-1][0], m.end())
        else:
            blocks.append((m.start(), m.end()))
    return [b for b in blocks if folded.count("\n", *b) >= 1]


def _unit_power(text: str) -> int | None:
    units = numbers_data()["table_units"]
    for word in sorted(units, key=len, reverse=True):
        if word in text:
            return units[word]
    return None


class TableReader:
    def __init__(self, original: str, folded: str, vocab: Vocabulary, context: Context):
        self.original = original
        self.folded = folded
        self.vocab = vocab
        self.context = context

    def head(self, cell: Cell, folded: str | None = None) -> Head:
        text = cell.text
        head = Head()
        if not text:
            return head
        labels = _row_labels()
        known = labels.get(_label_key(text))
        tokens = tokenize(self.folded if folded is None else folded, self.vocab, cell.start, cell.end)
        for t in tokens:
            if t.mark is not None:
                found = self.context.readings(t.mark, self.context.period)
                head.readings = head.readings or found
                if found and found[0].is_year and head.readings is not found:
                    head.year = found[0]
        terms = [t for t in tokens if t.kind == "term"]
        measures = {t.get("measure") for t in terms if t.has("measure")}
        if _GUIDANCE.search(text):
            head.role = "guidance"
        elif _ESTIMATE.search(text):
            head.role = "estimate"
        elif "implied" in measures:
            head.role = "implied"
        elif "qoq" in measures and not head.readings:
            head.role = "qoq"
        elif "yoy" in measures and not head.readings:
            head.role = "yoy"
        elif "share" in measures and not head.readings:
            head.role = "share"
        elif "ex_fx" in measures:
            head.role = "ex_fx"
        elif any(t.has("ratio") for t in terms) or "mix" in text:
            head.role = "ratio"
            ratio = next((t for t in terms if t.has("ratio")), None)
            if ratio is not None:
                head.denominator = self.vocab.denominator(
                    (self.folded if folded is None else folded)[ratio.start : ratio.end]
                )
        head.ttm = "ttm" in measures or "(ttm)" in text
        head.quarter_only = any(w in text for w in ("(quarter)", "(单季)", "(单季度)"))
        if head.quarter_only:
            head.readings = []  # "資本支出(單季)": a quarter's figure (not TTM), of the column's quarter
        ambiguous = any(t.get("metric") in ("opex", "profit") for t in terms)
        if known and not ambiguous and not any(t.has("filer") and t.has("metric") for t in terms):
            # the brief's own row labels; a filer's own word for a metric comes first ("Net sales")
            head.metric, head.ttm = known[0], head.ttm or known[1]
        for t in terms:
            if t.has("margin") and head.margin is None and not known:
                head.margin = t.get("margin") or "operating_income"
            elif t.has("metric") and head.metric is None:
                head.metric = t.get("metric")
            if t.has("member") and not head.member:
                head.member = t.get("member") or ""
        self._per_share_and_holders(head, terms, self.folded if folded is None else folded)
        if head.margin is not None and not head.role:
            head.role = "margin"
        # "Total net sales", "Consolidated", "總營收": a row of the whole company, not of the member above it
        head.whole = text.lstrip().startswith(("total", "consolidated", "合计", "总", "合并")) or any(
            t.has("whole") or t.has("company") for t in terms
        )
        if any(t.has("narrow") and not t.has("measure") for t in terms) and not known:
            head.unknown = True  # "Other cost of revenues": part of the line, not the line
        members = {t.get("member") for t in terms if t.has("member")}
        if len(members) > 1 or any(t.has("part") for t in terms):
            head.unknown = True  # "Total automotive & services and other segment", "total automotive"
        words = len(re.sub(r"[\s\W\d_]", "", text))
        head.unknown = head.unknown or (
            not (head.metric or head.member or head.readings or head.role or head.margin) and words > 0
        )
        return head

    @staticmethod
    def _per_share_and_holders(head: Head, terms: list, source: str) -> None:
        """Income named with "per share" is earnings per share, basic or diluted as the label says
        ("Basic net income per share", "Diluted net income per common share attributable to Walmart");
        income "attributable to" someone is the shareholders' net income, or, where the words after it
        name the other holders ("... to noncontrolling interests", "非控制權益淨利"), no figure caibao holds."""
        if head.metric not in _PER_SHARE_OF:
            return
        income = next(t for t in terms if t.get("metric") == head.metric)
        if any(t.has("per_share") and t.start >= income.end for t in terms):
            label = source[terms[0].start : terms[-1].end]
            basic, diluted = bool(_BASIC.search(label)), bool(_DILUTED.search(label))
            head.metric = "eps_basic" if basic and not diluted else "eps_diluted" if diluted and not basic else None
            head.unknown = head.unknown or head.metric is None  # "Net income per share": which, it does not say
            return
        if any(t.has("minority") for t in terms):
            head.metric, head.unknown = None, True  # the noncontrolling holders' share ("非控制權益淨利")
            return
        holders = next((t for t in terms if t.has("attributable")), None)
        if holders is None and _ATTRIBUTED.search(source, income.start, income.end):
            holders = income  # "net income attributable to common stockholders", one term of the lexicon
        if holders is None:
            return
        if head.metric != "profit":
            head.metric, head.attributed = "net_income", True

    guided: list[FiscalLabel] = []  # noqa: RUF012 - the guided period of the table being read

    def read(self) -> tuple[list[Claim], list[tuple[int, int]]]:
        claims: list[Claim] = []
        blocks = table_blocks(self.folded)
        for b_start, b_end in blocks:
            lines = [(m.start(), m.group(0)) for m in _ROW.finditer(self.folded, b_start, b_end)]
            rows = [_cells(start, line) for start, line in lines if not _RULE.match(line)]
            if len(rows) < 2:
                continue
            header = rows[0]
            before = self.folded[max(0, b_start - 120) : b_start]
            power = _unit_power(header[0].text) or _unit_power(before)
            columns = [self.head(c) for c in header]
            # "隱含年增率" beside "FY 1Q26 (G)": the growth the guided period implies
            self.guided = next((c.readings for c in columns if c.role == "guidance" and c.readings), [])
            groups = RowGroups()
            title = self._title_metric(b_start)  # "### 營收組成" over a table of lines: their revenue
            heads = [self.head(r[0]) for r in rows[1:]]
            _consolidated_before_attributed(heads)
            member_rows = sum(1 for h in heads if h.member and not h.metric)
            for row, label in zip(rows[1:], heads, strict=True):
                if all(not c.text for c in row[1:]):
                    groups.group(self.group_head(label, row[0].text), self._indent(row[0]))
                    continue
                label, group_head = groups.row(label, self._indent(row[0]))
                group = group_head.member if group_head is not None else ""
                if title and member_rows >= 2 and not (label.member or label.metric):
                    label = self._other_member(row[0].text, title) or label  # "其他" among the lines: "Other"
                if title and label.member and not label.metric and label.margin is None:
                    label = replace(label, metric=title, unknown=False)
                raw = self.original[row[0].start - 1 : row[-1].end + 1]
                sentence, at = raw.strip(), row[0].start - 1 + len(raw) - len(raw.lstrip())
                for cell, column in zip(row[1:], columns[1:], strict=False):
                    for mention in find_mentions(self.folded, cell.start, cell.end, table=True):
                        claim = Claim.of(self.original, mention, excerpt(sentence, at, mention.start, mention.end),
                                         in_table=True, period_explicit=True)  # fmt: skip
                        self._fill(claim, label, column, group, power)
                        if label.unknown and not claim.reason:
                            claim.reason, claim.reason_args = "unclear", {}  # a row caibao cannot name with confidence
                        claims.append(claim)
        return claims, blocks

    def group_head(self, head: Head, text: str) -> Head:
        """A group row's label (`head`, read from `text`), in Markdown and HTML tables alike. Words
        about the table ("Financial Results:", "(Dollars in millions)") say nothing against the rows
        under it; a narrowing word ("Excluding Fuel"), or a word naming nothing caibao knows
        ("Corporate", IBM's "Cost" over its cost lines), makes them a part's (`_under_group`)."""
        if any(t.has("narrow") for t in tokenize(text, self.vocab)):
            return replace(head, unknown=True, narrow=True)
        if head.metric or head.member or head.margin is not None or head.role or head.readings:
            return head
        if text.startswith(_GROUP_INCLUDING):
            return replace(head, unknown=False)
        return replace(head, unknown=bool(self._leftover(text, _GROUP_WORDS)))

    def _leftover(self, text: str, allowed: frozenset[str]) -> list[str]:
        """The words of a label no token of the vocabulary accounts for."""
        rest = text
        for t in sorted(tokenize(text, self.vocab), key=lambda t: -t.start):
            rest = rest[: t.start] + " " + rest[t.end :]
        return [w for w in _LEFTOVER.findall(rest) if w not in allowed]

    def _indent(self, cell: Cell) -> int:
        """How deep a Markdown row label stands: the no-break (or ideographic) spaces before it, as the
        brief writes them ("\u00a0\u00a0Products"). Plain spaces are a table's padding, not indentation."""
        at, depth = cell.start, 0
        while at > 0 and self.original[at - 1] != "|" and self.original[at - 1].isspace():
            at -= 1
            depth += self.original[at] in _INDENT
        return depth

    def _title_metric(self, start: int) -> str | None:
        """The metric a short title line just above a table names ("### 營收組成", "Revenue by
        line"), for rows that name only a member."""
        before = self.folded[max(0, start - 200) : start].rstrip()
        line = before[before.rfind("\n") + 1 :].strip().lstrip("#").strip()
        if not line or len(line) > 40 or line[-1] in ".。:;,!?":
            return None
        terms = [t for t in tokenize(line, self.vocab) if t.kind == "term"]
        metrics = {t.get("metric") for t in terms if t.has("metric")}
        return next(iter(metrics)) if len(metrics) == 1 and not any(t.has("member") for t in terms) else None

    def _other_member(self, label: str, metric: str) -> Head | None:
        """A row labelled only "Other"/"其他" in a table of lines is the filer's line of that name,
        where it has one ("other revenue" is Amazon's "Other")."""
        label = label.strip()
        if self.vocab.attrs(label).keys() != {"narrow"}:
            return None
        for key, member in self.vocab.member_words.items():
            rest = key[len(label) :].strip() if key.startswith(label) else None
            if rest and self.vocab.attrs(rest).get("metric") == metric:
                return Head(member=member, metric=metric)
        return None

    def _fill(self, claim: Claim, row: Head, column: Head, group: str, power: int | None) -> None:
        metric = row.metric or column.metric
        margin = row.margin if row.margin is not None else column.margin
        member = row.member or column.member or group
        role = column.role or row.role
        # Apple's "Gross margin | 180,683" in a table in US$ million: the gross profit, in dollars (no
        # margin reaches 100%; a figure under 100 without its "%" stays read as the ratio)
        in_dollars = role == "margin" and not column.role and power is not None and abs(claim.stated) >= 100
        if claim.kind == "number":
            if metric and metric.startswith("eps"):
                claim.kind = "money"
            elif role in ("yoy", "qoq", "margin", "share", "implied", "ratio", "ex_fx") and not in_dollars:
                claim.kind = "percent"
            elif power is None:
                claim.reason = "no_unit"  # a table that says in what unit nowhere: no guess
            else:
                claim.kind, claim.power = "money", power
                claim.stated, claim.step = claim.stated.scaleb(power), claim.step.scaleb(power)
                if claim.stated_high is not None:
                    claim.stated_high = claim.stated_high.scaleb(power)
        readings = row.readings or column.readings
        if row.readings and row.readings[0].is_year and column.year is not None:
            readings = [column.year]  # "資本支出 (2026年)" under "FY 4Q25 / 2025 (A)": the 2025 actual
        elif row.readings and column.readings:
            readings = row.readings  # "Capital expenditure (FY2025)" under "FY 4Q25 (A)"
        if not readings and self.context.document:
            readings = list(self.context.document)
        if readings:
            claim.period, claim.readings = readings[0], readings[1:]
        claim.metric = margin if role == "margin" and margin else metric
        claim.segment = member
        if claim.metric in ("opex", "profit"):
            # "Operating expenses": a segment's are its costs; a company's may exclude cost of revenue
            claim.metric = (
                {"opex": "total_operating_expenses", "profit": "operating_income"}[claim.metric] if member else None
            )
            if claim.metric is None:
                claim.reason = "which_opex" if metric == "opex" else "which_profit"
        claim.window = "ttm" if (row.ttm and not (claim.period and claim.period.is_year)) else ""
        if role == "ratio":  # "Net Sales Mix" for a segment, "Percent of Net Sales" for a cost
            named = margin if margin is not None else metric
            role = "share" if member and named in (None, "revenue", "contract_revenue") else "margin"
            margin = margin if margin is not None else metric
            claim.share_of = row.denominator or column.denominator
        if role in ("yoy", "qoq", "share"):
            claim.measure = role
            if role == "share":
                claim.share_of = claim.share_of or "revenue"
        elif role == "margin" and claim.kind == "money":
            claim.measure, claim.metric = "level", margin or metric  # Apple's "gross margin" in dollars
        elif role == "margin":
            claim.measure = "margin"
            claim.metric = margin or ("operating_income" if metric in (None, "revenue") else metric)
            if claim.share_of and claim.share_of == claim.metric:
                claim.share_of = None
        elif role == "pp":
            claim.measure, claim.alt_measures = "pp", ["yoy"]
            if margin is not None:
                claim.metric = margin
            elif metric is not None:
                claim.reason = "points_of_what"
        elif role == "guidance":
            claim.measure = "guidance"
        elif role == "implied":
            claim.measure, claim.bound = "guidance", "implied"
            if column.readings or self.guided:
                claim.period = (column.readings or self.guided)[0]
        if claim.kind == "percent" and claim.measure == "level":
            claim.reason = "unclear_measure"
        if role == "estimate" or column.role == "estimate":
            claim.reason, claim.reason_args = "expectation", {"word": "E"}  # a column of estimates
        if claim.metric is None and not claim.reason:
            claim.reason = "unclear"  # the row label names no metric caibao knows
        if claim.period is None and not claim.reason:
            claim.reason = "no_period"


def _consolidated_before_attributed(heads: list[Head]) -> None:
    """A plain "Net income" row above one "attributable to" the shareholders is the income of the whole
    group, the noncontrolling holders' share included (Tesla's "Net income" over "Net income
    attributable to common stockholders")."""
    first = next((i for i, h in enumerate(heads) if h.attributed), None)
    if first is None:
        return
    for head in heads[:first]:
        if head.metric == "net_income" and not head.member:
            head.metric = "consolidated_net_income"


def _under_group(label: Head, group: Head | None) -> tuple[Head, bool]:
    """A data row read under the group row above it (a row with no figures: "Cost of revenues",
    "Operating expenses", "Corporate"), and whether it closes that group. Under a group naming a
    metric: a row naming only a member is that member's figure of the metric ("Automotive sales"
    under "Cost of revenues"); a row naming another metric, or the same one without "Total", is a part
    of it no metric of caibao's is (Apple's "Products" under "Cost of sales" or "Gross margin", IBM's
    "Sales" under "Revenue"), except under an umbrella ("Operating expenses"), whose rows are metrics of their own.
    Under a group naming nothing caibao knows ("Corporate", "Hedging gains"), a part's measures are
    that unnamed part's. A "Total ..." row naming no member nor part ends the group."""
    if group is None or (group.member and not group.unknown):
        return label, False  # no group, or a member's rows: read as before, the member from the group
    if group.narrow:
        return replace(label, unknown=True), False  # "Excluding Fuel": each row under it, short of something
    if label.whole and not label.member and not label.unknown:
        return label, True
    if group.unknown:
        if (label.metric in _PART_MEASURES or label.margin is not None) and not label.member:
            return replace(label, unknown=True), False
        return label, False
    if not group.metric and group.margin is None:
        return label, False
    if group.whole:
        return label, False  # "Total net sales" over "Net sales", "Operating income": the company's
    if label.member and not label.metric:
        # a margin group's ("Gross margin:") member row: the member's margin, from the group (GridReader)
        return (replace(label, metric=group.metric) if group.metric else label), False
    if group.metric in _UMBRELLAS:
        return label, False
    if label.metric or label.margin is not None:
        return replace(label, unknown=True), False
    return label, False


# Groups open at once (headings within headings); past it the outermost is dropped, never the row.
MAX_GROUPS = 16


@dataclass
class _Group:
    head: Head
    depth: int | None  # the group row's indentation, where the table says it
    indented: bool | None = None  # whether its rows stand deeper than it: decided at its first row


class RowGroups:
    """The group rows (a label with no figures) over a table's data rows: one reading for Markdown
    and HTML tables alike. Where the table indents its rows (the brief's no-break spaces in Markdown,
    its "depthN" class in HTML) and a group's first row stands deeper than the group row, the group
    holds the rows deeper than it, and a "Total ..." row at its own depth, which closes it (IBM's
    "Total revenue" under "Revenue"); a row at or above its depth that is no total stands outside it
    (Apple's "Gross margin" after the cost-of-sales lines, or any line after a heading whose total the
    filer does not show). Groups nest ("Basic" under "Earnings per share"); a row is read under the
    innermost one holding it, as `_under_group` says. Where the table does not indent, a group holds
    the rows up to the next group row, or to a total ending it. A group row saying no depth in a table
    that indents (an HTML heading row with no class) stands just above its first row."""

    def __init__(self) -> None:
        self.open: list[_Group] = []

    def group(self, head: Head, depth: int | None) -> None:
        if depth is None:
            self.open = []  # no indentation said: a group row ends the one before it
        else:
            self.open = [g for g in self.open if g.indented and g.depth is not None and g.depth < depth]
        self.open = [*self.open[-(MAX_GROUPS - 1) :], _Group(head, depth)]

    def row(self, label: Head, depth: int | None) -> tuple[Head, Head | None]:
        """The data row's label as read under its group, and the head of that group (None: under none)."""
        while self.open:
            group = self.open[-1]
            if group.indented is None:
                if group.depth is None and depth:
                    group.depth = depth - 1
                group.indented = depth is not None and group.depth is not None and depth > group.depth
            if not group.indented or depth is None or group.depth is None or depth > group.depth:
                break
            self.open.pop()
            if depth == group.depth and label.whole and not (label.member or label.unknown):
                return _under_group(label, group.head)[0], group.head  # its total, the group's last row
        if not self.open:
            return label, None
        group = self.open[-1]
        read, closes = _under_group(label, group.head)
        if closes:
            self.open.pop()
        return read, group.head


def resolve_tables(original: str, folded: str, vocab: Vocabulary, context: Context):
    return TableReader(original, folded, vocab, context).read()


# -- HTML tables as grids (financial statements and MD&A tables) -------------------------------

_CURRENCY_CELL = re.compile(r"^(?:us)?\$$|^€$|^£$")
_AFTER_CELL = re.compile(r"^(?:%|\)|%\)|\)%|pts?\.?|bps)$")
_YEARISH = re.compile(r"^(?:19|20)\d{2}$")
_FOOTNOTE = re.compile(r"\(\s*(?:notes?\s*)?\d{1,2}\s*\)|\*+|†|‡")  # "(1)", "(Note 12)"
_CHANGE_HEAD = re.compile(r"change|vs\.?|versus|increase|decrease|variance|变动|增减|增长率")
_RATIO_LEAD = re.compile(r"(?:as a )?percent(?:age)? of (?:total )?(?:net )?(?:revenues?|sales)")
_PERIOD_WORDS = re.compile(r"ended|months|quarter|fiscal|year|年|季")
_LEFTOVER = re.compile(r"[a-z]+|[\u4e00-\u9fff]")
_LEFTOVER_OK = frozenset(base()["words"]["row_label"])
# Words a column head may hold besides periods and measures.
_HEAD_WORDS = _LEFTOVER_OK | frozenset(base()["words"]["column_head"])
_GROUP_WORDS = _HEAD_WORDS | frozenset(_STATEMENT["group_words"])
_GROUP_INCLUDING = tuple(_STATEMENT["group_including"])


@dataclass
class LogicalCell:
    start: int
    end: int
    column: int
    text: str  # folded, as shown
    span: int = 1
    depth: int | None = None  # the row's indentation, where the page says it
    currency: bool = False
    percent: bool = False
    points: bool = False


class GridReader(TableReader):
    """HTML tables: header rows read column by column over their spans, "$" and "%" cells taken
    with the figure beside them, group rows ("Net Sales:", "Year-over-year Percentage Growth:")
    giving the metric or measure of the rows under them, and the segment a heading above names."""

    section_member = ""
    last_member = ""  # the member the nearest member heading above names, whatever headings came since

    def read_grids(self, grids: list, span: tuple[int, int] | None = None) -> list[Claim]:
        claims: list[Claim] = []
        sections = self._sections(grids)
        for grid in grids:
            if span is not None and not (span[0] <= grid.start < span[1]):
                continue
            at = bisect_right(sections, (grid.start, "\uffff")) - 1
            self.section_member = sections[at][1] if at >= 0 else ""
            self.last_member = next((m for _, m in reversed(sections[: at + 1]) if m), "")
            claims.extend(self._grid(grid))
        return claims

    def _sections(self, grids: list) -> list[tuple[int, str]]:
        """(offset, member) of each heading line outside the tables: "Walmart U.S. Segment" heads the
        tables under it until the next heading ("Liquidity and Capital Resources")."""
        found: list[tuple[int, str]] = []
        for grid in grids:  # a one-cell table is a heading set as a table ("| Software |")
            cells = [c for row in grid.rows for c in row if self.folded[c.start : c.end].strip()]
            if len(cells) == 1 and len(self.folded[cells[0].start : cells[0].end].strip()) <= 60:
                head = self.head_text(self.folded[cells[0].start : cells[0].end])
                found.append((grid.start, head.member if head.member and not head.metric else ""))
        spans = [(g.start, g.end) for g in grids]
        j = 0
        for m in re.finditer(r"[^\n]+", self.folded):
            while j < len(spans) and spans[j][1] <= m.start():
                j += 1
            if j < len(spans) and spans[j][0] <= m.start() < spans[j][1]:
                continue
            line = m.group(0).strip()
            if not line or len(line) > 60 or line[-1] in ".。:;,!?" or line[0].isdigit() or "|" in line:
                continue
            if not re.search(r"[a-z\u4e00-\u9fff]", line):
                continue
            head = self.head_text(line)
            # "Walmart U.S. Segment" names a member; "亞馬遜財報 & AWS" names more than one
            found.append((m.start(), head.member if head.member and not (head.metric or head.unknown) else ""))
        return sorted(found)

    def _logical(self, row: list) -> list[LogicalCell]:
        cells: list[LogicalCell] = []
        pending_currency = False
        for cell in row:
            text = self.folded[cell.start : cell.end].strip()
            if not text:
                continue
            if _CURRENCY_CELL.match(text):
                pending_currency = True
                continue
            if _AFTER_CELL.match(text) and cells:
                cells[-1].percent = cells[-1].percent or "%" in text
                cells[-1].points = cells[-1].points or text.startswith(("pt", "bp"))
                continue
            cells.append(LogicalCell(cell.start, cell.end, cell.column, text, cell.span, cell.depth,
                                     currency=pending_currency, percent=text.endswith("%")))  # fmt: skip
            pending_currency = False
        return cells

    def _numeric(self, cell: LogicalCell) -> bool:
        text = cell.text
        if re.search(r"\d\s+\(\s*\d{1,2}\s*\)$", text):
            text = text[: text.rindex("(")].strip()  # "2024 (1)": a year with its footnote, not a figure
        digits = re.sub(r"[\s,.$()%\-–—]", "", text)
        return bool(digits) and digits.isdigit() and not _YEARISH.match(text.strip("() "))

    def _grid(self, grid) -> list[Claim]:
        rows = [self._logical(r) for r in grid.rows]
        rows = [r for r in rows if r]
        first_data = next(
            (i for i, r in enumerate(rows) if not self._numeric(r[0]) and any(self._numeric(c) for c in r[1:])), None
        )
        if first_data is None:
            return []
        first_value = min((c.column for r in rows[first_data:] for c in r[1:] if self._numeric(c)), default=1)
        # Rows above the first figure are column heads, but for a label alone in the label column
        # ("Revenues" atop a statement): that is a group row for the rows under it.
        header_rows = [
            r
            for r in rows[:first_data]
            if not (len(r) == 1 and r[0].column < first_value and not _PERIOD_WORDS.search(r[0].text))
        ]
        opening = [r for r in rows[:first_data] if r not in header_rows]
        heads: dict[int, list[str]] = {}
        for row in header_rows:
            # A header row's own label ("For the three months ended June 30:") heads all its columns.
            label = " ".join(c.text for c in row if c.column + c.span <= first_value)
            if not _PERIOD_WORDS.search(label):
                label = ""  # "(Dollars in millions)": a unit, said once
            for cell in row:
                if cell.column + cell.span <= first_value:
                    continue
                for column in range(cell.column, cell.column + cell.span):
                    heads.setdefault(column, []).append(f"{label} {cell.text}" if label else cell.text)
        before = self.folded[max(0, grid.start - 300) : grid.start]
        header_text = " ".join(c.text for r in header_rows for c in r)
        power = _unit_power(header_text) or _unit_power(before)
        lead_in = before.rstrip()[before.rstrip().rfind("\n") + 1 :]
        ratio_table = bool(_RATIO_LEAD.search(lead_in))  # "... expressed as a percentage of revenue."
        first_period = next((h for c in sorted(heads) if (h := self.head_text(" ".join(heads[c]))).readings), None)
        claims: list[Claim] = []
        group = self._heading(grid.start)
        if not group.member and self.section_member:
            group = replace(group, member=self.section_member)
        title = None
        if not group.metric and sum(1 for r in rows[first_data:] if self.label_head(r[0]).member) >= 2:
            # "Net sales by line" over rows of lines: their sales. It names what the rows naming only a
            # line measure, as in a Markdown table, not every row ("简明利润表" over a statement's lines).
            title = self._title_metric(grid.start)
        data_labels = [r[0] for r in rows[first_data:] if not self._numeric(r[0])]
        if (
            not group.member
            and not any(self.label_head(c).member for c in data_labels)
            and any(self._segment_measure(c.text) for c in data_labels)
        ):  # "Revenue", "Segment profit", "Segment profit margin": one segment's table, under its heading
            group = replace(group, member=self.last_member) if self.last_member else replace(group, unknown=True)
        if ratio_table:
            group = replace(
                group, role="ratio", denominator=self.vocab.denominator(_RATIO_LEAD.search(lead_in).group(0))
            )
        above = Head()  # the data row above: "As a percentage of revenues" is that row's ratio
        above_depth: int | None = None
        alternating = False  # rows pair a member with its measure ("Software", "Gross margin")
        table_group, groups = group, RowGroups()
        labels = [self.label_head(r[0]) if not self._numeric(r[0]) else Head() for r in rows[first_data:]]
        _consolidated_before_attributed(labels)
        for row in opening:  # "Revenues:" atop the statement: the first group row
            groups.group(self._group_head(row[0]), row[0].depth)
        for row, label in zip(rows[first_data:], labels, strict=True):
            label_cell = row[0] if not self._numeric(row[0]) else None
            values = [c for c in row[1:] if self._numeric(c)] if label_cell else [c for c in row if self._numeric(c)]
            if title and label_cell is not None and not (label.member or label.metric):
                label = self._other_member(label_cell.text, title) or label  # "Other" among the lines
            # a row saying no depth in a table that indents stands at the left
            depth = row[0].depth if row[0].depth is not None or not grid.indented else 0
            if not values and label_cell is not None and len(row) == 1:
                # a group row (a label, and no cell written): its words head the rows under it
                groups.group(self._group_head(label_cell), label_cell.depth)
                continue
            raw, (label, group_row) = label, groups.row(label, depth)
            if raw.words and raw.member and group_row is not None and raw.words <= group_row.words:
                # "汽车销售成本" under "营业成本": the word caibao cannot place is the group's, the row is
                # the line's cost, as a Markdown table reads it. Only a member's row: a row of the
                # company's own stays as unknown as its words leave it.
                cleared, _ = _under_group(replace(raw, unknown=False, words=frozenset()), group_row)
                label = cleared if not cleared.unknown else label
            if title and label.member and not label.metric and label.margin is None:
                label = replace(label, metric=title, unknown=False)
            if not values:
                continue  # "Gross margin | nm | nm": a row, with no figure to read
            group = table_group
            if group_row is not None:  # what the group row does not say, the table's heading and lead-in say
                group = replace(group_row, member=group_row.member or table_group.member,
                                metric=group_row.metric or table_group.metric)  # fmt: skip
                if not group.role:
                    group = replace(group, role=table_group.role, denominator=table_group.denominator)
            # Pairs of rows are read on the row's own words: "Gross margin" under "Software" is Software's
            # whatever group row is over both.
            if raw.role == "ratio" and not (raw.metric or raw.member or raw.margin):
                label = replace(above, role="ratio", readings=[])
            elif (
                (raw.margin is not None or raw.metric in _MEMBER_MEASURES)
                and not (raw.member or raw.whole)
                and (above.member and not above.metric and above.margin is None)
                and depth == above_depth  # a line indented under another is no pair with it
            ):
                # "Software | 7,387" then "Gross margin | 83.9%": Software's gross margin. Only a
                # measure a member has; "Services" under "Wearables" is a line of its own.
                label = replace(raw, member=above.member)
                above, alternating = Head(), True
            elif (
                alternating
                and above.unknown
                and (raw.margin is not None or raw.metric in _MEMBER_MEASURES)
                and (not (raw.member or raw.whole))
            ):  # "Other (1) | (31)" then "Gross margin | nm": in a table of member/measure pairs, the unnamed row's
                label = replace(raw, unknown=True)
                above = Head()
            else:
                above = raw
            above_depth = depth
            sentence = self.original[row[0].start : row[-1].end]
            for cell in values:
                column = self.head_text(" ".join(heads.get(cell.column, [])))
                if _CHANGE_HEAD.search(" ".join(heads.get(cell.column, []))) and not column.role:
                    column.role = "change"
                if column.role and not column.readings and first_period is not None:
                    column.readings = list(first_period.readings)  # "Yr.-to-Yr. Percent Change": of the table's period
                for mention in find_mentions(self.folded, cell.start, cell.end, table=True):
                    context = excerpt(sentence, row[0].start, mention.start, mention.end)
                    claim = Claim.of(self.original, mention, context, in_table=True, period_explicit=True)
                    self._fill_grid(claim, label, column, group, power, cell, group_row is not None)
                    claims.append(claim)
        return claims

    def _segment_measure(self, text: str) -> bool:
        """ "segment profit", "segment revenue": a part noun straight before a metric, naming no part."""
        terms = [t for t in tokenize(text, self.vocab) if t.kind == "term"]
        return any(
            a.has("part_noun") and (b.has("metric") or b.has("margin")) and text[a.end : b.start].strip() == ""
            for a, b in itertools.pairwise(terms)
        )

    def _heading(self, start: int) -> Head:
        """A short line just before a table naming a member ("Walmart U.S. Segment") heads it."""
        before = self.folded[max(0, start - 300) : start]
        lines = [line.strip() for line in before.split("\n") if line.strip()][-2:]
        for line in reversed(lines):
            if len(line) > 60 or line.endswith((".", ":", "。")) or "|" in line:
                continue  # a sentence, or a row of the table before: no heading
            head = self.head_text(line)
            if head.unknown or not (head.member or head.metric):
                continue
            return Head(member=head.member, metric=head.metric)  # "Walmart U.S. Segment", "Revenues"
        return Head()

    def head_text(self, text: str) -> Head:
        """A column head from the header cells over the column, read as one phrase."""
        folded = fold(_FOOTNOTE.sub(" ", text))
        head = self.head(Cell(0, len(folded), folded), folded)
        words = self._leftover(folded, _HEAD_WORDS)
        if words:
            head.unknown = True  # "FX impact", "Constant currency": not the filed figure
        return head

    def _group_head(self, cell: LogicalCell) -> Head:
        text = _FOOTNOTE.sub(" ", self.folded[cell.start : cell.end]).strip(" :")
        head = self.group_head(self.head(Cell(0, len(text), text), text), text)
        return replace(head, words=frozenset(_LEFTOVER.findall(text)))

    def label_head(self, cell: LogicalCell, allowed: frozenset[str] = _LEFTOVER_OK) -> Head:
        """A row label, unknown where words no token explains remain in it."""
        text = _FOOTNOTE.sub(" ", self.folded[cell.start : cell.end]).strip(" :")
        head = self.head(Cell(0, len(text), text), text)
        left = self._leftover(text, allowed) if _row_labels().get(_label_key(text)) is None else []
        if left:
            if not head.unknown:
                head.words = frozenset(left)
            head.unknown = True  # "Hedging gains", "Deferred revenue": a row caibao cannot name
        return head

    def _fill_grid(
        self,
        claim: Claim,
        row: Head,
        column: Head,
        group: Head,
        power: int | None,
        cell: LogicalCell,
        group_row: bool = False,
    ) -> None:
        """`group` is the group row over the row (`group_row`: its label read under it already, by
        RowGroups), else what the table's heading, title or lead-in says of all its rows."""
        role = column.role or group.role or row.role
        if role == "change":
            role = (
                "pp"
                if cell.points
                else "change_pct"
                if cell.percent or group.role in ("yoy", "ex_fx")
                else ("change_amount")
            )
        named = group.margin if group.margin is not None else group.metric
        if row.metric and named and row.metric != named and not row.member and not group_row:
            row = replace(row, unknown=True)  # "Gross margin: Products": the products' gross margin
        merged = Head(
            metric=row.metric or group.metric or column.metric,
            margin=row.margin if row.margin is not None else group.margin,
            member=row.member or group.member or column.member,
            # "Capital expenditure (FY2025)" under "FY 4Q25 (A)": the row's own period
            readings=row.readings
            if (row.readings and column.readings)
            else (column.readings or row.readings or group.readings),
            role={"change_pct": "yoy", "change_amount": ""}.get(role, role),
            ttm=row.ttm or column.ttm,
            denominator=row.denominator or group.denominator or column.denominator,
        )
        rate = merged.role if merged.role in ("yoy", "qoq") else "yoy"  # "Quarter-over-Quarter Change | 11.9 pts"
        if merged.role in ("yoy", "qoq") and (row.margin is not None) and not cell.percent:
            merged.role = "pp"  # "Gross profit margin | 57.1% | 55.2% | 1.9": the margin's change, in points
            if claim.kind == "number":
                claim.kind = "points"
        per_share = (row.metric or group.metric or "").startswith("eps")
        # Apple's "Gross margin | 180,683" (no "$" cell) in US$ million: dollars, as _fill reads it
        in_dollars = merged.role == "margin" and not column.role and power is not None and abs(claim.stated) >= 100
        if claim.kind == "number" and per_share:
            claim.kind = "money"  # "Diluted EPS | $5.80": dollars a share, never scaled by the table's unit
        elif claim.kind == "number" and cell.currency and power is not None:
            claim.kind, claim.power = "money", power  # "$| 180,683": an amount, whatever the row says
            claim.stated, claim.step = claim.stated.scaleb(power), claim.step.scaleb(power)
            if merged.role in ("margin", "ratio"):
                merged.role = "margin"
        elif claim.kind == "number" and cell.points:
            claim.kind = "points"  # "2.0 pts.": a change in a margin
            if merged.role in ("yoy", "qoq"):
                merged.role = "pp"
        elif claim.kind == "number" and (
            cell.percent or (merged.role in ("yoy", "qoq", "share", "margin", "ex_fx", "ratio") and not in_dollars)
        ):
            claim.kind = "percent"
        self._fill(claim, merged, Head(), "", power)
        if claim.measure == "pp":
            claim.alt_measures = [rate]
        if role == "change_amount" and claim.kind == "money":
            claim.measure, claim.alt_measures = "change", ["yoy"]
        if role == "ex_fx":
            claim.measure = "ex_fx"
        # a group row's words are in the row's reading already (RowGroups)
        if (row.unknown or column.unknown or (group.unknown and not group_row)) and not claim.reason:
            claim.reason, claim.reason_args = "unclear", {}
        if group.role == "ratio" and claim.kind == "percent" and claim.qualifier == "eq":
            # A table of lines as percentages of revenue is footed: each line rounded so that the column
            # adds up (Nvidia's 8.6% tax under 64.4% and over 55.8%), one step off its own rounding at most.
            claim.qualifier = "approx"
