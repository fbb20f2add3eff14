"""One OneRoster import: the uploaded ZIP, its preview, what it wrote, and the refused rows."""

from django.conf import settings
from django.db import models

from trellis.core.stored_secrets import ClientSecretFields
from trellis.core.tenancy import AccessPaths, ScopedQuerySet

MAX_STORED_PROBLEMS = 5000
"""A broken 100,000-row file can refuse every row; the history keeps the first ones (and the count)."""

KINDS = (
    ("schools", "Schools"),
    ("school_years", "School years"),
    ("terms", "Terms"),
    ("students", "Students"),
    ("guardians", "Guardian links"),
    ("staff", "District staff"),
)
OUTCOMES = ("new", "updated", "deactivated", "unchanged")


class RosterImportQuerySet(ScopedQuerySet):
    def membership_q(self, user, m):
        """District-wide staff see the district's imports (a school's staff do not)."""
        if m.is_district_wide:
            return models.Q(district_id=m.district_id)
        return None


class RosterImport(models.Model):
    """An uploaded OneRoster ZIP, checked (preview) and then applied in one transaction."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking the file"
        PREVIEWED = "previewed", "Ready to confirm"
        REFUSED = "refused", "Refused"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    class Origin(models.TextChoices):
        UPLOAD = "upload", "Uploaded"
        COMMAND = "command", "Command line"
        PULL = "pull", "Pulled from the SIS"

    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="roster_imports")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.UPLOAD)
    file = models.FileField(upload_to="rostering/%Y/%m/", blank=True)
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    version = models.CharField(max_length=8, blank=True, help_text="OneRoster version from the manifest.")
    mode = models.CharField(max_length=10, blank=True, help_text="bulk, delta, or mixed across files.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    progress = models.PositiveSmallIntegerField(default=0)
    skip_invalid = models.BooleanField(
        default=False, help_text="The person confirming chose to import the rest and leave refused rows out."
    )
    counts = models.JSONField(default=dict, blank=True, help_text="kind → new/updated/deactivated/unchanged.")
    problems = models.JSONField(default=list, blank=True, help_text="Refused rows: [file, line, column, reason].")
    problem_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RosterImportQuerySet.as_manager()
    access_paths = AccessPaths(district="district_id")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="roster_import_progress_percent", condition=models.Q(progress__lte=100)
            ),
        ]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display().lower()})"

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.QUEUED, self.Status.RUNNING)

    @property
    def can_confirm(self) -> bool:
        return self.status == self.Status.PREVIEWED

    def count_rows(self):
        """(label, new, updated, deactivated, unchanged) per kind, for the preview and result tables."""
        rows = []
        for key, label in KINDS:
            c = self.counts.get(key, {})
            rows.append((label, *(c.get(o, 0) for o in OUTCOMES)))
        return rows


class RosterOrg(models.Model):
    """Every org the SIS listed (district, departments, schools), so a delta file can name one
    it does not repeat; a department resolves to the school above it."""

    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="roster_orgs")
    sourced_id = models.CharField(max_length=255)
    org_type = models.CharField(max_length=20)
    parent_sourced_id = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "sourced_id"], name="roster_org_unique_sourced_id"),
        ]

    def __str__(self):
        return f"{self.org_type} {self.sourced_id}"


class RosterSource(ClientSecretFields):
    """The district's SIS or rostering hub (Clever, ClassLink, the SIS itself) answering OneRoster
    1.2 REST: pulled on a schedule into the same import engine as an uploaded ZIP."""

    district = models.OneToOneField("districts.District", on_delete=models.CASCADE, related_name="roster_source")
    base_url = models.URLField(
        max_length=500,
        help_text="The rostering service's base address, ending in /ims/oneroster/rostering/v1p2.",
    )
    token_url = models.URLField(max_length=500, help_text="The OAuth 2 token endpoint (client credentials).")
    scope = models.CharField(
        max_length=500, blank=True,
        help_text="Scopes to ask for, if the provider wants them (space-separated).",
    )
    is_enabled = models.BooleanField(
        default=True, help_text="Pulled every night by the scheduler; off keeps the connection but stops the pulls."
    )
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    last_import = models.ForeignKey(RosterImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_error = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RosterImportQuerySet.as_manager()
    access_paths = AccessPaths(district="district_id")

    def __str__(self):
        return f"OneRoster pull for {self.district}"
