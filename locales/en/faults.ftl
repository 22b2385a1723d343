## Faults a signer can meet: signing only in a private chat, storage failures.

# Answered in a group, supergroup or channel: nothing about a signature is shown there.
faults-private-only = Signing, and anything about your signature, happens only in a private chat with the bot, so that no one here sees it. Tap the button to continue there.
# Pop-ups: at most 200 characters.
faults-private-popup = Signing happens only in a private chat with the bot, where no one else sees it. Opening it now.
faults-forget-private = Erasing your data happens only in a private chat with the bot. Open it and send /forget there.
faults-forget-popup = Erasing your data happens only in a private chat with the bot. Opening it now.
btn-open-private = Continue in a private chat

# The database refused to store an update's writes (disk full, I/O error).
faults-not-saved-signature = ⚠️ We could not save your signature: the bot's storage is failing right now. Nothing was recorded. Please try again in a few minutes.
faults-not-saved = ⚠️ We could not save this: the bot's storage is failing right now. Nothing was changed. Please try again in a few minutes.
