"""What a reader sees, as HTML strings: the card, the why screens, the timeline.

Pure functions of a case, a :class:`Translator` and today's date. Every text that
comes from a case file is escaped here, once, before it meets Fluent's HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.cases.models import Argument, Case, Event, PointerKind, Sentence, Source, Stage
from bot.domain.news import STATUS, CurrentStatus, news_text
from bot.domain.petition import percent, progress_bar
from bot.domain.records import NewsItem
from bot.text import escape, split_message
from bot.ui.i18n import Translator, months_between

_NO_TERM_STATUS = {
    Stage.sentenced: "status-sentenced-no-term",
    Stage.serving: "status-serving-no-term",
}


def duration(t: Translator, years: int, months: int) -> str:
    parts = []
    if years:
        parts.append(t("years", count=years))
    if months:
        parts.append(t("months", count=months))
    return " ".join(parts) if parts else t("less-than-a-month")


def term(t: Translator, sentence: Sentence) -> str:
    return duration(t, sentence.years, sentence.months)


def stage_status(
    case: Case, t: Translator, stage: Stage, date: dt.date, sentence: Sentence | None = None
) -> str:
    args: dict[str, object] = {"date": t.date(date), "sex": case.facts.sex.value}
    msg_id = f"status-{stage.value}"
    if stage in _NO_TERM_STATUS:
        if sentence is None:
            msg_id = _NO_TERM_STATUS[stage]
        else:
            args["term"] = term(t, sentence)
            args["regime"] = t(f"regime-{sentence.regime or 'none'}")
    return t(msg_id, **args)


def status(case: Case, t: Translator, current: CurrentStatus | None = None) -> str:
    """The card's status line: an admin's newer /status, else the case file's latest stage."""
    if current is not None:
        # A stage set by /status carries no term: the file's old term must not pass as the new one.
        sentence = case.latest_sentence if current.stage is Stage.serving else None
        return stage_status(case, t, current.stage, current.date, sentence)
    event = case.status_event
    assert event.stage is not None
    return stage_status(case, t, event.stage, event.date, event.sentence or case.latest_sentence)


def charge_ref(t: Translator, code: str, article: str, part: int | None) -> str:
    if part is None:
        return t("charge-ref-article", code=code, article=article)
    return t("charge-ref", code=code, article=article, part=part)


def case_card(
    case: Case,
    t: Translator,
    today: dt.date,
    signatures: int | None = None,
    current: CurrentStatus | None = None,
) -> str:
    text = case_card_body(case, t, today, current)
    if signatures is not None and case.facts.petition is not None:
        text += "\n\n" + card_signatures(t, signatures, case.facts.petition.goal)
    return text


def card_signatures(t: Translator, signatures: int, goal: int) -> str:
    """The card's last line, apart because it changes with every signature."""
    return t("card-signatures", count=petition_count(t, signatures, goal))


def case_card_body(case: Case, t: Translator, today: dt.date, current: CurrentStatus | None = None) -> str:
    """The card without its signature count."""
    texts = case.text(t.locale)
    facts = case.facts
    lines = [f"<b>{escape(case.name(t.locale))}</b>", t("card-status", status=status(case, t, current))]
    stage = current.stage if current else case.status_event.stage
    if facts.in_custody_since and stage is not Stage.released:
        years, months = months_between(facts.in_custody_since, today)
        lines.append(
            t(
                "card-in-custody",
                date=t.date(facts.in_custody_since),
                duration=duration(t, years, months),
            )
        )
    lines += ["", t("card-charges"), _charges(case, t)]
    lines += ["", escape(texts.summary)]
    return "\n".join(lines)


def why_screen(case: Case, t: Translator) -> str:
    recognition = case.facts.recognition
    assert recognition is not None  # the card offers "why" only with a recognition
    name = escape(case.name(t.locale))
    by = escape(recognition.by.get(t.locale))
    date = t.partial_date(recognition.date)
    return "\n\n".join(
        [
            t("why-title", name=name, sex=case.facts.sex.value),
            t("why-intro", by=by, name=name, date=date, sex=case.facts.sex.value),
            *([f"<i>{escape(disclaimer)}</i>"] if (disclaimer := case.text(t.locale).disclaimer) else []),
            t("why-source", url=escape(str(recognition.url)), by=by, date=date),
            t("why-choose"),
        ]
    )


def argument_screen(case: Case, argument: Argument, t: Translator) -> list[str]:
    text = case.text(t.locale).arguments[argument.id]
    grounds = [t(f"pace-ground-{g.value}") for g in argument.grounds]
    body = "\n\n".join(
        [
            f"<b>{escape(text.title)}</b>",
            escape(text.text),
            t("argument-grounds") + "\n" + "\n".join(grounds),
            *([t("pace-paragraph-4")] if argument.paragraph_4 else []),
        ]
    )
    return split_message(body)


def _source(t: Translator, source: Source) -> str:
    label = escape(source.publisher_in(t.locale))
    title = source.title_in(t.locale)
    if title and source.title and title != source.title:
        label = t(
            "source-with-translated-title",
            publisher=label,
            title=escape(title),
            original=escape(source.title),
        )
    elif title:
        label = t("source-with-title", publisher=label, title=escape(title))
    if source.date:
        label = t("source-dated", source=label, date=t.date(source.date))
    if source.url:
        return f'<a href="{escape(str(source.url))}">{label}</a>'
    return label


def _event(case: Case, event: Event, t: Translator) -> str:
    own = case.text(t.locale).events.get(event.id)
    if own is not None:
        said = escape(own.text)
    elif event.stage is not None:  # a short case: the stage the event set says what happened
        said = stage_status(case, t, event.stage, event.date, event.sentence)
    else:
        said = ""
    text = t("timeline-event", date=t.date(event.date), text=said)
    sources = "; ".join(_source(t, s) for s in event.sources)
    return f"{text}\n{t('timeline-sources', sources=sources)}"


def _status_entry(case: Case, item: NewsItem, t: Translator) -> str:
    assert item.stage is not None and item.stage_date is not None
    line = t(
        "timeline-status-event",
        date=t.date(item.stage_date),
        status=stage_status(case, t, Stage(item.stage), item.stage_date),
    )
    note = news_text(item, t.locale, case.transliterator())
    if note:
        # Blank lines would let the splitter cut inside the admin's tags.
        line += "\n" + t("timeline-status-note", text=_one_paragraph(note))
    return line


def _one_paragraph(html_text: str) -> str:
    return "\n".join(line for line in html_text.splitlines() if line.strip())


def timeline(case: Case, t: Translator, statuses: Sequence[NewsItem] = ()) -> list[str]:
    """Newest last, as a story reads; split so no message exceeds Telegram's limit.

    Stages set with /status join the case file's events in date order.
    """
    entries: list[tuple[dt.date, int, str]] = [
        (event.date, 0, _event(case, event, t)) for event in case.facts.timeline
    ]
    entries += [
        (item.stage_date, 1, _status_entry(case, item, t))
        for item in statuses
        if item.stage_date is not None and item.stage is not None
    ]
    entries.sort(key=lambda e: (e[0], e[1]))
    parts = [t("timeline-title", name=escape(case.name(t.locale)))] + [text for _, _, text in entries]
    return split_message("\n\n".join(parts))


def story(case: Case, t: Translator) -> list[str]:
    title = t("story-title", name=escape(case.name(t.locale)))
    return split_message(f"{title}\n\n{escape(case.text(t.locale).story or '')}")


def cases_list(count: int, t: Translator) -> str:
    return t("cases-list-title", count=count) if count else t("cases-list-empty")


def petition_count(t: Translator, count: int, goal: int) -> str:
    return t("petition-count", signatures=t("signatures", count=count), goal=goal)


def _bar(t: Translator, count: int, goal: int) -> str:
    return t("petition-progress", bar=progress_bar(count, goal), percent=percent(count, goal))


def petition_progress(t: Translator, count: int, goal: int) -> str:
    return petition_count(t, count, goal) + "\n" + _bar(t, count, goal)


def petition_confirm(case: Case, t: Translator, count: int) -> str:
    petition = case.facts.petition
    assert petition is not None
    return "\n\n".join(
        [
            t(
                "petition-confirm",
                name=escape(case.name(t.locale)),
                addressee=escape(petition.addressee.get(t.locale)),
                demand=escape(case.text(t.locale).demand or ""),
            ),
            petition_progress(t, count, petition.goal),
            t("petition-privacy", slug=case.slug),
        ]
    )


def petition_thanks(case: Case, t: Translator, number: int) -> str:
    petition = case.facts.petition
    assert petition is not None
    # The signer's number is the count at the moment of signing.
    count = petition_count(t, number, petition.goal)
    return t("petition-thanks", number=number, count=count, progress=_bar(t, number, petition.goal))


def petition_withdrawn(t: Translator, count: int) -> str:
    return t("petition-withdrawn", count=t("signatures", count=count))


def inline_card(case: Case, t: Translator, count: int | None, status_line: str | None = None) -> str:
    counted = t("signatures", count=count) if count is not None else ""
    return t(
        "inline-card",
        name=escape(case.name(t.locale)),
        status=status_line or status(case, t),
        summary=escape(case.text(t.locale).summary),
        count=counted,
    ).strip()


# --- news -------------------------------------------------------------------------


def news_message(case: Case | None, slug: str, item: NewsItem, t: Translator) -> str:
    """The message a follower reading ``t.locale`` receives (and the admin's preview shows)."""
    name = escape(case.name(t.locale) if case else slug)
    text = news_text(item, t.locale, case.transliterator() if case else None)
    if item.kind == STATUS and item.stage and item.stage_date:
        stage = Stage(item.stage)
        line = stage_status(case, t, stage, item.stage_date) if case else t("stage-name", stage=stage.value)
        if not text:
            return t("status-message-no-note", name=name, status=line)
        return t("status-message", name=name, status=line, text=text)
    return t("news-message", name=name, date=t.date(item.created_at.date()), text=text or "")


def news_page(case: Case, item: NewsItem, t: Translator, position: int, total: int) -> str:
    title = t("news-page-title", name=escape(case.name(t.locale)), position=position + 1, total=total)
    return f"{title}\n\n{news_item(case, item, t)}".strip()


def news_item(case: Case, item: NewsItem, t: Translator) -> str:
    """One news item as listed under a case (the chat's news pages, the web page's news)."""
    text = news_text(item, t.locale, case.transliterator()) or ""
    if item.kind == STATUS and item.stage and item.stage_date:
        status_line = stage_status(case, t, Stage(item.stage), item.stage_date)
        return t("news-status-item", date=t.date(item.stage_date), status=status_line, text=text)
    return t("news-item", date=t.date(item.created_at.date()), text=text)


def _charges(case: Case, t: Translator) -> str:
    texts = case.text(t.locale)
    lines = []
    for charge in case.facts.charges:
        ref = charge_ref(t, charge.code.value, charge.article, charge.part)
        title = texts.charges.get(charge.id)
        if title is None:  # a short case: the article alone
            lines.append(escape(ref))
        else:
            lines.append(t("card-charge", ref=escape(ref), title=escape(title.title)))
    return "\n".join(lines)


def question_answer(case: Case, question_id: str, t: Translator) -> list[str]:
    """A stored answer: its own text, or what its pointer holds. Never composed."""
    texts = case.text(t.locale)
    entry = texts.questions[question_id]
    facts = case.question(question_id)
    kind, ref = (facts.pointer_kind, facts.pointer_ref) if facts else (None, None)
    if entry.answer:
        body = escape(entry.answer)
    elif kind is PointerKind.argument and ref:
        body = escape(texts.arguments[ref].text)
    elif kind is PointerKind.event and ref:
        event = next(e for e in case.facts.timeline if e.id == ref)
        body = t("timeline-event", date=t.date(event.date), text=escape(texts.events[ref].text))
    elif kind is PointerKind.charges:
        body = t("card-charges") + "\n" + _charges(case, t)
    elif kind is PointerKind.disclaimer:
        body = escape(texts.disclaimer or "")
    else:  # sign: the loader guarantees a demand when there is no answer text
        body = escape(texts.demand or "")
    title = t("question-title", question=escape(entry.label), name=escape(case.name(t.locale)))
    return split_message(f"{title}\n\n{body}")


def case_heading(case: Case, t: Translator, msg_id: str) -> str:
    """A questions screen: the case's name, then what the screen offers."""
    return t(msg_id, name=escape(case.name(t.locale)), sex=case.facts.sex.value)
