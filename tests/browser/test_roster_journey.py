"""A district coordinator imports the SIS roster: upload -> preview -> confirm -> history, axe on each page."""

import pytest
from playwright.sync_api import expect

from tests.browser.journey import click, open_page, sign_in
from tests.rostering import samples
from trellis.rostering.models import RosterImport
from trellis.students.models import Student

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_uploads_previews_confirms_and_sees_the_history(make_page, axe, personas, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    users = [list(r) for r in samples.USERS_11]
    users[2][4] = "org-nowhere"  # one refused row, so the explicit "import the rest" choice shows
    zip_path = tmp_path / "aeries-export.zip"
    zip_path.write_bytes(samples.sample_11(users=users))

    problems = []
    page = open_page(make_page, problems)
    sign_in(page, axe, "coordinator_district")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Roster imports").click()
    page.wait_for_load_state()
    axe.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Roster imports")

    page.get_by_label("OneRoster ZIP").set_input_files(str(zip_path))
    click(page, axe, "button", "Upload and check")
    expect(page.get_by_role("heading", level=1)).to_have_text("aeries-export.zip")
    expect(page.locator("#import-state")).to_contain_text("Ready to confirm")
    preview = page.get_by_role("table", name="What the import would do")
    expect(preview.get_by_role("row", name="Students")).to_contain_text("1")
    expect(page.get_by_role("heading", name="1 refused row")).to_be_visible()
    expect(page.get_by_text("no org with sourcedId 'org-nowhere'")).to_be_visible()
    assert not Student.objects.filter(sourced_id__isnull=False).exists()

    page.get_by_label("Import the rest and leave the refused rows out").check()
    click(page, axe, "button", "Confirm and import")
    expect(page.locator("#import-state")).to_contain_text("Imported")
    expect(page.get_by_role("table", name="What the import wrote")).to_be_visible()
    assert Student.objects.filter(sourced_id="stu-1", district=personas.district).exists()

    click(page, axe, "link", "All roster imports")
    row = page.get_by_role("row", name="aeries-export.zip")
    expect(row).to_contain_text("Imported")
    assert RosterImport.objects.get().status == RosterImport.Status.DONE
    assert problems == []
