## An update that ran past its time limit (a stuck Telegram call, a very slow step) was stopped.

# Stopped before anything was saved: what was begun was undone.
slow-stopped = ⚠️ Запрос выполнялся слишком долго, и мы его прервали. Ничего не изменилось — попробуйте ещё раз.
# Stopped after it was saved: only the answer could not be sent in time.
slow-saved = ⚠️ Готово, но наш ответ не успел до вас дойти. Отправьте /start, чтобы продолжить.
