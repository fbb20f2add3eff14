"""The id-level wrapper the Django adapter uses."""

import pytest

from trellis.matching import FULL, INELIGIBLE, Explanation, MatchInput, WhyNot, match


def clinic_input(**overrides):
    fields = {
        "students": ["ana", "ben", "cy"],
        "opportunities": [("clinic", 1), ("garage", 2), ("library", 1)],
        "choices": {
            "ana": ["clinic", "garage"],
            "ben": ["clinic", "library"],
            "cy": ["clinic", "garage", "library"],
        },
        "priority": {
            ("ana", "clinic"): 1,
            ("ana", "garage"): 4,
            ("ben", "clinic"): 5,
            ("ben", "library"): 2,
            ("cy", "clinic"): 7,
            ("cy", "library"): 1,
        },
        "ineligible": {("cy", "garage"): "driving_licence", ("ben", "garage"): "unused"},
    }
    fields.update(overrides)
    return MatchInput(**fields)


def test_match_returns_id_level_assignment_and_explanations():
    out = match(clinic_input())
    assert out.assignment == {"ana": "clinic", "ben": None, "cy": "library"}
    assert out.explanations["cy"] == Explanation(
        student="cy",
        opportunity="library",
        rank=3,
        why_not=(
            WhyNot(opportunity="clinic", rank=1, reason=FULL, cutoff=1, priority=7),
            WhyNot(opportunity="garage", rank=2, reason=INELIGIBLE, rule="driving_licence"),
        ),
    )
    assert out.summary.placed == 2
    assert out.summary.blocking_pairs == 0


def test_match_in_max_placement_mode():
    inp = clinic_input(
        choices={"ana": ["clinic"], "ben": ["clinic", "library"], "cy": []},
        priority={("ana", "clinic"): 2, ("ben", "clinic"): 1, ("ben", "library"): 0},
        ineligible={},
    )
    assert match(inp, "stable").assignment == {"ana": None, "ben": "clinic", "cy": None}
    out = match(inp, "max_placement")
    assert out.assignment == {"ana": "clinic", "ben": "library", "cy": None}
    assert out.explanations["ben"].why_not[0].reason == "reallocated"


def test_student_without_choices_is_unplaced_with_nothing_to_explain():
    out = match(clinic_input(choices={"ana": ["clinic"]}))
    assert out.assignment == {"ana": "clinic", "ben": None, "cy": None}
    assert out.explanations["ben"] == Explanation("ben", None, None, ())


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"students": ["ana", "ana", "cy"]}, "students contains a duplicate id"),
        ({"opportunities": [("clinic", 1), ("clinic", 2)]}, "opportunities contains a duplicate"),
        ({"choices": {"zed": ["clinic"]}}, "choices given for unknown student 'zed'"),
        ({"choices": {"ana": ["moon"]}}, "student 'ana' ranks unknown opportunity 'moon'"),
        (
            {"choices": {"ana": ["clinic", "clinic"]}},
            "student 'ana' ranks opportunity 'clinic' twice",
        ),
        ({"priority": {}}, r"no priority key for \('ana', 'clinic'\)"),
        ({"opportunities": [("clinic", -1), ("garage", 2), ("library", 1)]}, r"capacity\[0\] = -1"),
    ],
)
def test_match_input_errors_name_the_offending_id(overrides, message):
    with pytest.raises(ValueError, match=message):
        match(clinic_input(**overrides))


def test_unknown_mode_is_rejected():
    with pytest.raises(ValueError, match="mode must be"):
        match(clinic_input(), "fastest")


def test_explanations_can_be_skipped_for_large_rounds():
    out = match(clinic_input(), explanations=False)
    assert out.explanations == {}
    assert out.assignment == {"ana": "clinic", "ben": None, "cy": "library"}
