"""The bot's own membership in a private chat: blocked (``kicked``) or back (``member``).

Nothing is said (a blocked bot cannot speak); the follows of that chat are
marked so news deliveries skip it until the user comes back.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ChatMemberStatus
from aiogram.types import ChatMemberUpdated

from bot.domain.follow import FollowService


async def membership_changed(update: ChatMemberUpdated, follows: FollowService) -> None:
    if update.chat.type != "private":
        return
    status = update.new_chat_member.status
    if status == ChatMemberStatus.KICKED:
        await follows.mark_unreachable(update.chat.id)
    elif status == ChatMemberStatus.MEMBER:
        await follows.reactivate(update.chat.id)


def create_router() -> Router:
    router = Router(name="membership")
    router.my_chat_member.register(membership_changed)
    return router
