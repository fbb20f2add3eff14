"""The student's main journey in a real browser at phone width (390 px), by keyboard alone.

Ava signs in, skips to the content, ranks a new career interest, frees her Fridays, browses
with a filter and reads why one opportunity is closed to her, applies to an open one, opens
her active placement, logs hours, reflects ("not for me"), downloads her record as a PDF and
makes a calendar link. Only Tab, Shift+Tab, Enter, Space, arrow keys and typing into the
focused field are used: no clicks. Every page visited passes axe-core (no serious or critical
violations), fits the screen without sideways scrolling, and the console stays free of errors,
CSP violations included.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.conftest import screenshot
from trellis.core.models import Weekday
from trellis.districts.calendar import district_today
from trellis.hours.models import HourLog
from trellis.placements.models import Application, CareerFit, Placement, Reflection
from trellis.students.models import StudentInterest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
MON_TO_THU = Weekday.MONDAY | Weekday.TUESDAY | Weekday.WEDNESDAY | Weekday.THURSDAY

# The focused element: its name (a form control's label, otherwise its text, hidden words
# included), whether Tab moved focus to a new element of the page, and how focus shows on it.
FOCUSED = """() => {
  const el = document.activeElement;
  const moved = el !== window.__lastFocus && el !== document.body;
  window.__lastFocus = el;
  const text = (el.labels && el.labels.length ? el.labels[0].textContent : el.textContent) || "";
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const onScreen = r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth + 1;
  return {
    name: text.replace(/\\s+/g, " ").trim(),
    moved: moved,
    // WCAG 2.4.7: an outline of at least 2 px, on screen.
    seen: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2 && onScreen,
    html: el.outerHTML.slice(0, 120),
  };
}"""


def _open(make_page, problems, **size):
    """A page in its own browser context whose console errors are collected."""
    page = make_page(**size)
    page.set_default_timeout(30_000)  # the machine running the suite may be busy
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return page


def _focused_name(page):
    return page.evaluate(FOCUSED)["name"]


def _assert_focus_visible(page):
    focused = page.evaluate(FOCUSED)
    assert focused["seen"], focused["html"]


def _tab_to(page, name, *, back=False, limit=90):
    """Press Tab (or Shift+Tab) until the focused element's name is `name` (a string or regex).

    Every stop on the way must show its focus, not only the one sought. Past the last control
    focus visits the browser's own UI (the body is reported), and Tab inside a native date or
    time input walks its parts and picker button, which Chromium rings itself: neither is a
    new stop of the page.
    """
    key = "Shift+Tab" if back else "Tab"
    page.evaluate("() => { window.__lastFocus = document.activeElement; }")
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if focused["moved"]:
            assert focused["seen"], focused["html"]
        current = focused["name"]
        if name == current if isinstance(name, str) else name.fullmatch(current):
            return
    pytest.fail(f"{key} never reached {name!r}")


def _press_and_wait(page, key="Enter"):
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()


def _follow(page, name, *, back=False):
    """Tab to a link or button, then press Enter and wait for the page it opens."""
    _tab_to(page, name, back=back)
    _press_and_wait(page)


def _nav(page, name):
    """On a phone the main menu is folded: Shift+Tab to "Menu", open it with Enter, then Tab
    to the link and follow it."""
    _tab_to(page, "Menu", back=True)
    page.keyboard.press("Enter")
    assert page.get_by_role("button", name="Menu").get_attribute("aria-expanded") == "true"
    _follow(page, name)


def _check_page(page, axe, heading, *, shot=None):
    """The page arrived, fits 390 px without sideways scrolling, and passes axe-core."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    if shot:
        screenshot(page, f"student-{shot}-390")
    axe.check(page)


@pytest.fixture
def world(personas):
    """Ava's active placement at the clinic (begun four weeks ago, sessions ahead), her one
    interest, and two more healthcare openings: one on Tuesdays and Thursdays, one on Fridays."""
    today = district_today(personas.district)
    clinic = personas.opportunity_p
    clinic.start_date, clinic.end_date = (
        today - dt.timedelta(days=28),
        today + dt.timedelta(days=90),
    )
    clinic.save()
    placement = personas.placement_a
    placement.start_date, placement.end_date = clinic.start_date, clinic.end_date
    placement.status = Placement.Status.ACTIVE
    placement.save()
    for days in (3, 10):
        f.SessionFactory(
            placement=placement,
            date=today + dt.timedelta(days=days),
            start_time=dt.time(15, 0),
            end_time=dt.time(18, 0),
            planned_hours=3,
        )
    f.StudentInterestFactory(student=personas.student_a, cluster=f.cluster("digital-technology"))
    healthcare = f.cluster("healthcare-human-services")
    starts = today + dt.timedelta(days=21)
    open_one = f.OpportunityFactory(
        partner=personas.partner_p,
        title="Community health assistant",
        cluster=healthcare,
        weekdays=Weekday.TUESDAY | Weekday.THURSDAY,
        start_date=starts,
        end_date=starts + dt.timedelta(days=70),
        description="Help run the clinic's community blood-pressure screenings.",
    )
    fridays = f.OpportunityFactory(
        partner=personas.partner_p,
        title="Friday lab shadow",
        cluster=healthcare,
        weekdays=Weekday.FRIDAY,
        start_date=starts,
        end_date=starts + dt.timedelta(days=70),
    )
    return placement, open_one, fridays, today


def test_student_journey_by_keyboard_at_phone_width(make_page, axe, personas, world):
    placement, open_one, fridays, today = world
    ava = personas.student_a
    problems = []
    page = _open(make_page, problems, width=390, height=844)

    # Sign in with the keyboard: Tab to each field, type, Enter submits.
    page.goto("/accounts/login/")
    _check_page(page, axe, "Sign in")
    expect(page.get_by_label("Username")).to_be_focused()  # autofocus
    page.keyboard.type("student_a")
    _tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    _press_and_wait(page, "Enter")
    expect(page.get_by_role("button", name="Menu")).to_be_visible()  # the menu folds on a phone
    axe.check(page)

    # The skip link is the first stop, shows on screen, and moves focus into the main content.
    page.keyboard.press("Tab")
    assert _focused_name(page) == "Skip to main content"
    _assert_focus_visible(page)
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the content, past the navigation
    assert page.evaluate("() => document.activeElement.closest('main') !== null")
    _assert_focus_visible(page)

    # Portal home, then interests: add a whole cluster, then move it above the first one.
    _follow(page, "Trellis", back=True)  # the site name leads home, the one home
    _check_page(page, axe, "Welcome, Ava")
    _follow(page, re.compile(r"My career interests.+"))  # the link reads its hint too
    _check_page(page, axe, "My career interests")
    _tab_to(page, "Career area to add")
    page.keyboard.type("Healthcare")  # the select's type-ahead picks the first match
    assert page.locator("#id_add-area").evaluate("el => el.selectedOptions[0].text") == (
        "Healthcare & Human Services (any area)"
    )
    _tab_to(page, "Add to my list")
    page.keyboard.press("Enter")
    # Without a reload htmx swaps the list in and focus lands on its heading.
    expect(page.get_by_role("heading", name="My list (2 of 5)")).to_be_focused()
    _assert_focus_visible(page)
    axe.check(page)
    _tab_to(page, "Move up: Healthcare & Human Services")
    page.keyboard.press("Enter")
    expect(page.locator("#interest-rank-1")).to_be_focused()
    expect(page.locator("#interest-rank-1")).to_have_text("1. Healthcare & Human Services")
    _assert_focus_visible(page)
    _check_page(page, axe, "My career interests")
    assert list(
        StudentInterest.objects.filter(student=ava)
        .order_by("rank")
        .values_list("cluster__slug", flat=True)
    ) == ["healthcare-human-services", "digital-technology"]

    # Profile: Fridays are no longer free (Space unticks the box), then save.
    _follow(page, "Home", back=True)  # the portal pages lead back to the one home
    _follow(page, re.compile(r"My profile.+"))
    _check_page(page, axe, "My profile")
    _tab_to(page, "Friday")
    assert page.get_by_label("Friday").is_checked()
    page.keyboard.press("Space")
    assert not page.get_by_label("Friday").is_checked()
    _follow(page, "Save my profile")
    expect(page.locator("#messages")).to_contain_text("Your profile is saved.")
    _check_page(page, axe, "My profile")
    ava.refresh_from_db()
    assert ava.availability == MON_TO_THU

    # Browse healthcare only: the filter applies as soon as the select changes.
    _nav(page, "Opportunities")
    _check_page(page, axe, "Find opportunities")
    _tab_to(page, "Career cluster")
    page.keyboard.type("Healthcare")
    results = page.locator("#results")
    expect(results.locator("h2")).to_have_text("3 opportunities")
    expect(page).to_have_url(re.compile(r"cluster=healthcare-human-services"))
    titles = results.locator(".result h3")
    expect(titles).to_have_text(
        ["Clinic front desk", "Community health assistant", "Friday lab shadow"]
    )
    closed = results.locator(".result").filter(has_text="Friday lab shadow")
    expect(closed.locator(".verdict")).to_have_text("You cannot apply to Friday lab shadow:")
    expect(closed.locator(".reasons")).to_have_text(
        "Days available: It meets on Fri; you are not available on Fri."
    )
    placed = results.locator(".result").filter(has_text="Clinic front desk")
    expect(placed.locator(".reasons")).to_contain_text("You already have a placement here.")
    _check_page(page, axe, "Find opportunities", shot="browse")

    # Apply: the "Apply" link lands on the form's heading; the statement box is the next stop.
    _follow(page, "Apply to Community health assistant")
    _check_page(page, axe, "Community health assistant", shot="opportunity")
    expect(page.locator("#apply-heading")).to_be_focused()
    _assert_focus_visible(page)
    _tab_to(page, "Why do you want this opportunity?")
    page.keyboard.type("I want to work in a clinic and help people in my neighbourhood.")
    _follow(page, "Send my application")
    _check_page(page, axe, "My applications")
    expect(page.locator("#messages")).to_contain_text(
        "You applied to Community health assistant. The partner will review it."
    )
    listed = page.locator(".result").filter(has_text="Community health assistant")
    expect(listed.locator(".status")).to_have_text("Submitted")
    application = Application.objects.get(student=ava, opportunity=open_one)
    assert application.status == Application.Status.SUBMITTED
    assert application.statement.startswith("I want to work in a clinic")
    assert not Application.objects.filter(student=ava, opportunity=fridays).exists()

    # The active placement, then its "Log hours" form.
    _nav(page, "My placements")
    _check_page(page, axe, "My placements", shot="placements")
    _follow(page, "Clinic front desk")
    _check_page(page, axe, "Clinic front desk")
    expect(page.locator(".lede .status")).to_have_text("Active")
    _follow(page, "Log hours")
    _check_page(page, axe, "Log hours")
    worked = today - dt.timedelta(days=2)
    _tab_to(page, re.compile(r"Date:?"))
    page.keyboard.type(f"{worked:%m%d%Y}")
    _tab_to(page, re.compile(r"Start time:?"))
    page.keyboard.type("0300PM")
    _tab_to(page, re.compile(r"End time:?"))
    page.keyboard.type("0530PM")
    _tab_to(page, re.compile(r"What you did:?"))
    page.keyboard.type("Checked patients in and filed their forms.")
    _follow(page, "Submit hours")
    expect(page.locator("#messages")).to_contain_text(
        f"Logged 2.50 h on {worked:%b %-d}; your mentor will review it."
    )
    _check_page(page, axe, "Hours at Clinic front desk")
    log = HourLog.objects.get(placement=placement)
    assert (log.date, log.start_time, log.end_time) == (worked, dt.time(15), dt.time(17, 30))
    assert log.status == HourLog.Status.SUBMITTED

    # Reflect from the placement page: arrow keys move through the radio group.
    _nav(page, "My placements")
    _follow(page, "Write a reflection: Clinic front desk")
    _check_page(page, axe, "Reflect on Clinic front desk")
    _tab_to(page, "This career is for me")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert _focused_name(page) == "This career is not for me"
    expect(page.get_by_label("This career is not for me")).to_be_checked()
    _tab_to(page, "Your reflection")
    page.keyboard.type("Front-desk work was too hectic for me; I prefer quieter work.")
    _follow(page, "Save my reflection")
    _check_page(page, axe, "Clinic front desk")
    expect(page.locator("#messages")).to_contain_text("Your reflection is saved.")
    expect(page.locator("#reflections .reflection")).to_contain_text("This career is not for me")
    reflection = Reflection.objects.get(placement=placement)
    assert reflection.career_fit == CareerFit.NOT_FOR_ME

    # The experience record, and its PDF downloaded by pressing Enter on the focused link.
    _nav(page, "My record")
    _check_page(page, axe, "Work-based learning experience record", shot="record")
    expect(page.locator(".reflection")).to_contain_text("This career is not for me")
    _tab_to(page, "Download as PDF")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    # Subscribe: the schedule page makes a private calendar link a calendar app can read.
    _follow(page, "Trellis", back=True)
    _follow(page, re.compile(r"My schedule.+"))
    _check_page(page, axe, "My schedule")
    expect(page.get_by_role("table")).to_contain_text("Clinic front desk")
    _follow(page, "Make my calendar link")
    _check_page(page, axe, "My schedule")
    feed_url = page.locator("#feed-url").inner_text().strip()
    assert re.fullmatch(r"https?://\S+/feeds/\S+", feed_url)
    calendar_link = page.get_by_role("link", name="Open in my calendar app")
    expect(calendar_link).to_have_attribute("href", "webcal://" + feed_url.split("://", 1)[1])
    _tab_to(page, "Open in my calendar app")
    feed = page.request.get(feed_url)
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in feed.text()

    assert problems == []
