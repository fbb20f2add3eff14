"""District-side lifecycle pages: a partner's relationship with the district and the
district's own agreement texts. Both are for coordinators and district administrators only.
"""

from django.contrib import messages
from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render

from trellis.accounts.permissions import district_ids, granting_memberships, permitted
from trellis.core.tenancy import get_for_user
from trellis.districts.models import SchoolYear
from trellis.partners.models import Mentor, Partner
from trellis.placements.agreements import (
    DEFAULT_TEXTS,
    PLACEHOLDERS,
    reset_agreement_text,
    set_agreement_text,
)
from trellis.placements.forms import AgreementTextForm
from trellis.placements.lifecycle_views import posted_data
from trellis.placements.models import Agreement, AgreementText, Evaluation, Outcome, Placement
from trellis.students.models import Student

Status = Placement.Status


# --- Partner relationship ------------------------------------------------------------------


def relationship(request, pk):
    """A partner's record with the district: hosting by year, completions, withdrawals and why,
    evaluations, mentors, whether they would host again, and hires — over placements in the
    viewer's scope (a school coordinator sees their school's history with the partner)."""
    user = request.user
    partner = get_for_user(Partner, user, pk, action="partner.review_relationship")
    placements = permitted(
        user, "placement.manage", Placement.objects.filter(opportunity__partner=partner)
    ).order_by()
    year = SchoolYear.objects.filter(
        district=OuterRef("district"),
        start_date__lte=OuterRef("start_date"),
        end_date__gte=OuterRef("start_date"),
    ).values("name")[:1]
    by_year = sorted(
        placements.annotate(year=Subquery(year))
        .values("year")
        .annotate(
            hosted=Count("pk"),
            completed=Count("pk", filter=Q(status=Status.COMPLETED)),
            withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
            current=Count("pk", filter=Q(status__in=Placement.OPEN_STATUSES)),
        ),
        key=lambda r: r["year"] or "",
        reverse=True,
    )
    totals = placements.aggregate(
        hosted=Count("pk"),
        completed=Count("pk", filter=Q(status=Status.COMPLETED)),
        withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
        withdrawn_by_partner=Count(
            "pk",
            filter=Q(status=Status.WITHDRAWN, withdrawal_initiator=Placement.Initiator.PARTNER),
        ),
        not_in_good_standing=Count(
            "pk", filter=Q(status=Status.WITHDRAWN, partner_in_good_standing=False)
        ),
    )
    reasons = (
        placements.filter(status=Status.WITHDRAWN)
        .values("withdrawal_reason", "withdrawal_initiator")
        .annotate(n=Count("pk"))
        .order_by("-n", "withdrawal_reason")
    )
    reason_labels = dict(Placement.WithdrawalReason.choices)
    initiator_labels = dict(Placement.Initiator.choices)
    reasons = [
        {
            **r,
            "reason_label": reason_labels.get(r["withdrawal_reason"], "—"),
            "initiator_label": initiator_labels.get(r["withdrawal_initiator"], "—"),
        }
        for r in reasons
    ]
    withdrawals = (
        placements.filter(status=Status.WITHDRAWN)
        .select_related("student", "opportunity")
        .order_by("-withdrawn_at")[:20]
    )
    evaluations = Evaluation.objects.filter(placement__in=placements.values("pk"))
    evaluation_summary = evaluations.aggregate(
        mean=Avg("mean_score"),
        count=Count("pk"),
        midpoint=Avg("mean_score", filter=Q(kind=Evaluation.Kind.MIDPOINT)),
        final=Avg("mean_score", filter=Q(kind=Evaluation.Kind.FINAL)),
    )
    finals = evaluations.filter(kind=Evaluation.Kind.FINAL, would_host_again__isnull=False)
    host_again = finals.aggregate(
        yes=Count("pk", filter=Q(would_host_again=True)),
        no=Count("pk", filter=Q(would_host_again=False)),
    )
    latest_finals = finals.select_related("mentor__user", "placement__opportunity").order_by(
        "-submitted_at"
    )[:10]
    mentor_placements = (
        placements.filter(mentor=OuterRef("pk"))
        .values("mentor")
        .annotate(c=Count("pk"))
        .values("c")
    )
    mentor_mean = (
        evaluations.filter(mentor=OuterRef("pk"))
        .order_by()
        .values("mentor")
        .annotate(a=Avg("mean_score"))
        .values("a")
    )
    mentors = (
        Mentor.objects.filter(partner=partner)
        .select_related("user")
        .annotate(hosted=Subquery(mentor_placements), mean_score=Subquery(mentor_mean))
    )
    outcomes = Outcome.objects.filter(
        partner=partner, student__in=permitted(user, "outcome.record", Student.objects)
    )
    outcome_counts = outcomes.aggregate(
        offers=Count("pk", filter=Q(kind=Outcome.Kind.JOB_OFFER)),
        hires=Count("pk", filter=Q(kind=Outcome.Kind.HIRED)),
    )
    latest_withdrawal = withdrawals[0] if withdrawals else None
    return render(
        request,
        "placements/lifecycle/relationship.html",
        {
            "partner": partner,
            "by_year": by_year,
            "totals": totals,
            "reasons": reasons,
            "withdrawals": withdrawals,
            "evaluation_summary": evaluation_summary,
            "host_again": host_again,
            "latest_finals": latest_finals,
            "mentors": mentors,
            "outcomes": outcomes.select_related("student", "placement__opportunity").order_by(
                "-date"
            )[:50],
            "outcome_counts": outcome_counts,
            "in_good_standing": latest_withdrawal is None
            or latest_withdrawal.partner_in_good_standing,
            "latest_withdrawal": latest_withdrawal,
            "school_scoped": not user.is_superuser
            and all(
                not m.is_district_wide for m in granting_memberships(user, "placement.manage")
            ),
        },
    )


# --- District agreement texts ---------------------------------------------------------------


def _text_districts(user):
    """District administrators and district-wide coordinators set their district's wording."""
    districts = district_ids(user, "agreement_text.edit")
    if not districts:
        raise Http404("Not found.")
    return sorted(districts)


def agreement_texts(request):
    district_id = _text_districts(request.user)[0]
    own = {t.kind: t for t in AgreementText.objects.filter(district_id=district_id)}
    rows = [
        {
            "kind": kind,
            "label": kind.label,
            "title": own[kind].title if kind in own else default[0],
            "custom": kind in own,
            "updated_at": own[kind].updated_at if kind in own else None,
        }
        for kind, default in DEFAULT_TEXTS.items()
    ]
    return render(request, "placements/lifecycle/agreement_texts.html", {"rows": rows})


def agreement_text_edit(request, kind):
    district_id = _text_districts(request.user)[0]
    if kind not in Agreement.Kind.values:
        raise Http404("No such agreement.")
    kind = Agreement.Kind(kind)
    instance = AgreementText.objects.filter(district_id=district_id, kind=kind).first()
    if request.method == "POST" and request.POST.get("reset"):
        if instance is not None:
            reset_agreement_text(instance, actor=request.user)
            messages.success(request, f"The {kind.label.lower()} uses the default text again.")
        return redirect("lifecycle:agreement_texts")
    default_title, default_body = DEFAULT_TEXTS[kind]
    form = AgreementTextForm(
        posted_data(request),
        instance=instance,
        initial=None if instance else {"title": default_title, "body": default_body},
    )
    if request.method == "POST" and form.is_valid():
        set_agreement_text(
            district_id=district_id,
            kind=kind,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            actor=request.user,
        )
        messages.success(
            request, f"Saved the {kind.label.lower()}. Placements confirmed from now on use it."
        )
        return redirect("lifecycle:agreement_texts")
    return render(
        request,
        "placements/lifecycle/agreement_text_edit.html",
        {
            "form": form,
            "kind": kind,
            "custom": instance is not None,
            "placeholders": PLACEHOLDERS,
        },
    )
