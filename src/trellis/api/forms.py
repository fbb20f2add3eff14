"""Forms of the integrations pages: a new API token, a new webhook subscription."""

import datetime as dt

from django import forms
from django.utils import timezone

from trellis.accounts.models import Role
from trellis.api.models import WebhookEvent
from trellis.api.scopes import DISTRICT_SCOPES, PARTNER_SCOPES, Scope


def owner_choices(memberships) -> list[tuple[str, str]]:
    """Whom a token may be for: the districts one administers, the partners one runs."""
    choices = []
    for m in memberships:
        if m.role == Role.PARTNER_ADMIN:
            choices.append((f"partner:{m.partner_id}", f"{m.partner} (partner)"))
        elif m.role == Role.DISTRICT_ADMIN:
            choices.append((f"district:{m.district_id}", f"{m.district} (whole district)"))
    return list(dict.fromkeys(choices))


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Which system uses it, e.g. “Nightly warehouse load”.")
    owner = forms.ChoiceField(label="For")
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices, widget=forms.CheckboxSelectMultiple,
        help_text="Only what the system needs. Partner tokens can write opportunities; district tokens students.",
    )
    expires_on = forms.DateField(
        label="Expires on", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="At most a year from today.",
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owner_choices(memberships)
        if len(self.fields["owner"].choices) == 1:
            self.fields["owner"].initial = self.fields["owner"].choices[0][0]
        self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=90)

    def clean(self):
        data = super().clean()
        owner, scopes = data.get("owner"), data.get("scopes") or []
        if owner:
            kind, _, pk = owner.partition(":")
            data["owner_kind"], data["owner_id"] = kind, int(pk)
            allowed = PARTNER_SCOPES if kind == "partner" else DISTRICT_SCOPES
            wrong = [Scope(s).label for s in scopes if s not in allowed]
            if wrong:
                self.add_error("scopes", f"Not for a {kind} token: {'; '.join(wrong)}.")
        return data


class WebhookForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="The system that receives the events.")
    url = forms.URLField(
        label="Address (URL)", max_length=500, assume_scheme="https",
        help_text="A public https:// address; private and local network addresses are refused.",
    )
    events = forms.MultipleChoiceField(choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple)
