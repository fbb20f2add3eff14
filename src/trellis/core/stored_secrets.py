"""Secrets the district gives Trellis (SSO and SIS client secrets): encrypted at rest (Fernet).

The key is SSO_SECRETS_KEY (named for its first use; it encrypts every stored client secret);
demo and test runs derive one from SECRET_KEY so a fresh clone works. A connection may instead
name an environment variable that holds its secret, and then nothing secret is stored in the
database at all.
"""

import base64
import hashlib
import os

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretUnavailable(Exception):
    """The secret cannot be read: wrong key, or its environment variable is not set."""


def _fernet() -> Fernet:
    key = settings.SSO_SECRETS_KEY
    if not key:
        if not (settings.DEMO or settings.TESTING or settings.DEBUG):
            raise ImproperlyConfigured(
                "Set SSO_SECRETS_KEY to store district client secrets (or keep each secret in an "
                "environment variable and give its name instead)."
            )
        key = base64.urlsafe_b64encode(hashlib.sha256(settings.SECRET_KEY.encode()).digest())
    try:
        return Fernet(key)
    except ValueError as e:
        raise ImproperlyConfigured(f"SSO_SECRETS_KEY is not a Fernet key: {e}") from None


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnavailable(
            "The stored client secret cannot be decrypted with SSO_SECRETS_KEY; save it again."
        ) from None


def from_environment(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise SecretUnavailable(f"The environment variable {name} holding the client secret is not set.")
    return value
