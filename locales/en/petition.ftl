## The release demand: signing, withdrawing, /forget, the inline card.

signatures = { $count ->
    [one] { $count } signature
   *[other] { $count } signatures
}
# $signatures is the "signatures" message above; $goal a number.
petition-count = { $signatures } of { $goal }
petition-progress = { $bar } { $percent }%
card-signatures = <b>Demand for release:</b> { $count }

petition-confirm =
    <b>The demand to free { $name }</b>
    <b>To:</b> { $addressee }

    { $demand }
petition-privacy =
    <b>If you sign, the bot stores:</b> the name and city you give (or no name at all if you sign anonymously), your language and the date. Your Telegram account is not stored with the signature.
    <b>To withdraw:</b> /unsign { $slug } at any time; /forget erases everything the bot holds about you.

btn-sign = ✍️ Sign the demand
btn-sign-named = ✍️ Sign with my name
btn-sign-anonymous = 🕶 Sign anonymously
btn-use-name = ✅ Use this name
btn-skip-city = Skip
btn-cancel = ✖️ Cancel
btn-withdraw = ↩️ Withdraw my signature
btn-withdraw-yes = Yes, withdraw it
btn-keep = No, keep it
btn-follow = 🔔 Follow the case
btn-share-petition = 📣 Invite others to sign

petition-name-proposed =
    Your signature will read: <b>{ $name }</b>
    Tap the button to use this name, or send the name you want instead.
petition-name-ask = Send the name for your signature: 2 to 100 characters — letters, spaces, hyphens, apostrophes and dots.
petition-city-ask = Add your city to the signature? Send it, or tap “Skip”.
petition-cancelled = Nothing was signed.

# Why a typed name or city was refused (then the question is asked again).
name-rejected-empty = The name is empty.
name-rejected-short = That is too short: at least 2 characters, please.
name-rejected-long = That is too long: at most 100 characters, please.
name-rejected-html = Please leave out the characters &lt; &gt; and &amp;.
name-rejected-link = Links and @usernames cannot be part of a signature.
name-rejected-invisible = The text contains invisible or control characters; please type it again.
name-rejected-lines = Please send the name on one line.
name-rejected-characters = Only letters, spaces, hyphens, apostrophes and dots, please.

petition-thanks =
    <b>Thank you — you are signer No. { $number }.</b>
    { $count }
    { $progress }
petition-follow-offer = Would you like to receive news of this case — verdicts, appeals, letters from prison?
petition-already = You signed this demand on { $date }.
petition-withdraw-confirm = Withdraw your signature under the demand to free { $name }? Your signature and the name on it will be deleted.
petition-withdrawn = Your signature has been withdrawn and deleted. Now: { $count }.
petition-not-signed = You have not signed this demand.
petition-withdraw-kept = Your signature stays.
petition-closed = Signing has closed. Final count: { $count }.
petition-not-open = Signing opens on { $date }.
petition-none = This case has no demand to sign.
share-petition-text = Sign the demand to free { $name }

follow-done = You will receive news of { $name }. /forget erases this.

forget-confirm = This erases everything the bot holds about you: your language choice, your signatures and the cases you follow. It cannot be undone. Erase everything?
btn-forget-yes = Yes, erase everything
forget-done =
    Erased:
    • signatures: { $signatures }
    • cases followed: { $follows }
    • language choice: { $language ->
        [yes] yes
       *[no] none was stored
    }
forget-cancelled = Nothing was erased.

inline-description = { $status } · { $count }
inline-card =
    <b>{ $name }</b>
    { $status }

    { $summary }

    { $count }

## Admin commands (only admins ever see these).
admin-export-usage = Usage: /export &lt;slug&gt; [csv|json] — for a case with a petition.
admin-export-done = Exported: { $count }.
admin-close-usage = Usage: /closepetition &lt;slug&gt;
admin-closed = Signing under the demand to free { $name } is closed. Final count: { $count }.
