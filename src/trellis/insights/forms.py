"""Filters of the insights pages, the draft-from-template form and the 5S3 rule form.

Choices come from rows the view already loaded (terms, years, schools in scope, clusters),
so building a form costs no query; a value outside the user's scope is simply not a choice.
"""

from django import forms

from trellis.core.models import Weekday
from trellis.insights.services import MAX_DRAFT_SEATS
from trellis.opportunities.models import OpportunityKind

GRADES = [(str(g), f"Grade {g}") for g in range(6, 13)]


def _school_choices(scope):
    everyone = "All schools" if scope.district_wide else "All my schools"
    choices = [(str(s.pk), s.name) for s in scope.schools]
    return [("", everyone), *choices] if len(choices) != 1 else choices


class GapFilterForm(forms.Form):
    term = forms.ChoiceField(label="Term", required=False)
    school = forms.ChoiceField(label="School", required=False)
    grade = forms.ChoiceField(label="Grade", required=False, choices=[("", "All grades"), *GRADES])

    def __init__(self, data, *, scope, terms):
        super().__init__(data)
        self.fields["term"].choices = [
            (str(t.pk), f"{t.name} {t.school_year.name}") for t in terms
        ] or [("", "Current opportunities")]
        self.fields["school"].choices = _school_choices(scope)


class ReportFilterForm(forms.Form):
    year = forms.ChoiceField(label="School year", required=False)
    school = forms.ChoiceField(label="School", required=False)
    cluster = forms.ChoiceField(label="Career cluster", required=False)

    def __init__(self, data, *, scope, years, clusters, fields=("year", "school", "cluster")):
        super().__init__(data)
        self.fields["year"].choices = [(str(y.pk), y.name) for y in reversed(years)] or [
            ("", "No school years")
        ]
        self.fields["school"].choices = _school_choices(scope)
        self.fields["cluster"].choices = [
            ("", "All clusters"),
            *[(c.slug, c.name) for c in clusters],
        ]
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]


class DraftOpportunityForm(forms.Form):
    """The coordinator's edits to a role template before it becomes a draft opportunity."""

    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    term = forms.ChoiceField(label="Term", help_text="The draft runs on the term's dates.")
    seats = forms.IntegerField(label="Seats", min_value=1, max_value=MAX_DRAFT_SEATS)
    weekdays = forms.TypedMultipleChoiceField(
        label="Weekdays",
        choices=[(str(d.value), d.label) for d in Weekday],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    start_time = forms.TimeField(label="Start time", widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label="End time", widget=forms.TimeInput(attrs={"type": "time"}))
    site = forms.ChoiceField(label="Where the student works")
    mentor = forms.ChoiceField(label="Mentor", required=False)

    def __init__(self, data=None, *, terms, mentors, worksites=(), schools=(), initial=None):
        super().__init__(data, initial=initial)
        self.terms = {str(t.pk): t for t in terms}
        self.mentors = {str(m.pk): m for m in mentors}
        self.worksites = {f"w{w.pk}": w for w in worksites}
        self.schools = {f"s{s.pk}": s for s in schools}
        self.fields["site"].choices = (
            [(key, f"{w.name} (the department's worksite)") for key, w in self.worksites.items()]
            + [(key, f"{s.name} (school building)") for key, s in self.schools.items()]
            + [("virtual", "Virtual (remote)")]
        )
        if not self.initial.get("site"):
            self.initial["site"] = next(iter([*self.worksites, *self.schools, "virtual"]))
        self.fields["term"].choices = [(str(t.pk), f"{t.name} {t.school_year.name}") for t in terms]
        self.fields["mentor"].choices = [("", "Choose later")] + [
            (
                str(m.pk),
                f"{m.user.get_full_name() or m.user.username}{' — ' + m.title if m.title else ''}",
            )
            for m in mentors
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time.")
        return cleaned

    @property
    def weekday_mask(self) -> int:
        mask = 0
        for value in self.cleaned_data.get("weekdays", []):
            mask |= value
        return mask

    @property
    def chosen_term(self):
        return self.terms.get(self.cleaned_data.get("term"))

    @property
    def chosen_site(self) -> dict:
        """Keyword arguments for the service: worksite=, school= or virtual=."""
        key = self.cleaned_data.get("site", "")
        if key in self.worksites:
            return {"worksite": self.worksites[key]}
        if key in self.schools:
            return {"school": self.schools[key]}
        return {"virtual": True}

    @property
    def chosen_mentor(self):
        return self.mentors.get(self.cleaned_data.get("mentor") or "")


class PerkinsRuleForm(forms.Form):
    min_hours = forms.DecimalField(
        label="Minimum approved hours",
        min_value=0,
        max_digits=6,
        decimal_places=1,
        help_text="0 counts any placement that started.",
    )
    kinds = forms.MultipleChoiceField(
        label="Kinds of experience that count",
        choices=OpportunityKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every kind counts.",
    )
