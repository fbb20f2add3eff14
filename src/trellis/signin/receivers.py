"""What a sign-in remembers about the person: whether they held a role (see middleware)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from trellis.signin.middleware import HAD_ROLE


@receiver(user_logged_in, dispatch_uid="trellis.signin.had_role")
def remember_roles_at_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[HAD_ROLE] = bool(user.memberships.exists())
