## The public web pages (/, /c/<slug>) and the Mini App (/app/<slug>).
## Plain HTML: these texts are shown on web pages, escaped where they hold variables.

web-site-title = Political prisoners
web-skip = Skip to the content
web-logo-alt = A broken chain: the sign of this site
web-language-label = Language
web-index-title = Cases of political prisoners
web-index-intro = Each page tells the case of a person recognised as a political prisoner, why they were recognised as one, and how to support the demand that they be freed.
web-search-label = Search by name
web-search-button = Search
web-search-results = { $count ->
    [one] One case matches “{ $query }”.
   *[other] { $count } cases match “{ $query }”.
}
web-search-none = No case matches “{ $query }”.
web-search-all = Show all cases
web-pages-label = Pages
web-page-of = Page { $page } of { $pages }
web-page-prev = ← Previous
web-page-next = Next →
web-sections-label = On this page
web-section-card = The case
web-section-petition = The demand
web-section-why = Why
web-section-story = Story
web-section-timeline = Timeline
web-section-news = News
web-progress-label = Signatures collected
web-sign-telegram = ✍️ Sign in Telegram
web-sign-note = You sign in the Telegram bot. Your Telegram account is not stored with your signature.
web-open-bot = Open the bot in Telegram
web-share-heading = Share this page
web-share-telegram = Telegram
web-share-whatsapp = WhatsApp
web-share-vk = VK
web-share-facebook = Facebook
web-share-x = X
web-share-email = E-mail
web-why-arguments = The reasoning
web-news-heading = News of the case
web-news-none = There is no news of this case yet.
web-footer = Run by { $org }.
web-footer-contact = Contact: { $contact }
web-not-found-title = Page not found
web-not-found = There is no such page. Here are the cases we have:
web-too-many-title = Too many searches
web-too-many = Too many searches from your address. Please wait a minute, then try again.

## The Mini App
btn-sign-app = ⚡ Sign in one screen
web-app-menu-button = Sign
web-app-title = Sign in one screen
web-app-stored =
    If you sign, we store: your name as Telegram shows it (or no name if you sign anonymously), your language and the date. Your Telegram account is not stored with the signature; you can withdraw at any time.
web-app-signing-as = Your signature will read: { $name }
web-app-outside =
    Signing here works only inside Telegram, which confirms who you are. Open this page from the bot, or sign in the chat:
web-app-refused = Telegram could not confirm who you are: the page may have been open for more than a day. Close it and open it again from the bot.
web-app-error = Something went wrong. Please try again in a moment.
web-app-name-unusable = Your Telegram name cannot stand as a signature. Sign anonymously here, or in the chat with a name you type.
web-app-choose = Choose the case you want to sign for:
web-app-loading = Checking your signature…
