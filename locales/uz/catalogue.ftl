## Katalog: ism boʻyicha qidiruv, roʻyxat, filtrlar (bot/handlers/catalogue.py)

catalogue-home-hint = Ishni topish uchun odamning ismini yozing yoki katalogni oching:
btn-catalogue-search = 🔎 Ism boʻyicha qidirish
btn-catalogue-browse = 🔤 Barcha ishlar, A–Z
btn-catalogue-recent = 🕓 Yaqinda yangilanganlar
btn-catalogue-filters = 🎛 Filtrlar
btn-catalogue-home = 🏠 Menyu
btn-catalogue-previous = ◀️ Oldingi
btn-catalogue-next = Keyingi ▶️

catalogue-page = { $count } sahifadan { $number }-sahifa
catalogue-line = <b>{ $name }</b> — { $articles }
    { $status }
catalogue-article = { $article }-modda
catalogue-article-part = { $article }-modda { $part }-qism
catalogue-browse-title = <b>Barcha ishlar familiya boʻyicha, A–Z</b> ({ $count } ta)
catalogue-recent-title = <b>Yaqinda yangilanganlar</b>: avval soʻnggi voqealar ({ $count } ta)
catalogue-found-title = <b>{ $count } ta ish topildi</b>
catalogue-filtered-title = <b>{ $count } ta ish</b>: { $filters }

catalogue-search-prompt = Odamning ismini yozing — istalgan alifboda va istalgan imloda. Familiyaning yoki ismning oʻzi ham yetarli.
catalogue-search-expired = Bu qidiruv eskirib qolgan. Ismni qaytadan yozing.
catalogue-not-found = { $nearest ->
    [0] Bunday ismli ish yoʻq.
   *[other] Bunday ismli ish yoʻq. Eng yaqin ismlar:
}
catalogue-which-case = Savolingiz qaysi ish haqida? Odamning ismini yozing yoki ishni katalogdan toping.
catalogue-several-named = Bu ism bir nechta odamda bor. Kerakli ishni oching va savolni qaytadan bering:

catalogue-filters-title = <b>Filtrlar</b>
catalogue-filter-line = { $facet ->
    [article] Modda
    [stage] Bosqich
    [region] Hudud yoki mamlakat
   *[category] Turkum
}: { $value }
catalogue-filter-any = har qanday
catalogue-filter-none = filtrsiz
catalogue-filter-count = <b>{ $count } ta ish</b> mos keladi.
catalogue-filter-empty = Bu shartlarning hammasiga <b>birorta ham ish</b> mos kelmaydi. Filtrlardan birini olib tashlang:
catalogue-choose = { $facet ->
    [article] Moddani tanlang (yonida — ishlar soni):
    [stage] Bosqichni tanlang (yonida — ishlar soni):
    [region] Hudud yoki mamlakatni tanlang (yonida — ishlar soni):
   *[category] Turkumni tanlang (yonida — ishlar soni):
}
catalogue-category = { $category ->
    [religion] Din
    [anti-war] Urushga qarshi
    [journalism] Jurnalistika
    [protest] Norozilik
    [civil-society] Fuqarolik jamiyati
   *[other] { $category }
}
btn-catalogue-facet = { $chosen ->
    [1] ✅
   *[0] ➕
} { $facet ->
    [article] Modda
    [stage] Bosqich
    [region] Hudud
   *[category] Turkum
}
btn-catalogue-value = { $label } — { $count }
btn-catalogue-any = { $facet ->
    [article] Har qanday modda
    [stage] Har qanday bosqich
    [region] Har qanday hudud
   *[category] Har qanday turkum
}
btn-catalogue-show = 📋 { $count } ta ishni koʻrsatish
btn-catalogue-drop = ✖️ { $facet ->
    [article] Moddani olib tashlash
    [stage] Bosqichni olib tashlash
    [region] Hududni olib tashlash
   *[category] Turkumni olib tashlash
}
btn-catalogue-clear = 🧹 Filtrlarni tozalash

## Admin ishni tanlaydi (/post, /status, /stats, /export)
admin-pick-title = { $count } ta ish. Birini tanlang yoki qidirish uchun ismni yozing:
admin-pick-none = Bunday ismli ish yoʻq.
