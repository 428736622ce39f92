"""The server under hostile use, as a separate `caibao serve` process on 127.0.0.1: a check that
would run for minutes, a flood of ordinary ones beside it, bodies far over the limit, forms sent from
another site, a rebound host name, and the CLI on the same store while it all runs."""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from caibao.web.app import MAX_ARTICLE, body_limit

from .test_check_seeds import SEED_002
from .web_server import free_port

# One sentence of real figures, repeated with commas and no full stop: a run-on "sentence" of
# about 900 KB, which takes the checker many seconds.
RUN_ON = "Amazon net sales were $213.4 billion, up 14%, and AWS revenue rose 20% to $35.6 billion, "
ORDINARY = "Amazon's net sales were $213.4 billion in the fourth quarter of 2025."
TIME_LIMIT = 2


@pytest.fixture(scope="module")
def server(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """`caibao serve` as a user starts it: its own process, two check workers, a 2 s limit."""
    db = tmp_path_factory.mktemp("hostile") / "served.duckdb"
    shutil.copy(seeded_db, db)
    port = free_port()
    env = {**os.environ, "CAIBAO_DB": str(db)}
    command = [sys.executable, "-m", "caibao", "serve", "--port", str(port), "--workers", "2",
               "--time-limit", str(TIME_LIMIT)]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/check", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the server did not start: {process.communicate()[1].decode()[-2000:]}")
        time.sleep(0.1)
    yield base, db, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_a_pathological_check_stops_at_its_limit_while_others_are_answered(server):
    base, _, _ = server
    answer: dict = {}

    def pathological() -> None:
        text = (RUN_ON * (900_000 // len(RUN_ON)))[:900_000]
        started = time.monotonic()
        response = httpx.post(f"{base}/api/check", json={"text": text, "ticker": "AMZN", "lang": "en"}, timeout=60)
        answer.update(status=response.status_code, body=response.json(), seconds=time.monotonic() - started)

    thread = threading.Thread(target=pathological)
    thread.start()
    time.sleep(0.3)  # it has reached a worker
    waits = []
    for i in range(20):
        started = time.monotonic()
        response = httpx.post(f"{base}/api/check", json={"text": f"{ORDINARY} ({i})", "ticker": "AMZN"}, timeout=30)
        waits.append(time.monotonic() - started)
        assert response.status_code == 200 and response.json()["summary"]["supported"] == 1
    started = time.monotonic()
    brief = httpx.get(f"{base}/brief", params={"ticker": "AMZN", "period": "2025Q4", "lang": "en"}, timeout=30)
    waits.append(time.monotonic() - started)
    assert brief.status_code == 200 and "213,386" in brief.text
    thread.join(60)
    assert max(waits) < 3, waits
    assert answer["status"] == 504, answer
    assert (
        answer["body"]["detail"]
        == "The check took longer than its 2 s limit and was stopped; check a shorter text, or it in parts"
    )
    assert answer["seconds"] < TIME_LIMIT + 3
    # The killed worker was replaced: checks still run.
    again = httpx.post(f"{base}/api/check", json={"text": ORDINARY, "ticker": "AMZN"}, timeout=30)
    assert again.status_code == 200


def test_a_long_writer_on_the_store_does_not_break_the_checks(server):
    """Regression: a worker started while an ingest held the store past the time limit left the
    pool broken, and every later check was a 500 until a restart."""
    base, db, _ = server
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "time.sleep(4); c.close()", str(db)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    during = httpx.post(f"{base}/api/check", json={"text": ORDINARY, "ticker": "AMZN"}, timeout=30)
    assert during.status_code in (200, 503, 504), during.text
    holder.wait(10)
    after = httpx.post(f"{base}/api/check", json={"text": ORDINARY, "ticker": "AMZN"}, timeout=30)
    assert after.status_code == 200 and after.json()["summary"]["supported"] == 1


def test_an_article_over_the_byte_limit_is_refused_by_the_api_too(server):
    base, _, _ = server
    cjk = "營" * (MAX_ARTICLE // 3 + 10)  # under the limit in characters, over it in bytes
    response = httpx.post(f"{base}/api/check", json={"text": cjk, "ticker": "AMZN"}, timeout=30)
    assert response.status_code == 413 and len(response.content) < 500
    page = httpx.get(f"{base}/check", params={"lang": "xx"})
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")


def test_the_timeout_page_is_in_the_readers_language(server):
    base, _, _ = server
    text = (RUN_ON * (600_000 // len(RUN_ON)))[:600_000]
    page = httpx.post(f"{base}/check", params={"lang": "zh-Hans"}, data={"text": text}, timeout=60)
    assert page.status_code == 504 and "检查超过 2 秒的时限" in page.text


def test_the_cli_reads_and_writes_the_store_while_the_server_runs(server, tmp_path, shared):
    base, db, _ = server
    env = {**os.environ, "CAIBAO_DB": str(db)}
    cli = [sys.executable, "-m", "caibao"]
    facts = subprocess.run([*cli, "facts", "AMZN", "--metric", "revenue", "--period", "FY2024", "--format", "csv"],
                           env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert facts.returncode == 0 and ",637959000000,USD," in facts.stdout, facts.stderr
    article = tmp_path / "one.txt"
    article.write_text(ORDINARY, encoding="utf-8")
    checked = subprocess.run([*cli, "check", str(article), "--ticker", "AMZN", "--format", "json"],
                             env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert checked.returncode == 0 and json.loads(checked.stdout)["summary"]["supported"] == 1, checked.stderr
    # Even a writer: the server holds the store only while a request reads it.
    filing = shared / "filings" / "nflx-10-q-2025-07-18.htm"
    ingest = subprocess.run([*cli, "ingest", str(filing)], env=env, capture_output=True, text=True, timeout=120)
    assert ingest.returncode == 0 and "facts added" in ingest.stdout, ingest.stderr
    served = httpx.get(f"{base}/api/facts/NFLX", params={"metric": "revenue", "period": "2025Q2"}, timeout=30)
    assert [f["value"] for f in served.json()] == [11079166000]


def test_a_form_from_another_site_is_refused(server):
    base, _, _ = server
    foreign = httpx.post(f"{base}/check", data={"text": ORDINARY}, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and "拒絕來自其他網站的表單提交" in foreign.text
    foreign = httpx.post(f"{base}/check", data={"text": ORDINARY}, headers={"Referer": "https://evil.example/x"})
    assert foreign.status_code == 403
    own = httpx.post(f"{base}/check", data={"text": ORDINARY}, headers={"Origin": base})
    assert own.status_code == 303 and own.headers["location"].startswith("/check/")
    # A page elsewhere reaching this server by a name of its own (DNS rebinding) is not answered.
    rebound = httpx.get(f"{base}/api/facts/AMZN", headers={"Host": f"evil.example:{base.rsplit(':', 1)[1]}"})
    assert rebound.status_code == 400


def _raw(base: str, head: bytes, body_chunks, limit: int) -> tuple[bytes, int]:
    """Send a request over a plain socket, the body only while the server has not answered;
    returns (the answer, bytes of body sent before it came)."""
    host, port = base.removeprefix("http://").split(":")
    sent, answer = 0, b""
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head)
        for chunk in body_chunks:
            readable, writable, _ = select.select([sock], [sock], [], 10)
            if readable or sent > limit:
                break
            if writable:
                try:
                    sock.sendall(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    break
                sent += len(chunk)
        try:
            while not _complete(answer) and (chunk := sock.recv(65536)):
                answer += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    return answer, sent


def _complete(answer: bytes) -> bool:
    """Whether `answer` holds a whole response: its head and as much body as it declares."""
    head, found, body = answer.partition(b"\r\n\r\n")
    if not found:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return False


def test_a_100_mb_body_is_refused_unread(server):
    base, _, _ = server
    size = 100_000_000
    head = (f"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {size}\r\n\r\n").encode()  # fmt: skip
    answer, sent = _raw(base, head, (b"x" * 65536 for _ in range(size // 65536)), size)
    assert answer.startswith(b"HTTP/1.1 413") and sent < 8_000_000
    assert len(answer) < 2_000 and b"xxxx" not in answer
    # Declaring no length (chunked) does not get round the cap: counted as it comes, cut at it.
    head = (
        b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"10000\r\n" + b"y" * 65536 + b"\r\n"
    answer, sent = _raw(base, head, (chunk for _ in range(size // 65536)), size)
    assert answer.startswith(b"HTTP/1.1 413") and sent < body_limit("/api/check") + 8_000_000
    assert b"yyyy" not in answer


def test_errors_never_echo_the_input(server):
    base, _, _ = server
    over = httpx.post(f"{base}/api/check", json={"text": "9" * (MAX_ARTICLE + 10)}, timeout=30)
    assert over.status_code == 422 and len(over.content) < 2_000
    assert over.json()["detail"][0]["loc"] == ["body", "text"]
    surrogate = httpx.post(f"{base}/api/check", content=b'{"text": "Amazon \\ud800 revenue $213.4 billion"}',
                           headers={"Content-Type": "application/json"})  # fmt: skip
    assert surrogate.status_code == 422 and "unicode string" in surrogate.text


def test_every_response_carries_the_security_headers(server):
    base, _, _ = server
    for path in ["/check", "/brief?ticker=AMZN&period=2025Q4", "/facts?ticker=AMZN", "/api/facts/AMZN",
                 "/brief/AMZN/2025Q4.html", "/check/0123456789abcdef0123", "/docs"]:  # fmt: skip
        response = httpx.get(f"{base}{path}", timeout=30)
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy, path
        assert "script-src" not in policy or path == "/docs", path
        assert response.headers["x-content-type-options"] == "nosniff"


def test_uploads_in_big5_and_binary_files(server, shared):
    base, _, _ = server
    text = (shared / SEED_002).read_text(encoding="utf-8")
    upload = httpx.post(f"{base}/check", params={"lang": "en"}, files={"file": ("seed.txt", text.encode("big5"))},
                        data={"ticker": "AMZN"}, follow_redirects=True, timeout=60)  # fmt: skip
    assert upload.status_code == 200 and 'id="count-contradicted">7<' in upload.text
    elf = httpx.post(f"{base}/check", files={"file": ("tool.txt", b"\x7fELF\x02\x01\x01" + bytes(200))})
    assert elf.status_code == 422 and "ELF" in elf.text


def test_sigterm_stops_the_server_within_seconds(server):
    base, _, process = server
    text = (RUN_ON * (900_000 // len(RUN_ON)))[:900_000]

    def running_check() -> None:
        with contextlib.suppress(httpx.TransportError):  # the server goes away under it: the point
            httpx.post(f"{base}/api/check", json={"text": text, "ticker": "AMZN"}, timeout=30)

    thread = threading.Thread(target=running_check, daemon=True)
    thread.start()
    time.sleep(0.5)  # a check is running in a worker
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(10)
    assert time.monotonic() - started < 5
