"""Mentor evaluations on the district's rubric, the rubric itself, and the student's reflection.

A district that has not configured a rubric gets the default employability rubric (attendance,
communication, teamwork, initiative, quality of work; 1–4 with descriptors) the first time one
is needed. A mentor writes one midpoint and one final evaluation per placement; every criterion
must be scored, and the student's coordinators are told at once.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify

from trellis.accounts.permissions import require
from trellis.core.errors import Refused
from trellis.core.models import AuditAction, AuditEvent
from trellis.core.notifications import notify
from trellis.placements.models import CareerFit, Evaluation, Placement, Reflection, RubricCriterion
from trellis.placements.selectors import coordinators_for

SCORES = ("1", "2", "3", "4")
SCORE_NAMES = {"1": "Beginning", "2": "Developing", "3": "Proficient", "4": "Exemplary"}
EVALUABLE = (Placement.Status.ACTIVE, Placement.Status.COMPLETED)
REFLECTION_STATUSES = EVALUABLE
REFLECTION_MAX = 5000
VERB_EVALUATION_SUBMITTED = "evaluation.submitted"

DEFAULT_RUBRIC = [
    (
        "attendance",
        "Attendance and punctuality",
        {
            "1": "Often absent or late without notice.",
            "2": "Sometimes absent or late; usually gives notice.",
            "3": "Present and on time; gives notice when they cannot be.",
            "4": "Always present and on time; plans ahead for absences.",
        },
    ),
    (
        "communication",
        "Communication",
        {
            "1": "Rarely asks questions or shares information; hard to reach.",
            "2": "Communicates when prompted; messages are sometimes unclear.",
            "3": "Communicates clearly and respectfully with staff and the public.",
            "4": "Communicates clearly, listens well and adapts to the audience.",
        },
    ),
    (
        "teamwork",
        "Teamwork",
        {
            "1": "Works apart from the team; resists feedback.",
            "2": "Cooperates when asked; accepts feedback.",
            "3": "Contributes to the team and acts on feedback.",
            "4": "Helps the team succeed and seeks out feedback.",
        },
    ),
    (
        "initiative",
        "Initiative",
        {
            "1": "Waits to be told what to do, even for routine tasks.",
            "2": "Starts routine tasks; needs prompting for new ones.",
            "3": "Looks for work to do and solves routine problems.",
            "4": "Takes on new tasks and suggests improvements.",
        },
    ),
    (
        "quality",
        "Quality of work",
        {
            "1": "Work is often incomplete or needs redoing.",
            "2": "Work is complete but needs frequent correction.",
            "3": "Work is accurate and complete with little correction.",
            "4": "Work is accurate, thorough and done with care.",
        },
    ),
]


class EvaluationRefused(Refused):
    """An evaluation the rules forbid; the message says why."""


class ReflectionRefused(Refused):
    """A reflection the rules forbid; the message says why, for the student."""


# --- The rubric ------------------------------------------------------------------------------


def seed_default_rubric(district):
    """Create the default employability rubric for a district that has none (idempotent)."""
    if RubricCriterion.objects.filter(district=district).exists():
        return list(RubricCriterion.objects.filter(district=district).order_by("sort_order", "pk"))
    rows = [
        RubricCriterion(
            district=district, key=key, label=label, descriptors=dict(descriptors), sort_order=i
        )
        for i, (key, label, descriptors) in enumerate(DEFAULT_RUBRIC, start=1)
    ]
    try:
        with transaction.atomic():
            RubricCriterion.objects.bulk_create(rows)
    except IntegrityError:  # another request seeded it first
        pass
    return list(RubricCriterion.objects.filter(district=district).order_by("sort_order", "pk"))


def rubric_for(district) -> list[RubricCriterion]:
    """The district's criteria in order, seeding the default rubric on first use."""
    criteria = list(RubricCriterion.objects.filter(district=district).order_by("sort_order", "pk"))
    return criteria or seed_default_rubric(district)


@dataclass
class CriterionRow:
    """One row of the rubric editor: an existing criterion (pk) or a new one (pk None)."""

    label: str
    descriptors: dict
    sort_order: int
    pk: int | None = None
    delete: bool = False


def _unique_key(label, taken):
    base = slugify(label)[:40] or "criterion"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


@transaction.atomic
def save_rubric(*, district, actor, rows: list[CriterionRow]):
    """Edit labels and descriptors, add and remove criteria, and set their order.

    Keys of existing criteria never change, so past evaluations keep their meaning.
    """
    require(
        actor,
        "rubric.configure",
        district,
        refusal="Only district administrators and coordinators configure the rubric.",
    )
    existing = {
        c.pk: c for c in RubricCriterion.objects.select_for_update().filter(district=district)
    }
    kept = [r for r in rows if not r.delete]
    if not kept:
        raise EvaluationRefused("A rubric needs at least one criterion.")
    for row in rows:
        if row.pk is not None and row.pk not in existing:
            raise EvaluationRefused("That criterion belongs to another rubric.")
    for row in kept:
        if not row.label.strip():
            raise EvaluationRefused("Every criterion needs a label.")
        if set(row.descriptors) != set(SCORES) or not all(
            str(row.descriptors[s]).strip() for s in SCORES
        ):
            raise EvaluationRefused(f"“{row.label}” needs a descriptor for each score, 1 to 4.")
    removed = [existing[r.pk] for r in rows if r.delete and r.pk is not None]
    RubricCriterion.objects.filter(pk__in=[c.pk for c in removed]).delete()
    taken = {c.key for pk, c in existing.items() if pk not in {r.pk for r in removed}}
    ordered = sorted(kept, key=lambda r: (r.sort_order, r.pk or 10**9))
    added, changed = [], []
    for position, row in enumerate(ordered, start=1):
        descriptors = {s: str(row.descriptors[s]).strip() for s in SCORES}
        if row.pk is None:
            key = _unique_key(row.label, taken)
            taken.add(key)
            RubricCriterion.objects.create(
                district=district,
                key=key,
                label=row.label.strip(),
                descriptors=descriptors,
                sort_order=position,
            )
            added.append(key)
            continue
        criterion = existing[row.pk]
        new = (row.label.strip(), descriptors, position)
        if (criterion.label, criterion.descriptors, criterion.sort_order) != new:
            criterion.label, criterion.descriptors, criterion.sort_order = new
            criterion.save(update_fields=["label", "descriptors", "sort_order"])
            changed.append(criterion.key)
    AuditEvent.record(
        actor=actor,
        action=AuditAction.RUBRIC_UPDATED,
        district=district,
        data={"added": added, "changed": changed, "removed": [c.key for c in removed]},
    )
    return list(RubricCriterion.objects.filter(district=district).order_by("sort_order", "pk"))


# --- Evaluations -----------------------------------------------------------------------------


def evaluation_refusal(placement, kind) -> str | None:
    """Why this evaluation cannot be written now (None when it can); pages show the same words."""
    if kind not in Evaluation.Kind.values:
        return "Choose a midpoint or final evaluation."
    if placement.status not in EVALUABLE:
        return (
            f"Evaluations are written for active or completed placements; this one is "
            f"{placement.get_status_display().lower()}."
        )
    return None


def _clean_scores(criteria, scores) -> dict:
    keys = [c.key for c in criteria]
    unknown = set(scores) - set(keys)
    if unknown:
        raise EvaluationRefused("Some scores are not on the district's rubric.")
    missing = [c.label for c in criteria if c.key not in scores or scores[c.key] in (None, "")]
    if missing:
        raise EvaluationRefused(f"Score every criterion; missing: {', '.join(missing)}.")
    clean = {}
    for c in criteria:
        try:
            value = int(scores[c.key])
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 4:
            raise EvaluationRefused(f"“{c.label}” must be scored from 1 to 4.")
        clean[c.key] = value
    return clean


@transaction.atomic
def submit_evaluation(*, placement, actor, kind, scores, comments, would_host_again=None):
    """Record the mentor's midpoint or final evaluation; one of each per placement."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("mentor__user", "student__school", "district", "opportunity__partner")
        .get(pk=placement.pk)
    )
    require(
        actor,
        "placement.evaluate",
        placement,
        refusal="Only the student's mentor writes their evaluations.",
    )
    refusal = evaluation_refusal(placement, kind)
    if refusal:
        raise EvaluationRefused(refusal)
    if Evaluation.objects.filter(placement=placement, kind=kind).exists():
        raise EvaluationRefused(
            f"The {Evaluation.Kind(kind).label.lower()} evaluation is already submitted."
        )
    clean = _clean_scores(rubric_for(placement.district), scores or {})
    if kind == Evaluation.Kind.FINAL:
        if would_host_again is None:
            raise EvaluationRefused("Say whether you would host a student again.")
    else:
        would_host_again = None
    evaluation = Evaluation.objects.create(
        placement=placement,
        mentor=placement.mentor,
        kind=kind,
        scores=clean,
        comments=(comments or "").strip(),
        would_host_again=would_host_again,
    )
    AuditEvent.record(
        actor=actor,
        action=AuditAction.EVALUATION_SUBMITTED,
        target=placement,
        district=placement.district,
        data={"evaluation": evaluation.pk, "kind": kind, "mean": str(evaluation.mean_score)},
    )
    notify(
        coordinators_for(placement.student),
        verb=VERB_EVALUATION_SUBMITTED,
        text=f"{placement.mentor.user} submitted the {evaluation.get_kind_display().lower()} "
        f"evaluation of {placement}.",
        url=reverse("lifecycle:placement", args=[placement.pk]),
        district=placement.district,
    )
    return evaluation


# --- The student's reflection ----------------------------------------------------------------


@transaction.atomic
def write_reflection(*, placement, actor, career_fit, text) -> Reflection:
    """The student's reflection on an active or completed placement, with their career fit."""
    require(actor, "reflection.write", placement, refusal="Only the student can do this for themself.")
    if placement.status not in REFLECTION_STATUSES:
        raise ReflectionRefused(
            f"You can reflect on an active or completed placement; this one is "
            f"{placement.get_status_display().lower()}."
        )
    if career_fit not in CareerFit.values:
        raise ReflectionRefused(
            "Choose whether this career is for you, you are unsure, or it is not for you."
        )
    text = (text or "").strip()
    if not text:
        raise ReflectionRefused("Write your reflection.")
    if len(text) > REFLECTION_MAX:
        raise ReflectionRefused(f"Keep your reflection to {REFLECTION_MAX} characters or fewer.")
    reflection = Reflection.objects.create(placement=placement, career_fit=career_fit, text=text)
    AuditEvent.record(
        actor=actor,
        action=AuditAction.REFLECTION_WRITTEN,
        target=placement,
        district=placement.district,
        data={"reflection": reflection.pk, "career_fit": career_fit},
    )
    return reflection
