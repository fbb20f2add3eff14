"""The one pagination helper every list uses: 50 rows a page, bad page numbers never 404."""

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def paginate(request, queryset, *, per_page: int = PER_PAGE) -> Page:
    """Return the requested page of `queryset` (a missing or bad `?page=` gives the nearest page)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
