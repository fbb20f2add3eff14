"""The sign-in page's district SSO buttons."""

from django import template

from trellis.signin.models import SSOConnection

register = template.Library()


@register.inclusion_tag("signin/_sso_buttons.html", takes_context=True)
def sso_buttons(context):
    connections = SSOConnection.objects.enabled().select_related("district").order_by("district__name", "label")
    return {"connections": list(connections[:50]), "next": context.get("next", ""),
            "csrf_token": context.get("csrf_token")}
