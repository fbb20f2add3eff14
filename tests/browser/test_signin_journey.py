"""District SSO and MFA in a real browser: a student through the district's identity provider
(a real OpenID Connect provider running locally), a coordinator with password + TOTP."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from playwright.sync_api import expect

from tests.browser.journey import open_page
from tests.signin import idp
from trellis.signin import services
from trellis.signin.models import Kind, SSOConnection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.mfa_enforced]
SLUG = "maple-valley-browser"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def connection(personas, live_server, tmp_path):
    callback = f"{live_server.url}/auth/sso/{SLUG}/login/callback/"
    directory = [{"email": "student_a@example.org", "first_name": "Ava", "last_name": "Alder"}]
    with idp.running_idp(tmp_path, directory, [callback]) as issuer:
        c = SSOConnection(district=personas.district, kind=Kind.OIDC, label="Maple Valley SSO",
                          slug=SLUG, issuer_url=issuer, client_id=idp.CLIENT_ID,
                          allowed_domains="example.org")
        yield services.save_connection(connection=c, actor=personas.district_admin, secret=idp.CLIENT_SECRET)


def test_a_student_signs_in_through_district_sso(make_page, axe, personas, connection):
    problems = []
    page = open_page(make_page, problems)
    page.goto("/accounts/login/")
    axe.check(page)
    page.get_by_role("button", name="Sign in with Maple Valley SSO").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("District directory")
    page.get_by_label("School e-mail").fill("student_a@example.org")
    page.get_by_label("Password").fill(idp.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/auth/" not in page.url and "/accounts/login" not in page.url, page.url
    axe.check(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert personas.student_a_user.socialaccount_set.get().provider == SLUG
    assert problems == []


def test_a_coordinator_signs_in_with_password_and_totp(make_page, axe, personas):
    TOTP.activate(personas.coordinator_a, SECRET)
    problems = []
    page = open_page(make_page, problems)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("coordinator_a")
    page.get_by_label("Password", exact=True).fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    assert "/auth/2fa/authenticate/" in page.url
    axe.check(page)
    page.get_by_label("Code").fill(format_hotp_value(hotp_value(SECRET, int(time.time()) // 30)))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    axe.check(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/students/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/auth/2fa/" not in page.url
    assert problems == []
