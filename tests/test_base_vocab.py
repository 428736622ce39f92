"""claims/data/base.toml, the checker's company-agnostic vocabulary, checked as data: it loads,
every class the engine reads is there, every pattern compiles and names only the groups the
engine reads, Chinese entries are written folded (Simplified, half width) so they match folded text,
English entries are lower case, and no company, segment or product name is in it: those belong to
facts/data/names.toml, one filer at a time."""

from __future__ import annotations

import re

import pytest

from caibao.claims.normalize import fold
from caibao.claims.tokens import needs_han
from caibao.claims.vocab import base, base_terms
from caibao.facts import names

DATA = base()

CLASSES = {
    "metrics", "margins", "ratio_to_revenue", "whole", "part_nouns", "narrowing", "cost_of", "head_nouns",
    "outflows", "effects", "counterfactual", "anaphors", "agents", "words", "measures", "direction", "frames",
    "losses", "off_record", "expectations", "records", "qualifiers", "headings", "periods", "numbers",
    "figure_nouns", "attributable", "demonstratives", "against_guidance", "change_nouns", "superseded", "statement",
    "member_negation",
}  # fmt: skip
PERIOD_GROUPS = {"y", "q", "n", "n2", "month", "day", "y2", "ly"}


def _words(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [w for item in node for w in _words(item)]
    if isinstance(node, dict):
        return [w for value in node.values() for w in _words(value)]
    return []


def test_every_class_the_engine_reads_is_there():
    assert set(DATA) == CLASSES
    assert set(DATA["frames"]) >= {"to", "base", "change_of", "per_share", "respectively", "and", "cause", "since",
                                   "adjusting"}  # fmt: skip
    assert set(DATA["measures"]) >= {"yoy", "qoq", "share", "ttm", "ex_fx", "non_gaap", "guidance", "implied"}
    assert set(DATA["words"]) == {"plain", "function", "row_label", "column_head"}


@pytest.mark.parametrize("kind", sorted(k for k, v in DATA["periods"].items() if isinstance(v, list)))
def test_period_patterns_compile_and_name_known_groups(kind):
    for entry in DATA["periods"][kind]:
        if kind in ("current_quarter", "previous_quarter", "year_ago", "same_period", "full_year", "last_year",
                    "prior_year", "this_year", "next_quarter", "spoken_quarter", "that_period",
                 "two_years_ago"):  # fmt: skip
            assert entry == entry.strip() and fold(entry) == entry, entry
            continue
        pattern = re.compile(entry)
        assert set(pattern.groupindex) <= PERIOD_GROUPS, entry


def test_patterns_written_in_chinese_need_chinese_in_their_match():
    """tokens.period_marks skips them on a text without a Chinese character."""
    han = re.compile(r"[\u4e00-\u9fff]")
    english = "in 2024 fiscal year 2025 q1 2025 1q25 first quarter of 2025 | 2024 | 2025 12 2024-2025 h1 2025 9m2025"
    skipped = 0
    for kind in ("dated", "fiscal_quarter", "quarter", "half", "nine_months", "fiscal_year", "year"):
        for entry in DATA["periods"][kind]:
            if needs_han(entry):
                skipped += 1
                assert not any(re.compile(entry).finditer(english)), entry
                for m in re.compile(entry).finditer("2025年第四季度 2024财年 截至2025年6月30日止的六个月 " + english):
                    assert han.search(m.group(0)), (entry, m.group(0))
    assert skipped >= 10


def test_record_patterns_capture_the_count():
    for entry in DATA["records"]["streak"]:
        assert re.compile(entry).groups >= 1, entry


def test_entries_are_written_as_folded_text_matches_them():
    sections = ("metrics", "margins", "whole", "part_nouns", "narrowing", "head_nouns", "effects", "counterfactual",
                "anaphors", "measures", "direction", "frames", "losses", "qualifiers", "figure_nouns",
                "attributable")  # fmt: skip
    for section in sections:
        for word in _words(DATA[section]):
            assert word == word.strip() and word, (section, word)
            assert fold(word) == word, (section, word, fold(word))  # Simplified, half width, lower case


def test_no_company_or_member_name_is_in_the_base():
    vocabulary = set(base_terms())
    for ticker in names.filers():
        for name in names.company_names(ticker):
            assert fold(name) not in vocabulary, (ticker, name)
        for member, spelled in names.member_names(ticker).items():
            distinctive = [n for n in spelled if len(fold(n)) >= 4 and not fold(n).isascii()] + [
                n for n in spelled if " " in n or any(ch.isupper() for ch in n[1:])
            ]
            for name in distinctive:
                assert fold(name) not in vocabulary, (ticker, member, name)
    for name in names.other_companies():
        assert fold(name) not in vocabulary, name


def test_one_word_one_meaning_within_a_class():
    for section in ("metrics", "margins", "measures", "direction"):
        seen: dict[str, str] = {}
        for key, spec in DATA[section].items():
            for word in _words(spec):
                assert seen.setdefault(word, key) == key, (section, word, seen[word], key)
