## The case card, the "why" screens, the timeline and the full story.

card-status = <b>Holati:</b> { $status }
card-in-custody = <b>Qamoqda:</b> { $date }dan beri ({ $duration })
card-charges = <b>Ayblovlar:</b>
card-charge = • { $ref }: { $title }
card-born = <b>Tugʻilgan sanasi:</b> { $date }

# Where the person stands, from the latest dated event; shown after "Holati:".
# $term is e.g. "13 yil 9 oy", $regime one of the regime-* messages below
# (in the locative: "qattiq rejimli koloniyada"), $sex "male" or "female" (Uzbek needs no agreement).
status-searched = { $date } kuni uyida tintuv oʻtkazilgan
status-detained = { $date } kuni hibsga olingan
status-remanded = { $date } kuni qamoqqa olingan (ehtiyot chorasi — qamoqda saqlash)
status-on-trial = { $date }dan beri ishi sudda koʻrilmoqda
status-sentenced = { $date } kuni { $term } muddatga ozodlikdan mahrum qilishga hukm qilingan, jazoni { $regime } oʻtaydi
status-sentenced-no-term = { $date } kuni hukm chiqarilgan
status-appeal = { $date }dan beri hukm ustidan apellyatsiya tartibida shikoyat qilmoqda
status-serving = jazoni { $regime } oʻtamoqda, muddati — { $term } ({ $date } holatiga koʻra)
status-serving-no-term = { $date }dan beri jazoni oʻtamoqda
status-released = { $date } kuni ozod qilingan

# Locative, after "jazoni": "jazoni qattiq rejimli koloniyada oʻtaydi". regime-none: the regime is not known.
regime-general = umumiy rejimli koloniyada
regime-strict = qattiq rejimli koloniyada
regime-special = maxsus rejimli koloniyada
regime-settlement = manzil-koloniyada
regime-none = qamoqda

# Criminal-code references built from case.toml: code, article, part.
charge-ref = { $code ->
   *[uk-rf] RF JK { $article }-moddasi { $part }-qismi
}
charge-ref-article = { $code ->
   *[uk-rf] RF JK { $article }-moddasi
}

why-title = <b>{ $name } nima uchun siyosiy mahbus deb tan olingan</b>
why-intro = { $by } { $name }ni xalqaro mezonlarga muvofiq siyosiy mahbus deb tan olgan ({ $date }); loyiha bu atamani YEKPA (Yevropa Kengashi Parlament Assambleyasi)ning 1900 (2012) rezolyutsiyasiga asoslanib tushunadi. Quyida loyiha bayonotidagi dalillar keltirilgan.
why-source = Manba: <a href="{ $url }">{ $by }</a>, { $date }
# The last line of the screen, right above the reasons' buttons.
why-choose = Dalilni toʻliq oʻqish uchun ustiga bosing:

argument-grounds = <b>Bu botning talqini, loyihaning soʻzlari emas.</b> Bayonotda YEKPA 1900 (2012) rezolyutsiyasidagi asoslar koʻrsatilmagan; rezolyutsiyaning 3-bandi bilan solishtirilsa, bu dalil quyidagi asosga taalluqli:
pace-ground-a = (a) ozodlikdan mahrum qilish Inson huquqlari boʻyicha Yevropa konvensiyasining asosiy kafolatlarini, xususan, fikr, vijdon va din erkinligini, soʻz va axborot erkinligini, yigʻilishlar va birlashmalar erkinligini buzadi;
pace-ground-b = (b) ozodlikdan mahrum qilish hech qanday huquqbuzarlikka aloqasi boʻlmagan holda, faqat siyosiy sabablarga koʻra qoʻllanilgan;
pace-ground-c = (c) siyosiy sabablarga koʻra ozodlikdan mahrum qilish muddati yoki uning sharoitlari shaxs gumon qilinayotgan yoki aybdor deb topilgan huquqbuzarlikka mutlaqo nomutanosib;
pace-ground-d = (d) siyosiy sabablarga koʻra shaxs boshqa shaxslarga nisbatan kamsituvchi tarzda ozodlikdan mahrum qilingan;
pace-ground-e = (e) ozodlikdan mahrum qilish ochiqdan-ochiq adolatsiz sud jarayonining natijasidir va bu hokimiyatning siyosiy sabablari bilan bogʻliq koʻrinadi.
pace-paragraph-4 = Rezolyutsiyaning <b>4-band</b>i: terroristik jinoyatlar uchun ozodlikdan mahrum qilinganlar, agar ular bunday jinoyatlar uchun milliy qonunchilik va Inson huquqlari boʻyicha Yevropa konvensiyasiga muvofiq taʼqib qilingan va hukm qilingan boʻlsa, siyosiy mahbus hisoblanmaydi. Loyiha bayonotida bu band tilga olinmagan; bot uni ayblov terrorizm bilan bogʻliq boʻlgani va yuqoridagi xulosa unga bevosita taalluqli boʻlgani uchun keltiradi.
timeline-title = <b>Xronologiya: { $name }</b>
# The text is a sentence of its own, so it starts on its own line under the date.
timeline-event =
    <b>{ $date }</b>
    { $text }
timeline-sources = Manbalar: { $sources }
source-with-title = { $publisher }, «{ $title }»
source-with-translated-title = { $publisher }, «{ $title }» [asl nomi: «{ $original }»]
source-dated = { $source } ({ $date })

story-title = <b>{ $name }: toʻliq hikoya</b>
