"""Errors as a reader meets them, on a real server on 127.0.0.1: in the reader's language, with
what to do next as links, never a path on disk or a traceback; a refused check gives the form back
with the article in it; a brief for a company or period the store lacks is a 404 listing those it
has; /docs and /redoc work with no internet (their files come from an installed package)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from caibao.web.app import MAX_ARTICLE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
UNKNOWN_COMPANY = "今天天氣很好，公司本季營收 100 億美元。"  # names no company the store holds


@pytest.fixture(scope="module")
def served(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """(base URL, the store's path): the path is what no answer may show."""
    from .web_server import running

    db = tmp_path_factory.mktemp("errors") / "errors.duckdb"
    shutil.copy(seeded_db, db)
    with running(db) as url:
        yield url, db


def no_leak(text: str, db: Path) -> None:
    assert str(db) not in text and str(db.parent) not in text
    assert "Traceback" not in text and "--ticker" not in text


def error_of(page: str) -> str:
    found = re.search(r'<p class="error" role="alert" id="error">(.*?)</p>', page, re.S)
    assert found, page[:500]
    return found.group(1)


def textarea_of(page: str) -> str:
    found = re.search(r'<textarea id="text" name="text">(.*?)</textarea>', page, re.S)
    assert found, page[:500]
    return found.group(1)


def test_a_brief_for_an_unknown_company_is_a_404_listing_the_companies(served):
    base, db = served
    page = httpx.get(f"{base}/brief", params={"ticker": "ZZZZ", "period": "2025Q4", "lang": "zh-Hant"}, timeout=30)
    assert page.status_code == 404 and '<html lang="zh-Hant">' in page.text
    assert error_of(page.text) == "資料中沒有公司「ZZZZ」。可查看的公司："
    assert '<li><a href="/brief?ticker=AMZN&amp;lang=zh-Hant">AMZN</a></li>' in page.text
    assert '<a href="/check?lang=zh-Hant">回到查核表單</a>' in page.text
    no_leak(page.text, db)
    # The browser's language when the address names none; the download and facts addresses alike.
    english = httpx.get(f"{base}/brief/ZZZZ/2025Q4.md", headers={"Accept-Language": "en-GB,en;q=0.8"}, timeout=30)
    assert english.status_code == 404 and '<html lang="en">' in english.text
    assert error_of(english.text) == "There is no company “ZZZZ” in the data; companies available:"
    no_leak(english.text, db)
    facts = httpx.get(f"{base}/facts", params={"ticker": "ZZZZ", "lang": "zh-Hans"}, timeout=30)
    assert facts.status_code == 404 and error_of(facts.text) == "数据中没有公司「ZZZZ」。可查看的公司："
    assert '<a href="/facts?ticker=AMZN&amp;lang=zh-Hans">AMZN</a>' in facts.text


def test_a_brief_for_an_unknown_period_is_a_404_listing_the_companys_periods(served):
    base, db = served
    page = httpx.get(f"{base}/brief", params={"ticker": "AMZN", "period": "2031Q1", "lang": "zh-Hant"}, timeout=30)
    assert page.status_code == 404
    assert error_of(page.text) == "AMZN 沒有 2031Q1 的資料。可查看的期間："
    assert '<a href="/brief?ticker=AMZN&amp;period=2025Q4&amp;lang=zh-Hant">2025Q4</a>' in page.text
    assert '<a href="/brief?ticker=AMZN&amp;period=FY2024&amp;lang=zh-Hant">FY2024</a>' in page.text
    assert "213,386" not in page.text  # not the latest quarter's brief in its place
    no_leak(page.text, db)
    english = httpx.get(f"{base}/brief", params={"ticker": "AMZN", "period": "not-a-period", "lang": "en"}, timeout=30)
    assert english.status_code == 404 and error_of(english.text) == "No data for AMZN not-a-period; periods available:"
    download = httpx.get(f"{base}/brief/AMZN/2031Q1.json", params={"lang": "en"}, timeout=30)
    assert download.status_code == 404 and download.headers["content-type"].startswith("text/html")
    assert "content-disposition" not in download.headers
    # The language switch on the error page keeps the address's company and period.
    assert 'href="?ticker=AMZN&amp;period=not-a-period&amp;lang=zh-Hant"' in english.text


def test_api_errors_keep_their_shape_and_show_no_path(served):
    base, db = served
    period = httpx.get(f"{base}/api/brief/AMZN/2031Q1", timeout=30)
    assert period.status_code == 404 and list(period.json()) == ["detail"]
    assert period.json()["detail"].startswith("No data for AMZN 2031Q1; periods available: 2021Q1, ")
    company = httpx.get(f"{base}/api/brief/ZZZZ/2025Q4", headers={"Accept-Language": "zh-TW"}, timeout=30)
    assert company.status_code == 404 and company.json() == {"detail": "資料中沒有公司「ZZZZ」。可查看的公司： AMZN"}
    undetected = httpx.post(f"{base}/api/check", json={"text": UNKNOWN_COMPANY, "lang": "en"}, timeout=60)
    assert undetected.status_code == 422
    assert undetected.json() == {
        "detail": "No company could be detected in the article; name it in the request's ticker field"
    }
    big = httpx.post(f"{base}/api/check", json={"text": "營" * (MAX_ARTICLE // 3 + 1), "lang": "zh-Hant"}, timeout=60)
    assert big.status_code == 413 and big.json() == {"detail": f"文章過大(上限 {MAX_ARTICLE} 位元組)"}
    for answer in (period, company, undetected, big):
        no_leak(answer.text, db)


def test_an_empty_article_gives_the_form_back_in_the_readers_language(served):
    base, db = served
    for lang, said in (("zh-Hant", "請貼上或上傳文章"), ("en", "Paste or upload an article")):
        page = httpx.post(f"{base}/check", params={"lang": lang}, data={"text": "  \n ", "ticker": "AMZN"}, timeout=30)
        assert page.status_code == 400 and f'<html lang="{lang}">' in page.text
        assert error_of(page.text) == said
        assert '<option value="AMZN" selected>AMZN</option>' in page.text  # the company chosen, kept
        no_leak(page.text, db)


def test_an_oversize_article_is_kept_in_the_form(served):
    base, db = served
    article = "亞馬遜本季營收 2,134 億美元。" * (MAX_ARTICLE // 40 + 1)  # over the limit in UTF-8 bytes
    assert len(article.encode()) > MAX_ARTICLE
    page = httpx.post(f"{base}/check", params={"lang": "zh-Hant"}, data={"text": article}, timeout=60)
    assert page.status_code == 413
    assert error_of(page.text) == f"文章過大(上限 {MAX_ARTICLE} 位元組)"
    assert textarea_of(page.text) == article
    no_leak(page.text, db)
    english = httpx.post(f"{base}/check", data={"text": article}, headers={"Accept-Language": "en"}, timeout=60)
    # A form post names its language in the address: the form's own, not the browser's.
    assert english.status_code == 413 and '<html lang="zh-Hant">' in english.text


def test_an_article_with_no_company_detected_is_kept_with_what_to_do(served):
    base, db = served
    page = httpx.post(f"{base}/check", params={"lang": "en"}, data={"text": UNKNOWN_COMPANY}, timeout=60)
    assert page.status_code == 422
    assert (
        error_of(page.text)
        == "No company could be detected in the article; choose one in the Company menu and check again"
    )
    assert textarea_of(page.text) == UNKNOWN_COMPANY
    no_leak(page.text, db)


def test_an_unreadable_upload_says_so_in_the_readers_language(served):
    base, db = served
    page = httpx.post(f"{base}/check", params={"lang": "zh-Hant"},
                      files={"file": ("tool.txt", b"\x7fELF\x02\x01\x01" + bytes(200))}, timeout=30)  # fmt: skip
    assert page.status_code == 422
    assert error_of(page.text) == "上傳的檔案無法讀成文字；請另存為 UTF-8 純文字檔後再上傳"
    no_leak(page.text, db)


def test_unknown_pages_and_results_say_what_to_do_next(served):
    base, db = served
    nowhere = httpx.get(f"{base}/nowhere", headers={"Accept-Language": "en-US"}, timeout=30)
    assert nowhere.status_code == 404 and error_of(nowhere.text) == "There is no page at this address"
    assert '<a href="/check?lang=en">Back to the check form</a>' in nowhere.text
    result = httpx.get(f"{base}/check/0123456789abcdef0123", params={"lang": "zh-Hant"}, timeout=30)
    assert result.status_code == 404 and error_of(result.text).startswith("找不到這個查核結果")
    bad_lang = httpx.get(f"{base}/check", params={"lang": "xx"}, headers={"Accept-Language": "zh-CN"}, timeout=30)
    assert bad_lang.status_code == 422 and '<html lang="zh-Hans">' in bad_lang.text
    assert error_of(bad_lang.text) == "网址中有此网页不接受的参数"
    for answer in (nowhere, result, bad_lang):
        no_leak(answer.text, db)
        assert "{" not in error_of(answer.text)  # no raw JSON


# -- in the browser ------------------------------------------------------------------------------

browser_only = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
)


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
def offline_page(browser):
    """A page that reaches 127.0.0.1 only: every other request is aborted, and listed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    elsewhere: list[str] = []

    def only_here(route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_here)
    page = context.new_page()
    page.elsewhere = elsewhere
    yield page
    context.close()


@browser_only
def test_swagger_ui_renders_offline(offline_page, served):
    base, _ = served
    offline_page.goto(f"{base}/docs")
    offline_page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert offline_page.locator(".swagger-ui .info .title").inner_text().startswith("caibao")
    offline_page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = offline_page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/check" in paths and "/api/brief/{ticker}/{period}" in paths
    assert offline_page.elsewhere == []


@browser_only
def test_redoc_renders_offline(offline_page, served):
    base, _ = served
    offline_page.goto(f"{base}/redoc")
    offline_page.wait_for_selector("text=Check the numbers in an article", timeout=20_000)
    assert offline_page.locator("h1").first.inner_text().startswith("caibao")
    assert offline_page.elsewhere == []


@browser_only
def test_a_refused_check_keeps_the_article_in_the_browser(offline_page, served):
    base, _ = served
    offline_page.goto(f"{base}/check?lang=zh-Hant")
    offline_page.fill("#text", UNKNOWN_COMPANY)
    offline_page.click("#submit")
    offline_page.wait_for_selector("#error")
    assert offline_page.locator("#error").inner_text().startswith("無法從文章中辨識是哪家公司")
    assert offline_page.input_value("#text") == UNKNOWN_COMPANY
    # Choosing the company and sending the same article again now checks it.
    offline_page.select_option("#ticker", "AMZN")
    offline_page.click("#submit")
    offline_page.wait_for_url(f"{base}/check/*")
    assert offline_page.locator("#article").inner_text().startswith("今天天氣很好")
