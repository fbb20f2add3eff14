"""Secret URL tokens (e-mailed approval links, calendar feeds): random, stored only as a hash.

A token is 256 random bits, URL-safe; the database keeps its SHA-256, so a copy of the
database opens nothing. A record is found by hashing the token from the URL.
"""

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
