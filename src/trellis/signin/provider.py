"""allauth's OpenID Connect provider, one client per district connection, made stricter.

allauth's own OpenID Connect provider skips the ID token's signature when the token came
straight from the token endpoint (the specification allows it) and sends no nonce. District
sign-in checks both: every ID token's signature against the issuer's published keys, and a
fresh nonce per sign-in, stashed with allauth's state and compared in the adapter
(`adapters.SocialAccountAdapter.pre_social_login`). PKCE is on (settings). Each
connection's provider id is its slug, so many districts can use Google at once.
"""

import secrets

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.urls import reverse

PROVIDER = "district_sso"


class DistrictSSOAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app, id_token: str) -> dict:
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )

    def get_callback_url(self, request, app):
        url = reverse(f"{PROVIDER}_callback", kwargs={"provider_id": self.provider_id})
        return build_absolute_uri(request, url, self.redirect_uri_protocol)


class DistrictSSOProvider(OpenIDConnectProvider):
    id = PROVIDER
    name = "District single sign-on"
    oauth2_adapter_class = DistrictSSOAdapter

    def get_oauth2_adapter(self, request):
        return DistrictSSOAdapter(request, self.app.provider_id)

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )


provider_classes = [DistrictSSOProvider]
