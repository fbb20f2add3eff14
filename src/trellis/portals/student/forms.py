"""Forms of the student portal: profile, interests, the browse filters, applying and reflecting.

Every form links its errors for an error summary at the top of the page (`error_links`), and
points an invalid field's `aria-describedby` at its error message so a screen reader reads it.
"""

from django import forms

from trellis.core.models import Weekday
from trellis.opportunities.models import CareerCluster, OpportunityKind, SubCluster
from trellis.opportunities.search import BrowseFilters
from trellis.placements.applications import STATEMENT_MAX
from trellis.placements.evaluation_services import REFLECTION_MAX
from trellis.placements.models import CareerFit
from trellis.rules.weekdays import weekday_mask, weekdays_in
from trellis.students.models import Transportation
from trellis.students.services import MAX_INTERESTS, MAX_TRAVEL_MILES

WEEKDAY_CHOICES = [(str(i), day.label) for i, day in enumerate(Weekday)]


class AccessibleErrorsMixin:
    """Error summary links and aria-describedby on invalid fields."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            bound = self[name]
            ids = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                ids.append(f"{bound.auto_id}_helptext")
            widget.attrs["aria-describedby"] = " ".join(ids)

    def error_links(self):
        """[{anchor, text}] for each error: the field's input (a group's first box) and the message."""
        links = []
        for error in self.non_field_errors():
            links.append({"anchor": "error-summary", "text": error})
        for name, errors in self.errors.items():
            if name not in self.fields:
                continue
            bound = self[name]
            anchor = bound.auto_id + ("_0" if bound.use_fieldset else "")
            for error in errors:
                links.append({"anchor": anchor, "text": f"{bound.label}: {error}"})
        return links


class ProfileForm(AccessibleErrorsMixin, forms.Form):
    availability = forms.MultipleChoiceField(
        label="Days I can go to a placement",
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Opportunities that meet on a day you leave unticked will say you cannot apply.",
    )
    transportation = forms.ChoiceField(
        label="How I get to a worksite",
        choices=Transportation.choices,
        widget=forms.RadioSelect,
    )
    max_travel_miles = forms.IntegerField(
        label="Farthest I can travel (miles)",
        min_value=0,
        max_value=MAX_TRAVEL_MILES,
        help_text="Used to show opportunities near home, and to check distance when you have no "
        "transportation.",
    )
    shares_profile_with_partners = forms.BooleanField(
        label="Share my profile with host partners",
        required=False,
        help_text="Partners you apply to or are placed with may then see your e-mail address and "
        "career interests. Without it they see only your name, school and grade.",
    )

    def __init__(self, *args, student, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "availability": [str(d) for d in weekdays_in(student.availability)],
                "transportation": student.transportation,
                "max_travel_miles": student.max_travel_miles,
                "shares_profile_with_partners": student.shares_profile_with_partners,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["max_travel_miles"].widget.attrs["inputmode"] = "numeric"

    def clean_availability(self):
        return weekday_mask(int(d) for d in self.cleaned_data["availability"])


def interest_choices():
    """One grouped list: each cluster as a whole, then its sub-clusters (works without JS)."""
    groups = {}
    for cluster in CareerCluster.objects.order_by("sort_order", "name"):
        groups[cluster.pk] = (cluster.name, [(f"c{cluster.pk}", f"{cluster.name} (any area)")])
    for sub in SubCluster.objects.order_by("cluster__sort_order", "name"):
        if sub.cluster_id in groups:
            groups[sub.cluster_id][1].append((f"s{sub.pk}", sub.name))
    return [("", "Choose a career area"), *groups.values()]


class InterestAddForm(AccessibleErrorsMixin, forms.Form):
    area = forms.ChoiceField(label="Career area to add", choices=())

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = count
        self.fields["area"].choices = interest_choices()

    def clean_area(self):
        value = self.cleaned_data["area"]
        if self.count >= MAX_INTERESTS:
            raise forms.ValidationError(
                f"You already have {MAX_INTERESTS} interests; remove one to add another."
            )
        if value.startswith("s"):
            sub = SubCluster.objects.select_related("cluster").filter(pk=value[1:]).first()
            if sub is None:
                raise forms.ValidationError("Choose a career area from the list.")
            return sub.cluster, sub
        cluster = CareerCluster.objects.filter(pk=value[1:]).first()
        if cluster is None:
            raise forms.ValidationError("Choose a career area from the list.")
        return cluster, None


class InterestOrderForm(AccessibleErrorsMixin, forms.Form):
    """A rank select per interest; the list is re-sorted by the numbers chosen."""

    def __init__(self, *args, interests, **kwargs):
        super().__init__(*args, **kwargs)
        self.interests = list(interests)
        choices = [(str(n), str(n)) for n in range(1, len(self.interests) + 1)]
        for interest in self.interests:
            self.fields[f"rank_{interest.pk}"] = forms.TypedChoiceField(
                label=f"Rank of {interest.subcluster or interest.cluster}",
                choices=choices,
                coerce=int,
                initial=str(interest.rank),
            )

    def ordered(self):
        """Interests by the chosen rank; a tie keeps the earlier order (so "move to 1" works)."""
        ranks = {i.pk: self.cleaned_data[f"rank_{i.pk}"] for i in self.interests}
        position = {i.pk: n for n, i in enumerate(self.interests)}
        return sorted(
            self.interests,
            key=lambda i: (ranks[i.pk], 0 if ranks[i.pk] != i.rank else 1, position[i.pk]),
        )


YES_NO_ANY = [("", "Any"), ("yes", "Yes"), ("no", "No")]


class BrowseFilterForm(forms.Form):
    """GET filters of the browse page. A hidden `f` marks a submitted form, so an unticked
    "near me" box is told apart from a first visit (where it defaults on for students without
    transportation)."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    cluster = forms.ModelChoiceField(
        label="Career cluster",
        queryset=CareerCluster.objects.order_by("sort_order", "name"),
        to_field_name="slug",
        required=False,
        empty_label="Any cluster",
    )
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Any kind"), *OpportunityKind.choices], required=False
    )
    paid = forms.ChoiceField(
        label="Pay",
        choices=[("", "Paid or unpaid"), ("yes", "Paid"), ("no", "Unpaid")],
        required=False,
    )
    virtual = forms.ChoiceField(
        label="Where",
        choices=[("", "In person or virtual"), ("yes", "Virtual only"), ("no", "In person only")],
        required=False,
    )
    weekday = forms.TypedChoiceField(
        label="Meets on",
        choices=[("", "Any day"), *WEEKDAY_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
    )
    host = forms.ChoiceField(
        label="Host",
        choices=[
            ("", "Any host"),
            ("district", "District departments"),
            ("outside", "Businesses and community partners"),
        ],
        required=False,
    )
    near = forms.BooleanField(label="Near me only", required=False)
    f = forms.CharField(widget=forms.HiddenInput, required=False, initial="1")

    def __init__(self, data=None, *, student, can_measure: bool, **kwargs):
        if data is not None and "f" not in data:
            data = data.copy()
            data["f"] = "1"
            data["near"] = "on" if (student.needs_transportation and can_measure) else ""
        elif data is None and student.needs_transportation and can_measure:
            data = {"f": "1", "near": "on"}
        super().__init__(data, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].help_text = "Words in the title, description or partner's name."
        miles = student.max_travel_miles
        if can_measure:
            self.fields["near"].help_text = f"Virtual, or within {miles} miles of home."
        else:
            near = self.fields["near"]
            near.disabled = True
            near.help_text = (
                "Your school has no home location on file, so distance cannot be checked."
            )

    def filters(self) -> BrowseFilters:
        """Valid values only: a bad value in one field drops that filter, not the page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})

        def yes_no(name):
            return {"yes": True, "no": False}.get(data.get(name) or "")

        return BrowseFilters(
            q=(data.get("q") or "").strip(),
            cluster=data.get("cluster"),
            kind=data.get("kind") or "",
            paid=yes_no("paid"),
            virtual=yes_no("virtual"),
            weekday=data.get("weekday"),
            in_district={"district": True, "outside": False}.get(data.get("host") or ""),
            near=bool(data.get("near")),
        )


class ApplicationForm(AccessibleErrorsMixin, forms.Form):
    statement = forms.CharField(
        label="Why do you want this opportunity?",
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"A few sentences; the partner reads this. Up to {STATEMENT_MAX} characters.",
    )


class ReflectionForm(AccessibleErrorsMixin, forms.Form):
    career_fit = forms.ChoiceField(
        label="Is this career for you?", choices=CareerFit.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Your reflection",
        max_length=REFLECTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What did you do, what did you learn, and what surprised you? "
        "“Not for me” is a useful answer too.",
    )
