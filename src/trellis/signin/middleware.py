"""Trellis's sign-in policy on every request.

- A session ends when its person has lost their last role since signing in (a membership
  removed anywhere: the staff page, a partner removing a mentor, the site admin). Switched-off
  accounts are refused by Django's authentication backend on the next request, and their
  sessions are ended by the service that switches them off.
- District staff (and partner administrators where a district asks it) who have no second
  factor yet are sent to set one up before any other page: enrolment forced at sign-in.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect

HAD_ROLE = "trellis_signin_had_role"
MFA_OK = "trellis_signin_mfa_ok"
# Pages a person who must enrol may still open: the MFA pages themselves and signing out.
MFA_ENROLMENT_VIEWS = {"account_logout", "accounts:logout", "account_reauthenticate", "mfa_reauthenticate"}


class SignInPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        """The sign-in page's SSO buttons post to Trellis, which redirects to the district's
        identity provider: the page's form-action must allow those origins (CSP)."""
        match = request.resolver_match
        if match is not None and match.view_name == "accounts:login":
            from trellis.signin.models import SSOConnection

            origins = sorted({
                "{}://{}".format(*urlsplit(c.issuer))
                for c in SSOConnection.objects.enabled().only("kind", "issuer_url", "tenant_id")[:50]
            })
            if origins:
                response._csp_update = {"form-action": origins}
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        from trellis.signin import services

        if request.session.get(HAD_ROLE) and not user.is_superuser and not user.get_memberships():
            services.end_sessions(user)
            logout(request)
            messages.info(request, "You no longer have a role in Trellis, so you were signed out.")
            return redirect(settings.LOGIN_URL)
        if not settings.SIGNIN_REQUIRE_MFA or request.session.get(MFA_OK):
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name.startswith("mfa_") or name in MFA_ENROLMENT_VIEWS or not name:
            return None
        if not services.needs_mfa(user):
            return None
        if services.has_mfa(user):
            request.session[MFA_OK] = True
            return None
        messages.warning(
            request,
            "Your role needs multi-factor authentication. Set up an authenticator app to go on.",
        )
        if getattr(request, "htmx", None):
            return HttpResponseClientRedirect("/auth/2fa/totp/activate/")
        return redirect("mfa_activate_totp")
