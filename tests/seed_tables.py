"""Reading the Markdown tables out of a seed note, with the heading each one sits under."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class SeedTable:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    first_line: int = 0


def read_tables(text: str) -> list[SeedTable]:
    tables: list[SeedTable] = []
    current: SeedTable | None = None
    previous = ""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("|"):
            current, previous = None, line.strip()
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if current is None:
            current = SeedTable(previous, cells, first_line=number)
            tables.append(current)
        elif not set(line) <= set("|-: "):
            current.rows.append(cells)
    return tables


_NUMBER = re.compile(r"^\(?-?\$?([\d,]+(?:\.\d+)?)%?\)?$")


def seed_number(text: str) -> tuple[Decimal, int] | None:
    """A seed cell's number and the decimal places it was written with: "(6%)" -> (-6, 0)."""
    m = _NUMBER.match(text.strip())
    if not m:
        return None
    digits = m.group(1).replace(",", "")
    value = Decimal(digits)
    if text.strip().startswith(("(", "-")):
        value = -value
    places = len(digits.split(".")[1]) if "." in digits else 0
    return value, places
