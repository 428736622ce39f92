"""Text of an HTML article with a map back to offsets in the HTML itself.

Built on the standard library's tokenizer, which never fetches anything: no DTD, no external
entity, no network. Block elements become line breaks and table cells become "|"-delimited
rows, so prose and tables are read as they would be from Markdown.
"""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "header",
    "footer",
    "table",
    "thead",
    "tbody",
    "caption",
    "pre",
    "hr",
    "dd",
    "dt",
}
_SKIP = {"script", "style", "head", "template", "noscript"}


class _Extractor(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0]
        for i, ch in enumerate(source):
            if ch == "\n":
                self.line_starts.append(i + 1)
        self.chars: list[str] = []
        self.offsets: list[int] = []
        self.skipping = 0
        self.in_row = False

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _emit(self, text: str, at: int | list[int]) -> None:
        if self.skipping:
            return
        positions = at if isinstance(at, list) else [at] * len(text)
        self.chars.extend(text)
        self.offsets.extend(positions)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "tr":
            self._emit("\n", self._pos())
            self.in_row = True
        elif tag in ("td", "th"):
            self._emit("| ", self._pos())
        elif tag in _BLOCK:
            self._emit("\n", self._pos())

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "tr":
            self._emit(" |\n", self._pos())
            self.in_row = False
        elif tag in _BLOCK:
            self._emit("\n", self._pos())

    def handle_data(self, data: str) -> None:
        start = self._pos()
        text = data.replace("\n", " ") if self.in_row else data
        self._emit(text, list(range(start, start + len(data))))

    def handle_entityref(self, name: str) -> None:
        self._emit(unescape(f"&{name};"), self._pos())

    def handle_charref(self, name: str) -> None:
        self._emit(unescape(f"&#{name};"), self._pos())


def html_to_text(source: str) -> tuple[str, list[int]]:
    """(text, offsets): offsets[i] is where text[i] came from in `source`."""
    parser = _Extractor(source)
    parser.feed(source)
    parser.close()
    offsets = parser.offsets
    text = "".join(parser.chars)
    # An entity may unescape to several characters; keep the lists aligned character by character.
    if len(offsets) != len(text):
        offsets = (offsets + [len(source)] * len(text))[: len(text)]
    return text, offsets
