"""The site's addresses, and the Telegram buttons that open the Mini App.

Absolute links (previews, ``hreflang``, the sitemap, the Mini App) start with
``PUBLIC_URL``; without it they point at this machine's own listener, which is
enough for ``make run`` but not for Telegram: the Mini App buttons appear only
when ``PUBLIC_URL`` is set, because Telegram opens Mini Apps over HTTPS only.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.cases.models import Case
from bot.config import Settings
from bot.ui.i18n import Translator


class SiteLinks:
    def __init__(self, base: str, *, public: bool, mini_app_name: str | None = None) -> None:
        self.base = base.rstrip("/")
        self.public = public
        self.mini_app_name = mini_app_name

    @classmethod
    def from_settings(cls, settings: Settings) -> SiteLinks:
        if settings.public_url:
            return cls(settings.public_url, public=True, mini_app_name=settings.mini_app_name)
        host = "127.0.0.1" if settings.web_host in ("0.0.0.0", "::", "") else settings.web_host
        return cls(f"http://{host}:{settings.listen_port}", public=False)

    def case_page(self, slug: str, locale: str | None = None) -> str:
        return f"{self.base}/c/{slug}" + (f"?{urlencode({'lang': locale})}" if locale else "")

    def index(self, locale: str | None = None) -> str:
        return f"{self.base}/" + (f"?{urlencode({'lang': locale})}" if locale else "")

    def mini_app(self, slug: str, locale: str) -> str:
        return f"{self.base}/app/{quote(slug)}?{urlencode({'lang': locale})}"

    def mini_app_button(
        self, case: Case, t: Translator, *, private_chat: bool, bot_username: str
    ) -> InlineKeyboardButton | None:
        """*Sign in one screen*: a web_app button in a private chat, a t.me Mini App link elsewhere.

        ``None`` when there is no way to open it: no public HTTPS address, no
        petition, or (outside private chats) no Mini App registered with BotFather.
        """
        if not self.public or case.facts.petition is None:
            return None
        text = t("btn-sign-app")
        if private_chat:
            return InlineKeyboardButton(text=text, web_app=WebAppInfo(url=self.mini_app(case.slug, t.locale)))
        if self.mini_app_name and bot_username:
            link = f"https://t.me/{bot_username}/{self.mini_app_name}?startapp={case.slug}"
            return InlineKeyboardButton(text=text, url=link)
        return None

    def with_mini_app(
        self,
        markup: InlineKeyboardMarkup,
        case: Case,
        t: Translator,
        *,
        private_chat: bool,
        bot_username: str,
    ) -> InlineKeyboardMarkup:
        """``markup`` with the Mini App button as its first row; a new markup (cached ones are shared)."""
        button = self.mini_app_button(case, t, private_chat=private_chat, bot_username=bot_username)
        if button is None:
            return markup
        return InlineKeyboardMarkup(inline_keyboard=[[button], *markup.inline_keyboard])
