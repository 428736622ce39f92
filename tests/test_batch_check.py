"""`caibao check PATH... --out RESULTS`: a batch gives exactly the claims of checking each file alone,
here and on a real Dask LocalCluster of two processes; a broken file is an error row; --resume skips."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from caibao.claims import batch
from caibao.claims.check import check_text
from caibao.facts import ingest as loader
from caibao.facts.store import Store

CORRUPT = b"Amazon net sales rose 10% to \xed\xa0\x80 $170 billion"  # a UTF-8 encoded lone surrogate


@pytest.fixture(scope="module")
def articles(shared, tmp_path_factory) -> tuple[Path, Path, list[tuple[Path, str]]]:
    """A store (seeded, with every filing the corpus names), the articles as files under their
    tickers (the corpus and the seeds) with a manifest, and the (file, ticker) list."""
    root = tmp_path_factory.mktemp("batch")
    db = root / "store.duckdb"
    cases = [json.loads(line) for p in sorted((shared / "corpus").glob("*.jsonl")) for line in p.open() if line.strip()]
    with Store.open(db) as store:
        for name in sorted({n for case in cases for n in case.get("filings", [])}):
            loader.write(store, loader.prepare(name, (shared / "filings" / name).read_bytes(), None))
    folder = root / "articles"
    folder.mkdir()
    files: list[tuple[Path, str]] = []
    for case in cases:
        path = folder / f"{case['id']}.txt"
        path.write_text(case["text"], encoding="utf-8")
        files.append((path, case["ticker"]))
    for seed in sorted((shared / "seeds").glob("*.txt")):
        path = folder / seed.name
        path.write_bytes(seed.read_bytes())
        files.append((path, "AMZN"))
    manifest = root / "manifest.jsonl"
    manifest.write_text("".join(json.dumps({"path": str(p), "ticker": t}) + "\n" for p, t in files), encoding="utf-8")
    return db, manifest, files


def _alone(db: Path, files: list[tuple[Path, str]]) -> dict[str, list[tuple]]:
    """Each file checked on its own, by check_text, as claim keys."""
    with Store.open(db, read_only=True) as store:
        out = {}
        for path, ticker in files:
            report = check_text(store, path.read_text(encoding="utf-8"), ticker, document=str(path))
            out[str(path)] = [
                (c.quote, c.start, c.end, c.verdict, str(c.period) if c.period else None, c.measure, c.explanation)
                for c in report.claims
            ]
    return out


def _batched(rows: list[dict]) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for r in rows:
        key = (r["quote"], r["start"], r["end"], r["verdict"], r["period"], r["measure"], r["explanation"])
        out.setdefault(r["document"], []).append(key)
    return {d: sorted(v, key=lambda k: (k[1], k[2])) for d, v in out.items()}


def _expected(alone: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {d: sorted(v, key=lambda k: (k[1], k[2])) for d, v in alone.items() if v}


def test_batch_here_equals_each_file_alone(articles, tmp_path):
    db, manifest, files = articles
    bad = tmp_path / "corrupt.txt"
    bad.write_bytes(CORRUPT)
    results = tmp_path / "results.jsonl"
    with Store.open(db, read_only=True) as store:
        documents = [*batch.gather([str(manifest)]), *batch.gather([str(bad)], "AMZN")]
        totals = batch.run(documents, results, store)
    alone = _alone(db, files)
    rows = batch.read_rows(results)
    assert _batched(rows) == _expected(alone)
    assert len(alone) == 17 and sum(map(len, alone.values())) == len(rows) > 300
    summary = {r["document"]: r for r in batch.read_rows(batch.documents_path(results))}
    assert set(summary) == {*alone, str(bad)}
    assert summary[str(bad)]["error"] == f"{bad}: byte 29 encodes a lone surrogate; save the text as UTF-8"
    assert summary[str(bad)]["claims"] == 0
    for path, ticker in files:
        row = summary[str(path)]
        assert row["error"] is None and row["ticker"] == ticker and row["claims"] == len(alone[str(path)])
        verdicts = [k[3] for k in alone[str(path)]]
        assert [row["supported"], row["contradicted"], row["unverifiable"]] == [
            verdicts.count("supported"),
            verdicts.count("contradicted"),
            verdicts.count("unverifiable"),
        ]
    assert (totals.documents, totals.errors, totals.claims) == (18, 1, len(rows))


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_resume_skips_finished_documents(articles, tmp_path, suffix):
    db, _, files = articles
    results = tmp_path / f"results{suffix}"
    first = [batch.Document(str(p), t) for p, t in files[:5]]
    everything = [batch.Document(str(p), t) for p, t in files]
    with Store.open(db, read_only=True) as store:
        batch.run(first, results, store)
        once = batch.read_rows(results)
        totals = batch.run(everything, results, store, resume=True)
    assert (totals.skipped, totals.documents) == (5, len(files) - 5)
    rows = batch.read_rows(results)
    assert rows[: len(once)] == once
    assert _batched(rows) == _expected(_alone(db, files))
    documents = [r["document"] for r in batch.read_rows(batch.documents_path(results))]
    assert sorted(documents) == sorted(str(p) for p, _ in files)  # each once


def test_detected_company_and_no_company(articles, tmp_path):
    """Without a ticker the company is detected, as `caibao check FILE` detects it; an article that
    names none is an error row."""
    db, _, files = articles
    seed = next(p for p, t in files if p.name.startswith("000_"))
    plain = tmp_path / "plain.txt"
    plain.write_text("The weather was fine and 12 ducks crossed the road.", encoding="utf-8")
    results = tmp_path / "r.csv"
    with Store.open(db, read_only=True) as store:
        batch.run(batch.gather([str(seed), str(plain)]), results, store)
    summary = {r["document"]: r for r in batch.read_rows(batch.documents_path(results))}
    assert summary[str(seed)]["ticker"] == "AMZN" and summary[str(seed)]["error"] is None
    assert summary[str(plain)]["error"] == f"{plain}: no company detected; say which with --ticker"


def test_cli_batch_and_single_file_unchanged(articles, tmp_path):
    """The command line: a folder and a glob into Parquet, with the summary line; `check FILE` loads
    neither Dask nor pyarrow."""
    db, _, files = articles
    seeds = [p for p, t in files if t == "AMZN" and p.name[:1].isdigit()]
    results = tmp_path / "out.parquet"
    caibao = [str(Path(sys.executable).with_name("caibao"))]
    run = subprocess.run(
        [*caibao, "check", str(seeds[0].parent / "0*.txt"), "--ticker", "AMZN", "--out", str(results), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"{len(seeds)} documents checked, 0 failed; ")
    assert _batched(batch.read_rows(results)) == _expected(_alone(db, [(p, "AMZN") for p in seeds]))
    probe = (
        "import sys; from caibao.cli.app import main; sys.argv = ['caibao', 'check', sys.argv[1], '--format', 'json',"
        " '--db', sys.argv[2]]\ntry: main()\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('dask', 'distributed', 'pyarrow') if m in sys.modules), file=sys.stderr)"
    )
    single = subprocess.run(
        [sys.executable, "-c", probe, str(seeds[0]), str(db)], capture_output=True, text=True, timeout=120
    )
    assert single.stderr.strip().splitlines()[-1] == "[]"
    assert json.loads(single.stdout)["ticker"] == "AMZN"


def test_batch_on_local_cluster_equals_here(articles, tmp_path):
    """The same batch on a real LocalCluster of two processes: the same rows (in finishing order)."""
    from dask.distributed import Client, LocalCluster

    db, manifest, files = articles
    bad = tmp_path / "corrupt.txt"
    bad.write_bytes(CORRUPT)
    here, there = tmp_path / "here.jsonl", tmp_path / "there.jsonl"
    with Store.open(db, read_only=True) as store:
        documents = [*batch.gather([str(manifest)]), batch.Document(str(bad), "AMZN")]
        batch.run(documents, here, store)
        cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
        try:
            with Client(cluster) as client:
                totals = batch.run(documents, there, store, scheduler=cluster.scheduler_address)
                assert len(client.scheduler_info()["workers"]) == 2
        finally:
            cluster.close()
    key = lambda r: (r["document"], r["start"], r["end"], r["quote"])  # noqa: E731
    assert sorted(batch.read_rows(there), key=key) == sorted(batch.read_rows(here), key=key)
    drop = lambda r: {k: v for k, v in r.items() if k != "seconds"}  # noqa: E731
    assert sorted(map(drop, batch.read_rows(batch.documents_path(there))), key=str) == sorted(
        map(drop, batch.read_rows(batch.documents_path(here))), key=str
    )
    assert (totals.documents, totals.errors) == (len(files) + 1, 1)


def test_time_limit_in_a_thread_is_an_error_row(articles, tmp_path):
    """A Dask worker runs checks off the main thread, where SIGALRM cannot reach: the limit still holds."""
    import threading

    db, _, files = articles
    big = tmp_path / "big.txt"
    big.write_text((files[-1][0].read_text(encoding="utf-8") + "\n") * 40, encoding="utf-8")
    outcome: list[batch.Outcome] = []
    with Store.open(db, read_only=True) as store:
        index = store.index("AMZN")
        tickers = tuple(store.tickers())
    worker = threading.Thread(
        target=lambda: outcome.append(
            batch.check_document(batch.Document(str(big), "AMZN"), None, {"AMZN": index}, tickers, 0.05)
        )
    )
    worker.start()
    worker.join(60)
    assert outcome[0].rows == []
    assert (
        outcome[0].error
        == f"{big}: the check took longer than its 0.05 s time limit (--time-limit SECONDS allows more)"
    )


def test_a_worker_killed_mid_batch_loses_nothing(articles, tmp_path):
    """SIGKILL one of two workers while it holds tasks: the scheduler reruns them on the other (and
    on the nanny's replacement), and the batch has every document's claims, each exactly once."""
    import os
    import signal

    from dask.distributed import Client, LocalCluster

    db, _, files = articles
    copies = []
    for n in range(3):  # enough documents that the killed worker has several in hand
        for path, ticker in files:
            copy = tmp_path / "copies" / f"{n}-{path.name}"
            copy.parent.mkdir(exist_ok=True)
            copy.write_bytes(path.read_bytes())
            copies.append(batch.Document(str(copy), ticker))
    here, there = tmp_path / "here.jsonl", tmp_path / "there.jsonl"
    cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
    killed: list[int] = []
    try:
        with Client(cluster) as client, Store.open(db, read_only=True) as store:
            batch.run(copies, here, store)
            pids = sorted(client.run(os.getpid).values())

            def kill_one(done: int, total: int) -> None:
                if done == 5 and not killed:
                    os.kill(pids[0], signal.SIGKILL)
                    killed.append(pids[0])

            totals = batch.run(copies, there, store, scheduler=cluster.scheduler_address, progress=kill_one)
            assert pids[0] not in client.run(os.getpid).values()  # it is gone, not merely idle
    finally:
        cluster.close()
    assert killed
    assert (totals.documents, totals.errors) == (len(copies), 0)
    key = lambda r: (r["document"], r["start"], r["end"], r["quote"])  # noqa: E731
    assert sorted(batch.read_rows(there), key=key) == sorted(batch.read_rows(here), key=key)
    assert sorted(r["document"] for r in batch.read_rows(batch.documents_path(there))) == sorted(d.path for d in copies)


def test_partitioned_dataset_and_resume_after_a_stop(articles, tmp_path, monkeypatch):
    """RESULTS a folder: parts of PART_DOCUMENTS documents, readable by DuckDB as one table; a
    stopped run (its last documents part never closed) resumes by redoing just those documents."""
    import duckdb

    db, manifest, files = articles
    monkeypatch.setattr(batch.Sink, "PART_DOCUMENTS", 5)
    single, dataset = tmp_path / "single.parquet", tmp_path / "results"
    with Store.open(db, read_only=True) as store:
        documents = batch.gather([str(manifest)])
        batch.run(documents, single, store)
        batch.run(documents, dataset, store)
        parts = sorted(p.name for p in (dataset / "documents").glob("part-*.parquet"))
        assert parts == [f"part-{n:06d}.parquet" for n in range(-(-len(files) // 5))]
        assert sorted(p.name for p in (dataset / "claims").glob("part-*.parquet")) == parts
        key = lambda r: (r["document"], r["start"], r["end"], r["quote"])  # noqa: E731
        expected = sorted(batch.read_rows(single), key=key)
        assert sorted(batch.read_rows(dataset), key=key) == expected
        with duckdb.connect() as con:
            counted = con.execute(f"SELECT count(*) FROM '{dataset}/claims/*.parquet'").fetchone()[0]
        assert counted == len(expected) > 100
        # A stop before the last part closed: its documents part is missing, its claims part stays.
        last = dataset / "documents" / parts[-1]
        lost = {r["document"] for r in batch.read_rows(last)}
        last.unlink()
        totals = batch.run(documents, dataset, store, resume=True)
    assert (totals.skipped, totals.documents) == (len(files) - len(lost), len(lost))
    assert sorted(batch.read_rows(dataset), key=key) == expected
    summary = batch.read_rows(batch.documents_path(dataset))
    assert sorted(r["document"] for r in summary) == sorted(str(p) for p, _ in files)
