"""Remove a district with everything in it, leaf tables first.

Placements PROTECT their opportunity and students PROTECT their school, so a plain
`district.delete()` refuses; deleting the leaves first also lets Django use one DELETE per
table instead of loading rows. Accounts that belong only to this district go too.
"""

from django.db import transaction

from trellis.accounts.models import Membership, User
from trellis.hours.models import ApprovedHoursByYear, HourLog, Session
from trellis.opportunities.models import Opportunity
from trellis.partners.models import Mentor
from trellis.placements.models import (
    Agreement,
    Application,
    Concern,
    Evaluation,
    MatchResult,
    MatchRound,
    Outcome,
    Placement,
    Reflection,
    RoundRanking,
    Signature,
)
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

    # Leaves first. `.only("pk")`: a model that others point at cannot be deleted in one
    # statement, so Django loads its rows to cascade; loading just the ids is ~3x cheaper.
    in_district = {"placement__district": district}
    steps = [
        (Signature, {"agreement__placement__district": district}),
        (Agreement, in_district),
        (HourLog, in_district),
        (ApprovedHoursByYear, in_district),
        (Session, in_district),
        (Evaluation, in_district),
        (Reflection, in_district),
        (Concern, in_district),
        (Outcome, {"student__district": district}),
        (Placement, {"district": district}),
        (RoundRanking, {"match_round__district": district}),
        (MatchResult, {"run__match_round__district": district}),
    ]
    for model, lookup in steps:
        model.objects.filter(**lookup).only("pk").delete()
    MatchRound.objects.filter(district=district).update(published_run=None, follows=None)
    for model, lookup in [
        (MatchRound, {"district": district}),
        (Application, {"student__district": district}),
        (StudentInterest, {"student__district": district}),
        (GuardianLink, {"student__district": district}),
        (Student, {"district": district}),
        (Opportunity, {"district": district}),
    ]:
        model.objects.filter(**lookup).only("pk").delete()
    district.delete()
    User.objects.filter(pk__in=user_ids).delete()
