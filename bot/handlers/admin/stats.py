"""/stats: signatures, followers and deliveries per case and in total, and a chart."""

from __future__ import annotations

import asyncio

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.cases.catalog import Catalog
from bot.cases.models import LOCALES, Case
from bot.cases.search import PAGE_SIZE
from bot.domain.stats import CHART_DAYS, StatsService
from bot.handlers.admin.pickers import ChosenCase, find_case, pick_list
from bot.locales import UZ_CYRL
from bot.text import escape, split_message
from bot.ui.catalogue_callbacks import PickPurpose
from bot.ui.catalogue_memory import FoundResults
from bot.ui.charts import signatures_chart
from bot.ui.i18n import Translator


async def stats_command(
    message: Message,
    command: CommandObject,
    t: Translator,
    catalog: Catalog,
    stats: StatsService,
    found: FoundResults,
) -> None:
    named = (command.args or "").strip()
    chosen, matches = find_case(catalog, named, t.locale)
    if named and chosen is None:
        lead = t("admin-stats-usage") + ("" if matches else "\n\n" + t("admin-pick-none"))
        await pick_list(message, catalog, t, matches, PickPurpose.stats, found, lead=lead)
        return
    if chosen is None and len(catalog) > PAGE_SIZE:
        # A thousand cases are not one report: the totals, and a case to choose.
        await send_stats(message, [], None, t, stats)
        await pick_list(message, catalog, t, (), PickPurpose.stats, found)
        return
    await send_stats(message, [chosen] if chosen else list(catalog), chosen, t, stats)


async def send_stats(
    message: Message, cases: list[Case], chosen: Case | None, t: Translator, stats: StatsService
) -> None:
    blocks = []
    for case in cases:
        numbers = await stats.case(case)
        common = {
            "name": escape(case.name(t.locale)),
            "followers": numbers.followers,
            "inactive": numbers.inactive,
            "pending": numbers.deliveries.open,
            "sent": numbers.deliveries.sent,
            "failed": numbers.deliveries.failed,
        }
        if not numbers.has_petition:
            blocks.append(t("admin-stats-no-petition", **common))
            continue
        milestones = ", ".join(str(m) for m in numbers.milestones) or t("admin-stats-no-milestones")
        blocks.append(
            t(
                "admin-stats-case",
                total=numbers.signatures,
                day=numbers.last_day,
                milestones=milestones,
                **{loc: numbers.per_locale.get(loc, 0) for loc in LOCALES},
                **common,
            )
        )
        blocks[-1] += "\n" + t(
            "admin-stats-uz-cyrl",
            signatures=numbers.per_locale.get(UZ_CYRL, 0),
            followers=numbers.followers_per_locale.get(UZ_CYRL, 0),
        )
    if chosen is None:
        total = await stats.total()
        blocks.append(
            t(
                "admin-stats-total",
                followers=total.followers,
                inactive=total.inactive,
                pending=total.deliveries.open,
                sent=total.deliveries.sent,
                failed=total.deliveries.failed,
            )
            + "\n"
            + t("admin-stats-uz-cyrl-readers", readers=total.readers_per_locale.get(UZ_CYRL, 0))
        )
    for chunk in split_message("\n\n".join(blocks)):
        await message.answer(chunk)
    if not cases:
        return
    series = await stats.per_day(cases, CHART_DAYS)
    # matplotlib blocks for tens of milliseconds: never on the event loop.
    png = await asyncio.to_thread(signatures_chart, series, t("admin-stats-chart-title", days=CHART_DAYS))
    await message.answer_photo(
        BufferedInputFile(png, filename=f"signatures-{chosen.slug if chosen else 'all'}.png"),
        caption=t("admin-stats-chart-caption", days=CHART_DAYS),
    )


async def chosen(
    query: CallbackQuery, case: Case, message: Message, t: Translator, stats: StatsService
) -> None:
    """The case chosen from the list /stats showed."""
    await query.answer()
    await send_stats(message, [case], case, t, stats)


def create_router() -> Router:
    router = Router(name="admin-stats")
    router.message.register(stats_command, Command("stats"))
    router.callback_query.register(chosen, ChosenCase(PickPurpose.stats))
    return router
