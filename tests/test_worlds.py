"""The persona world is shared by a module's tests without leaking between them (tests/worlds.py).

Both world tests first check the world is as built, then change it in the database and in
memory: whichever runs second would see the other's changes if they leaked.
"""

import pytest

from trellis.districts.models import District
from trellis.placements.models import Placement
from trellis.students.models import Student


def pristine(personas):
    assert personas.student_a.first_name == "Ava"
    assert Student.objects.get(pk=personas.student_a.pk).first_name == "Ava"
    assert Placement.objects.filter(pk=personas.placement_b.pk).exists()
    assert not District.objects.filter(slug="changed-by-a-test").exists()


def change(personas):
    personas.student_a.first_name = "Changed"
    personas.student_a.save()
    personas.placement_b.delete()
    District.objects.create(name="Changed", slug="changed-by-a-test")


@pytest.mark.parametrize("run", [1, 2])
def test_a_test_sees_the_world_as_built_whatever_the_one_before_changed(personas, run):
    pristine(personas)
    change(personas)


def test_instances_are_fresh_copies_sharing_their_related_objects(personas):
    assert personas.student_a.user is personas.student_a_user  # one object, as when built
    pristine(personas)
    change(personas)


def test_a_test_of_the_module_without_personas_does_not_see_the_world(db):
    assert not District.objects.filter(slug="maple-valley").exists()
