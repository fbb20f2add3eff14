"""Insights pages: the supply-and-demand gap, drafting in-district seats, and program reports.

Every view starts from get_insights_scope (404 for anyone but district staff), reads through
the scoped querysets, and runs a fixed number of queries whatever the district's size.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from trellis.core.exports import csv_response, xlsx_response
from trellis.core.lists import apply_filters, paginate, render_list
from trellis.districts.models import SchoolYear, Term
from trellis.insights import charts, departments, gaps
from trellis.insights.forms import (
    DraftOpportunityForm,
    GapFilterForm,
    PerkinsRuleForm,
    ReportFilterForm,
)
from trellis.insights.gaps import as_decimal
from trellis.insights.reports import REPORTS, ReportContext, get_report
from trellis.insights.reports.base import Chart
from trellis.insights.reports.perkins import rule_text
from trellis.insights.scope import get_insights_scope
from trellis.insights.services import (
    department_partner,
    draft_in_district_opportunity,
    update_perkins_rule,
)
from trellis.opportunities.models import CareerCluster
from trellis.partners.models import Mentor

EXPORT_FORMATS = ("csv", "xlsx")


def _clusters():
    return list(CareerCluster.objects.order_by("sort_order", "name"))


def _terms(scope):
    return list(
        Term.objects.filter(school_year__district=scope.district)
        .select_related("school_year")
        .order_by("start_date")
    )


def _export(fmt, filename, header, rows, sheet_title):
    if fmt == "csv":
        return csv_response(f"{filename}.csv", header, rows)
    if fmt == "xlsx":
        return xlsx_response(f"{filename}.xlsx", header, rows, sheet_title=sheet_title)
    raise Http404("Unknown format.")


def index(request):
    scope = get_insights_scope(request.user)
    return render(request, "insights/index.html", {"scope": scope, "reports": REPORTS})


# ---------------------------------------------------------------------------------------------
# The gap


class GapView:
    """The filters and figures shared by the gap page, its export and the cluster drill-down."""

    def __init__(self, request):
        self.scope = get_insights_scope(request.user)
        self.today = timezone.localdate()
        terms = _terms(self.scope)
        params = request.GET.copy()
        self.term = gaps.resolve_term(terms, params.get("term"), today=self.today)
        if self.term is not None:
            params["term"] = str(self.term.pk)
        self.form = GapFilterForm(params, scope=self.scope, terms=terms)
        filters = apply_filters(self.form)
        self.school = self.scope.school(filters.get("school"))
        self.grade = int(filters["grade"]) if filters.get("grade") else None
        self.clusters = _clusters()
        query = {"term": self.term.pk if self.term else ""}
        if self.school is not None:
            query["school"] = self.school.pk
        if self.grade:
            query["grade"] = self.grade
        self.query = urlencode(query)

    def analysis(self):
        return gaps.analyse_gaps(
            self.scope,
            self.clusters,
            term=self.term,
            school=self.school,
            grade=self.grade,
            today=self.today,
        )

    def context(self, **extra):
        return {
            "scope": self.scope,
            "form": self.form,
            "term": self.term,
            "school": self.school,
            "grade": self.grade,
            "query": self.query,
            **extra,
        }


GAP_HEADER = [
    "Career cluster",
    "Interested students",
    "First choice",
    "Weighted demand",
    "Published seats",
    "Seats that fit students' days and grades",
    "Demand met",
    "Unmet demand",
    "Pending seats (drafts)",
    "In-district capacity left",
    "Seats to find from outside partners",
]


def _gap_rows(analysis):
    return [
        [
            row.label,
            row.students,
            row.first_choice,
            as_decimal(row.demand),
            row.seats,
            row.fitting_seats,
            as_decimal(row.served),
            as_decimal(row.unmet),
            row.pending_seats,
            row.remaining_in_district_capacity,
            row.outside_seats_needed,
        ]
        for row in analysis.rows
    ]


def _gap_chart(analysis):
    rows = [r for r in analysis.rows if r.demand or r.seats]
    return Chart(
        "hbar",
        "Demand and seats by career cluster",
        [r.label for r in rows],
        [
            ("Weighted demand", [float(r.demand) for r in rows]),
            ("Published seats", [r.seats for r in rows]),
            ("Unmet demand", [float(r.unmet) for r in rows]),
        ],
    )


def gap_overview(request):
    view = GapView(request)
    analysis = view.analysis()
    chart = _gap_chart(analysis)
    context = view.context(
        analysis=analysis,
        chart=chart,
        chart_uri=charts.data_uri(chart),
        chart_alt=charts.alt_text(chart),
    )
    return render_list(request, "insights/gaps.html", context)


def gap_export(request, fmt):
    view = GapView(request)
    analysis = view.analysis()
    term = f"-{view.term.name}-{view.term.school_year.name}" if view.term else ""
    return _export(fmt, f"gap-by-cluster{term}", GAP_HEADER, _gap_rows(analysis), "Gap by cluster")


def gap_cluster(request, slug):
    view = GapView(request)
    cluster = next((c for c in view.clusters if c.slug == slug), None)
    if cluster is None:
        raise Http404("No such cluster.")
    interests = gaps.unmet_interests(
        view.scope, cluster, term=view.term, school=view.school, grade=view.grade, today=view.today
    )
    context = view.context(cluster=cluster, page_obj=paginate(request, interests))
    if request.htmx and request.htmx.target == "results":
        return render_list(request, "insights/gap_cluster.html", context)
    gap, subclusters = gaps.analyse_cluster(
        view.scope, cluster, term=view.term, school=view.school, grade=view.grade, today=view.today
    )
    context.update(
        gap=gap,
        subclusters=subclusters,
        oversubscribed=gaps.oversubscribed_opportunities(
            view.scope, cluster, term=view.term, today=view.today
        ),
        pending=gaps.pending_opportunities(view.scope, cluster, term=view.term, today=view.today),
        oversubscribed_limit=gaps.OVERSUBSCRIBED_LIMIT,
    )
    return render_list(request, "insights/gap_cluster.html", context)


@require_http_methods(["GET", "POST"])
def draft_opportunity(request, role_key):
    """Draft an in-district opportunity from a role template (coordinators and district admins)."""
    scope = get_insights_scope(request.user)
    role = departments.get_role(role_key)
    if role is None or not scope.can_act:
        raise Http404("No such template.")
    today = timezone.localdate()
    terms = [t for t in _terms(scope) if t.end_date >= today]  # a draft needs a term still to come
    partner = department_partner(scope.district, role.department)
    mentors = list(Mentor.objects.filter(partner=partner).select_related("user")) if partner else []
    worksites = list(partner.worksites.order_by("name", "pk")) if partner else []
    term = gaps.resolve_term(terms, request.GET.get("term"), today=today)
    try:
        seats = int(request.GET.get("seats", role.seats))
    except ValueError:
        seats = role.seats
    initial = {
        "title": role.title,
        "description": role.description,
        "term": str(term.pk) if term else "",
        "seats": max(1, seats),
        "weekdays": [str(d) for d in (1, 2, 4, 8, 16, 32, 64) if role.weekdays & d],
        "start_time": role.start_time,
        "end_time": role.end_time,
    }
    form = DraftOpportunityForm(
        request.POST or None,
        terms=terms,
        mentors=mentors,
        worksites=worksites,
        schools=scope.schools,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = draft_in_district_opportunity(
                actor=request.user,
                role=role,
                term=form.chosen_term,
                seats=form.cleaned_data["seats"],
                weekdays=form.weekday_mask,
                start_time=form.cleaned_data["start_time"],
                end_time=form.cleaned_data["end_time"],
                mentor=form.chosen_mentor,
                **form.chosen_site,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except PermissionDenied:
            raise Http404("No such template.") from None
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Drafted “{opportunity.title}” with {opportunity.seats} seats. It waits in "
                "Opportunity approvals and counts as pending seats until you publish it there.",
            )
            url = reverse("insights:gap_cluster", args=[role.cluster])
            return redirect(f"{url}?{urlencode({'term': opportunity.term_id})}")
    context = {
        "scope": scope,
        "role": role,
        "form": form,
        "partner": partner,
        "mentors": mentors,
        "terms": terms,
    }
    return render(request, "insights/draft.html", context)


# ---------------------------------------------------------------------------------------------
# Reports


def _report_context(request, scope, report):
    years = list(SchoolYear.objects.filter(district=scope.district).order_by("start_date"))
    clusters = _clusters()
    today = timezone.localdate()
    params = request.GET.copy()
    if not params.get("year") and years:
        current = [y for y in years if y.start_date <= today] or years
        params["year"] = str(current[-1].pk)
    form = ReportFilterForm(
        params, scope=scope, years=years, clusters=clusters, fields=report.filters
    )
    filters = apply_filters(form)
    year = next((y for y in years if str(y.pk) == filters.get("year")), None)
    cluster = next((c for c in clusters if c.slug == filters.get("cluster")), None)
    ctx = ReportContext(
        scope=scope,
        years=years,
        clusters=clusters,
        year=year,
        school=scope.school(filters.get("school")),
        cluster=cluster,
        today=today,
    )
    query = {
        "year": year.pk if year else "",
        "school": ctx.school.pk if ctx.school else "",
        "cluster": cluster.slug if cluster else "",
    }
    return ctx, form, urlencode({k: v for k, v in query.items() if v != ""})


def _render_sections(result):
    """Pair each section with its chart image (drawn once per request)."""
    rendered = []
    for section in result.sections:
        chart = section.chart
        rendered.append(
            {
                "section": section,
                "chart_uri": charts.data_uri(chart) if chart and chart.labels else "",
                "chart_alt": charts.alt_text(chart) if chart else "",
            }
        )
    return rendered


def report(request, slug):
    scope = get_insights_scope(request.user)
    definition = get_report(slug)
    ctx, form, query = _report_context(request, scope, definition)
    result = definition.build(ctx)
    context = {
        "scope": scope,
        "report": definition,
        "form": form,
        "query": query,
        "ctx": ctx,
        "result": result,
        "sections": _render_sections(result),
        "reports": REPORTS,
    }
    if definition.slug == "perkins":
        context["rule"] = rule_text(scope.district)
        if scope.can_configure:
            context["rule_form"] = PerkinsRuleForm(
                initial={
                    "min_hours": scope.district.perkins_min_hours,
                    "kinds": scope.district.perkins_counted_kinds,
                }
            )
    return render_list(request, "insights/report.html", context)


def report_export(request, slug, table, fmt):
    scope = get_insights_scope(request.user)
    definition = get_report(slug)
    ctx, _, _ = _report_context(request, scope, definition)
    result = definition.build(ctx)
    found = result.table(table)
    if found is None:
        raise Http404("No such table.")
    suffix = "-".join(
        part
        for part in (
            ctx.year.name if ctx.year else "",
            ctx.school.slug if ctx.school else "",
            ctx.cluster.slug if ctx.cluster else "",
        )
        if part
    )
    filename = f"{slug}-{table}" + (f"-{suffix}" if suffix else "")
    return _export(fmt, filename, found.header, found.get_rows(), definition.title)


def report_print(request, slug):
    scope = get_insights_scope(request.user)
    definition = get_report(slug)
    ctx, _, _ = _report_context(request, scope, definition)
    result = definition.build(ctx)
    printed = [{"report": definition, "result": result, "sections": _render_sections(result)}]
    return render(
        request, "insights/print.html", _print_context(scope, ctx, printed, definition.title)
    )


def board_report(request):
    """Every report on one printable page, for the school board."""
    scope = get_insights_scope(request.user)
    printed = []
    ctx = None
    for definition in REPORTS:
        ctx, _, _ = _report_context(request, scope, definition)
        result = definition.build(ctx)
        printed.append(
            {"report": definition, "result": result, "sections": _render_sections(result)}
        )
    return render(
        request,
        "insights/print.html",
        _print_context(scope, ctx, printed, "Work-based learning board report"),
    )


def _print_context(scope, ctx, printed, title):
    return {
        "scope": scope,
        "ctx": ctx,
        "printed": printed,
        "title": title,
        "generated": timezone.localtime(),
    }


@require_POST
def perkins_rule(request):
    scope = get_insights_scope(request.user)
    if not scope.can_configure:
        raise Http404("No such page.")
    form = PerkinsRuleForm(request.POST)
    if form.is_valid():
        try:
            update_perkins_rule(
                actor=request.user,
                min_hours=form.cleaned_data["min_hours"],
                kinds=form.cleaned_data["kinds"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, "The 5S3 participation rule is saved.")
    else:
        messages.error(request, "The rule was not saved: check the minimum hours.")
    return redirect(f"{reverse('insights:report', args=['perkins'])}?{request.GET.urlencode()}")
