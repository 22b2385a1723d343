## Free-text questions about a case. $name is the case's name (already escaped),
## $question a stored question. The user's own text is never shown back.

question-title = <b>{ $question }</b>
    <i>{ $name }</i>
questions-menu = <b>{ $name }</b>
    What would you like to know? Choose a question or ask in your own words.
questions-offtopic = <b>{ $name }</b>
    I can only answer questions about the cases here, such as these. Choose one or ask in your own words.
questions-offtopic-no-case = I can answer questions about the cases of political prisoners: why someone was recognised as one, the charges, the sentence and more. Choose a case and ask, or send /help.
questions-suggest = <b>{ $name }</b>
    I am not sure I understood. Did you mean one of these questions?
questions-all = <b>{ $name }</b>
    Questions I can answer about this case:
questions-none = <b>{ $name }</b>
    There are no prepared answers about this case yet. Open the case card to read about it.
questions-which-case = Which case is your question about?
help-questions = You can also simply type a question, for example: <i>what are the charges?</i>

btn-q-more = 🔎 More on this
btn-q-all = ❓ All questions
btn-q-sign = ✍️ Sign the demand
btn-q-open-case = 📄 Open the case
