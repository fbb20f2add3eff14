"""Forms of the opportunity catalog: a partner's draft, its seats, and a coordinator's review."""

from django import forms

from trellis.core.models import Weekday
from trellis.districts.models import Term
from trellis.opportunities.models import CareerCluster, Opportunity, SubCluster
from trellis.opportunities.services import EDITABLE_FIELDS
from trellis.rules.weekdays import weekday_mask, weekdays_in

# Values are date.weekday() numbers (Monday = 0), the bit positions of Opportunity.weekdays.
WEEKDAY_CHOICES = [(str(d), label) for d, label in enumerate(Weekday.labels)]


class OpportunityForm(forms.ModelForm):
    """A partner's draft. Worksite and mentor choices are the partner's own, terms the district's."""

    weekday_set = forms.MultipleChoiceField(
        label="Weekdays",
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The days students attend a weekly schedule.",
    )

    class Meta:
        model = Opportunity
        fields = [f for f in EDITABLE_FIELDS if f != "weekdays"]
        labels = {
            "kind": "Kind of experience",
            "cluster": "Career cluster",
            "subcluster": "Sub-cluster",
            "term": "Term",
            "seats": "Seats (students at a time)",
            "schedule_kind": "Schedule",
            "shorten_on_early_release": "Shorten sessions on early-release days",
            "min_grade": "Lowest grade",
            "min_age": "Minimum age",
            "is_hazardous": "Hazardous occupation",
            "hazardous_orders": "Hazardous occupation orders",
            "is_paid": "Paid",
            "hourly_rate": "Hourly rate (USD)",
            "target_hours": "Target hours",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "requirements": forms.Textarea(attrs={"rows": 3}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "schedule_kind": forms.RadioSelect,
        }

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner
        self.fields["worksite"].queryset = partner.worksites.all()
        self.fields["mentor"].queryset = partner.mentors.select_related("user")
        self.fields["term"].queryset = Term.objects.filter(
            school_year__district_id=partner.district_id
        ).select_related("school_year")
        self.fields["cluster"].queryset = CareerCluster.objects.all()
        self.fields["subcluster"].queryset = SubCluster.objects.select_related("cluster")
        self.fields["subcluster"].label_from_instance = lambda s: f"{s.cluster.name}: {s.name}"
        self.fields["title"].widget.attrs["autocomplete"] = "off"
        self.fields["weekday_set"].initial = [str(d) for d in weekdays_in(self.instance.weekdays)]
        for name in ("hourly_rate", "target_hours"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def clean(self):
        data = super().clean()
        data["weekdays"] = weekday_mask(int(d) for d in data.get("weekday_set") or [])
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        start_time, end_time = data.get("start_time"), data.get("end_time")
        if start_time and end_time and end_time <= start_time:
            self.add_error("end_time", "The end time must be after the start time.")
        if data.get("is_paid") and not data.get("hourly_rate"):
            self.add_error("hourly_rate", "A paid opportunity needs an hourly rate.")
        if not data.get("is_paid"):
            data["hourly_rate"] = None
        cluster, subcluster = data.get("cluster"), data.get("subcluster")
        if cluster and subcluster and subcluster.cluster_id != cluster.pk:
            self.add_error("subcluster", "Choose a sub-cluster of the chosen career cluster.")
        if data.get("is_hazardous") and not data.get("hazardous_orders"):
            self.add_error("hazardous_orders", "Name the hazardous occupation orders, e.g. HO5.")
        target = data.get("target_hours")
        if target is not None and target <= 0:
            self.add_error("target_hours", "Target hours must be more than zero.")
        return data

    def _post_clean(self):
        # The service validates the model and saves it; the form only checks the input.
        pass

    def service_fields(self) -> dict:
        """The cleaned values the services accept (never status, partner or district)."""
        data = self.cleaned_data
        return {name: data[name] for name in EDITABLE_FIELDS if name in data}


class SeatsForm(forms.Form):
    seats = forms.IntegerField(label="Seats", min_value=0, max_value=500)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What should the partner change?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="The partner sees this comment with the returned draft.",
    )
