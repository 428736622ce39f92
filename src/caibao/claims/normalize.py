"""Fold an article to one script and one width, keeping every character at its offset.

Matching runs on the folded text; offsets reported to the user are offsets in the original, so the
fold must never change the length. OpenCC's t2s is one character for one almost everywhere; where a
phrase conversion would change the length, the text is converted character by character instead.
"""

from __future__ import annotations

from functools import cache

import opencc

# Full-width digits, Latin letters and punctuation to their ASCII forms; ideographic space to space.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x3000: 0x20, 0x2212: ord("-"), 0xFF5E: ord("~")})
# No-break and thin spaces (SEC filings put one between every figure and its unit) are spaces.
_WIDTH.update({0xA0: 0x20, 0x2007: 0x20, 0x2009: 0x20, 0x202F: 0x20, 0x2019: ord("'")})


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _char_t2s(ch: str) -> str:
    out = _t2s().convert(ch)
    return out if len(out) == 1 else ch


def fold(text: str) -> str:
    """Simplified, half-width, lower-case text of exactly the same length as `text`."""
    narrow = text.translate(_WIDTH)
    simplified = _t2s().convert(narrow)
    if len(simplified) != len(narrow):
        simplified = "".join(_char_t2s(ch) for ch in narrow)
    lowered = simplified.lower()
    # str.lower can lengthen a few characters (İ); keep the unlowered character there.
    if len(lowered) != len(simplified):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in simplified)
    return lowered


def to_simplified(text: str) -> str:
    return _t2s().convert(text)
