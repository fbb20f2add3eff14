"""API keys and the identity a request with one acts as.

A key is `trl_` + 43 URL-safe characters (32 random bytes); the database keeps its SHA-256
only. A request with a key acts as the token's `identity`: a service account that holds, for
this request, the creating administrator's role in the token's district (or partner), so
every `for_user` row rule and every `can` in the capability table applies to it unchanged,
and `allowed_actions` narrows the table to the actions the token's scopes open
(accounts.permissions honours it). When the creator loses the role, the token loses it too.
"""

from trellis.accounts.models import Membership, Role
from trellis.api.scopes import actions_for
from trellis.core.tokens import hash_token, new_token

KEY_PREFIX = "trl_"


def new_key() -> str:
    return KEY_PREFIX + new_token()


def hash_key(key: str) -> str:
    return hash_token(key)


def lends_role(m, *, district_id, partner_id) -> bool:
    """Whether the creator's membership `m` is the role a token of this district or partner acts with."""
    if partner_id is not None:
        return m.role == Role.PARTNER_ADMIN and m.partner_id == partner_id
    return m.role == Role.DISTRICT_ADMIN and m.district_id == district_id


def identity_for(token):
    """The token's service account, holding the creator's role narrowed to the token's scopes."""
    user = token.identity
    creator = token.created_by
    lent = creator.get_memberships() if creator.is_active else []
    user._memberships_cache = [
        Membership(user=user, role=m.role, district=m.district, school=m.school, partner=m.partner)
        for m in lent
        if lends_role(m, district_id=token.district_id, partner_id=token.partner_id)
    ]
    user.allowed_actions = actions_for(token.scopes)
    user.is_superuser = False
    return user
