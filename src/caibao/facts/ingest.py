"""`caibao ingest`: files, folders and .zip archives of filings and facts files.

Every input is read and checked before anything is written; each document then goes into the
store in a transaction of its own. Archives are opened with limits on member count, sizes and
compression ratio, so a zip bomb is refused rather than inflated.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from caibao.errors import IngestError
from caibao.facts.companyfacts import parse_companyfacts
from caibao.facts.csv_source import decode, parse_csv_facts
from caibao.facts.linkbase import income_statement, read_linkbases
from caibao.facts.model import Fact
from caibao.facts.statement_source import Statement, place_statements
from caibao.facts.store import IngestReport, Store
from caibao.facts.xbrl import MAX_BYTES, XbrlDocument, parse_xbrl
from caibao.facts.xbrl_source import convert

FILING_SUFFIXES = (".htm", ".html", ".xhtml", ".xml")
SUFFIXES = (*FILING_SUFFIXES, ".csv", ".json")
LINKBASES = ("_cal.xml", "_lab.xml", "_pre.xml", "_def.xml", ".xsd")
STATEMENT_LINKBASES = ("_cal.xml", "_lab.xml")  # read beside an instance, for its face statements
ZIP_MEMBERS = 2_000
ZIP_TOTAL = 1024 * 1024 * 1024
ZIP_RATIO = 100
# An amendment known by its dei:AmendmentFlag alone is placed this long after the latest period it
# reports: past the last day an original report of that period can be filed (a 10-K's 90 days and
# the 15 a late-filing notice adds), so it comes after the original however that one is dated.
AMENDMENT_MARGIN = timedelta(days=105)
# EDGAR-style names carry the filing date after the form: "tsla-10-k-2025-01-30.htm". The compact
# date of "aapl-20230930_htm.xml" is the period's end, not a filing date, and is not read.
_NAMED_DATE = re.compile(r"(?:^|[-_.])(\d{4})-(\d{2})-(\d{2})$", re.ASCII)


@dataclass
class Prepared:
    document: str
    sha256: str
    kind: str
    facts: list[Fact]
    strict: bool
    company: dict[str, str]
    notes: tuple[str, ...] = ()
    rejected: int = 0
    skipped: int = 0
    filed: date | None = None  # None: the store dates it by the latest period it reports
    statements: tuple[Statement, ...] = ()  # face statements as the filer presents them


@dataclass(frozen=True)
class Input:
    """A document to ingest, with the linkbases filed beside it (an XBRL instance's `*_cal.xml`,
    `*_lab.xml`: its face statements are rebuilt from them, facts/linkbase.py)."""

    name: str
    data: bytes
    linkbases: dict[str, bytes] = field(default_factory=dict)


def inputs(paths: list[Path]) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every readable document under `paths`, in a stable order."""
    for document in documents(paths):
        yield document.name, document.data


def documents(paths: list[Path]) -> Iterator[Input]:
    """Every readable document under `paths`, in a stable order, each with its linkbases."""
    for path in paths:
        if path.is_dir():
            try:
                found = sorted(p for p in path.rglob("*") if p.is_file() and _wanted(p.name))
            except OSError as exc:
                raise IngestError(f"{exc.filename or path}: cannot list ({exc.strerror or exc})") from None
            yield from documents(found)
        elif not path.exists():
            raise IngestError(f"{path}: no such file or folder")
        elif path.suffix.lower() == ".zip":
            yield from _zip_members(path)
        elif _wanted(path.name):
            linkbases = {}
            for beside in _linkbase_names(path.name):
                if (path.parent / beside).is_file():
                    linkbases[beside] = _read(path.parent / beside)
            yield Input(path.name, _read(path), linkbases)
        else:
            raise IngestError(f"{path}: not a filing (.htm, .xml), facts file (.csv, .json) or .zip")


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise IngestError(f"{path}: {size} bytes is over the {MAX_BYTES}-byte limit")
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _linkbase_names(name: str) -> list[str]:
    """The calculation and label linkbases an XBRL instance is filed with: "amzn-20221231_htm.xml" ->
    "amzn-20221231_cal.xml", "amzn-20221231_lab.xml" (EDGAR's naming). None for other documents."""
    lower = name.lower()
    if not lower.endswith(".xml") or lower.endswith(LINKBASES):
        return []
    base = name[: -len("_htm.xml")] if lower.endswith("_htm.xml") else name[: -len(".xml")]
    return [base + suffix for suffix in STATEMENT_LINKBASES]


def _wanted_in_zip(name: str) -> bool:
    return _wanted(name) or name.lower().endswith(STATEMENT_LINKBASES)


def _wanted(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(SUFFIXES) and not lower.endswith(LINKBASES)


def _zip_members(path: Path) -> Iterator[Input]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise IngestError(f"{path}: not a zip archive") from None
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and _wanted_in_zip(Path(m.filename).name)]
        if len(archive.infolist()) > ZIP_MEMBERS:
            raise IngestError(f"{path}: more than {ZIP_MEMBERS} members; refused")
        if sum(m.file_size for m in members) > ZIP_TOTAL:
            raise IngestError(f"{path}: would inflate past {ZIP_TOTAL} bytes; refused (zip bomb?)")
        inflated = 0
        read: dict[str, bytes] = {}
        for member in sorted(members, key=lambda m: m.filename):
            where = f"{path}:{member.filename}"
            if member.file_size > MAX_BYTES:
                raise IngestError(f"{where}: {member.file_size} bytes is over the {MAX_BYTES}-byte limit")
            if member.file_size > ZIP_RATIO * max(member.compress_size, 1):
                raise IngestError(f"{where}: inflates {member.file_size} bytes from {member.compress_size}; refused")
            if member.flag_bits & 0x1:
                raise IngestError(f"{where}: encrypted; refused")
            data = _read_member(archive, member, where)
            # The header can lie: the sizes read are bounded too, one by one and together.
            inflated += len(data)
            if len(data) > MAX_BYTES or len(data) > ZIP_RATIO * max(member.compress_size, 1) or inflated > ZIP_TOTAL:
                raise IngestError(f"{where}: inflates past its stated size; refused (zip bomb?)")
            read[member.filename] = data
        for member_name, data in read.items():
            name = Path(member_name).name
            if not _wanted(name):
                continue  # a linkbase: read for the instance beside it
            folder = member_name[: len(member_name) - len(name)]
            linkbases = {b: read[folder + b] for b in _linkbase_names(name) if folder + b in read}
            yield Input(name, data, linkbases)


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, where: str) -> bytes:
    try:
        with archive.open(member) as stream:
            return stream.read(MAX_BYTES + 1)  # never past the limit, whatever the header says
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        # A bad CRC (a header that lied about the size, or a damaged archive), a broken stream.
        raise IngestError(f"{where}: cannot be read from the archive ({exc})") from None
    except NotImplementedError:  # a compression method zipfile does not know
        raise IngestError(f"{where}: compression method {member.compress_type} is not supported; refused") from None
    except OSError as exc:
        raise IngestError(f"{where}: cannot be read from the archive ({exc.strerror or exc})") from None


def prepare(
    name: str, data: bytes, ticker: str | None, filed: date | None = None, linkbases: dict[str, bytes] | None = None
) -> Prepared:
    """Read and check one document. `filed`: its filing date where the caller knows it (SEC's
    submissions index, for `caibao fetch`); otherwise a filing's name or its periods tell."""
    sha = hashlib.sha256(data).hexdigest()
    lower = name.lower()
    if lower.endswith(".csv"):
        guess = ticker or (name[: -len("-facts.csv")].upper() if lower.endswith("-facts.csv") else None)
        facts = parse_csv_facts(decode(data, name), name=name, ticker=guess)
        return Prepared(name, sha, "csv", facts, True, {}, filed=filed)
    notes: tuple[str, ...] = ()
    rejected = 0
    statements: list[Statement] = []
    if lower.endswith(".json"):
        converted = parse_companyfacts(data, name, ticker)
        kind = "companyfacts"
    else:
        document = parse_xbrl(data, name)
        converted = convert(document, ticker)
        kind = "inline xbrl" if document.inline else "xbrl instance"
        notes = tuple(document.warnings)  # unreadable facts and inconsistent duplicates, left out
        rejected = document.rejected
        filed = filing_date(name, filed, converted.facts, _amends(document.dei))
        if linkbases and not document.inline:
            # An instance shows no statement: rebuilt from its calculation and label linkbases.
            document.statements = income_statement(read_linkbases(linkbases), _plain_periods(document))
        statements, lines = place_statements(document, converted)
        # Statement lines no standard metric covers are kept as the filer's own concepts.
        converted.facts += lines
        converted.skipped = max(converted.skipped - len(lines), 0)
    company = {"ticker": converted.ticker, "name": converted.name, "fiscal_year_end": converted.year_end}
    return Prepared(
        name, sha, kind, converted.facts, False, company, notes, rejected, converted.skipped, filed,
        statements=tuple(statements),
    )  # fmt: skip


def _plain_periods(document: XbrlDocument) -> dict[str, tuple[tuple[date, date], ...]]:
    found: dict[str, dict[tuple[date, date], None]] = {}
    for xf in document.facts:
        if xf.context.start is not None and not xf.context.dims:
            found.setdefault(xf.concept, {})[(xf.context.start, xf.context.end)] = None
    return {concept: tuple(periods) for concept, periods in found.items()}


def filing_date(name: str, explicit: date | None, facts: list[Fact], amendment: bool = False) -> date | None:
    """When a filing was filed, for precedence: the date the caller knows, else the one in an
    EDGAR-style name, else the latest period end it reports (an amendment: AMENDMENT_MARGIN after).
    A named date before that period's end cannot be a filing date and is not used."""
    if explicit:
        return explicit
    latest = max((f.period.end for f in facts), default=None)
    named = named_date(name)
    if named and (latest is None or named >= latest):
        return named
    if latest is None:
        return None
    return latest + AMENDMENT_MARGIN if amendment else latest


def named_date(name: str) -> date | None:
    """ "tsla-10-k-2025-01-30.htm" -> 2025-01-30; None where the name has no such date."""
    match = _NAMED_DATE.search(name.rsplit(".", 1)[0])
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:  # "2025-02-30": not a date
        return None


def _amends(dei: dict[str, str]) -> bool:
    """dei:AmendmentFlag true (any case), or a form type such as "10-K/A"."""
    return dei.get("AmendmentFlag", "").strip().lower() == "true" or dei.get("DocumentType", "").strip().endswith("/A")


def write(store: Store, prepared: Prepared) -> IngestReport:
    if not prepared.facts:
        # IBM's 10-K incorporates its statements by reference: a valid filing with nothing to map.
        prepared.notes += (f"{prepared.document}: no standard facts in it (statements incorporated by reference?)",)
    return store.ingest(
        prepared.facts, prepared.document, prepared.sha256, prepared.kind, strict=prepared.strict,
        company=prepared.company, notes=prepared.notes, rejected=prepared.rejected, skipped=prepared.skipped,
        filed=prepared.filed, statements=prepared.statements,
    )  # fmt: skip


def ingest_file(store: Store, path: Path, ticker: str | None = None) -> IngestReport:
    """Read, check and write one file (the whole of what `caibao ingest FILE` does for it)."""
    [document] = list(documents([path]))
    return write(store, prepare(document.name, document.data, ticker, linkbases=document.linkbases))
