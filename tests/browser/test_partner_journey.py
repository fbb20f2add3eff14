"""A partner's main journey in a real browser: post an opportunity, have it approved, then
review its applicants — rank one, decline one with a note, accept the other.

The partner administrator saves a draft and submits it; a district coordinator approves and
publishes it from the approval queue; two students apply; the partner ranks, declines and
accepts on the applicants page, and the acceptance proposes a placement. Every page visited
passes axe-core (no serious or critical violations) and the console stays free of errors, CSP
violations included.
"""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.journey import click as _click
from tests.browser.journey import go as _go
from tests.browser.journey import open_page as _open
from tests.browser.journey import sign_in as _sign_in
from trellis.opportunities.models import Opportunity
from trellis.placements.models import Application, Placement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "Pharmacy intake aide"


@pytest.fixture
def worksite(personas):
    return f.WorksiteFactory(partner=personas.partner_p, name="Main Street pharmacy")


def _post_opportunity(page, axe, personas, start, end):
    _go(page, axe, reverse("partner_portal:index"))  # one partner: straight to its portal
    expect(page.get_by_role("heading", level=1)).to_have_text("Pine Health Clinic")
    _click(page, axe, "link", "Post a new opportunity")
    expect(page.get_by_role("heading", level=1)).to_have_text("New opportunity")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description").fill("Greet patients, check them in and file their forms.")
    page.get_by_label("Kind of experience").select_option(label="Internship")
    page.get_by_label("Career cluster").select_option(label="Healthcare & Human Services")
    page.get_by_label("Worksite").select_option(label="Main Street pharmacy")
    page.get_by_label("Mentor").select_option(label=str(personas.mentor_p))
    page.get_by_label("Seats (students at a time)").fill("2")
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("End date").fill(end.isoformat())
    page.get_by_role("radio", name="Weekly").check()
    page.get_by_role("checkbox", name="Tuesday").check()
    page.get_by_role("checkbox", name="Thursday").check()
    page.get_by_label("Start time").fill("15:00")
    page.get_by_label("End time").fill("18:00")
    _click(page, axe, "button", "Save draft")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("#messages")).to_contain_text("Draft saved.")
    opportunity = Opportunity.objects.get(title=TITLE)
    assert opportunity.status == Opportunity.Status.DRAFT
    assert opportunity.partner == personas.partner_p
    assert opportunity.mentor == personas.mentor_p_record

    _click(page, axe, "button", "Submit for approval")
    expect(page.locator("#messages")).to_contain_text("Submitted.")
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PENDING
    return opportunity


def _approve(page, axe, opportunity):
    _go(page, axe, reverse("opportunities:approvals"))
    expect(page.locator("[data-announce]")).to_have_text("1 waiting for approval")
    _click(page, axe, "link", TITLE)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    _click(page, axe, "button", "Approve and publish")
    expect(page.locator("#messages")).to_contain_text(f"“{TITLE}” is published.")
    expect(page.locator("[data-announce]")).to_have_text("0 waiting for approval")
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.PUBLISHED


def test_partner_posts_an_opportunity_that_is_approved_then_decides_on_applicants(
    make_page, axe, personas, worksite
):
    problems = []
    today = dt.date.today()
    start, end = today + dt.timedelta(days=21), today + dt.timedelta(days=140)

    partner = _open(make_page, problems)
    _sign_in(partner, axe, "partner_admin_p")
    opportunity = _post_opportunity(partner, axe, personas, start, end)

    coordinator = _open(make_page, problems)
    _sign_in(coordinator, axe, "coordinator_district")
    _approve(coordinator, axe, opportunity)

    # Two students apply; neither shares their profile, so the partner sees first names only.
    ava = f.ApplicationFactory(
        student=personas.student_a, opportunity=opportunity, statement="I volunteer at a clinic."
    )
    ben = f.ApplicationFactory(
        student=personas.student_b, opportunity=opportunity, statement="I want to be a nurse."
    )

    _go(partner, axe, reverse("partner_portal:opportunity", args=[opportunity.pk]))
    _click(partner, axe, "link", "Applicants")
    expect(partner.get_by_role("heading", level=1)).to_have_text(f"Applicants for {TITLE}")
    expect(partner.get_by_role("heading", level=3)).to_have_text(["Ava", "Ben"])
    expect(partner.locator("main")).not_to_contain_text("Ava Alder")

    ava_row = partner.locator(f"#applicant-{ava.pk}")
    ben_row = partner.locator(f"#applicant-{ben.pk}")

    # Rank Ava first (htmx swaps her row in place).
    partner.get_by_label("Interview rank of Ava").fill("1")
    partner.get_by_role("button", name="Save rank of Ava").click()
    expect(ava_row.get_by_role("status")).to_have_text("Ranked 1.")
    expect(ava_row).to_contain_text("Interview, ranked 1")
    axe.check(partner)
    ava.refresh_from_db()
    assert (ava.status, ava.interview_rank) == (Application.Status.INTERVIEW, 1)

    # Decline Ben with a note for the school.
    ben_row.get_by_text("Decline Ben…").click()
    ben_row.get_by_label("Note for the school (optional)").fill("All seats go to evening students.")
    axe.check(partner)
    ben_row.get_by_role("button", name="Decline Ben").click()
    expect(ben_row.get_by_role("status")).to_have_text("Declined.")
    expect(ben_row.get_by_role("button")).to_have_count(0)
    axe.check(partner)
    ben.refresh_from_db()
    assert ben.status == Application.Status.DECLINED
    assert ben.partner_note == "All seats go to evening students."

    # Accept Ava: a placement is proposed to her coordinator.
    ava_row.get_by_role("button", name="Accept Ava").click()
    expect(ava_row.get_by_role("status")).to_have_text(
        "Accepted. The student's coordinator will confirm the placement."
    )
    axe.check(partner)
    ava.refresh_from_db()
    assert ava.status == Application.Status.ACCEPTED
    placement = Placement.objects.get(opportunity=opportunity)
    assert placement.student == personas.student_a
    assert placement.status == Placement.Status.PROPOSED
    assert placement.application == ava
    assert placement.mentor == personas.mentor_p_record

    # Without JavaScript's help the page still reads the same after a reload.
    _go(partner, axe, reverse("partner_portal:applicants", args=[opportunity.pk]))
    expect(partner.locator(f"#applicant-{ava.pk}")).to_contain_text("Accepted")
    expect(partner.locator(f"#applicant-{ben.pk}")).to_contain_text("Declined")

    assert problems == []
