"""allauth adapters: no self sign-up, and district SSO apps built from SSOConnection rows."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.shortcuts import render

from trellis.core.stored_secrets import SecretUnavailable
from trellis.signin import services
from trellis.signin.matching import Refused, find_person
from trellis.signin.models import SSOConnection
from trellis.signin.provider import PROVIDER


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False  # accounts come from the district's rolls and invitations only

    def is_reauthentication_required(self, *, app, **kwargs):
        """A sign-in (password, SSO or MFA) in the last few minutes counts as re-entering one's
        credentials: staff forced to enrol right after signing in (through SSO too, with no
        password to re-enter) set MFA up at once; later changes ask again."""
        request = context.request
        if request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


def _app(connection: SSOConnection, *, with_secret: bool) -> SocialApp:
    app = SocialApp(
        provider=PROVIDER,
        provider_id=connection.slug,
        name=connection.label,
        client_id=connection.client_id,
        secret=connection.client_secret() if with_secret else "",
        settings={"server_url": connection.issuer, "oauth_pkce_enabled": True},
    )
    app._trellis_connection = connection
    return app


def _claims(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def _ip(request):
    return request.META.get("REMOTE_ADDR") or None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        connections = SSOConnection.objects.enabled().select_related("district")
        if provider and provider != PROVIDER:
            connections = connections.filter(slug=provider)
        if client_id:
            connections = connections.filter(client_id=client_id)
        apps = []
        for connection in connections:
            try:
                # The secret is read only when one app is wanted (a sign-in), not for lists.
                apps.append(_app(connection, with_secret=bool(provider and provider != PROVIDER)))
            except SecretUnavailable:
                continue
        return apps

    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        """Accept the sign-in only as a person the district already has; else refuse and audit."""
        connection = SSOConnection.objects.select_related("district").get(
            slug=sociallogin.account.provider
        )
        claims = _claims(sociallogin)
        try:
            id_token = (sociallogin.account.extra_data or {}).get("id_token") or {}
            if not sociallogin.state.get("nonce") or id_token.get("nonce") != sociallogin.state["nonce"]:
                raise Refused("nonce")
            person = find_person(connection, claims)
            if sociallogin.is_existing and person.user is not None and person.user.pk != sociallogin.user.pk:
                raise Refused("ambiguous")
        except Refused as refusal:
            services.record_refused_sign_in(
                connection=connection, claims=claims, reason=refusal.reason, ip_address=_ip(request)
            )
            raise ImmediateHttpResponse(
                render(request, "signin/ask_coordinator.html",
                       {"connection": connection, "district": connection.district,
                        "reason": str(refusal)}, status=403)
            ) from None
        if not sociallogin.is_existing:
            user = services.link_sso_person(
                connection=connection, person=person, claims=claims, ip_address=_ip(request)
            )
            sociallogin.connect(request, user)
