"""Percentages a brief prints as "n.m." (not meaningful), in one rule for its tables and highlights.

A growth rate is not meaningful across a sign change (income to loss: there is no rate at which
one becomes the other), from a loss (a negative base; analysis.rounding.growth_pct already says so),
or as a ten-fold move off a base too small against revenue to be a level anyone tracks. A margin
is not meaningful beyond ±100%. The thresholds are data: analysis/data/meaningful.toml.
analysis.measures applies the rule to Figures (`shown_growth`, `ratio`); the brief formats a Figure
whose value is None as "n.m.".
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Limits:
    margin: Decimal
    small_base_share: Decimal
    small_base_growth: Decimal


@cache
def limits() -> Limits:
    text = resources.files("caibao.analysis").joinpath("data/meaningful.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    return Limits(
        Decimal(str(raw["margin_limit"])),
        Decimal(str(raw["small_base_share"])),
        Decimal(str(raw["small_base_growth"])),
    )


def not_meaningful(
    kind: str,
    value: Decimal | None,
    now: Decimal | None = None,
    base: Decimal | None = None,
    revenue: Decimal | None = None,
) -> str | None:
    """Why a percentage is not meaningful ("none", "margin", "sign", "small_base"), or None when it is.

    `kind` is "margin" (a ratio of part to whole) or "growth"; for growth, `now` and `base` are the
    two levels and `revenue` the company's revenue in the base period (None: no size test, as for
    per-share figures, which are not comparable with revenue).
    """
    if value is None:
        return "none"
    bounds = limits()
    if kind == "margin":
        return "margin" if abs(value) > bounds.margin else None
    if kind != "growth":
        raise ValueError(f"kind {kind!r} is not margin or growth")
    if now is not None and base is not None and (now < 0 < base or base < 0 < now):
        return "sign"
    small = revenue and base is not None and abs(base) * HUNDRED < abs(revenue) * bounds.small_base_share
    return "small_base" if small and abs(value) >= bounds.small_base_growth else None
