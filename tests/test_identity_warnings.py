"""The shared filings reconcile as they are filed, so ingesting them warns of no broken identity;
a filing with one segment figure altered does, naming the figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from caibao.facts import ingest as loader
from caibao.facts.periods import parse_label
from caibao.facts.store import Store


def ingest(store: Store, name: str, data: bytes) -> list[str]:
    report = loader.write(store, loader.prepare(name, data, None))
    return [w for w in report.warnings if "identity '" in w]


def test_the_shared_filings_raise_no_identity_warning(shared: Path, tmp_path: Path):
    with Store.open(tmp_path / "all.duckdb", seed=False) as store:
        # as `caibao ingest ../shared/filings` reads the folder
        warnings = [w for name, data in loader.inputs([shared / "filings"]) for w in ingest(store, name, data)]
        assert warnings == []
        # and the filings' reconciling items are there to make it so
        index = store.index("WMT")
        assert index.reconciling("segment_operating_income") == ["Corporate and support"]
        assert (
            index.get("segment_operating_income", parse_label("FY2025"), "Corporate and support").value == -2439000000
        )


def _altered(data: bytes, fact_id: str, new_text: str) -> bytes:
    """The filing with one tagged figure shown (and so read) as `new_text`, with every other tag of
    the same concept and context, so the filing stays consistent with itself but not with its totals."""
    element = re.search(rb'<ix:nonFraction[^>]*\bid="' + fact_id.encode() + rb'"[^>]*>', data)
    assert element is not None
    name = re.search(rb'name="([^"]+)"', element.group(0)).group(1)  # type: ignore[union-attr]
    context = re.search(rb'contextRef="([^"]+)"', element.group(0)).group(1)  # type: ignore[union-attr]
    tag = re.compile(rb'(<ix:nonFraction(?=[^>]*name="' + re.escape(name) + rb'")(?=[^>]*contextRef="'
                     + re.escape(context) + rb'")[^>]*>)[\d,.]+(</ix:nonFraction>)')  # fmt: skip
    altered, count = tag.subn(rb"\g<1>" + new_text.encode() + rb"\g<2>", data)
    assert count >= 1
    return altered


@pytest.mark.parametrize(
    ("filing", "metric", "member", "period", "shown", "expected"),
    [
        # NVIDIA's Graphics revenue for fiscal 2025, 14,304 filed, shown as 14,404.
        ("nvda-10-k-2025-02-26.htm", "segment_revenue", "Graphics", "FY2025", "14,404",
         ["identity 'segments sum to revenue' broken for NVDA FY2025", "segment_revenue [Graphics] FY2025 14,404",
          "revenue FY2025 130,497", "off by 100 (USD millions)"]),
        # Walmart U.S. operating income for fiscal 2025, 23,882 filed, shown as 23,982.
        ("wmt-10-k-2025-03-14.htm", "segment_operating_income", "Walmart U.S.", "FY2025", "23,982",
         ["identity 'segments sum to operating income' broken for WMT FY2025",
          "segment_operating_income [Walmart U.S.] FY2025 23,982",
          "segment_operating_income [Corporate and support] FY2025 -2,439", "off by 100 (USD millions)"]),
    ],
)  # fmt: skip
def test_an_altered_segment_figure_is_reported_with_its_figures(
    shared: Path, tmp_path: Path, filing, metric, member, period, shown, expected
):
    data = (shared / "filings" / filing).read_bytes()
    with Store.open(tmp_path / "true.duckdb", seed=False) as store:
        assert ingest(store, filing, data) == []
        fact = store.index(filing[:4].upper().rstrip("-")).get(metric, parse_label(period), member)
        assert fact is not None
        fact_id = fact.source.locator.rsplit("#", 1)[1]
    with Store.open(tmp_path / "altered.duckdb", seed=False) as store:
        warnings = ingest(store, filing, _altered(data, fact_id, shown))
    found = [w for w in warnings if expected[0] in w]
    assert len(found) == 1, warnings
    for text in expected[1:]:
        assert text in found[0]
