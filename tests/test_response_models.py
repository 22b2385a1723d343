"""The model aiogram parses an answer with is built once, not after every garbage collection."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from aiogram.methods import GetMyShortDescription
from aiogram.methods.base import Response
from aiogram.types import BotShortDescription

from bot.pipeline.response_models import KeepResponseModels


async def _answer(bot: Any, method: Any) -> bool:
    return True


def _model_survives_collection() -> bool:
    model = weakref.ref(Response[BotShortDescription])
    gc.collect()
    return model() is not None


async def test_the_answer_model_of_a_method_called_once_survives_collection() -> None:
    # A method nothing else in the suite calls: its model is held by nobody but the middleware.
    assert not _model_survives_collection()  # what pydantic alone does: built again next time
    keep = KeepResponseModels()
    assert await keep(_answer, None, GetMyShortDescription()) is True  # type: ignore[arg-type]
    assert _model_survives_collection()
