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

import importlib.resources
import json
import logging
import re
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from caibao.brief import render as brief_render
from caibao.brief.i18n import LANGUAGES, Words
from caibao.claims.decode import decode_article, refuse_surrogates
from caibao.errors import CaibaoError, NotFound, StoreBusy
from caibao.facts.periods import parse_label
from caibao.web import guard, marks
from caibao.web.pool import Busy, CheckTimeout, PoolError, WorkerLost
from caibao.web.service import Service

log = logging.getLogger("caibao.web")
MAX_ARTICLE = 1_000_000  # bytes
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
_RESULT_ID = re.compile(r"^[0-9a-f]{20}$")
_TICKER = r"^[A-Za-z][A-Za-z.\-]{0,9}$"
_PERIOD = r"^[0-9A-Za-z \-']{2,12}$"
Lang = Annotated[str, Query(pattern="^(zh-Hant|zh-Hans|en)$")]
# Swagger UI's and ReDoc's files, from an installed package: /docs works without internet.
DOCS_ASSETS = "/docs/assets"
# The check's own refusals are CaibaoErrors worded for the command line; the web tells them apart by
# these words, to answer in the reader's language with what to do on the page (ui.toml [error]).
CHECK_REFUSALS = (("no company detected", 422, "no_company"), ("-character limit", 413, "too_large"),
                  ("numbers is over what one check reads", 422, "too_many_numbers"))  # fmt: skip


class Missing(NotFound):
    """A company, period or kept result the store does not hold, with what it does hold as
    (link, text) pairs: the page links them, the API lists their texts."""

    def __init__(self, key: str, choices: Sequence[tuple[str, str]] = (), **values: str):
        super().__init__(f"{key}: {values}")
        self.key, self.choices = key, list(choices)
        # Shown to the reader: what a URL carried is cut short, never repeated at any length.
        self.values = {name: value[:24] for name, value in values.items()}


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
        docs_url=None,  # served below from local files, not FastAPI's CDN
        redoc_url=None,
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

    def lang_from(request: Request, api: bool = False) -> str:
        """The reader's language for an answer that is not the page asked for (an error)."""
        asked = request.query_params.get("lang")
        return lang_of(asked, request.headers.get("accept-language", ""), "en" if api else "zh-Hant")

    def error_page(request: Request, lang: str, status: int, message: str,
                   choices: Sequence[tuple[str, str]] = ()) -> HTMLResponse:  # fmt: skip
        # The language links keep the rest of the address: a bad ticker's page switched to English
        # still says which ticker was missing.
        rest = [(k, v[:40]) for k, v in request.query_params.multi_items() if k != "lang"][:6]
        switch = urlencode(rest) + "&" if rest else ""
        return page("error.html", lang, status, message=message, choices=list(choices), switch_query=switch)

    def form_error(
        lang: str, status: int, error: str, text: str = "", ticker: str = "", detail: str = ""
    ) -> HTMLResponse:
        # The tickers as last read: a refusal is answered at once, never after a wait for the store.
        return page("check.html", lang, status, tickers=list(service.reader.known()), text=text, ticker=ticker,
                    error=error, detail=detail)  # fmt: skip

    def refuse_large(scope: dict, cap: int) -> Response:
        # The body was not read (that is the point of the cap): there is no article to give back.
        request = Request(scope)
        if scope["path"].startswith("/api/"):
            return JSONResponse({"detail": f"the request body is over the {cap}-byte limit"}, status_code=413)
        lang = lang_from(request)
        return form_error(lang, 413, Words(lang, "ui")("error", "too_large", limit=MAX_ARTICLE))

    def failure(exc: CaibaoError) -> tuple[int, str]:
        """The status and the message key (in ui.toml [error]) of a check that did not finish; "" for
        a refusal with no words of ours (its own message is the API's detail)."""
        if isinstance(exc, CheckTimeout):
            return 504, "timeout"
        if isinstance(exc, WorkerLost):
            return 503, "failed"
        if isinstance(exc, StoreBusy | Busy):
            return 503, "busy"
        said = str(exc)
        return next(((status, key) for words, status, key in CHECK_REFUSALS if words in said), (422, ""))

    def limits(key: str) -> dict[str, str]:
        return {"limit": f"{time_limit:g}"} if key == "timeout" else {"limit": str(MAX_ARTICLE)}

    def without_paths(message: str) -> str:
        # A store's messages name its file, for the command line; a web client is not told where it is.
        for place in (str(service.path), str(service.path.parent)):
            message = message.replace(place, "the store")
        return message

    @app.exception_handler(CaibaoError)
    async def caibao_error(request: Request, exc: CaibaoError) -> Response:
        api = request.url.path.startswith("/api/")
        asked = (exc.lang if isinstance(exc, PoolError) else None) or request.query_params.get("lang")
        lang = lang_of(asked, request.headers.get("accept-language", ""), "en" if api else "zh-Hant")
        ui = Words(lang, "ui")
        if isinstance(exc, Missing):
            message = ui("error", exc.key, **exc.values)
            if api:
                return JSONResponse({"detail": f"{message} {', '.join(t for _, t in exc.choices)}"}, status_code=404)
            return error_page(request, lang, 404, message, exc.choices)
        if isinstance(exc, NotFound):
            status, key = 404, "no_page"
        else:
            status, key = failure(exc)
        if api:
            key = "no_company_api" if key == "no_company" else key
            detail = ui("error", key, **limits(key)) if key else without_paths(str(exc))[:300]
            return JSONResponse({"detail": detail}, status_code=status)
        return error_page(request, lang, status, ui("error", key or "request", **limits(key)))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        # FastAPI's own answer repeats each bad input in full: a 100 MB field would come back whole.
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))[:300], "type": e.get("type", "")}
            for e in exc.errors()[:20]
        ]
        if not request.url.path.startswith("/api/"):
            lang = lang_from(request)
            return error_page(request, lang, 422, Words(lang, "ui")("error", "bad_query"))
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        # A bug, not the request's fault: one line in the server's log and to the client, no traceback.
        log.error("%s %s: %s: %s", request.method, request.url.path, type(exc).__name__, str(exc)[:300])
        lang = lang_from(request)
        message = Words(lang, "ui")("error", "failed")
        # Sent from outside every middleware (Starlette's ServerErrorMiddleware): headers by hand.
        if request.url.path.startswith("/api/"):
            response: Response = JSONResponse({"detail": message}, status_code=500)
        else:
            response = error_page(request, lang, 500, message)
        response.headers.update(guard.FIXED_HEADERS)
        response.headers.setdefault("content-security-policy", guard.OTHER_POLICY)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.url.path.startswith(guard.DOCS_PATHS):
            return JSONResponse({"detail": str(exc.detail)[:300]}, status_code=exc.status_code)
        if isinstance(exc, guard.TooLarge):
            return refuse_large(request.scope, 0)
        lang = lang_from(request)
        key = "no_page" if exc.status_code == 404 else "request"
        return error_page(request, lang, exc.status_code, Words(lang, "ui")("error", key))

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
        # The part may be as large as the body cap: our own check below gives the reader's 413.
        form = await request.form(max_files=1, max_fields=10, max_part_size=body_limit("/check"))
        text = str(form.get("text") or "")
        ticker = str(form.get("ticker") or "")[:12] or None

        def again(status: int, key: str, detail: str = "") -> HTMLResponse:
            # The form again, the reader's article and company still in it, the reason above it.
            return form_error(lang, status, ui("error", key, **limits(key)), text, ticker or "", detail)

        document, is_html = "article", False
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(MAX_ARTICLE + 1)
            if len(data) > MAX_ARTICLE:
                return again(413, "too_large")
            document = Path(upload.filename).name[:200]  # a name to show, never a path to open
            try:
                text = decode_article(data, document)
            except CaibaoError as exc:  # its message names the upload, never a file of ours
                return again(422, "encoding", str(exc)[:300])
            is_html = document.lower().endswith((".html", ".htm"))
        if not text.strip():
            return again(400, "empty")
        try:
            refuse_surrogates(text, document)
        except CaibaoError as exc:
            return again(400, "encoding", str(exc)[:300])
        if len(text.encode()) > MAX_ARTICLE:
            return again(413, "too_large")
        is_html = is_html or text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))
        try:
            if ticker and ticker not in await run_in_threadpool(service.tickers):  # may wait for the store
                ticker = None
            key, _ = await service.check(text, ticker, document, is_html, lang)
        except CaibaoError as exc:
            status, reason = failure(exc)
            return again(status, reason or "unreadable")
        return RedirectResponse(f"/check/{key}?lang={lang}", status_code=303)

    @app.get("/check/{key}", response_class=HTMLResponse, include_in_schema=False)
    def check_result(key: str, lang: Lang = "zh-Hant") -> HTMLResponse:
        found = service.saved(key) if _RESULT_ID.match(key) else None
        if found is None:
            raise Missing("no_result")
        marked, result = found
        ui = Words(lang, "ui")
        verdicts = {v: ui("check", f"verdict_{v}") for v in ("supported", "contradicted", "unverifiable")}
        article, wrong = marks.render(marked, result, lang, verdicts, ui("check", "to_finding"))
        return page("check_result.html", lang, key=key, marked=article, result=result,
                    wrong=wrong)  # fmt: skip

    def company(ticker: str | None, lang: str, route: str) -> str:
        """The store's ticker asked for (its first when none was); Missing, with the companies it
        holds linked on `route`, when it holds no such company."""
        tickers = service.tickers()
        if not ticker:
            return "AMZN" if "AMZN" in tickers else tickers[0]
        if ticker.upper() not in tickers:
            links = [(f"{route}?ticker={quote(t)}&lang={lang}", t) for t in tickers]
            raise Missing("no_ticker", links, ticker=ticker)
        return ticker.upper()

    def brief_period(ticker: str, period: str | None, lang: str) -> str:
        """The period asked for as the store writes it (the latest quarter when none was); Missing,
        with the company's periods linked, when there is no brief for it."""
        periods = service.periods(ticker)
        if not period:
            quarters = [p for p in periods if not p.startswith("FY")]
            return (quarters or periods)[-1]
        try:
            label = str(parse_label(period))
        except CaibaoError:
            label = ""
        if label not in periods:
            links = [(f"/brief?ticker={quote(ticker)}&period={quote(p)}&lang={lang}", p) for p in periods]
            raise Missing("no_period", links, ticker=ticker, period=period)
        return label

    @app.get("/brief", response_class=HTMLResponse, include_in_schema=False)
    def brief_page(ticker: str = "", period: str | None = None, lang: Lang = "zh-Hant") -> HTMLResponse:
        # A company or period the store does not hold is a 404 naming what it does hold: never
        # another company's or quarter's brief under the address asked for.
        tickers = service.tickers()
        ticker = company(ticker, lang, "/brief")
        periods = service.periods(ticker)
        period = brief_period(ticker, period, lang)
        brief = service.brief(ticker, period, lang)
        return page("brief_page.html", lang, tickers=tickers, ticker=ticker, periods=periods, period=period,
                    **brief_render.context(brief))  # fmt: skip

    # Registered before brief_download, whose {form} would take "pdf" too: the PDF is bytes, not text.
    @app.get("/brief/{ticker}/{period}.pdf", include_in_schema=False)
    def brief_pdf(ticker: str, period: str, lang: Lang = "zh-Hant") -> Response:
        from caibao.brief.pdf import PdfUnavailable

        if not re.match(_TICKER, ticker) or not re.match(_PERIOD, period):
            raise NotFound(f"no brief for {ticker[:12]!r} {period[:12]!r}")
        ticker = company(ticker, lang, "/brief")
        brief = service.brief(ticker, brief_period(ticker, period, lang), lang)
        try:
            pdf = brief_render.to_pdf(brief)
        except PdfUnavailable as exc:  # the server lacks Pango or a CJK font: its operator's to install
            raise HTTPException(503, str(exc)) from None
        name = f"{brief.ticker}-{brief.period}-{lang}.pdf"
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip

    @app.get("/brief/{ticker}/{period}.{form}", include_in_schema=False)
    def brief_download(ticker: str, period: str, form: str, lang: Lang = "zh-Hant") -> Response:
        if form not in brief_render.FORMATS or not re.match(_TICKER, ticker) or not re.match(_PERIOD, period):
            raise NotFound(f"no brief format {form!r}")
        ticker = company(ticker, lang, "/brief")
        brief = service.brief(ticker, brief_period(ticker, period, lang), lang)
        media = {"md": "text/markdown", "html": "text/html", "json": "application/json"}[form]
        name = f"{brief.ticker}-{brief.period}-{lang}.{form}"
        return Response(brief_render.render(brief, form), media_type=f"{media}; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip

    @app.get("/facts", response_class=HTMLResponse, include_in_schema=False)
    def facts_page(ticker: str = "", metric: str = "", period: str = "", lang: Lang = "zh-Hant") -> HTMLResponse:
        tickers = service.tickers()
        ticker = company(ticker, lang, "/facts")
        try:
            facts = service.facts(ticker, metric or None, None, period or None)
        except CaibaoError:  # a period no one writes: the periods that can be asked for instead
            links = [(f"/facts?ticker={quote(ticker)}&period={quote(p)}&lang={lang}", p)
                     for p in service.periods(ticker)]  # fmt: skip
            raise Missing("no_period", links, ticker=ticker, period=period) from None
        metrics = sorted({f.metric for f in service.facts(ticker, None, None, None)})
        return page("facts.html", lang, tickers=tickers, ticker=ticker, metric=metric, period=period,
                    metrics=metrics, facts=facts)  # fmt: skip

    # -- API docs, from local files ----------------------------------------------------------

    app.mount(DOCS_ASSETS, StaticFiles(directory=str(importlib.resources.files("fastapi_offline") / "static")))
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{app.title} API", oauth2_redirect_url=oauth2_redirect,
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None},  # else the spec's address is sent to a validator online
        )  # fmt: skip

    @app.get(oauth2_redirect, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=openapi_url, title=f"{app.title} API",
                              redoc_js_url=f"{DOCS_ASSETS}/redoc.standalone.js",
                              redoc_favicon_url=f"{DOCS_ASSETS}/favicon.png", with_google_fonts=False)  # fmt: skip

    # -- API ---------------------------------------------------------------------------------

    @app.post(
        "/api/check",
        response_model=CheckResponse,
        summary="Check the numbers in an article",
        responses={413: {"description": "Body over the limit"}, 503: {"description": "Busy"},
                   504: {"description": "The check ran past its time limit"}},
    )  # fmt: skip
    async def api_check(body: CheckRequest, request: Request) -> Response:
        refuse_surrogates(body.text, body.document)
        if len(body.text.encode()) > MAX_ARTICLE:
            too_large = Words(body.lang or lang_from(request, api=True), "ui")("error", "too_large", limit=MAX_ARTICLE)
            return JSONResponse({"detail": too_large}, status_code=413)
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
        ticker = company(ticker, lang, "/brief")
        return json.loads(brief_render.to_json(service.brief(ticker, brief_period(ticker, period, lang), lang)))

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
