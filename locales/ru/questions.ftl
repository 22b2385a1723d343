## Free-text questions about a case. $name is the case's name (already escaped),
## $question a stored question. The user's own text is never shown back.
## The name stands alone on its own line, so no Russian case ending is needed.

question-title = <b>{ $question }</b>
    <i>{ $name }</i>
questions-menu = <b>{ $name }</b>
    Что вы хотите узнать? Выберите вопрос или задайте свой.
questions-offtopic = <b>{ $name }</b>
    Я отвечаю только на вопросы о делах, которые здесь есть, — например, на эти. Выберите вопрос или задайте свой.
questions-offtopic-no-case = Я отвечаю на вопросы о делах политзаключённых: почему человек признан политзаключённым, в чём его обвиняют, какой у него срок и не только. Выберите дело и задайте вопрос или отправьте /help.
questions-suggest = <b>{ $name }</b>
    Не удалось точно понять вопрос. Возможно, вы имели в виду один из этих?
questions-all = <b>{ $name }</b>
    Вопросы об этом деле, на которые я могу ответить:
questions-none = <b>{ $name }</b>
    Готовых ответов об этом деле пока нет. Откройте карточку дела, чтобы прочитать о нём.
questions-which-case = О каком деле ваш вопрос?
help-questions = Можно и просто написать вопрос, например: <i>в чём обвинение?</i>

btn-q-more = 🔎 Подробнее
btn-q-all = ❓ Все вопросы
btn-q-sign = ✍️ Подписать требование
btn-q-open-case = 📄 Открыть дело
