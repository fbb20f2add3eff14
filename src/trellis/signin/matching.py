"""Who an SSO sign-in is: a person the district already has, or nobody (no self sign-up).

A sign-in is matched to the district's own records only: a staff member's or partner's
account (a membership in the district and the same e-mail), a rostered student (the student
record's e-mail, or its SIS number or OneRoster sourcedId from a claim the district names), a
student's guardian (the guardian e-mail or sourcedId on the student record). The e-mail counts
only when the provider says it is verified (Entra ID: when the tenant is the district's). Anything else is refused with a reason the audit log
keeps; the refusal page never says which records exist.
"""

from dataclasses import dataclass

from django.db.models import Q

from trellis.accounts.models import Membership, User
from trellis.signin.models import Kind
from trellis.students.models import GuardianLink, Student


class Refused(Exception):
    """The sign-in matches no one it may sign in as; `reason` is a code for the audit log."""

    MESSAGES = {
        "tenant": "This account belongs to another organisation's directory.",
        "domain": "This account's e-mail domain is not one the district accepts.",
        "unverified": "The identity provider did not confirm this e-mail address.",
        "unmatched": "This account does not match anyone the district has on its rolls.",
        "ambiguous": "This account matches more than one person in Trellis.",
        "disabled": "This Trellis account is switched off.",
        "nonce": "The sign-in response did not belong to this sign-in attempt.",
    }

    def __init__(self, reason: str):
        super().__init__(self.MESSAGES[reason])
        self.reason = reason


@dataclass
class Person:
    """Who the sign-in is: an account, or a rostered record that gets its account now."""

    user: User | None = None
    student: Student | None = None
    guardian_link: GuardianLink | None = None


def _truthy(value) -> bool:
    return value is True or str(value).lower() == "true"


def check_claims(connection, claims: dict) -> str:
    """The e-mail to match on, after the connection's tenant and domain rules; '' if none."""
    email = (claims.get("email") or "").strip().lower()
    if connection.kind == Kind.MICROSOFT and claims.get("tid") != connection.tenant_id:
        raise Refused("tenant")
    if connection.domains and email.rpartition("@")[2] not in connection.domains:
        raise Refused("domain")
    # Entra ID sends no email_verified; its addresses are the tenant's own, checked above.
    if email and connection.kind != Kind.MICROSOFT and not _truthy(claims.get("email_verified")):
        email = ""
    return email


def _sourced_id_q(field: str, value: str) -> Q:
    return Q(**{field: value}) if value else Q(pk__in=[])


def find_person(connection, claims: dict) -> Person:
    """The one person in the connection's district this sign-in is, or Refused."""
    email = check_claims(connection, claims)
    sis_id = str(claims.get(connection.sis_id_claim) or "").strip() if connection.sis_id_claim else ""
    if not email and not sis_id:
        raise Refused("unverified" if claims.get("email") else "unmatched")
    district = connection.district_id
    found: dict[tuple, Person] = {}

    student_q = Q(pk__in=[])
    if email:
        student_q |= Q(email__iexact=email)
    if sis_id:
        student_q |= Q(student_number=sis_id)
    if sis_id:  # OneRoster's sourcedId, where rostering put it on the record
        student_q |= _sourced_id_q("sourced_id", sis_id)
    for student in Student.objects.filter(student_q, district_id=district).select_related("user"):
        key = ("user", student.user_id) if student.user_id else ("student", student.pk)
        found[key] = Person(user=student.user, student=student)
    people_q = Q(email__iexact=email) if email else Q(pk__in=[])
    if sis_id:
        people_q |= _sourced_id_q("sourced_id", sis_id)
    if email or sis_id:
        staff = User.objects.filter(
            people_q, pk__in=Membership.objects.filter(district_id=district).values("user_id")
        )
        for user in staff:
            found.setdefault(("user", user.pk), Person(user=user))
        links = GuardianLink.objects.filter(people_q, student__district_id=district)
        for link in links.select_related("guardian_user"):
            key = ("user", link.guardian_user_id) if link.guardian_user_id else ("guardian", link.email.lower())
            found.setdefault(key, Person(user=link.guardian_user, guardian_link=link))
    if not found:
        raise Refused("unmatched")
    if len(found) > 1:
        raise Refused("ambiguous")
    person = next(iter(found.values()))
    if person.user is not None and not person.user.is_active:
        raise Refused("disabled")
    return person
