## Dates, durations and numbers.

date-full = { $day } { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $year }
date-month-year = { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $year }
date-year = { $year }

years = { $count ->
    [one] { $count } year
   *[other] { $count } years
}
months = { $count ->
    [one] { $count } month
   *[other] { $count } months
}
less-than-a-month = less than a month
