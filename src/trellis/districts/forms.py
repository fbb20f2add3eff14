"""Forms for the district calendar: import, day-type mappings and editing one day."""

import urllib.parse

from django import forms

from trellis.districts.ics import MAX_ICS_BYTES, normalise_url
from trellis.districts.models import DayType, DayTypeMapping


class CalendarImportForm(forms.Form):
    """Either an uploaded .ics file or the address of one, not both."""

    file = forms.FileField(
        label="ICS file",
        required=False,
        help_text="An .ics file exported from the district's calendar (at most 5 MB).",
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )
    url = forms.CharField(
        label="or ICS address",
        required=False,
        max_length=500,
        help_text="A public calendar address (https:// or webcal://); it can be fetched again later.",
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "url"}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            if not upload.name.lower().endswith((".ics", ".ical", ".ifb", ".icalendar")):
                raise forms.ValidationError("Choose an .ics calendar file.")
            if upload.size > MAX_ICS_BYTES:
                raise forms.ValidationError("The file is larger than 5 MB.")
        return upload

    def clean_url(self):
        url = self.cleaned_data.get("url", "").strip()
        if not url:
            return ""
        fetched = urllib.parse.urlsplit(normalise_url(url))
        if fetched.scheme not in ("http", "https") or not fetched.hostname:
            raise forms.ValidationError(
                "Enter an address starting with https://, http:// or webcal://."
            )
        return url

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError("Choose a file or enter an address (one of the two).")
        return data


class DayTypeMappingForm(forms.ModelForm):
    class Meta:
        model = DayTypeMapping
        fields = ["match_field", "pattern", "day_type", "early_release_time"]
        labels = {
            "match_field": "Match events whose",
            "pattern": "Category or words",
            "day_type": "Mark the day as",
            "early_release_time": "Dismissal time (early release only)",
        }
        widgets = {"early_release_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, district, **kwargs):
        self.district = district
        super().__init__(*args, **kwargs)
        self.fields[
            "pattern"
        ].help_text = "e.g. the category “No School”, or title words “Early Release”."

    def clean(self):
        data = super().clean()
        field, pattern = data.get("match_field"), (data.get("pattern") or "").strip()
        if pattern:
            data["pattern"] = pattern
        if field and pattern:
            clash = DayTypeMapping.objects.filter(
                district=self.district, match_field=field, pattern__iexact=pattern
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError("A mapping for this category or words already exists.")
        if data.get("day_type") != DayType.EARLY_RELEASE:
            data["early_release_time"] = None
        return data

    def save(self, commit=True):
        self.instance.district = self.district
        return super().save(commit=commit)


class CalendarDayForm(forms.Form):
    """Set one day's type by hand, for the whole district or one school."""

    school = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Applies to",
        empty_label="The whole district",
        to_field_name="slug",
    )
    day_type = forms.ChoiceField(
        choices=DayType.choices, label="Day type", widget=forms.RadioSelect
    )
    label = forms.CharField(
        required=False, max_length=200, label="Label", help_text="e.g. “Snow day”."
    )
    early_release_time = forms.TimeField(
        required=False,
        label="Dismissal time",
        help_text="Required for an early release.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args, schools, allow_district_wide: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        if not allow_district_wide:
            self.fields["school"].required = True
            self.fields["school"].empty_label = None

    def clean(self):
        data = super().clean()
        if data.get("day_type") == DayType.EARLY_RELEASE and not data.get("early_release_time"):
            self.add_error("early_release_time", "Enter the dismissal time for an early release.")
        return data
