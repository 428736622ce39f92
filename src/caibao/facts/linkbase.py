"""A filing's calculation and label linkbases: the face statements of an XBRL instance document.

An inline-XBRL filing shows its statements in its own HTML (facts/statements.py). An XBRL instance
(`*_htm.xml`) shows nothing; where the filing comes with its calculation linkbase (`*_cal.xml`) and
label linkbase (`*_lab.xml`), the income statement is rebuilt from them: the calculation network
whose concepts are an income statement's (facts/data/statements.toml), walked from net income down,
each total after the lines it sums (the order filers print), labelled with the filer's own labels.
Per-share rows are not in a calculation network and do not appear; nor do headings.

Read as safely as the filings themselves: no network, no DTD, no entity, bounded size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from caibao.errors import IngestError
from caibao.facts.statements import StatementLine, local, rules

LINK = "http://www.xbrl.org/2003/linkbase"
XLINK = "http://www.w3.org/1999/xlink"
MAX_BYTES = 32 * 1024 * 1024
SUMMATION = "http://www.xbrl.org/2003/arcrole/summation-item"
_ENTITY = re.compile(rb"<!ENTITY", re.I)
# Label roles in the order a row prefers them; a total prefers its total label.
_LINE_ROLES = ("terseLabel", "label", "verboseLabel")
_TOTAL_ROLES = ("totalLabel", "terseLabel", "label")


@dataclass
class Linkbases:
    """What a filing's linkbases say: summation arcs per network (role), labels per concept."""

    arcs: dict[str, list[tuple[str, str, float, int]]] = field(default_factory=dict)  # (parent, child, order, weight)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # concept -> label role -> text

    def __bool__(self) -> bool:
        return bool(self.arcs)


def _root(data: bytes, name: str) -> etree._Element:
    if len(data) > MAX_BYTES:
        raise IngestError(f"{name}: {len(data)} bytes is over the {MAX_BYTES}-byte limit for a linkbase")
    if _ENTITY.search(data):
        raise IngestError(f"{name}: declares XML entities; refused")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise IngestError(f"{name}:{exc.lineno or 0}: not well-formed XML ({exc.msg})") from None


def _concept(href: str) -> str:
    """ "https://xbrl.fasb.org/.../us-gaap-2022.xsd#us-gaap_Revenues" -> "us-gaap:Revenues"."""
    fragment = href.rpartition("#")[2]
    prefix, _, name = fragment.partition("_")
    return f"{prefix}:{name}" if name else fragment


def read_linkbases(files: dict[str, bytes]) -> Linkbases:
    """Calculation and label linkbases, by file name (`*_cal.xml`, `*_lab.xml`); others are ignored."""
    out = Linkbases()
    for name, data in sorted(files.items()):
        lower = name.lower()
        if lower.endswith("_cal.xml"):
            _calculation(_root(data, name), out)
        elif lower.endswith("_lab.xml"):
            _labels(_root(data, name), out)
    return out


def _locators(link: etree._Element) -> dict[str, str]:
    return {
        loc.get(f"{{{XLINK}}}label", ""): _concept(loc.get(f"{{{XLINK}}}href", ""))
        for loc in link.iter(f"{{{LINK}}}loc")
    }


def _calculation(root: etree._Element, out: Linkbases) -> None:
    for link in root.iter(f"{{{LINK}}}calculationLink"):
        role = link.get(f"{{{XLINK}}}role", "")
        where = _locators(link)
        arcs = out.arcs.setdefault(role, [])
        for arc in link.iter(f"{{{LINK}}}calculationArc"):
            if arc.get(f"{{{XLINK}}}arcrole") != SUMMATION:
                continue
            parent, child = where.get(arc.get(f"{{{XLINK}}}from", "")), where.get(arc.get(f"{{{XLINK}}}to", ""))
            if not parent or not child:
                continue
            try:
                order, weight = float(arc.get("order", "0")), float(arc.get("weight", "1"))
            except ValueError:
                continue
            arcs.append((parent, child, order, 1 if weight >= 0 else -1))


def _labels(root: etree._Element, out: Linkbases) -> None:
    for link in root.iter(f"{{{LINK}}}labelLink"):
        where = _locators(link)
        texts: dict[str, list[tuple[str, str]]] = {}
        for label in link.iter(f"{{{LINK}}}label"):
            lang = label.get("{http://www.w3.org/XML/1998/namespace}lang", "en")
            if not lang.lower().startswith("en"):
                continue
            role = label.get(f"{{{XLINK}}}role", "").rpartition("/")[2]
            texts.setdefault(label.get(f"{{{XLINK}}}label", ""), []).append(
                (role, " ".join("".join(label.itertext()).split()))
            )
        for arc in link.iter(f"{{{LINK}}}labelArc"):
            concept = where.get(arc.get(f"{{{XLINK}}}from", ""))
            if concept:
                for role, text in texts.get(arc.get(f"{{{XLINK}}}to", ""), []):
                    out.labels.setdefault(concept, {}).setdefault(role, text)


def income_statement(links: Linkbases, periods: dict[str, tuple[tuple[date, date], ...]]) -> list[StatementLine]:
    """The income statement rebuilt from the calculation linkbase (see the module's docstring).

    `periods`: for each concept, the (start, end) of its undimensioned duration facts in the instance;
    the statement's columns are its net income's."""
    finders = rules().finders["income"]
    all_of, none_of = finders
    for _role, arcs in sorted(links.arcs.items()):
        names = {local(c) for arc in arcs for c in arc[:2]}
        if not all(names & group for group in all_of) or names & none_of:
            continue
        children: dict[str, list[tuple[float, str, int]]] = {}
        for parent, child, order, weight in arcs:
            children.setdefault(parent, []).append((order, child, weight))
        summed = {child for _, child, _, _ in arcs}
        roots = [c for c in children if c not in summed and local(c) in all_of[0]]
        if not roots:
            continue
        columns = periods.get(roots[0], ())
        if not columns:
            continue
        lines = _walk(roots[0], children, links, columns, periods)
        if lines:
            return lines
    return []


MAX_DEPTH = 32  # a statement nests totals a few levels deep; a deeper chain is no statement


def _walk(
    root: str,
    children: dict[str, list[tuple[float, str, int]]],
    links: Linkbases,
    columns: tuple[tuple[date, date], ...],
    periods: dict[str, tuple[tuple[date, date], ...]],
) -> list[StatementLine]:
    """Post-order: a total's lines first (in the network's order), then the total. A block of lines a
    total sums with nothing else (the operating expenses) is indented; a line the calculation
    subtracts is shown negative, as filers print it ("Interest expense (1,809)"); a total is not.
    Iterative, with the depth and the rows bounded: a hostile linkbase chaining 10,000 summations
    gives no statement, not a crash."""
    lines: list[StatementLine] = []
    seen = {root}
    # (concept, weight, indented, its children still to visit)
    stack: list[tuple[str, int, bool, list[tuple[float, str, int]]]] = [
        (root, 1, False, sorted(children.get(root, [])))
    ]
    while stack:
        if len(stack) > MAX_DEPTH or len(lines) >= rules().max_rows:
            return []
        concept, weight, indented, todo = stack[-1]
        if todo:
            _, child, sign = todo.pop(0)
            if child not in seen:
                seen.add(child)
                kids = sorted(children.get(child, []))
                block = not any(children.get(c) for _, c, _ in sorted(children.get(concept, [])))
                stack.append((child, sign, block, kids))
            continue
        stack.pop()
        has_kids = bool(children.get(concept))
        own = links.labels.get(concept, {})
        roles = _TOTAL_ROLES if has_kids else _LINE_ROLES
        label = next((own[r] for r in roles if r in own), "") or local(concept)
        shown = tuple(p for p in columns if p in periods.get(concept, ()))
        if shown:
            lines.append(StatementLine("income", len(lines), label, 1 if indented else 0,
                                       "total" if has_kids else "line", concept, (), not has_kids and weight < 0,
                                       (), shown))  # fmt: skip
    return lines
