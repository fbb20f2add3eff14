"""Ages: every age rule (youth labour, who signs, eligibility) counts whole years this way."""

import datetime as dt

ADULT_AGE = 18  # under this a student is a minor: a guardian signs, youth labour rules apply


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years on a given day."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def is_minor(birth_date: dt.date, day: dt.date) -> bool:
    """Under 18 on that day (a placement asks on its start date)."""
    return age_on(birth_date, day) < ADULT_AGE


def add_years(day: dt.date, years: int) -> dt.date:
    """The same date `years` later (28 February for a 29 February that does not exist)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
