"""Which documents a placement needs and who signs each, from plain facts.

The values are those of `placements.models.Agreement.Kind` and `SignerRole` (a test holds them
equal), so the services, the pages and the demo generator all ask here.
"""

TRAINING_AGREEMENT = "training_agreement"
TRAINING_PLAN = "training_plan"
PARENTAL_CONSENT = "parental_consent"
STUDENT_LEARNER = "student_learner"
KINDS = (TRAINING_AGREEMENT, TRAINING_PLAN, PARENTAL_CONSENT, STUDENT_LEARNER)

STUDENT = "student"
GUARDIAN = "guardian"
MENTOR = "mentor"
COORDINATOR = "coordinator"
SIGNER_ROLES = (STUDENT, GUARDIAN, MENTOR, COORDINATOR)


def agreement_kinds(*, hazardous: bool, minor: bool) -> list[str]:
    """The documents a placement needs: a minor in hazardous work also signs a student-learner
    agreement (29 CFR 570.50(c))."""
    kinds = [TRAINING_AGREEMENT, TRAINING_PLAN, PARENTAL_CONSENT]
    if hazardous and minor:
        kinds.append(STUDENT_LEARNER)
    return kinds


def signers_for(kind: str, *, minor: bool) -> list[str]:
    """The roles whose signatures a document needs; a guardian signs only for a minor."""
    guardian = [GUARDIAN] if minor else []
    roles = {
        TRAINING_AGREEMENT: [STUDENT, *guardian, MENTOR, COORDINATOR],
        TRAINING_PLAN: [STUDENT, MENTOR, COORDINATOR],
        PARENTAL_CONSENT: [GUARDIAN] if minor else [STUDENT],
        STUDENT_LEARNER: [STUDENT, *guardian, MENTOR, COORDINATOR],
    }
    if kind not in roles:
        raise ValueError(f"Unknown agreement kind {kind!r}.")
    return roles[kind]


def fully_signed(required_signers, signed_roles) -> bool:
    """Every required role has signed (an agreement needing nobody is not "signed")."""
    return bool(required_signers) and set(required_signers) <= set(signed_roles)
