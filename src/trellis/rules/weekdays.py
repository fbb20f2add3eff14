"""Weekday sets as bitmasks (availability, schedules): Monday is bit 0, like date.weekday()."""

import datetime as dt

WEEKDAY_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
SCHOOL_WEEK = 0b0011111


def weekday_mask(days) -> int:
    """Bitmask from an iterable of date.weekday() numbers (0 = Monday)."""
    mask = 0
    for d in days:
        mask |= 1 << int(d)
    return mask


def weekdays_in(mask: int) -> list[int]:
    return [d for d in range(7) if mask & (1 << d)]


def describe_weekdays(mask: int) -> str:
    days = weekdays_in(mask)
    if mask == SCHOOL_WEEK:
        return "Mon–Fri"
    return ", ".join(WEEKDAY_SHORT[d] for d in days) or "no days"


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
