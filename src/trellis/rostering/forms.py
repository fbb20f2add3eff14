"""The upload form and the confirm form (with the explicit "import the rest" choice)."""

from django import forms


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
