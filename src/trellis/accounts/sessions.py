"""Ending a person's sessions: when they are switched off, lose their roles, or reset MFA.

Every sign-in is tracked by allauth's user sessions (on Django's user_logged_in), so its list
is the person's sessions; ending one deletes it from the session store. Changing a password
ends the other sessions too, through Django's session hash (the person's own stays).
"""

from allauth.usersessions.models import UserSession


def end_sessions(user, *, keep_session_key: str = "") -> int:
    """Sign the person out everywhere (but `keep_session_key`); the number of sessions ended."""
    ended = 0
    for session in UserSession.objects.filter(user=user).exclude(session_key=keep_session_key):
        session.end()
        ended += 1
    return ended
