"""The roles a membership gives, in the district's words (the capability table names them)."""

from django.db import models


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", "District administrator"
    COORDINATOR = "coordinator", "WBL coordinator"
    COUNSELOR = "counselor", "Counselor"
    MENTOR = "mentor", "Mentor"
    PARTNER_ADMIN = "partner_admin", "Partner administrator"
    STUDENT = "student", "Student"
    GUARDIAN = "guardian", "Parent or guardian"


STAFF_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.COORDINATOR, Role.COUNSELOR})
"""District and school staff: they see the district's (or their school's) records."""
MANAGER_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.COORDINATOR})
"""Staff who act (counselors look but do not act)."""
PARTNER_ROLES = frozenset({Role.MENTOR, Role.PARTNER_ADMIN})
SCHOOL_STAFF_ROLES = frozenset({Role.COORDINATOR, Role.COUNSELOR})
"""Roles a membership may limit to one school (a database constraint keeps it so)."""
