"""Which source URLs become links (`Source.href`): a table of real and hostile strings."""

from __future__ import annotations

import pytest

from caibao.facts.model import safe_href

LINKS = [
    ("https://www.sec.gov/Archives/edgar/data/1018724/000101872425000004/amzn-20241231.htm", True),
    ("http://ir.aboutamazon.com/news-release/2025", True),
    ("HTTPS://WWW.SEC.GOV/x", True),
    ("amzn-10-k-2025-02-07.htm", True),
    ("filings/amzn-10-k-2025-02-07.htm#f-12", True),
    ("", False),
    ("javascript:alert(document.domain)", False),
    ("JaVaScRiPt:alert(1)", False),
    (" javascript:alert(1)", False),
    ("java\tscript:alert(1)", False),
    ("java\nscript:alert(1)", False),
    ("javascript&colon;alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("vbscript:msgbox(1)", False),
    ("file:///etc/passwd", False),
    ("//evil.example/x", False),
    ("/\\evil.example", False),
    ("https:evil.example", False),
    ("https://", False),
    ("\x00javascript:alert(1)", False),
    ('x" onmouseover="alert(1)', False),
    ("http://[::1", False),  # regression: urlsplit raised, and every page citing the fact was a 500
    ("http://evil.example/x>[a](javascript:alert(1))", False),  # would end a Markdown autolink
    ("https://example.com/a|b", False),  # would split a Markdown table cell
]


@pytest.mark.parametrize("url, linked", LINKS)
def test_only_http_urls_and_document_names_are_links(url, linked):
    assert safe_href(url) == (url if linked else "")
