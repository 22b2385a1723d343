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
why-intro = { $by } recognised { $name } as a political prisoner ({ $date }) under the international criteria of PACE Resolution 1900 (2012). Tap an argument to read it in full:
why-source = Source: <a href="{ $url }">{ $by }</a>, { $date }

argument-grounds = <b>PACE Resolution 1900 (2012), paragraph 3 — grounds:</b>
pace-ground-a = (a) the detention violates fundamental guarantees of the European Convention on Human Rights, in particular freedom of thought, conscience and religion, freedom of expression and information, and freedom of assembly and association;
pace-ground-b = (b) the detention is imposed for purely political reasons without connection to any offence;
pace-ground-c = (c) for political motives, the length of the detention or its conditions are clearly out of proportion to the offence the person is suspected of or has been found guilty of;
pace-ground-d = (d) for political motives, the person is detained in a discriminatory manner compared with other persons;
pace-ground-e = (e) the detention is the result of proceedings that were clearly unfair, and this appears to be connected with political motives of the authorities.
pace-paragraph-4 = <b>Paragraph 4</b> says that people deprived of liberty for terrorist crimes are not considered political prisoners if they were prosecuted and sentenced for such crimes in accordance with national law and the European Convention on Human Rights. This argument shows why that exclusion does not apply here.

timeline-title = <b>Timeline: { $name }</b>
timeline-event = <b>{ $date }</b> — { $text }
timeline-sources = Sources: { $sources }
source-with-title = { $publisher }, “{ $title }”
source-dated = { $source } ({ $date })

story-title = <b>{ $name }: the full story</b>
