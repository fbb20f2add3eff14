"""Hour pages: logging (students), approval (mentors, in the app or from an e-mailed link),
flagged hours, pay periods, payroll and budgets (coordinators). Thin: fetch in scope, form,
one service call, response. Outside scope is 404; in scope but not allowed is 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from trellis.accounts.permissions import can, permitted
from trellis.core.http import client_ip, refusal_text
from trellis.core.lists import paginate
from trellis.core.tenancy import get_for_user
from trellis.districts.calendar import district_today
from trellis.districts.models import District
from trellis.hours import links, pay_services, services
from trellis.hours.exports import FORMATS, payroll_response
from trellis.hours.forms import BudgetForm, HourLogForm, PayPeriodForm, ReturnForm
from trellis.hours.models import HourLog
from trellis.hours.pay import budget_report, payroll_for
from trellis.hours.progress import (
    credit_summary,
    hour_totals,
    placement_progress,
    progress_from_totals,
)
from trellis.hours.selectors import (
    LOG_RELATED,
    approvable_logs,
    awaiting_mentor_logs,
    budgets_for_user,
    flagged_logs_for_user,
    get_budget_for_user,
    get_hour_log_for_user,
    get_pay_period_for_user,
    overseen_logs,
    pay_periods_for_user,
)
from trellis.hours.services import EDITABLE_BY_STUDENT
from trellis.placements.models import Placement
from trellis.placements.selectors import get_placement_for_user


def _require_coordinator(user):
    if not can(user, "hours.oversee"):
        raise Http404("No such page.")


# --- Students, guardians, mentors: hours by placement -------------------------------------


def index(request):
    """Hours by placement, for everyone: own, a child's, interns', or the students one coordinates."""
    user = request.user
    placements = (
        Placement.objects.for_user(user)
        .filter(status__in=(Placement.Status.ACTIVE, Placement.Status.COMPLETED))
        .select_related("student", "opportunity__partner")
        .annotate(**hour_totals())
        .order_by("student__last_name", "student__first_name", "-start_date", "pk")
    )
    page_obj = paginate(request, placements)
    today = timezone.localdate()
    rows = [
        (
            p,
            progress_from_totals(
                p,
                approved=p.approved_total,
                pending=p.pending_total,
                first_log_date=p.first_log_date,
                today=today,
            ),
        )
        for p in page_obj
    ]
    context = {
        "page_obj": page_obj,
        "rows": rows,
        "is_coordinator": can(user, "hours.oversee"),
        "is_approver": can(user, "hours.approve"),
    }
    if context["is_coordinator"]:
        scoped = overseen_logs(user)
        context["awaiting_count"] = awaiting_mentor_logs(user).count()
        context["flagged_count"] = scoped.exclude(labour_flags=[]).count()
    return render(request, "hours/index.html", context)


def placement_hours(request, pk):
    """One placement's logs and progress; the student edits here, others read."""
    user = request.user
    placement = get_placement_for_user(user, pk)
    is_owner = can(user, "hours.log", placement)
    coordinator = can(user, "hours.correct", placement)
    page_obj = paginate(
        request,
        placement.hour_logs.select_related("session").order_by("-date", "-start_time", "-pk"),
    )
    for log in page_obj:
        log.placement = placement  # already loaded; spares a query per row
        log.can_edit = coordinator or (is_owner and log.status in EDITABLE_BY_STUDENT)
        log.can_delete = is_owner and log.status in EDITABLE_BY_STUDENT
    context = {
        "placement": placement,
        "page_obj": page_obj,
        "progress": placement_progress(placement, today=district_today(placement.district)),
        "credit_summary": credit_summary(placement.student),
        "can_log": is_owner and placement.status == Placement.Status.ACTIVE,
        "can_approve": can(user, "hours.approve", placement),
        "is_coordinator": coordinator,
    }
    return render(request, "hours/placement_hours.html", context)


@require_http_methods(["GET", "POST"])
def log_hours(request, pk):
    """The student's "log hours" page: a scheduled session or hours outside the schedule."""
    placement = get_placement_for_user(request.user, pk)
    if not can(request.user, "hours.log", placement):
        raise Http404("No such page.")
    today = district_today(placement.district)
    sessions = placement.sessions.filter(date__lte=today, hour_logs__isnull=True).order_by(
        "-date", "-start_time"
    )
    initial = {"date": min(today, placement.end_date)}
    chosen = request.GET.get("session", "")
    if chosen.isdigit():
        session = sessions.filter(pk=chosen).first()
        if session is not None:
            initial = {
                "session": session,
                "date": session.date,
                "start_time": session.start_time,
                "end_time": session.end_time,
            }
    form = HourLogForm(request.POST or None, initial=initial, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            log = services.log_hours(
                placement=placement,
                actor=request.user,
                date=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                description=data["description"],
                session=data.get("session"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Logged {log.hours} h on {log.date:%b %-d}; your mentor will review it."
            )
            for flag in log.labour_flags:
                messages.warning(
                    request, f"Youth labour rule: {flag['message']} Your coordinator will see this."
                )
            return redirect("hours:placement", pk=placement.pk)
    context = {
        "placement": placement,
        "form": form,
        "sessions": sessions[:10],
        "is_active": placement.status == Placement.Status.ACTIVE,
    }
    return render(request, "hours/log_form.html", context)


def _editable_log(request, pk):
    log = get_hour_log_for_user(request.user, pk)
    owner, coordinator = can(request.user, "hours.log", log), can(request.user, "hours.correct", log)
    if not (owner or coordinator):
        raise Http404("No such page.")
    return log, owner, coordinator


@require_http_methods(["GET", "POST"])
def edit_log(request, pk):
    """The student fixes a submitted or returned log; a coordinator corrects any log."""
    log, owner, coordinator = _editable_log(request, pk)
    if not coordinator and log.status not in EDITABLE_BY_STUDENT:
        raise PermissionDenied("Approved hours can only be changed by a coordinator.")
    initial = {
        "date": log.date,
        "start_time": log.start_time,
        "end_time": log.end_time,
        "description": log.description,
    }
    form = HourLogForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_hour_log(
                log=log,
                actor=request.user,
                date=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                description=data["description"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Saved the changes.")
            return redirect("hours:placement", pk=log.placement_id)
    return render(
        request,
        "hours/edit_log.html",
        {"log": log, "form": form, "is_correction": coordinator and not owner},
    )


@require_http_methods(["GET", "POST"])
def delete_log(request, pk):
    log, owner, _ = _editable_log(request, pk)
    if not owner:
        raise Http404("No such page.")
    if log.status not in EDITABLE_BY_STUDENT:
        raise PermissionDenied("Approved hours can only be changed by a coordinator.")
    if request.method == "POST":
        placement_id = log.placement_id
        services.delete_hour_log(log=log, actor=request.user)
        messages.success(request, "Deleted the log.")
        return redirect("hours:placement", pk=placement_id)
    return render(request, "hours/delete_log.html", {"log": log})


# --- Mentors: approvals in the app ---------------------------------------------------------


def _approval_context(request, *, notice="", notice_level="success"):
    return {
        "page_obj": paginate(request, approvable_logs(request.user)),
        "notice": notice,
        "notice_level": notice_level,
    }


def _approval_response(request, notice, level):
    """The refreshed list for htmx; otherwise a message and a redirect (POST/redirect/GET)."""
    if request.htmx:
        response = render(
            request,
            "hours/approvals.html#approval_list",
            _approval_context(request, notice=notice, notice_level=level),
        )
        return reswap(retarget(response, "#approval-list"), "outerHTML")
    getattr(messages, level)(request, notice)
    return redirect("hours:approvals")


@require_http_methods(["GET", "POST"])
def approvals(request):
    """The mentor's "approve hours" page: tick logs and approve them together, or one by one.
    A coordinator (who does not approve) sees the logs waiting for mentors, to follow them up."""
    user = request.user
    if not can(user, "hours.approve"):
        if request.method == "GET" and can(user, "hours.oversee"):
            return render(
                request,
                "hours/awaiting.html",
                {"page_obj": paginate(request, awaiting_mentor_logs(user))},
            )
        raise Http404("No such page.")
    if request.method == "GET":
        return render(request, "hours/approvals.html", _approval_context(request))
    raw = request.POST.getlist("log")
    if not all(v.isdigit() for v in raw):
        raise Http404("No such log.")
    ids = {int(v) for v in raw}
    logs = list(
        permitted(user, "hours.approve", HourLog.objects.filter(pk__in=ids)).select_related(
            *LOG_RELATED
        )
    )
    if len(logs) != len(ids):
        raise Http404("No such log.")
    try:
        services.approve_hour_logs(logs=logs, actor=user, ip_address=client_ip(request))
    except ValidationError as error:
        return _approval_response(request, refusal_text(error), "error")
    noun = "log" if len(logs) == 1 else "logs"
    return _approval_response(request, f"Approved {len(logs)} {noun}.", "success")


@require_http_methods(["GET", "POST"])
def return_log(request, pk):
    """Send a log back to the student with a comment (inline row with htmx, a page without)."""
    user = request.user
    log = get_for_user(HourLog.objects.select_related(*LOG_RELATED), user, pk, action="hours.approve")
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_hour_log(
                log=log, actor=user, comment=form.cleaned_data["comment"], ip_address=client_ip(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _approval_response(
                request,
                f"Returned the log of {log.date:%b %-d} to {log.placement.student.full_name}.",
                "success",
            )
    template = "hours/return_log.html#return_row" if request.htmx else "hours/return_log.html"
    return render(request, template, {"log": log, "form": form})


# --- Mentors without an account: the e-mailed link -------------------------------------------


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def approval_link(request, token):
    """Approve (or return with a comment) exactly the logs bound to this link, once, before it expires."""
    link = links.find_link(token)
    try:
        links.ensure_usable(link)
    except links.LinkGone as gone:
        return render(request, "hours/link_gone.html", {"reason": gone.reason}, status=410)
    logs = list(
        link.logs.select_related("placement__student", "placement__opportunity").order_by(
            "date", "start_time", "pk"
        )
    )
    for log in logs:
        log.marked_return, log.posted_comment = False, ""
    context = {
        "link": link,
        "logs": logs,
        "mentor": link.mentor,
        "errors": [],
        "open_count": _open_count(logs, link),
    }
    if request.method == "POST":
        returns, posted = _link_decisions(request)
        try:
            result = services.decide_by_link(
                link=link, returns=returns, posted_ids=posted, ip_address=client_ip(request)
            )
        except links.LinkGone as gone:
            return render(request, "hours/link_gone.html", {"reason": gone.reason}, status=410)
        except PermissionDenied:
            context["errors"] = [
                "This link can only approve or return the logs listed below; nothing was changed."
            ]
            return render(request, "hours/link.html", context, status=400)
        except ValidationError as error:
            for log in logs:
                log.marked_return, log.posted_comment = log.pk in returns, returns.get(log.pk, "")
            context["errors"] = error.messages
            return render(request, "hours/link.html", context)
        by_id = {log.pk: log for log in link.logs.select_related("placement__student")}
        done = {
            key: [by_id[pk] for pk in result[key]] for key in ("approved", "returned", "skipped")
        }
        return render(request, "hours/link_done.html", {"mentor": link.mentor, **done})
    return render(request, "hours/link.html", context)


def _open_count(logs, link) -> int:
    return sum(
        1
        for log in logs
        if log.status == HourLog.Status.SUBMITTED and log.placement.mentor_id == link.mentor_id
    )


def _link_decisions(request):
    """Read the posted decisions; ids stay as posted so the service can refuse strangers."""

    def key(raw):
        return int(raw) if raw.isdigit() else raw

    returns = {
        key(raw): request.POST.get(f"comment-{raw}", "") for raw in request.POST.getlist("return")
    }
    posted = {
        key(name.removeprefix("comment-")) for name in request.POST if name.startswith("comment-")
    }
    posted |= {key(raw) for raw in request.POST.getlist("log")}
    return returns, posted


# --- Coordinators: flagged hours, reminders --------------------------------------------------


def flagged(request):
    """Logs that break a youth labour rule, for the coordinator to follow up."""
    _require_coordinator(request.user)
    return render(
        request,
        "hours/flagged.html",
        {"page_obj": paginate(request, flagged_logs_for_user(request.user))},
    )


@require_POST
def send_requests(request):
    """E-mail every mentor with logs awaiting approval (in the coordinator's scope) a link."""
    user = request.user
    _require_coordinator(user)
    scoped = overseen_logs(user)
    result = services.send_pending_approval_requests(actor=user, logs=scoped)
    if result["sent"]:
        messages.success(
            request,
            f"E-mailed {result['sent']} mentor(s) a link to approve {result['logs']} log(s).",
        )
    else:
        messages.info(
            request,
            "No logs are waiting for an e-mail: every pending log already has an open link.",
        )
    if result["skipped_mentors"]:
        messages.warning(
            request,
            f"{result['skipped_mentors']} mentor(s) have no e-mail address; ask them to sign in.",
        )
    return redirect("hours:index")


# --- Coordinators: pay periods and payroll ---------------------------------------------------


def _managed_districts(user, action="pay_period.manage"):
    """Districts whose pay periods (or budgets) the user may add: district-wide staff."""
    return permitted(user, action, District.objects.all())


@require_http_methods(["GET", "POST"])
def pay_periods(request):
    """Pay periods of the coordinator's districts; district-wide staff add new ones here."""
    user = request.user
    _require_coordinator(user)
    districts = _managed_districts(user)
    can_manage = districts.exists()
    form = PayPeriodForm(request.POST or None, districts=districts) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only district-wide coordinators set pay periods.")
        if form.is_valid():
            period = pay_services.create_pay_period(
                district=form.cleaned_data.get("district") or form.instance.district,
                name=form.cleaned_data["name"],
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                actor=user,
            )
            messages.success(request, f"Added the pay period {period.name}.")
            return redirect("hours:pay_periods")
    context = {
        "page_obj": paginate(request, pay_periods_for_user(user).order_by("-start_date")),
        "form": form,
    }
    return render(request, "hours/pay_periods.html", context)


def _managed_period(request, pk):
    period = get_pay_period_for_user(request.user, pk)
    if not can(request.user, "pay_period.manage", period):
        raise PermissionDenied("Only district-wide coordinators change pay periods.")
    return period


@require_http_methods(["GET", "POST"])
def pay_period_edit(request, pk):
    period = _managed_period(request, pk)
    form = PayPeriodForm(
        request.POST or None, instance=period, districts=_managed_districts(request.user)
    )
    if request.method == "POST" and form.is_valid():
        pay_services.update_pay_period(
            period=period,
            name=form.cleaned_data["name"],
            start_date=form.cleaned_data["start_date"],
            end_date=form.cleaned_data["end_date"],
            actor=request.user,
        )
        messages.success(request, "Saved the pay period.")
        return redirect("hours:pay_periods")
    return render(request, "hours/pay_period_form.html", {"form": form, "period": period})


@require_http_methods(["GET", "POST"])
def pay_period_delete(request, pk):
    period = _managed_period(request, pk)
    if request.method == "POST":
        pay_services.delete_pay_period(period=period, actor=request.user)
        messages.success(request, f"Deleted the pay period {period.name}.")
        return redirect("hours:pay_periods")
    return render(request, "hours/pay_period_delete.html", {"period": period})


def payroll(request, pk):
    """One row per paid student/placement: approved hours in the period × rate."""
    period = get_pay_period_for_user(request.user, pk)
    return render(
        request,
        "hours/payroll.html",
        {"period": period, "payroll": payroll_for(period, request.user)},
    )


def payroll_export(request, pk, fmt):
    if fmt not in FORMATS:
        raise Http404("No such format.")
    period = get_pay_period_for_user(request.user, pk)
    data = payroll_for(period, request.user)
    services.record_payroll_export(
        period=period,
        actor=request.user,
        fmt=fmt,
        row_count=len(data.rows),
        ip_address=client_ip(request),
    )
    return payroll_response(data, fmt)


# --- Coordinators: program budgets -----------------------------------------------------------


def budgets(request):
    user = request.user
    _require_coordinator(user)
    context = {
        "page_obj": paginate(request, budgets_for_user(user)),
        "can_manage": _managed_districts(user, "budget.manage").exists(),
    }
    return render(request, "hours/budgets.html", context)


@require_http_methods(["GET", "POST"])
def budget_create(request):
    user = request.user
    _require_coordinator(user)
    managed = _managed_districts(user, "budget.manage")
    districts = list(managed[:2])
    if not districts:
        raise PermissionDenied("Only district-wide coordinators create budgets.")
    district = districts[0]
    if len(districts) > 1:
        chosen = request.GET.get("district", "")
        district = managed.filter(pk=chosen).first() if chosen.isdigit() else None
        if district is None:
            return render(request, "hours/budget_district.html", {"districts": managed})
    form = BudgetForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        budget = pay_services.create_budget(district=district, actor=user, **form.cleaned_data)
        messages.success(request, f"Created the budget {budget.name}.")
        return redirect("hours:budget", pk=budget.pk)
    return render(request, "hours/budget_form.html", {"form": form, "district": district})


@require_http_methods(["GET", "POST"])
def budget_edit(request, pk):
    budget = get_budget_for_user(request.user, pk)
    if not can(request.user, "budget.manage", budget):
        raise PermissionDenied("Only district-wide coordinators change budgets.")
    form = BudgetForm(request.POST or None, instance=budget, district=budget.district)
    if request.method == "POST" and form.is_valid():
        pay_services.update_budget(budget=budget, actor=request.user, **form.cleaned_data)
        messages.success(request, "Saved the budget.")
        return redirect("hours:budget", pk=budget.pk)
    return render(
        request,
        "hours/budget_form.html",
        {"form": form, "district": budget.district, "budget": budget},
    )


def budget(request, pk):
    """Planned spend (placed students × planned hours × rate) and spend to date against the budget."""
    item = get_budget_for_user(request.user, pk)
    report = budget_report(item, request.user)
    context = {
        "budget": item,
        "report": report,
        "can_manage": can(request.user, "budget.manage", item),
        "partial_view": not can(request.user, "budget.manage", item),
    }
    return render(request, "hours/budget.html", context)
