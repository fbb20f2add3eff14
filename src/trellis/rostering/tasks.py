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


@task()
def pull_roster_now(source_id: int, actor_id: int | None = None) -> str:
    """"Pull now" from the connection page: the same pull the scheduler runs every night."""
    from trellis.accounts.models import User
    from trellis.rostering.models import RosterSource
    from trellis.rostering.pull import pull_roster

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    source = RosterSource.objects.select_related("district").get(pk=source_id)
    return pull_roster(source, actor=actor).status
