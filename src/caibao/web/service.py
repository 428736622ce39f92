"""What the web pages and the API ask of the store, and where the checks they order run.

Facts are read through a read-only `Reader` (connected per request, so the CLI, ingest included,
keeps working while the server runs); checks run in a `CheckPool` of worker processes; kept
results live in a file of their own beside the store, written by this process alone.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import duckdb

from caibao.errors import CaibaoError
from caibao.facts.index import FactIndex
from caibao.facts.store import Store, resolve_db_path
from caibao.web.pool import Checked, CheckPool, Job
from caibao.web.reader import Reader

SCHEMA = """
CREATE TABLE IF NOT EXISTS checks (
    id VARCHAR PRIMARY KEY, created TIMESTAMP NOT NULL DEFAULT current_timestamp, document VARCHAR NOT NULL,
    ticker VARCHAR NOT NULL, marked VARCHAR NOT NULL, result VARCHAR NOT NULL
)
"""


def kept_path(db: Path) -> Path:
    """Where a server over `db` keeps check results: beside it, one file per store."""
    return db.with_name(f"{db.stem}.checks.duckdb")


class Kept:
    """Check results, by id: the one writer of its file (a second server over the same store is
    told so, not left to corrupt it)."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            raise CaibaoError(f"{path}: cannot keep check results ({str(exc).splitlines()[0]})") from None
        self.lock = threading.Lock()
        self.con.execute(SCHEMA)

    def put(self, key: str, document: str, checked: Checked) -> None:
        with self.lock:
            self.con.execute(
                "INSERT OR REPLACE INTO checks (id, document, ticker, marked, result) VALUES (?, ?, ?, ?, ?)",
                [key, document, checked.ticker, checked.marked, checked.result],
            )

    def get(self, key: str) -> tuple[str, dict] | None:
        with self.lock:
            row = self.con.execute("SELECT marked, result FROM checks WHERE id = ?", [key]).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def close(self) -> None:
        with self.lock:
            self.con.close()


class Service:
    def __init__(self, db: str | Path | None = None, workers: int | None = None, time_limit: float = 10.0) -> None:
        self.path = resolve_db_path(db)
        Store.open(self.path, read_only=True).close()  # created and seeded once, here, if it must be
        self.reader = Reader(self.path)
        self.kept = Kept(kept_path(self.path))
        self.pool = CheckPool(self.path, workers, time_limit)

    def close(self) -> None:
        self.pool.close()
        self.kept.close()

    def tickers(self) -> list[str]:
        return list(self.reader.tickers())

    def index(self, ticker: str) -> FactIndex:
        return self.reader.index(ticker)

    async def check(
        self, text: str, ticker: str | None, document: str, is_html: bool, lang: str | None = None
    ) -> tuple[str, Checked]:
        """Check an article in a worker and keep the result; returns (result id, result)."""
        checked = await self.pool.check(Job(text, ticker, document, is_html, lang))
        parts = (checked.ticker, document, lang or "", "html" if is_html else "text", text)
        key = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20]
        self.kept.put(key, document, checked)
        return key, checked

    def saved(self, key: str) -> tuple[str, dict] | None:
        """(marked article, result) of a kept check."""
        return self.kept.get(key)

    def facts(self, ticker: str, metric: str | None, segment: str | None, period: str | None):
        from caibao.facts.periods import parse_label

        label = parse_label(period) if period else None
        with self.reader.store() as store:
            return store.facts(ticker, metric=metric or None, member=segment or None, label=label)

    def brief(self, ticker: str, period: str, lang: str):
        from caibao.brief.build import build_brief

        with self.reader.store() as store:
            return build_brief(store, ticker, period, lang)

    def periods(self, ticker: str) -> list[str]:
        from caibao.brief.build import available_periods

        return [str(p) for p in available_periods(self.index(ticker)) if p.is_quarter or p.is_year]
