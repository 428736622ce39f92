"""Articles nobody building caibao had read, with planted errors (tests/articles/articles.toml):
check calls exactly the planted errors contradicted, confirms at least the recorded number of
figures, and calls no correct figure wrong; the planted errors it does not catch yet are listed as
`missed` and must stay unverifiable."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from caibao.claims.check import check_text
from caibao.facts.periods import parse_label

HERE = Path(__file__).parent / "articles"
ARTICLES = tomllib.loads((HERE / "articles.toml").read_text(encoding="utf-8"))


def test_every_article_is_listed():
    assert {p.stem for p in HERE.glob("*.txt")} == set(ARTICLES)


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_article(name, read_store, filings_store):
    spec = ARTICLES[name]
    store = read_store if spec["ticker"] == "AMZN" else filings_store[0]  # Amazon's 2025 quarters are bundled
    period = parse_label(spec["period"]) if "period" in spec else None
    text = (HERE / f"{name}.txt").read_text(encoding="utf-8")
    report = check_text(store, text, spec["ticker"], lang="en", period=period)
    wrong = {c.quote: c.explanation for c in report.claims if c.verdict == "contradicted"}
    assert set(wrong) == set(spec["errors"]) | set(spec.get("false_alarms", {})), wrong
    for quote in spec.get("missed", {}):  # the backlog: not caught yet, and never called right
        assert {c.verdict for c in report.claims if c.quote == quote} == {"unverifiable"}, quote
    verdicts = Counter(c.verdict for c in report.claims)
    assert verdicts["supported"] >= spec["supported"], verdicts


BACKLOG = [(name, quote) for name, spec in sorted(ARTICLES.items()) for quote in spec.get("false_alarms", {})]


@pytest.mark.parametrize(("name", "quote"), BACKLOG)
@pytest.mark.xfail(strict=True, reason="a correct figure check still calls wrong: see articles.toml")
def test_false_alarm_backlog(name, quote, read_store, filings_store):
    spec = ARTICLES[name]
    store = read_store if spec["ticker"] == "AMZN" else filings_store[0]
    period = parse_label(spec["period"]) if "period" in spec else None
    report = check_text(store, (HERE / f"{name}.txt").read_text(encoding="utf-8"), spec["ticker"], period=period)
    assert all(c.verdict != "contradicted" for c in report.claims if c.quote == quote)
