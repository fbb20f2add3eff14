"""Signing in the way districts do: per-district SSO (OpenID Connect), MFA for staff, sessions."""
