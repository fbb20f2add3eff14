"""District staff pages: who has a staff role, invite someone, take a role away (district admins)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from trellis.accounts import staff
from trellis.accounts.forms import StaffInviteForm
from trellis.core.http import refusal_text
from trellis.core.pagination import paginate
from trellis.core.tenancy import get_for_user


def _district_ids_or_404(user) -> set[int]:
    ids = staff.administered_district_ids(user)
    if not ids:
        raise Http404("No such page.")
    return ids


def _membership_or_404(user, pk):
    return get_for_user(staff.staff_memberships(user), user, pk, action="staff.remove")


def staff_list(request):
    _district_ids_or_404(request.user)
    page_obj = paginate(request, staff.staff_memberships(request.user))
    return render(request, "accounts/staff/list.html", {"page_obj": page_obj})


def staff_invite(request):
    district_ids = _district_ids_or_404(request.user)
    form = StaffInviteForm(request.POST or None, district_ids=district_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = staff.invite_staff(
                district=data["district"],
                actor=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                school=data["school"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request,
                f"{membership.user.get_full_name()} is now {membership.get_role_display()}"
                f" for {membership.school or membership.district}.",
            )
            return redirect("accounts:staff")
    return render(request, "accounts/staff/invite.html", {"form": form})


@require_POST
def staff_remove(request, pk):
    membership = _membership_or_404(request.user, pk)
    try:
        user = staff.remove_staff_role(membership=membership, actor=request.user)
    except ValidationError as e:
        messages.error(request, refusal_text(e))
    else:
        note = (
            "" if user.is_active else " They have no role left, so their account is switched off."
        )
        messages.success(request, f"Removed {user.get_full_name() or user}'s role.{note}")
    return redirect("accounts:staff")


@require_POST
def staff_resend(request, pk):
    membership = _membership_or_404(request.user, pk)
    try:
        staff.resend_staff_invitation(membership=membership, actor=request.user)
    except ValidationError as e:
        messages.error(request, refusal_text(e))
    else:
        messages.success(request, f"Sent a new password link to {membership.user.email}.")
    return redirect("accounts:staff")
