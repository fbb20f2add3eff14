"""Keep `ApprovedHoursByYear` in step with the hour logs it rolls up.

Every write path that can change approved hours calls `recount_placements` with the
placements it touched (inside its own transaction, so readers never see a half-done count);
a change to a district's school years, or a bulk load such as the demo seed, calls
`recount_district`. Both rebuild the affected rows from the logs with one INSERT … SELECT
per district, so the roll-up is always exactly what summing the logs would give.
"""

from django.db import connections, router, transaction
from django.db.models import Sum

from trellis.districts.models import SchoolYear
from trellis.districts.years import school_year_case
from trellis.hours.models import ApprovedHoursByYear, HourLog
from trellis.placements.models import Placement


def recount_placements(placements) -> None:
    """Recount the roll-up rows of these placements (objects or ids)."""
    ids = sorted({getattr(p, "pk", p) for p in placements})
    if not ids:
        return
    with transaction.atomic():
        # Locking the placements (in id order) makes two recounts of one placement take turns:
        # otherwise the second could delete before the first inserted, and insert a duplicate.
        districts = {
            row[1]
            for row in Placement.objects.filter(pk__in=ids)
            .select_for_update(no_key=True)
            .order_by("pk")
            .values_list("pk", "district_id")
        }
        ApprovedHoursByYear.objects.filter(placement_id__in=ids).delete()
        for district_id in sorted(districts):
            _insert(
                HourLog.objects.filter(placement_id__in=ids, placement__district_id=district_id),
                district_id,
            )


def recount_district(district) -> None:
    """Rebuild every roll-up row of a district (its school years changed, or a bulk load)."""
    district_id = getattr(district, "pk", district)
    with transaction.atomic():
        # Rare (school years, bulk loads): lock every placement so no recount runs meanwhile.
        list(
            Placement.objects.filter(district_id=district_id)
            .select_for_update(no_key=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        ApprovedHoursByYear.objects.filter(placement__district_id=district_id).delete()
        _insert(HourLog.objects.filter(placement__district_id=district_id), district_id)


def _insert(logs, district_id) -> None:
    years = list(SchoolYear.objects.filter(district_id=district_id))
    if not years:
        return
    per_year = (
        logs.filter(status=HourLog.Status.APPROVED)
        .annotate(year=school_year_case("date", years))
        .exclude(year=None)
        .values("placement_id", "year")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    select, params = per_year.query.sql_with_params()
    table = ApprovedHoursByYear._meta.db_table
    alias = router.db_for_write(ApprovedHoursByYear)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" ("placement_id", "school_year_id", "hours") {select}', params
        )
