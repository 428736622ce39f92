"""`caibao serve`: the checker, the brief and the facts as web pages, and the same as a JSON API.

Safety: templates escape everything (Jinja2 autoescape); an article is at most MAX_ARTICLE bytes
whether pasted or uploaded; nothing a request carries becomes a file path (tickers are checked
against the store, periods parsed, result ids are hex); the server binds to 127.0.0.1 unless told.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from caibao.brief import render as brief_render
from caibao.brief.i18n import LANGUAGES, Words
from caibao.claims import report as check_render
from caibao.errors import CaibaoError, NotFound
from caibao.web.service import Service

MAX_ARTICLE = 1_000_000  # bytes
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


def create_app(db: str | Path | None = None) -> FastAPI:
    service = Service(db)
    app = FastAPI(
        title="caibao",
        description="Verified earnings briefs from filed numbers, and a checker for the numbers in articles.",
        version="0.1.0",
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
        body = templates.get_template(name).render(ui=ui, lang=lang, languages=LANGUAGES, **values)
        return HTMLResponse(body, status_code=status)

    @app.exception_handler(CaibaoError)
    async def caibao_error(request: Request, exc: CaibaoError) -> Response:
        status = 404 if isinstance(exc, NotFound) else 422
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=status)
        lang = request.query_params.get("lang", "zh-Hant")
        return page("error.html", lang if lang in LANGUAGES else "zh-Hant", status, message=str(exc))

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

        def refuse(status: int, error: str) -> HTMLResponse:
            return page("check.html", lang, status, tickers=service.tickers(), text="", error=error)

        too_large = ui("error", "too_large", limit=MAX_ARTICLE)
        if int(request.headers.get("content-length") or 0) > MAX_ARTICLE + 10_000:
            return refuse(413, too_large)
        form = await request.form(max_files=1, max_fields=10)
        text = str(form.get("text") or "")
        document, is_html = "article", False
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(MAX_ARTICLE + 1)
            if len(data) > MAX_ARTICLE:
                return refuse(413, too_large)
            text = data.decode("utf-8-sig", errors="replace")
            document = Path(upload.filename).name[:200]  # a name to show, never a path to open
            is_html = document.lower().endswith((".html", ".htm"))
        if not text.strip():
            return refuse(422, ui("error", "empty"))
        if len(text.encode()) > MAX_ARTICLE:
            return refuse(413, too_large)
        is_html = is_html or text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))
        ticker = str(form.get("ticker") or "") or None
        if ticker and ticker not in service.tickers():
            ticker = None
        key, _ = service.check(text, ticker, document, is_html, lang)
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

    @app.post("/api/check", response_model=CheckResponse, summary="Check the numbers in an article")
    def api_check(body: CheckRequest) -> Response:
        key, report = service.check(body.text, body.ticker, body.document, body.html, body.lang)
        doc = json.loads(check_render.to_json(report, service.index(report.ticker)))
        # Built by our own serialiser and described by CheckResponse; validating it again costs more
        # than the check.
        payload = json.dumps({"id": key, "url": f"/check/{key}", **doc}, ensure_ascii=False)
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

    return app
