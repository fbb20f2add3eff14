"""Tokens for the personas, and a client that sends one."""

import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

from tests import factories as f
from trellis.accounts.models import Role
from trellis.api.scopes import DISTRICT_SCOPES, PARTNER_SCOPES
from trellis.api.services import create_api_token


def make_token(actor, *, scopes=None, partner=None, district=None, name="Warehouse load", days=30):
    """(token, key) made through the service, as the tokens page does."""
    if district is None and partner is None:
        district = next(m.district for m in actor.get_memberships() if m.role == Role.DISTRICT_ADMIN)
    if scopes is None:
        scopes = PARTNER_SCOPES if partner is not None else DISTRICT_SCOPES
    return create_api_token(
        actor=actor, name=name, scopes=scopes, district=district, partner=partner,
        expires_on=timezone.localdate() + dt.timedelta(days=days),
    )


def client_for(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def other_district_admin(personas):
    user = f.UserFactory(username="other_admin", first_name="Orla")
    f.MembershipFactory(user=user, district=personas.other_district, role=Role.DISTRICT_ADMIN)
    return user
