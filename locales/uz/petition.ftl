## The release demand: signing, withdrawing, /forget, the inline card.

# Uzbek numerals take the singular: "1 ta imzo", "5 ta imzo".
signatures = { $count ->
    [one] { $count } ta imzo
   *[other] { $count } ta imzo
}
# $signatures is the "signatures" message above; $goal a number.
petition-count = { $signatures } (maqsad — { $goal } ta)
petition-progress = { $bar } { $percent }%
card-signatures = <b>Yigʻildi:</b> { $count }

petition-confirm =
    <b>{ $name }ni ozod qilish talabi</b>
    <b>Kimga:</b> { $addressee }

    { $demand }
petition-privacy =
    <b>Imzolasangiz, bot quyidagilarni saqlaydi:</b> siz kiritgan ism va shahar (anonim imzolasangiz, ism umuman saqlanmaydi), tilingiz va imzo sanasi. Telegram akkauntingiz imzo bilan birga saqlanmaydi.
    <b>Imzoni qaytarib olish:</b> istalgan vaqtda /unsign { $slug } buyrugʻi orqali; /forget buyrugʻi bot siz haqingizda saqlayotgan hamma narsani oʻchirib tashlaydi.

btn-sign = ✍️ Talabni imzolash
btn-sign-named = ✍️ Ismim bilan imzolash
btn-sign-anonymous = 🕶 Anonim imzolash
btn-use-name = ✅ Shu ism qolsin
btn-skip-city = Oʻtkazib yuborish
btn-cancel = ✖️ Bekor qilish
btn-withdraw = ↩️ Imzomni qaytarib olish
btn-withdraw-yes = Ha, qaytarib olaman
btn-keep = Yoʻq, qolsin
btn-follow = 🔔 Ish yangiliklarini kuzatish
btn-share-petition = 📣 Boshqalarni imzolashga taklif qilish

petition-name-proposed =
    Imzoingiz quyidagicha boʻladi: <b>{ $name }</b>
    Shu ismni qoldirish uchun tugmani bosing yoki oʻzingiz xohlagan ismni yuboring.
petition-name-ask = Imzo uchun ismni yuboring: 2 tadan 100 tagacha belgi — harflar, boʻsh joylar, defislar, apostroflar va nuqtalar.
petition-city-ask = Imzoga shahringizni qoʻshasizmi? Shahar nomini yuboring yoki «Oʻtkazib yuborish» tugmasini bosing.
petition-cancelled = Hech narsa imzolanmadi.

# Why a typed name or city was refused (then the question is asked again).
name-rejected-empty = Ism boʻsh boʻlishi mumkin emas.
name-rejected-short = Juda qisqa: kamida 2 ta belgi boʻlishi kerak.
name-rejected-long = Juda uzun: koʻpi bilan 100 ta belgi boʻlishi kerak.
name-rejected-html = Iltimos, &lt; &gt; va &amp; belgilarini ishlatmang.
name-rejected-link = Imzoda havolalar va @foydalanuvchi nomlari boʻlishi mumkin emas.
name-rejected-invisible = Matnda koʻrinmaydigan yoki boshqaruv belgilari bor. Iltimos, uni qaytadan yozing.
name-rejected-lines = Iltimos, ismni bitta qatorda yuboring.
name-rejected-characters = Faqat harflar, boʻsh joylar, defislar, apostroflar va nuqtalardan foydalaning.

petition-thanks =
    <b>Rahmat! Siz talabni { $number }-boʻlib imzoladingiz.</b>
    { $count }
    { $progress }
petition-follow-offer = Bu ish yangiliklarini kuzatishni xohlaysizmi? Bot sizga hukmlar, apellyatsiyalar va qamoqdan kelgan xatlar haqida xabar berib turadi.
petition-already = Siz bu talabni { $date } kuni imzolagansiz.
petition-withdraw-confirm = { $name }ni ozod qilish talabi ostidagi imzoingizni qaytarib olasizmi? Imzoingiz va undagi ism oʻchiriladi.
petition-withdrawn = Imzoingiz qaytarib olindi va oʻchirildi. Hozir: { $count }.
petition-not-signed = Siz bu talabni imzolamagansiz.
petition-withdraw-kept = Imzoingiz saqlanib qoladi.
petition-closed = Imzo yigʻish yakunlandi. Jami: { $count }.
petition-not-open = Imzo yigʻish { $date } kuni boshlanadi.
petition-none = Bu ish boʻyicha imzolanadigan talab yoʻq.
share-petition-text = { $name }ni ozod qilish talabini imzolang

follow-done = Endi siz { $name } ishi yangiliklarini kuzatasiz. /forget buyrugʻi buni oʻchiradi.

forget-confirm = Bot siz haqingizda saqlayotgan hamma narsa oʻchiriladi: tanlagan tilingiz, imzolaringiz va yangiliklarini kuzatayotgan ishlaringiz. Buni qaytarib boʻlmaydi. Hammasini oʻchirasizmi?
btn-forget-yes = Ha, hammasini oʻchirish
forget-done =
    Oʻchirildi:
    • imzolar: { $signatures }
    • yangiliklari kuzatilgan ishlar: { $follows }
    • tanlangan til: { $language ->
        [yes] ha
       *[no] saqlanmagan edi
    }
forget-cancelled = Hech narsa oʻchirilmadi.

inline-description = { $status } · { $count }
inline-card =
    <b>{ $name }</b>
    { $status }

    { $summary }

    { $count }

## Admin commands (only admins ever see these).
admin-export-usage = Foydalanish: /export &lt;slug&gt; [csv|json] — talabi bor ish uchun.
admin-export-done = Eksport qilindi: { $count }.
admin-close-usage = Foydalanish: /closepetition &lt;slug&gt;
admin-closed = { $name }ni ozod qilish talabiga imzo yigʻish yopildi. Jami: { $count }.
