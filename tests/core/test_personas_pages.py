"""Every persona against every detail and list page of the foundation: 200 in scope, 404 outside.

The visibility table below is the contract; a page that shows more than its row allows fails.
"""

import pytest
from django.test import Client
from django.urls import reverse

PERSONAS = [
    "coordinator_a",
    "coordinator_b",
    "mentor_p",
    "mentor_q",
    "partner_admin_p",
    "student_a_user",
    "guardian_a",
    "other_coordinator",
]

# What each persona may open, by page; everything else in the world must 404.
VISIBLE = {
    "coordinator_a": {
        "students": {"student_a"},
        "partners": {"partner_p", "partner_q", "department"},
        "opportunities": {"opportunity_p", "opportunity_q"},
        "placements": {"placement_a"},
    },
    "coordinator_b": {
        "students": {"student_b"},
        "partners": {"partner_p", "partner_q", "department"},
        "opportunities": {"opportunity_p", "opportunity_q"},
        "placements": {"placement_b"},
    },
    "mentor_p": {
        "students": {"student_a"},
        "partners": {"partner_p"},
        "opportunities": {"opportunity_p"},
        "placements": {"placement_a"},
    },
    "mentor_q": {
        "students": {"student_b"},
        "partners": {"partner_q"},
        "opportunities": {"opportunity_q"},
        "placements": {"placement_b"},
    },
    "partner_admin_p": {
        "students": {"student_a"},
        "partners": {"partner_p"},
        "opportunities": {"opportunity_p"},
        "placements": {"placement_a"},
    },
    "student_a_user": {
        "students": {"student_a"},
        "partners": set(),
        "opportunities": {"opportunity_p", "opportunity_q"},
        "placements": {"placement_a"},
    },
    "guardian_a": {
        "students": {"student_a"},
        "partners": set(),
        "opportunities": {"opportunity_p", "opportunity_q"},
        "placements": {"placement_a"},
    },
    "other_coordinator": {
        "students": {"other_student"},
        "partners": {"other_partner"},
        "opportunities": {"other_opportunity"},
        "placements": {"other_placement"},
    },
}


def _objects(w):
    """Every object of the world by page, keyed by the names used in VISIBLE."""
    other_opportunity = w.other_placement.opportunity
    return {
        "students": {
            "student_a": w.student_a,
            "student_b": w.student_b,
            "other_student": w.other_student,
        },
        "partners": {
            "partner_p": w.partner_p,
            "partner_q": w.partner_q,
            "department": w.department,
            "other_partner": other_opportunity.partner,
        },
        "opportunities": {
            "opportunity_p": w.opportunity_p,
            "opportunity_q": w.opportunity_q,
            "other_opportunity": other_opportunity,
        },
        "placements": {
            "placement_a": w.placement_a,
            "placement_b": w.placement_b,
            "other_placement": w.other_placement,
        },
    }


def _label(page, obj):
    """The text a list row shows for the object (a placement row is its student's name)."""
    if page == "students":
        return obj.full_name
    if page == "partners":
        return obj.name
    if page == "opportunities":
        return obj.title
    return obj.student.full_name


@pytest.fixture
def world(personas):
    # The other district's opportunity gets a name no other string contains.
    opportunity = personas.other_placement.opportunity
    opportunity.title = "Oak shop floor"
    opportunity.save()
    return personas


PAGES = ["students", "partners", "opportunities", "placements"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_pages_show_in_scope_and_404_outside(client, world, persona, page):
    client.force_login(getattr(world, persona))
    visible = VISIBLE[persona][page]
    for key, obj in _objects(world)[page].items():
        response = client.get(reverse(f"{page}:detail", args=[obj.pk]))
        expected = 200 if key in visible else 404
        assert response.status_code == expected, f"{persona} → {page}:{key}"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_never_show_out_of_scope_names(client, world, persona, page):
    client.force_login(getattr(world, persona))
    response = client.get(reverse(f"{page}:list"))
    assert response.status_code == 200
    html = response.content.decode()
    visible = VISIBLE[persona][page]
    for key, obj in _objects(world)[page].items():
        label = _label(page, obj)
        if key in visible:
            assert label in html, f"{persona} should see {label} on {page}"
        else:
            assert label not in html, f"{persona} must not see {label} on {page}"


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_users_are_sent_to_login(client, world, page):
    list_url = reverse(f"{page}:list")
    detail_url = reverse(f"{page}:detail", args=[next(iter(_objects(world)[page].values())).pk])
    for url in (list_url, detail_url, reverse("core:home")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_unknown_ids_404(client, world):
    client.force_login(world.coordinator_a)
    for page in PAGES:
        assert client.get(reverse(f"{page}:detail", args=[999999])).status_code == 404


def test_logout_without_csrf_token_is_refused(world):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.coordinator_a)
    response = csrf_client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    # Still signed in: the home page answers instead of redirecting to the login page.
    assert csrf_client.get(reverse("core:home")).status_code == 200


def test_logout_with_csrf_token_signs_out(world):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.coordinator_a)
    csrf_client.get(reverse("core:home"))
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert csrf_client.get(reverse("core:home")).status_code == 302
