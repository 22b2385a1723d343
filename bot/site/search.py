"""Finding cases by a name typed into the public search box. No web code here.

Until the catalogue has a name matcher of its own, a case matches when every
word typed appears in one of the ways its person's name is written (any
locale's spelling, the aliases, the slug), compared after :func:`bot.text.fold`
(case, ё/е, every apostrophe variant).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.cases.models import Case
from bot.text import fold

MAX_QUERY = 100


def find_cases(cases: Iterable[Case], query: str) -> list[Case]:
    words = fold(query[:MAX_QUERY]).split()
    if not words:
        return list(cases)
    found = []
    for case in cases:
        names = [fold(name) for name in (*case.search_names, case.slug)]
        if all(any(word in name for name in names) for word in words):
            found.append(case)
    return found
