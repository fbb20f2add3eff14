"""A district's SSO connections (one OpenID Connect client each) and its sign-in policy."""

from django.db import models
from django.db.models import Q

from trellis.accounts.roles import Role
from trellis.core.stored_secrets import ClientSecretFields
from trellis.core.tenancy import AccessPaths, ScopedQuerySet


class Kind(models.TextChoices):
    GOOGLE = "google", "Google Workspace"
    MICROSOFT = "microsoft", "Microsoft 365 (Entra ID)"
    CLEVER = "clever", "Clever"
    CLASSLINK = "classlink", "ClassLink"
    OIDC = "oidc", "Another OpenID Connect provider"


ISSUERS = {
    Kind.GOOGLE: "https://accounts.google.com",
    Kind.MICROSOFT: "https://login.microsoftonline.com/{tenant}/v2.0",
    Kind.CLEVER: "https://clever.com",
    Kind.CLASSLINK: "https://launchpad.classlink.com",
}
"""Each provider's OpenID Connect issuer; its discovery document is under /.well-known/."""


class ConnectionQuerySet(ScopedQuerySet):
    def membership_q(self, user, membership):
        # Client ids and issuers are for the district's administrators only.
        return Q(district_id=membership.district_id) if membership.role == Role.DISTRICT_ADMIN else None

    def enabled(self):
        return self.filter(is_enabled=True)


class SSOConnection(ClientSecretFields):
    """One way a district's people sign in: its identity provider and the client Trellis is there."""

    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="sso_connections")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    label = models.CharField(max_length=80, help_text="The button people see, e.g. “Maple Valley Google”.")
    slug = models.SlugField(max_length=80, unique=True, help_text="Part of the redirect URI.")
    issuer_url = models.URLField(
        blank=True, help_text="Only for another OpenID Connect provider: its issuer URL."
    )
    allowed_domains = models.CharField(
        max_length=500, blank=True,
        help_text="E-mail domains accepted, separated by commas (e.g. mvsd.org, students.mvsd.org).",
    )
    tenant_id = models.CharField(
        max_length=64, blank=True, help_text="Microsoft only: the Entra ID tenant (directory) ID."
    )
    sis_id_claim = models.CharField(
        max_length=64, blank=True,
        help_text="A claim carrying the student's SIS number (student_number), if the provider sends one.",
    )
    is_enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConnectionQuerySet.as_manager()
    access_paths = AccessPaths(district="district_id")

    class Meta:
        ordering = ["district", "label"]
        constraints = [
            models.CheckConstraint(
                name="sso_microsoft_has_tenant",
                condition=~Q(kind="microsoft") | ~Q(tenant_id=""),
            ),
            models.CheckConstraint(
                name="sso_oidc_has_issuer",
                condition=~Q(kind="oidc") | ~Q(issuer_url=""),
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.district})"

    @property
    def issuer(self) -> str:
        if self.kind == Kind.OIDC:
            return self.issuer_url.rstrip("/")
        return ISSUERS[Kind(self.kind)].format(tenant=self.tenant_id)

    @property
    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.allowed_domains.split(",") if d.strip()]



class SignInPolicy(models.Model):
    """District choices about sign-in beyond the fixed rules (staff always need MFA)."""

    district = models.OneToOneField("districts.District", on_delete=models.CASCADE, related_name="signin_policy")
    partner_admins_need_mfa = models.BooleanField(
        default=False, help_text="Partner administrators must also use multi-factor authentication."
    )

    access_paths = AccessPaths(district="district_id")

    def __str__(self):
        return f"Sign-in policy of {self.district}"
