"""Whole numbers written in English words, as the `ixt-sec:numwordsen` transformation reads them.

The SEC's transformation registry allows: "zero", "no", "none" or "nil" (all 0); otherwise groups
of "one" to "nineteen", tens ("twenty" to "ninety") with or without a unit after a hyphen or a
space ("twenty-one", "twenty one"), and "<one to nineteen> hundred" with an optional rest ("one
hundred five", "one hundred and five"), each group but the last followed by trillion, billion,
million or thousand, largest first, optionally with a comma between ("two million, three
thousand"). "and" may also open what follows "thousand" ("one thousand and five"). The registry
spells each word with either case of its first letter; this reader takes any case, since nothing
else could be meant. It reads nothing the registry does not allow: "a hundred", "fifty-five
hundred and change" and "twenty thousand thousand" are refused, so a filing that EDGAR would have
rejected is not read by a guess.
"""

from __future__ import annotations

import re

UP_TO_NINETEEN = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
UNITS = {word: value for word, value in UP_TO_NINETEEN.items() if value < 10}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"trillion": 10**12, "billion": 10**9, "million": 10**6, "thousand": 10**3}
ZERO = frozenset({"zero", "no", "none", "nil"})
# The hyphens and dashes the registry accepts between a ten and its unit ("twenty‑one").
HYPHENS = "\u058a\u05be\u2010\u2011\u2012\u2013\u2014\u2015\ufe58\ufe63\uff0d-"
# The longest number the grammar allows ("seventeen hundred and seventy-seven trillion, ...") is
# about 250 characters; anything much longer is not one, and is refused before it is tokenised.
MAX_CHARS = 400

_TOKEN = re.compile(rf"(?P<comma>\s*,\s*)|(?P<hyphen>[{HYPHENS}])|(?P<space>\s+)|(?P<word>[a-z]+)")
_SPACE, _COMMA, _HYPHEN = " ", ",", "-"


class NotANumber(ValueError):
    """The text is not a number in words; the message says where it stops being one."""


def read_words(text: str) -> int:
    """The value of `text`, a whole number in English words (see the module docstring)."""
    cleaned = text.strip().lower()
    if len(cleaned) > MAX_CHARS:
        raise NotANumber(f"{len(cleaned)} characters is longer than any number in words")
    tokens = _tokens(cleaned)
    if len(tokens) == 1 and tokens[0] in ZERO:
        return 0
    return _Reader(tokens).number()


def _tokens(text: str) -> list[str]:
    """Words, and the separators between them as " ", "," or "-"."""
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise NotANumber(f"{text[pos]!r} cannot be part of a number in words")
        kind = m.lastgroup
        tokens.append(m.group() if kind == "word" else {"comma": _COMMA, "hyphen": _HYPHEN}.get(kind or "", _SPACE))
        pos = m.end()
    if not tokens:
        raise NotANumber("no words")
    return tokens


class _Reader:
    """A recursive-descent reading of the token list, one grammar rule per method."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.pos = 0

    def peek(self, offset: int = 0) -> str | None:
        at = self.pos + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def fail(self, expected: str) -> NotANumber:
        found = self.peek()
        where = f"{found!r}" if found not in (None, _SPACE) else "the end" if found is None else "a space"
        return NotANumber(f"expected {expected} at {where}")

    def number(self) -> int:
        total, smaller_than = 0, None
        while True:
            group = self.group(and_allowed=smaller_than == SCALES["thousand"])
            if self.peek() is None:
                return total + group
            scale_word = self.peek(1)
            if self.peek() != _SPACE or scale_word not in SCALES:
                raise self.fail("trillion, billion, million or thousand")
            scale = SCALES[scale_word]
            if smaller_than is not None and scale >= smaller_than:
                raise NotANumber(f"{scale_word!r} cannot follow a larger or equal scale")
            total, smaller_than = total + group * scale, scale
            self.pos += 2
            if self.peek() is None:
                return total
            if self.peek() not in (_SPACE, _COMMA):
                raise self.fail("a space or a comma")
            self.pos += 1
            # The registry lets a comma end the number after million, billion or trillion.
            if self.peek() is None and scale > SCALES["thousand"]:
                return total

    def group(self, and_allowed: bool = False) -> int:
        """<one to nineteen> hundred [[and] <below a hundred>] | [and] <below a hundred>."""
        if self.peek() in UP_TO_NINETEEN and self.peek(1) == _SPACE and self.peek(2) == "hundred":
            value = UP_TO_NINETEEN[self.tokens[self.pos]] * 100
            self.pos += 3
            if self.peek() != _SPACE or self.peek(1) in SCALES:
                return value  # "one hundred" alone, or "one hundred million"
            self.pos += 1
            if self.peek() == "and":
                self.skip_and()
            return value + self.below_hundred()
        if and_allowed and self.peek() == "and":
            self.skip_and()
        return self.below_hundred()

    def skip_and(self) -> None:
        if self.peek(1) != _SPACE:
            self.pos += 1
            raise self.fail("a number after 'and'")
        self.pos += 2

    def below_hundred(self) -> int:
        word = self.peek()
        if word in UP_TO_NINETEEN:
            self.pos += 1
            return UP_TO_NINETEEN[word]
        if word in TENS:
            self.pos += 1
            if self.peek() in (_HYPHEN, _SPACE) and self.peek(1) in UNITS:
                self.pos += 2
                return TENS[word] + UNITS[self.tokens[self.pos - 1]]
            return TENS[word]
        raise self.fail("a number word (one to ninety-nine)")
