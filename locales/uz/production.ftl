## Resilience: errors, flood control, oversized input.

error-generic = Bizda nimadir notoʻgʻri ketdi. Iltimos, birozdan keyin qaytadan urinib koʻring.
flood-notice = Xabarlarni juda tez yuboryapsiz. Iltimos, bir daqiqa kuting va qaytadan urinib koʻring.
# $limit is Telegram's message limit, passed as text so it is not digit-grouped.
input-too-long = Bu xabar juda uzun: iltimos, koʻpi bilan { $limit } ta belgi yuboring.
