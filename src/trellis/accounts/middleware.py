"""Sign-in by default: every page needs a signed-in user unless its view is marked public.

Django's LoginRequiredMiddleware with two refinements, so that turning it on changes nothing a
visitor sees: the admin keeps sending visitors to its own sign-in page, and an htmx request (a
fragment swap) is told to send the whole page to sign in, instead of the sign-in page landing
inside a table cell. Public views carry ``django.contrib.auth.decorators.login_not_required``;
tests/test_public_routes.py lists them and proves every other route asks for sign-in.
"""

from django.contrib.auth import middleware
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect


class LoginRequiredMiddleware(middleware.LoginRequiredMiddleware):
    def handle_no_permission(self, request, view_func):
        match = request.resolver_match
        if match is not None and match.app_name == "admin":
            login_url = reverse("admin:login", current_app=match.namespace)
        else:
            login_url = resolve_url(self.get_login_url(view_func))
        htmx = getattr(request, "htmx", None)
        if htmx:
            # Back to the page the fragment belongs to, not to the fragment itself.
            back_to = htmx.current_url_abs_path or request.get_full_path()
            to_login = redirect_to_login(back_to, login_url, self.get_redirect_field_name(view_func))
            return HttpResponseClientRedirect(to_login.url)
        return redirect_to_login(
            request.get_full_path(), login_url, self.get_redirect_field_name(view_func)
        )
