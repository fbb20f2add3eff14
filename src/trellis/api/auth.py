"""Token authentication, the per-token rate limit, and the audit line every use writes."""

from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling

from trellis.api import tokens
from trellis.api.models import ApiToken
from trellis.core.audit import AuditAction
from trellis.core.models import AuditEvent


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer trl_…`; a revoked, expired or unknown key gets 401."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("The Authorization header is “Bearer <key>”.")
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("The key is not valid text.") from None
        token = (
            ApiToken.objects.select_related("identity", "created_by", "district", "partner")
            .filter(key_hash=tokens.hash_key(key))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown API key.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key was revoked.")
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("This API key has expired.")
        return tokens.identity_for(token), token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "trellis.api.auth.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key made by a district or partner administrator (Integrations → API tokens).",
        }


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Requests per token (API_TOKEN_RATE, e.g. 600/min); over it, 429 with Retry-After."""

    scope = "api_token"

    def get_rate(self):
        return settings.API_TOKEN_RATE

    def get_cache_key(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return f"throttle_api_token_{token.pk}"


def record_use(request, response) -> None:
    """One audit event per request, named for the token; and the token's last use."""
    token = request.auth
    if not isinstance(token, ApiToken):
        return
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    AuditEvent.record(
        actor=request.user,
        actor_label=f"API token “{token.name}”",
        action=AuditAction.API_REQUEST,
        target=token,
        district=token.district,
        data={
            "token": token.pk,
            "method": request.method,
            "path": request.get_full_path()[:500],
            "status": response.status_code,
        },
        ip_address=request.META.get("REMOTE_ADDR"),
    )
