"""The integrations pages: API tokens (district and partner administrators) and webhooks
(district administrators), with each subscription's delivery log."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from trellis.accounts.permissions import granting_memberships
from trellis.api import services
from trellis.api.forms import ApiTokenForm, WebhookForm
from trellis.api.models import ApiToken, WebhookDelivery, WebhookSubscription
from trellis.core.pagination import paginate
from trellis.core.tenancy import get_for_user
from trellis.districts.models import District
from trellis.partners.models import Partner


def _token_memberships_or_404(user):
    memberships = granting_memberships(user, "api_token.manage")
    if not memberships:
        raise Http404("No such page.")
    return memberships


@never_cache
def tokens(request):
    memberships = _token_memberships_or_404(request.user)
    form = ApiTokenForm(request.POST or None, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["owner_kind"] == "partner":
            owner = {"partner": get_for_user(Partner.objects, request.user, data["owner_id"], action="api_token.manage")}
        else:
            owner = {"district": get_for_user(District.objects, request.user, data["owner_id"], action="api_token.manage")}
        try:
            token, key = services.create_api_token(
                actor=request.user, name=data["name"], scopes=data["scopes"],
                expires_on=data["expires_on"], **owner,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # The key is on this response only: never stored, never cached, never in a redirect.
            return render(request, "api/token_created.html", {"token": token, "key": key})
    page_obj = paginate(
        request, ApiToken.objects.for_user(request.user).select_related("created_by", "partner", "district")
    )
    return render(request, "api/tokens.html", {"form": form, "page_obj": page_obj, "has_webhooks": bool(
        granting_memberships(request.user, "webhook.manage"))})


@require_POST
def revoke_token(request, pk):
    token = get_for_user(ApiToken.objects, request.user, pk, action="api_token.manage")
    services.revoke_api_token(token=token, actor=request.user)
    messages.success(request, f"The token “{token.name}” is revoked; its key no longer works.")
    return redirect("integrations:tokens")


def _webhook_districts_or_404(user):
    memberships = granting_memberships(user, "webhook.manage")
    if not memberships:
        raise Http404("No such page.")
    return memberships


def webhooks(request):
    memberships = _webhook_districts_or_404(request.user)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        district = memberships[0].district
        try:
            subscription = services.create_webhook_subscription(actor=request.user, district=district, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"“{subscription.name}” is subscribed. Its signing secret is on its page.")
            return redirect("integrations:webhook", subscription.pk)
    page_obj = paginate(request, WebhookSubscription.objects.for_user(request.user))
    return render(request, "api/webhooks.html", {"form": form, "page_obj": page_obj})


@never_cache
def webhook(request, pk):
    subscription = get_for_user(WebhookSubscription.objects, request.user, pk, action="webhook.manage")
    deliveries = paginate(request, WebhookDelivery.objects.filter(subscription=subscription))
    return render(request, "api/webhook.html", {"subscription": subscription, "page_obj": deliveries})


@require_POST
def webhook_change(request, pk):
    subscription = get_for_user(WebhookSubscription.objects, request.user, pk, action="webhook.manage")
    what = request.POST.get("do")
    try:
        if what == "delete":
            services.delete_webhook_subscription(subscription=subscription, actor=request.user)
            messages.success(request, f"“{subscription.name}” is removed.")
            return redirect("integrations:webhooks")
        if what not in ("pause", "resume"):
            raise Http404("No such change.")
        services.set_webhook_active(subscription=subscription, actor=request.user, active=what == "resume")
    except PermissionDenied:
        raise Http404("No such webhook.") from None
    messages.success(request, f"“{subscription.name}” is {'resumed' if what == 'resume' else 'paused'}.")
    return redirect("integrations:webhook", subscription.pk)
