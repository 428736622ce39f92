"""`caibao ingest PATH...`, here or on a Dask cluster (`--workers N`, `--scheduler ADDRESS`).

Two phases, as a sequential ingest has always run: every document is read and checked (parsed)
first, and only if all of them are good is anything written. Parsing is the costly part, so that is
what the cluster's workers do, in parallel; what they return is spooled to a temporary file on the
client as it comes, so the client holds one parsed document at a time however many there are.
Then one writer puts the documents into the store, each in its own transaction, in the order the
paths name them (facts/ingest.py `documents`): the store is the same as a sequential ingest's,
whichever worker finished first."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from caibao.errors import IngestError
from caibao.facts.ingest import Input, Prepared, prepare, write
from caibao.facts.store import IngestReport, Store

Progress = Callable[[str, int, int | None], None]  # (phase, done, total if known)


class Spool:
    """Parsed documents on disk, each by its place in the input order. Pickle is safe here: the
    file is a private temporary one, written and read by this process alone."""

    def __init__(self) -> None:
        # Lives past this call: closed (and so deleted) by close().
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="caibao-ingest-")  # noqa: SIM115
        self._at: dict[int, tuple[int, int]] = {}

    def put(self, place: int, prepared: Prepared) -> None:
        data = pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(0, 2)
        self._at[place] = (self._file.tell(), len(data))
        self._file.write(data)

    def __len__(self) -> int:
        return len(self._at)

    def in_order(self) -> Iterator[Prepared]:
        for place in sorted(self._at):
            offset, size = self._at[place]
            self._file.seek(offset)
            yield pickle.loads(self._file.read(size))

    def close(self) -> None:
        self._file.close()


def parse(
    inputs: Iterable[Input],
    ticker: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Spool:
    """Every input parsed and checked (here, or on Dask where `workers` or `scheduler` is given),
    spooled. Raises IngestError if any document is bad: here at the first one, as always; on a
    cluster, naming every bad document, one line each, in input order. Nothing is written."""
    spool = Spool()
    try:
        if workers or scheduler:
            _parse_on_dask(inputs, ticker, workers, scheduler, spool, progress)
        else:
            for place, item in enumerate(inputs):
                spool.put(place, prepare(item.name, item.data, ticker, linkbases=item.linkbases))
                if progress:
                    progress("reading", place + 1, None)
    except BaseException:
        spool.close()
        raise
    return spool


def write_all(spool: Spool, store: Store, progress: Progress | None = None) -> list[IngestReport]:
    """The spooled documents into the store in input order, each in its own transaction."""
    reports = []
    try:
        for done, prepared in enumerate(spool.in_order(), 1):
            reports.append(write(store, prepared))
            if progress:
                progress("writing", done, len(spool))
    finally:
        spool.close()
    return reports


def run(
    inputs: Iterable[Input],
    store: Store,
    ticker: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> list[IngestReport]:
    """Parse, then write: `caibao ingest` whole."""
    return write_all(parse(inputs, ticker, workers, scheduler, progress), store, progress)


def _parse_on_dask(
    inputs: Iterable[Input],
    ticker: str | None,
    workers: int | None,
    scheduler: str | None,
    spool: Spool,
    progress: Progress | None,
) -> None:
    from caibao import cluster

    failed: list[tuple[int, str]] = []
    with cluster.client(workers, scheduler) as client:

        def submit(entry: tuple[int, Input]) -> Any:
            _, item = entry
            return client.submit(_prepare, item.name, item.data, ticker, item.linkbases, pure=False)

        done = 0
        width = cluster.window(client, workers)
        for (place, item), prepared, error in cluster.completed(client, enumerate(inputs), submit, width):
            if error is None and isinstance(prepared, str):
                failed.append((place, prepared))
            elif error is None:
                spool.put(place, prepared)
            else:
                failed.append((place, _message(item.name, error)))
            done += 1
            if progress:
                progress("reading", done, None)
    if failed:
        lines = [message for _, message in sorted(failed)]
        raise IngestError("\n".join([*lines, f"{len(lines)} of {done} documents are bad; nothing was written"]))


def _prepare(name: str, data: bytes, ticker: str | None, linkbases: dict[str, bytes]) -> Prepared | str:
    """On a worker: the document parsed, or the one line saying why it is bad. The message comes
    back as a value, not raised: an exception travels with its traceback and context, which need
    not pickle (lxml's do not), and the cluster would report that instead of the document's fault."""
    try:
        return prepare(name, data, ticker, linkbases=linkbases)
    except IngestError as exc:
        return str(exc)


def _message(name: str, error: BaseException) -> str:
    if isinstance(error, IngestError):
        return str(error)
    if type(error).__name__ == "KilledWorker":
        return f"{name}: every worker that parsed it died (out of memory?)"
    return f"{name}: {type(error).__name__}: {error}"
