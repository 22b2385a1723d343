## Ochiq veb-sahifalar (/, /c/<slug>) va mini ilova (/app/<slug>).
## Oddiy HTML: matnlar veb-sahifada koʻrsatiladi, oʻzgaruvchilar ekranlanadi.

web-site-title = Siyosiy mahbuslar
web-skip = Asosiy matnga oʻtish
web-logo-alt = Uzilgan zanjir — ushbu saytning belgisi
web-language-label = Til
web-index-title = Siyosiy mahbuslar ishlari
web-index-intro = Bu yerda siyosiy mahbus deb tan olingan odamlarning ishlari jamlangan: ular nimada ayblanmoqda, nega siyosiy mahbus deb tan olingan va ularni ozod qilish talabini qanday qoʻllab-quvvatlash mumkin.
web-search-label = Ism boʻyicha qidirish
web-search-button = Qidirish
web-search-results = «{ $query }» soʻrovi boʻyicha { $count } ta ish topildi.
web-search-none = «{ $query }» soʻrovi boʻyicha hech narsa topilmadi.
web-search-all = Barcha ishlarni koʻrsatish
web-pages-label = Sahifalar
web-page-of = { $pages } sahifadan { $page }-sahifa
web-page-prev = ← Oldingi
web-page-next = Keyingi →
web-sections-label = Ushbu sahifada
web-section-card = Ish
web-section-petition = Talab
web-section-why = Nega
web-section-story = Tarix
web-section-timeline = Xronologiya
web-section-news = Yangiliklar
web-progress-label = Yigʻilgan imzolar
web-sign-telegram = ✍️ Telegramda imzolash
web-sign-note = Imzo Telegram-botda qoʻyiladi. Telegram akkauntingiz imzo bilan birga saqlanmaydi.
web-open-bot = Botni Telegramda ochish
web-share-heading = Sahifani ulashish
web-share-telegram = Telegram
web-share-whatsapp = WhatsApp
web-share-vk = VK
web-share-facebook = Facebook
web-share-x = X
web-share-email = Elektron pochta
web-why-arguments = Asoslar
web-news-heading = Ish yangiliklari
web-news-none = Bu ish boʻyicha hozircha yangilik yoʻq.
web-footer = Sayt yurituvchisi: { $org }.
web-footer-contact = Aloqa: { $contact }
web-not-found-title = Sahifa topilmadi
web-not-found = Bunday sahifa yoʻq. Bizdagi ishlar:
web-too-many-title = Soʻrovlar juda koʻp
web-too-many = Manzilingizdan juda koʻp qidiruv soʻrovi keldi. Bir daqiqa kutib, qaytadan urinib koʻring.

## Mini ilova
btn-sign-app = ⚡ Bir bosishda imzolash
web-app-menu-button = Imzolash
web-app-title = Bir bosishda imzolash
web-app-stored =
    Imzolasangiz, biz Telegramda koʻrinadigan ismingizni (anonim imzolasangiz, hech qanday ism saqlanmaydi), tilingizni va sanani saqlaymiz. Telegram akkauntingiz imzo bilan birga saqlanmaydi; imzoni istalgan vaqtda qaytarib olishingiz mumkin.
web-app-signing-as = Imzoingiz quyidagicha boʻladi: { $name }
web-app-outside =
    Bu yerda faqat Telegram ichida imzolash mumkin — kimligingizni Telegram tasdiqlaydi. Sahifani botdan oching yoki chatda imzolang:
web-app-refused = Telegram kimligingizni tasdiqlamadi: sahifa bir kundan ortiq ochiq turgan boʻlishi mumkin. Uni yoping va botdan qaytadan oching.
web-app-error = Nimadir notoʻgʻri ketdi. Birozdan soʻng qaytadan urinib koʻring.
web-app-name-unusable = Telegramdagi ismingiz imzo uchun yaroqsiz. Bu yerda anonim imzolang yoki chatda ismingizni oʻzingiz yozib imzolang.
web-app-choose = Qaysi ish boʻyicha talabni imzolamoqchi ekaningizni tanlang:
web-app-loading = Imzoingiz tekshirilmoqda…
