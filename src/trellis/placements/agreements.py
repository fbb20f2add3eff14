"""Agreement texts, who must sign them, and typed-name electronic signatures.

A district may replace the default text of each kind of agreement (`AgreementText`); the
defaults live here in code. On confirmation each placement gets its own copy of every
agreement it needs, rendered with the placement's details, and each signature stores the exact
text signed with its SHA-256 — a later edit of the district's text changes nothing already sent.
Guardians sign from an e-mailed, signed, expiring link bound to one guardian and one agreement.
"""

import dataclasses
import hashlib
import string

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from trellis.accounts.permissions import can
from trellis.core.errors import Refused
from trellis.core.models import AuditAction, AuditEvent
from trellis.core.notifications import Verb, absolute_url, notify, send_emails
from trellis.placements.models import Agreement, AgreementText, Placement, Signature, SignerRole
from trellis.placements.selectors import coordinators_for
from trellis.rules.agreements import agreement_kinds, fully_signed, signers_for

Kind = Agreement.Kind
GUARDIAN_LINK_SALT = "trellis.placements.guardian-sign"


PLACEHOLDERS = {
    "district": "District name",
    "school": "Student's school",
    "student_name": "Student's full name",
    "student_grade": "Student's grade",
    "student_age": "Student's age on the start date",
    "partner": "Host partner",
    "worksite": "Worksite (or 'virtual')",
    "opportunity": "Opportunity title",
    "opportunity_kind": "Kind of experience",
    "cluster": "Career cluster",
    "description": "Opportunity description",
    "requirements": "Opportunity requirements",
    "mentor_name": "Mentor's name",
    "start_date": "First day",
    "end_date": "Last day",
    "schedule": "Weekly schedule",
    "pay": "Paid at a rate, or unpaid",
    "target_hours": "Target hours, if set",
    "hazardous_orders": "Hazardous occupation orders, if any",
    "coordinator_contact": "District WBL contact e-mail",
}

DEFAULT_TEXTS = {
    Kind.TRAINING_AGREEMENT: (
        "Training agreement",
        """TRAINING AGREEMENT — ${district}

Student: ${student_name}, grade ${student_grade}, ${school}
Host: ${partner}, ${worksite}
Experience: ${opportunity} (${opportunity_kind}, ${cluster})
Mentor: ${mentor_name}
Dates: ${start_date} to ${end_date}; schedule: ${schedule}
Pay: ${pay}. Target hours: ${target_hours}.

1. The host provides a safe workplace, a named mentor who supervises the student at all
   times, and work that follows the training plan. The host follows federal and state
   child-labour law for minors, including limits on hours and on hazardous work
   (${hazardous_orders}).
2. The student attends as scheduled, logs hours truthfully, follows the host's rules, and
   tells the mentor and the coordinator of any absence or concern.
3. The school coordinator monitors the placement, visits or checks in, reviews hours and
   evaluations, and may end the placement at any time for the student's welfare.
4. The host shares with the school only what the placement needs, and the school shares with
   the host only the student's name, school, contact details and information the student
   agreed to share. By signing, the parent or guardian (or the adult student) consents to this
   disclosure under FERPA (34 CFR 99.30). The host will not redisclose it.
5. Either party may end the placement early; the coordinator records who ended it and why.

Questions: ${coordinator_contact}
""",
    ),
    Kind.TRAINING_PLAN: (
        "Training plan",
        """TRAINING PLAN — ${opportunity} at ${partner}

Student: ${student_name} (${school})
Mentor: ${mentor_name}
Career cluster: ${cluster}
Dates: ${start_date} to ${end_date}; schedule: ${schedule}; target hours: ${target_hours}

What the student will do:
${description}

Requirements:
${requirements}

Measurable objectives (the mentor scores each 1–4 at the midpoint and at the end):
- Attendance and punctuality: arrives on time for every scheduled session, or gives notice.
- Communication: speaks and writes clearly with colleagues and the public.
- Teamwork: works with others toward shared goals.
- Initiative: finds the next task and asks useful questions.
- Quality of work: completes assigned tasks to the host's standard.

The student keeps an hours log approved by the mentor and writes a reflection at the end.
""",
    ),
    Kind.PARENTAL_CONSENT: (
        "Parental consent",
        """PARENTAL CONSENT AND RELEASE — ${district}

I give permission for ${student_name} (${school}) to take part in ${opportunity}
(${opportunity_kind}) with ${partner} from ${start_date} to ${end_date}, on this schedule:
${schedule}.

I understand that:
- the student travels to and from the worksite (${worksite}) as arranged with the school;
- the mentor, ${mentor_name}, supervises the student at the worksite;
- the school shares the student's name, school and contact details with the host for this
  placement only (FERPA, 34 CFR 99.30);
- I may withdraw this consent at any time by telling the coordinator (${coordinator_contact}).

A student aged 18 or older signs this consent for themself.
""",
    ),
    Kind.STUDENT_LEARNER: (
        "Student-learner agreement (hazardous occupations)",
        """STUDENT-LEARNER AGREEMENT — 29 CFR 570.50(c)

Student-learner: ${student_name}, age ${student_age} on ${start_date}
Employer: ${partner}; supervisor: ${mentor_name}
Hazardous occupation orders concerned: ${hazardous_orders}
Experience: ${opportunity}, ${start_date} to ${end_date}

1. The student-learner is enrolled in a course of study and training in a cooperative
   vocational training program under a recognised state or local educational authority.
2. The work in the hazardous occupation is incidental to the training, intermittent and for
   short periods, and under the direct and close supervision of a qualified and experienced
   person.
3. Safety instruction is given by the school and correlated by the employer with on-the-job
   training.
4. A schedule of organised and progressive work processes to be performed on the job has been
   prepared (the training plan).
""",
    ),
}


# --- Who signs what ---------------------------------------------------------------------


# Which documents and which signers: the pure rules in `rules.agreements` (the demo asks them too).


def is_minor_on_start(placement) -> bool:
    return placement.student.is_minor_on(placement.start_date)


def kinds_for(placement) -> list[str]:
    return agreement_kinds(
        hazardous=placement.opportunity.is_hazardous, minor=is_minor_on_start(placement)
    )


def required_signers(kind, placement) -> list[str]:
    """The roles whose signatures a document needs; a guardian signs only for a minor."""
    return signers_for(kind, minor=is_minor_on_start(placement))


# --- Texts --------------------------------------------------------------------------------


def template_for(district, kind) -> tuple[str, str]:
    """(title, body) of the district's own text for a kind, or the default."""
    own = AgreementText.objects.filter(district=district, kind=kind).first()
    if own is not None:
        return own.title, own.body
    return DEFAULT_TEXTS[Kind(kind)]


def placeholder_values(placement) -> dict[str, str]:
    student, opp = placement.student, placement.opportunity
    mentor = placement.mentor
    return {
        "district": placement.district.name,
        "school": student.school.name,
        "student_name": student.full_name,
        "student_grade": str(student.grade),
        "student_age": str(student.age_on(placement.start_date)),
        "partner": opp.partner.name,
        "worksite": str(opp.worksite)
        if opp.worksite
        else ("virtual" if opp.is_virtual else "to be arranged"),
        "opportunity": opp.title,
        "opportunity_kind": opp.get_kind_display(),
        "cluster": opp.cluster.name,
        "description": opp.description or "As described by the host.",
        "requirements": opp.requirements or "None beyond the school's.",
        "mentor_name": str(mentor.user) if mentor else "to be named by the host",
        "start_date": f"{placement.start_date:%B %-d, %Y}",
        "end_date": f"{placement.end_date:%B %-d, %Y}",
        "schedule": opp.schedule_summary(),
        "pay": f"paid at ${opp.hourly_rate} an hour" if opp.is_paid else "unpaid",
        "target_hours": f"{opp.target_hours} hours" if opp.target_hours else "not set",
        "hazardous_orders": opp.hazardous_orders
        or ("listed by the host" if opp.is_hazardous else "none"),
        "coordinator_contact": placement.district.wbl_contact_email
        or "your school's WBL coordinator",
    }


def render_text(body: str, values: dict[str, str]) -> str:
    """Fill ${placeholders}; string.Template cannot reach attributes, so district text is safe."""
    return string.Template(body).safe_substitute(values)


def check_template(body: str):
    """Refuse unknown placeholders and stray `$` so a district never sends a broken text."""
    try:
        string.Template(body).substitute(dict.fromkeys(PLACEHOLDERS, "x"))
    except KeyError as e:
        raise ValidationError(f"Unknown placeholder ${{{e.args[0]}}}.") from None
    except ValueError:
        raise ValidationError(
            "A “$” must start a placeholder such as ${student_name}; write $$ for a dollar sign."
        ) from None


@transaction.atomic
def set_agreement_text(*, district_id, kind, title, body, actor):
    """Save the district's wording for a kind; placements confirmed afterwards use it."""
    check_template(body)
    text, _ = AgreementText.objects.update_or_create(
        district_id=district_id,
        kind=kind,
        defaults={"title": title, "body": body, "updated_by": actor},
    )
    AuditEvent.record(
        actor=actor,
        action=AuditAction.AGREEMENT_TEXT_SAVED,
        target=text,
        district=text.district,
        data={"kind": kind, "sha256": hashlib.sha256(body.encode()).hexdigest()},
    )
    return text


@transaction.atomic
def reset_agreement_text(text, *, actor):
    """Go back to the default wording for a kind."""
    AuditEvent.record(
        actor=actor,
        action=AuditAction.AGREEMENT_TEXT_RESET,
        target=text,
        district=text.district,
        data={"kind": text.kind},
    )
    text.delete()


def create_agreements(placement) -> list[Agreement]:
    """Every document the placement needs, rendered now; called inside confirm_placement."""
    values = placeholder_values(placement)
    created = []
    for kind in kinds_for(placement):
        title, body = template_for(placement.district, kind)
        created.append(
            Agreement.objects.create(
                placement=placement,
                kind=kind,
                title=title,
                body=render_text(body, values),
                required_signers=required_signers(kind, placement),
            )
        )
    return created


# --- What is missing ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MissingSignature:
    agreement: Agreement
    role: str
    who: str

    @property
    def role_label(self) -> str:
        return SignerRole(self.role).label

    def __str__(self):
        return f"{self.agreement.title}: {self.role_label.lower()} ({self.who})"


def expected_signer(placement, role: str) -> str:
    """Who is expected to sign in a role, for the 'what is missing' list."""
    if role == SignerRole.STUDENT:
        return placement.student.full_name
    if role == SignerRole.MENTOR:
        return str(placement.mentor.user) if placement.mentor else "no mentor assigned yet"
    if role == SignerRole.GUARDIAN:
        names = [g.name for g in placement.student.guardian_links.all() if g.can_sign_consent]
        return " or ".join(names) if names else "no guardian on file who may sign"
    return f"a coordinator at {placement.student.school}"


def missing_signatures(placement) -> list[MissingSignature]:
    """Each (document, role) still unsigned; reads prefetched agreements when present."""
    missing = []
    for agreement in placement.agreements.all():
        signed = {s.role for s in agreement.signatures.all()}
        for role in agreement.required_signers:
            if role not in signed:
                missing.append(MissingSignature(agreement, role, expected_signer(placement, role)))
    return missing


def signatures_complete(placement) -> bool:
    """True when the placement has its agreements and every required role has signed."""
    agreements = list(placement.agreements.all())
    return bool(agreements) and not missing_signatures(placement)


# --- Signing -----------------------------------------------------------------------------


class SigningRefused(Refused):
    """A signature the rules refuse (wrong name, wrong signer, changed text); says why."""


def normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def acceptable_names(placement, role, *, actor=None, guardian_link=None) -> list[str]:
    student = placement.student
    if role == SignerRole.STUDENT:
        names = [f"{student.first_name} {student.last_name}", student.full_name]
    elif role == SignerRole.MENTOR:
        names = [placement.mentor.user.get_full_name()] if placement.mentor else []
    elif role == SignerRole.GUARDIAN:
        names = [guardian_link.name] if guardian_link else []
    else:
        names = [actor.get_full_name()] if actor else []
    return [normalise_name(n) for n in names if n.strip()]


def guardian_link_for_user(user, placement):
    """A signed-in guardian may sign in the app too, if the school lets them sign consent."""
    if not getattr(user, "is_authenticated", False):
        return None
    return placement.student.guardian_links.filter(
        guardian_user=user, can_sign_consent=True
    ).first()


def signable_roles(user, agreement) -> list[str]:
    """The unsigned roles on this agreement that this signed-in user may sign."""
    placement = agreement.placement
    if placement.status != Placement.Status.CONFIRMED or not getattr(
        user, "is_authenticated", False
    ):
        return []
    signed = {s.role for s in agreement.signatures.all()}
    holds = {
        SignerRole.STUDENT: lambda: placement.student.user_id == user.pk,
        SignerRole.MENTOR: lambda: bool(placement.mentor) and placement.mentor.user_id == user.pk,
        SignerRole.COORDINATOR: lambda: can(user, "agreement.sign_for_school", placement),
        SignerRole.GUARDIAN: lambda: guardian_link_for_user(user, placement) is not None,
    }
    roles = [r for r in agreement.required_signers if r not in signed and holds[SignerRole(r)]()]
    return roles


@transaction.atomic
def sign_agreement(*, agreement, role, typed_name, actor=None, guardian_link=None, ip_address=None):
    """Record one typed-name signature over the agreement's exact text.

    `actor` signs in the app; `guardian_link` signs from an e-mailed link without an account.
    Refused unless the placement awaits signatures, the role is required and unsigned, the
    signer holds that role, and the typed name matches theirs (case and spacing aside).
    """
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related(
            "placement__student__school", "placement__mentor__user", "placement__district"
        )
        .get(pk=agreement.pk)
    )
    placement = agreement.placement
    if placement.status != Placement.Status.CONFIRMED:
        raise SigningRefused(
            f"Agreements can be signed only while the placement is confirmed; it is {placement.get_status_display().lower()}."
        )
    if role not in agreement.required_signers:
        raise SigningRefused(
            f"The {agreement.title.lower()} does not need a {SignerRole(role).label.lower()}'s signature."
        )
    if agreement.signatures.filter(role=role).exists():
        raise SigningRefused(
            f"The {agreement.title.lower()} already has the {SignerRole(role).label.lower()}'s signature."
        )
    if guardian_link is not None:
        if (
            role != SignerRole.GUARDIAN
            or guardian_link.student_id != placement.student_id
            or not guardian_link.can_sign_consent
        ):
            raise PermissionDenied("This link cannot sign this agreement.")
    elif role == SignerRole.GUARDIAN:
        guardian_link = guardian_link_for_user(actor, placement)
        if guardian_link is None:
            raise PermissionDenied("Only the student's guardian can sign as guardian.")
    elif role not in signable_roles(actor, agreement):
        raise PermissionDenied("You cannot sign this agreement in that role.")
    if normalise_name(typed_name) not in acceptable_names(
        placement, role, actor=actor, guardian_link=guardian_link
    ):
        raise SigningRefused(
            "The typed name must match the signer's full name as the school has it."
        )
    body_hash = hashlib.sha256(agreement.body.encode()).hexdigest()
    if body_hash != agreement.body_sha256:
        # The stored text no longer matches its own hash: never sign a changed document.
        raise SigningRefused(
            "This agreement's text has changed since it was issued; ask the coordinator to reissue it."
        )
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                agreement=agreement,
                role=role,
                signer=actor if getattr(actor, "is_authenticated", False) else None,
                guardian_link=guardian_link,
                typed_name=" ".join(typed_name.split()),
                ip_address=ip_address,
                signed_text=agreement.body,
                signed_text_sha256=body_hash,
            )
    except IntegrityError:
        raise SigningRefused("Someone has just signed in this role.") from None
    AuditEvent.record(
        actor=actor,
        actor_label=signature.typed_name if guardian_link is not None else "",
        action=AuditAction.AGREEMENT_SIGNED,
        target=agreement,
        district=placement.district,
        ip_address=ip_address,
        data={
            "role": role,
            "typed_name": signature.typed_name,
            "sha256": body_hash,
            "placement": placement.pk,
        },
    )
    if agreement.kind == Kind.STUDENT_LEARNER and fully_signed(
        agreement.required_signers, agreement.signatures.values_list("role", flat=True)
    ):
        placement.student_learner_agreement_on_file = True
        placement.save(update_fields=["student_learner_agreement_on_file"])
    if signatures_complete(
        Placement.objects.prefetch_related("agreements__signatures").get(pk=placement.pk)
    ):
        notify(
            coordinators_for(placement.student),
            verb=Verb.SIGNATURES_COMPLETE,
            text=f"Every agreement for {placement} is signed; the placement can be activated.",
            url=reverse("lifecycle:placement", args=[placement.pk]),
            district=placement.district,
        )
    return signature


# --- Guardian links ------------------------------------------------------------------------


def make_guardian_token(guardian_link, agreement) -> str:
    return signing.TimestampSigner(salt=GUARDIAN_LINK_SALT).sign_object(
        {"g": guardian_link.pk, "a": agreement.pk}
    )


def read_guardian_token(token: str) -> tuple[int, int]:
    """(guardian_link_id, agreement_id); raises signing.BadSignature (SignatureExpired when old)."""
    data = signing.TimestampSigner(salt=GUARDIAN_LINK_SALT).unsign_object(
        token, max_age=settings.SIGNED_LINK_MAX_AGE_DAYS * 24 * 3600
    )
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("g"), int)
        or not isinstance(data.get("a"), int)
    ):
        raise signing.BadSignature("Malformed token.")
    return data["g"], data["a"]


def guardian_sign_url(guardian_link, agreement) -> str:
    return reverse("lifecycle:guardian_sign", args=[make_guardian_token(guardian_link, agreement)])


def request_guardian_signatures(placement) -> int:
    """E-mail each guardian who may sign a link per document awaiting a guardian; returns links sent."""
    pending = [
        a
        for a in placement.agreements.prefetch_related("signatures")
        if SignerRole.GUARDIAN in a.required_signers
        and SignerRole.GUARDIAN not in {s.role for s in a.signatures.all()}
    ]
    if not pending:
        return 0
    links = list(
        placement.student.guardian_links.filter(can_sign_consent=True).select_related(
            "guardian_user"
        )
    )
    messages, sent = [], 0
    days = settings.SIGNED_LINK_MAX_AGE_DAYS
    for link in links:
        lines = [
            f"Dear {link.name},",
            "",
            f"{placement.student.full_name} has a confirmed work-based learning placement: "
            f"{placement.opportunity.title} with {placement.opportunity.partner.name}, "
            f"{placement.start_date:%B %-d, %Y} to {placement.end_date:%B %-d, %Y}.",
            "",
            "Please read and sign these documents (each link works once and for "
            f"{days} days; you do not need an account):",
            "",
        ]
        for agreement in pending:
            lines.append(f"- {agreement.title}: {absolute_url(guardian_sign_url(link, agreement))}")
            sent += 1
        lines += [
            "",
            f"Questions: {placement.district.wbl_contact_email or 'your school’s WBL coordinator'}",
        ]
        messages.append(
            {
                "to": [link.email],
                "subject": f"Trellis: please sign for {placement.student.full_name}",
                "body": "\n".join(lines),
            }
        )
    send_emails(messages)
    guardian_users = [link.guardian_user for link in links if link.guardian_user]
    notify(
        guardian_users,
        verb=Verb.SIGNATURE_REQUESTED,
        text=f"Please sign the agreements for {placement}.",
        url=reverse("lifecycle:placement", args=[placement.pk]),
        email=False,  # the e-mail with the signing links has just been queued
        district=placement.district,
    )
    return sent
