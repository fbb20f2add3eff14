"""What an API token may do: its scopes, and the capability-table actions each one opens.

A token's identity holds the creating administrator's role (trellis.api.tokens); its scopes
narrow that role to the actions listed here. A read scope opens its endpoints (and the few
actions the reads themselves ask the table); a write scope opens the actions its endpoints'
services check. An action no scope lists is refused to every token.
"""

from django.db import models


class Scope(models.TextChoices):
    READ_DISTRICTS = "read:districts", "Read the district, schools and school years"
    READ_PARTNERS = "read:partners", "Read partners and worksites"
    READ_OPPORTUNITIES = "read:opportunities", "Read opportunities"
    READ_STUDENTS = "read:students", "Read students"
    READ_APPLICATIONS = "read:applications", "Read applications"
    READ_PLACEMENTS = "read:placements", "Read placements, their status history and sessions"
    READ_HOURS = "read:hours", "Read hour logs"
    READ_EVALUATIONS = "read:evaluations", "Read evaluations, reflections and outcomes"
    READ_ROUNDS = "read:rounds", "Read match rounds and their results"
    READ_REPORTS = "read:reports", "Read the reports' data (gaps, participation, Perkins 5S3)"
    WRITE_OPPORTUNITIES = "write:opportunities", "Create and update the partner's opportunities"
    WRITE_HOURS = "write:hours", "Log hours and approve them"
    WRITE_STUDENTS = "write:students", "Add and update students by SIS id"


ACTIONS_BY_SCOPE: dict[str, frozenset[str]] = {
    Scope.READ_DISTRICTS: frozenset(),
    Scope.READ_PARTNERS: frozenset(),
    Scope.READ_OPPORTUNITIES: frozenset({"opportunity.track"}),
    Scope.READ_STUDENTS: frozenset({"student.view_full_record"}),
    Scope.READ_APPLICATIONS: frozenset(),
    Scope.READ_PLACEMENTS: frozenset({"placement.read_withdrawal_note", "schedule.view"}),
    Scope.READ_HOURS: frozenset(),
    # Reflections and outcomes are of students whose whole record the caller may read.
    Scope.READ_EVALUATIONS: frozenset({"student.view_full_record"}),
    Scope.READ_ROUNDS: frozenset({"round.review"}),
    Scope.READ_REPORTS: frozenset({"insights.view"}),
    Scope.WRITE_OPPORTUNITIES: frozenset({"opportunity.edit"}),
    Scope.WRITE_HOURS: frozenset({"hours.log_for_student", "hours.approve", "hours.correct"}),
    Scope.WRITE_STUDENTS: frozenset({"student.roster"}),
}
assert set(ACTIONS_BY_SCOPE) == set(Scope.values), "every scope states its actions"

# A partner's systems read and write the partner's own records; the district's, the rest.
PARTNER_SCOPES = frozenset({
    Scope.READ_DISTRICTS, Scope.READ_PARTNERS, Scope.READ_OPPORTUNITIES, Scope.READ_STUDENTS,
    Scope.READ_APPLICATIONS, Scope.READ_PLACEMENTS, Scope.READ_HOURS,
    Scope.WRITE_OPPORTUNITIES, Scope.WRITE_HOURS,
})
DISTRICT_SCOPES = frozenset(Scope.values) - {Scope.WRITE_OPPORTUNITIES}


def actions_for(scopes) -> frozenset[str]:
    out: set[str] = set()
    for scope in scopes:
        out |= ACTIONS_BY_SCOPE.get(scope, frozenset())
    return frozenset(out)
