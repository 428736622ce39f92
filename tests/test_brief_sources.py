"""The brief's source list: one short numbered list of documents, a mark under each table, derived
facts pointing to the documents of their inputs; the per-fact lineage stays in the JSON."""

from __future__ import annotations

import json
import re

import pytest

from caibao.brief.build import build_brief
from caibao.brief.i18n import Words
from caibao.brief.render import render
from caibao.brief.sources import _form, source_list


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("aapl-10-k-2024-11-01.htm", "10-K"),
        ("nflx-10-q-2025-07-18.htm", "10-Q"),
        ("amazon-2025-08-8k-excerpts.pdf", "8-K"),
        ("amzn-20221231_htm.xml", ""),
        ("R53.htm", ""),
        ("AMZN-Q3-2025-Earnings-Release.md", ""),
    ],
)
def test_form_from_the_name(name, form):
    assert _form(name, "") == form


def source_section(text: str, lang: str) -> list[str]:
    return text[text.index("## " + Words(lang)("note", "sources")) :].rstrip("\n").split("\n")


@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
def test_amzn_brief_ends_with_a_dozen_lines_of_documents(read_store, lang):
    brief = build_brief(read_store, "AMZN", "2025Q4", lang)
    text = render(brief, "md")
    section = source_section(text, lang)
    assert len(section) <= 12, section
    items = [line for line in section if re.match(r"^\d+\. ", line)]
    assert [int(line.split(".")[0]) for line in items] == list(range(1, len(items) + 1))
    assert len(items) == 8  # seven documents by name, then one line for the rest
    assert "amzn-facts.csv" in items[0] and "<https://github.com/apresai/podcaster/" in items[0]
    assert "more documents" in items[-1] if lang == "en" else "份文件" in items[-1]
    # every table (and the highlights) says which documents its figures come from, and each mark is listed
    marks = re.findall(r"^> (?:Sources|資料來源|数据来源)[::] ?(.+)$", text, re.M)
    assert len(marks) == 1 + len(brief.tables)
    cited = {int(n) for m in marks for n in re.findall(r"\[(\d+)\]", m)}
    assert cited and cited <= set(range(1, len(items) + 1))
    # the per-fact lineage is still in the JSON, as before
    doc = json.loads(render(brief, "json"))
    assert len(doc["facts"]) == len(brief.facts) > 150


def test_marks_point_to_the_documents_of_the_cells(read_store):
    brief = build_brief(read_store, "AMZN", "FY2025", "en")
    listed = brief.sources
    income = next(t for t in brief.tables if t.key == "income")
    revenue = next(r for r in income.rows if r.key == "revenue").cells[0]
    [fact_id] = revenue.sources
    fact = brief.facts[fact_id]
    [number] = listed.marks[fact_id]
    doc = listed.documents[number - 1]
    # FY2025 revenue is a row of the bundled data copied from a page: that page is its document
    assert (fact.source.document, fact.source.locator) == ("amzn-facts.csv", "line 869")
    assert (doc.number, doc.name, doc.via, str(doc.latest)) == (number, "amzn.md", "amzn-facts.csv", "FY2025")
    assert (
        doc.url
        == fact.source.href
        == "https://github.com/apresai/podcaster/blob/56cf5777dfc09c9e987cec4f88d9707c33df1d19/amzn.md"
    )


def test_derived_facts_point_to_their_inputs_documents(filings_store):
    store = filings_store[0]
    brief = build_brief(store, "NFLX", "2025Q2", "en")
    derived = [f for f in brief.facts.values() if f.derived]
    assert derived and all(f.source.document == "derived:NFLX" for f in derived)  # Q2 = 6M less Q1
    names = [d.name for d in brief.sources.documents]
    assert "derived:NFLX" not in names
    assert names == ["nflx-10-q-2025-07-18.htm"]
    [doc] = brief.sources.documents
    assert (doc.form, str(doc.latest), doc.facts) == ("10-Q", "2025Q2", len(brief.facts))
    text = render(brief, "md")
    assert source_section(text, "en")[2] == "1. nflx-10-q-2025-07-18.htm, 10-Q, to 2025Q2"


def test_documents_past_the_cap_share_one_number(read_store):
    index = read_store.index("AMZN")
    brief = build_brief(read_store, "AMZN", "2025Q4", "en")
    full = source_list(brief.facts.values(), index.by_id, max_listed=100)
    capped = source_list(brief.facts.values(), index.by_id, max_listed=2)
    assert len(full.documents) == 12 and len(capped.documents) == 3
    assert capped.documents[:2] == full.documents[:2]
    tail = capped.documents[2]
    assert tail.number == 3 and len(tail.others) == 10 and tail.key == ""
    assert set(tail.others) == {d.key for d in full.documents[2:]}
    moved = [f for f, ns in full.marks.items() if any(n > 2 for n in ns)]
    assert moved and all(3 in capped.marks[f] for f in moved)
    assert tail.facts == len(moved)


def test_html_lists_documents_and_links_marks(read_store):
    html = render(build_brief(read_store, "AMZN", "2025Q4", "zh-Hant"), "html")
    items = re.findall(r'<li id="source-(\d+)">', html)
    assert items == [str(n) for n in range(1, 9)]
    links = set(re.findall(r'<a href="#source-(\d+)">', html))
    assert links and links <= set(items)
    assert '<p class="sources">資料來源:' in html and 'data-facts="' in html
