"""Settings of the local identity provider: a separate Django project with its own database."""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

HERE = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("IDP_DATA_DIR", HERE.parents[3] / "var" / "demo-idp"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("IDP_SECRET_KEY", "demo-identity-provider-key-not-for-production-0123456789")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oauth2_provider",
    "trellis.demo.idp",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "trellis.demo.idp.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "idp.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Its own cookies: Trellis and the provider may share a host name on different ports.
SESSION_COOKIE_NAME = "demo_idp_session"
CSRF_COOKIE_NAME = "demo_idp_csrf"
LOGIN_URL = "/login/"
USE_TZ = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _signing_key() -> str:
    path = DATA_DIR / "signing-key.pem"
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        path.chmod(0o600)
    return path.read_text()


OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _signing_key(),
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "trellis.demo.idp.validator.DirectoryValidator",
    "SCOPES": {"openid": "Sign in", "profile": "Your name", "email": "Your e-mail address"},
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
}
