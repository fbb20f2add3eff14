"""Template tags other apps use to show hours: the student's credit summary block, and a
placement's approved and awaiting hours (pages of apps below hours show them without importing
it)."""

from django import template
from django.db.models import Q, Sum

from trellis.hours.models import HourLog
from trellis.hours.progress import credit_summary

register = template.Library()


@register.inclusion_tag("hours/_credit_summary.html")
def credit_summary_block(student):
    """`{% load hours_tags %}{% credit_summary_block student %}` on any page that shows a student."""
    return {"credit_summary": credit_summary(student)}


@register.inclusion_tag("hours/_placement_hours.html")
def placement_hours_block(placement):
    """`{% load hours_tags %}{% placement_hours_block placement %}`: approved and awaiting hours."""
    hours = placement.hour_logs.aggregate(
        approved=Sum("hours", filter=Q(status=HourLog.Status.APPROVED)),
        pending=Sum("hours", filter=Q(status=HourLog.Status.SUBMITTED)),
    )
    return {"hours": hours}
