"""The DuckDB facts store.

Ingest is one transaction: a batch is validated (row by row, then against the accounting
identities together with what the store already holds) before anything is written, so a bad
source leaves the store exactly as it was. Re-ingesting a document with the same content is a
no-op; a changed document replaces its earlier version.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import platformdirs

from caibao.analysis.identities import Broken, check
from caibao.errors import CaibaoError, IngestError, StoreBusy
from caibao.facts.bundled import datasets
from caibao.facts.catalogue import catalogue
from caibao.facts.csv_source import decode, parse_csv_facts
from caibao.facts.derive import derive, derived_document
from caibao.facts.index import FactIndex
from caibao.facts.model import Fact, Period, Source
from caibao.facts.periods import FiscalLabel, parse_label
from caibao.facts.statement_source import PlacedLine, Statement
from caibao.facts.statements import StatementLine

SCHEMA = """
CREATE TABLE IF NOT EXISTS companies (
    ticker VARCHAR PRIMARY KEY, cik VARCHAR, name VARCHAR, fiscal_year_end VARCHAR
);
CREATE TABLE IF NOT EXISTS sources (
    document VARCHAR PRIMARY KEY, sha256 VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    ingested_at TIMESTAMP NOT NULL DEFAULT current_timestamp, facts INTEGER NOT NULL, seq INTEGER NOT NULL,
    as_of DATE, filed DATE
);
-- Stores made before a column existed gain it here (DuckDB keeps existing rows, as_of NULL).
ALTER TABLE sources ADD COLUMN IF NOT EXISTS as_of DATE;
-- `filed` orders the documents (Store.facts); rows from before it keep their old order, by as_of.
ALTER TABLE sources ADD COLUMN IF NOT EXISTS filed DATE;
UPDATE sources SET filed = as_of WHERE filed IS NULL AND as_of IS NOT NULL;
CREATE TABLE IF NOT EXISTS facts (
    id VARCHAR PRIMARY KEY, ticker VARCHAR NOT NULL, cik VARCHAR, metric VARCHAR NOT NULL,
    axis VARCHAR NOT NULL, member VARCHAR NOT NULL,
    period_start DATE NOT NULL, period_end DATE NOT NULL, label VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL, fiscal_quarter INTEGER,
    value DECIMAL(38, 6) NOT NULL, decimals INTEGER NOT NULL, unit VARCHAR NOT NULL,
    derived BOOLEAN NOT NULL, inputs VARCHAR[] NOT NULL,
    document VARCHAR NOT NULL, locator VARCHAR NOT NULL, url VARCHAR NOT NULL, note VARCHAR NOT NULL
);
-- A member's role in its breakdown ("reconciling": corporate items, eliminations); '' for the rest.
ALTER TABLE facts ADD COLUMN IF NOT EXISTS role VARCHAR DEFAULT '';
-- A filing's face statements as it presents them (facts/statements.py): one row per line, naming the
-- fact series (metric, member) its cells come from; `labels` are the periods its columns show.
CREATE TABLE IF NOT EXISTS statements (
    document VARCHAR NOT NULL, ticker VARCHAR NOT NULL, name VARCHAR NOT NULL, labels VARCHAR[] NOT NULL,
    PRIMARY KEY (document, name)
);
CREATE TABLE IF NOT EXISTS statement_lines (
    document VARCHAR NOT NULL, name VARCHAR NOT NULL, seq INTEGER NOT NULL, label VARCHAR NOT NULL,
    depth INTEGER NOT NULL, role VARCHAR NOT NULL, concept VARCHAR NOT NULL, dims VARCHAR NOT NULL,
    negated BOOLEAN NOT NULL, metric VARCHAR NOT NULL, member VARCHAR NOT NULL, unit VARCHAR NOT NULL,
    PRIMARY KEY (document, name, seq)
);
"""

COLUMNS = (
    "id, ticker, cik, metric, axis, member, period_start, period_end, label, fiscal_year, fiscal_quarter, "
    "value, decimals, unit, derived, inputs, document, locator, url, note, role"
)


def default_db_path() -> Path:
    return platformdirs.user_data_path("caibao") / "caibao.duckdb"


def resolve_db_path(explicit: str | os.PathLike | None = None) -> Path:
    """--db beats CAIBAO_DB beats the user data directory."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("CAIBAO_DB")
    return Path(env) if env else default_db_path()


@dataclass(frozen=True)
class IngestReport:
    document: str
    added: int
    derived: int
    replaced: int
    unchanged: bool = False
    rejected: int = 0  # filed facts left out: unreadable ones, and inconsistent duplicates
    skipped: int = 0  # filed facts that map to no standard metric
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.unchanged:
            return f"{self.document}: already in the store with the same content; nothing changed"
        replaced = f", replacing {self.replaced} from an earlier version" if self.replaced else ""
        extra = f", {self.rejected} rejected" if self.rejected else ""
        extra += f", {self.skipped} not standard metrics" if self.skipped else ""
        return f"{self.document}: {self.added} facts added, {self.derived} derived{extra}{replaced}"


class Store:
    """The facts store. `read_only` opens it the way several processes can share it at once (a
    running `caibao serve` and any number of reading commands); DuckDB lets one process write only
    while no other has the file open, so reading commands never take the write lock they do not need.
    """

    def __init__(self, path: Path, seed: bool = True, read_only: bool = False):
        self.path = path
        self.read_only = read_only
        if read_only and not self._current(path, seed):
            # First use (no file, an older schema, or a new bundled release): set it up once, writing.
            Store(path, seed=seed).close()
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.con = _connect(path, read_only)
        if not read_only:
            self.con.execute(SCHEMA)
            if seed:
                self.seed_bundled()

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, seed: bool = True, read_only: bool = False) -> Store:
        return cls(resolve_db_path(path), seed=seed, read_only=read_only)

    @classmethod
    def reading(cls, path: Path) -> Store:
        """A read-only connection to a store already set up by `Store.open`, without the checks
        `open` makes first (a server connects per request and has made them once at start)."""
        store = cls.__new__(cls)
        store.path, store.read_only, store.con = path, True, _connect(path, read_only=True)
        return store

    @staticmethod
    def _current(path: Path, seed: bool) -> bool:
        """Whether the store at `path` exists with today's schema and, if `seed`, today's bundled data."""
        if not path.is_file():
            return False
        con = _connect(path, read_only=True)
        try:
            columns = {r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'sources'"
            ).fetchall()}  # fmt: skip
            if not {"as_of", "filed"} <= columns:
                return False
            fact_columns = {r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'facts'"
            ).fetchall()}  # fmt: skip
            if "role" not in fact_columns:
                return False  # a store from before member roles: opened for writing once to gain the column
            if not seed:
                return True
            known = dict(con.execute("SELECT document, sha256 FROM sources").fetchall())
            return all(known.get(d.file) == _sha256(d.data()) for d in datasets())
        finally:
            con.close()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def seed_bundled(self) -> None:
        """Load each bundled dataset once, and again only if a new release changed it."""
        for dataset in datasets():
            data = dataset.data()
            sha = _sha256(data)
            known = self.con.execute("SELECT sha256 FROM sources WHERE document = ?", [dataset.file]).fetchone()
            if known and known[0] == sha:
                continue
            text = decode(data, dataset.file)
            facts = parse_csv_facts(text, name=dataset.file, ticker=dataset.ticker, cik=dataset.cik)
            self.ingest(facts, dataset.file, sha, kind="bundled csv")
            self.con.execute(
                "INSERT OR REPLACE INTO companies VALUES (?, ?, ?, ?)",
                [dataset.ticker, dataset.cik, dataset.name, dataset.fiscal_year_end],
            )

    def ingest(
        self,
        facts: list[Fact],
        document: str,
        sha256: str,
        kind: str,
        strict: bool = True,
        company: dict[str, str] | None = None,
        notes: tuple[str, ...] = (),
        rejected: int = 0,
        skipped: int = 0,
        filed: date | None = None,
        statements: Sequence[Statement] = (),
    ) -> IngestReport:
        """Write one source's facts in one transaction, then re-derive the quarters its filer lacks.

        `strict` (curated files): a broken identity rejects the batch. Filings are the record
        itself, so for them a broken identity is reported as a warning instead.
        `filed`: when the document was filed (facts/ingest.py works it out); where two documents
        disagree on a figure, the one filed later is believed. Without it, the latest period end.
        """
        same = self.con.execute(
            "SELECT document FROM sources WHERE sha256 = ? ORDER BY seq LIMIT 1", [sha256]
        ).fetchone()
        if same:
            return IngestReport(same[0], 0, 0, 0, unchanged=True)
        tickers = sorted({f.ticker for f in facts})
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            replaced = con.execute("DELETE FROM facts WHERE document = ?", [document]).fetchone()
            con.execute("DELETE FROM sources WHERE document = ?", [document])
            _insert(con, facts)
            _put_statements(con, document, statements)
            # Where two documents disagree on a figure the later filed is believed: a 10-Q's prior-year
            # column over the 10-K before it, a 10-K/A over the 10-Q filed before it. A document with
            # no filing date (curated data) speaks as of the latest period it reports.
            as_of = max((f.period.end for f in facts), default=None)
            self._add_source(document, sha256, kind, len(facts), as_of, filed or as_of)
            for ticker, cik in sorted({(f.ticker, f.cik) for f in facts}):
                info = company if company and company.get("ticker") == ticker else {}
                con.execute(
                    "INSERT INTO companies (ticker, cik, name, fiscal_year_end) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (ticker) DO UPDATE SET cik = coalesce(nullif(excluded.cik, ''), companies.cik), "
                    "name = coalesce(nullif(excluded.name, ''), companies.name), "
                    "fiscal_year_end = coalesce(nullif(excluded.fiscal_year_end, ''), companies.fiscal_year_end)",
                    [ticker, cik, info.get("name", ""), info.get("fiscal_year_end", "")],
                )
            # Judged on what the store now holds, in the order it will be read: the same facts win
            # here as in every brief and check.
            new_ids = {f.id for f in facts}
            touched = {f.period.label for f in facts}
            broken: list[Broken] = []
            disagreements: list[str] = []
            derived = 0
            for ticker in tickers:
                before = self._drop_derived(ticker)
                now = self.facts(ticker)
                index = FactIndex(now)
                broken += [b for b in check(index, only=touched) if any(f.id in new_ids for f in b.facts)]
                disagreements += _disagreements(now, new_ids)
                derived += self._add_derived(ticker, derive(index, ticker)) - before
            if broken and strict:
                others = list(dict.fromkeys(f"'{b.name}'" for b in broken[1:]))
                more = f" (also broken: {', '.join(others)})" if others else ""
                raise IngestError(broken[0].message() + more)
            if disagreements and strict:
                # A curated file restating a figure another source gives differently is a mistake
                # until shown otherwise.
                raise IngestError(f"{document}: {disagreements[0]}")
            con.execute("COMMIT")
        except duckdb.Error as exc:
            # The readers keep every value, precision, date and string within what the store holds
            # (facts/bounds.py); should one slip through, it is still one line naming the document.
            con.execute("ROLLBACK")
            raise IngestError(f"{document}: the store refused it ({str(exc).splitlines()[0]})") from None
        except BaseException:
            con.execute("ROLLBACK")
            raise
        count = replaced[0] if replaced else 0
        warnings = tuple(notes) + _summarise(broken) + _capped(disagreements)
        return IngestReport(document, len(facts), derived, count, False, rejected, skipped, warnings)

    def _add_source(
        self, document: str, sha256: str, kind: str, count: int, as_of: date | None = None, filed: date | None = None
    ) -> None:
        self.con.execute(
            "INSERT INTO sources (document, sha256, kind, facts, seq, as_of, filed) "
            "SELECT ?, ?, ?, ?, coalesce(max(seq), 0) + 1, ?, ? FROM sources",
            [document, sha256, kind, count, as_of, filed],
        )

    def _drop_derived(self, ticker: str) -> int:
        """Remove `ticker`'s derived quarters (to be worked out again); returns how many there were."""
        document = derived_document(ticker)
        before = self.con.execute("SELECT count(*) FROM facts WHERE document = ?", [document]).fetchone()
        self.con.execute("DELETE FROM facts WHERE document = ?", [document])
        self.con.execute("DELETE FROM sources WHERE document = ?", [document])
        return before[0] if before else 0

    def _add_derived(self, ticker: str, derived: list[Fact]) -> int:
        if derived:
            document = derived_document(ticker)
            _insert(self.con, derived)
            digest = _sha256("".join(sorted(f"{f.id}={f.value}" for f in derived)).encode())
            self._add_source(document, f"{document}:{digest}", "derived", len(derived))
        return len(derived)

    # -- reading ---------------------------------------------------------------------------

    def tickers(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT DISTINCT ticker FROM facts ORDER BY ticker").fetchall()]

    def company_name(self, ticker: str) -> str:
        row = self.con.execute("SELECT name FROM companies WHERE ticker = ?", [ticker]).fetchone()
        return row[0] if row and row[0] else ticker

    def facts(
        self,
        ticker: str,
        metric: str | None = None,
        member: str | None = None,
        label: FiscalLabel | None = None,
    ) -> list[Fact]:
        """Reported facts before derived ones, the latest filed document first: the order FactIndex trusts."""
        where, params = ["f.ticker = ?"], [ticker.upper()]
        if metric:
            catalogue().metric(metric)
            where.append("f.metric = ?")
            params.append(metric)
        if member is not None:
            where.append("lower(f.member) = lower(?)")
            params.append(member)
        if label is not None:
            where.append("f.label = ?")
            params.append(str(label))
        rows = self.con.execute(
            f"SELECT {', '.join('f.' + c.strip() for c in COLUMNS.split(','))} FROM facts f "
            f"JOIN sources s USING (document) WHERE {' AND '.join(where)} "
            "ORDER BY f.derived, s.filed DESC NULLS LAST, s.seq DESC, f.metric, f.member, f.period_end, f.period_start",
            params,
        ).fetchall()
        return [_row_to_fact(r) for r in rows]

    def index(self, ticker: str) -> FactIndex:
        return FactIndex(self.facts(ticker))

    def fact(self, fact_id: str) -> Fact | None:
        rows = self.con.execute(f"SELECT {COLUMNS} FROM facts WHERE id = ?", [fact_id]).fetchall()
        return _row_to_fact(rows[0]) if rows else None

    def count(self) -> int:
        row = self.con.execute("SELECT count(*) FROM facts").fetchone()
        return row[0] if row else 0

    def statement(self, ticker: str, name: str, label: FiscalLabel) -> Statement | None:
        """The face statement `name` whose columns show `label`, from the latest document that has one
        (a fourth quarter is shown in the fiscal year's statement: 10-Ks present no quarter)."""
        wanted = [str(label)] + ([str(FiscalLabel(label.year))] if label.is_quarter and label.quarter == 4 else [])
        for want in wanted:
            row = self.con.execute(
                "SELECT st.document, st.labels FROM statements st JOIN sources s USING (document) "
                "WHERE st.ticker = ? AND st.name = ? AND list_contains(st.labels, ?) "
                "ORDER BY s.filed DESC NULLS LAST, s.seq DESC LIMIT 1",
                [ticker.upper(), name, want],
            ).fetchone()
            if row:
                return self._statement(row[0], ticker.upper(), name, row[1])
        return None

    def latest_statement(self, ticker: str, name: str) -> Statement | None:
        """The latest filed document's statement `name`, whatever periods it shows (for its labels)."""
        row = self.con.execute(
            "SELECT st.document, st.labels FROM statements st JOIN sources s USING (document) "
            "WHERE st.ticker = ? AND st.name = ? ORDER BY s.filed DESC NULLS LAST, s.seq DESC LIMIT 1",
            [ticker.upper(), name],
        ).fetchone()
        return self._statement(row[0], ticker.upper(), name, row[1]) if row else None

    def _statement(self, document: str, ticker: str, name: str, labels: list[str]) -> Statement:
        rows = self.con.execute(
            "SELECT seq, label, depth, role, concept, dims, negated, metric, member, unit FROM statement_lines "
            "WHERE document = ? AND name = ? ORDER BY seq",
            [document, name],
        ).fetchall()
        lines = tuple(
            PlacedLine(StatementLine(name, seq, text, depth, role, concept, _dims(dims), negated), metric, member, unit)
            for seq, text, depth, role, concept, dims, negated, metric, member, unit in rows
        )
        return Statement(document, ticker, name, tuple(parse_label(lab) for lab in labels), lines)


def _disagreements(facts: list[Fact], new_ids: set[str]) -> list[str]:
    """Where a new fact and one from another document give the same figure different values.
    `facts` come in the store's order, so the first of each figure is the one believed."""
    first: dict[tuple, Fact] = {}
    found = []
    for fact in facts:
        if fact.derived:
            continue
        key = (fact.metric, fact.member, fact.period.start, fact.period.end, fact.unit)
        kept = first.setdefault(key, fact)
        if kept is fact or kept.source.document == fact.source.document or not {kept.id, fact.id} & new_ids:
            continue
        if abs(kept.value - fact.value) > max(kept.tolerance, fact.tolerance):
            found.append(
                f"{fact.metric}{f' [{fact.member}]' if fact.member else ''} {fact.label}: "
                f"{_where(kept)} gives {kept.value:f}, {_where(fact)} gave {fact.value:f}; "
                f"the later document ({kept.source.document}) is used"
            )
    return found


def _where(fact: Fact) -> str:
    line = fact.source.locator.removeprefix("line ")
    return f"{fact.source.document}:{line}" if line.isdigit() else fact.source.document


def _capped(lines: list[str], shown: int = 10) -> tuple[str, ...]:
    if len(lines) <= shown:
        return tuple(lines)
    return (*lines[:shown], f"... and {len(lines) - shown} more figures that disagree")


def _summarise(broken: list[Broken]) -> tuple[str, ...]:
    """One warning per broken identity, with its first instance in full and how often it recurs."""
    by_name: dict[str, list[Broken]] = {}
    for b in broken:
        by_name.setdefault(b.name, []).append(b)
    lines = []
    for found in by_name.values():
        more = f" (and in {len(found) - 1} more periods)" if len(found) > 1 else ""
        lines.append(found[0].message() + more)
    return tuple(lines)


def store_version(path: Path) -> tuple[int, int]:
    """The file's modification time and size, with its write-ahead log's: a reader holding facts in
    memory compares this before trusting them, so an ingest made meanwhile is seen."""
    stamp = 0, 0
    for file in (path, path.with_name(path.name + ".wal")):
        try:
            info = file.stat()
        except OSError:
            continue
        stamp = stamp[0] ^ info.st_mtime_ns, stamp[1] + info.st_size
    return stamp


LOCK_WAIT = 10.0  # seconds to wait for another process to let go of the store


def _connect(path: Path, read_only: bool, wait: float = LOCK_WAIT) -> duckdb.DuckDBPyConnection:
    """A connection, waiting up to `wait` seconds while another process holds the file the other
    way (a server reading it for a moment, an ingest writing it): they take turns, never fail."""
    deadline = time.monotonic() + wait
    pause = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.ConnectionException as exc:
            if read_only and "different configuration" in str(exc):
                # This process has the store open for writing already: read through that database.
                return duckdb.connect(str(path))
            raise CaibaoError(f"{path}: cannot open the facts store ({str(exc).splitlines()[0]})") from None
        except duckdb.IOException as exc:
            first = str(exc).splitlines()[0]
            if "lock" not in first.lower():
                raise CaibaoError(f"{path}: cannot open the facts store ({first})") from None
            if time.monotonic() + pause > deadline:
                raise StoreBusy(
                    f"{path}: the facts store is still in use by another process after {wait:g} s ({first})"
                ) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.25)
        except duckdb.Error as exc:
            raise CaibaoError(f"{path}: not a caibao facts store ({str(exc).splitlines()[0]})") from None


def _put_statements(con: duckdb.DuckDBPyConnection, document: str, statements: Sequence[Statement]) -> None:
    con.execute("DELETE FROM statement_lines WHERE document = ?", [document])
    con.execute("DELETE FROM statements WHERE document = ?", [document])
    for st in statements:
        con.execute(
            "INSERT INTO statements VALUES (?, ?, ?, ?)", [document, st.ticker, st.name, [str(x) for x in st.labels]]
        )
        rows = [[document, st.name, p.line.seq, p.line.label, p.line.depth, p.line.role, p.line.concept,
                 p.line.dims_key, p.line.negated, p.metric, p.member, p.unit] for p in st.lines]  # fmt: skip
        if rows:
            # One statement for the whole table: DuckDB's executemany is a round trip per row.
            values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(rows))
            con.execute(f"INSERT INTO statement_lines VALUES {values}", [v for row in rows for v in row])


def _dims(key: str) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(part.split("=", 1)) for part in key.split("|") if "=" in part)  # type: ignore[misc]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _insert(con: duckdb.DuckDBPyConnection, facts: Iterable[Fact]) -> None:
    # Column-wise UNNEST: one statement for the whole batch, ~50x faster than executemany.
    cat = catalogue()
    columns: list[list] = [[] for _ in range(21)]
    for f in facts:
        values = (
            f.id,
            f.ticker,
            f.cik,
            f.metric,
            cat.of_fact(f.metric, f.unit).axis,
            f.member,
            f.period.start,
            f.period.end,
            str(f.period.label),
            f.period.label.year,
            f.period.label.quarter,
            format(f.value, "f"),
            f.decimals,
            f.unit,
            f.derived,
            list(f.inputs),
            f.source.document,
            f.source.locator,
            f.source.url,
            f.source.note,
            f.role,
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    if not columns[0]:
        return
    selects = ", ".join("unnest(?::VARCHAR[])::DECIMAL(38, 6)" if i == 11 else "unnest(?)" for i in range(21))
    con.execute(f"INSERT INTO facts ({COLUMNS}) SELECT {selects}", columns)


def _row_to_fact(row: tuple) -> Fact:
    (
        _id,
        ticker,
        cik,
        metric,
        _axis,
        member,
        start,
        end,
        label,
        _year,
        _quarter,
        value,
        decimals,
        unit,
        derived,
        inputs,
        document,
        locator,
        url,
        note,
        role,
    ) = row
    assert isinstance(start, date) and isinstance(value, Decimal)
    return Fact(
        ticker=ticker,
        metric=metric,
        member=member,
        period=Period(start, end, parse_label(label)),
        value=_trim(value, decimals),
        decimals=decimals,
        unit=unit,
        source=Source(document, locator, url, note),
        cik=cik or "",
        derived=derived,
        inputs=tuple(inputs),
        role=role or "",
    )


def _trim(value: Decimal, decimals: int) -> Decimal:
    """Drop the padding zeros DECIMAL(38, 6) adds, keeping the digits the source stated."""
    return value.quantize(Decimal(1).scaleb(-max(decimals, 0))) if decimals < 6 else value
