"""Hostile article text: every shape a tester or a fuzzer found that made `caibao check` raise,
hang or misread, as a table of the text and what the check must say about it.

Each row runs the real pipeline (check_text on the bundled store) and then every report the CLI
can write (JSON, the terminal table, the HTML page): a figure that verifies fine can still break
the report (a 5,000-digit int will not even turn into JSON text). A row expects a number of claims,
the verdicts of its claims in order, or a CaibaoError whose one-line message holds a fragment;
anything else raised fails the row, and so does a check slower than TIME_LIMIT seconds.
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import dataclass

import pytest
from rich.console import Console

from caibao.claims.check import MAX_CHARS, check_text
from caibao.claims.report import to_html, to_json, to_table
from caibao.errors import CaibaoError

TIME_LIMIT = 5.0  # seconds for one row; each takes a tenth of that, the worst shape once took 90 s
D = "1234567890"


@dataclass(frozen=True)
class Claims:
    count: int


@dataclass(frozen=True)
class Verdicts:
    verdicts: tuple[str, ...]


@dataclass(frozen=True)
class Refused:
    fragment: str


Q4 = " in the fourth quarter of 2024."  # a period the store has figures for, so claims get verified
ZH_Q4 = "亚马逊2024年第四季度"
HTML = "<html><body>{}</body></html>"

# (text, html, expected). Rows with "was:" are bugs found and fixed; the rest are guards for
# shapes that were tried and held.
CASES = [
    # -- digits past what a filing states: not a claim (mentions.MAX_DIGITS), never a crash --
    pytest.param("營收達" + D * 100 + "億美元", False, Claims(0), id="zh-1000-digit-amount"),
    pytest.param("Amazon revenue was $" + D * 100 + " billion" + Q4, False, Claims(0), id="en-1000-digit-amount"),
    pytest.param("Amazon revenue was $1." + "0" * 30 + " billion" + Q4, False, Claims(0), id="30-digit-decimal"),
    pytest.param("Amazon net sales were up 1." + D * 4 + "%" + Q4, False, Claims(0), id="40-digit-percent"),
    pytest.param("Amazon revenue was $1" + ",000" * 500 + Q4, False, Claims(0), id="500-commas"),
    pytest.param(
        ZH_Q4 + "营收达" + "１２３４５６７８９０" * 100 + "亿美元", False, Claims(0), id="1000-full-width-digits"
    ),
    pytest.param("AWS revenue grew 0." + "0" * 40 + "1%" + Q4, False, Claims(0), id="41-decimal-places"),
    # twenty digits is the most a figure may have: read, verified and reported without overflow
    pytest.param(
        ZH_Q4 + "营收为" + "9" * 20 + "万亿美元。", False, Verdicts(("contradicted",)), id="20-digits-trillions"
    ),
    pytest.param(
        "Amazon net sales increased 10.123456789012345678% year over year" + Q4,
        False,
        Verdicts(("contradicted",)),
        id="20-digit-percent",
    ),
    # was: "$1e400 billion" read as "$1" and "2.5e+9%" as "9%", both contradicted (false alarms)
    pytest.param("Amazon revenue was $1e400 billion" + Q4, False, Claims(0), id="exponent-1e400"),
    pytest.param("AWS revenue grew 2.5e+9%" + Q4, False, Claims(0), id="exponent-percent"),
    # -- "N位数" growth: at least 10**(N-1) percent --
    # was: decimal.Overflow in mentions.py (Decimal(10) ** (N - 1) past the context's Emax)
    pytest.param(ZH_Q4 + "AWS营收实现" + "9" * 20 + "位数增长。", False, Claims(0), id="digits-growth-overflow"),
    # was: ValueError from the JSON report, a 10**9998 int is over Python's 4,300-digit limit
    pytest.param(ZH_Q4 + "AWS营收实现九千九百九十九位数增长。", False, Claims(0), id="digits-growth-json"),
    # was: 90 s building 10**999998 (then the ValueError above)
    pytest.param(ZH_Q4 + "AWS营收实现999999位数增长。", False, Claims(0), id="digits-growth-slow"),
    # was: "supported", read as growth of at least 1%
    pytest.param(ZH_Q4 + "AWS营收实现1.5位数增长。", False, Claims(0), id="digits-growth-fraction"),
    pytest.param("AWS 2024年第四季度营收实现三位数增长。", False, Verdicts(("contradicted",)), id="digits-growth-kept"),
    # -- records of growth: "创N个季度以来最快" --
    # was: ValueError from the JSON report (a 5,000-digit streak count as an int)
    pytest.param(
        "AWS 2024年第四季度营收增长19%,创" + "9" * 5000 + "个季度以来最快。",
        False,
        Verdicts(("supported",)),
        id="streak-5000-digits",
    ),
    pytest.param(
        "AWS grew 19%" + Q4[:-1] + ", its fastest growth in " + "9" * 5000 + " quarters.",
        False,
        Verdicts(("supported",)),
        id="streak-5000-digits-en",
    ),
    pytest.param(
        "AWS 2024年第四季度营收增长19%,创13个季度以来最快。",
        False,
        Verdicts(("supported", "contradicted")),
        id="streak-kept",
    ),
    # -- Chinese numerals --
    pytest.param(ZH_Q4 + "营收达一千八百七十八億美元。", False, Verdicts(("supported",)), id="chinese-numeral"),
    # was: one claim of 360,000億美元 (the run summed as one numeral)
    pytest.param(ZH_Q4 + "营收达" + "一千二百" * 300 + "億美元。", False, Claims(0), id="chinese-numeral-run"),
    # was: one claim of 9% (each 九 overwriting the one before)
    pytest.param(ZH_Q4 + "营收增长" + "九" * 1000 + "%。", False, Claims(0), id="chinese-digit-run"),
    pytest.param(ZH_Q4 + "营收达１８７８亿美元。", False, Verdicts(("supported",)), id="full-width-digits"),
    # -- guidance with one end --
    pytest.param("預計2026年第一季營收至少1,735億美元。", False, Verdicts(("supported",)), id="guidance-low-only-zh"),
    pytest.param(
        "亚马逊预计2026年第一季度营收在1,735亿美元至", False, Verdicts(("supported",)), id="guidance-open-range-zh"
    ),
    pytest.param(
        "Amazon expects first quarter 2026 net sales guidance of $173.5 billion to",
        False,
        Verdicts(("unverifiable",)),
        id="guidance-open-range-en",
    ),
    pytest.param(
        "Amazon expects operating income for the first quarter of 2026 between $16.5 billion and",
        False,
        Verdicts(("supported",)),
        id="guidance-between-one-end",
    ),
    pytest.param(
        "Amazon expects operating income between $150 and", False, Verdicts(("unverifiable",)), id="between-no-period"
    ),
    pytest.param(
        "Amazon expects operating income for the first quarter of 2026 at the low end of guidance, $16.5 billion.",
        False,
        Claims(1),
        id="guidance-low-end-words",
    ),
    # -- characters that are not text --
    # was: UnicodeEncodeError from OpenCC while folding
    pytest.param(
        "Amazon revenue was $187.8 billion\ud800" + Q4,
        False,
        Refused("character 33 is a lone surrogate (U+D800)"),
        id="lone-surrogate",
    ),
    pytest.param(
        HTML.format("<p>\udfff</p>"),
        True,
        Refused("character 15 is a lone surrogate (U+DFFF)"),
        id="lone-surrogate-html",
    ),
    pytest.param("", False, Claims(0), id="empty"),
    pytest.param("\x00" * 100, False, Claims(0), id="nul-bytes"),
    pytest.param("x" * (MAX_CHARS + 1), False, Refused("-character limit"), id="over-the-limit"),
    # -- HTML --
    # was: ValueError from int() in html_text.py (5,000 digits is over its limit; "²" is no int)
    pytest.param(
        HTML.format('<table><tr><td colspan="' + "9" * 5000 + '">Net sales</td><td>1</td></tr></table>'),
        True,
        Verdicts(("unverifiable",)),  # the cell, read: the table says in what unit nowhere
        id="colspan-5000-digits",
    ),
    pytest.param(
        HTML.format('<table><tr><td colspan="²">Net sales</td><td>1</td></tr></table>'),
        True,
        Verdicts(("unverifiable",)),
        id="colspan-superscript",
    ),
    pytest.param(
        HTML.format("<div>" * 100_000 + "Net sales were $187.8 billion" + Q4), True, Claims(1), id="deep-divs"
    ),
    pytest.param(HTML.format('<p title="' + "1%" * 200_000 + '">x</p>'), True, Claims(0), id="long-attribute"),
]


@pytest.mark.parametrize(("text", "html", "expected"), CASES)
def test_hostile_text(read_store, text: str, html: bool, expected: Claims | Verdicts | Refused) -> None:
    started = time.monotonic()
    try:
        report = check_text(read_store, text, "AMZN", html=html)
    except CaibaoError as error:
        assert isinstance(expected, Refused), f"refused: {error}"
        assert expected.fragment in str(error)
        assert "\n" not in str(error)  # the CLI's one line
        return
    assert time.monotonic() - started < TIME_LIMIT
    assert not isinstance(expected, Refused), f"not refused; claims: {[c.quote for c in report.claims]}"
    verdicts = tuple(c.verdict for c in report.claims)
    if isinstance(expected, Claims):
        assert len(report.claims) == expected.count, [(c.quote[:40], c.verdict) for c in report.claims]
    else:
        assert verdicts == expected.verdicts, [(c.quote[:40], c.verdict, c.explanation) for c in report.claims]
    for claim in report.claims:
        assert 0 <= claim.start <= claim.end <= len(text)
        if not html:
            assert text[claim.start : claim.end] == claim.quote
    # every report the CLI writes
    document = json.loads(to_json(report, read_store.index("AMZN")))
    assert len(document["claims"]) == len(report.claims)
    to_html(report)
    Console(file=io.StringIO(), width=160).print(to_table(report))


@pytest.mark.parametrize(
    ("source", "marked"),
    [
        # was: the span ended at "19&", inside the reference, and the marked HTML page split it
        ("<p>AWS revenue grew 19&#37; year over year in the fourth quarter of 2024.</p>", "19&#37;"),
        ("<p>AWS revenue grew 19&percnt; in the fourth quarter of 2024.</p>", "19&percnt;"),
        ("<p>AWS revenue grew 19&#x25 in the fourth quarter of 2024.</p>", "19&#x25"),  # no semicolon
        ("<p>Revenue was &#36;187.8 billion in the fourth quarter of 2024.</p>", "&#36;187.8 billion"),
    ],
)
def test_html_claim_spans_whole_references(read_store, source: str, marked: str) -> None:
    (claim,) = check_text(read_store, source, "AMZN", html=True).claims
    assert source[claim.start : claim.end] == marked
