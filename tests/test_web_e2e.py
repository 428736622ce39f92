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


# Source URLs an ingested file may carry that must never become a link: each a way browsers have
# been made to run script from an href.
HOSTILE_URLS = [
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "javascript&colon;alert(1)",
]


@pytest.fixture(scope="module")
def hostile_base(seeded_db, tmp_path_factory):
    """A server over a store holding Amazon's bundled figures again as 'JSX', every source URL hostile."""
    import csv
    import io

    from caibao.facts import ingest as loader
    from caibao.facts.store import Store

    from .web_server import running

    folder = tmp_path_factory.mktemp("hostile-links")
    db = folder / "links.duckdb"
    shutil.copy(seeded_db, db)
    source = Path(__file__).parents[1] / "src" / "caibao" / "facts" / "data" / "amzn-facts.csv"
    rows = list(csv.DictReader(io.StringIO(source.read_text(encoding="utf-8"))))
    for i, row in enumerate(rows):
        row["source_url"] = HOSTILE_URLS[i % len(HOSTILE_URLS)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path = folder / "jsx-facts.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    with Store.open(db) as store:
        loader.write(store, loader.prepare(path.name, path.read_bytes(), "JSX"))
    with running(db) as url:
        yield url


def no_hostile_links(page) -> int:
    """How many links the page has, after asserting none of them is anything but http(s)."""
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    resolved = page.locator("a[href]").evaluate_all("links => links.map(a => a.protocol)")
    assert all(p in ("http:", "https:") for p in resolved), hrefs
    assert not [h for h in hrefs if "script:" in h.lower() or h.lower().startswith(("data:", "//"))], hrefs
    return len(hrefs)


def test_hostile_source_urls_are_never_links(page, hostile_base):
    page.goto(f"{hostile_base}/facts?ticker=JSX&lang=en&metric=revenue")
    assert page.locator("#facts tbody tr").count() > 10
    assert "jsx-facts.csv line" in page.locator("#facts tbody").inner_text()
    no_hostile_links(page)
    page.goto(f"{hostile_base}/brief?ticker=JSX&period=2025Q4&lang=en")
    assert "213,386" in page.locator("#table-income").inner_text()
    no_hostile_links(page)
    with page.expect_download() as info:
        page.click("#download-html")
    downloaded = Path(info.value.path())
    text = downloaded.read_text(encoding="utf-8")
    assert "213,386" in text and 'href="javascript' not in text.lower() and "data:text/html" not in text
    page.goto(downloaded.as_uri())  # the file as its reader opens it, with no server's headers
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all(h.startswith(("http:", "https:", "#")) for h in hrefs), hrefs
    page.goto(f"{hostile_base}/brief?ticker=JSX&period=2025Q4&lang=en")
    with page.expect_download() as info:
        page.click("#download-md")
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    assert "javascript" not in markdown.lower() and "213,386" in markdown
