"""Check many articles: in this process, or on a Dask cluster (`caibao check PATH... --out RESULTS`).

Each document is checked exactly as `caibao check FILE` checks it (check_source with the filer's
facts index); its claims become rows of RESULTS and the document a row of the summary beside it
(RESULTS with `.documents` before the extension). A document that fails becomes a summary row with
its error, and the batch goes on. Dask and pyarrow are imported only here, and only when used."""

from __future__ import annotations

import csv
import ctypes
import glob
import json
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caibao.analysis.rounding import json_number
from caibao.claims.check import MAX_CHARS, Report, check_source, detect_ticker
from caibao.claims.decode import decode_article
from caibao.claims.model import CONTRADICTED, SUPPORTED, UNVERIFIABLE
from caibao.claims.verify import store_metric
from caibao.errors import CaibaoError
from caibao.facts.index import FactIndex

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
MANIFEST_SUFFIXES = (".csv", ".jsonl")
OUTPUT_SUFFIXES = (".parquet", ".csv", ".jsonl")
CLAIM_COLUMNS = (
    "document", "ticker", "quote", "start", "end", "metric", "segment", "period", "measure",
    "stated", "actual", "verdict", "cause", "explanation", "sources",
)  # fmt: skip
DOCUMENT_COLUMNS = ("document", "ticker", "claims", SUPPORTED, CONTRADICTED, UNVERIFIABLE, "error", "seconds")
VERDICTS = (SUPPORTED, CONTRADICTED, UNVERIFIABLE)


@dataclass(frozen=True)
class Document:
    """An article to check: its path (also its name in RESULTS), and what the manifest or options say."""

    path: str
    ticker: str | None = None
    lang: str | None = None


@dataclass
class Outcome:
    """One document's result: its claim rows and its summary row."""

    document: str
    ticker: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        counts = {v: sum(r["verdict"] == v for r in self.rows) for v in VERDICTS}
        return {
            "document": self.document, "ticker": self.ticker, "claims": len(self.rows), **counts,
            "error": self.error, "seconds": round(self.seconds, 4),
        }  # fmt: skip


def is_dataset(results: Path) -> bool:
    """RESULTS named without an extension (or an existing folder) is a partitioned Parquet dataset."""
    return results.is_dir() or not results.suffix


def documents_path(results: Path) -> Path:
    """Where the per-document summary of RESULTS goes: results.parquet -> results.documents.parquet;
    of a dataset, its `documents` folder (the claims are in its `claims` folder)."""
    if is_dataset(results):
        return results / "documents"
    return results.with_name(f"{results.stem}.documents{results.suffix}")


def claims_path(results: Path) -> Path:
    return results / "claims" if is_dataset(results) else results


# -- what to check ---------------------------------------------------------------------------------


def gather(paths: Iterable[str], ticker: str | None = None, lang: str | None = None) -> list[Document]:
    """The documents PATHs name: article files, folders (their articles, recursively, sorted), globs,
    and manifests (.csv or .jsonl with `path` and optional `ticker`, `lang`; paths relative to the
    manifest). `ticker` and `lang` apply where a manifest says none. Each document once, in order."""
    found: list[Document] = []
    seen: set[str] = set()

    def add(document: Document) -> None:
        if document.path not in seen:
            seen.add(document.path)
            found.append(document)

    for given in paths:
        matches = sorted(glob.glob(given, recursive=True)) if glob.has_magic(given) else [given]
        if not matches:
            raise CaibaoError(f"{given}: no file matches")
        for match in matches:
            path = Path(match)
            if path.is_dir():
                for item in sorted(path.rglob("*")):
                    if item.is_file() and item.suffix.lower() in ARTICLE_SUFFIXES:
                        add(Document(str(item), ticker, lang))
            elif path.suffix.lower() in MANIFEST_SUFFIXES and path.is_file():
                for entry in _manifest(path):
                    add(Document(entry["path"], entry.get("ticker") or ticker, entry.get("lang") or lang))
            elif path.is_file() or not glob.has_magic(given):
                add(Document(str(path), ticker, lang))  # a missing file becomes its error row
    return found


def _manifest(path: Path) -> Iterator[dict[str, str]]:
    base = path.parent
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            if path.suffix.lower() == ".csv":
                entries: Iterable[dict] = csv.DictReader(handle)
            else:
                entries = (json.loads(line) for line in handle if line.strip())
            for number, entry in enumerate(entries, 1):
                if not isinstance(entry, dict) or not entry.get("path"):
                    raise CaibaoError(f"{path}: entry {number} has no `path`")
                where = Path(str(entry["path"]))
                yield {
                    "path": str(where if where.is_absolute() else base / where),
                    "ticker": str(entry.get("ticker") or "").strip().upper(),
                    "lang": str(entry.get("lang") or "").strip(),
                }
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CaibaoError(f"{path}: cannot read the manifest ({exc})") from None


def read_document(document: Document) -> bytes:
    """The document's bytes, its size checked before it is read (a character is at most four bytes)."""
    path = Path(document.path)
    if not path.is_file():
        raise CaibaoError(f"{document.path}: {'a folder, not a file' if path.is_dir() else 'no such file'}")
    size = path.stat().st_size
    if size > MAX_CHARS * 4:
        raise CaibaoError(f"{document.path}: {size} bytes is over the {MAX_CHARS * 4}-byte limit")
    return path.read_bytes()


# -- one document ----------------------------------------------------------------------------------


def claim_rows(report: Report, index: FactIndex | None) -> list[dict[str, Any]]:
    """A report's claims as rows, the metric as the JSON output names it."""
    rows = []
    for claim in report.claims:
        metric = claim.metric
        if index is not None:
            resolved, _ = store_metric(claim, index)
            metric = resolved or metric
        rows.append({
            "document": report.document, "ticker": report.ticker, "quote": claim.quote,
            "start": claim.start, "end": claim.end, "metric": metric, "segment": claim.segment or None,
            "period": str(claim.period) if claim.period else None, "measure": claim.measure,
            "stated": json_number(claim.stated), "actual": json_number(claim.actual), "verdict": claim.verdict,
            "cause": claim.cause or None, "explanation": claim.explanation, "sources": list(claim.sources),
        })  # fmt: skip
    return rows


def is_html(name: str, text: str) -> bool:
    """As `caibao check FILE` decides it."""
    return name.lower().endswith((".html", ".htm")) or text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))


def check_document(
    document: Document,
    data: bytes | None,
    indexes: dict[str, FactIndex],
    tickers: tuple[str, ...],
    time_limit: float = 0.0,
    index_of: Callable[[str], FactIndex] | None = None,
) -> Outcome:
    """Check one document (its bytes in `data`, or read here): never raises for the document's own
    fault. `indexes` holds the facts of its company (of every company, where it names none);
    `index_of` reaches a store for a company not in `indexes`."""
    started = time.perf_counter()
    outcome = Outcome(document.path, document.ticker or "")

    def lookup(symbol: str) -> FactIndex:
        index = indexes.get(symbol)
        if index is None and index_of is not None:
            index = indexes[symbol] = index_of(symbol)
        if index is None or not len(index):
            raise CaibaoError(f"no facts for {symbol}; companies in the store: {', '.join(tickers)}")
        return index

    try:
        with time_limited(time_limit, document.path):
            raw = read_document(document) if data is None else data
            text = decode_article(raw, document.path)
            report = check_source(
                text, document.ticker, document.path, is_html(document.path, text), lookup,
                lambda folded: detect_ticker(tickers, folded), document.lang, None, tickers,
            )  # fmt: skip
            outcome.ticker = report.ticker
            outcome.rows = claim_rows(report, indexes.get(report.ticker))
    except CaibaoError as exc:
        outcome.error = str(exc)
    except (RecursionError, MemoryError, ValueError, OSError) as exc:
        outcome.error = f"{document.path}: {type(exc).__name__}: {exc}"
    outcome.seconds = time.perf_counter() - started
    return outcome


class _TimeLimit(Exception):  # raised into the checking thread, turned into a CaibaoError
    pass


@contextmanager
def time_limited(seconds: float, name: str) -> Iterator[None]:
    """End the work with a CaibaoError after `seconds` (0: no limit): by SIGALRM on the main thread
    (as `caibao check FILE`), else (a Dask worker's thread) by an exception raised into this thread
    from a timer, which interrupts pure Python between bytecodes just as a signal does."""
    message = f"{name}: the check took longer than its {seconds:g} s time limit (--time-limit SECONDS allows more)"
    if seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):

        def expired(signum: int, frame: object) -> None:
            raise CaibaoError(message)

        previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    ident = threading.get_ident()
    lock = threading.Lock()
    state = {"running": True}

    def expire() -> None:
        with lock:
            if state["running"]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(_TimeLimit))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except _TimeLimit:
        raise CaibaoError(message) from None
    finally:
        with lock:
            state["running"] = False
        timer.cancel()


# -- where results go ------------------------------------------------------------------------------


class Sink:
    """RESULTS and its summary, written as documents finish. CSV and JSONL are appended to (and
    flushed) document by document; a Parquet file is written in row groups, and on --resume the rows
    already there are copied into the new file first, batch by batch. A dataset (RESULTS a folder)
    is written in parts, `claims/part-NNNNNN.parquet` with `documents/part-NNNNNN.parquet`, each
    pair closed every PART_DOCUMENTS documents: a large run that is stopped keeps every part it
    closed, and --resume adds new parts without reading or copying the old ones."""

    BATCH = 2_000  # Parquet rows held before a row group is written
    PART_DOCUMENTS = 2_000  # documents in a part of a dataset
    PART_CLAIMS = 200_000  # or claims, whichever comes first

    def __init__(self, results: Path, resume: bool) -> None:
        self.results = results
        self.dataset = is_dataset(results)
        self.summary_path = documents_path(results)
        self.kind = "parquet" if self.dataset else results.suffix.lower().lstrip(".")
        if not self.dataset and f".{self.kind}" not in OUTPUT_SUFFIXES:
            raise CaibaoError(
                f"{results}: RESULTS must end in .parquet, .csv or .jsonl, or name a folder (a Parquet dataset)"
            )
        self.done: set[str] = set()
        self._claims: list[dict] = []
        self._docs: list[dict] = []
        if self.dataset:
            self._open_dataset(resume)
            return
        if resume and self.summary_path.exists():
            self.done = {str(r["document"]) for r in read_rows(self.summary_path)}
        elif not resume:
            for path in (results, self.summary_path):
                path.unlink(missing_ok=True)
        results.parent.mkdir(parents=True, exist_ok=True)
        if self.kind == "parquet":
            self._open_parquet(resume)
        else:
            self._handles = [
                self._open_text(results, CLAIM_COLUMNS),
                self._open_text(self.summary_path, DOCUMENT_COLUMNS),
            ]

    def _open_text(self, path: Path, columns: tuple[str, ...]) -> Any:
        fresh = not path.exists() or path.stat().st_size == 0
        handle = path.open("a", encoding="utf-8", newline="")
        if self.kind == "csv":
            writer = csv.DictWriter(handle, fieldnames=columns)
            if fresh:
                writer.writeheader()
            return handle, writer
        return handle, None

    def _open_parquet(self, resume: bool) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa, self._pq = pa, pq
        self._schemas = (claim_schema(), document_schema())
        self._writers = []
        self._partials = []
        for path, schema in zip((self.results, self.summary_path), self._schemas, strict=True):
            partial = path.with_name(f".{path.name}.partial")
            writer = pq.ParquetWriter(partial, schema)
            if resume and path.exists():
                for batch in pq.ParquetFile(path).iter_batches(batch_size=self.BATCH):
                    rows = batch.to_pylist()
                    if schema is self._schemas[0]:
                        rows = [r for r in rows if r["document"] in self.done]
                    writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            self._writers.append(writer)
            self._partials.append((partial, path))

    def _open_dataset(self, resume: bool) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa, self._pq = pa, pq
        self._schemas = (claim_schema(), document_schema())
        folders = (claims_path(self.results), self.summary_path)
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            for stale in folder.glob(".part-*.parquet.partial"):
                stale.unlink()  # a part a stopped run never closed
        claims, summaries = ({p.name for p in folder.glob("part-*.parquet")} for folder in folders)
        if not resume:
            for folder, names in zip(folders, (claims, summaries), strict=True):
                for name in names:
                    (folder / name).unlink()
            claims, summaries = set(), set()
        for orphan in claims - summaries:
            # Its documents part was never closed: those documents are not done, so their claims go.
            (folders[0] / orphan).unlink()
        for name in sorted(summaries):
            table = pq.read_table(folders[1] / name, columns=["document"])
            self.done.update(str(d) for d in table.column("document").to_pylist())
        self._part = max((int(n[len("part-") : -len(".parquet")]) for n in summaries), default=-1)
        self._writers = []
        self._part_documents = self._part_claims = 0

    def _start_part(self) -> None:
        self._part += 1
        self._partials = []
        self._writers = []
        for folder, schema in zip((claims_path(self.results), self.summary_path), self._schemas, strict=True):
            final = folder / f"part-{self._part:06d}.parquet"
            partial = folder / f".{final.name}.partial"
            self._writers.append(self._pq.ParquetWriter(partial, schema))
            self._partials.append((partial, final))
        self._part_documents = self._part_claims = 0

    def _close_part(self) -> None:
        self._flush_parquet()
        for writer in self._writers:
            writer.close()
        # The claims part is renamed first: a documents part never names documents whose claims are missing.
        for partial, final in self._partials:
            partial.replace(final)
        self._writers = []

    def add(self, outcome: Outcome) -> None:
        summary = outcome.summary()
        if self.kind == "parquet":
            if self.dataset and not self._writers:
                self._start_part()
            self._claims.extend(outcome.rows)
            self._docs.append(summary)
            if len(self._claims) >= self.BATCH or len(self._docs) >= self.BATCH:
                self._flush_parquet()
            if self.dataset:
                self._part_documents += 1
                self._part_claims += len(outcome.rows)
                if self._part_documents >= self.PART_DOCUMENTS or self._part_claims >= self.PART_CLAIMS:
                    self._close_part()
            return
        for (handle, writer), rows in zip(self._handles, (outcome.rows, [summary]), strict=True):
            for row in rows:
                if writer is not None:
                    writer.writerow({k: _cell(v) for k, v in row.items()})
                else:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            handle.flush()

    def _flush_parquet(self) -> None:
        for writer, schema, rows in zip(self._writers, self._schemas, (self._claims, self._docs), strict=True):
            if rows:
                writer.write_table(self._pa.Table.from_pylist(rows, schema=schema))
        self._claims, self._docs = [], []

    def close(self) -> None:
        if self.dataset:
            if self._writers:
                self._close_part()
        elif self.kind == "parquet":
            self._flush_parquet()
            for writer in self._writers:
                writer.close()
            for partial, path in self._partials:
                partial.replace(path)
        else:
            for handle, _ in self._handles:
                handle.close()


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value


def claim_schema() -> Any:
    import pyarrow as pa

    text = pa.string()
    types = {"start": pa.int64(), "end": pa.int64(), "stated": pa.float64(), "actual": pa.float64(),
             "sources": pa.list_(pa.string())}  # fmt: skip
    return pa.schema([(name, types.get(name, text)) for name in CLAIM_COLUMNS])


def document_schema() -> Any:
    import pyarrow as pa

    types = {"document": pa.string(), "ticker": pa.string(), "error": pa.string(), "seconds": pa.float64()}
    return pa.schema([(name, types.get(name, pa.int64())) for name in DOCUMENT_COLUMNS])


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a RESULTS file (or its summary) as written: sources as lists, numbers as numbers."""
    if path.is_dir():
        import pyarrow.parquet as pq

        parts = sorted((path / "claims" if (path / "claims").is_dir() else path).glob("part-*.parquet"))
        return [row for part in parts for row in pq.read_table(part).to_pylist()]
    kind = path.suffix.lower()
    if kind == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    with path.open(encoding="utf-8", newline="") as handle:
        if kind == ".jsonl":
            return [json.loads(line) for line in handle if line.strip()]
        rows = []
        for row in csv.DictReader(handle):
            rows.append({k: _from_csv(k, v) for k, v in row.items()})
        return rows


def _from_csv(column: str, value: str) -> Any:
    if value == "":
        return None
    if column == "sources":
        return json.loads(value)
    if column in ("start", "end", "claims", *VERDICTS):
        return int(value)
    if column in ("stated", "actual", "seconds"):
        number = float(value)
        return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    return value


# -- the run ---------------------------------------------------------------------------------------


@dataclass
class Totals:
    documents: int = 0
    skipped: int = 0
    errors: int = 0
    claims: int = 0
    verdicts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    seconds: float = 0.0

    def add(self, outcome: Outcome) -> None:
        self.documents += 1
        self.errors += outcome.error is not None
        self.claims += len(outcome.rows)
        for row in outcome.rows:
            self.verdicts[row["verdict"]] += 1

    def line(self) -> str:
        rate = self.documents / self.seconds if self.seconds > 0 else 0.0
        counts = ", ".join(f"{self.verdicts[v]} {v}" for v in VERDICTS)
        skipped = f" ({self.skipped} already done, skipped)" if self.skipped else ""
        return (
            f"{self.documents} documents checked{skipped}, {self.errors} failed; {self.claims} claims: {counts}; "
            f"{self.seconds:.1f} s, {rate:.1f} documents/s"
        )


def run(
    documents: list[Document],
    results: Path,
    store: Any,
    resume: bool = False,
    time_limit: float = 0.0,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Totals:
    """Check `documents` into `results`: here, one after another, or on Dask (`workers` local
    processes, or the cluster at `scheduler`). `progress(done, total)` is told as each finishes."""
    started = time.perf_counter()
    sink = Sink(results, resume)
    totals = Totals()
    todo = [d for d in documents if d.path not in sink.done]
    totals.skipped = len(documents) - len(todo)
    tickers = tuple(store.tickers())
    try:
        if progress:
            progress(0, len(todo))
        # Here, each company's facts index is read from the store once for the whole batch.
        indexes: dict[str, FactIndex] = {}
        outcomes = (
            _on_dask(todo, store, tickers, time_limit, workers, scheduler)
            if workers or scheduler
            else (check_document(d, None, indexes, tickers, time_limit, store.index) for d in todo)
        )
        for outcome in outcomes:
            sink.add(outcome)
            totals.add(outcome)
            if progress:
                progress(totals.documents, len(todo))
    finally:
        sink.close()
    totals.seconds = time.perf_counter() - started
    return totals


CHUNK_DOCUMENTS = 16  # articles in one task: a task costs the cluster a few ms, a corpus article ~25 ms
CHUNK_BYTES = 1024 * 1024  # or fewer, up to this many bytes, so a task stays small to ship and to redo


def check_documents(
    items: list[tuple[Document, bytes]], indexes: dict[str, FactIndex], tickers: tuple[str, ...], time_limit: float
) -> list[Outcome]:
    """On a worker: a chunk of articles, each checked as check_document checks it."""
    return [check_document(document, data, indexes, tickers, time_limit) for document, data in items]


def _on_dask(
    documents: list[Document],
    store: Any,
    tickers: tuple[str, ...],
    time_limit: float,
    workers: int | None,
    scheduler: str | None,
) -> Iterator[Outcome]:
    """Outcomes as the cluster's tasks finish. Each company's facts index is scattered once, to
    every worker (broadcast); articles go with their task, a chunk of them a task (the cluster's
    cost per task is then paid once per chunk); at most a few tasks a worker are in flight, so the
    client holds a bounded number of articles and results at a time. A chunk whose worker died
    every time it was tried is tried again article by article, so only the article at fault fails."""
    from caibao import cluster

    with cluster.client(workers, scheduler) as client:
        scattered: dict[str, Any] = {}
        unread: list[Outcome] = []

        def indexes_for(chunk: list[Document]) -> dict[str, Any]:
            wanted = sorted({d.ticker for d in chunk if d.ticker}) if all(d.ticker for d in chunk) else list(tickers)
            for symbol in wanted:
                if symbol not in scattered:
                    scattered[symbol] = client.scatter(store.index(symbol), broadcast=True, hash=False)
            return {symbol: scattered[symbol] for symbol in wanted}

        def submit(chunk: list[Document]) -> Any:
            """A future of the chunk's outcomes; an article that cannot be read is its outcome at once."""
            items = []
            for document in chunk:
                try:
                    items.append((document, read_document(document)))
                except CaibaoError as exc:
                    unread.append(Outcome(document.path, document.ticker or "", error=str(exc)))
            if not items:
                return []
            return client.submit(
                check_documents, items, indexes_for([d for d, _ in items]), tickers, time_limit, retries=3, pure=False
            )

        width = cluster.window(client, workers)
        retry: list[list[Document]] = []
        for chunks in (_chunks(documents), retry):
            for chunk, outcomes, error in cluster.completed(client, chunks, submit, width):
                yield from unread
                unread.clear()
                if error is None:
                    yield from outcomes
                elif len(chunk) > 1 and chunks is not retry:
                    retry.extend([document] for document in chunk)
                else:
                    # The task never raises for the article's fault: this is the cluster's (every
                    # worker that took it died; lost data).
                    for document in chunk:
                        yield Outcome(document.path, document.ticker or "", error=f"{document.path}: {_lost(error)}")
            yield from unread
            unread.clear()


def _chunks(documents: list[Document]) -> Iterator[list[Document]]:
    """Documents in chunks of CHUNK_DOCUMENTS, or fewer where their files pass CHUNK_BYTES."""
    chunk: list[Document] = []
    size = 0
    for document in documents:
        try:
            length = Path(document.path).stat().st_size
        except OSError:
            length = 0  # read (and reported) when its chunk is submitted
        if chunk and (len(chunk) >= CHUNK_DOCUMENTS or size + length > CHUNK_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(document)
        size += length
    if chunk:
        yield chunk


def _lost(error: BaseException) -> str:
    if type(error).__name__ == "KilledWorker":
        return "every worker that checked it died (out of memory?); left out"
    return f"{type(error).__name__}: {error}"
