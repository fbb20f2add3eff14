"""Drafting an in-district opportunity from a template, and setting the 5S3 rule."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests import factories as f
from trellis.core.models import AuditEvent
from trellis.insights import gaps
from trellis.insights.departments import get_role
from trellis.insights.scope import get_insights_scope
from trellis.insights.services import draft_in_district_opportunity, update_perkins_rule
from trellis.opportunities.models import CareerCluster, Opportunity
from trellis.opportunities.services import submission_problems
from trellis.partners.models import Partner, PartnerKind

FRI = 16
TODAY = dt.date(2026, 11, 16)


def draft(world, key="business-payroll", **overrides):
    kwargs = dict(
        actor=world.coordinator,
        role=get_role(key),
        term=world.term,
        seats=1,
        weekdays=FRI,
        start_time=dt.time(8, 0),
        end_time=dt.time(11, 0),
        school=world.school_a,
        today=TODAY,
    )
    kwargs.update(overrides)
    return draft_in_district_opportunity(**kwargs)


def financial(world):
    scope = get_insights_scope(world.coordinator)
    analysis = gaps.analyse_gaps(scope, list(CareerCluster.objects.all()), term=world.term)
    return next(r for r in analysis.rows if r.cluster.slug == "financial-services")


def test_draft_uses_the_existing_department_and_the_terms_calendar(gap_world):
    opportunity = draft(gap_world)
    assert opportunity.partner == gap_world.department_hr
    # Straight to the coordinators' approval queue: a new department has nobody to submit it.
    assert opportunity.status == Opportunity.Status.PENDING
    assert (opportunity.start_date, opportunity.end_date) == (
        gap_world.term.start_date,
        gap_world.term.end_date,
    )
    assert opportunity.worksite.name == "Aspen High"
    assert opportunity.worksite.partner == gap_world.department_hr
    assert submission_problems(opportunity, today=TODAY) == []
    assert (opportunity.term, opportunity.weekdays, opportunity.seats) == (gap_world.term, FRI, 1)
    assert opportunity.cluster.slug == "financial-services"
    assert opportunity.subcluster.slug == "accounting"
    assert opportunity.min_grade == 11
    assert "confidentiality" in opportunity.requirements
    event = AuditEvent.objects.get(action="opportunity.drafted_from_template")
    assert event.target_id == str(opportunity.pk)
    assert event.actor == gap_world.coordinator
    assert event.data["template"] == "business-payroll"
    assert event.data["partner_created"] is False


def test_draft_counts_as_pending_then_shrinks_the_gap_once_published(gap_world):
    before = financial(gap_world)
    assert (before.unmet, before.pending_seats, before.outside_seats_needed) == (2, 0, 1)
    opportunity = draft(gap_world)
    pending = financial(gap_world)
    assert (pending.unmet, pending.pending_seats, pending.unmet_seats) == (2, 1, 1)
    # The payroll role's 2 in-district seats are now used (o7 and the draft).
    assert pending.remaining_in_district_capacity == 0
    opportunity.transition_to(Opportunity.Status.PUBLISHED)  # what approval does
    opportunity.save()
    after = financial(gap_world)
    assert (after.seats, after.served, after.unmet, after.pending_seats) == (2, 2, 1, 0)


def test_draft_creates_the_department_partner_when_missing(gap_world):
    opportunity = draft(gap_world, key="food-meal-prep", seats=2)
    partner = opportunity.partner
    assert partner.kind == PartnerKind.DISTRICT_DEPARTMENT and partner.department == "food_service"
    assert partner.district == gap_world.district
    assert opportunity.min_age == 16
    assert "cooking" in opportunity.requirements
    assert AuditEvent.objects.filter(
        action="partner.created_for_department", target_id=str(partner.pk)
    ).exists()
    # A second draft reuses it.
    assert draft(gap_world, key="food-menu-planning").partner == partner


def test_draft_starts_today_when_the_term_is_under_way(gap_world):
    opportunity = draft(gap_world, today=dt.date(2027, 3, 1))
    assert opportunity.start_date == dt.date(2027, 3, 1)


def test_draft_refuses_an_ended_term(gap_world):
    with pytest.raises(ValidationError):
        draft(gap_world, today=dt.date(2027, 7, 1))


def test_draft_at_an_existing_worksite_or_virtually(gap_world):
    site = f.WorksiteFactory(partner=gap_world.department_hr, name="Central office")
    assert draft(gap_world, school=None, worksite=site).worksite == site
    virtual = draft(gap_world, school=None, virtual=True).worksite
    assert virtual.is_virtual and virtual.partner == gap_world.department_hr
    other = f.WorksiteFactory(partner=f.PartnerFactory(district=gap_world.district))
    with pytest.raises(ValidationError):
        draft(gap_world, school=None, worksite=other)
    with pytest.raises(ValidationError):
        draft(gap_world, school=None)


def test_draft_with_a_department_mentor(gap_world):
    mentor = f.MentorFactory(partner=gap_world.department_hr)
    assert draft(gap_world, mentor=mentor).mentor == mentor


def test_draft_refuses_a_mentor_from_outside_the_department_and_creates_nothing(gap_world):
    outsider = f.MentorFactory(partner=f.PartnerFactory(district=gap_world.district))
    with pytest.raises(ValidationError):
        draft(gap_world, key="it-helpdesk", mentor=outsider)
    assert not Partner.objects.filter(district=gap_world.district, department="it").exists()
    assert not Opportunity.objects.filter(title="IT helpdesk assistant").exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"seats": 0},
        {"seats": 101},
        {"weekdays": 0},
        {"start_time": dt.time(12, 0), "end_time": dt.time(11, 0)},
        {"term": None},
    ],
)
def test_draft_refuses_bad_values(gap_world, overrides):
    with pytest.raises(ValidationError):
        draft(gap_world, **overrides)
    assert not AuditEvent.objects.filter(action="opportunity.drafted_from_template").exists()


def test_draft_refuses_a_term_of_another_district(gap_world):
    other = f.TermFactory(school_year=f.SchoolYearFactory(district=f.DistrictFactory()))
    with pytest.raises(ValidationError):
        draft(gap_world, term=other)


def test_counselor_cannot_draft(gap_world):
    with pytest.raises(PermissionDenied):
        draft(gap_world, actor=gap_world.counselor)


def test_draft_view_posts_and_redirects_to_the_cluster_with_pending_seats(client, gap_world):
    client.force_login(gap_world.coordinator)
    url = reverse("insights:draft_opportunity", args=["business-payroll"])
    page = client.get(url, {"term": gap_world.term.pk, "seats": 1})
    assert page.status_code == 200
    assert page.context["form"].initial["seats"] == 1
    response = client.post(
        url,
        {
            "title": "Payroll assistant (spring)",
            "description": "",
            "term": gap_world.term.pk,
            "seats": 1,
            "weekdays": ["16"],
            "start_time": "08:00",
            "end_time": "11:00",
            "mentor": "",
            "site": f"s{gap_world.school_b.pk}",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("insights:gap_cluster", args=["financial-services"])
    )
    opportunity = Opportunity.objects.get(title="Payroll assistant (spring)")
    assert opportunity.status == Opportunity.Status.PENDING
    assert opportunity.worksite.name == "Beech High"
    cluster_page = client.get(response["Location"])
    assert cluster_page.context["gap"].pending_seats == 1
    assert opportunity in cluster_page.context["pending"]
    assert "pending seats" in cluster_page.content.decode()


def test_draft_view_shows_errors_without_creating(client, gap_world):
    client.force_login(gap_world.coordinator)
    response = client.post(
        reverse("insights:draft_opportunity", args=["business-payroll"]),
        {
            "title": "x",
            "term": gap_world.term.pk,
            "seats": 1,
            "weekdays": [],
            "start_time": "11:00",
            "end_time": "08:00",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Opportunity.objects.filter(title="x").exists()


def test_perkins_rule_is_saved_and_audited(gap_world):
    district = update_perkins_rule(
        actor=gap_world.coordinator, min_hours=Decimal("40"), kinds=["internship"]
    )
    district.refresh_from_db()
    assert (district.perkins_min_hours, district.perkins_counted_kinds) == (
        Decimal("40.0"),
        ["internship"],
    )
    event = AuditEvent.objects.get(action="district.perkins_rule_changed")
    assert event.data["after"] == {"min_hours": "40", "kinds": ["internship"]}


@pytest.mark.parametrize(
    ("actor", "hours", "kinds", "error"),
    [
        ("coordinator_a", "5", [], PermissionDenied),
        ("counselor", "5", [], PermissionDenied),
        ("coordinator", "-1", [], ValidationError),
        ("coordinator", "5", ["apprenticeship-ish"], ValidationError),
    ],
)
def test_perkins_rule_refusals(gap_world, actor, hours, kinds, error):
    with pytest.raises(error):
        update_perkins_rule(actor=getattr(gap_world, actor), min_hours=Decimal(hours), kinds=kinds)
    assert not AuditEvent.objects.filter(action="district.perkins_rule_changed").exists()


def test_perkins_rule_view(client, gap_world):
    client.force_login(gap_world.coordinator)
    response = client.post(
        reverse("insights:perkins_rule"), {"min_hours": "10", "kinds": ["internship", "clinical"]}
    )
    assert response.status_code == 302
    gap_world.district.refresh_from_db()
    assert gap_world.district.perkins_counted_kinds == ["clinical", "internship"]
    client.force_login(gap_world.coordinator_a)
    assert client.post(reverse("insights:perkins_rule"), {"min_hours": "1"}).status_code == 404
