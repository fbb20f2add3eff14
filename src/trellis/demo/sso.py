"""The demo's district SSO: the local identity provider's directory and Maple Valley's connection.

`make demo` serves trellis.demo.idp beside Trellis (runserver_with_worker), so "Sign in with
Maple Valley SSO (demo)" works offline. Its directory holds every demo login's e-mail (password
trellis-demo), some rostered students by their record's e-mail, and one person the district does
not have (visitor@…), who is shown the "ask your coordinator" page.
"""

import json
from pathlib import Path

from django.conf import settings

from trellis.accounts.models import Membership, Role
from trellis.demo.build import DEMO_PASSWORD
from trellis.districts.models import District
from trellis.signin import services
from trellis.signin.models import Kind, SSOConnection
from trellis.students.models import Student

SLUG = "maple-valley-demo"
CLIENT_ID = "trellis-demo"
CLIENT_SECRET = "trellis-demo-sso-secret"  # noqa: S105 - the demo provider's own client
VISITOR = "visitor@maple-valley.example.org"


def directory_path() -> Path:
    return Path(settings.BASE_DIR) / "var" / "demo-idp" / "directory.json"


def prepare_demo_sso(*, site_url: str, idp_url: str) -> Path | None:
    """Write the directory and connect the demo district to the provider; None without a demo."""
    district = District.objects.filter(slug="maple-valley").first()
    admin = Membership.objects.filter(district=district, role=Role.DISTRICT_ADMIN).select_related("user").first()
    if district is None or admin is None:
        return None
    people = {}
    for m in Membership.objects.filter(district=district).exclude(user__email="").select_related("user")[:200]:
        people.setdefault(m.user.email.lower(), (m.user.first_name, m.user.last_name))
    for s in Student.objects.filter(district=district, user__isnull=True).exclude(email="")[:20]:
        people.setdefault(s.email.lower(), (s.first_name, s.last_name))
    people[VISITOR] = ("Val", "Visitor")
    path = directory_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{site_url.rstrip('/')}/auth/sso/{SLUG}/login/callback/"],
        "accounts": [{"email": e, "password": DEMO_PASSWORD, "first_name": f, "last_name": last}
                     for e, (f, last) in sorted(people.items())],
    }, indent=1))
    connection = SSOConnection.objects.filter(slug=SLUG).first() or SSOConnection(
        district=district, slug=SLUG, kind=Kind.OIDC, label="Maple Valley SSO (demo)")
    connection.issuer_url = f"{idp_url.rstrip('/')}/o"
    connection.client_id = CLIENT_ID
    connection.allowed_domains = "maple-valley.example.org"
    services.save_connection(connection=connection, actor=admin.user, secret=CLIENT_SECRET)
    return path
