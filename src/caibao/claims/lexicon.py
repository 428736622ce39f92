"""The checker's vocabulary (claims/data/lexicon.toml), compiled once into regular expressions."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    """Longest first, so "营业利润率" beats "营业利润"; ASCII words not inside longer words ("up" is
    not in "upgrade"), though a digit may touch them ("3.9gw")."""
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        escaped = re.escape(word)
        if word[0].isascii() and word[0].isalpha():
            escaped = r"(?<![a-z])" + escaped
        if word[-1].isascii() and word[-1].isalpha():
            escaped += r"(?![a-z])"
        parts.append(escaped)
    return "|".join(parts)


@dataclass(frozen=True)
class Vocabulary:
    """A category of keywords and the value each one stands for."""

    pattern: re.Pattern[str]
    values: dict[str, str]

    def find_all(self, text: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
        return list(self.pattern.finditer(text, start, len(text) if end is None else end))

    def last(self, text: str, start: int, end: int) -> re.Match[str] | None:
        found = self.find_all(text, start, end)
        return found[-1] if found else None

    def value(self, match: re.Match[str]) -> str:
        return self.values[match.group(0)]


def _vocabulary(mapping: dict[str, str]) -> Vocabulary:
    return Vocabulary(re.compile(_alternation(list(mapping))), mapping)


def _words(words: list[str], value: str = "") -> Vocabulary:
    return _vocabulary({w: value or w for w in words})


@dataclass(frozen=True)
class Lexicon:
    raw: dict
    multipliers: dict[str, int]
    table_units: dict[str, int]
    metrics: Vocabulary
    segments: Vocabulary
    lines: Vocabulary
    other_companies: Vocabulary
    off_record: Vocabulary
    measures: Vocabulary  # word -> measure name
    qualifiers: Vocabulary  # word -> qualifier kind
    direction: Vocabulary  # word -> up / down
    growth_words: Vocabulary
    losses: Vocabulary
    first_above: Vocabulary
    streaks: tuple[re.Pattern[str], ...]
    quarter_patterns: tuple[re.Pattern[str], ...]
    year_patterns: tuple[re.Pattern[str], ...]
    relative_periods: Vocabulary  # word -> current_quarter / previous_quarter / year_ago / same_period / full_year
    companies: dict[str, list[str]]  # ticker -> names articles use

    def own_names(self, ticker: str) -> frozenset[str]:
        return frozenset(self.companies.get(ticker, [ticker.lower()]))


@cache
def lexicon() -> Lexicon:
    text = resources.files("caibao.claims").joinpath("data/lexicon.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    measures = {w: name for name, words in raw["measures"].items() for w in words}
    qualifiers = {w: kind for kind, words in raw["qualifiers"].items() for w in words}
    direction = {w: kind for kind, words in raw["direction"].items() for w in words}
    periods = raw["periods"]
    relative = {
        w: kind
        for kind in ("current_quarter", "previous_quarter", "year_ago", "same_period", "full_year")
        for w in periods[kind]
    }
    return Lexicon(
        raw=raw,
        multipliers=raw["multipliers"],
        table_units=raw["table_units"],
        metrics=_vocabulary(raw["metrics"]),
        segments=_vocabulary(raw["segments"]),
        lines=_vocabulary(raw["lines"]),
        other_companies=_words(raw["other_companies"]["names"]),
        off_record=_words(raw["off_record"]["words"]),
        measures=_vocabulary(measures),
        qualifiers=_vocabulary(qualifiers),
        direction=_vocabulary(direction),
        growth_words=_words(raw["growth_words"]["words"]),
        losses=_words(raw["losses"]["words"]),
        first_above=_words(raw["records"]["first_above"]),
        streaks=tuple(re.compile(p) for p in raw["records"]["streak"]),
        quarter_patterns=tuple(re.compile(p) for p in periods["quarter"]),
        year_patterns=tuple(re.compile(p) for p in periods["year"]),
        relative_periods=_vocabulary(relative),
        companies=raw["companies"],
    )


# Member names too common to stand for a segment on their own in running text.
_GENERIC_MEMBERS = {"other", "others", "other segments", "all other", "corporate", "reportable", "total"}


@cache
def subjects(segments: tuple[str, ...], lines: tuple[str, ...]) -> tuple[Vocabulary, Vocabulary, Vocabulary]:
    """Vocabularies for one filer: its segments and revenue lines (the lexicon's, plus the names of
    the filer's own members in the store, so "iPhone" or "Google Cloud" is recognised for any filer),
    and the words that name part of its business without naming one member for sure (Tesla's
    "automotive" is a segment and the start of three revenue lines): a figure about those is left
    unjudged rather than compared with the whole company."""
    from caibao.claims.normalize import fold

    lx = lexicon()
    line_keys = [fold(n) for n in lines]
    found = []
    parts: dict[str, str] = {}
    for vocabulary, names in ((lx.segments, segments), (lx.lines, lines)):
        mapping = dict(vocabulary.values)
        for name in names:
            key = fold(name)
            if len(key) < 3 or key in _GENERIC_MEMBERS:
                continue
            ambiguous = vocabulary is lx.segments and any(k != key and k.startswith(key + " ") for k in line_keys)
            if ambiguous:
                parts[key] = name
            else:
                mapping.setdefault(key, name)
            first = key.split(" ")[0]
            if len(first) >= 4 and first not in _GENERIC_MEMBERS and first not in mapping:
                parts.setdefault(first, name)
        found.append(_vocabulary(mapping))
    return found[0], found[1], _vocabulary(parts) if parts else _vocabulary({"\0": ""})
