"""Reads of hour logs, pay periods and budgets inside the viewer's scope.

Seeing comes from each model's row rule (deny by default); acting comes from the capability
table (accounts.permissions): the placement's student logs and edits (hours.log), its mentor
or a partner administrator of the same partner approves (hours.approve), and a coordinator
(district admin, district or school coordinator) corrects approved hours and follows up
flagged ones (hours.correct, hours.oversee) and sees pay and budgets.
"""

from trellis.accounts.permissions import permitted
from trellis.core.tenancy import get_for_user
from trellis.hours.models import HourLog, PayPeriod, ProgramBudget

LOG_RELATED = (
    "placement__student",
    "placement__district",
    "placement__opportunity__partner",
    "placement__mentor__user",
    "session",
)


def approvable_logs(user):
    """Submitted logs waiting for this mentor or partner administrator."""
    return (
        permitted(user, "hours.approve", HourLog.objects.filter(status=HourLog.Status.SUBMITTED))
        .select_related(*LOG_RELATED)
        .order_by("date", "start_time", "pk")
    )


def get_hour_log_for_user(user, pk) -> HourLog:
    return get_for_user(HourLog.objects.select_related(*LOG_RELATED), user, pk)


def hour_logs_for_user(user):
    return HourLog.objects.for_user(user).select_related(*LOG_RELATED)


def overseen_logs(user):
    """Logs the user sees and follows up as coordinator (a school coordinator: their school's)."""
    return permitted(user, "hours.oversee", HourLog.objects.for_user(user))


def awaiting_mentor_logs(user):
    """Submitted logs the coordinator follows up, oldest first (the mentors have not decided)."""
    return (
        overseen_logs(user)
        .filter(status=HourLog.Status.SUBMITTED)
        .select_related(*LOG_RELATED)
        .order_by("date", "start_time", "pk")
    )


def flagged_logs_for_user(user):
    """Logs that break a youth labour rule, for coordinators in their scope only."""
    return (
        overseen_logs(user)
        .select_related(*LOG_RELATED)
        .exclude(labour_flags=[])
        .order_by("-date", "-start_time", "pk")
    )


def pay_periods_for_user(user):
    return permitted(user, "pay_period.view", PayPeriod.objects.select_related("district"))


def get_pay_period_for_user(user, pk) -> PayPeriod:
    return get_for_user(PayPeriod.objects.select_related("district"), user, pk, action="pay_period.view")


def budgets_for_user(user):
    return permitted(user, "budget.view", ProgramBudget.objects.select_related("district", "school_year"))


def get_budget_for_user(user, pk) -> ProgramBudget:
    return get_for_user(
        ProgramBudget.objects.select_related("district", "school_year"), user, pk, action="budget.view"
    )
