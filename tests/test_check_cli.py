"""`caibao check` as a user runs it: files, standard input, HTML in and out, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from caibao.claims.check import check_text
from caibao.claims.report import to_html
from caibao.facts.periods import parse_label

from .test_check_seeds import SEED_002


def caibao(*args: str, db, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "caibao", *args, "--db", str(db)],
        capture_output=True, text=True, timeout=60, input=stdin,
    )  # fmt: skip


def test_json_output_has_the_documented_fields(db_path, shared):
    result = caibao("check", str(shared / SEED_002), "--ticker", "AMZN", "--format", "json", db=db_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["document"] == "002_0670f17686d4aa05.txt" and doc["ticker"] == "AMZN"
    assert doc["summary"]["contradicted"] == 7
    claim = next(c for c in doc["claims"] if c["quote"] == "93億美元")
    assert set(claim) >= {"quote", "start", "end", "sentence", "metric", "segment", "period", "measure", "stated",
                          "stated_low", "stated_high", "actual", "verdict", "explanation", "sources"}  # fmt: skip
    assert (claim["metric"], claim["segment"], claim["period"], claim["verdict"]) == (
        "segment_operating_income", "North America", "2025Q4", "contradicted")  # fmt: skip
    assert (claim["stated"], claim["stated_low"], claim["stated_high"], claim["actual"]) == (
        9300000000, 9250000000, 9350000000, 11472000000)  # money in USD  # fmt: skip
    growth = next(c for c in doc["claims"] if c["quote"] == "31%")
    assert growth["actual"] == pytest.approx(31.0930, abs=1e-4)  # percentages in percent points
    assert len(growth["sources"]) == 2


def test_stdin_ticker_detection_and_fail_on(db_path):
    text = "亞馬遜第四季營收為 2,314 億美元,年增 14%。"
    ok = caibao("check", "-", "--format", "json", db=db_path, stdin=text)
    assert ok.returncode == 0 and json.loads(ok.stdout)["ticker"] == "AMZN"  # detected from 亞馬遜
    assert {c["verdict"] for c in json.loads(ok.stdout)["claims"]} == {"unverifiable"}  # 第四季 of which year?
    failing = caibao("check", "-", "--format", "json", "--fail-on", "contradicted", "--period", "2025Q4",
                     db=db_path, stdin=text)  # fmt: skip
    assert failing.returncode == 1
    assert [c["verdict"] for c in json.loads(failing.stdout)["claims"]] == ["contradicted", "supported"]
    clean = caibao("check", "-", "--fail-on", "contradicted", db=db_path, stdin="亞馬遜營收年增 14%。")
    assert clean.returncode == 0


def test_errors(db_path, tmp_path):
    result = caibao("check", str(tmp_path / "none.txt"), db=db_path)
    assert result.returncode == 1 and result.stderr.strip() == f"caibao: {tmp_path / 'none.txt'}: no such file"
    big5 = tmp_path / "big5.txt"
    big5.write_bytes("營收".encode("big5"))  # read as Big5 (tests/test_hostile_cli.py): no company in it
    result = caibao("check", str(big5), db=db_path)
    assert (
        result.returncode == 1 and result.stderr == "caibao: big5.txt: no company detected; say which with --ticker\n"
    )
    result = caibao("check", "-", db=db_path, stdin="no company named here: 14%")
    assert result.returncode == 1 and "no company detected" in result.stderr


HTML_ARTICLE = """<!DOCTYPE html><html><head><title>AMZN</title><script>var x = "2,314 億美元";</script></head>
<body><h1>亞馬遜財報 &amp; AWS</h1>
<p>本季營收達 <b>2,134 億美元</b>,年增 14%。北美營業利益 92.56 億美元。</p>
<table><tr><th>單位:百萬美元</th><th>FY 4Q25</th><th>YoY</th></tr>
<tr><td>營業收入</td><td>213,386</td><td>14%</td></tr>
<tr><td>營業利益</td><td>24,977</td><td>18%</td></tr></table>
<p>&lt;script&gt;alert(1)&lt;/script&gt; 稅後淨利 212 億美元</p></body></html>"""


def test_html_article_offsets_point_into_the_html(read_store):
    report = check_text(read_store, HTML_ARTICLE, "AMZN", document="a.html", html=True)
    by_quote = {c.quote: c for c in report.claims}
    assert set(by_quote) == {"2,134 億美元", "14%", "92.56 億美元", "213,386", "18%", "24,977", "212 億美元"}
    for claim in report.claims:
        assert HTML_ARTICLE[claim.start : claim.end] == claim.quote
    assert by_quote["213,386"].in_table and by_quote["213,386"].verdict == "supported"
    assert by_quote["92.56 億美元"].verdict == "contradicted"  # the script's "2,314" was never read


def test_html_report_escapes_the_article(read_store):
    text = '<img src=x onerror="alert(1)"> 本季營收 2,134 億美元 & 年增 "14%"'
    page = to_html(check_text(read_store, text, "AMZN", period=parse_label("2025Q4")))
    assert "<img" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert '<mark class="supported" title="supported: 營收 2025Q4:申報值 2,133.9 億美元' in page
    assert 'id="count-supported">2<' in page
