"""Hosts: outside businesses and the district's own departments, their worksites and mentors."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from trellis.accounts.models import PARTNER_ROLES, STAFF_ROLES
from trellis.core.models import Stamped
from trellis.core.places import UnknownZip, locate_zip
from trellis.core.tenancy import AccessPaths, ScopedQuerySet


class PartnerKind(models.TextChoices):
    BUSINESS = "business", "Business"
    NONPROFIT = "nonprofit", "Nonprofit"
    GOVERNMENT = "government", "Government agency"
    DISTRICT_DEPARTMENT = "district_department", "District department"


class Department(models.TextChoices):
    """The district's own departments that host students (see reference/wbl-programs.md)."""

    IT = "it", "Information technology"
    COMMUNICATIONS = "communications", "Communications"
    SCHOOL_BOARD = "school_board", "School board / superintendent's office"
    CLASSROOMS = "classrooms", "Classrooms (teaching assistants)"
    ARTS = "arts", "Arts, music and theater"
    FOOD_SERVICE = "food_service", "Food service / school nutrition"
    ATHLETICS = "athletics", "Athletics"
    HUMAN_RESOURCES = "human_resources", "Human resources / business office"
    BUILDINGS_GROUNDS = "buildings_grounds", "Buildings and grounds"
    HEALTH_SERVICES = "health_services", "Health services"
    TRANSPORTATION = "transportation", "Transportation"


class PartnerQuerySet(ScopedQuerySet):
    distinct_scope = True

    def membership_q(self, user, m):
        if m.role in STAFF_ROLES:
            # Partners are district-wide: a school coordinator places students with any district partner.
            return Q(district_id=m.district_id)
        if m.role in PARTNER_ROLES:
            return Q(pk=m.partner_id)
        return None

    def district_departments(self):
        return self.filter(kind=PartnerKind.DISTRICT_DEPARTMENT)

    def outside(self):
        return self.exclude(kind=PartnerKind.DISTRICT_DEPARTMENT)


class Partner(Stamped):
    """An organisation that hosts students; a district department is a partner like any other."""

    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=PartnerKind.choices)
    department = models.CharField(max_length=30, choices=Department.choices, blank=True)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerQuerySet.as_manager()
    access_paths = AccessPaths(district="district_id", partner="pk")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="partner_department_iff_district_department",
                condition=(Q(kind="district_department") & ~Q(department=""))
                | (~Q(kind="district_department") & Q(department="")),
            ),
            models.UniqueConstraint(fields=["district", "name"], name="partner_unique_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_district_department(self) -> bool:
        return self.kind == PartnerKind.DISTRICT_DEPARTMENT


class Worksite(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="worksites")
    name = models.CharField(max_length=200)
    is_virtual = models.BooleanField(default=False)
    address = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_is_approximate = models.BooleanField(
        default=False, help_text="The coordinates are the centre of the ZIP code, not the street address."
    )

    access_paths = AccessPaths(district="partner__district_id", partner="partner_id")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(name="worksite_virtual_or_address", condition=Q(is_virtual=True) | ~Q(address="")),
        ]

    def __str__(self):
        return f"{self.name} (virtual)" if self.is_virtual else self.name

    def clean(self):
        """A ZIP code must be a real one, in the state the address gives."""
        if not self.zip_code.strip():
            return
        try:
            place = locate_zip(self.zip_code)
        except UnknownZip as e:
            raise ValidationError({"zip_code": str(e)}) from None
        self.zip_code = self.zip_code.strip()
        if self.state and self.state.upper() != place.state:
            raise ValidationError(
                {"zip_code": f"ZIP code {place.zip_code} is in {place.state}, not {self.state.upper()}."}
            )


class MentorQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partner__in=Partner.objects.for_user(user))


class Mentor(models.Model):
    """The supervising adult at a partner; district staff for in-district roles."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="mentors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_roles")
    title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    background_check_date = models.DateField(null=True, blank=True)

    objects = MentorQuerySet.as_manager()
    access_paths = AccessPaths(
        district="partner__district_id", partner="partner_id", mentor="user_id", mentor_partner="partner_id"
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [models.UniqueConstraint(fields=["partner", "user"], name="mentor_unique_per_partner")]

    def __str__(self):
        return str(self.user)
