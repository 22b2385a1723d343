"""A button's ``answerCallbackQuery`` carried by the webhook response instead of a call of its own.

Telegram lets the response to a webhook request carry one Bot API method and
never reports its result. ``answerCallbackQuery`` suits it: nothing ever uses
its result, and the response leaves only after the update's unit of work is
over — committed — so the answer never claims what a rollback took back. Every
button path saves one HTTP round trip. Calls whose result matters (a 403 marks
a follower unreachable, a refused text is an error, a sent message's id is
kept) stay calls.

The webhook transport opens a :class:`WebhookAnswer` for each callback update
(polling never does); :class:`WebhookAnswerMiddleware`, a Bot API session
middleware, keeps that update's own answer in it instead of sending it. The
last one wins, so the error handler's answer replaces the failed handler's; an
update whose failure escaped even the error handler has it withdrawn
(:func:`withdraw_answer`); an update that outlives its request sends it as a
call when it is done (:meth:`WebhookAnswer.miss`).
"""

from __future__ import annotations

from contextvars import ContextVar

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import Update

# Set inside the task that handles one webhook update; tasks it starts inherit it,
# so an answer is kept only for that update's own query and only while it is open.
_CURRENT: ContextVar[WebhookAnswer | None] = ContextVar("webhook_answer", default=None)


class WebhookAnswer:
    """The answer to one update's button, waiting for the webhook response."""

    __slots__ = ("_open", "late", "method", "query_id")

    def __init__(self, query_id: str) -> None:
        self.query_id = query_id
        self.method: AnswerCallbackQuery | None = None
        self._open = True
        self.late = False  # the response has gone without it: the handling task sends it

    @classmethod
    def for_update(cls, update: Update) -> WebhookAnswer | None:
        query = update.callback_query
        return cls(query.id) if query is not None else None

    def enter(self) -> None:
        """Make this the answer of the current task's update (called inside that task)."""
        _CURRENT.set(self)

    def keep(self, method: AnswerCallbackQuery) -> bool:
        if not self._open or method.callback_query_id != self.query_id:
            return False
        self.method = method
        return True

    def withdraw(self) -> None:
        self.method = None

    def close(self) -> AnswerCallbackQuery | None:
        """No more answers are kept; the one kept so far, for the caller to send."""
        self._open = False
        method, self.method = self.method, None
        return method

    def miss(self) -> None:
        """The response leaves before the update is done: later answers are calls, and
        the one kept so far is sent by the handling task when the update is done."""
        self._open = False
        self.late = True


def withdraw_answer() -> None:
    """The update failed: an answer its handler left may claim what was rolled back."""
    answer = _CURRENT.get()
    if answer is not None:
        answer.withdraw()


class WebhookAnswerMiddleware(BaseRequestMiddleware):
    """Outermost Bot API session middleware: keeps the webhook update's button answer.

    It skips the commit-before-reply of the inner middleware on purpose: the
    answer leaves with the response, after the whole unit of work is committed.
    """

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if type(method) is AnswerCallbackQuery:
            answer = _CURRENT.get()
            if answer is not None and answer.keep(method):
                return True  # type: ignore[return-value]  # what Telegram would have said
        return await make_request(bot, method)
