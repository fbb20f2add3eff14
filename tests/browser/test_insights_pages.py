"""The insights pages in a real browser: the gap, drafting an in-district seat, reports, axe-core.

A coordinator sees the gap by cluster, drafts an in-district opportunity from a suggestion,
sees it as pending seats, and reads the reports and the printable board report; every page
passes axe (no serious or critical violations) and the CSP blocks nothing (charts are images).
"""

import re

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.conftest import login, screenshot
from trellis.opportunities.models import Opportunity

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "correct-horse-battery"


def _open(make_page, **size):
    page = make_page(**size)
    # Report pages aggregate over the whole district; give a busy CI machine room.
    page.set_default_timeout(30_000)
    return page


def _watch_console(page):
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def _fits_the_screen(page):
    """No horizontal scrolling of the page itself (wide tables scroll inside their wrapper)."""
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                         && !(e.parentElement && e.parentElement.closest('.table-wrap')))
            .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), (
        wide
    )


def _charts_loaded(page):
    return page.evaluate(
        "() => [...document.querySelectorAll('figure.chart img')].every(i => i.complete && i.naturalWidth > 0)"
    )


@pytest.fixture
def insights_world(personas):
    year = f.SchoolYearFactory(district=personas.district)
    f.TermFactory(school_year=year)
    for student in (personas.student_a, personas.student_b):
        f.StudentInterestFactory(student=student, cluster=f.cluster("education"), rank=1)
        f.StudentInterestFactory(student=student, cluster=f.cluster("digital-technology"), rank=2)
    return personas


@pytest.mark.parametrize("width", [390, 1280])
def test_coordinator_closes_a_gap_with_an_in_district_draft(make_page, axe, insights_world, width):
    page = _open(make_page, width=width)
    problems = _watch_console(page)
    login(page, "coordinator_district", PASSWORD)

    page.goto("/insights/")
    axe.check(page)
    page.get_by_role("link", name="The gap by career cluster").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supply and demand by career cluster")
    assert _charts_loaded(page)
    axe.check(page)
    _fits_the_screen(page)
    screenshot(page, f"insights-gaps-{width}")

    # htmx refreshes the results when a filter changes.
    page.get_by_label("Grade").select_option(label="Grade 12")
    expect(page).to_have_url(re.compile(r"grade=12"))
    expect(page.locator("[data-announce]")).to_contain_text("with unmet demand")

    page.get_by_role("link", name="Draft Teaching assistant").first.click()
    page.wait_for_load_state()
    axe.check(page)
    page.get_by_label("Seats").fill("2")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Education: supply and demand")
    expect(page.locator("#messages")).to_contain_text("pending seats")
    assert Opportunity.objects.filter(status="pending", cluster__slug="education", seats=2).exists()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Pending seats (drafts)2")
    axe.check(page)
    _fits_the_screen(page)
    screenshot(page, f"insights-cluster-{width}")

    # Publishing it (the coordinators' approval queue) turns the pending seats into supply.
    page.get_by_role("link", name="Review and publish Teaching assistant").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_load_state()
    page.goto("/insights/gaps/education/")
    expect(facts).to_contain_text("Published seats2")
    expect(facts).to_contain_text("Unmet demand0.0")
    assert not problems, problems


@pytest.mark.parametrize("width", [390, 1280])
def test_reports_and_board_report_are_accessible(make_page, axe, insights_world, width):
    page = _open(make_page, width=width)
    problems = _watch_console(page)
    login(page, "coordinator_district", PASSWORD)
    for slug in ("participation", "equity", "perkins", "wages"):
        page.goto(f"/insights/reports/{slug}/")
        assert _charts_loaded(page)
        axe.check(page)
        _fits_the_screen(page)
    page.get_by_label("School", exact=True).select_option(label="Alder High")
    expect(page).to_have_url(re.compile(r"school="))
    expect(page.locator("[data-announce]")).to_contain_text("Alder High")
    screenshot(page, f"insights-report-{width}")
    page.goto("/insights/board/")
    assert _charts_loaded(page)
    axe.check(page)
    page.emulate_media(media="print")
    assert page.locator(".no-print").first.is_hidden()
    assert not problems, problems


def test_counselor_reads_but_cannot_draft(make_page, axe, insights_world):
    page = _open(make_page)
    login(page, "counselor_a", PASSWORD)
    page.goto("/insights/gaps/")
    axe.check(page)
    assert page.get_by_role("link", name="Draft Teaching assistant").count() == 0
