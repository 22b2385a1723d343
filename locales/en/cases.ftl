## The case card, the "why" screens, the timeline and the full story.

card-status = <b>Status:</b> { $status }
card-in-custody = <b>In custody since</b> { $date } ({ $duration })
card-charges = <b>Charges:</b>
card-charge = • { $ref }: { $title }
card-born = <b>Born</b> { $date }

# Where the person stands, from the latest dated event. $term is e.g. "13 years 9 months",
# $regime one of the regime-* messages below, $sex "male" or "female".
status-searched = home searched on { $date }
status-detained = detained on { $date }
status-remanded = remanded in custody on { $date }
status-on-trial = on trial since { $date }
status-sentenced = sentenced on { $date } to { $term } in a { $regime }
status-sentenced-no-term = sentenced on { $date }
status-appeal = appealing the verdict since { $date }
status-serving = serving { $term } in a { $regime } (term as of { $date })
status-serving-no-term = serving the sentence (since { $date })
status-released = released on { $date }

regime-general = general-regime penal colony
regime-strict = strict-regime penal colony
regime-special = special-regime penal colony
regime-settlement = colony-settlement
regime-none = prison

# Criminal-code references built from case.toml: code, article, part.
charge-ref = { $code ->
   *[uk-rf] Article { $article }({ $part }) of the Russian Criminal Code
}
charge-ref-article = { $code ->
   *[uk-rf] Article { $article } of the Russian Criminal Code
}

why-title = <b>Why { $name } is a political prisoner</b>
why-intro = The { $by } recognised { $name } as a political prisoner ({ $date }) in accordance with international criteria; the project bases its understanding of the term on PACE Resolution 1900 (2012). Below are the reasons given in its statement.
why-source = Source: <a href="{ $url }">{ $by }</a>, { $date }
# The last line of the screen, right above the reasons' buttons.
why-choose = Tap a reason to read it in full:

argument-grounds = <b>This bot's reading, not the project's words.</b> The statement does not name grounds of PACE Resolution 1900 (2012); read against paragraph 3 of the resolution, this reason concerns:
pace-ground-a = (a) the detention violates fundamental guarantees of the European Convention on Human Rights, in particular freedom of thought, conscience and religion, freedom of expression and information, and freedom of assembly and association;
pace-ground-b = (b) the detention is imposed for purely political reasons without connection to any offence;
pace-ground-c = (c) for political motives, the length of the detention or its conditions are clearly out of proportion to the offence the person is suspected of or has been found guilty of;
pace-ground-d = (d) for political motives, the person is detained in a discriminatory manner compared with other persons;
pace-ground-e = (e) the detention is the result of proceedings that were clearly unfair, and this appears to be connected with political motives of the authorities.
pace-paragraph-4 = <b>Paragraph 4</b> of the resolution: people deprived of liberty for terrorist crimes are not to be considered political prisoners if they were prosecuted and sentenced for such crimes according to national legislation and the European Convention on Human Rights. The project's statement does not cite this paragraph; this bot shows it because the charge is one of terrorism, and the finding above bears on it.
timeline-title = <b>Timeline: { $name }</b>
# The text is a sentence of its own, so it starts on its own line under the date.
timeline-event =
    <b>{ $date }</b>
    { $text }
timeline-sources = Sources: { $sources }
source-with-title = { $publisher }, “{ $title }”
source-with-translated-title = { $publisher }, “{ $title }” [original: “{ $original }”]
source-dated = { $source } ({ $date })

story-title = <b>{ $name }: the full story</b>
