"""Partner list and detail pages: businesses and district departments alike."""

from django.shortcuts import render

from trellis.core.lists import apply_filters, paginate, render_list
from trellis.partners.filters import BUSINESS, PartnerFilterForm
from trellis.partners.models import PartnerKind
from trellis.partners.selectors import get_partner_for_user, partners_for_user


def partner_list(request):
    form = PartnerFilterForm(request.GET or None)
    partners = partners_for_user(request.user)
    filters = apply_filters(form)
    if filters.get("kind") == BUSINESS:
        partners = partners.outside()
    elif filters.get("kind") == PartnerKind.DISTRICT_DEPARTMENT:
        partners = partners.district_departments()
    if "q" in filters:
        partners = partners.filter(name__icontains=filters["q"])
    return render_list(
        request,
        "partners/partner_list.html",
        {"form": form, "page_obj": paginate(request, partners)},
    )


def partner_detail(request, pk):
    partner = get_partner_for_user(request.user, pk)
    # Through the reverse relation: the catalog's own row rule, no import from above.
    opportunities = (
        partner.opportunities.for_user(request.user)
        .select_related("cluster")
        .order_by("start_date", "title")
    )
    return render(
        request,
        "partners/partner_detail.html",
        {"partner": partner, "opportunities": opportunities},
    )
