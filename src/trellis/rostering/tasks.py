"""Background tasks for OneRoster imports (django-tasks; the database backend outside tests).

The upload and confirm steps are services (`services.upload_import`, `services.confirm_import`);
the page that calls one then queues its background half here, to start after the step commits.
Tasks import services, never the reverse.
"""

from django.db import transaction
from django_tasks import task

from trellis.rostering.models import RosterImport
from trellis.rostering.services import check_import, perform_import


@task()
def check_roster_import(import_id: int) -> str:
    """Read an uploaded ZIP and store its preview (counts, refused rows, warnings)."""
    return check_import(RosterImport.objects.select_related("district").get(pk=import_id)).status


@task()
def run_roster_import(import_id: int) -> str:
    """Apply a confirmed import in one transaction; progress and the result are saved on the row."""
    return perform_import(RosterImport.objects.select_related("district", "confirmed_by").get(pk=import_id)).status


def queue_check(roster_import) -> None:
    """After the upload commits, read the file in a worker (large files take a while)."""
    transaction.on_commit(lambda: check_roster_import.enqueue(roster_import.pk))


def queue_import(roster_import) -> None:
    """After the confirmation commits, apply the import in a worker."""
    transaction.on_commit(lambda: run_roster_import.enqueue(roster_import.pk))
