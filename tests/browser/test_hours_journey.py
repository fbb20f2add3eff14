"""Hours in a real browser: logged by the student, approved in the app and from an e-mailed link,
then paid: the coordinator's payroll download carries the amount.

Every page visited passes axe-core (no serious or critical violations) and the console stays
free of errors, CSP violations included.
"""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.conftest import login
from trellis.districts.calendar import district_today
from trellis.hours.models import HourLog, PayPeriod
from trellis.placements.models import Placement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
APPROVAL_LINK = re.compile(r"https?://\S+?(/hours/approve/\S+?/)(?=\s|$)")
RATE = Decimal("15.50")


def _open(make_page, problems):
    """A page in its own browser context (its own session) whose console errors are collected."""
    page = make_page()
    page.set_default_timeout(30_000)  # the machine running the suite may be busy
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return page


def _sign_in(page, axe, username):
    page.goto("/accounts/login/")
    axe.check(page)
    login(page, username, PASSWORD)
    axe.check(page)


@pytest.fixture
def paid(personas):
    """Ava's active paid placement, begun four weeks ago, and the pay period covering the last two."""
    today = district_today(personas.district)
    opportunity = f.OpportunityFactory(
        partner=personas.partner_p,
        title="Pharmacy aide",
        cluster=f.cluster("healthcare-human-services"),
        mentor=personas.mentor_p_record,
        is_paid=True,
        hourly_rate=RATE,
        start_date=today - dt.timedelta(days=28),
        end_date=today + dt.timedelta(days=120),
    )
    placement = f.PlacementFactory(
        student=personas.student_a,
        opportunity=opportunity,
        mentor=personas.mentor_p_record,
        status=Placement.Status.ACTIVE,
    )
    period = PayPeriod.objects.create(
        district=personas.district,
        name="Late autumn",
        start_date=today - dt.timedelta(days=13),
        end_date=today,
    )
    return placement, period, today


def _log_hours(page, axe, placement, day, start, end, description):
    page.goto(f"/hours/placement/{placement.pk}/")
    axe.check(page)
    page.get_by_role("link", name="Log hours").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log hours")
    axe.check(page)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Start time").fill(start)
    page.get_by_label("End time").fill(end)
    page.get_by_label("What you did").fill(description)
    page.get_by_role("button", name="Submit hours").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hours at Pharmacy aide")
    expect(page.locator("#messages")).to_contain_text(
        f"on {day:%b %-d}; your mentor will review it"
    )
    axe.check(page)


def test_hours_are_logged_approved_in_the_app_and_by_link_then_paid(make_page, axe, personas, paid):
    placement, period, today = paid
    first_day, second_day = today - dt.timedelta(days=2), today - dt.timedelta(days=1)
    problems = []

    # The student logs two afternoons.
    student = _open(make_page, problems)
    _sign_in(student, axe, "student_a")
    _log_hours(student, axe, placement, first_day, "15:00", "18:00", "Restocked the front shelves.")
    _log_hours(student, axe, placement, second_day, "15:30", "18:00", "Filed prescriptions.")
    first, second = HourLog.objects.filter(placement=placement).order_by("date")
    assert (first.hours, second.hours) == (Decimal("3.00"), Decimal("2.50"))
    assert {first.status, second.status} == {HourLog.Status.SUBMITTED}

    # The mentor ticks the first log and approves the selection.
    mentor = _open(make_page, problems)
    _sign_in(mentor, axe, "mentor_p")
    mentor.goto("/hours/approvals/")
    expect(mentor.locator("[data-announce]")).to_have_text("2 logs awaiting approval")
    axe.check(mentor)
    mentor.get_by_label(f"Select the log of Ava Alder on {first_day:%b %-d}").check()
    mentor.get_by_role("button", name="Approve selected logs").click()
    expect(mentor.locator("#approval-list")).to_contain_text("Approved 1 log.")
    expect(mentor.locator("[data-announce]")).to_have_text("1 log awaiting approval")
    axe.check(mentor)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == HourLog.Status.APPROVED
    assert first.approver == personas.mentor_p
    assert second.status == HourLog.Status.SUBMITTED

    # The coordinator e-mails the mentor a link for the log still waiting.
    coordinator = _open(make_page, problems)
    _sign_in(coordinator, axe, "coordinator_district")
    coordinator.goto("/hours/")
    axe.check(coordinator)
    coordinator.get_by_role("button", name="E-mail mentors a link to approve waiting hours").click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("#messages")).to_contain_text(
        "E-mailed 1 mentor(s) a link to approve 1 log(s)."
    )
    axe.check(coordinator)
    to_mentor = [m for m in mail.outbox if personas.mentor_p.email in m.to]
    paths = [match.group(1) for m in to_mentor for match in APPROVAL_LINK.finditer(m.body)]
    assert len(paths) == 1

    # The link approves without signing in, and only once.
    visitor = _open(make_page, problems)
    response = visitor.goto(paths[0])
    assert response.status == 200
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Approve hours")
    expect(visitor.get_by_role("row", name=re.compile("Ava Alder"))).to_have_count(1)
    axe.check(visitor)
    visitor.get_by_role("button", name="Approve all, except any marked to return").click()
    visitor.wait_for_load_state()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(visitor.get_by_role("status").filter(has_text="You approved 1 log")).to_be_visible()
    axe.check(visitor)
    second.refresh_from_db()
    assert second.status == HourLog.Status.APPROVED
    seen = len(problems)
    response = visitor.goto(paths[0])
    assert response.status == 410
    # Chromium reports the refused document's status in the console; nothing else may appear.
    assert problems[seen:] == [
        "Failed to load resource: the server responded with a status of 410 (Gone)"
    ]
    del problems[seen:]
    expect(visitor.get_by_role("heading", level=1)).to_have_text("This link was already used")
    axe.check(visitor)

    # Payroll for the period: 5.5 approved hours at $15.50.
    coordinator.goto("/hours/")
    coordinator.get_by_role("link", name="Pay periods and payroll").click()
    coordinator.wait_for_load_state()
    axe.check(coordinator)
    coordinator.get_by_role("link", name="Late autumn", exact=True).click()
    coordinator.wait_for_load_state()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Payroll: Late autumn")
    row = coordinator.get_by_role("row", name=re.compile("Alder, Ava"))
    expect(row).to_contain_text("5.50")
    expect(row).to_contain_text("$85.25")
    axe.check(coordinator)
    with coordinator.expect_download() as info:
        coordinator.get_by_role("link", name="CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("payroll-late-autumn-")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(io.StringIO(fh.read())))
    ava = [r for r in table if r["Student number"] == personas.student_a.student_number]
    assert len(ava) == 1
    assert Decimal(ava[0]["Approved hours"]) == Decimal("5.50")
    assert Decimal(ava[0]["Hourly rate"]) == RATE
    assert Decimal(ava[0]["Amount"]) == Decimal("85.25")
    total = table[-1]
    assert total["Student number"] == "Total"
    assert Decimal(total["Amount"]) == Decimal("85.25")

    assert problems == []
