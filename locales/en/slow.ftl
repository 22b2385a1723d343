## An update that ran past its time limit (a stuck Telegram call, a very slow step) was stopped.

# Stopped before anything was saved: what was begun was undone.
slow-stopped = ⚠️ That took too long, so we stopped it. Nothing was changed. Please try again.
# Stopped after it was saved: only the answer could not be sent in time.
slow-saved = ⚠️ That is done, but our answer took too long to reach you. Send /start to carry on.
