"""Sign-in by default: every route sends an anonymous visitor to sign in, except a short list.

The sweep walks the whole URL resolver (the admin included), fills each route's parameters,
and asks for it signed out, by GET and by POST. A route that answers instead of asking for
sign-in must be on PUBLIC, and PUBLIC must be exactly the views marked `login_not_required`:
a new public view cannot appear without someone adding it here, in review.
"""

import re
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

# Every route a signed-out visitor may open, and why.
PUBLIC = {
    "accounts:login": "signing in",
    "accounts:password_reset": "asking for a password reset",
    "accounts:password_reset_done": "the reset e-mail was sent",
    "accounts:password_reset_confirm": "the e-mailed reset link; staff and mentor invitations too",
    "accounts:password_reset_complete": "the new password is set",
    "admin:login": "the admin's own sign-in page",
    "account_login": "allauth's name for signing in: sends to accounts:login",
    "account_logout": "signing out (allauth's page, used by its MFA pages)",
    "account_inactive": "an SSO sign-in of a switched-off account lands here",
    "socialaccount_login_cancelled": "the person cancelled at the district's identity provider",
    "district_sso_login": "starting a district SSO sign-in (OpenID Connect)",
    "district_sso_callback": "the district identity provider's redirect back (OpenID Connect)",
    "mfa_authenticate": "the second step of signing in: the TOTP or recovery code",
    "core:healthz": "the load balancer's health check (the older address)",
    "healthz": "the liveness probe; answers without the database",
    "readyz": "the readiness probe; says whether the database and migrations are ready",
    "metrics": "the Prometheus scrape; 404 without METRICS_TOKEN, 401 without the bearer token",
    "feeds:calendar": "a calendar app fetching a subscribed feed; the token is the key",
    "hours:link": "a mentor without an account approving hours from an e-mailed link",
    "lifecycle:guardian_sign": "a guardian signing consent from an e-mailed link",
    "api:schema": "the integration API's OpenAPI schema (describes, holds no records)",
    "api:docs": "the integration API's docs page (Swagger UI over the schema)",
    "api:not_found": "a problem-details 404 for /api/ addresses that match no endpoint",
}
# The integration API's endpoints authenticate by API token, not by session: a request with
# no key gets 401 (tests/api/test_endpoints.py proves it route by route).
API_ENDPOINT_PREFIX = "api:"

# Values for route parameters, by path converter; the view never runs for a protected route.
CONVERTER_VALUES = {"int": "1", "slug": "maple-valley", "str": "x", "path": "1", "uuid": str(uuid.uuid4())}
# Values tried, in order, for a regular-expression group (the admin's app_label, object ids).
REGEX_VALUES = ["1", "accounts", "x", "participation"]


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"; an unnamed route is named by its URL
    url: str
    view: object

    @property
    def is_api_endpoint(self) -> bool:
        return self.name.startswith(API_ENDPOINT_PREFIX) and self.name not in PUBLIC

    @property
    def marked_public(self) -> bool:
        return getattr(self.view, "login_required", True) is False


def routes(patterns=None, prefix="", namespace=""):
    """Every URL pattern under the root URL conf, with a URL that resolves to it."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from routes(pattern.url_patterns, prefix + _fill(pattern.pattern), ns)
        else:
            assert isinstance(pattern, URLPattern)
            url = "/" + prefix + _fill(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Route(name=name or f"{namespace}:{url}", url=url, view=pattern.callback)


def _fill(pattern) -> str:
    """A concrete path segment matching the pattern: converters and groups filled with samples."""
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: CONVERTER_VALUES[m[1] or "str"], str(pattern))
    assert isinstance(pattern, RegexPattern)
    for value in REGEX_VALUES:
        sample = re.sub(r"\(\?P<\w+>(?:[^()]|\([^()]*\))*\)", value, pattern.regex.pattern)
        sample = sample.lstrip("^").rstrip("$").replace("\\", "")
        if pattern.regex.match(sample):
            return sample
    raise AssertionError(f"No sample value matches {pattern.regex.pattern!r}; add one to REGEX_VALUES")


def asks_for_sign_in(response, url: str, login_path: str) -> bool:
    if response.status_code != 302:
        return False
    target = urlsplit(response["Location"])
    return target.path == login_path and parse_qs(target.query).get("next") == [url]


def sweep(client, names=None):
    """(route, method, status) for each route that answers a signed-out visitor wrongly."""
    problems = []
    for route in routes():
        if names is not None and route.name not in names:
            continue
        login_path = reverse("admin:login") if route.name.startswith("admin:") else reverse("accounts:login")
        for method in ("get", "post"):
            response = getattr(client, method)(route.url)
            redirected = asks_for_sign_in(response, route.url, login_path)
            if route.is_api_endpoint:
                if response.status_code != 401:
                    problems.append((route.name, method, response.status_code))
            elif route.name in PUBLIC:
                if redirected or response.status_code >= 500:
                    problems.append((route.name, method, response.status_code))
            elif not redirected:
                problems.append((route.name, method, response.status_code))
    return problems


def test_every_route_but_the_public_ones_sends_a_signed_out_visitor_to_sign_in(client, db):
    every = list(routes())
    assert len(every) > 150, "the sweep found too few routes to be walking the whole URL conf"
    assert any(r.name.startswith("admin:") for r in every) and any(r.name == "hours:budget" for r in every)
    assert sweep(client) == []


def test_the_public_list_is_exactly_the_views_marked_login_not_required():
    marked = {route.name for route in routes() if route.marked_public and not route.is_api_endpoint}
    assert marked == set(PUBLIC)
    assert all(route.marked_public for route in routes() if route.is_api_endpoint)


def test_an_htmx_request_is_told_to_send_the_whole_page_to_sign_in(client):
    response = client.get(
        reverse("hours:approvals"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/hours/?week=2"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/hours/%3Fweek%3D2"


# --- the sweep itself can fail ---------------------------------------------------------------


@login_not_required
def _unreviewed_public_view(request, pk):
    return HttpResponse("anyone")


def _plain_view(request):
    return HttpResponse("members only, one hopes")


urlpatterns = [
    path("", include("trellis.urls")),
    path("unreviewed/<int:pk>/", _unreviewed_public_view, name="unreviewed"),
    path("plain/", _plain_view, name="plain"),
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_new_public_view_not_on_the_list_is_caught(client, db):
    assert "unreviewed" in {route.name for route in routes() if route.marked_public}
    problems = sweep(client, names={"unreviewed", "plain", "core:home", "core:healthz"})
    assert problems == [("unreviewed", "get", 200), ("unreviewed", "post", 200)]


def test_without_the_middleware_every_unmarked_view_is_caught(client, db, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "LoginRequired" not in m]
    with override_settings(ROOT_URLCONF=__name__):
        # No view carries its own @login_required any more: sign-in rests on the middleware alone.
        assert sweep(client, names={"plain", "core:home"}) == [
            ("core:home", "get", 200),
            ("core:home", "post", 200),
            ("plain", "get", 200),
            ("plain", "post", 200),
        ]


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_each_public_route_opens_signed_out(client, db, name):
    route = next(r for r in routes() if r.name == name)
    response = client.get(route.url)
    assert response.status_code < 500
    assert not asks_for_sign_in(response, route.url, reverse("accounts:login"))
