"""Payroll per pay period, pay period CRUD, program budgets; each page's scope and query count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests import factories as f
from tests.hours.hours_helpers import MONDAY, current, log, paid
from trellis.core.models import AuditEvent
from trellis.hours import pay_services
from trellis.hours.models import HourLog, PayPeriod, ProgramBudget
from trellis.hours.pay import budget_report, payroll_for
from trellis.placements.models import Placement

APPROVED = HourLog.Status.APPROVED


@pytest.fixture
def world(personas):
    current(personas.placement_a)
    current(personas.placement_b)
    paid(personas.opportunity_p, "8.50")
    paid(personas.opportunity_q, "12.00")
    return personas


@pytest.fixture
def period(world):
    return PayPeriod.objects.create(
        district=world.district,
        name="October 1–15",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 10, 15),
    )


def test_payroll_is_approved_hours_in_the_period_times_the_rate(world, period):
    log(world.placement_a, day=MONDAY, start=(9, 0), end=(12, 0), status=APPROVED)  # 3 h
    log(
        world.placement_a,
        day=MONDAY + dt.timedelta(days=1),
        start=(9, 0),
        end=(10, 30),
        status=APPROVED,
    )  # 1.5 h
    log(
        world.placement_a, day=MONDAY + dt.timedelta(days=2), status=HourLog.Status.SUBMITTED
    )  # not yet approved
    log(world.placement_a, day=dt.date(2026, 10, 16), status=APPROVED)  # next period
    log(world.placement_b, day=MONDAY, start=(13, 0), end=(15, 0), status=APPROVED)  # 2 h at 12.00
    payroll = payroll_for(period, world.coordinator_district)
    rows = {r.student.last_name: r for r in payroll.rows}
    assert rows["Alder"].hours == Decimal("4.50") and rows["Alder"].amount == Decimal("38.25")
    assert rows["Birch"].hours == Decimal("2.00") and rows["Birch"].amount == Decimal("24.00")
    assert payroll.total_hours == Decimal("6.50")
    assert payroll.total_amount == Decimal("62.25")


def test_unpaid_placements_are_not_on_the_payroll(world, period):
    world.opportunity_q.is_paid = False
    world.opportunity_q.hourly_rate = None
    world.opportunity_q.save()
    log(world.placement_b, status=APPROVED)
    assert payroll_for(period, world.coordinator_district).rows == []


def test_school_coordinator_payroll_lists_only_their_school(world, period):
    log(world.placement_a, status=APPROVED)
    log(world.placement_b, status=APPROVED)
    assert [r.student for r in payroll_for(period, world.coordinator_a).rows] == [world.student_a]
    assert [r.student for r in payroll_for(period, world.coordinator_b).rows] == [world.student_b]


@pytest.mark.parametrize(
    "persona, status",
    [
        ("coordinator_district", 200),
        ("district_admin", 200),
        ("coordinator_a", 200),
        ("counselor_a", 404),
        ("mentor_p", 404),
        ("partner_admin_p", 404),
        ("student_a_user", 404),
        ("guardian_a", 404),
        ("other_coordinator", 404),
    ],
)
def test_payroll_page_scope(client, world, period, persona, status):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("hours:payroll", args=[period.pk])).status_code == status
    listing = client.get(reverse("hours:pay_periods"))
    if (
        persona == "other_coordinator"
    ):  # a coordinator elsewhere sees their own district's list only
        assert list(listing.context["page_obj"]) == []
    else:
        assert listing.status_code == status


def test_payroll_page_query_count_does_not_grow(
    client, world, period, django_assert_max_num_queries
):
    log(world.placement_a, status=APPROVED)
    client.force_login(world.coordinator_district)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("hours:payroll", args=[period.pk]))
    for _ in range(15):
        placement = current(
            f.PlacementFactory(opportunity=world.opportunity_p, student__school=world.school_a)
        )
        log(placement, status=APPROVED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("hours:payroll", args=[period.pk]))
    assert len(response.context["payroll"].rows) == 16
    assert response.context["payroll"].total_amount == Decimal(
        "408.00"
    )  # 16 students × 3 h × $8.50
    assert "$408.00" in response.content.decode()


# --- pay periods -----------------------------------------------------------------------------


def test_district_coordinator_adds_edits_and_deletes_a_pay_period(client, world):
    client.force_login(world.coordinator_district)
    response = client.post(
        reverse("hours:pay_periods"),
        {"name": "November", "start_date": "2026-11-01", "end_date": "2026-11-30"},
    )
    assert response.status_code == 302
    period = PayPeriod.objects.get()
    assert period.district == world.district
    edit = reverse("hours:pay_period_edit", args=[period.pk])
    assert client.get(edit).status_code == 200
    client.post(
        edit, {"name": "November 2026", "start_date": "2026-11-01", "end_date": "2026-11-29"}
    )
    period.refresh_from_db()
    assert (period.name, period.end_date) == ("November 2026", dt.date(2026, 11, 29))
    assert client.post(reverse("hours:pay_period_delete", args=[period.pk])).status_code == 302
    assert not PayPeriod.objects.exists()
    events = AuditEvent.objects.filter(target_type="hours.payperiod", target_id=str(period.pk))
    created, updated, deleted = events.order_by("created_at", "id")
    assert [e.action for e in (created, updated, deleted)] == [
        "pay_period.created",
        "pay_period.updated",
        "pay_period.deleted",
    ]
    assert {e.actor for e in events} == {world.coordinator_district}
    assert all(e.district == world.district for e in events)
    assert created.data == {"name": "November", "start_date": "2026-11-01", "end_date": "2026-11-30"}
    assert updated.data["changes"] == {
        "name": {"old": "November", "new": "November 2026"},
        "end_date": {"old": "2026-11-30", "new": "2026-11-29"},
    }
    assert deleted.data["name"] == "November 2026"


def test_pay_period_services_refuse_a_school_coordinator_and_write_nothing(world, period):
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied, match="district-wide coordinators"):
        pay_services.create_pay_period(
            district=world.district,
            name="X",
            start_date=dt.date(2026, 12, 1),
            end_date=dt.date(2026, 12, 2),
            actor=world.coordinator_a,
        )
    with pytest.raises(PermissionDenied):
        pay_services.delete_pay_period(period=period, actor=world.coordinator_a)
    assert PayPeriod.objects.count() == 1 and AuditEvent.objects.count() == before


def test_overlapping_or_reversed_pay_periods_are_refused(client, world, period):
    client.force_login(world.coordinator_district)
    response = client.post(
        reverse("hours:pay_periods"),
        {"name": "Clash", "start_date": "2026-10-15", "end_date": "2026-10-31"},
    )
    assert response.status_code == 200 and "overlaps" in response.content.decode()
    response = client.post(
        reverse("hours:pay_periods"),
        {"name": "Backwards", "start_date": "2026-11-30", "end_date": "2026-11-01"},
    )
    assert response.status_code == 200
    assert PayPeriod.objects.count() == 1


def test_school_coordinator_sees_pay_periods_but_cannot_change_them(client, world, period):
    client.force_login(world.coordinator_a)
    assert client.get(reverse("hours:pay_periods")).context["form"] is None
    assert (
        client.post(
            reverse("hours:pay_periods"),
            {"name": "X", "start_date": "2026-12-01", "end_date": "2026-12-02"},
        ).status_code
        == 403
    )
    assert client.get(reverse("hours:pay_period_edit", args=[period.pk])).status_code == 403
    assert client.post(reverse("hours:pay_period_delete", args=[period.pk])).status_code == 403


def test_other_district_cannot_reach_a_pay_period(client, world, period):
    client.force_login(world.other_coordinator)
    for name in ("hours:payroll", "hours:pay_period_edit", "hours:pay_period_delete"):
        assert client.get(reverse(name, args=[period.pk])).status_code == 404


def test_pay_period_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.coordinator_district)
    PayPeriod.objects.create(
        district=world.district,
        name="P0",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 1, 7),
    )
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("hours:pay_periods"))
    for i in range(1, 20):
        start = dt.date(2026, 1, 1) + dt.timedelta(days=8 * i)
        PayPeriod.objects.create(
            district=world.district,
            name=f"P{i}",
            start_date=start,
            end_date=start + dt.timedelta(days=6),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("hours:pay_periods")).status_code == 200


# --- budgets ---------------------------------------------------------------------------------


@pytest.fixture
def budget(world):
    year = f.SchoolYearFactory(district=world.district)
    item = ProgramBudget.objects.create(
        district=world.district, school_year=year, name="Summer interns", amount=Decimal("1000")
    )
    item.opportunities.set([world.opportunity_p, world.opportunity_q])
    return item


def test_budget_report_plans_from_sessions_or_target_and_counts_spend(world, budget):
    world.opportunity_p.target_hours = Decimal("100")
    world.opportunity_p.save()
    # Ava: no sessions → target 100 h × 8.50 = 850 planned; 10 h approved = 85 spent.
    log(world.placement_a, start=(8, 0), end=(18, 0), status=APPROVED)
    log(world.placement_a, day=MONDAY + dt.timedelta(days=1), status=HourLog.Status.SUBMITTED)
    # Ben: two sessions of 5 h → 10 h × 12.00 = 120 planned; 2 h approved = 24 spent.
    for i in range(2):
        f.SessionFactory(
            placement=world.placement_b,
            date=MONDAY + dt.timedelta(days=i),
            planned_hours=Decimal("5"),
        )
    log(world.placement_b, start=(13, 0), end=(15, 0), status=APPROVED)
    # A proposed placement is not yet "placed".
    f.PlacementFactory(
        opportunity=world.opportunity_p,
        student__school=world.school_a,
        status=Placement.Status.PROPOSED,
    )
    report = budget_report(budget, world.coordinator_district)
    rows = {r.placement.student.last_name: r for r in report.rows}
    assert set(rows) == {"Alder", "Birch"}
    assert (rows["Alder"].planned_hours, rows["Alder"].planned_from_sessions) == (
        Decimal("100"),
        False,
    )
    assert (rows["Birch"].planned_hours, rows["Birch"].planned_from_sessions) == (
        Decimal("10"),
        True,
    )
    assert report.planned_total == Decimal("970.00")
    assert report.spend_to_date == Decimal("109.00")
    assert report.remaining == Decimal("891.00")
    assert report.projected_total == Decimal("970.00")
    assert report.projected_balance == Decimal("30.00") and not report.over_budget
    assert report.students_placed == 2


def test_budget_projection_counts_hours_beyond_plan_and_stops_at_withdrawal(world, budget):
    f.SessionFactory(placement=world.placement_b, planned_hours=Decimal("1"))
    log(world.placement_b, start=(8, 0), end=(18, 0), status=APPROVED)  # 10 h > 1 h planned
    Placement.objects.filter(pk=world.placement_a.pk).update(
        status=Placement.Status.WITHDRAWN, withdrawal_initiator="school", withdrawal_reason="other"
    )
    log(world.placement_a, start=(9, 0), end=(11, 0), status=APPROVED)
    report = budget_report(budget, world.coordinator_district)
    rows = {r.placement.student.last_name: r for r in report.rows}
    assert rows["Birch"].projected_cost == Decimal("120.00")
    assert rows["Alder"].planned_hours == Decimal("2.00") and rows[
        "Alder"
    ].projected_cost == Decimal("17.00")


def test_budget_over_spend_is_reported(world, budget):
    budget.amount = Decimal("10")
    budget.save()
    log(world.placement_a, status=APPROVED)  # 3 h × 8.50 = 25.50
    report = budget_report(budget, world.coordinator_district)
    assert report.over_budget and report.overspend == Decimal("15.50")


def test_coordinator_creates_a_budget(client, world):
    year = f.SchoolYearFactory(district=world.district)
    client.force_login(world.coordinator_district)
    assert client.get(reverse("hours:budget_create")).status_code == 200
    response = client.post(
        reverse("hours:budget_create"),
        {
            "name": "Summer",
            "school_year": year.pk,
            "amount": "5000",
            "opportunities": [world.opportunity_p.pk],
        },
    )
    item = ProgramBudget.objects.get()
    assert response["Location"] == reverse("hours:budget", args=[item.pk])
    assert item.district == world.district and list(item.opportunities.all()) == [
        world.opportunity_p
    ]
    event = AuditEvent.objects.get(action="budget.created", target_id=str(item.pk))
    assert event.actor == world.coordinator_district and event.district == world.district
    assert event.data == {
        "name": "Summer",
        "school_year": year.pk,
        "amount": "5000.00",
        "opportunities": [world.opportunity_p.pk],
    }
    client.post(
        reverse("hours:budget_edit", args=[item.pk]),
        {"name": "Summer", "school_year": year.pk, "amount": "6000", "opportunities": []},
    )
    item.refresh_from_db()
    assert item.amount == Decimal("6000") and not item.opportunities.exists()
    event = AuditEvent.objects.get(action="budget.updated", target_id=str(item.pk))
    assert event.data["changes"] == {
        "amount": {"old": "5000.00", "new": "6000.00"},
        "opportunities": {"old": [world.opportunity_p.pk], "new": []},
    }


def test_budget_services_refuse_a_school_coordinator(world, budget):
    with pytest.raises(PermissionDenied, match="district-wide coordinators"):
        pay_services.update_budget(
            budget=budget,
            name="Taken over",
            school_year=budget.school_year,
            amount=Decimal("1"),
            opportunities=[],
            actor=world.coordinator_a,
        )
    budget.refresh_from_db()
    assert budget.name != "Taken over"
    assert not AuditEvent.objects.filter(action="budget.updated").exists()


def test_budget_form_refuses_another_districts_opportunity(client, world):
    year = f.SchoolYearFactory(district=world.district)
    client.force_login(world.coordinator_district)
    response = client.post(
        reverse("hours:budget_create"),
        {
            "name": "Sneaky",
            "school_year": year.pk,
            "amount": "1",
            "opportunities": [world.other_placement.opportunity_id],
        },
    )
    assert response.status_code == 200
    assert not ProgramBudget.objects.exists()


@pytest.mark.parametrize(
    "persona, status",
    [
        ("coordinator_district", 200),
        ("district_admin", 200),
        ("coordinator_a", 200),
        ("mentor_p", 404),
        ("student_a_user", 404),
        ("guardian_a", 404),
        ("counselor_a", 404),
        ("other_coordinator", 404),
    ],
)
def test_budget_pages_scope(client, world, budget, persona, status):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("hours:budget", args=[budget.pk])).status_code == status
    listing = client.get(reverse("hours:budgets"))
    if persona == "other_coordinator":
        assert list(listing.context["page_obj"]) == []
    else:
        assert listing.status_code == status


def test_school_coordinator_sees_own_students_in_a_budget_and_cannot_edit(client, world, budget):
    client.force_login(world.coordinator_a)
    response = client.get(reverse("hours:budget", args=[budget.pk]))
    assert [r.placement for r in response.context["report"].rows] == [world.placement_a]
    assert response.context["partial_view"]
    assert client.get(reverse("hours:budget_edit", args=[budget.pk])).status_code == 403
    assert client.get(reverse("hours:budget_create")).status_code == 403


def test_budget_page_query_count_does_not_grow(
    client, world, budget, django_assert_max_num_queries
):
    client.force_login(world.coordinator_district)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("hours:budget", args=[budget.pk]))
    for _ in range(12):
        placement = current(
            f.PlacementFactory(opportunity=world.opportunity_p, student__school=world.school_a)
        )
        f.SessionFactory(placement=placement, date=MONDAY)
        log(placement, status=APPROVED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("hours:budget", args=[budget.pk]))
    assert len(response.context["report"].rows) == 14


def test_budget_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    year = f.SchoolYearFactory(district=world.district)
    ProgramBudget.objects.create(district=world.district, school_year=year, name="B0", amount=1)
    client.force_login(world.coordinator_district)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("hours:budgets"))
    for i in range(1, 15):
        ProgramBudget.objects.create(
            district=world.district, school_year=year, name=f"B{i}", amount=1
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("hours:budgets")).status_code == 200
