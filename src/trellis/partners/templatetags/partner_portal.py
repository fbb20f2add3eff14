"""Template checks for links only some staff may follow (the pages themselves check again)."""

from django import template

from trellis.partners.access import can_review_district, rubric_district_ids

register = template.Library()


@register.filter
def reviews_district(user, district_id) -> bool:
    """District admins and coordinators of this district: approvals, background checks."""
    return can_review_district(user, district_id)


@register.filter
def configures_rubric(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or rubric_district_ids(user))
