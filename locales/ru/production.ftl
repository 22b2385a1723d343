## Resilience: errors, flood control, oversized input.

error-generic = Что-то пошло не так на нашей стороне. Пожалуйста, попробуйте ещё раз чуть позже.
flood-notice = Вы отправляете сообщения слишком часто. Подождите минуту и попробуйте снова.
# $limit is Telegram's message limit, passed as text so it is not digit-grouped.
input-too-long = Сообщение слишком длинное: не больше { $limit } символов, пожалуйста.
