"""Forms for match rounds: create, follow up, run, and one ranking move at a time."""

import datetime as dt

from django import forms
from django.utils import timezone

from trellis.districts.models import School, Term
from trellis.opportunities.models import CareerCluster, OpportunityKind
from trellis.partners.models import Partner
from trellis.placements.models import PRIORITY_CRITERIA, MatchRound

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
PRIORITY_CHOICES = [("", "— none —"), *PRIORITY_CRITERIA.items()]
GRADE_CHOICES = [(g, f"Grade {g}") for g in range(6, 13)]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_LOCAL, **kwargs)


def _window_fields(form):
    now = timezone.localtime().replace(second=0, microsecond=0)
    form.fields["ranking_opens_at"] = forms.DateTimeField(
        label="Ranking opens",
        initial=now,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL],
    )
    form.fields["ranking_closes_at"] = forms.DateTimeField(
        label="Ranking closes",
        initial=now + dt.timedelta(days=7),
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL],
    )


class PriorityMixin:
    """Three ordered selects instead of drag and drop: works by keyboard and without JavaScript."""

    def _add_priority_fields(self, initial_rules=()):
        labels = ["First priority", "Second priority", "Third priority"]
        rules = list(initial_rules or [])
        for n, label in enumerate(labels, start=1):
            self.fields[f"priority_{n}"] = forms.ChoiceField(
                label=label,
                choices=PRIORITY_CHOICES,
                required=False,
                initial=rules[n - 1] if len(rules) >= n else "",
            )
        self.fields["lottery_seed"] = forms.IntegerField(
            label="Lottery seed",
            required=False,
            min_value=0,
            max_value=2**62,
            help_text="The lottery always breaks the remaining ties. Leave empty to draw a seed; it is kept with the round.",
        )

    def priority_rules(self) -> list[str]:
        return [
            self.cleaned_data[f"priority_{n}"]
            for n in (1, 2, 3)
            if self.cleaned_data.get(f"priority_{n}")
        ]

    def clean_priorities(self):
        rules = self.priority_rules()
        if len(set(rules)) != len(rules):
            raise forms.ValidationError("Use each priority rule once.")


class MatchRoundForm(PriorityMixin, forms.Form):
    name = forms.CharField(max_length=200, label="Round name")
    term = forms.ModelChoiceField(
        queryset=Term.objects.none(),
        required=False,
        label="Term",
        empty_label="Any term",
        help_text="Only opportunities in this term.",
    )
    clusters = forms.ModelMultipleChoiceField(
        queryset=CareerCluster.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Career clusters",
        help_text="Leave all unticked for every cluster.",
    )
    kinds = forms.MultipleChoiceField(
        choices=OpportunityKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Kinds of opportunity",
    )
    partners = forms.ModelMultipleChoiceField(
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Partners",
        help_text="Leave all unticked for every partner.",
    )
    schools = forms.ModelMultipleChoiceField(
        queryset=School.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Schools",
        help_text="Leave all unticked for every school.",
    )
    grades = forms.TypedMultipleChoiceField(
        choices=GRADE_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Grades",
    )
    cte_only = forms.BooleanField(required=False, label="Only CTE concentrators")
    exclude_placed = forms.BooleanField(
        required=False,
        initial=True,
        label="Leave out students who already have a current placement",
    )
    max_choices = forms.IntegerField(
        min_value=1, max_value=50, initial=10, label="Choices a student may rank"
    )

    def __init__(self, *args, district, school=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.filter(
            school_year__district=district
        ).select_related("school_year")
        self.fields["partners"].queryset = Partner.objects.filter(district=district, is_active=True)
        if school is None:
            self.fields["schools"].queryset = School.objects.filter(district=district)
        else:
            del self.fields["schools"]  # a school coordinator's round is for their school
        _window_fields(self)
        self._add_priority_fields()

    def clean(self):
        data = super().clean()
        opens, closes = data.get("ranking_opens_at"), data.get("ranking_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("ranking_closes_at", "Ranking must close after it opens.")
        self.clean_priorities()
        return data

    def opportunity_filters(self) -> dict:
        d = self.cleaned_data
        return {
            "term": d["term"].pk if d.get("term") else None,
            "clusters": [c.pk for c in d.get("clusters") or []],
            "partners": [p.pk for p in d.get("partners") or []],
            "kinds": list(d.get("kinds") or []),
        }

    def student_filters(self) -> dict:
        d = self.cleaned_data
        return {
            "schools": [s.pk for s in d.get("schools") or []],
            "grades": list(d.get("grades") or []),
            "cte_only": bool(d.get("cte_only")),
            "exclude_placed": bool(d.get("exclude_placed")),
        }


class FollowUpForm(PriorityMixin, forms.Form):
    name = forms.CharField(max_length=200, label="Round name")
    max_choices = forms.IntegerField(min_value=1, max_value=50, label="Choices a student may rank")

    def __init__(self, *args, match_round, **kwargs):
        kwargs.setdefault(
            "initial",
            {"name": f"{match_round.name} — follow-up", "max_choices": match_round.max_choices},
        )
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        _window_fields(self)
        self._add_priority_fields(match_round.criteria)

    def clean(self):
        data = super().clean()
        opens, closes = data.get("ranking_opens_at"), data.get("ranking_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("ranking_closes_at", "Ranking must close after it opens.")
        self.clean_priorities()
        return data


class RunForm(forms.Form):
    BOTH = "both"
    mode = forms.ChoiceField(
        label="What to run",
        widget=forms.RadioSelect,
        initial=BOTH,
        choices=[(BOTH, "Both modes, to compare them side by side"), *MatchRound.Mode.choices],
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def modes(self):
        mode = self.cleaned_data["mode"]
        return list(MatchRound.Mode) if mode == self.BOTH else [MatchRound.Mode(mode)]


class RankingMoveForm(forms.Form):
    """One move on the student's list; each move is its own submit button, so no script is needed."""

    action = forms.ChoiceField(choices=[(a, a) for a in ("add", "up", "down", "remove")])
    opportunity = forms.IntegerField(min_value=1)

    def apply(self, current: list[int]) -> list[int]:
        action, oid = self.cleaned_data["action"], self.cleaned_data["opportunity"]
        ids = list(current)
        if action == "add":
            if oid not in ids:
                ids.append(oid)
            return ids
        if oid not in ids:
            return ids
        i = ids.index(oid)
        if action == "remove":
            ids.pop(i)
        elif action == "up" and i > 0:
            ids[i - 1], ids[i] = ids[i], ids[i - 1]
        elif action == "down" and i < len(ids) - 1:
            ids[i + 1], ids[i] = ids[i], ids[i + 1]
        return ids
