"""allauth's pages that Trellis uses, under /auth/, with allauth's own (unnamespaced) names.

Only these: no sign-up, no e-mail management, no second password-reset. "account_login"
sends to Trellis's sign-in page (accounts:login), which runs allauth's login stages.
"""

from allauth.account import views as account_views
from allauth.socialaccount import views as social_views
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.usersessions import views as session_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import include, path
from django.views.generic import RedirectView

from trellis.signin.provider import DistrictSSOAdapter


@login_not_required
def sso_login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(DistrictSSOAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404("No such sign-in.") from None


@login_not_required
def sso_callback(request, provider_id):
    try:
        return OAuth2CallbackView.adapter_view(DistrictSSOAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404("No such sign-in.") from None


to_sign_in = login_not_required(
    RedirectView.as_view(pattern_name="accounts:login", query_string=True)
)

urlpatterns = [
    path("login/", to_sign_in, name="account_login"),
    path("logout/", account_views.logout, name="account_logout"),
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("password/change/", account_views.password_change, name="account_change_password"),
    path("2fa/", include("allauth.mfa.urls")),
    path("sso/login/cancelled/", social_views.login_cancelled, name="socialaccount_login_cancelled"),
    path("sso/login/error/", social_views.login_error, name="socialaccount_login_error"),
    path("sso/connections/", social_views.connections, name="socialaccount_connections"),
    path("sso/<slug:provider_id>/login/", sso_login, name="district_sso_login"),
    path("sso/<slug:provider_id>/login/callback/", sso_callback, name="district_sso_callback"),
    path("sessions/", session_views.list_usersessions, name="usersessions_list"),
]
