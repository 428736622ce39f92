"""A real HTTP server on 127.0.0.1 that answers like SEC EDGAR, for the online path's tests.

It serves the ticker map, a submissions index, filings from ../shared/filings and company facts,
records every request (time and User-Agent), and can be told to fail or stall on a path.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CIK = "0001065280"
FILINGS = [
    ("10-K", "2025-01-27", "0001065280-25-000044", "nflx-10-k-2025-01-27.htm"),
    ("8-K", "2025-04-17", "0001065280-25-000100", "nflx-8k.htm"),
    ("10-Q", "2025-07-18", "0001065280-25-000321", "nflx-10-q-2025-07-18.htm"),
]


def companyfacts() -> bytes:
    entries = [
        {"start": "2024-01-01", "end": "2024-12-31", "val": 39000966000, "form": "10-K", "fp": "FY",
         "filed": "2025-01-27", "accn": "0001065280-25-000044"},
        {"start": "2024-01-01", "end": "2024-09-30", "val": 28672281000, "form": "10-Q", "fp": "Q3",
         "filed": "2024-10-18", "accn": "0001065280-24-000200"},
    ]  # fmt: skip
    doc = {"cik": 1065280, "entityName": "NETFLIX INC", "facts": {"us-gaap": {"Revenues": {"units": {"USD": entries}}}}}
    return json.dumps(doc).encode()


@dataclass
class Sec:
    filings_dir: Path
    requests: list[tuple[float, str, str]] = field(default_factory=list)  # (time, path, user agent)
    fail: dict[str, int] = field(default_factory=dict)  # path -> how many 503s before it answers
    broken: set[str] = field(default_factory=set)  # paths that always answer 500
    stall: dict[str, float] = field(default_factory=dict)  # path -> seconds to wait, once

    def routes(self) -> dict[str, bytes]:
        tickers = {"0": {"cik_str": 1065280, "ticker": "NFLX", "title": "NETFLIX INC"},
                   "1": {"cik_str": 1018724, "ticker": "AMZN", "title": "AMAZON COM INC"}}  # fmt: skip
        recent = {
            "form": [f[0] for f in FILINGS], "filingDate": [f[1] for f in FILINGS],
            "accessionNumber": [f[2] for f in FILINGS], "primaryDocument": [f[3] for f in FILINGS],
        }  # fmt: skip
        routes = {
            "/files/company_tickers.json": json.dumps(tickers).encode(),
            f"/submissions/CIK{CIK}.json": json.dumps({"cik": CIK, "filings": {"recent": recent}}).encode(),
            f"/api/xbrl/companyfacts/CIK{CIK}.json": companyfacts(),
        }
        for form, _, accession, document in FILINGS:
            if form != "8-K":
                path = f"/Archives/edgar/data/{int(CIK)}/{accession.replace('-', '')}/{document}"
                routes[path] = (self.filings_dir / document).read_bytes()
        return routes


def serve(sec: Sec) -> tuple[ThreadingHTTPServer, str]:
    routes = sec.routes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            sec.requests.append((time.monotonic(), self.path, self.headers.get("User-Agent", "")))
            if self.path in sec.stall:
                time.sleep(sec.stall.pop(self.path))
            if self.path in sec.broken:
                self.send_error(500)
                return
            if sec.fail.get(self.path, 0) > 0:
                sec.fail[self.path] -= 1
                self.send_response(503)
                self.send_header("Retry-After", "0")
                self.end_headers()
                return
            body = routes.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
