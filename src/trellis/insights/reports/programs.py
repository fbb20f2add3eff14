"""The program as a whole: partner retention, hires after graduation, wages paid against budget."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from trellis.hours.models import HourLog, ProgramBudget
from trellis.insights.reports.base import (
    Chart,
    ReportContext,
    ReportResult,
    Section,
    Table,
    percent,
    placement_q,
    started_placements,
)
from trellis.partners.models import PartnerKind
from trellis.placements.models import Outcome
from trellis.students.models import Student

MONEY = DecimalField(max_digits=12, decimal_places=2)
CENTS = Decimal("0.01")


def partner_retention(ctx: ReportContext) -> ReportResult:
    """Partners hosting each year, how many of last year's came back, and how many are new."""
    result = ReportResult()
    pairs = (
        started_placements(ctx)
        .annotate(sy=ctx.year_case("start_date"))
        .exclude(sy=None)
        .values_list("sy", "opportunity__partner_id", "opportunity__partner__kind")
        .distinct()
        .order_by()
    )
    hosts = defaultdict(set)
    in_district = set()
    for sy, partner_id, kind in pairs:
        hosts[sy].add(partner_id)
        if kind == PartnerKind.DISTRICT_DEPARTMENT:
            in_district.add(partner_id)
    rows = []
    seen: set = set()
    previous = None
    for year in ctx.years:
        current = hosts.get(year.pk, set())
        returning = current & previous if previous is not None else set()
        new = current - seen
        outside = current - in_district
        rows.append(
            [
                year.name,
                len(current),
                len(outside),
                len(current) - len(outside),
                len(returning) if previous is not None else None,
                len(new),
                percent(len(returning), len(previous)) if previous else None,
            ]
        )
        seen |= current
        previous = current
    result.sections.append(
        Section(
            "Partner retention by school year",
            Table(
                "by-year",
                "Host partners by school year and how many returned",
                [
                    "School year",
                    "Partners hosting",
                    "Outside partners",
                    "District departments",
                    "Returning from last year",
                    "New partners",
                    "Retention rate (%)",
                ],
                rows,
            ),
            Chart(
                "bar",
                "Host partners by school year",
                [r[0] for r in rows],
                [
                    ("Partners hosting", [r[1] for r in rows]),
                    ("Returning from last year", [r[4] or 0 for r in rows]),
                ],
                value_label="partners",
            ),
            note="Retention rate: the share of last year's host partners that hosted again this year.",
        )
    )
    current = next((r for r in rows if ctx.year is not None and r[0] == ctx.year.name), None)
    if current is not None:
        result.facts = [
            ("School year", current[0]),
            ("Partners hosting", current[1]),
            ("Returning from last year", current[4] if current[4] is not None else "—"),
            ("Retention rate", f"{current[6]} %" if current[6] is not None else "—"),
        ]
    return result


def _outcomes(ctx: ReportContext):
    qs = Outcome.objects.filter(
        student__in=Student.objects.for_user(ctx.user).filter(district=ctx.district).values("pk")
    )
    if ctx.school is not None:
        qs = qs.filter(student__school=ctx.school)
    if ctx.cluster is not None:
        qs = qs.filter(placement__opportunity__cluster=ctx.cluster)
    return qs


def hires(ctx: ReportContext) -> ReportResult:
    result = ReportResult()
    outcomes = _outcomes(ctx)
    kinds = list(Outcome.Kind)
    by_year = {
        row["sy"]: row
        for row in outcomes.annotate(sy=ctx.year_case("date"))
        .exclude(sy=None)
        .values("sy")
        .annotate(
            **{k.value: Count("student", distinct=True, filter=Q(kind=k.value)) for k in kinds},
            at_host=Count(
                "student",
                distinct=True,
                filter=Q(kind=Outcome.Kind.HIRED, placement__opportunity__partner=F("partner")),
            ),
        )
        .order_by()
    }
    rows = []
    for year in ctx.years:
        row = by_year.get(year.pk, {})
        rows.append([year.name] + [row.get(k.value, 0) for k in kinds] + [row.get("at_host", 0)])
    result.sections.append(
        Section(
            "Job offers and hires by school year",
            Table(
                "by-year",
                "Students offered jobs and hired after graduation, by school year",
                [
                    "School year",
                    *[f"Students: {k.label.lower()}" for k in kinds],
                    "Hired by their host partner",
                ],
                rows,
            ),
            Chart(
                "bar",
                "Job offers and hires by school year",
                [r[0] for r in rows],
                [(k.label, [r[1 + i] for r in rows]) for i, k in enumerate(kinds)],
                value_label="students",
            ),
        )
    )
    if ctx.year is None:
        return result
    year = ctx.year.name
    by_partner_kind = {
        row["partner__kind"]: row
        for row in outcomes.filter(ctx.year_q("date"))
        .values("partner__kind")
        .annotate(
            **{k.value: Count("student", distinct=True, filter=Q(kind=k.value)) for k in kinds}
        )
        .order_by()
    }
    kind_rows = [
        [label] + [by_partner_kind.get(value, {}).get(k.value, 0) for k in kinds]
        for value, label in PartnerKind.choices
    ]
    current = next(r for r in rows if r[0] == year)
    result.facts = [("School year", year)] + [
        (k.label, current[1 + i]) for i, k in enumerate(kinds)
    ]
    result.sections.append(
        Section(
            f"By kind of employer, {year}",
            Table(
                "by-employer",
                f"Job offers and hires by kind of employer, {year}",
                ["Employer", *[f"Students: {k.label.lower()}" for k in kinds]],
                kind_rows,
            ),
            Chart(
                "hbar",
                f"Hires by kind of employer, {year}",
                [r[0] for r in kind_rows],
                [(k.label, [r[1 + i] for r in kind_rows]) for i, k in enumerate(kinds)],
                value_label="students",
            ),
        )
    )
    return result


def _wages(ctx: ReportContext):
    """Approved hours on paid opportunities, each worth hours × the opportunity's rate."""
    return HourLog.objects.filter(
        placement_q(ctx, "placement__"),
        status=HourLog.Status.APPROVED,
        placement__opportunity__is_paid=True,
    ).annotate(
        wage=ExpressionWrapper(
            F("hours") * F("placement__opportunity__hourly_rate"), output_field=MONEY
        )
    )


def wages(ctx: ReportContext) -> ReportResult:
    result = ReportResult()
    paid = {
        row["sy"]: row
        for row in _wages(ctx)
        .annotate(sy=ctx.year_case("date"))
        .exclude(sy=None)
        .values("sy")
        .annotate(total=Sum("wage"), hours=Sum("hours"))
        .order_by()
    }
    # Students are counted over the paid placements (far fewer rows than their hour logs).
    paid_students = {
        row["sy"]: row["n"]
        for row in started_placements(ctx)
        .filter(opportunity__is_paid=True)
        .annotate(sy=ctx.year_case("start_date"))
        .exclude(sy=None)
        .values("sy")
        .annotate(n=Count("student", distinct=True))
        .order_by()
    }
    budgets = {
        row["school_year_id"]: row["amount"]
        for row in ProgramBudget.objects.filter(district=ctx.district)
        .values("school_year_id")
        .annotate(amount=Sum("amount"))
        .order_by()
    }
    rows = []
    for year in ctx.years:
        row = paid.get(year.pk, {})
        spent = (row.get("total") or Decimal(0)).quantize(CENTS)
        budget = budgets.get(year.pk)
        rows.append(
            [
                year.name,
                (row.get("hours") or Decimal(0)).quantize(CENTS),
                paid_students.get(year.pk, 0),
                spent,
                budget,
                percent(spent, budget),
            ]
        )
    result.sections.append(
        Section(
            "Wages paid and budget by school year",
            Table(
                "by-year",
                "Wages paid for approved hours against the program budget, by school year",
                [
                    "School year",
                    "Paid hours",
                    "Paid students",
                    "Wages paid ($)",
                    "Budget ($)",
                    "Budget used (%)",
                ],
                rows,
            ),
            Chart(
                "bar",
                "Wages paid and budget by school year ($)",
                [r[0] for r in rows],
                [
                    ("Wages paid", [float(r[3]) for r in rows]),
                    ("Budget", [float(r[4]) if r[4] is not None else None for r in rows]),
                ],
                value_label="dollars",
            ),
            note="Wages are approved hours × the opportunity's hourly rate, in the school year the hours were worked.",
        )
    )
    if ctx.year is None:
        return result
    year = ctx.year.name
    spent = (
        _wages(ctx)
        .filter(ctx.year_q("date"), placement__opportunity__budgets=OuterRef("pk"))
        .order_by()
        .values("placement__opportunity__budgets")
        .annotate(total=Sum("wage"))
        .values("total")
    )
    budget_rows = []
    for budget in (
        ProgramBudget.objects.filter(district=ctx.district, school_year=ctx.year)
        .annotate(
            spent=Coalesce(Subquery(spent, output_field=MONEY), Decimal(0), output_field=MONEY)
        )
        .order_by("name", "pk")
    ):
        used = budget.spent.quantize(CENTS)
        budget_rows.append(
            [budget.name, budget.amount, used, budget.amount - used, percent(used, budget.amount)]
        )
    current = next(r for r in rows if r[0] == year)
    result.facts = [
        ("School year", year),
        ("Wages paid", f"${current[3]:,}"),
        ("Budget", f"${current[4]:,}" if current[4] is not None else "—"),
        ("Budget used", f"{current[5]} %" if current[5] is not None else "—"),
    ]
    result.sections.append(
        Section(
            f"By budget, {year}",
            Table(
                "by-budget",
                f"Spending against each program budget, {year}",
                ["Budget", "Amount ($)", "Spent ($)", "Remaining ($)", "Used (%)"],
                budget_rows,
            ),
            Chart(
                "hbar",
                f"Spending against each budget, {year} ($)",
                [r[0] for r in budget_rows],
                [
                    ("Spent", [float(r[2]) for r in budget_rows]),
                    ("Amount", [float(r[1]) for r in budget_rows]),
                ],
                value_label="dollars",
            ),
            note="Spending counts the approved hours of the opportunities each budget pays for.",
        )
    )
    if not ctx.scope.district_wide or ctx.school is not None:
        result.notes.append(
            "Budgets are district-wide; wages paid here count only the students in view."
        )
    return result
