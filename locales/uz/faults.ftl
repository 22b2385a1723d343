## Faults a signer can meet: signing only in a private chat, storage failures.

# Answered in a group, supergroup or channel: nothing about a signature is shown there.
faults-private-only = Talabni imzolash va imzoingizga oid hamma narsa faqat bot bilan shaxsiy chatda boʻladi — bu yerda buni hech kim koʻrmaydi. Davom etish uchun tugmani bosing.
# Pop-ups: at most 200 characters.
faults-private-popup = Imzolash faqat bot bilan shaxsiy chatda boʻladi, u yerda buni hech kim koʻrmaydi. Hozir ochiladi.
faults-forget-private = Maʼlumotlaringizni faqat bot bilan shaxsiy chatda oʻchirish mumkin. Uni oching va u yerda /forget yuboring.
faults-forget-popup = Maʼlumotlaringizni faqat bot bilan shaxsiy chatda oʻchirish mumkin. Hozir ochiladi.
btn-open-private = Shaxsiy chatda davom etish

# The database refused to store an update's writes (disk full, I/O error).
faults-not-saved-signature = ⚠️ Imzoingizni saqlab boʻlmadi: bot maʼlumotlar omborida hozir nosozlik bor. Hech narsa yozilmadi. Iltimos, bir necha daqiqadan soʻng qaytadan urinib koʻring.
faults-not-saved = ⚠️ Buni saqlab boʻlmadi: bot maʼlumotlar omborida hozir nosozlik bor. Hech narsa oʻzgarmadi. Iltimos, bir necha daqiqadan soʻng qaytadan urinib koʻring.
