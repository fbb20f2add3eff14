"""A match round in a real browser: created, ranked by keyboard alone, run both ways, compared,
published, and explained to the student.

Every page visited passes axe-core (no serious or critical violations) and the console stays
free of errors, CSP violations included. The student's ranking happens at phone width with
Tab, Enter and Space only.
"""

import re

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.conftest import login, screenshot
from trellis.placements.models import MatchRound, Placement
from trellis.placements.rounds import services as round_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _open(make_page, problems, **size):
    """A page in its own browser context (its own session) whose console errors are collected."""
    page = make_page(**size)
    page.set_default_timeout(30_000)  # the machine running the suite may be busy
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return page


def _sign_in(page, axe, username):
    page.goto("/accounts/login/")
    axe.check(page)
    login(page, username, PASSWORD)
    axe.check(page)


def _focused_text(page):
    return page.evaluate(
        "() => (document.activeElement.textContent || '').replace(/\\s+/g, ' ').trim()"
    )


def _tab_to(page, text, *, limit=80):
    """Press Tab until the focused element reads `text` (buttons include their hidden words)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused_text(page) == text:
            # WCAG 2.4.7: a keyboard user sees where they are.
            outline = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
            )
            assert outline[0] != "none" and outline[1] >= 2, outline
            return
    pytest.fail(f"Tab never reached {text!r}")


def _press_and_wait(page, key):
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()


def _fits_the_screen(page):
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def round_world(personas):
    """Two opportunities at a partner new to the district: one seat in healthcare, two in agriculture.

    Ben is a CTE concentrator in healthcare, so the round's first priority favours him there.
    """
    partner = f.PartnerFactory(district=personas.district, name="Cedar Labs")
    lab = f.OpportunityFactory(
        partner=partner,
        title="Lab assistant",
        cluster=f.cluster("healthcare-human-services"),
        seats=1,
    )
    greenhouse = f.OpportunityFactory(
        partner=partner, title="Greenhouse aide", cluster=f.cluster("agriculture"), seats=2
    )
    ben = personas.student_b
    ben.is_cte_concentrator = True
    ben.cte_cluster = f.cluster("healthcare-human-services")
    ben.save()
    return lab, greenhouse


def test_round_is_created_ranked_by_keyboard_run_compared_published_and_explained(
    make_page, axe, personas, round_world
):
    lab, greenhouse = round_world
    problems = []

    # The coordinator creates the round; ranking opens at once.
    coordinator = _open(make_page, problems)
    _sign_in(coordinator, axe, "coordinator_district")
    coordinator.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Match rounds"
    ).click()
    coordinator.wait_for_load_state()
    axe.check(coordinator)
    coordinator.get_by_role("link", name="New match round").click()
    coordinator.wait_for_load_state()
    axe.check(coordinator)
    coordinator.get_by_label("Round name").fill("Spring internships")
    coordinator.get_by_label("Cedar Labs").check()
    coordinator.get_by_label("Leave out students who already have a current placement").uncheck()
    coordinator.get_by_label("First priority").select_option(
        label="CTE concentrator in the opportunity's career cluster"
    )
    coordinator.get_by_label("Lottery seed").fill("7")
    coordinator.get_by_role("button", name="Create round").click()
    coordinator.wait_for_load_state()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Spring internships")
    expect(coordinator.locator("#messages")).to_contain_text("Round “Spring internships” created")
    expect(coordinator.locator(".facts")).to_contain_text("(open now)")
    axe.check(coordinator)
    match_round = MatchRound.objects.get(name="Spring internships")
    assert set(match_round.opportunities.all()) == {lab, greenhouse}
    assert set(match_round.eligible_students.all()) == {personas.student_a, personas.student_b}

    # Ben ranks only the lab seat (through the service: his page is not what is under test).
    round_services.set_rankings(
        match_round,
        student=personas.student_b,
        opportunity_ids=[lab.pk],
        actor=personas.student_b_user,
    )

    # Ava ranks at phone width with the keyboard alone: add both, then move the lab up.
    student = _open(make_page, problems, width=390, height=844)
    _sign_in(student, axe, "student_a")
    student.goto(f"/rounds/{match_round.pk}/rank/")
    expect(student.get_by_role("heading", level=1)).to_have_text(
        "Rank opportunities: Spring internships"
    )
    axe.check(student)
    _tab_to(student, "Add to my list: Greenhouse aide")
    _press_and_wait(student, "Enter")
    expect(student.locator("#messages")).to_contain_text("Added to your list.")
    axe.check(student)
    _tab_to(student, "Add to my list: Lab assistant")
    _press_and_wait(student, "Space")
    expect(student.locator(".ranking li")).to_have_count(2)
    axe.check(student)
    _tab_to(student, "Move up: Lab assistant")
    _press_and_wait(student, "Enter")
    expect(student.locator("#messages")).to_contain_text("Moved up.")
    choices = student.locator(".ranking li .ranking__title strong")
    expect(choices).to_have_text(["Lab assistant", "Greenhouse aide"])
    expect(student.get_by_role("heading", name="My list (2 of 10)")).to_be_visible()
    _fits_the_screen(student)
    screenshot(student, "rounds-rank-390")
    axe.check(student)
    assert list(
        match_round.rankings.filter(student=personas.student_a)
        .order_by("rank")
        .values_list("opportunity__title", flat=True)
    ) == ["Lab assistant", "Greenhouse aide"]

    # The coordinator closes ranking and runs both modes.
    coordinator.reload()
    axe.check(coordinator)
    coordinator.get_by_role("button", name="Close ranking now").click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("#messages")).to_contain_text("Ranking is closed.")
    axe.check(coordinator)
    expect(
        coordinator.get_by_role("radio", name="Both modes, to compare them side by side")
    ).to_be_checked()
    coordinator.get_by_role("button", name="Run the round").click()
    coordinator.wait_for_load_state()

    # The compare page shows both results side by side.
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Compare results")
    expect(coordinator.locator("#messages")).to_contain_text("2 runs started.")
    table = coordinator.get_by_role("table", name="Headline figures, newest run of each mode")
    expect(table.get_by_role("columnheader")).to_have_text(
        ["Figure", "Stable (deferred acceptance)", "Most students placed"]
    )
    expect(table.get_by_role("row", name=re.compile("^Placed"))).to_have_text(
        re.compile(r"Placed\s*2\s*2")
    )
    axe.check(coordinator)

    coordinator.get_by_role("link", name="Publish stable (deferred acceptance) result").click()
    coordinator.wait_for_load_state()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        "Publish the stable (deferred acceptance) result"
    )
    axe.check(coordinator)
    coordinator.get_by_role("button", name="Publish 2 placements").click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("#messages")).to_contain_text("Published: 2 proposed placements.")
    axe.check(coordinator)
    match_round.refresh_from_db()
    assert match_round.status == MatchRound.Status.PUBLISHED
    assert match_round.published_run.mode == MatchRound.Mode.STABLE
    assert set(
        Placement.objects.filter(match_round=match_round).values_list(
            "student__first_name", "opportunity__title", "status"
        )
    ) == {
        ("Ava", "Greenhouse aide", Placement.Status.PROPOSED),
        ("Ben", "Lab assistant", Placement.Status.PROPOSED),
    }

    # Ava reads her result and why her first choice went to someone else.
    student.goto(f"/rounds/{match_round.pk}/my-result/")
    expect(student.get_by_role("heading", level=1)).to_have_text("My result: Spring internships")
    expect(student.locator(".callout")).to_have_text(
        re.compile(
            r"You were matched to\s+Greenhouse aide at Cedar Labs:\s+choice 2 on your list\."
        )
    )
    why = student.get_by_role("region", name="Why not a higher choice")
    expect(why).to_contain_text("Choice 1: Lab assistant (full)")
    expect(why).to_contain_text(
        "the seats went to CTE concentrators in Healthcare & Human Services, and you are not one there"
    )
    _fits_the_screen(student)
    axe.check(student)

    assert problems == []
