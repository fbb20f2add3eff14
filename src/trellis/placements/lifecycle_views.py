"""Coordinator pages of the placement lifecycle, in-app and e-mailed-link signing, outcomes,
the partner relationship page and the district's agreement texts.

Each view: a permission-checked fetch (404 outside scope), a form, one service call, a redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from trellis.accounts.permissions import can, district_ids, permitted
from trellis.core.http import client_ip, refusal_text
from trellis.core.lists import apply_filters, render_list
from trellis.core.pagination import paginate
from trellis.core.tenancy import get_for_user
from trellis.districts.models import School, Term
from trellis.opportunities.models import Opportunity
from trellis.partners.models import Mentor, Partner
from trellis.placements import services
from trellis.placements.agreements import (
    SigningRefused,
    missing_signatures,
    read_guardian_token,
    sign_agreement,
    signable_roles,
)
from trellis.placements.filters import filter_placements
from trellis.placements.forms import (
    AssignMentorForm,
    BoardFilterForm,
    ConcernFilterForm,
    GuardianSignForm,
    OutcomeForm,
    ProposeForm,
    ReplaceForm,
    ResolveConcernForm,
    SignForm,
    WithdrawForm,
)
from trellis.placements.models import (
    Agreement,
    Application,
    Concern,
    Outcome,
    Placement,
    SignerRole,
)
from trellis.students.models import GuardianLink, Student

Status = Placement.Status


def posted_data(request):
    """The POST data on a POST (even an empty one, so its errors show), else None."""
    return request.POST if request.method == "POST" else None


def _int(value) -> int:
    """A query-string id, or 0 (which matches nothing) when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _placement_queryset():
    return Placement.objects.select_related(
        "student__school",
        "student__user",
        "opportunity__partner",
        "opportunity__cluster",
        "opportunity__term",
        "mentor__user",
        "district",
        "withdrawn_by",
    ).prefetch_related(
        Prefetch("agreements", queryset=Agreement.objects.prefetch_related("signatures")),
        "student__guardian_links",
    )


def get_managed_placement(user, pk):
    return get_for_user(_placement_queryset(), user, pk, action="placement.manage")


def _require_manager(user):
    """The coordinators' pages: 404 for anyone who runs no placement anywhere."""
    if not can(user, "placement.manage"):
        raise Http404("Not found.")


def _managed_districts(queryset, user, path="district_id"):
    """Rows of the districts where the user runs placements (a filter's choices)."""
    if user.is_superuser:
        return queryset
    return queryset.filter(**{f"{path}__in": district_ids(user, "placement.manage")})


# --- Board ---------------------------------------------------------------------------------


class _CountedPaginator(Paginator):
    """The count comes from one GROUP BY over all statuses, not one COUNT per section."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


def _page_url(request, key, number):
    query = request.GET.copy()
    query[key] = number
    return f"?{query.urlencode()}"


BOARD_CARDS = 12  # cards per column; "Show more" loads the next ones in place (htmx) or pages


def board(request):
    """Every managed placement in a column per status, with counts, filtered by school,
    partner, cluster and term. Each column pages on its own: `<status>_page`; with htmx and
    `column=<status>` only that column's next cards come back, to append in place."""
    user = request.user
    _require_manager(user)
    placements = permitted(user, "placement.manage", Placement.objects)
    schools_qs = permitted(user, "placement.manage", Student.objects).values("school_id")
    form = BoardFilterForm(
        request.GET or None,
        schools=School.objects.filter(pk__in=schools_qs),
        partners=_managed_districts(Partner.objects.all(), user),
        terms=_managed_districts(Term.objects.all(), user, "school_year__district_id").select_related(
            "school_year"
        ),
    )
    placements = filter_placements(placements, apply_filters(form))
    counts = dict(placements.order_by().values_list("status").annotate(n=Count("pk")))
    rows = placements.select_related(
        "student__school", "opportunity__partner", "opportunity__cluster", "mentor__user"
    ).order_by("start_date", "student__last_name", "pk")
    only = request.GET.get("column") if request.htmx else None
    sections = []
    for status in Status:
        if only and status.value != only:
            continue
        key = f"{status.value}_page"
        # An empty section costs no query.
        status_rows = rows.filter(status=status) if counts.get(status.value) else rows.none()
        if status == Status.CONFIRMED:
            # Signature progress shows which confirmed placements are ready to start.
            status_rows = status_rows.prefetch_related(
                Prefetch("agreements", queryset=Agreement.objects.prefetch_related("signatures"))
            )
        page = _CountedPaginator(status_rows, BOARD_CARDS, count=counts.get(status.value, 0)).get_page(
            request.GET.get(key)
        )
        if status == Status.CONFIRMED:
            for p in page.object_list:
                agreements = p.agreements.all()
                p.signatures_needed = sum(len(a.required_signers) for a in agreements)
                p.signatures_done = sum(len(a.signatures.all()) for a in agreements)
        sections.append(
            {
                "status": status,
                "page_obj": page,
                "prev_url": _page_url(request, key, page.previous_page_number())
                if page.has_previous()
                else "",
                "next_url": _page_url(request, key, page.next_page_number())
                if page.has_next()
                else "",
            }
        )
    if only and sections:
        return render(
            request, "placements/lifecycle/board.html#column_cards", {"section": sections[0]}
        )
    return render_list(
        request,
        "placements/lifecycle/board.html",
        {
            "form": form,
            "sections": sections,
            "total": sum(counts.values()),
            # Lazy: counted only when the whole page (not the htmx results) is drawn.
            "open_concerns": lambda: (
                _managed_concerns(user).filter(resolved_at__isnull=True).count()
            ),
        },
    )


# --- Proposing -----------------------------------------------------------------------------


def propose(request):
    """Propose a placement for a student in scope at an opportunity with a free seat."""
    user = request.user
    _require_manager(user)
    students = permitted(
        user, "placement.propose", Student.objects.filter(is_active=True)
    ).select_related("school")
    opportunities = (
        services.with_seats_left(
            Opportunity.objects.filter(
                district_id__in=district_ids(user, "placement.propose"),
                status=Opportunity.Status.PUBLISHED,
                end_date__gte=timezone.localdate(),
            )
        )
        .filter(seats_left__gt=0)
        .select_related("partner")
        .order_by("title")
    )
    application = None
    if request.GET.get("application") or request.POST.get("application"):
        application = get_for_user(
            Application.objects.filter(student__in=students).select_related(
                "student", "opportunity"
            ),
            user,
            _int(request.GET.get("application") or request.POST.get("application")),
        )
    initial = {
        "student": request.GET.get("student") or getattr(application, "student_id", None),
        "opportunity": request.GET.get("opportunity")
        or getattr(application, "opportunity_id", None),
    }
    form = ProposeForm(
        posted_data(request), initial=initial, students=students, opportunities=opportunities
    )
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.create_placement(
                student=form.cleaned_data["student"],
                opportunity=form.cleaned_data["opportunity"],
                actor=user,
                application=application,
            )
        except services.PlacementRefused as e:
            form.add_error(None, refusal_text(e))
        else:
            messages.success(request, f"Placement proposed: {placement}.")
            return redirect("lifecycle:placement", placement.pk)
    return render(
        request, "placements/lifecycle/propose.html", {"form": form, "application": application}
    )


# --- One placement -------------------------------------------------------------------------


def _agreement_rows(user, placement):
    rows = []
    for agreement in placement.agreements.all():
        signed = {s.role: s for s in agreement.signatures.all()}
        rows.append(
            {
                "agreement": agreement,
                "signers": [
                    {"role": r, "label": SignerRole(r).label, "signature": signed.get(r)}
                    for r in agreement.required_signers
                ],
                "can_sign": signable_roles(user, agreement),
            }
        )
    return rows


def placement_page(request, pk):
    """Status, agreements and what is missing, and the actions the viewer may take."""
    user = request.user
    placement = get_for_user(_placement_queryset(), user, pk)
    manages = can(user, "placement.manage", placement)
    missing = missing_signatures(placement) if placement.status == Status.CONFIRMED else []
    context = {
        "placement": placement,
        "manages": manages,
        "agreement_rows": _agreement_rows(user, placement),
        "missing": missing,
        "can_activate": placement.status == Status.CONFIRMED
        and not missing
        and placement.agreements.all(),
        "guardian_waiting": any(m.role == SignerRole.GUARDIAN for m in missing),
        "concerns": placement.concerns.select_related("raised_by", "resolved_by").order_by(
            F("resolved_at").desc(nulls_first=True), "-created_at"
        )
        if manages
        else [],
        "outcomes": placement.outcomes.select_related("partner") if manages else [],
        "mentor_form": AssignMentorForm(
            initial={"mentor": placement.mentor_id}, mentors=_partner_mentors(placement)
        )
        if manages and placement.is_open
        else None,
    }
    return render(request, "placements/lifecycle/placement.html", context)


def _partner_mentors(placement):
    """The host partner's mentors with a working account: the only ones who can sign."""
    return Mentor.objects.filter(
        partner_id=placement.opportunity.partner_id, user__is_active=True
    ).select_related("user")


@require_POST
def assign_mentor(request, pk):
    """Name or change the mentor; the page's select offers the host partner's mentors only."""
    placement = get_managed_placement(request.user, pk)
    form = AssignMentorForm(request.POST, mentors=_partner_mentors(placement))
    if not form.is_valid():
        messages.error(request, "Choose one of the partner's mentors.")
        return redirect("lifecycle:placement", placement.pk)
    mentor = form.cleaned_data["mentor"]
    try:
        services.assign_mentor(placement=placement, mentor=mentor, actor=request.user)
    except ValidationError as e:
        messages.error(request, refusal_text(e))
    else:
        messages.success(request, f"{mentor} is now the mentor for {placement}.")
    return redirect("lifecycle:placement", placement.pk)


def _managed_concerns(user):
    """Concerns about placements the user manages (coordinators and district administrators)."""
    return permitted(user, "concern.resolve", Concern.objects)


def concerns(request):
    """Concerns raised by mentors and others, open ones first, for the coordinator to act on."""
    user = request.user
    _require_manager(user)
    form = ConcernFilterForm(request.GET)
    state = apply_filters(form).get("state", "open")
    rows = _managed_concerns(user).select_related(
        "placement__student__school",
        "placement__opportunity__partner",
        "raised_by",
        "resolved_by",
    )
    if state == "open":
        rows = rows.filter(resolved_at__isnull=True).order_by("created_at", "pk")
    elif state == "resolved":
        rows = rows.filter(resolved_at__isnull=False).order_by("-resolved_at", "-pk")
    else:
        rows = rows.order_by(F("resolved_at").desc(nulls_first=True), "-created_at", "-pk")
    context = {
        "form": form,
        "state": state,
        "page_obj": paginate(request, rows),
    }
    return render_list(request, "placements/lifecycle/concerns.html", context)


@require_POST
def resolve_concern(request, pk):
    """Close one concern with a note; back to where the coordinator came from."""
    concern = get_for_user(
        Concern.objects.select_related(
            "placement__student", "placement__mentor", "placement__district", "raised_by"
        ),
        request.user,
        pk,
        action="concern.resolve",
    )
    form = ResolveConcernForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what was done about the concern before resolving it.")
    else:
        try:
            services.resolve_concern(
                concern=concern, actor=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as e:
            messages.error(request, refusal_text(e))
        else:
            messages.success(request, f"Concern about {concern.placement} resolved.")
    if request.POST.get("next") == "concerns":
        return redirect("lifecycle:concerns")
    return redirect(reverse("lifecycle:placement", args=[concern.placement_id]) + "#concerns")


def _transition_view(service, done_message):
    @require_POST
    def view(request, pk):
        placement = get_managed_placement(request.user, pk)
        try:
            service(placement, actor=request.user)
        except services.MissingSignatures as e:
            messages.error(request, "The placement cannot start yet. " + refusal_text(e))
        except ValidationError as e:
            messages.error(request, refusal_text(e))
        else:
            messages.success(request, done_message.format(placement=placement))
        return redirect("lifecycle:placement", placement.pk)

    return view


confirm = _transition_view(
    services.confirm_placement, "Confirmed: {placement}. Agreements have been sent for signature."
)
activate = _transition_view(services.activate_placement, "Started: {placement}.")
complete = _transition_view(services.complete_placement, "Completed: {placement}.")


@require_POST
def resend_links(request, pk):
    placement = get_managed_placement(request.user, pk)
    try:
        sent = services.resend_guardian_links(placement, actor=request.user)
    except ValidationError as e:
        messages.error(request, refusal_text(e))
    else:
        messages.success(
            request, f"Sent {sent} new signing link{'s' if sent != 1 else ''} to the guardians."
        )
    return redirect("lifecycle:placement", placement.pk)


def withdraw(request, pk):
    """Withdraw with who, why and a note on the partner relationship; then offer a re-placement."""
    placement = get_managed_placement(request.user, pk)
    if not placement.is_open:
        messages.error(
            request, f"A {placement.get_status_display().lower()} placement cannot be withdrawn."
        )
        return redirect("lifecycle:placement", placement.pk)
    form = WithdrawForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.withdraw_placement(
                placement,
                actor=request.user,
                initiator=data["initiator"],
                reason=data["reason"],
                note=data["note"],
                partner_note=data["partner_note"],
                partner_in_good_standing=data["partner_in_good_standing"],
            )
        except ValidationError as e:
            form.add_error(None, refusal_text(e))
        else:
            messages.success(request, f"Withdrawn: {placement}. The seat is open again.")
            return redirect("lifecycle:replace", placement.pk)
    return render(
        request, "placements/lifecycle/withdraw.html", {"placement": placement, "form": form}
    )


def replace(request, pk):
    """After a withdrawal: the student's open options with a free seat; one click proposes."""
    placement = get_managed_placement(request.user, pk)
    if placement.status != Status.WITHDRAWN:
        raise Http404("Only a withdrawn placement's student is re-placed from it.")
    options = services.replacement_options(placement.student, exclude=[placement.opportunity])
    if request.method == "POST":
        form = ReplaceForm(request.POST, options=options)
        if form.is_valid():
            try:
                new = services.replace_student(
                    withdrawn_placement=placement,
                    opportunity=form.cleaned_data["opportunity"],
                    actor=request.user,
                )
            except ValidationError as e:
                messages.error(request, refusal_text(e))
            else:
                messages.success(request, f"Proposed a new placement: {new}.")
                return redirect("lifecycle:placement", new.pk)
        else:
            messages.error(
                request, "That opportunity is no longer open to this student; choose another."
            )
    return render(
        request,
        "placements/lifecycle/replace.html",
        {
            "placement": placement,
            "page_obj": paginate(request, options),
        },
    )


# --- Agreements and signing ------------------------------------------------------------


def get_agreement_for_user(user, pk):
    """An agreement of a placement the user may see, or 404."""
    queryset = Agreement.objects.select_related(
        "placement__student__school",
        "placement__opportunity__partner",
        "placement__mentor__user",
    ).prefetch_related("signatures")
    return get_for_user(queryset, user, pk)


def agreement_page(request, pk):
    """The exact text, who has signed, and a signing form for each role the viewer holds."""
    agreement = get_agreement_for_user(request.user, pk)
    roles = signable_roles(request.user, agreement)
    form = SignForm(
        posted_data(request), roles=roles, initial={"role": roles[0] if roles else None}
    )
    if request.method == "POST":
        if not roles:
            raise PermissionDenied("You have nothing to sign here.")
        if form.is_valid():
            try:
                sign_agreement(
                    agreement=agreement,
                    role=form.cleaned_data["role"],
                    typed_name=form.cleaned_data["typed_name"],
                    actor=request.user,
                    ip_address=client_ip(request),
                )
            except SigningRefused as e:
                form.add_error("typed_name", refusal_text(e))
            else:
                messages.success(request, f"Signed: {agreement.title}.")
                return redirect("lifecycle:placement", agreement.placement_id)
    return render(
        request,
        "placements/lifecycle/agreement.html",
        {
            "agreement": agreement,
            "placement": agreement.placement,
            "roles": roles,
            "form": form,
            "role_labels": [SignerRole(r).label for r in roles],
        },
    )


@login_not_required
def guardian_sign(request, token):
    """Sign from an e-mailed link, no account: bound to one guardian and one agreement, expiring, once."""
    try:
        link_id, agreement_id = read_guardian_token(token)
    except signing.SignatureExpired:
        return render(
            request,
            "placements/lifecycle/guardian_link_gone.html",
            {"reason": "expired"},
            status=410,
        )
    except signing.BadSignature:
        raise Http404("No such link.") from None
    link = (
        GuardianLink.objects.filter(pk=link_id, can_sign_consent=True)
        .select_related("student")
        .first()
    )
    agreement = (
        Agreement.objects.select_related("placement__student", "placement__opportunity__partner")
        .prefetch_related("signatures")
        .filter(pk=agreement_id)
        .first()
    )
    if link is None or agreement is None or agreement.placement.student_id != link.student_id:
        raise Http404("No such link.")
    if SignerRole.GUARDIAN not in agreement.required_signers:
        raise Http404("No such link.")
    signed = next((s for s in agreement.signatures.all() if s.role == SignerRole.GUARDIAN), None)
    if signed is not None:
        return render(
            request,
            "placements/lifecycle/guardian_link_gone.html",
            {"reason": "used", "signature": signed, "agreement": agreement},
            status=410,
        )
    if agreement.placement.status != Status.CONFIRMED:
        return render(
            request,
            "placements/lifecycle/guardian_link_gone.html",
            {"reason": "closed"},
            status=410,
        )
    form = GuardianSignForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            signature = sign_agreement(
                agreement=agreement,
                role=SignerRole.GUARDIAN,
                typed_name=form.cleaned_data["typed_name"],
                guardian_link=link,
                ip_address=client_ip(request),
            )
        except SigningRefused as e:
            form.add_error("typed_name", refusal_text(e))
        else:
            return render(
                request,
                "placements/lifecycle/guardian_signed.html",
                {"agreement": agreement, "signature": signature},
            )
    return render(
        request,
        "placements/lifecycle/guardian_sign.html",
        {"agreement": agreement, "link": link, "form": form},
    )


# --- Outcomes ------------------------------------------------------------------------------


def outcome(request):
    """Record a job offer or hire, from a student's page (?student=) or a placement's (?placement=)."""
    user = request.user
    _require_manager(user)
    placement = None
    # Where the coordinator came from stays in the query string, POST included.
    if request.GET.get("placement"):
        placement = get_managed_placement(user, request.GET["placement"])
        student = placement.student
    else:
        student = get_for_user(
            Student.objects.select_related("school", "district"),
            user,
            _int(request.GET.get("student")),
            action="outcome.record",
        )
    placements = student.placements.select_related("opportunity__partner")
    form = OutcomeForm(
        posted_data(request),
        partners=Partner.objects.filter(district_id=student.district_id),
        placements=placements,
        initial={
            "placement": placement,
            "partner": placement.opportunity.partner_id if placement else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_outcome(
                student=student,
                partner=data["partner"],
                kind=data["kind"],
                date=data["date"],
                actor=user,
                placement=data["placement"],
                job_title=data["job_title"],
                notes=data["notes"],
            )
        except ValidationError as e:
            form.add_error(None, refusal_text(e))
        else:
            messages.success(
                request,
                f"Recorded: {Outcome.Kind(data['kind']).label.lower()} for {student.full_name}.",
            )
            if placement is not None:
                return redirect("lifecycle:placement", placement.pk)
            return redirect("students:detail", student.pk)
    return render(
        request,
        "placements/lifecycle/outcome.html",
        {
            "form": form,
            "student": student,
            "placement": placement,
            "outcomes": student.outcomes.select_related("partner"),
        },
    )
