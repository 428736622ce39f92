"""Every filing's MD&A checked against that filing's own facts (`caibao check FILING --own`): the
text and the tags come from one company on one day, so a contradicted figure is a misreading by
caibao (or a slip in the filing, which would be listed here with both figures). None today."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from caibao.claims.own import check_own
from caibao.errors import CaibaoError

from .conftest import SHARED

FILINGS = sorted(p.name for p in (SHARED / "filings").glob("*.htm")) if (SHARED / "filings").is_dir() else []
BY_REFERENCE = {"ibm-10-k-2025-02-25.htm"}  # "Refer to pages 6 through 42 of IBM's 2024 Annual Report"
# Each MD&A's supported figures today: a floor, so that a change that reads less is seen.
FLOOR = {"aapl-10-k-2024-11-01.htm": 16, "aapl-10-q-2025-08-01.htm": 23, "amzn-10-k-2025-02-07.htm": 56,
         "googl-10-k-2025-02-05.htm": 80, "ibm-10-q-2025-07-24.htm": 217, "meta-10-k-2025-01-30.htm": 133,
         "nflx-10-k-2025-01-27.htm": 46, "nflx-10-q-2025-07-18.htm": 94, "nvda-10-k-2025-02-26.htm": 20,
         "nvda-10-q-2025-08-27.htm": 45, "tsla-10-k-2025-01-30.htm": 148, "tsla-10-q-2025-07-24.htm": 118,
         "wmt-10-k-2025-03-14.htm": 97}  # fmt: skip
SUPPORTED: dict[str, int] = {}


@pytest.mark.parametrize("name", [n for n in FILINGS if n not in BY_REFERENCE])
def test_mdna_agrees_with_its_own_tags(shared, name):
    report = check_own((shared / "filings" / name).read_bytes(), name)
    wrong = [f"{c.quote!r} {c.metric} {c.segment} {c.period} {c.measure}: {c.explanation}" for c in report.claims
             if c.verdict == "contradicted"]  # fmt: skip
    assert wrong == []
    supported = sum(c.verdict == "supported" for c in report.claims)
    SUPPORTED[name] = supported
    assert supported >= FLOOR[name]
    for claim in report.claims:  # offsets point into the filing's HTML as given, entities and all
        assert html.unescape(re.sub(r"<[^>]*>", "", report.text[claim.start : claim.end])) == claim.quote


def test_at_least_200_supported_over_all_filings(shared):
    total = 0
    for name in FILINGS:
        if name in BY_REFERENCE:
            continue
        total += SUPPORTED.get(name) or sum(
            c.verdict == "supported" for c in check_own((shared / "filings" / name).read_bytes(), name).claims
        )
    assert total >= 1000  # the issue asked for 200; 1,093 today


def test_an_mdna_incorporated_by_reference_is_said_so(shared):
    name = "ibm-10-k-2025-02-25.htm"
    with pytest.raises(CaibaoError, match="incorporated by reference"):
        check_own((shared / "filings" / name).read_bytes(), name)


def test_the_command(shared, tmp_path):
    caibao = [sys.executable, "-m", "caibao", "check"]
    path = shared / "filings" / "nflx-10-q-2025-07-18.htm"
    result = subprocess.run([*caibao, str(path), "--own", "--format", "json", "--fail-on", "contradicted"],
                            capture_output=True, text=True, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["ticker"] == "NFLX" and doc["summary"]["contradicted"] == 0 and doc["summary"]["supported"] >= 94
    page = path.read_text(encoding="utf-8")
    first = next(c for c in doc["claims"] if c["verdict"] == "supported")
    assert html.unescape(page[first["start"] : first["end"]]) == first["quote"]
    by_reference = subprocess.run([*caibao, str(shared / "filings" / "ibm-10-k-2025-02-25.htm"), "--own"],
                                  capture_output=True, text=True, cwd=tmp_path)  # fmt: skip
    assert by_reference.returncode == 1
    assert by_reference.stderr.strip() == (
        "caibao: ibm-10-k-2025-02-25.htm: the MD&A is incorporated by reference from another document; nothing to check"
    )
    missing = subprocess.run([*caibao, str(tmp_path / "none.htm"), "--own"], capture_output=True, text=True)
    assert missing.returncode == 1 and "no such file" in missing.stderr
    Path(tmp_path / "empty.htm").write_text("<html><body>no filing here</body></html>", encoding="utf-8")
    empty = subprocess.run([*caibao, str(tmp_path / "empty.htm"), "--own"], capture_output=True, text=True)
    assert empty.returncode == 1 and empty.stderr.startswith("caibao: empty.htm:") and "\n" not in empty.stderr.strip()
