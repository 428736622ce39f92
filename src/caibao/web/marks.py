"""A kept check's article as a page shows it: every figure a button that opens its explanation,
in the page's language, from the kept result (no second check).

The kept `marked` HTML holds the article's text, escaped, with each claim in a <mark>; the text is
read back from it and marked again here from the result's claims, so that the words follow the
page's language and the figures are reachable by keyboard. The panel is an HTML popover: opened by
click, tap, Enter or Space with no script (the pages' policy allows none), and the browser gives the
button its expanded state.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

from caibao.claims.explain import Explainer

_TAG = re.compile(r"</?mark\b[^>]*>")


def article_text(marked: str) -> str:
    """The article's text from its marked HTML (every piece of text in it is escaped)."""
    return html.unescape(_TAG.sub("", marked))


def explained(claim: dict, say: Explainer) -> str:
    """A claim's explanation with its likely cause, in `say`'s language where the result keeps it."""
    said = (claim.get("explanations") or {}).get(say.lang)
    if said:
        return say.full(said["explanation"], said.get("cause") or None)
    return say.full(claim.get("explanation") or "", claim.get("cause"))


def render(marked: str, result: dict, lang: str, verdicts: dict[str, str], back: str) -> tuple[Markup, list[dict]]:
    """(the article as HTML, the contradicted claims each with its figure's id and its words)."""
    say = Explainer(lang, result.get("ticker") or "")
    text = article_text(marked)
    parts: list[str] = []
    wrong: list[dict] = []
    position = 0
    for n, claim in enumerate(sorted(result.get("claims", []), key=lambda c: (c["start"], c["end"]))):
        start, end = claim["start"], claim["end"]
        if start < position or end > len(text):
            continue  # a claim inside another (a range's end) is shown by the outer one
        verdict = claim["verdict"]
        words = explained(claim, say)
        link = ""
        if verdict == "contradicted":
            wrong.append({"id": n, "quote": claim["quote"], "words": words})
            link = f' <a href="#finding-{n}">{html.escape(back)}</a>'
        parts.append(html.escape(text[position:start]))
        parts.append(
            f'<mark class="{verdict}" title="{html.escape(verdicts[verdict] + " " + words, quote=True)}">'
            f'<button type="button" class="fig" id="fig-{n}" popovertarget="why-{n}" '
            f'aria-describedby="verdict-{verdict}">{html.escape(text[start:end])}</button></mark>'
            f'<span class="why" id="why-{n}" popover role="note">'
            f"<b>{html.escape(verdicts[verdict])}</b> {html.escape(words)}{link}</span>"
        )
        position = end
    parts.append(html.escape(text[position:]))
    return Markup("".join(parts)), wrong
