"""A local OpenID Connect identity provider for the demo and the tests (django-oauth-toolkit).

It stands in for a district's Google Workspace, Entra ID, Clever or ClassLink: its own Django
project with its own database, sessions and directory of people, served on another port, so
Trellis signs in through it exactly as through a real provider (authorization code + PKCE,
signed ID tokens, nonce). Run: `python -m trellis.demo.idp DIRECTORY.json --port 8001`.
It is never mounted in Trellis itself.
"""
