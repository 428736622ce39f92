"""The one place where percentages are computed and numbers are rounded.

Every figure stays a Decimal from the source to the table; rounding happens once, at display,
half-up (2.5 -> 3, -2.5 -> -3), the way financial tables round.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


def round_half_up(value: Decimal, places: int = 0) -> Decimal:
    """Round to `places` decimal places (negative: to tens, hundreds, ...), halves away from zero."""
    exponent = Decimal(1).scaleb(-places)
    rounded = (value / exponent).quantize(Decimal(1), rounding=ROUND_HALF_UP) * exponent
    return rounded.quantize(exponent) if places >= 0 else rounded


def growth_pct(current: Decimal, base: Decimal) -> Decimal | None:
    """Change from `base` to `current` in percent, or None where it is not meaningful (base <= 0)."""
    if base <= 0:
        return None
    return (current - base) / base * HUNDRED


def growth_pct_of_loss(current: Decimal, base: Decimal) -> Decimal | None:
    """Change from a negative `base` in percent of its size, the way filers print it: an operating
    loss of 17,729 after 16,120 is "(10)%". Never shown by caibao itself (it says "n/m"); only a
    reading under which a writer's figure is judged."""
    if base >= 0:
        return None
    return (current - base) / -base * HUNDRED


def share_pct(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percent of `whole` (margins, shares of total); None when `whole` is 0."""
    if whole == 0:
        return None
    return part / whole * HUNDRED


def in_millions(value: Decimal) -> str:
    """A USD amount as the plain millions figure a filing's table shows (for messages)."""
    return f"{round_half_up(value.scaleb(-6), 0):,}"


def json_number(value: Decimal | None) -> int | float | None:
    """A Decimal for JSON: integers stay exact; fractions keep six places, past any displayed digit."""
    if value is None or not value.is_finite():
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(round(value, 6))
