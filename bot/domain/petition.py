"""The release demand: sign, withdraw, count, milestones, export. No aiogram here.

Signers may be at risk for supporting a "terrorism" defendant, so the rules
are: the database never holds a signer's Telegram id (only an HMAC of it under
a key kept outside the database), a name is optional and checked, and
withdrawing or /forget deletes the row rather than flagging it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
import os
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.cases.models import Case, PetitionFacts
from bot.domain.records import StoredSignature
from bot.storage.repositories import SignatureRepository
from bot.text import APOSTROPHES

KEY_FILE_NAME = "signature.key"
NAME_MIN, NAME_MAX = 2, 100
_ROUND_NUMBERS = (100, 500, 1_000, 5_000, 10_000, 50_000, 100_000, 500_000, 1_000_000)
_LINK = re.compile(r"(https?://|www\.|t\.me/|@\w|\w\.(com|ru|org|net|uz|me|io)\b)", re.I)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class PetitionState(StrEnum):
    open = "open"
    not_yet_open = "not-yet-open"
    closed = "closed"


class Outcome(StrEnum):
    signed = "signed"
    already_signed = "already-signed"
    closed = "closed"
    not_yet_open = "not-yet-open"


@dataclass(frozen=True, slots=True)
class SignResult:
    outcome: Outcome
    count: int
    signed_at: dt.datetime | None = None  # when this signer signed (now, or earlier)
    milestones: tuple[int, ...] = ()
    along: object = None  # what the signature's ``along`` read (see PetitionService.sign)


class NameRejected(ValueError):
    """A typed name or city that cannot be stored; ``reason`` is a Fluent id suffix."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def clean_name(text: str) -> str:
    """A display name or city as it will be stored, or :class:`NameRejected`.

    Letters of any script, spaces, hyphens, apostrophes and dots; 2–100
    characters after trimming. Control and invisible formatting characters
    (zero-width space, right-to-left override) are refused rather than stripped,
    so what the signer sees is exactly what is stored. The one exception is the
    zero-width non-joiner inside a word, which Persian and other scripts spell
    names with: between two letters it changes their shapes, not what they say.
    """
    value = unicodedata.normalize("NFC", text).strip()
    if not value:
        raise NameRejected("empty")
    if any(
        unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") and c != "\n" and not _joins_a_word(value, i)
        for i, c in enumerate(value)
    ):
        raise NameRejected("invisible")
    if "\n" in value:
        raise NameRejected("lines")
    if "<" in value or ">" in value or "&" in value:
        raise NameRejected("html")
    if _LINK.search(value):
        raise NameRejected("link")
    value = re.sub(r"\s+", " ", value)
    if len(value) > NAME_MAX:
        raise NameRejected("long")
    if len(value) < NAME_MIN:
        raise NameRejected("short")
    for char in value:
        if not (
            char.isalpha()
            or char in " -."
            or char in APOSTROPHES
            or char == ZWNJ
            or unicodedata.category(char) == "Mn"
        ):
            raise NameRejected("characters")
    if not any(c.isalpha() for c in value):
        raise NameRejected("characters")
    return value


class SignatureKeyError(RuntimeError):
    """The signature key file cannot be used; the message is one line with its path."""


ZWNJ = "\u200c"


def _joins_a_word(value: str, index: int) -> bool:
    """A zero-width non-joiner with a letter (or a mark on one) on each side."""
    if value[index] != ZWNJ or index == 0 or index == len(value) - 1:
        return False
    return all(_letterlike(value[j]) for j in (index - 1, index + 1))


def _letterlike(char: str) -> bool:
    return char.isalpha() or unicodedata.category(char) in ("Mn", "Mc")


def load_signature_key(configured: str | None, database_path: Path) -> bytes:
    """The HMAC key: ``SIGNATURE_KEY`` if set, else a file beside the database (mode 0600).

    The file is created once, atomically (O_EXCL), and reused; losing it makes
    every stored signer unrecognisable (they could sign again), so back it up
    with the database but never in the same place as a dump you share.
    """
    if configured:
        return configured.encode("utf-8")
    path = database_path.parent / KEY_FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if len(key) < 32:
            raise SignatureKeyError(f"{path}: the signature key file is damaged (too short)") from None
        return key.encode("ascii")
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key.encode("ascii")


def milestone_thresholds(goal: int) -> tuple[int, ...]:
    quarters = {max(1, goal * q // 4) for q in (1, 2, 3, 4)}
    return tuple(sorted(quarters | set(_ROUND_NUMBERS)))


def progress_bar(count: int, goal: int, width: int = 10) -> str:
    # A block stands for a tenth of the goal: none is filled before the first tenth is
    # reached, or the bar would claim more than was signed (the percentage shows the start).
    filled = min(width, count * width // goal) if goal else width
    return "▓" * filled + "░" * (width - filled)


def percent(count: int, goal: int) -> int:
    return min(100, count * 100 // goal) if goal else 100


class PetitionService:
    def __init__(
        self,
        signatures: SignatureRepository,
        key: bytes,
        now: Callable[[], dt.datetime],
    ) -> None:
        self._signatures = signatures
        self._key = key
        self._now = now

    def signer(self, user_id: int) -> bytes:
        return hmac.new(self._key, str(user_id).encode("ascii"), hashlib.sha256).digest()

    async def state(self, case: Case) -> PetitionState | None:
        facts = case.facts.petition
        if facts is None:
            return None
        state = self._dated_state(facts)
        if state is PetitionState.open and await self._signatures.closed_at(case.slug):
            return PetitionState.closed
        return state

    def _dated_state(self, facts: PetitionFacts) -> PetitionState:
        """What the case file's dates say (an admin may still have closed it)."""
        today = self._now().date()
        if today < facts.opens:
            return PetitionState.not_yet_open
        if facts.closes is not None and today > facts.closes:
            return PetitionState.closed
        return PetitionState.open

    async def count(self, case: Case) -> int:
        return await self._signatures.count(case.slug)

    async def signature(self, case: Case, user_id: int) -> StoredSignature | None:
        return await self._signatures.get(case.slug, self.signer(user_id))

    async def signed_any(self, user_id: int) -> bool:
        return await self._signatures.signed_any(self.signer(user_id))

    async def sign(
        self,
        case: Case,
        user_id: int,
        *,
        locale: str,
        name: str | None = None,
        city: str | None = None,
        source: str | None = None,
        along: Callable[[Any], object] | None = None,
    ) -> SignResult:
        """``along``: a storage read for the thank-you, done with a new signature's own write
        (its value in ``SignResult.along``; None when it was not done)."""
        facts = case.facts.petition
        if facts is None:
            raise ValueError(f"{case.slug} has no petition")
        # The dates here; a closing by an admin is checked by the signing write itself.
        state = self._dated_state(facts)
        if state is not PetitionState.open:
            outcome = Outcome.closed if state is PetitionState.closed else Outcome.not_yet_open
            return SignResult(outcome, await self.count(case))
        signer = self.signer(user_id)
        now = self._now()
        added = await self._signatures.add(
            case.slug,
            signer,
            display_name=clean_name(name) if name else None,
            city=clean_name(city) if city else None,
            locale=locale,
            signed_at=now,
            source=source,
            thresholds=milestone_thresholds(facts.goal),
            along=along,
        )
        if added.closed:
            return SignResult(Outcome.closed, added.count)
        if added.added:
            return SignResult(Outcome.signed, added.count, now, added.milestones, added.along)
        existing = await self._signatures.get(case.slug, signer)
        return SignResult(Outcome.already_signed, added.count, existing.signed_at if existing else None)

    async def withdraw(self, case: Case, user_id: int) -> bool:
        return await self._signatures.remove(case.slug, self.signer(user_id))

    async def withdraw_counted(self, case: Case, user_id: int) -> tuple[bool, int]:
        """Withdraw, and the count that is committed with the withdrawal (one write, no read after)."""
        return await self._signatures.remove_counted(case.slug, self.signer(user_id))

    async def close(self, case: Case) -> None:
        await self._signatures.close(case.slug, self._now())

    async def signatures(self, case: Case) -> list[StoredSignature]:
        """Every signature of the case, oldest first, for an admin's export."""
        return await self._signatures.all_of(case.slug)

    async def forget(self, user_id: int) -> int:
        return await self._signatures.remove_all_of(self.signer(user_id))


# --- export for delivery ---------------------------------------------------------

EXPORT_COLUMNS = ("name", "city", "date", "locale")
ANONYMOUS = "Anonymous"


def _safe_cell(value: str) -> str:
    # A spreadsheet runs a cell starting with one of these as a formula
    # (CSV injection); a leading apostrophe makes it plain text.
    return "'" + value if value.startswith(_FORMULA_START) else value


def export_rows(signatures: list[StoredSignature]) -> list[dict[str, str]]:
    return [
        {
            "name": s.display_name or ANONYMOUS,
            "city": s.city or "",
            "date": s.signed_at.date().isoformat(),
            "locale": s.locale,
        }
        for s in signatures
    ]


def export_csv(signatures: list[StoredSignature]) -> bytes:
    """UTF-8 with a BOM, so spreadsheet programs show Cyrillic and Uzbek correctly."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in export_rows(signatures):
        writer.writerow({k: _safe_cell(v) for k, v in row.items()})
    return buffer.getvalue().encode("utf-8-sig")


def export_json(case: Case, signatures: list[StoredSignature]) -> bytes:
    """The demand in every language, its addressee, the count and the signatures."""
    petition = case.facts.petition
    locales = sorted(case.texts)
    document = {
        "case": case.slug,
        "person": {loc: case.name(loc) for loc in locales},
        "addressee": {loc: petition.addressee.get(loc) for loc in locales} if petition else None,
        "demand": {loc: case.text(loc).demand for loc in locales},
        "count": len(signatures),
        "signatures": export_rows(signatures),
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
