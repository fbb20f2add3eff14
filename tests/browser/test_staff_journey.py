"""A district administrator adds a counselor for one school, in a real browser, axe on each page."""

import pytest
from playwright.sync_api import expect

from tests.browser.journey import click, open_page, sign_in
from trellis.accounts.models import Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_admin_adds_a_school_counselor_and_sees_them_listed(make_page, axe, personas):
    problems = []
    page = open_page(make_page, problems)
    sign_in(page, axe, "district_admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="District staff").click()
    page.wait_for_load_state()
    axe.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("District staff")
    click(page, axe, "link", "Add a staff member")

    # First without a name: the error summary says what is missing and links to the field.
    page.get_by_label("E-mail address").fill("rosa.diaz@maple.example.org")
    click(page, axe, "button", "Add and send the invitation")
    expect(page.locator(".error-summary")).to_contain_text("First name: This field is required.")

    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill("Diaz")
    page.get_by_label("Role").select_option(label="Counselor")
    page.get_by_label("School").select_option(label="Alder High")
    click(page, axe, "button", "Add and send the invitation")
    expect(page.locator("#messages")).to_contain_text("Rosa Diaz is now Counselor for Alder High.")
    row = page.get_by_role("row", name="Rosa Diaz")
    expect(row).to_contain_text("Invited, no password yet")
    membership = Membership.objects.get(user__email="rosa.diaz@maple.example.org")
    assert (membership.role, membership.school) == (Role.COUNSELOR, personas.school_a)
    assert problems == []
