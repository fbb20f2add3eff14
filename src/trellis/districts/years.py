"""Which school year a date belongs to, as a database expression."""

from django.db.models import Case, IntegerField, Value, When


def school_year_case(field_name: str, years):
    """The pk of the school year a date falls in: the latest year starting on or before it.

    Years run up to the next year's start, so a summer's days count to the year before it;
    dates before the first year give NULL.
    """
    whens = [
        When(**{f"{field_name}__gte": y.start_date}, then=Value(y.pk))
        for y in sorted(years, key=lambda y: y.start_date, reverse=True)
    ]
    if not whens:
        return Value(None, output_field=IntegerField())
    return Case(*whens, default=None, output_field=IntegerField())
