"""The XBRL reader on small documents made for one point each, and on malformed real ones."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal

import pytest

from caibao.errors import IngestError
from caibao.facts import ingest as loader
from caibao.facts.companyfacts import parse_companyfacts
from caibao.facts.store import Store
from caibao.facts.xbrl import parse_xbrl, transform
from caibao.facts.xbrl_source import convert, member_name

AMZN_10K = "filings/amzn-10-k-2025-02-07.htm"


@pytest.mark.parametrize(
    ("text", "fmt", "value"),
    [
        ("1,234.5", "ixt:num-dot-decimal", "1234.5"),
        ("637,959", "ixt:numdotdecimal", "637959"),
        ("1.234,5", "ixt:num-comma-decimal", "1234.5"),
        ("1 234,5", "ixt:numcommadecimal", "1234.5"),
        ("—", "ixt:fixed-zero", "0"),
        ("-", "ixt:zerodash", "0"),
        ("—", "ixt:num-dot-decimal", "0"),
        ("five", "ixt-sec:numwordsen", "5"),
        ("No", "ixt-sec:numwordsen", "0"),
        ("12.5", "", "12.5"),
    ],
)
def test_transformation_formats(text, fmt, value):
    assert transform(text, fmt, "x") == Decimal(value)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [("abc", "ixt:num-dot-decimal"), ("1,2", "ixt:date-day-month"), ("seven hundred and", "ixt-sec:numwordsen")],
)
def test_bad_values_are_named(text, fmt):
    with pytest.raises(IngestError, match="^x: "):
        transform(text, fmt, "x")


@pytest.mark.parametrize(
    ("qname", "name"),
    [("goog:GoogleCloudMember", "Google Cloud"), ("meta:FamilyOfAppsMember", "Family of Apps"),
     ("tsla:AutomotiveSegmentMember", "Automotive"), ("nvda:OEMAndOtherMember", "OEM and Other")],
)  # fmt: skip
def test_member_names(qname, name):
    assert member_name(qname) == name


def inline(body: str, resources: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:ix="http://www.xbrl.org/2013/inlineXBRL"
 xmlns:xbrli="http://www.xbrl.org/2003/instance" xmlns:xbrldi="http://xbrl.org/2006/xbrldi"
 xmlns:us-gaap="http://fasb.org/us-gaap/2024" xmlns:dei="http://xbrl.sec.gov/dei/2024"
 xmlns:ixt="http://www.xbrl.org/inlineXBRL/transformation/2020-02-12"><body>
<ix:header><ix:hidden>
<ix:nonNumeric name="dei:TradingSymbol" contextRef="fy">TEST</ix:nonNumeric>
<ix:nonNumeric name="dei:CurrentFiscalYearEndDate" contextRef="fy">--12-31</ix:nonNumeric>
</ix:hidden><ix:resources>
<xbrli:context id="fy"><xbrli:entity><xbrli:identifier scheme="http://www.sec.gov/CIK">0000000001</xbrli:identifier></xbrli:entity>
<xbrli:period><xbrli:startDate>2024-01-01</xbrli:startDate><xbrli:endDate>2024-12-31</xbrli:endDate></xbrli:period></xbrli:context>
<xbrli:unit id="usd"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>{resources}
</ix:resources></ix:header>{body}</body></html>""".encode()


def fact(value: str, name: str = "us-gaap:Revenues", context: str = "fy", extra: str = "") -> str:
    return (f'<ix:nonFraction name="{name}" contextRef="{context}" unitRef="usd" decimals="-6" scale="6" '
            f'format="ixt:num-dot-decimal" {extra}>{value}</ix:nonFraction>')  # fmt: skip


def test_scale_sign_and_duplicates():
    doc = parse_xbrl(inline(fact("1,000", extra='id="a"') + fact("1,000", extra='id="b"')
                            + fact("25", "us-gaap:OperatingIncomeLoss", extra='sign="-"')), "t.htm")  # fmt: skip
    values = {f.concept: f.value for f in doc.facts}
    assert values == {"us-gaap:Revenues": Decimal(1_000_000_000), "us-gaap:OperatingIncomeLoss": Decimal(-25_000_000)}
    assert doc.warnings == []  # the consistent duplicate was merged
    converted = convert(doc)
    assert converted.ticker == "TEST" and {str(f.period.label) for f in converted.facts} == {"FY2024"}


def test_inconsistent_duplicates_are_reported_and_left_out():
    doc = parse_xbrl(inline(fact("1,000", extra='id="a"') + fact("1,100", extra='id="b"')), "t.htm")
    assert doc.facts == []
    assert doc.warnings == ["t.htm: us-gaap:Revenues tagged twice with different values (1000000000 in a, "
                            "1100000000 in b); both left out"]  # fmt: skip


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xbrli:xbrl xmlns:xbrli="http://www.xbrl.org/2003/instance">&lol3;</xbrli:xbrl>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY ext SYSTEM "http://127.0.0.1:9/secret">]>
<xbrli:xbrl xmlns:xbrli="http://www.xbrl.org/2003/instance">&ext;</xbrli:xbrl>"""


def malformed(shared) -> dict[str, tuple[bytes, str]]:
    real = (shared / AMZN_10K).read_bytes()
    return {
        "truncated.htm": (real[: len(real) // 2], "not well-formed XML"),
        "laughs.xml": (BILLION_LAUGHS, "declares XML entities"),
        "external.xml": (EXTERNAL_ENTITY, "declares XML entities"),
        "namespace.xml": (b'<?xml version="1.0"?><xbrl xmlns="urn:not-xbrl"/>', "neither XHTML"),
    }  # one unreadable fact no longer costs the document: tests/test_hostile_ingest.py


@pytest.mark.parametrize("name", ["truncated.htm", "laughs.xml", "external.xml", "namespace.xml"])
def test_malformed_input_is_refused_and_store_unchanged(shared, store, tmp_path, name):
    data, message = malformed(shared)[name]
    path = tmp_path / name
    path.write_bytes(data)
    before = store.con.execute("SELECT (SELECT count(*) FROM facts), (SELECT count(*) FROM sources)").fetchone()
    with pytest.raises(IngestError) as caught:
        for document, raw in loader.inputs([path]):
            loader.write(store, loader.prepare(document, raw, None))
    assert message in str(caught.value) and str(caught.value).startswith(name)
    assert "\n" not in str(caught.value)
    assert store.con.execute("SELECT (SELECT count(*) FROM facts), (SELECT count(*) FROM sources)").fetchone() == before


def test_zip_bomb_is_refused(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("huge.htm", b"\0" * (16 * 1024 * 1024))  # 16 MB of zeros deflates ~1000:1
    with pytest.raises(IngestError, match="bomb.zip:huge.htm: inflates 16777216 bytes from"):
        list(loader.inputs([bomb]))


def test_zip_and_folder_inputs(shared, tmp_path):
    archive = tmp_path / "filings.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(shared / "filings" / "nflx-10-q-2025-07-18.htm", "q/nflx-10-q-2025-07-18.htm")
        z.writestr("q/readme.txt", "not a filing")
    assert [name for name, _ in loader.inputs([archive])] == ["nflx-10-q-2025-07-18.htm"]
    names = [name for name, _ in loader.inputs([shared / "filings"])]
    assert "amzn-20221231_cal.xml" not in names and "amzn-20221231_htm.xml" in names and len(names) == 17


def companyfacts_json() -> bytes:
    def entry(start, end, val, form, fp, filed, accn):
        return {
            "start": start,
            "end": end,
            "val": val,
            "form": form,
            "fp": fp,
            "filed": filed,
            "accn": accn,
            "fy": 2024,
        }

    doc = {
        "cik": 1065280,
        "entityName": "NETFLIX INC",
        "facts": {
            "us-gaap": {
                "Revenues": {"units": {"USD": [
                    entry("2024-01-01", "2024-12-31", 39000966000, "10-K", "FY", "2025-01-27", "0001065280-25-000044"),
                    entry("2024-04-01", "2024-06-30", 9559310000, "10-Q", "Q2", "2024-07-19", "0001065280-24-000123"),
                    entry("2024-04-01", "2024-06-30", 9559310000, "10-Q", "Q2", "2025-07-18", "0001065280-25-000321"),
                    entry("2024-01-01", "2024-09-30", 28672281000, "10-Q", "Q3", "2024-10-18", "0001065280-24-000200"),
                ]}},
                "EarningsPerShareDiluted": {"units": {"USD/shares": [
                    entry("2024-01-01", "2024-12-31", 19.83, "10-K", "FY", "2025-01-27", "0001065280-25-000044"),
                ]}},
                "AccountsPayableCurrent": {"units": {"USD": [{"end": "2024-12-31", "val": 1, "form": "10-K"}]}},
            }
        },
    }  # fmt: skip
    return json.dumps(doc).encode()


def test_companyfacts_json(tmp_path):
    converted = parse_companyfacts(companyfacts_json(), "CIK0001065280.json", "NFLX")
    got = {(f.metric, str(f.period.label)): f for f in converted.facts}
    assert got[("revenue", "FY2024")].value == Decimal("39000966000")
    assert got[("revenue", "2024Q2")].source.locator.endswith("filed 2025-07-18)")  # the latest filing wins
    assert got[("eps_diluted", "FY2024")].value == Decimal("19.83")
    assert converted.cik == "0001065280" and converted.skipped == 1
    with Store.open(tmp_path / "s.duckdb", seed=False) as store:
        report = loader.write(store, loader.prepare("CIK0001065280.json", companyfacts_json(), "NFLX"))
        assert report.derived == 1  # 2024Q4 = FY2024 - 9M2024
        q4 = store.index("NFLX").get(
            "revenue", next(f.period.label for f in store.facts("NFLX") if str(f.period.label) == "2024Q4")
        )
        assert q4.value == Decimal("10328685000") and q4.derived


@pytest.mark.parametrize(("data", "message"), [(b"{", "not JSON"), (b"[]", "no 'facts' object")])
def test_companyfacts_errors(data, message):
    with pytest.raises(IngestError, match=message):
        parse_companyfacts(data, "c.json", "NFLX")


def test_parsers_bound_their_input():
    with pytest.raises(IngestError, match="over the"):
        parse_xbrl(b" " * (64 * 1024 * 1024 + 1), "big.htm")
    stream = io.BytesIO()
    assert stream.getvalue() == b""
