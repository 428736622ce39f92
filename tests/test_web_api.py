"""The JSON API and the pages over real HTTP on 127.0.0.1, and the API against its OpenAPI schema."""

from __future__ import annotations

import shutil

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from caibao.web.app import MAX_ARTICLE, create_app

from .test_check_seeds import SEED_002


def test_api_check_finds_seed_002s_errors(web_base, shared):
    text = (shared / SEED_002).read_text(encoding="utf-8")
    response = httpx.post(f"{web_base}/api/check", json={"text": text, "ticker": "AMZN"}, timeout=30)
    assert response.status_code == 200
    doc = response.json()
    assert doc["summary"]["contradicted"] == 7 and doc["url"] == f"/check/{doc['id']}"
    page = httpx.get(f"{web_base}{doc['url']}?lang=en", timeout=30)
    assert page.status_code == 200 and page.text.count('<mark class="contradicted"') == 7
    assert 'id="count-contradicted">7<' in page.text


def test_api_brief_and_facts(web_base):
    brief = httpx.get(f"{web_base}/api/brief/AMZN/2025Q4", params={"lang": "en"}, timeout=30).json()
    assert brief["period"] == "2025Q4" and brief["tables"][0]["rows"][2]["cells"][0]["text"] == "213,386"
    facts = httpx.get(f"{web_base}/api/facts/AMZN", params={"metric": "revenue", "period": "FY2024"}).json()
    assert [(f["value"], f["period"]) for f in facts] == [(637959000000, "FY2024")]
    missing = httpx.get(f"{web_base}/api/brief/AMZN/2026Q3")
    assert missing.status_code == 404 and "periods available" in missing.json()["detail"]


def test_pages_and_downloads(web_base):
    for path in ["/check", "/brief?ticker=AMZN&period=2025Q4", "/facts?ticker=AMZN&metric=revenue"]:
        for lang in ("zh-Hant", "zh-Hans", "en"):
            page = httpx.get(f"{web_base}{path}", params={"lang": lang})
            assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
    md = httpx.get(f"{web_base}/brief/AMZN/2025Q4.md", params={"lang": "en"})
    assert md.headers["content-disposition"] == 'attachment; filename="AMZN-2025Q4-en.md"'
    assert "| Net sales | 213,386 |" in md.text


def test_user_text_is_escaped_and_uploads_are_bounded(web_base):
    attack = '<script>alert("x")</script> 亞馬遜本季營收 2,134 億美元'
    posted = httpx.post(f"{web_base}/check", data={"text": attack}, follow_redirects=True)
    assert posted.status_code == 200
    assert "<script>alert" not in posted.text and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in posted.text
    big = httpx.post(f"{web_base}/check", files={"file": ("big.txt", b"1" * (MAX_ARTICLE + 1))})
    assert big.status_code == 413
    evil = ("../../etc/passwd.html", "<p>亞馬遜本季營收 2,134 億美元</p>".encode())
    upload = httpx.post(f"{web_base}/check", files={"file": evil},
                        data={"ticker": "AMZN"}, follow_redirects=True)  # fmt: skip
    assert upload.status_code == 200 and "passwd.html" in upload.text and "../" not in upload.text
    assert httpx.get(f"{web_base}/check/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert httpx.get(f"{web_base}/brief/AMZN/2025Q4.exe").status_code == 404


@pytest.fixture(scope="module")
def asgi_schema(seeded_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("schema") / "s.duckdb"
    shutil.copy(seeded_db, db)
    app = create_app(db, workers=1, hosts=("testserver",))  # the in-process client's host name
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    app.state.service.close()


def test_api_never_answers_with_a_server_error(asgi_schema):
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call()
        assert response.status_code < 500, (case.path, case.path_parameters, case.body, response.text[:200])

    for operation in asgi_schema.get_all_operations():
        given(operation.ok().as_strategy())(run)()
