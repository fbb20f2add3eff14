"""The e-mailed approval links: a secret token (core.tokens), single use, expiring."""

import datetime as dt

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from trellis.core.notifications import absolute_url
from trellis.core.tokens import hash_token
from trellis.hours.models import ApprovalLink


class LinkGone(Exception):
    """The link exists but can no longer be acted on; the page answers 410 Gone."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "used" or "expired"


def link_url(token: str) -> str:
    return absolute_url(reverse("hours:link", args=[token]))


def expiry_from(now=None):
    return (now or timezone.now()) + dt.timedelta(days=settings.SIGNED_LINK_MAX_AGE_DAYS)


def find_link(token: str) -> ApprovalLink:
    """The link for this token, or 404 for a token that was never issued."""
    if not token or len(token) > 200:
        raise Http404("No such link.")
    try:
        return ApprovalLink.objects.select_related("mentor__user", "mentor__partner__district").get(
            token_hash=hash_token(token)
        )
    except ApprovalLink.DoesNotExist:
        raise Http404("No such link.") from None


def ensure_usable(link: ApprovalLink, *, now=None) -> None:
    """Raise LinkGone if the link was used or has expired."""
    if link.used_at is not None:
        raise LinkGone("used")
    if link.expires_at <= (now or timezone.now()):
        raise LinkGone("expired")


def approver_label(mentor) -> str:
    """How an approval from a link is signed: the mentor's name, marked as coming from e-mail."""
    name = mentor.user.get_full_name() or mentor.user.get_username()
    return f"{name} (e-mailed link)"
