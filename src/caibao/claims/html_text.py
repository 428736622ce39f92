"""Text of an HTML article with a map back to offsets in the HTML itself, and its tables as grids.

Built on the standard library's tokenizer, which never fetches anything: no DTD, no external
entity, no network. Block elements become line breaks; a table's rows become "|"-delimited lines
in the text (so prose around it reads as it would in Markdown) and, besides, a grid of cells with
their column spans, so that a column head spanning several columns ("Three Months Ended") is read
over every column under it, as the page shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
MAX_SPAN = 64
# ASCII digits only (str.isdigit() passes "²", which int() refuses), and a run of more than six
# taken as MAX_SPAN without int(), which refuses one of over 4,300 digits.
_SPAN = re.compile(r"\s*0*([0-9]*)\s*")
# A row's indentation as a class on the row or its cell ("depth2", "depth-2"): how a page that
# indents its statement lines says how deep each line stands. Over MAX_DEPTH it is taken as MAX_DEPTH.
_DEPTH = re.compile(r"(?:^|\s)depth-?([0-9]{1,6})(?:\s|$)")
MAX_DEPTH = 64


@dataclass
class GridCell:
    start: int  # offsets in the text
    end: int
    column: int  # the first grid column it covers
    span: int
    depth: int | None = None  # the indentation its class or its row's says, where one does


@dataclass
class Grid:
    start: int  # the table's span in the text
    end: int
    rows: list[list[GridCell]] = field(default_factory=list)
    indented: bool = False  # some row says its depth: then a row saying none stands at depth 0


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
        self.grids: list[Grid] = []
        self.stack: list[Grid] = []  # tables being read (nested ones are read as cells' text)
        self.cell: tuple[int, int, int | None] | None = None  # (text offset where the cell starts, span, depth)
        self.column = 0
        self.row_depth: int | None = None

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _emit(self, text: str, at: int | list[int]) -> None:
        if self.skipping:
            return
        positions = at if isinstance(at, list) else [at] * len(text)
        self.chars.extend(text)
        self.offsets.extend(positions)

    def _close_cell(self) -> None:
        if self.cell is None or not self.stack:
            return
        start, span, depth = self.cell
        end = len(self.chars)
        while end > start and self.chars[end - 1].isspace():
            end -= 1
        while start < end and self.chars[start].isspace():
            start += 1
        grid = self.stack[-1]
        if grid.rows:
            grid.rows[-1].append(GridCell(start, end, self.column, span, depth))
            grid.indented = grid.indented or depth is not None
        self.column += span
        self.cell = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "table":
            self._emit("\n", self._pos())
            if len(self.stack) < 1:
                self.stack.append(Grid(len(self.chars), len(self.chars)))
            else:
                self.stack.append(Grid(len(self.chars), len(self.chars)))  # nested: kept apart
        elif tag == "tr":
            self._close_cell()
            self._emit("\n", self._pos())
            self.in_row = True
            if self.stack:
                self.stack[-1].rows.append([])
            self.column = 0
            self.row_depth = _depth(attrs)
        elif tag in ("td", "th"):
            self._close_cell()
            self._emit("| ", self._pos())
            span = 1
            for name, value in attrs:
                if name == "colspan" and value:
                    written = _SPAN.fullmatch(value)
                    if written is not None and written.group(1):
                        digits = written.group(1)
                        span = MAX_SPAN if len(digits) > 6 else max(1, min(MAX_SPAN, int(digits)))
            depth = _depth(attrs)
            self.cell = (len(self.chars), span, self.row_depth if depth is None else depth)
        elif tag in _BLOCK:
            self._emit("\n", self._pos())

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr":
            self._close_cell()
            self._emit(" |\n", self._pos())
            self.in_row = False
        elif tag == "table":
            self._close_cell()
            self._emit("\n", self._pos())
            if self.stack:
                grid = self.stack.pop()
                grid.end = len(self.chars)
                if not self.stack:
                    self.grids.append(grid)
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


def _depth(attrs: list) -> int | None:
    for name, value in attrs:
        if name == "class" and value:
            found = _DEPTH.search(value)
            if found is not None:
                return min(MAX_DEPTH, int(found.group(1)))
    return None


# A character or entity reference as the tokenizer reads one (the semicolon may be left off).
_REFERENCE = re.compile(r"&(?:#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z][-.a-zA-Z0-9]*);?")


def source_span(source: str, text: str, offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Where text[start:end] (as html_to_text read it) stands in `source`. A span ending in a
    character that a reference stood for ("19&#37;") ends after the whole reference, not at "19&"."""
    if end <= start:
        at = offsets[start] if start < len(offsets) else len(source)
        return at, at
    last = offsets[end - 1]
    stop = last + 1
    found = _REFERENCE.match(source, last) if source.startswith("&", last) else None
    if found is not None:
        meant = unescape(found.group())
        if meant != found.group() and text[end - 1] in meant:  # a reference, not a bare "&" ("AT&T")
            stop = found.end()
    return offsets[start], stop


def html_to_text(source: str) -> tuple[str, list[int]]:
    """(text, offsets): offsets[i] is where text[i] came from in `source`."""
    text, offsets, _ = html_to_text_and_tables(source)
    return text, offsets


def html_to_text_and_tables(source: str) -> tuple[str, list[int], list[Grid]]:
    """(text, offsets, tables): the tables as grids over the text's offsets."""
    parser = _Extractor(source)
    parser.feed(source)
    parser.close()
    offsets = parser.offsets
    text = "".join(parser.chars)
    # An entity may unescape to several characters; keep the lists aligned character by character.
    if len(offsets) != len(text):
        offsets = (offsets + [len(source)] * len(text))[: len(text)]
    return text, offsets, parser.grids
