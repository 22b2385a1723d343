## Following a case, its news, and everything admins do with news. HTML parse mode.

btn-follow-case = 🔔 Следить за делом
btn-unfollow = 🔕 Не следить
btn-unfollow-case = 🔕 Не следить: { $name }
btn-news = 📰 Новости
btn-news-older = ◀️ Раньше
btn-news-newer = Позже ▶️
btn-open-case = 📂 Открыть дело
cmd-following = Дела, за которыми я слежу

follow-card-done = Вы следите за делом: новости будут приходить сюда. Команда /following покажет, за чем вы следите.
unfollow-done = Вы больше не следите за этим делом.
following-title = { $count ->
    [1] Вы следите за одним делом. Его новости приходят в этот чат:
    [one] Вы следите за { $count } делом. Их новости приходят в этот чат:
   *[other] Вы следите за { $count } делами. Их новости приходят в этот чат:
}
following-item = • { $name }
following-none = Вы пока не следите ни за одним делом. Откройте дело и нажмите «Следить за делом», чтобы получать его новости здесь.

news-none = <b>Новости: { $name }</b>

    Новостей пока нет. Нажмите «Следить за делом» ниже, и новости придут сюда, когда появятся.
news-none-following = <b>Новости: { $name }</b>

    Новостей пока нет. Вы следите за этим делом, поэтому новости придут в этот чат.
news-page-title = <b>Новости: { $name }</b> ({ $position } из { $total })
news-item =
    <b>{ $date }</b>
    { $text }
news-status-item =
    <b>{ $date }</b> — { $status }
    { $text }

# What a follower receives. $text is the admin's HTML, $status a status-* message.
news-message =
    📰 <b>{ $name }</b> · { $date }

    { $text }
status-message =
    🗓 <b>{ $name }</b>: { $status }

    { $text }
status-message-no-note = 🗓 <b>{ $name }</b>: { $status }
timeline-status-event = <b>{ $date }</b> — { $status }
timeline-status-note = { $text }

## Admin: /post and /status dialogues.
admin-not-available = Это действие недоступно.
admin-choose-case = Выберите дело:
admin-post-usage = /post [slug] — написать новость по делу на русском, узбекском и английском; подписчики получат её на своём языке.
admin-status-usage = /status &lt;slug&gt; — указать стадию дела (с датой и пояснением); её покажут карточка и хронология.
admin-compose-ask-text = { $lang ->
    [ru] <b>{ $name }</b>: пришлите текст для тех, кто читает <b>по-русски</b>.
    [uz] <b>{ $name }</b>: пришлите текст для тех, кто читает <b>по-узбекски</b>.
   *[en] <b>{ $name }</b>: пришлите текст для тех, кто читает <b>по-английски</b>.
}

    Это HTML: можно &lt;b&gt;, &lt;i&gt;, &lt;u&gt;, &lt;a href="…"&gt;, &lt;blockquote&gt;; знак &lt; пишите как &amp;lt;. Нажмите «Пропустить», чтобы не писать на этом языке: тогда его читатели получат текст на другом языке.
admin-compose-ask-note = { $lang ->
    [ru] <b>{ $name }</b>: пояснение к новой стадии для тех, кто читает <b>по-русски</b> (необязательно).
    [uz] <b>{ $name }</b>: пояснение к новой стадии для тех, кто читает <b>по-узбекски</b> (необязательно).
   *[en] <b>{ $name }</b>: пояснение к новой стадии для тех, кто читает <b>по-английски</b> (необязательно).
}

    HTML — как в /post. Нажмите «Пропустить», чтобы не писать на этом языке.
admin-compose-too-long = Текст слишком длинный: { $length } символов, а можно не больше { $limit }. Сократите его, пожалуйста.
admin-compose-not-text = Пришлите текст обычным текстовым сообщением.
admin-compose-need-text = У новости должен быть текст хотя бы на одном языке. Начнём заново.
admin-compose-ask-fallback = Читатели пропущенных языков получат текст на языке:
admin-compose-ask-stage = <b>{ $name }</b>: выберите новую стадию.
admin-compose-ask-date = Стадия: <b>{ $stage }</b>. Пришлите дату, с которой она действует, в виде ГГГГ-ММ-ДД или нажмите «Сегодня».
admin-compose-bad-date = Не получилось разобрать дату: напишите её в виде ГГГГ-ММ-ДД, и не позже сегодняшнего дня.
admin-preview-header = { $lang ->
    [ru] Предпросмотр · читатели <b>на русском</b>
    [uz] Предпросмотр · читатели <b>на узбекском</b>
   *[en] Предпросмотр · читатели <b>на английском</b>
} ({ $source ->
    [own] текст на их языке
   *[other] текст на { $source ->
        [ru] русском
        [uz] узбекском
       *[en] английском
    }
}) — они увидят ровно это:
admin-preview-problem = { $lang ->
    [ru] Русский
    [uz] Узбекский
   *[en] Английский
}: { $problem }
admin-preview-refused = <b>В таком виде публиковать нельзя.</b>
    { $problems }

    Нажмите «Изменить», чтобы исправить.
admin-preview-ready = Всё готово. { $followers ->
    [0] За делом пока никто не следит; новость появится в разделе «Новости».
    [one] Её получит { $followers } подписчик.
    [few] Её получат { $followers } подписчика.
   *[other] Её получат { $followers } подписчиков.
}
admin-status-preview-ready = Карточка покажет: <b>{ $status }</b>. { $followers ->
    [0] За делом пока никто не следит.
    [one] Объявление получит { $followers } подписчик.
    [few] Объявление получат { $followers } подписчика.
   *[other] Объявление получат { $followers } подписчиков.
}
admin-edit-choose = Текст на каком языке вы хотите переписать?
admin-cancelled = Отменено. Ничего не опубликовано.
admin-published = <b>Опубликовано.</b> { $followers ->
    [0] За делом пока никто не следит; новость — в разделе «Новости».
    [one] Отправляем { $followers } подписчику; здесь будет видно, как идёт рассылка.
   *[other] Отправляем { $followers } подписчикам; здесь будет видно, как идёт рассылка.
}
admin-status-saved = <b>Сохранено.</b> Карточка теперь показывает: { $status }.
admin-progress = Рассылка… отправлено { $sent } из { $total } · не доставлено: { $failed }
admin-progress-done = <b>Рассылка завершена:</b> отправлено { $sent } из { $total } · не доставлено: { $failed }
admin-progress-failures = Не доставлено: заблокировали бота — { $blocked } · чат не найден — { $notfound } · другое — { $other }

btn-skip = Пропустить
btn-today = Сегодня
btn-publish = ✅ Опубликовать
btn-save-announce = ✅ Сохранить и объявить
btn-save-quiet = Сохранить без объявления
btn-edit = ✏️ Изменить
btn-lang-ru = Русский
btn-lang-uz = Узбекский
btn-lang-en = Английский

stage-name = { $stage ->
    [searched] обыск
    [detained] задержание
    [remanded] арест (заключение под стражу)
    [on-trial] суд
    [sentenced] приговор
    [appeal] апелляция
    [serving] отбывание срока
   *[released] освобождение
}

## /reload and /stats.
admin-reloaded = Файлы дел перечитаны: { $count ->
    [one] { $count } дело.
    [few] { $count } дела.
   *[other] { $count } дел.
}
admin-reload-added = Новые: { $slugs }
admin-reload-removed = Больше не в списке: { $slugs }
admin-reload-failed = <b>В файлах дел есть ошибки; действуют прежние данные.</b>
admin-stats-usage = /stats [slug] — подписи, подписчики и рассылки; и график подписей по дням.
admin-stats-case =
    <b>{ $name }</b>
    Подписи: { $total } (за сутки: { $day }) · ru { $ru } · uz { $uz } · en { $en }
    Рубежи: { $milestones }
    Следят за делом: { $followers } (неактивны: { $inactive })
    Рассылки: в очереди { $pending } · отправлено { $sent } · не доставлено { $failed }
admin-stats-no-petition =
    <b>{ $name }</b>
    Требования нет.
    Следят за делом: { $followers } (неактивны: { $inactive })
    Рассылки: в очереди { $pending } · отправлено { $sent } · не доставлено { $failed }
admin-stats-no-milestones = пока нет
admin-stats-total = <b>Все дела</b> · следят: { $followers } (неактивны: { $inactive }) · рассылки: в очереди { $pending } · отправлено { $sent } · не доставлено { $failed }
admin-stats-chart-title = Подписи по дням за последние { $days } дней
admin-stats-chart-caption = Подписи по дням (UTC) за последние { $days } дней.
