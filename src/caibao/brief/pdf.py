"""The brief as a PDF: its standalone HTML page laid out by WeasyPrint on A4, with the fonts embedded.

WeasyPrint needs Pango (a system library) and the text needs a CJK font; when either is missing the
error says what to install, and nothing is written."""

from __future__ import annotations

import re
from importlib import resources

from caibao.errors import CaibaoError

# The print CSS's font stack for a language, which the PDF's charts take too (see _chart_fonts).
_STACK = r"html:lang\({lang}\) body \{{ font-family: ([^;}}]+);"
# Han ideographs (and the compatibility block): text a Latin-only font would print as empty boxes.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class PdfUnavailable(CaibaoError):
    """This machine lacks something WeasyPrint needs to make the PDF."""


def _weasyprint():  # -> the weasyprint module; imported late, it loads Pango when imported
    try:
        import weasyprint
    except ImportError:
        raise PdfUnavailable("PDF needs WeasyPrint: pip install weasyprint") from None
    except OSError:
        # cffi could not open libpango / libpangoft2 (WeasyPrint's only non-Python requirement)
        raise PdfUnavailable(
            "PDF needs Pango for WeasyPrint: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from None
    return weasyprint


def html_to_pdf(html: str) -> bytes:
    """The PDF of a standalone brief page. The page loads nothing (its CSS and chart are inline, its
    links are only links), so WeasyPrint fetches nothing; its print CSS (brief_print.css) sets the page."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=_chart_fonts(html)).render()
    pdf = document.write_pdf()
    # Pango falls back to any font for a missing glyph; without a CJK one the Chinese prints as boxes.
    families = {font.family for font in document.fonts.values()}
    if _HAN.search(html) and not any("CJK" in family for family in families):
        raise PdfUnavailable("PDF of Chinese text needs a CJK font: apt-get install fonts-noto-cjk")
    return pdf


def _chart_fonts(html: str) -> str:
    """WeasyPrint draws an inline SVG with the SVG's own styles only, not the page's: the chart's labels would
    come out in a Latin font at 16px. Each <svg> gets the page's font stack and the print size as its style."""
    lang = re.search(r'<html lang="([^"]+)"', html)
    css = resources.files("caibao.brief").joinpath("templates", "brief_print.css").read_text(encoding="utf-8")
    stack = re.search(_STACK.format(lang=re.escape(lang.group(1))), css) if lang else None
    family = f"font-family: {stack.group(1)}; ".replace('"', "'") if stack else ""
    return html.replace("<svg ", f'<svg style="{family}font-size: 10px; fill: #3b4350" ')
