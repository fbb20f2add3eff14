"""Pay periods and program budgets: the coordinator's changes, each checked and audited.

The forms validate the values (dates in order, no overlapping period, the district's own
school years and opportunities); these services check who may act, write in one transaction
and leave an audit event saying what changed.
"""

from decimal import Decimal

from django.db import transaction

from trellis.accounts.permissions import require
from trellis.core.models import AuditAction, AuditEvent
from trellis.hours.models import PayPeriod, ProgramBudget

PERIOD_REFUSAL = "Only district-wide coordinators set pay periods."
BUDGET_REFUSAL = "Only district-wide coordinators create and change budgets."
PERIOD_FIELDS = ("name", "start_date", "end_date")
BUDGET_FIELDS = ("name", "school_year", "amount")


def _values(obj, fields) -> dict:
    values = {}
    for name in fields:
        value = getattr(obj, f"{name}_id" if name == "school_year" else name)
        if isinstance(value, Decimal):
            value = f"{value:.2f}"  # 5000 from a form and 5000.00 from the database alike
        values[name] = value if value is None or isinstance(value, int) else str(value)
    return values


def _changes(before: dict, after: dict) -> dict:
    return {k: {"old": before[k], "new": after[k]} for k in after if before[k] != after[k]}


@transaction.atomic
def create_pay_period(*, district, name, start_date, end_date, actor) -> PayPeriod:
    """A new pay period of the district; payroll then counts approved hours inside it."""
    require(actor, "pay_period.manage", district, refusal=PERIOD_REFUSAL)
    period = PayPeriod.objects.create(
        district=district, name=name, start_date=start_date, end_date=end_date
    )
    AuditEvent.record(
        actor=actor,
        action=AuditAction.PAY_PERIOD_CREATED,
        target=period,
        district=district,
        data=_values(period, PERIOD_FIELDS),
    )
    return period


@transaction.atomic
def update_pay_period(*, period, name, start_date, end_date, actor) -> PayPeriod:
    require(actor, "pay_period.manage", period, refusal=PERIOD_REFUSAL)
    # The stored row, not the instance: a bound ModelForm has already copied its values onto it.
    before = _values(PayPeriod.objects.select_for_update().get(pk=period.pk), PERIOD_FIELDS)
    period.name, period.start_date, period.end_date = name, start_date, end_date
    period.save(update_fields=list(PERIOD_FIELDS))
    AuditEvent.record(
        actor=actor,
        action=AuditAction.PAY_PERIOD_UPDATED,
        target=period,
        district=period.district,
        data={"changes": _changes(before, _values(period, PERIOD_FIELDS))},
    )
    return period


@transaction.atomic
def delete_pay_period(*, period, actor) -> None:
    """Remove a pay period; hour logs are untouched (a period only groups them for payroll)."""
    require(actor, "pay_period.manage", period, refusal=PERIOD_REFUSAL)
    # The event keeps the period's id and label after the row is gone.
    AuditEvent.record(
        actor=actor,
        action=AuditAction.PAY_PERIOD_DELETED,
        target=period,
        district=period.district,
        data=_values(period, PERIOD_FIELDS),
    )
    period.delete()


@transaction.atomic
def create_budget(*, district, name, school_year, amount, opportunities, actor) -> ProgramBudget:
    """A program budget for one school year, paying for the chosen opportunities."""
    require(actor, "budget.manage", district, refusal=BUDGET_REFUSAL)
    budget = ProgramBudget.objects.create(
        district=district, name=name, school_year=school_year, amount=amount
    )
    budget.opportunities.set(opportunities)
    AuditEvent.record(
        actor=actor,
        action=AuditAction.BUDGET_CREATED,
        target=budget,
        district=district,
        data={
            **_values(budget, BUDGET_FIELDS),
            "opportunities": sorted(o.pk for o in opportunities),
        },
    )
    return budget


@transaction.atomic
def update_budget(*, budget, name, school_year, amount, opportunities, actor) -> ProgramBudget:
    require(actor, "budget.manage", budget, refusal=BUDGET_REFUSAL)
    # The stored row, not the instance: a bound ModelForm has already copied its values onto it.
    before = _values(ProgramBudget.objects.select_for_update().get(pk=budget.pk), BUDGET_FIELDS)
    old_opportunities = sorted(budget.opportunities.values_list("pk", flat=True))
    budget.name, budget.school_year, budget.amount = name, school_year, amount
    budget.save(update_fields=list(BUDGET_FIELDS))
    budget.opportunities.set(opportunities)
    changes = _changes(before, _values(budget, BUDGET_FIELDS))
    new_opportunities = sorted(o.pk for o in opportunities)
    if new_opportunities != old_opportunities:
        changes["opportunities"] = {"old": old_opportunities, "new": new_opportunities}
    AuditEvent.record(
        actor=actor,
        action=AuditAction.BUDGET_UPDATED,
        target=budget,
        district=budget.district,
        data={"changes": changes},
    )
    return budget
