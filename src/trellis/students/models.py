"""Student profiles: school, grade, birth date (for labour rules), interests, availability, guardians."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Subquery
from django.utils import timezone

from trellis.accounts.models import Role
from trellis.core.places import UnknownZip, locate_zip
from trellis.core.tenancy import AccessPaths, ScopedQuerySet

ADULT_AGE = 18  # under this a student is a minor: a guardian signs, youth labour rules apply


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years on a given day; every age rule (labour, signers, rounds) counts this way."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def is_minor(birth_date: dt.date, day: dt.date) -> bool:
    """Under 18 on that day (a placement asks on its start date)."""
    return age_on(birth_date, day) < ADULT_AGE


class Transportation(models.TextChoices):
    OWN_VEHICLE = "own_vehicle", "Drives own vehicle"
    FAMILY = "family", "Family drives"
    PUBLIC_TRANSIT = "public_transit", "Public transit"
    WALK_BIKE = "walk_bike", "Walks or bikes"
    NONE = "none", "No transportation"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NONBINARY = "nonbinary", "Non-binary"
    NOT_REPORTED = "not_reported", "Not reported"


class RaceEthnicity(models.TextChoices):
    """Federal reporting categories (as in OneRoster demographics)."""

    AMERICAN_INDIAN = "american_indian", "American Indian or Alaska Native"
    ASIAN = "asian", "Asian"
    BLACK = "black", "Black or African American"
    HISPANIC = "hispanic", "Hispanic or Latino"
    PACIFIC_ISLANDER = "pacific_islander", "Native Hawaiian or Other Pacific Islander"
    WHITE = "white", "White"
    TWO_OR_MORE = "two_or_more", "Two or more races"
    NOT_REPORTED = "not_reported", "Not reported"


def first_current_class(today=None) -> int:
    """The graduation year of this school year's seniors: a year ends in June, so from July on
    the seniors graduate next calendar year."""
    today = today or timezone.localdate()
    return today.year + (1 if today.month >= 7 else 0)


def current_q(prefix: str = "", *, today=None) -> Q:
    """Active and graduating this school year or later, as a Q (with a relation prefix)."""
    return Q(**{f"{prefix}is_active": True, f"{prefix}graduation_year__gte": first_current_class(today)})


class StudentQuerySet(ScopedQuerySet):
    def membership_q(self, user, m):
        """Staff see their district or school; a mentor the students they mentor; a partner
        administrator the partner's interns and applicants; a student and guardians their own."""
        staff = m.staff_q(district="district_id", school="school_id")
        if staff is not None:
            return staff
        if m.role == Role.MENTOR:
            return self._students_with(
                placements__mentor__user=user, placements__mentor__partner=m.partner_id
            )
        if m.role == Role.PARTNER_ADMIN:
            return self._students_with(
                placements__opportunity__partner=m.partner_id
            ) | self._students_with(applications__opportunity__partner=m.partner_id)
        if m.role == Role.STUDENT:
            return Q(user=user, district_id=m.district_id)
        if m.role == Role.GUARDIAN:
            return Q(pk__in=Subquery(guardians_students(user)), district_id=m.district_id)
        return None

    def current(self, today=None):
        """Students enrolled now: active and not yet graduated (alumni are the rest)."""
        return self.filter(current_q(today=today))

    def alumni(self, today=None):
        """Graduates and students who left: kept for their records and reports, not counted
        among the students a program serves now."""
        return self.exclude(current_q(today=today))

    def _students_with(self, **lookups) -> Q:
        """Students with a related row matching all `lookups` (one row, not one per lookup),
        as a subquery so the scoped list never repeats a student."""
        return Q(pk__in=Subquery(self.model._default_manager.filter(**lookups).values("pk")))


def guardians_students(user):
    """Ids of the students this user is linked to as a guardian."""
    return GuardianLink.objects.filter(guardian_user=user, is_active=True).values("student_id")


class Student(models.Model):
    """A learner. Education record under FERPA: every read goes through for_user()."""

    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="students")
    school = models.ForeignKey("districts.School", on_delete=models.PROTECT, related_name="students")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="student_profile")
    student_number = models.CharField(max_length=40, help_text="The SIS identifier.")
    sourced_id = models.CharField(
        max_length=255, null=True, blank=True, help_text="The SIS's OneRoster sourcedId (opaque, case-sensitive)."
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    grade = models.PositiveSmallIntegerField()
    graduation_year = models.PositiveSmallIntegerField()
    birth_date = models.DateField()
    availability = models.PositiveSmallIntegerField(default=0b0011111, help_text="Weekdays the student can attend; bitmask, Monday = 1.")
    transportation = models.CharField(max_length=20, choices=Transportation.choices, default=Transportation.FAMILY)
    max_travel_miles = models.PositiveSmallIntegerField(default=10)
    home_zip = models.CharField(max_length=10, blank=True)
    home_latitude = models.FloatField(null=True, blank=True)
    home_longitude = models.FloatField(null=True, blank=True)
    is_cte_concentrator = models.BooleanField(default=False)
    cte_program = models.CharField(max_length=120, blank=True)
    cte_cluster = models.ForeignKey("opportunities.CareerCluster", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_REPORTED)
    race_ethnicity = models.CharField(max_length=20, choices=RaceEthnicity.choices, default=RaceEthnicity.NOT_REPORTED)
    is_economically_disadvantaged = models.BooleanField(default=False)
    is_english_learner = models.BooleanField(default=False)
    has_iep = models.BooleanField("has an IEP or 504 plan", default=False)
    shares_profile_with_partners = models.BooleanField(
        default=False, help_text="The student (and guardian) agreed that host partners may see contact details and interests."
    )
    is_active = models.BooleanField(default=True)

    objects = StudentQuerySet.as_manager()
    access_paths = AccessPaths(
        district="district_id",
        school="school_id",
        person="user_id",
        guardian="guardian_links__guardian_user_id",
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "student_number"], name="student_unique_number"),
            models.UniqueConstraint(fields=["district", "sourced_id"], name="student_unique_sourced_id"),
            models.CheckConstraint(name="student_grade_range", condition=Q(grade__gte=6) & Q(grade__lte=12)),
            models.CheckConstraint(name="student_availability_mask", condition=Q(availability__lte=127)),
        ]
        indexes = [models.Index(fields=["district", "school", "grade"])]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    def age_on(self, day: dt.date) -> int:
        """Whole years on a given day; labour rules use the age on each session's date."""
        return age_on(self.birth_date, day)

    def is_minor_on(self, day: dt.date) -> bool:
        return is_minor(self.birth_date, day)

    def is_current(self, today=None) -> bool:
        """Enrolled now (see current_q): alumni show their class, not a grade."""
        return self.is_active and self.graduation_year >= first_current_class(today)

    @property
    def grade_label(self) -> str:
        """The grade of a current student; "Alumni, class of 2022" for the rest."""
        if self.is_current():
            return str(self.grade)
        if self.graduation_year < first_current_class():
            return f"Alumni, class of {self.graduation_year}"
        return "Left the district"

    @property
    def needs_transportation(self) -> bool:
        return self.transportation == Transportation.NONE

    def clean(self):
        """A home ZIP code must be one the map knows: it places the home for travel limits."""
        if self.home_zip.strip():
            try:
                self.home_zip = locate_zip(self.home_zip).zip_code
            except UnknownZip as e:
                raise ValidationError({"home_zip": str(e)}) from None


class StudentInterest(models.Model):
    """One ranked interest: a cluster and optionally a sub-cluster (rank 1 = most wanted)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="interests")
    cluster = models.ForeignKey("opportunities.CareerCluster", on_delete=models.CASCADE, related_name="student_interests")
    subcluster = models.ForeignKey("opportunities.SubCluster", null=True, blank=True, on_delete=models.CASCADE, related_name="student_interests")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["student", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["student", "rank"], name="interest_unique_rank"),
            models.CheckConstraint(name="interest_rank_positive", condition=Q(rank__gte=1)),
        ]

    def __str__(self):
        return f"{self.rank}. {self.subcluster or self.cluster}"


class GuardianLink(models.Model):
    """A parent or guardian of a student; may sign consent from an e-mailed link without an account."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardian_links")
    guardian_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="guardian_links")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    relationship = models.CharField(max_length=40, default="parent")
    can_sign_consent = models.BooleanField(default=True)
    sourced_id = models.CharField(
        max_length=255, null=True, blank=True, help_text="The guardian's OneRoster user sourcedId."
    )
    is_active = models.BooleanField(
        default=True, help_text="Off when the SIS no longer links this guardian; an inactive link opens nothing."
    )

    class Meta:
        ordering = ["student", "name"]
        constraints = [
            models.UniqueConstraint(fields=["student", "email"], name="guardian_unique_email"),
            models.UniqueConstraint(fields=["student", "sourced_id"], name="guardian_unique_sourced_id"),
        ]
        indexes = [models.Index(fields=["sourced_id"])]

    def __str__(self):
        return f"{self.name} ({self.relationship} of {self.student})"


