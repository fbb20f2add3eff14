"""Student list filters, constant query counts, the htmx fragment, and what partners may read."""

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories as f

LIST = reverse("students:list")


def names(response):
    return [s.full_name for s in response.context["page_obj"]]


def test_list_filters_by_school_grade_and_search(client, personas):
    f.StudentFactory(school=personas.school_a, first_name="Cleo", last_name="Cedar", grade=10)
    client.force_login(personas.coordinator_district)
    assert sorted(names(client.get(LIST))) == ["Ava Alder", "Ben Birch", "Cleo Cedar"]
    assert sorted(names(client.get(LIST, {"school": personas.school_b.pk}))) == ["Ben Birch"]
    assert names(client.get(LIST, {"grade": 10})) == ["Cleo Cedar"]
    assert names(client.get(LIST, {"q": "ced"})) == ["Cleo Cedar"]
    assert names(client.get(LIST, {"q": personas.student_a.student_number})) == ["Ava Alder"]


def test_school_filter_offers_only_schools_in_scope(client, personas):
    client.force_login(personas.coordinator_a)
    response = client.get(LIST)
    assert list(response.context["form"].fields["school"].queryset) == [personas.school_a]
    # Asking for another school's students by URL finds nothing rather than leaking them.
    response = client.get(LIST, {"school": personas.school_b.pk})
    assert response.status_code == 200 and "Ben Birch" not in response.content.decode()


def test_bad_filter_values_are_ignored_not_errors(client, personas):
    client.force_login(personas.coordinator_district)
    response = client.get(LIST, {"grade": "banana", "school": "x", "page": "zzz"})
    assert response.status_code == 200
    assert len(names(response)) == 2


def test_list_is_paginated_at_fifty(client, personas):
    for _ in range(51):
        f.StudentFactory(school=personas.school_a)
    client.force_login(personas.coordinator_a)
    response = client.get(LIST)
    assert len(response.context["page_obj"]) == 50
    assert "Page 1 of 2" in response.content.decode()
    assert len(client.get(LIST, {"page": 2}).context["page_obj"]) == 2


def test_htmx_request_for_results_returns_only_the_fragment(client, personas):
    client.force_login(personas.coordinator_district)
    response = client.get(LIST, {"grade": 12}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    html = response.content.decode()
    assert "<html" not in html and "<table" in html and "Ava Alder" in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow_with_rows(
    client, personas, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        f.StudentFactory(school=personas.school_a)
    client.force_login(personas.coordinator_district)
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["page_obj"]) == rows + 2


@pytest.mark.parametrize("rows", [3, 30])
def test_partner_list_query_count_does_not_grow_with_rows(
    client, personas, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        f.PlacementFactory(
            opportunity=personas.opportunity_p, student=f.StudentFactory(school=personas.school_a)
        )
    client.force_login(personas.partner_admin_p)
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["page_obj"]) == rows + 1


def test_staff_see_the_full_record(client, personas):
    f.StudentInterestFactory(student=personas.student_a)
    client.force_login(personas.coordinator_a)
    response = client.get(reverse("students:detail", args=[personas.student_a.pk]))
    html = response.content.decode()
    assert response.context["full_record"] is True
    assert personas.student_a.student_number in html
    assert "Birth date" in html and "Gail Alder" in html and "Digital Technology" in html


def test_mentor_sees_a_summary_without_private_fields(client, personas):
    personas.student_a.email = "ava@student.example.org"
    personas.student_a.birth_date = dt.date(2009, 3, 14)
    personas.student_a.save()
    f.StudentInterestFactory(student=personas.student_a)
    client.force_login(personas.mentor_p)
    html = client.get(reverse("students:detail", args=[personas.student_a.pk])).content.decode()
    assert "Ava Alder" in html and "Alder High" in html
    for private in (
        personas.student_a.student_number,
        "Birth date",
        "Mar 14, 2009",
        "Gail Alder",
        "ava@student.example.org",
        "Digital Technology",
    ):
        assert private not in html


def test_partner_sees_contact_and_interests_when_the_student_shares_them(client, personas):
    personas.student_a.email = "ava@student.example.org"
    personas.student_a.shares_profile_with_partners = True
    personas.student_a.save()
    f.StudentInterestFactory(student=personas.student_a)
    client.force_login(personas.partner_admin_p)
    html = client.get(reverse("students:detail", args=[personas.student_a.pk])).content.decode()
    assert "ava@student.example.org" in html and "Digital Technology" in html
    assert "Birth date" not in html and "Gail Alder" not in html


def test_student_detail_lists_only_placements_the_viewer_may_see(client, personas):
    other = f.PlacementFactory(student=personas.student_a, opportunity=personas.opportunity_q)
    client.force_login(personas.mentor_p)
    response = client.get(reverse("students:detail", args=[personas.student_a.pk]))
    assert [p.pk for p in response.context["placements"]] == [personas.placement_a.pk]
    assert other.opportunity.title not in response.content.decode()


def test_guardian_sees_their_childs_full_record(client, personas):
    client.force_login(personas.guardian_a)
    response = client.get(reverse("students:detail", args=[personas.student_a.pk]))
    assert response.context["full_record"] is True
