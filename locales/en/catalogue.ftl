## The catalogue: search by name, browse, filters (bot/handlers/catalogue.py)

catalogue-home-hint = Type a person's name to find their case, or browse the catalogue:
btn-catalogue-search = 🔎 Search by name
btn-catalogue-browse = 🔤 All cases, A–Z
btn-catalogue-recent = 🕓 Recently updated
btn-catalogue-filters = 🎛 Filters
btn-catalogue-home = 🏠 Menu
btn-catalogue-previous = ◀️ Previous
btn-catalogue-next = Next ▶️

catalogue-page = Page { $number } of { $count }
catalogue-line = <b>{ $name }</b> — { $articles }
    { $status }
catalogue-article = Art. { $article }
catalogue-article-part = Art. { $article }({ $part })
catalogue-browse-title = <b>All cases by surname, A–Z</b> ({ $count })
catalogue-recent-title = <b>Recently updated</b>: the latest events first ({ $count } cases)
catalogue-found-title = { $count ->
    [one] <b>One case found</b>
   *[other] <b>{ $count } cases found</b>
}
catalogue-filtered-title = { $count ->
    [one] <b>One case</b>
   *[other] <b>{ $count } cases</b>
}: { $filters }

catalogue-search-prompt = Type the person's name, in any alphabet and spelling. A surname or a first name alone is enough.
catalogue-search-expired = This search is out of date. Please type the name again.
catalogue-not-found = { $nearest ->
    [0] There is no case with that name.
   *[other] There is no case with that name. The nearest names:
}
catalogue-which-case = Which case is your question about? Type the person's name, or find the case in the catalogue.
catalogue-several-named = Several people have that name. Open the case you mean and ask again:

catalogue-filters-title = <b>Filters</b>
catalogue-filter-line = { $facet ->
    [article] Article
    [stage] Stage
    [region] Region or country
   *[category] Category
}: { $value }
catalogue-filter-any = any
catalogue-filter-none = no filters
catalogue-filter-count = { $count ->
    [one] <b>One case</b> matches.
   *[other] <b>{ $count } cases</b> match.
}
catalogue-filter-empty = <b>No case</b> matches all of these. Drop a filter:
catalogue-choose = { $facet ->
    [article] Choose the article (the number of cases beside each):
    [stage] Choose the stage (the number of cases beside each):
    [region] Choose the region or country (the number of cases beside each):
   *[category] Choose the category (the number of cases beside each):
}
catalogue-category = { $category ->
    [religion] Religion
    [anti-war] Anti-war
    [journalism] Journalism
    [protest] Protest
    [civil-society] Civil society
   *[other] { $category }
}
btn-catalogue-facet = { $chosen ->
    [1] ✅
   *[0] ➕
} { $facet ->
    [article] Article
    [stage] Stage
    [region] Region
   *[category] Category
}
btn-catalogue-value = { $label } — { $count }
btn-catalogue-any = { $facet ->
    [article] Any article
    [stage] Any stage
    [region] Any region
   *[category] Any category
}
btn-catalogue-show = 📋 Show { $count ->
    [one] the case
   *[other] { $count } cases
}
btn-catalogue-drop = ✖️ { $facet ->
    [article] Drop the article
    [stage] Drop the stage
    [region] Drop the region
   *[category] Drop the category
}
btn-catalogue-clear = 🧹 Clear filters

## Admins choosing a case (/post, /status, /stats, /export)
admin-pick-title = { $count ->
    [one] One case. Choose it, or type a name to search:
   *[other] { $count } cases. Choose one, or type a name to search:
}
admin-pick-none = No case by that name.
