"""The "set your password" e-mail for people someone else added: mentors, district staff.

An invited account has no usable password; the e-mail carries Django's one-time password-reset
link (uid + token), so the invitee picks a password and the link cannot be used again.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from trellis.accounts.models import User
from trellis.core.notifications import send_emails


class _InvitationForm(PasswordResetForm):
    """Django's password-reset machinery aimed at exactly one new user.

    PasswordResetForm skips accounts without a usable password, which is every invitee, so the
    user is given here; the e-mail goes out through the shared queue after the commit.
    """

    def __init__(self, user):
        super().__init__(data={"email": user.email})
        self._invitee = user

    def get_users(self, email):
        return [self._invitee]

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_emails([{"to": [to_email], "subject": subject, "body": body}])


def send_password_set_email(user, *, template_prefix: str, context: dict) -> None:
    """Queue the invitation: `<prefix>_subject.txt` and `<prefix>_email.txt` with `context`."""
    site = urlsplit(settings.SITE_URL)
    form = _InvitationForm(user)
    form.is_valid()
    form.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name=f"{template_prefix}_subject.txt",
        email_template_name=f"{template_prefix}_email.txt",
        extra_email_context=context,
    )


def free_username(email: str) -> str:
    """The e-mail address as username, numbered when it is taken."""
    base = email.lower()[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate
