"""The placement lifecycle in a real browser, from proposal to a re-placement after withdrawal.

A coordinator confirms a proposed placement; the coordinator, the student and the mentor sign
in the app and the guardian signs from the e-mailed link; the placement starts only once every
signature is on file; it is withdrawn with who, why and notes, and the student is re-placed.
Every page visited passes axe-core (no serious or critical violations) and the console stays
free of errors, CSP violations included.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.conftest import login
from trellis.placements.agreements import is_minor_on_start
from trellis.placements.models import Placement, Signature, SignerRole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
SIGN_LINK = re.compile(r"https?://\S+?(/lifecycle/sign/\S+?/)(?=\s|$)")


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


def _sign_in_app(page, axe, document, typed_name):
    """From the placement page: open one agreement, read it, type the name, agree, sign."""
    page.get_by_role("link", name=f"Read and sign the {document}").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(document.capitalize())
    axe.check(page)
    page.get_by_label("Type your full name to sign").fill(typed_name)
    page.get_by_label("I have read this document and agree to it.").check()
    page.get_by_role("button", name=f"Sign {document}").click()
    page.wait_for_load_state()
    expect(page.locator("#messages")).to_contain_text(f"Signed: {document.capitalize()}.")
    axe.check(page)


@pytest.fixture
def proposed(personas):
    """A proposed placement of a minor (Ava, 17 on the first day) with a mentor and a guardian who may sign."""
    opportunity = f.OpportunityFactory(
        partner=personas.partner_p,
        title="Pharmacy assistant",
        cluster=f.cluster("healthcare-human-services"),
        mentor=personas.mentor_p_record,
    )
    placement = f.PlacementFactory(
        student=personas.student_a,
        opportunity=opportunity,
        mentor=personas.mentor_p_record,
        status=Placement.Status.PROPOSED,
    )
    assert is_minor_on_start(placement)
    assert personas.student_a.guardian_links.get().can_sign_consent
    return placement


def test_placement_is_confirmed_signed_by_everyone_started_withdrawn_and_replaced(
    make_page, axe, personas, proposed
):
    problems = []
    coordinator = _open(make_page, problems)
    _sign_in(coordinator, axe, "coordinator_district")

    # The board lists the proposed placement under "Proposed".
    coordinator.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Placements"
    ).click()
    coordinator.wait_for_load_state()
    axe.check(coordinator)
    coordinator.locator("#section-proposed").get_by_role("link", name="Ava Alder").click()
    coordinator.wait_for_load_state()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        "Ava Alder at Pharmacy assistant"
    )
    axe.check(coordinator)

    # Confirming issues the agreements; what is missing is listed and the start is disabled.
    coordinator.get_by_role("button", name="Confirm placement").click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("#messages")).to_contain_text("Confirmed: Ava Alder")
    expect(coordinator.get_by_text("Waiting for 8 signatures:")).to_be_visible()
    expect(coordinator.get_by_role("button", name="Start placement")).to_be_disabled()
    assert coordinator.get_by_role("cell", name="Not signed yet").count() == 8
    axe.check(coordinator)

    # The coordinator signs both documents that need a coordinator.
    _sign_in_app(coordinator, axe, "training agreement", "Cody Persona")
    _sign_in_app(coordinator, axe, "training plan", "Cody Persona")
    expect(coordinator.get_by_text("Waiting for 6 signatures:")).to_be_visible()

    # The student signs in the app, in their own session.
    student = _open(make_page, problems)
    _sign_in(student, axe, "student_a")
    student.goto(f"/lifecycle/placements/{proposed.pk}/")
    axe.check(student)
    _sign_in_app(student, axe, "training agreement", "Ava Alder")
    _sign_in_app(student, axe, "training plan", "Ava Alder")
    expect(student.get_by_role("link", name=re.compile("^Read and sign"))).to_have_count(0)

    # So does the mentor.
    mentor = _open(make_page, problems)
    _sign_in(mentor, axe, "mentor_p")
    mentor.goto(f"/lifecycle/placements/{proposed.pk}/")
    axe.check(mentor)
    _sign_in_app(mentor, axe, "training agreement", "Morgan Persona")
    _sign_in_app(mentor, axe, "training plan", "Morgan Persona")

    # The guardian signs from the links e-mailed on confirmation, with no account.
    guardian_link = personas.student_a.guardian_links.get()
    to_guardian = [m for m in mail.outbox if guardian_link.email in m.to]
    assert len(to_guardian) == 1
    paths = [match.group(1) for match in SIGN_LINK.finditer(to_guardian[0].body)]
    assert len(paths) == 2  # the training agreement and the parental consent
    guardian = _open(make_page, problems)
    for path in paths:
        guardian.goto(path)
        expect(guardian.get_by_role("button", name="Sign as Gail Alder")).to_be_visible()
        axe.check(guardian)
        guardian.get_by_label("Type your full name to sign").fill("Gail Alder")
        guardian.get_by_label("I have read this document and agree to it.").check()
        guardian.get_by_role("button", name="Sign as Gail Alder").click()
        guardian.wait_for_load_state()
        expect(guardian.get_by_role("heading", level=1)).to_have_text("Thank you, Gail Alder")
        axe.check(guardian)
    assert urlsplit(guardian.url).path == paths[-1]
    assert (
        Signature.objects.filter(agreement__placement=proposed, role=SignerRole.GUARDIAN).count()
        == 2
    )

    # Every signature is on file: the coordinator can start the placement now.
    coordinator.reload()
    expect(coordinator.get_by_text("Every required signature is on file.")).to_be_visible()
    assert coordinator.get_by_role("cell", name="Not signed yet").count() == 0
    axe.check(coordinator)
    coordinator.get_by_role("button", name="Start placement").click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("#messages")).to_contain_text("Started: Ava Alder")
    expect(coordinator.locator(".facts .status")).to_have_text("Active")
    axe.check(coordinator)
    proposed.refresh_from_db()
    assert proposed.status == Placement.Status.ACTIVE

    # Withdraw: who asked, why, a note, and how the partner relationship stands.
    coordinator.get_by_role("link", name="Withdraw…").click()
    coordinator.wait_for_load_state()
    axe.check(coordinator)
    coordinator.get_by_role("radio", name="Student").check()
    coordinator.get_by_label("Reason").select_option(label="Schedule conflict")
    coordinator.get_by_label(re.compile(r"^Note")).fill(
        "Her team moved practice to weekday mornings."
    )
    coordinator.get_by_label("Partner relationship note").fill(
        "The clinic was flexible; ask again."
    )
    coordinator.get_by_role("button", name="Withdraw placement").click()
    coordinator.wait_for_load_state()

    # The re-place page lists the other open opportunities with a free seat.
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Re-place Ava Alder")
    expect(coordinator.locator("#messages")).to_contain_text("Withdrawn: Ava Alder")
    options = coordinator.locator(".option-list").get_by_role("heading", level=2)
    expect(options).to_have_text(["Junior developer"])
    axe.check(coordinator)
    proposed.refresh_from_db()
    assert proposed.status == Placement.Status.WITHDRAWN
    assert proposed.withdrawal_initiator == Placement.Initiator.STUDENT
    assert proposed.withdrawal_reason == Placement.WithdrawalReason.SCHEDULE
    assert proposed.withdrawal_note == "Her team moved practice to weekday mornings."
    assert proposed.partner_relationship_note == "The clinic was flexible; ask again."
    assert proposed.partner_in_good_standing is True

    coordinator.get_by_role("button", name="Propose Junior developer at Quarry Software").click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator("#messages")).to_contain_text("Proposed a new placement")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        "Ava Alder at Junior developer"
    )
    expect(coordinator.locator(".facts .status")).to_have_text("Proposed")
    axe.check(coordinator)
    new = Placement.objects.get(
        student=personas.student_a,
        opportunity=personas.opportunity_q,
        status=Placement.Status.PROPOSED,
    )
    assert coordinator.url.endswith(f"/lifecycle/placements/{new.pk}/")

    assert problems == []
