"""Concerns end to end: a mentor raises one, a coordinator resolves it with a note, the mentor reads it.

Resolving is a coordinator's act (school or district) on placements they manage; everyone
else gets a 404 from the pages and PermissionDenied from the service.
"""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from trellis.core.models import AuditEvent, Notification
from trellis.placements import services
from trellis.placements.models import Concern

NOT_MANAGERS = ["student_a_user", "mentor_p", "partner_admin_p", "guardian_a", "counselor_a"]
OTHER_SCHOOL_OR_DISTRICT = ["coordinator_b", "other_coordinator"]


def raise_one(personas, placement=None, text="Missed two sessions without notice."):
    return services.raise_concern(
        placement=placement or personas.placement_a, actor=personas.mentor_p, text=text
    )


# --- the service ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator_a", "coordinator_district", "district_admin"])
def test_a_coordinator_resolves_with_a_note_audited_and_the_mentor_is_told(
    personas, who, django_capture_on_commit_callbacks
):
    concern = raise_one(personas)
    mail.outbox.clear()
    actor = getattr(personas, who)
    with django_capture_on_commit_callbacks(execute=True):
        services.resolve_concern(
            concern=concern, actor=actor, note="  Met Ava and the clinic; new start time agreed.  "
        )
    concern.refresh_from_db()
    assert concern.resolved_by == actor and concern.resolved_at is not None
    assert concern.resolution_note == "Met Ava and the clinic; new start time agreed."
    event = AuditEvent.objects.get(action="concern.resolved")
    assert event.actor == actor and event.data == {"concern": concern.pk}
    notice = Notification.objects.get(verb="concern.resolved")
    assert notice.user == personas.mentor_p
    assert notice.url == reverse("mentor:intern", args=[personas.placement_a.pk])
    assert [m.to for m in mail.outbox] == [["mentor_p@example.org"]]
    assert "new start time" not in mail.outbox[0].body  # the note stays behind the sign-in


@pytest.mark.parametrize("who", NOT_MANAGERS + OTHER_SCHOOL_OR_DISTRICT)
def test_nobody_else_may_resolve(personas, who):
    concern = raise_one(personas)
    with pytest.raises(PermissionDenied):
        services.resolve_concern(concern=concern, actor=getattr(personas, who), note="Done.")
    concern.refresh_from_db()
    assert concern.is_open and not AuditEvent.objects.filter(action="concern.resolved").exists()


def test_a_note_is_required_and_a_concern_is_resolved_once(personas):
    concern = raise_one(personas)
    with pytest.raises(services.PlacementRefused, match="Say what was done"):
        services.resolve_concern(concern=concern, actor=personas.coordinator_a, note="   ")
    assert Concern.objects.get().is_open
    services.resolve_concern(concern=concern, actor=personas.coordinator_a, note="Talked to both.")
    stale = Concern.objects.get()  # e.g. a second coordinator's page, loaded before
    stale.resolved_at = None
    with pytest.raises(services.PlacementRefused, match="already resolved"):
        services.resolve_concern(concern=stale, actor=personas.coordinator_district, note="Me too.")
    assert Concern.objects.get().resolution_note == "Talked to both."
    assert AuditEvent.objects.filter(action="concern.resolved").count() == 1


def test_resolving_ones_own_concern_tells_nobody(personas):
    concern = services.raise_concern(
        placement=personas.placement_a, actor=personas.coordinator_a, text="Late twice."
    )
    services.resolve_concern(concern=concern, actor=personas.coordinator_a, note="Sorted.")
    assert not Notification.objects.filter(verb="concern.resolved").exists()


def test_the_database_refuses_a_resolution_without_a_note(personas):
    from django.db import IntegrityError, transaction

    concern = raise_one(personas)
    with pytest.raises(IntegrityError), transaction.atomic():
        Concern.objects.filter(pk=concern.pk).update(resolved_at=timezone.now())


# --- the pages -----------------------------------------------------------------------------


def test_coordinator_resolves_from_the_placement_page_and_the_mentor_reads_the_note(
    client, personas
):
    concern = raise_one(personas)
    client.force_login(personas.coordinator_a)
    page = client.get(reverse("lifecycle:placement", args=[personas.placement_a.pk]))
    assert b"Missed two sessions" in page.content
    assert f'id="concern-note-{concern.pk}"'.encode() in page.content
    response = client.post(
        reverse("lifecycle:resolve_concern", args=[concern.pk]),
        {"note": "Moved her sessions to the afternoon."},
    )
    assert response.status_code == 302
    assert response.url.endswith(
        reverse("lifecycle:placement", args=[personas.placement_a.pk]) + "#concerns"
    )
    page = client.get(response.url)
    assert b"Moved her sessions to the afternoon." in page.content
    assert b"Mark resolved" not in page.content

    client.force_login(personas.mentor_p)
    intern = client.get(reverse("mentor:intern", args=[personas.placement_a.pk]))
    assert b"Moved her sessions to the afternoon." in intern.content
    assert b"Resolved" in intern.content


def test_an_empty_note_from_the_page_is_refused_with_a_message(client, personas):
    concern = raise_one(personas)
    client.force_login(personas.coordinator_a)
    response = client.post(
        reverse("lifecycle:resolve_concern", args=[concern.pk]), {"note": ""}, follow=True
    )
    assert b"Say what was done about the concern" in response.content
    assert Concern.objects.get().is_open


@pytest.mark.parametrize("who", NOT_MANAGERS + OTHER_SCHOOL_OR_DISTRICT)
def test_resolving_and_the_list_are_404_for_everyone_else(client, personas, who):
    concern = raise_one(personas)
    client.force_login(getattr(personas, who))
    response = client.post(
        reverse("lifecycle:resolve_concern", args=[concern.pk]), {"note": "Not mine to close."}
    )
    assert response.status_code == 404
    assert Concern.objects.get().is_open
    listing = client.get(reverse("lifecycle:concerns"))
    if who in NOT_MANAGERS:
        assert listing.status_code == 404
    else:  # a coordinator elsewhere sees the page, without this concern
        assert listing.status_code == 200
        assert concern not in listing.context["page_obj"].object_list


def test_the_list_shows_open_concerns_in_scope_oldest_first_and_filters_by_state(
    client, personas
):
    older = raise_one(personas, text="First worry.")
    Concern.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    newer = raise_one(personas, text="Second worry.")
    other_school = services.raise_concern(
        placement=personas.placement_b, actor=personas.mentor_q, text="Birch worry."
    )
    done = raise_one(personas, text="Old worry.")
    services.resolve_concern(concern=done, actor=personas.coordinator_a, note="Handled.")

    client.force_login(personas.coordinator_a)
    page = client.get(reverse("lifecycle:concerns"))
    assert list(page.context["page_obj"].object_list) == [older, newer]
    assert other_school not in page.context["page_obj"].object_list
    resolved = client.get(reverse("lifecycle:concerns"), {"state": "resolved"})
    assert list(resolved.context["page_obj"].object_list) == [done]
    everything = client.get(reverse("lifecycle:concerns"), {"state": "all"})
    assert list(everything.context["page_obj"].object_list) == [newer, older, done]

    client.force_login(personas.coordinator_district)
    page = client.get(reverse("lifecycle:concerns"))
    assert set(page.context["page_obj"].object_list) == {older, newer, other_school}


def test_resolving_from_the_list_returns_to_the_list(client, personas):
    concern = raise_one(personas)
    client.force_login(personas.coordinator_district)
    response = client.post(
        reverse("lifecycle:resolve_concern", args=[concern.pk]),
        {"note": "Called the clinic.", "next": "concerns"},
    )
    assert response.url == reverse("lifecycle:concerns")
    assert not Concern.objects.get().is_open


def test_the_board_links_to_the_open_concerns_with_their_count(client, personas):
    raise_one(personas)
    raise_one(personas, text="Another.")
    client.force_login(personas.coordinator_a)
    page = client.get(reverse("lifecycle:board"))
    assert b"Concerns (2 open)" in page.content


def test_the_list_query_count_does_not_grow_with_rows(
    client, personas, django_assert_max_num_queries
):
    client.force_login(personas.coordinator_district)
    raise_one(personas)
    client.get(reverse("lifecycle:concerns"))  # warm the session and membership caches
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("lifecycle:concerns"))
    for i in range(15):
        student = f.StudentFactory(district=personas.district, school=personas.school_a)
        placement = f.PlacementFactory(
            student=student, opportunity=personas.opportunity_p, mentor=personas.mentor_p_record
        )
        raise_one(personas, placement=placement, text=f"Worry {i}.")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("lifecycle:concerns"))
    assert page.context["page_obj"].paginator.count == 16
