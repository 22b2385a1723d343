"""HTTP around the pages: security and cache headers, ETags, gzip, client limits, access log."""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from aiohttp import web

from bot.pipeline.flood import FloodGate

access_log = structlog.get_logger("casebot.access")

# Nothing from anywhere else: no fonts, no analytics, no widgets. Share links are
# plain links; the only script from elsewhere is Telegram's, on the Mini App alone.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # A reader's visit must not travel to the sites they follow a link to.
    "Referrer-Policy": "no-referrer",
}
PAGE_MAX_AGE = 30  # seconds; the count may be this stale


def app_csp(script_origin: str) -> str:
    """The Mini App page: Telegram's script, and Telegram Web may show it in a frame."""
    return (
        f"default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self' {script_origin}; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors https://web.telegram.org"
    )


@dataclass(frozen=True, slots=True)
class Body:
    """A response body rendered once: its bytes, gzipped bytes and ETag."""

    data: bytes
    gzipped: bytes
    etag: str
    content_type: str

    @property
    def version(self) -> str:
        """A short name for this content, for addresses that change when it does."""
        return self.etag.strip('"')[:10]

    @classmethod
    def of(cls, text: str, content_type: str) -> Body:
        data = text.encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()[:20]
        return cls(data, gzip.compress(data, 6, mtime=0), f'"{digest}"', content_type)


def respond(
    request: web.Request,
    body: Body,
    *,
    max_age: int = PAGE_MAX_AGE,
    csp: str | None = PAGE_CSP,
    status: int = 200,
    vary: str = "Accept-Encoding",
    cache: str | None = None,
) -> web.Response:
    wants_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    etag = body.etag[:-1] + ('-gz"' if wants_gzip else '"')
    headers = {
        **SECURITY_HEADERS,
        "Cache-Control": cache or f"public, max-age={max_age}",
        "ETag": etag,
        "Vary": vary,
    }
    if csp:
        headers["Content-Security-Policy"] = csp
    if status == 200 and etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    if wants_gzip:
        headers["Content-Encoding"] = "gzip"
    headers["Content-Type"] = body.content_type
    return web.Response(status=status, body=body.gzipped if wants_gzip else body.data, headers=headers)


_PROXIES = ("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
_PROXY_NETWORKS = tuple(ipaddress.ip_network(n) for n in _PROXIES)


def client_address(request: web.Request) -> str:
    """The reader's address: behind our own proxy (a private address), the one it forwarded."""
    remote = request.remote or ""
    try:
        behind_proxy = any(ipaddress.ip_address(remote) in n for n in _PROXY_NETWORKS)
    except ValueError:
        behind_proxy = False
    forwarded = request.headers.get("X-Forwarded-For", "")
    if behind_proxy and forwarded:
        return forwarded.rsplit(",", 1)[-1].strip()
    return remote


class ClientLimiter:
    """A token bucket per client address (searches are the costly public request)."""

    def __init__(self, burst: int, rate: float, clock: Callable[[], float]) -> None:
        self._gate = FloodGate(burst, rate, clock)
        self._keys: dict[str, int] = {}

    def allow(self, address: str) -> bool:
        # FloodGate keys by int; the digest keeps addresses out of memory dumps too.
        key = int.from_bytes(hashlib.blake2b(address.encode(), digest_size=8).digest(), "big")
        return self._gate.allow(key)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def logged(handler: Handler) -> Handler:
    """``handler`` with each of its requests logged (:func:`log_access`). Per route, not a
    middleware: an application middleware runs on every request, the webhook's too (which logs
    its updates itself) and probes of /healthz every few seconds, not worth a line each."""

    async def logged_handler(request: web.Request) -> web.StreamResponse:
        return await log_access(request, handler)

    return logged_handler


async def log_access(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One line per request: method, route, status, time. Never the query string, a body,
    a header or an address: searches hold names, Mini App requests hold initData."""
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        route = request.match_info.route.resource
        access_log.info(
            "http.request",
            method=request.method,
            route=route.canonical if route is not None else "-",
            status=status,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
