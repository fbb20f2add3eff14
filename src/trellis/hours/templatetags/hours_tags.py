"""Template tags other apps use to show hours: the student's credit summary block."""

from django import template

from trellis.hours.progress import credit_summary

register = template.Library()


@register.inclusion_tag("hours/_credit_summary.html")
def credit_summary_block(student):
    """`{% load hours_tags %}{% credit_summary_block student %}` on any page that shows a student."""
    return {"credit_summary": credit_summary(student)}
