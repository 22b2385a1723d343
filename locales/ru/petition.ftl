## The release demand: signing, withdrawing, /forget, the inline card.

signatures = { $count ->
    [one] { $count } подпись
    [few] { $count } подписи
    [many] { $count } подписей
   *[other] { $count } подписи
}
# $signatures is the "signatures" message above; $goal a number.
petition-count = { $signatures } из { $goal }
petition-progress = { $bar } { $percent }%
card-signatures = <b>Собрано:</b> { $count }

# $name is in the nominative, so the wording avoids putting it after a word that governs another case.
petition-confirm =
    <b>{ $name }: требование об освобождении</b>
    <b>Кому:</b> { $addressee }

    { $demand }
petition-privacy =
    <b>Если вы подпишете, бот сохранит:</b> имя и город, которые вы укажете (при анонимной подписи имя не сохраняется вовсе), ваш язык и дату подписи. Ваш аккаунт в Telegram вместе с подписью не хранится.
    <b>Как отозвать подпись:</b> в любой момент командой /unsign { $slug }; команда /forget удаляет всё, что бот о вас хранит.

btn-sign = ✍️ Подписать требование
btn-sign-named = ✍️ Подписать своим именем
btn-sign-anonymous = 🕶 Подписать анонимно
btn-use-name = ✅ Оставить это имя
btn-skip-city = Пропустить
btn-cancel = ✖️ Отмена
btn-withdraw = ↩️ Отозвать подпись
btn-withdraw-yes = Да, отозвать
btn-keep = Нет, оставить
btn-follow = 🔔 Следить за делом
btn-share-petition = 📣 Пригласить других подписать

petition-name-proposed =
    Ваша подпись будет выглядеть так: <b>{ $name }</b>
    Нажмите кнопку, чтобы оставить это имя, или пришлите то, которое хотите указать.
petition-name-ask = Пришлите имя для подписи: от 2 до 100 символов — буквы, пробелы, дефисы, апострофы и точки.
petition-city-ask = Добавить к подписи ваш город? Пришлите его название или нажмите «Пропустить».
petition-cancelled = Вы ничего не подписали.

# Why a typed name or city was refused (then the question is asked again).
name-rejected-empty = Имя не может быть пустым.
name-rejected-short = Слишком коротко: нужно не меньше 2 символов.
name-rejected-long = Слишком длинно: нужно не больше 100 символов.
name-rejected-html = Пожалуйста, не используйте символы &lt; &gt; и &amp;.
name-rejected-link = В подписи не может быть ссылок и @имён пользователей.
name-rejected-invisible = В тексте есть невидимые или управляющие символы. Пожалуйста, наберите его заново.
name-rejected-lines = Пожалуйста, пришлите имя одной строкой.
name-rejected-characters = Можно использовать только буквы, пробелы, дефисы, апострофы и точки.

petition-thanks =
    <b>Спасибо! Ваша подпись — № { $number }.</b>
    { $count }
    { $progress }
petition-follow-offer = Хотите следить за делом? Бот будет присылать новости: приговоры, апелляции, письма из заключения.
petition-already = Вы подписали это требование { $date }.
petition-withdraw-confirm = Отозвать вашу подпись под требованием об освобождении ({ $name })? Подпись вместе с указанным в ней именем будет удалена.
petition-withdrawn = Ваша подпись отозвана и удалена. Сейчас: { $count }.
petition-not-signed = Вы не подписывали это требование.
petition-withdraw-kept = Ваша подпись остаётся.
petition-closed = Сбор подписей завершён. Итог: { $count }.
petition-not-open = Сбор подписей начнётся { $date }.
petition-none = По этому делу нет требования, которое можно подписать.
share-petition-text = { $name }: подпишите требование об освобождении

follow-done = Теперь вы следите за делом: { $name }. Команда /forget это удалит.

forget-confirm = Будет удалено всё, что бот о вас хранит: выбранный язык, ваши подписи и дела, за которыми вы следите. Восстановить это будет нельзя. Удалить всё?
btn-forget-yes = Да, удалить всё
forget-done =
    Удалено:
    • подписи: { $signatures }
    • дела, за которыми вы следили: { $follows }
    • выбранный язык: { $language ->
        [yes] да
       *[no] не сохранялся
    }
forget-cancelled = Ничего не удалено.

inline-description = { $status } · { $count }
inline-card =
    <b>{ $name }</b>
    { $status }

    { $summary }

    { $count }

## Admin commands (only admins ever see these).
admin-export-usage = Формат: /export &lt;slug&gt; [csv|json] — для дела, по которому есть требование.
admin-export-done = Выгружено: { $count }.
admin-close-usage = Формат: /closepetition &lt;slug&gt;
admin-closed = Сбор подписей под требованием об освобождении ({ $name }) закрыт. Итог: { $count }.
