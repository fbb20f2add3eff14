"""The sign-in and password-reset pages, on Django's views, through allauth's sign-in stages.

A password sign-in goes on through allauth's login flow, so a person with an authenticator
is asked for their code (allauth.mfa) before the session is theirs. Password-reset e-mails
are rate-limited per IP and per address with allauth's rate limiter (ACCOUNT_RATE_LIMITS).
"""

from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import Login
from allauth.core import ratelimit
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        login = Login(user=user, redirect_url=self.get_success_url())
        return perform_password_login(
            self.request, {"username": form.cleaned_data.get("username")}, login
        )


@method_decorator(login_not_required, name="dispatch")
class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        if not ratelimit.consume(self.request, action="reset_password", key=email):
            form.add_error(
                None, "Too many password-reset requests. Wait an hour and try again."
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)
