## General messages: greeting, menu, help, language. HTML parse mode: only <b>, <i>, <a>.

start-greeting =
    <b>Political prisoners: their cases and the demand for their release</b>

    Here you can read the case of each person recognised as a political prisoner, find out why they were recognised as one, and support the demand that they be freed.

cases-list-title = { $count ->
    [one] One case:
   *[other] { $count } cases:
}
cases-list-empty = There are no cases to show yet.
case-not-found = There is no such case. Here are the cases we have:
menu-hint = I did not understand that. Choose a case below or send /help.

help =
    <b>How to use this bot</b>

    /cases — the list of cases
    /sign — sign the demand for release
    /unsign — withdraw your signature
    /following — the cases whose news you receive
    /forget — erase everything the bot holds about you
    /language — choose the language
    /about — who runs this bot
    /help — this help

    Open a case to read its card, the full story, the timeline and why the person is a political prisoner. The <i>Share</i> button gives a link that opens the case for whoever you send it to.

about =
    This bot is run by <b>{ $org }</b>.
    Contact: { $contact }

    Recognition as a political prisoner does not mean agreement with the person's views or actions: it means that they are deprived of liberty for political reasons, in breach of their rights.
about-no-contact =
    This bot is run by <b>{ $org }</b>.

    Recognition as a political prisoner does not mean agreement with the person's views or actions: it means that they are deprived of liberty for political reasons, in breach of their rights.

about-unnamed =
    This copy of the bot does not name the organisation that runs it.
    Contact: { $contact }

    Recognition as a political prisoner does not mean agreement with the person's views or actions: it means that they are deprived of liberty for political reasons, in breach of their rights.
about-unnamed-no-contact =
    This copy of the bot does not name the organisation that runs it.

    Recognition as a political prisoner does not mean agreement with the person's views or actions: it means that they are deprived of liberty for political reasons, in breach of their rights.

language-choose = Choose the language:
language-set = Done: the bot now speaks English.

## Callback answers (short pop-ups)
button-stale = This button is out of date. Please open the case again.
case-unavailable = This case is no longer available.

## Buttons
btn-why = ❓ Why a political prisoner?
btn-story = 📖 Full story
btn-timeline = 🗓 Timeline
btn-share = 📣 Share
btn-back = ⬅️ Back
btn-cases = 📂 All cases
btn-case = ⬅️ Back to the case
btn-arguments = ⬅️ All arguments
btn-language = 🌐 Language
btn-help = ℹ️ Help

share-text = Read why { $name } is a political prisoner

## Command menu and the bot's profile (setMyCommands, setMyDescription)
cmd-start = Start and list of cases
cmd-cases = List of cases
cmd-language = Choose the language
cmd-help = How to use the bot
cmd-about = Who runs the bot
cmd-sign = Sign the demand for release
cmd-unsign = Withdraw my signature
cmd-forget = Erase all my data
bot-description = Cases of people recognised as political prisoners: who they are, what they are accused of, why they are political prisoners. Read, share, support the demand for their release. Available in English, Russian and Uzbek.
bot-short-description = Political prisoners: their cases and why they must be freed.
