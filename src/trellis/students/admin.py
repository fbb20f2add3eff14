"""Admin for student records, interests and guardians, scoped to the user's districts."""

from django.contrib import admin

from trellis.core.admin import ScopedAdmin, ScopedTabularInline, district_filter
from trellis.students.models import GuardianLink, Student, StudentInterest
from trellis.students.services import place_home


class StudentInterestInline(ScopedTabularInline):
    model = StudentInterest
    district_path = "student__district"
    fields = ("rank", "cluster", "subcluster")


class GuardianLinkInline(ScopedTabularInline):
    model = GuardianLink
    district_path = "student__district"
    fields = ("name", "email", "relationship", "can_sign_consent", "guardian_user")
    autocomplete_fields = ("guardian_user",)


def _audit_deletion(request, students):
    """A student deleted in the admin leaves who, which student (name and number) and when."""
    from trellis.core.http import client_ip
    from trellis.core.models import AuditEvent
    from trellis.students.disclosures import STUDENT_DELETED

    for student in students:
        AuditEvent.record(
            actor=request.user,
            action=STUDENT_DELETED,
            target=student,
            district=student.district,
            data={"student_number": student.student_number, "via": "site administration"},
            ip_address=client_ip(request),
        )


@admin.register(Student)
class StudentAdmin(ScopedAdmin):
    list_display = (
        "last_name",
        "first_name",
        "student_number",
        "school",
        "grade",
        "graduation_year",
        "is_active",
    )
    list_filter = (
        "grade",
        "is_active",
        "is_cte_concentrator",
        ("school", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("first_name", "last_name", "preferred_name", "student_number", "email")
    list_select_related = ("school",)
    autocomplete_fields = ("user",)
    inlines = [StudentInterestInline, GuardianLinkInline]

    def delete_model(self, request, obj):
        _audit_deletion(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        _audit_deletion(request, list(queryset))
        super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        """A new or changed home ZIP places the home at its centre, unless coordinates were typed."""
        changed = set(form.changed_data)
        typed = {"home_latitude", "home_longitude"} & changed
        if not typed and ("home_zip" in changed or obj.home_latitude is None):
            place_home(obj)
        super().save_model(request, obj, form, change)


@admin.register(StudentInterest)
class StudentInterestAdmin(ScopedAdmin):
    district_path = "student__district"
    list_display = ("student", "rank", "cluster", "subcluster")
    list_select_related = ("student", "cluster", "subcluster")
    autocomplete_fields = ("student",)
    search_fields = ("student__last_name", "student__first_name")


@admin.register(GuardianLink)
class GuardianLinkAdmin(ScopedAdmin):
    district_path = "student__district"
    list_display = ("name", "email", "relationship", "student", "can_sign_consent")
    search_fields = ("name", "email", "student__last_name")
    list_select_related = ("student",)
    autocomplete_fields = ("student", "guardian_user")
    list_filter = (district_filter("student__district"),)
