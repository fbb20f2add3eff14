"""In-app notifications plus e-mail: the one way any app tells people that something happened.

`notify(users, verb=..., text=..., url=...)` writes one Notification per person now (inside the
caller's transaction, so a rolled-back change notifies nobody) and sends the e-mails only after
the transaction commits, through a background task.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django_tasks import task

from trellis.core.models import Notification


class Verb:
    """The events people are told about; the verb is stored so lists can be filtered later."""

    PLACEMENT_PROPOSED = "placement.proposed"
    PLACEMENT_CONFIRMED = "placement.confirmed"
    PLACEMENT_ACTIVATED = "placement.activated"
    PLACEMENT_COMPLETED = "placement.completed"
    PLACEMENT_WITHDRAWN = "placement.withdrawn"
    MENTOR_ASSIGNED = "placement.mentor_assigned"
    SIGNATURE_REQUESTED = "signature.requested"
    SIGNATURES_COMPLETE = "signatures.complete"
    CONCERN_RAISED = "concern.raised"
    CONCERN_RESOLVED = "concern.resolved"
    HOURS_RETURNED = "hours.returned"


def absolute_url(url: str) -> str:
    """E-mails need full links; the site address comes from settings.SITE_URL."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def _unique_users(users):
    seen, result = set(), []
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        result.append(user)
    return result


def notify(users, *, verb: str, text: str, url: str = "", email: bool = True, district=None):
    """Tell each user (duplicates and inactive accounts dropped) in the app, and by e-mail after commit."""
    recipients = _unique_users(users)
    if not recipients:
        return []
    created = Notification.objects.bulk_create(
        Notification(user=u, district=district, verb=verb, text=text[:500], url=url[:500])
        for u in recipients
    )
    if email:
        link = absolute_url(url)
        body = f"{text}\n\n{link}\n" if link else f"{text}\n"
        messages = [
            {"to": [u.email], "subject": _subject(text), "body": body}
            for u in recipients
            if u.email
        ]
        send_emails(messages)
    return created


def send_emails(messages: list[dict]):
    """Queue plain-text e-mails ({"to", "subject", "body"}) to go out once the transaction commits."""
    if not messages:
        return
    transaction.on_commit(lambda: deliver_emails.enqueue(messages))


def _subject(text: str) -> str:
    first_line = text.splitlines()[0] if text else "Trellis"
    return f"Trellis: {first_line[:150]}"


@task()
def deliver_emails(messages: list[dict]) -> int:
    """Background task: send a batch over one connection; returns how many were sent."""
    connection = get_connection()
    emails = [
        EmailMessage(
            subject=m["subject"],
            body=m["body"],
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=m["to"],
            connection=connection,
        )
        for m in messages
    ]
    return connection.send_messages(emails) or 0
