"""Each model's row rule, persona by persona: exactly these rows, nothing more.

The rules live beside the models (`membership_q` on each QuerySet); core.tenancy only folds
them over a user's memberships and denies by default. One table per model: persona → the
names of the rows its `for_user()` returns.
"""

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone

from tests import factories as f
from trellis.core.tenancy import ScopedQuerySet, get_for_user
from trellis.hours.models import HourLog, Session
from trellis.opportunities.models import Opportunity
from trellis.partners.models import Mentor, Partner
from trellis.placements.models import Application, MatchRound, Placement
from trellis.students.models import Student

PERSONAS = (
    "district_admin",
    "coordinator_district",
    "coordinator_a",
    "coordinator_b",
    "counselor_a",
    "mentor_p",
    "mentor_q",
    "partner_admin_p",
    "student_a_user",
    "student_b_user",
    "guardian_a",
    "other_coordinator",
)
STAFF_OF_MAPLE = ("district_admin", "coordinator_district")


@pytest.fixture
def rows(personas):
    """Named rows of every kind, one per school, partner and district where it matters."""
    w = personas
    other_opportunity = w.other_placement.opportunity
    named = {
        "app_a": f.ApplicationFactory(student=w.student_a, opportunity=w.opportunity_q),
        "app_b": f.ApplicationFactory(student=w.student_b, opportunity=w.opportunity_p),
        "app_other": f.ApplicationFactory(student=w.other_student, opportunity=other_opportunity),
        "draft_p": f.OpportunityFactory(
            partner=w.partner_p, title="Draft at P", status=Opportunity.Status.DRAFT
        ),
    }
    day = dt.date(2027, 2, 3)
    for key, placement in (("a", w.placement_a), ("b", w.placement_b), ("other", w.other_placement)):
        named[f"log_{key}"] = f.HourLogFactory(placement=placement, date=day)
        named[f"session_{key}"] = f.SessionFactory(placement=placement, date=day)
    now = timezone.now()
    window = {"ranking_opens_at": now, "ranking_closes_at": now + dt.timedelta(days=7)}
    named["round_district"] = MatchRound.objects.create(
        district=w.district, name="District round", status=MatchRound.Status.RANKING, **window
    )
    named["round_district"].eligible_students.add(w.student_a)
    named["round_school_a"] = MatchRound.objects.create(
        district=w.district, school=w.school_a, name="Alder round", status=MatchRound.Status.DRAFT, **window
    )
    named["round_published_p"] = MatchRound.objects.create(
        district=w.district, name="Published round", status=MatchRound.Status.PUBLISHED, **window
    )
    named["round_published_p"].opportunities.add(w.opportunity_p)
    named["round_published_p"].eligible_students.add(w.student_b)
    named["round_other"] = MatchRound.objects.create(
        district=w.other_district, name="Other round", **window
    )
    return named


def keys(queryset, named):
    by_pk = {(type(obj), obj.pk): key for key, obj in named.items()}
    return {by_pk.get((queryset.model, obj.pk), f"?{obj.pk}") for obj in queryset}


APPLICATIONS = {
    **dict.fromkeys(STAFF_OF_MAPLE, {"app_a", "app_b"}),
    "coordinator_a": {"app_a"},
    "coordinator_b": {"app_b"},
    "counselor_a": {"app_a"},
    "mentor_p": {"app_b"},  # mentors review the partner's applicants with its administrators
    "mentor_q": {"app_a"},
    "partner_admin_p": {"app_b"},
    "student_a_user": {"app_a"},
    "student_b_user": {"app_b"},
    "guardian_a": {"app_a"},
    "other_coordinator": {"app_other"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_application_row_rule(personas, rows, persona):
    user = getattr(personas, persona)
    assert keys(Application.objects.for_user(user), rows) == APPLICATIONS[persona]


HOUR_ROWS = {
    **dict.fromkeys(STAFF_OF_MAPLE, {"a", "b"}),
    "coordinator_a": {"a"},
    "coordinator_b": {"b"},
    "counselor_a": {"a"},
    "mentor_p": {"a"},
    "mentor_q": {"b"},
    "partner_admin_p": {"a"},
    "student_a_user": {"a"},
    "student_b_user": {"b"},
    "guardian_a": {"a"},
    "other_coordinator": {"other"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_hour_logs_and_sessions_follow_their_placement(personas, rows, persona):
    user = getattr(personas, persona)
    expected = HOUR_ROWS[persona]
    assert keys(HourLog.objects.for_user(user), rows) == {f"log_{k}" for k in expected}
    assert keys(Session.objects.for_user(user), rows) == {f"session_{k}" for k in expected}
    placements = {"a": personas.placement_a, "b": personas.placement_b, "other": personas.other_placement}
    assert set(Placement.objects.for_user(user)) == {placements[k] for k in expected}


OPPORTUNITIES = {
    **dict.fromkeys(
        ("district_admin", "coordinator_district", "coordinator_a", "coordinator_b", "counselor_a"),
        {"opportunity_p", "opportunity_q", "draft_p"},
    ),
    "mentor_p": {"opportunity_p", "draft_p"},
    "mentor_q": {"opportunity_q"},
    "partner_admin_p": {"opportunity_p", "draft_p"},
    # Learners browse their district's published catalog only: never a draft.
    "student_a_user": {"opportunity_p", "opportunity_q"},
    "student_b_user": {"opportunity_p", "opportunity_q"},
    "guardian_a": {"opportunity_p", "opportunity_q"},
    "other_coordinator": {"other"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_opportunity_row_rule(personas, rows, persona):
    user = getattr(personas, persona)
    named = {
        **rows,
        "opportunity_p": personas.opportunity_p,
        "opportunity_q": personas.opportunity_q,
        "other": personas.other_placement.opportunity,
    }
    assert keys(Opportunity.objects.for_user(user), named) == OPPORTUNITIES[persona]


PARTNERS = {
    # Partners are district-wide: school staff place students with any partner of the district.
    **dict.fromkeys(
        ("district_admin", "coordinator_district", "coordinator_a", "coordinator_b", "counselor_a"),
        {"P", "Q", "IT"},
    ),
    "mentor_p": {"P"},
    "mentor_q": {"Q"},
    "partner_admin_p": {"P"},
    "student_a_user": set(),
    "student_b_user": set(),
    "guardian_a": set(),
    "other_coordinator": {"other"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_partner_and_mentor_row_rules(personas, persona):
    user = getattr(personas, persona)
    named = {
        "P": personas.partner_p,
        "Q": personas.partner_q,
        "IT": personas.department,
        "other": personas.other_placement.opportunity.partner,
    }
    assert keys(Partner.objects.for_user(user), named) == PARTNERS[persona]
    mentors = {"P": personas.mentor_p_record, "Q": personas.mentor_q_record}
    assert set(Mentor.objects.for_user(user)) == {
        mentors[k] for k in PARTNERS[persona] if k in mentors
    }


ROUNDS = {
    **dict.fromkeys(
        STAFF_OF_MAPLE, {"round_district", "round_school_a", "round_published_p"}
    ),
    # School staff: district-wide rounds and their own school's, never another school's.
    "coordinator_a": {"round_district", "round_school_a", "round_published_p"},
    "coordinator_b": {"round_district", "round_published_p"},
    "counselor_a": {"round_district", "round_school_a", "round_published_p"},
    # Partners: published rounds that include one of their opportunities.
    "mentor_p": {"round_published_p"},
    "mentor_q": set(),
    "partner_admin_p": {"round_published_p"},
    # Students: rounds they are eligible for, once out of draft.
    "student_a_user": {"round_district"},
    "student_b_user": {"round_published_p"},
    "guardian_a": set(),
    "other_coordinator": {"round_other"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_match_round_row_rule(personas, rows, persona):
    user = getattr(personas, persona)
    assert keys(MatchRound.objects.for_user(user), rows) == ROUNDS[persona]


def test_inactive_account_sees_nothing(personas, rows):
    user = personas.district_admin
    user.is_active = False
    user.save(update_fields=["is_active"])
    for model in (Student, Placement, Application, HourLog, Opportunity, Partner, MatchRound):
        assert not model.objects.for_user(user).exists(), model


def test_superuser_sees_every_district(personas, rows, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x-long-pass-1")
    assert Student.objects.for_user(root).count() == Student.objects.count()
    assert Application.objects.for_user(root).count() == 3


def test_a_model_that_states_no_rule_shows_nobody_anything(personas):
    """The base denies by default: a QuerySet without `membership_q` opens no row."""

    class Unruled(ScopedQuerySet):
        pass

    queryset = Unruled(model=Student)
    assert not queryset.for_user(personas.district_admin).exists()
    assert queryset.scope_q(personas.district_admin) == Q(pk__in=[])


def test_get_for_user_takes_a_model_or_a_queryset(personas):
    assert get_for_user(Student, personas.coordinator_a, personas.student_a.pk) == personas.student_a
    assert (
        get_for_user(Student.objects.filter(grade=12), personas.coordinator_a, personas.student_a.pk)
        == personas.student_a
    )


def test_get_for_user_404s_for_a_bad_or_foreign_pk(personas):
    from django.http import Http404

    for pk in ("not-a-number", None, personas.student_b.pk):
        with pytest.raises(Http404):
            get_for_user(Student, personas.coordinator_a, pk)
