"""Shared fixtures: real DuckDB files in tmp dirs, the real bundled data, ../shared beside the checkout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from caibao.facts.store import Store

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
BUNDLED_CSV = REPO / "src" / "caibao" / "facts" / "data" / "amzn-facts.csv"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "reference" / "amzn-facts.csv").is_file():
        pytest.skip("../shared is not beside the checkout")
    return SHARED


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store seeded with the bundled data; tests that write get their own copy (db_path)."""
    path = tmp_path_factory.mktemp("seeded") / "caibao.duckdb"
    Store.open(path).close()
    return path


@pytest.fixture
def db_path(seeded_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "caibao.duckdb"
    shutil.copy(seeded_db, path)
    monkeypatch.setenv("CAIBAO_DB", str(path))
    return path


@pytest.fixture
def store(db_path: Path):
    with Store.open(db_path) as s:
        yield s


@pytest.fixture(scope="session")
def read_store(seeded_db: Path):
    """The seeded store, for tests that only read it."""
    with Store.open(seeded_db, read_only=True) as s:
        yield s


@pytest.fixture(scope="session")
def amzn(seeded_db: Path):
    """AMZN's facts as an index (read-only use)."""
    with Store.open(seeded_db, read_only=True) as s:
        return s.index("AMZN")


@pytest.fixture(scope="module")
def web_base(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """A real caibao server on 127.0.0.1 over its own copy of the seeded store."""
    from .web_server import running

    db = tmp_path_factory.mktemp("web") / "web.duckdb"
    shutil.copy(seeded_db, db)
    with running(db) as url:
        yield url


@pytest.fixture(scope="session")
def filings_store(shared, tmp_path_factory):
    """A store holding every filing in ../shared/filings and nothing else: (store, ingest reports)."""
    from caibao.facts import ingest as loader

    path = tmp_path_factory.mktemp("filings") / "filings.duckdb"
    with Store.open(path, seed=False) as store:
        names = sorted(p.name for p in (shared / "filings").iterdir() if loader._wanted(p.name))
        reports = [loader.write(store, loader.prepare(n, (shared / "filings" / n).read_bytes(), None)) for n in names]
        yield store, reports
