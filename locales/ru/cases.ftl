## The case card, the "why" screens, the timeline and the full story.

card-status = <b>Статус:</b> { $status }
card-in-custody = <b>Под стражей с</b> { $date } ({ $duration })
card-charges = <b>Обвинения:</b>
card-charge = • { $ref }: { $title }
card-born = <b>Дата рождения:</b> { $date }

# Where the person stands, from the latest dated event; shown after "Статус:", so lowercase.
# $term is e.g. "13 лет 9 месяцев", $regime one of the regime-* messages below
# (in the genitive: "13 лет 9 месяцев колонии строгого режима"), $sex "male" or "female".
status-searched = дома прошёл обыск { $date }
status-detained = { $sex ->
    [female] задержана
   *[other] задержан
} { $date }
status-remanded = { $sex ->
    [female] арестована
   *[other] арестован
} { $date }, мера пресечения — заключение под стражу
status-on-trial = дело рассматривается в суде с { $date }
status-sentenced = { $sex ->
    [female] осуждена
   *[other] осуждён
} { $date }, срок — { $term } { $regime }
status-sentenced-no-term = { $sex ->
    [female] осуждена
   *[other] осуждён
} { $date }
status-appeal = приговор обжалуется с { $date }
status-serving = отбывает срок — { $term } { $regime } (по состоянию на { $date })
status-serving-no-term = отбывает срок с { $date }
status-released = { $sex ->
    [female] освобождена
   *[other] освобождён
} { $date }

# Genitive, after a term: "14 лет колонии строгого режима". regime-none: the regime is not known.
regime-general = колонии общего режима
regime-strict = колонии строгого режима
regime-special = колонии особого режима
regime-settlement = колонии-поселения
regime-none = лишения свободы

# Criminal-code references built from case.toml: code, article, part.
charge-ref = { $code ->
   *[uk-rf] ч. { $part } ст. { $article } УК РФ
}
charge-ref-article = { $code ->
   *[uk-rf] ст. { $article } УК РФ
}

why-title = <b>Почему { $name } — { $sex ->
    [female] политзаключённая
   *[other] политзаключённый
}</b>
why-intro = { $name } { $sex ->
    [female] признана политзаключённой
   *[other] признан политзаключённым
} ({ $date }) в соответствии с международными критериями. Решение: { $by }; своё понимание этого термина проект основывает на Резолюции ПАСЕ 1900 (2012). Ниже — доводы из заявления проекта.
why-source = Источник: <a href="{ $url }">{ $by }</a>, { $date }
# The last line of the screen, right above the reasons' buttons.
why-choose = Нажмите на довод, чтобы прочитать его полностью:

argument-grounds = <b>Это прочтение бота, а не слова проекта.</b> В заявлении не названы основания из Резолюции ПАСЕ 1900 (2012); если сопоставить этот довод с пунктом 3 резолюции, он относится к основанию:
pace-ground-a = (a) лишение свободы нарушает основные гарантии Европейской конвенции о защите прав человека, в частности свободу мысли, совести и религии, свободу выражения мнений и информации, свободу собраний и объединений;
pace-ground-b = (b) лишение свободы применено исключительно по политическим причинам, без связи с каким-либо правонарушением;
pace-ground-c = (c) по политическим мотивам срок лишения свободы или его условия явно несоразмерны правонарушению, в котором человека подозревают или признали виновным;
pace-ground-d = (d) по политическим мотивам человек лишён свободы на дискриминационной основе по сравнению с другими людьми;
pace-ground-e = (e) лишение свободы — результат явно несправедливого разбирательства, и это, по всей видимости, связано с политическими мотивами властей.
pace-paragraph-4 = <b>Пункт 4</b> резолюции: лишённые свободы за террористические преступления не считаются политзаключёнными, если их преследовали и осудили за такие преступления в соответствии с национальным законодательством и Европейской конвенцией о защите прав человека. В заявлении проекта этот пункт не упоминается; бот приводит его, потому что обвинение связано с терроризмом и вывод выше имеет к нему прямое отношение.
timeline-title = <b>Хронология: { $name }</b>
# The text is a sentence of its own, so it starts on its own line under the date.
timeline-event =
    <b>{ $date }</b>
    { $text }
timeline-sources = Источники: { $sources }
source-with-title = { $publisher }, «{ $title }»
source-with-translated-title = { $publisher }, «{ $title }» [в оригинале: «{ $original }»]
source-dated = { $source } ({ $date })

story-title = <b>{ $name }: полная история</b>
