"""Property tests of the claim checker on generated text (hypothesis): the number reader, the
period readers and the whole pipeline, on real fragments of the seed articles mixed with random
Unicode, digits, currency signs, CJK units, percents and ranges.

What must hold on any text: nothing but a CaibaoError is raised; every figure and claim lies
within the text (a claim's quote is the text between its offsets); figures have bounded size;
each example finishes within EXAMPLE_SECONDS. Examples are derandomized, so CI runs the same ones
every time (the whole file in well under 30 s); CAIBAO_FUZZ_EXAMPLES=2000 runs that many of each
(or more: it multiplies the default counts of the slower tests proportionally) to look further.
"""

from __future__ import annotations

import os
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caibao.claims.check import check_text, filer_vocabulary
from caibao.claims.context import Calendar, Context, dateline, reported_period
from caibao.claims.mentions import MAX_DIGITS, find_mentions
from caibao.claims.model import CONTRADICTED, SUPPORTED, UNVERIFIABLE
from caibao.claims.normalize import fold
from caibao.claims.numerals import chinese_to_int, parse_number
from caibao.claims.tokens import period_marks, tokenize
from caibao.errors import CaibaoError
from caibao.facts.periods import FiscalLabel, parse_label
from caibao.facts.store import Store

EXAMPLE_SECONDS = 5.0
_ON_DEMAND = int(os.environ.get("CAIBAO_FUZZ_EXAMPLES", "0"))


def examples(default: int) -> settings:
    """`default` examples in CI; CAIBAO_FUZZ_EXAMPLES examples (at least the default) on demand."""
    return settings(
        max_examples=max(default, _ON_DEMAND),
        deadline=None,  # the time bound is asserted per example, against a clock, not hypothesis's
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        database=None,  # derandomized: nothing to replay, and nothing written beside the checkout
    )


# -- material ---------------------------------------------------------------------------------

_SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
_FALLBACK = (
    "本季營收達 2,134 億美元、年增 12%,營業利益達 250 億美元。",
    "AWS 營收達 356 億美元、年增 24%,創 13 季以來最快成長速度。",
    "Amazon's net sales increased 10% to $187.8 billion in the fourth quarter of 2024.",
    "公司預計第一季營收介於 1,735 億至 1,785 億美元。",
)


def _fragments() -> list[str]:
    """Clauses of the seed articles (../shared/seeds beside the checkout), or a few of their
    sentences where that is not there."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(_SEEDS.glob("*.txt"))] if _SEEDS.is_dir() else []
    found = sorted({f.strip() for t in texts for f in re.findall(r"[^\n。,,;;]{4,80}[。,,;;]?", t)})
    return found or list(_FALLBACK)


FRAGMENTS = _fragments()
ATOMS = (
    "$", "US$", "€", "¥", "NT$", "億", "亿", "萬", "万", "兆", "千亿", "美元", "億美元", "%", "%",
    " billion", " million", "bn", " to ", "至", "到", "-", "–", "~", " and ", "between ", "(", ")", "(", ")",
    "位数", "成", "倍", "个百分点", " basis points", " bps", " percentage points", "个季度以来最快", " quarters",
    "至少", "最高", "at least ", "up to ", "预计", "預計", "guidance of ", "2025年第四季度", "2026年第一季",
    "fourth quarter of 2024", "Q4", "4Q25", "FY2025", "上年同期", "a year earlier", "同比增长", "year over year",
    "AWS", "营收", "net sales", "operating income", "营业利润", "free cash flow", "自由现金流", "利润率", "margin",
    "EPS", "每股", "一千二百", "九", "十", "百", "两", "零", "e", "e+", "1e400", ".", ",", "。", ",", "\n",
    "| ", " |", "\n|---|---|\n", " ", "\u3000", "\u00a0", "\u200b",
)  # fmt: skip


def _number() -> st.SearchStrategy[str]:
    digits = st.text("0123456789", min_size=1, max_size=40)
    grouped = st.builds(
        lambda head, groups: head + "".join("," + g for g in groups),
        st.text("123456789", min_size=1, max_size=3),
        st.lists(st.text("0123456789", min_size=3, max_size=3), max_size=12),
    )
    decimal = st.builds(lambda a, b: f"{a}.{b}", digits, digits)
    wide = digits.map(lambda d: d.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}))  # full width
    chinese = st.text("零〇一二两三四五六七八九十百千", min_size=1, max_size=12)
    return st.one_of(digits, grouped, decimal, wide, chinese, st.sampled_from(["0", "1", "19", "173.5", "2,134"]))


PIECES = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.sampled_from(ATOMS),
    _number(),
    st.text(max_size=6),  # any Unicode but lone surrogates
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x3000), max_size=6),
)
TEXT = st.lists(PIECES, max_size=30).map("".join)


@pytest.fixture(scope="module")
def store(seeded_db: Path):
    """The bundled store, opened once for the module (a read-only check does not write)."""
    with Store.open(seeded_db, read_only=True) as s:
        yield s


@pytest.fixture(scope="module")
def amzn(store):
    """AMZN's facts, vocabulary and calendar, compiled once for the module."""
    index = store.index("AMZN")
    return index, filer_vocabulary(index, "AMZN"), Calendar.of(index)


# -- the number reader --------------------------------------------------------------------------


@examples(300)
@given(text=TEXT, table=st.booleans())
def test_mentions_lie_in_the_text_and_are_bounded(text: str, table: bool) -> None:
    folded = fold(text)
    assert len(folded) == len(text)  # offsets in the folded text are offsets in the text
    started = time.monotonic()
    mentions = find_mentions(folded, table=table)
    assert time.monotonic() - started < EXAMPLE_SECONDS
    previous_end = 0
    for m in mentions:
        assert previous_end <= m.start < m.end <= len(text), (m, mentions)
        previous_end = m.end
        assert m.value.is_finite() and m.step.is_finite()
        # at most MAX_DIGITS digits times the largest multiplier (兆, 10**12), or 10**19 percent
        assert m.value.adjusted() <= MAX_DIGITS + 12, m
        if m.high is not None:
            assert m.high.is_finite() and m.high.adjusted() <= MAX_DIGITS + 12


@examples(200)
@given(whole=st.integers(0, 10**15), fraction=st.text("0123456789", max_size=4), grouped=st.booleans())
def test_parse_number_reads_what_it_is_given(whole: int, fraction: str, grouped: bool) -> None:
    written = f"{whole:,}" if grouped else str(whole)
    if fraction:
        written += "." + fraction
    value, places = parse_number(written)
    assert value == Decimal(f"{whole}.{fraction}" if fraction else str(whole))
    assert places == len(fraction)


def _as_chinese(n: int) -> str:
    """1..9999 as a Chinese numeral the way financial text writes one ("一千零五", "十二")."""
    digits = "零一二三四五六七八九"
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d == 0:
            zero = bool(out)
            continue
        out += ("零" if zero else "") + ("" if (unit == "十" and d == 1 and not out) else digits[d]) + unit
        zero = False
    return out


@examples(200)
@given(n=st.integers(1, 9999))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert chinese_to_int(_as_chinese(n)) == n


@examples(150)
@given(
    amount=st.decimals(min_value=Decimal("0.1"), max_value=Decimal("99999"), places=1, allow_nan=False),
    unit=st.sampled_from([(" billion", 9), (" million", 6), ("亿美元", 8)]),
)
def test_an_amount_reads_as_its_value(amount: Decimal, unit: tuple[str, int]) -> None:
    word, power = unit
    text = f"营收 ${amount}{word}" if word.startswith(" ") else f"营收 {amount}{word}"
    (mention,) = find_mentions(fold(text))
    assert mention.kind == "money"
    assert mention.value == amount.scaleb(power)
    assert text[mention.start : mention.end].endswith(word.strip())


# -- the period readers -------------------------------------------------------------------------

PERIOD_ATOMS = (
    "2025年", "第四季度", "第0季", "第5季", "Q4", "Q0", "4Q25", "1Q00", "FY2025", "FY00", "fiscal 2025", "0000年",
    "9999年", "2025年13月32日", "2025年12月31日", "six months ended June 30, 2025", "February 30, 2025",
    "year ended December 31, 0000", "上年同期", "去年", "a year earlier", "the prior year", "上季", "前年",
    "first half of 2025", "上半年", "前三季", "fourth quarter of last year", "9M2025", "6M0000", "2025财年", " ", ",",
    "。", "and", "和", "年", "季", "月", "日",
)  # fmt: skip
PERIOD_TEXT = st.lists(st.one_of(st.sampled_from(PERIOD_ATOMS), st.integers(0, 99999).map(str), st.text(max_size=3)),
                       max_size=14).map("".join)  # fmt: skip


@examples(300)
@given(text=st.text(st.sampled_from("FYQfyq0123456789 -'M69HhTt\u0660\uff11"), max_size=12) | st.text(max_size=12))
def test_parse_label_reads_or_refuses(text: str) -> None:
    try:
        label = parse_label(text)
    except CaibaoError:
        return
    assert label.quarter in (None, 1, 2, 3, 4)
    assert parse_label(str(label)) == label  # what it prints, it reads back


@examples(150)
@given(year=st.integers(1990, 2099), quarter=st.sampled_from([None, 1, 2, 3, 4]))
def test_labels_round_trip(year: int, quarter: int | None) -> None:
    label = FiscalLabel(year, quarter)
    assert parse_label(str(label)) == label
    if year < 2000:
        return  # a two-digit year is of this century: "4Q95" is 2095Q4
    if quarter is not None:
        assert parse_label(f"{quarter}Q{year % 100:02d}") == label
        assert parse_label(f"Q{quarter} {year}") == label
    else:
        assert parse_label(f"FY{year % 100:02d}") == label


@examples(250)
@given(text=PERIOD_TEXT)
def test_period_reading_never_raises(amzn, text: str) -> None:
    index, vocab, calendar = amzn
    folded = fold(text)
    started = time.monotonic()
    tokens = tokenize(folded, vocab)
    day = dateline(text, folded)
    reported = reported_period(folded, tokens, calendar, day, index)
    context = Context(calendar, reported, day)
    for mark in period_marks(folded, vocab):
        assert 0 <= mark.start < mark.end <= len(text)
        for current in (None, FiscalLabel(2025, 4), FiscalLabel(2025)):
            for label in context.readings(mark, current):
                assert isinstance(label, FiscalLabel) and label.quarter in (None, 1, 2, 3, 4)
        context.pair(mark)
        context.base_readings(mark, FiscalLabel(2025, 4))
    assert time.monotonic() - started < EXAMPLE_SECONDS


# -- the whole pipeline -------------------------------------------------------------------------


def _check(store, text: str, html: bool = False):
    """check_text, timed; None where it refused the text with a CaibaoError (allowed)."""
    started = time.monotonic()
    try:
        report = check_text(store, text, "AMZN", html=html)
    except CaibaoError as error:
        assert str(error) and "\n" not in str(error)
        return None
    assert time.monotonic() - started < EXAMPLE_SECONDS
    return report


@examples(250)
@given(text=TEXT | st.builds(lambda a, b: a + "\ud800" + b, TEXT, TEXT))
def test_check_text_never_raises_and_quotes_its_claims(store, text: str) -> None:
    report = _check(store, text)
    if report is None:
        assert re.search("[\ud800-\udfff]", text), "only a lone surrogate is refused here"
        return
    for claim in report.claims:
        assert 0 <= claim.start <= claim.end <= len(text)
        assert text[claim.start : claim.end] == claim.quote
        assert claim.verdict in (SUPPORTED, CONTRADICTED, UNVERIFIABLE)
        assert claim.explanation


MARKUP = ("<p>", "</p>", "<div>", "<td>", "</td>", "<tr>", "<table>", "</table>", "&amp;", "&#37;", "&nbsp;", "<br>",
          '<td colspan="', '">', "<!--", "-->", "<script>", "</script>")  # fmt: skip


@examples(80)
@given(pieces=st.lists(st.one_of(PIECES, st.sampled_from(MARKUP)), max_size=30))
def test_check_html_never_raises(store, pieces: list[str]) -> None:
    source = "<html><body>" + "".join(pieces) + "</body></html>"
    report = _check(store, source, html=True)
    if report is None:
        return
    for claim in report.claims:
        # offsets are in the HTML as given; the quote is the figure as the page shows it
        assert 0 <= claim.start <= claim.end <= len(source)
        assert claim.quote
