"""The claims the directory puts in ID tokens and userinfo: e-mail (verified), names, extras."""

from oauth2_provider.oauth2_validators import OAuth2Validator

EXTRA_CLAIMS = ("student_number", "tid", "hd", "sis_id")


class DirectoryValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope, **dict.fromkeys(EXTRA_CLAIMS, "openid"),
    }

    def get_additional_claims(self, request):
        user = request.user
        entry = getattr(user, "entry", None)
        claims = {
            "email": user.email,
            "email_verified": True,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "name": f"{user.first_name} {user.last_name}".strip(),
        }
        extra = (entry.claims if entry else {}) or {}
        claims.update({k: v for k, v in extra.items() if k in EXTRA_CLAIMS or k == "email_verified"})
        return claims
