"""The district (the tenant), its schools, school years and terms, and its calendar."""

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from trellis.core.tenancy import AccessPaths


class District(models.Model):
    """The tenant: every record belongs to exactly one district."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    state = models.CharField(max_length=2, help_text="Two-letter state code; labour and credit rules vary by state.")
    timezone = models.CharField(max_length=64, default="America/New_York")
    wbl_contact_email = models.EmailField(blank=True)
    hours_per_credit = models.DecimalField(
        max_digits=6, decimal_places=2, default=120,
        help_text="Approved hours that earn one credit (e.g. 120 h = 1 credit, 60 h = ½).",
    )
    credit_increment = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("0.5"),
        help_text="Smallest part of a credit awarded (0.5: 60 h of a 120-h credit earns ½).",
    )
    # Perkins V indicator 5S3: each state defines "participated in WBL"; the district records its rule.
    perkins_min_hours = models.DecimalField(
        max_digits=6, decimal_places=1, default=0,
        help_text="Perkins 5S3: approved WBL hours a concentrator needs to count (0: any started placement).",
    )
    perkins_counted_kinds = models.JSONField(
        default=list, blank=True,
        help_text="Perkins 5S3: opportunity kinds that count as WBL; empty means every kind.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    access_paths = AccessPaths(district="pk")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class School(models.Model):
    class Level(models.TextChoices):
        MIDDLE = "middle", "Middle school"
        HIGH = "high", "High school"
        OTHER = "other", "Other"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="schools")
    name = models.CharField(max_length=200)
    slug = models.SlugField()
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.HIGH)
    code = models.CharField(max_length=40, blank=True, help_text="State or SIS school code.")
    zip_code = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    sourced_id = models.CharField(
        max_length=255, null=True, blank=True, help_text="The SIS's OneRoster sourcedId (opaque, case-sensitive)."
    )
    is_active = models.BooleanField(default=True, help_text="Off when the SIS no longer lists the school.")

    access_paths = AccessPaths(district="district_id", school="pk")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "slug"], name="school_unique_slug"),
            models.UniqueConstraint(fields=["district", "sourced_id"], name="school_unique_sourced_id"),
        ]

    def __str__(self):
        return self.name


class SchoolYear(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="school_years")
    name = models.CharField(max_length=40, help_text="e.g. 2026–27")
    start_date = models.DateField()
    end_date = models.DateField()
    sourced_id = models.CharField(max_length=255, null=True, blank=True, help_text="The SIS's OneRoster sourcedId.")

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="school_year_unique_name"),
            models.UniqueConstraint(fields=["district", "sourced_id"], name="school_year_unique_sourced_id"),
            models.CheckConstraint(name="school_year_ends_after_start", condition=Q(end_date__gt=F("start_date"))),
        ]

    def __str__(self):
        return self.name

    @property
    def graduation_year(self) -> int:
        """Seniors in this school year graduate in the calendar year it ends."""
        return self.end_date.year


class Term(models.Model):
    class Kind(models.TextChoices):
        FALL = "fall", "Fall semester"
        SPRING = "spring", "Spring semester"
        SUMMER = "summer", "Summer"
        FULL_YEAR = "year", "Full year"

    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    sourced_id = models.CharField(
        max_length=255, null=True, blank=True,
        help_text="The SIS's OneRoster sourcedId; unique within the school year's district (the importer keeps it so).",
    )

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "sourced_id"], name="term_unique_sourced_id"),
            models.CheckConstraint(name="term_ends_after_start", condition=Q(end_date__gt=F("start_date"))),
        ]

    def __str__(self):
        return f"{self.name} {self.school_year}"

    def contains(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


class DayType(models.TextChoices):
    SCHOOL_DAY = "school_day", "School day"
    EARLY_RELEASE = "early_release", "Early release"
    NO_SCHOOL = "no_school", "No school"


class CalendarDay(models.Model):
    """A day the district calendar marks specially; unmarked weekdays in a school year are school days.

    A row with a school applies to that school only and overrides the district-wide row.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="calendar_days")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_days")
    date = models.DateField()
    day_type = models.CharField(max_length=20, choices=DayType.choices)
    label = models.CharField(max_length=200, blank=True)
    early_release_time = models.TimeField(null=True, blank=True)
    source_uid = models.CharField(max_length=255, blank=True, help_text="UID of the ICS event this came from.")
    source = models.ForeignKey(
        "districts.CalendarSource", null=True, blank=True, on_delete=models.SET_NULL, related_name="days",
        help_text="The import that wrote this row; a re-import of the same source removes rows it no longer lists.",
    )
    manually_edited = models.BooleanField(default=False, help_text="Kept when the ICS feed is imported again.")

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["district", "date"], condition=Q(school__isnull=True), name="calendar_day_unique_district"),
            models.UniqueConstraint(fields=["district", "school", "date"], condition=Q(school__isnull=False), name="calendar_day_unique_school"),
        ]

    def __str__(self):
        return f"{self.date} {self.get_day_type_display()} {self.label}".strip()


class CalendarSource(models.Model):
    """Where a district's calendar comes from (an ICS URL or an uploaded file), for re-imports."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="calendar_sources")
    url = models.URLField(max_length=500, blank=True, help_text="ICS address fetched on re-import.")
    uploaded_name = models.CharField(max_length=255, blank=True, help_text="Name of the uploaded ICS file.")
    last_imported_at = models.DateTimeField(null=True, blank=True)
    last_result = models.JSONField(default=dict, blank=True, help_text="Counts and unmatched events of the last import.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_imported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="calendar_source_url_or_file",
                condition=(~Q(url="") & Q(uploaded_name="")) | (Q(url="") & ~Q(uploaded_name="")),
            ),
            models.UniqueConstraint(fields=["district", "url"], condition=~Q(url=""), name="calendar_source_unique_url"),
            models.UniqueConstraint(
                fields=["district", "uploaded_name"], condition=~Q(uploaded_name=""), name="calendar_source_unique_file"
            ),
        ]

    def __str__(self):
        return self.url or self.uploaded_name

    @property
    def label(self) -> str:
        return self.url or self.uploaded_name


class DayTypeMapping(models.Model):
    """The coordinator's rule turning an ICS event (by category or summary text) into a day type."""

    class MatchField(models.TextChoices):
        CATEGORY = "category", "Event category is"
        SUMMARY_CONTAINS = "summary_contains", "Event title contains"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="day_type_mappings")
    match_field = models.CharField(max_length=20, choices=MatchField.choices)
    pattern = models.CharField(max_length=200, help_text="Compared without regard to letter case.")
    day_type = models.CharField(max_length=20, choices=DayType.choices)
    early_release_time = models.TimeField(
        null=True, blank=True, help_text="Dismissal time for early-release events that carry no time of their own."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["match_field", "pattern"]
        constraints = [
            models.UniqueConstraint(
                Lower("pattern"), "district", "match_field", name="day_type_mapping_unique_pattern"
            ),
            models.CheckConstraint(name="day_type_mapping_pattern_not_blank", condition=~Q(pattern="")),
        ]

    def __str__(self):
        return f"{self.get_match_field_display()} “{self.pattern}” → {self.get_day_type_display()}"
