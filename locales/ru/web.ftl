## Публичные веб-страницы (/, /c/<slug>) и мини-приложение (/app/<slug>).
## Обычный HTML: тексты показываются на веб-страницах, переменные экранируются.

web-site-title = Политзаключённые
web-skip = Перейти к содержанию
web-logo-alt = Разорванная цепь — знак этого сайта
web-language-label = Язык
web-index-title = Дела политзаключённых
web-index-intro = Здесь собраны дела людей, признанных политзаключёнными: в чём их обвиняют, почему их признали политзаключёнными и как поддержать требование их освободить.
web-search-label = Поиск по имени
web-search-button = Найти
web-search-results = По запросу «{ $query }» { $count ->
    [one] нашлось { $count } дело.
    [few] нашлось { $count } дела.
   *[other] нашлось { $count } дел.
}
web-search-none = По запросу «{ $query }» ничего не нашлось.
web-search-all = Показать все дела
web-pages-label = Страницы
web-page-of = Страница { $page } из { $pages }
web-page-prev = ← Назад
web-page-next = Дальше →
web-sections-label = На этой странице
web-section-card = Дело
web-section-petition = Требование
web-section-why = Почему
web-section-story = История
web-section-timeline = Хронология
web-section-news = Новости
web-progress-label = Собрано подписей
web-sign-telegram = ✍️ Подписать в Telegram
web-sign-note = Подпись ставится в Telegram-боте. Ваш аккаунт Telegram вместе с подписью не хранится.
web-open-bot = Открыть бота в Telegram
web-share-heading = Поделиться страницей
web-share-telegram = Telegram
web-share-whatsapp = WhatsApp
web-share-vk = ВКонтакте
web-share-facebook = Facebook
web-share-x = X
web-share-email = Письмом
web-why-arguments = Обоснование
web-news-heading = Новости дела
web-news-none = Новостей по этому делу пока нет.
web-footer = Сайт ведёт { $org }.
web-footer-contact = Связаться: { $contact }
web-not-found-title = Страница не найдена
web-not-found = Такой страницы нет. Вот дела, которые у нас есть:
web-too-many-title = Слишком много запросов
web-too-many = С вашего адреса пришло слишком много запросов на поиск. Подождите минуту и попробуйте снова.

## Мини-приложение
btn-sign-app = ⚡ Подписать в одно касание
web-app-menu-button = Подписать
web-app-title = Подписать в одно касание
web-app-stored =
    Если вы подпишете, мы сохраним ваше имя так, как его показывает Telegram (или не сохраним никакого имени, если вы подпишете анонимно), ваш язык и дату. Ваш аккаунт Telegram вместе с подписью не хранится; отозвать подпись можно в любой момент.
web-app-signing-as = Подпись будет стоять от имени: { $name }
web-app-outside =
    Подписать здесь можно только внутри Telegram — он подтверждает, кто вы. Откройте эту страницу из бота или подпишите в чате:
web-app-refused = Telegram не подтвердил, кто вы: возможно, страница открыта больше суток. Закройте её и откройте снова из бота.
web-app-error = Что-то пошло не так. Попробуйте ещё раз чуть позже.
web-app-name-unusable = Ваше имя в Telegram не подходит для подписи. Подпишите здесь анонимно или в чате, набрав имя сами.
web-app-choose = Выберите дело, под требованием по которому хотите подписаться:
web-app-loading = Проверяем вашу подпись…
