"""Read XBRL facts from an inline XBRL document (.htm) or an XBRL instance (.xml), with lxml.

Safely: the parser never touches the network, loads no DTD, resolves no entity, and a document
that declares entities is refused before it is parsed; input size is bounded (and lxml's own
limits on depth and node size stay on).

A document that cannot be read as XBRL at all (not XML, no XBRL in it) is refused with a message
naming the file and line. One fact that cannot be read (a value its transformation format does
not read, an undefined context or unit, a scale, decimals or value out of range) is left out and
reported, with the fact's line and id: one bad fact does not cost the filing's other thousand.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Context as DecimalContext
from decimal import Decimal, localcontext

from lxml import etree

from caibao.errors import IngestError
from caibao.facts.bounds import MAX_DECIMALS, MIN_DECIMALS, check_date, check_value, shown
from caibao.facts.statements import StatementLine, read_statements
from caibao.facts.words import NotANumber, read_words

MAX_BYTES = 64 * 1024 * 1024
XBRLI = "http://www.xbrl.org/2003/instance"
XBRLDI = "http://xbrl.org/2006/xbrldi"
IX = "http://www.xbrl.org/2013/inlineXBRL"
XHTML = "http://www.w3.org/1999/xhtml"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
MAX_SCALE = 32  # beyond it a value is out of range or finer than the store keeps (see bounds.py)
MAX_NUMBER_CHARS = 100  # a displayed number under 10**22 with separators and decimals is ~40
MAX_WARNINGS = 20  # per document; the rest are counted
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)
_ROOT_HTML = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?html[\s>]")
_UTF16_OR_32 = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_INTEGER = re.compile(r"\s*[+-]?[0-9]{1,12}\s*", re.ASCII)
_PLAIN_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


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
    rejected: int = 0  # facts left out: unreadable, or tagged twice with different values
    statements: list[StatementLine] = field(default_factory=list)  # face statements, inline documents only
    untold: int = 0  # warnings past MAX_WARNINGS, counted rather than listed

    def warn(self, problem: str, left_out: int = 1) -> None:
        """Report a problem (and the facts it leaves out); past MAX_WARNINGS they are only counted,
        so a filing with ten thousand bad facts says so in a screenful."""
        self.rejected += left_out
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(problem)
        else:
            self.untold += 1

    def finish(self) -> None:
        if self.untold:
            self.warnings.append(f"{self.name}: {self.untold} more problems like these; those facts left out too")
            self.untold = 0


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True,
        remove_pis=True,
    )  # fmt: skip


_CONTEXT, _UNIT = f"{{{XBRLI}}}context", f"{{{XBRLI}}}unit"
_NON_FRACTION, _NON_NUMERIC = f"{{{IX}}}nonFraction", f"{{{IX}}}nonNumeric"
_INLINE_TAGS = (_CONTEXT, _UNIT, _NON_FRACTION, _NON_NUMERIC)


def parse_xbrl(data: bytes, name: str) -> XbrlDocument:
    if len(data) > MAX_BYTES:
        raise IngestError(f"{name}: {len(data)} bytes is over the {MAX_BYTES}-byte limit for a filing")
    if not data.strip():
        raise IngestError(f"{name}: empty file")
    if _ENTITY_DECLARATION.search(data):
        raise IngestError(f"{name}: declares XML entities; refused (entity-expansion attacks are made so)")
    try:
        if _ROOT_HTML.search(data, 0, 4096):
            return _inline(_collect(data, name), name)
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise _not_xml(data, name, exc) from None
    if root.tag == f"{{{XHTML}}}html":  # inline XBRL the quick look missed (a long prolog, UTF-16)
        found: dict[str, list[etree._Element]] = {tag: [] for tag in _INLINE_TAGS}
        for el in root.iter(*_INLINE_TAGS):
            found[el.tag].append(el)
        return _inline(found, name)
    if root.tag == f"{{{XBRLI}}}xbrl":
        return _instance(root, name)
    raise IngestError(f"{name}: root element {_cut(str(root.tag))} is neither XHTML (inline XBRL) nor xbrli:xbrl")


def _collect(data: bytes, name: str) -> dict[str, list[etree._Element]]:
    """The elements that matter, collected while parsing: the parse is then the only walk of the tree."""
    found: dict[str, list[etree._Element]] = {tag: [] for tag in _INLINE_TAGS}
    events = etree.iterparse(
        io.BytesIO(data), events=("end",), tag=list(found), resolve_entities=False, no_network=True,
        load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
    )  # fmt: skip
    for _, el in events:
        found[el.tag].append(el)
    if events.root is None or events.root.tag != f"{{{XHTML}}}html":
        tag = events.root.tag if events.root is not None else "none"
        raise IngestError(f"{name}: root element {_cut(str(tag))} is neither XHTML (inline XBRL) nor xbrli:xbrl")
    return found


def _not_xml(data: bytes, name: str, exc: etree.XMLSyntaxError) -> IngestError:
    if not data.startswith(_UTF16_OR_32) and IX.encode() not in data and XBRLI.encode() not in data:
        # An HTML page, a PDF, a text file: what matters is that it is no filing, not where it is bad XML.
        return IngestError(f"{name}: not XBRL (not XML, and no inline XBRL or XBRL instance namespace in it)")
    if not exc.lineno:
        # iterparse loses the position of some errors ("no element found (line 0)"): a full parse
        # of a document already known to be bad says where it is.
        try:
            etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as full:
            exc = full
    msg = " ".join(str(exc.msg).split(" (<string>")[0].split())  # libxml2 ends some messages in a newline
    line = f":{exc.lineno}" if exc.lineno else ""
    return IngestError(f"{name}{line}: not well-formed XML ({msg})")


def _contexts(elements: list[etree._Element], name: str) -> tuple[dict[str, Context], dict[str, str]]:
    """Readable contexts by id, and why each unreadable one is not (its facts are left out)."""
    contexts: dict[str, Context] = {}
    unreadable: dict[str, str] = {}
    for ctx in elements:
        cid = ctx.get("id", "")
        try:
            contexts[cid] = _context(ctx, f"line {ctx.sourceline}")
        except IngestError as exc:
            unreadable[cid] = str(exc)
    return contexts, unreadable


def _context(ctx: etree._Element, where: str) -> Context:
    start = ctx.findtext(f".//{{{XBRLI}}}startDate")
    end = ctx.findtext(f".//{{{XBRLI}}}endDate") or ctx.findtext(f".//{{{XBRLI}}}instant")
    if end is None:
        raise IngestError(f"{where}: has no period")
    try:
        first = date.fromisoformat(start.strip()) if start else None
        last = date.fromisoformat(end.strip())
    except ValueError:
        raise IngestError(f"{where}: period {shown(start or '')}..{shown(end)} is not ISO dates") from None
    for day in (first, last):
        if day is not None:
            check_date(day, where)
    if first is not None and first > last:
        raise IngestError(f"{where}: period starts {first} after it ends {last}")
    explicit = [(m.get("dimension", ""), (m.text or "").strip()) for m in ctx.iter(f"{{{XBRLDI}}}explicitMember")]
    typed = [(m.get("dimension", ""), "typed:" + " ".join("".join(m.itertext()).split()))
             for m in ctx.iter(f"{{{XBRLDI}}}typedMember")]  # fmt: skip
    return Context(first, last, tuple(sorted(explicit + typed)), bool(typed))


def _units(elements: list[etree._Element]) -> dict[str, str]:
    units: dict[str, str] = {}
    for unit in elements:
        measures = [(m.text or "").strip().split(":")[-1] for m in unit.iter(f"{{{XBRLI}}}measure")]
        divide = unit.find(f"{{{XBRLI}}}divide")
        units[unit.get("id", "")] = "/".join(measures) if divide is not None else "*".join(measures)
    return units


def _integer(text: str, what: str, low: int, high: int, where: str) -> int:
    """An xs:integer attribute (ASCII digits: int() would take Arabic-Indic ones too), in range."""
    if not _INTEGER.fullmatch(text):
        raise IngestError(f"{where}: {what} {shown(text)} is not an integer")
    value = int(text)
    if not low <= value <= high:
        raise IngestError(f"{where}: {what} {value} is out of range ({low} to {high})")
    return value


def _decimals(text: str | None, where: str) -> int | None:
    if text is None or text.strip().upper() == "INF":
        return None
    return _integer(text, "decimals", MIN_DECIMALS, MAX_DECIMALS, where)


_NUM_WORDS = ("numwordsen", "num-word-en", "numwords")
_ZERO_FORMATS = ("fixed-zero", "zerodash", "fixedzero")
_COMMA_DECIMAL = ("num-comma-decimal", "numcommadecimal", "numdotcomma")
_DOT_DECIMAL = ("", "num-dot-decimal", "numdotdecimal", "numcommadot", "numspacedot", "num-unit-decimal")
_DASHES = ("-", "—", "–")
_SEPARATORS = re.compile(r"[\s\u00a0\u202f,]")
_COMMA_DECIMAL_SEPARATORS = re.compile(r"[\s\u00a0\u202f.]")


def transform(text: str, fmt: str, where: str) -> Decimal:
    """The value of a displayed number under an ixt / ixt-sec transformation format."""
    local = fmt.split(":")[-1].lower() if fmt else ""
    raw = text.strip()
    if local in _ZERO_FORMATS or (local.startswith("num") and raw in _DASHES):
        return Decimal(0)
    if local in _NUM_WORDS:
        try:
            return Decimal(read_words(raw))
        except NotANumber as exc:
            raise IngestError(f"{where}: {shown(raw)} is not a number in words ({exc})") from None
    if local not in _COMMA_DECIMAL and local not in _DOT_DECIMAL:
        raise IngestError(f"{where}: transformation format {shown(fmt)} is not supported")
    if len(raw) > MAX_NUMBER_CHARS:
        raise IngestError(f"{where}: {shown(raw)} is not a number under {fmt or 'no format'}")
    if local in _COMMA_DECIMAL:
        cleaned = _COMMA_DECIMAL_SEPARATORS.sub("", raw).replace(",", ".")
    else:
        cleaned = _SEPARATORS.sub("", raw)
    # Only ASCII digits and one point: Decimal() would also take "1_000", "Infinity", "1e5" and
    # other scripts' digits, none of which a displayed figure is.
    if not _PLAIN_NUMBER.fullmatch(cleaned):
        raise IngestError(f"{where}: {shown(raw)} is not a number under {fmt or 'no format'}")
    return Decimal(cleaned)


def _inline(found: dict[str, list[etree._Element]], name: str) -> XbrlDocument:
    doc = XbrlDocument(name, inline=True)
    contexts, unreadable = _contexts(found[_CONTEXT], name)
    units = _units(found[_UNIT])
    for el in found[_NON_NUMERIC]:
        concept = el.get("name", "")
        if concept.startswith("dei:"):
            doc.dei.setdefault(concept[4:], " ".join("".join(el.itertext()).split()))
    for el in found[_NON_FRACTION]:
        if el.get(XSI_NIL) == "true":
            continue
        concept = el.get("name", "")
        where = f"{name}:{el.sourceline}: fact {el.get('id') or '?'} ({_cut(concept)})"
        try:
            context = _context_of(el, contexts, unreadable, where)
            unit = _unit_of(el, units, where)
            value = transform("".join(el.itertext()), el.get("format", ""), where)
            scale = el.get("scale")
            if scale:
                value = value.scaleb(_integer(scale, "scale", -MAX_SCALE, MAX_SCALE, where))
            if el.get("sign") == "-":
                value = -value
            decimals = _decimals(el.get("decimals"), where)
            fact = XbrlFact(concept, check_value(value, where), decimals, unit, context, el.get("id", ""))
        except IngestError as exc:
            doc.warn(str(exc))
            continue
        doc.facts.append(fact)
    _merge_duplicates(doc)
    plain = {cid for cid, ctx in contexts.items() if ctx.start is not None and not ctx.dims}
    dims = {cid: ctx.dims for cid, ctx in contexts.items()}
    periods = {cid: (ctx.start, ctx.end) for cid, ctx in contexts.items() if ctx.start is not None}
    doc.statements = read_statements(found[_NON_FRACTION], plain, dims, periods)
    return doc


def _context_of(el: etree._Element, contexts: dict[str, Context], unreadable: dict[str, str], where: str) -> Context:
    ref = el.get("contextRef", "")
    context = contexts.get(ref)
    if context is None:
        if ref in unreadable:
            raise IngestError(f"{where}: context {shown(ref)} cannot be read ({unreadable[ref]})")
        raise IngestError(f"{where}: context {shown(ref)} is not defined")
    return context


def _unit_of(el: etree._Element, units: dict[str, str], where: str) -> str:
    unit = units.get(el.get("unitRef", ""))
    if unit is None:
        raise IngestError(f"{where}: unit {shown(el.get('unitRef', ''))} is not defined")
    return unit


def _instance(root: etree._Element, name: str) -> XbrlDocument:
    doc = XbrlDocument(name, inline=False)
    children = [el for el in root if isinstance(el.tag, str)]  # contexts, units and facts are all top level
    contexts, unreadable = _contexts([el for el in children if el.tag == _CONTEXT], name)
    units = _units([el for el in children if el.tag == _UNIT])
    for el in children:
        attrib = el.attrib
        if attrib.get("contextRef") is None:
            continue
        local = el.tag.rpartition("}")[2]
        prefix = el.prefix or ""
        concept = f"{prefix}:{local}" if prefix else local
        if prefix == "dei":
            doc.dei.setdefault(local, " ".join((el.text or "").split()))
            continue
        if attrib.get("unitRef") is None or attrib.get(XSI_NIL) == "true":
            continue
        where = f"{name}:{el.sourceline}: fact {_cut(attrib.get('id') or '?', 60)} ({_cut(concept)})"
        try:
            context = _context_of(el, contexts, unreadable, where)
            unit = _unit_of(el, units, where)
            text = (el.text or "").strip()
            # Instances hold xs:decimal lexical values: an optional sign and plain digits.
            sign, digits = (text[0], text[1:]) if text[:1] in ("-", "+") else ("", text)
            if len(text) > MAX_NUMBER_CHARS or not _PLAIN_NUMBER.fullmatch(digits):
                raise IngestError(f"{where}: {shown(text)} is not a number")
            value = check_value(Decimal(sign + digits), where)
            fact = XbrlFact(
                concept, value, _decimals(attrib.get("decimals"), where), unit, context, attrib.get("id", "")
            )
        except IngestError as exc:
            doc.warn(str(exc))
            continue
        doc.facts.append(fact)
    _merge_duplicates(doc)
    return doc


def _cut(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


# Wide enough to round any value in range to any decimals in range exactly (22 + 32 digits).
_WIDE = DecimalContext(prec=80)


def _merge_duplicates(doc: XbrlDocument) -> None:
    """The same concept, context and unit tagged more than once (a statement and its note): keep the
    most precise when they agree to the coarser precision; drop and report them when they do not."""
    chosen: dict[tuple, XbrlFact] = {}
    tagged: dict[tuple, int] = {}
    conflicts: set[tuple] = set()
    for fact in doc.facts:
        key = (fact.concept, fact.context, fact.unit)
        tagged[key] = tagged.get(key, 0) + 1
        seen = chosen.get(key)
        if seen is None:
            chosen[key] = fact
            continue
        coarser = min((d for d in (seen.decimals, fact.decimals) if d is not None), default=None)
        with localcontext(_WIDE):
            agree = seen.value == fact.value if coarser is None else (
                round(seen.value, coarser) == round(fact.value, coarser)
            )  # fmt: skip
        if not agree:
            conflicts.add(key)
            doc.warn(
                f"{doc.name}: {_cut(fact.concept)} tagged twice with different values ({seen.value:f} in "
                f"{seen.fact_id or '?'}, {fact.value:f} in {fact.fact_id or '?'}); both left out",
                left_out=0,  # counted below, once per fact of the key
            )
        elif (fact.decimals is None) or (seen.decimals is not None and fact.decimals > seen.decimals):
            chosen[key] = fact
    doc.rejected += sum(tagged[key] for key in conflicts)
    doc.facts = [f for key, f in chosen.items() if key not in conflicts]
    doc.finish()
