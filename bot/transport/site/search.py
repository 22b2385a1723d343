"""Finding cases for the public list: the catalogue's own matcher and order. No web code here.

A typed name is matched as the chat matches it (bot/cases/search.py: any
spelling or script, endings, typos), best first; without one, the cases come
in the catalogue's browse order (by surname in the reader's alphabet).
"""

from __future__ import annotations

from bot.cases.catalog import Catalog
from bot.cases.models import Case

MAX_QUERY = 100


def find_cases(catalog: Catalog, query: str, locale: str) -> list[Case]:
    query = query[:MAX_QUERY].strip()
    index = catalog.index
    slugs = index.search(query, locale).slugs if query else index.browse(locale)
    return [case for slug in slugs if (case := catalog.get(slug)) is not None]
