"""District staff: district administrators invite coordinators and counselors and take roles away.

Everyone else (coordinators included) gets a 404; an administrator never reaches another
district's staff, nor gives a role at another district's school.
"""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests import factories as f
from trellis.accounts import staff
from trellis.accounts.models import Membership, Role, User
from trellis.core.models import AuditEvent, Notification

NOT_ADMINS = [
    "coordinator_district",
    "coordinator_a",
    "counselor_a",
    "mentor_p",
    "partner_admin_p",
    "student_a_user",
    "guardian_a",
    "other_coordinator",
]


def invite(personas, **extra):
    fields = {
        "district": personas.district,
        "actor": personas.district_admin,
        "first_name": "Nia",
        "last_name": "Okafor",
        "email": "nia.okafor@maple.example.org",
        "role": Role.COORDINATOR,
        "school": personas.school_b,
    }
    return staff.invite_staff(**{**fields, **extra})


# --- the service ---------------------------------------------------------------------------


def test_a_new_coordinator_gets_an_account_a_role_and_a_password_link(
    personas, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = invite(personas)
    user = membership.user
    assert (user.username, user.get_full_name()) == ("nia.okafor@maple.example.org", "Nia Okafor")
    assert not user.has_usable_password()
    assert (membership.role, membership.school, membership.district) == (
        Role.COORDINATOR,
        personas.school_b,
        personas.district,
    )
    event = AuditEvent.objects.get(action="staff.invited")
    assert event.actor == personas.district_admin and event.data["new_account"] is True
    [message] = mail.outbox
    assert message.to == ["nia.okafor@maple.example.org"]
    assert "WBL coordinator for Birch High" in message.subject
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    # The link lets her choose a password, then she signs in and sees her school's students.
    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0]
    client.post(
        form_url,
        {"new_password1": "a-long-pass-phrase-77", "new_password2": "a-long-pass-phrase-77"},
    )
    user.refresh_from_db()
    assert user.check_password("a-long-pass-phrase-77")
    client.force_login(user)
    students = client.get(reverse("students:list"))
    assert personas.student_b in students.context["page_obj"].object_list
    assert personas.student_a not in students.context["page_obj"].object_list


def test_someone_with_an_account_keeps_it_and_is_told(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership = invite(personas, email="MENTOR_P@example.org", role=Role.COUNSELOR)
    assert membership.user == personas.mentor_p
    assert Notification.objects.get(verb="staff.added").user == personas.mentor_p
    assert AuditEvent.objects.get(action="staff.role_added").data["new_account"] is False
    assert mail.outbox[0].subject.startswith("Trellis: You are now Counselor for Birch High")


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"first_name": " "}, "Give the person's first name, last name and e-mail address."),
        ({"role": Role.MENTOR}, "Choose a district administrator, coordinator or counselor role."),
        (
            {"role": Role.DISTRICT_ADMIN},
            "Only coordinators and counselors can be limited to one school.",
        ),
    ],
)
def test_the_service_refuses_what_the_rules_forbid(personas, extra, message):
    with pytest.raises(staff.StaffRefused, match=re.escape(message)):
        invite(personas, **extra)
    assert not User.objects.filter(email="nia.okafor@maple.example.org").exists()


def test_no_role_at_another_districts_school_and_no_duplicate_role(personas):
    other_school = f.SchoolFactory(district=personas.other_district, name="Oak Middle")
    with pytest.raises(staff.StaffRefused, match="Oak Middle is not a school of Maple Valley"):
        invite(personas, school=other_school)
    invite(personas)
    with pytest.raises(staff.StaffRefused, match="already has this role"):
        invite(personas)
    assert Membership.objects.filter(user__email="nia.okafor@maple.example.org").count() == 1


@pytest.mark.parametrize("who", NOT_ADMINS)
def test_only_the_districts_administrators_may_invite(personas, who):
    with pytest.raises(PermissionDenied):
        invite(personas, actor=getattr(personas, who))
    with pytest.raises(PermissionDenied):
        invite(personas, district=personas.other_district, school=None)


def test_removing_the_last_role_switches_the_account_off(personas):
    membership = invite(personas)
    second = invite(personas, role=Role.COUNSELOR, school=None)
    staff.remove_staff_role(membership=membership, actor=personas.district_admin)
    assert membership.user.is_active  # still a counselor
    staff.remove_staff_role(membership=second, actor=personas.district_admin)
    user = User.objects.get(email="nia.okafor@maple.example.org")
    assert not user.is_active and not user.memberships.exists()
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["staff.role_removed", "staff.role_removed", "account.deactivated"]
    # Coming back later: the same account is switched on again.
    again = invite(personas)
    assert again.user == user and User.objects.get(pk=user.pk).is_active


def test_an_administrator_cannot_remove_their_own_admin_role(personas):
    own = Membership.objects.get(user=personas.district_admin, role=Role.DISTRICT_ADMIN)
    with pytest.raises(staff.StaffRefused, match="cannot remove your own administrator role"):
        staff.remove_staff_role(membership=own, actor=personas.district_admin)
    assert Membership.objects.filter(pk=own.pk).exists()


def test_a_new_password_link_only_while_none_is_set(personas, django_capture_on_commit_callbacks):
    membership = invite(personas)
    with django_capture_on_commit_callbacks(execute=True):
        staff.resend_staff_invitation(membership=membership, actor=personas.district_admin)
    assert len(mail.outbox) == 1 and "set your Trellis password" in mail.outbox[0].subject
    coordinator = Membership.objects.get(user=personas.coordinator_a)
    with pytest.raises(staff.StaffRefused, match="has already set a password"):
        staff.resend_staff_invitation(membership=coordinator, actor=personas.district_admin)


# --- the pages -----------------------------------------------------------------------------


def test_the_staff_page_lists_the_districts_staff_only(client, personas):
    client.force_login(personas.district_admin)
    page = client.get(reverse("accounts:staff"))
    users = {m.user for m in page.context["page_obj"].object_list}
    assert {personas.coordinator_a, personas.coordinator_b, personas.counselor_a} <= users
    assert personas.other_coordinator not in users
    assert personas.mentor_p not in users  # partners manage their own people
    assert b"District staff" in client.get(reverse("core:home")).content  # in the navigation


@pytest.mark.parametrize("who", NOT_ADMINS)
def test_the_staff_pages_are_404_for_everyone_else(client, personas, who):
    client.force_login(getattr(personas, who))
    coordinator = Membership.objects.get(user=personas.coordinator_a)
    assert client.get(reverse("accounts:staff")).status_code == 404
    assert client.get(reverse("accounts:staff_invite")).status_code == 404
    assert client.post(reverse("accounts:staff_remove", args=[coordinator.pk])).status_code == 404
    assert Membership.objects.filter(pk=coordinator.pk).exists()


def test_another_districts_role_is_404_to_an_administrator(client, personas):
    other = Membership.objects.get(user=personas.other_coordinator)
    client.force_login(personas.district_admin)
    assert client.post(reverse("accounts:staff_remove", args=[other.pk])).status_code == 404
    assert client.post(reverse("accounts:staff_resend", args=[other.pk])).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_inviting_from_the_page_and_errors_said_on_the_form(client, personas):
    client.force_login(personas.district_admin)
    url = reverse("accounts:staff_invite")
    data = {
        "first_name": "Nia",
        "last_name": "Okafor",
        "email": "nia.okafor@maple.example.org",
        "district": personas.district.pk,
        "role": Role.DISTRICT_ADMIN,
        "school": personas.school_a.pk,
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Only coordinators and counselors can be limited to one school." in refused.content.decode()
    data["role"] = Role.COUNSELOR
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == reverse("accounts:staff")
    membership = Membership.objects.get(user__email="nia.okafor@maple.example.org")
    assert (membership.role, membership.school) == (Role.COUNSELOR, personas.school_a)
    page = client.get(reverse("accounts:staff"))
    assert "Invited, no password yet" in page.content.decode()


def test_removing_from_the_page(client, personas):
    client.force_login(personas.district_admin)
    coordinator = Membership.objects.get(user=personas.coordinator_b)
    response = client.post(reverse("accounts:staff_remove", args=[coordinator.pk]), follow=True)
    assert "their account is switched off" in response.content.decode()
    personas.coordinator_b.refresh_from_db()
    assert not personas.coordinator_b.is_active


def test_the_staff_page_query_count_does_not_grow(client, personas, django_assert_max_num_queries):
    client.force_login(personas.district_admin)
    client.get(reverse("accounts:staff"))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("accounts:staff"))
    for i in range(12):
        invite(personas, email=f"staff{i}@maple.example.org", first_name=f"S{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("accounts:staff"))
    assert page.context["page_obj"].paginator.count >= 16
