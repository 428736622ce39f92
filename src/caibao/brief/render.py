"""Render a Brief as Markdown, a standalone HTML page, JSON with each cell's facts, or a PDF of the page."""

from __future__ import annotations

import json

import jinja2

from caibao.analysis.rounding import json_number
from caibao.brief.chart import layout
from caibao.brief.i18n import Words
from caibao.brief.model import Brief, Cell
from caibao.brief.sources import Document

FORMATS = ("md", "html", "json")  # text; the PDF (bytes) is to_pdf's


def _environment(autoescape: bool) -> jinja2.Environment:
    # Markdown is whitespace-sensitive: block tags take their own line break with them.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("caibao.brief", "templates"),
        autoescape=autoescape,
        trim_blocks=not autoescape,
        lstrip_blocks=not autoescape,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def render(brief: Brief, form: str) -> str:
    if form == "json":
        return to_json(brief)
    if form == "md":
        return _environment(False).get_template("brief.md.j2").render(**context(brief))
    if form == "html":
        return _environment(True).get_template("brief.html.j2").render(**context(brief))
    raise ValueError(f"format {form!r} is not one of {', '.join(FORMATS)}")


def to_pdf(brief: Brief) -> bytes:
    """The standalone HTML page, printed on A4 by WeasyPrint with the CJK fonts embedded."""
    from caibao.brief.pdf import html_to_pdf  # WeasyPrint loads Pango: only when a PDF is asked for

    return html_to_pdf(render(brief, "html"))


def _cell(cell: Cell) -> dict:
    out: dict = {"column": cell.column, "text": cell.text, "value": json_number(cell.value), "unit": cell.unit}
    if cell.low is not None or cell.high is not None:
        out["low"], out["high"] = json_number(cell.low), json_number(cell.high)
    out["facts"] = list(cell.sources)
    return out


def document_line(doc: Document, words: Words) -> str:
    """A source document as the list prints it (without its URL, which each format links its own way):
    "amzn-10-k-2025-02-07.htm, 10-K, to FY2024"; the last entry may stand for the documents past the cap."""
    if doc.others:
        return words("source", "others", count=len(doc.others), facts=doc.facts)
    parts = [doc.name]
    if doc.form:
        parts.append(doc.form)
    if doc.via:
        parts.append(words("source", "via", dataset=doc.via))
    if doc.latest is not None:
        parts.append(words("source", "latest", period=str(doc.latest)))
    return words("word", "clause_sep").join(parts)


def context(brief: Brief) -> dict:
    """What the brief's templates need, for a page of its own or for one embedded in another."""
    words = Words(brief.lang, ticker=brief.ticker)
    charts = [(chart, layout(chart, brief.lang)) for chart in brief.charts]
    listed = brief.sources
    # per table (and for the highlights): the numbers of the documents its figures come from
    marks = {t.key: listed.numbers(s for r in t.rows for c in r.cells for s in c.sources) for t in brief.tables}
    marks["highlights"] = listed.numbers(s for h in brief.highlights for s in h.sources)
    # the charts too: every document listed is pointed to from somewhere
    marks |= {f"chart:{c.key}": listed.numbers(s for series in c.series for s in series.sources) for c in brief.charts}
    sep = words("word", "list_sep")
    mark_text = {
        k: words("source", "marks", marks=sep.join(f"[{n}]" for n in ns)) if ns else "" for k, ns in marks.items()
    }
    documents = [(doc, document_line(doc, words)) for doc in listed.documents]
    return {
        "brief": brief,
        "w": words,
        "charts": charts,
        "marks": marks,
        "mark_text": mark_text,
        "documents": documents,
    }


def to_json(brief: Brief) -> str:
    doc = {
        "ticker": brief.ticker,
        "company": brief.company,
        "period": str(brief.period),
        "lang": brief.lang,
        "title": brief.title,
        "highlights": [{"text": h.text, "facts": list(h.sources)} for h in brief.highlights],
        "tables": [
            {
                "key": t.key,
                "title": t.title,
                "unit": t.unit,
                "columns": list(t.columns),
                "rows": [
                    {
                        "key": r.key,
                        "label": r.label,
                        "group": r.group,
                        "depth": r.depth,
                        "role": r.role,
                        "cells": [_cell(c) for c in r.cells],
                    }
                    for r in t.rows
                ],
                "notes": list(t.notes),
            }
            for t in brief.tables
        ],
        "charts": [
            {
                "key": c.key,
                "title": c.title,
                "labels": list(c.labels),
                "series": [
                    {"name": s.name, "values": [json_number(v) for v in s.values], "facts": list(s.sources)}
                    for s in c.series
                ],
            }
            for c in brief.charts
        ],
        "notes": brief.notes,
        "facts": {f.id: f.record() for f in sorted(brief.facts.values(), key=lambda f: f.id)},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
