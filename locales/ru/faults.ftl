## Faults a signer can meet: signing only in a private chat, storage failures.

# Answered in a group, supergroup or channel: nothing about a signature is shown there.
faults-private-only = Подписать требование — и всё, что касается вашей подписи, — можно только в личном чате с ботом, чтобы здесь этого никто не увидел. Нажмите кнопку, чтобы продолжить там.
# Pop-ups: at most 200 characters.
faults-private-popup = Подписать можно только в личном чате с ботом, где этого никто не увидит. Открываем его.
faults-forget-private = Удалить свои данные можно только в личном чате с ботом. Откройте его и отправьте там /forget.
faults-forget-popup = Удалить свои данные можно только в личном чате с ботом. Открываем его.
btn-open-private = Продолжить в личном чате

# The database refused to store an update's writes (disk full, I/O error).
faults-not-saved-signature = ⚠️ Не удалось сохранить вашу подпись: в хранилище бота сейчас сбой. Ничего не записано. Пожалуйста, попробуйте ещё раз через несколько минут.
faults-not-saved = ⚠️ Не удалось это сохранить: в хранилище бота сейчас сбой. Ничего не изменено. Пожалуйста, попробуйте ещё раз через несколько минут.
