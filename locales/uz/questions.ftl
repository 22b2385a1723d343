## Free-text questions about a case. $name is the case's name (already escaped),
## $question a stored question. The user's own text is never shown back.
## The name stands alone on its own line, so no suffix has to follow it.

question-title = <b>{ $question }</b>
    <i>{ $name }</i>
questions-menu = <b>{ $name }</b>
    Nimani bilmoqchisiz? Savolni tanlang yoki oʻzingiz yozing.
questions-offtopic = <b>{ $name }</b>
    Men faqat shu yerdagi ishlar haqidagi savollarga javob bera olaman, masalan, quyidagilarga. Savolni tanlang yoki oʻzingiz yozing.
questions-offtopic-no-case = Men siyosiy mahbuslarning ishlari haqidagi savollarga javob beraman: inson nega siyosiy mahbus deb tan olingan, unga qanday ayblov qoʻyilgan, jazo muddati qancha va hokazo. Ishni tanlang va savol bering yoki /help yuboring.
questions-suggest = <b>{ $name }</b>
    Savolingizni aniq tushuna olmadim. Balki quyidagi savollardan birini nazarda tutgandirsiz?
questions-all = <b>{ $name }</b>
    Ushbu ish boʻyicha javob bera oladigan savollarim:
questions-none = <b>{ $name }</b>
    Bu ish boʻyicha tayyor javoblar hozircha yoʻq. U haqida oʻqish uchun ish kartochkasini oching.
questions-which-case = Savolingiz qaysi ish haqida?
help-questions = Shunchaki savol yozsangiz ham boʻladi, masalan: <i>ayblov nima?</i>

btn-q-more = 🔎 Batafsil
btn-q-all = ❓ Barcha savollar
btn-q-sign = ✍️ Talabni imzolash
btn-q-open-case = 📄 Ishni ochish
