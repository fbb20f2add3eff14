"""The rubric editor: one form per criterion (label, four descriptors, position, remove)."""

from django import forms

from trellis.placements.evaluation_services import SCORE_NAMES, SCORES, CriterionRow


class CriterionForm(forms.Form):
    criterion = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(label="Criterion", max_length=100)
    sort_order = forms.IntegerField(
        label="Position",
        min_value=1,
        max_value=99,
        required=False,
        help_text="1 comes first; leave empty to add at the end.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for score in SCORES:
            self.fields[f"descriptor_{score}"] = forms.CharField(
                label=f"{score} – {SCORE_NAMES[score]}",
                max_length=300,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def descriptor_fields(self):
        return [self[f"descriptor_{s}"] for s in SCORES]

    def to_row(self) -> CriterionRow:
        data = self.cleaned_data
        if data.get("DELETE"):
            return CriterionRow(
                pk=data.get("criterion"), label="", descriptors={}, sort_order=0, delete=True
            )
        return CriterionRow(
            pk=data.get("criterion"),
            label=data["label"],
            descriptors={s: data[f"descriptor_{s}"] for s in SCORES},
            sort_order=data.get("sort_order") or 99,
        )


CriterionFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True, max_num=30)


def initial_rows(criteria) -> list[dict]:
    return [
        {
            "criterion": c.pk,
            "label": c.label,
            "sort_order": position,
            **{f"descriptor_{s}": c.descriptors.get(s, "") for s in SCORES},
        }
        for position, c in enumerate(criteria, start=1)
    ]
