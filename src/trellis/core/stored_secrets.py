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
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


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


class ClientSecretFields(models.Model):
    """An OAuth client's id and secret (district SSO, the SIS pull): the secret is encrypted in the
    database or named as an environment variable, and never shown on a page."""

    client_id = models.CharField(max_length=255)
    secret_ciphertext = models.TextField(blank=True, editable=False)
    secret_env_var = models.CharField(
        max_length=100, blank=True,
        help_text="Or keep the secret out of the database: the environment variable that holds it.",
    )

    class Meta:
        abstract = True

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_ciphertext or self.secret_env_var)

    def set_secret(self, plaintext: str = "") -> None:
        """A new secret replaces the stored one; naming a variable drops the stored one."""
        if plaintext:
            self.secret_ciphertext = encrypt(plaintext)
            self.secret_env_var = ""
        elif self.secret_env_var:
            self.secret_ciphertext = ""

    def client_secret(self) -> str:
        """The secret, for the token request only."""
        if self.secret_env_var:
            return from_environment(self.secret_env_var)
        if not self.secret_ciphertext:
            raise SecretUnavailable("No client secret is saved for this connection.")
        return decrypt(self.secret_ciphertext)


class ClientSecretForm(forms.ModelForm):
    """The write-only secret field (never rendered back) and its checks, for a ClientSecretFields model."""

    secret = forms.CharField(
        label="Client secret", required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Stored encrypted and never shown again. Leave empty to keep the saved one.",
    )

    def clean(self):
        data = super().clean()
        if not (data.get("secret") or data.get("secret_env_var") or (self.instance.pk and self.instance.has_secret)):
            self.add_error("secret", "Give the client secret, or the environment variable that holds it.")
        env = data.get("secret_env_var") or ""
        if env and not env.replace("_", "").isalnum():
            self.add_error("secret_env_var", "Letters, digits and underscores only.")
        return data
