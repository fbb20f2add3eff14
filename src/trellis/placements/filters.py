"""The GET filters of the placement list (and the board, which drops the status field)."""

from django import forms
from django.db.models import Q

from trellis.opportunities.models import CareerCluster
from trellis.placements.models import Placement

LOOKUPS = {
    "status": "status",
    "school": "student__school",
    "partner": "opportunity__partner",
    "cluster": "opportunity__cluster",
    "term": "opportunity__term",
}


def filter_placements(placements, filters: dict):
    """Apply the valid values of a PlacementFilterForm (see core.lists.apply_filters)."""
    for name, lookup in LOOKUPS.items():
        if name in filters:
            placements = placements.filter(**{lookup: filters[name]})
    if "q" in filters:
        q = filters["q"]
        placements = placements.filter(
            Q(student__first_name__icontains=q)
            | Q(student__last_name__icontains=q)
            | Q(student__preferred_name__icontains=q)
        )
    return placements


class PlacementFilterForm(forms.Form):
    q = forms.CharField(label="Search student", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *Placement.Status.choices], required=False
    )
    school = forms.ModelChoiceField(
        label="School", queryset=None, required=False, empty_label="Any school"
    )
    partner = forms.ModelChoiceField(
        label="Partner", queryset=None, required=False, empty_label="Any partner"
    )
    cluster = forms.ModelChoiceField(
        label="Career cluster",
        queryset=CareerCluster.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any cluster",
    )
    term = forms.ModelChoiceField(
        label="Term", queryset=None, required=False, empty_label="Any term"
    )

    def __init__(self, *args, schools, partners, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["school"].queryset = schools
        self.fields["partner"].queryset = partners
        self.fields["term"].queryset = terms
