"""The public pages and the Mini App's endpoints, on the bot's own aiohttp server.

``/`` (the cases, search, paging), ``/c/<slug>`` (a case), ``/c/<slug>/count.json``,
``/sitemap.xml``, ``/robots.txt``, ``/static/…``; the Mini App at ``/app`` and
``/app/<slug>`` with its ``/app/api/{state,sign,withdraw}``. The Mini App signs
through the same :class:`~bot.domain.petition.PetitionService` and flood gate as the
chat, so a signature is one signature wherever it was made.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlencode, urlsplit

import structlog
from aiohttp import web

from bot.app import App
from bot.cases.catalog import Catalog
from bot.cases.models import Case
from bot.domain.petition import NameRejected, Outcome, PetitionService, PetitionState, clean_name
from bot.transport.site import pages
from bot.transport.site.http import (
    PAGE_CSP,
    PAGE_MAX_AGE,
    Body,
    ClientLimiter,
    app_csp,
    client_address,
    logged,
    respond,
)
from bot.transport.site.initdata import InitDataRejected, MiniAppUser, check_init_data
from bot.transport.site.search import MAX_QUERY, find_cases
from bot.ui import views
from bot.ui.i18n import RUSSIAN_READERS, Translator
from bot.ui.links import SiteLinks

log = structlog.get_logger("casebot.site")

TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js"
PAGE_SIZE = 20
NEWS_ON_PAGE = 10
SOURCE_APP = "app"  # the signatures table's source column: signed in the Mini App
SEARCH_BURST, SEARCH_RATE = 10, 0.5  # per client: ten searches at once, then one per two seconds
_STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True, slots=True)
class AppRequest:
    """A Mini App request whose initData checked out."""

    user: MiniAppUser
    case: Case
    t: Translator
    payload: dict[str, Any]


class PublicSite:
    def __init__(
        self,
        app: App,
        *,
        telegram_script: str = TELEGRAM_SCRIPT,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._app = app
        self._links = SiteLinks.from_settings(app.settings)
        self._env = pages.environment()
        self._telegram_script = telegram_script
        origin = urlsplit(telegram_script)
        self._app_csp = app_csp(f"{origin.scheme}://{origin.netloc}" if origin.netloc else "'self'")
        self._monotonic = monotonic
        self._search_limit = ClientLimiter(SEARCH_BURST, SEARCH_RATE, monotonic)
        self._static = self._load_static()
        self._static_urls = {name: f"/static/{name}?v={body.version}" for name, body in self._static.items()}
        # Rendered pages for PAGE_MAX_AGE seconds: (path, locale, …) -> (rendered at, body).
        self._pages: dict[tuple[str, ...], tuple[float, Body]] = {}
        self._bot_username: str | None = None

    # --- wiring ------------------------------------------------------------------

    def install(self, application: web.Application) -> None:
        router = application.router
        router.add_get("/", logged(self.index))
        router.add_get("/c/{slug}", logged(self.case))
        router.add_get("/c/{slug}/count.json", logged(self.count))
        router.add_get("/sitemap.xml", logged(self.sitemap))
        router.add_get("/robots.txt", logged(self.robots))
        router.add_get("/favicon.ico", logged(self.favicon))
        router.add_get("/static/{name}", logged(self.static))
        router.add_get("/app", logged(self.app_choice))
        router.add_get("/app/{slug}", logged(self.app_page))
        router.add_post("/app/api/state", logged(self.app_state))
        router.add_post("/app/api/sign", logged(self.app_sign))
        router.add_post("/app/api/withdraw", logged(self.app_withdraw))

    @staticmethod
    def _load_static() -> dict[str, Body]:
        found = {}
        for entry in resources.files("bot.transport.site").joinpath("static").iterdir():
            suffix = "." + entry.name.rsplit(".", 1)[-1]
            if suffix in _STATIC_TYPES:
                found[entry.name] = Body.of(entry.read_text(encoding="utf-8"), _STATIC_TYPES[suffix])
        return found

    # --- shared helpers ----------------------------------------------------------

    @property
    def _catalog(self) -> Catalog:
        return self._app.catalogs.current

    @property
    def _petitions(self) -> PetitionService:
        return self._app.dp["petitions"]

    def _now(self) -> dt.datetime:
        clock: Callable[[], dt.datetime] = self._app.dp["clock"]
        return clock()

    async def _username(self) -> str | None:
        if self._bot_username is None:
            try:
                me = await self._app.bot.me()
            except Exception as exc:  # Telegram unreachable: pages go out without the bot link
                log.warning("site.bot_unknown", error=type(exc).__name__)
                return None
            self._bot_username = me.username or ""
        return self._bot_username or None

    def _locale(self, request: web.Request) -> str:
        """``?lang=``, else the first Accept-Language the bot speaks, else the configured default."""
        locales = self._app.l10n.locales
        by_folded = {loc.casefold(): loc for loc in locales}
        asked = request.query.get("lang", "")
        if asked.casefold() in by_folded:
            return by_folded[asked.casefold()]
        ranked = []
        for position, part in enumerate(request.headers.get("Accept-Language", "").split(",")[:20]):
            tag, _, params = part.strip().partition(";")
            try:
                weight = float(params.strip().removeprefix("q=")) if params else 1.0
            except ValueError:
                weight = 0.0
            if tag and weight > 0:
                ranked.append((-weight, position, tag.strip().casefold()))
        for _, _, tag in sorted(ranked):
            primary = tag.split("-")[0]
            for candidate in (tag, primary):
                if candidate in by_folded:
                    return by_folded[candidate]
            if primary in RUSSIAN_READERS and "ru" in by_folded:
                return "ru"
        return self._app.settings.default_locale

    def _translator(self, locale: str) -> Translator:
        return self._app.l10n.translator(locale)

    async def _chrome(
        self, t: Translator, path: str, title: str, description: str, **extra: Any
    ) -> pages.Chrome:
        settings = self._app.settings
        return pages.Chrome(
            t=pages.Texts(t),
            links=self._links,
            locales=self._app.l10n.locales,
            path=path,
            title=title,
            description=description,
            org=settings.org_name,
            contact=settings.org_contact,
            bot_username=await self._username(),
            static=self._static_urls,
            **extra,
        )

    async def _counts(self, case: Case) -> pages.Counts | None:
        petition = case.facts.petition
        if petition is None:
            return None
        return pages.Counts(
            await self._petitions.count(case), petition.goal, await self._petitions.state(case)
        )

    def _cached(self, key: tuple[str, ...]) -> Body | None:
        entry = self._pages.get(key)
        if entry is not None and self._monotonic() - entry[0] < PAGE_MAX_AGE:
            return entry[1]
        return None

    def _store(self, key: tuple[str, ...], body: Body) -> Body:
        if len(self._pages) > 2048:  # every case in every language, twice over: start afresh
            self._pages.clear()
        self._pages[key] = (self._monotonic(), body)
        return body

    def _vary(self, request: web.Request) -> str:
        return "Accept-Encoding" if "lang" in request.query else "Accept-Encoding, Accept-Language"

    async def _not_found(self, request: web.Request, t: Translator) -> web.Response:
        title = t("web-not-found-title")
        chrome = await self._chrome(t, request.path, title, title, noindex=True)
        html = pages.message_page(self._env, chrome, title, t("web-not-found"), self._catalog)
        return respond(request, Body.of(html, "text/html; charset=utf-8"), status=404, cache="no-store")

    # --- public pages ------------------------------------------------------------

    async def index(self, request: web.Request) -> web.Response:
        locale = self._locale(request)
        t = self._translator(locale)
        query = request.query.get("q", "").strip()[:MAX_QUERY]
        try:
            page = max(1, int(request.query.get("page", "1")))
        except ValueError:
            page = 1
        if query and not self._search_limit.allow(client_address(request)):
            title = t("web-too-many-title")
            chrome = await self._chrome(t, "/", title, title, noindex=True)
            html = pages.message_page(self._env, chrome, title, t("web-too-many"), ())
            response = respond(
                request, Body.of(html, "text/html; charset=utf-8"), status=429, cache="no-store"
            )
            response.headers["Retry-After"] = "60"
            return response
        key = ("index", locale, query, str(page))
        body = self._cached(key)
        if body is None:
            found = find_cases(self._catalog, query, locale)
            pages_count = max(1, math.ceil(len(found) / PAGE_SIZE))
            page = min(page, pages_count)
            listed = []
            for case in found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
                counts = await self._counts(case)
                current = await self._app.dp["news"].current_status(case)
                listed.append(
                    pages.ListedCase(
                        case,
                        case.name(locale),
                        pages.plain(t("card-status", status=views.status(case, t, current))),
                        views.petition_count(t, counts.count, counts.goal) if counts else None,
                    )
                )
            title = pages.plain(t("web-index-title"))
            chrome = await self._chrome(
                t,
                "/",
                title,
                pages.plain(t("web-index-intro")),
                extra_query={"q": query} if query else {},
                noindex=bool(query) or page > 1,
            )
            html = pages.index_page(
                self._env, chrome, listed, query=query, found=len(found), page=page, pages=pages_count
            )
            body = self._store(key, Body.of(html, "text/html; charset=utf-8"))
        return respond(request, body, vary=self._vary(request))

    async def case(self, request: web.Request) -> web.Response:
        locale = self._locale(request)
        t = self._translator(locale)
        case = self._catalog.get(request.match_info["slug"])
        if case is None:
            return await self._not_found(request, t)
        key = ("case", case.slug, locale, str(id(case)))
        body = self._cached(key)
        if body is None:
            body = self._store(key, Body.of(await self._render_case(case, t), "text/html; charset=utf-8"))
        return respond(request, body, vary=self._vary(request))

    async def _render_case(self, case: Case, t: Translator) -> str:
        news = self._app.dp["news"]
        current = await news.current_status(case)
        counts = await self._counts(case)
        status_line = views.status(case, t, current)
        count_text = t("signatures", count=counts.count) if counts else ""
        description = pages.plain(t("inline-description", status=status_line, count=count_text))
        listed = []
        for position in range(min(await news.news_count(case.slug), NEWS_ON_PAGE)):
            item = await news.news_item(case.slug, position)
            if item is not None:
                listed.append(item)
        chrome = await self._chrome(t, f"/c/{case.slug}", case.name(t.locale), description.strip(" ·"))
        return pages.case_page(
            self._env,
            chrome,
            case,
            t,
            today=self._now().date(),
            current=current,
            counts=counts,
            statuses=await news.statuses(case.slug),
            news=listed,
            live_script=self._static_urls["live.js"] if counts else None,
        )

    async def count(self, request: web.Request) -> web.Response:
        locale = self._locale(request)
        case = self._catalog.get(request.match_info["slug"])
        counts = await self._counts(case) if case is not None else None
        if case is None or counts is None:
            raise web.HTTPNotFound(text="no such petition")
        key = ("count", case.slug, locale)
        body = self._cached(key)
        if body is None:
            answer = self._figures(self._translator(locale), counts)
            body = self._store(key, Body.of(json.dumps(answer, ensure_ascii=False), "application/json"))
        return respond(request, body, csp=None)

    async def sitemap(self, request: web.Request) -> web.Response:
        xml = pages.sitemap(self._links, self._catalog, self._app.l10n.locales)
        return respond(request, Body.of(xml, "application/xml; charset=utf-8"), max_age=3600, csp=None)

    async def robots(self, request: web.Request) -> web.Response:
        text = f"User-agent: *\nDisallow: /app\nSitemap: {self._links.base}/sitemap.xml\n"
        return respond(request, Body.of(text, "text/plain; charset=utf-8"), max_age=3600, csp=None)

    async def favicon(self, request: web.Request) -> web.Response:
        return respond(request, self._static["logo.svg"], max_age=86400, csp=None)

    async def static(self, request: web.Request) -> web.Response:
        body = self._static.get(request.match_info["name"])
        if body is None:
            raise web.HTTPNotFound()
        # Pages name each file with its hash (?v=…), so a changed file is a new address.
        return respond(request, body, cache="public, max-age=31536000, immutable", csp=None)

    # --- the Mini App ------------------------------------------------------------

    async def app_choice(self, request: web.Request) -> web.Response:
        locale = self._locale(request)
        t = self._translator(locale)
        title = pages.plain(t("web-app-title"))
        with_petition = [c for c in self._catalog if c.facts.petition is not None]
        if len(with_petition) == 1:
            # The menu button with a single demand: straight to it. The browser keeps the
            # fragment (Telegram's initData) across a redirect whose address has none.
            raise web.HTTPFound(f"/app/{with_petition[0].slug}?{urlencode({'lang': locale})}")
        chrome = await self._chrome(t, "/app", title, title, noindex=True)
        html = pages.app_choice_page(
            self._env, chrome, with_petition, self._static_urls["app.js"], self._telegram_script
        )
        return respond(
            request, Body.of(html, "text/html; charset=utf-8"), csp=self._app_csp, vary=self._vary(request)
        )

    async def app_page(self, request: web.Request) -> web.Response:
        locale = self._locale(request)
        t = self._translator(locale)
        case = self._catalog.get(request.match_info["slug"])
        counts = await self._counts(case) if case is not None else None
        if case is None or counts is None:
            return await self._not_found(request, t)
        title = f"{pages.plain(t('web-app-title'))}: {case.name(locale)}"
        chrome = await self._chrome(t, f"/app/{case.slug}", title, title, noindex=True)
        html = pages.app_page(
            self._env,
            chrome,
            case,
            t,
            counts=counts,
            telegram_script=self._telegram_script,
            app_script=self._static_urls["app.js"],
        )
        # Not cached by anyone: the count on it should be the current one.
        return respond(
            request,
            Body.of(html, "text/html; charset=utf-8"),
            csp=self._app_csp,
            cache="no-cache",
            vary=self._vary(request),
        )

    def _figures(self, t: Translator, counts: pages.Counts) -> dict[str, Any]:
        return {
            "count": counts.count,
            "goal": counts.goal,
            "percent": counts.percent,
            "count_text": views.petition_count(t, counts.count, counts.goal),
            "state": counts.state.value if counts.state else None,
        }

    async def _app_request(self, request: web.Request) -> AppRequest | web.Response:
        """The checked user, the case and the reader's language; or the refusal to send."""
        json_request = request.content_type == "application/json"
        try:
            payload = await request.json() if json_request else dict(await request.post())
        except (ValueError, UnicodeDecodeError):
            payload = {}
        if not isinstance(payload, dict):
            payload = {}
        lang = str(payload.get("lang", ""))
        locales = self._app.l10n.locales
        t = self._translator(lang if lang in locales else self._app.settings.default_locale)
        token = self._app.bot.token
        try:
            user = check_init_data(token, str(payload.get("initData", "")), self._now())
        except InitDataRejected as rejected:
            log.info("app.refused", reason=str(rejected))  # the reason only, never the data
            if not json_request:  # a plain browser without JavaScript: a page, not JSON
                return await self._refused_page(request, t)
            return self._json({"error": "unauthorized", "message": pages.plain(t("web-app-refused"))}, 401)
        case = self._catalog.get(str(payload.get("slug", "")))
        if case is None or case.facts.petition is None:
            return self._json({"error": "not-found", "message": pages.plain(t("petition-none"))}, 404)
        gate = self._app.dp["flood"]
        # One bucket per user with the chat: in scale-out mode the gate lives in Redis and answers
        # asynchronously.
        if user.id not in self._app.settings.admin_ids:
            allowed = gate.allow(user.id)
            if inspect.isawaitable(allowed):
                allowed = await allowed
        else:
            allowed = True
        if not allowed:
            return self._json({"error": "flood", "message": pages.plain(t("flood-notice"))}, 429)
        return AppRequest(user, case, t, payload)

    async def _refused_page(self, request: web.Request, t: Translator) -> web.Response:
        title = pages.plain(t("web-app-title"))
        chrome = await self._chrome(t, "/app", title, title, noindex=True)
        html = pages.message_page(self._env, chrome, title, t("web-app-outside"), self._catalog)
        return respond(request, Body.of(html, "text/html; charset=utf-8"), status=401, cache="no-store")

    @staticmethod
    def _json(answer: dict[str, Any], status: int = 200) -> web.Response:
        return web.json_response(
            answer,
            status=status,
            headers={
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": PAGE_CSP,
            },
            dumps=lambda v: json.dumps(v, ensure_ascii=False),
        )

    @staticmethod
    def _signature_name(user: MiniAppUser) -> str | None:
        try:
            return clean_name(" ".join(p for p in (user.first_name, user.last_name) if p))
        except NameRejected:
            return None

    async def _state_answer(self, case: Case, user: MiniAppUser, t: Translator) -> dict[str, Any]:
        counts = await self._counts(case)
        assert counts is not None
        answer = self._figures(t, counts)
        existing = await self._petitions.signature(case, user.id)
        answer["signed"] = existing is not None
        name = self._signature_name(user)
        answer["signing_as"] = pages.plain(t("web-app-signing-as", name=views.escape(name))) if name else None
        if existing is not None:
            answer["message"] = pages.plain(t("petition-already", date=t.date(existing.signed_at.date())))
        elif counts.state is PetitionState.closed:
            answer["message"] = pages.plain(t("petition-closed", count=t("signatures", count=counts.count)))
        elif counts.state is PetitionState.not_yet_open:
            assert case.facts.petition is not None
            answer["message"] = pages.plain(t("petition-not-open", date=t.date(case.facts.petition.opens)))
        return answer

    async def app_state(self, request: web.Request) -> web.Response:
        checked = await self._app_request(request)
        if isinstance(checked, web.Response):
            return checked
        user, case, t = checked.user, checked.case, checked.t
        return self._json(await self._state_answer(case, user, t))

    async def app_sign(self, request: web.Request) -> web.Response:
        checked = await self._app_request(request)
        if isinstance(checked, web.Response):
            return checked
        user, case, t = checked.user, checked.case, checked.t
        name = None
        if checked.payload.get("mode") == "named":
            name = self._signature_name(user)
            if name is None:
                return self._json({"error": "name", "message": pages.plain(t("web-app-name-unusable"))}, 422)
        result = await self._petitions.sign(case, user.id, locale=t.locale, name=name, source=SOURCE_APP)
        answer = await self._state_answer(case, user, t)
        if result.outcome is Outcome.signed:
            petition = case.facts.petition
            assert petition is not None
            thanks = t(
                "petition-thanks",
                number=result.count,
                count=views.petition_count(t, result.count, petition.goal),
                progress="",
            )
            answer["message"] = pages.plain(thanks)
        answer["outcome"] = result.outcome.value
        return self._json(answer)

    async def app_withdraw(self, request: web.Request) -> web.Response:
        checked = await self._app_request(request)
        if isinstance(checked, web.Response):
            return checked
        user, case, t = checked.user, checked.case, checked.t
        removed = await self._petitions.withdraw(case, user.id)
        answer = await self._state_answer(case, user, t)
        count = t("signatures", count=answer["count"])
        answer["message"] = pages.plain(
            t("petition-withdrawn", count=count) if removed else t("petition-not-signed")
        )
        answer["removed"] = removed
        return self._json(answer)
