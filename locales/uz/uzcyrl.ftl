## Ўзбекча (uz-Cyrl): kirill yozuvidagi oʻzbekcha, lotin yozuvidagi matnlardan yasaladi.

admin-preview-header-uz-cyrl = Oldindan koʻrish · <b>kirill yozuvida</b> oʻqiydigan kuzatuvchilar ({ $source ->
    [uz] oʻzbekcha matn kirill harflarida
    [ru] ruscha matn
   *[en] inglizcha matn
}) — ular aynan shuni koʻradi:
admin-stats-uz-cyrl = Kirill yozuvida oʻqiydiganlar: imzolar { $signatures } · kuzatuvchilar { $followers }
admin-stats-uz-cyrl-readers = Kirill yozuvini tanlaganlar: { $readers }
