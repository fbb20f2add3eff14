"""The upload form and the confirm form (with the explicit "import the rest" choice)."""

from django import forms

from trellis.core.stored_secrets import ClientSecretForm
from trellis.rostering.models import RosterSource
from trellis.rostering.pull import PullError, check_address


class UploadForm(forms.Form):
    file = forms.FileField(
        label="OneRoster ZIP",
        help_text="The CSV ZIP your SIS or rostering hub exports (OneRoster 1.1 or 1.2, bulk or delta).",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".zip"):
            raise forms.ValidationError("Choose the .zip file the SIS exported (manifest.csv and the CSV files inside).")
        return upload


class ConfirmForm(forms.Form):
    skip_invalid = forms.BooleanField(
        label="Import the rest and leave the refused rows out",
        required=False,
    )


class SourceForm(ClientSecretForm):
    """The SIS connection; the secret is write-only (never rendered back), as for SSO."""

    class Meta:
        model = RosterSource
        fields = ["base_url", "token_url", "client_id", "secret", "secret_env_var", "scope", "is_enabled"]
        labels = {"base_url": "Rostering service address", "token_url": "Token endpoint",
                  "client_id": "Client ID", "secret_env_var": "Secret in environment variable",
                  "is_enabled": "Pull every night"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("base_url", "token_url"):
            self.fields[name].assume_scheme = "https"  # a bare host name means https, never http

    def clean(self):
        data = super().clean()
        for field in ("base_url", "token_url"):
            if data.get(field):
                try:
                    check_address(data[field])
                except PullError as exc:
                    self.add_error(field, str(exc))
        return data
