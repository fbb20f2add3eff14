"""Two imports of one district at once, on real PostgreSQL connections: one waits, nothing doubles."""

import threading

import pytest
from django.core.files.base import ContentFile
from django.db import connection, connections

from tests import factories as f
from tests.rostering import samples
from trellis.rostering.models import RosterImport
from trellis.rostering.services import perform_import
from trellis.students.models import GuardianLink, Student

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_concurrent_imports_of_one_district_apply_one_after_the_other():
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent connections (PostgreSQL)")
    district = f.DistrictFactory(slug="twice")
    imports = []
    for n in range(2):
        item = RosterImport(district=district, filename=f"copy{n}.zip")
        item.file.save(f"copy{n}.zip", ContentFile(samples.sample_11()), save=False)
        item.save()
        imports.append(item)
    barrier = threading.Barrier(2)
    errors = []

    def run(item):
        try:
            barrier.wait()
            perform_import(RosterImport.objects.select_related("district").get(pk=item.pk))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(item,)) for item in imports]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert sorted(RosterImport.objects.values_list("status", flat=True)) == ["done", "done"]
    assert Student.objects.filter(district=district).count() == 2
    assert GuardianLink.objects.filter(student__district=district).count() == 2
