"""Forms of the mentor pages; they check input, the services apply the rules."""

from django import forms

from trellis.placements.evaluation_services import SCORE_NAMES, SCORES
from trellis.placements.models import Evaluation


class ConcernForm(forms.Form):
    text = forms.CharField(
        label="What is the concern?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The student's coordinator is told at once, in Trellis and by e-mail. "
        "For an emergency, call 911 first.",
    )


class EvaluationForm(forms.Form):
    """One radio group per rubric criterion (a fieldset with a legend), comments, and on the
    final evaluation whether the mentor would host a student again."""

    comments = forms.CharField(
        label="Comments",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Strengths and what to work on; the student and the school read this.",
    )
    would_host_again = forms.TypedChoiceField(
        label="Would you host a student again?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, criteria, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.kind = kind
        score_fields = {}
        for criterion in criteria:
            choices = [
                (s, f"{s} – {SCORE_NAMES[s]}: {criterion.descriptors.get(s, '')}") for s in SCORES
            ]
            score_fields[f"score_{criterion.key}"] = forms.ChoiceField(
                label=criterion.label,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Score “{criterion.label}”."},
            )
        # Scores first, in the rubric's order, then comments (and the final question).
        self.fields = {**score_fields, **self.fields}
        if kind != Evaluation.Kind.FINAL:
            del self.fields["would_host_again"]

    def score_fields(self):
        return [self[f"score_{c.key}"] for c in self.criteria]

    def scores(self) -> dict:
        return {c.key: int(self.cleaned_data[f"score_{c.key}"]) for c in self.criteria}
