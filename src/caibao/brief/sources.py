"""The brief's sources as a reader wants them: one short numbered list of the documents its figures
were read from, and for each table (and the highlights) the numbers of the documents behind it.
The full per-fact lineage stays in the JSON rendering and on the web facts page.

A document is what a fact was read from: the filing (a file name), or, for a row of a bundled
dataset that names the page it was copied from, that page (its URL). A fact worked out from others
(a fourth quarter from a year less nine months) points to the documents of its inputs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from caibao.facts.model import Fact
from caibao.facts.periods import FiscalLabel

# At most this many documents are listed one by one; the rest are one entry ("N more documents"),
# so a brief read off a dataset of many pages still ends with a list of a dozen lines at most.
MAX_LISTED = 7
# How deep a derived fact's inputs are followed (a derived fact of derived facts of ...): far more
# than any derivation goes, and a bound on a malformed store whose inputs cite each other.
MAX_DEPTH = 8
# SEC form types as filers name their files and pages ("aapl-10-k-2024-11-01.htm", "…-8k-excerpts.pdf").
_FORM = re.compile(r"(?<![a-z0-9])(10|8|20|40|6)-?([kqf])(?:-?(a))?(?![a-z])", re.I)


@dataclass
class Document:
    number: int
    key: str  # the file name, or the URL of a page a dataset row was copied from
    name: str  # what the list prints: a file name, or a page's last path segment
    url: str = ""  # a safe link, where one is known
    via: str = ""  # the dataset the page was read through ("amzn-facts.csv"), if any
    form: str = ""  # "10-K", "10-Q", "8-K", where the name says so
    latest: FiscalLabel | None = None  # the latest fiscal period of the facts read from it
    facts: int = 0  # facts of the brief that cite it
    others: tuple[str, ...] = ()  # for the last entry: the documents it stands for


@dataclass
class SourceList:
    documents: list[Document] = field(default_factory=list)
    marks: dict[str, tuple[int, ...]] = field(default_factory=dict)  # fact id -> document numbers

    def numbers(self, fact_ids: Iterable[str]) -> tuple[int, ...]:
        """The documents behind these facts, by number."""
        return tuple(sorted({n for f in fact_ids for n in self.marks.get(f, ())}))


def _document_of(fact: Fact) -> tuple[str, str, str, str]:
    """(key, name, url, via) of the document `fact` was read from."""
    source = fact.source
    href = source.href
    if not href:
        return source.document, source.document, "", ""
    parts = urlsplit(href)
    segments = [s for s in parts.path.split("/") if s]
    name = unquote(segments[-1]) if segments else (parts.netloc or href)
    if not parts.scheme:  # a file beside the dataset ("shared/filings/amzn-10-k-2025-02-07.htm"): that filing
        return name, name, "", source.document
    return href, name, href, source.document


def _form(name: str, url: str) -> str:
    m = _FORM.search(name) or _FORM.search(url)
    if not m:
        return ""
    return f"{m.group(1)}-{m.group(2).upper()}" + ("/A" if m.group(3) else "")


def _origins(fact: Fact, lookup: Callable[[str], Fact | None]) -> list[Fact]:
    """The read (not derived) facts `fact` rests on: itself, or its inputs' origins."""
    found: list[Fact] = []
    seen: set[str] = set()
    stack = [(fact, 0)]
    while stack:
        current, depth = stack.pop()
        if current.id in seen:
            continue
        seen.add(current.id)
        inputs = [f for i in current.inputs if (f := lookup(i)) is not None] if depth < MAX_DEPTH else []
        if current.derived and inputs:
            stack.extend((f, depth + 1) for f in reversed(inputs))
        else:
            found.append(current)  # read, or derived by the dataset's author from its own page
    return found


def source_list(
    cited: Iterable[Fact], lookup: Callable[[str], Fact | None], max_listed: int = MAX_LISTED
) -> SourceList:
    """Number the documents behind `cited` facts, most cited first (ties by name); past `max_listed`
    the rest share one last number. Linear in the facts and their inputs."""
    by_key: dict[str, Document] = {}
    fact_docs: dict[str, list[str]] = {}
    for fact in cited:
        keys: list[str] = []
        for origin in _origins(fact, lookup):
            key, name, url, via = _document_of(origin)
            doc = by_key.setdefault(key, Document(0, key, name, url, via, _form(name, url)))
            label = origin.period.label
            # a year to date (6M2025) only where the document has no quarter or year: its quarter says more
            if doc.latest is None or (not label.ytd and (doc.latest.ytd or doc.latest < label)):
                doc.latest = label
            if key not in keys:
                keys.append(key)
        for key in keys:
            by_key[key].facts += 1
        fact_docs[fact.id] = keys
    ranked = sorted(by_key.values(), key=lambda d: (-d.facts, d.name, d.key))
    if len(ranked) > max_listed + 1:
        rest = ranked[max_listed:]
        unlisted = {d.key for d in rest}
        cites = sum(1 for keys in fact_docs.values() if unlisted.intersection(keys))
        tail = Document(0, "", "", facts=cites, others=tuple(d.key for d in rest))
        number_of = {d.key: max_listed + 1 for d in rest}
        ranked = [*ranked[:max_listed], tail]
    else:
        number_of = {}
    for number, doc in enumerate(ranked, 1):
        doc.number = number
        if doc.key:
            number_of[doc.key] = number
    marks = {fid: tuple(sorted({number_of[k] for k in keys})) for fid, keys in fact_docs.items()}
    return SourceList(ranked, marks)
