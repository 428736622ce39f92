"""Refresh the web pages' screenshots in docs/: desktop (1366x900) and phone (390x844), in Debian's
Chromium against a real server on 127.0.0.1 over a fresh store (the bundled Amazon data).

    .venv/bin/python docs/screenshots.py [--seed ../shared/seeds/002_*.txt]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from caibao.web.app import create_app

DOCS = Path(__file__).resolve().parent
SHARED = DOCS.parent.parent / "shared"
VIEWPORTS = {"": {"width": 1366, "height": 900}, "-phone": {"width": 390, "height": 844}}


def serve(db: Path) -> tuple[uvicorn.Server, threading.Thread, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db, workers=1), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    seeds = sorted((SHARED / "seeds").glob("002_*.txt"))
    parser.add_argument("--seed", type=Path, default=seeds[0] if seeds else None, help="the article to check")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        server, thread, base = serve(Path(work) / "shots.duckdb")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                            args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
                page = browser.new_page(viewport=VIEWPORTS[""])
                page.goto(f"{base}/check?lang=zh-Hant")
                page.fill("#text", args.seed.read_text(encoding="utf-8"))
                page.select_option("#ticker", "AMZN")
                page.click("#submit")
                page.wait_for_url(f"{base}/check/*")
                result = page.url.split("?")[0]
                for suffix, viewport in VIEWPORTS.items():
                    page.set_viewport_size(viewport)
                    page.goto(f"{base}/check?lang=zh-Hant")
                    page.screenshot(path=DOCS / f"check-form{suffix}.png")
                    page.goto(f"{result}?lang=zh-Hant")
                    page.screenshot(path=DOCS / f"check-result{suffix}.png")
                    typo = page.locator("mark.contradicted button.fig", has_text="428.16")
                    typo.scroll_into_view_if_needed()
                    typo.focus()
                    page.keyboard.press("Enter")  # the explanation as a keyboard or phone reader opens it
                    page.screenshot(path=DOCS / f"check-explained{suffix}.png")
                    page.goto(f"{base}/brief?ticker=AMZN&period=2025Q4&lang=zh-Hant")
                    page.screenshot(path=DOCS / f"brief{suffix}.png")
                    page.goto(f"{base}/facts?ticker=AMZN&period=2025Q4&lang=zh-Hant")
                    page.screenshot(path=DOCS / f"facts{suffix}.png")
                browser.close()
        finally:
            server.should_exit = True
            thread.join(10)
            server.config.app.state.service.close()


if __name__ == "__main__":
    main()
