"""The endpoints: each one scope, each list the caller's row rule, each write one service."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from trellis.accounts.permissions import permitted
from trellis.api import serializers as s
from trellis.api.base import ScopedViewSet
from trellis.api.scopes import Scope
from trellis.districts.models import District, School, SchoolYear, Term
from trellis.hours import services as hour_services
from trellis.hours.models import HourLog, Session
from trellis.insights import gaps
from trellis.insights.reports import REPORTS_BY_SLUG
from trellis.insights.reports.base import ReportContext
from trellis.insights.scope import get_insights_scope
from trellis.opportunities import services as opportunity_services
from trellis.opportunities.models import CareerCluster, Opportunity
from trellis.partners.models import Partner, Worksite
from trellis.placements.models import (
    Application,
    Evaluation,
    MatchRound,
    Outcome,
    Placement,
    Reflection,
)
from trellis.students.models import Student
from trellis.students.sis import upsert_student


class ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    pass


def _placements(user):
    return Placement.objects.for_user(user).values("pk")


def _full_record_students(user):
    return permitted(user, "student.view_full_record", Student.objects.for_user(user)).values("pk")


class DistrictViewSet(ReadViewSet):
    read_scope = Scope.READ_DISTRICTS
    serializer_class = s.DistrictSerializer

    def scoped(self, user):
        return District.objects.for_user(user)


class SchoolViewSet(ReadViewSet):
    read_scope = Scope.READ_DISTRICTS
    serializer_class = s.SchoolSerializer

    def scoped(self, user):
        return School.objects.for_user(user)


class SchoolYearViewSet(ReadViewSet):
    read_scope = Scope.READ_DISTRICTS
    serializer_class = s.SchoolYearSerializer

    def scoped(self, user):
        return SchoolYear.objects.for_user(user)


class PartnerViewSet(ReadViewSet):
    read_scope = Scope.READ_PARTNERS
    serializer_class = s.PartnerSerializer
    updated_field = "updated_at"

    def scoped(self, user):
        return Partner.objects.for_user(user)


class WorksiteViewSet(ReadViewSet):
    read_scope = Scope.READ_PARTNERS
    serializer_class = s.WorksiteSerializer

    def scoped(self, user):
        return Worksite.objects.filter(partner__in=Partner.objects.for_user(user).values("pk"))


class OpportunityViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadViewSet):
    """A partner's own system drafts and edits its opportunities (the catalog's workflow
    still applies: a coordinator approves before students see them)."""

    read_scope = Scope.READ_OPPORTUNITIES
    write_scope = Scope.WRITE_OPPORTUNITIES
    serializer_class = s.OpportunitySerializer
    updated_field = "updated_at"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped(self, user):
        return Opportunity.objects.for_user(user).select_related("cluster")

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        partner = fields.pop("partner", None) or self.request.auth.partner
        if partner is None:
            raise ValidationError({"partner": ["Name the partner the opportunity belongs to."]})
        serializer.instance = opportunity_services.create_opportunity(
            partner=partner, actor=self.request.user, fields=fields
        )

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        fields.pop("partner", None)
        serializer.instance = opportunity_services.update_opportunity(
            opportunity=serializer.instance, actor=self.request.user, fields=fields
        )


@extend_schema_view(
    upsert=extend_schema(
        request=s.StudentUpsertSerializer, responses={200: s.StudentSerializer, 201: s.StudentSerializer},
        parameters=[OpenApiParameter("student_number", str, OpenApiParameter.PATH, description="The SIS id.")],
    )
)
class StudentViewSet(ReadViewSet):
    read_scope = Scope.READ_STUDENTS
    write_scope = Scope.WRITE_STUDENTS
    serializer_class = s.StudentSerializer
    updated_field = "updated_at"

    def scoped(self, user):
        return Student.objects.for_user(user).select_related("cte_cluster")

    @action(detail=False, methods=["put"], url_path=r"sis/(?P<student_number>[^/]{1,40})")
    def upsert(self, request, student_number):
        """Create or update the student with this SIS id (rostering without a file)."""
        data = s.StudentUpsertSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        student, created = upsert_student(
            district=request.auth.district, student_number=student_number,
            fields=dict(data.validated_data), actor=request.user,
        )
        body = s.StudentSerializer(student, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ApplicationViewSet(ReadViewSet):
    read_scope = Scope.READ_APPLICATIONS
    serializer_class = s.ApplicationSerializer
    updated_field = "updated_at"

    def scoped(self, user):
        return Application.objects.for_user(user)


class PlacementViewSet(ReadViewSet):
    read_scope = Scope.READ_PLACEMENTS
    serializer_class = s.PlacementSerializer
    updated_field = "updated_at"

    def scoped(self, user):
        return Placement.objects.for_user(user)


class SessionViewSet(ReadViewSet):
    read_scope = Scope.READ_PLACEMENTS
    serializer_class = s.SessionSerializer

    def scoped(self, user):
        return Session.objects.for_user(user)


@extend_schema_view(
    create=extend_schema(request=s.HourLogCreateSerializer, responses={201: s.HourLogSerializer}),
    approve=extend_schema(request=s.HourApprovalSerializer, responses={200: s.HourLogSerializer(many=True)}),
)
class HourLogViewSet(mixins.CreateModelMixin, ReadViewSet):
    """Hours logged from a partner's time clock or the district's system, and approved by the
    partner (the same rules as in the app: only the student's supervisors approve)."""

    read_scope = Scope.READ_HOURS
    write_scope = Scope.WRITE_HOURS
    serializer_class = s.HourLogSerializer
    updated_field = "updated_at"

    def scoped(self, user):
        return HourLog.objects.for_user(user)

    def create(self, request, *args, **kwargs):
        data = s.HourLogCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        log = hour_services.log_hours(actor=request.user, **data.validated_data)
        return Response(s.HourLogSerializer(log).data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"])
    def approve(self, request):
        """Approve submitted logs, all or none."""
        data = s.HourApprovalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["ids"])
        logs = list(self.scoped(request.user).filter(pk__in=ids).select_related("placement__district"))
        missing = ids - {log.pk for log in logs}
        if missing:
            raise Http404(f"No hour log {', '.join(map(str, sorted(missing)))}.")
        approved = hour_services.approve_hour_logs(
            logs=logs, actor=request.user, ip_address=request.META.get("REMOTE_ADDR")
        )
        return Response(s.HourLogSerializer(approved, many=True).data)


class EvaluationViewSet(ReadViewSet):
    read_scope = Scope.READ_EVALUATIONS
    serializer_class = s.EvaluationSerializer
    updated_field = "submitted_at"

    def scoped(self, user):
        return Evaluation.objects.filter(placement__in=_placements(user))


class ReflectionViewSet(ReadViewSet):
    read_scope = Scope.READ_EVALUATIONS
    serializer_class = s.ReflectionSerializer
    updated_field = "created_at"

    def scoped(self, user):
        # A student's own words: for those who may read the whole record, not the host partner.
        return Reflection.objects.filter(placement__student__in=_full_record_students(user))


class OutcomeViewSet(ReadViewSet):
    read_scope = Scope.READ_EVALUATIONS
    serializer_class = s.OutcomeSerializer

    def scoped(self, user):
        return Outcome.objects.filter(student__in=_full_record_students(user))


@extend_schema_view(results=extend_schema(responses=s.PlacementSerializer(many=True)))
class MatchRoundViewSet(ReadViewSet):
    read_scope = Scope.READ_ROUNDS
    serializer_class = s.MatchRoundSerializer

    def scoped(self, user):
        return MatchRound.objects.for_user(user)

    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """The placements the round made (its published result), page by page."""
        match_round = self.get_object()
        rows = Placement.objects.for_user(request.user).filter(match_round=match_round)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.PlacementSerializer(page, many=True).data)


def _year(request, years):
    wanted = request.query_params.get("school_year")
    if wanted:
        year = next((y for y in years if str(y.pk) == wanted), None)
        if year is None:
            raise Http404("No such school year.")
        return year
    today = timezone.localdate()
    current = [y for y in years if y.start_date <= today] or years
    return current[-1] if current else None


YEAR = OpenApiParameter("school_year", int, description="A school year's id (default: the current one).")
SCHOOL = OpenApiParameter("school", int, description="Limit to one school's students.")
REPORT_SLUGS = sorted(REPORTS_BY_SLUG)


class ReportViewSet(ScopedViewSet):
    """The program reports' tables as data (participation, Perkins V 5S3, hours, …) and the
    supply/demand gap by career cluster: the same figures as the Insights pages."""

    read_scope = Scope.READ_REPORTS
    serializer_class = s.ReportSerializer
    pagination_class = None
    lookup_field = "slug"
    lookup_value_regex = "|".join(REPORT_SLUGS)

    def scoped(self, user):
        return Placement.objects.none()

    def _scope(self, request):
        return get_insights_scope(request.user)

    @extend_schema(parameters=[YEAR, SCHOOL], responses=s.ReportSerializer)
    def retrieve(self, request, slug=None):
        scope = self._scope(request)
        report = REPORTS_BY_SLUG.get(slug)
        if report is None:
            raise Http404("No such report.")
        years = list(SchoolYear.objects.filter(district=scope.district).order_by("start_date"))
        school = self._school(request, scope)
        ctx = ReportContext(
            scope=scope, years=years, clusters=list(CareerCluster.objects.order_by("sort_order", "name")),
            year=_year(request, years), school=school, today=timezone.localdate(),
        )
        result = report.build(ctx)
        tables = [section.table for section in result.sections]
        return Response({
            "report": report.slug,
            "title": report.title,
            "district": scope.district.pk,
            "school_year": ctx.year.pk if ctx.year else None,
            "facts": {str(label): _plain(value) for label, value in result.facts},
            "tables": [
                {"slug": t.slug, "caption": t.caption, "header": [str(h) for h in t.header],
                 "rows": [[_plain(v) for v in row] for row in t.get_rows()]}
                for t in tables
            ],
            "notes": [str(n) for n in result.notes],
        })

    def _school(self, request, scope):
        wanted = request.query_params.get("school")
        if not wanted:
            return None
        school = scope.school(wanted)
        if school is None:
            raise Http404("No such school.")
        return school

    @extend_schema(
        parameters=[OpenApiParameter("term", int, description="A term's id (default: the current one)."), SCHOOL],
        responses=s.GapReportSerializer,
    )
    @action(detail=False, methods=["get"])
    def gaps(self, request):
        """Demand (students' ranked interests) against seats, by career cluster, for one term."""
        scope = self._scope(request)
        terms = list(Term.objects.filter(school_year__district=scope.district).select_related("school_year").order_by("start_date"))
        wanted = request.query_params.get("term")
        if wanted and not any(str(t.pk) == wanted for t in terms):
            raise Http404("No such term.")
        term = gaps.resolve_term(terms, wanted, today=timezone.localdate())
        clusters = list(CareerCluster.objects.order_by("sort_order", "name"))
        analysis = gaps.analyse_gaps(scope, clusters, term=term, school=self._school(request, scope))
        return Response({
            "district": scope.district.pk,
            "term": term.pk if term else None,
            "rows": [_gap(row) for row in analysis.rows],
            "totals": _gap(analysis.totals),
        })


def _gap(row) -> dict:
    cluster = getattr(row, "cluster", None)
    return {
        "cluster": getattr(cluster, "slug", None) if cluster is not None else (row.key if isinstance(row.key, str) else None),
        "label": str(row.label),
        "students": row.students,
        "first_choice": row.first_choice,
        "demand": str(gaps.as_decimal(row.demand)),
        "seats": row.seats,
        "served": str(gaps.as_decimal(row.served)),
        "unmet": str(gaps.as_decimal(row.unmet)),
        "unmet_seats": row.unmet_seats,
        "pending_seats": row.pending_seats,
        "in_district_seats": row.in_district_seats,
        "outside_seats_needed": row.outside_seats_needed,
    }


def _plain(value):
    """A report cell as JSON: numbers stay numbers (decimals as exact text), dates ISO,
    anything else its text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)

