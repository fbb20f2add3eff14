"""Small helpers every app's views share."""

from django.core.exceptions import ValidationError


def client_ip(request) -> str | None:
    """The address the request came from, for the audit trail (signatures, approvals)."""
    return request.META.get("REMOTE_ADDR") or None


def refusal_text(error: ValidationError) -> str:
    """A service's refusal as one sentence for a message or a form's non-field error."""
    return " ".join(error.messages)
