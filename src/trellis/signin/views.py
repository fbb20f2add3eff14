"""District SSO settings, staff MFA (district administrators), and the "ask your coordinator" page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from trellis.accounts.permissions import granting_memberships, permitted
from trellis.accounts.staff import staff_memberships
from trellis.core.http import refusal_text
from trellis.core.pagination import paginate
from trellis.core.tenancy import get_for_user
from trellis.signin import services
from trellis.signin.forms import ConnectionForm, PolicyForm
from trellis.signin.models import SignInPolicy, SSOConnection


def _district_or_404(user):
    memberships = granting_memberships(user, "sso.configure")
    if not memberships:
        raise Http404("No such page.")
    return memberships[0].district


def _connections(user):
    return permitted(user, "sso.configure", SSOConnection.objects.for_user(user)).select_related("district")


def connections(request):
    district = _district_or_404(request.user)
    policy = SignInPolicy.objects.filter(district=district).first()
    form = PolicyForm(request.POST or None, initial={
        "partner_admins_need_mfa": bool(policy and policy.partner_admins_need_mfa)})
    if request.method == "POST" and form.is_valid():
        services.set_signin_policy(district=district, actor=request.user,
                                   partner_admins_need_mfa=form.cleaned_data["partner_admins_need_mfa"])
        messages.success(request, "Saved the sign-in policy.")
        return redirect("signin:connections")
    page_obj = paginate(request, _connections(request.user))
    return render(request, "signin/connections.html",
                  {"page_obj": page_obj, "district": district, "policy_form": form})


def _unique_slug(district, kind) -> str:
    base = slugify(f"{district.slug}-{kind}")[:70]
    slug, n = base, 1
    while SSOConnection.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _edit(request, connection):
    form = ConnectionForm(request.POST or None, instance=connection)
    if request.method == "POST" and form.is_valid():
        connection = form.save(commit=False)
        if not connection.slug:
            connection.slug = _unique_slug(connection.district, connection.kind)
        try:
            services.save_connection(connection=connection, actor=request.user,
                                     secret=form.cleaned_data["secret"])
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"Saved {connection.label}. Its secret is stored and will not be shown again.")
            return redirect("signin:connections")
    redirect_uri = None
    if connection.slug:
        from django.urls import reverse
        redirect_uri = request.build_absolute_uri(
            reverse("district_sso_callback", kwargs={"provider_id": connection.slug}))
    return render(request, "signin/connection_form.html",
                  {"form": form, "connection": connection, "redirect_uri": redirect_uri})


def connection_add(request):
    district = _district_or_404(request.user)
    return _edit(request, SSOConnection(district=district))


def connection_edit(request, pk):
    _district_or_404(request.user)
    return _edit(request, get_for_user(_connections(request.user), request.user, pk, action="sso.configure"))


@require_POST
def connection_remove(request, pk):
    _district_or_404(request.user)
    connection = get_for_user(_connections(request.user), request.user, pk, action="sso.configure")
    services.remove_connection(connection=connection, actor=request.user)
    messages.success(request, f"Removed {connection.label}.")
    return redirect("signin:connections")


def staff_mfa(request):
    if not granting_memberships(request.user, "mfa.reset"):
        raise Http404("No such page.")
    memberships = permitted(request.user, "mfa.reset", staff_memberships(request.user))
    page_obj = paginate(request, memberships)
    users = [m.user for m in page_obj]
    with_mfa = services.users_with_mfa(users)
    rows = [(m, m.user_id in with_mfa) for m in page_obj]
    return render(request, "signin/staff_mfa.html", {"page_obj": page_obj, "rows": rows})


@require_POST
def mfa_reset(request, pk):
    membership = get_for_user(staff_memberships(request.user), request.user, pk, action="mfa.reset")
    try:
        services.reset_mfa(membership=membership, actor=request.user)
    except ValidationError as e:
        messages.error(request, refusal_text(e))
    else:
        messages.success(request, f"Reset {membership.user.get_full_name()}'s MFA and signed them out "
                                  "everywhere. They set it up again at their next sign-in.")
    return redirect("signin:staff_mfa")
