"""The one place where percentages are computed and numbers are rounded.

Every figure stays a Decimal from the source to the table; rounding happens once, at display,
half-up (2.5 -> 3, -2.5 -> -3), the way financial tables round.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal, getcontext

HUNDRED = Decimal(100)
# Integer digits past which a JSON number is given as a float: no reader of the JSON holds more
# exactly, and Python will not turn an int of over 4,300 digits into text at all.
JSON_DIGITS = 40
_MICRO = Decimal("1e-6")


def _room(value: Decimal, places: int) -> Context:
    """The current context with precision for every digit `value` keeps at `places`: quantize
    raises InvalidOperation where the result has more digits than the context's precision (28 by
    default), and a figure of 30 digits is no reason to fail, only to show 30 digits."""
    context = getcontext().copy()
    context.prec = max(context.prec, value.adjusted() + max(places, 0) + 3)
    return context


def round_half_up(value: Decimal, places: int = 0) -> Decimal:
    """Round to `places` decimal places (negative: to tens, hundreds, ...), halves away from zero."""
    if not value.is_finite():
        return value  # there is nothing to round in an infinity, and quantize would raise
    # One quantize, exact: no intermediate step rounds at the context's precision first.
    fits = value.adjusted() + max(places, 0) + 3 <= getcontext().prec  # every figure a filing states
    return value.quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=None if fits else _room(value, places)
    )


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
    if value.adjusted() >= JSON_DIGITS:
        number = float(value)
        return number if math.isfinite(number) else None
    if value == value.to_integral_value():
        return int(value)
    if value.adjusted() + 9 <= getcontext().prec:
        return float(round(value, 6))
    # round(value, 6) in the default context raises past 22 integer digits: quantize with room
    return float(value.quantize(_MICRO, context=_room(value, 6)))
