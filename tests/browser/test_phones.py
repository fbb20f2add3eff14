"""Every role's home and main pages at 1366 px and at 390 px (a phone): no page scrolls sideways,
axe finds nothing serious at either width, and a screenshot of each is kept in test-artifacts/.

Also the phone details the issue names: the mentor's e-mailed approval page shows "What was
done" and the return option on screen, the student's "Add to my list" buttons sit on screen,
and the menu folds into one button so the header stays small.
"""

import datetime as dt

import pytest
from django.urls import reverse

from tests.browser.conftest import login, screenshot
from tests.browser.journey import PASSWORD, open_page
from tests.hours.hours_helpers import MONDAY, log
from tests.placements.rounds_support import make_round
from tests.portals.test_work_queues import busy
from trellis.hours import services as hour_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (1366, 390)


def pages_by_role(p, extra):
    """(persona, [urls]): each role's home and the pages it works in."""
    return [
        ("coordinator_district", [
            "/", reverse("students:list"), reverse("opportunities:list"),
            reverse("lifecycle:board"), reverse("placements:list"), reverse("rounds:list"),
            reverse("hours:index"), reverse("hours:approvals"), reverse("hours:flagged"),
            reverse("lifecycle:concerns"), reverse("opportunities:approvals"),
            reverse("partners:list"), reverse("districts:calendar_home"),
            reverse("lifecycle:placement", args=[p.placement_a.pk]),
            reverse("students:detail", args=[p.student_a.pk]),
            reverse("portals:queue", args=["asking"]),
        ]),
        ("district_admin", ["/", reverse("accounts:staff"), reverse("insights:index")]),
        ("counselor_a", ["/", reverse("students:list"), reverse("placements:list")]),
        ("partner_admin_p", [
            "/", reverse("partner_portal:home", args=[p.partner_p.pk]),
            reverse("partner_portal:opportunities", args=[p.partner_p.pk]),
            reverse("partner_portal:interns", args=[p.partner_p.pk]),
            reverse("partner_portal:mentors", args=[p.partner_p.pk]),
            reverse("partner_portal:applicants", args=[p.opportunity_p.pk]),
            reverse("hours:approvals"),
        ]),
        ("mentor_p", [
            "/", reverse("mentor:interns"), reverse("mentor:sessions"), reverse("hours:approvals"),
            reverse("mentor:intern", args=[p.placement_a.pk]),
        ]),
        ("student_a_user", [
            "/", reverse("portal:browse"), reverse("portal:applications"),
            reverse("portal:placements"), reverse("portal:schedule"), reverse("portal:record"),
            reverse("hours:log", args=[p.placement_a.pk]),
            reverse("rounds:rank", args=[extra["round"].pk]),
        ]),
        ("guardian_a", [
            "/", reverse("portal:student_record", args=[p.student_a.pk]),
            reverse("opportunities:list"),
        ]),
    ]


def overflow(page) -> int:
    """How far the whole page is wider than the screen (0 when it does not scroll sideways)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def _world(personas):
    extra = busy(personas, extra=2)
    extra["round"] = make_round(
        personas.district, opportunities=[personas.opportunity_p, personas.opportunity_q],
        students=[personas.student_a],
    )
    return extra


@pytest.mark.parametrize("width", WIDTHS)
def test_every_role_s_pages_fit_the_screen_without_sideways_scrolling(
    make_page, axe, personas, width
):
    extra = _world(personas)
    problems, wide = [], []
    for persona, urls in pages_by_role(personas, extra):
        page = open_page(lambda: make_page(width=width, height=844 if width < 500 else 900), problems)
        login(page, getattr(personas, persona).username, PASSWORD)
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, (persona, url)
            page.wait_for_load_state()
            if overflow(page) > 0:
                wide.append(f"{persona} {url}: {overflow(page)} px too wide")
            axe.check(page)
            name = url.strip("/").replace("/", "_") or "home"
            screenshot(page, f"{width}-{persona}-{name}")
        page.context.close()
    assert wide == [], "\n".join(wide)
    assert problems == []


def test_phone_menu_folds_into_one_button(make_page, axe, personas):
    page = make_page(width=390, height=844)
    login(page, personas.coordinator_district.username, PASSWORD)
    page.goto("/")
    toggle = page.get_by_role("button", name="Menu")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 90  # was a third of the screen
    nav = page.get_by_role("navigation", name="Main")
    assert not nav.is_visible()
    toggle.click()
    assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    axe.check(page)
    nav.get_by_role("link", name="Students").click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("students:list"))


def _on_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_mentor_approval_link_page_shows_every_column_on_a_phone(make_page, axe, personas):
    p = personas
    logs = [log(p.placement_a, day=MONDAY + dt.timedelta(days=i),
                description=f"Filed charts {i}") for i in range(2)]
    link = hour_services.send_approval_request(mentor=p.mentor_p_record, logs=logs)
    page = make_page(width=390, height=844)
    page.goto(reverse("hours:link", args=[link.token]))
    axe.check(page)
    assert overflow(page) <= 0
    assert _on_screen(page, page.get_by_text("Filed charts 0"))
    returns = page.get_by_text("Return this log to the student").first
    assert _on_screen(page, returns)
    screenshot(page, "390-mentor-approval-link")


def test_student_ranking_buttons_are_on_screen_on_a_phone(make_page, axe, personas):
    extra = _world(personas)
    page = make_page(width=390, height=844)
    login(page, personas.student_a_user.username, PASSWORD)
    page.goto(reverse("rounds:rank", args=[extra["round"].pk]))
    axe.check(page)
    assert overflow(page) <= 0
    buttons = page.get_by_role("button", name="Add to my list")
    assert buttons.count() >= 1
    for i in range(buttons.count()):
        assert _on_screen(page, buttons.nth(i))
