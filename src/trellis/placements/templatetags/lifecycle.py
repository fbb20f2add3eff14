"""`{% lifecycle_panel placement %}`: what is missing and what the viewer can do, for any placement page."""

from django import template

from trellis.accounts.permissions import can
from trellis.placements.agreements import missing_signatures, signable_roles
from trellis.placements.models import Placement

register = template.Library()


@register.inclusion_tag("placements/lifecycle/_panel.html", takes_context=True)
def lifecycle_panel(context, placement):
    user = context["request"].user
    confirmed = placement.status == Placement.Status.CONFIRMED
    return {
        "placement": placement,
        "manages": can(user, "placement.manage", placement),
        "missing": missing_signatures(placement) if confirmed else [],
        "to_sign": [a for a in placement.agreements.all() if signable_roles(user, a)]
        if confirmed
        else [],
    }


@register.inclusion_tag("placements/lifecycle/_student_links.html", takes_context=True)
def student_lifecycle_links(context, student):
    """On a student's page: record an outcome, for the student's coordinator only."""
    user = context["request"].user
    return {"student": student, "manages": can(user, "outcome.record", student)}


@register.inclusion_tag("placements/lifecycle/_partner_links.html", takes_context=True)
def partner_lifecycle_links(context, partner):
    """On a partner's page: the relationship page, for coordinators of the partner's district."""
    user = context["request"].user
    return {"partner": partner, "manages": can(user, "partner.review_relationship", partner)}
