"""What every request passes before it reaches a page: a body cap, the security headers, and the
same-origin rule for forms.

The cap is ASGI middleware, not a check in the endpoint: by the time an endpoint runs, FastAPI has
read the whole body (and a validation error would echo it back). Here a declared Content-Length
over the cap is refused before one byte is read, and an undeclared (chunked) body is counted as it
arrives and cut off at the cap.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages have no script at all; their one <style> carries a per-response nonce. Anything else
# (JSON, downloads, redirects) may load nothing.
PAGE_POLICY = (
    "default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
# /docs and /redoc: Swagger UI and ReDoc from this server's own files (an installed package's, under
# /docs/assets), started by FastAPI's inline bootstrap script; they style themselves inline and ReDoc
# runs a worker from a blob. Nothing from another host: the docs work offline.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; img-src 'self' data:; connect-src 'self'; worker-src blob:; "
    "frame-ancestors 'none'; base-uri 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
FIXED_HEADERS = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "same-origin"}


class TooLarge(HTTPException):
    """The body passed the cap while it was being read. An HTTPException, so that FastAPI's body
    reader passes it on as it is instead of turning it into "error parsing the body" (400)."""

    def __init__(self, cap: int):
        super().__init__(413, f"the request body is over the {cap}-byte limit")


class BodyLimit:
    """Refuse a request body over `limit(path)` bytes with 413, reading at most `limit` of it."""

    def __init__(self, app: ASGIApp, limit: Callable[[str], int], refuse: Callable[[Scope, int], Response]):
        self.app, self.limit, self.refuse = app, limit, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap):
            await self.refuse(scope, cap)(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise TooLarge(cap)
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except TooLarge:
            if not started:
                await self.refuse(scope, cap)(scope, receive, send)


class SecurityHeaders:
    """Content-Security-Policy, nosniff and no framing on every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith(DOCS_PATHS)

        async def headed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-frame-options"]
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", (DOCS_POLICY if docs else OTHER_POLICY).encode()))
                headers += [(k.encode(), v.encode()) for k, v in FIXED_HEADERS.items() if k.encode() not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, headed)


def same_origin(headers: dict[str, str], scheme: str) -> bool:
    """Whether a form POST comes from a page of this server. Browsers send Origin on every
    cross-site POST (and Referer under our same-origin referrer policy); a request with neither
    is not from a browser page and cannot be a forged one."""
    host = headers.get("host", "")
    origin = headers.get("origin")
    if origin is not None:
        return origin != "null" and _origin_of(origin) == f"{scheme}://{host}"
    referer = headers.get("referer")
    if referer is not None:
        return _origin_of(referer) == f"{scheme}://{host}"
    return True


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def json_error(message: str) -> bytes:
    return json.dumps({"detail": message}, ensure_ascii=False).encode()
