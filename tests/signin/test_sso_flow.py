"""District SSO end to end against a real OpenID Connect provider running locally.

The provider (trellis.demo.idp, django-oauth-toolkit) runs in its own process with its own
directory; Trellis's test client starts the sign-in, a requests session plays the browser at
the provider, and the callback runs allauth's real code: the authorization code exchanged with
its PKCE verifier, the ID token's signature checked against the provider's keys, the nonce
compared. Nothing of allauth is mocked.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from tests import factories as f
from tests.signin import idp
from trellis.accounts.models import Role
from trellis.core.models import AuditEvent
from trellis.signin import services
from trellis.signin.models import Kind, SSOConnection

SLUG = "maple-valley-test"
DIRECTORY = [
    {"email": "coordinator_a@example.org", "first_name": "Casey", "last_name": "Alder"},
    {"email": "coordinator_b@example.org", "first_name": "Chris", "last_name": "Birch"},
    {"email": "new.student@example.org", "first_name": "Nia", "last_name": "Newton"},
    {"email": "sis.kid@example.org", "first_name": "Sam", "last_name": "Sis",
     "claims": {"student_number": "SIS-0077", "email_verified": False}},
    {"email": "parent.new@example.org", "first_name": "Pat", "last_name": "Parent"},
    {"email": "stranger@example.org", "first_name": "Stan", "last_name": "Ranger"},
    {"email": "kid@elsewhere.example", "first_name": "Kim", "last_name": "Elsewhere"},
]


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    callback = f"http://testserver/auth/sso/{SLUG}/login/callback/"
    with idp.running_idp(tmp_path_factory.mktemp("idp"), DIRECTORY, [callback]) as url:
        yield url


@pytest.fixture
def connection(personas, issuer):
    c = SSOConnection(district=personas.district, kind=Kind.OIDC, label="Maple Valley SSO", slug=SLUG,
                      issuer_url=issuer, client_id=idp.CLIENT_ID, allowed_domains="example.org",
                      sis_id_claim="student_number")
    return services.save_connection(connection=c, actor=personas.district_admin, secret=idp.CLIENT_SECRET)


def sso_sign_in(client, email):
    start = client.post(reverse("district_sso_login", args=[SLUG]))
    assert start.status_code == 302, start.content[:300]
    authorize = start["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"][0]
    back = urlsplit(idp.sign_in_at_idp(authorize, email))
    assert back.path == f"/auth/sso/{SLUG}/login/callback/"
    return client.get(f"{back.path}?{back.query}")


def signed_in_as(client):
    return client.get(reverse("core:home")).wsgi_request.user


def test_a_staff_member_is_matched_by_e_mail_and_linked(client, personas, connection):
    response = sso_sign_in(client, "coordinator_a@example.org")
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert signed_in_as(client) == personas.coordinator_a
    account = SocialAccount.objects.get(provider=SLUG)
    assert account.user == personas.coordinator_a
    assert AuditEvent.objects.filter(action="signin.sso_linked", target_id=str(personas.coordinator_a.pk)).exists()
    # The second time the linked account is used directly.
    client.logout()
    assert sso_sign_in(client, "coordinator_a@example.org").status_code == 302
    assert signed_in_as(client) == personas.coordinator_a
    assert SocialAccount.objects.filter(provider=SLUG).count() == 1


def test_a_rostered_student_without_an_account_gets_one_linked_to_their_record(client, personas, connection):
    student = f.StudentFactory(school=personas.school_a, email="new.student@example.org")
    assert sso_sign_in(client, "new.student@example.org").status_code == 302
    user = signed_in_as(client)
    student.refresh_from_db()
    assert student.user == user and user.email == "new.student@example.org"
    assert user.memberships.get().role == Role.STUDENT
    assert not user.has_usable_password()
    assert client.get(reverse("core:home")).status_code == 200


def test_a_student_is_matched_by_sis_number_when_the_e_mail_is_not_verified(client, personas, connection):
    student = f.StudentFactory(school=personas.school_a, student_number="SIS-0077", email="")
    assert sso_sign_in(client, "sis.kid@example.org").status_code == 302
    student.refresh_from_db()
    assert student.user == signed_in_as(client)


def test_a_guardian_on_a_student_record_is_matched(client, personas, connection):
    link = f.GuardianLinkFactory(student=personas.student_a, email="parent.new@example.org")
    assert sso_sign_in(client, "parent.new@example.org").status_code == 302
    link.refresh_from_db()
    assert link.guardian_user == signed_in_as(client)
    assert link.guardian_user.memberships.get().role == Role.GUARDIAN


@pytest.mark.parametrize(("email", "reason"), [
    ("stranger@example.org", "unmatched"),
    ("kid@elsewhere.example", "domain"),
])
def test_an_unknown_or_wrong_domain_person_is_told_to_ask_their_coordinator(client, personas, connection, email, reason):
    users_before = personas.district.memberships.count()
    response = sso_sign_in(client, email)
    assert response.status_code == 403
    assert "Ask your work-based learning coordinator" in response.content.decode()
    assert not signed_in_as(client).is_authenticated
    event = AuditEvent.objects.get(action="signin.sso_refused")
    assert event.data["reason"] == reason and event.data["email"] == email
    assert event.district == personas.district
    assert personas.district.memberships.count() == users_before
    assert not SocialAccount.objects.exists()


def test_a_switched_off_account_is_refused(client, personas, connection):
    user = personas.coordinator_b
    user.is_active = False
    user.save()
    response = sso_sign_in(client, "coordinator_b@example.org")
    assert response.status_code == 403
    assert AuditEvent.objects.get(action="signin.sso_refused").data["reason"] == "disabled"
    assert not signed_in_as(client).is_authenticated


def test_a_person_of_another_district_is_not_matched(client, personas, connection):
    f.StudentFactory(school=f.SchoolFactory(district=personas.other_district), email="new.student@example.org")
    assert sso_sign_in(client, "new.student@example.org").status_code == 403


def test_a_callback_replayed_into_another_sign_in_is_refused(client, personas, connection):
    """The state (and with it the PKCE verifier and nonce) belongs to one browser's attempt."""
    start = client.post(reverse("district_sso_login", args=[SLUG]))
    back = urlsplit(idp.sign_in_at_idp(start["Location"], "coordinator_a@example.org"))
    other = type(client)()
    response = other.get(f"{back.path}?{back.query}")
    assert not other.get(reverse("core:home")).wsgi_request.user.is_authenticated
    assert response.status_code == 401  # allauth's "sign-in failed" page: no such state here


def test_an_id_token_whose_nonce_is_not_this_attempts_is_refused(client, personas, connection):
    start = client.post(reverse("district_sso_login", args=[SLUG]))
    back = urlsplit(idp.sign_in_at_idp(start["Location"], "coordinator_a@example.org"))
    session = client.session
    states = session["socialaccount_states"]
    for stashed in states.values():
        stashed[0]["nonce"] = "a-nonce-from-another-attempt"
    session["socialaccount_states"] = states
    session.save()
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 403
    assert AuditEvent.objects.get(action="signin.sso_refused").data["reason"] == "nonce"
    assert not signed_in_as(client).is_authenticated


def test_a_student_is_matched_by_oneroster_sourced_id(client, personas, connection):
    student = f.StudentFactory(school=personas.school_a, sourced_id="SIS-0077", email="")
    assert sso_sign_in(client, "sis.kid@example.org").status_code == 302
    student.refresh_from_db()
    assert student.user == signed_in_as(client)
