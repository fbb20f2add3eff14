"""Who may do what: one table of actions in the district's words, each row naming the roles
that may do it and the scope each of those roles acts in.

Seeing a record is the model's row rule (`for_user`, beside each model). Acting on it is
this table:

- `can(user, action, obj)` for one record; without `obj`, whether the user holds a role
  that may ever do it (menus and page guards);
- `permitted(user, action, queryset)`, the same rule as a filter, for lists;
- `core.tenancy.get_for_user(queryset, user, pk, action=...)`, the one fetch that 404s
  outside it.

A record tells the table where its district, school, partner, mentor, student and guardians
are through its model's `access_paths` (core.tenancy.AccessPaths), so this module reads
them without importing the apps above accounts. Lower layers that may not import accounts
ask the user instead: `user.can(...)`, `user.permitted(...)`.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, Subquery

from trellis.accounts.roles import MANAGER_ROLES, PARTNER_ROLES, STAFF_ROLES, Role
from trellis.core.tenancy import NOTHING, AccessPaths, signed_in


class Scope(StrEnum):
    """Where a role acts, compared with the record's own district, school, partner, people."""

    DISTRICT = "the record's district"
    DISTRICT_WIDE = "the record's district, from a role not limited to one school"
    SCHOOL = "the record's district if district-wide, otherwise the record's own school"
    PARTNER = "the record's partner (a partner belongs to one district)"
    MENTOR = "records the person mentors, at the partner they mentor for"
    GUARDIAN = "records of a student the person is linked to as a guardian"
    SELF = "records about the person themself (their own student record)"


@dataclass(frozen=True)
class Grant:
    roles: frozenset
    scope: Scope


@dataclass(frozen=True)
class Action:
    name: str
    description: str
    grants: tuple[Grant, ...]
    superuser: bool = True
    """Installation superusers may do it without a role (False where the work needs one)."""
    integration_only: bool = False
    """Only another system acting through an API token (trellis.api) may do it; people do
    the same work in the app as themselves."""


def _grants(**by_scope) -> tuple[Grant, ...]:
    return tuple(Grant(frozenset(roles), Scope[scope]) for scope, roles in by_scope.items())


MANAGERS = MANAGER_ROLES
STAFF = STAFF_ROLES
STUDENT = {Role.STUDENT}
MENTOR = {Role.MENTOR}
PARTNER_ADMIN = {Role.PARTNER_ADMIN}
GUARDIAN = {Role.GUARDIAN}

# The coordinator of the student: a district admin or district-wide coordinator of the
# district, or a coordinator of the student's own school. Counselors look but do not act.
STUDENTS_COORDINATOR = _grants(SCHOOL=MANAGERS)

_TABLE = (
    # --- Students -----------------------------------------------------------------------
    Action("student.view_full_record", "See a student's whole record (partners see a summary)",
           _grants(SCHOOL=STAFF, SELF=STUDENT, GUARDIAN=GUARDIAN)),
    Action("student.export_disclosures",
           "Export a student's FERPA disclosure record (who saw the record, when, why)",
           _grants(SCHOOL=MANAGERS)),
    Action("student_portal.use",
           "Use the student portal: one's own learning, applications, placements and record",
           _grants(SELF=STUDENT), superuser=False),
    Action("student.edit_profile", "Change a student's interests, availability and profile",
           _grants(SELF=STUDENT, SCHOOL=MANAGERS)),
    # --- Placements -----------------------------------------------------------------------
    Action("placement.propose", "Propose a placement for a student", STUDENTS_COORDINATOR),
    Action("placement.manage",
           "Run a placement: confirm, activate, complete, withdraw, change its mentor, "
           "see its agreements and outcomes; the placement board", STUDENTS_COORDINATOR),
    Action("placement.replace", "Re-place a student after a withdrawal", STUDENTS_COORDINATOR),
    Action("partner.review_relationship",
           "A partner's record with the district: hosting, withdrawals, evaluations, hires",
           _grants(DISTRICT=MANAGERS)),
    Action("outcome.record", "Record a student's outcome with a partner", STUDENTS_COORDINATOR),
    Action("concern.resolve", "Resolve a concern raised about a placement", STUDENTS_COORDINATOR),
    Action("agreement.sign_for_school", "Sign a placement's agreements as the coordinator",
           STUDENTS_COORDINATOR),
    Action("guardian.follow", "Follow a linked student's placements (a guardian's home page)",
           _grants(GUARDIAN=GUARDIAN), superuser=False),
    Action("agreement_text.edit", "Set the district's wording of agreements",
           _grants(DISTRICT_WIDE=MANAGERS), superuser=False),
    Action("placement.read_withdrawal_note", "Read why a placement was withdrawn",
           _grants(SCHOOL=STAFF, PARTNER=PARTNER_ROLES)),
    Action("placement.read_partner_standing", "Read the district's note on the partner relationship",
           _grants(SCHOOL=STAFF)),
    Action("placement.supervise", "A mentor's own interns, mentor records and calendar",
           _grants(MENTOR=MENTOR), superuser=False),
    Action("placement.evaluate", "Evaluate an intern against the district's rubric",
           _grants(MENTOR=MENTOR), superuser=False),
    Action("rubric.configure", "Set the district's evaluation rubric",
           _grants(DISTRICT_WIDE=MANAGERS)),
    # --- Applications and match rounds ----------------------------------------------------
    Action("application.submit", "Apply to an opportunity, or withdraw one's application",
           _grants(SELF=STUDENT), superuser=False),
    Action("reflection.write", "Write a reflection on one's own placement", _grants(SELF=STUDENT),
           superuser=False),
    Action("application.review", "Decline, rank or accept a partner's applicants",
           _grants(PARTNER=PARTNER_ADMIN), superuser=False),
    Action("round.create", "Open a match round for the district or one's school",
           _grants(SCHOOL=MANAGERS)),
    Action("round.manage", "Run, compare, publish and follow up a match round",
           _grants(SCHOOL=MANAGERS)),
    Action("round.review", "The staff pages of a match round", _grants(DISTRICT=STAFF)),
    Action("round.rank", "Rank opportunities in a round for oneself", _grants(SELF=STUDENT),
           superuser=False),
    # --- Partners and opportunities -------------------------------------------------------
    Action("partner.manage",
           "Run the partner portal: profile, worksites, mentors, interns",
           _grants(PARTNER=PARTNER_ADMIN), superuser=False),
    Action("opportunity.edit", "Draft, change, submit and close a partner's opportunities",
           _grants(PARTNER=PARTNER_ADMIN), superuser=False),
    Action("opportunity.approve", "Approve or return opportunities partners submit",
           _grants(DISTRICT=MANAGERS)),
    Action("opportunity.track", "See drafts, seats filled and the placements of opportunities",
           _grants(DISTRICT=STAFF, PARTNER=PARTNER_ROLES)),
    Action("opportunity_feed.manage", "Keep an opportunity's calendar feed",
           _grants(DISTRICT=MANAGERS, PARTNER=PARTNER_ADMIN)),
    Action("mentor.record_background_check",
           "Record or clear a mentor's background check (district-wide roles only: the "
           "district vouches for the check, not one school)",
           _grants(DISTRICT_WIDE=MANAGERS)),
    # --- Hours, schedules, pay ------------------------------------------------------------
    Action("hours.log", "Log, fix and withdraw one's own unapproved hours", _grants(SELF=STUDENT),
           superuser=False),
    Action("hours.approve", "Approve or return the hours of students one supervises",
           _grants(MENTOR=MENTOR, PARTNER=PARTNER_ADMIN), superuser=False),
    Action("hours.correct", "Correct any hour log, approved ones included", STUDENTS_COORDINATOR),
    Action("hours.oversee",
           "Follow up hours: flagged logs, logs awaiting approval, e-mailed approval requests",
           STUDENTS_COORDINATOR),
    Action("schedule.view", "See a placement's schedule and sessions", _grants(SCHOOL=STAFF)),
    Action("schedule.edit", "Set a placement's schedule and regenerate its sessions",
           STUDENTS_COORDINATOR),
    Action("payroll.view", "See pay and planned spend of the placements one coordinates",
           STUDENTS_COORDINATOR),
    Action("pay_period.view", "See the district's pay periods", _grants(DISTRICT=MANAGERS)),
    Action("pay_period.manage", "Add, change and delete pay periods",
           _grants(DISTRICT_WIDE=MANAGERS)),
    Action("budget.view", "See the district's program budgets", _grants(DISTRICT=MANAGERS)),
    Action("budget.manage", "Create and change program budgets", _grants(DISTRICT_WIDE=MANAGERS)),
    # --- The district ---------------------------------------------------------------------
    Action("district.browse",
           "The staff lists: students, partners, opportunities, placements, rounds, hours",
           _grants(DISTRICT=STAFF)),
    Action("calendar.view", "Read the district calendar", _grants(DISTRICT=STAFF)),
    Action("calendar.import", "Import and edit the whole district calendar",
           _grants(DISTRICT_WIDE=MANAGERS)),
    Action("calendar.edit_day", "Edit a calendar day (a school's own days for its coordinator)",
           _grants(SCHOOL=MANAGERS)),
    Action("insights.view", "Read insights: gaps, reports, exports", _grants(SCHOOL=STAFF),
           superuser=False),
    Action("insights.act", "Act on insights: draft in-district opportunities",
           _grants(SCHOOL=MANAGERS), superuser=False),
    Action("insights.configure", "Configure insights for the whole district",
           _grants(DISTRICT_WIDE=MANAGERS), superuser=False),
    Action("roster.import",
           "Import the district's people and schools from its SIS (OneRoster) and read the import history",
           _grants(DISTRICT_WIDE=MANAGERS)),
    Action("roster.connect",
           "Connect the district's SIS for a scheduled roster pull (OneRoster 1.2 REST, its client "
           "credentials)", _grants(DISTRICT={Role.DISTRICT_ADMIN}), superuser=False),
    Action("staff.invite", "Invite district staff and give them a role",
           _grants(DISTRICT={Role.DISTRICT_ADMIN}), superuser=False),
    Action("staff.remove", "Take a staff role away", _grants(DISTRICT={Role.DISTRICT_ADMIN}),
           superuser=False),
    Action("sso.configure",
           "Connect the district's single sign-on (Google, Microsoft, Clever, ClassLink, OpenID "
           "Connect) and set its sign-in policy", _grants(DISTRICT={Role.DISTRICT_ADMIN}),
           superuser=False),
    Action("mfa.reset", "Reset a staff member's multi-factor authentication",
           _grants(DISTRICT={Role.DISTRICT_ADMIN}), superuser=False),
    Action("district.administer", "Use the site administration for one's district",
           _grants(DISTRICT={Role.DISTRICT_ADMIN}), superuser=False),
    Action("student.roster", "Add and update students from the SIS by their SIS id (rostering)",
           _grants(DISTRICT_WIDE=MANAGERS)),
    Action("hours.log_for_student",
           "Log hours for a student from another system (a partner's time clock, the district's)",
           _grants(PARTNER=PARTNER_ADMIN, SCHOOL=MANAGERS), superuser=False, integration_only=True),
    # --- Integrations ---------------------------------------------------------------------
    Action("api_token.manage",
           "Create and revoke API tokens for the district's or the partner's own systems",
           _grants(DISTRICT={Role.DISTRICT_ADMIN}, PARTNER=PARTNER_ADMIN), superuser=False),
    Action("webhook.manage", "Subscribe the district's systems to events (webhooks)",
           _grants(DISTRICT={Role.DISTRICT_ADMIN}), superuser=False),
)

ACTIONS: dict[str, Action] = {action.name: action for action in _TABLE}
assert len(ACTIONS) == len(_TABLE), "an action is listed twice"


def action(name: str) -> Action:
    """The table's row; an unknown name is a programming error, never a quiet refusal."""
    try:
        return ACTIONS[name]
    except KeyError:
        raise LookupError(f"No action {name!r} in the capability table.") from None


# --- Reading a record's paths ----------------------------------------------------------------


def paths_of(model) -> AccessPaths:
    paths = getattr(model, "access_paths", None)
    if paths is None:
        raise LookupError(f"{model.__name__} states no access_paths for the capability table.")
    return paths


def _value(obj, path: str):
    """Follow `a__b__c` through attributes; None where a link is empty."""
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def _reaches(obj, path: str, value) -> bool:
    """Whether a path through a to-many relation (a related manager) reaches `value`."""
    parts = path.split("__")
    for i, part in enumerate(parts):
        if obj is None:
            return False
        obj = getattr(obj, part)
        if hasattr(obj, "filter"):
            return obj.filter(**{"__".join(parts[i + 1 :]): value}).exists()
    return obj == value


# --- The answers -----------------------------------------------------------------------------


def _narrowed_out(user, rule: Action) -> bool:
    """A principal may narrow what its roles give to a set of actions: an API token's identity
    carries `allowed_actions` from the token's scopes (trellis.api.tokens). People do not,
    and may not do what only an integration does."""
    allowed = getattr(user, "allowed_actions", None)
    if allowed is None:
        return rule.integration_only
    return rule.name not in allowed


def _holds(m, grant: Grant) -> bool:
    return m.role in grant.roles and (grant.scope != Scope.DISTRICT_WIDE or m.is_district_wide)


def _covers(user, m, scope: Scope, obj, paths: AccessPaths) -> bool:
    # A partner belongs to one district: the partner scopes compare the partner alone.
    if scope == Scope.PARTNER:
        return bool(paths.partner) and m.partner_id is not None and _value(obj, paths.partner) == m.partner_id
    if scope == Scope.MENTOR:
        return (
            bool(paths.mentor)
            and m.partner_id is not None
            and _value(obj, paths.mentor) == user.pk
            and _value(obj, paths.mentor_partner) == m.partner_id
        )
    if _value(obj, paths.district) != m.district_id:
        return False
    if scope == Scope.DISTRICT:
        return True
    if scope == Scope.DISTRICT_WIDE:
        return m.is_district_wide
    if scope == Scope.SCHOOL:
        if m.is_district_wide:
            return True
        return bool(paths.school) and m.school_id is not None and _value(obj, paths.school) == m.school_id
    if scope == Scope.GUARDIAN:
        return bool(paths.guardian) and _reaches(obj, paths.guardian, user.pk)
    return False


def can(user, name: str, obj=None) -> bool:
    """May this user do `name` to `obj` (or, without one, ever do it somewhere)?"""
    rule = action(name)
    if not signed_in(user) or _narrowed_out(user, rule):
        return False
    if user.is_superuser and rule.superuser:
        return True
    memberships = user.get_memberships()
    if obj is None:
        return any(_holds(m, grant) for grant in rule.grants for m in memberships)
    paths = paths_of(type(obj))
    for grant in rule.grants:
        if grant.scope == Scope.SELF:
            if paths.person and user.pk is not None and _value(obj, paths.person) == user.pk:
                return True
            continue
        for m in memberships:
            if m.role in grant.roles and _covers(user, m, grant.scope, obj, paths):
                return True
    return False


def _scope_q(user, m, scope: Scope, model, paths: AccessPaths) -> Q | None:
    if scope == Scope.PARTNER:
        return Q(**{paths.partner: m.partner_id}) if paths.partner else None
    if scope == Scope.MENTOR:
        if not paths.mentor:
            return None
        return Q(**{paths.mentor: user.pk, paths.mentor_partner: m.partner_id})
    district = Q(**{paths.district: m.district_id})
    if scope == Scope.DISTRICT:
        return district
    if scope == Scope.DISTRICT_WIDE:
        return district if m.is_district_wide else None
    if scope == Scope.SCHOOL:
        if m.is_district_wide:
            return district
        return district & Q(**{paths.school: m.school_id}) if paths.school else None
    if scope == Scope.GUARDIAN:
        if not paths.guardian:
            return None
        linked = model._default_manager.filter(**{paths.guardian: user.pk}).values("pk")
        return district & Q(pk__in=Subquery(linked))
    return None


def permitted_q(user, name: str, model) -> Q:
    """The rows of `model` the user may do `name` to, as a Q (nothing by default)."""
    rule = action(name)
    if not signed_in(user) or _narrowed_out(user, rule):
        return NOTHING
    if user.is_superuser and rule.superuser:
        return Q()
    paths = paths_of(model)
    q = NOTHING
    for grant in rule.grants:
        if grant.scope == Scope.SELF:
            if paths.person:
                q |= Q(**{paths.person: user.pk})
            continue
        for m in user.get_memberships():
            if m.role in grant.roles:
                part = _scope_q(user, m, grant.scope, model, paths)
                if part is not None:
                    q |= part
    return q


def require(user, name: str, obj=None, *, refusal: str) -> None:
    """For services: raise PermissionDenied with `refusal` unless `can(user, name, obj)`.

    Views fetch with get_for_user (404 outside scope); a service called with a record the
    actor may see but not act on refuses with a sentence saying who may.
    """
    if not can(user, name, obj):
        raise PermissionDenied(refusal)


def permitted(user, name: str, queryset):
    """`queryset` narrowed to the rows the user may do `name` to."""
    return queryset.filter(permitted_q(user, name, queryset.model))


def granting_memberships(user, name: str) -> list:
    """The user's memberships that give `name` somewhere (for pages that pick a district)."""
    rule = action(name)
    if not signed_in(user) or _narrowed_out(user, rule):
        return []
    return [m for m in user.get_memberships() if any(_holds(m, g) for g in rule.grants)]


def district_ids(user, name: str) -> set[int]:
    """Districts where one of the user's roles gives `name` (superusers: only their own)."""
    return {m.district_id for m in granting_memberships(user, name)}
