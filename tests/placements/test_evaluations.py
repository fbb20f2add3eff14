"""Mentor evaluations on the district's rubric, the default rubric, the rubric editor, and the
student's reflection."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from trellis.core.models import AuditEvent, Notification
from trellis.placements.evaluation_services import (
    CriterionRow,
    EvaluationRefused,
    ReflectionRefused,
    rubric_for,
    save_rubric,
    submit_evaluation,
    write_reflection,
)
from trellis.placements.models import Evaluation, Placement, Reflection, RubricCriterion

ALL_THREES = {"attendance": 3, "communication": 3, "teamwork": 3, "initiative": 3, "quality": 3}


def evaluate(personas, kind="midpoint", scores=None, **kwargs):
    return submit_evaluation(
        placement=personas.placement_a,
        actor=personas.mentor_p,
        kind=kind,
        scores=ALL_THREES if scores is None else scores,
        comments=kwargs.pop("comments", "Reliable and kind with patients."),
        **kwargs,
    )


# --- The rubric ----------------------------------------------------------------------------------


def test_a_district_without_a_rubric_gets_the_default_on_first_use(personas):
    assert not RubricCriterion.objects.filter(district=personas.district).exists()
    criteria = rubric_for(personas.district)
    assert [c.key for c in criteria] == [
        "attendance",
        "communication",
        "teamwork",
        "initiative",
        "quality",
    ]
    assert criteria[4].label == "Quality of work"
    assert all(set(c.descriptors) == {"1", "2", "3", "4"} for c in criteria)
    assert len(rubric_for(personas.district)) == 5  # seeded once
    assert not RubricCriterion.objects.filter(district=personas.other_district).exists()


def test_a_configured_rubric_is_used_as_is(personas):
    RubricCriterion.objects.create(
        district=personas.district,
        key="safety",
        label="Safety",
        descriptors={"1": "a", "2": "b", "3": "c", "4": "d"},
    )
    assert [c.key for c in rubric_for(personas.district)] == ["safety"]


def test_save_rubric_edits_adds_removes_and_orders(personas):
    criteria = rubric_for(personas.district)
    by_key = {c.key: c for c in criteria}
    words = {"1": "w1", "2": "w2", "3": "w3", "4": "w4"}
    rows = [
        CriterionRow(
            pk=by_key["attendance"].pk, label="Showing up", descriptors=words, sort_order=3
        ),
        CriterionRow(
            pk=by_key["communication"].pk,
            label="Communication",
            descriptors=by_key["communication"].descriptors,
            sort_order=1,
        ),
        CriterionRow(pk=by_key["teamwork"].pk, label="", descriptors={}, sort_order=0, delete=True),
        CriterionRow(
            pk=by_key["initiative"].pk,
            label="Initiative",
            descriptors=by_key["initiative"].descriptors,
            sort_order=2,
        ),
        CriterionRow(pk=by_key["quality"].pk, label="", descriptors={}, sort_order=0, delete=True),
        CriterionRow(pk=None, label="Safety first", descriptors=words, sort_order=4),
    ]
    saved = save_rubric(district=personas.district, actor=personas.coordinator_district, rows=rows)
    assert [(c.key, c.label) for c in saved] == [
        ("communication", "Communication"),
        ("initiative", "Initiative"),
        ("attendance", "Showing up"),
        ("safety-first", "Safety first"),
    ]
    event = AuditEvent.objects.get(action="rubric.updated")
    assert event.data["added"] == ["safety-first"]
    assert sorted(event.data["removed"]) == ["quality", "teamwork"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "at least one criterion"),
        (
            [CriterionRow(label="Safety", descriptors={"1": "a"}, sort_order=1)],
            "descriptor for each score",
        ),
        (
            [
                CriterionRow(
                    label=" ", descriptors={"1": "a", "2": "b", "3": "c", "4": "d"}, sort_order=1
                )
            ],
            "needs a label",
        ),
    ],
)
def test_save_rubric_refusals(personas, rows, message):
    with pytest.raises(EvaluationRefused, match=message):
        save_rubric(district=personas.district, actor=personas.district_admin, rows=rows)


def test_save_rubric_refuses_another_districts_criterion(personas):
    foreign = rubric_for(personas.other_district)[0]
    row = CriterionRow(
        pk=foreign.pk, label="Mine now", descriptors=foreign.descriptors, sort_order=1
    )
    with pytest.raises(EvaluationRefused, match="another rubric"):
        save_rubric(district=personas.district, actor=personas.district_admin, rows=[row])


@pytest.mark.parametrize(
    "who", ["coordinator_a", "mentor_p", "partner_admin_p", "other_coordinator"]
)
def test_only_district_admins_and_district_coordinators_configure_the_rubric(personas, who):
    row = CriterionRow(
        label="Safety", descriptors={"1": "a", "2": "b", "3": "c", "4": "d"}, sort_order=1
    )
    with pytest.raises(PermissionDenied):
        save_rubric(district=personas.district, actor=getattr(personas, who), rows=[row])


# --- Submitting evaluations ----------------------------------------------------------------------


def test_mentor_submits_a_midpoint_evaluation_and_the_coordinator_is_told(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = evaluate(personas, scores={**ALL_THREES, "attendance": 4, "quality": "2"})
    assert evaluation.kind == "midpoint" and evaluation.mentor == personas.mentor_p_record
    evaluation.refresh_from_db()
    assert evaluation.scores["quality"] == 2 and str(evaluation.mean_score) == "3.00"
    assert evaluation.would_host_again is None
    event = AuditEvent.objects.get(action="evaluation.submitted")
    assert event.data["kind"] == "midpoint" and event.actor == personas.mentor_p
    told = set(
        Notification.objects.filter(verb="evaluation.submitted").values_list("user", flat=True)
    )
    assert told == {personas.coordinator_a.pk, personas.coordinator_district.pk}
    assert personas.coordinator_a.email in {to for m in mail.outbox for to in m.to}


def test_final_evaluation_records_would_host_again(personas):
    evaluation = evaluate(personas, kind="final", would_host_again=False)
    assert evaluation.would_host_again is False


def test_final_evaluation_must_say_whether_they_would_host_again(personas):
    with pytest.raises(EvaluationRefused, match="host a student again"):
        evaluate(personas, kind="final")


def test_one_evaluation_per_kind_per_placement(personas):
    evaluate(personas)
    with pytest.raises(EvaluationRefused, match="already submitted"):
        evaluate(personas)
    assert Evaluation.objects.filter(placement=personas.placement_a).count() == 1


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({**ALL_THREES, "teamwork": 5}, "scored from 1 to 4"),
        ({**ALL_THREES, "teamwork": 0}, "scored from 1 to 4"),
        ({**ALL_THREES, "teamwork": "great"}, "scored from 1 to 4"),
        ({k: v for k, v in ALL_THREES.items() if k != "initiative"}, "missing: Initiative"),
        ({**ALL_THREES, "charm": 4}, "not on the district's rubric"),
    ],
)
def test_every_criterion_must_be_scored_1_to_4(personas, scores, message):
    with pytest.raises(EvaluationRefused, match=message):
        evaluate(personas, scores=scores)
    assert not Evaluation.objects.exists()


def test_other_mentors_partner_admins_and_coordinators_cannot_evaluate(personas):
    for actor in (personas.mentor_q, personas.partner_admin_p, personas.coordinator_a):
        with pytest.raises(PermissionDenied):
            submit_evaluation(
                placement=personas.placement_a,
                actor=actor,
                kind="midpoint",
                scores=ALL_THREES,
                comments="",
            )


def test_a_mentor_who_left_the_partner_cannot_evaluate(personas):
    personas.mentor_p.memberships.all().delete()
    personas.mentor_p._memberships_cache = None
    with pytest.raises(PermissionDenied):
        evaluate(personas)


@pytest.mark.parametrize("status", ["proposed", "confirmed"])
def test_placements_that_have_not_started_are_not_evaluated(personas, status):
    Placement.objects.filter(pk=personas.placement_a.pk).update(status=status)
    with pytest.raises(EvaluationRefused, match="active or completed"):
        evaluate(personas)


def test_unknown_kind_is_refused(personas):
    with pytest.raises(EvaluationRefused, match="midpoint or final"):
        evaluate(personas, kind="weekly")


# --- The rubric editor page ----------------------------------------------------------------------

EDIT = reverse("rubric:edit")


def management(total, initial):
    return {
        "criteria-TOTAL_FORMS": str(total),
        "criteria-INITIAL_FORMS": str(initial),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "30",
    }


def test_rubric_page_shows_the_default_rubric_in_fieldsets(client, personas):
    client.force_login(personas.coordinator_district)
    response = client.get(EDIT)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<legend>Criterion 1: Attendance and punctuality</legend>" in html
    assert "<legend>Add a criterion</legend>" in html
    assert html.count("<legend>What each score means</legend>") == 6


def test_rubric_page_saves_a_new_criterion_and_a_removal(client, personas):
    criteria = rubric_for(personas.district)
    data = management(len(criteria) + 1, len(criteria))
    for i, c in enumerate(criteria):
        data.update(
            {
                f"criteria-{i}-criterion": str(c.pk),
                f"criteria-{i}-label": c.label,
                f"criteria-{i}-sort_order": str(i + 1),
                **{f"criteria-{i}-descriptor_{s}": c.descriptors[s] for s in "1234"},
            }
        )
    data["criteria-1-DELETE"] = "on"
    n = len(criteria)
    data.update(
        {
            f"criteria-{n}-label": "Safety",
            **{f"criteria-{n}-descriptor_{s}": f"level {s}" for s in "1234"},
        }
    )
    client.force_login(personas.district_admin)
    response = client.post(EDIT, data)
    assert response.status_code == 302
    keys = [c.key for c in rubric_for(personas.district)]
    assert keys == ["attendance", "teamwork", "initiative", "quality", "safety"]


def test_rubric_page_shows_errors_in_a_summary(client, personas):
    criteria = rubric_for(personas.district)
    data = management(1, 1)
    data.update(
        {
            "criteria-0-criterion": str(criteria[0].pk),
            "criteria-0-label": "",
            "criteria-0-sort_order": "1",
        }
    )
    client.force_login(personas.district_admin)
    response = client.post(EDIT, data)
    assert response.status_code == 200
    assert b"error-summary" in response.content and b"The rubric was not saved" in response.content


@pytest.mark.parametrize(
    "who",
    ["coordinator_a", "counselor_a", "mentor_p", "partner_admin_p", "student_a_user", "guardian_a"],
)
def test_rubric_page_is_404_for_everyone_else(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(EDIT).status_code == 404
    assert client.post(EDIT, management(0, 0)).status_code == 404


def test_other_district_coordinator_edits_only_their_own_rubric(client, personas):
    personas.other_coordinator.memberships.update(school=None)
    client.force_login(personas.other_coordinator)
    response = client.get(EDIT)
    assert response.context["district"] == personas.other_district
    assert client.get(EDIT, {"district": personas.district.pk}).status_code == 404


@pytest.mark.parametrize("extra", [0, 10])
def test_rubric_page_query_count_does_not_grow(
    client, personas, django_assert_max_num_queries, extra
):
    rubric_for(personas.district)  # seeded already; the count is of the page itself
    for i in range(extra):
        RubricCriterion.objects.create(
            district=personas.district,
            key=f"extra-{i}",
            label=f"Extra {i}",
            descriptors={"1": "a", "2": "b", "3": "c", "4": "d"},
            sort_order=10 + i,
        )
    client.force_login(personas.coordinator_district)
    with django_assert_max_num_queries(8):
        response = client.get(EDIT)
    assert response.status_code == 200


def test_the_mean_score_is_the_rubric_average_to_two_places():
    from trellis.placements.models import Evaluation

    assert Evaluation.mean_of({"a": 3, "b": 4, "c": 4}) == 3.67
    assert Evaluation.mean_of({"a": "2", "b": 3}) == 2.5
    assert Evaluation.mean_of({}) is None


# --- The student's reflection -------------------------------------------------------------


def test_student_writes_a_reflection_on_an_active_placement(personas):
    reflection = write_reflection(
        placement=personas.placement_a,
        actor=personas.student_a_user,
        career_fit="not_for_me",
        text="  I learned that I prefer working with computers.  ",
    )
    assert reflection.career_fit == "not_for_me"
    assert reflection.text == "I learned that I prefer working with computers."
    event = AuditEvent.objects.get(action="reflection.written")
    assert event.data == {"reflection": reflection.pk, "career_fit": "not_for_me"}


def test_reflection_on_a_completed_placement_is_allowed(personas):
    personas.placement_a.status = Placement.Status.COMPLETED
    personas.placement_a.save()
    write_reflection(
        placement=personas.placement_a,
        actor=personas.student_a_user,
        career_fit="unsure",
        text="Ok",
    )
    assert Reflection.objects.count() == 1


@pytest.mark.parametrize("status", ["proposed", "confirmed", "withdrawn"])
def test_reflection_on_a_placement_not_started_or_withdrawn_is_refused(personas, status):
    personas.placement_a.status = status
    if status == "withdrawn":
        personas.placement_a.withdrawal_initiator = "school"
        personas.placement_a.withdrawal_reason = "other"
    personas.placement_a.save()
    with pytest.raises(ReflectionRefused, match="active or completed"):
        write_reflection(
            placement=personas.placement_a,
            actor=personas.student_a_user,
            career_fit="for_me",
            text="Text",
        )


def test_reflection_needs_a_career_fit_and_text(personas):
    with pytest.raises(ReflectionRefused, match="Choose"):
        write_reflection(
            placement=personas.placement_a, actor=personas.student_a_user, career_fit="x", text="T"
        )
    with pytest.raises(ReflectionRefused, match="Write your reflection"):
        write_reflection(
            placement=personas.placement_a,
            actor=personas.student_a_user,
            career_fit="for_me",
            text=" ",
        )


def test_only_the_student_writes_their_reflection(personas):
    for actor in (personas.student_b_user, personas.mentor_p, personas.guardian_a):
        with pytest.raises(PermissionDenied):
            write_reflection(
                placement=personas.placement_a, actor=actor, career_fit="for_me", text="Text"
            )
    assert not Reflection.objects.exists()
