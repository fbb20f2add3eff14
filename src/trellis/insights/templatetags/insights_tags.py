"""Formatting of report cells and gap figures; the raw values go to the exports untouched."""

from decimal import Decimal
from fractions import Fraction

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from trellis.insights.gaps import as_decimal
from trellis.rules.weekdays import describe_weekdays

register = template.Library()


@register.filter
def cell(value):
    """A table cell: numbers with thousands separators, None as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Fraction):
        value = as_decimal(value, "0.1")
    if isinstance(value, int | Decimal | float):
        return intcomma(value)
    return value


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | Decimal | float | Fraction) and not isinstance(value, bool)


@register.filter
def one_dp(value):
    if isinstance(value, Fraction):
        return intcomma(as_decimal(value, "0.1"))
    return cell(value)


@register.filter
def weekdays(mask):
    return describe_weekdays(mask or 0)
