"""District calendar pages: who sees what (404 outside scope), the month grid, edits, imports."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.districts.helpers import add_standard_mappings, fixture_bytes, imported, school_year
from trellis.core.models import AuditEvent
from trellis.districts import views as district_views
from trellis.districts.models import CalendarDay, CalendarSource, DayType, DayTypeMapping
from trellis.districts.services import add_day_type_mapping

READERS = ["district_admin", "coordinator_district", "coordinator_a", "counselor_a"]
IMPORTERS = ["district_admin", "coordinator_district"]
OUTSIDERS = ["mentor_p", "partner_admin_p", "student_a_user", "guardian_a", "other_coordinator"]


def login(client, personas, name):
    client.force_login(getattr(personas, name))


def month_url(month="2027-01", **extra):
    query = "&".join([f"month={month}"] + [f"{k}={v}" for k, v in extra.items()])
    return reverse("districts:calendar", args=["maple-valley"]) + "?" + query


@pytest.fixture
def world(personas):
    imported(personas)
    return personas


# --- the month grid ---------------------------------------------------------------------------


def test_staff_of_the_district_read_the_calendar(client, world):
    for name in READERS:
        login(client, world, name)
        assert client.get(month_url()).status_code == 200, name


def test_partners_students_guardians_and_other_districts_get_404(client, world):
    for name in OUTSIDERS:
        login(client, world, name)
        assert client.get(month_url()).status_code == 404, name


def test_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.get(month_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_month_grid_is_an_accessible_table_with_day_types_and_labels(client, world):
    login(client, world, "coordinator_district")
    html = client.get(month_url("2027-01")).content.decode()
    assert "<caption data-announce>January 2027</caption>" in html
    assert html.count('<th scope="col">') == 7
    assert '<abbr title="Monday">Mon</abbr>' in html
    assert "Martin Luther King Jr. Day" in html
    assert 'datetime="2027-01-20"' in html and "out at 12:30" in html
    assert "?month=2026-12" in html and "?month=2027-02" in html


def test_district_view_lists_each_school_exception(client, world):
    login(client, world, "counselor_a")
    html = client.get(month_url("2026-10")).content.decode()
    assert "Birch High: No school (Parent-Teacher Conferences - No School)" in html


def test_school_view_shows_that_school_calendar(client, world):
    login(client, world, "coordinator_b")
    html = client.get(month_url("2026-10", school="birch")).content.decode()
    assert "<caption data-announce>October 2026 at Birch High</caption>" in html
    assert "Parent-Teacher Conferences - No School" in html


def test_counselor_reads_without_edit_links_and_coordinator_gets_them(client, world):
    login(client, world, "counselor_a")
    assert "/calendar/2027-01-18/" not in client.get(month_url()).content.decode()
    login(client, world, "coordinator_district")
    assert "/calendar/2027-01-18/" in client.get(month_url()).content.decode()


def test_a_bad_month_falls_back_to_the_current_month(client, world):
    login(client, world, "coordinator_district")
    assert client.get(month_url("not-a-month")).status_code == 200


def test_month_view_query_count_does_not_grow_with_marked_days(
    client, world, django_assert_max_num_queries
):
    login(client, world, "coordinator_district")
    client.get(month_url("2026-12"))  # warm the session
    with django_assert_max_num_queries(10):
        response = client.get(month_url("2026-12"))
    assert response.status_code == 200


def test_calendar_home_redirects_staff_and_404s_others(client, world):
    login(client, world, "coordinator_a")
    response = client.get(reverse("districts:calendar_home"))
    assert response.status_code == 302 and response["Location"].endswith(
        "/districts/maple-valley/calendar/"
    )
    login(client, world, "mentor_p")
    assert client.get(reverse("districts:calendar_home")).status_code == 404


# --- editing a day ----------------------------------------------------------------------------


def day_url(date="2027-02-12", **query):
    url = reverse("districts:calendar_day", args=["maple-valley", date])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_only_coordinators_and_admins_may_edit_a_day(client, world):
    for name in ["counselor_a", *OUTSIDERS]:
        login(client, world, name)
        assert client.get(day_url()).status_code == 404, name
        assert client.post(day_url(), {"day_type": "no_school"}).status_code == 404, name
    assert not CalendarDay.objects.filter(date=dt.date(2027, 2, 12)).exists()


def test_coordinator_marks_a_snow_day_which_is_flagged_and_audited(client, world):
    login(client, world, "coordinator_district")
    assert client.get(day_url()).status_code == 200
    response = client.post(day_url(), {"school": "", "day_type": "no_school", "label": "Snow day"})
    assert response.status_code == 302
    row = CalendarDay.objects.get(district=world.district, school=None, date=dt.date(2027, 2, 12))
    assert (row.day_type, row.label, row.manually_edited) == (DayType.NO_SCHOOL, "Snow day", True)
    assert AuditEvent.objects.filter(
        action="calendar_day.edited", actor=world.coordinator_district
    ).exists()


def test_school_coordinator_edits_only_their_own_school(client, world):
    login(client, world, "coordinator_a")
    response = client.post(
        day_url(),
        {
            "school": "alder",
            "day_type": "early_release",
            "label": "Exams",
            "early_release_time": "11:30",
        },
    )
    assert response.status_code == 302
    row = CalendarDay.objects.get(date=dt.date(2027, 2, 12))
    assert row.school == world.school_a and row.early_release_time == dt.time(11, 30)
    for school in ("birch", ""):
        response = client.post(day_url("2027-02-19"), {"school": school, "day_type": "no_school"})
        assert response.status_code == 200  # form error: not a choice for this coordinator
    assert not CalendarDay.objects.filter(date=dt.date(2027, 2, 19)).exists()


def test_early_release_needs_a_dismissal_time(client, world):
    login(client, world, "district_admin")
    response = client.post(day_url(), {"day_type": "early_release", "label": "x"})
    assert response.status_code == 200
    assert "Enter the dismissal time" in response.content.decode()


def test_a_bad_date_is_404(client, world):
    login(client, world, "district_admin")
    assert client.get(day_url("2027-02-30")).status_code == 404


# --- importing --------------------------------------------------------------------------------


def import_url():
    return reverse("districts:calendar_import", args=["maple-valley"])


def test_only_district_admins_and_district_coordinators_import(client, personas):
    for name in ["coordinator_a", "counselor_a", *OUTSIDERS]:
        login(client, personas, name)
        assert client.get(import_url()).status_code == 404, name
        upload = SimpleUploadedFile("cal.ics", fixture_bytes(), content_type="text/calendar")
        assert client.post(import_url(), {"file": upload}).status_code == 404, name
        source = CalendarSource.objects.create(
            district=personas.district, url=f"https://example.org/{name}.ics"
        )
        reimport = reverse("districts:calendar_reimport", args=["maple-valley", source.pk])
        assert client.post(reimport).status_code == 404, name
    for name in IMPORTERS:
        login(client, personas, name)
        assert client.get(import_url()).status_code == 200, name
    assert not CalendarDay.objects.exists()


def test_coordinator_uploads_the_calendar_and_sees_unmatched_events(client, personas):
    school_year(personas.district)
    add_standard_mappings(personas.district)
    login(client, personas, "coordinator_district")
    upload = SimpleUploadedFile("maple.ics", fixture_bytes(), content_type="text/calendar")
    response = client.post(import_url(), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "37 days added" in html
    assert "3 events matched no mapping" in html and "Homecoming Football Game (2026-10-02)" in html
    assert CalendarDay.objects.filter(district=personas.district).count() == 37


def test_a_malformed_upload_is_refused_with_its_line_and_nothing_changes(client, personas):
    add_standard_mappings(personas.district)
    login(client, personas, "district_admin")
    broken = fixture_bytes().replace(b"DTSTART;VALUE=DATE:20270118", b"DTSTART;VALUE=DATE:2027011")
    response = client.post(import_url(), {"file": SimpleUploadedFile("maple.ics", broken)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This was not saved" in html and "Line " in html and "DTSTART" in html
    assert not CalendarDay.objects.exists() and not CalendarSource.objects.exists()


def test_import_by_url_saves_the_source_for_reimport(client, personas, monkeypatch):
    add_standard_mappings(personas.district)
    fetched = []
    monkeypatch.setattr(
        district_views, "fetch_ics", lambda url: fetched.append(url) or fixture_bytes()
    )
    login(client, personas, "coordinator_district")
    response = client.post(import_url(), {"url": "webcal://calendar.example.org/maple.ics"})
    assert response.status_code == 200 and "37 days added" in response.content.decode()
    source = CalendarSource.objects.get()
    response = client.post(reverse("districts:calendar_reimport", args=["maple-valley", source.pk]))
    assert "37 unchanged" in response.content.decode()
    assert fetched == ["webcal://calendar.example.org/maple.ics"] * 2
    assert CalendarDay.objects.count() == 37


def test_import_form_wants_exactly_one_of_file_or_url(client, personas):
    login(client, personas, "coordinator_district")
    assert "one of the two" in client.post(import_url(), {}).content.decode()
    upload = SimpleUploadedFile("maple.ics", fixture_bytes())
    both = client.post(import_url(), {"file": upload, "url": "https://example.org/x.ics"})
    assert "one of the two" in both.content.decode()
    assert (
        "Choose an .ics"
        in client.post(
            import_url(), {"file": SimpleUploadedFile("x.pdf", b"%PDF")}
        ).content.decode()
    )
    assert "https://" in client.post(import_url(), {"url": "file:///etc/passwd"}).content.decode()


def test_reimport_of_another_district_source_is_404(client, personas):
    other = CalendarSource.objects.create(
        district=personas.other_district, url="https://example.org/o.ics"
    )
    login(client, personas, "coordinator_district")
    assert (
        client.post(
            reverse("districts:calendar_reimport", args=["maple-valley", other.pk])
        ).status_code
        == 404
    )


def test_import_page_source_list_query_count(client, personas, django_assert_max_num_queries):
    for i in range(30):
        CalendarSource.objects.create(district=personas.district, uploaded_name=f"cal-{i}.ics")
    login(client, personas, "coordinator_district")
    with django_assert_max_num_queries(8):
        response = client.get(import_url())
    assert response.status_code == 200 and "cal-29.ics" in response.content.decode()


# --- mappings ---------------------------------------------------------------------------------


def mappings_url():
    return reverse("districts:mappings", args=["maple-valley"])


def test_mappings_page_is_404_for_everyone_but_importers(client, personas):
    mapping = DayTypeMapping.objects.create(
        district=personas.district, match_field="category", pattern="Keep", day_type="no_school"
    )
    delete = reverse("districts:mapping_delete", args=["maple-valley", mapping.pk])
    for name in ["coordinator_a", "counselor_a", *OUTSIDERS]:
        login(client, personas, name)
        assert client.get(mappings_url()).status_code == 404, name
        data = {"match_field": "category", "pattern": "X", "day_type": "no_school"}
        assert client.post(mappings_url(), data).status_code == 404, name
        assert client.post(delete).status_code == 404, name
    assert list(DayTypeMapping.objects.all()) == [mapping]


def test_coordinator_adds_and_removes_a_mapping(client, personas):
    login(client, personas, "coordinator_district")
    response = client.post(
        mappings_url(), {"match_field": "category", "pattern": "Snow Day", "day_type": "no_school"}
    )
    assert response.status_code == 302
    mapping = DayTypeMapping.objects.get(district=personas.district)
    duplicate = client.post(
        mappings_url(), {"match_field": "category", "pattern": "snow day", "day_type": "school_day"}
    )
    assert "already exists" in duplicate.content.decode()
    response = client.post(reverse("districts:mapping_delete", args=["maple-valley", mapping.pk]))
    assert response.status_code == 302 and not DayTypeMapping.objects.exists()
    events = AuditEvent.objects.filter(target_type="districts.daytypemapping").order_by("id")
    assert [(e.action, e.actor, e.district) for e in events] == [
        ("day_type_mapping.added", personas.coordinator_district, personas.district),
        ("day_type_mapping.removed", personas.coordinator_district, personas.district),
    ]
    assert events[0].data == {
        "match_field": "category",
        "pattern": "Snow Day",
        "day_type": "no_school",
        "early_release_time": "",
    }


def test_mapping_services_refuse_a_school_coordinator(personas):
    with pytest.raises(PermissionDenied, match="calendar importers"):
        add_day_type_mapping(
            district=personas.district,
            match_field="category",
            pattern="Snow Day",
            day_type="no_school",
            actor=personas.coordinator_a,
        )
    assert not DayTypeMapping.objects.exists()
    assert not AuditEvent.objects.filter(action="day_type_mapping.added").exists()


def test_mapping_of_another_district_cannot_be_deleted(client, personas):
    other = DayTypeMapping.objects.create(
        district=personas.other_district, match_field="category", pattern="X", day_type="no_school"
    )
    login(client, personas, "district_admin")
    assert (
        client.post(
            reverse("districts:mapping_delete", args=["maple-valley", other.pk])
        ).status_code
        == 404
    )
    assert DayTypeMapping.objects.filter(pk=other.pk).exists()


def test_mappings_page_shows_last_unmatched_events_with_flat_query_count(
    client, world, django_assert_max_num_queries
):
    for i in range(40):
        DayTypeMapping.objects.create(
            district=world.district,
            match_field="summary_contains",
            pattern=f"word {i}",
            day_type="no_school",
        )
    login(client, world, "coordinator_district")
    with django_assert_max_num_queries(8):
        response = client.get(mappings_url())
    html = response.content.decode()
    assert "Picture Day (2026-09-17)" in html and "word 1" in html


def test_htmx_month_navigation_returns_only_the_grid(client, world):
    login(client, world, "coordinator_district")
    response = client.get(
        month_url("2027-02"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="calendar-grid"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<caption data-announce>February 2027</caption>" in html
    assert "<h1>" not in html and "<html" not in html
    assert "HX-Target" in response["Vary"]
