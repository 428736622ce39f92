"""The checker's vocabulary in layers: the company-agnostic base (claims/data/base.toml), then one
filer's own names (facts/data/names.toml and the members its facts name in the store), compiled
into one Aho-Corasick automaton (pyahocorasick) so that an article is read into terms in a single
pass, leftmost-longest, whatever the number of words.

A surface form maps to a set of attributes (class -> value): "营业利润率" is a margin of
operating income; "年增" is both a rise and a year-on-year measure. Where the filer's layer and
the base give one surface different meanings, the filer's wins.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import ahocorasick

from caibao.claims.normalize import fold
from caibao.facts import names as filer_names

# Member names too common to stand for a member on their own in running text.
GENERIC_MEMBERS = frozenset({"other", "others", "other segments", "all other", "corporate", "reportable", "total",
                             "other countries", "other categories", "rest of world", "sales and services"})  # fmt: skip
_ASCII_LETTER = re.compile(r"[a-z]")


@cache
def base() -> dict:
    text = resources.files("caibao.claims").joinpath("data/base.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


_LOWER = frozenset(string.ascii_lowercase)


def _both(spec: dict) -> list[str]:
    return [*spec.get("en", []), *spec.get("zh", [])]


def base_terms() -> dict[str, dict[str, str]]:
    """Folded surface -> attributes, from base.toml alone."""
    raw = base()
    terms: dict[str, dict[str, str]] = {}

    def add(words: list[str], cls: str, value: str = "") -> None:
        for word in words:
            terms.setdefault(fold(word), {})[cls] = value

    for metric, spec in raw["metrics"].items():
        add(_both(spec), "metric", metric)
    for metric, spec in raw["margins"].items():
        add(_both(spec), "margin", "" if metric == "any" else metric)
    add(_both(raw["ratio_to_revenue"]), "ratio")
    add(_both(raw["whole"]), "whole")
    add(_both(raw["part_nouns"]), "part_noun")
    add(_both(raw["anaphors"]), "anaphor")
    add(_both(raw["narrowing"]), "narrow")
    add(_both(raw["cost_of"]), "cost_of")
    add(_both(raw["figure_nouns"]), "figure_noun")
    add(_both(raw["attributable"]), "attributable")
    add(raw["attributable"].get("minority", []), "minority")
    add(_both(raw["counterfactual"]), "counterfactual")
    add(_both(raw["superseded"]), "superseded")
    add(_both(raw["effects"]), "effect")
    for measure, spec in raw["measures"].items():
        add(_both(spec), "measure", measure)
    for direction, spec in raw["direction"].items():
        add(_both(spec), "dir", direction)
    frames = raw["frames"]
    for cls in ("to", "base", "per_share", "respectively", "and", "cause", "since", "adjusting", "cumulative"):
        add(_both(frames[cls]), cls)
    add(_both(frames["since_after"]), "since_after")
    for direction, words in frames["change_of"].items():
        add(words, "change_of", direction)
    for kind, words in raw["losses"].items():
        add(words, "loss", kind)
    add(raw["off_record"]["words"], "off")
    add(raw["expectations"]["words"], "expect")
    add(raw["expectations"]["after"], "expect_after")
    add(raw["records"]["first_above"], "first_above")
    for kind, words in raw["qualifiers"].items():
        add(words, "qual", kind)
    periods = raw["periods"]
    for kind in ("current_quarter", "previous_quarter", "year_ago", "same_period", "full_year", "last_year",
                 "prior_year", "this_year", "next_quarter", "spoken_quarter", "that_period",
                 "two_years_ago"):  # fmt: skip
        add(periods[kind], "rel", kind)
    return terms


@dataclass(frozen=True)
class Vocabulary:
    """One filer's compiled vocabulary."""

    ticker: str
    terms: dict[str, dict[str, str]]
    automaton: ahocorasick.Automaton  # every term, for one linear scan (Aho-Corasick)
    periods: tuple[tuple[str, re.Pattern[str]], ...]  # (kind, pattern), in the order tried
    streaks: tuple[re.Pattern[str], ...]
    member_words: dict[str, str] = field(default_factory=dict)  # folded name -> member

    def attrs(self, surface: str) -> dict[str, str]:
        return self.terms.get(surface, {})

    def scan(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """The terms in text[start:end] as (start, end) spans, leftmost-longest and not overlapping;
        a term starting or ending with an ASCII letter only as a whole word ("up" is not in
        "upgrade", "aws" not in "laws"). One pass of the automaton over the text, then one over
        the matches: linear in both."""
        end = len(text) if end is None else end
        best: dict[int, int] = {}
        # The automaton copies the whole string it is given, whatever the bounds: on a table cell of
        # a 1 M-character text, iter(text, start, end) costs the text, and reading every cell cost
        # cells x text. A slice costs only the span; the word-boundary checks below still look at
        # the characters around it in the text itself.
        whole = start == 0 and end == len(text)
        for found, size in self.automaton.iter(text if whole else text[start:end]):
            last = found if whole else found + start
            first = last + 1 - size
            if size <= best.get(first, 0):
                continue
            if first > 0 and text[first] in _LOWER and text[first - 1] in _LOWER:
                continue
            if last + 1 < end and text[last] in _LOWER and text[last + 1] in _LOWER:
                continue
            if last + 2 < end and text[last] in _LOWER and text[last + 1] == "&" and text[last + 2] in _LOWER:
                continue  # "oi" is no word of "oi&e", nor "s" of "s&p"
            best[first] = size
        spans: list[tuple[int, int]] = []
        position = start
        for first in sorted(best):
            if first >= position:
                position = first + best[first]
                spans.append((first, position))
        return spans

    def denominator(self, surface: str) -> str | None:
        """The metric a ratio phrase divides by, in this filer's words: "as a percentage of net
        sales" -> revenue (Walmart: its net sales, contract_revenue)."""
        words = surface.split(" ")
        for i in range(len(words)):
            metric = self.terms.get(" ".join(words[i:]), {}).get("metric")
            if metric:
                return metric
        for i in range(len(surface)):  # Chinese: "占营收比例" -> the longest metric inside
            for j in range(len(surface), i + 1, -1):
                metric = self.terms.get(surface[i:j], {}).get("metric")
                if metric and j - i >= 2:
                    return metric
        return None


def trie_pattern(words: list[str]) -> str:
    """One regular expression matching any of `words`, longest first at each position, shaped as a
    trie so that the work at a position is bounded by the longest word, not the number of words.
    ASCII words do not match inside longer words ("up" is not in "upgrade")."""
    root: dict = {}
    for word in words:
        if not word:
            continue
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = word

    def emit(node: dict, last: str) -> str:
        branches = [re.escape(ch) + emit(child, ch) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            branches.append("(?![a-z])" if _ASCII_LETTER.match(last) else "")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    tops = []
    for ch, child in sorted(root.items()):
        if not ch:
            continue
        guard = "(?<![a-z])" if _ASCII_LETTER.match(ch) else ""
        tops.append(guard + re.escape(ch) + emit(child, ch))
    return "|".join(tops) or r"(?!x)x"


@cache
def vocabulary(
    ticker: str,
    segments: tuple[str, ...] = (),
    lines: tuple[str, ...] = (),
    regions: tuple[str, ...] = (),
    tickers: tuple[str, ...] = (),
) -> Vocabulary:
    """The base vocabulary with `ticker`'s layer on top: its names data, the members its facts name
    (`segments`, `lines`, `regions`), and every other filer in the store (`tickers`) as another
    company."""
    terms = {surface: dict(attrs) for surface, attrs in base_terms().items()}
    ticker = ticker.upper()

    def put(surface: str, cls: str, value: str, replace: bool = True) -> None:
        key = fold(surface).strip()
        if len(key) < 2:
            return
        if replace:
            # A filer's name is a name, whatever the base thought the word was.
            terms[key] = {cls: value, "filer": ticker}
        else:
            terms.setdefault(key, {cls: value})

    others = set(filer_names.other_companies())
    # every other filer caibao has names for, whether or not the store holds it: an article on
    # Amazon that turns to Apple is about Apple even where only Amazon's data is installed
    for other in {*tickers, *filer_names.filers()}:
        if other.upper() != ticker:
            others.update(filer_names.company_names(other) or [other])
    for name in others:
        put(name, "other_company", name, replace=False)
    stored = [*segments, *lines, *regions]
    member_words: dict[str, str] = {}
    for member in stored:
        key = fold(member)
        if len(key) >= 3 and key not in GENERIC_MEMBERS:
            put(member, "member", member)
            member_words[key] = member
    # Words starting a member's name that name no member themselves ("automotive" of "Automotive
    # sales"): part of the business, not one figure.
    for member in stored:
        first = fold(member).split(" ")[0]
        if len(first) >= 4 and first not in GENERIC_MEMBERS and first not in member_words and " " in fold(member):
            put(first, "part", member, replace=False)
    for member, words in filer_names.member_names(ticker).items():
        for word in words:
            put(word, "member", member)
            member_words[fold(word)] = member
    for word, members in filer_names.either_names(ticker).items():
        put(word, "member", members[0])
        terms[fold(word).strip()]["alt_member"] = "|".join(members[1:])
    for metric, words in filer_names.metric_names(ticker).items():
        for word in words:
            put(word, "metric", metric)
    for word in filer_names.part_names(ticker):
        put(word, "part", word)
    for name in [*filer_names.company_names(ticker), ticker]:
        put(name, "company", ticker)
    raw = base()["periods"]
    periods = tuple(
        (kind, re.compile(p))
        for kind in ("dated", "fiscal_quarter", "quarter", "half", "nine_months", "fiscal_year", "year")
        for p in raw[kind]
    )
    # Every pattern written with a Chinese character needs one in its match (年, 财年, 第…季): on a text
    # with none at all they are not tried (a test holds the patterns to this).
    streaks = tuple(re.compile(p) for p in base()["records"]["streak"])
    automaton = ahocorasick.Automaton()
    for surface in terms:
        automaton.add_word(surface, len(surface))
    automaton.make_automaton()
    return Vocabulary(ticker, terms, automaton, periods, streaks, member_words)
