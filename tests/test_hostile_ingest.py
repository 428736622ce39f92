"""Hostile and broken inputs to `caibao ingest`, through the command line as a user runs it.

Each either ends in one line on stderr naming the file (and line, fact or field) with exit 1 and
the store exactly as it was, or, where one fact of a filing cannot be read, in a warning naming
that fact while the rest of the filing goes in. Inputs are real filings from ../shared/filings
changed in memory and written to tmp_path, or made for one point each.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from caibao.cli.app import main
from caibao.errors import IngestError
from caibao.facts.csv_source import parse_csv_facts
from caibao.facts.model import Fact, Period, Source
from caibao.facts.periods import FiscalLabel
from caibao.facts.words import NotANumber, read_words
from caibao.facts.xbrl import parse_xbrl, transform

from .conftest import SHARED

AMZN_10K = SHARED / "filings" / "amzn-10-k-2025-02-07.htm"
AMZN_INSTANCE = SHARED / "filings" / "amzn-20221231_htm.xml"
# Net income in the cash-flow statement; the income statement tags the same figure again.
NET_INCOME = (
    b'<ix:nonFraction unitRef="usd" contextRef="c-1" decimals="-6" name="us-gaap:NetIncomeLoss" '
    b'format="ixt:num-dot-decimal" scale="6" id="f-59">59,248</ix:nonFraction>'
)
REVENUE_FY2024 = Decimal("637959000000")
HEADER = "period,period_start,period_end,fiscal_period,metric,segment,value,unit,source_url,note"
GOOD = "2025Q4,2025-10-01,2025-12-31,Q4,net_sales,,213386,USD_millions,https://example.test/q4,"


# -- numbers in words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("no", 0), ("None", 0), ("zero", 0), ("Nil", 0), ("one", 1), ("Three", 3), ("thirteen", 13),
        ("nineteen", 19), ("twenty", 20), ("twenty-one", 21), ("twenty one", 21), ("Twenty\u2011One", 21),
        ("ninety\u2013nine", 99), ("one hundred", 100), ("seven hundred", 700), ("one hundred five", 105),
        ("one hundred and five", 105), ("ONE HUNDRED AND FIVE", 105), ("one hundred twenty-three", 123),
        ("twelve hundred", 1200), ("one thousand two hundred", 1200), ("one thousand, two hundred", 1200),
        ("one thousand and five", 1005), ("two million", 2_000_000), ("two million,", 2_000_000),
        ("two million, three thousand", 2_003_000), ("one hundred million", 100_000_000),
        ("three billion four hundred million", 3_400_000_000), ("  four\n", 4),
        ("nineteen hundred ninety-nine trillion, nine hundred ninety-nine billion, nine hundred ninety-nine "
         "million, nine hundred ninety-nine thousand, nine hundred and ninety-nine", 1_999_999_999_999_999),
    ],
)  # fmt: skip
def test_numbers_in_words(text, value):
    assert read_words(text) == value
    assert transform(text, "ixt-sec:numwordsen", "x") == Decimal(value)
    assert transform(text, "ixt:num-word-en", "x") == Decimal(value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no words"),
        ("blah", "expected a number word (one to ninety-nine) at 'blah'"),
        ("a hundred", "at 'a'"),  # the registry wants "one hundred"
        ("hundred", "at 'hundred'"),
        ("five.", "'.' cannot be part of a number in words"),
        ("5", "'5' cannot be part of a number in words"),
        ("one thousand thousand", "at 'thousand'"),
        ("one million and five", "at 'and'"),  # "and" only after hundred or thousand
        ("one thousand and two hundred", "expected trillion, billion, million or thousand"),
        ("two thousand three million", "'million' cannot follow a larger or equal scale"),
        ("ten ten", "expected trillion, billion, million or thousand at a space"),
        ("twenty-ten", "at '-'"),
        ("one-hundred", "at '-'"),
        ("one hundred and", "expected a number after 'and' at the end"),
        ("one " * 200, "characters is longer than any number in words"),
    ],
)
def test_what_is_not_a_number_in_words(text, reason):
    with pytest.raises(NotANumber, match=re.escape(reason)):
        read_words(text)
    with pytest.raises(IngestError, match=r"^x: .* is not a number in words \("):
        transform(text, "ixt-sec:numwordsen", "x")


def test_a_real_filing_with_its_counts_in_words(shared):
    """Amazon's 10-K says it has 'three' operating segments, in two places; as 'thirteen' both read 13."""
    data = AMZN_10K.read_bytes()
    for fact_id in (b"f-374", b"f-1284"):
        data = data.replace(b'id="' + fact_id + b'">three<', b'id="' + fact_id + b'">thirteen<')
    doc = parse_xbrl(data, "amzn.htm")
    assert {f.value for f in doc.facts if f.concept == "us-gaap:NumberOfOperatingSegments"} == {Decimal(13)}
    assert doc.warnings == [] and doc.rejected == 0


# -- running the command line --------------------------------------------------------------


def fact_count(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("SELECT count(*) FROM facts").fetchone()
    return row[0] if row else 0


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Callable:
    """`caibao ARGS... --db DB` through the real entry point (its error handling included), in
    process: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["caibao", *args, "--db", str(db_path)])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


def refused(cli: Callable, db: Path, path: Path, *extra: str) -> str:
    """Ingest `path`, expecting it refused in one line with the store unchanged; the line."""
    before = fact_count(db)
    code, out, err = cli("ingest", str(path), *extra)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert code == 1 and out == "" and len(lines) == 1, err
    assert lines[0].startswith("caibao: ") and path.name in lines[0]
    assert fact_count(db) == before
    return lines[0]


# -- one unreadable fact in a real filing: reported and left out, the rest goes in ---------


def amzn_with(fact: bytes) -> bytes:
    data = AMZN_10K.read_bytes()
    assert data.count(NET_INCOME) == 1
    return data.replace(NET_INCOME, fact)


def net_income(**changes: str) -> bytes:
    fact = NET_INCOME
    for attribute, value in changes.items():
        if attribute == "text":
            fact = fact.replace(b">59,248<", f">{value}<".encode())
        else:
            old = fact.split(f' {attribute}="'.encode())[1].split(b'"')[0]
            fact = fact.replace(f' {attribute}="'.encode() + old, f' {attribute}="{value}'.encode())
    return fact


ONE_BAD_FACT = {
    "words": (net_income(format="ixt-sec:numwordsen", text="blah"), "'blah' is not a number in words"),
    "format": (net_income(format="ixt:date-day-month"), "transformation format 'ixt:date-day-month' is not supported"),
    "not a number": (net_income(text="59,24B"), "'59,24B' is not a number under ixt:num-dot-decimal"),
    "scale huge": (net_income(scale="999999999"), "scale 999999999 is out of range (-32 to 32)"),
    "scale negative": (net_income(scale="-999999999"), "scale -999999999 is out of range (-32 to 32)"),
    "scale not integer": (net_income(scale="6.5"), "scale '6.5' is not an integer"),
    "value 1e32": (net_income(text="100,000,000,000,000,000,000,000,000"), "value 1E+32 is out of range"),
    "value 1e22": (net_income(scale="18"), "value 59248000000000000000000 is out of range (under 10^22)"),
    "value 5000 digits": (net_income(text="9" * 5000), "(5000 characters) is not a number"),
    "decimals past int32": (net_income(decimals="99999999999"), "decimals 99999999999 is out of range"),
    "decimals negative": (net_income(decimals="-99999999999"), "decimals -99999999999 is out of range"),
    "decimals word": (net_income(decimals="many"), "decimals 'many' is not an integer"),
    "no context": (net_income(contextRef="nowhere"), "context 'nowhere' is not defined"),
    "no unit": (net_income(unitRef="nowhere"), "unit 'nowhere' is not defined"),
    # A duplicate stated to 100 places: left out for its decimals; the fact it repeats stays.
    "duplicate decimals 100": (
        NET_INCOME + net_income(decimals="100").replace(b'"f-59"', b'"f-59b"'),
        "fact f-59b (us-gaap:NetIncomeLoss): decimals 100 is out of range",
    ),
}


@pytest.mark.parametrize("case", ONE_BAD_FACT)
def test_one_unreadable_fact_is_left_out_and_the_rest_goes_in(shared, cli, db_path, tmp_path, case):
    fact, message = ONE_BAD_FACT[case]
    path = tmp_path / AMZN_10K.name
    path.write_bytes(amzn_with(fact))
    code, out, err = cli("ingest", str(path))
    assert code == 0 and "Traceback" not in err, err
    # 216: the standard metrics and the face statements' own lines (kept as the filer's concepts)
    assert out.splitlines() == [f"{path.name}: 216 facts added, 0 derived, 1 rejected, 933 not standard metrics"]
    warnings = [line for line in err.splitlines() if line.strip()]
    assert len(warnings) == 1 and warnings[0].startswith(f"  warning: {path.name}:8: fact f-59"), err
    assert message in warnings[0]
    with duckdb.connect(str(db_path), read_only=True) as con:
        revenue = con.execute(
            "SELECT value FROM facts WHERE document = ? AND metric = 'revenue' AND label = 'FY2024' AND member = ''",
            [path.name],
        ).fetchall()
    assert revenue == [(REVENUE_FY2024,)]


def test_unreadable_context_leaves_out_its_facts(shared):
    end = b"<xbrli:endDate>2024-12-31</xbrli:endDate>"
    data = AMZN_10K.read_bytes().replace(end, end.replace(b"2024", b"9999"), 1)  # the first, c-1's
    doc = parse_xbrl(data, "a.htm")
    assert doc.rejected > 20 and len(doc.warnings) == 21  # twenty told, the rest counted
    assert doc.warnings[0].endswith(
        "context 'c-1' cannot be read (line 8: 9999-12-31 is out of range (1900-01-01 to 2199-12-31))"
    )
    assert doc.warnings[-1] == f"a.htm: {doc.rejected - 20} more problems like these; those facts left out too"
    assert any(f.concept == "us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax" for f in doc.facts)


def test_an_instance_with_one_unreadable_fact(shared, cli, tmp_path):
    data = AMZN_INSTANCE.read_bytes()
    path = tmp_path / AMZN_INSTANCE.name
    path.write_bytes(data.replace(b'unitRef="usd">21331000000<', b'unitRef="usd">1e40<', 1))
    code, out, err = cli("ingest", str(path))
    assert code == 0 and "1 rejected" in out
    assert err.strip().startswith(f"warning: {path.name}:4285: fact id3Vyb") and "'1e40' is not a number" in err


# -- whole documents that are not what they say: refused in one line -------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;'
    b'&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)


def real_body() -> bytes:
    data = AMZN_10K.read_bytes()
    return data[data.index(b"<html") :]


DOCUMENTS: dict[str, tuple[Callable[[], bytes], str]] = {
    "truncated.htm": (lambda: AMZN_10K.read_bytes()[:1_000_000], "truncated.htm:8: not well-formed XML ("),
    "laughs.htm": (lambda: BILLION_LAUGHS + real_body().replace(b"59,248", b"&lol3;", 1), "declares XML entities"),
    "passwd.htm": (
        lambda: (
            b'<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY ext SYSTEM "file:///etc/passwd">]>\n'
            + real_body().replace(b"59,248", b"&ext;", 1)
        ),
        "declares XML entities; refused",
    ),
    # Past the first 64 KiB, where a look at the prolog alone would miss it.
    "late-entity.htm": (
        lambda: (
            b"<?xml version='1.0'?>\n<!-- "
            + b"x" * 70_000
            + b' -->\n<!DOCTYPE html [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
            + real_body().replace(b"59,248", b"&e;", 1)
        ),
        "declares XML entities",
    ),
    "plain.htm": (lambda: b"<!DOCTYPE html><html><body><p>Q3 results&nbsp;soon<br></body></html>", "not XBRL"),
    "xhtml.htm": (lambda: b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "no dei:TradingSymbol"),
    "other-root.xml": (lambda: b'<?xml version="1.0"?><xbrl xmlns="urn:x"/>', "root element {urn:x}xbrl is neither"),
    "empty.htm": (lambda: b"", "empty.htm: empty file"),
    "blank.htm": (lambda: b" \n\t\n", "blank.htm: empty file"),
    "binary.htm": (lambda: bytes(range(256)) * 64, "not XBRL (not XML"),
    "deep.htm": (
        lambda: (
            b'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:ix="http://www.xbrl.org/2013/inlineXBRL">'
            + b"<div>" * 100_000
            + b"</div>" * 100_000
            + b"</html>"
        ),
        "not well-formed XML (Excessive depth in document: 256",
    ),
}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_document_that_cannot_be_read_is_refused_in_one_line(shared, cli, db_path, tmp_path, name):
    make, message = DOCUMENTS[name]
    path = tmp_path / name
    path.write_bytes(make())
    line = refused(cli, db_path, path)
    assert message in line and "root:" not in line  # nothing of /etc/passwd, ever


def test_an_external_dtd_is_not_loaded(shared, cli, db_path, tmp_path):
    path = tmp_path / "dtd.htm"
    path.write_bytes(b'<!DOCTYPE html SYSTEM "file:///etc/passwd">\n' + real_body().replace(b"59,248", b"&x;", 1))
    code, out, err = cli("ingest", str(path))
    # No DTD loaded, so &x; is no entity: the fact holding it is left out, nothing else happens.
    assert code == 0 and "root:" not in out + err and "1 rejected" in out
    assert "fact f-59 (us-gaap:NetIncomeLoss): '&x;' is not a number under ixt:num-dot-decimal" in err


# -- archives ------------------------------------------------------------------------------


def zip_with(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def patch(path: Path, local: dict[int, bytes], central: dict[int, bytes]) -> Path:
    """Overwrite bytes of the first member's local header and central directory entry."""
    raw = bytearray(path.read_bytes())
    directory = raw.rindex(b"PK\x01\x02")
    for offset, value in local.items():
        raw[offset : offset + len(value)] = value
    for offset, value in central.items():
        raw[directory + offset : directory + offset + len(value)] = value
    path.write_bytes(bytes(raw))
    return path


ARCHIVES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "bomb": (lambda p: zip_with(p, {"huge.htm": b"\0" * (16 * 1024 * 1024)}), "huge.htm: inflates 16777216 bytes from"),
    "big": (
        lambda p: zip_with(p, {"big.htm": b" " * (65 * 1024 * 1024)}, zipfile.ZIP_STORED),
        "is over the 67108864-byte limit",
    ),
    # Says 10 bytes, holds 2 MB: read no further than it says, and the CRC then fails.
    "liar": (
        lambda p: patch(
            zip_with(p, {"liar.htm": b"<html>" + b" " * 2_000_000}),
            {22: struct.pack("<I", 10)},
            {24: struct.pack("<I", 10)},
        ),
        "liar.htm: cannot be read from the archive (Bad CRC-32",
    ),
    "bad crc": (
        lambda p: patch(zip_with(p, {"a.htm": b"<html>hello</html>"}), {14: b"\0\0\0\0"}, {16: b"\0\0\0\0"}),
        "a.htm: cannot be read from the archive (Bad CRC-32 for file 'a.htm')",
    ),
    "encrypted": (
        lambda p: patch(zip_with(p, {"a.htm": b"<html/>"}, zipfile.ZIP_STORED), {6: b"\x01"}, {8: b"\x01"}),
        "a.htm: encrypted; refused",
    ),
    "unknown method": (
        lambda p: patch(zip_with(p, {"a.htm": b"<html/>"}, zipfile.ZIP_STORED), {8: b"\x63\x00"}, {10: b"\x63\x00"}),
        "a.htm: compression method 99 is not supported; refused",
    ),
    "not a zip": (lambda p: written(p, b"PK\x03\x04 and then nothing"), "not a zip archive"),
}


@pytest.mark.parametrize("case", ARCHIVES)
def test_a_bad_archive_is_refused_in_one_line(cli, db_path, tmp_path, case):
    make, message = ARCHIVES[case]
    line = refused(cli, db_path, make(tmp_path / "filings.zip"))
    assert message in line


# -- company facts JSON --------------------------------------------------------------------

ENTRY = {"start": "2024-01-01", "end": "2024-12-31", "val": 39000966000, "form": "10-K", "fp": "FY",
         "filed": "2025-01-27", "accn": "0001065280-25-000044"}  # fmt: skip
USD = "facts.us-gaap.Revenues.units.USD"


def companyfacts(entry: object = None, units: object = None, body: object = None, facts: object = None, **top) -> bytes:
    if facts is None:
        if body is None:
            body = {"units": units if units is not None else {"USD": [entry if entry is not None else ENTRY]}}
        facts = {"us-gaap": {"Revenues": body}}
    return json.dumps({"cik": 1065280, "entityName": "NETFLIX INC", "facts": facts, **top}).encode()


def with_entry(**changes: object) -> bytes:
    entry = {k: v for k, v in {**ENTRY, **changes}.items() if v is not ...}
    return companyfacts(entry)


JSON = {
    "truncated": (companyfacts()[:-20], "c.json:1: not JSON (Unterminated string starting at; column 224)"),
    "empty": (b"", "c.json:1: not JSON (Expecting value; column 1)"),
    "a list": (b"[1, 2]", "not SEC company facts (no 'facts' object)"),
    "facts a list": (companyfacts(facts=[1]), "not SEC company facts (no 'facts' object)"),
    "taxonomy a list": (companyfacts(facts={"us-gaap": [1]}), "c.json: facts.us-gaap is not an object"),
    "concept a string": (companyfacts(body="x"), "c.json: facts.us-gaap.Revenues is not an object"),
    "units a list": (companyfacts(body={"units": [1]}), "c.json: facts.us-gaap.Revenues.units is not an object"),
    "values an object": (companyfacts(units={"USD": {"a": 1}}), f"c.json: {USD} is not a list"),
    "entry a number": (companyfacts(units={"USD": [ENTRY, 7]}), f"c.json: {USD}[1] is not an object"),
    "val a string": (with_entry(val="12"), f"c.json: {USD}[0].val: '12' (a string) is not a number"),
    "val true": (with_entry(val=True), f"{USD}[0].val: true is not a number"),
    "val null": (with_entry(val=None), f"{USD}[0].val: null is not a number"),
    "no val": (with_entry(val=...), f"{USD}[0]: has no val"),
    "no end": (with_entry(end=...), f"{USD}[0]: has no end"),
    "end a number": (with_entry(end=20241231), f"{USD}[0].end: 20241231 is not a string"),
    "bad date": (with_entry(end="2024-13-45"), f"{USD}[0].end: '2024-13-45' is not an ISO date"),
    "year 1": (with_entry(start="0001-01-01", end="0001-12-31"), f"{USD}[0].end: 0001-12-31 is out of range"),
    "start after end": (with_entry(start="2025-01-01"), f"{USD}[0].start: 2025-01-01 is after end 2024-12-31"),
    "huge": (with_entry(val=10**40), f"{USD}[0].val: value 1E+40 is out of range (under 10^22)"),
    "huge exponent": (companyfacts().replace(b"39000966000", b"1e999999999"), "value 1E+999999999 is out of range"),
    "exponent past Decimal": (
        companyfacts().replace(b"39000966000", b"1e99999999999999999999"),
        "an exponent out of any range",
    ),
    "NaN": (companyfacts().replace(b"39000966000", b"NaN"), f"{USD}[0].val: value NaN is not a finite number"),
    "form a list": (with_entry(form=["10-K"]), f"{USD}[0].form: a list is not a string"),
    "cik words": (companyfacts(cik="abc"), "c.json: cik: 'abc' (a string) is not a CIK"),
    "cik too long": (companyfacts(cik=10**30), "c.json: cik: 1E+30 is not a CIK (up to ten digits)"),
    "depth bomb": (b"[" * 100_000 + b"]" * 100_000, "c.json: not company facts (nested deeper than JSON can be read)"),
    "object depth bomb": (b'{"facts":' + b'{"a":' * 100_000 + b"1" + b"}" * 100_001, "nested deeper"),
    "latin-1": (
        companyfacts().replace(b"NETFLIX", b"NETFL\xcfX"),
        "c.json:1: not UTF-8 text (invalid continuation byte at byte",
    ),
    "lone surrogate": (
        companyfacts().replace(b"NETFLIX", b"\\ud800"),
        "entityName: '\\ud800 INC' holds a lone surrogate",
    ),
    "surrogate key": (
        companyfacts().replace(b"Revenues", b"Rev\\udfffenues"),
        "facts.us-gaap.['Rev\\udfffenues']: 'Rev\\udfffenues' holds a lone surrogate",
    ),
}


@pytest.mark.parametrize("case", JSON)
def test_malformed_company_facts_are_refused_in_one_line(cli, db_path, tmp_path, case):
    data, message = JSON[case]
    path = tmp_path / "c.json"
    path.write_bytes(data)
    assert message in refused(cli, db_path, path, "--ticker", "NFLX")


def test_company_facts_good_and_null_optional_fields(cli, db_path, tmp_path):
    path = tmp_path / "c.json"
    path.write_bytes(with_entry(fp=None, accn=None))
    code, out, err = cli("ingest", str(path), "--ticker", "NFLX")
    assert (code, out.strip(), err) == (0, "c.json: 1 facts added, 0 derived", "")


# -- CSV facts files -----------------------------------------------------------------------


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode("utf-8", "surrogatepass")


CSV = {
    "huge value": (
        csv_file(GOOD.replace("213386", "1" + "0" * 40)),
        ":2: field 'value': value 1E+40 USD_millions is out",
    ),
    "huge in millions": (
        csv_file(GOOD.replace("213386", "1" + "0" * 16)),
        ":2: field 'value': value 10000000000000000 USD_millions is out of range (under 10^22 USD)",
    ),
    "exponent": (csv_file(GOOD.replace("213386", "1e999999999")), ":2: field 'value': value 1E+999999999 USD_millions"),
    "tiny": (
        csv_file(GOOD.replace("213386", "1e-999999999")),
        ":2: field 'value': '1e-999999999' states more decimal places",
    ),
    "digits": (csv_file(GOOD.replace("213386", "9" * 200)), ":2: field 'value': '99999"),
    "other digits": (
        csv_file(GOOD.replace("213386", "２１３３８６")),
        ":2: field 'value': '２１３３８６' is not a number",
    ),
    "underscore": (csv_file(GOOD.replace("213386", "213_386")), ":2: field 'value': '213_386' is not a number"),
    "decimals past int32": (
        csv_file(GOOD + ",99999999999", header=HEADER + ",decimals"),
        ":2: field 'decimals': 99999999999 is out of range for USD_millions (-26 to 38)",
    ),
    "decimals words": (
        csv_file(GOOD + ",six", header=HEADER + ",decimals"),
        ":2: field 'decimals': 'six' is not an integer",
    ),
    "bad date": (
        csv_file(GOOD.replace("2025-10-01", "2025-02-30")),
        ":2: field 'period_start': '2025-02-30' is not an ISO date",
    ),
    "year 1": (
        csv_file(GOOD.replace("2025-10-01", "0001-10-01")),
        ":2: field 'period_start': 0001-10-01 is out of range",
    ),
    "NUL": (
        csv_file(GOOD.replace("213386", "213\x00386")),
        ":2: field 'value': control character U+0000 (a binary file?)",
    ),
    "NUL in header": (
        csv_file(GOOD, header=HEADER.replace("segment", "seg\x00ment")),
        ":1: column 6: control character U+0000",
    ),
    "binary": (bytes(range(256)) * 40, "f-facts.csv:1: column 1: NUL byte (a binary file?)"),
    "invalid UTF-8": (
        csv_file(GOOD).replace(b"net_sales", b"net\xffsales"),
        ":2: field 'metric': not UTF-8 text (invalid start byte: byte 0xff at offset",
    ),
    "encoded surrogate": (
        csv_file(GOOD).replace(b"https://example.test/q4", b"\xed\xa0\x80"),
        ":2: field 'source_url': not UTF-8 text (invalid continuation byte: byte 0xed",
    ),
    "long line": (
        csv_file(GOOD.replace("example.test/q4", "x/" + "a" * 300_000)),
        ":2: field 'source_url': line is 300",
    ),
    "long quoted field": (
        csv_file(GOOD.replace(",213386,", ',"' + "1\n" * 70_000 + '",')),
        ":2: not CSV (field larger than field limit (131072); a quote left open?)",
    ),
    "quote left open": (
        csv_file(GOOD.replace(",Q4,", ',"Q4,'), GOOD),
        ":2: field 'fiscal_period': a quoted field runs on over 3 lines",
    ),
    "column twice": (csv_file(GOOD + ",5", header=HEADER + ",value"), "f-facts.csv:1: column 'value' appears twice"),
    "5000 columns": (
        csv_file(GOOD, header=HEADER + ",x" * 5_000),
        "f-facts.csv:1: unknown column(s) x, x, x, x, x and 4995 more",
    ),
    "cik": (
        csv_file(GOOD + ",AMZN,12345678901", header=HEADER + ",ticker,cik"),
        ":2: field 'cik': '12345678901' is not a CIK",
    ),
}


@pytest.mark.parametrize("case", CSV)
def test_a_bad_facts_file_is_refused_naming_line_and_field(cli, db_path, tmp_path, case):
    data, message = CSV[case]
    path = tmp_path / "f-facts.csv"
    path.write_bytes(data)
    assert message in refused(cli, db_path, path)


def test_lines_just_under_the_limit_are_scanned_in_linear_time():
    """16 MB of 16,000-character lines: a regex for over-long lines took minutes over this."""
    text = HEADER + "\n" + ("a" * 16_000 + "\n") * 1_000
    start = time.monotonic()
    with pytest.raises(IngestError, match=r"^t.csv:2: field 'metric': row has too few fields$"):
        parse_csv_facts(text, "t.csv", ticker="AMZN")
    assert time.monotonic() - start < 5


def test_lines_ended_by_carriage_returns_are_counted_like_any_others(cli, db_path, tmp_path):
    path = tmp_path / "cr-facts.csv"
    path.write_bytes(
        csv_file(GOOD, GOOD.replace("net_sales", "operating_income").replace("213386", "1.2.3")).replace(b"\n", b"\r")
    )
    assert ":3: field 'value': '1.2.3' is not a number" in refused(cli, db_path, path)
    path.write_bytes(csv_file(GOOD).replace(b"\n", b"\r") + b"x" * 20_000)
    assert ":3: field 'period': line is 20000 characters long, over the 16384 limit" in refused(cli, db_path, path)


def test_a_javascript_source_url_is_kept_as_text(cli, db_path, tmp_path):
    """Ingested as written; links are made only of safe URLs when shown (Source.href)."""
    path = tmp_path / "msft-facts.csv"
    path.write_bytes(csv_file(GOOD.replace("https://example.test/q4", "javascript:alert(document.cookie)")))
    code, out, err = cli("ingest", str(path))
    assert (code, err) == (0, "") and out.startswith("msft-facts.csv: 1 facts added")
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT url FROM facts WHERE ticker = 'MSFT'").fetchall() == [
            ("javascript:alert(document.cookie)",)
        ]


# -- the store's own guard, and the real process -------------------------------------------


def test_the_store_refuses_what_it_cannot_hold_in_one_line(store):
    """Should a reader let through text DuckDB cannot encode, the ingest is still one line and rolled back."""
    before = store.count()
    year = Period(date(2024, 1, 1), date(2024, 12, 31), FiscalLabel(2024))
    source = Source("t.csv", "line 2", note="\ud800")
    bad = Fact(
        ticker="TEST", metric="revenue", member="", period=year, value=Decimal(1), decimals=0, unit="USD", source=source
    )
    with pytest.raises(IngestError, match=r"^t.csv: the store refused it \(") as caught:
        store.ingest([bad], "t.csv", "sha", "csv")
    assert "\n" not in str(caught.value) and store.count() == before


REAL_PROCESS = {
    "depth.json": (b"[" * 100_000 + b"]" * 100_000, "caibao: depth.json: not company facts (nested deeper"),
    "nul-facts.csv": (csv_file(GOOD.replace(",,", ",\x00,", 1)), "caibao: nul-facts.csv:2: field 'segment': control"),
    "laughs.htm": (
        BILLION_LAUGHS + b'<html xmlns="http://www.w3.org/1999/xhtml">&lol3;</html>',
        "caibao: laughs.htm: declares XML entities",
    ),
}


@pytest.mark.parametrize("name", REAL_PROCESS)
def test_the_real_process_prints_one_line_and_no_traceback(db_path, tmp_path, name):
    data, message = REAL_PROCESS[name]
    path = tmp_path / name
    path.write_bytes(data)
    before = fact_count(db_path)
    result = subprocess.run(
        [sys.executable, "-m", "caibao", "ingest", str(path), "--ticker", "NFLX", "--db", str(db_path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and result.stderr.startswith(message)
    assert fact_count(db_path) == before


def test_input_that_looks_like_markup_is_printed_as_it_is(cli, db_path, tmp_path):
    path = tmp_path / "m-facts.csv"
    path.write_bytes(csv_file(GOOD.replace("213386", "[/x]")))
    assert "field 'value': '[/x]' is not a number" in refused(cli, db_path, path)
