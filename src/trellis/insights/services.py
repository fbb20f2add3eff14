"""Actions taken from the insights pages: drafting an in-district opportunity, the 5S3 rule."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from trellis.core.models import AuditAction, AuditEvent, describe_weekdays
from trellis.insights.departments import RoleTemplate
from trellis.insights.scope import get_insights_scope
from trellis.opportunities.models import CareerCluster, Opportunity, OpportunityKind, SubCluster
from trellis.partners.models import Partner, PartnerKind, Worksite

MAX_DRAFT_SEATS = 100


def department_partner(district, department: str) -> Partner | None:
    """The district's partner record for one of its departments, if it has one."""
    return (
        Partner.objects.filter(
            district=district, kind=PartnerKind.DISTRICT_DEPARTMENT, department=department
        )
        .order_by("pk")
        .first()
    )


def _create_department_partner(district, role: RoleTemplate) -> Partner:
    name = f"{district.name} — {role.department_label}"
    if Partner.objects.filter(district=district, name=name).exists():
        name = f"{name} (district department)"
    return Partner.objects.create(
        district=district,
        name=name,
        kind=PartnerKind.DISTRICT_DEPARTMENT,
        department=role.department,
        description=f"The district's {role.department_label.lower()} department, hosting students in-district.",
    )


def _worksite(partner, *, worksite=None, school=None, virtual=False) -> Worksite:
    """Where the student works: a department worksite, a school building, or virtual."""
    if worksite is not None:
        if worksite.partner_id != partner.pk:
            raise ValidationError("The worksite belongs to another partner.")
        return worksite
    if school is not None:
        site, _ = Worksite.objects.get_or_create(
            partner=partner,
            name=school.name,
            is_virtual=False,
            defaults={
                "address": school.name,
                "state": partner.district.state,
                "zip_code": school.zip_code,
                "latitude": school.latitude,
                "longitude": school.longitude,
            },
        )
        return site
    if virtual:
        site, _ = Worksite.objects.get_or_create(partner=partner, name="Virtual", is_virtual=True)
        return site
    raise ValidationError("Choose where the student works.")


@transaction.atomic
def draft_in_district_opportunity(
    *,
    actor,
    role: RoleTemplate,
    term,
    seats: int,
    weekdays: int,
    start_time,
    end_time,
    mentor=None,
    worksite=None,
    school=None,
    virtual: bool = False,
    title: str = "",
    description: str = "",
    today=None,
) -> Opportunity:
    """Draft an opportunity in a district department from a built-in role template.

    The department's partner record is created if the district has none yet. The student
    works at one of the department's worksites, at a school of the district (a worksite for
    the department there is created), or virtually. The draft runs weekly from today or the
    term's start to the term's end (sessions then follow the district calendar). It goes
    straight to the coordinators' approval queue — a new department has no partner
    administrator to submit it — and adds seats to the gap once published.
    """
    scope = get_insights_scope(actor)
    if not scope.can_act:
        raise PermissionDenied("Only coordinators and district administrators draft opportunities.")
    district = scope.district
    if term is None or term.school_year.district_id != district.pk:
        raise ValidationError("Choose a term of your district.")
    if not 1 <= seats <= MAX_DRAFT_SEATS:
        raise ValidationError(f"Seats must be between 1 and {MAX_DRAFT_SEATS}.")
    if not 0 < weekdays <= 127:
        raise ValidationError("Choose at least one weekday.")
    if start_time is None or end_time is None or end_time <= start_time:
        raise ValidationError("The end time must be after the start time.")
    today = today or timezone.localdate()
    if term.end_date < today:
        raise ValidationError("That term has ended; choose a current or future term.")
    if school is not None and school.district_id != district.pk:
        raise ValidationError("Choose a school of your district.")
    cluster = CareerCluster.objects.get(slug=role.cluster)
    subcluster = SubCluster.objects.get(cluster=cluster, slug=role.subcluster)

    partner = department_partner(district, role.department)
    partner_created = partner is None
    if partner_created:
        partner = _create_department_partner(district, role)
    if mentor is not None and mentor.partner_id != partner.pk:
        raise ValidationError("The mentor must be on the department's staff.")
    worksite = _worksite(partner, worksite=worksite, school=school, virtual=virtual)

    limits = "\n".join(f"- {limit}" for limit in role.labour_limits)
    opportunity = Opportunity.objects.create(
        district=district,
        partner=partner,
        worksite=worksite,
        mentor=mentor,
        term=term,
        title=title.strip() or role.title,
        description=description.strip() or role.description,
        requirements=f"Youth labour limits:\n{limits}" if limits else "",
        kind=role.kind,
        cluster=cluster,
        subcluster=subcluster,
        seats=seats,
        start_date=max(term.start_date, today),
        end_date=term.end_date,
        schedule_kind=Opportunity.ScheduleKind.WEEKLY,
        weekdays=weekdays,
        start_time=start_time,
        end_time=end_time,
        min_grade=role.min_grade,
        min_age=role.min_age,
        status=Opportunity.Status.PENDING,
    )
    if partner_created:
        AuditEvent.record(
            actor=actor,
            action=AuditAction.PARTNER_CREATED_FOR_DEPARTMENT,
            target=partner,
            district=district,
            data={"department": role.department},
        )
    AuditEvent.record(
        actor=actor,
        action=AuditAction.OPPORTUNITY_DRAFTED_FROM_TEMPLATE,
        target=opportunity,
        district=district,
        data={
            "template": role.key,
            "seats": seats,
            "term": term.pk,
            "schedule": describe_weekdays(weekdays),
            "worksite": worksite.name,
            "partner_created": partner_created,
        },
    )
    return opportunity


@transaction.atomic
def update_perkins_rule(*, actor, min_hours: Decimal, kinds: list[str]):
    """Record the district's 5S3 participation rule (states define "participated" themselves)."""
    scope = get_insights_scope(actor)
    if not scope.can_configure:
        raise PermissionDenied(
            "Only district administrators and district-wide coordinators set the rule."
        )
    if min_hours < 0:
        raise ValidationError("Minimum hours cannot be negative.")
    unknown = set(kinds) - set(OpportunityKind.values)
    if unknown:
        raise ValidationError(f"Unknown kinds of experience: {', '.join(sorted(unknown))}.")
    district = scope.district
    before = {
        "min_hours": str(district.perkins_min_hours),
        "kinds": list(district.perkins_counted_kinds),
    }
    district.perkins_min_hours = min_hours
    district.perkins_counted_kinds = sorted(kinds)
    district.save(update_fields=["perkins_min_hours", "perkins_counted_kinds"])
    AuditEvent.record(
        actor=actor,
        action=AuditAction.DISTRICT_PERKINS_RULE_CHANGED,
        target=district,
        district=district,
        data={"before": before, "after": {"min_hours": str(min_hours), "kinds": sorted(kinds)}},
    )
    return district
