## Following a case, its news, and everything admins do with news. HTML parse mode.

btn-follow-case = 🔔 Ish yangiliklarini kuzatish
btn-unfollow = 🔕 Kuzatishni toʻxtatish
btn-unfollow-case = 🔕 Kuzatishni toʻxtatish: { $name }
btn-news = 📰 Yangiliklar
btn-news-older = ◀️ Avvalgi
btn-news-newer = Keyingi ▶️
btn-open-case = 📂 Ishni ochish
cmd-following = Men kuzatayotgan ishlar

follow-card-done = Siz bu ish yangiliklarini kuzatyapsiz: yangiliklar shu yerga keladi. /following buyrugʻi nimalarni kuzatayotganingizni koʻrsatadi.
unfollow-done = Siz endi bu ish yangiliklarini kuzatmaysiz.
following-title = { $count ->
    [one] Siz bitta ish yangiliklarini kuzatyapsiz. Ular shu chatga keladi:
   *[other] Siz { $count } ta ish yangiliklarini kuzatyapsiz. Ular shu chatga keladi:
}
following-item = • { $name }
following-none = Siz hali birorta ish yangiliklarini kuzatmayapsiz. Ishni oching va yangiliklarini shu yerda olish uchun «Ish yangiliklarini kuzatish» tugmasini bosing.

news-none = <b>Yangiliklar: { $name }</b>

    Hozircha yangilik yoʻq. Yangiliklar chiqqanda shu yerga kelishi uchun quyidagi «Ish yangiliklarini kuzatish» tugmasini bosing.
news-none-following = <b>Yangiliklar: { $name }</b>

    Hozircha yangilik yoʻq. Siz bu ish yangiliklarini kuzatyapsiz, shuning uchun yangiliklar shu chatga keladi.
news-page-title = <b>Yangiliklar: { $name }</b> ({ $position }/{ $total })
news-item =
    <b>{ $date }</b>
    { $text }
news-status-item =
    <b>{ $date }</b> — { $status }
    { $text }

# What a follower receives. $text is the admin's HTML, $status a status-* message.
news-message =
    📰 <b>{ $name }</b> · { $date }

    { $text }
status-message =
    🗓 <b>{ $name }</b>: { $status }

    { $text }
status-message-no-note = 🗓 <b>{ $name }</b>: { $status }
timeline-status-event = <b>{ $date }</b> — { $status }
timeline-status-note = { $text }

## Admin: /post and /status dialogues.
admin-not-available = Bu amal mavjud emas.
admin-choose-case = Ishni tanlang:
admin-post-usage = /post [slug] — ish boʻyicha yangilikni rus, oʻzbek va ingliz tillarida yozish; kuzatuvchilar uni oʻz tilida oladi.
admin-status-usage = /status &lt;slug&gt; — ish bosqichini (sana va izoh bilan) belgilash; uni ish kartochkasi va xronologiya koʻrsatadi.
admin-compose-ask-text = { $lang ->
    [ru] <b>{ $name }</b>: <b>rus tilida</b> oʻqiydiganlar uchun matn yuboring.
    [uz] <b>{ $name }</b>: <b>oʻzbek tilida</b> oʻqiydiganlar uchun matn yuboring.
   *[en] <b>{ $name }</b>: <b>ingliz tilida</b> oʻqiydiganlar uchun matn yuboring.
}

    Bu HTML: &lt;b&gt;, &lt;i&gt;, &lt;u&gt;, &lt;a href="…"&gt;, &lt;blockquote&gt; mumkin; &lt; belgisini &amp;lt; deb yozing. Bu tilda yozmaslik uchun «Oʻtkazib yuborish» tugmasini bosing: unda shu til oʻquvchilari boshqa tildagi matnni oladi.
admin-compose-ask-note = { $lang ->
    [ru] <b>{ $name }</b>: yangi bosqich haqida <b>rus tilida</b> oʻqiydiganlar uchun izoh (ixtiyoriy).
    [uz] <b>{ $name }</b>: yangi bosqich haqida <b>oʻzbek tilida</b> oʻqiydiganlar uchun izoh (ixtiyoriy).
   *[en] <b>{ $name }</b>: yangi bosqich haqida <b>ingliz tilida</b> oʻqiydiganlar uchun izoh (ixtiyoriy).
}

    HTML — /post dagidek. Bu tilda yozmaslik uchun «Oʻtkazib yuborish» tugmasini bosing.
admin-compose-too-long = Matn juda uzun: { $length } ta belgi, koʻpi bilan { $limit } ta boʻlishi mumkin. Iltimos, qisqartiring.
admin-compose-not-text = Iltimos, matnni oddiy matnli xabar sifatida yuboring.
admin-compose-need-text = Yangilikda kamida bitta tilda matn boʻlishi kerak. Qaytadan boshlaymiz.
admin-compose-ask-fallback = Oʻtkazib yuborilgan tillarning oʻquvchilari quyidagi tildagi matnni oladi:
admin-compose-ask-stage = <b>{ $name }</b>: yangi bosqichni tanlang.
admin-compose-ask-date = Bosqich: <b>{ $stage }</b>. U kuchga kirgan sanani YYYY-MM-DD koʻrinishida yuboring yoki «Bugun» tugmasini bosing.
admin-compose-bad-date = Sanani tushunib boʻlmadi: uni YYYY-MM-DD koʻrinishida yozing, bugungi kundan keyin boʻlmasin.
admin-preview-header = { $lang ->
    [ru] Oldindan koʻrish · <b>rus tilida</b> oʻqiydiganlar
    [uz] Oldindan koʻrish · <b>oʻzbek tilida</b> oʻqiydiganlar
   *[en] Oldindan koʻrish · <b>ingliz tilida</b> oʻqiydiganlar
} ({ $source ->
    [own] oʻz tilidagi matn
   *[other] { $source ->
        [ru] rus
        [uz] oʻzbek
       *[en] ingliz
    } tilidagi matn
}) — ular aynan shuni koʻradi:
admin-preview-problem = { $lang ->
    [ru] Rus tili
    [uz] Oʻzbek tili
   *[en] Ingliz tili
}: { $problem }
admin-preview-refused = <b>Bu holatda eʼlon qilib boʻlmaydi.</b>
    { $problems }

    Tuzatish uchun «Tahrirlash» tugmasini bosing.
admin-preview-ready = Tayyor. { $followers ->
    [0] Bu ish yangiliklarini hali hech kim kuzatmayapti; yangilik «Yangiliklar» boʻlimida chiqadi.
   *[other] Uni { $followers } ta kuzatuvchi oladi.
}
admin-status-preview-ready = Ish kartochkasi koʻrsatadi: <b>{ $status }</b>. { $followers ->
    [0] Bu ish yangiliklarini hali hech kim kuzatmayapti.
   *[other] Eʼlonni { $followers } ta kuzatuvchi oladi.
}
admin-edit-choose = Qaysi tildagi matnni qayta yozmoqchisiz?
admin-cancelled = Bekor qilindi. Hech narsa eʼlon qilinmadi.
admin-published = <b>Eʼlon qilindi.</b> { $followers ->
    [0] Bu ish yangiliklarini hali hech kim kuzatmayapti; yangilik «Yangiliklar» boʻlimida.
   *[other] { $followers } ta kuzatuvchiga yuborilmoqda; jarayon shu xabarda koʻrinadi.
}
admin-status-saved = <b>Saqlandi.</b> Ish kartochkasi endi koʻrsatadi: { $status }.
admin-progress = Yuborilmoqda… yuborildi: { $sent } / { $total } · yetkazilmadi: { $failed }
admin-progress-done = <b>Yuborish yakunlandi:</b> yuborildi: { $sent } / { $total } · yetkazilmadi: { $failed }
admin-progress-failures = Yetkazilmadi: botni bloklagan — { $blocked } · chat topilmadi — { $notfound } · boshqa — { $other }

btn-skip = Oʻtkazib yuborish
btn-today = Bugun
btn-publish = ✅ Eʼlon qilish
btn-save-announce = ✅ Saqlash va eʼlon qilish
btn-save-quiet = Eʼlon qilmasdan saqlash
btn-edit = ✏️ Tahrirlash
btn-lang-ru = Rus tili
btn-lang-uz = Oʻzbek tili
btn-lang-en = Ingliz tili

stage-name = { $stage ->
    [searched] tintuv
    [detained] hibsga olingan
    [remanded] qamoqqa olingan (ehtiyot chorasi — qamoqda saqlash)
    [on-trial] sud jarayoni
    [sentenced] hukm chiqarilgan
    [appeal] apellyatsiya
    [serving] jazo muddatini oʻtamoqda
   *[released] ozod qilingan
}

## /reload and /stats.
admin-reloaded = Ish fayllari qayta oʻqildi: { $count } ta ish.
admin-reload-added = Yangi: { $slugs }
admin-reload-removed = Roʻyxatda endi yoʻq: { $slugs }
admin-reload-failed = <b>Ish fayllarida xatolar bor; avvalgi maʼlumotlar amalda qoladi.</b>
admin-stats-usage = /stats [slug] — imzolar, kuzatuvchilar va yuborishlar; kunlik imzolar grafigi bilan.
admin-stats-case =
    <b>{ $name }</b>
    Imzolar: { $total } (soʻnggi 24 soatda: { $day }) · ru { $ru } · uz { $uz } · en { $en }
    Marralar: { $milestones }
    Kuzatuvchilar: { $followers } (faol emas: { $inactive })
    Yuborishlar: navbatda { $pending } · yuborildi { $sent } · yetkazilmadi { $failed }
admin-stats-no-petition =
    <b>{ $name }</b>
    Talab yoʻq.
    Kuzatuvchilar: { $followers } (faol emas: { $inactive })
    Yuborishlar: navbatda { $pending } · yuborildi { $sent } · yetkazilmadi { $failed }
admin-stats-no-milestones = hali yoʻq
admin-stats-total = <b>Barcha ishlar</b> · kuzatuvchilar: { $followers } (faol emas: { $inactive }) · yuborishlar: navbatda { $pending } · yuborildi { $sent } · yetkazilmadi { $failed }
admin-stats-chart-title = Kunlik imzolar, soʻnggi { $days } kun
admin-stats-chart-caption = Kunlik imzolar (UTC), soʻnggi { $days } kun.
