"""Remove a district with everything in it, leaf tables first.

Placements PROTECT their opportunity and students PROTECT their school, so a plain
`district.delete()` refuses; deleting the leaves first also lets Django use one DELETE per
table instead of loading rows. Accounts that belong only to this district go too.
"""

from django.db import transaction

from trellis.accounts.models import Membership, User
from trellis.hours.models import HourLog, Session
from trellis.opportunities.models import Opportunity
from trellis.partners.models import Mentor
from trellis.placements.models import (
    Agreement,
    Application,
    Concern,
    Evaluation,
    Outcome,
    Placement,
    Reflection,
    Signature,
)
from trellis.placements.rounds import MatchRound, RoundRanking
from trellis.students.models import GuardianLink, Student, StudentInterest


@transaction.atomic
def delete_district(district) -> None:
    user_ids = set(Membership.objects.filter(district=district).values_list("user_id", flat=True))
    user_ids |= set(
        Student.objects.filter(district=district, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    user_ids |= set(
        GuardianLink.objects.filter(
            student__district=district, guardian_user__isnull=False
        ).values_list("guardian_user_id", flat=True)
    )
    user_ids |= set(
        Mentor.objects.filter(partner__district=district).values_list("user_id", flat=True)
    )
    elsewhere = Membership.objects.filter(user_id__in=user_ids).exclude(district=district)
    user_ids -= set(elsewhere.values_list("user_id", flat=True))

    by_placement = {"placement__district": district}
    Signature.objects.filter(agreement__placement__district=district).delete()
    Agreement.objects.filter(**by_placement).delete()
    HourLog.objects.filter(**by_placement).delete()
    Session.objects.filter(**by_placement).delete()
    Evaluation.objects.filter(**by_placement).delete()
    Reflection.objects.filter(**by_placement).delete()
    Concern.objects.filter(**by_placement).delete()
    Outcome.objects.filter(student__district=district).delete()
    Placement.objects.filter(district=district).delete()
    RoundRanking.objects.filter(match_round__district=district).delete()
    MatchRound.objects.filter(district=district).update(published_run=None, follows=None)
    MatchRound.objects.filter(district=district).delete()
    Application.objects.filter(student__district=district).delete()
    StudentInterest.objects.filter(student__district=district).delete()
    GuardianLink.objects.filter(student__district=district).delete()
    Student.objects.filter(district=district).delete()
    Opportunity.objects.filter(district=district).delete()
    district.delete()
    User.objects.filter(pk__in=user_ids).delete()
