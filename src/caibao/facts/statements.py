"""A filing's face statements as the filer presents them: rows in the filer's order, with its labels,
headings, totals, indentation and signs, each row naming the XBRL concept (and dimensions) of its
figures. Read from the inline-XBRL document's own HTML tables (facts/data/statements.toml says which
table is which statement), so a brief can show every line the filer shows, and no line it does not.

Only the elements the XBRL reader already collected are walked (each fact's ancestors up to its
table), so this adds no second parse; a table of more rows than a face statement has is not one.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from lxml import etree

IX = "http://www.xbrl.org/2013/inlineXBRL"
STATEMENTS = ("income", "cash_flow")
_NON_FRACTION = f"{{{IX}}}nonFraction"
_PADDING = re.compile(r"(?:^|;)\s*padding\s*:\s*([^;]+)", re.I)
_PADDING_LEFT = re.compile(r"(?:^|;)\s*padding-left\s*:\s*(-?[\d.]+)\s*(pt|px|em)?", re.I)
_TEXT_INDENT = re.compile(r"(?:^|;)\s*text-indent\s*:\s*(-?[\d.]+)\s*(pt|px|em)?", re.I)
_MARGIN_LEFT = re.compile(r"(?:^|;)\s*margin-left\s*:\s*(-?[\d.]+)\s*(pt|px|em)?", re.I)
_NOTE_REFERENCE = re.compile(r"\s*\((?:see )?notes? \d+(?:\s*(?:,|and|&)\s*\d+)*\)$", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d")
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)
_LENGTH = re.compile(r"(-?[\d.]+)\s*(pt|px|em)?", re.I)
_POINTS = {"pt": 1.0, "px": 0.75, "em": 10.0, None: 1.0, "": 1.0}


@dataclass(frozen=True)
class StatementLine:
    """One row of a face statement. `concept`/`dims` name its figures ("" for a heading); `negated`:
    the filer shows the figures with the opposite sign of the facts (an expense in parentheses that
    is tagged positive, "Other (gains) and losses" tagged as negative income)."""

    statement: str
    seq: int
    label: str
    depth: int
    role: str  # heading | line | total
    concept: str = ""
    dims: tuple[tuple[str, str], ...] = ()
    negated: bool = False
    fact_ids: tuple[str, ...] = ()
    periods: tuple[tuple[date, date], ...] = ()  # the columns: (start, end) of each figure shown

    @property
    def dims_key(self) -> str:
        return dims_key(self.dims)


def dims_key(dims: tuple[tuple[str, str], ...]) -> str:
    """ "srt:ProductOrServiceAxis=us-gaap:ProductMember", several joined by "|"; "" for none."""
    return "|".join(f"{axis}={member}" for axis, member in dims)


@dataclass(frozen=True)
class Rules:
    finders: dict[str, tuple[tuple[frozenset[str], ...], frozenset[str]]]
    total_words: tuple[str, ...]
    subtotals: frozenset[str]
    space_points: float
    same_level_points: float
    max_rows: int
    deductions: tuple[re.Pattern, ...]
    not_deductions: tuple[re.Pattern, ...]
    income: tuple[re.Pattern, ...]


@cache
def rules() -> Rules:
    raw = tomllib.loads(resources.files("caibao.facts").joinpath("data/statements.toml").read_text(encoding="utf-8"))
    finders = {
        name: (tuple(frozenset(group) for group in spec["all_of"]), frozenset(spec.get("none_of", [])))
        for name, spec in raw["statement"].items()
    }
    rows, signs = raw["rows"], raw["signs"]
    return Rules(
        finders, tuple(w.lower() for w in rows["total_words"]), frozenset(rows["subtotals"]),
        float(rows["space_points"]), float(rows["same_level_points"]), int(rows["max_rows"]),
        tuple(re.compile(p) for p in signs["deductions"]), tuple(re.compile(p) for p in signs["not_deductions"]),
        tuple(re.compile(p) for p in signs["income"]),
    )  # fmt: skip


def local(concept: str) -> str:
    return concept.rsplit(":", 1)[-1]


@cache  # asked for every row of every candidate run of a bridge: a few hundred concepts in all
def sign_of(concept: str) -> int:
    """How a statement counts this concept's (positive) figure on the way to net income: -1 for a
    cost or expense, +1 for revenue, income or a net item, 0 where its name does not say (a filer's
    own "Acquisition termination cost": the rows it is totalled with decide, see `bridge`)."""
    name = local(concept)
    r = rules()
    if any(p.search(name) for p in r.not_deductions):
        return 1
    if any(p.search(name) for p in r.deductions):
        return -1
    return 1 if any(p.search(name) for p in r.income) else 0


@dataclass(frozen=True)
class Cell:
    """A fact as a statement shows it: the reader's own facts give the value; this gives the place."""

    concept: str
    context: str
    fact_id: str
    negated: bool | None  # shown with the opposite sign of its fact; None for a zero (a dash)


def read_statements(
    elements: list[etree._Element],
    undimensioned_durations: set[str],
    dims_of: dict[str, tuple],
    periods_of: dict[str, tuple[date, date]] | None = None,
) -> list[StatementLine]:
    """The face statements found among the document's `ix:nonFraction` elements.

    `undimensioned_durations`: ids of contexts that are periods of time with no dimension (the
    statement's own columns); `dims_of`: each context's dimensions; `periods_of`: each duration
    context's (start, end), which a row records for its columns."""
    tables: dict[int, etree._Element] = {}
    order: list[int] = []
    concepts: dict[int, set[str]] = {}
    for el in elements:
        table = _ancestor(el, "table")
        if table is None:
            continue
        key = id(table)
        if key not in tables:
            tables[key] = table
            order.append(key)
            concepts[key] = set()
        if el.get("contextRef", "") in undimensioned_durations:
            concepts[key].add(local(el.get("name", "")))
    found: list[StatementLine] = []
    taken: set[int] = set()
    for statement, (all_of, none_of) in rules().finders.items():
        for key in order:
            if key in taken:
                continue
            names = concepts[key]
            if all(names & group for group in all_of) and not names & none_of:
                lines = _rows(tables[key], statement, dims_of, periods_of or {})
                if lines:
                    found += lines
                    taken.add(key)
                    break
    return found


def _ancestor(el: etree._Element, name: str) -> etree._Element | None:
    return next(el.iterancestors(f"{{*}}{name}"), None)  # lxml walks it in C


def _rows(
    table: etree._Element, statement: str, dims_of: dict[str, tuple], periods_of: dict[str, tuple[date, date]]
) -> list[StatementLine]:
    r = rules()
    raw: list[tuple[str, float, list[Cell]]] = []
    for tr in table.iter("{*}tr"):
        if len(raw) >= r.max_rows:
            return []  # no face statement is this long: a schedule in the notes
        if _HIDDEN.search(tr.get("style", "")):
            continue
        label, indent, cells = _row(tr)
        if not label and not cells:
            continue
        raw.append((label, indent, cells))
    if not any(cells for _, _, cells in raw):
        return []
    # The column headings ("Three Months Ended", "June 28, 2025") come before the first row with a
    # figure and have no concept; the first labelled row before the figures may be a heading
    # ("Revenues:"), so headings are kept only from the row just before the first figure on.
    first = next(i for i, (_, _, cells) in enumerate(raw) if cells)
    start = first - 1 if first and _is_heading(raw[first - 1][0]) else first
    raw = raw[start:]
    levels = _levels([indent for _, indent, _ in raw], r.same_level_points)
    lines: list[StatementLine] = []
    for (label, _, cells), depth in zip(raw, levels, strict=True):
        if not cells:
            if label:
                lines.append(StatementLine(statement, len(lines), label, depth, "heading"))
            continue
        concept, context = cells[0].concept, cells[0].context
        same = [c for c in cells if c.concept == concept and dims_of.get(c.context, ()) == dims_of.get(context, ())]
        dims = tuple(dims_of.get(context, ()))
        total = label.lower().startswith(r.total_words) or (not dims and local(concept) in r.subtotals)
        lines.append(
            StatementLine(
                statement, len(lines), label or _fallback_label(concept), depth, "total" if total else "line",
                concept, dims, _negated(same), tuple(c.fact_id for c in same if c.fact_id),
                tuple(dict.fromkeys(periods_of[c.context] for c in same if c.context in periods_of)),
            )
        )  # fmt: skip
    return lines


def _is_heading(label: str) -> bool:
    """A row heading ("Revenues:"), not a note on units ("(Amounts in millions)") or the column
    headings ("June 30, 2025 June 30, 2024")."""
    return bool(label) and not (label.startswith("(") and label.endswith(")")) and not _YEAR.search(label)


def _fallback_label(concept: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local(concept)).capitalize()


def _row(tr: etree._Element) -> tuple[str, float, list[Cell]]:
    """The row's label (the text before its first figure), the label's indent in points, and its
    figures with whether each is shown negative (in parentheses, or after a minus sign)."""
    tokens: list[str | etree._Element] = []
    _flatten(tr, tokens)
    label_parts: list[str] = []
    cells: list[Cell] = []
    for i, token in enumerate(tokens):
        if isinstance(token, str):
            if not cells:
                label_parts.append(token)
            continue
        before = "".join(t for t in tokens[max(0, i - 4) : i] if isinstance(t, str)).rstrip(" \u00a0$%\t\n")
        after = "".join(t for t in tokens[i + 1 : i + 5] if isinstance(t, str)).lstrip(" \u00a0%\t\n")
        negative = (before.endswith("(") and after.startswith(")")) or before.endswith(("-", "\u2212"))
        digits = any(ch in "123456789" for ch in "".join(token.itertext()))
        negated = negative != (token.get("sign") == "-") if digits else None
        cells.append(Cell(token.get("name", ""), token.get("contextRef", ""), token.get("id", ""), negated))
    label = " ".join("".join(label_parts).replace("\u00a0", " ").split()).rstrip(":").strip()
    label = label.rstrip("$(").strip().rstrip(":").strip()
    label = _NOTE_REFERENCE.sub("", label)  # "Basic net income per share (Note 12)": the note is no part of it
    return label, _indent(tr), cells


def _flatten(node: etree._Element, out: list) -> None:
    """Text and fact elements in document order; a fact is one token (its digits are not label text).
    Hidden parts (display:none, the ix:header) are skipped."""
    if node.text and not _is_fact(node):
        out.append(node.text)
    for child in node:
        if not isinstance(child.tag, str):
            if child.tail:
                out.append(child.tail)
            continue
        if _is_fact(child):
            out.append(child)
        elif not _HIDDEN.search(child.get("style", "")) and etree.QName(child).localname != "header":
            _flatten(child, out)
        if child.tail:
            out.append(child.tail)


def _is_fact(node: etree._Element) -> bool:
    return node.tag == _NON_FRACTION


def _indent(tr: etree._Element) -> float:
    """Where the first line of the label starts, in points: the first cell's left padding, its
    inner blocks' padding, margin and first-line indent, and any leading spaces of the text."""
    cell = next((td for td in tr if isinstance(td.tag, str) and etree.QName(td).localname in ("td", "th")), None)
    if cell is None:
        return 0.0
    points = 0.0
    for node in cell.iter():
        if not isinstance(node.tag, str) or _is_fact(node):
            continue
        style = node.get("style", "")
        points += _padding_left(style) + _length(_TEXT_INDENT, style) + _length(_MARGIN_LEFT, style)
    text = "".join(cell.itertext())
    stripped = text.lstrip(" \u00a0\u2002\u2003\t")
    if stripped:
        points += (len(text) - len(stripped)) * rules().space_points
    return points


def _padding_left(style: str) -> float:
    found = _PADDING_LEFT.search(style)
    if found:
        return float(found.group(1)) * _POINTS[(found.group(2) or "").lower()]
    shorthand = _PADDING.search(style)
    if not shorthand:
        return 0.0
    values = _LENGTH.findall(shorthand.group(1))
    # CSS: one value = all sides; two = vertical, horizontal; three = top, horizontal, bottom; four = t r b l.
    pick = {1: 0, 2: 1, 3: 1, 4: 3}.get(len(values))
    if pick is None:
        return 0.0
    number, unit = values[pick]
    return float(number) * _POINTS[(unit or "").lower()]


def _length(pattern: re.Pattern, style: str) -> float:
    found = pattern.search(style)
    return float(found.group(1)) * _POINTS[(found.group(2) or "").lower()] if found else 0.0


def _levels(indents: list[float], same: float) -> list[int]:
    """Indents ranked into levels: 0 the least indented; indents within `same` points are one level."""
    steps: list[float] = []
    for value in sorted(set(indents)):
        if not steps or value - steps[-1] > same:
            steps.append(value)
    return [max(i for i, step in enumerate(steps) if value >= step - 1e-9) for value in indents]


def _negated(cells: list[Cell]) -> bool:
    """Whether most of the row's non-zero figures are shown with the opposite sign of their facts."""
    known = [c.negated for c in cells if c.negated is not None]
    return sum(known) * 2 > len(known)
