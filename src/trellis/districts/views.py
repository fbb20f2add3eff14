"""District calendar pages: the month grid, editing a day, importing an ICS calendar, mappings."""

import calendar as pycalendar
import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trellis.core.lists import paginate
from trellis.districts.calendar import DistrictCalendar, district_today
from trellis.districts.forms import CalendarDayForm, CalendarImportForm, DayTypeMappingForm
from trellis.districts.ics import CalendarImportError, fetch_ics
from trellis.districts.models import CalendarDay, CalendarSource, DayTypeMapping
from trellis.districts.selectors import calendar_districts_for_user, get_district_for_calendar
from trellis.districts.services import (
    add_day_type_mapping,
    import_calendar,
    remove_day_type_mapping,
    set_calendar_day,
)

WEEKDAY_NAMES = [(pycalendar.day_name[i], pycalendar.day_abbr[i]) for i in range(7)]


def _month_from(value: str | None, default: dt.date) -> dt.date:
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return default.replace(day=1)


def _shift_month(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _calendar_url(district, *, month: dt.date, school=None) -> str:
    query = {"month": f"{month:%Y-%m}"}
    if school is not None:
        query["school"] = school.slug
    return f"{reverse('districts:calendar', args=[district.slug])}?{urlencode(query)}"


@require_GET
def calendar_home(request):
    """The short link in the navigation: the calendar of the user's (first) district."""
    district = calendar_districts_for_user(request.user).order_by("name").first()
    if district is None:
        raise Http404("No district calendar.")
    return redirect("districts:calendar", slug=district.slug)


@require_GET
def calendar_month(request, slug):
    district, access = get_district_for_calendar(request.user, slug)
    schools = list(district.schools.all())
    school = next((s for s in schools if s.slug == request.GET.get("school")), None)
    first = _month_from(request.GET.get("month"), district_today(district))
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    span_start, span_end = weeks[0][0], weeks[-1][-1]
    cal = DistrictCalendar(district, school=school).load(span_start, span_end)
    school_rows: dict[dt.date, list[CalendarDay]] = {}
    if school is None:
        # District view: list each school's own exceptions under the district-wide entry.
        for row in CalendarDay.objects.filter(
            district=district, school__isnull=False, date__gte=span_start, date__lte=span_end
        ).select_related("school"):
            school_rows.setdefault(row.date, []).append(row)
    can_edit_here = access.can_edit(school) if school else access.can_edit_any
    edit_query = f"?school={school.slug}" if school else ""
    grid = [
        [
            {
                "date": day,
                "in_month": day.month == first.month,
                "entry": cal.entry(day),
                "school_rows": school_rows.get(day, []),
                "edit_url": (
                    reverse("districts:calendar_day", args=[district.slug, day.isoformat()])
                    + edit_query
                    if can_edit_here
                    else ""
                ),
            }
            for day in week
        ]
        for week in weeks
    ]
    context = {
        "district": district,
        "access": access,
        "schools": schools,
        "school": school,
        "month": first,
        "weekday_names": WEEKDAY_NAMES,
        "grid": grid,
        "prev_url": _calendar_url(district, month=_shift_month(first, -1), school=school),
        "next_url": _calendar_url(district, month=_shift_month(first, 1), school=school),
    }
    # Month-to-month navigation with htmx swaps only the grid; without JS the links load the page.
    template = "districts/calendar_month.html"
    if request.htmx and request.htmx.target == "calendar-grid":
        template += "#grid"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Http404("No such date.") from None


@require_http_methods(["GET", "POST"])
def calendar_day(request, slug, date):
    """Set one day's type by hand (kept by later imports); audited."""
    district, access = get_district_for_calendar(request.user, slug)
    if not access.can_edit_any:
        raise Http404("No calendar to edit.")
    day = _parse_date(date)
    schools = district.schools.all()
    if not access.can_import:
        schools = schools.filter(pk__in=access.editable_school_ids)
    chosen_slug = (
        request.POST.get("school") if request.method == "POST" else request.GET.get("school")
    )
    school = schools.filter(slug=chosen_slug).first() if chosen_slug else None
    current = CalendarDay.objects.filter(district=district, school=school, date=day).first()
    initial = {"school": school.slug if school else None}
    if current is not None:
        initial |= {
            "day_type": current.day_type,
            "label": current.label,
            "early_release_time": current.early_release_time,
        }
    else:
        initial["day_type"] = DistrictCalendar(district, school=school).day_type(day)
    form = CalendarDayForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        schools=schools,
        allow_district_wide=access.can_import,
    )
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["school"]
        if not access.can_edit(target):
            raise Http404("No calendar to edit.")
        set_calendar_day(
            district=district,
            date=day,
            school=target,
            actor=request.user,
            day_type=form.cleaned_data["day_type"],
            label=form.cleaned_data["label"],
            early_release_time=form.cleaned_data["early_release_time"],
        )
        messages.success(request, f"{day:%A %-d %B %Y} saved; later imports will keep this change.")
        return redirect(_calendar_url(district, month=day.replace(day=1), school=target))
    return render(
        request,
        "districts/calendar_day.html",
        {"district": district, "day": day, "form": form, "current": current, "school": school},
    )


def _require_import(request, slug):
    district, access = get_district_for_calendar(request.user, slug)
    if not access.can_import:
        raise Http404("No calendar to import.")
    return district, access


@require_http_methods(["GET", "POST"])
def calendar_import(request, slug):
    """Upload an ICS file or give its address; the result (and unmatched events) is shown at once."""
    district, _ = _require_import(request, slug)
    bound = request.method == "POST"
    form = CalendarImportForm(request.POST if bound else None, request.FILES if bound else None)
    summary = None
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["file"]:
                upload = form.cleaned_data["file"]
                ics_bytes, label = upload.read(), upload.name
            else:
                label = form.cleaned_data["url"]
                ics_bytes = fetch_ics(label)
            summary = import_calendar(
                district=district, ics_bytes=ics_bytes, actor=request.user, source_label=label
            )
        except CalendarImportError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            form = CalendarImportForm()
    return _render_import(request, district, form, summary)


@require_POST
def calendar_reimport(request, slug, pk):
    """Fetch a saved calendar address again and import it."""
    district, _ = _require_import(request, slug)
    source = get_object_or_404(CalendarSource, district=district, pk=pk)
    summary = None
    form = CalendarImportForm()
    if not source.url:
        form.add_error(
            None, "An uploaded file cannot be fetched again; upload the new file instead."
        )
    else:
        try:
            summary = import_calendar(
                district=district,
                ics_bytes=fetch_ics(source.url),
                actor=request.user,
                source_label=source.url,
            )
        except CalendarImportError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
    return _render_import(request, district, form, summary)


def _render_import(request, district, form, summary):
    sources = paginate(request, CalendarSource.objects.filter(district=district))
    return render(
        request,
        "districts/calendar_import.html",
        {"district": district, "form": form, "summary": summary, "page_obj": sources},
    )


@require_http_methods(["GET", "POST"])
def mapping_list(request, slug):
    """The coordinator's mappings from event categories or titles to day types; add one here."""
    district, _ = _require_import(request, slug)
    form = DayTypeMappingForm(request.POST if request.method == "POST" else None, district=district)
    if request.method == "POST" and form.is_valid():
        mapping = add_day_type_mapping(district=district, actor=request.user, **form.cleaned_data)
        messages.success(
            request, f"Mapping added: {mapping}. Import the calendar again to apply it."
        )
        return redirect("districts:mappings", slug=district.slug)
    latest = CalendarSource.objects.filter(
        district=district, last_imported_at__isnull=False
    ).first()
    unmatched = (latest.last_result or {}).get("unmatched", []) if latest else []
    context = {
        "district": district,
        "form": form,
        "page_obj": paginate(request, DayTypeMapping.objects.filter(district=district)),
        "unmatched": unmatched,
        "latest_source": latest,
    }
    return render(request, "districts/mappings.html", context)


@require_POST
def mapping_delete(request, slug, pk):
    district, _ = _require_import(request, slug)
    mapping = get_object_or_404(DayTypeMapping.objects.select_related("district"), district=district, pk=pk)
    remove_day_type_mapping(mapping=mapping, actor=request.user)
    messages.success(request, f"Mapping removed: {mapping}.")
    return redirect("districts:mappings", slug=district.slug)
