"""A mentor's main journey in a real browser: their interns, an hour log to approve, the
midpoint evaluation on the district's rubric, and a concern that reaches the coordinator,
who resolves it with a note the mentor then reads.

Every page visited passes axe-core (no serious or critical violations) and the console stays
free of errors, CSP violations included.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.journey import click as _click
from tests.browser.journey import go as _go
from tests.browser.journey import open_page as _open
from tests.browser.journey import sign_in as _sign_in
from trellis.core.models import Notification
from trellis.districts.calendar import district_today
from trellis.hours.models import HourLog
from trellis.placements.evaluation_services import rubric_for
from trellis.placements.models import Concern, Evaluation, Placement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CONCERN = "Ava missed two sessions without calling in; is everything all right at home?"
RESOLUTION = "Talked with Ava and her family: a bus change. Sessions start 30 minutes later."


@pytest.fixture
def internship(personas):
    """Ava's active placement with mentor P, begun a month ago, and one log waiting for approval."""
    today = district_today(personas.district)
    opportunity = f.OpportunityFactory(
        partner=personas.partner_p,
        title="Pharmacy aide",
        cluster=f.cluster("healthcare-human-services"),
        mentor=personas.mentor_p_record,
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=90),
    )
    placement = f.PlacementFactory(
        student=personas.student_a,
        opportunity=opportunity,
        mentor=personas.mentor_p_record,
        status=Placement.Status.ACTIVE,
    )
    log = f.HourLogFactory(
        placement=placement,
        date=today - dt.timedelta(days=2),
        start_time=dt.time(15, 0),
        end_time=dt.time(18, 0),
        hours=Decimal("3.00"),
        description="Restocked the front shelves.",
    )
    return placement, log


def test_mentor_approves_hours_evaluates_and_raises_a_concern_the_coordinator_sees(
    make_page, axe, personas, internship
):
    placement, log = internship
    problems = []

    mentor = _open(make_page, problems)
    _sign_in(mentor, axe, "mentor_p")
    _go(mentor, axe, reverse("core:home"))
    expect(mentor.get_by_role("heading", name="Hours to approve")).to_be_visible()

    # The intern's page, from the home page's table (Ava has a second placement with Morgan).
    row = mentor.get_by_role("row").filter(has_text="Pharmacy aide")
    row.get_by_role("link", name="Ava Alder", exact=True).click()
    mentor.wait_for_load_state()
    axe.check(mentor)
    assert mentor.url.endswith(reverse("mentor:intern", args=[placement.pk]))
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Ava Alder")
    expect(mentor.locator("main")).to_contain_text("3 waiting for you")

    # Approve the waiting log.
    mentor.locator(".actions").get_by_role("link", name="Approve hours").click()
    mentor.wait_for_load_state()
    axe.check(mentor)
    expect(mentor.locator("[data-announce]")).to_have_text("1 log awaiting approval")
    mentor.get_by_role("button", name=f"Approve the log of Ava Alder on {log.date:%b %-d}").click()
    expect(mentor.locator("[data-announce]")).to_have_text("0 logs awaiting approval")
    axe.check(mentor)
    log.refresh_from_db()
    assert log.status == HourLog.Status.APPROVED
    assert log.approver == personas.mentor_p

    # The midpoint evaluation: one score per criterion, and comments.
    _go(mentor, axe, reverse("mentor:intern", args=[placement.pk]))
    expect(mentor.locator("main")).to_contain_text("3 approved")
    _click(mentor, axe, "link", "Write the midpoint evaluation")
    assert mentor.url.endswith(reverse("mentor:evaluate", args=[placement.pk, "midpoint"]))
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Midpoint evaluation of Ava Alder")
    criteria = rubric_for(personas.district)
    assert len(criteria) >= 3
    scores = {c.key: 3 + i % 2 for i, c in enumerate(criteria)}  # 3, 4, 3, 4, …
    for criterion in criteria:
        group = mentor.get_by_role("group", name=criterion.label)
        score = scores[criterion.key]
        group.get_by_role("radio", name=re.compile(rf"^{score} – ")).check()
    mentor.get_by_label("Comments").fill("Reliable and kind with patients; ask more questions.")
    _click(mentor, axe, "button", "Submit midpoint evaluation")
    expect(mentor.locator("#messages")).to_contain_text("Midpoint evaluation submitted.")
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Ava Alder")
    evaluation = Evaluation.objects.get(placement=placement, kind=Evaluation.Kind.MIDPOINT)
    assert evaluation.scores == scores
    assert evaluation.comments == "Reliable and kind with patients; ask more questions."
    assert evaluation.mentor == personas.mentor_p_record

    # Raise a concern.
    _click(mentor, axe, "link", "Raise a concern")
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Raise a concern about Ava Alder")
    mentor.get_by_label("What is the concern?").fill(CONCERN)
    _click(mentor, axe, "button", "Send to the coordinator")
    expect(mentor.locator("#messages")).to_contain_text("Concern sent.")
    expect(mentor.locator("main")).to_contain_text("Concerns you raised")
    concern = Concern.objects.get(placement=placement)
    assert (concern.text, concern.raised_by) == (CONCERN, personas.mentor_p)

    # The student's coordinator sees it among their notifications and follows it.
    assert Notification.objects.filter(user=personas.coordinator_a, verb="concern.raised").exists()
    coordinator = _open(make_page, problems)
    _sign_in(coordinator, axe, "coordinator_a")
    _go(coordinator, axe, reverse("core:notifications"))
    told = coordinator.get_by_role("link", name=re.compile(r"raised a concern about Ava Alder"))
    expect(told).to_have_count(1)
    told.click()
    coordinator.wait_for_load_state()
    assert coordinator.url.endswith(reverse("lifecycle:placement", args=[placement.pk]))
    axe.check(coordinator)
    expect(coordinator.locator("main")).to_contain_text(CONCERN)

    # The coordinator resolves it from the concerns list, with a note of what was done.
    _go(coordinator, axe, reverse("lifecycle:concerns"))
    expect(coordinator.locator("main")).to_contain_text("1 open concern")
    coordinator.get_by_label("What was done").fill(RESOLUTION)
    _click(coordinator, axe, "button", "Mark resolved")
    expect(coordinator.locator("#messages")).to_contain_text("resolved")
    expect(coordinator.locator("main")).to_contain_text("No open concerns.")
    concern.refresh_from_db()
    assert (concern.resolution_note, concern.resolved_by) == (RESOLUTION, personas.coordinator_a)

    # The mentor is told, and reads the note on the intern's page.
    _go(mentor, axe, reverse("core:notifications"))
    resolved = mentor.get_by_role("link", name=re.compile(r"resolved the concern you raised"))
    expect(resolved).to_have_count(1)
    resolved.click()
    mentor.wait_for_load_state()
    axe.check(mentor)
    expect(mentor.locator("main")).to_contain_text(RESOLUTION)

    assert problems == []
