"""Ages and minors: the one rule every age check (labour, signers, rounds, the demo) counts by."""

import datetime as dt

import pytest

from trellis.rules.ages import ADULT_AGE, age_on, is_minor
from trellis.students.models import Student

BIRTH = dt.date(2009, 3, 14)


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (dt.date(2027, 3, 13), 17),  # the day before the birthday
        (dt.date(2027, 3, 14), 18),  # the birthday itself
        (dt.date(2027, 12, 31), 18),
        (dt.date(2009, 3, 14), 0),
    ],
)
def test_age_counts_whole_years_and_turns_on_the_birthday(day, age):
    assert age_on(BIRTH, day) == age
    assert Student(birth_date=BIRTH).age_on(day) == age


def test_a_leap_day_birthday_turns_a_year_older_on_the_first_of_march():
    born = dt.date(2008, 2, 29)
    assert age_on(born, dt.date(2026, 2, 28)) == 17
    assert age_on(born, dt.date(2026, 3, 1)) == 18


def test_a_minor_is_under_18_on_the_day_asked():
    assert ADULT_AGE == 18
    assert is_minor(BIRTH, dt.date(2027, 3, 13))
    assert not is_minor(BIRTH, dt.date(2027, 3, 14))
    student = Student(birth_date=BIRTH)
    assert student.is_minor_on(dt.date(2027, 3, 13)) and not student.is_minor_on(
        dt.date(2027, 3, 14)
    )
