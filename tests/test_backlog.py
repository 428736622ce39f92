"""The visible backlog: what a demanding user would expect and caibao does not do yet.

Each test is strict xfail, so the day one passes, CI says so and it moves into the suite proper.
"""

import pytest

from caibao.brief.build import build_brief


@pytest.mark.xfail(strict=True, reason="capex outlooks come from calls, not filings; no source holds them yet")
def test_capex_outlook_in_guidance(store):
    brief = build_brief(store, "AMZN", "2025Q4")
    guidance = next(t for t in brief.tables if t.key == "guidance")
    capex = next(r for r in guidance.rows if r.key == "guidance_capex")
    assert capex.cells[0].value is not None
