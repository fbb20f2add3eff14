"""The GET filters of the student list."""

from django import forms

GRADE_CHOICES = [("", "Any grade")] + [(str(g), f"Grade {g}") for g in range(6, 13)]


ENROLMENT_CHOICES = [
    ("current", "Current students"),
    ("alumni", "Alumni and students who left"),
    ("all", "Everyone"),
]


class StudentFilterForm(forms.Form):
    enrolment = forms.ChoiceField(
        label="Enrolment", choices=ENROLMENT_CHOICES, required=False, initial="current"
    )
    q = forms.CharField(label="Search name or student number", required=False, max_length=100)
    school = forms.ModelChoiceField(
        label="School", queryset=None, required=False, empty_label="Any school"
    )
    grade = forms.TypedChoiceField(
        label="Grade", choices=GRADE_CHOICES, coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["q"].widget.input_type = "search"
