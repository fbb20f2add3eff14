"""Reads of hour logs, pay periods and budgets inside the viewer's scope, and who may act on them.

Scope comes from core.tenancy (deny by default). On top of it, acting needs a role:
the placement's student logs and edits, its mentor (or a partner administrator of the
same partner) approves, and a coordinator (district admin, district or school coordinator)
corrects approved hours and sees pay, budgets and flagged logs.
"""

from django.db.models import Q
from django.http import Http404

from trellis.accounts.models import Role
from trellis.core.tenancy import NOTHING, get_for_user
from trellis.hours.models import HourLog, PayPeriod, ProgramBudget
from trellis.placements.models import Placement

COORDINATOR_ROLES = (Role.DISTRICT_ADMIN, Role.COORDINATOR)
LOG_RELATED = (
    "placement__student",
    "placement__district",
    "placement__opportunity__partner",
    "placement__mentor__user",
    "session",
)


def coordinator_memberships(user):
    return [m for m in user.get_memberships() if m.role in COORDINATOR_ROLES]


def is_coordinator(user) -> bool:
    """Sees pay, budgets and flagged hours (within their own scope)."""
    return user.is_superuser or bool(coordinator_memberships(user))


def managed_district_ids(user) -> set[int]:
    """Districts whose pay periods and budgets the user may create and change."""
    return {m.district_id for m in coordinator_memberships(user) if m.is_district_wide}


def coordinator_district_ids(user) -> set[int]:
    return {m.district_id for m in coordinator_memberships(user)}


def manages_district(user, district_id) -> bool:
    return user.is_superuser or district_id in managed_district_ids(user)


def coordinates_placement(user, placement) -> bool:
    """A district admin or coordinator of the placement's district (or of the student's school)."""
    if user.is_superuser:
        return True
    return any(
        m.district_id == placement.district_id
        and (m.is_district_wide or m.school_id == placement.student.school_id)
        for m in coordinator_memberships(user)
    )


def owns_log(user, log) -> bool:
    return log.placement.student.user_id is not None and log.placement.student.user_id == user.pk


def can_approve(user, placement) -> bool:
    """The placement's mentor, or a partner administrator of the hosting partner."""
    for m in user.get_memberships():
        if m.district_id != placement.district_id:
            continue
        mentor = placement.mentor
        if (
            m.role == Role.MENTOR
            and mentor is not None
            and (mentor.user_id, mentor.partner_id) == (user.pk, m.partner_id)
        ):
            return True
        if m.role == Role.PARTNER_ADMIN and placement.opportunity.partner_id == m.partner_id:
            return True
    return False


def approver_q(user) -> Q:
    """Hour logs the user may approve: the mirror of can_approve() as a query."""
    q = NOTHING
    for m in user.get_memberships():
        if m.role == Role.MENTOR:
            q |= Q(
                placement__mentor__user=user,
                placement__mentor__partner_id=m.partner_id,
                placement__district_id=m.district_id,
            )
        elif m.role == Role.PARTNER_ADMIN:
            q |= Q(
                placement__opportunity__partner_id=m.partner_id,
                placement__district_id=m.district_id,
            )
    return q


def is_approver(user) -> bool:
    return bool(user.roles() & {Role.MENTOR, Role.PARTNER_ADMIN})


def approvable_logs(user):
    """Submitted logs waiting for this mentor or partner administrator."""
    return (
        HourLog.objects.filter(approver_q(user), status=HourLog.Status.SUBMITTED)
        .select_related(*LOG_RELATED)
        .order_by("date", "start_time", "pk")
    )


def get_placement_for_user(user, pk) -> Placement:
    return get_for_user(
        Placement.objects.select_related(
            "student__school", "district", "opportunity__partner", "mentor__user"
        ),
        user,
        pk,
    )


def get_hour_log_for_user(user, pk) -> HourLog:
    return get_for_user(HourLog.objects.select_related(*LOG_RELATED), user, pk)


def hour_logs_for_user(user):
    return HourLog.objects.for_user(user).select_related(*LOG_RELATED)


def flagged_logs_for_user(user):
    """Logs that break a youth labour rule, for coordinators in their scope only."""
    if not is_coordinator(user):
        return HourLog.objects.none()
    return (
        hour_logs_for_user(user)
        .filter(coordinator_scope_q(user, prefix="placement__"))
        .exclude(labour_flags=[])
        .order_by("-date", "-start_time", "pk")
    )


def coordinator_scope_q(user, *, prefix: str = "") -> Q:
    """Placements a coordinator is responsible for (a school coordinator: their school's students)."""
    if user.is_superuser:
        return Q()
    q = NOTHING
    for m in coordinator_memberships(user):
        if m.is_district_wide:
            q |= Q(**{f"{prefix}district_id": m.district_id})
        else:
            q |= Q(
                **{
                    f"{prefix}district_id": m.district_id,
                    f"{prefix}student__school_id": m.school_id,
                }
            )
    return q


def coordinator_placements(user):
    """Placements for the payroll and budget pages: only what the user coordinates."""
    return Placement.objects.filter(coordinator_scope_q(user))


def pay_periods_for_user(user):
    if user.is_superuser:
        return PayPeriod.objects.select_related("district")
    return PayPeriod.objects.filter(district_id__in=coordinator_district_ids(user)).select_related(
        "district"
    )


def get_pay_period_for_user(user, pk) -> PayPeriod:
    return _get_or_404(pay_periods_for_user(user), pk)


def budgets_for_user(user):
    if user.is_superuser:
        qs = ProgramBudget.objects.all()
    else:
        qs = ProgramBudget.objects.filter(district_id__in=coordinator_district_ids(user))
    return qs.select_related("district", "school_year")


def get_budget_for_user(user, pk) -> ProgramBudget:
    return _get_or_404(budgets_for_user(user), pk)


def _get_or_404(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.verbose_name} found.") from None
