"""Importing the district calendar from ICS: mapping, breaks, recurrences, schools, re-import."""

import datetime as dt

import pytest

from tests.districts.helpers import add_standard_mappings, fixture_bytes, imported, school_year
from trellis.core.models import AuditEvent
from trellis.districts.models import CalendarDay, CalendarSource, DayType
from trellis.districts.services import CalendarImportError, import_calendar, set_calendar_day


def days(district, **filters):
    return {row.date: row for row in CalendarDay.objects.filter(district=district, **filters)}


def test_import_marks_holidays_breaks_and_early_releases_from_the_fixture(personas):
    summary = imported(personas)
    district_days = days(personas.district, school__isnull=True)
    assert summary.created == 37
    assert (summary.updated, summary.unchanged, summary.removed) == (0, 0, 0)
    assert district_days[dt.date(2026, 9, 7)].day_type == DayType.NO_SCHOOL  # Labor Day
    assert district_days[dt.date(2027, 1, 18)].label == "Martin Luther King Jr. Day"


def test_thanksgiving_break_covers_wednesday_to_friday_with_exclusive_dtend(personas):
    imported(personas)
    district_days = days(personas.district, school__isnull=True)
    for day in (25, 26, 27):
        assert district_days[dt.date(2026, 11, day)].day_type == DayType.NO_SCHOOL
    assert dt.date(2026, 11, 24) not in district_days
    assert dt.date(2026, 11, 28) not in district_days


def test_winter_break_is_one_multi_day_event_from_22_december_to_2_january(personas):
    imported(personas)
    district_days = days(personas.district, school__isnull=True)
    first, last = dt.date(2026, 12, 22), dt.date(2027, 1, 2)
    span = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    assert all(district_days[d].day_type == DayType.NO_SCHOOL for d in span)
    assert {district_days[d].source_uid for d in span} == {
        "winter-break-2026@maplevalley.k12.example"
    }
    assert dt.date(2027, 1, 3) not in district_days


def test_monthly_early_release_follows_rrule_and_skips_its_exdate(personas):
    imported(personas)
    early = {
        d: row
        for d, row in days(personas.district, school__isnull=True).items()
        if row.day_type == DayType.EARLY_RELEASE
        and row.source_uid.startswith("early-release-monthly")
    }
    assert sorted(early) == [
        dt.date(2026, 9, 16),
        dt.date(2026, 10, 21),
        dt.date(2026, 11, 18),
        dt.date(2027, 1, 20),
        dt.date(2027, 2, 17),
        dt.date(2027, 3, 17),
        dt.date(2027, 4, 21),
        dt.date(2027, 5, 19),
    ]
    assert dt.date(2026, 12, 16) not in early  # the EXDATE
    assert all(row.early_release_time == dt.time(12, 30) for row in early.values())  # from DTSTART


def test_all_day_early_release_takes_the_mapping_dismissal_time(personas):
    imported(personas)
    last_day = days(personas.district, school__isnull=True)[dt.date(2027, 6, 11)]
    assert last_day.day_type == DayType.EARLY_RELEASE
    assert last_day.early_release_time == dt.time(13, 0)  # title mapping "early release"


def test_events_naming_a_school_apply_to_that_school_only(personas):
    imported(personas)
    birch = days(personas.district, school=personas.school_b)
    alder = days(personas.district, school=personas.school_a)
    assert birch[dt.date(2026, 10, 23)].day_type == DayType.NO_SCHOOL  # LOCATION: Birch High School
    assert alder[dt.date(2027, 2, 5)].day_type == DayType.EARLY_RELEASE  # CATEGORIES: Alder
    assert dt.date(2026, 10, 23) not in days(personas.district, school__isnull=True)
    assert len(birch) == 1 and len(alder) == 1


def test_events_matching_no_mapping_are_reported_not_dropped_silently(personas):
    summary = imported(personas)
    assert summary.unmatched == [
        "First Day of School (2026-08-24)",
        "Picture Day (2026-09-17)",
        "Homecoming Football Game (2026-10-02)",
    ]
    assert summary.unmatched_message.startswith("3 events matched no mapping: First Day of School")
    source = CalendarSource.objects.get(district=personas.district)
    assert source.last_result["unmatched"] == summary.unmatched


def test_reimport_updates_in_place_and_never_duplicates(personas):
    imported(personas)
    count = CalendarDay.objects.count()
    again = import_calendar(
        district=personas.district,
        ics_bytes=fixture_bytes(),
        actor=None,
        source_label="maple_valley_2026_27.ics",
    )
    assert CalendarDay.objects.count() == count
    assert (again.created, again.updated, again.removed, again.unchanged) == (0, 0, 0, 37)
    assert CalendarSource.objects.filter(district=personas.district).count() == 1


def test_reimport_applies_changed_events_and_removes_dropped_ones(personas):
    imported(personas)
    changed = (
        fixture_bytes()
        .replace(b"SUMMARY:Martin Luther King Jr. Day", b"SUMMARY:MLK Day of Service")
        .replace(
            b"DTSTART;VALUE=DATE:20270329\r\nDTEND;VALUE=DATE:20270403",
            b"DTSTART;VALUE=DATE:20270405\r\nDTEND;VALUE=DATE:20270410",
        )
    )
    summary = import_calendar(
        district=personas.district,
        ics_bytes=changed,
        actor=None,
        source_label="maple_valley_2026_27.ics",
    )
    district_days = days(personas.district, school__isnull=True)
    assert district_days[dt.date(2027, 1, 18)].label == "MLK Day of Service"
    assert dt.date(2027, 3, 29) not in district_days
    assert district_days[dt.date(2027, 4, 5)].label == "Spring Break"
    assert (summary.created, summary.removed, summary.updated) == (5, 5, 1)


def test_reimport_keeps_manually_edited_days(personas):
    imported(personas)
    set_calendar_day(
        district=personas.district,
        date=dt.date(2026, 11, 25),
        actor=personas.coordinator_district,
        day_type=DayType.SCHOOL_DAY,
        label="Make-up day (snow)",
    )
    summary = import_calendar(
        district=personas.district,
        ics_bytes=fixture_bytes(),
        actor=None,
        source_label="maple_valley_2026_27.ics",
    )
    row = CalendarDay.objects.get(
        district=personas.district, school=None, date=dt.date(2026, 11, 25)
    )
    assert row.day_type == DayType.SCHOOL_DAY and row.manually_edited
    assert summary.kept_manual == 1


def test_manual_row_survives_even_when_its_event_disappears(personas):
    imported(personas)
    set_calendar_day(
        district=personas.district,
        date=dt.date(2027, 1, 18),
        actor=None,
        day_type=DayType.NO_SCHOOL,
        label="MLK",
    )
    without_mlk = (
        fixture_bytes()
        .replace(b"UID:mlk-2027@", b"UID:mlk-renamed@")
        .replace(
            b"DTSTART;VALUE=DATE:20270118\r\nDTEND;VALUE=DATE:20270119",
            b"DTSTART;VALUE=DATE:20270119\r\nDTEND;VALUE=DATE:20270120",
        )
    )
    import_calendar(
        district=personas.district,
        ics_bytes=without_mlk,
        actor=None,
        source_label="maple_valley_2026_27.ics",
    )
    assert (
        CalendarDay.objects.get(
            district=personas.district, school=None, date=dt.date(2027, 1, 18)
        ).label
        == "MLK"
    )


def test_import_writes_an_audit_event(personas):
    imported(personas)
    event = AuditEvent.objects.get(action="calendar.imported")
    assert event.district == personas.district
    assert event.actor == personas.coordinator_district
    assert event.data["created"] == 37 and event.data["unmatched_count"] == 3


def test_import_without_mappings_reports_every_event_unmatched(personas):
    school_year(personas.district)
    summary = import_calendar(
        district=personas.district, ics_bytes=fixture_bytes(), actor=None, source_label="x.ics"
    )
    assert summary.created == 0
    assert len(summary.unmatched) == summary.events == 16


MALFORMED = {
    "bad date": (
        b"DTSTART;VALUE=DATE:20261012\r\nDTEND;VALUE=DATE:20261013",
        b"DTSTART;VALUE=DATE:2026-10-12\r\nDTEND;VALUE=DATE:20261013",
        "DTSTART",
    ),
    "bad rrule": (b"RRULE:FREQ=MONTHLY;BYDAY=3WE;", b"RRULE:FREQ=SOMETIMES;BYDAY=3WE;", "RRULE"),
    "garbage line": (
        b"SUMMARY:Picture Day\r\n",
        b"SUMMARY:Picture Day\r\nthis line is not iCalendar\r\n",
        "this line is not iCalendar",
    ),
    "end before start": (
        b"DTSTART;VALUE=DATE:20270329\r\nDTEND;VALUE=DATE:20270403",
        b"DTSTART;VALUE=DATE:20270329\r\nDTEND;VALUE=DATE:20270320",
        "before DTSTART",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_is_refused_with_the_line_and_changes_nothing(personas, case):
    imported(personas)
    before = list(CalendarDay.objects.order_by("pk").values_list("pk", "day_type", "label"))
    old, new, needle = MALFORMED[case]
    source = fixture_bytes()
    assert old in source
    with pytest.raises(CalendarImportError) as refused:
        import_calendar(
            district=personas.district,
            ics_bytes=source.replace(old, new),
            actor=None,
            source_label="x.ics",
        )
    assert needle in str(refused.value)
    assert "Line " in str(refused.value)
    assert list(CalendarDay.objects.order_by("pk").values_list("pk", "day_type", "label")) == before
    assert not CalendarSource.objects.filter(uploaded_name="x.ics").exists()


def test_line_number_points_at_the_bad_property(personas):
    add_standard_mappings(personas.district)
    source = fixture_bytes().replace(
        b"DTSTART;VALUE=DATE:20261012", b"DTSTART;VALUE=DATE:2026-10-12"
    )
    expected = source.decode().split("\r\n").index("DTSTART;VALUE=DATE:2026-10-12") + 1
    with pytest.raises(CalendarImportError) as refused:
        import_calendar(
            district=personas.district, ics_bytes=source, actor=None, source_label="x.ics"
        )
    assert f"Line {expected} " in refused.value.problems[0]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"hello, this is a spreadsheet", "must start with BEGIN:VCALENDAR"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n", "no components"),
    ],
)
def test_files_that_are_not_calendars_are_refused(personas, content, message):
    with pytest.raises(CalendarImportError) as refused:
        import_calendar(
            district=personas.district, ics_bytes=content, actor=None, source_label="x.ics"
        )
    assert message in str(refused.value)
    assert not CalendarDay.objects.exists()


def test_event_without_dtstart_is_refused(personas):
    content = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:Nothing\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    with pytest.raises(CalendarImportError) as refused:
        import_calendar(
            district=personas.district, ics_bytes=content, actor=None, source_label="x.ics"
        )
    assert "Line 5" in str(refused.value) and "no DTSTART" in str(refused.value)


def test_manual_edit_is_flagged_and_audited(personas):
    row = set_calendar_day(
        district=personas.district,
        date=dt.date(2027, 2, 12),
        actor=personas.coordinator_a,
        school=personas.school_a,
        day_type=DayType.EARLY_RELEASE,
        label="Snow: early dismissal",
        early_release_time=dt.time(11, 0),
    )
    assert row.manually_edited and row.school == personas.school_a
    event = AuditEvent.objects.get(action="calendar_day.edited")
    assert event.data["after"]["day_type"] == "early_release" and event.data["school"] == "alder"
    assert event.data["before"] is None


@pytest.mark.parametrize("stamp", [b"99991231", b"00010101", b"20260901\r\nRRULE:FREQ=DAILY;UNTIL=99991231"])
def test_a_date_at_the_edge_of_the_calendar_is_refused_not_a_500(personas, stamp):
    """Issue 15 point 4: DTSTART;VALUE=DATE:99991231 raised OverflowError in the expansion."""
    add_standard_mappings(personas.district)
    source = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:edge@x\r\n"
        b"DTSTAMP:20260101T000000Z\r\nSUMMARY:No School\r\nDTSTART;VALUE=DATE:" + stamp + b"\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(CalendarImportError) as refused:
        import_calendar(district=personas.district, ics_bytes=source, actor=None, source_label="x.ics")
    assert "outside the years 1900–2199" in str(refused.value)
    assert not CalendarDay.objects.filter(district=personas.district).exists()


def test_an_edge_date_upload_answers_with_the_problem_not_a_500(client, personas):
    add_standard_mappings(personas.district)
    source = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:edge@x\r\n"
        b"DTSTAMP:20260101T000000Z\r\nSUMMARY:No School\r\nDTSTART;VALUE=DATE:99991231\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(personas.district_admin)
    url = reverse("districts:calendar_import", args=[personas.district.slug])
    response = client.post(url, {"file": SimpleUploadedFile("edge.ics", source, "text/calendar")})
    assert response.status_code == 200
    assert "outside the years" in response.content.decode()
