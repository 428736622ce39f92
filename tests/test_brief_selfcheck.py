"""caibao checks its own writing: every number of a brief's highlights and tables, in each
language and format, is read back by `check` as the figure it was written from (the source list
at the end, raw fact values, aside). A contradicted claim here is a false alarm on our own text."""

from __future__ import annotations

import pytest

from caibao.brief.build import build_brief
from caibao.brief.i18n import Words
from caibao.brief.render import render
from caibao.claims.check import check_text


@pytest.mark.parametrize("form", ["md", "html"])
@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans", "en"])
@pytest.mark.parametrize("period", ["2025Q4", "FY2025"])
def test_every_number_of_a_brief_is_supported(read_store, period, lang, form):
    text = render(build_brief(read_store, "AMZN", period, lang), form)
    heading = '<h2 id="sources">' if form == "html" else "## "
    sources = text.index(heading + Words(lang)("note", "sources"))
    report = check_text(read_store, text, "AMZN", document=f"brief.{form}", html=form == "html")
    body = [c for c in report.claims if c.start < sources]
    wrong = [f"{c.verdict} {c.quote!r} {c.metric} {c.segment} {c.period} {c.measure}: {c.explanation} "
             f"|| {c.sentence[:80]}" for c in body if c.verdict != "supported"]  # fmt: skip
    assert wrong == []
    assert len(body) >= (140 if period.startswith("FY") else 220)
    assert not any(c.verdict == "contradicted" for c in report.claims)


def test_the_command_reads_a_brief_back(db_path, tmp_path):
    import json
    import subprocess
    import sys

    brief = tmp_path / "brief.md"
    made = subprocess.run([sys.executable, "-m", "caibao", "brief", "AMZN", "2025Q4", "--lang", "en", "-o", str(brief)],
                          capture_output=True, text=True)  # fmt: skip
    assert made.returncode == 0, made.stderr
    checked = subprocess.run([sys.executable, "-m", "caibao", "check", str(brief), "--format", "json",
                              "--fail-on", "contradicted"], capture_output=True, text=True)  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    doc = json.loads(checked.stdout)
    assert doc["ticker"] == "AMZN" and doc["summary"]["contradicted"] == 0 and doc["summary"]["supported"] >= 220
