"""Who a Mini App request comes from: Telegram's signed ``initData``, checked.

Telegram signs the launch parameters of a Mini App with a key derived from the
bot's token (HMAC-SHA256, https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app);
aiogram's ``safe_parse_webapp_init_data`` implements exactly that. On top of it
this module refuses data older than :data:`MAX_AGE` (a copied link must not sign
for someone forever) and data without a user. Nothing the page itself says
about the user is ever trusted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aiogram.utils.web_app import WebAppInitData, safe_parse_webapp_init_data

MAX_AGE = dt.timedelta(hours=24)
# Clocks differ a little; an auth_date far in the future is as suspect as an old one.
FUTURE_SKEW = dt.timedelta(minutes=5)
# Real initData is well under a kilobyte; anything much larger was not made by Telegram.
MAX_LENGTH = 4096


class InitDataRejected(ValueError):
    """The initData is not Telegram's, was changed, is too old, or names no user."""


@dataclass(frozen=True, slots=True)
class MiniAppUser:
    id: int
    first_name: str
    last_name: str | None
    language_code: str | None
    start_param: str | None


def check_init_data(token: str, init_data: str, now: dt.datetime) -> MiniAppUser:
    """The user the initData was signed for, or :class:`InitDataRejected` (why, never the data)."""
    if not init_data or len(init_data) > MAX_LENGTH:
        raise InitDataRejected("missing or oversized")
    try:
        data: WebAppInitData = safe_parse_webapp_init_data(token, init_data)
    except ValueError:  # a wrong signature, or a signed value that does not parse
        raise InitDataRejected("signature") from None
    signed_at = data.auth_date if data.auth_date.tzinfo else data.auth_date.replace(tzinfo=dt.UTC)
    if now - signed_at > MAX_AGE:
        raise InitDataRejected("expired")
    if signed_at - now > FUTURE_SKEW:
        raise InitDataRejected("from the future")
    if data.user is None or data.user.is_bot:
        raise InitDataRejected("no user")
    return MiniAppUser(
        id=data.user.id,
        first_name=data.user.first_name,
        last_name=data.user.last_name,
        language_code=data.user.language_code,
        start_param=data.start_param,
    )
