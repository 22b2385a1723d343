## Dates, durations and numbers.
## Every date form ends in a consonant, so suffixes such as -dan can follow { $date } directly.

date-full = { $year }-yil { $day }-{ $month ->
    [1] yanvar
    [2] fevral
    [3] mart
    [4] aprel
    [5] may
    [6] iyun
    [7] iyul
    [8] avgust
    [9] sentabr
    [10] oktabr
    [11] noyabr
   *[12] dekabr
}
date-month-year = { $year }-yil { $month ->
    [1] yanvar
    [2] fevral
    [3] mart
    [4] aprel
    [5] may
    [6] iyun
    [7] iyul
    [8] avgust
    [9] sentabr
    [10] oktabr
    [11] noyabr
   *[12] dekabr
}
date-year = { $year }-yil

years = { $count ->
    [one] { $count } yil
   *[other] { $count } yil
}
months = { $count ->
    [one] { $count } oy
   *[other] { $count } oy
}
less-than-a-month = bir oydan kam
