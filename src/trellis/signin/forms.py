"""The district SSO connection form: the secret is write-only (never rendered back)."""

from django import forms

from trellis.core.stored_secrets import ClientSecretForm
from trellis.signin.models import Kind, SSOConnection


class ConnectionForm(ClientSecretForm):
    class Meta:
        model = SSOConnection
        fields = ["kind", "label", "issuer_url", "tenant_id", "client_id", "secret",
                  "secret_env_var", "allowed_domains", "sis_id_claim", "is_enabled"]
        labels = {"kind": "Identity provider", "issuer_url": "Issuer URL", "tenant_id": "Tenant ID",
                  "client_id": "Client ID", "secret_env_var": "Secret in environment variable",
                  "allowed_domains": "Allowed e-mail domains", "sis_id_claim": "SIS number claim",
                  "is_enabled": "People can sign in with this"}

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Kind.MICROSOFT and not data.get("tenant_id"):
            self.add_error("tenant_id", "Microsoft sign-in needs the district's tenant ID.")
        if kind == Kind.OIDC and not data.get("issuer_url"):
            self.add_error("issuer_url", "Give the provider's issuer URL.")
        return data


class PolicyForm(forms.Form):
    partner_admins_need_mfa = forms.BooleanField(
        required=False, label="Partner administrators must use multi-factor authentication too"
    )
