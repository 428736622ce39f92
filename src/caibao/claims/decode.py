"""An article's bytes as text: the encodings Chinese and English coverage comes in, or a clear refusal.

A wrong guess is worse than a refusal: a Big5 article read as Latin-1 yields mojibake in which no
claim is found, and "0 claims, nothing contradicted" reads like a clean bill. So byte-order marks
decide first, strict UTF-8 next (most text today), then charset-normalizer chooses among the
encodings we know articles use; anything else, and anything that looks binary, is refused by name.
"""

from __future__ import annotations

import codecs
import re

from caibao.errors import CaibaoError

# Longest first: a UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# What binary files people drop by mistake start with; named so the message says what it is. (A
# Windows executable's "MZ" could begin a line of text: its NUL bytes give it away instead.)
_MAGIC = (
    (b"\x7fELF", "an ELF executable"),
    (b"%PDF", "a PDF (save it as text or HTML first)"),
    (b"PK\x03\x04", "a ZIP archive (a .docx or .xlsx is one)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)
# Encodings charset-normalizer may choose from: the ones Chinese-language and English coverage of
# US companies is published in. GBK and GB2312 text is GB18030 text (a superset), so one name covers all.
# UTF-16 is read by its byte-order mark only: without one, any even-length file would "fit".
CANDIDATES = ("gb18030", "big5", "big5hkscs", "cp950", "cp1252", "latin_1")
SINGLE_BYTE = ("cp1252", "latin_1")
_SAMPLE = 1 << 16  # bytes charset-normalizer looks at: enough to tell the encodings apart
_HIGH = re.compile(rb"[\x80-\xff]")
# Characters an article in Chinese or a Western language is made of: Latin-1 letters and signs,
# general punctuation, CJK symbols, ideographs, full-width forms.
_USUAL = re.compile("[\u00a0-\u00ff\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def decode_article(data: bytes, name: str) -> str:
    """The text of an article file; CaibaoError naming the file if it is binary or undecodable."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, name)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise CaibaoError(f"{name}: {what}, not an article's text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _utf8_with_surrogates(data):
            # UTF-8 text with surrogates encoded in it (CESU-8, WTF-8): no other encoding reads it
            # rightly either, and a guess would pass mojibake off as the article.
            raise CaibaoError(f"{name}: byte {exc.start} encodes a lone surrogate; save the text as UTF-8") from None
        text = _guess(data, name, exc)
    refuse_binary(text, name)
    return text


def _utf8_with_surrogates(data: bytes) -> bool:
    try:
        data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise CaibaoError(f"{name}: marked as {encoding} but byte {exc.start} is not ({exc.reason})") from None
    refuse_binary(text, name)
    return text


def _guess(data: bytes, name: str, error: UnicodeDecodeError) -> str:
    import charset_normalizer

    if b"\x00" in data[:_SAMPLE]:
        raise CaibaoError(f"{name}: binary data (NUL bytes), not an article's text")
    # Only encodings that read the whole file strictly are candidates (a C decode each: cheap);
    # the library then chooses among them on a sample, so its cost does not grow with the file.
    # Western text has a few accented bytes in much ASCII; Chinese text, a high byte in every other
    # one. The density says which family to choose from (a lone "\xe9s" reads as Big5 too).
    high = len(_HIGH.findall(data[: 16 * _SAMPLE])) / max(1, min(len(data), 16 * _SAMPLE))
    chinese = tuple(e for e in CANDIDATES if e not in SINGLE_BYTE)
    fits: dict[str, str] = {}
    for family in (SINGLE_BYTE, chinese) if high < 0.05 else (chinese, SINGLE_BYTE):
        fits = fits or {enc: text for enc in family if (text := _decoded(data, enc)) is not None}
    if not fits:
        raise CaibaoError(
            f"{name}: not UTF-8 ({error.reason} at byte {error.start}) and not GB18030, Big5, UTF-16 "
            "or another encoding caibao reads; save it as UTF-8"
        )
    if len(fits) > 1:
        best = charset_normalizer.from_bytes(_sample(data), cp_isolation=list(fits)).best()
        if best is not None and best.encoding in fits:
            return fits[best.encoding]
    # One candidate, or the library finds every one too "chaotic" (emoji, mixed scripts): the
    # reading with the fewest characters no article uses.
    return min(fits.values(), key=_oddities)


def _decoded(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _sample(data: bytes) -> bytes:
    """About 64 KB from the first byte that is not ASCII (the part that tells encodings apart), cut
    at line ends: a cut inside a two-byte character would make every Chinese encoding look wrong."""
    high = _HIGH.search(data)
    start = data.rfind(b"\n", 0, high.start()) + 1 if high else 0
    window = data[start : start + _SAMPLE]
    end = window.rfind(b"\n")
    return window[:end] if len(window) == _SAMPLE and end > 0 else window


def _oddities(text: str) -> int:
    sample = text[:_SAMPLE]
    return sum(1 for ch in sample if ord(ch) > 0x7F and not _USUAL.match(ch))


def refuse_binary(text: str, name: str) -> None:
    """Text with many control characters is a binary file decoded by accident."""
    sample = text[:_SAMPLE]
    controls = sum(1 for ch in sample if (ch < " " and ch not in "\t\n\r\f\v") or ch == "\x7f")
    if controls and (controls > len(sample) // 100 or "\x00" in sample):
        raise CaibaoError(f"{name}: binary data ({controls} control characters in the first {len(sample)}), not text")


def refuse_surrogates(text: str, name: str) -> None:
    """A lone surrogate (from JSON "\\ud800" or a broken file) cannot be stored or shown; say where."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        raise CaibaoError(f"{name}: character {exc.start} is a lone surrogate (U+{code:04X}), not text") from None
