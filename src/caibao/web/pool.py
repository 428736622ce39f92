"""Checks in worker processes, off the server's event loop, each with a time limit.

A check is pure Python: run in the server's process it holds the interpreter, and one long article
would stall every other request. Each check therefore runs in a pebble worker process; one that
overruns its limit is killed and replaced (pebble does both), so no input can hold a worker, and
a bounded queue turns a flood into "busy" answers instead of unbounded memory.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import pebble

from caibao.errors import CaibaoError


class PoolError(CaibaoError):
    """A check the pool did not run to its end; `lang` is its reader's, for the message shown."""

    def __init__(self, message: str, lang: str | None = None):
        super().__init__(message)
        self.lang = lang


class CheckTimeout(PoolError):
    """A check ran past its time limit and was stopped."""


class Busy(PoolError):
    """Every worker is busy and the queue is full."""


class WorkerLost(PoolError):
    """The worker running a check died under it (killed from outside, out of memory)."""


@dataclass(frozen=True)
class Job:
    text: str
    ticker: str | None
    document: str
    html: bool
    lang: str | None


@dataclass(frozen=True)
class Checked:
    ticker: str
    result: str  # the report as JSON (claims/report.to_json)
    marked: str  # the article as HTML with each claim marked


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class CheckPool:
    def __init__(self, db: Path, workers: int | None = None, time_limit: float = 10.0, queue: int | None = None):
        self.workers = workers or default_workers()
        self.time_limit = time_limit
        # Checks waiting for a worker, at most: each holds its article (1 MB at most) in memory.
        self.queue = queue if queue is not None else 256
        self._pending = 0
        self._lock = threading.Lock()
        self._db = db
        self._pool = self._new_pool()

    def _new_pool(self) -> pebble.ProcessPool:
        # spawn, not fork: the server has threads (a forked copy of a held lock never opens).
        return pebble.ProcessPool(
            max_workers=self.workers,
            initializer=_start,
            initargs=(str(self._db),),
            context=multiprocessing.get_context("spawn"),
        )

    async def check(self, job: Job) -> Checked:
        with self._lock:
            if self._pending >= self.workers + self.queue:
                raise Busy("every worker is busy and the queue is full", job.lang)
            self._pending += 1
        try:
            try:
                future = self._pool.schedule(_check, args=(job,), timeout=self.time_limit or None)
            except RuntimeError:  # the pool broke (its workers could not start): start a new one
                self._pool.stop()
                self._pool = self._new_pool()
                future = self._pool.schedule(_check, args=(job,), timeout=self.time_limit or None)
            try:
                return await asyncio.wrap_future(future)
            except FutureTimeout:
                raise CheckTimeout(
                    f"{job.document}: the check took longer than its {self.time_limit:g} s limit and was stopped",
                    job.lang,
                ) from None
            except (pebble.ProcessExpired, BrokenProcessPool) as exc:
                raise WorkerLost(f"{job.document}: the check's worker stopped ({exc})", job.lang) from None
            except asyncio.CancelledError:
                future.cancel()  # the client left or the server stops: free the worker
                raise
        finally:
            with self._lock:
                self._pending -= 1

    def close(self) -> None:
        self._pool.stop()
        self._pool.join(timeout=3)


# -- in the worker ---------------------------------------------------------------------------

_reader = None


def _start(db: str) -> None:
    global _reader
    from caibao.web.reader import Reader

    # Nothing read here: a worker whose start fails (the store locked by a long ingest) would leave
    # pebble's pool broken for good; the first check reads the store, under its time limit.
    _reader = Reader(Path(db))


def _check(job: Job) -> Checked:
    from caibao.claims import report as render
    from caibao.claims.check import check_source, detect_ticker
    from caibao.claims.explain import every_language, in_languages

    reader = _reader
    if reader is None:
        raise CaibaoError("the check's worker was started without its store")
    tickers = reader.tickers()
    with every_language() as read:
        report = check_source(
            job.text, job.ticker, job.document, job.html, reader.index,
            lambda folded: detect_ticker(tickers, folded), job.lang, None, tickers,
        )  # fmt: skip
    index = reader.index(report.ticker)
    # Every language's explanations kept with the result, so that a page's language switch shows
    # them without checking the article again.
    result = json.loads(render.to_json(report, index))
    for claim, said in zip(result["claims"], in_languages(report.claims, index, report.ticker, read), strict=True):
        claim["explanations"] = said
    return Checked(report.ticker, json.dumps(result, ensure_ascii=False), render.marked_article(report))
