"""The Mini App's initData check: Telegram's documented HMAC, tampering, tokens, age."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.transport.site.initdata import InitDataRejected, check_init_data
from tests.site_tools import OTHER_TOKEN, sign_init_data

TOKEN = "123456:TEST-token-for-initdata-vectors"
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def _reencode(init_data: str, **changes: str) -> str:
    fields = dict(parse_qsl(init_data))
    fields.update(changes)
    return urlencode(fields)


def test_data_signed_with_the_bots_token_names_its_user() -> None:
    data = sign_init_data(TOKEN, user_id=4242, auth_date=NOW - dt.timedelta(minutes=3), start_param="alpha")
    user = check_init_data(TOKEN, data, NOW)
    assert (user.id, user.first_name, user.last_name) == (4242, "Dilnoza", "Karimova")
    assert user.start_param == "alpha"


# A fixed vector: these fields signed once with TOKEN by the documented algorithm
# (secret = HMAC_SHA256("WebAppData", token); hash = HMAC_SHA256(secret, sorted lines)).
VECTOR = (
    "query_id=Q1&user=%7B%22id%22%3A1%2C%22first_name%22%3A%22A%22%7D&auth_date=1795953600"
    "&hash=56f184f36ad82bcd656083394ba85970ff0079e31fea19c16450c18d6e509207"
)


def test_a_fixed_vector_is_accepted_whatever_the_order_of_fields() -> None:
    assert check_init_data(TOKEN, VECTOR, NOW).id == 1
    reordered = "&".join(reversed(VECTOR.split("&")))
    assert check_init_data(TOKEN, reordered, NOW).first_name == "A"


def test_the_fixed_vector_fails_with_one_character_changed() -> None:
    with pytest.raises(InitDataRejected, match="signature"):
        check_init_data(TOKEN, VECTOR.replace("Q1", "Q2"), NOW)


@pytest.mark.parametrize(
    "field, value",
    [
        ("user", '{"id":1,"first_name":"Mallory","language_code":"en"}'),
        ("auth_date", str(int(NOW.timestamp()))),
        ("query_id", "another"),
        ("start_param", "beta"),
        ("hash", "0" * 64),
    ],
)
def test_any_tampered_field_is_refused(field: str, value: str) -> None:
    data = sign_init_data(TOKEN, auth_date=NOW - dt.timedelta(hours=1))
    with pytest.raises(InitDataRejected, match="signature"):
        check_init_data(TOKEN, _reencode(data, **{field: value}), NOW)


def test_data_signed_with_another_token_is_refused() -> None:
    data = sign_init_data(OTHER_TOKEN, auth_date=NOW)
    with pytest.raises(InitDataRejected, match="signature"):
        check_init_data(TOKEN, data, NOW)


def test_data_older_than_a_day_is_refused_and_a_day_is_not() -> None:
    day_old = sign_init_data(TOKEN, auth_date=NOW - dt.timedelta(hours=24))
    assert check_init_data(TOKEN, day_old, NOW).id == 777
    stale = sign_init_data(TOKEN, auth_date=NOW - dt.timedelta(hours=24, seconds=1))
    with pytest.raises(InitDataRejected, match="expired"):
        check_init_data(TOKEN, stale, NOW)


def test_data_from_the_future_is_refused() -> None:
    with pytest.raises(InitDataRejected):
        check_init_data(TOKEN, sign_init_data(TOKEN, auth_date=NOW + dt.timedelta(hours=1)), NOW)


@pytest.mark.parametrize("data", ["", "hash=abc", "not a query string", "x" * 5000, "user=%7B&hash=00"])
def test_garbage_is_refused(data: str) -> None:
    with pytest.raises(InitDataRejected):
        check_init_data(TOKEN, data, NOW)


def test_signed_data_without_a_user_is_refused() -> None:
    import hashlib
    import hmac

    fields = {"auth_date": str(int(NOW.timestamp())), "query_id": "Q"}
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    with pytest.raises(InitDataRejected, match="no user"):
        check_init_data(TOKEN, urlencode(fields), NOW)
