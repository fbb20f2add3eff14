"""The district staff invitation form: it checks input; the staff service applies the rules
(a school of the same district, school limits for coordinators and counselors only)."""

from django import forms

from trellis.accounts.models import Role
from trellis.accounts.staff import STAFF_CHOICES
from trellis.districts.models import District, School


class StaffInviteForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="E-mail address",
        help_text="A new person gets an e-mail to set a password; someone with an account keeps it.",
    )
    district = forms.ModelChoiceField(label="District", queryset=District.objects.none())
    role = forms.ChoiceField(
        label="Role", choices=[(r.value, r.label) for r in STAFF_CHOICES], initial=Role.COORDINATOR
    )
    school = forms.ModelChoiceField(
        label="School",
        queryset=School.objects.none(),
        required=False,
        empty_label="The whole district",
        help_text="Coordinators and counselors can be limited to one school.",
    )

    def __init__(self, *args, district_ids, **kwargs):
        super().__init__(*args, **kwargs)
        districts = District.objects.filter(pk__in=district_ids).order_by("name")
        self.fields["district"].queryset = districts
        self.fields["school"].queryset = School.objects.filter(
            district_id__in=district_ids
        ).order_by("name")
        if len(district_ids) == 1:
            self.fields["district"].initial = next(iter(district_ids))
            self.fields["district"].widget = forms.HiddenInput()
        for name in ("first_name", "last_name", "email"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
