"""A check's results as a terminal table, JSON, or the article as an HTML page with each claim marked."""

from __future__ import annotations

import html
import json

from rich.console import Group
from rich.table import Table
from rich.text import Text

from caibao.analysis.rounding import json_number
from caibao.claims.check import Report
from caibao.claims.model import CONTRADICTED, SUPPORTED, UNVERIFIABLE, Claim
from caibao.claims.verify import store_metric

_STYLE = {SUPPORTED: "green", CONTRADICTED: "bold red", UNVERIFIABLE: "dim"}


def claim_json(claim: Claim, metric: str | None) -> dict:
    return {
        "quote": claim.quote,
        "start": claim.start,
        "end": claim.end,
        "sentence": claim.sentence,
        "metric": metric,
        "segment": claim.segment,
        "period": str(claim.period) if claim.period else None,
        "measure": claim.measure,
        "stated": json_number(claim.stated),
        "stated_low": json_number(claim.stated_low),
        "stated_high": json_number(claim.stated_high),
        "actual": json_number(claim.actual),
        "verdict": claim.verdict,
        "cause": claim.cause or None,
        "explanation": claim.explanation,
        "sources": claim.sources,
    }


def to_json(report: Report, index) -> str:
    claims = []
    for claim in report.claims:
        metric = claim.metric
        if index is not None:
            resolved, _ = store_metric(claim, index)
            metric = resolved or metric
        claims.append(claim_json(claim, metric))
    doc = {"document": report.document, "ticker": report.ticker, "summary": summary(report), "claims": []}
    head = json.dumps(doc, ensure_ascii=False, indent=2)
    # One claim a line, by the C encoder: an indented dump goes through the pure-Python encoder,
    # which takes seconds on the tens of thousands of claims a long document holds.
    compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
    body = ",\n".join("    " + compact.encode(c) for c in claims)
    return (
        head[: head.rindex("[]")] + ("[\n" + body + "\n  ]" if claims else "[]") + head[head.rindex("[]") + 2 :] + "\n"
    )


def summary(report: Report) -> dict[str, int]:
    return {v: report.count(v) for v in (SUPPORTED, CONTRADICTED, UNVERIFIABLE)}


def to_table(report: Report) -> Group:
    counts = summary(report)
    head = Text.assemble(
        (f"{report.document}", "bold"),
        f" · {report.ticker} · {len(report.claims)} claims: ",
        (f"{counts[SUPPORTED]} supported", "green"),
        ", ",
        (f"{counts[CONTRADICTED]} contradicted", "bold red"),
        ", ",
        (f"{counts[UNVERIFIABLE]} unverifiable", "dim"),
    )
    table = Table(show_lines=False, header_style="bold", expand=False)
    for column in ("verdict", "quote", "about", "explanation"):
        table.add_column(column, overflow="fold")
    for claim in report.claims:
        about = " ".join(
            x
            for x in (
                claim.metric or "?",
                f"[{claim.segment}]" if claim.segment else "",
                str(claim.period or ""),
                claim.measure if claim.measure != "level" else "",
            )
            if x
        )
        explanation = claim.explanation + (f" ({claim.cause})" if claim.cause else "")
        # Text, not str: Rich would read "[iPhone]" or a "[/x]" quoted from the article as markup.
        table.add_row(Text(claim.verdict, _STYLE[claim.verdict]), Text(claim.quote), Text(about), Text(explanation))
    return Group(head, table)


def marked_article(report: Report) -> str:
    """The article as HTML, every piece of it escaped, each claim in a <mark> with its verdict as
    class and its explanation as title (shown on hover)."""
    parts: list[str] = []
    position = 0
    text = report.text
    for claim in sorted(report.claims, key=lambda c: c.start):
        if claim.start < position:
            continue  # a claim inside another (a range's end) is shown by the outer one
        parts.append(html.escape(text[position : claim.start]))
        title = f"{claim.verdict}: {claim.explanation}" + (f" ({claim.cause})" if claim.cause else "")
        parts.append(
            f'<mark class="{claim.verdict}" title="{html.escape(title, quote=True)}">'
            f"{html.escape(text[claim.start : claim.end])}</mark>"
        )
        position = claim.end
    parts.append(html.escape(text[position:]))
    return "".join(parts)


def to_html(report: Report) -> str:
    """The article, every piece of it escaped, with each claim highlighted and explained on hover."""
    parts = [marked_article(report)]
    counts = summary(report)
    wrong = [c for c in report.claims if c.verdict == CONTRADICTED]
    side = "".join(
        f"<li><b>{html.escape(c.quote)}</b> — {html.escape(c.explanation)}"
        f"{' (' + html.escape(c.cause) + ')' if c.cause else ''}</li>"
        for c in wrong
    )
    spans = "".join(f'<span class="{v}">{v} <b id="count-{v}">{counts[v]}</b></span>' for v in counts)
    return f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>caibao check: {html.escape(report.document)}</title>
<style>
body {{ font-family: "Noto Sans TC", "Noto Sans SC", system-ui, sans-serif; margin: 0; color: #1d2430; }}
main {{ display: grid; grid-template-columns: minmax(0, 3fr) minmax(16rem, 1fr); gap: 2rem;
        max-width: 76rem; margin: 1.5rem auto; padding: 0 1rem; }}
article {{ white-space: pre-wrap; line-height: 1.8; }}
mark {{ border-radius: 3px; padding: 0 2px; cursor: help; }}
mark.supported {{ background: #d3f2d9; }}
mark.contradicted {{ background: #ffd1cc; outline: 1px solid #c62828; }}
mark.unverifiable {{ background: #e6e8eb; }}
aside {{ font-size: .9rem; }}
aside li {{ margin-bottom: .6rem; }}
.counts span {{ display: inline-block; margin-right: .8rem; }}
</style>
</head>
<body>
<main>
<article>{"".join(parts)}</article>
<aside>
<p class="counts">{spans}</p>
<h2>Contradicted</h2>
<ol id="contradicted">{side}</ol>
</aside>
</main>
</body>
</html>
"""
