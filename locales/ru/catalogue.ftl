## Каталог: поиск по имени, список, фильтры (bot/handlers/catalogue.py)

catalogue-home-hint = Напишите имя человека, чтобы найти его дело, или откройте каталог:
btn-catalogue-search = 🔎 Поиск по имени
btn-catalogue-browse = 🔤 Все дела, А–Я
btn-catalogue-recent = 🕓 Недавно обновлённые
btn-catalogue-filters = 🎛 Фильтры
btn-catalogue-home = 🏠 Меню
btn-catalogue-previous = ◀️ Назад
btn-catalogue-next = Дальше ▶️

catalogue-page = Страница { $number } из { $count }
catalogue-line = <b>{ $name }</b> — { $articles }
    { $status }
catalogue-article = ст. { $article }
catalogue-article-part = ч. { $part } ст. { $article }
catalogue-browse-title = <b>Все дела по фамилиям, А–Я</b> ({ $count })
catalogue-recent-title = <b>Недавно обновлённые</b>: сначала последние события ({ $count })
catalogue-found-title = { $count ->
    [one] <b>Найдено { $count } дело</b>
    [few] <b>Найдено { $count } дела</b>
   *[many] <b>Найдено { $count } дел</b>
}
catalogue-filtered-title = { $count ->
    [one] <b>{ $count } дело</b>
    [few] <b>{ $count } дела</b>
   *[many] <b>{ $count } дел</b>
}: { $filters }

catalogue-search-prompt = Напишите имя человека — любыми буквами и в любом написании. Достаточно фамилии или одного имени.
catalogue-search-expired = Этот поиск устарел. Напишите имя ещё раз.
catalogue-not-found = { $nearest ->
    [0] Дела с таким именем нет.
   *[other] Дела с таким именем нет. Ближайшие имена:
}
catalogue-which-case = О каком деле ваш вопрос? Напишите имя человека или найдите дело в каталоге.
catalogue-several-named = Это имя носят несколько человек. Откройте нужное дело и задайте вопрос ещё раз:

catalogue-filters-title = <b>Фильтры</b>
catalogue-filter-line = { $facet ->
    [article] Статья
    [stage] Стадия
    [region] Регион или страна
   *[category] Категория
}: { $value }
catalogue-filter-any = любая
catalogue-filter-none = без фильтров
catalogue-filter-count = Подходит { $count ->
    [one] <b>{ $count } дело</b>.
    [few] <b>{ $count } дела</b>.
   *[many] <b>{ $count } дел</b>.
}
catalogue-filter-empty = Под все эти условия <b>не подходит ни одно дело</b>. Уберите один из фильтров:
catalogue-choose = { $facet ->
    [article] Выберите статью (рядом — число дел):
    [stage] Выберите стадию (рядом — число дел):
    [region] Выберите регион или страну (рядом — число дел):
   *[category] Выберите категорию (рядом — число дел):
}
catalogue-category = { $category ->
    [religion] Религия
    [anti-war] Антивоенные дела
    [journalism] Журналистика
    [protest] Протест
    [civil-society] Гражданское общество
   *[other] { $category }
}
btn-catalogue-facet = { $chosen ->
    [1] ✅
   *[0] ➕
} { $facet ->
    [article] Статья
    [stage] Стадия
    [region] Регион
   *[category] Категория
}
btn-catalogue-value = { $label } — { $count }
btn-catalogue-any = { $facet ->
    [article] Любая статья
    [stage] Любая стадия
    [region] Любой регион
   *[category] Любая категория
}
btn-catalogue-show = 📋 Показать { $count ->
    [one] { $count } дело
    [few] { $count } дела
   *[many] { $count } дел
}
btn-catalogue-drop = ✖️ { $facet ->
    [article] Убрать статью
    [stage] Убрать стадию
    [region] Убрать регион
   *[category] Убрать категорию
}
btn-catalogue-clear = 🧹 Сбросить фильтры

## Админ выбирает дело (/post, /status, /stats, /export)
admin-pick-title = { $count ->
    [one] { $count } дело. Выберите его или напишите имя для поиска:
    [few] { $count } дела. Выберите дело или напишите имя для поиска:
   *[many] { $count } дел. Выберите дело или напишите имя для поиска:
}
admin-pick-none = Дела с таким именем нет.
