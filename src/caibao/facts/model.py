"""One reported number and where it came from."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlsplit

from caibao.analysis.rounding import json_number
from caibao.facts.periods import FiscalLabel


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: FiscalLabel

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Source:
    """Where a fact was read: the document, the concept or row in it, and a URL for a human."""

    document: str
    locator: str  # XBRL concept, or "line 123" of a CSV
    url: str = ""
    note: str = ""

    @property
    def href(self) -> str:
        """`url` if it is safe to make a link of, else "": every page and file that shows a source
        links through this, so a `javascript:` or `data:` URL from an ingested file stays text."""
        return safe_href(self.url)


# Browsers drop or reinterpret control characters and backslashes inside a scheme; the rest would
# end a Markdown autolink or an HTML attribute, or split a table cell, around the URL.
_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f\\<>\"'`|]")
# A document beside the page: a file name or path of plain characters, an anchor after it at most.
_RELATIVE = re.compile(r"\w[\w.~/-]*(?:#[\w.~-]*)?")


def safe_href(url: str) -> str:
    """An http(s) URL with a host, or a relative name (a document beside the page); else ""."""
    if not url or _UNSAFE_IN_URL.search(url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1": not a URL at all
        return ""
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return url if _RELATIVE.fullmatch(url) else ""


@dataclass(frozen=True)
class Fact:
    """A reported number.

    `value` is exact and in base units (USD, not USD millions); `decimals` is the stated precision
    in the XBRL sense: -6 means the figure is exact to the million, 2 means to the cent.
    `member` names the segment, revenue line or region the figure is for ("" = whole company).
    """

    ticker: str
    metric: str
    member: str
    period: Period
    value: Decimal
    decimals: int
    unit: str
    source: Source
    cik: str = ""
    derived: bool = False
    inputs: tuple[str, ...] = field(default=())
    # "reconciling": an item the filer shows between its segments and the consolidated figure
    # (corporate costs, eliminations, hedging gains), not a segment. Not part of the id: a fact
    # keeps its id when its role is first recognised.
    role: str = ""

    @cached_property
    def id(self) -> str:
        """Stable across re-ingests of the same document, so fact ids cited in a brief stay valid.
        Worked out once per fact: a check cites it for every claim it supports."""
        key = "|".join(
            (
                self.ticker,
                self.metric,
                self.member,
                self.period.start.isoformat(),
                self.period.end.isoformat(),
                self.unit,
                self.source.document,
            )
        )
        return "f" + hashlib.sha1(key.encode()).hexdigest()[:11]

    @property
    def label(self) -> str:
        return str(self.period.label)

    def record(self) -> dict:
        """The fact as a flat JSON-ready record, provenance included."""
        return {
            "id": self.id,
            "ticker": self.ticker,
            "cik": self.cik,
            "metric": self.metric,
            "segment": self.member,
            "period": self.label,
            "period_start": self.period.start.isoformat(),
            "period_end": self.period.end.isoformat(),
            "value": json_number(self.value),
            "decimals": self.decimals,
            "unit": self.unit,
            "derived": self.derived,
            "inputs": list(self.inputs),
            "document": self.source.document,
            "locator": self.source.locator,
            "url": self.source.url,
            "note": self.source.note,
        }

    @property
    def tolerance(self) -> Decimal:
        """Half a unit of the stated precision: the rounding a figure this precise may hide."""
        return Decimal(5).scaleb(-self.decimals - 1)
