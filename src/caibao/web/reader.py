"""The facts store as the server reads it: read-only, connected only while a request uses it, with
each filer's facts kept in memory until the store's file changes.

Holding no connection between requests is what lets `caibao ingest` write while the server runs
(DuckDB allows one writing process only when no other has the file open); the in-memory indexes
are dropped as soon as the file's size or time changes, so what an ingest wrote is seen at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from caibao.errors import NotFound
from caibao.facts.index import FactIndex
from caibao.facts.store import Store, store_version


class Reader:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()  # the cache is shared by the server's request threads
        self._version: tuple[int, int] | None = None
        self._tickers: tuple[str, ...] | None = None
        self._indexes: dict[str, FactIndex] = {}

    @contextmanager
    def store(self) -> Iterator[Store]:
        store = Store.reading(self.path)
        try:
            yield store
        finally:
            store.close()

    def _fresh(self) -> None:
        version = store_version(self.path)
        if version != self._version:
            self._version, self._tickers, self._indexes = version, None, {}

    def tickers(self) -> tuple[str, ...]:
        with self._lock:
            self._fresh()
            if self._tickers is None:
                with self.store() as store:
                    self._tickers = tuple(store.tickers())
            return self._tickers

    def known(self) -> tuple[str, ...]:
        """The tickers as last read, without touching the store: for answers that must not wait."""
        return self._tickers or ()

    def index(self, ticker: str) -> FactIndex:
        ticker = ticker.upper()
        held = self.tickers()
        if ticker not in held:
            raise NotFound(f"no facts for {ticker}; companies in the store: {', '.join(held)}")
        with self._lock:
            self._fresh()
            if ticker not in self._indexes:
                with self.store() as store:
                    self._indexes[ticker] = store.index(ticker)
            return self._indexes[ticker]
