"""Words per language: the brief's (brief/data/labels.toml) and the web pages' (web/data/ui.toml).
zh-Hans is made from zh-Hant by OpenCC where a file does not give it. Members (segments, lines,
regions) are named from facts/data/names.toml; face-statement lines from brief/data/lines.toml."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

import opencc

from caibao.errors import CaibaoError
from caibao.facts.names import member_label

LANGUAGES = ("zh-Hant", "zh-Hans", "en")


_FILES = {
    "brief": ("caibao.brief", "data/labels.toml"),
    "ui": ("caibao.web", "data/ui.toml"),
    "explain": ("caibao.claims", "data/explain.toml"),
}


@cache
def _labels(source: str = "brief") -> dict:
    package, path = _FILES[source]
    return tomllib.loads(resources.files(package).joinpath(path).read_text(encoding="utf-8"))


@cache
def _to_hans() -> opencc.OpenCC:
    # tw2sp: Taiwan standard to mainland simplified, with mainland phrasing (e.g. 資料 -> 数据).
    return opencc.OpenCC("tw2sp")


def to_hans(text: str) -> str:
    return _to_hans().convert(text)


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise CaibaoError(f"language {lang!r} is not one of {', '.join(LANGUAGES)}")
    return lang


@cache
def _lines() -> dict[str, dict[str, str]]:
    text = resources.files("caibao.brief").joinpath("data/lines.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def line_key(concept: str, dims: str = "") -> str:
    """lines.toml's key for a face-statement line: the concept, then `|axis=member` pairs if any."""
    return f"{concept}|{dims}" if dims else concept


def line_label(concept: str, dims: str, english: str, lang: str, ticker: str = "") -> str:
    """A face-statement line's label: the filer's own English label in an English brief; in Chinese,
    lines.toml's label for the concept with these dimensions, else for the bare concept. Only a concept
    lines.toml does not know keeps the filer's English label (a new filer's own extension concept)."""
    if check_language(lang) == "en":
        return english
    table = _lines()
    if not concept:  # a heading: matched on its words
        words = english.lower()
        entry = next((h for h in table.get("heading", []) if re.search(h["pattern"], words)), None)
        return entry[lang] if entry else english
    # the filer's own entry first (Walmart's net sales are not its revenues), then the concept's
    keys = [line_key(concept, dims)] if dims else []
    keys.append(concept)
    keys = [f"{ticker.upper()}|{k}" for k in keys] + keys if ticker else keys
    entry = next((table[k] for k in keys if k in table), None)
    return entry[lang] if entry else english


_NET_SALES = re.compile(r"\b([Nn])et sales\b( were)?")

# "[, {growth}]": a part of a sentence written only when its values are there (not n.m.).
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, values: dict[str, object]) -> str:
    """The template with its placeholders filled; an optional part `[...]` is left out when one of its
    values is None. A None anywhere else is a bug: a sentence is never written with a hole in it."""

    def optional(part: re.Match[str]) -> str:
        return "" if any(values.get(n) is None for n in _PLACEHOLDER.findall(part.group(1))) else part.group(1)

    text = _OPTIONAL.sub(optional, template)
    missing = [n for n in _PLACEHOLDER.findall(text) if values.get(n) is None]
    if missing:
        raise ValueError(f"no value for {', '.join(missing)} in {template!r}")
    return text.format(**values)


class Words:
    def __init__(self, lang: str, source: str = "brief", ticker: str = "", revenue_term: str = ""):
        self.lang = check_language(lang)
        self.source = source
        self.ticker = ticker.upper()
        # The filer's own word for revenue ("Revenues", "Revenue"), from its income statement: in English
        # it replaces the house word "net sales" wherever a label says it (Walmart's net sales are not its
        # revenues; Netflix has revenues, not sales). "" keeps the house word.
        self.revenue_term = revenue_term if self.lang == "en" else ""

    def __call__(self, *path: str, **values: object) -> str:
        # A filer's own label first, where labels.toml has one ("AMZN|product_revenue": Taiwan's notes keep
        # Amazon's "Products" in English, as seed note 000 does; every other filer's is 產品營收).
        if self.ticker and path and self._has((*path[:-1], f"{self.ticker}|{path[-1]}")):
            path = (*path[:-1], f"{self.ticker}|{path[-1]}")
        node = _labels(self.source)
        for key in path:
            try:
                node = node[key]
            except KeyError:
                raise KeyError(f"labels.toml has no entry {'.'.join(path)}") from None
        if self.lang in node:
            template = node[self.lang]
        elif self.lang == "zh-Hans":
            template = to_hans(node["zh-Hant"])
        else:
            raise KeyError(f"labels.toml: {'.'.join(path)} has no {self.lang}")
        text = fill(template, values) if values else template
        return self._filer_words(text) if self.revenue_term else text

    def _filer_words(self, text: str) -> str:
        term = self.revenue_term
        plural = term.endswith("s")

        def swap(m: re.Match[str]) -> str:
            word = term if m.group(1) == "N" else term.lower()
            verb = m.group(2) and (" were" if plural else " was")
            return word + (verb or "")

        return _NET_SALES.sub(swap, text)

    def has(self, *path: str) -> bool:
        return self._has(path) or bool(self.ticker and path and self._has((*path[:-1], f"{self.ticker}|{path[-1]}")))

    def _has(self, path: tuple[str, ...]) -> bool:
        node = _labels(self.source)
        for key in path:
            if key not in node:
                return False
            node = node[key]
        return True

    def member(self, name: str, ticker: str | None = None) -> str:
        """A member's label: labels.toml's [member] "TICKER|member" entry where it has one (the brief's
        own house labels: Taiwan's notes keep Amazon's "North America" in English, as seed note 000 does,
        while articles and explanations say 北美), else the filer's names.toml entry (its first name in this
        language), else the member name as the store holds it."""
        owner = (ticker if ticker is not None else self.ticker).upper()
        if owner and self._has(("member", f"{owner}|{name}")):
            return Words(self.lang, self.source, owner)("member", f"{owner}|{name}")
        label = member_label(owner, name, self.lang)
        if label:
            return label
        return self("member_fallback", name) if self.has("member_fallback", name) else name
