"""The Django admin is scoped: a district administrator sees and picks only their district's rows."""

from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests import factories as f
from trellis.accounts.models import Role
from trellis.core.admin import DistrictScopedAdmin

TRELLIS_APPS = {
    "core",
    "accounts",
    "districts",
    "students",
    "partners",
    "opportunities",
    "placements",
    "hours",
    "insights",
    "api",
}


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_every_trellis_model_is_registered_with_a_scoped_admin():
    missing, unscoped = [], []
    for model in apps.get_models():
        if model._meta.app_label not in TRELLIS_APPS or model._meta.auto_created:
            continue
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            missing.append(model._meta.label)
        elif not isinstance(model_admin, DistrictScopedAdmin):
            unscoped.append(model._meta.label)
    assert missing == [] and unscoped == []


def test_district_admin_changelists_show_only_their_district(client, personas, district_admin_staff):
    client.force_login(district_admin_staff)
    response = client.get(changelist(personas.student_a))
    assert response.status_code == 200
    shown = set(response.context["cl"].queryset)
    assert shown == {personas.student_a, personas.student_b}
    response = client.get(changelist(personas.placement_a))
    assert set(response.context["cl"].queryset) == {personas.placement_a, personas.placement_b}
    assert "Oak" not in response.content.decode()


def test_district_admin_cannot_open_another_districts_objects(client, personas, district_admin_staff):
    client.force_login(district_admin_staff)
    for obj in (personas.other_student, personas.other_placement, personas.other_district):
        response = client.get(change(obj))
        assert response.status_code in (302, 404), obj
        if response.status_code == 302:
            assert response.url == reverse("admin:index")
    assert client.get(change(personas.student_a)).status_code == 200


def test_district_admin_cannot_change_another_districts_object_by_post(
    client, personas, district_admin_staff
):
    client.force_login(district_admin_staff)
    other = personas.other_student
    client.post(change(other), {"first_name": "Hacked"})
    other.refresh_from_db()
    assert other.first_name == "Olive"


def test_foreign_key_choices_are_limited_to_their_district(client, personas, district_admin_staff):
    client.force_login(district_admin_staff)
    response = client.get(reverse("admin:students_student_add"))
    form = response.context["adminform"].form
    assert set(form.fields["district"].queryset) == {personas.district}
    assert personas.other_student.school not in form.fields["school"].queryset
    assert personas.school_a in form.fields["school"].queryset


def test_cannot_create_a_record_in_another_district(client, personas, district_admin_staff):
    client.force_login(district_admin_staff)
    response = client.post(
        reverse("admin:partners_partner_add"),
        {
            "district": personas.other_district.pk,
            "name": "Sneaky LLC",
            "kind": "business",
            "department": "",
            "worksites-TOTAL_FORMS": 0,
            "worksites-INITIAL_FORMS": 0,
            "mentors-TOTAL_FORMS": 0,
            "mentors-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    assert "Select a valid choice" in response.content.decode()


def test_staff_user_without_district_admin_role_sees_nothing(client, personas):
    staff = f.UserFactory(username="plain_staff", is_staff=True)
    f.MembershipFactory(user=staff, district=personas.district, role=Role.COORDINATOR)
    client.force_login(staff)
    assert client.get(changelist(personas.student_a)).status_code == 403


def test_non_staff_district_admin_is_kept_out_of_the_admin(client, personas):
    client.force_login(personas.district_admin)  # is_staff is False
    response = client.get(changelist(personas.student_a))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_superuser_sees_every_district(client, personas):
    root = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    shown = set(client.get(changelist(personas.student_a)).context["cl"].queryset)
    assert personas.other_student in shown and personas.student_a in shown


def test_district_admin_cannot_grant_superuser_or_see_superusers(client, personas, district_admin_staff):
    f.UserFactory(username="root", is_staff=True, is_superuser=True)
    f.MembershipFactory(
        user=f.UserFactory(username="root"), district=personas.district, role=Role.DISTRICT_ADMIN
    )
    client.force_login(district_admin_staff)
    response = client.get(changelist(personas.coordinator_a))
    usernames = {u.username for u in response.context["cl"].queryset}
    assert (
        "coordinator_a" in usernames
        and "root" not in usernames
        and "other_coordinator" not in usernames
    )
    form = client.get(change(personas.coordinator_a)).context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields


def test_audit_events_are_read_only(client, personas, district_admin_staff):
    from trellis.core.models import AuditAction, AuditEvent

    event = AuditEvent.record(
        actor=district_admin_staff, action=AuditAction.PLACEMENT_CONFIRMED, target=personas.placement_a
    )
    client.force_login(district_admin_staff)
    assert client.get(changelist(event)).status_code == 200
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    response = client.post(change(event), {"action": "changed"})
    event.refresh_from_db()
    assert event.action == "placement.confirmed"
    assert response.status_code in (200, 403)


def test_reference_clusters_are_readable_not_writable_by_district_admins(
    client, personas, district_admin_staff
):
    from trellis.opportunities.models import CareerCluster

    client.force_login(district_admin_staff)
    assert client.get(changelist(CareerCluster)).status_code == 200
    assert client.get(reverse("admin:opportunities_careercluster_add")).status_code == 403


def test_every_admin_page_renders_for_a_district_admin(client, personas, district_admin_staff):
    """Each changelist and add form works (filters, autocompletes, inlines) for a scoped user."""
    client.force_login(district_admin_staff)
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, DistrictScopedAdmin):
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{prefix}_changelist")).status_code == 200, prefix
        assert client.get(reverse(f"{prefix}_add")).status_code in (200, 403), prefix


def test_autocomplete_offers_only_their_districts_students(client, personas, district_admin_staff):
    client.force_login(district_admin_staff)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "placements", "model_name": "placement", "field_name": "student", "term": ""},
    )
    assert response.status_code == 200
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert ids == {personas.student_a.pk, personas.student_b.pk}
