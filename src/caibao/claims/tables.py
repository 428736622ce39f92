"""Markdown tables: each numeric cell is a claim whose metric comes from its row label, its segment
from the group row above it, its period or measure from its column head, and its unit from the
table's unit line ("单位:百万美元", "US$ million")."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from caibao.claims.lexicon import lexicon
from caibao.claims.mentions import find_mentions
from caibao.claims.model import Claim
from caibao.claims.normalize import fold
from caibao.facts.periods import FiscalLabel, parse_label

_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.M)
_RULE = re.compile(r"^[\s|:\-]+$")
_PERIOD_HEAD = re.compile(r"(fy\s*)?([1-4]q\d{2}|q[1-4]\s*\d{2,4}|\d{4}\s*q[1-4]|fy\s*\d{4})", re.I)
_YEAR_AFTER_SLASH = re.compile(r"/\s*(\d{4})")
_ANNUAL_ROW = re.compile(r"\(\s*(\d{4})\s*年?\s*\)|\bfy\s*\d{4}\b|全年")
# Row labels of the brief's own tables that name a metric other than their key.
_ROW_METRIC = {
    "segment_revenue": "revenue",
    "segment_operating_expenses": "total_operating_expenses",
    "segment_operating_income": "operating_income",
    "guidance_revenue": "revenue",
    "guidance_operating_income": "operating_income",
    "guidance_capex": "capex",
    "line_total": "revenue",
}


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    text: str  # folded


@cache
def _row_labels() -> dict[str, str]:
    """Folded row label -> metric, from the brief's own words in every language (one vocabulary)."""
    text = resources.files("caibao.brief").joinpath("data/labels.toml").read_text(encoding="utf-8")
    rows = tomllib.loads(text)["row"]
    labels: dict[str, str] = {}
    for key, names in rows.items():
        metric = _ROW_METRIC.get(key, key)
        for name in names.values():
            labels[_label_key(fold(name))] = metric
    return labels


def _label_key(text: str) -> str:
    return re.sub(r"\s+|\(.*?\)", "", text)


def _cells(original_line_start: int, line: str) -> list[Cell]:
    cells, pos = [], line.index("|") + 1
    while True:
        nxt = line.find("|", pos)
        if nxt == -1:
            break
        raw = line[pos:nxt]
        stripped = raw.strip()
        offset = pos + (len(raw) - len(raw.lstrip()))
        cells.append(Cell(original_line_start + offset, original_line_start + offset + len(stripped), stripped))
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
    units = lexicon().table_units
    for word in sorted(units, key=len, reverse=True):
        if word in text:
            return units[word]
    return None


def _column(head: str) -> tuple[str, FiscalLabel | None, int | None]:
    """(role, period, year after a slash) of a column head: role is period | guidance | actual |
    yoy | qoq | margin | share | ''."""
    text = head.strip()
    if text in ("yoy", "同比", "年增率", "年增"):
        return "yoy", None, None
    if text in ("qoq", "环比", "季增率", "季增"):
        return "qoq", None, None
    lx = lexicon()
    measure = lx.measures.last(text, 0, len(text))
    if measure and lx.measures.value(measure) in ("margin", "share") and not _PERIOD_HEAD.search(text):
        return lx.measures.value(measure), None, None
    m = _PERIOD_HEAD.search(text)
    if not m:
        return "", None, None
    try:
        label = parse_label(m.group(0).replace(" ", ""))
    except Exception:
        return "", None, None
    year = _YEAR_AFTER_SLASH.search(text)
    role = "guidance" if "(g)" in text else "period"
    return role, label, int(year.group(1)) if year else None


def resolve_tables(original: str, folded: str) -> tuple[list[Claim], list[tuple[int, int]]]:
    claims: list[Claim] = []
    blocks = table_blocks(folded)
    labels = _row_labels()
    lx = lexicon()
    for b_start, b_end in blocks:
        lines = [(m.start(), m.group(0)) for m in _ROW.finditer(folded, b_start, b_end)]
        rows = [_cells(start, line) for start, line in lines if not _RULE.match(line)]
        if len(rows) < 2:
            continue
        header = rows[0]
        before = folded[max(0, b_start - 80) : b_start]
        power = _unit_power(header[0].text) or _unit_power(before) or 0
        columns = [_column(c.text) for c in header]
        first_period = next((c[1] for c in columns if c[0] in ("period", "guidance")), None)
        segment = ""
        for row in rows[1:]:
            label = row[0].text
            if all(not c.text for c in row[1:]):
                found = lx.segments.last(label, 0, len(label))
                segment = lx.segments.value(found) if found else ""
                continue
            metric = labels.get(_label_key(label))
            if metric is None:
                found = lx.metrics.last(label, 0, len(label))
                metric = lx.metrics.value(found) if found else None
            annual = _ANNUAL_ROW.search(label)
            sentence = original[row[0].start - 1 : row[-1].end + 1].strip()
            for cell, (role, period, slash_year) in zip(row[1:], columns[1:], strict=False):
                for mention in find_mentions(folded, cell.start, cell.end, table=True):
                    claim = Claim.of(
                        original,
                        mention,
                        sentence,
                        metric=metric,
                        segment=segment,
                        period=period or first_period,
                        period_explicit=True,
                        in_table=True,
                    )
                    _apply_column(claim, role, power, metric, annual, slash_year)
                    claims.append(claim)
    return claims, blocks


def _apply_column(
    claim: Claim, role: str, power: int, metric: str | None, annual: re.Match[str] | None, slash_year: int | None
) -> None:
    if claim.kind == "number":
        if metric and metric.startswith("eps"):
            claim.kind = "money"
        elif role in ("yoy", "qoq", "margin", "share"):
            claim.kind = "percent"
        else:
            claim.kind, claim.power = "money", power
            claim.stated, claim.step = claim.stated.scaleb(power), claim.step.scaleb(power)
            if claim.stated_high is not None:
                claim.stated_high = claim.stated_high.scaleb(power)
    if role in ("yoy", "qoq", "margin", "share"):
        claim.measure = role
        if role == "share":
            claim.share_of = "revenue"
    elif role == "guidance":
        claim.measure = "guidance"
    if annual and claim.period is not None:
        year = int(annual.group(1)) if annual.group(1) else claim.period.year
        if role == "guidance":
            claim.period = FiscalLabel(year)
        else:
            claim.period = FiscalLabel(slash_year or claim.period.year)
    if metric is None:
        claim.reason = "unclear"  # the row label names no metric caibao knows
