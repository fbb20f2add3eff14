"""Background tasks for OneRoster imports (django-tasks; the database backend outside tests)."""

from django_tasks import task

from trellis.rostering.models import RosterImport


@task()
def check_roster_import(import_id: int) -> str:
    """Read an uploaded ZIP and store its preview (counts, refused rows, warnings)."""
    from trellis.rostering.services import check_import

    return check_import(RosterImport.objects.select_related("district").get(pk=import_id)).status


@task()
def run_roster_import(import_id: int) -> str:
    """Apply a confirmed import in one transaction; progress and the result are saved on the row."""
    from trellis.rostering.services import perform_import

    return perform_import(RosterImport.objects.select_related("district", "confirmed_by").get(pk=import_id)).status
