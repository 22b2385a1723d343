## An update that ran past its time limit (a stuck Telegram call, a very slow step) was stopped.

# Stopped before anything was saved: what was begun was undone.
slow-stopped = ⚠️ Bu juda uzoq choʻzildi, shuning uchun toʻxtatdik. Hech narsa oʻzgarmadi. Iltimos, qaytadan urinib koʻring.
# Stopped after it was saved: only the answer could not be sent in time.
slow-saved = ⚠️ Bajarildi, lekin javobimiz sizga oʻz vaqtida yetib bormadi. Davom etish uchun /start yuboring.
