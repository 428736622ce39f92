"""The pages as phone and keyboard readers use them: headless Chromium (Debian's) at 390x844 and
1366x900 against a real server; axe-core (from the installed axe-playwright-python package, no
network) for what a browser can tell of accessibility."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .test_check_seeds import SEED_002
from .test_web_e2e import CHROMIUM, browser  # noqa: F401  (the module's Chromium, one per module)

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def result_url(browser, web_base, shared):  # noqa: F811
    """Seed 002 checked once through the form; the kept result's URL, without its language."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{web_base}/check?lang=zh-Hant")
    page.fill("#text", (shared / SEED_002).read_text(encoding="utf-8"))
    page.select_option("#ticker", "AMZN")
    page.click("#submit")
    page.wait_for_url(f"{web_base}/check/*")
    url = page.url.split("?")[0]
    context.close()
    return url


def _page(browser, viewport):  # noqa: F811
    context = browser.new_context(viewport=viewport)
    return context, context.new_page()


def _expanded(page) -> object:
    """The focused button's expanded state as Chromium tells assistive technology (its AX tree): the
    popover's invoker gets it from the browser, not from an attribute a script keeps."""
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")
    for node in tree["nodes"]:
        props = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
        if props.get("focused") and node.get("role", {}).get("value") == "button":
            return props.get("expanded")
    return None


def test_the_result_stacks_on_a_phone(browser, result_url):  # noqa: F811
    context, page = _page(browser, PHONE)
    page.goto(f"{result_url}?lang=zh-Hant")
    article = page.locator("#article").bounding_box()
    aside = page.locator("aside").bounding_box()
    assert article["width"] >= 300
    assert aside["y"] >= article["y"] + article["height"]  # the findings come after the article
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than the screen
    for link in page.locator("nav a").all():  # no link broken one character a line
        box = link.bounding_box()
        assert box["height"] < 48, link.inner_text()
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.body).lineHeight) / parseFloat(getComputedStyle(document.body).fontSize)"
    )
    assert line >= 1.7
    assert "Noto Sans TC" in page.evaluate("getComputedStyle(document.body).fontFamily")
    context.close()


def test_the_result_is_side_by_side_on_a_desktop(browser, result_url):  # noqa: F811
    context, page = _page(browser, DESKTOP)
    page.goto(f"{result_url}?lang=en")
    article = page.locator("#article").bounding_box()
    aside = page.locator("aside").bounding_box()
    assert article["width"] >= 700 and aside["x"] > article["x"] + article["width"]
    context.close()


def test_brief_tables_scroll_in_their_own_box_on_a_phone(browser, web_base):  # noqa: F811
    context, page = _page(browser, PHONE)
    page.goto(f"{web_base}/brief?ticker=AMZN&period=2025Q4&lang=zh-Hant")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    table = page.locator("table").first
    assert table.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    cell = page.locator("table td:nth-child(2)").first
    assert cell.evaluate("e => getComputedStyle(e).textAlign") == "right"
    assert "tabular-nums" in cell.evaluate("e => getComputedStyle(e).fontVariantNumeric")
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_explanation_is_readable_by_keyboard(browser, result_url, viewport):  # noqa: F811
    context, page = _page(browser, viewport)
    page.goto(f"{result_url}?lang=zh-Hant")
    figures = page.locator("#article button.fig")
    assert figures.count() >= 7
    for _ in range(30):  # Tab from the top of the page to the first figure
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('fig')"):
            break
    focused = page.evaluate("document.activeElement.id")
    assert focused == figures.first.get_attribute("id")
    panel = page.locator(f"#{figures.first.get_attribute('popovertarget')}")
    assert not panel.is_visible() and _expanded(page) is False
    page.keyboard.press("Enter")
    assert panel.is_visible() and "申報值" in panel.inner_text()
    assert _expanded(page) is True
    page.keyboard.press("Escape")
    assert not panel.is_visible()
    # A contradicted figure by Space, and its panel links to the list of findings and back.
    typo = page.locator("mark.contradicted button.fig", has_text="428.16")
    typo.focus()
    page.keyboard.press(" ")
    why = page.locator(f"#{typo.get_attribute('popovertarget')}")
    assert why.is_visible() and "528.16" in why.inner_text() and "不符" in why.inner_text()
    finding = why.locator("a").get_attribute("href")
    assert page.locator(f"{finding} a").first.get_attribute("href") == f"#{typo.get_attribute('id')}"
    context.close()


def test_a_tap_opens_an_explanation_on_a_phone(browser, result_url):  # noqa: F811
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(f"{result_url}?lang=zh-Hans")
    figure = page.locator("mark.supported button.fig").first
    figure.tap()
    panel = page.locator(f"#{figure.get_attribute('popovertarget')}")
    assert panel.is_visible() and "申报值" in panel.inner_text()
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # on the screen, not off its edge
    context.close()


def test_the_language_switch_changes_the_explanations(browser, result_url):  # noqa: F811
    context, page = _page(browser, DESKTOP)
    page.goto(f"{result_url}?lang=zh-Hant")
    typo = "mark.contradicted button.fig >> text=428.16"
    why = lambda: page.locator(f"#{page.locator(typo).get_attribute('popovertarget')}")  # noqa: E731
    zh = why().text_content()
    assert "有一位數字不同" in zh and "(一位數字誤植)" in zh
    page.click('nav .langs a[data-lang="en"]')
    en = why().text_content()
    assert "one digit differs" in en and "(one-digit typo)" in en and not HAN.search(en)
    assert "one digit differs" in page.locator("#contradictions").inner_text()
    page.click('nav .langs a[data-lang="zh-Hans"]')
    hans = why().text_content()
    assert "有一位数字不同" in hans and "(一位数字笔误)" in hans and "typo" not in hans
    # Read from the kept result: the verdicts and counts are the check's, in every language.
    assert page.locator("#count-contradicted").inner_text() == "7"
    context.close()


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in found if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_serious_violation(browser, web_base, result_url, viewport):  # noqa: F811
    context, page = _page(browser, viewport)
    pages = [
        f"{web_base}/check?lang=zh-Hant",
        f"{result_url}?lang=zh-Hant",
        f"{result_url}?lang=en",
        f"{web_base}/brief?ticker=AMZN&period=2025Q4&lang=zh-Hant",
        f"{web_base}/facts?ticker=AMZN&lang=en",
    ]
    for url in pages:
        page.goto(url)
        assert page.locator("h1, h2").count() >= 1
        assert _serious(page) == [], url
    context.close()
