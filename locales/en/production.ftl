## Resilience: errors, flood control, oversized input.

error-generic = Something went wrong on our side. Please try again in a moment.
flood-notice = You are sending messages too fast. Please wait a minute, then try again.
# $limit is Telegram's message limit, passed as text so it is not digit-grouped.
input-too-long = This message is too long for me: at most { $limit } characters, please.
