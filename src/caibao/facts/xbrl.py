"""Read XBRL facts from an inline XBRL document (.htm) or an XBRL instance (.xml), with lxml.

Safely: the parser never touches the network, loads no DTD, resolves no entity, and a document
that declares entities is refused before it is parsed; input size is bounded. A fact whose value
cannot be read, or whose context or unit is missing, rejects the whole document with a message
naming the fact, so a half-read filing never reaches the store.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from caibao.errors import IngestError

MAX_BYTES = 64 * 1024 * 1024
XBRLI = "http://www.xbrl.org/2003/instance"
XBRLDI = "http://xbrl.org/2006/xbrldi"
IX = "http://www.xbrl.org/2013/inlineXBRL"
XHTML = "http://www.w3.org/1999/xhtml"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)
_ROOT_HTML = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?html[\s>]")


@dataclass(frozen=True)
class Context:
    start: date | None  # None for an instant
    end: date
    dims: tuple[tuple[str, str], ...]  # (axis, member) QNames, sorted
    typed: bool = False  # has a typed dimension: kept out of the standard metrics


@dataclass(frozen=True)
class XbrlFact:
    concept: str  # prefix:LocalName
    value: Decimal
    decimals: int | None  # None = INF
    unit: str  # USD, USD/shares, shares, pure, ...
    context: Context
    fact_id: str


@dataclass
class XbrlDocument:
    name: str
    inline: bool
    facts: list[XbrlFact] = field(default_factory=list)
    dei: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True,
        remove_pis=True,
    )  # fmt: skip


def parse_xbrl(data: bytes, name: str) -> XbrlDocument:
    if len(data) > MAX_BYTES:
        raise IngestError(f"{name}: {len(data)} bytes is over the {MAX_BYTES}-byte limit for a filing")
    if _ENTITY_DECLARATION.search(data, 0, 1 << 16):
        raise IngestError(f"{name}: declares XML entities; refused (entity-expansion attacks are made so)")
    try:
        if _ROOT_HTML.search(data, 0, 4096):
            return _inline(data, name)
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise IngestError(f"{name}:{exc.lineno}: not well-formed XML ({exc.msg})") from None
    if root.tag == f"{{{XBRLI}}}xbrl":
        return _instance(root, name)
    raise IngestError(f"{name}: root element {root.tag} is neither XHTML (inline XBRL) nor xbrli:xbrl")


def _contexts(elements: list[etree._Element], name: str) -> dict[str, Context]:
    contexts: dict[str, Context] = {}
    for ctx in elements:
        cid = ctx.get("id", "")
        start = ctx.findtext(f".//{{{XBRLI}}}startDate")
        end = ctx.findtext(f".//{{{XBRLI}}}endDate") or ctx.findtext(f".//{{{XBRLI}}}instant")
        if end is None:
            raise IngestError(f"{name}: context {cid!r} has no period")
        try:
            period = (date.fromisoformat(start.strip()) if start else None, date.fromisoformat(end.strip()))
        except ValueError:
            raise IngestError(f"{name}: context {cid!r}: period {start}..{end} is not ISO dates") from None
        explicit = [(m.get("dimension", ""), (m.text or "").strip()) for m in ctx.iter(f"{{{XBRLDI}}}explicitMember")]
        typed = [(m.get("dimension", ""), "typed:" + " ".join("".join(m.itertext()).split()))
                 for m in ctx.iter(f"{{{XBRLDI}}}typedMember")]  # fmt: skip
        contexts[cid] = Context(period[0], period[1], tuple(sorted(explicit + typed)), bool(typed))
    return contexts


def _units(elements: list[etree._Element]) -> dict[str, str]:
    units: dict[str, str] = {}
    for unit in elements:
        measures = [(m.text or "").strip().split(":")[-1] for m in unit.iter(f"{{{XBRLI}}}measure")]
        divide = unit.find(f"{{{XBRLI}}}divide")
        units[unit.get("id", "")] = "/".join(measures) if divide is not None else "*".join(measures)
    return units


def _decimals(text: str | None, where: str) -> int | None:
    if text is None or text.strip().upper() == "INF":
        return None
    try:
        return int(text)
    except ValueError:
        raise IngestError(f"{where}: decimals {text!r} is not an integer or INF") from None


_WORDS = {"no": 0, "none": 0, "zero": 0, "nil": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
          "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}  # fmt: skip
_SPACES = re.compile(r"[\s\u00a0\u202f,]")


def transform(text: str, fmt: str, where: str) -> Decimal:
    """The value of a displayed number under an ixt / ixt-sec transformation format."""
    local = fmt.split(":")[-1].lower() if fmt else ""
    raw = text.strip()
    if local in ("fixed-zero", "zerodash", "fixedzero") or (local.startswith("num") and raw in ("-", "—", "–")):
        return Decimal(0)
    if local in ("numwordsen", "num-word-en", "numwords"):
        word = raw.lower().strip(" .")
        if word in _WORDS:
            return Decimal(_WORDS[word])
        raise IngestError(f"{where}: {raw!r} is not a number in words")
    if local in ("num-comma-decimal", "numcommadecimal", "numdotcomma"):
        cleaned = re.sub(r"[\s\u00a0\u202f.]", "", raw).replace(",", ".")
    elif local in ("", "num-dot-decimal", "numdotdecimal", "numcommadot", "numspacedot", "num-unit-decimal"):
        cleaned = _SPACES.sub("", raw)
    else:
        raise IngestError(f"{where}: transformation format {fmt!r} is not supported")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise IngestError(f"{where}: {raw!r} is not a number under {fmt or 'no format'}") from None
    if not value.is_finite():
        raise IngestError(f"{where}: {raw!r} is not a finite number")
    return value


_CONTEXT, _UNIT = f"{{{XBRLI}}}context", f"{{{XBRLI}}}unit"
_NON_FRACTION, _NON_NUMERIC = f"{{{IX}}}nonFraction", f"{{{IX}}}nonNumeric"


def _inline(data: bytes, name: str) -> XbrlDocument:
    doc = XbrlDocument(name, inline=True)
    # Collect the elements that matter while parsing: the parse is then the only walk of the tree.
    found: dict[str, list[etree._Element]] = {_CONTEXT: [], _UNIT: [], _NON_FRACTION: [], _NON_NUMERIC: []}
    events = etree.iterparse(
        io.BytesIO(data), events=("end",), tag=list(found), resolve_entities=False, no_network=True,
        load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
    )  # fmt: skip
    for _, el in events:
        found[el.tag].append(el)
    if events.root is None or events.root.tag != f"{{{XHTML}}}html":
        tag = events.root.tag if events.root is not None else "none"
        raise IngestError(f"{name}: root element {tag} is neither XHTML (inline XBRL) nor xbrli:xbrl")
    contexts, units = _contexts(found[_CONTEXT], name), _units(found[_UNIT])
    for el in found[_NON_NUMERIC]:
        concept = el.get("name", "")
        if concept.startswith("dei:"):
            doc.dei.setdefault(concept[4:], " ".join("".join(el.itertext()).split()))
    for el in found[_NON_FRACTION]:
        concept = el.get("name", "")
        where = f"{name}: fact {el.get('id') or '?'} ({concept})"
        if el.get(XSI_NIL) == "true":
            continue
        context = contexts.get(el.get("contextRef", ""))
        if context is None:
            raise IngestError(f"{where}: context {el.get('contextRef')!r} is not defined")
        unit = units.get(el.get("unitRef", ""))
        if unit is None:
            raise IngestError(f"{where}: unit {el.get('unitRef')!r} is not defined")
        value = transform("".join(el.itertext()), el.get("format", ""), where)
        scale = el.get("scale")
        if scale:
            try:
                value = value.scaleb(int(scale))
            except ValueError:
                raise IngestError(f"{where}: scale {scale!r} is not an integer") from None
        if el.get("sign") == "-":
            value = -value
        doc.facts.append(
            XbrlFact(concept, value, _decimals(el.get("decimals"), where), unit, context, el.get("id", ""))
        )
    _merge_duplicates(doc)
    return doc


def _instance(root: etree._Element, name: str) -> XbrlDocument:
    doc = XbrlDocument(name, inline=False)
    children = [el for el in root if isinstance(el.tag, str)]  # contexts, units and facts are all top level
    contexts = _contexts([el for el in children if el.tag == _CONTEXT], name)
    units = _units([el for el in children if el.tag == _UNIT])
    for el in children:
        attrib = el.attrib
        context_ref = attrib.get("contextRef")
        if context_ref is None:
            continue
        local = el.tag.rpartition("}")[2]
        prefix = el.prefix or ""
        concept = f"{prefix}:{local}" if prefix else local
        if prefix == "dei":
            doc.dei.setdefault(local, " ".join((el.text or "").split()))
            continue
        unit_ref = attrib.get("unitRef")
        if unit_ref is None or attrib.get(XSI_NIL) == "true":
            continue
        context, unit = contexts.get(context_ref), units.get(unit_ref)
        if context is None or unit is None:
            where = f"{name}: fact {attrib.get('id') or concept}"
            missing = f"context {context_ref!r}" if context is None else f"unit {unit_ref!r}"
            raise IngestError(f"{where}: {missing} is not defined")
        try:
            value = Decimal(el.text)  # instances hold plain numbers; transform() only for the odd one
        except (InvalidOperation, TypeError):
            value = transform(el.text or "", "", f"{name}: fact {attrib.get('id') or concept}")
        decimals = _decimals(attrib.get("decimals"), f"{name}: fact {attrib.get('id') or concept}")
        doc.facts.append(XbrlFact(concept, value, decimals, unit, context, attrib.get("id", "")))
    _merge_duplicates(doc)
    return doc


def _merge_duplicates(doc: XbrlDocument) -> None:
    """The same concept, context and unit tagged more than once (a statement and its note): keep the
    most precise when they agree to the coarser precision; drop and report them when they do not."""
    chosen: dict[tuple, XbrlFact] = {}
    conflicts: set[tuple] = set()
    for fact in doc.facts:
        key = (fact.concept, fact.context, fact.unit)
        seen = chosen.get(key)
        if seen is None:
            chosen[key] = fact
            continue
        coarser = min((d for d in (seen.decimals, fact.decimals) if d is not None), default=None)
        agree = seen.value == fact.value if coarser is None else (
            round(seen.value, coarser) == round(fact.value, coarser)
        )  # fmt: skip
        if not agree:
            conflicts.add(key)
            doc.warnings.append(
                f"{doc.name}: {fact.concept} tagged twice with different values ({seen.value:f} in "
                f"{seen.fact_id or '?'}, {fact.value:f} in {fact.fact_id or '?'}); both left out"
            )
        elif (fact.decimals is None) or (seen.decimals is not None and fact.decimals > seen.decimals):
            chosen[key] = fact
    doc.facts = [f for key, f in chosen.items() if key not in conflicts]
