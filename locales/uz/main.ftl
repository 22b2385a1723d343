## General messages: greeting, menu, help, language. HTML parse mode: only <b>, <i>, <a>.

start-greeting =
    <b>Siyosiy mahbuslar: ularning ishlari va ozod qilish talabi</b>

    Bu yerda siyosiy mahbus deb tan olingan har bir insonning ishini oʻqishingiz, u nima uchun siyosiy mahbus deb tan olinganini bilib olishingiz va uni ozod qilish talabini qoʻllab-quvvatlashingiz mumkin.

cases-list-title = { $count ->
    [one] Bitta ish:
   *[other] { $count } ta ish:
}
cases-list-empty = Hozircha koʻrsatish uchun ishlar yoʻq.
case-not-found = Bunday ish topilmadi. Mana bizdagi ishlar:
menu-hint = Tushunmadim. Quyidagi ishlardan birini tanlang yoki /help yuboring.

help =
    <b>Botdan qanday foydalanish</b>

    /cases — ishlar roʻyxati
    /sign — ozod qilish talabini imzolash
    /unsign — imzoni qaytarib olish
    /following — yangiliklarini kuzatayotgan ishlaringiz
    /forget — bot siz haqingizda saqlayotgan hamma narsani oʻchirish
    /language — tilni tanlash
    /about — botni kim yuritadi
    /help — ushbu yordam

    Ishni oching: unda qisqacha maʼlumot, toʻliq hikoya, xronologiya va inson nima uchun siyosiy mahbus deb tan olingani bor. <i>Ulashish</i> tugmasi havola beradi: uni kimga yuborsangiz, unda shu ish ochiladi.

about =
    Bu botni <b>{ $org }</b> yuritadi.
    Aloqa: { $contact }

    Siyosiy mahbus deb tan olinish insonning qarashlari yoki xatti-harakatlarini maʼqullashni anglatmaydi: bu uning huquqlari buzilib, siyosiy sabablarga koʻra ozodlikdan mahrum qilinganini anglatadi.
about-no-contact =
    Bu botni <b>{ $org }</b> yuritadi.

    Siyosiy mahbus deb tan olinish insonning qarashlari yoki xatti-harakatlarini maʼqullashni anglatmaydi: bu uning huquqlari buzilib, siyosiy sabablarga koʻra ozodlikdan mahrum qilinganini anglatadi.

about-unnamed =
    Botning bu nusxasida uni qaysi tashkilot yuritishi koʻrsatilmagan.
    Aloqa: { $contact }

    Siyosiy mahbus deb tan olinish insonning qarashlari yoki xatti-harakatlarini maʼqullashni anglatmaydi: bu uning huquqlari buzilib, siyosiy sabablarga koʻra ozodlikdan mahrum qilinganini anglatadi.
about-unnamed-no-contact =
    Botning bu nusxasida uni qaysi tashkilot yuritishi koʻrsatilmagan.

    Siyosiy mahbus deb tan olinish insonning qarashlari yoki xatti-harakatlarini maʼqullashni anglatmaydi: bu uning huquqlari buzilib, siyosiy sabablarga koʻra ozodlikdan mahrum qilinganini anglatadi.

language-choose = Tilni tanlang:
language-set = Tayyor: endi bot oʻzbek tilida gaplashadi.

## Callback answers (short pop-ups)
button-stale = Bu tugma eskirgan. Ishni qaytadan oching.
case-unavailable = Bu ish endi mavjud emas.

## Buttons
btn-why = ❓ Nega siyosiy mahbus?
btn-story = 📖 Toʻliq hikoya
btn-timeline = 🗓 Xronologiya
btn-share = 📣 Ulashish
btn-back = ⬅️ Orqaga
btn-cases = 📂 Barcha ishlar
btn-case = ⬅️ Ishga qaytish
btn-arguments = ⬅️ Barcha dalillar
btn-language = 🌐 Til
btn-help = ℹ️ Yordam

share-text = { $name } nima uchun siyosiy mahbus deb tan olinganini oʻqing

## Command menu and the bot's profile (setMyCommands, setMyDescription)
cmd-start = Boshlash va ishlar roʻyxati
cmd-cases = Ishlar roʻyxati
cmd-language = Tilni tanlash
cmd-help = Botdan qanday foydalanish
cmd-about = Botni kim yuritadi
cmd-sign = Ozod qilish talabini imzolash
cmd-unsign = Imzomni qaytarib olish
cmd-forget = Barcha maʼlumotlarimni oʻchirish
bot-description = Siyosiy mahbus deb tan olingan insonlarning ishlari: ular kim, nimada ayblanmoqda va nega siyosiy mahbus deb tan olingan. Oʻqing, ulashing, ularni ozod qilish talabini qoʻllab-quvvatlang. Bot oʻzbek, rus va ingliz tillarida ishlaydi.
bot-short-description = Siyosiy mahbuslar: ularning ishlari va nega ular ozod qilinishi kerak.
