"""MFA for staff (forced enrolment, TOTP, recovery codes, reset) and when sessions end."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, format_hotp_value, hotp_value
from allauth.usersessions.models import UserSession
from django.core import mail
from django.test import Client
from django.urls import reverse

from trellis.accounts import staff
from trellis.core.models import AuditEvent
from trellis.signin import services

PASSWORD = "correct-horse-battery"


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.mfa_enforced
def test_a_coordinator_without_mfa_is_sent_to_set_it_up_before_anything_else(client, personas):
    response = sign_in(client, "coordinator_a")
    assert response.status_code == 302
    response = client.get(reverse("students:list"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=personas.coordinator_a, type="totp").exists()
    # Recovery codes come with it; then the pages open.
    assert Authenticator.objects.filter(user=personas.coordinator_a, type="recovery_codes").exists()
    assert client.get(reverse("students:list")).status_code == 200


@pytest.mark.mfa_enforced
def test_students_mentors_and_guardians_are_not_forced(client, personas):
    for name in ("student_a_user", "mentor_p", "guardian_a", "partner_admin_p"):
        c = Client()
        c.force_login(getattr(personas, name))
        assert c.get(reverse("core:home")).status_code == 200, name


@pytest.mark.mfa_enforced
def test_a_district_can_require_mfa_for_partner_administrators(client, personas):
    services.set_signin_policy(district=personas.district, actor=personas.district_admin,
                               partner_admins_need_mfa=True)
    client.force_login(personas.partner_admin_p)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    assert AuditEvent.objects.filter(action="signin.policy_changed").exists()


def test_a_password_sign_in_with_totp_asks_for_the_code(client, personas):
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(personas.coordinator_a, secret)
    response = sign_in(client, "coordinator_a")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert not client.get(reverse("students:list")).wsgi_request.user.is_authenticated
    assert client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert response.status_code == 302
    assert client.get(reverse("students:list")).status_code == 200


def test_a_recovery_code_signs_in_once(client, personas):
    TOTP.activate(personas.coordinator_a, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    code = RecoveryCodes.activate(personas.coordinator_a).get_unused_codes()[0]
    sign_in(client, "coordinator_a")
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(reverse("students:list")).status_code == 200
    again = Client()
    sign_in(again, "coordinator_a")
    assert again.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200
    assert not again.get(reverse("core:home")).wsgi_request.user.is_authenticated


def test_a_district_admin_resets_a_coordinators_mfa_and_their_sessions_end(client, personas):
    theirs = Client()
    sign_in(theirs, "coordinator_a")
    TOTP.activate(personas.coordinator_a, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert theirs.get(reverse("core:home")).status_code == 200
    client.force_login(personas.district_admin)
    page = client.get(reverse("signin:staff_mfa"))
    assert page.status_code == 200 and "Set up" in page.content.decode()
    membership = personas.coordinator_a.memberships.get()
    response = client.post(reverse("signin:mfa_reset", args=[membership.pk]))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=personas.coordinator_a).exists()
    assert theirs.get(reverse("core:home")).status_code == 302  # signed out
    event = AuditEvent.objects.get(action="signin.mfa_reset")
    assert event.actor == personas.district_admin and event.data["sessions_ended"] == 1


def test_only_district_admins_reset_mfa(client, personas):
    membership = personas.coordinator_b.memberships.get()
    client.force_login(personas.coordinator_a)
    assert client.get(reverse("signin:staff_mfa")).status_code == 404
    assert client.post(reverse("signin:mfa_reset", args=[membership.pk])).status_code == 404
    other = Client()
    other.force_login(personas.other_coordinator)
    assert other.post(reverse("signin:mfa_reset", args=[membership.pk])).status_code == 404


def test_deactivation_ends_the_persons_sessions(client, personas):
    theirs = Client()
    sign_in(theirs, "counselor_a")
    assert UserSession.objects.filter(user=personas.counselor_a).count() == 1
    staff.remove_staff_role(membership=personas.counselor_a.memberships.get(), actor=personas.district_admin)
    assert not UserSession.objects.filter(user=personas.counselor_a).exists()
    assert theirs.get(reverse("core:home")).status_code == 302
    assert AuditEvent.objects.get(action="account.deactivated").data["sessions_ended"] == 1


def test_losing_the_last_membership_anywhere_ends_the_session(client, personas):
    client.force_login(personas.mentor_p)
    assert client.get(reverse("core:home")).status_code == 200
    personas.mentor_p.memberships.all().delete()  # e.g. in the site admin
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert not UserSession.objects.filter(user=personas.mentor_p).exists()


def test_changing_the_password_ends_the_other_sessions(client, personas):
    other = Client()
    other.force_login(personas.coordinator_a)
    sign_in(client, "coordinator_a")
    response = client.post(reverse("account_change_password"), {
        "oldpassword": PASSWORD, "password1": "a-brand-new-pass-42", "password2": "a-brand-new-pass-42"})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert other.get(reverse("core:home")).status_code == 302


def test_a_person_sees_and_ends_their_own_other_sessions(client, personas):
    other = Client()
    sign_in(other, "coordinator_a")
    stranger = Client()
    sign_in(stranger, "coordinator_b")
    sign_in(client, "coordinator_a")
    page = client.get(reverse("usersessions_list"))
    assert page.status_code == 200
    assert len(page.context["sessions"]) == 2
    response = client.post(reverse("usersessions_list"), {"action": "end"})
    assert response.status_code == 302
    assert other.get(reverse("core:home")).status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert stranger.get(reverse("core:home")).status_code == 200


def test_password_reset_e_mails_are_rate_limited_per_address(client, personas, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl-1"}}
    personas.coordinator_a.email = "casey.a@example.org"
    personas.coordinator_a.save()
    for _ in range(3):
        assert client.post(reverse("accounts:password_reset"), {"email": "casey.a@example.org"}).status_code == 302
    response = client.post(reverse("accounts:password_reset"), {"email": "casey.a@example.org"})
    assert response.status_code == 429 and "Too many" in response.content.decode()
    assert len(mail.outbox) == 3


def test_password_reset_e_mails_are_rate_limited_per_ip(client, db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl-2"}}
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "5/h/ip,3/h/key"}
    codes = [client.post(reverse("accounts:password_reset"), {"email": f"n{i}@example.org"}).status_code
             for i in range(6)]
    assert codes == [302] * 5 + [429]
