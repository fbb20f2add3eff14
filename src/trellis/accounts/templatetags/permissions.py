"""The capability table in templates, so a link shows exactly where its page lets one in.

`{% if user|can:"rubric.configure" %}`: may the user ever do it (menus).
`{% can user "mentor.record_background_check" mentor as allowed %}`: on one record.
The pages check again; these only decide what to show.
"""

from django import template

from trellis.accounts import permissions

register = template.Library()


@register.filter(name="can")
def can_filter(user, action: str) -> bool:
    return permissions.can(user, action)


@register.simple_tag(name="can")
def can_tag(user, action: str, obj=None) -> bool:
    return permissions.can(user, action, obj)
