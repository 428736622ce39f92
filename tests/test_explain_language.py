"""Explanations in Chinese say everything in Chinese: no cause code ("one-digit typo") nor English
metric name ("operating income") left in a zh-Hant or zh-Hans explanation, for seed 002 and for every
article of the labelled corpus. Names with no Chinese form in facts/data/names.toml (AWS, YouTube),
the article's own words quoted back (「shares rose」) and other companies' names may stay."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

import pytest

from caibao.claims.check import check_text
from caibao.claims.explain import Explainer, every_language, in_languages
from caibao.facts.names import names

from .test_check_seeds import SEED_002
from .test_corpus import CASES, corpus_stores  # noqa: F401  (a store per set of filings)

WORD = re.compile(r"[A-Za-z]+")
QUOTED = re.compile(r"「[^」]*」|“[^”]*”")
HAN = re.compile(r"[\u4e00-\u9fff]")
STOP = {"of", "the", "on", "a", "to", "by", "in"}


@cache
def vocabulary() -> frozenset[str]:
    """The English words the explanations are made of: cause codes, metric and measure names."""
    explain = tomllib.loads(resources.files("caibao.claims").joinpath("data/explain.toml").read_text("utf-8"))
    brief = tomllib.loads(resources.files("caibao.brief").joinpath("data/labels.toml").read_text("utf-8"))
    phrases = [spec["en"] for section in ("cause", "metric", "measure") for spec in explain[section].values()]
    phrases += [spec["en"] for spec in brief["row"].values() if isinstance(spec, dict) and "en" in spec]
    words = {w.lower() for phrase in phrases for w in WORD.findall(phrase)}
    return frozenset(words - STOP - _unchanged_names())


@cache
def _unchanged_names() -> frozenset[str]:
    """Words of the names Chinese keeps in English: a filer's or member's first zh name with no Han in it."""
    kept: set[str] = set()
    for filer in names().values():
        if not isinstance(filer, dict):
            continue
        for spec in [*filer.get("members", {}).values(), filer]:
            for lang in ("zh-Hant", "zh-Hans"):
                first = spec.get(lang, [""])[0] if isinstance(spec, dict) else ""
                if first and not HAN.search(first):
                    kept.update(w.lower() for w in WORD.findall(first))
    return frozenset(kept)


def english_left(text: str) -> list[str]:
    return [w for w in WORD.findall(QUOTED.sub("", text)) if w.lower() in vocabulary()]


def _shown(report, lang: str) -> list[str]:
    """Each claim's explanation as the pages show it: the explanation, then its cause in words."""
    say = Explainer(lang, report.ticker)
    return [say.full(c.explanation, c.cause) for c in report.claims]


def test_the_vocabulary_holds_what_leaked_before():
    assert {"typo", "operating", "income", "segment", "miscalculated"} <= vocabulary()
    assert english_left("北美 營業利益:申報值 114.7 億美元(one-digit typo)") == ["one", "digit", "typo"]
    assert english_left("「shares rose」不在申報資料中") == []


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_seed_002_is_explained_in_chinese_only(read_store, shared, lang):
    report = check_text(read_store, (shared / SEED_002).read_text(encoding="utf-8"), "AMZN", lang=lang)
    shown = _shown(report, lang)
    assert sum(c.verdict == "contradicted" for c in report.claims) == 7
    typo = next(s for s, c in zip(shown, report.claims, strict=True) if c.cause == "one-digit typo")
    assert typo.endswith({"zh-Hant": "(一位數字誤植)", "zh-Hans": "(一位数字笔误)"}[lang])
    leaks = {s: english_left(s) for s in shown if english_left(s)}
    assert leaks == {}


def test_kept_explanations_in_every_language(read_store, shared):
    """What a kept web result holds for its language switch: the same words a check in that language gives."""
    text = (shared / SEED_002).read_text(encoding="utf-8")
    with every_language() as read:
        report = check_text(read_store, text, "AMZN", lang="en")
    said = in_languages(report.claims, read_store.index("AMZN"), "AMZN", read)
    assert len(read) == len(report.claims)
    hant = check_text(read_store, text, "AMZN", lang="zh-Hant")
    assert [s["zh-Hant"]["explanation"] for s in said] == [c.explanation for c in hant.claims]
    assert [s["en"]["explanation"] for s in said] == [c.explanation for c in report.claims]
    hans = check_text(read_store, text, "AMZN", lang="zh-Hans")
    assert [s["zh-Hans"]["cause"] for s in said] == [Explainer("zh-Hans").cause(c.cause) for c in hans.claims]
    assert all(
        not english_left(s[lang]["explanation"] + s[lang]["cause"]) for s in said for lang in ("zh-Hant", "zh-Hans")
    )


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_corpus_articles_are_explained_in_chinese_only(corpus_stores, case, lang):  # noqa: F811
    store = corpus_stores[tuple(sorted(case.get("filings", [])))]
    report = check_text(store, case["text"], case["ticker"], lang=lang)
    assert report.claims
    leaks = {s: english_left(s) for s in _shown(report, lang) if english_left(s)}
    assert leaks == {}
