"""Forms for logging hours, returning a log, pay periods and program budgets.

Forms check shape only; the rules (placement dates, overlaps, who may act) live in services.
"""

from django import forms

from trellis.districts.models import District, SchoolYear
from trellis.hours.models import PayPeriod, ProgramBudget, Session
from trellis.hours.pay import periods_overlapping
from trellis.opportunities.models import Opportunity


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class HourLogForm(forms.Form):
    session = forms.ModelChoiceField(
        queryset=Session.objects.none(),
        required=False,
        label="Scheduled session (optional)",
        empty_label="None: hours outside the schedule",
    )
    date = forms.DateField(widget=DateInput())
    start_time = forms.TimeField(label="Start time", widget=TimeInput())
    end_time = forms.TimeField(label="End time", widget=TimeInput())
    description = forms.CharField(
        label="What you did",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A sentence or two for your mentor and your journal.",
    )

    def __init__(self, *args, placement=None, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sessions is not None and sessions.exists():
            self.fields["session"].queryset = sessions
        else:
            # No scheduled session to pick, or editing a log (its session does not change).
            del self.fields["session"]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="Comment for the student",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what to change; the student sees this and fixes the log.",
    )


class PayPeriodForm(forms.ModelForm):
    district = forms.ModelChoiceField(queryset=District.objects.none())

    class Meta:
        model = PayPeriod
        fields = ["district", "name", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        labels = {"start_date": "First day", "end_date": "Last day"}

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        if self.instance.pk or districts.count() == 1:
            # One district to choose from (or an existing period): no question to ask.
            self.fields.pop("district")
            if not self.instance.pk:
                self.instance.district = districts.get()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        district = cleaned.get("district") or getattr(self.instance, "district", None)
        if start and end and end < start:
            self.add_error("end_date", "The last day must be on or after the first day.")
        elif start and end and district is not None:
            clash = periods_overlapping(
                PayPeriod.objects,
                district_id=district.pk,
                start=start,
                end=end,
                exclude_pk=self.instance.pk,
            ).first()
            if clash is not None:
                raise forms.ValidationError(
                    f"This overlaps {clash.name} ({clash.start_date:%b %-d} – {clash.end_date:%b %-d, %Y}); "
                    "each day is paid in one period only."
                )
        return cleaned


class BudgetForm(forms.ModelForm):
    class Meta:
        model = ProgramBudget
        fields = ["name", "school_year", "amount", "opportunities"]
        widgets = {"opportunities": forms.CheckboxSelectMultiple}
        labels = {
            "amount": "Budget amount ($)",
            "opportunities": "Opportunities paid from this budget",
        }

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.district = district
        self.fields["school_year"].queryset = SchoolYear.objects.filter(district=district)
        self.fields["opportunities"].queryset = (
            Opportunity.objects.filter(district=district)
            .select_related("partner")
            .order_by("-is_paid", "title")
        )
        self.fields["opportunities"].label_from_instance = _opportunity_label


def _opportunity_label(opportunity) -> str:
    pay = (
        f"${opportunity.hourly_rate}/h"
        if opportunity.is_paid and opportunity.hourly_rate
        else "unpaid"
    )
    return f"{opportunity.title} — {opportunity.partner.name} ({pay})"
