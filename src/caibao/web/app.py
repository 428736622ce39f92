"""`caibao serve`: the checker, the brief and the facts as web pages, and the same as a JSON API.

Safety: templates escape everything (Jinja2 autoescape) and every page carries a strict
Content-Security-Policy (no script at all; styles only with the page's nonce); a request body is
capped before it is read (`guard.BodyLimit`); a form POST must come from this server's own pages
(`guard.same_origin`) and a request must name this server as its host (no DNS rebinding); an
article is at most MAX_ARTICLE bytes whether pasted or uploaded, decoded by `claims.decode`; checks
run in worker processes with a time limit (`pool`), never on the event loop; nothing a request
carries becomes a file path (tickers are checked against the store, periods parsed, result ids are
hex); the server binds to 127.0.0.1 unless told.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from caibao.brief import render as brief_render
from caibao.brief.i18n import LANGUAGES, Words
from caibao.claims.decode import decode_article, refuse_surrogates
from caibao.errors import CaibaoError, NotFound, StoreBusy
from caibao.web import guard
from caibao.web.pool import Busy, CheckTimeout, PoolError, WorkerLost
from caibao.web.service import Service

log = logging.getLogger("caibao.web")
MAX_ARTICLE = 1_000_000  # bytes
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
_RESULT_ID = re.compile(r"^[0-9a-f]{20}$")
_TICKER = r"^[A-Za-z][A-Za-z.\-]{0,9}$"
_PERIOD = r"^[0-9A-Za-z \-']{2,12}$"
Lang = Annotated[str, Query(pattern="^(zh-Hant|zh-Hans|en)$")]


class CheckRequest(BaseModel):
    text: str = Field(max_length=MAX_ARTICLE, description="The article: plain text, Markdown or HTML.")
    ticker: str | None = Field(default=None, pattern=_TICKER, description="The company; detected when absent.")
    html: bool = Field(default=False, description="The text is HTML: offsets refer to the HTML as given.")
    document: str = Field(default="article", max_length=200)
    lang: str | None = Field(
        default=None,
        pattern="^(zh-Hant|zh-Hans|en)$",
        description="Language of the explanations; the article's own by default.",
    )


class ClaimOut(BaseModel):
    quote: str
    start: int
    end: int
    sentence: str
    metric: str | None
    segment: str
    period: str | None
    measure: str
    stated: float | None
    stated_low: float | None
    stated_high: float | None
    actual: float | None
    verdict: str
    cause: str | None
    explanation: str
    sources: list[str]


class CheckResponse(BaseModel):
    id: str
    url: str
    document: str
    ticker: str
    summary: dict[str, int]
    claims: list[ClaimOut]


def body_limit(path: str) -> int:
    """Bytes a request to `path` may carry: an article's limit where one is posted, encoded at its
    worst (a CJK character is 3 bytes of UTF-8, 9 URL-encoded, 6 as a JSON escape), else a little."""
    return 9 * MAX_ARTICLE + 64_000 if path in ("/check", "/api/check") else 64_000


def create_app(
    db: str | Path | None = None,
    workers: int | None = None,
    time_limit: float = 10.0,
    hosts: Sequence[str] = LOOPBACK,
) -> FastAPI:
    """The app over the store `db`; checks run in `workers` processes, each stopped after
    `time_limit` seconds; only requests naming one of `hosts` are answered ("*": any)."""
    service = Service(db, workers, time_limit)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        service.close()  # stops the workers, a check still running among them

    app = FastAPI(
        title="caibao",
        description="Verified earnings briefs from filed numbers, and a checker for the numbers in articles.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.service = service
    templates = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader("caibao.web", "templates"), jinja2.PackageLoader("caibao.brief", "templates")]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )

    def page(name: str, lang: str, status: int = 200, **values: Any) -> HTMLResponse:
        ui = Words(lang, "ui")
        nonce = secrets.token_urlsafe(16)
        body = templates.get_template(name).render(ui=ui, lang=lang, languages=LANGUAGES, csp_nonce=nonce, **values)
        return HTMLResponse(
            body, status_code=status, headers={"Content-Security-Policy": guard.PAGE_POLICY.format(nonce=nonce)}
        )

    def lang_of(request_lang: str | None, accept: str = "", default: str = "zh-Hant") -> str:
        """The reader's language: the one asked for, else the browser's first we have, else `default`."""
        if request_lang in LANGUAGES:
            return request_lang
        for tag in (part.split(";")[0].strip().lower() for part in accept.split(",")):
            if tag.startswith(("zh-hant", "zh-tw", "zh-hk", "zh-mo")):
                return "zh-Hant"
            if tag.startswith("zh"):
                return "zh-Hans"
            if tag.startswith("en"):
                return "en"
        return default

    def form_error(lang: str, status: int, error: str) -> HTMLResponse:
        # The tickers as last read: a refusal is answered at once, never after a wait for the store.
        return page("check.html", lang, status, tickers=list(service.reader.known()), text="", error=error)

    def refuse_large(scope: dict, cap: int) -> Response:
        if scope["path"].startswith("/api/"):
            return JSONResponse({"detail": f"the request body is over the {cap}-byte limit"}, status_code=413)
        lang = lang_of(Request(scope).query_params.get("lang"))
        return form_error(lang, 413, Words(lang, "ui")("error", "too_large", limit=MAX_ARTICLE))

    def failure(exc: CaibaoError) -> tuple[int, str]:
        """The status and the message key (in ui.toml) of a check that did not finish."""
        if isinstance(exc, CheckTimeout):
            return 504, "timeout"
        if isinstance(exc, WorkerLost):
            return 503, "failed"
        if isinstance(exc, StoreBusy):
            return 503, "busy"
        return (503, "busy") if isinstance(exc, Busy) else (422, "")

    @app.exception_handler(CaibaoError)
    async def caibao_error(request: Request, exc: CaibaoError) -> Response:
        status, key = failure(exc)
        status = 404 if isinstance(exc, NotFound) else status
        asked = (exc.lang if isinstance(exc, PoolError) else None) or request.query_params.get("lang")
        api = request.url.path.startswith("/api/")
        lang = lang_of(asked, request.headers.get("accept-language", ""), "en" if api else "zh-Hant")
        message = Words(lang, "ui")("error", key, limit=f"{time_limit:g}") if key else str(exc)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message if key else str(exc)}, status_code=status)
        return page("error.html", lang, status, message=message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        # FastAPI's own answer repeats each bad input in full: a 100 MB field would come back whole.
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))[:300], "type": e.get("type", "")}
            for e in exc.errors()[:20]
        ]
        if not request.url.path.startswith("/api/"):
            where = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors)
            return page("error.html", "zh-Hant", 422, message=f"{where}: {errors[0]['msg'] if errors else ''}")
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        # A bug, not the request's fault: one line in the server's log and to the client, no traceback.
        log.error("%s %s: %s: %s", request.method, request.url.path, type(exc).__name__, str(exc)[:300])
        lang = lang_of(request.query_params.get("lang"), request.headers.get("accept-language", ""))
        message = Words(lang, "ui")("error", "failed")
        # Sent from outside every middleware (Starlette's ServerErrorMiddleware): headers by hand.
        if request.url.path.startswith("/api/"):
            response: Response = JSONResponse({"detail": message}, status_code=500)
        else:
            response = page("error.html", lang, 500, message=message)
        response.headers.update(guard.FIXED_HEADERS)
        response.headers.setdefault("content-security-policy", guard.OTHER_POLICY)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.url.path.startswith(guard.DOCS_PATHS):
            return JSONResponse({"detail": str(exc.detail)[:300]}, status_code=exc.status_code)
        if isinstance(exc, guard.TooLarge):
            return refuse_large(request.scope, 0)
        return page("error.html", lang_of(request.query_params.get("lang")), exc.status_code,
                    message=str(exc.detail)[:300])  # fmt: skip

    # -- pages -------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def home(lang: Lang = "zh-Hant") -> RedirectResponse:
        return RedirectResponse(f"/check?lang={lang}", status_code=303)

    @app.get("/check", response_class=HTMLResponse, include_in_schema=False)
    def check_form(lang: Lang = "zh-Hant") -> HTMLResponse:
        return page("check.html", lang, tickers=service.tickers(), error="", text="")

    @app.post("/check", include_in_schema=False)
    async def check_submit(request: Request, lang: Lang = "zh-Hant") -> Response:
        ui = Words(lang, "ui")
        if not guard.same_origin(dict(request.headers), request.url.scheme):
            return form_error(lang, 403, ui("error", "cross_origin"))
        too_large = ui("error", "too_large", limit=MAX_ARTICLE)
        # The part may be as large as the body cap: our own check below gives the reader's 413.
        form = await request.form(max_files=1, max_fields=10, max_part_size=body_limit("/check"))
        text = str(form.get("text") or "")
        document, is_html = "article", False
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(MAX_ARTICLE + 1)
            if len(data) > MAX_ARTICLE:
                return form_error(lang, 413, too_large)
            document = Path(upload.filename).name[:200]  # a name to show, never a path to open
            text = decode_article(data, document)
            is_html = document.lower().endswith((".html", ".htm"))
        if not text.strip():
            return form_error(lang, 422, ui("error", "empty"))
        refuse_surrogates(text, document)
        if len(text.encode()) > MAX_ARTICLE:
            return form_error(lang, 413, too_large)
        is_html = is_html or text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))
        ticker = str(form.get("ticker") or "") or None
        if ticker and ticker not in await run_in_threadpool(service.tickers):  # may wait for the store
            ticker = None
        key, _ = await service.check(text, ticker, document, is_html, lang)
        return RedirectResponse(f"/check/{key}?lang={lang}", status_code=303)

    @app.get("/check/{key}", response_class=HTMLResponse, include_in_schema=False)
    def check_result(key: str, lang: Lang = "zh-Hant") -> HTMLResponse:
        found = service.saved(key) if _RESULT_ID.match(key) else None
        if found is None:
            raise NotFound(f"no check result {key[:40]!r}")
        marked, result = found
        wrong = [c for c in result["claims"] if c["verdict"] == "contradicted"]
        return page("check_result.html", lang, key=key, marked=jinja2.utils.markupsafe.Markup(marked),
                    result=result, wrong=wrong)  # fmt: skip

    @app.get("/brief", response_class=HTMLResponse, include_in_schema=False)
    def brief_page(ticker: str = "AMZN", period: str | None = None, lang: Lang = "zh-Hant") -> HTMLResponse:
        tickers = service.tickers()
        ticker = ticker.upper() if ticker.upper() in tickers else tickers[0]
        periods = service.periods(ticker)
        quarters = [p for p in periods if not p.startswith("FY")]
        period = period if period in periods else (quarters or periods)[-1]
        brief = service.brief(ticker, period, lang)
        return page("brief_page.html", lang, tickers=tickers, ticker=ticker, periods=periods, period=period,
                    **brief_render.context(brief))  # fmt: skip

    @app.get("/brief/{ticker}/{period}.{form}", include_in_schema=False)
    def brief_download(ticker: str, period: str, form: str, lang: Lang = "zh-Hant") -> Response:
        if form not in brief_render.FORMATS or not re.match(_TICKER, ticker) or not re.match(_PERIOD, period):
            raise NotFound(f"no brief format {form!r}")
        brief = service.brief(ticker, period, lang)
        media = {"md": "text/markdown", "html": "text/html", "json": "application/json"}[form]
        name = f"{brief.ticker}-{brief.period}-{lang}.{form}"
        return Response(brief_render.render(brief, form), media_type=f"{media}; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip

    @app.get("/facts", response_class=HTMLResponse, include_in_schema=False)
    def facts_page(ticker: str = "AMZN", metric: str = "", period: str = "", lang: Lang = "zh-Hant") -> HTMLResponse:
        tickers = service.tickers()
        ticker = ticker.upper() if ticker.upper() in tickers else tickers[0]
        facts = service.facts(ticker, metric or None, None, period or None)
        metrics = sorted({f.metric for f in service.facts(ticker, None, None, None)})
        return page("facts.html", lang, tickers=tickers, ticker=ticker, metric=metric, period=period,
                    metrics=metrics, facts=facts)  # fmt: skip

    # -- API ---------------------------------------------------------------------------------

    @app.post(
        "/api/check",
        response_model=CheckResponse,
        summary="Check the numbers in an article",
        responses={413: {"description": "Body over the limit"}, 503: {"description": "Busy"},
                   504: {"description": "The check ran past its time limit"}},
    )  # fmt: skip
    async def api_check(body: CheckRequest) -> Response:
        refuse_surrogates(body.text, body.document)
        if len(body.text.encode()) > MAX_ARTICLE:
            return JSONResponse({"detail": f"text: over the {MAX_ARTICLE}-byte limit for an article"}, status_code=413)
        key, checked = await service.check(body.text, body.ticker, body.document, body.html, body.lang)
        # Built by our own serialiser and described by CheckResponse; validating it again costs more
        # than the check.
        doc = {"id": key, "url": f"/check/{key}", **json.loads(checked.result)}
        payload = json.dumps(doc, ensure_ascii=False)
        return Response(payload, media_type="application/json")

    @app.get("/api/brief/{ticker}/{period}", summary="The earnings brief as JSON, every cell with its facts")
    def api_brief(ticker: str, period: str, lang: Lang = "zh-Hant") -> dict:
        if not re.match(_TICKER, ticker) or not re.match(_PERIOD, period):
            raise HTTPException(422, "ticker or period is malformed")
        return json.loads(brief_render.to_json(service.brief(ticker, period, lang)))

    @app.get("/api/facts/{ticker}", summary="The facts the store holds for a company, with sources")
    def api_facts(ticker: str, metric: str | None = None, segment: str | None = None,
                  period: str | None = None) -> list[dict]:  # fmt: skip
        if not re.match(_TICKER, ticker) or (period and not re.match(_PERIOD, period)):
            raise HTTPException(422, "ticker or period is malformed")
        return [f.record() for f in service.facts(ticker, metric, segment, period)]

    app.add_middleware(guard.BodyLimit, limit=body_limit, refuse=refuse_large)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))
    app.add_middleware(guard.SecurityHeaders)
    return app
