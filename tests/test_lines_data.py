"""brief/data/lines.toml: Chinese labels of face-statement lines, checked as data and against the
filings themselves (every line of each income statement, and the operating-cash-flow and capex lines
of each cash-flow statement, in ../shared/filings has both labels), and brief.i18n.line_label."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import opencc
import pytest
from lxml import etree

from caibao.brief.i18n import line_label

PATH = Path(__file__).parents[1] / "src/caibao/brief/data/lines.toml"
DATA = tomllib.loads(PATH.read_text(encoding="utf-8"))
FILINGS = Path(__file__).parents[2] / "shared" / "filings"

# Latin letters a Chinese label may keep: none yet (no "EPS": 每股盈餘 / 每股收益).
ABBREVIATIONS: set[str] = set()
T2S, S2T = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
CJK = re.compile(r"[\u4e00-\u9fff]")
KEY = re.compile(r"^([A-Z]+\|)?[a-z][\w-]*:\w+(\|[a-z][\w-]*:\w+=[a-z][\w-]*:\w+)*$")

# How the test finds the statements: the heading a filer gives them, in the text just before the
# first table of figures that follows it (a table of contents holds no figures).
IX = "{http://www.xbrl.org/2013/inlineXBRL}"
XBRLI, XBRLDI = "{http://www.xbrl.org/2003/instance}", "{http://xbrl.org/2006/xbrldi}"
# The last heading before the table names it; the comprehensive-income statement is neither.
HEADING = re.compile(
    r"consolidated\s+(?:statements?\s+of\s+(?P<comprehensive>comprehensive\s+income)|statements?\s+of\s+"
    r"(?P<cash>cash\s+flows?)|(?P<income>statements?\s+of\s+(?:operations|income|earnings)|income\s+statements?))",
    re.I,
)
# The cash-flow lines the brief shows: operating cash flow, and what is paid for (or got from selling)
# property, equipment and other long-lived assets.
CASH_LINES = re.compile(r"^NetCashProvidedByUsedInOperatingActivities|PropertyPlantAndEquipment|ProductiveAssets|"
                        r"SolarEnergySystems|DevelopSoftware")  # fmt: skip


def face_lines(path: Path) -> dict[str, set[str]]:
    """{"income": keys, "cash": keys} of a filing: concept, then "|axis=member" pairs where dimensioned."""
    root = etree.parse(str(path), etree.XMLParser(huge_tree=True)).getroot()
    dims = {}
    for context in root.iter(XBRLI + "context"):
        pairs = (f"{m.get('dimension')}={(m.text or '').strip()}" for m in context.iter(XBRLDI + "explicitMember"))
        dims[context.get("id")] = "|".join(sorted(pairs))
    found: dict[str, set[str]] = {}
    before = ""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag.endswith("}table"):
            facts = [(f.get("name"), dims.get(f.get("contextRef"), "")) for f in el.iter(IX + "nonFraction")]
            if len(facts) >= 3:
                headings = list(HEADING.finditer(before[-300:]))
                kind = headings[-1].lastgroup if headings else None
                if kind in ("income", "cash") and kind not in found:
                    keep = [(c, d) for c, d in facts if kind == "income" or CASH_LINES.search(c.split(":")[1])]
                    found[kind] = {c + (f"|{d}" if d else "") for c, d in keep}
                before = ""
            continue
        before = (before + " " + (el.text or "") + " " + (el.tail or ""))[-2000:]
    return found


CONTRACT = "us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax"
FILING_PATHS = sorted(FILINGS.glob("*.htm")) if FILINGS.is_dir() else []


def test_entries_have_both_chinese_labels():
    assert len(DATA) >= 70
    for key, entry in DATA.items():
        if key == "heading":  # headings: a list of word patterns, checked below
            continue
        assert KEY.match(key), f"{key!r} is not prefix:Concept[|axis=member...]"
        assert set(entry) == {"zh-Hant", "zh-Hans"}, f"[{key}] needs exactly zh-Hant and zh-Hans, has {sorted(entry)}"
        for lang, label in entry.items():
            assert isinstance(label, str) and label == label.strip() and CJK.search(label), (key, lang, label)
            latin = set(re.findall(r"[A-Za-z]+", label)) - ABBREVIATIONS
            assert not latin, f"[{key}] {lang} {label!r} has Latin letters {sorted(latin)}"
        assert T2S.convert(entry["zh-Hans"]) == entry["zh-Hans"], (
            f"[{key}] zh-Hans {entry['zh-Hans']!r} is not Simplified"
        )
        simplified = [c for c in entry["zh-Hant"] if CJK.match(c) and T2S.convert(c) == c != S2T.convert(c)]
        assert not simplified, f"[{key}] zh-Hant {entry['zh-Hant']!r} has Simplified-only characters {simplified}"
        if "|" in key:
            pairs = key.split("|")[1:]
            assert pairs == sorted(pairs), f"[{key}] axis=member pairs must be sorted"


@pytest.mark.skipif(not FILING_PATHS, reason="../shared/filings is not beside the checkout")
@pytest.mark.parametrize("path", FILING_PATHS, ids=lambda p: p.name)
def test_every_face_statement_line_is_labelled(path):
    found = face_lines(path)
    if path.name.startswith("ibm-10-k"):
        assert found == {}  # IBM files its statements in the annual report exhibit, not in the 10-K itself
        return
    assert set(found) == {"income", "cash"}, f"{path.name}: statements found {sorted(found)}"
    assert len(found["income"]) >= 10 and any("OperatingActivities" in k for k in found["cash"])
    missing = sorted(k for lines in found.values() for k in lines if k not in DATA)
    assert not missing, f"{path.name}: lines.toml has no label for {missing}"


@pytest.mark.parametrize(
    ("concept", "dims", "english", "lang", "expected"),
    [
        ("us-gaap:ResearchAndDevelopmentExpense", "", "Technology and development", "en", "Technology and development"),
        ("us-gaap:ResearchAndDevelopmentExpense", "", "Research and development", "zh-Hant", "研發費用"),
        ("us-gaap:ResearchAndDevelopmentExpense", "", "Research and development", "zh-Hans", "研发费用"),
        ("us-gaap:EarningsPerShareDiluted", "", "Diluted", "zh-Hant", "稀釋每股盈餘"),
        ("us-gaap:EarningsPerShareDiluted", "", "Diluted", "zh-Hans", "稀释每股收益"),
        ("us-gaap:OperatingIncomeLoss", "", "Income from operations", "zh-Hans", "营业利润"),
        # Apple's Products row: the dimensioned entry first ...
        (CONTRACT, "srt:ProductOrServiceAxis=us-gaap:ProductMember", "Products", "zh-Hant", "產品營收"),
        (CONTRACT, "srt:ProductOrServiceAxis=us-gaap:ServiceMember", "Services", "zh-Hans", "服务营收"),
        (CONTRACT, "srt:ProductOrServiceAxis=us-gaap:ProductMember", "Products", "en", "Products"),
        # ... then the concept's own label for a member lines.toml does not know ...
        (CONTRACT, "srt:ProductOrServiceAxis=x:NewMember", "New line", "zh-Hant", "營收"),
        # ... and the filer's English only for a concept it does not know at all.
        ("xyz:SomethingNewExpense", "", "Something new", "zh-Hant", "Something new"),
    ],
)  # fmt: skip
def test_line_label(concept, dims, english, lang, expected):
    assert line_label(concept, dims, english, lang) == expected


@pytest.mark.parametrize(
    ("heading", "hant"),
    [("Revenues", "營收"), ("Net sales", "營收"), ("Costs and expenses", "成本及費用"),
     ("Cost of revenues", "營業成本"), ("Operating expenses", "營業費用"),
     ("Other income (expense)", "其他收入(費用)"), ("Interest", "利息"),
     ("Earnings per share of common stock", "每股盈餘"), ("Net income per common share", "每股盈餘"),
     ("Weighted-average shares used to compute earnings per share", "加權平均流通股數"),
     ("Shares used in computing earnings per share", "加權平均流通股數"), ("Assuming dilution", "稀釋")],
)  # fmt: skip
def test_statement_headings_have_chinese_labels(heading: str, hant: str):
    from caibao.brief.i18n import line_label

    assert line_label("", "", heading, "zh-Hant") == hant
    assert re.fullmatch(r"[^A-Za-z]+", line_label("", "", heading, "zh-Hans"))
