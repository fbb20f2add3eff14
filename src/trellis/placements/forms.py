"""Forms of the placement lifecycle: board filters, proposing, withdrawing, signing, outcomes."""

from django import forms
from django.utils import timezone

from trellis.placements.agreements import PLACEHOLDERS, check_template
from trellis.placements.filters import PlacementFilterForm
from trellis.placements.models import AgreementText, Outcome, Placement, SignerRole


class BoardFilterForm(PlacementFilterForm):
    """The board groups by status itself, so it filters like the list without the status field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["status"]


class ProposeForm(forms.Form):
    student = forms.ModelChoiceField(label="Student", queryset=None)
    opportunity = forms.ModelChoiceField(
        label="Opportunity",
        queryset=None,
        help_text="Published opportunities with a free seat; the service checks eligibility.",
    )

    def __init__(self, *args, students, opportunities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
        self.fields["opportunity"].queryset = opportunities
        self.fields["opportunity"].label_from_instance = lambda o: (
            f"{o.title} — {o.partner.name} ({o.seats_left} of {o.seats} seats left)"
        )


class WithdrawForm(forms.Form):
    initiator = forms.ChoiceField(
        label="Who asked for the withdrawal?",
        choices=Placement.Initiator.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label="Reason", choices=[("", "Choose a reason"), *Placement.WithdrawalReason.choices]
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened, for the school's record. Shared with the partner's staff, never with other partners.",
    )
    partner_note = forms.CharField(
        label="Partner relationship note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How the relationship with the partner stands, for future placements. Staff only.",
    )
    partner_in_good_standing = forms.BooleanField(
        label="The partner remains in good standing",
        required=False,
        initial=True,
        help_text="Keep checked unless the partner should not host students for now.",
    )


class ReplaceForm(forms.Form):
    opportunity = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].queryset = options


class ResolveConcernForm(forms.Form):
    """Checks the posted note; the field is drawn by _concern.html (one per concern on a page)."""

    note = forms.CharField(max_length=4000)


class ConcernFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("open", "Open concerns"),
            ("resolved", "Resolved concerns"),
            ("all", "All concerns"),
        ],
    )


class AssignMentorForm(forms.Form):
    mentor = forms.ModelChoiceField(
        label="Mentor",
        queryset=None,
        empty_label="Choose a mentor",
        help_text="Mentors at the host partner. The mentor signs the agreements before the start.",
    )

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].label_from_instance = lambda m: (
            f"{m.user.get_full_name() or m.user.get_username()}{f' ({m.title})' if m.title else ''}"
        )


class SignForm(forms.Form):
    role = forms.ChoiceField(choices=SignerRole.choices, widget=forms.HiddenInput)
    typed_name = forms.CharField(
        label="Type your full name to sign",
        max_length=200,
        help_text="Your typed name, the time and your network address are recorded with a copy of this text.",
    )
    agree = forms.BooleanField(label="I have read this document and agree to it.", required=True)

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if roles is not None:
            self.fields["role"].choices = [(r, SignerRole(r).label) for r in roles]
        self.fields["typed_name"].widget.attrs["autocomplete"] = "name"


class GuardianSignForm(forms.Form):
    typed_name = forms.CharField(
        label="Type your full name to sign",
        max_length=200,
        help_text="Your typed name, the time and your network address are recorded with a copy of this text.",
    )
    agree = forms.BooleanField(label="I have read this document and agree to it.", required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["typed_name"].widget.attrs["autocomplete"] = "name"


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(
        label="Outcome", choices=Outcome.Kind.choices, widget=forms.RadioSelect
    )
    partner = forms.ModelChoiceField(label="Employer", queryset=None)
    placement = forms.ModelChoiceField(
        label="Placement it came from",
        queryset=None,
        required=False,
        empty_label="None",
    )
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    job_title = forms.CharField(label="Job title", required=False, max_length=200)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, partners, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["placement"].queryset = placements
        self.fields["placement"].label_from_instance = lambda p: (
            f"{p.opportunity.title} at {p.opportunity.partner.name} ({p.get_status_display().lower()})"
        )
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())


class AgreementTextForm(forms.ModelForm):
    class Meta:
        model = AgreementText
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 24})}
        help_texts = {"body": "Placeholders: " + ", ".join(f"${{{k}}}" for k in PLACEHOLDERS) + "."}

    def clean_body(self):
        body = self.cleaned_data["body"]
        check_template(body)
        return body
