## Following a case, its news, and everything admins do with news. HTML parse mode.

btn-follow-case = 🔔 Follow this case
btn-unfollow = 🔕 Unfollow
btn-unfollow-case = 🔕 Unfollow: { $name }
btn-news = 📰 News
btn-news-older = ◀️ Older
btn-news-newer = Newer ▶️
btn-open-case = 📂 Open the case
cmd-following = Cases I follow

follow-card-done = You follow this case: news will come here. /following lists what you follow.
unfollow-done = You no longer follow this case.
following-title = { $count ->
    [one] You follow one case. News of it comes to this chat:
   *[other] You follow { $count } cases. Their news comes to this chat:
}
following-item = • { $name }
following-none = You do not follow any case. Open a case and tap “Follow this case” to receive its news here.

news-none = <b>News: { $name }</b>

    No news yet. Tap “Follow this case” below to receive news here when it comes.
news-none-following = <b>News: { $name }</b>

    No news yet. You follow this case, so news will come to this chat.
news-page-title = <b>News: { $name }</b> ({ $position } of { $total })
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
admin-not-available = This is not available.
admin-choose-case = Choose the case:
admin-post-usage = /post [slug] — write news of a case in Russian, Uzbek and English; followers receive it in their language.
admin-status-usage = /status &lt;slug&gt; — set the stage of a case (with a dated note); the card and the timeline show it.
admin-compose-ask-text = { $lang ->
    [ru] <b>{ $name }</b>: send the text for followers who read <b>Russian</b>.
    [uz] <b>{ $name }</b>: send the text for followers who read <b>Uzbek</b>.
   *[en] <b>{ $name }</b>: send the text for followers who read <b>English</b>.
}

    It is HTML: &lt;b&gt;, &lt;i&gt;, &lt;u&gt;, &lt;a href="…"&gt;, &lt;blockquote&gt; are allowed; write &amp;lt; for a &lt; sign. Tap “Skip” to leave this language out: its followers will then get another language's text.
admin-compose-ask-note = { $lang ->
    [ru] <b>{ $name }</b>: a note on the new stage for readers of <b>Russian</b> (optional).
    [uz] <b>{ $name }</b>: a note on the new stage for readers of <b>Uzbek</b> (optional).
   *[en] <b>{ $name }</b>: a note on the new stage for readers of <b>English</b> (optional).
}

    HTML as in /post. Tap “Skip” to leave this language out.
admin-compose-too-long = The text is too long: { $length } characters, at most { $limit }. Please shorten it.
admin-compose-not-text = Please send the text as a text message.
admin-compose-need-text = News needs a text in at least one language. Let us start again.
admin-compose-ask-fallback = Followers who read a language you skipped will receive the text of:
admin-compose-ask-stage = <b>{ $name }</b>: choose the new stage.
admin-compose-ask-date = Stage: <b>{ $stage }</b>. Send the date it took effect as YYYY-MM-DD, or tap “Today”.
admin-compose-bad-date = That is not a date I can use: write it as YYYY-MM-DD, not in the future.
admin-preview-header = { $lang ->
    [ru] Preview · followers who read <b>Russian</b>
    [uz] Preview · followers who read <b>Uzbek</b>
   *[en] Preview · followers who read <b>English</b>
} ({ $source ->
    [own] their own text
   *[other] the { $source ->
        [ru] Russian
        [uz] Uzbek
       *[en] English
    } text
}) — they will see exactly this:
admin-preview-problem = { $lang ->
    [ru] Russian
    [uz] Uzbek
   *[en] English
}: { $problem }
admin-preview-refused = <b>This cannot be published as it is.</b>
    { $problems }

    Tap “Edit” to fix it.
admin-preview-ready = Ready. { $followers ->
    [0] Nobody follows this case yet; the update will appear in its News.
    [one] One follower will receive it.
   *[other] { $followers } followers will receive it.
}
admin-status-preview-ready = The card will show: <b>{ $status }</b>. { $followers ->
    [0] Nobody follows this case yet.
    [one] One follower would receive the announcement.
   *[other] { $followers } followers would receive the announcement.
}
admin-edit-choose = Which language do you want to rewrite?
admin-cancelled = Cancelled. Nothing was published.
admin-published = <b>Published.</b> { $followers ->
    [0] Nobody follows this case yet; the update is in its News.
    [one] Sending to one follower; this message shows the progress.
   *[other] Sending to { $followers } followers; this message shows the progress.
}
admin-status-saved = <b>Saved.</b> The card now shows: { $status }.
admin-progress = Sending… sent { $sent } of { $total } · { $failed } failed
admin-progress-done = <b>Delivered:</b> sent { $sent } of { $total } · { $failed } failed
admin-progress-failures = Not delivered: blocked the bot { $blocked } · chat not found { $notfound } · other { $other }

btn-skip = Skip
btn-today = Today
btn-publish = ✅ Publish
btn-save-announce = ✅ Save and announce
btn-save-quiet = Save without announcing
btn-edit = ✏️ Edit
btn-lang-ru = Russian
btn-lang-uz = Uzbek
btn-lang-en = English

stage-name = { $stage ->
    [searched] searched
    [detained] detained
    [remanded] remanded in custody
    [on-trial] on trial
    [sentenced] sentenced
    [appeal] appeal
    [serving] serving the sentence
   *[released] released
}

## /reload and /stats.
admin-reloaded = Case files reloaded: { $count ->
    [one] one case.
   *[other] { $count } cases.
}
admin-reload-added = New: { $slugs }
admin-reload-removed = No longer listed: { $slugs }
admin-reload-failed = <b>The case files have errors; the cases in use stay as they were.</b>
admin-stats-usage = /stats [slug] — signatures, followers and deliveries; with a chart of signatures per day.
admin-stats-case =
    <b>{ $name }</b>
    Signatures: { $total } (last 24 h: { $day }) · ru { $ru } · uz { $uz } · en { $en }
    Milestones: { $milestones }
    Followers: { $followers } (inactive: { $inactive })
    Deliveries: pending { $pending } · sent { $sent } · failed { $failed }
admin-stats-no-petition =
    <b>{ $name }</b>
    No petition.
    Followers: { $followers } (inactive: { $inactive })
    Deliveries: pending { $pending } · sent { $sent } · failed { $failed }
admin-stats-no-milestones = none yet
admin-stats-total = <b>All cases</b> · followers: { $followers } (inactive: { $inactive }) · deliveries: pending { $pending } · sent { $sent } · failed { $failed }
admin-stats-chart-title = Signatures per day, last { $days } days
admin-stats-chart-caption = Signatures per day (UTC), last { $days } days.
