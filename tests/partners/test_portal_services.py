"""Partner-portal services: profile, worksites, inviting mentors, background checks."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from tests import factories as f
from tests.partners.portal_support import department_admin, partner_admin_q
from trellis.accounts.models import Membership, Role, User
from trellis.core.models import AuditEvent, Notification
from trellis.partners import services
from trellis.partners.models import Mentor


def test_admin_updates_the_profile_and_it_is_audited(personas):
    services.update_partner_profile(
        partner=personas.partner_p,
        actor=personas.partner_admin_p,
        fields={"description": "Family clinic", "phone": "555-0100"},
    )
    personas.partner_p.refresh_from_db()
    assert personas.partner_p.description == "Family clinic"
    event = AuditEvent.objects.get(action="partner.updated")
    assert sorted(event.data["fields"]) == ["description", "phone"]


def test_profile_refuses_other_partners_and_the_partners_kind(personas):
    with pytest.raises(PermissionDenied):
        services.update_partner_profile(
            partner=personas.partner_q, actor=personas.partner_admin_p, fields={"phone": "1"}
        )
    with pytest.raises(services.PartnerRefused):
        services.update_partner_profile(
            partner=personas.partner_p,
            actor=personas.partner_admin_p,
            fields={"kind": "district_department"},
        )


def test_worksites_need_an_address_unless_virtual(personas):
    with pytest.raises(services.PartnerRefused, match="street address"):
        services.add_worksite(
            partner=personas.partner_p,
            actor=personas.partner_admin_p,
            fields={"name": "Annex", "is_virtual": False, "address": ""},
        )
    virtual = services.add_worksite(
        partner=personas.partner_p,
        actor=personas.partner_admin_p,
        fields={"name": "Telehealth", "is_virtual": True},
    )
    assert virtual.partner == personas.partner_p
    assert AuditEvent.objects.filter(action="worksite.added").count() == 1


def test_moving_a_worksite_forgets_its_old_coordinates(personas):
    site = f.WorksiteFactory(partner=personas.partner_p, latitude=38.5, longitude=-77.5)
    services.update_worksite(
        worksite=site,
        actor=personas.partner_admin_p,
        fields={"address": "2 Elm St", "city": "Leesburg", "zip_code": "20175"},
    )
    site.refresh_from_db()
    # Not the old exact point: the new ZIP code's centre, marked approximate.
    assert site.address == "2 Elm St"
    assert (site.latitude, site.longitude) == (39.042, -77.6054)
    assert site.location_is_approximate
    with pytest.raises(PermissionDenied):
        services.update_worksite(
            worksite=site, actor=partner_admin_q(personas), fields={"name": "X"}
        )


# --- Mentors -----------------------------------------------------------------------------------


def test_inviting_a_new_mentor_creates_an_account_without_password_and_emails_a_link(
    personas, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mentor = services.invite_mentor(
            partner=personas.partner_p,
            actor=personas.partner_admin_p,
            first_name="Nia",
            last_name="Nurse",
            email="nia@pine.example",
            title="Nurse manager",
        )
    user = mentor.user
    assert not user.has_usable_password()
    assert Membership.objects.filter(
        user=user, role=Role.MENTOR, partner=personas.partner_p, district=personas.district
    ).exists()
    assert AuditEvent.objects.get(action="mentor.invited").data["new_account"] is True
    (message,) = mail.outbox
    assert message.to == ["nia@pine.example"] and "Pine Health Clinic" in message.subject
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)
    # The link from Django's password-reset machinery lets the mentor choose a password.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    set_url = response.redirect_chain[-1][0]
    response = client.post(
        set_url,
        {"new_password1": "clinic-garden-92-lamp", "new_password2": "clinic-garden-92-lamp"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.has_usable_password()


def test_district_staff_added_as_a_department_mentor_keep_their_account(personas):
    staff = f.UserFactory(username="it_tech", email="tech@maple.k12.example")
    admin = department_admin(personas)
    mentor = services.invite_mentor(
        partner=personas.department,
        actor=admin,
        first_name="Ignored",
        last_name="Name",
        email="TECH@maple.k12.example",
    )
    assert mentor.user == staff and staff.has_usable_password()
    assert User.objects.filter(email__iexact="tech@maple.k12.example").count() == 1
    assert Notification.objects.filter(user=staff, verb="mentor.added").exists()
    assert AuditEvent.objects.get(action="mentor.added").data["new_account"] is False


def test_inviting_the_same_mentor_twice_is_refused(personas):
    with pytest.raises(services.PartnerRefused, match="already a mentor"):
        services.invite_mentor(
            partner=personas.partner_p,
            actor=personas.partner_admin_p,
            first_name="Morgan",
            last_name="Persona",
            email=personas.mentor_p.email,
        )


def test_only_the_partners_admin_invites_mentors(personas):
    for actor in (personas.mentor_p, partner_admin_q(personas), personas.coordinator_district):
        with pytest.raises(PermissionDenied):
            services.invite_mentor(
                partner=personas.partner_p,
                actor=actor,
                first_name="A",
                last_name="B",
                email="ab@example.org",
            )
    assert not Mentor.objects.filter(user__email="ab@example.org").exists()


def test_background_check_is_recorded_by_coordinators_only(personas):
    mentor = personas.mentor_p_record
    with pytest.raises(PermissionDenied):
        services.record_background_check(
            mentor=mentor, actor=personas.partner_admin_p, checked_on=dt.date(2026, 9, 1)
        )
    with pytest.raises(PermissionDenied):
        services.record_background_check(
            mentor=mentor, actor=personas.other_coordinator, checked_on=dt.date(2026, 9, 1)
        )
    services.record_background_check(
        mentor=mentor, actor=personas.coordinator_district, checked_on=dt.date(2026, 9, 1)
    )
    mentor.refresh_from_db()
    assert mentor.background_check_date == dt.date(2026, 9, 1)
    event = AuditEvent.objects.get(action="mentor.background_check_recorded")
    assert event.data == {"from": "2026-07-01", "to": "2026-09-01"}


def test_a_school_coordinator_cannot_record_or_clear_a_background_check(personas):
    """Issue 15 point 6: the page says only district coordinators may; the table now agrees."""
    mentor = personas.mentor_p_record
    for actor in (personas.coordinator_a, personas.coordinator_b, personas.counselor_a):
        for checked_on in (None, dt.date(2026, 9, 1)):
            with pytest.raises(PermissionDenied):
                services.record_background_check(mentor=mentor, actor=actor, checked_on=checked_on)
    mentor.refresh_from_db()
    assert mentor.background_check_date == dt.date(2026, 7, 1)
    services.record_background_check(mentor=mentor, actor=personas.district_admin, checked_on=None)
    mentor.refresh_from_db()
    assert mentor.background_check_date is None


def test_background_check_cannot_be_in_the_future(personas):
    with pytest.raises(services.PartnerRefused):
        services.record_background_check(
            mentor=personas.mentor_p_record,
            actor=personas.coordinator_district,
            checked_on=dt.date(2099, 1, 1),
        )
