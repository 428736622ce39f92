"""A libFuzzer target (atheris) for `caibao check`: bytes -> text -> the check against the
bundled store -> every report the CLI writes. A CaibaoError is an answer (the text was refused
with a message); any other exception, a claim whose offsets do not quote it, or an input slower
than -timeout seconds is a crash, which libFuzzer saves as fuzz/artifacts/crash-<sha1>.

    pip install atheris    # not a dependency of caibao: only for fuzzing
    python fuzz/fuzz_check.py -max_total_time=600 fuzz/corpus

New inputs that reach new code are added to the first corpus directory named (fuzz/corpus/; only
its seed_* files are kept in git). To replay one crash: python fuzz/fuzz_check.py fuzz/artifacts/crash-…
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["caibao"]):
    from caibao.claims.check import check_source
    from caibao.claims.report import to_html, to_json, to_table
    from caibao.errors import CaibaoError
    from caibao.facts.index import FactIndex
    from caibao.facts.store import Store

from rich.console import Console

HERE = Path(__file__).resolve().parent


def _index() -> FactIndex:
    """AMZN's facts from the bundled store, seeded into a temporary file and read once: check_text
    would read them from DuckDB again for every input (nine tenths of a short check's time). The
    check is check_text's own, through check_source, as the web server calls it."""
    path = Path(tempfile.mkdtemp(prefix="caibao-fuzz-")) / "caibao.duckdb"
    with Store.open(path) as store:
        return store.index("AMZN")


INDEX = _index()


def _text(data: bytes) -> str:
    """The bytes as UTF-8; encoded lone surrogates let through (the check must refuse them by
    name), any other invalid byte replaced, so mutations that break UTF-8 still test the check."""
    try:
        return data.decode("utf-8", errors="surrogatepass")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def test_one_input(data: bytes) -> None:
    text = _text(data)
    html = text.lstrip()[:15].lower().startswith(("<!doctype", "<html", "<table", "<p", "<div"))
    try:
        # as `caibao check FILE --ticker AMZN`: without a ticker most mutations would only be refused
        report = check_source(text, "AMZN", "-", html, lambda _: INDEX, lambda _: None)
    except CaibaoError:
        return
    for claim in report.claims:
        if not 0 <= claim.start <= claim.end <= len(text):
            raise AssertionError(f"claim {claim.quote!r} at {claim.start}:{claim.end} of {len(text)} characters")
        if not html and text[claim.start : claim.end] != claim.quote:
            raise AssertionError(
                f"claim {claim.quote!r} at {claim.start}:{claim.end} quotes {text[claim.start : claim.end]!r}"
            )
    to_json(report, INDEX)
    to_html(report)
    Console(file=io.StringIO(), width=160).print(to_table(report))


def main() -> None:
    args = list(sys.argv)
    # An input that takes seconds is a bug too: check is linear, and these inputs are small.
    if not any(a.startswith("-timeout=") for a in args):
        args.append("-timeout=10")
    if not any(a.startswith("-dict=") for a in args):
        args.append(f"-dict={HERE / 'check.dict'}")  # the words a check reads, for mutations to splice in
    if not any(a.startswith("-artifact_prefix=") for a in args):
        (HERE / "artifacts").mkdir(exist_ok=True)
        args.append(f"-artifact_prefix={HERE / 'artifacts'}/")
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
