"""The locales readers can choose: a language, a script, and where the texts come from.

Every layer imports this module (it imports nothing of the bot's), so adding a
locale is one line here plus its texts. A locale is either written by hand
(``locales/<code>/*.ftl``, ``data/cases/<slug>/<code>.toml``) or *derived*: made at
load time from another locale's texts, so the two never drift apart. Ўзбекча
(``uz-Cyrl``) is Oʻzbekcha (``uz``) in Cyrillic script, transliterated by
:mod:`bot.uzbek_cyrillic`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LocaleInfo:
    code: str  # what is stored and passed around as ``locale`` (BCP 47)
    language: str  # ISO 639-1: Telegram's language_code and command menus know only this
    script: str  # ISO 15924
    name: str  # how /language offers it, in itself
    source: str | None = None  # None: written by hand; else the locale it is made from


# In the order /language offers them.
ALL: tuple[LocaleInfo, ...] = (
    LocaleInfo("ru", "ru", "Cyrl", "Русский"),
    LocaleInfo("uz", "uz", "Latn", "Oʻzbekcha"),
    LocaleInfo("uz-Cyrl", "uz", "Cyrl", "Ўзбекча", source="uz"),
    LocaleInfo("en", "en", "Latn", "English"),
)
BY_CODE = {info.code: info for info in ALL}

# Every locale a reader can read the bot in.
LOCALES: tuple[str, ...] = tuple(info.code for info in ALL)
# Locales whose texts are files people write (case files, .ftl, admins' news), in
# the order the case model has always listed them.
WRITTEN_LOCALES: tuple[str, ...] = ("en", "ru", "uz")
# Derived locale → the written locale it is made from.
DERIVED: dict[str, str] = {info.code: info.source for info in ALL if info.source is not None}
LANGUAGE_NAMES: dict[str, str] = {info.code: info.name for info in ALL}

UZ_CYRL = "uz-Cyrl"


def language_of(locale: str) -> str:
    """The two-letter language of ``locale`` (uz-Cyrl → uz)."""
    info = BY_CODE.get(locale)
    return info.language if info else locale.split("-")[0]


def written_source(locale: str) -> str:
    """The written locale whose texts ``locale`` shows (itself, or what it is made from)."""
    return DERIVED.get(locale, locale)


def canonical(value: str | None) -> str | None:
    """``value`` as one of :data:`LOCALES` whatever its letter case (UZ-cyrl → uz-Cyrl), else None."""
    if not value:
        return None
    wanted = value.strip().replace("_", "-").lower()
    return next((code for code in LOCALES if code.lower() == wanted), None)
