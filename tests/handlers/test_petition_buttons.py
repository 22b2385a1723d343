"""Every petition button names its case: one naming a case that is gone, or a case with
no petition, gets a polite pop-up and writes nothing."""

from __future__ import annotations

import pytest

from bot.ui.keyboards import PetitionAction, PetitionCb
from tests.tools import Harness

GONE = "This case is no longer available."
NO_PETITION = "This case has no demand to sign."


@pytest.mark.parametrize("action", list(PetitionAction))
async def test_a_button_naming_no_petition_is_answered_and_writes_nothing(
    harness: Harness, action: PetitionAction
) -> None:
    user = harness.user(7, "en")
    await user.send("/start alpha")
    tables = ("signatures", "follows", "fsm_states")
    for slug, answer in (("gone", GONE), ("beta", NO_PETITION)):
        shown = await user.press_data(PetitionCb(action=action, slug=slug).pack())
        assert [(s.kind, s.text) for s in shown] == [("popup", answer)], (action, slug)
    for table in tables:
        assert await harness.app.db.conn.execute_fetchall(f"SELECT * FROM {table}") == [], table


@pytest.mark.parametrize("action", list(PetitionAction))
async def test_each_petition_button_is_taken_by_its_own_filter_alone(action: PetitionAction) -> None:
    """The filters read the action from the text before unpacking (bot/handlers/petition.py)."""
    from aiogram.types import CallbackQuery, User

    from bot.handlers.petition import PetitionButton

    for via in ("", "link"):
        data = PetitionCb(action=action, slug="alpha", via=via).pack()
        query = CallbackQuery(
            id="q", from_user=User(id=1, is_bot=False, first_name="R"), chat_instance="c", data=data
        )
        taken = {a: await PetitionButton(a)(query) for a in PetitionAction}
        assert [a for a, result in taken.items() if result] == [action]
        assert taken[action] == {"callback_data": PetitionCb(action=action, slug="alpha", via=via)}
