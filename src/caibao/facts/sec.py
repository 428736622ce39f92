"""The online path: SEC EDGAR's ticker map, submissions index, filing documents and company facts.

SEC asks every client to say who it is (a User-Agent with a contact), to stay under 10 requests a
second, and to back off when told to. Responses are cached on disk, so a second fetch of the same
filings costs no request. Base URLs can be pointed elsewhere (a mirror, or a test server).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

import httpx
import platformdirs

from caibao.errors import CaibaoError

WWW = "https://www.sec.gov"
DATA = "https://data.sec.gov"
MAX_RESPONSE = 256 * 1024 * 1024
RETRY_STATUSES = {429, 500, 502, 503, 504}


def config_path() -> Path:
    return platformdirs.user_config_path("caibao") / "config.toml"


def user_agent() -> str:
    """From $CAIBAO_USER_AGENT, else [sec] user_agent in the config file; SEC refuses anonymous clients."""
    agent = os.environ.get("CAIBAO_USER_AGENT", "").strip()
    if not agent and config_path().is_file():
        agent = str(tomllib.loads(config_path().read_text(encoding="utf-8")).get("sec", {}).get("user_agent", ""))
    if "@" not in agent:
        raise CaibaoError(
            'SEC requires a User-Agent with a contact e-mail: set CAIBAO_USER_AGENT="Your Name you@example.com" '
            f"or user_agent under [sec] in {config_path()}"
        )
    return agent


@dataclass
class SecClient:
    agent: str
    www: str = field(default_factory=lambda: os.environ.get("CAIBAO_SEC_WWW", WWW).rstrip("/"))
    data: str = field(default_factory=lambda: os.environ.get("CAIBAO_SEC_DATA", DATA).rstrip("/"))
    cache: Path = field(
        default_factory=lambda: (
            Path(os.environ.get("CAIBAO_CACHE_DIR") or platformdirs.user_cache_path("caibao")) / "http"
        )
    )
    rate: float = 10.0  # requests per second, at most
    retries: int = 4
    backoff: float = field(
        default_factory=lambda: float(os.environ.get("CAIBAO_HTTP_BACKOFF", "0.5"))
    )  # doubled each retry
    timeout: float = field(default_factory=lambda: float(os.environ.get("CAIBAO_HTTP_TIMEOUT", "30")))
    requests: int = 0
    _last: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.http = httpx.Client(headers={"User-Agent": self.agent, "Accept-Encoding": "gzip, deflate"},
                                 timeout=self.timeout, follow_redirects=True)  # fmt: skip

    def close(self) -> None:
        self.http.close()

    def _throttle(self) -> None:
        with self._lock:
            wait = self._last + 1 / self.rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()

    def get(self, url: str) -> bytes:
        """The body of `url`, from the cache when it has it."""
        cached = self.cache / hashlib.sha256(url.encode()).hexdigest()
        if cached.is_file():
            return cached.read_bytes()
        body = self._download(url)
        self.cache.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".part")
        partial.write_bytes(body)
        partial.replace(cached)  # never leave a half-written entry for the next run to trust
        return body

    def _download(self, url: str) -> bytes:
        delay = self.backoff
        for attempt in range(self.retries + 1):
            self._throttle()
            self.requests += 1
            try:
                response = self.http.get(url)
            except httpx.TimeoutException:
                problem = f"no answer in {self.timeout:g} s"
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code == 200:
                    if len(response.content) > MAX_RESPONSE:
                        raise CaibaoError(f"{url}: response over {MAX_RESPONSE} bytes")
                    return response.content
                problem = f"HTTP {response.status_code}"
                if response.status_code not in RETRY_STATUSES:
                    raise CaibaoError(f"{url}: {problem}")
                retry_after = response.headers.get("Retry-After", "")
                if retry_after.isdigit():
                    delay = max(delay, min(float(retry_after), 60.0))
            if attempt < self.retries:
                time.sleep(delay)
                delay *= 2
        raise CaibaoError(f"{url}: {problem} after {self.retries + 1} tries")

    def json(self, url: str) -> dict:
        try:
            return json.loads(self.get(url))
        except json.JSONDecodeError:
            raise CaibaoError(f"{url}: not JSON") from None

    # -- EDGAR -----------------------------------------------------------------------------------

    def cik(self, ticker: str) -> tuple[str, str]:
        """(10-digit CIK, company name) for a ticker, from SEC's ticker map."""
        table = self.json(f"{self.www}/files/company_tickers.json")
        for row in table.values():
            if str(row.get("ticker", "")).upper() == ticker.upper():
                return f"{int(row['cik_str']):010d}", str(row.get("title", ""))
        raise CaibaoError(f"{ticker}: not in SEC's ticker map")

    def filings(self, cik: str, forms: set[str], since: int | None) -> list[Filing]:
        index = self.json(f"{self.data}/submissions/CIK{cik}.json")
        recent = index.get("filings", {}).get("recent", {})
        found = []
        for i, form in enumerate(recent.get("form", [])):
            filed = recent["filingDate"][i]
            if form not in forms or (since and int(filed[:4]) < since):
                continue
            accession = recent["accessionNumber"][i]
            document = recent["primaryDocument"][i]
            url = f"{self.www}/Archives/edgar/data/{int(cik)}/{accession.replace('-', '')}/{document}"
            found.append(Filing(form, filed, accession, document, url))
        return sorted(found, key=lambda f: f.filed)

    def companyfacts(self, cik: str) -> tuple[str, bytes]:
        return f"CIK{cik}.json", self.get(f"{self.data}/api/xbrl/companyfacts/CIK{cik}.json")


@dataclass(frozen=True)
class Filing:
    form: str
    filed: str
    accession: str
    document: str
    url: str


class Fetched(NamedTuple):
    name: str
    data: bytes
    filed: date | None = None  # the filing date SEC's index gives; None for company facts


def fetch(client: SecClient, ticker: str, forms: set[str], since: int | None,
          progress: Callable[[str], None] = lambda _: None) -> list[Fetched]:  # fmt: skip
    """The ticker's filings, each with the date it was filed (which decides, where two disagree,
    which one is believed), and its company facts: named as ingest expects them."""
    cik, _ = client.cik(ticker)
    documents = []
    for filing in client.filings(cik, forms, since):
        progress(f"{filing.form} {filing.filed}")
        documents.append(Fetched(filing.document, client.get(filing.url), _date(filing.filed)))
    progress("company facts")
    documents.append(Fetched(*client.companyfacts(cik)))
    return documents


def _date(text: str) -> date | None:
    """An index's "2025-01-27"; None (the filing's own dates decide) for anything else."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
