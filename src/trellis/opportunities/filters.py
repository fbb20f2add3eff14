"""The GET filters of the opportunity list."""

from django import forms

from trellis.opportunities.models import CareerCluster, Opportunity, OpportunityKind


class OpportunityFilterForm(forms.Form):
    q = forms.CharField(label="Search title", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *Opportunity.Status.choices], required=False
    )
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Any kind"), *OpportunityKind.choices], required=False
    )
    cluster = forms.ModelChoiceField(
        label="Career cluster",
        queryset=CareerCluster.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any cluster",
    )

    def __init__(self, *args, show_status=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        if not show_status:
            # Learners only ever see published opportunities.
            del self.fields["status"]
