"""Explanations of verdicts in the reader's language (claims/data/explain.toml), with figures
formatted as that language writes them: 114.7 億美元 / 114.7亿美元 / $11,472 million."""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from caibao.analysis.rounding import round_half_up
from caibao.brief.i18n import LANGUAGES, Words
from caibao.claims.model import Claim
from caibao.claims.normalize import to_simplified
from caibao.facts.names import member_label

_METRIC_WORDS = {
    "segment_operating_expenses": "total_operating_expenses",
    "segment_pretax_income": "income_before_taxes",
}
_MEMBER_PREFIXES = ("segment_", "line_", "region_")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def language_of(text: str) -> str:
    """zh-Hant, zh-Hans or en: the script an article is written in (Traditional where OpenCC's
    t2s would change it)."""
    if not _HAN.search(text):
        return "en"
    sample = "".join(m.group(0) for m in itertools.islice(_HAN.finditer(text), 2000))  # the first 2,000
    return "zh-Hant" if to_simplified(sample) != sample else "zh-Hans"


class Explainer:
    def __init__(self, lang: str = "en", ticker: str = ""):
        self.lang = lang if lang in LANGUAGES else "en"
        self.ticker = ticker
        self.words = Words(self.lang, "explain")
        self.brief = Words(self.lang)

    def __call__(self, section: str, key: str, **values: object) -> str:
        return self.words(section, key, **values)

    def reason(self, reason: tuple[str, dict] | str) -> str:
        if isinstance(reason, str):
            return reason
        key, values = reason
        return self("why", key, **values)

    def cause(self, code: str | None) -> str:
        """A likely cause's code ("one-digit typo") as the reader's language names it; "" for none."""
        if not code:
            return ""
        return self("cause", code) if self.words.has("cause", code) else code

    def full(self, explanation: str, cause: str | None) -> str:
        """An explanation with its likely cause after it, as the pages show them."""
        word = self.cause(cause)
        if not word:
            return explanation
        return f"{explanation} ({word})" if self.lang == "en" else f"{explanation}({word})"

    def metric(self, key: str | None) -> str:
        """A metric's name: explain.toml's, else the brief's row label, else its key."""
        if key is None:
            return "?"
        row = _METRIC_WORDS.get(key, key)
        for prefix in _MEMBER_PREFIXES:
            if row.startswith(prefix):
                row = row[len(prefix) :]
        if self.words.has("metric", row):
            return self.words("metric", row)
        return self.brief("row", row) if self.brief.has("row", row) else key

    def member(self, name: str) -> str:
        """A member's name as the reader's language writes it (facts/data/names.toml)."""
        if not name:
            return ""
        label = member_label(self.ticker, name, self.lang) if self.ticker else None
        return label or self.brief.member(name)

    def pct(self, value: Decimal) -> str:
        return f"{round_half_up(value, 1)}%"

    def money(self, value: Decimal, claim: Claim) -> str:
        """A filed amount in the article's own unit, to one more digit than written."""
        if claim.metric and claim.metric.startswith("eps"):
            amount = round_half_up(value, 2)
            return {"en": f"${amount}", "zh-Hant": f"{amount} 美元", "zh-Hans": f"{amount}美元"}[self.lang]
        millions = round_half_up(value.scaleb(-6), 0)
        if self.lang == "en":
            return f"{'-' if millions < 0 else ''}${abs(millions):,} million"
        yi = round_half_up(value.scaleb(-8), max(claim.places, 1) if claim.power == 8 else 1)
        if self.lang == "zh-Hant":
            return f"{yi:,} 億美元({millions:,} 百萬美元)"
        return f"{yi:,}亿美元({millions:,}百万美元)"

    def show(self, value: Decimal, claim: Claim) -> str:
        if claim.kind in ("percent", "points") or claim.measure in ("yoy", "qoq", "margin", "share"):
            return self.pct(value)
        if claim.kind == "count":
            return str(value)
        return self.money(value, claim)

    def amount(self, value: Decimal, unit: str) -> str:
        """A fact's value for the inputs line: millions for USD, as filed otherwise."""
        if unit != "USD":
            return str(value)
        millions = f"{round_half_up(value.scaleb(-6), 0):,}"
        return {"en": f"{millions} million", "zh-Hant": f"{millions} 百萬美元", "zh-Hans": f"{millions}百万美元"}[
            self.lang
        ]


# Claims as read, before verification gave them a verdict, by id of the claim verified: kept only
# inside `every_language()` (a web check), since verify() changes a claim (its bounds, the reading it
# settles on) and a verified claim cannot be verified again in another language.
_READ: ContextVar[dict[int, tuple[Claim, Claim]] | None] = ContextVar("claims_as_read", default=None)


@contextmanager
def every_language() -> Iterator[dict[int, tuple[Claim, Claim]]]:
    """Within it, each check keeps a copy of its claims as read, for `in_languages`."""
    token = _READ.set({})
    try:
        yield _READ.get()  # type: ignore[misc]
    finally:
        _READ.reset(token)


def keep_as_read(claims: list[Claim]) -> None:
    """Called by the checker just before it verifies `claims`; a no-op outside `every_language()`."""
    kept = _READ.get()
    if kept is not None:
        kept.update((id(c), (c, copy.deepcopy(c))) for c in claims)


def in_languages(
    claims: list[Claim], index, ticker: str, read: dict[int, tuple[Claim, Claim]]
) -> list[dict[str, dict[str, str]]]:
    """Each claim's explanation and likely cause in every language, worked out from the claim as
    read (`read`, from `every_language()`), not from the article again: a kept result then follows a
    page's language switch without a second check. A claim not kept keeps its own words."""
    from caibao.claims.check import _verify_all  # verify imports this module

    out: list[dict[str, dict[str, str]]] = [{} for _ in claims]
    for lang in LANGUAGES:
        say = Explainer(lang, ticker)
        copies = [copy.deepcopy(read[id(c)][1]) if id(c) in read else None for c in claims]
        _verify_all([c for c in copies if c is not None], index, say)
        for slot, claim, copied in zip(out, claims, copies, strict=True):
            done = copied or claim
            slot[lang] = {"explanation": done.explanation, "cause": say.cause(done.cause)}
    return out
