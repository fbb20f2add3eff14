"""The notification list: a person's own notices, newest first, marked read by POST."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from trellis.core.models import Notification
from trellis.core.pagination import paginate


def notification_list(request):
    notifications = Notification.objects.for_user(request.user)
    show = request.GET.get("show", "all")
    if show == "unread":
        notifications = notifications.unread()
    page_obj = paginate(request, notifications)
    template = "core/notifications.html"
    if request.htmx:
        template += "#notification-list"
    return render(
        request,
        template,
        {
            "page_obj": page_obj,
            "show": show,
            "unread_count": Notification.objects.for_user(request.user).unread().count(),
        },
    )


@require_POST
def notification_read(request, pk):
    """Mark one read; `open=1` then follows its link (the link is ours, but check it anyway)."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("core:notifications")


@require_POST
def notification_read_all(request):
    Notification.objects.for_user(request.user).unread().update(read_at=timezone.now())
    return redirect("core:notifications")
