from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from trellis.accounts.models import User
from trellis.api.scopes import DISTRICT_SCOPES, PARTNER_SCOPES
from trellis.api.services import create_api_token
from trellis.districts.models import District
from trellis.partners.models import Partner


class Command(BaseCommand):
    help = (
        "Make an API token as a district (or partner) administrator and print its key once "
        "(as the API tokens page does; CI's schema fuzzing uses it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True, help="The administrator the token acts for.")
        parser.add_argument("--name", required=True, help="Which system uses the token.")
        parser.add_argument("--district", help="District slug (default: the administrator's district).")
        parser.add_argument("--partner", type=int, help="A partner's id, for a partner token.")
        parser.add_argument("--scopes", help="Comma-separated scopes (default: every scope the token may have).")
        parser.add_argument("--days", type=int, default=30, help="Days until it expires (default 30).")

    def handle(self, *args, username, name, district, partner, scopes, days, **options):
        try:
            actor = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        owner = {}
        if partner is not None:
            owner["partner"] = Partner.objects.filter(pk=partner).first()
            if owner["partner"] is None:
                raise CommandError(f"No partner {partner}.")
        else:
            memberships = actor.get_memberships()
            slug = district or (memberships[0].district.slug if memberships else None)
            owner["district"] = District.objects.filter(slug=slug).first()
            if owner["district"] is None:
                raise CommandError(f"No district {slug!r}.")
        chosen = scopes.split(",") if scopes else sorted(PARTNER_SCOPES if partner else DISTRICT_SCOPES)
        try:
            _, key = create_api_token(
                actor=actor, name=name, scopes=chosen,
                expires_on=timezone.localdate() + timezone.timedelta(days=days), **owner,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(key)
