"""The one eligibility rule set over plain facts: no database, no Django."""

import datetime as dt

from trellis.rules import eligibility
from trellis.rules.eligibility import OpportunityFacts, Standing, StudentFacts

D = dt.date
START = D(2027, 2, 5)


def student(**kw) -> StudentFacts:
    values = {
        "grade": 11,
        "birth_date": D(2010, 1, 1),  # 17 on the start date
        "availability": 0b0011111,
        "transportation": "own_vehicle",
        "max_travel_miles": 10,
        "district_id": 1,
        "name": "Ada Park",
    }
    return StudentFacts(**{**values, **kw})


def opportunity(**kw) -> OpportunityFacts:
    values = {
        "status": "published",
        "status_label": "Published",
        "min_grade": 10,
        "min_age": 16,
        "is_hazardous": False,
        "weekdays": 0b0010000,
        "start_date": START,
        "end_date": D(2027, 5, 28),
        "title": "Lab assistant",
        "district_id": 1,
    }
    return OpportunityFacts(**{**values, **kw})


def codes(found):
    return [code for code, _ in found]


def test_an_eligible_student_fails_no_round_rule():
    assert eligibility.for_round(student(), opportunity()) == []


def test_round_names_each_rule_failed_in_the_students_words():
    found = eligibility.for_round(
        student(grade=9, availability=0b0001111),
        opportunity(status="closed", min_grade=10, weekdays=0b0010000),
    )
    assert codes(found) == ["closed", "grade", "weekdays"]
    assert dict(found)["grade"] == "Open to grade 10 and up; you are in grade 9."
    assert dict(found)["weekdays"] == "It meets on Fri; you are not available on Fri."


def test_age_is_counted_on_the_start_date_against_the_law_and_the_opportunity():
    thirteen = student(birth_date=D(2013, 6, 1))
    assert codes(eligibility.for_round(thirteen, opportunity(min_age=0))) == ["age"]
    assert "Federal law" in dict(eligibility.for_round(thirteen, opportunity(min_age=0)))["age"]
    fifteen = student(birth_date=D(2011, 6, 1))
    assert dict(eligibility.for_round(fifteen, opportunity(min_age=16)))["age"] == (
        "You must be at least 16 on the start date (February 5, 2027); you will be 15."
    )
    turns_sixteen_on_start = student(birth_date=D(2011, 2, 5))
    assert eligibility.for_round(turns_sixteen_on_start, opportunity(min_age=16)) == []


def test_a_round_keeps_minors_out_of_hazardous_work_but_not_adults():
    hazardous = opportunity(is_hazardous=True, hazardous_orders="HO5")
    assert codes(eligibility.for_round(student(), hazardous)) == ["hazardous"]
    assert "(HO5)" in dict(eligibility.for_round(student(), hazardous))["hazardous"]
    adult = student(birth_date=D(2008, 1, 1))
    assert eligibility.for_round(adult, hazardous) == []


def test_distance_counts_only_without_transportation_and_with_known_places():
    home = {"home_latitude": 39.1157, "home_longitude": -77.5636}  # Leesburg
    far = opportunity(latitude=39.1468, longitude=-77.7111)  # Purcellville, ~8 miles
    walker = student(transportation="none", max_travel_miles=5, **home)
    assert codes(eligibility.for_round(walker, far)) == ["distance"]
    assert eligibility.for_round(student(transportation="own_vehicle", **home), far) == []
    assert (
        eligibility.for_round(
            walker, opportunity(latitude=39.1468, longitude=-77.7111, is_virtual=True)
        )
        == []
    )
    assert eligibility.for_round(walker, opportunity()) == []  # no worksite place known


def test_facts_from_match_round_rows_read_virtual_from_the_kind_or_the_worksite():
    row = {
        "id": 7,
        "status": "published",
        "min_grade": 9,
        "min_age": 14,
        "is_hazardous": False,
        "hazardous_orders": "",
        "weekdays": 1,
        "start_date": START,
        "kind": "virtual",
        "worksite__is_virtual": None,
        "worksite__latitude": None,
        "worksite__longitude": None,
    }
    assert OpportunityFacts.from_row(row).is_virtual
    assert OpportunityFacts.from_row(
        {**row, "kind": "internship", "worksite__is_virtual": True}
    ).is_virtual
    assert not OpportunityFacts.from_row({**row, "kind": "internship"}).is_virtual


def test_browse_adds_what_only_a_direct_application_cares_about():
    seats = Standing(seats=2, seats_taken=2, application_status="interview")
    found = eligibility.for_browse(student(), opportunity(), seats, today=D(2027, 6, 1))
    assert [r["code"] for r in found] == ["ended", "applied", "full"]
    assert found[1]["text"] == "You have already applied (your application is interview)."
    assert found[2]["text"] == "All 2 seats are taken." and found[2]["label"] == "Seats"
    placed = Standing(seats=1, seats_taken=1, placed_here=True)
    assert [
        r["code"] for r in eligibility.for_browse(student(), opportunity(), placed, today=START)
    ] == ["placed"]
    declined = Standing(seats=1, seats_taken=0, application_status="declined")
    assert eligibility.for_browse(student(), opportunity(), declined, today=START)[0]["text"] == (
        "The partner declined your application."
    )
    withdrawn = Standing(seats=1, seats_taken=0, application_status="withdrawn")
    assert eligibility.for_browse(student(), opportunity(), withdrawn, today=START) == []


def test_browse_asks_the_schedule_only_when_nothing_stronger_closes_it():
    asked = []

    def schedule():
        asked.append(True)
        return (
            "Its schedule breaks a youth labour rule for students your age (hours on a school day)."
        )

    open_seat = Standing(seats=1, seats_taken=0)
    found = eligibility.for_browse(
        student(), opportunity(), open_seat, today=START, schedule=schedule
    )
    assert [r["code"] for r in found] == ["labour"] and asked == [True]
    eligibility.for_browse(
        student(), opportunity(status="closed"), open_seat, today=START, schedule=schedule
    )
    assert asked == [True]


def test_placement_problems_are_in_the_staffs_words_and_count_age_from_today_once_begun():
    assert eligibility.for_placement(student(), opportunity(), today=START) == []
    assert eligibility.for_placement(student(district_id=2), opportunity(), today=START) == [
        "The opportunity belongs to another district."
    ]
    problems = eligibility.for_placement(
        student(is_active=False, grade=9),
        opportunity(status="closed", status_label="Closed"),
        today=START,
    )
    assert problems == [
        "Ada Park is no longer an active student.",
        "“Lab assistant” is not open (closed).",
        "“Lab assistant” is for grade 10 and up.",
    ]
    # 15 on the first day but 16 by the time a coordinator places them in March.
    sixteen_in_march = student(birth_date=D(2011, 3, 1))
    assert eligibility.for_placement(sixteen_in_march, opportunity(), today=START) == [
        "“Lab assistant” needs students aged 16 or older."
    ]
    assert eligibility.for_placement(sixteen_in_march, opportunity(), today=D(2027, 3, 2)) == []
    assert eligibility.for_placement(student(), opportunity(), today=D(2027, 6, 1)) == [
        "“Lab assistant” ended on May 28, 2027."
    ]
