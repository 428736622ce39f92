"""caibao's commands. Errors the user can fix print as one line on stderr and exit 1."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from caibao.errors import CaibaoError

app = typer.Typer(
    name="caibao",
    help="Verified earnings briefs from filed numbers (財報).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="DuckDB facts store (default: $CAIBAO_DB, else the user data directory).", show_default=False
    ),
]


SCHEDULER_ENV = "CAIBAO_DASK_SCHEDULER"  # a Dask cluster for batch check and bulk ingest
DEFAULT_TIME_LIMIT = 10.0  # seconds a check may take, on the command line and in each server worker


class Lang(StrEnum):
    zh_hant = "zh-Hant"
    zh_hans = "zh-Hans"
    en = "en"


class BriefFormat(StrEnum):
    md = "md"
    html = "html"
    json = "json"
    pdf = "pdf"


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"


class FailOn(StrEnum):
    contradicted = "contradicted"
    unverifiable = "unverifiable"
    never = "never"


class FactsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def Console(**options: object):
    from rich.console import Console as RichConsole

    return RichConsole(**options)  # type: ignore[arg-type]


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CaibaoError(f"{output}: cannot write ({exc.strerror})") from None


def _write_bytes(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    # Written beside the target, then renamed: an interrupted write leaves no half a PDF under its name.
    partial = output.with_name(f".{output.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CaibaoError(f"{output}: cannot write ({exc.strerror})") from None


@app.command()
def brief(
    ticker: Annotated[str, typer.Argument(help="Ticker, e.g. AMZN.")],
    period: Annotated[str, typer.Argument(help="Fiscal quarter: 2025Q4, 4Q25 or Q4 2025.")],
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the brief.")] = Lang.zh_hant,
    form: Annotated[BriefFormat, typer.Option("--format", help="Output format.")] = BriefFormat.md,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to FILE instead of stdout.")] = None,
    db: DbOption = None,
) -> None:
    """The earnings brief for TICKER's PERIOD, every number computed from filed facts."""
    from caibao.brief.build import build_brief
    from caibao.brief.render import render, to_pdf
    from caibao.facts.store import Store

    if form is BriefFormat.pdf and output is None and sys.stdout.isatty():
        raise CaibaoError("a PDF is binary: write it to a file with -o FILE, or pipe stdout")
    with Store.open(db, read_only=True) as store:
        result = build_brief(store, ticker, period, lang.value)
    if form is BriefFormat.pdf:
        _write_bytes(to_pdf(result), output)
    else:
        _write(render(result, form.value), output)


@app.command()
def facts(
    ticker: Annotated[str, typer.Argument(help="Ticker, e.g. AMZN.")],
    metric: Annotated[str | None, typer.Option("--metric", help="Standard metric key, e.g. revenue.")] = None,
    segment: Annotated[str | None, typer.Option("--segment", help="Segment, revenue line or region.")] = None,
    period: Annotated[str | None, typer.Option("--period", help="2025Q4 or FY2025.")] = None,
    form: Annotated[FactsFormat, typer.Option("--format", help="Output format.")] = FactsFormat.table,
    db: DbOption = None,
) -> None:
    """The facts the store holds for TICKER, with their sources."""
    from caibao.cli import facts_output
    from caibao.facts.periods import parse_label
    from caibao.facts.store import Store

    label = parse_label(period) if period else None
    with Store.open(db, read_only=True) as store:
        found = store.facts(ticker, metric=metric, member=segment, label=label)
        if not found:
            held = ", ".join(store.tickers()) or "none"
            raise CaibaoError(f"no facts for {ticker.upper()} matching the filters; companies in the store: {held}")
    found.sort(key=lambda f: (f.metric, f.member, f.period.end, f.period.start, f.derived))
    if form is FactsFormat.csv:
        _write(facts_output.as_csv(found), None)
    elif form is FactsFormat.json:
        _write(facts_output.as_json(found), None)
    else:
        Console().print(facts_output.as_table(found))


@app.command()
def check(
    articles: Annotated[
        list[str],
        typer.Argument(
            help="Article file (.txt, .md, .html) or - for standard input; with --out, any number of files, "
            "folders, globs and manifests (.csv, .jsonl with path, ticker, lang).",
            metavar="ARTICLE...",
            show_default=False,
        ),
    ],
    ticker: Annotated[
        str | None, typer.Option("--ticker", help="Company the article is about (else detected).")
    ] = None,
    form: Annotated[
        CheckFormat | None, typer.Option("--format", help="Output format (table on a terminal, else json).")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to FILE instead of stdout.")] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when any claim has this verdict.")
    ] = FailOn.never,
    lang: Annotated[
        Lang | None, typer.Option("--lang", help="Language of the explanations (default: the article's).")
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="The period the article reports (2025Q4, FY2025), where its text does not say."),
    ] = None,
    own: Annotated[
        bool,
        typer.Option("--own", help="ARTICLE is a 10-K/10-Q filing: check its MD&A against its own facts."),
    ] = False,
    time_limit: Annotated[
        float,
        typer.Option("--time-limit", envvar="CAIBAO_TIME_LIMIT", help="Seconds a check may take (0: no limit).", min=0),
    ] = DEFAULT_TIME_LIMIT,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Batch: one row per claim into RESULTS (.parquet, .csv, .jsonl), documents beside it."
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Batch: check on a local Dask cluster of N processes.", min=1)
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Batch: check on the Dask cluster at ADDRESS (default: $CAIBAO_DASK_SCHEDULER)."
        ),
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Batch: skip documents already in RESULTS.")] = False,
    db: DbOption = None,
) -> None:
    """Find every numeric claim in ARTICLE and say whether the filings support it."""
    if out is not None or workers is not None or scheduler is not None or resume:
        if out is None:
            raise CaibaoError("--workers, --scheduler and --resume check a batch: say where with --out RESULTS")
        if own or period or form or output is not None or fail_on is not FailOn.never:
            raise CaibaoError("--out checks a batch: --own, --period, --format, -o and --fail-on are for one file")
        # The environment's cluster serves batches only: `caibao check FILE` stays in this process.
        scheduler = scheduler or (None if workers else os.environ.get(SCHEDULER_ENV) or None)
        _check_batch(articles, out, ticker, lang.value if lang else None, workers, scheduler, resume, time_limit, db)
        return
    if len(articles) != 1:
        raise CaibaoError("several articles: check them as a batch with --out RESULTS")
    article = articles[0]
    from caibao.claims import report as render
    from caibao.claims.check import MAX_CHARS, check_text
    from caibao.facts.periods import parse_label

    label = parse_label(period) if period else None
    if period and label is None:
        raise CaibaoError(f"--period: {period!r} is not a period (2025Q4, 4Q25, FY2025)")
    explain = lang.value if lang else None
    if own:
        from caibao.claims.own import check_own_index
        from caibao.facts.xbrl import MAX_BYTES

        data, name = _read_bytes(article, MAX_BYTES)
        with _time_limit(time_limit, name):
            result, index = check_own_index(data, name, explain or "en")
    else:
        from caibao.facts.store import Store

        text, name = _read_article(article, MAX_CHARS)
        is_html = name.lower().endswith((".html", ".htm")) or text.lstrip()[:15].lower().startswith(
            ("<!doctype", "<html")
        )
        with Store.open(db, read_only=True) as store, _time_limit(time_limit, name):
            result = check_text(store, text, ticker, document=name, html=is_html, lang=explain, period=label)
            index = store.index(result.ticker)
    chosen = form or (CheckFormat.table if sys.stdout.isatty() and output is None else CheckFormat.json)
    if chosen is CheckFormat.table and output is None:
        Console().print(render.to_table(result))
    elif chosen is CheckFormat.table:
        import io

        console = Console(file=io.StringIO(), width=160, color_system=None)
        console.print(render.to_table(result))
        _write(console.file.getvalue(), output)  # type: ignore[attr-defined]
    elif chosen is CheckFormat.json:
        _write(render.to_json(result, index), output)
    else:
        _write(render.to_html(result), output)
    if fail_on is not FailOn.never and result.count(fail_on.value):
        raise typer.Exit(1)


def _check_batch(
    paths: list[str],
    out: Path,
    ticker: str | None,
    lang: str | None,
    workers: int | None,
    scheduler: str | None,
    resume: bool,
    time_limit: float,
    db: Path | None,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from caibao.claims import batch
    from caibao.facts.store import Store

    documents = batch.gather(paths, ticker.upper() if ticker else None, lang)
    console = Console(stderr=True)
    columns = (
        TextColumn("checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("check", total=None, rate="")
        started = [0.0]

        def advance(done: int, total: int) -> None:
            import time

            now = time.perf_counter()
            if not done:
                started[0] = now
            rate = f"{done / (now - started[0]):.1f} documents/s" if done and now > started[0] else ""
            progress.update(task, completed=done, total=total, rate=rate)

        with Store.open(db, read_only=True) as store:
            totals = batch.run(documents, out, store, resume, time_limit, workers, scheduler, advance)
    typer.echo(totals.line())
    typer.echo(f"claims in {batch.claims_path(out)}, documents in {batch.documents_path(out)}")


def _read_bytes(article: str, limit: int) -> tuple[bytes, str]:
    """The file's bytes, its size checked before it is read."""
    if article == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise CaibaoError(f"<stdin>: over the {limit}-byte limit")
        return data, "<stdin>"
    path = Path(article)
    if not path.is_file():
        raise CaibaoError(f"{article}: {'a folder, not a file' if path.is_dir() else 'no such file'}")
    if path.stat().st_size > limit:
        raise CaibaoError(f"{article}: {path.stat().st_size} bytes is over the {limit}-byte limit")
    return path.read_bytes(), path.name


def _read_article(article: str, limit: int) -> tuple[str, str]:
    from caibao.claims.decode import decode_article

    # A character is at most four bytes: the byte limit follows from the character limit.
    data, name = _read_bytes(article, limit * 4)
    return decode_article(data, name), name


@contextmanager
def _time_limit(seconds: float, name: str) -> Iterator[None]:
    """End the work with a one-line error after `seconds` (0: no limit). SIGALRM interrupts pure
    Python between bytecodes, which is all a check is, so this never waits on the work itself."""
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise CaibaoError(
            f"{name}: the check took longer than its {seconds:g} s time limit "
            "(--time-limit SECONDS, or CAIBAO_TIME_LIMIT, allows more)"
        )

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@app.command()
def fetch(
    ticker: Annotated[str, typer.Argument(help="Ticker, e.g. NFLX.")],
    forms: Annotated[str, typer.Option("--forms", help="Comma-separated form types.")] = "10-K,10-Q",
    since: Annotated[int | None, typer.Option("--since", help="Only filings filed in or after YEAR.")] = None,
    db: DbOption = None,
) -> None:
    """Download TICKER's filings and company facts from SEC EDGAR and load them into the store."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from caibao.facts import ingest as loader
    from caibao.facts.sec import SecClient, user_agent
    from caibao.facts.sec import fetch as download
    from caibao.facts.store import Store

    console = Console(stderr=True)
    client = SecClient(user_agent())
    try:
        columns = (SpinnerColumn(), TextColumn("{task.description}"))
        with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
            task = progress.add_task(f"{ticker.upper()}: listing filings")
            documents = download(
                client, ticker, {f.strip().upper() for f in forms.split(",") if f.strip()}, since,
                lambda what: progress.update(task, description=f"{ticker.upper()}: {what}"),
            )  # fmt: skip
            prepared = [loader.prepare(d.name, d.data, ticker.upper(), d.filed) for d in documents]
            with Store.open(db) as store:
                reports = [loader.write(store, item) for item in prepared]
    finally:
        client.close()
    for report in reports:
        typer.echo(report.summary())
    typer.echo(f"{len(reports)} documents from {client.requests} requests")


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; 127.0.0.1 keeps it to this machine.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8000,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Processes that run checks (default: one per CPU).", min=1)
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option("--time-limit", envvar="CAIBAO_TIME_LIMIT", help="Seconds a check may take (0: no limit).", min=0),
    ] = DEFAULT_TIME_LIMIT,
    db: DbOption = None,
) -> None:
    """The checker, the brief and the facts in a web page, and a JSON API (docs at /docs)."""
    import uvicorn

    from caibao.web.app import LOOPBACK, create_app

    # Requests must name this server: on loopback, a page elsewhere cannot reach it by a name of
    # its own pointing here (DNS rebinding); bound wider, the operator chose who may.
    hosts = LOOPBACK if host in LOOPBACK else ("*",) if host in ("0.0.0.0", "::") else (*LOOPBACK, host)
    app_ = create_app(db, workers=workers, time_limit=time_limit, hosts=hosts)
    # A request still running when SIGTERM comes gets two seconds, then the workers are stopped.
    uvicorn.run(app_, host=host, port=port, log_level="warning", timeout_graceful_shutdown=2)


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Filings (.htm, .xml), facts files (.csv, .json), folders, .zip.")
    ],
    ticker: Annotated[str | None, typer.Option("--ticker", help="Company, where the input does not say.")] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Parse on a local Dask cluster of N processes.", min=1)
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Parse on the Dask cluster at ADDRESS (default: $CAIBAO_DASK_SCHEDULER)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Load filings and facts files into the store: each document whole or not at all."""
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from caibao.facts import bulk
    from caibao.facts import ingest as loader
    from caibao.facts.store import Store

    if scheduler is None and workers is None:
        scheduler = os.environ.get(SCHEDULER_ENV) or None
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        tasks: dict[str, object] = {}

        def advance(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(phase, total=total)
            progress.update(tasks[phase], completed=done, total=total)  # type: ignore[arg-type]

        # The store is opened for writing only once every document has been read and parsed.
        spool = bulk.parse(loader.documents(paths), ticker, workers, scheduler, advance)
        with Store.open(db) as store:
            reports = bulk.write_all(spool, store, advance)
    for report in reports:
        typer.echo(report.summary())
        for warning in report.warnings:
            console.print(f"  [yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)
    if len(reports) > 1:
        totals = [sum(getattr(r, k) for r in reports) for k in ("added", "derived", "rejected")]
        typer.echo(f"{len(reports)} documents: {totals[0]} facts added, {totals[1]} derived, {totals[2]} rejected")


def main() -> None:
    try:
        app()
    except CaibaoError as exc:
        from rich.markup import escape

        # The message quotes the input: "[/x]" in a file must print as it is, not as markup.
        Console(stderr=True).print(f"[bold red]caibao:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(1)
