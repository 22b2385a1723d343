## Ўзбекча (uz-Cyrl): Uzbek in Cyrillic script, made from the Uzbek (Latin) texts.

admin-preview-header-uz-cyrl = Preview · followers who read <b>Uzbek in Cyrillic</b> (Ўзбекча) ({ $source ->
    [uz] the Uzbek text, in Cyrillic letters
    [ru] the Russian text
   *[en] the English text
}) — they will see exactly this:
admin-stats-uz-cyrl = Ўзбекча (Uzbek in Cyrillic): signatures { $signatures } · followers { $followers }
admin-stats-uz-cyrl-readers = Readers who chose Ўзбекча: { $readers }
