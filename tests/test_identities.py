"""Each consistency identity, proven on real Amazon figures: the true rows ingest, and the same
rows with one figure broken are rejected with that row named and nothing written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from caibao.analysis.identities import check, identities
from caibao.errors import IngestError
from caibao.facts.csv_source import parse_csv_facts
from caibao.facts.index import FactIndex
from caibao.facts.ingest import ingest_file
from caibao.facts.store import Store

from .conftest import BUNDLED_CSV

ROWS = list(csv.DictReader(BUNDLED_CSV.open(encoding="utf-8", newline="")))
FIELDS = list(ROWS[0].keys())

SEGMENTS = ("North America", "International", "AWS")
LINES = ("online_stores", "physical_stores", "third_party_seller_services", "advertising_services",
         "subscription_services", "aws_net_sales_line", "other_net_sales")  # fmt: skip


def pick(period: str, metric: str, segment: str = "") -> dict:
    for row in ROWS:
        if (row["period"], row["metric"], row["segment"]) == (period, metric, segment):
            return dict(row)
    raise LookupError((period, metric, segment))


# identity name -> (rows it needs, the row to break)
CASES = {
    "products + services = revenue": (
        [("2025Q4", m, "") for m in ("product_sales", "service_sales", "net_sales")], 0),
    "segments sum to revenue": (
        [("2025Q4", "segment_net_sales", s) for s in SEGMENTS] + [("2025Q4", "net_sales", "")], 2),
    "segments sum to operating income": (
        [("2025Q3", "segment_operating_income", s) for s in SEGMENTS] + [("2025Q3", "operating_income", "")], 1),
    "segments sum to operating expenses": (
        [("2024Q2", "segment_operating_expenses", s) for s in SEGMENTS]
        + [("2024Q2", "total_operating_expenses", "")], 3),
    "revenue lines sum to revenue": ([("2025Q1", m, "") for m in LINES] + [("2025Q1", "net_sales", "")], 3),
    "revenue - operating expenses = operating income": (
        [("2024Q4", m, "") for m in ("net_sales", "total_operating_expenses", "operating_income")], 2),
    "expense lines sum to operating expenses": (
        [("2025Q2", m, "") for m in ("cost_of_sales", "fulfillment", "technology_and_infrastructure",
                                     "sales_and_marketing", "general_and_administrative",
                                     "other_operating_expense_net", "total_operating_expenses")], 4),
    "segment revenue - segment operating expenses = segment operating income": (
        [("2025Q4", m, "AWS") for m in ("segment_net_sales", "segment_operating_expenses",
                                        "segment_operating_income")], 1),
    "interest income - interest expense + other income = non-operating income": (
        [("2025Q4", m, "") for m in ("interest_income", "interest_expense", "other_income_net",
                                     "total_non_operating_income")], 0),
    "operating income + non-operating income = income before taxes": (
        [("2025Q4", m, "") for m in ("operating_income", "total_non_operating_income", "income_before_taxes")], 2),
    "income before taxes - tax + equity-method activity = net income": (
        [("2025Q4", m, "") for m in ("income_before_taxes", "income_tax_provision",
                                     "equity_method_investment_activity", "net_income")], 3),
    "operating cash flow - capex + proceeds = free cash flow": (
        [("2025Q4", m, "") for m in ("operating_cash_flow", "purchases_of_property_and_equipment",
                                     "proceeds_from_property_and_equipment_sales_and_incentives",
                                     "free_cash_flow")], 1),
    "four quarters sum to the fiscal year": (
        [(p, "net_sales", "") for p in ("2025Q1", "2025Q2", "2025Q3", "2025Q4", "FY2025")], 2),
    "operating_cash_flow_ttm = sum of the last four quarters of operating_cash_flow": (
        [(p, "operating_cash_flow", "") for p in ("2025Q1", "2025Q2", "2025Q3", "2025Q4")]
        + [("2025Q4", "operating_cash_flow_ttm", "")], 4),
}  # fmt: skip


def write_csv(path: Path, rows: list[dict]) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def start_line(path: Path, index: int) -> int:
    """The line a data row starts on (notes may span lines)."""
    reader = csv.reader(path.open(encoding="utf-8", newline=""))
    next(reader)
    end = reader.line_num
    for i, _ in enumerate(reader):
        if i == index:
            return end + 1
        end = reader.line_num
    raise IndexError(index)


def test_every_identity_in_the_data_file_has_a_case():
    names = {i.name for i in identities()} | {n for n in CASES if "four quarters" in n or "ttm" in n}
    # Amazon reports no segment pre-tax income: that identity is proven on IBM's filing
    # (tests/test_breakdowns.py, tests/test_identity_warnings.py).
    names -= {"segments sum to income before taxes"}
    assert names == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_identity_holds_on_real_figures(name, tmp_path):
    keys, _ = CASES[name]
    path = write_csv(tmp_path / "amzn-facts.csv", [pick(*k) for k in keys])
    with Store.open(tmp_path / "x.duckdb", seed=False) as store:
        report = ingest_file(store, path, ticker="AMZN")
        assert report.added == len(keys)
        assert store.count() == len(keys)


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_identity_is_rejected_naming_the_row(name, tmp_path):
    keys, broken_at = CASES[name]
    rows = [pick(*k) for k in keys]
    rows[broken_at]["value"] = str(int(rows[broken_at]["value"]) + 7)  # a 7-million slip
    path = write_csv(tmp_path / "broken.csv", rows)
    with Store.open(tmp_path / "x.duckdb", seed=False) as store:
        with pytest.raises(IngestError) as caught:
            ingest_file(store, path, ticker="AMZN")
        message = str(caught.value)
        assert f"identity '{name}'" in message
        assert f"line {broken_at + 2}" in message or f"broken.csv:{broken_at + 2}:" in message
        assert "off by 7 " in message
        assert "\n" not in message
        assert store.count() == 0
        assert store.con.execute("SELECT count(*) FROM sources").fetchone() == (0,)


def test_a_one_million_difference_is_rounding_not_an_error(tmp_path):
    # Amazon rounds each line to the million, so a total may differ from its parts by 1.
    rows = [pick("2025Q4", m) for m in ("product_sales", "service_sales", "net_sales")]
    rows[2]["value"] = str(int(rows[2]["value"]) + 1)
    with Store.open(tmp_path / "x.duckdb", seed=False) as store:
        assert ingest_file(store, write_csv(tmp_path / "a.csv", rows), ticker="AMZN").added == 3


def test_rounded_figures_get_their_precision_as_tolerance():
    # 2021Q4 segment operating income is stated only to $0.1B; segments still tie to the total.
    facts = parse_csv_facts(BUNDLED_CSV.read_text(encoding="utf-8"), "amzn-facts.csv", ticker="AMZN")
    assert check(FactIndex(facts)) == []
    rounded = [f for f in facts if f.label == "2021Q4" and f.metric == "segment_operating_income"]
    assert rounded and all(f.decimals == -8 for f in rounded)


def test_whole_reference_copy_with_one_slip_is_rejected_and_store_unchanged(store, tmp_path):
    before = store.count()
    rows = [dict(r) for r in ROWS]
    target = next(i for i, r in enumerate(rows) if (r["period"], r["metric"]) == ("2025Q4", "net_sales"))
    rows[target]["value"] = "213393"
    path = write_csv(tmp_path / "amzn-facts-edited.csv", rows)
    with pytest.raises(IngestError, match=rf"amzn-facts-edited.csv:{start_line(path, target)}: identity"):
        ingest_file(store, path, ticker="AMZN")
    assert store.count() == before
    assert [r[0] for r in store.con.execute("SELECT document FROM sources").fetchall()] == ["amzn-facts.csv"]


def test_new_facts_are_checked_against_what_the_store_holds(store, tmp_path):
    # A lone 2025Q4 revenue figure that disagrees with the bundled figure for the same quarter.
    before = store.count()
    row = pick("2025Q4", "net_sales")
    row["value"] = "213000"
    path = write_csv(tmp_path / "amzn-restated.csv", [row])
    with pytest.raises(IngestError) as caught:
        ingest_file(store, path, ticker="AMZN")
    assert str(caught.value) == (
        "amzn-restated.csv: revenue 2025Q4: amzn-facts.csv:823 gives 213386000000, amzn-restated.csv:2 gave "
        "213000000000; the later document (amzn-facts.csv) is used"
    )
    assert store.count() == before


def test_a_batch_that_breaks_an_identity_with_stored_facts_is_rejected(store, tmp_path):
    # A new quarter whose segments do not add up to the revenue the store already holds for it.
    rows = [pick("2025Q4", "segment_net_sales", s) for s in ("North America", "International", "AWS")]
    for row in rows:
        row["period"], row["period_start"], row["period_end"] = "2025Q4", "2025-10-01", "2025-12-31"
    rows[0]["value"] = "127000"
    with Store.open(tmp_path / "fresh.duckdb", seed=False) as fresh:
        ingest_file(fresh, write_csv(tmp_path / "amzn-total.csv", [pick("2025Q4", "net_sales")]), ticker="AMZN")
        with pytest.raises(IngestError, match="identity 'segments sum to revenue' broken for AMZN 2025Q4"):
            ingest_file(fresh, write_csv(tmp_path / "amzn-segments.csv", rows), ticker="AMZN")
        assert fresh.count() == 1
