"""Property-based tests of the readers on mutated real inputs: whatever the bytes, a reader either
returns facts the store can hold or raises a one-line CaibaoError, and does so quickly.

Deterministic in CI (derandomize, a fixed number of examples, no example database). For a longer,
random run: CAIBAO_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz_ingest.py
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import time
from collections.abc import Callable
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from caibao.errors import CaibaoError
from caibao.facts.bounds import FIRST_DAY, LAST_DAY, MAX_DECIMALS, MAX_INTEGER_DIGITS, MIN_DECIMALS
from caibao.facts.companyfacts import parse_companyfacts
from caibao.facts.csv_source import decode, parse_csv_facts
from caibao.facts.model import Fact
from caibao.facts.xbrl import IX, XBRLI, XHTML, XbrlDocument, parse_xbrl
from caibao.facts.xbrl_source import convert

from .conftest import BUNDLED_CSV, SHARED

EXAMPLES = os.environ.get("CAIBAO_FUZZ_EXAMPLES")
SECONDS = 3.0  # per example; the slowest here (a whole 10-Q) takes ~0.1 s
# A mid-size real filing: 0.9 MB, ~600 facts, read in ~0.04 s.
FILING = SHARED / "filings" / "aapl-10-q-2025-08-01.htm"


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=int(EXAMPLES) if EXAMPLES else examples,
        deadline=None,  # timed by the property itself, with room for a slow CI machine
        derandomize=not EXAMPLES,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


def read_or_refuse(read: Callable[[], object]) -> object | None:
    """Run a reader: it may refuse (one line, a CaibaoError), never fail otherwise, and be quick."""
    start = time.monotonic()
    try:
        return read()
    except CaibaoError as exc:
        assert "\n" not in str(exc), str(exc)
        return None
    finally:
        assert time.monotonic() - start < SECONDS


def assert_storable(facts: list[Fact]) -> None:
    """What a reader returns fits the store and the arithmetic done on it (facts/bounds.py)."""
    for fact in facts:
        assert fact.value.is_finite() and (not fact.value or fact.value.adjusted() < MAX_INTEGER_DIGITS)
        assert MIN_DECIMALS <= fact.decimals <= MAX_DECIMALS or fact.decimals == 10
        assert FIRST_DAY <= fact.period.start <= fact.period.end <= LAST_DAY
        for text in (fact.ticker, fact.member, fact.source.url, fact.source.note, fact.source.locator):
            text.encode("utf-8")  # no lone surrogate


# Inputs that have broken readers, or could: bounds, encodings, markup, separators.
NASTY = [
    "", " ", "0", "-0", "nan", "NaN", "inf", "-Infinity", "sNaN", "1e999999999", "1e-999999999", "9" * 40,
    "1" + "0" * 22, "99999999999", "-99999999999", "2147483648", "0.0000001", "1,2", "1.2.3", "1_000",
    "２１", "٣", "2025-02-30", "0001-01-01", "9999-12-31", "2025Q5", "FY0000", "\x00", "\ud800", "\udfff",
    "\ufeff", "\u202e", '"', '""', "\n", "\r", "\r\n", ",", "'", "\\", "[/]", "[bold]", "<", "&", "]]>",
    "javascript:alert(1)", "USD_millions", "USD_per_share", "pct", "revenue", "segment_revenue", "AWS",
    "three", "twenty-one", "one hundred and five", "a hundred", "INF", "-INF", "100", "-100",
]  # fmt: skip
nasty = st.sampled_from(NASTY)
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=24)  # surrogates too
field_values = st.one_of(
    nasty,
    any_text,
    st.integers(-(10**40), 10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
)


def mutate_bytes(data: bytes, draw: st.DrawFn, most: int = 6) -> bytes:
    """Flip, delete, insert (a nasty token or random bytes) and truncate, at drawn positions."""
    tokens = [t.encode("utf-8", "surrogatepass") for t in NASTY] + [
        b"<!ENTITY", b"<!DOCTYPE x [", b"\xff", b"\xfe\xff", b"\xed\xa0\x80", b"&#0;", b"&#x110000;", b"<a>" * 300
    ]  # fmt: skip
    out = bytearray(data)
    for _ in range(draw(st.integers(1, most))):
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        operation = draw(st.sampled_from(["flip", "delete", "insert", "token", "truncate"]))
        if operation == "flip" and out:
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif operation == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        elif operation == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif operation == "token":
            out[at:at] = draw(st.sampled_from(tokens))
        elif operation == "truncate":
            del out[at:]
    return bytes(out)


# -- CSV facts files -----------------------------------------------------------------------


@cache
def csv_rows() -> tuple[list[str], list[list[str]]]:
    """The bundled file's header and every 15th row: 60 real rows of every kind of metric."""
    header, *rows = list(csv.reader(io.StringIO(BUNDLED_CSV.read_text(encoding="utf-8"))))
    return header, rows[::15]


def write_csv(header: list[str], rows: list[list[str]], quoted: bool) -> str:
    if quoted:  # as a spreadsheet would write it
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([header, *rows])
        return out.getvalue()
    return "\n".join(",".join(row) for row in [header, *rows]) + "\n"  # as a hand would


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    header, rows = csv_rows()
    header, rows = list(header), [list(r) for r in rows[: draw(st.integers(0, len(rows)))]]
    if draw(st.booleans()):  # the optional columns too
        extra = draw(st.lists(st.sampled_from(["decimals", "ticker", "cik", "colour", "value"]), max_size=3))
        header += extra
        rows = [r + [draw(field_values) for _ in extra] for r in rows]
    if draw(st.integers(0, 9)) == 0:  # now and then, a column's name
        header[draw(st.integers(0, len(header) - 1))] = draw(field_values)
    for _ in range(draw(st.integers(0, 6))):
        if not rows:
            break
        row = draw(st.integers(0, len(rows) - 1))
        operation = draw(st.sampled_from(["field", "field", "field", "duplicate", "drop field", "add field"]))
        if operation == "field":
            rows[row][draw(st.integers(0, len(rows[row]) - 1))] = draw(field_values)
        elif operation == "duplicate":
            rows.append(list(rows[row]))
        elif operation == "drop field" and rows[row]:
            rows[row].pop()
        elif operation == "add field":
            rows[row].append(draw(field_values))
    return write_csv(header, rows, quoted=draw(st.booleans()))


@fuzz(300)
@given(csv_texts())
def test_mutated_facts_files_are_read_or_refused_in_one_line(text):
    facts = read_or_refuse(lambda: parse_csv_facts(text, "fuzz-facts.csv", ticker="AMZN"))
    if facts is not None:
        assert_storable(facts)


@fuzz(150)
@given(st.data())
def test_facts_file_bytes_are_read_or_refused_in_one_line(data):
    header, rows = csv_rows()
    raw = mutate_bytes(write_csv(header, rows, quoted=True).encode(), data.draw)
    facts = read_or_refuse(lambda: parse_csv_facts(decode(raw, "fuzz-facts.csv"), "fuzz-facts.csv", ticker="AMZN"))
    if facts is not None:
        assert_storable(facts)


# -- SEC company facts ----------------------------------------------------------------------

COMPANY_FACTS = {
    "cik": 1065280,
    "entityName": "NETFLIX INC",
    "facts": {
        "us-gaap": {
            "Revenues": {"units": {"USD": [
                {"start": "2024-01-01", "end": "2024-12-31", "val": 39000966000, "form": "10-K", "fp": "FY",
                 "filed": "2025-01-27", "accn": "0001065280-25-000044", "fy": 2024},
                {"start": "2024-04-01", "end": "2024-06-30", "val": 9559310000, "form": "10-Q", "fp": "Q2",
                 "filed": "2024-07-19", "accn": "0001065280-24-000123", "fy": 2024},
            ]}},
            "EarningsPerShareDiluted": {"units": {"USD/shares": [
                {"start": "2024-01-01", "end": "2024-12-31", "val": 19.83, "form": "10-K", "fp": "FY",
                 "filed": "2025-01-27", "accn": "0001065280-25-000044"},
            ]}},
            "AccountsPayableCurrent": {"units": {"USD": [{"end": "2024-12-31", "val": 1, "form": "10-K"}]}},
        }
    },
}  # fmt: skip
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**40), 10**40), st.floats(), field_values),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(field_values, inner, max_size=3)),
    max_leaves=6,
)


@st.composite
def company_facts(draw: st.DrawFn) -> bytes:
    """The API's shape with values replaced anywhere in it, at any depth, by any JSON value."""
    doc = copy.deepcopy(COMPANY_FACTS)
    for _ in range(draw(st.integers(1, 4))):
        parent: dict | list = doc
        while True:  # down a drawn path, to replace what is at its end
            key = draw(st.sampled_from(sorted(parent) if isinstance(parent, dict) else range(len(parent))))
            child = parent[key]
            if not isinstance(child, dict | list) or not child or draw(st.booleans()):
                break
            parent = child
        parent[key] = draw(json_values)
    return json.dumps(doc, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


@fuzz(150)
@given(company_facts())
def test_changed_company_facts_are_read_or_refused(data):
    converted = read_or_refuse(lambda: parse_companyfacts(data, "CIK0001065280.json", "NFLX"))
    if converted is not None:
        assert_storable(converted.facts)  # type: ignore[attr-defined]


# -- XBRL filings --------------------------------------------------------------------------


@cache
def small_filing() -> bytes:
    """A real filing cut down to ~50 facts with their contexts and units and its dei facts: the
    same document to the reader, parsed in milliseconds, so each example costs little."""
    root = etree.fromstring(FILING.read_bytes(), etree.XMLParser(remove_comments=True, huge_tree=False))
    ns = {"ix": IX, "xbrli": XBRLI}
    facts = root.findall(".//ix:nonFraction", ns)
    chosen = facts[:30] + [f for f in facts if "Revenue" in f.get("name", "")][:15]
    chosen += [f for f in facts if "numwords" in f.get("format", "")]
    dei = [el for el in root.iterfind(".//ix:nonNumeric", ns) if el.get("name", "").startswith("dei:")]
    used = {el.get("contextRef") for el in chosen + dei}
    html = etree.Element(f"{{{XHTML}}}html", nsmap=root.nsmap)
    body = etree.SubElement(html, f"{{{XHTML}}}body")
    header = etree.SubElement(body, f"{{{IX}}}header")
    hidden, resources = etree.SubElement(header, f"{{{IX}}}hidden"), etree.SubElement(header, f"{{{IX}}}resources")
    for el in dei:
        hidden.append(_detached(el))
    for el in root.iterfind(".//xbrli:context", ns):
        if el.get("id") in used:
            resources.append(_detached(el))
    for el in root.iterfind(".//xbrli:unit", ns):
        resources.append(_detached(el))
    for el in chosen:
        body.append(_detached(el))
    return etree.tostring(html, xml_declaration=True, encoding="utf-8")


def _detached(el: etree._Element) -> etree._Element:
    el = copy.deepcopy(el)
    el.tail = None
    return el


def assert_readable(doc: XbrlDocument) -> None:
    assert all("\n" not in w for w in doc.warnings)
    for fact in doc.facts:
        assert not fact.value or fact.value.adjusted() < MAX_INTEGER_DIGITS
        assert fact.decimals is None or MIN_DECIMALS <= fact.decimals <= MAX_DECIMALS
    converted = read_or_refuse(lambda: convert(doc))
    if converted is not None:
        assert_storable(converted.facts)  # type: ignore[attr-defined]


def test_the_fuzzing_base_is_a_readable_filing(shared):
    doc = parse_xbrl(small_filing(), "aapl.htm")
    converted = convert(doc)
    assert len(doc.facts) > 30 and doc.warnings == [] and converted.ticker == "AAPL"
    assert {f.metric for f in converted.facts} >= {"revenue"}


XML_SAFE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")), max_size=24)
attribute_values = st.one_of(
    st.sampled_from([v for v in NASTY if v.isprintable() and not any(c in v for c in "\ufeff\ud800\udfff")]),
    XML_SAFE,
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["ixt:num-dot-decimal", "ixt:num-comma-decimal", "ixt-sec:numwordsen", "ixt:fixed-zero", "x:y"]),
)
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
ATTRIBUTES = ["decimals", "scale", "format", "sign", "contextRef", "unitRef", "name", "id", XSI_NIL]


@st.composite
def filings(draw: st.DrawFn) -> bytes:
    """The small filing with its elements changed through the tree, so the XML stays well formed
    and the changes reach the reading of facts, contexts and units."""
    root = etree.fromstring(small_filing())
    facts = list(root.iter(f"{{{IX}}}nonFraction"))
    contexts = list(root.iter(f"{{{XBRLI}}}context"))
    for _ in range(draw(st.integers(1, 5))):
        operation = draw(st.sampled_from(["attribute", "attribute", "text", "date", "drop", "duplicate"]))
        fact = facts[draw(st.integers(0, len(facts) - 1))]
        if operation == "attribute":
            fact.set(draw(st.sampled_from(ATTRIBUTES)), draw(attribute_values))
        elif operation == "text":
            for child in list(fact):
                fact.remove(child)
            fact.text = draw(attribute_values)
        elif operation == "date":
            context = contexts[draw(st.integers(0, len(contexts) - 1))]
            dates = [el for el in context.iter() if el.tag.endswith(("startDate", "endDate", "instant"))]
            dates[draw(st.integers(0, len(dates) - 1))].text = draw(attribute_values)
        elif operation == "drop":
            victim = draw(st.sampled_from([fact, *contexts, *root.iter(f"{{{XBRLI}}}unit")]))
            if victim.getparent() is not None:
                victim.getparent().remove(victim)
        elif operation == "duplicate" and fact.getparent() is not None:
            twin = _detached(fact)
            twin.set("decimals", draw(attribute_values))
            fact.getparent().append(twin)
    return etree.tostring(root)


@fuzz(200)
@given(filings())
def test_changed_facts_of_a_real_filing_are_read_or_refused(shared, data):
    doc = read_or_refuse(lambda: parse_xbrl(data, "fuzz.htm"))
    if doc is not None:
        assert_readable(doc)  # type: ignore[arg-type]


@fuzz(150)
@given(st.data())
def test_damaged_bytes_of_a_small_filing_are_read_or_refused(shared, data):
    raw = mutate_bytes(small_filing(), data.draw)
    doc = read_or_refuse(lambda: parse_xbrl(raw, "fuzz.htm"))
    if doc is not None:
        assert_readable(doc)  # type: ignore[arg-type]


@fuzz(30)
@given(st.data())
def test_damaged_bytes_of_a_whole_filing_are_read_or_refused(shared, data):
    raw = mutate_bytes(FILING.read_bytes(), data.draw, most=3)
    doc = read_or_refuse(lambda: parse_xbrl(raw, FILING.name))
    if doc is not None:
        assert_readable(doc)  # type: ignore[arg-type]


@pytest.mark.parametrize("cut", [0, 1, 100, 4096, 65536, 400_000])
def test_a_filing_cut_short_anywhere_is_refused(shared, cut):
    assert read_or_refuse(lambda: parse_xbrl(FILING.read_bytes()[:cut], FILING.name)) is None
