"""Lifecycle pages: status codes, 404 outside scope per persona, query counts, the flows end to end."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories as f
from tests.placements.lifecycle_support import (
    confirmed_placement,
    proposed_placement,
    sign_everything,
)
from trellis.placements import services
from trellis.placements.agreements import make_guardian_token
from trellis.placements.lifecycle_views import BOARD_CARDS
from trellis.placements.models import Outcome, Placement, Signature

OUTSIDERS_OF_BOARD = ["student_a_user", "mentor_p", "partner_admin_p", "guardian_a", "counselor_a"]


def login(client, user):
    client.force_login(user)
    return client


# --- Board ---------------------------------------------------------------------------------


def test_school_coordinator_board_shows_only_their_school(client, personas):
    response = login(client, personas.coordinator_a).get(reverse("lifecycle:board"))
    assert response.status_code == 200
    assert (
        reverse("lifecycle:placement", args=[personas.placement_a.pk]) in response.content.decode()
    )
    assert (
        reverse("lifecycle:placement", args=[personas.placement_b.pk])
        not in response.content.decode()
    )


def test_district_coordinator_board_shows_the_whole_district_only(client, personas):
    html = (
        login(client, personas.coordinator_district)
        .get(reverse("lifecycle:board"))
        .content.decode()
    )
    assert reverse("lifecycle:placement", args=[personas.placement_a.pk]) in html
    assert reverse("lifecycle:placement", args=[personas.placement_b.pk]) in html
    assert reverse("lifecycle:placement", args=[personas.other_placement.pk]) not in html


@pytest.mark.parametrize("who", OUTSIDERS_OF_BOARD)
def test_board_is_404_for_everyone_but_coordinators(client, personas, who):
    assert login(client, getattr(personas, who)).get(reverse("lifecycle:board")).status_code == 404


def test_board_needs_sign_in(client, personas):
    response = client.get(reverse("lifecycle:board"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_board_groups_by_status(client, personas):
    proposed_placement(personas)
    response = login(client, personas.coordinator_a).get(reverse("lifecycle:board"))
    counts = {
        s["status"].value: s["page_obj"].paginator.count for s in response.context["sections"]
    }
    assert counts == {"proposed": 1, "confirmed": 0, "active": 1, "completed": 0, "withdrawn": 0}


def test_board_filters_by_partner_school_cluster_and_term(client, personas):
    term = f.TermFactory(school_year=f.SchoolYearFactory(district=personas.district))
    in_term = f.PlacementFactory(
        student=personas.student_b,
        opportunity=f.OpportunityFactory(partner=personas.partner_p, term=term),
    )
    client = login(client, personas.coordinator_district)

    def shown(**params):
        response = client.get(reverse("lifecycle:board"), params)
        return {p.pk for s in response.context["sections"] for p in s["page_obj"].object_list}

    assert shown(partner=personas.partner_q.pk) == {personas.placement_b.pk}
    assert shown(school=personas.school_a.pk) == {personas.placement_a.pk}
    assert shown(cluster="healthcare-human-services") == {personas.placement_a.pk}
    assert shown(term=term.pk) == {in_term.pk}
    assert shown(q="birch") == {personas.placement_b.pk, in_term.pk}


def test_board_query_count_does_not_grow_with_rows(client, personas, django_assert_max_num_queries):
    client = login(client, personas.coordinator_district)
    opportunity = f.OpportunityFactory(partner=personas.partner_p, seats=100)
    for status in ("proposed", "active", "completed"):
        for _ in range(4):
            f.PlacementFactory(
                opportunity=opportunity,
                student=f.StudentFactory(school=personas.school_a),
                status=status,
            )
    for _ in range(4):
        confirmed_placement(personas, student=f.StudentFactory(school=personas.school_a))
    # 16: the sections, the filters' choices, and the count of open concerns.
    with django_assert_max_num_queries(16):
        assert client.get(reverse("lifecycle:board")).status_code == 200
    for _ in range(10):  # more rows in every section, same number of queries
        confirmed_placement(personas, student=f.StudentFactory(school=personas.school_a))
        f.PlacementFactory(
            opportunity=opportunity,
            student=f.StudentFactory(school=personas.school_a),
            status="completed",
        )
    with django_assert_max_num_queries(16, info="second"):
        assert client.get(reverse("lifecycle:board")).status_code == 200


def test_board_paginates_each_status_on_its_own(client, personas):
    opportunity = f.OpportunityFactory(partner=personas.partner_p, seats=100)
    f.PlacementFactory.create_batch(
        55, opportunity=opportunity, student__school=personas.school_a, status="proposed"
    )
    client = login(client, personas.coordinator_a)
    response = client.get(reverse("lifecycle:board"), {"proposed_page": 2})
    sections = {s["status"].value: s for s in response.context["sections"]}
    assert sections["proposed"]["page_obj"].number == 2
    assert len(sections["proposed"]["page_obj"].object_list) == BOARD_CARDS
    assert sections["active"]["page_obj"].number == 1
    assert "proposed_page=1" in sections["proposed"]["prev_url"]
    assert "proposed_page=3" in sections["proposed"]["next_url"]


def test_board_is_columns_by_status_with_counts_and_loads_more_cards_in_place(client, personas):
    opportunity = f.OpportunityFactory(partner=personas.partner_p, seats=100)
    f.PlacementFactory.create_batch(
        BOARD_CARDS + 3, opportunity=opportunity, student__school=personas.school_a,
        status="proposed",
    )
    client = login(client, personas.coordinator_a)
    html = client.get(reverse("lifecycle:board")).content.decode()
    assert html.count('class="board-column"') == 5
    assert html.count('class="board-card"') == BOARD_CARDS + 1  # 12 proposed + 1 active
    assert f'data-count="{BOARD_CARDS + 3}"' in html and "Show more" in html
    more = client.get(
        reverse("lifecycle:board"), {"proposed_page": 2, "column": "proposed"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "<html" not in more and more.count('class="board-card"') == 3
    assert "Show more" not in more and "board-column" not in more


def test_board_returns_only_the_results_fragment_to_htmx(client, personas):
    response = login(client, personas.coordinator_a).get(
        reverse("lifecycle:board"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and "Proposed" in html


# --- Proposing -------------------------------------------------------------------------------


def test_coordinator_proposes_a_placement(client, personas):
    opportunity = f.OpportunityFactory(partner=personas.partner_q, mentor=personas.mentor_q_record)
    client = login(client, personas.coordinator_a)
    assert client.get(reverse("lifecycle:propose")).status_code == 200
    response = client.post(
        reverse("lifecycle:propose"),
        {"student": personas.student_a.pk, "opportunity": opportunity.pk},
    )
    placement = Placement.objects.get(opportunity=opportunity)
    assert response.status_code == 302 and response["Location"] == reverse(
        "lifecycle:placement", args=[placement.pk]
    )


def test_propose_ignores_an_injected_student_of_another_school(client, personas):
    opportunity = f.OpportunityFactory(partner=personas.partner_q)
    response = login(client, personas.coordinator_a).post(
        reverse("lifecycle:propose"),
        {"student": personas.student_b.pk, "opportunity": opportunity.pk},
    )
    assert (
        response.status_code == 200
        and not Placement.objects.filter(opportunity=opportunity).exists()
    )


def test_propose_from_an_application_links_it(client, personas):
    opportunity = f.OpportunityFactory(partner=personas.partner_q)
    application = f.ApplicationFactory(student=personas.student_a, opportunity=opportunity)
    client = login(client, personas.coordinator_a)
    assert (
        client.get(reverse("lifecycle:propose"), {"application": application.pk}).status_code == 200
    )
    client.post(
        reverse("lifecycle:propose"),
        {
            "student": personas.student_a.pk,
            "opportunity": opportunity.pk,
            "application": application.pk,
        },
    )
    assert Placement.objects.get(opportunity=opportunity).application == application


@pytest.mark.parametrize("who", OUTSIDERS_OF_BOARD)
def test_propose_is_404_for_non_coordinators(client, personas, who):
    assert (
        login(client, getattr(personas, who)).get(reverse("lifecycle:propose")).status_code == 404
    )


# --- The placement page and its actions ------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    [
        "coordinator_a",
        "coordinator_district",
        "student_a_user",
        "mentor_p",
        "partner_admin_p",
        "guardian_a",
        "counselor_a",
    ],
)
def test_placement_page_visible_in_scope(client, personas, who):
    assert (
        login(client, getattr(personas, who))
        .get(reverse("lifecycle:placement", args=[personas.placement_a.pk]))
        .status_code
        == 200
    )


@pytest.mark.parametrize(
    "who", ["coordinator_b", "mentor_q", "student_b_user", "other_coordinator"]
)
def test_placement_page_404_outside_scope(client, personas, who):
    assert (
        login(client, getattr(personas, who))
        .get(reverse("lifecycle:placement", args=[personas.placement_a.pk]))
        .status_code
        == 404
    )


def test_placement_page_shows_what_is_missing_and_disables_start(
    client, personas, django_assert_max_num_queries
):
    placement = confirmed_placement(personas)
    client = login(client, personas.coordinator_a)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("lifecycle:placement", args=[placement.pk]))
    html = response.content.decode()
    assert "Waiting for 8 signatures" in html
    assert "Parental consent — parent or guardian: Gail Alder" in html
    assert 'disabled aria-describedby="activate-reason"' in html
    sign_everything(personas, placement)
    html = client.get(reverse("lifecycle:placement", args=[placement.pk])).content.decode()
    assert "Every required signature is on file" in html and "disabled" not in html


def test_student_sees_no_coordinator_actions(client, personas):
    placement = confirmed_placement(personas)
    html = (
        login(client, personas.student_a_user)
        .get(reverse("lifecycle:placement", args=[placement.pk]))
        .content.decode()
    )
    assert reverse("lifecycle:activate", args=[placement.pk]) not in html
    assert reverse("lifecycle:withdraw", args=[placement.pk]) not in html
    assert "Read and sign" in html


def test_confirm_then_activate_through_the_pages(client, personas):
    placement = proposed_placement(personas)
    client = login(client, personas.coordinator_a)
    response = client.post(reverse("lifecycle:confirm", args=[placement.pk]))
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == "confirmed" and placement.agreements.count() == 3
    response = client.post(reverse("lifecycle:activate", args=[placement.pk]), follow=True)
    assert "cannot start yet" in response.content.decode()
    sign_everything(personas, placement)
    client.post(reverse("lifecycle:activate", args=[placement.pk]))
    placement.refresh_from_db()
    assert placement.status == "active"
    client.post(reverse("lifecycle:complete", args=[placement.pk]))
    placement.refresh_from_db()
    assert placement.status == "completed"


@pytest.mark.parametrize("action", ["confirm", "activate", "complete", "resend_links"])
@pytest.mark.parametrize(
    "who",
    ["student_a_user", "mentor_p", "partner_admin_p", "guardian_a", "coordinator_b", "counselor_a"],
)
def test_lifecycle_actions_are_404_outside_coordinator_scope(client, personas, action, who):
    placement = proposed_placement(personas)
    assert (
        login(client, getattr(personas, who))
        .post(reverse(f"lifecycle:{action}", args=[placement.pk]))
        .status_code
        == 404
    )
    placement.refresh_from_db()
    assert placement.status == "proposed"


def test_lifecycle_actions_refuse_get(client, personas):
    placement = proposed_placement(personas)
    assert (
        login(client, personas.coordinator_a)
        .get(reverse("lifecycle:confirm", args=[placement.pk]))
        .status_code
        == 405
    )


def test_actions_need_a_csrf_token(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.coordinator_a)
    placement = proposed_placement(personas)
    assert client.post(reverse("lifecycle:confirm", args=[placement.pk])).status_code == 403


def test_resend_links_emails_the_guardians(client, personas, django_capture_on_commit_callbacks):
    placement = confirmed_placement(personas)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        login(client, personas.coordinator_a).post(
            reverse("lifecycle:resend_links", args=[placement.pk])
        )
    assert [m.to for m in mail.outbox] == [[personas.student_a.guardian_links.get().email]]


# --- Withdraw and re-place -------------------------------------------------------------------


def test_withdraw_then_replace_through_the_pages(client, personas):
    client = login(client, personas.coordinator_a)
    url = reverse("lifecycle:withdraw", args=[personas.placement_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "initiator": "partner",
            "reason": "partner_capacity",
            "note": "Clinic short-staffed.",
            "partner_note": "Would host again in spring.",
            "partner_in_good_standing": "on",
        },
    )
    assert response["Location"] == reverse("lifecycle:replace", args=[personas.placement_a.pk])
    personas.placement_a.refresh_from_db()
    assert (
        personas.placement_a.status == "withdrawn" and personas.placement_a.partner_in_good_standing
    )
    page = client.get(response["Location"])
    assert personas.opportunity_q in page.context["page_obj"].object_list
    assert personas.opportunity_p not in page.context["page_obj"].object_list
    response = client.post(response["Location"], {"opportunity": personas.opportunity_q.pk})
    new = Placement.objects.get(student=personas.student_a, opportunity=personas.opportunity_q)
    assert new.status == "proposed"
    assert response["Location"] == reverse("lifecycle:placement", args=[new.pk])


def test_withdraw_form_requires_initiator_and_reason(client, personas):
    response = login(client, personas.coordinator_a).post(
        reverse("lifecycle:withdraw", args=[personas.placement_a.pk]), {}
    )
    assert response.status_code == 200 and response.context["form"].errors
    personas.placement_a.refresh_from_db()
    assert personas.placement_a.status == "active"


def test_unchecked_good_standing_is_recorded(client, personas):
    login(client, personas.coordinator_a).post(
        reverse("lifecycle:withdraw", args=[personas.placement_a.pk]),
        {"initiator": "school", "reason": "conduct"},
    )
    personas.placement_a.refresh_from_db()
    assert personas.placement_a.partner_in_good_standing is False


@pytest.mark.parametrize("who", ["student_a_user", "mentor_p", "partner_admin_p", "coordinator_b"])
def test_withdraw_and_replace_are_404_outside_scope(client, personas, who):
    client = login(client, getattr(personas, who))
    assert (
        client.post(
            reverse("lifecycle:withdraw", args=[personas.placement_a.pk]),
            {"initiator": "student", "reason": "other"},
        ).status_code
        == 404
    )
    personas.placement_a.refresh_from_db()
    assert personas.placement_a.status == "active"
    assert (
        client.get(reverse("lifecycle:replace", args=[personas.placement_a.pk])).status_code == 404
    )


def test_replace_page_is_404_for_an_open_placement(client, personas):
    assert (
        login(client, personas.coordinator_a)
        .get(reverse("lifecycle:replace", args=[personas.placement_a.pk]))
        .status_code
        == 404
    )


def test_replace_ignores_an_injected_full_opportunity(client, personas):
    services.withdraw_placement(
        personas.placement_a, actor=personas.coordinator_a, initiator="school", reason="other"
    )
    full = f.OpportunityFactory(partner=personas.partner_q, seats=1)
    f.PlacementFactory(opportunity=full, student=personas.student_b)
    response = login(client, personas.coordinator_a).post(
        reverse("lifecycle:replace", args=[personas.placement_a.pk]), {"opportunity": full.pk}
    )
    assert response.status_code == 200
    assert not Placement.objects.filter(student=personas.student_a, opportunity=full).exists()


def test_replace_page_query_count(client, personas, django_assert_max_num_queries):
    services.withdraw_placement(
        personas.placement_a, actor=personas.coordinator_a, initiator="school", reason="other"
    )
    f.OpportunityFactory.create_batch(20, partner=personas.partner_q)
    client = login(client, personas.coordinator_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("lifecycle:replace", args=[personas.placement_a.pk]))
    assert len(response.context["page_obj"].object_list) == 21


# --- Signing in the app ---------------------------------------------------------------------


def test_student_signs_in_the_app_with_ip_recorded(client, personas):
    placement = confirmed_placement(personas)
    doc = placement.agreements.get(kind="training_plan")
    client = login(client, personas.student_a_user)
    assert client.get(reverse("lifecycle:agreement", args=[doc.pk])).status_code == 200
    response = client.post(
        reverse("lifecycle:agreement", args=[doc.pk]),
        {"role": "student", "typed_name": "Ava Alder", "agree": "on"},
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 302
    signature = Signature.objects.get(agreement=doc)
    assert (signature.role, signature.ip_address, signature.signed_text) == (
        "student",
        "192.0.2.10",
        doc.body,
    )


def test_wrong_typed_name_is_shown_as_a_form_error(client, personas):
    doc = confirmed_placement(personas).agreements.get(kind="training_plan")
    response = login(client, personas.mentor_p).post(
        reverse("lifecycle:agreement", args=[doc.pk]),
        {"role": "mentor", "typed_name": "Someone Else", "agree": "on"},
    )
    assert response.status_code == 200 and "must match" in response.content.decode()
    assert not Signature.objects.exists()


def test_student_cannot_sign_as_the_mentor_by_changing_the_role(client, personas):
    doc = confirmed_placement(personas).agreements.get(kind="training_plan")
    response = login(client, personas.student_a_user).post(
        reverse("lifecycle:agreement", args=[doc.pk]),
        {"role": "mentor", "typed_name": "Morgan Persona", "agree": "on"},
    )
    assert response.status_code == 200 and not Signature.objects.exists()


@pytest.mark.parametrize(
    "who", ["mentor_q", "student_b_user", "coordinator_b", "other_coordinator"]
)
def test_agreement_page_is_404_outside_scope(client, personas, who):
    doc = confirmed_placement(personas).agreements.first()
    client = login(client, getattr(personas, who))
    assert client.get(reverse("lifecycle:agreement", args=[doc.pk])).status_code == 404
    assert (
        client.post(
            reverse("lifecycle:agreement", args=[doc.pk]),
            {"role": "mentor", "typed_name": "x", "agree": "on"},
        ).status_code
        == 404
    )


def test_partner_admin_can_read_but_has_nothing_to_sign(client, personas):
    doc = confirmed_placement(personas).agreements.first()
    client = login(client, personas.partner_admin_p)
    assert client.get(reverse("lifecycle:agreement", args=[doc.pk])).status_code == 200
    assert (
        client.post(
            reverse("lifecycle:agreement", args=[doc.pk]),
            {"role": "mentor", "typed_name": "x", "agree": "on"},
        ).status_code
        == 403
    )


# --- Signing from the e-mailed link --------------------------------------------------------------


def guardian_url(personas, placement, kind="parental_consent", link=None):
    link = link or personas.student_a.guardian_links.get()
    return reverse(
        "lifecycle:guardian_sign",
        args=[make_guardian_token(link, placement.agreements.get(kind=kind))],
    )


def test_guardian_signs_from_the_link_without_an_account(client, personas):
    placement = confirmed_placement(personas)
    url = guardian_url(personas, placement)
    response = client.get(url)
    assert response.status_code == 200 and "Parental consent" in response.content.decode()
    response = client.post(
        url, {"typed_name": "Gail Alder", "agree": "on"}, REMOTE_ADDR="198.51.100.9"
    )
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    signature = Signature.objects.get(role="guardian")
    assert (
        signature.signer is None
        and signature.guardian_link.name == "Gail Alder"
        and signature.ip_address == "198.51.100.9"
    )


def test_guardian_link_is_single_use(client, personas):
    placement = confirmed_placement(personas)
    url = guardian_url(personas, placement)
    client.post(url, {"typed_name": "Gail Alder", "agree": "on"})
    assert client.get(url).status_code == 410
    assert client.post(url, {"typed_name": "Gail Alder", "agree": "on"}).status_code == 410
    assert Signature.objects.filter(role="guardian").count() == 1


def test_tampered_guardian_link_is_404(client, personas):
    placement = confirmed_placement(personas)
    url = guardian_url(personas, placement)
    token = url.rstrip("/").rsplit("/", 1)[1]
    tampered = reverse(
        "lifecycle:guardian_sign",
        args=[token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")],
    )
    assert client.get(tampered).status_code == 404
    assert client.post(tampered, {"typed_name": "Gail Alder", "agree": "on"}).status_code == 404
    assert client.get(reverse("lifecycle:guardian_sign", args=["not-a-token"])).status_code == 404


def test_expired_guardian_link_is_410(client, personas, settings):
    url = guardian_url(personas, confirmed_placement(personas))
    settings.SIGNED_LINK_MAX_AGE_DAYS = -1
    assert client.get(url).status_code == 410


def test_guardian_link_of_another_student_cannot_sign(client, personas):
    placement = confirmed_placement(personas)
    stranger = f.GuardianLinkFactory(student=personas.student_b, name="Stranger")
    url = guardian_url(personas, placement, link=stranger)
    assert client.post(url, {"typed_name": "Stranger", "agree": "on"}).status_code == 404
    assert not Signature.objects.exists()


def test_guardian_link_for_a_document_without_a_guardian_signer_is_404(client, personas):
    url = guardian_url(personas, confirmed_placement(personas), kind="training_plan")
    assert client.get(url).status_code == 404


def test_guardian_link_stops_working_when_signing_rights_are_removed(client, personas):
    url = guardian_url(personas, confirmed_placement(personas))
    personas.student_a.guardian_links.update(can_sign_consent=False)
    assert client.get(url).status_code == 404


def test_guardian_link_closed_after_withdrawal(client, personas):
    placement = confirmed_placement(personas)
    url = guardian_url(personas, placement)
    services.withdraw_placement(
        placement, actor=personas.coordinator_a, initiator="student", reason="family"
    )
    assert client.get(url).status_code == 410


def test_the_emailed_link_works_end_to_end(client, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        placement = confirmed_placement(personas)
    body = next(m.body for m in mail.outbox if "please sign" in m.subject)
    links = [line.split(": ", 1)[1] for line in body.splitlines() if "/lifecycle/sign/" in line]
    for link in links:
        path = link.split("://", 1)[1].split("/", 1)[1]
        assert (
            client.post("/" + path, {"typed_name": "Gail Alder", "agree": "on"}).status_code == 200
        )
    assert {s.agreement.kind for s in Signature.objects.filter(role="guardian")} == {
        "training_agreement",
        "parental_consent",
    }
    assert placement.pk


# --- Outcomes ----------------------------------------------------------------------------------


def test_record_outcome_from_the_student_page(client, personas):
    client = login(client, personas.coordinator_a)
    url = reverse("lifecycle:outcome") + f"?student={personas.student_a.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "hired",
            "partner": personas.partner_p.pk,
            "date": "2027-07-01",
            "job_title": "Receptionist",
        },
    )
    assert response["Location"] == reverse("students:detail", args=[personas.student_a.pk])
    assert Outcome.objects.get().job_title == "Receptionist"


def test_record_outcome_from_the_placement_page(client, personas):
    client = login(client, personas.coordinator_a)
    url = reverse("lifecycle:outcome") + f"?placement={personas.placement_a.pk}"
    response = client.post(
        url,
        {
            "kind": "job_offer",
            "partner": personas.partner_p.pk,
            "placement": personas.placement_a.pk,
            "date": "2027-05-01",
        },
    )
    assert response["Location"] == reverse("lifecycle:placement", args=[personas.placement_a.pk])
    assert Outcome.objects.get().placement == personas.placement_a


@pytest.mark.parametrize(
    "who",
    [
        "coordinator_b",
        "mentor_p",
        "partner_admin_p",
        "student_a_user",
        "guardian_a",
        "other_coordinator",
    ],
)
def test_record_outcome_is_404_outside_scope(client, personas, who):
    client = login(client, getattr(personas, who))
    assert (
        client.get(reverse("lifecycle:outcome") + f"?student={personas.student_a.pk}").status_code
        == 404
    )
    assert (
        client.get(
            reverse("lifecycle:outcome") + f"?placement={personas.placement_a.pk}"
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("lifecycle:outcome") + f"?student={personas.student_a.pk}",
            {"kind": "hired", "partner": personas.partner_p.pk, "date": "2027-07-01"},
        ).status_code
        == 404
    )
    assert not Outcome.objects.exists()


def test_record_outcome_with_a_bad_id_is_404(client, personas):
    assert (
        login(client, personas.coordinator_a)
        .get(reverse("lifecycle:outcome") + "?student=abc")
        .status_code
        == 404
    )


# --- Partner relationship ---------------------------------------------------------------------


def test_relationship_page_aggregates_the_partners_record(
    client, personas, django_assert_max_num_queries
):
    year = f.SchoolYearFactory(district=personas.district, name="2026–27")
    f.SchoolYearFactory(
        district=personas.district,
        name="2025–26",
        start_date=dt.date(2025, 8, 25),
        end_date=dt.date(2026, 6, 12),
    )
    old = f.PlacementFactory(
        opportunity=personas.opportunity_p,
        student=f.StudentFactory(school=personas.school_a),
        status="completed",
        start_date=dt.date(2025, 9, 1),
        end_date=dt.date(2026, 1, 1),
        mentor=personas.mentor_p_record,
    )
    f.EvaluationFactory(
        placement=old,
        kind="final",
        mentor=personas.mentor_p_record,
        would_host_again=True,
        scores={"a": 4, "b": 3},
    )
    f.EvaluationFactory(
        placement=personas.placement_a,
        kind="midpoint",
        mentor=personas.mentor_p_record,
        scores={"a": 3, "b": 3},
    )
    withdrawn = f.PlacementFactory(
        opportunity=personas.opportunity_p,
        student=f.StudentFactory(school=personas.school_a),
        status="withdrawn",
        withdrawal_initiator="partner",
        withdrawal_reason="partner_capacity",
        partner_relationship_note="Short-staffed",
    )
    Outcome.objects.create(
        student=old.student,
        partner=personas.partner_p,
        kind="hired",
        date=dt.date(2026, 7, 1),
        placement=old,
    )
    client = login(client, personas.coordinator_district)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("lifecycle:relationship", args=[personas.partner_p.pk]))
    ctx = response.context
    assert (
        ctx["totals"]["hosted"] == 3
        and ctx["totals"]["completed"] == 1
        and ctx["totals"]["withdrawn"] == 1
    )
    assert {r["year"]: r["hosted"] for r in ctx["by_year"]} == {"2026–27": 2, "2025–26": 1}
    assert ctx["reasons"][0]["reason_label"] == "Partner could no longer host"
    assert float(ctx["evaluation_summary"]["mean"]) == pytest.approx((3.5 + 3.0) / 2)
    assert ctx["host_again"] == {"yes": 1, "no": 0}
    assert ctx["outcome_counts"] == {"offers": 0, "hires": 1}
    mentor = next(iter(ctx["mentors"]))
    assert mentor.hosted == 2  # old + placement_a (the withdrawn one had no mentor)
    html = response.content.decode()
    assert "Short-staffed" in html and "In good standing" in html
    assert year and withdrawn


def test_relationship_page_of_a_school_coordinator_counts_their_school_only(client, personas):
    f.PlacementFactory(
        opportunity=personas.opportunity_p, student=personas.student_b, status="completed"
    )
    response = login(client, personas.coordinator_a).get(
        reverse("lifecycle:relationship", args=[personas.partner_p.pk])
    )
    assert response.context["totals"]["hosted"] == 1 and response.context["school_scoped"]


@pytest.mark.parametrize(
    "who",
    [
        "student_a_user",
        "mentor_p",
        "partner_admin_p",
        "guardian_a",
        "counselor_a",
        "other_coordinator",
    ],
)
def test_relationship_page_is_404_outside_scope(client, personas, who):
    assert (
        login(client, getattr(personas, who))
        .get(reverse("lifecycle:relationship", args=[personas.partner_p.pk]))
        .status_code
        == 404
    )


# --- District agreement texts -------------------------------------------------------------------


def test_district_admin_edits_and_resets_an_agreement_text(client, personas):
    client = login(client, personas.district_admin)
    assert client.get(reverse("lifecycle:agreement_texts")).status_code == 200
    url = reverse("lifecycle:agreement_text_edit", args=["training_plan"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Our plan", "body": "Plan for ${student_name}."})
    assert response.status_code == 302
    placement = confirmed_placement(personas)
    assert placement.agreements.get(kind="training_plan").body == "Plan for Ava Alder."
    client.post(url, {"reset": "1"})
    assert client.get(reverse("lifecycle:agreement_texts")).context["rows"][1]["custom"] is False


def test_agreement_text_with_an_unknown_placeholder_is_refused(client, personas):
    response = login(client, personas.coordinator_district).post(
        reverse("lifecycle:agreement_text_edit", args=["training_plan"]),
        {"title": "T", "body": "${ssn}"},
    )
    assert response.status_code == 200 and "Unknown placeholder" in response.content.decode()


@pytest.mark.parametrize("who", ["coordinator_a", "counselor_a", "mentor_p", "student_a_user"])
def test_agreement_texts_are_404_for_all_but_district_wide_staff(client, personas, who):
    client = login(client, getattr(personas, who))
    assert client.get(reverse("lifecycle:agreement_texts")).status_code == 404
    assert (
        client.post(
            reverse("lifecycle:agreement_text_edit", args=["training_plan"]),
            {"title": "T", "body": "B"},
        ).status_code
        == 404
    )


# --- Links from the other apps' pages ------------------------------------------------------------


def test_placement_record_shows_what_to_sign_and_what_is_missing(client, personas):
    placement = confirmed_placement(personas)
    html = (
        login(client, personas.student_a_user)
        .get(reverse("placements:detail", args=[placement.pk]))
        .content.decode()
    )
    assert "Read and sign the training agreement" in html
    assert "Parental consent — parent or guardian: Gail Alder" in html
    assert reverse("lifecycle:placement", args=[placement.pk]) in html


def test_placement_record_links_coordinators_to_the_manage_page(client, personas):
    html = (
        login(client, personas.coordinator_a)
        .get(reverse("placements:detail", args=[personas.placement_a.pk]))
        .content.decode()
    )
    assert "Manage this placement" in html


def test_student_page_offers_an_outcome_to_the_coordinator_only(client, personas):
    url = reverse("students:detail", args=[personas.student_a.pk])
    link = reverse("lifecycle:outcome") + f"?student={personas.student_a.pk}"
    assert link in login(client, personas.coordinator_a).get(url).content.decode()
    assert link not in login(client, personas.counselor_a).get(url).content.decode()


def test_partner_page_links_coordinators_to_the_relationship_page(client, personas):
    url = reverse("partners:detail", args=[personas.partner_p.pk])
    link = reverse("lifecycle:relationship", args=[personas.partner_p.pk])
    assert link in login(client, personas.coordinator_b).get(url).content.decode()
    assert link not in login(client, personas.partner_admin_p).get(url).content.decode()
