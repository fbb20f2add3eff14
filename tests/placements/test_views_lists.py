"""Placement list filters, detail, and constant query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories as f
from trellis.hours.models import HourLog
from trellis.placements.models import Agreement, Placement, Signature

LIST = reverse("placements:list")


def students(response):
    return sorted(p.student.full_name for p in response.context["page_obj"])


@pytest.fixture
def more(personas):
    term = f.TermFactory(school_year=f.SchoolYearFactory(district=personas.district))
    dept_opportunity = f.OpportunityFactory(
        partner=personas.department,
        title="Help desk aide",
        term=term,
        cluster=f.cluster("healthcare-human-services"),
    )
    cleo = f.StudentFactory(school=personas.school_a, first_name="Cleo", last_name="Cedar")
    f.PlacementFactory(student=cleo, opportunity=dept_opportunity, status=Placement.Status.PROPOSED)
    personas.term = term
    return personas


def test_list_filters_by_status_school_partner_cluster_term_and_search(client, more):
    client.force_login(more.coordinator_district)
    assert students(client.get(LIST)) == ["Ava Alder", "Ben Birch", "Cleo Cedar"]
    assert students(client.get(LIST, {"status": "proposed"})) == ["Cleo Cedar"]
    assert students(client.get(LIST, {"school": more.school_b.pk})) == ["Ben Birch"]
    assert students(client.get(LIST, {"partner": more.partner_p.pk})) == ["Ava Alder"]
    assert students(client.get(LIST, {"cluster": "healthcare-human-services"})) == [
        "Ava Alder",
        "Cleo Cedar",
    ]
    assert students(client.get(LIST, {"term": more.term.pk})) == ["Cleo Cedar"]
    assert students(client.get(LIST, {"q": "ceda"})) == ["Cleo Cedar"]


def test_filter_choices_stay_in_scope(client, more):
    client.force_login(more.other_coordinator)
    form = client.get(LIST).context["form"]
    assert more.partner_p not in form.fields["partner"].queryset
    assert more.term not in form.fields["term"].queryset
    assert more.school_a not in form.fields["school"].queryset


def test_school_coordinator_lists_only_their_school(client, more):
    client.force_login(more.coordinator_b)
    assert students(client.get(LIST)) == ["Ben Birch"]
    # Another school is not a choice: the filter reports it and the list stays in scope.
    response = client.get(LIST, {"school": more.school_a.pk})
    assert students(response) == ["Ben Birch"]
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow_with_rows(
    client, personas, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        f.PlacementFactory(
            opportunity=personas.opportunity_p,
            student=f.StudentFactory(school=personas.school_a),
            mentor=personas.mentor_p_record,
        )
    client.force_login(personas.coordinator_district)
    with django_assert_max_num_queries(11):
        response = client.get(LIST)
    assert len(response.context["page_obj"]) == rows + 2


def test_htmx_pagination_and_filters_refresh_only_results(client, personas):
    client.force_login(personas.coordinator_district)
    response = client.get(
        LIST, {"status": "active"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    html = response.content.decode()
    assert "<main" not in html and "Ava Alder" in html and "2 placements" in html


def test_detail_shows_hours_agreements_and_signatures(client, personas):
    placement = personas.placement_a
    f.HourLogFactory(placement=placement, status=HourLog.Status.APPROVED)
    f.HourLogFactory(placement=placement, hours="2.50")
    agreement = Agreement.objects.create(
        placement=placement,
        kind=Agreement.Kind.TRAINING_AGREEMENT,
        title="Training agreement",
        body="We agree.",
        required_signers=["student", "mentor"],
    )
    Signature.objects.create(
        agreement=agreement,
        role="student",
        signer=personas.student_a_user,
        typed_name="Ava Alder",
        signed_text="We agree.",
        signed_text_sha256="x" * 64,
    )
    client.force_login(personas.mentor_p)
    response = client.get(reverse("placements:detail", args=[placement.pk]))
    html = response.content.decode()
    assert "4.00 h" in html and "2.50 h" in html
    assert (
        "Training agreement" in html
        and "Ava Alder (student)" in html
        and "2 required, 1 signed" in html
    )


def _withdraw(placement, user):
    placement.transition_to(Placement.Status.WITHDRAWN)
    placement.withdrawn_by = user
    placement.withdrawal_initiator = Placement.Initiator.PARTNER
    placement.withdrawal_reason = Placement.WithdrawalReason.SCHEDULE
    placement.withdrawal_note = "Clinic hours changed."
    placement.partner_relationship_note = "Keen to host again next term."
    placement.save()


def test_partner_relationship_note_is_for_staff_only(client, personas):
    _withdraw(personas.placement_a, personas.coordinator_a)
    url = reverse("placements:detail", args=[personas.placement_a.pk])
    client.force_login(personas.coordinator_a)
    html = client.get(url).content.decode()
    assert "Keen to host again" in html and "Clinic hours changed." in html
    client.force_login(personas.mentor_p)
    html = client.get(url).content.decode()
    assert "Keen to host again" not in html and "Clinic hours changed." in html
    client.force_login(personas.student_a_user)
    html = client.get(url).content.decode()
    assert "Schedule conflict" in html and "Clinic hours changed." not in html


@pytest.mark.parametrize("rows", [3, 30])
def test_detail_query_count_does_not_grow_with_rows(
    client, personas, django_assert_max_num_queries, rows
):
    placement = personas.placement_a
    for i in range(rows):
        f.HourLogFactory(placement=placement, date=dt.date(2027, 2, 1) + dt.timedelta(days=i))
    for kind in Agreement.Kind.values[: min(rows, 4)]:
        agreement = Agreement.objects.create(placement=placement, kind=kind, title=kind, body="b")
        Signature.objects.create(
            agreement=agreement,
            role="student",
            typed_name="Ava",
            signed_text="b",
            signed_text_sha256="x",
        )
    client.force_login(personas.coordinator_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("placements:detail", args=[placement.pk]))
    assert response.status_code == 200
