"""`caibao facts` output: a rich table, JSON, or the documented CSV columns."""

from __future__ import annotations

import csv
import io
import json

from rich.table import Table
from rich.text import Text

from caibao.facts.model import Fact

CSV_COLUMNS = (
    "ticker",
    "metric",
    "segment",
    "period",
    "period_start",
    "period_end",
    "value",
    "unit",
    "derived",
    "source",
)


def source_text(fact: Fact) -> str:
    text = f"{fact.source.document} {fact.source.locator}"
    return f"{text} {fact.source.url}" if fact.source.url else text


def as_csv(facts: list[Fact]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in facts:
        writer.writerow(
            (
                f.ticker,
                f.metric,
                f.member,
                f.label,
                f.period.start.isoformat(),
                f.period.end.isoformat(),
                format(f.value, "f"),
                f.unit,
                "true" if f.derived else "false",
                source_text(f),
            )
        )
    return out.getvalue()


def as_json(facts: list[Fact]) -> str:
    rows = [f.record() for f in facts]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def as_table(facts: list[Fact]) -> Table:
    table = Table(show_lines=False, header_style="bold")
    for column, justify in (
        ("metric", "left"),
        ("segment", "left"),
        ("period", "left"),
        ("value", "right"),
        ("unit", "left"),
        ("source", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for f in facts:
        value = f"{f.value:,}" + (" *" if f.derived else "")
        cells = (f.metric, f.member, str(f.label), value, f.unit, f"{f.source.document} {f.source.locator}")
        table.add_row(*(Text(c) for c in cells))  # never markup: members and documents come from files
    return table
