"""Deny-by-default scoping machinery; each model states its own row rule beside itself.

A model's QuerySet subclasses `ScopedQuerySet` and answers `membership_q(user, membership)`:
the rows one membership opens. `for_user(user)` ORs those over the user's memberships, so a
model that states no rule, or a user with no membership, sees nothing. Superusers
(installation admins) see everything. `get_for_user` is the one fetch that 404s outside a
user's scope. Core knows no app and no role: the rules live with the models.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.http import Http404

NOTHING = Q(pk__in=[])


def signed_in(user) -> bool:
    """An active, signed-in account (None, anonymous and switched-off accounts are not)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def scope_q(user, membership_q) -> Q:
    """OR of `membership_q(user, m)` over the user's memberships; nothing by default."""
    if not signed_in(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    q = NOTHING
    for m in user.get_memberships():
        part = membership_q(user, m)
        if part is not None:
            q |= part
    return q


class ScopedQuerySet(models.QuerySet):
    """A QuerySet whose rows a user sees only where the model's rule says so."""

    # True where the rule joins a to-many relation and a row could come back twice.
    distinct_scope = False

    def membership_q(self, user, membership) -> Q | None:
        """The rows one membership opens; None (the default) opens nothing."""
        return None

    def scope_q(self, user) -> Q:
        """The row rule as a Q, for aggregates that join instead of filtering a queryset."""
        return scope_q(user, self.membership_q)

    def for_user(self, user):
        scoped = self.filter(self.scope_q(user))
        return scoped.distinct() if self.distinct_scope else scoped


@dataclass(frozen=True)
class AccessPaths:
    """Where a model keeps what the capability table checks, as ORM lookups from the model.

    `district`, `school` and `partner` lead to ids; `mentor` and `mentor_partner` to the
    user and partner of the record's mentor; `person` to the user a record is about (a
    student's own account); `guardian` to the users linked as the student's guardians. An
    empty path means the model has no such thing, and a rule that needs it never matches.
    """

    district: str = "district_id"
    school: str = ""
    partner: str = ""
    mentor: str = ""
    mentor_partner: str = ""
    person: str = ""
    guardian: str = ""

    def through(self, relation: str) -> "AccessPaths":
        """The same paths seen from a model that reaches this one through `relation`."""
        return AccessPaths(
            **{name: f"{relation}__{path}" if path else "" for name, path in vars(self).items()}
        )


def prefixed_q(q, prefix):
    """Rewrite a Q's lookups under a relation prefix (keeps connectors and negation)."""
    new = Q()
    new.connector = q.connector
    new.negated = q.negated
    new.children = [
        prefixed_q(c, prefix) if isinstance(c, Q) else (prefix + c[0], c[1]) for c in q.children
    ]
    return new


def get_for_user(queryset_or_model, user, pk, *, action=None):
    """Fetch one row inside the user's scope, or 404 (never 403: existence is not disclosed).

    Without `action` the scope is the model's row rule (what the user may see); with one it
    is what the capability table lets the user do (`user.permitted`, accounts.permissions).
    """
    queryset = (
        queryset_or_model._default_manager.all()
        if isinstance(queryset_or_model, type)
        else queryset_or_model
    )
    if action is None:
        scoped = queryset.for_user(user)
    elif signed_in(user):
        scoped = user.permitted(action, queryset)
    else:
        scoped = queryset.none()
    try:
        return scoped.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.verbose_name} found.") from None


def user_districts(user):
    return {m.district_id for m in user.get_memberships()}
