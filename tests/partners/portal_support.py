"""Helpers for the partner- and mentor-portal tests: a second partner admin, a draft, a form post."""

from tests import factories as f
from tests.conftest import member
from trellis.accounts.models import Role
from trellis.opportunities.models import Opportunity


def partner_admin_q(personas):
    return member(
        Role.PARTNER_ADMIN,
        personas.district,
        partner=personas.partner_q,
        username="partner_admin_q",
    )


def department_admin(personas):
    return member(
        Role.PARTNER_ADMIN,
        personas.district,
        partner=personas.department,
        username="dept_admin",
        first="Devi",
    )


def draft(personas, *, partner=None, **kwargs):
    """A complete draft at partner P (worksite and mentor its own), ready to submit."""
    partner = partner or personas.partner_p
    worksite = kwargs.pop("worksite", None) or f.WorksiteFactory(partner=partner)
    defaults = {
        "partner": partner,
        "worksite": worksite,
        "title": "Clinic scheduling aide",
        "status": Opportunity.Status.DRAFT,
    }
    if partner == personas.partner_p:
        defaults["mentor"] = personas.mentor_p_record
    defaults.update(kwargs)
    return f.OpportunityFactory(**defaults)


def opportunity_post(personas, **overrides):
    """A valid POST for the opportunity form (partner P's worksite and mentor)."""
    worksite = overrides.pop("worksite", None) or f.WorksiteFactory(partner=personas.partner_p)
    data = {
        "title": "Pharmacy technician shadow",
        "description": "Shadow the pharmacy team.",
        "requirements": "",
        "kind": "job_shadow",
        "cluster": str(f.cluster("healthcare-human-services").pk),
        "subcluster": "",
        "worksite": str(worksite.pk),
        "mentor": str(personas.mentor_p_record.pk),
        "term": "",
        "seats": "3",
        "start_date": "2027-02-01",
        "end_date": "2027-05-14",
        "schedule_kind": "weekly",
        "weekday_set": ["1", "3"],
        "start_time": "13:00",
        "end_time": "16:00",
        "shorten_on_early_release": "on",
        "min_grade": "10",
        "min_age": "15",
        "hazardous_orders": "",
        "hourly_rate": "",
        "target_hours": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
