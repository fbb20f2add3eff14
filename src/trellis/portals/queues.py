"""Work queues: what needs each person now, each item one click from where they act on it.

A queue is one scoped, ordered queryset (the capability table and the models' row rules, never
a role check of its own), a sentence for each row and the link that acts on it. The home page
shows each queue the user's capabilities open, with its count and first rows; `/work/<key>/`
pages through the same queryset, so a count on the home page is always the length of the list
behind it. Each queue costs two queries (a count and a page), whatever the number of rows.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from trellis.accounts.permissions import can, permitted
from trellis.core.tenancy import signed_in
from trellis.hours.models import HourLog
from trellis.hours.progress import hour_totals
from trellis.hours.selectors import (
    LOG_RELATED,
    approvable_hour_logs_for_user,
    awaiting_mentor_hour_logs_for_user,
    flagged_hour_logs_for_user,
)
from trellis.hours.services import district_today
from trellis.opportunities.models import Opportunity
from trellis.partners.models import Mentor
from trellis.placements.models import (
    Agreement,
    Application,
    Concern,
    Evaluation,
    MatchRound,
    Placement,
    Reflection,
    RoundRanking,
    Signature,
    SignerRole,
)
from trellis.students.models import Student

HOME_ROWS = 5  # rows of each queue on the home page; the whole list is one link away
SOON_DAYS = 7  # "starting this week"
STANDING = (Application.Status.SUBMITTED, Application.Status.INTERVIEW)
Status = Placement.Status


@dataclass(frozen=True)
class Item:
    """One row of a queue: what it is, a detail, and the one click that acts on it."""

    text: str
    detail: str
    action: str
    url: str


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    capability: str
    rows: Callable  # (user, today) -> ordered queryset
    item: Callable  # (row, user) -> Item
    empty: str
    page: str = ""  # URL name of the app's own page for the same list, when it has one

    def visible_to(self, user) -> bool:
        return can(user, self.capability)


def _day(value) -> str:
    return date_format(value, "D M j")


def today_for(user) -> dt.date:
    """Today in the user's (first) district; the server's day for someone without one."""
    membership = next(iter(user.get_memberships()), None) if signed_in(user) else None
    return district_today(membership.district) if membership else timezone.localdate()


# --- Agreements waiting for one signer role ----------------------------------------------------


def awaiting_signature(queryset, role: str):
    """Agreements of confirmed placements that need `role` and lack its signature. The signer
    list is JSON; its text holds the quoted role on SQLite and PostgreSQL alike."""
    return (
        queryset.filter(placement__status=Status.CONFIRMED)
        .annotate(signer_text=Cast("required_signers", TextField()))
        .filter(signer_text__contains=f'"{role}"')
        .exclude(Exists(Signature.objects.filter(agreement=OuterRef("pk"), role=role)))
    )


def _unsigned_agreements(placement_ref="pk"):
    """Exists: an agreement of the placement with a required role nobody has signed yet."""
    missing = Q()
    for role in SignerRole.values:
        missing |= Q(signer_text__contains=f'"{role}"') & ~Exists(
            Signature.objects.filter(agreement=OuterRef("pk"), role=role)
        )
    return Exists(
        Agreement.objects.filter(placement=OuterRef(placement_ref))
        .annotate(signer_text=Cast("required_signers", TextField()))
        .filter(missing)
    )


def _consent_missing():
    """No agreements yet (still proposed), or a parental consent without the guardian's name."""
    consent = (
        Agreement.objects.filter(placement=OuterRef("pk"), kind=Agreement.Kind.PARENTAL_CONSENT)
        .exclude(Exists(Signature.objects.filter(agreement=OuterRef("pk"), role=SignerRole.GUARDIAN)))
    )
    return Q(status=Status.PROPOSED) | Exists(consent)


def _placements(qs):
    return qs.select_related("student__school", "opportunity__partner", "mentor__user")


def _agreements(qs):
    return qs.select_related("placement__student", "placement__opportunity__partner").order_by(
        "placement__start_date", "placement_id", "kind"
    )


# --- Rows --------------------------------------------------------------------------------------


def hours_awaiting_rows(user, today):
    return awaiting_mentor_hour_logs_for_user(user)


def concern_rows(user, today):
    return (
        permitted(user, "concern.resolve", Concern.objects)
        .filter(resolved_at__isnull=True)
        .select_related("placement__student", "placement__opportunity__partner", "raised_by")
        .order_by("created_at", "pk")
    )


def review_rows(user, today):
    return (
        permitted(user, "opportunity.approve", Opportunity.objects.for_user(user))
        .filter(status=Opportunity.Status.PENDING)
        .select_related("partner")
        .order_by("start_date", "pk")
    )


def unsigned_rows(user, today):
    return _placements(
        Placement.objects.for_user(user)
        .filter(status=Status.CONFIRMED)
        .filter(_unsigned_agreements())
        .order_by("start_date", "pk")
    )


def starting_rows(user, today):
    return _placements(
        Placement.objects.for_user(user)
        .filter(
            status__in=(Status.PROPOSED, Status.CONFIRMED),
            start_date__gte=today,
            start_date__lt=today + dt.timedelta(days=SOON_DAYS),
        )
        .filter(_consent_missing())
        .order_by("start_date", "pk")
    )


def asking_rows(user, today):
    """Current students who applied or ranked and have no placement under way or to come."""
    asked = Q(Exists(Application.objects.filter(student=OuterRef("pk"), status__in=STANDING))) | Q(
        Exists(
            RoundRanking.objects.filter(
                student=OuterRef("pk"), match_round__status=MatchRound.Status.RANKING
            )
        )
    )
    placed = Exists(
        Placement.objects.filter(student=OuterRef("pk"), status__in=Placement.OPEN_STATUSES)
    )
    return (
        Student.objects.for_user(user)
        .current()
        .filter(asked)
        .exclude(placed)
        .select_related("school")
        .order_by("last_name", "first_name", "pk")
    )


def unranked_rows(user, today):
    """Current students eligible in a round open for ranking who have not ranked anything."""
    open_rounds = MatchRound.objects.for_user(user).filter(status=MatchRound.Status.RANKING)
    eligible = MatchRound.eligible_students.through.objects.filter(
        student=OuterRef("pk"), matchround__in=open_rounds
    )
    ranked = RoundRanking.objects.filter(
        student=OuterRef("pk"), match_round__status=MatchRound.Status.RANKING
    )
    return (
        Student.objects.for_user(user)
        .current()
        .filter(Exists(eligible))
        .exclude(Exists(ranked))
        .select_related("school")
        .order_by("last_name", "first_name", "pk")
    )


def unchecked_mentor_rows(user, today):
    """Mentors with a placement under way or to come and no background check on record."""
    return (
        permitted(user, "mentor.record_background_check", Mentor.objects)
        .filter(background_check_date__isnull=True)
        .filter(
            Exists(Placement.objects.filter(mentor=OuterRef("pk"), status__in=Placement.OPEN_STATUSES))
        )
        .select_related("user", "partner")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def applicant_rows(user, today):
    return (
        permitted(user, "application.review", Application.objects.for_user(user))
        .filter(status__in=STANDING)
        .select_related("student", "opportunity")
        .order_by("created_at", "pk")
    )


def draft_rows(user, today):
    return (
        permitted(user, "opportunity.edit", Opportunity.objects.for_user(user))
        .filter(status=Opportunity.Status.DRAFT)
        .select_related("partner")
        .order_by("start_date", "pk")
    )


def approve_rows(user, today):
    return approvable_hour_logs_for_user(user)


def mentor_sign_rows(user, today):
    return _agreements(
        awaiting_signature(
            permitted(user, "placement.supervise", Agreement.objects), SignerRole.MENTOR
        )
    )


def evaluation_rows(user, today):
    """Interns ending within a week, or finished, with no final evaluation yet."""
    final = Evaluation.objects.filter(placement=OuterRef("pk"), kind=Evaluation.Kind.FINAL)
    return _placements(
        permitted(user, "placement.evaluate", Placement.objects)
        .filter(
            Q(status=Status.COMPLETED)
            | Q(status=Status.ACTIVE, end_date__lt=today + dt.timedelta(days=SOON_DAYS))
        )
        .exclude(Exists(final))
        .order_by("end_date", "pk")
    )


def intern_rows(user, today):
    return _placements(
        permitted(user, "placement.supervise", Placement.objects)
        .current()
        .order_by("start_date", "student__last_name", "pk")
    )


def own_placements(user):
    return Placement.objects.for_user(user).filter(student__user=user)


def rank_rows(user, today):
    if not signed_in(user):
        return MatchRound.objects.none()
    return (
        MatchRound.objects.for_user(user)
        .filter(status=MatchRound.Status.RANKING, eligible_students__user=user)
        .order_by("ranking_closes_at", "pk")
    )


def result_rows(user, today):
    return (
        MatchRound.objects.for_user(user)
        .filter(status=MatchRound.Status.PUBLISHED, eligible_students__user=user)
        .order_by("-pk")
    )


def student_sign_rows(user, today):
    return _agreements(
        awaiting_signature(Agreement.objects.filter(placement__student__user=user), SignerRole.STUDENT)
    )


def returned_rows(user, today):
    return (
        HourLog.objects.for_user(user)
        .filter(placement__student__user=user, status=HourLog.Status.RETURNED)
        .select_related(*LOG_RELATED)
        .order_by("date", "pk")
    )


def log_rows(user, today):
    return (
        own_placements(user)
        .filter(status=Status.ACTIVE)
        .select_related("opportunity__partner")
        .annotate(**hour_totals())
        .order_by("start_date", "pk")
    )


def reflect_rows(user, today):
    return (
        own_placements(user)
        .filter(status=Status.COMPLETED)
        .exclude(Exists(Reflection.objects.filter(placement=OuterRef("pk"))))
        .select_related("opportunity__partner")
        .order_by("-end_date", "pk")
    )


def application_rows(user, today):
    return (
        Application.objects.for_user(user)
        .filter(student__user=user, status__in=STANDING)
        .select_related("opportunity__partner")
        .order_by("-created_at", "pk")
    )


def guardian_sign_rows(user, today):
    signable = Q(
        placement__student__guardian_links__guardian_user=user,
        placement__student__guardian_links__can_sign_consent=True,
    )
    agreements = Agreement.objects.filter(
        pk__in=permitted(user, "guardian.follow", Agreement.objects).filter(signable).values("pk")
    )
    return _agreements(awaiting_signature(agreements, SignerRole.GUARDIAN))


def child_hours_rows(user, today):
    return (
        permitted(user, "guardian.follow", Placement.objects)
        .filter(status__in=(Status.ACTIVE, Status.COMPLETED))
        .select_related("student", "opportunity__partner")
        .annotate(**hour_totals())
        .order_by("student__last_name", "student__first_name", "-start_date", "pk")
    )


# --- Items -------------------------------------------------------------------------------------


def _placement_text(p) -> str:
    return f"{p.student.full_name} at {p.opportunity.partner}"


def _agreement_item(action):
    def item(a, user):
        p = a.placement
        return Item(
            f"{a.title}: {p.student.full_name}",
            f"{p.opportunity} · starts {_day(p.start_date)}",
            action,
            reverse("lifecycle:agreement", args=[a.pk]),
        )

    return item


def _log_detail(log) -> str:
    return f"{_day(log.date)} · {log.hours} h · {log.placement.opportunity.partner}"


def hours_awaiting_item(log, user):
    return Item(
        f"{log.placement.student.full_name}: {log.hours} h on {_day(log.date)}",
        f"Waiting for {log.placement.mentor.user if log.placement.mentor else 'a mentor'}",
        "See the log",
        reverse("hours:placement", args=[log.placement_id]),
    )


def flagged_item(log, user):
    return Item(
        f"{log.placement.student.full_name}: {', '.join(log.labour_flags)}",
        _log_detail(log),
        "Correct the log",
        reverse("hours:edit", args=[log.pk]),
    )


def concern_item(c, user):
    return Item(
        f"{_placement_text(c.placement)}: {c.text[:80]}",
        f"Raised {_day(c.created_at)} by {c.raised_by or 'someone'}",
        "Resolve",
        reverse("lifecycle:placement", args=[c.placement_id]) + "#concerns",
    )


def review_item(o, user):
    return Item(
        f"{o.title}", f"{o.partner} · starts {_day(o.start_date)}", "Review",
        reverse("opportunities:review", args=[o.pk]),
    )


def placement_item(action):
    """Coordinators act on the placement's lifecycle page; counselors read the placement."""

    def item(p, user):
        if can(user, "placement.manage", p):
            label, url = action, reverse("lifecycle:placement", args=[p.pk])
        else:
            label, url = "See the placement", reverse("placements:detail", args=[p.pk])
        return Item(
            _placement_text(p),
            f"{p.opportunity.title} · starts {_day(p.start_date)} · {p.get_status_display()}",
            label,
            url,
        )

    return item


def asking_item(s, user):
    if can(user, "placement.propose", s):
        action, url = "Propose a placement", reverse("lifecycle:propose") + f"?student={s.pk}"
    else:
        action, url = "See the student", reverse("students:detail", args=[s.pk])
    return Item(s.full_name, f"{s.school} · grade {s.grade}", action, url)


def student_item(s, user):
    return Item(
        s.full_name, f"{s.school} · grade {s.grade}", "See the student",
        reverse("students:detail", args=[s.pk]),
    )


def unchecked_item(m, user):
    return Item(
        str(m.user), str(m.partner), "Record the check",
        reverse("partner_portal:background_check", args=[m.pk]),
    )


def applicant_item(a, user):
    return Item(
        a.student.full_name,
        f"{a.opportunity.title} · applied {_day(a.created_at)} · {a.get_status_display()}",
        "Review applicants",
        reverse("partner_portal:applicants", args=[a.opportunity_id]),
    )


def draft_item(o, user):
    return Item(
        o.title, f"{o.partner} · starts {_day(o.start_date)}", "Finish and submit",
        reverse("partner_portal:opportunity", args=[o.pk]),
    )


def approve_item(log, user):
    return Item(
        f"{log.placement.student.full_name}: {log.hours} h on {_day(log.date)}",
        log.description[:80] or "No description",
        "Approve or return",
        reverse("hours:approvals") + f"#log-{log.pk}",
    )


def evaluation_item(p, user):
    return Item(
        p.student.full_name, f"{p.opportunity.title} · ends {_day(p.end_date)}", "Evaluate",
        reverse("mentor:evaluate", args=[p.pk, Evaluation.Kind.FINAL]),
    )


def intern_item(p, user):
    return Item(
        p.student.full_name,
        f"{p.opportunity.title} · {_day(p.start_date)} – {_day(p.end_date)} · {p.get_status_display()}",
        "Open",
        reverse("mentor:intern", args=[p.pk]),
    )


def rank_item(r, user):
    closes = f"closes {_day(r.ranking_closes_at)}" if r.ranking_closes_at else "open now"
    return Item(r.name, f"Ranking {closes}", "Rank your choices", reverse("rounds:rank", args=[r.pk]))


def result_item(r, user):
    return Item(r.name, "Results published", "See your result", reverse("rounds:my_result", args=[r.pk]))


def returned_item(log, user):
    return Item(
        f"{_day(log.date)}: {log.hours} h",
        log.return_comment[:80] or "Returned for changes",
        "Fix and resubmit",
        reverse("hours:edit", args=[log.pk]),
    )


def log_item(p, user):
    return Item(
        str(p.opportunity), f"{p.approved_total} h approved · {p.pending_total} h waiting",
        "Log hours", reverse("hours:log", args=[p.pk]),
    )


def reflect_item(p, user):
    return Item(
        str(p.opportunity), f"Ended {_day(p.end_date)}", "Write your reflection",
        reverse("portal:reflect", args=[p.pk]),
    )


def application_item(a, user):
    return Item(
        str(a.opportunity), f"{a.opportunity.partner} · {a.get_status_display()}", "See it",
        reverse("portal:opportunity", args=[a.opportunity_id]),
    )


def child_hours_item(p, user):
    return Item(
        f"{p.student.full_name} at {p.opportunity.partner}",
        f"{p.approved_total} h approved · {p.pending_total} h waiting · {p.get_status_display()}",
        "See the hours",
        reverse("hours:placement", args=[p.pk]),
    )


QUEUES = (
    # Coordinators and district administrators (and counselors, where they may look).
    Queue("hours-awaiting", "Hours awaiting mentor approval", "hours.oversee", hours_awaiting_rows,
          hours_awaiting_item, "No logs are waiting for a mentor.", page="hours:approvals"),
    Queue("hours-flagged", "Hours that break a labour rule", "hours.oversee",
          lambda user, today: flagged_hour_logs_for_user(user), flagged_item,
          "No logs break a youth labour rule.", page="hours:flagged"),
    Queue("concerns", "Open concerns", "concern.resolve", concern_rows, concern_item,
          "No open concerns.", page="lifecycle:concerns"),
    Queue("review", "Opportunities awaiting review", "opportunity.approve", review_rows,
          review_item, "No opportunities are waiting for review.", page="opportunities:approvals"),
    Queue("unsigned", "Confirmed placements with unsigned agreements", "district.browse",
          unsigned_rows, placement_item("Follow up signatures"), "Every confirmed placement is signed."),
    Queue("starting", "Starting this week without consent", "district.browse", starting_rows,
          placement_item("Get consent"), "Every placement starting this week has its consent."),
    Queue("asking", "Students who asked for a placement and have none", "district.browse",
          asking_rows, asking_item, "Every student who asked has a placement."),
    Queue("unranked", "Students in an open round who have not ranked", "round.review",
          unranked_rows, student_item, "Every student in an open round has ranked."),
    Queue("unchecked", "Mentors without a background check", "mentor.record_background_check",
          unchecked_mentor_rows, unchecked_item, "Every mentor with an intern has been checked."),
    # Partner administrators and mentors.
    Queue("applicants", "Applicants to review", "application.review", applicant_rows,
          applicant_item, "No applicants are waiting."),
    Queue("drafts", "Draft opportunities to submit", "opportunity.edit", draft_rows, draft_item,
          "No drafts."),
    Queue("approve", "Hours to approve", "hours.approve", approve_rows, approve_item,
          "No hours are waiting for you.", page="hours:approvals"),
    Queue("mentor-sign", "Agreements to sign", "placement.supervise", mentor_sign_rows,
          _agreement_item("Sign"), "Nothing to sign."),
    Queue("evaluations", "Final evaluations due", "placement.evaluate", evaluation_rows,
          evaluation_item, "No evaluations are due."),
    # Students.
    Queue("rank", "Match rounds to rank", "round.rank", rank_rows, rank_item,
          "No round is open for ranking."),
    Queue("student-sign", "Agreements to sign", "student_portal.use", student_sign_rows,
          _agreement_item("Sign"), "Nothing to sign."),
    Queue("returned", "Hours returned to fix", "hours.log", returned_rows, returned_item,
          "No hours were returned."),
    Queue("log", "Log your hours", "hours.log", log_rows, log_item,
          "No placement is under way."),
    Queue("reflect", "Reflections to write", "reflection.write", reflect_rows, reflect_item,
          "No reflection is due."),
    Queue("applications", "Open applications", "application.submit", application_rows,
          application_item, "No open applications.", page="portal:applications"),
    Queue("results", "Match round results", "round.rank", result_rows, result_item,
          "No published results."),
    # Guardians.
    Queue("guardian-sign", "Consents and agreements to sign", "guardian.follow",
          guardian_sign_rows, _agreement_item("Read and sign"), "Nothing to sign."),
    Queue("child-hours", "My children's hours", "guardian.follow", child_hours_rows,
          child_hours_item, "No placement with hours yet."),
)
QUEUES_BY_KEY = {q.key: q for q in QUEUES}


@dataclass
class Filled:
    queue: Queue
    count: int
    items: list
    url: str


def fill(queue: Queue, user, today, *, rows=HOME_ROWS) -> Filled:
    qs = queue.rows(user, today)
    count = qs.count()
    items = [queue.item(row, user) for row in qs[:rows]] if count else []
    return Filled(queue, count, items, reverse("portals:queue", args=[queue.key]))


def queues_for(user) -> list[Queue]:
    return [q for q in QUEUES if q.visible_to(user)]
