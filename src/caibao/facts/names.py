"""What each filer and its segments, revenue lines and regions are called (facts/data/names.toml):
the brief prints the first name of each language as the label, the checker recognises them all."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

LANGUAGES = ("en", "zh-Hant", "zh-Hans")


@cache
def names() -> dict:
    text = resources.files("caibao.facts").joinpath("data/names.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def filers() -> list[str]:
    return [key for key in names() if key != "other_companies"]


def company_names(ticker: str) -> list[str]:
    """Every name articles use for the filer, in every language (empty for a filer not listed)."""
    entry = names().get(ticker.upper(), {})
    return [name for lang in LANGUAGES for name in entry.get(lang, [])]


def member_names(ticker: str) -> dict[str, list[str]]:
    """Store member name -> every name articles use for it."""
    members = names().get(ticker.upper(), {}).get("members", {})
    return {member: [n for lang in LANGUAGES for n in spec.get(lang, [])] for member, spec in members.items()}


def either_names(ticker: str) -> dict[str, list[str]]:
    """Names the press gives either of two (or more) members: name -> those members."""
    return dict(names().get(ticker.upper(), {}).get("either", {}))


def metric_names(ticker: str) -> dict[str, list[str]]:
    """Whole-company metrics the filer names in words of its own (Apple's "Services")."""
    metrics = names().get(ticker.upper(), {}).get("metrics", {})
    return {metric: [n for lang in LANGUAGES for n in spec.get(lang, [])] for metric, spec in metrics.items()}


def part_names(ticker: str) -> list[str]:
    """Words naming part of the filer's business without naming one member."""
    parts = names().get(ticker.upper(), {}).get("parts", {})
    return [n for lang in LANGUAGES for n in parts.get(lang, [])]


def other_companies() -> list[str]:
    entry = names().get("other_companies", {})
    return [n for lang in LANGUAGES for n in entry.get(lang, [])]


def member_label(ticker: str, member: str, lang: str) -> str | None:
    """The name a brief in `lang` prints for a member, or None where the names data has none."""
    spec = names().get(ticker.upper(), {}).get("members", {}).get(member)
    if not spec or not spec.get(lang):
        return None
    return spec[lang][0]


def company_label(ticker: str, lang: str) -> str | None:
    """The name a brief in `lang` calls the company by (names.toml's first), or None without one."""
    spec = names().get(ticker.upper(), {})
    found = spec.get(lang) if isinstance(spec, dict) else None
    return found[0] if found else None
