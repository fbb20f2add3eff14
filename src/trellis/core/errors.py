"""The one base of every refusal: a step the domain's rules forbid, with a sentence saying why.

Each app names its own refusals (`PlacementRefused`, `SigningRefused`, `RoundError`, ...) as
subclasses, so a service can be precise and a view can handle them all with `except Refused`.
A refusal is a ValidationError, so a form shows it as a non-field (or field) error, and its
text is its messages joined (not the list repr a plain ValidationError prints).
"""

from django.core.exceptions import ValidationError


class Refused(ValidationError):
    """A step the rules forbid; the message says why, in words for the person who tried."""

    def __str__(self) -> str:
        return " ".join(self.messages)
