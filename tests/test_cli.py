"""The command line as a user runs it: real processes for exits and errors, CliRunner for output."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from caibao.cli.app import app

runner = CliRunner()


def caibao(*args: str, db) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "caibao", *args, "--db", str(db)], capture_output=True, text=True, timeout=60
    )


def invoke(*args: str):
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_brief_default_is_zh_hant_markdown(db_path):
    out = invoke("brief", "AMZN", "2025Q4")
    assert out.startswith("# 亞馬遜(AMZN)FY 4Q25 財報摘要")  # the name the press uses, in Chinese
    assert "| 營業收入 | 213,386 | 180,169 | 187,792 | 18% | 14% |" in out
    assert "| 營業利益 | 12,465 | 10,632 | 17% | 35.0% |" in out


def test_brief_formats_and_output_file(db_path, tmp_path):
    target = tmp_path / "brief.json"
    invoke("brief", "AMZN", "4Q25", "--lang", "en", "--format", "json", "-o", str(target))
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["lang"] == "en" and doc["period"] == "2025Q4"
    html = invoke("brief", "AMZN", "2025Q3", "--format", "html", "--lang", "zh-Hans")
    assert '<html lang="zh-Hans">' in html and "<svg" in html


def test_facts_csv_columns_and_base_units(db_path):
    out = invoke("facts", "AMZN", "--period", "FY2024", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["ticker", "metric", "segment", "period", "period_start", "period_end", "value",
                             "unit", "derived", "source"]  # fmt: skip
    got = {(r["metric"], r["segment"]): r for r in rows}
    assert got[("revenue", "")]["value"] == "637959000000"
    assert got[("operating_income", "")]["value"] == "68593000000"
    assert got[("net_income", "")]["value"] == "59248000000"
    assert got[("segment_revenue", "AWS")]["value"] == "107556000000"
    assert got[("segment_operating_income", "AWS")]["value"] == "39834000000"
    assert got[("segment_revenue", "North America")]["value"] == "387497000000"
    assert got[("line_revenue", "Advertising services")]["value"] == "56214000000"
    assert got[("revenue", "")]["period_start"] == "2024-01-01" and got[("revenue", "")]["derived"] == "false"
    assert got[("revenue", "")]["source"].startswith("amzn-facts.csv line ")
    derived = next(r for r in csv.DictReader(io.StringIO(invoke("facts", "AMZN", "--format", "csv")))
                   if r["derived"] == "true")  # fmt: skip
    assert derived["source"]


def test_facts_filters_json_and_table(db_path):
    doc = json.loads(invoke("facts", "AMZN", "--metric", "segment_operating_income", "--segment", "AWS",
                            "--period", "2025Q4", "--format", "json"))  # fmt: skip
    assert [(f["value"], f["unit"], f["locator"]) for f in doc] == [(12465000000, "USD", doc[0]["locator"])]
    table = invoke("facts", "AMZN", "--metric", "eps_diluted", "--period", "2025Q4")
    assert "eps_diluted" in table and "1.95" in table


def test_errors_are_one_line_with_nonzero_exit(db_path):
    result = caibao("brief", "AMZN", "2026Q3", db=db_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "caibao: no data for AMZN 2026Q3; periods available: 2021Q1–2025Q4, FY2021–FY2025"
    ]
    result = caibao("facts", "AMZN", "--metric", "revenu", db=db_path)
    assert result.returncode == 1 and "unknown metric 'revenu'" in result.stderr


def test_bad_csv_is_rejected_and_store_unchanged(db_path, tmp_path):
    bad = tmp_path / "msft-facts.csv"
    bad.write_text(
        "period,period_start,period_end,fiscal_period,metric,segment,value,unit,source_url,note\n"
        "2025Q4,2025-10-01,2025-12-31,Q4,net_sales,,81273,USD_millions,,\n"
        "2025Q4,2025-10-01,2025-12-31,Q4,operating_income,,3.8.1,USD_millions,,\n",
        encoding="utf-8",
    )
    result = caibao("ingest", str(bad), db=db_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["caibao: msft-facts.csv:3: field 'value': '3.8.1' is not a number"]
    check = caibao("facts", "MSFT", db=db_path)
    assert check.returncode == 1 and "companies in the store: AMZN" in check.stderr


def test_ingest_reports_and_is_idempotent(db_path, tmp_path, shared):
    good = tmp_path / "msft-facts.csv"
    good.write_text(
        "period,period_start,period_end,fiscal_period,metric,segment,value,unit,source_url,note\n"
        "2025Q4,2025-10-01,2025-12-31,Q4,net_sales,,81273,USD_millions,,\n",
        encoding="utf-8",
    )
    first = caibao("ingest", str(good), db=db_path)
    assert first.returncode == 0 and first.stdout.strip() == "msft-facts.csv: 1 facts added, 0 derived"
    again = caibao("ingest", str(good), db=db_path)
    assert "nothing changed" in again.stdout
    reference = caibao("ingest", str(shared / "reference" / "amzn-facts.csv"), db=db_path)
    assert "already in the store with the same content" in reference.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("brief", "AMZN", "2025Q4", "--lang", "fr"), "Invalid value for '--lang'"),
        (("ingest", "nowhere.csv"), "nowhere.csv: no such file"),
    ],
)
def test_usage_errors(db_path, args, message):
    result = caibao(*args, db=db_path)
    assert result.returncode != 0 and message in result.stderr
