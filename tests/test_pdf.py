"""The brief as a PDF: made by the real command and the real server, read back with poppler's tools.

The numbers and labels expected are the brief's own JSON, so the PDF is checked against what the brief
says, not against figures typed here."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

POPPLER = ("pdftotext", "pdffonts", "pdfinfo")


def _has_cjk_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    found = subprocess.run(["fc-list", ":lang=zh-tw", "family"], capture_output=True, text=True, timeout=30)
    return "Noto Sans CJK" in found.stdout


def _weasyprint_loads() -> bool:
    # Importing WeasyPrint opens Pango: an OSError says the system library is missing.
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


needs_pdf = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in POPPLER) or not _has_cjk_font() or not _weasyprint_loads(),
    reason="PDF tests need WeasyPrint with Pango, fonts-noto-cjk and poppler-utils (pdftotext, pdffonts, pdfinfo)",
)
pytestmark = needs_pdf


def caibao(*args: str, db: Path, env: dict[str, str] | None = None, stdout: int = subprocess.PIPE):
    return subprocess.run(
        [sys.executable, "-m", "caibao", *args, "--db", str(db)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=120,
        env=env,
    )


def pdf_text(pdf: Path) -> str:
    # -layout keeps a table row on one line, so a row's label and its figures can be matched together.
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def row_pattern(label: str, cells: list[str]) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(part) for part in [label, *cells]))


@pytest.fixture(scope="module")
def made(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`caibao brief AMZN 2025Q4 --lang zh-Hant --format pdf -o x.pdf`, run once, with the brief's JSON."""
    work = tmp_path_factory.mktemp("pdf")
    db = work / "caibao.duckdb"
    shutil.copy(seeded_db, db)
    pdf = work / "x.pdf"
    run = caibao("brief", "AMZN", "2025Q4", "--lang", "zh-Hant", "--format", "pdf", "-o", str(pdf), db=db)
    assert run.returncode == 0, run.stderr.decode()
    brief = json.loads(caibao("brief", "AMZN", "2025Q4", "--lang", "zh-Hant", "--format", "json", db=db).stdout)
    return {"db": db, "pdf": pdf, "brief": brief, "text": pdf_text(pdf), "work": work}


def test_pdf_holds_the_income_statement_with_its_chinese_labels(made):
    assert made["pdf"].read_bytes().startswith(b"%PDF-")
    income = next(t for t in made["brief"]["tables"] if t["key"] == "income")
    rows = {r["label"]: [c["text"] for c in r["cells"]] for r in income["rows"] if not r["group"]}
    assert rows["營業收入"][0] == "213,386"  # AMZN's 2025Q4 net sales, as the brief's JSON has it
    for label in ("營業收入", "營業利益"):
        assert row_pattern(label, rows[label]).search(made["text"]), f"{label} {rows[label]} not on one line"
    assert income["title"] in made["text"]


def test_every_table_row_prints_whole_on_one_line(made):
    # A row split between pages, or a table cut, would leave a label apart from its figures.
    missing = [
        (t["key"], r["label"])
        for t in made["brief"]["tables"]
        for r in t["rows"]
        if not r["group"] and not row_pattern(r["label"], [c["text"] for c in r["cells"]]).search(made["text"])
    ]
    assert missing == []


def test_pdf_has_the_chart_and_a4_pages(made):
    chart = made["brief"]["charts"][0]
    assert chart["title"] in made["text"]
    # The chart is drawn from SVG, its labels text: every quarter on the axis and every series in the legend.
    for word in [*chart["labels"], *(s["name"] for s in chart["series"])]:
        assert word in made["text"], word
    info = subprocess.run(["pdfinfo", str(made["pdf"])], capture_output=True, text=True, check=True).stdout
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 2
    assert re.search(r"Title:\s+" + re.escape(made["brief"]["title"]), info)


def _fonts(pdf: Path) -> list[tuple[str, str]]:
    """(name, emb) for each font pdffonts lists."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    # columns: name type [type...] encoding emb sub uni object ID; from the right, emb is the 5th field
    return [(row.split()[0], row.split()[-5]) for row in rows if row.strip()]


def test_fonts_are_embedded_and_the_cjk_one_is_traditional(made):
    fonts = _fonts(made["pdf"])
    assert any("Noto-Sans-CJK-TC" in name for name, _ in fonts), fonts
    assert [name for name, emb in fonts if emb != "yes"] == []


def test_simplified_brief_uses_the_simplified_font(made, tmp_path):
    pdf = tmp_path / "sc.pdf"
    run = caibao("brief", "AMZN", "2025Q4", "--lang", "zh-Hans", "--format", "pdf", "-o", str(pdf), db=made["db"])
    assert run.returncode == 0, run.stderr.decode()
    assert any("Noto-Sans-CJK-SC" in name for name, emb in _fonts(pdf) if emb == "yes")
    assert "营业收入" in pdf_text(pdf)


def test_pdf_goes_to_a_pipe_but_not_to_a_terminal(made, tmp_path):
    piped = caibao("brief", "AMZN", "2025Q4", "--format", "pdf", db=made["db"])
    assert piped.returncode == 0 and piped.stdout.startswith(b"%PDF-")
    primary, secondary = pty.openpty()
    try:
        run = caibao("brief", "AMZN", "2025Q4", "--format", "pdf", db=made["db"], stdout=secondary)
    finally:
        os.close(secondary)
        os.close(primary)
    message = run.stderr.decode().strip()
    assert run.returncode == 1 and "\n" not in message and "-o FILE" in message


def test_without_a_cjk_font_one_line_says_what_to_install(made, tmp_path):
    # fontconfig told of Latin fonts only, as on a machine without fonts-noto-cjk
    latin = tmp_path / "fonts.conf"
    latin.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    if not Path("/usr/share/fonts/truetype/dejavu").is_dir():
        pytest.skip("no DejaVu fonts to stand in for a machine without CJK fonts")
    target = tmp_path / "x.pdf"
    env = {**os.environ, "FONTCONFIG_FILE": str(latin)}
    run = caibao("brief", "AMZN", "2025Q4", "--format", "pdf", "-o", str(target), db=made["db"], env=env)
    message = run.stderr.decode().strip()
    assert run.returncode == 1 and "\n" not in message and "fonts-noto-cjk" in message
    assert not target.exists() and list(tmp_path.glob("*.pdf*")) == []


def test_web_route_returns_the_pdf(web_base, made, tmp_path):
    page = httpx.get(f"{web_base}/brief", params={"ticker": "AMZN", "period": "2025Q4", "lang": "zh-Hant"})
    assert 'id="download-pdf" href="/brief/AMZN/2025Q4.pdf?lang=zh-Hant"' in page.text
    response = httpx.get(f"{web_base}/brief/AMZN/2025Q4.pdf", params={"lang": "zh-Hant"}, timeout=60)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="AMZN-2025Q4-zh-Hant.pdf"'
    pdf = tmp_path / "web.pdf"
    pdf.write_bytes(response.content)
    income = next(t for t in made["brief"]["tables"] if t["key"] == "income")
    revenue = next(r for r in income["rows"] if r["label"] == "營業收入")
    assert row_pattern("營業收入", [c["text"] for c in revenue["cells"]]).search(pdf_text(pdf))
    assert httpx.get(f"{web_base}/brief/AMZN/2031Q1.pdf").status_code == 404
