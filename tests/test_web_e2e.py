"""The web pages in a real browser: headless Chromium (Debian's, driven by Playwright) against a real
server on 127.0.0.1. Set CAIBAO_SCREENSHOTS=docs to refresh the screenshots the README links."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .test_check_seeds import SEED_002

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
)
SHOTS = os.environ.get("CAIBAO_SCREENSHOTS")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"],
        )  # fmt: skip
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)


def test_paste_seed_002_and_see_its_errors(page, web_base, shared):
    page.goto(f"{web_base}/check?lang=zh-Hant")
    shot(page, "check-form")
    page.fill("#text", (shared / SEED_002).read_text(encoding="utf-8"))
    page.select_option("#ticker", "AMZN")
    page.click("#submit")
    page.wait_for_url(f"{web_base}/check/*")
    red = page.locator("mark.contradicted")
    assert red.count() == 7
    assert page.locator("#count-contradicted").inner_text() == "7"
    assert page.locator("#contradictions li").count() == 7
    typo = page.locator("mark.contradicted", has_text="428.16億美元")
    assert "528.16" in typo.get_attribute("title")
    assert (
        page.locator("mark.contradicted").first.evaluate("e => getComputedStyle(e).backgroundColor")
        == "rgb(255, 209, 204)"
    )
    shot(page, "check-result")
    shared_url = page.locator("#share").get_attribute("href")
    page.click('nav .langs a[data-lang="en"]')
    assert page.locator("h1").inner_text().startswith("Result:")
    assert shared_url.split("?")[0] in page.url


def test_open_the_brief_and_download_it(page, web_base):
    page.goto(f"{web_base}/brief?ticker=AMZN&period=2025Q4&lang=zh-Hant")
    assert page.locator("#table-income").count() == 1
    assert page.locator("#chart-segment_revenue rect").count() >= 24
    assert "213,386" in page.locator("#table-income").inner_text()
    shot(page, "brief")
    for form, expected in (("md", "| 營業收入 | 213,386 |"), ("json", '"period": "2025Q4"'), ("html", "<svg")):
        with page.expect_download() as info:
            page.click(f"#download-{form}")
        download = info.value
        assert download.suggested_filename == f"AMZN-2025Q4-zh-Hant.{form}"
        assert expected in Path(download.path()).read_text(encoding="utf-8")


def test_facts_page_with_sources(page, web_base):
    page.goto(f"{web_base}/facts?ticker=AMZN&lang=en")
    page.select_option("#metric", "segment_revenue")
    page.fill("#period", "2025Q4")
    page.click("form.inline button")
    rows = page.locator("#facts tbody tr")
    assert rows.count() == 3
    assert "amzn-facts.csv line" in rows.first.inner_text()
    shot(page, "facts")
