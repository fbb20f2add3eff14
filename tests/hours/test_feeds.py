"""Calendar feeds: issuing, revoking and regenerating private links; valid RFC 5545 output."""

import datetime as dt
import urllib.parse
from decimal import Decimal

import icalendar
import pytest
from django.urls import reverse

from tests import factories as f
from tests.districts.helpers import imported
from trellis.accounts.models import Membership
from trellis.core.models import AuditEvent
from trellis.core.tokens import hash_token
from trellis.hours import feeds as feeds_module
from trellis.hours.feeds import build_feed, issue_feed, revoke_feed
from trellis.hours.models import CalendarFeed
from trellis.hours.schedule import generate_sessions
from trellis.placements.models import Placement

TODAY = dt.date(2027, 1, 1)


@pytest.fixture
def world(personas, monkeypatch):
    monkeypatch.setattr(feeds_module, "district_today", lambda district: TODAY)
    imported(personas)
    generate_sessions(placement=personas.placement_a, actor=None, today=TODAY)
    generate_sessions(placement=personas.placement_b, actor=None, today=TODAY)
    return personas


def feed_path(token):
    return reverse("feeds:calendar", args=[token])


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


# --- the feed ---------------------------------------------------------------------------------


def test_student_feed_is_valid_rfc5545_with_timezone_and_stable_uids(client, world):
    _, token = issue_feed(owner=world.student_a, actor=world.student_a_user)
    cal = parse(client.get(feed_path(token)))
    assert str(cal["VERSION"]) == "2.0" and "Trellis" in str(cal["PRODID"])
    assert str(cal["X-WR-CALNAME"]) == str(cal["NAME"]) == "Ava Alder: work-based learning"
    assert cal["REFRESH-INTERVAL"].dt == dt.timedelta(hours=6)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    events = cal.walk("VEVENT")
    sessions = list(world.placement_a.sessions.order_by("date"))
    assert [str(e["UID"]) for e in events] == [f"session-{s.pk}@trellis" for s in sessions]
    first = events[0]
    assert first.start == dt.datetime(2027, 1, 22, 8, 0, tzinfo=first.start.tzinfo)
    assert str(first.start.tzinfo) == "America/New_York"
    assert first.end.hour == 14 and first.end.minute == 30
    assert "DTSTAMP" in first and str(first["SUMMARY"]) == "Clinic front desk at Pine Health Clinic"
    early = next(e for e in events if e.start.date() == dt.date(2027, 2, 5))
    assert early.end.hour == 12 and str(early["DESCRIPTION"]) == "Early release at 12:30"
    again = parse(client.get(feed_path(token)))
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(e["UID"]) for e in events]


def test_student_feed_holds_only_their_own_open_placements(client, world):
    _, token = issue_feed(owner=world.student_b, actor=None)
    events = parse(client.get(feed_path(token))).walk("VEVENT")
    assert {str(e["SUMMARY"]) for e in events} == {"Junior developer at Quarry Software"}
    world.placement_b.transition_to(Placement.Status.WITHDRAWN)
    world.placement_b.withdrawal_initiator, world.placement_b.withdrawal_reason = (
        "student",
        "schedule",
    )
    world.placement_b.save()
    assert parse(client.get(feed_path(token))).walk("VEVENT") == []


def test_mentor_and_opportunity_feeds_show_students_by_first_name_and_initial(client, world):
    _, mentor_token = issue_feed(owner=world.mentor_p_record, actor=world.mentor_p)
    events = parse(client.get(feed_path(mentor_token))).walk("VEVENT")
    assert len(events) == 18 and str(events[0]["SUMMARY"]) == "Ava A.: Clinic front desk"
    _, opportunity_token = issue_feed(owner=world.opportunity_q, actor=world.coordinator_district)
    cal = parse(client.get(feed_path(opportunity_token)))
    assert str(cal["X-WR-CALNAME"]) == "Junior developer: sessions"
    assert {str(e["SUMMARY"]) for e in cal.walk("VEVENT")} == {"Ben B.: Junior developer"}


def test_worksite_becomes_the_event_location(world):
    site = f.WorksiteFactory(
        partner=world.partner_p, name="Pine Clinic", address="12 Elm St", city="Maple"
    )
    world.opportunity_p.worksite = site
    world.opportunity_p.save()
    feed, _ = issue_feed(owner=world.student_a, actor=None)
    cal = icalendar.Calendar.from_ical(build_feed(feed, today=TODAY))
    assert str(cal.walk("VEVENT")[0]["LOCATION"]) == "Pine Clinic, 12 Elm St, Maple, VA"


def test_unknown_revoked_and_regenerated_tokens_are_404(client, world):
    assert client.get(feed_path("not-a-real-token-at-all")).status_code == 404
    feed, old = issue_feed(owner=world.student_a, actor=None)
    _, new = issue_feed(owner=world.student_a, actor=None)
    assert client.get(feed_path(old)).status_code == 404
    assert client.get(feed_path(new)).status_code == 200
    revoke_feed(feed=CalendarFeed.objects.active().get(student=world.student_a), actor=None)
    assert client.get(feed_path(new)).status_code == 404


def test_feeds_die_with_their_owner_standing(client, world):
    _, student_token = issue_feed(owner=world.student_a, actor=None)
    _, mentor_token = issue_feed(owner=world.mentor_p_record, actor=None)
    world.student_a.is_active = False
    world.student_a.save()
    Membership.objects.filter(user=world.mentor_p).delete()
    assert client.get(feed_path(student_token)).status_code == 404
    assert client.get(feed_path(mentor_token)).status_code == 404


def test_tokens_are_unguessable_and_stored_only_hashed(world):
    feed, token = issue_feed(owner=world.student_a, actor=world.student_a_user)
    assert len(token) >= 43
    assert feed.token_hash == hash_token(token) and token not in feed.token_hash
    assert not CalendarFeed.objects.filter(token_hash=token).exists()


def test_issue_regenerate_and_revoke_are_audited(world):
    issue_feed(owner=world.student_a, actor=world.student_a_user)
    feed, _ = issue_feed(owner=world.student_a, actor=world.student_a_user)
    revoke_feed(feed=feed, actor=world.student_a_user)
    actions = list(
        AuditEvent.objects.filter(target_type="hours.calendarfeed")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["calendar_feed.issued", "calendar_feed.regenerated", "calendar_feed.revoked"]
    assert CalendarFeed.objects.active().count() == 0 and CalendarFeed.objects.count() == 2


def test_feed_query_count_does_not_grow_with_sessions(client, world, django_assert_max_num_queries):
    _, token = issue_feed(owner=world.opportunity_p, actor=None)
    for i in range(10):
        extra = f.StudentFactory(school=world.school_a)
        placement = f.PlacementFactory(student=extra, opportunity=world.opportunity_p)
        generate_sessions(placement=placement, actor=None, today=TODAY)
    with django_assert_max_num_queries(4):
        cal = parse(client.get(feed_path(token)))
    assert len(cal.walk("VEVENT")) == 18 * 11


# --- owner pages ------------------------------------------------------------------------------


def test_student_page_is_theirs_alone(client, world):
    url = reverse("feeds:student")
    client.force_login(world.student_a_user)
    assert client.get(url).status_code == 200
    for name in (
        "coordinator_district",
        "mentor_p",
        "partner_admin_p",
        "guardian_a",
        "counselor_a",
    ):
        client.force_login(getattr(world, name))
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"action": "issue"}).status_code == 404, name
    assert not CalendarFeed.objects.exists()


def test_mentor_page_is_the_mentors_alone(client, world):
    url = reverse("feeds:mentor", args=[world.mentor_p_record.pk])
    client.force_login(world.mentor_p)
    assert client.get(url).status_code == 200
    for name in (
        "mentor_q",
        "partner_admin_p",
        "coordinator_district",
        "student_a_user",
        "guardian_a",
        "other_coordinator",
    ):
        client.force_login(getattr(world, name))
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"action": "issue"}).status_code == 404, name
    assert not CalendarFeed.objects.exists()


def test_opportunity_page_is_for_coordinators_and_the_partner_admin(client, world):
    url = reverse("feeds:opportunity", args=[world.opportunity_p.pk])
    for name in ("district_admin", "coordinator_district", "coordinator_a", "partner_admin_p"):
        client.force_login(getattr(world, name))
        assert client.get(url).status_code == 200, name
    for name in (
        "counselor_a",
        "mentor_p",
        "mentor_q",
        "student_a_user",
        "guardian_a",
        "other_coordinator",
    ):
        client.force_login(getattr(world, name))
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"action": "issue"}).status_code == 404, name
    client.force_login(world.partner_admin_p)
    assert (
        client.get(reverse("feeds:opportunity", args=[world.opportunity_q.pk])).status_code == 404
    )
    assert not CalendarFeed.objects.exists()


def test_student_creates_a_link_sees_it_once_and_it_parses(client, world):
    client.force_login(world.student_a_user)
    response = client.post(reverse("feeds:student"), {"action": "issue"})
    assert response.status_code == 200
    new_url = response.context["new_url"]
    assert new_url.startswith("http://testserver/feeds/") and new_url.endswith(".ics")
    assert response.context["webcal_url"].startswith("webcal://testserver/feeds/")
    token_path = urllib.parse.urlsplit(new_url).path
    assert (
        token_path not in client.get(reverse("feeds:student")).content.decode()
    )  # shown once only
    client.logout()
    cal = parse(client.get(token_path))
    assert len(cal.walk("VEVENT")) == 18
    assert CalendarFeed.objects.get().last_fetched_at is not None


def test_owner_regenerates_and_revokes_from_the_page(client, world):
    client.force_login(world.mentor_p)
    url = reverse("feeds:mentor", args=[world.mentor_p_record.pk])
    first = urllib.parse.urlsplit(client.post(url, {"action": "issue"}).context["new_url"]).path
    second = urllib.parse.urlsplit(client.post(url, {"action": "issue"}).context["new_url"]).path
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200
    response = client.post(url, {"action": "revoke"})
    assert response.status_code == 302
    assert client.get(second).status_code == 404
    assert "No active link" in client.get(url).content.decode()


def test_index_lists_what_the_user_manages_with_flat_queries(
    client, world, django_assert_max_num_queries
):
    for i in range(30):
        f.OpportunityFactory(partner=world.partner_p, title=f"Extra role {i:02d}")
    client.force_login(world.partner_admin_p)
    client.get(reverse("feeds:index"))
    with django_assert_max_num_queries(8):
        html = client.get(reverse("feeds:index")).content.decode()
    assert "Extra role 00" in html and "Junior developer" not in html
    client.force_login(world.student_a_user)
    html = client.get(reverse("feeds:index")).content.decode()
    assert reverse("feeds:student") in html and "Extra role" not in html
    client.force_login(world.mentor_p)
    assert (
        reverse("feeds:mentor", args=[world.mentor_p_record.pk])
        in client.get(reverse("feeds:index")).content.decode()
    )


def test_anonymous_visitors_cannot_reach_owner_pages(client, world):
    for url in (
        reverse("feeds:index"),
        reverse("feeds:student"),
        reverse("feeds:opportunity", args=[world.opportunity_p.pk]),
    ):
        assert client.get(url).status_code == 302


def test_feed_hours_match_the_sessions(world):
    feed, _ = issue_feed(owner=world.student_a, actor=None)
    cal = icalendar.Calendar.from_ical(build_feed(feed, today=TODAY))
    hours = sum(Decimal((e.end - e.start).total_seconds()) / 3600 for e in cal.walk("VEVENT"))
    assert hours == Decimal(115)
