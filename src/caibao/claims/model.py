"""A numeric claim: what the article says, what it is about, and what the filings say."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from caibao.claims.mentions import Mention
from caibao.facts.periods import FiscalLabel

SUPPORTED, CONTRADICTED, UNVERIFIABLE = "supported", "contradicted", "unverifiable"
EXCERPT = 240  # characters either side of a figure kept of a sentence longer than twice that


def excerpt(sentence: str, at: int, start: int, end: int) -> str:
    """The sentence a figure stands in (starting at offset `at`), or, for a long one, the stretch
    around the figure: a 2 M-character sentence is not repeated in the report for each figure."""
    if len(sentence) <= 2 * EXCERPT + (end - start):
        return sentence
    left, right = max(0, start - at - EXCERPT), min(len(sentence), end - at + EXCERPT)
    return ("…" if left else "") + sentence[left:right].strip() + ("…" if right < len(sentence) else "")


@dataclass(slots=True)
class Claim:
    quote: str  # the number as written, from the original text
    start: int  # offsets in the original text
    end: int
    sentence: str
    kind: str  # money | percent | points | multiple | count | number
    stated: Decimal  # money in USD, percentages in percent points
    stated_low: Decimal | None
    stated_high: Decimal | None
    qualifier: str = "eq"
    step: Decimal = Decimal(1)  # one unit of the last digit written, in the stated unit
    places: int = 0  # decimal places written
    power: int = 0  # the multiplier written (亿 = 8)
    metric: str | None = None  # a standard metric key
    segment: str = ""  # member: segment, revenue line or region
    alt_segments: list[str] = field(default_factory=list)  # other members it may be about ("" = the company)
    period: FiscalLabel | None = None
    period_explicit: bool = False  # said in the claim's own sentence, not carried from an earlier one
    # level | yoy | qoq | margin | share | pp | change | run_rate | ttm | ex_fx | non_gaap | guidance |
    # first_above | streak
    measure: str = "level"
    share_of: str | None = None  # for share: the metric of the whole
    base: FiscalLabel | None = None  # the period compared with, where the text names it ("较2022年")
    readings: list[FiscalLabel] = field(default_factory=list)  # other periods the text may mean
    alt_measures: list[str] = field(default_factory=list)  # other measures it may mean (a change on what)
    window: str = ""  # "ttm": the figure sums the four quarters to the period
    bound: str = ""  # guidance: "high" or "low" end, or "implied" growth
    reason: str = ""  # why the claim cannot be checked, when it cannot: a key of explain.toml's [why]
    reason_args: dict = field(default_factory=dict)
    actual: Decimal | None = None
    verdict: str = UNVERIFIABLE
    explanation: str = ""
    cause: str = ""
    sources: list[str] = field(default_factory=list)
    in_table: bool = False

    @classmethod
    def of(cls, original: str, mention: Mention, sentence: str, **resolved: object) -> Claim:
        """A claim for a number found in the text, before anything is known of what it is about."""
        return cls(
            quote=original[mention.start : mention.end],
            start=mention.start,
            end=mention.end,
            sentence=sentence,
            kind=mention.kind,
            stated=mention.value,
            stated_low=None,
            stated_high=mention.high,
            qualifier=mention.qualifier,
            step=mention.step,
            places=mention.places,
            power=mention.power,
            **resolved,  # type: ignore[arg-type]
        )
