"""Work spread over a Dask cluster: what batch check (claims/batch.py) and bulk ingest
(facts/bulk.py) share. Imported only when a batch option asks for it, and it imports Dask only
inside its functions, so `caibao check FILE` starts as fast as before.

A local cluster is N single-threaded worker processes (our work is pure Python: threads would share
one interpreter lock); `scheduler` reaches a cluster started elsewhere (dask-kubernetes, dask-jobqueue,
`dask scheduler` + `dask worker`), whose workers need caibao installed and nothing else."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

TASKS_PER_WORKER = 4  # in flight per worker: enough to keep each busy, few enough to bound memory


@contextmanager
def client(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """A Dask client: of the cluster at `scheduler`, else of a local cluster of `workers` processes
    (default: one per CPU), closed with it."""
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        connected = Client(scheduler)
    else:
        # Its workers' shutdown chatter ("Stream is closed") is not the user's business; errors are.
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1, processes=True, threads_per_worker=1, dashboard_address=None,
            silence_logs=logging.ERROR,
        )  # fmt: skip
        connected = Client(cluster)
    try:
        yield connected
    finally:
        connected.close()
        if cluster is not None:
            cluster.close()


def window(connected: Any, workers: int | None = None) -> int:
    """How many tasks to keep in flight on this cluster."""
    count = len(connected.scheduler_info().get("workers", {}))
    return TASKS_PER_WORKER * max(1, count, workers or 1)


def completed(
    connected: Any, items: Iterable[T], submit: Callable[[T], Any], width: int
) -> Iterator[tuple[T, Any, BaseException | None]]:
    """(item, result, None) or (item, None, error) as each item's task finishes, in no fixed order.
    `submit(item)` returns a future, or anything else as the item's result at once (work the client
    did itself: an unreadable file). At most `width` tasks are in flight, and each result is
    released from the cluster as soon as it is taken, so client and scheduler memory stay bounded
    however many items there are. A worker that dies has its tasks rerun elsewhere by the scheduler
    (up to its `allowed-failures`); past that the item comes back with the KilledWorker error."""
    from dask.distributed import Future, as_completed

    pending = iter(items)
    running = as_completed(with_results=False)
    owner: dict[str, T] = {}
    ready: list[tuple[T, Any, BaseException | None]] = []

    def top_up() -> None:
        while running.count() < width:
            item = next(pending, _END)
            if item is _END:
                return
            try:
                task = submit(item)
            except Exception as exc:  # the item's own failure, reported with it
                ready.append((item, None, exc))
                continue
            if isinstance(task, Future):
                owner[task.key] = item
                running.add(task)
            else:
                ready.append((item, task, None))

    top_up()
    while ready or not running.is_empty():
        while ready:
            yield ready.pop()
        if running.is_empty():
            top_up()
            continue
        future = next(running)
        item = owner.pop(future.key)
        try:
            result, error = future.result(), None
        except Exception as exc:  # the task's error (raised on a worker), or a lost worker
            result, error = None, exc
        future.release()
        yield item, result, error
        top_up()


_END: Any = object()
