"""The store behind the web pages: one DuckDB connection, guarded, with each filer's facts read once.

DuckDB connections are not shared across threads, and FastAPI serves requests from a thread pool,
so every use of the store is serialised; checking an article needs only the in-memory index, so
the expensive part runs outside the lock.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

from caibao.claims import report as render
from caibao.claims.check import Report, check_source, detect_ticker
from caibao.errors import NotFound
from caibao.facts.index import FactIndex
from caibao.facts.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS checks (
    id VARCHAR PRIMARY KEY, created TIMESTAMP NOT NULL DEFAULT current_timestamp, document VARCHAR NOT NULL,
    ticker VARCHAR NOT NULL, marked VARCHAR NOT NULL, result VARCHAR NOT NULL
)
"""


class Service:
    def __init__(self, db: str | Path | None = None):
        self.store = Store.open(db)
        self.lock = threading.Lock()
        # Checks are pure Python: run side by side they only share one interpreter and all finish
        # late together; one at a time, the first asked is the first answered.
        self.checking = threading.Lock()
        self._indexes: dict[str, FactIndex] = {}
        with self.lock:
            self.store.con.execute(SCHEMA)

    def close(self) -> None:
        self.store.close()

    def tickers(self) -> list[str]:
        with self.lock:
            return self.store.tickers()

    def index(self, ticker: str) -> FactIndex:
        ticker = ticker.upper()
        if ticker not in self._indexes:
            with self.lock:
                held = self.store.tickers()
                if ticker not in held:
                    raise NotFound(f"no facts for {ticker}; companies in the store: {', '.join(held)}")
                self._indexes[ticker] = self.store.index(ticker)
        return self._indexes[ticker]

    def company(self, ticker: str) -> str:
        with self.lock:
            return self.store.company_name(ticker)

    def check(
        self, text: str, ticker: str | None, document: str, is_html: bool, lang: str | None = None
    ) -> tuple[str, Report]:
        """Check an article and keep the result; returns (result id, report)."""

        def detect(folded: str) -> str | None:
            with self.lock:
                return detect_ticker(self.store, folded)

        with self.checking:
            report = check_source(text, ticker, document, is_html, self.index, detect, lang)
        key = hashlib.sha256("\0".join((report.ticker, document, lang or "", text)).encode()).hexdigest()[:20]
        result = render.to_json(report, self.index(report.ticker))
        with self.lock:
            self.store.con.execute(
                "INSERT OR REPLACE INTO checks (id, document, ticker, marked, result) VALUES (?, ?, ?, ?, ?)",
                [key, document, report.ticker, render.marked_article(report), result],
            )
        return key, report

    def saved(self, key: str) -> tuple[str, dict] | None:
        """(marked article, result) of a kept check."""
        with self.lock:
            row = self.store.con.execute("SELECT marked, result FROM checks WHERE id = ?", [key]).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def facts(self, ticker: str, metric: str | None, segment: str | None, period: str | None):
        from caibao.facts.periods import parse_label

        label = parse_label(period) if period else None
        with self.lock:
            return self.store.facts(ticker, metric=metric or None, member=segment or None, label=label)

    def brief(self, ticker: str, period: str, lang: str):
        from caibao.brief.build import build_brief

        with self.lock:
            return build_brief(self.store, ticker, period, lang)

    def periods(self, ticker: str) -> list[str]:
        from caibao.brief.build import available_periods

        return [str(p) for p in available_periods(self.index(ticker)) if p.is_quarter or p.is_year]
