"""What a brief is made of. Every cell and highlight carries the ids of the facts behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from caibao.brief.sources import SourceList
from caibao.facts.model import Fact
from caibao.facts.periods import FiscalLabel


@dataclass(frozen=True)
class Cell:
    column: str
    text: str
    value: Decimal | None = None
    unit: str = ""
    sources: tuple[str, ...] = ()
    low: Decimal | None = None  # a range (guidance): value is None, low/high are set
    high: Decimal | None = None


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: tuple[Cell, ...] = ()
    group: bool = False  # a sub-heading (a segment's name) with no figures of its own
    depth: int = 0  # indentation: a line within a total, a segment's line within the segment
    role: str = ""  # statement rows and breakdowns: line, total (a subtotal), reconciling


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    unit: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Highlight:
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal | None, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]


@dataclass
class Brief:
    ticker: str
    company: str
    period: FiscalLabel
    lang: str
    title: str
    overview: str
    highlights: list[Highlight] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    facts: dict[str, Fact] = field(default_factory=dict)  # every fact cited, by id
    sources: SourceList = field(default_factory=SourceList)  # the documents behind them, numbered
