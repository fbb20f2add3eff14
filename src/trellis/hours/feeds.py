"""Calendar feeds: issue and revoke private subscribe URLs, and render sessions as RFC 5545.

A feed lists the sessions of open placements (a student's, a mentor's or an opportunity's) from
a few weeks back onwards, in the district's time zone with its VTIMEZONE, with stable UIDs so
calendar apps update events in place instead of duplicating them.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from django.db import transaction
from django.utils import timezone

from trellis.core.models import AuditAction, AuditEvent
from trellis.core.tokens import hash_token, new_token
from trellis.districts.calendar import district_today
from trellis.hours.models import CalendarFeed, Session

PRODID = "-//Trellis//Work-based learning sessions//EN"
REFRESH_INTERVAL = dt.timedelta(hours=6)  # keep X-PUBLISHED-TTL below in step
PAST_DAYS_SHOWN = 60
MAX_EVENTS = 2000
UID_DOMAIN = "trellis"


def _owner_fields(owner) -> dict:
    from trellis.opportunities.models import Opportunity
    from trellis.partners.models import Mentor
    from trellis.students.models import Student

    if isinstance(owner, Student):
        return {"owner_kind": CalendarFeed.OwnerKind.STUDENT, "student": owner}
    if isinstance(owner, Mentor):
        return {"owner_kind": CalendarFeed.OwnerKind.MENTOR, "mentor": owner}
    if isinstance(owner, Opportunity):
        return {"owner_kind": CalendarFeed.OwnerKind.OPPORTUNITY, "opportunity": owner}
    raise TypeError(
        f"A calendar feed belongs to a student, a mentor or an opportunity, not {owner!r}."
    )


def active_feed_for(owner) -> CalendarFeed | None:
    fields = _owner_fields(owner)
    fields.pop("owner_kind")
    return CalendarFeed.objects.active().filter(**fields).first()


def _district_of(owner):
    district = getattr(owner, "district", None)  # a mentor's district is their partner's
    return district if district is not None else owner.partner.district


@transaction.atomic
def issue_feed(*, owner, actor) -> tuple[CalendarFeed, str]:
    """Revoke the owner's current feed (if any) and issue a new one; returns (feed, token).

    The token is returned only here: it is stored hashed, so the caller shows it once.
    """
    fields = _owner_fields(owner)
    now = timezone.now()
    lookup = {k: v for k, v in fields.items() if k != "owner_kind"}
    replaced = CalendarFeed.objects.active().filter(**lookup).update(revoked_at=now)
    token = new_token()
    feed = CalendarFeed.objects.create(
        token_hash=hash_token(token), created_by=_user(actor), **fields
    )
    AuditEvent.record(
        actor=actor,
        action=AuditAction.CALENDAR_FEED_REGENERATED if replaced else AuditAction.CALENDAR_FEED_ISSUED,
        target=feed,
        district=_district_of(owner),
        data={"owner_kind": feed.owner_kind, "owner_id": owner.pk},
    )
    return feed, token


@transaction.atomic
def revoke_feed(*, feed: CalendarFeed, actor) -> CalendarFeed:
    """Stop a feed: its URL answers 404 from now on."""
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        AuditEvent.record(
            actor=actor,
            action=AuditAction.CALENDAR_FEED_REVOKED,
            target=feed,
            district=_district_of(feed.owner),
            data={"owner_kind": feed.owner_kind, "owner_id": feed.owner.pk},
        )
    return feed


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def find_feed(token: str) -> CalendarFeed | None:
    """The active feed for a token, or None (unknown and revoked tokens look the same)."""
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.active()
        .select_related(
            "student__district",
            "mentor__partner__district",
            "mentor__user",
            "opportunity__district",
        )
        .filter(token_hash=hash_token(token))
        .first()
    )


def feed_sessions(feed: CalendarFeed, *, today: dt.date):
    """Sessions the feed shows: open placements only, from a few weeks back."""
    from trellis.placements.models import Placement

    sessions = Session.objects.filter(
        placement__status__in=[Placement.Status.CONFIRMED, Placement.Status.ACTIVE],
        date__gte=today - dt.timedelta(days=PAST_DAYS_SHOWN),
    )
    if feed.owner_kind == CalendarFeed.OwnerKind.STUDENT:
        sessions = sessions.filter(placement__student=feed.student_id)
    elif feed.owner_kind == CalendarFeed.OwnerKind.MENTOR:
        sessions = sessions.filter(placement__mentor=feed.mentor_id)
    else:
        sessions = sessions.filter(placement__opportunity=feed.opportunity_id)
    return sessions.select_related(
        "placement__student", "placement__opportunity__partner", "placement__opportunity__worksite"
    ).order_by("date", "start_time", "pk")[:MAX_EVENTS]


def _feed_name(feed: CalendarFeed) -> str:
    if feed.owner_kind == CalendarFeed.OwnerKind.STUDENT:
        return f"{feed.student.full_name}: work-based learning"
    if feed.owner_kind == CalendarFeed.OwnerKind.MENTOR:
        return f"{feed.mentor}: students' sessions"
    return f"{feed.opportunity.title}: sessions"


def _short_name(student) -> str:
    """First name and initial: enough for a mentor's calendar, less if the URL leaks."""
    first = student.preferred_name or student.first_name
    return f"{first} {student.last_name[:1]}." if student.last_name else first


def _location(opportunity) -> str:
    site = opportunity.worksite
    if site is None:
        return ""
    if site.is_virtual:
        return f"{site.name} (virtual)"
    return ", ".join(p for p in (site.name, site.address, site.city, site.state) if p)


def build_feed(feed: CalendarFeed, *, today: dt.date | None = None) -> bytes:
    """The feed as an RFC 5545 calendar (bytes, CRLF, folded lines)."""
    district = _district_of(feed.owner)
    tz = ZoneInfo(district.timezone)
    today = today or district_today(district)
    cal = icalendar.Calendar.new(
        name=_feed_name(feed),
        prodid=PRODID,
        refresh_interval=REFRESH_INTERVAL,
        uid=f"feed-{feed.pk}@{UID_DOMAIN}",
    )
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # RFC 7986 requires the parameter
    cal.add("X-WR-TIMEZONE", district.timezone)
    cal.add("X-PUBLISHED-TTL", "PT6H")  # the older name Outlook and Google read
    for session in feed_sessions(feed, today=today):
        opportunity = session.placement.opportunity
        if feed.owner_kind == CalendarFeed.OwnerKind.STUDENT:
            summary = f"{opportunity.title} at {opportunity.partner.name}"
        else:
            summary = f"{_short_name(session.placement.student)}: {opportunity.title}"
        description = "Early release: shortened session." if session.is_early_release else ""
        if session.note:
            description = session.note
        event = icalendar.Event.new(
            summary=summary,
            start=dt.datetime.combine(session.date, session.start_time, tzinfo=tz),
            end=dt.datetime.combine(session.date, session.end_time, tzinfo=tz),
            uid=f"session-{session.pk}@{UID_DOMAIN}",
            location=_location(opportunity) or None,
            description=description or None,
        )
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def mark_fetched(feed: CalendarFeed) -> None:
    """Remember the last fetch (at most once an hour, so polling does not write on every hit)."""
    now = timezone.now()
    if feed.last_fetched_at is None or now - feed.last_fetched_at > dt.timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)
