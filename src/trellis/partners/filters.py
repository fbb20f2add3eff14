"""The GET filters of the partner list."""

from django import forms

from trellis.partners.models import PartnerKind

BUSINESS = "business"
KIND_CHOICES = [
    ("", "All partners"),
    (BUSINESS, "Businesses and community partners"),
    (PartnerKind.DISTRICT_DEPARTMENT, "District departments"),
]


class PartnerFilterForm(forms.Form):
    q = forms.CharField(label="Search name", required=False, max_length=100)
    kind = forms.ChoiceField(label="Kind", choices=KIND_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
