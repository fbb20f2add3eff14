"""The schedule form on a placement's schedule page."""

from django import forms

from trellis.opportunities.models import Opportunity
from trellis.rules.schedules import SchedulePattern
from trellis.rules.weekdays import WEEKDAY_SHORT, weekday_mask, weekdays_in

WEEKDAY_CHOICES = [(str(i), name) for i, name in enumerate(WEEKDAY_SHORT)]


class ScheduleForm(forms.Form):
    schedule_kind = forms.ChoiceField(
        choices=Opportunity.ScheduleKind.choices,
        label="Kind of schedule",
        widget=forms.RadioSelect,
        help_text="Weekly follows the school calendar; a block (e.g. summer) runs every chosen day except holidays, up to the target hours.",
    )
    weekdays = forms.MultipleChoiceField(
        choices=WEEKDAY_CHOICES, label="Days", widget=forms.CheckboxSelectMultiple
    )
    start_time = forms.TimeField(
        label="Start time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label="End time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    start_date = forms.DateField(
        label="First day", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label="Last day", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    target_hours = forms.DecimalField(
        label="Target hours",
        required=False,
        min_value=0.5,
        max_digits=6,
        decimal_places=1,
        help_text="Hours the student should reach (e.g. 100 for a summer internship).",
    )
    shorten_on_early_release = forms.BooleanField(
        label="End sessions at dismissal on early-release days", required=False
    )

    @classmethod
    def initial_for(cls, placement) -> dict:
        opportunity = placement.opportunity
        return {
            "schedule_kind": opportunity.schedule_kind,
            "weekdays": [str(d) for d in weekdays_in(opportunity.weekdays)],
            "start_time": opportunity.start_time,
            "end_time": opportunity.end_time,
            "start_date": placement.start_date,
            "end_date": placement.end_date,
            "target_hours": opportunity.target_hours,
            "shorten_on_early_release": opportunity.shorten_on_early_release,
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time.")
        first, last = data.get("start_date"), data.get("end_date")
        if first and last and last < first:
            self.add_error("end_date", "The last day must not be before the first day.")
        return data

    def pattern(self) -> SchedulePattern:
        data = self.cleaned_data
        return SchedulePattern(
            kind=data["schedule_kind"],
            weekdays=weekday_mask(int(d) for d in data["weekdays"]),
            start_time=data["start_time"],
            end_time=data["end_time"],
            shorten_on_early_release=data["shorten_on_early_release"],
            target_hours=data["target_hours"],
        )
