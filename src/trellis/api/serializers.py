"""What the API returns: stable integer ids, related records by id, ISO 8601 dates.

No rules here: writes go to the domain's services, which check and audit them.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trellis.accounts.permissions import can
from trellis.districts.models import District, School, SchoolYear
from trellis.hours.models import HourLog, Session
from trellis.opportunities.models import CareerCluster, Opportunity, SubCluster
from trellis.partners.models import Mentor, Partner, Worksite
from trellis.placements.models import (
    Application,
    Evaluation,
    MatchRound,
    Outcome,
    Placement,
    Reflection,
)
from trellis.students.models import Student

MAX_ID = 2**63 - 1


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "name", "slug", "state", "timezone", "hours_per_credit", "credit_increment",
                  "perkins_min_hours", "perkins_counted_kinds", "created_at"]


class SchoolSerializer(serializers.ModelSerializer):
    class Meta:
        model = School
        fields = ["id", "district", "name", "slug", "level", "code", "zip_code"]


class SchoolYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchoolYear
        fields = ["id", "district", "name", "start_date", "end_date"]


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "district", "name", "kind", "department", "description", "website", "phone",
                  "contact_email", "is_active", "created_at", "updated_at"]


class WorksiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Worksite
        fields = ["id", "partner", "name", "is_virtual", "address", "city", "state", "zip_code"]


class OpportunitySerializer(serializers.ModelSerializer):
    cluster = serializers.SlugRelatedField(slug_field="slug", queryset=CareerCluster.objects.all())
    subcluster = serializers.PrimaryKeyRelatedField(
        queryset=SubCluster.objects.all(), allow_null=True, required=False
    )
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.none(), required=False)
    worksite = serializers.PrimaryKeyRelatedField(queryset=Worksite.objects.none(), allow_null=True, required=False)
    mentor = serializers.PrimaryKeyRelatedField(queryset=Mentor.objects.none(), allow_null=True, required=False)

    class Meta:
        model = Opportunity
        fields = ["id", "district", "partner", "worksite", "mentor", "term", "title", "description",
                  "requirements", "kind", "cluster", "subcluster", "seats", "start_date", "end_date",
                  "schedule_kind", "weekdays", "start_time", "end_time", "shorten_on_early_release",
                  "min_grade", "min_age", "is_hazardous", "hazardous_orders", "is_paid", "hourly_rate",
                  "target_hours", "status", "created_at", "updated_at"]
        read_only_fields = ["district", "status", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only records the caller sees can be named; another partner's id reads as unknown.
            partners = Partner.objects.for_user(request.user)
            self.fields["partner"].queryset = partners
            self.fields["worksite"].queryset = Worksite.objects.filter(partner__in=partners)
            self.fields["mentor"].queryset = Mentor.objects.filter(partner__in=partners)
            self.fields["term"].queryset = self.fields["term"].queryset.filter(
                school_year__district__in=District.objects.for_user(request.user)
            )


PRIVATE_STUDENT_FIELDS = [
    "student_number", "email", "birth_date", "graduation_year", "is_cte_concentrator", "cte_program",
    "cte_cluster", "gender", "race_ethnicity", "is_economically_disadvantaged", "is_english_learner",
    "has_iep", "transportation", "is_active",
]


class StudentSerializer(serializers.ModelSerializer):
    """The whole record for those the table lets see it; partners get the summary fields only."""

    cte_cluster = serializers.SlugRelatedField(slug_field="slug", read_only=True, required=False, allow_null=True)

    class Meta:
        model = Student
        fields = ["id", "district", "school", "first_name", "last_name", "preferred_name", "grade",
                  "updated_at", *PRIVATE_STUDENT_FIELDS]
        read_only_fields = ["id", "district", "school", "first_name", "last_name", "preferred_name",
                            "grade", "updated_at"]
        # Not required: absent from the summary a partner's token gets.
        extra_kwargs = {name: {"required": False} for name in PRIVATE_STUDENT_FIELDS if name != "cte_cluster"}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not can(request.user, "student.view_full_record", instance):
            for name in PRIVATE_STUDENT_FIELDS:
                data.pop(name, None)
        return data


class StudentUpsertSerializer(serializers.Serializer):
    """A student from the SIS, found by `student_number` in the token's district."""

    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.none())
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    preferred_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    grade = serializers.IntegerField(min_value=6, max_value=12)
    graduation_year = serializers.IntegerField(min_value=2000, max_value=2100)
    birth_date = serializers.DateField()
    is_active = serializers.BooleanField(required=False)
    is_cte_concentrator = serializers.BooleanField(required=False)
    cte_program = serializers.CharField(max_length=120, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["school"].queryset = School.objects.for_user(request.user)


class ApplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Application
        fields = ["id", "student", "opportunity", "status", "interview_rank", "created_at", "decided_at", "updated_at"]


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Placement.Status.choices)
    at = serializers.DateTimeField()


STAMPS = [
    (Placement.Status.PROPOSED, "created_at"),
    (Placement.Status.CONFIRMED, "confirmed_at"),
    (Placement.Status.ACTIVE, "activated_at"),
    (Placement.Status.COMPLETED, "completed_at"),
    (Placement.Status.WITHDRAWN, "withdrawn_at"),
]


class PlacementSerializer(serializers.ModelSerializer):
    status_history = serializers.SerializerMethodField()

    class Meta:
        model = Placement
        fields = ["id", "district", "student", "opportunity", "mentor", "match_round", "status",
                  "start_date", "end_date", "status_history", "withdrawal_initiator", "withdrawal_reason",
                  "created_at", "updated_at"]

    @extend_schema_field(StatusChangeSerializer(many=True))
    def get_status_history(self, placement):
        """Each status the placement reached and when, oldest first (the lifecycle's stamps)."""
        moves = [(status, getattr(placement, stamp)) for status, stamp in STAMPS]
        moves = sorted((m for m in moves if m[1] is not None), key=lambda m: m[1])
        return [{"status": status.value, "at": serializers.DateTimeField().to_representation(at)} for status, at in moves]


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "placement", "date", "start_time", "end_time", "planned_hours", "is_early_release", "note"]


class HourLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = HourLog
        fields = ["id", "placement", "session", "date", "start_time", "end_time", "hours", "description",
                  "status", "approver_label", "decided_at", "return_comment", "labour_flags", "created_at",
                  "updated_at"]


class HourLogCreateSerializer(serializers.Serializer):
    placement = serializers.PrimaryKeyRelatedField(queryset=Placement.objects.none())
    date = serializers.DateField()
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    description = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["placement"].queryset = Placement.objects.for_user(request.user)


class HourApprovalSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=500)


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evaluation
        fields = ["id", "placement", "mentor", "kind", "scores", "mean_score", "comments", "would_host_again",
                  "submitted_at"]


class ReflectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reflection
        fields = ["id", "placement", "career_fit", "text", "created_at"]


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = ["id", "student", "placement", "partner", "kind", "date", "job_title"]


class MatchRoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatchRound
        fields = ["id", "district", "school", "term", "follows", "name", "status", "max_choices",
                  "ranking_opens_at", "ranking_closes_at", "published_at", "created_at"]


class ReportTableSerializer(serializers.Serializer):
    slug = serializers.CharField()
    caption = serializers.CharField()
    header = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))


class ReportSerializer(serializers.Serializer):
    report = serializers.CharField()
    title = serializers.CharField()
    district = serializers.IntegerField()
    school_year = serializers.IntegerField(allow_null=True)
    facts = serializers.DictField(child=serializers.JSONField())
    tables = ReportTableSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


class GapRowSerializer(serializers.Serializer):
    cluster = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    students = serializers.IntegerField()
    first_choice = serializers.IntegerField()
    demand = serializers.DecimalField(max_digits=12, decimal_places=2)
    seats = serializers.IntegerField()
    served = serializers.DecimalField(max_digits=12, decimal_places=2)
    unmet = serializers.DecimalField(max_digits=12, decimal_places=2)
    unmet_seats = serializers.IntegerField()
    pending_seats = serializers.IntegerField()
    in_district_seats = serializers.IntegerField()
    outside_seats_needed = serializers.IntegerField()


class GapReportSerializer(serializers.Serializer):
    district = serializers.IntegerField()
    term = serializers.IntegerField(allow_null=True)
    rows = GapRowSerializer(many=True)
    totals = GapRowSerializer()
