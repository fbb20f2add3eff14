"""Forms of the partner portal; they check input, the services apply the rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from trellis.partners.models import Partner, Worksite


class PartnerProfileForm(forms.ModelForm):
    website = forms.URLField(
        label="Website address", required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Partner
        fields = ["name", "description", "website", "phone", "contact_email"]
        labels = {"contact_email": "Contact e-mail"}
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"description": "What you do, shown to students browsing opportunities."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["website"].widget.attrs["autocomplete"] = "url"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Partner.objects.filter(district_id=self.instance.district_id, name__iexact=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another partner in the district already has this name.")
        return name

    def _post_clean(self):
        # The service validates and saves; the form must not change the instance it was given.
        pass


class WorksiteForm(forms.ModelForm):
    class Meta:
        model = Worksite
        fields = ["name", "is_virtual", "address", "city", "state", "zip_code"]
        labels = {
            "is_virtual": "Virtual (students work remotely)",
            "address": "Street address",
            "state": "State (two letters)",
            "zip_code": "ZIP code",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"
        self.fields["state"].widget.attrs["autocomplete"] = "address-level1"
        self.fields["zip_code"].widget.attrs["autocomplete"] = "postal-code"

    def clean_state(self):
        return self.cleaned_data["state"].strip().upper()

    def clean(self):
        data = super().clean()
        if not data.get("is_virtual"):
            if not (data.get("address") or "").strip():
                self.add_error("address", "Give the street address, or mark the worksite as virtual.")
            if not (data.get("zip_code") or "").strip() and "zip_code" not in self.errors:
                self.add_error(
                    "zip_code", "Give the ZIP code: it tells how far students travel to get there."
                )
        if (data.get("zip_code") or "").strip():
            try:  # the model's own check: a real ZIP code, in the state given
                Worksite(zip_code=data["zip_code"], state=data.get("state") or "").clean()
            except ValidationError as e:
                self.add_error(None, e)
        return data

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MentorInviteForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="E-mail address",
        help_text="We e-mail a link to set a password. District staff keep their existing account.",
    )
    title = forms.CharField(label="Job title", max_length=120, required=False)
    phone = forms.CharField(label="Phone", max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.input_type = "tel"


class MentorEditForm(forms.Form):
    title = forms.CharField(label="Job title", max_length=120, required=False)
    phone = forms.CharField(label="Phone", max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.input_type = "tel"


class BackgroundCheckForm(forms.Form):
    background_check_date = forms.DateField(
        label="Background check date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The date the district's background check cleared. Leave empty if none is on file.",
    )

    def clean_background_check_date(self):
        value = self.cleaned_data["background_check_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return value


class RankForm(forms.Form):
    interview_rank = forms.IntegerField(
        label="Interview rank",
        min_value=1,
        max_value=999,
        required=False,
        help_text="1 is your first choice. Match rounds use your ranking. Leave empty to clear.",
    )


class DeclineForm(forms.Form):
    note = forms.CharField(
        label="Note for the school (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen by the school's staff, not by the student.",
    )
