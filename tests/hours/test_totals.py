"""The reports' roll-up of approved hours per placement and school year stays equal to the logs.

Every path that can change approved hours (the hours services, the e-mailed link, the Django
admin, a change to the school years, the demo seed, the migration that fills the table for
existing data) is driven here, and after each the roll-up is compared with a count made in
Python from the logs themselves.
"""

import datetime as dt
import io
import types
from collections import defaultdict
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from tests import factories as f
from tests.hours.hours_helpers import MONDAY, current, log
from trellis.districts.models import SchoolYear
from trellis.hours import services, totals
from trellis.hours.models import ApprovedHoursByYear, HourLog

LAST_YEAR_START = dt.date(2025, 8, 25)
THIS_YEAR_START = dt.date(2026, 8, 24)


def expected(district) -> dict:
    """{(placement id, school year name): approved hours}, counted in Python from the logs."""
    years = sorted(SchoolYear.objects.filter(district=district), key=lambda y: y.start_date)
    sums = defaultdict(Decimal)
    for entry in HourLog.objects.filter(placement__district=district, status="approved"):
        year = next((y for y in reversed(years) if y.start_date <= entry.date), None)
        if year is not None:
            sums[(entry.placement_id, year.name)] += entry.hours
    return dict(sums)


def rolled_up(district) -> dict:
    return {
        (row.placement_id, row.school_year.name): row.hours
        for row in ApprovedHoursByYear.objects.filter(placement__district=district).select_related(
            "school_year"
        )
    }


@pytest.fixture
def world(personas):
    """Ava and Ben placed from the summer of 2026 on, across two school years."""
    f.SchoolYearFactory(
        district=personas.district,
        name="2025–26",
        start_date=LAST_YEAR_START,
        end_date=dt.date(2026, 6, 12),
    )
    f.SchoolYearFactory(district=personas.district, start_date=THIS_YEAR_START)
    current(personas.placement_a, start=dt.date(2026, 7, 1))
    current(personas.placement_b, start=dt.date(2026, 7, 1))
    return personas


def test_hours_count_to_the_school_year_of_the_day_worked(world):
    summer = log(world.placement_a, day=dt.date(2026, 8, 20), status="approved")  # 3 h, 2025–26
    log(world.placement_a, day=MONDAY, status="approved")  # 3 h, 2026–27
    log(world.placement_a, day=MONDAY + dt.timedelta(days=1))  # submitted: not counted
    log(world.placement_b, day=dt.date(2025, 6, 2), status="approved")  # before any year
    assert rolled_up(world.district) == {
        (world.placement_a.pk, "2025–26"): Decimal("3.00"),
        (world.placement_a.pk, "2026–27"): Decimal("3.00"),
    }
    assert rolled_up(world.district) == expected(world.district)
    assert summer.hours == Decimal("3.00")


def test_approving_in_bulk_and_by_link_counts_the_new_hours(
    world, django_capture_on_commit_callbacks
):
    first = [log(world.placement_a, day=MONDAY + dt.timedelta(days=i)) for i in range(3)]
    services.approve_hour_logs(logs=first[:2], actor=world.mentor_p)
    assert rolled_up(world.district) == {(world.placement_a.pk, "2026–27"): Decimal("6.00")}

    with django_capture_on_commit_callbacks(execute=True):
        link = services.send_approval_request(mentor=world.mentor_p_record, logs=[first[2]])
    services.decide_by_link(link=link, returns={}, ip_address="203.0.113.9")
    assert rolled_up(world.district) == {(world.placement_a.pk, "2026–27"): Decimal("9.00")}
    assert rolled_up(world.district) == expected(world.district)


def test_returning_a_log_leaves_the_approved_hours_alone(world):
    kept = log(world.placement_a, status="approved")
    sent_back = log(world.placement_a, day=MONDAY + dt.timedelta(days=1))
    services.return_hour_log(log=sent_back, actor=world.mentor_p, comment="Add what you did.")
    assert rolled_up(world.district) == {(world.placement_a.pk, "2026–27"): kept.hours}


def test_a_coordinator_correction_moves_hours_between_years_and_changes_the_sum(world):
    entry = log(world.placement_a, status="approved")
    services.update_hour_log(
        log=entry,
        actor=world.coordinator_district,
        date=dt.date(2026, 8, 3),  # a summer day: the year before
        start_time=dt.time(9, 0),
        end_time=dt.time(10, 30),
        description="Corrected: one and a half hours in August.",
    )
    assert rolled_up(world.district) == {(world.placement_a.pk, "2025–26"): Decimal("1.50")}
    assert rolled_up(world.district) == expected(world.district)


def test_a_student_deleting_a_submitted_log_changes_nothing(world):
    log(world.placement_a, status="approved")
    pending = log(world.placement_a, day=MONDAY + dt.timedelta(days=1))
    before = rolled_up(world.district)
    services.delete_hour_log(log=pending, actor=world.student_a_user)
    assert rolled_up(world.district) == before == expected(world.district)


def test_editing_and_deleting_logs_in_the_admin_recounts(district_admin_client, world):
    entry = log(world.placement_a, status="approved")
    other = log(world.placement_a, day=MONDAY + dt.timedelta(days=1), status="approved")
    url = reverse("admin:hours_hourlog_change", args=[entry.pk])
    form = district_admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        placement=world.placement_a.pk,
        date="2026-10-05",
        start_time="09:00",
        end_time="10:00",
        hours="1.00",
        status="approved",
        labour_flags="[]",
        decided_at_0="",
        decided_at_1="",
    )
    data.pop("approver", None)
    data.pop("session", None)
    response = district_admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert rolled_up(world.district) == {(world.placement_a.pk, "2026–27"): Decimal("4.00")}

    response = district_admin_client.post(
        reverse("admin:hours_hourlog_delete", args=[other.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert rolled_up(world.district) == {(world.placement_a.pk, "2026–27"): Decimal("1.00")}
    assert rolled_up(world.district) == expected(world.district)

    # Moved to Ben's placement: both placements are recounted.
    data.update(placement=world.placement_b.pk)
    response = district_admin_client.post(
        reverse("admin:hours_hourlog_change", args=[entry.pk]), {**data, "hours": "3.00"}
    )
    assert response.status_code == 302
    assert rolled_up(world.district) == {(world.placement_b.pk, "2026–27"): Decimal("3.00")}


def test_a_new_school_year_in_the_admin_refiles_the_hours_after_its_start(
    district_admin_client, world
):
    log(world.placement_a, day=dt.date(2027, 8, 30), status="approved")
    # Before 2027–28 exists, a day in August 2027 is still part of 2026–27.
    assert rolled_up(world.district) == {(world.placement_a.pk, "2026–27"): Decimal("3.00")}
    response = district_admin_client.post(
        reverse("admin:districts_schoolyear_add"),
        {
            "district": world.district.pk,
            "name": "2027–28",
            "start_date": "2027-08-23",
            "end_date": "2028-06-09",
            "terms-TOTAL_FORMS": "0",
            "terms-INITIAL_FORMS": "0",
            "terms-MIN_NUM_FORMS": "0",
            "terms-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    assert rolled_up(world.district) == {(world.placement_a.pk, "2027–28"): Decimal("3.00")}

    year = SchoolYear.objects.get(district=world.district, name="2027–28")
    response = district_admin_client.post(
        reverse("admin:districts_schoolyear_delete", args=[year.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert rolled_up(world.district) == {(world.placement_a.pk, "2026–27"): Decimal("3.00")}


def test_the_roll_up_is_shown_in_the_admin_but_cannot_be_edited(district_admin_client, world):
    log(world.placement_a, status="approved")
    row = ApprovedHoursByYear.objects.get()
    page = district_admin_client.get(reverse("admin:hours_approvedhoursbyyear_changelist"))
    assert page.status_code == 200 and row in page.context["cl"].result_list
    response = district_admin_client.post(
        reverse("admin:hours_approvedhoursbyyear_change", args=[row.pk]), {"hours": "99"}
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.hours == Decimal("3.00")


def test_scope_school_coordinators_see_only_their_schools_rows(world):
    log(world.placement_a, status="approved")  # Ava, Alder High
    log(world.placement_b, status="approved")  # Ben, Birch High
    mine = ApprovedHoursByYear.objects.for_user(world.coordinator_a)
    assert {row.placement_id for row in mine} == {world.placement_a.pk}
    assert not ApprovedHoursByYear.objects.for_user(world.other_coordinator).exists()
    partner = ApprovedHoursByYear.objects.for_user(world.partner_admin_p)
    assert {row.placement_id for row in partner} == {world.placement_a.pk}


def test_recounting_a_district_rebuilds_it_from_the_logs(world):
    log(world.placement_a, status="approved")
    log(world.placement_b, day=dt.date(2026, 8, 10), status="approved")
    ApprovedHoursByYear.objects.update(hours=Decimal("0.01"))  # drifted
    totals.recount_district(world.district)
    assert rolled_up(world.district) == expected(world.district) != {}


def test_the_migration_fills_the_table_for_logs_that_already_exist(world):
    log(world.placement_a, status="approved")
    log(world.placement_b, day=dt.date(2026, 8, 10), status="approved")
    wanted = expected(world.district)
    ApprovedHoursByYear.objects.all().delete()
    migration = __import__(
        "trellis.hours.migrations.0004_approved_hours_by_year", fromlist=["count_existing_hours"]
    )
    migration.count_existing_hours(apps, types.SimpleNamespace(connection=connection))
    assert rolled_up(world.district) == wanted != {}


def test_the_recount_command_repairs_a_drifted_district_and_names_an_unknown_one(world):
    log(world.placement_a, status="approved")
    ApprovedHoursByYear.objects.all().delete()
    out = io.StringIO()
    call_command("recount_approved_hours", "--district", "maple-valley", stdout=out)
    assert "maple-valley: 1 placement-year row(s) counted." in out.getvalue()
    assert rolled_up(world.district) == expected(world.district) != {}
    with pytest.raises(CommandError, match="No district with slug 'atlantis'"):
        call_command("recount_approved_hours", "--district", "atlantis")


@pytest.mark.django_db(transaction=True)
def test_two_recounts_of_one_placement_at_once_take_turns(fresh_personas):
    """On PostgreSQL two approvals of one placement's hours can overlap; the second waits for
    the first (the placement row is locked) instead of inserting a duplicate roll-up row."""
    personas = fresh_personas  # a transactional test builds its own world
    if not connection.features.has_select_for_update:
        pytest.skip("SQLite runs one writer at a time; the PostgreSQL run of the suite covers this")
    import threading

    from django.db import connections, transaction

    f.SchoolYearFactory(district=personas.district, start_date=THIS_YEAR_START)
    current(personas.placement_a, start=dt.date(2026, 7, 1))
    held = log(personas.placement_a, status="approved")
    pending = log(personas.placement_a, day=MONDAY + dt.timedelta(days=1))
    first_in, release, errors = threading.Event(), threading.Event(), []

    def first():
        try:
            with transaction.atomic():
                totals.recount_placements([held.placement_id])
                first_in.set()
                release.wait(10)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            connections.close_all()

    def second():
        try:
            first_in.wait(10)
            services.approve_hour_logs(
                logs=[HourLog.objects.get(pk=pending.pk)], actor=personas.mentor_p
            )
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_in.wait(10)
    threading.Timer(0.5, release.set).start()  # the second is blocked on the lock meanwhile
    for thread in threads:
        thread.join(20)
    assert errors == []
    assert rolled_up(personas.district) == {(personas.placement_a.pk, "2026–27"): Decimal("6.00")}
