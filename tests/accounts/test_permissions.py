"""The capability table, action by action and persona by persona: who may, who may not.

Each row: the record the action is tried on (in Maple Valley, school A, partner P wherever
it matters), the personas `can()` allows on it, and the personas who hold a role that may
do it somewhere (the answer without a record, for menus and page guards). Every other
persona is refused. A new action in the table fails `test_every_action_has_a_row` until it
gets its row here.
"""

import datetime as dt

import pytest
from django.http import Http404

from tests import factories as f
from trellis.accounts import permissions
from trellis.accounts.permissions import can, permitted
from trellis.core.tenancy import get_for_user
from trellis.hours.models import PayPeriod, ProgramBudget
from trellis.placements.models import Concern, MatchRound, Placement
from trellis.students.models import Student

PERSONAS = {
    "DA": "district_admin",
    "CD": "coordinator_district",
    "CA": "coordinator_a",
    "CB": "coordinator_b",
    "CoA": "counselor_a",
    "MP": "mentor_p",
    "MQ": "mentor_q",
    "PAP": "partner_admin_p",
    "SA": "student_a_user",
    "SB": "student_b_user",
    "GA": "guardian_a",
    "OC": "other_coordinator",
}


def who(text: str) -> set[str]:
    return set(text.split())


MANAGERS = "DA CD CA CB OC"  # holders of a managing role, anywhere
STAFF = "DA CD CA CB CoA OC"
DISTRICT_WIDE_MANAGERS = "DA CD OC"  # the other district's coordinator has no school
STUDENTS = "SA SB"
MENTORS = "MP MQ"
COORDINATORS_OF_A = "DA CD CA"


def _round(w, **fields):
    now = dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC)
    return MatchRound.objects.create(
        district=w.district,
        name="Spring round",
        ranking_opens_at=now,
        ranking_closes_at=now + dt.timedelta(days=7),
        **fields,
    )


RECORDS = {
    "student_a": lambda w: w.student_a,
    "placement_a": lambda w: w.placement_a,
    "district": lambda w: w.district,
    "school_a": lambda w: w.school_a,
    "partner_p": lambda w: w.partner_p,
    "opportunity_p": lambda w: w.opportunity_p,
    "mentor_p": lambda w: w.mentor_p_record,
    "application_a_at_p": lambda w: f.ApplicationFactory(student=w.student_a, opportunity=w.opportunity_p),
    "log_a": lambda w: f.HourLogFactory(placement=w.placement_a),
    "concern_a": lambda w: Concern.objects.create(placement=w.placement_a, text="Late twice."),
    "new_round_school_a": lambda w: MatchRound(district=w.district, school=w.school_a),
    "round_school_a": lambda w: _round(w, school=w.school_a),
    "round_district": lambda w: _round(w),
    "pay_period": lambda w: PayPeriod.objects.create(
        district=w.district, name="Jan", start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 1, 31)
    ),
    "budget": lambda w: ProgramBudget.objects.create(
        district=w.district, school_year=f.SchoolYearFactory(district=w.district), name="Summer", amount=1000
    ),
}

# action: (record, allowed on that record, allowed without a record)
TABLE = {
    "student.view_full_record": ("student_a", "DA CD CA CoA SA GA", f"{STAFF} {STUDENTS} GA"),
    "student.export_disclosures": ("student_a", COORDINATORS_OF_A, MANAGERS),
    "student_portal.use": ("student_a", "SA", STUDENTS),
    "student.edit_profile": ("student_a", "SA DA CD CA", f"{MANAGERS} {STUDENTS}"),
    "placement.propose": ("student_a", COORDINATORS_OF_A, MANAGERS),
    "placement.manage": ("placement_a", COORDINATORS_OF_A, MANAGERS),
    "placement.replace": ("student_a", COORDINATORS_OF_A, MANAGERS),
    "partner.review_relationship": ("partner_p", "DA CD CA CB", MANAGERS),
    "outcome.record": ("student_a", COORDINATORS_OF_A, MANAGERS),
    "concern.resolve": ("concern_a", COORDINATORS_OF_A, MANAGERS),
    "agreement.sign_for_school": ("placement_a", COORDINATORS_OF_A, MANAGERS),
    "guardian.follow": ("placement_a", "GA", "GA"),
    "agreement_text.edit": ("district", "DA CD", DISTRICT_WIDE_MANAGERS),
    "placement.read_withdrawal_note": ("placement_a", "DA CD CA CoA MP PAP", f"{STAFF} {MENTORS} PAP"),
    "placement.read_partner_standing": ("placement_a", "DA CD CA CoA", STAFF),
    "placement.supervise": ("placement_a", "MP", MENTORS),
    "placement.evaluate": ("placement_a", "MP", MENTORS),
    "rubric.configure": ("district", "DA CD", DISTRICT_WIDE_MANAGERS),
    "application.submit": ("application_a_at_p", "SA", STUDENTS),
    "reflection.write": ("placement_a", "SA", STUDENTS),
    "application.review": ("application_a_at_p", "PAP", "PAP"),
    "round.create": ("new_round_school_a", COORDINATORS_OF_A, MANAGERS),
    "round.manage": ("round_school_a", COORDINATORS_OF_A, MANAGERS),
    "round.review": ("round_district", "DA CD CA CB CoA", STAFF),
    "round.rank": ("student_a", "SA", STUDENTS),
    "partner.manage": ("partner_p", "PAP", "PAP"),
    "opportunity.edit": ("opportunity_p", "PAP", "PAP"),
    "opportunity.approve": ("opportunity_p", "DA CD CA CB", MANAGERS),
    "opportunity.track": ("opportunity_p", "DA CD CA CB CoA MP PAP", f"{STAFF} {MENTORS} PAP"),
    "opportunity_feed.manage": ("opportunity_p", "DA CD CA CB PAP", f"{MANAGERS} PAP"),
    "mentor.record_background_check": ("mentor_p", "DA CD", DISTRICT_WIDE_MANAGERS),
    "hours.log": ("log_a", "SA", STUDENTS),
    "hours.approve": ("log_a", "MP PAP", f"{MENTORS} PAP"),
    "hours.correct": ("log_a", COORDINATORS_OF_A, MANAGERS),
    "hours.oversee": ("log_a", COORDINATORS_OF_A, MANAGERS),
    "schedule.view": ("placement_a", "DA CD CA CoA", STAFF),
    "schedule.edit": ("placement_a", COORDINATORS_OF_A, MANAGERS),
    "payroll.view": ("placement_a", COORDINATORS_OF_A, MANAGERS),
    "pay_period.view": ("pay_period", "DA CD CA CB", MANAGERS),
    "pay_period.manage": ("pay_period", "DA CD", DISTRICT_WIDE_MANAGERS),
    "budget.view": ("budget", "DA CD CA CB", MANAGERS),
    "budget.manage": ("budget", "DA CD", DISTRICT_WIDE_MANAGERS),
    "district.browse": ("district", "DA CD CA CB CoA", STAFF),
    "calendar.view": ("district", "DA CD CA CB CoA", STAFF),
    "calendar.import": ("district", "DA CD", DISTRICT_WIDE_MANAGERS),
    "calendar.edit_day": ("school_a", COORDINATORS_OF_A, MANAGERS),
    "insights.view": ("school_a", "DA CD CA CoA", STAFF),
    "insights.act": ("school_a", COORDINATORS_OF_A, MANAGERS),
    "insights.configure": ("district", "DA CD", DISTRICT_WIDE_MANAGERS),
    "roster.import": ("district", "DA CD", DISTRICT_WIDE_MANAGERS),
    "staff.invite": ("district", "DA", "DA"),
    "staff.remove": ("district", "DA", "DA"),
    "district.administer": ("district", "DA", "DA"),
    "student.roster": ("student_a", "DA CD", DISTRICT_WIDE_MANAGERS),
    # Only through an API token (tests/api/test_writes.py): people log hours as themselves.
    "hours.log_for_student": ("placement_a", "", ""),
    "api_token.manage": ("partner_p", "DA PAP", "DA PAP"),
    "webhook.manage": ("district", "DA", "DA"),
    "sso.configure": ("district", "DA", "DA"),
    "roster.connect": ("district", "DA", "DA"),
    "mfa.reset": ("district", "DA", "DA"),
}


def test_every_action_has_a_row():
    assert set(TABLE) == set(permissions.ACTIONS)


@pytest.mark.parametrize("action", sorted(TABLE))
def test_can_allows_exactly_the_row_and_refuses_everyone_else(personas, action):
    record_key, on_record, anywhere = TABLE[action]
    record = RECORDS[record_key](personas)
    allowed = {short for short, name in PERSONAS.items() if can(getattr(personas, name), action, record)}
    assert allowed == who(on_record)
    holders = {short for short, name in PERSONAS.items() if can(getattr(personas, name), action)}
    assert holders == who(anywhere)


@pytest.mark.parametrize("action", sorted(a for a in TABLE if a != "round.create"))
def test_the_queryset_form_agrees_with_can(personas, action):
    """`permitted()` keeps exactly the records `can()` allows (round.create is asked of a
    round not yet saved, so it has no row to filter)."""
    record_key, on_record, _ = TABLE[action]
    record = RECORDS[record_key](personas)
    model = type(record)
    for short, name in PERSONAS.items():
        user = getattr(personas, name)
        found = permitted(user, action, model._default_manager.filter(pk=record.pk)).exists()
        assert found == (short in who(on_record)), (short, action)


@pytest.mark.parametrize("action", sorted(TABLE))
def test_anonymous_and_switched_off_accounts_may_do_nothing(personas, action):
    from django.contrib.auth.models import AnonymousUser

    record = RECORDS[TABLE[action][0]](personas)
    admin = personas.district_admin
    admin.is_active = False
    for user in (None, AnonymousUser(), admin):
        assert not can(user, action, record)
        assert not can(user, action)


def test_superusers_act_without_a_role_only_where_the_table_says_so(personas, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x-long-pass-1")
    assert can(root, "placement.manage", personas.placement_a)
    assert can(root, "calendar.import", personas.other_district)
    # Work that needs a role of one's own: a superuser uses the site administration instead.
    assert not can(root, "staff.invite", personas.district)
    assert not can(root, "hours.approve", f.HourLogFactory(placement=personas.placement_a))
    assert not can(root, "partner.manage", personas.partner_p)
    # A student's own work is the student's: nobody logs hours or applies in their name.
    assert not can(root, "hours.log", personas.placement_a)
    assert not can(root, "application.submit", f.ApplicationFactory(student=personas.student_a))
    assert not can(root, "round.rank", personas.student_a)


def test_an_unknown_action_is_an_error_not_a_refusal(personas):
    with pytest.raises(LookupError):
        can(personas.district_admin, "placement.teleport")


def test_a_mentor_removed_from_the_partner_no_longer_supervises(personas):
    mentor = personas.mentor_p
    mentor.memberships.all().delete()
    mentor._memberships_cache = None
    assert not can(mentor, "placement.supervise", personas.placement_a)
    assert not can(mentor, "hours.approve", f.HourLogFactory(placement=personas.placement_a))


def test_the_student_named_on_a_record_needs_no_membership_for_their_own(personas):
    """A student's own records are theirs through their account (as before the table)."""
    personas.student_a_user.memberships.all().delete()
    personas.student_a_user._memberships_cache = None
    assert can(personas.student_a_user, "hours.log", personas.placement_a)
    assert not can(personas.student_a_user, "hours.log")


def test_get_for_user_with_an_action_fetches_what_the_user_may_do_or_404s(personas):
    placement = get_for_user(Placement, personas.coordinator_a, personas.placement_a.pk, action="placement.manage")
    assert placement == personas.placement_a
    # A counselor sees the placement but does not run it: 404, as for a stranger.
    assert get_for_user(Placement, personas.counselor_a, personas.placement_a.pk) == personas.placement_a
    for user in (personas.counselor_a, personas.coordinator_b, personas.mentor_p, None):
        with pytest.raises(Http404):
            get_for_user(Placement, user, personas.placement_a.pk, action="placement.manage")


def test_permitted_lists_a_school_coordinators_students_only(personas):
    names = {s.last_name for s in permitted(personas.coordinator_a, "placement.propose", Student.objects)}
    assert names == {"Alder"}
    assert not permitted(personas.counselor_a, "placement.propose", Student.objects).exists()
