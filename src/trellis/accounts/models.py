"""Users and their memberships: a role plus the district, school or partner it applies to."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from trellis.accounts import permissions
from trellis.accounts.roles import PARTNER_ROLES, SCHOOL_STAFF_ROLES, STAFF_ROLES, Role
from trellis.core.tenancy import AccessPaths

__all__ = ["PARTNER_ROLES", "SCHOOL_STAFF_ROLES", "STAFF_ROLES", "Membership", "Role", "User"]


class User(AbstractUser):
    """A person who signs in. What they may see comes only from their memberships."""

    email = models.EmailField("e-mail address", blank=True)
    # District staff rostered from the SIS (OneRoster): who they are there, so a re-import
    # updates the same account and single sign-on can match it.
    rostered_district = models.ForeignKey(
        "districts.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="rostered_staff",
        help_text="The district whose SIS rosters this person as staff.",
    )
    sourced_id = models.CharField(
        max_length=255, null=True, blank=True, help_text="The SIS's OneRoster sourcedId for this person."
    )
    sis_role = models.CharField(
        max_length=40, blank=True, help_text="The person's role in the SIS (teacher, counselor, principal, …)."
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.UniqueConstraint(fields=["rostered_district", "sourced_id"], name="user_unique_sourced_id"),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_memberships(self):
        """Memberships cached for the request: every scope check reads them."""
        cached = getattr(self, "_memberships_cache", None)
        if cached is None:
            cached = list(self.memberships.select_related("district", "school", "partner"))
            self._memberships_cache = cached
        return cached

    def can(self, action: str, obj=None) -> bool:
        """The capability table's answer (accounts.permissions), for layers below accounts."""
        return permissions.can(self, action, obj)

    def permitted(self, action: str, queryset):
        """`queryset` narrowed to what the table lets this user do `action` to."""
        return permissions.permitted(self, action, queryset)

    def district_ids_for(self, action: str) -> set[int]:
        """Districts where one of this user's roles gives `action` (superusers: their own only)."""
        return permissions.district_ids(self, action)


class Membership(models.Model):
    """One role in one scope. A coordinator with no school is a district-wide coordinator."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(
        "districts.School", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships",
        help_text="Coordinators and counselors limited to one school; empty means district-wide.",
    )
    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships",
        help_text="Required for mentors and partner administrators.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    access_paths = AccessPaths(district="district_id", school="school_id", partner="partner_id")

    class Meta:
        ordering = ["district", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_partner_roles_have_partner",
                condition=(Q(role__in=[Role.MENTOR, Role.PARTNER_ADMIN], partner__isnull=False)
                           | (~Q(role__in=[Role.MENTOR, Role.PARTNER_ADMIN]) & Q(partner__isnull=True))),
            ),
            models.CheckConstraint(
                name="membership_school_only_for_school_staff",
                condition=Q(school__isnull=True) | Q(role__in=[Role.COORDINATOR, Role.COUNSELOR]),
            ),
        ]

    def __str__(self):
        scope = self.partner or self.school or self.district
        return f"{self.user} — {self.get_role_display()} ({scope})"

    @property
    def is_district_wide(self) -> bool:
        return self.role == Role.DISTRICT_ADMIN or (
            self.role in SCHOOL_STAFF_ROLES and self.school_id is None
        )

    def staff_q(self, *, district: str, school: str = "") -> Q | None:
        """The rows a staff membership covers, for a model's row rule: the whole district for
        district staff, the one school's rows for school staff; None for other roles."""
        if self.is_district_wide:
            return Q(**{district: self.district_id})
        if self.role in SCHOOL_STAFF_ROLES and school:
            return Q(**{school: self.school_id})
        return None
