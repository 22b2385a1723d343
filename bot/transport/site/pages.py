"""The site's HTML, rendered from the case data and the Fluent texts the chat uses.

Pure functions of their arguments: the handlers in :mod:`bot.transport.site.routes` fetch
counts and news, these turn them into pages. Templates are Jinja2 with
autoescaping; the one door for markup is :class:`Texts`, which returns a Fluent
text as markup after escaping every string variable it is given, the same rule
the chat keeps (case texts are escaped once, before they meet Fluent's HTML).
The chat's texts are written for Telegram's HTML subset (``<b>``, ``<i>``,
``<a>``) with line breaks, which :func:`paragraphs` turns into web paragraphs.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from bot.cases.models import Case
from bot.domain.news import CurrentStatus
from bot.domain.petition import PetitionState, percent
from bot.domain.records import NewsItem
from bot.ui import views
from bot.ui.i18n import LANGUAGE_NAMES, Translator
from bot.ui.keyboards import share_url, sign_link
from bot.ui.links import SiteLinks

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def plain(text: str) -> str:
    """A Telegram-HTML text without its tags and entities: for titles, previews and scripts."""
    return html.unescape(_TAG.sub("", text)).strip()


def inline(text: str) -> Markup:
    """A Telegram-HTML text as markup without its tags (for headings, which style themselves)."""
    return Markup(_TAG.sub("", text).strip())


def paragraphs(text: str) -> Markup:
    """Telegram HTML (trusted: escaped where it holds data) as ``<p>`` blocks with ``<br>`` lines."""
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    return Markup("".join(f"<p>{'<br>'.join(b.splitlines())}</p>" for b in blocks))


class Texts:
    """A Translator for templates: ``t("id", name=...)`` escapes str variables, returns markup."""

    def __init__(self, t: Translator) -> None:
        self._t = t
        self.locale = t.locale

    def __call__(self, msg_id: str, **args: object) -> Markup:
        safe = {k: escape(v) if isinstance(v, str) else v for k, v in args.items()}
        return Markup(self._t(msg_id, **safe))

    def plain(self, msg_id: str, **args: object) -> str:
        return plain(str(self(msg_id, **args)))


@dataclass(frozen=True, slots=True)
class Alternate:
    lang: str
    name: str
    url: str
    current: bool


@dataclass(frozen=True, slots=True)
class Counts:
    """The petition's figures as a page shows them."""

    count: int
    goal: int
    state: PetitionState | None

    @property
    def percent(self) -> int:
        return percent(self.count, self.goal)

    @property
    def open(self) -> bool:
        return self.state is PetitionState.open


def closed_message(t: Translator, case: Case, counts: Counts | None) -> Markup | None:
    """Why signing is not possible now (the chat's words), or None while it is open."""
    petition = case.facts.petition
    if counts is None or petition is None or counts.open:
        return None
    if counts.state is PetitionState.not_yet_open:
        return Markup(t("petition-not-open", date=t.date(petition.opens)))
    return Markup(t("petition-closed", count=t("signatures", count=counts.count)))


@dataclass(slots=True)
class Chrome:
    """What every page has around its content: language, links, preview tags."""

    t: Texts
    links: SiteLinks
    locales: Sequence[str]
    path: str  # the page's path, without the query
    title: str
    description: str
    org: str
    contact: str
    bot_username: str | None
    static: dict[str, str]
    extra_query: dict[str, str] = field(default_factory=dict)
    noindex: bool = False

    def url(self, locale: str) -> str:
        return f"{self.links.base}{self.path}?{urlencode({**self.extra_query, 'lang': locale})}"

    @property
    def alternates(self) -> list[Alternate]:
        return [
            Alternate(loc, LANGUAGE_NAMES.get(loc, loc), self.url(loc), loc == self.t.locale)
            for loc in self.locales
        ]


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot.transport.site", "templates"),
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["paragraphs"] = lambda text: paragraphs(str(escape(text)))
    return env


@dataclass(frozen=True, slots=True)
class ArgumentView:
    title: str
    text: str
    grounds: list[Markup]
    paragraph_4: Markup | None


def share_links(t: Texts, url: str, text: str) -> list[tuple[str, str]]:
    """(label, address) of each place a reader can pass the page on; plain links, no widgets."""
    u, s = quote(url, safe=""), quote(text, safe="")
    return [
        (t.plain("web-share-telegram"), share_url(url, text)),
        (t.plain("web-share-whatsapp"), f"https://wa.me/?text={quote(text + ' ' + url, safe='')}"),
        (t.plain("web-share-vk"), f"https://vk.com/share.php?url={u}&title={s}"),
        (t.plain("web-share-facebook"), f"https://www.facebook.com/sharer/sharer.php?u={u}"),
        (t.plain("web-share-x"), f"https://x.com/intent/post?url={u}&text={s}"),
        (t.plain("web-share-email"), f"mailto:?subject={s}&body={u}"),
    ]


def demand_parts(t: Texts, case: Case) -> dict[str, Markup]:
    """The chat's confirm text: its first line as a heading, the addressee and demand below."""
    petition = case.facts.petition
    if petition is None:
        return {"demand_title": Markup(), "demand": Markup()}
    text = str(
        t(
            "petition-confirm",
            name=case.name(t.locale),
            addressee=petition.addressee.get(t.locale),
            demand=case.text(t.locale).demand or "",
        )
    )
    title, _, rest = text.partition("\n")
    return {"demand_title": inline(title), "demand": paragraphs(rest)}


def case_page(
    env: Environment,
    chrome: Chrome,
    case: Case,
    translator: Translator,
    *,
    today: dt.date,
    current: CurrentStatus | None,
    counts: Counts | None,
    statuses: Sequence[NewsItem],
    news: Sequence[NewsItem],
    live_script: str | None,
) -> str:
    t = chrome.t
    locale = t.locale
    texts = case.text(locale)
    name = case.name(locale)
    body = views.case_card_body(case, translator, today, current)
    # The card without its first line (the name, which is the page's h1): the status
    # lines go above the demand, the charges and the summary below it.
    status_lines, _, details = (body.split("\n", 1)[1] if "\n" in body else "").partition("\n\n")
    arguments = [
        ArgumentView(
            title=texts.arguments[a.id].title,
            text=texts.arguments[a.id].text,
            grounds=[t(f"pace-ground-{g.value}") for g in a.grounds],
            paragraph_4=t("pace-paragraph-4") if a.paragraph_4 else None,
        )
        for a in case.facts.arguments
    ]
    timeline = "\n\n".join(views.timeline(case, translator, statuses)).split("\n\n")
    why_title, _, why = views.why_screen(case, translator).partition("\n\n")
    petition = case.facts.petition
    sign_url = sign_link(chrome.bot_username, case.slug) if chrome.bot_username and petition else None
    page_url = chrome.links.case_page(case.slug, locale)
    return env.get_template("case.html").render(
        c=chrome,
        t=t,
        case=case,
        name=name,
        card_status=paragraphs(status_lines),
        card_details=paragraphs(details),
        summary=texts.summary,
        counts=counts,
        petition=petition,
        count_text=views.petition_count(translator, counts.count, counts.goal) if counts else "",
        **demand_parts(t, case),
        why_title=inline(why_title),
        why=paragraphs(why),
        arguments=arguments,
        story_title=inline(t("story-title", name=name)),
        story=texts.story,
        timeline_title=inline(timeline[0]),
        timeline=[paragraphs(entry) for entry in timeline[1:]],
        news=[paragraphs(views.news_item(case, item, translator)) for item in news],
        sign_url=sign_url,
        bot_url=f"https://t.me/{chrome.bot_username}?start={case.slug}" if chrome.bot_username else None,
        shares=share_links(t, page_url, translator("share-text", name=name, sex=case.facts.sex.value)),
        live_script=live_script,
        closed=closed_message(translator, case, counts),
        live_url=f"/c/{case.slug}/count.json?lang={locale}",
    )


@dataclass(frozen=True, slots=True)
class ListedCase:
    case: Case
    name: str
    status: str
    count_text: str | None


def index_page(
    env: Environment,
    chrome: Chrome,
    listed: Iterable[ListedCase],
    *,
    query: str,
    found: int,
    page: int,
    pages: int,
) -> str:
    def page_url(number: int) -> str:
        params = {"lang": chrome.t.locale, **({"q": query} if query else {}), "page": str(number)}
        return "/?" + urlencode(params)

    return env.get_template("index.html").render(
        c=chrome,
        t=chrome.t,
        listed=list(listed),
        query=query,
        found=found,
        page=page,
        pages=pages,
        prev_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if page < pages else None,
    )


def message_page(env: Environment, chrome: Chrome, title: str, text: str, cases: Iterable[Case]) -> str:
    return env.get_template("message.html").render(
        c=chrome, t=chrome.t, heading=title, text=text, cases=list(cases)
    )


def app_page(
    env: Environment,
    chrome: Chrome,
    case: Case,
    translator: Translator,
    *,
    counts: Counts,
    telegram_script: str,
    app_script: str,
) -> str:
    t = chrome.t
    locale = t.locale
    petition = case.facts.petition
    assert petition is not None
    sign_url = sign_link(chrome.bot_username, case.slug) if chrome.bot_username else None
    # Texts the script shows, as data (a JSON block is not executed, so the CSP allows it).
    script_texts = {
        "refused": t.plain("web-app-refused"),
        "error": t.plain("web-app-error"),
        "outside": t.plain("web-app-outside"),
        "loading": t.plain("web-app-loading"),
        "withdrawConfirm": t.plain("petition-withdraw-confirm", name=case.name(locale)),
    }
    return env.get_template("app.html").render(
        c=chrome,
        t=t,
        case=case,
        name=case.name(locale),
        **demand_parts(t, case),
        counts=counts,
        count_text=views.petition_count(translator, counts.count, counts.goal),
        sign_url=sign_url,
        telegram_script=telegram_script,
        app_script=app_script,
        closed=closed_message(translator, case, counts),
        script_texts=Markup(json.dumps(script_texts, ensure_ascii=False).replace("<", "\\u003c")),
    )


def app_choice_page(
    env: Environment, chrome: Chrome, cases: Iterable[Case], app_script: str, telegram_script: str
) -> str:
    return env.get_template("app_choice.html").render(
        c=chrome, t=chrome.t, cases=list(cases), app_script=app_script, telegram_script=telegram_script
    )


def sitemap(links: SiteLinks, cases: Iterable[Case], locales: Sequence[str]) -> str:
    """Every page in every language, each naming its alternates (Google's hreflang sitemap form)."""
    entries = []
    pages = [links.index] + [lambda loc, slug=c.slug: links.case_page(slug, loc) for c in cases]
    for page in pages:
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{escape(loc)}" href="{escape(page(loc))}"/>'
            for loc in locales
        )
        for locale in locales:
            entries.append(f"<url><loc>{escape(page(locale))}</loc>{alternates}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(entries) + "\n</urlset>\n"
    )
