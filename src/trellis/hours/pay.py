"""Pay for paid placements: approved hours × hourly rate per pay period, and program budgets.

Both reports start from the placements the viewer coordinates, so a school coordinator's
payroll lists only their school's students. Each is one query, whatever the row count.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from trellis.accounts.permissions import permitted
from trellis.hours.models import HourLog, Session
from trellis.placements.models import Placement

ZERO = Decimal("0")
CENTS = Decimal("0.01")
HOURS_FIELD = DecimalField(max_digits=10, decimal_places=2)


def money(value) -> Decimal:
    return Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP)


@dataclass
class PayrollRow:
    placement: Placement
    hours: Decimal
    rate: Decimal
    amount: Decimal

    @property
    def student(self):
        return self.placement.student


@dataclass
class Payroll:
    period: object
    rows: list[PayrollRow] = field(default_factory=list)

    @property
    def total_hours(self) -> Decimal:
        return sum((r.hours for r in self.rows), ZERO)

    @property
    def total_amount(self) -> Decimal:
        return sum((r.amount for r in self.rows), ZERO)


def payroll_for(period, user) -> Payroll:
    """One row per paid placement with approved hours dated inside the period."""
    in_period = Q(
        hour_logs__status=HourLog.Status.APPROVED,
        hour_logs__date__gte=period.start_date,
        hour_logs__date__lte=period.end_date,
    )
    placements = (
        permitted(user, "payroll.view", Placement.objects)
        .filter(district_id=period.district_id, opportunity__is_paid=True)
        .annotate(period_hours=Sum("hour_logs__hours", filter=in_period))
        .filter(period_hours__gt=0)
        .select_related("student__school", "opportunity__partner")
        .order_by("student__last_name", "student__first_name", "pk")
    )
    rows = []
    for p in placements:
        rate = p.opportunity.hourly_rate or ZERO
        hours = money(p.period_hours)  # SQLite sums lose the scale; hours have two places
        rows.append(PayrollRow(placement=p, hours=hours, rate=rate, amount=money(hours * rate)))
    return Payroll(period=period, rows=rows)


PAYROLL_HEADER = (
    "Student number",
    "Last name",
    "First name",
    "School",
    "Partner",
    "Opportunity",
    "Approved hours",
    "Hourly rate",
    "Amount",
)


def payroll_table(payroll: Payroll):
    """Header and rows for the CSV/XLSX exports, with a closing total row."""
    rows = [
        (
            r.student.student_number,
            r.student.last_name,
            r.student.first_name,
            r.student.school.name,
            r.placement.opportunity.partner.name,
            r.placement.opportunity.title,
            r.hours,
            r.rate,
            r.amount,
        )
        for r in payroll.rows
    ]
    rows.append(("Total", "", "", "", "", "", payroll.total_hours, "", payroll.total_amount))
    return PAYROLL_HEADER, rows


BUDGET_STATUSES = (
    Placement.Status.CONFIRMED,
    Placement.Status.ACTIVE,
    Placement.Status.COMPLETED,
    Placement.Status.WITHDRAWN,
)


@dataclass
class BudgetRow:
    placement: Placement
    planned_hours: Decimal
    planned_from_sessions: bool
    approved_hours: Decimal
    rate: Decimal

    @property
    def planned_cost(self) -> Decimal:
        return money(self.planned_hours * self.rate)

    @property
    def spend(self) -> Decimal:
        return money(self.approved_hours * self.rate)

    @property
    def projected_cost(self) -> Decimal:
        """A withdrawn student works no more; others are paid at least their plan."""
        if self.placement.status == Placement.Status.WITHDRAWN:
            return self.spend
        return money(max(self.planned_hours, self.approved_hours) * self.rate)


@dataclass
class BudgetReport:
    budget: object
    rows: list[BudgetRow]

    @property
    def planned_total(self) -> Decimal:
        return sum((r.planned_cost for r in self.rows), ZERO)

    @property
    def spend_to_date(self) -> Decimal:
        return sum((r.spend for r in self.rows), ZERO)

    @property
    def remaining(self) -> Decimal:
        return self.budget.amount - self.spend_to_date

    @property
    def projected_total(self) -> Decimal:
        return sum((r.projected_cost for r in self.rows), ZERO)

    @property
    def projected_balance(self) -> Decimal:
        """Positive: money left at the end; negative: the program will overspend."""
        return self.budget.amount - self.projected_total

    @property
    def overspend(self) -> Decimal:
        return max(-self.projected_balance, ZERO)

    @property
    def students_placed(self) -> int:
        return len({r.placement.student_id for r in self.rows})

    @property
    def over_budget(self) -> bool:
        return self.projected_balance < 0


def _sum_subquery(model, value_field, **filters):
    return Coalesce(
        Subquery(
            model.objects.filter(placement=OuterRef("pk"), **filters)
            .order_by()
            .values("placement")
            .annotate(total=Sum(value_field))
            .values("total"),
            output_field=HOURS_FIELD,
        ),
        Value(ZERO, output_field=HOURS_FIELD),
    )


def budget_report(budget, user) -> BudgetReport:
    """Placed students × planned hours × rate against the budget, with spend to date.

    Planned hours are the placement's scheduled sessions when it has any, otherwise the
    opportunity's target hours. Sums are subqueries: two joined sums would multiply rows.
    """
    year = budget.school_year
    placements = (
        permitted(user, "payroll.view", Placement.objects)
        .filter(
            district_id=budget.district_id,
            opportunity__in=budget.opportunities.all(),
            status__in=BUDGET_STATUSES,
            start_date__lte=year.end_date,
            end_date__gte=year.start_date,
        )
        .annotate(
            session_hours=_sum_subquery(Session, "planned_hours"),
            approved_hours=_sum_subquery(HourLog, "hours", status=HourLog.Status.APPROVED),
        )
        .select_related("student__school", "opportunity__partner")
        .order_by("opportunity__title", "student__last_name", "student__first_name", "pk")
    )
    rows = []
    for p in placements:
        from_sessions = p.session_hours > 0
        planned = p.session_hours if from_sessions else (p.opportunity.target_hours or ZERO)
        if p.status == Placement.Status.WITHDRAWN:
            planned = p.approved_hours
        rate = (p.opportunity.hourly_rate or ZERO) if p.opportunity.is_paid else ZERO
        rows.append(
            BudgetRow(
                placement=p,
                planned_hours=money(planned),
                planned_from_sessions=from_sessions,
                approved_hours=money(p.approved_hours),
                rate=rate,
            )
        )
    return BudgetReport(budget=budget, rows=rows)


def periods_overlapping(queryset, *, district_id, start: dt.date, end: dt.date, exclude_pk=None):
    """Pay periods of a district that share a day with [start, end]: a day must be paid once."""
    return queryset.filter(
        district_id=district_id, start_date__lte=end, end_date__gte=start
    ).exclude(pk=exclude_pk)
