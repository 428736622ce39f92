"""Compare a seed note's tables with a brief's, cell by cell, by row label and column head."""

from __future__ import annotations

import re
from decimal import Decimal

from caibao.analysis.rounding import round_half_up
from caibao.brief.model import Brief, Cell, Row

from .seed_tables import read_tables, seed_number

SCALE = {"百萬美元": Decimal(10) ** 6, "十億美元": Decimal(10) ** 9}


def _column_key(head: str) -> str:
    return re.sub(r" / \d{4}", "", head)  # "FY 1Q26 / 2026 (G)" -> "FY 1Q26 (G)"


def _row_key(label: str) -> str:
    return re.sub(r"\s*\(.*\)$", "", label)  # "資本支出 (2026年)" -> "資本支出"


def _agrees(seed_text: str, cell: Cell, scale: Decimal) -> bool:
    if seed_text == cell.text:
        return True
    parts = [p.strip() for p in seed_text.split(" - ")]
    values = [cell.low, cell.high] if len(parts) == 2 else [cell.value]
    if any(v is None for v in values):
        return False
    for part, value in zip(parts, values, strict=True):
        parsed = seed_number(part)
        if parsed is None:
            return False
        number, places = parsed
        shown = value if cell.unit in ("percent", "USD/share") else value / scale
        if round_half_up(shown, places) != number:
            return False
    return True


def compare(seed_text: str, brief: Brief) -> tuple[int, list[tuple[str, str, str, str, str]]]:
    """(cells compared, [(table, row, column, seed's text, our text)] where they disagree)."""
    ours = {t.title: t for t in brief.tables}
    compared, disagreements = 0, []
    for table in read_tables(seed_text):
        mine = ours[table.title]
        scale = next(v for k, v in SCALE.items() if k in table.header[0])
        rows: dict[tuple[str, str], Row] = {}
        group = ""
        for row in mine.rows:
            group = row.label if row.group else group
            rows[(group, _row_key(row.label))] = row
        columns = {_column_key(c): i for i, c in enumerate(mine.columns)}
        group = ""
        for cells in table.rows:
            if all(not c for c in cells[1:]):
                group = cells[0]
                continue
            row = rows[(group, _row_key(cells[0]))]
            for head, text in zip(table.header[1:], cells[1:], strict=True):
                cell = row.cells[columns[_column_key(head)]]
                compared += 1
                if not _agrees(text, cell, scale):
                    name = f"{group}/{cells[0]}" if group else cells[0]
                    disagreements.append((table.title, name, head, text, cell.text))
    return compared, disagreements
