"""Hours' routes, and the URL prefixes the hours app owns (mounted by trellis/urls.py)."""

from django.urls import include, path

from trellis.hours import views

app_name = "hours"
urlpatterns = [
    path("", views.index, name="index"),
    path("placement/<int:pk>/", views.placement_hours, name="placement"),
    path("placement/<int:pk>/log/", views.log_hours, name="log"),
    path("log/<int:pk>/edit/", views.edit_log, name="edit"),
    path("log/<int:pk>/delete/", views.delete_log, name="delete"),
    path("log/<int:pk>/return/", views.return_log, name="return"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/send/", views.send_requests, name="send_requests"),
    path("approve/<str:token>/", views.approval_link, name="link"),
    path("flagged/", views.flagged, name="flagged"),
    path("pay-periods/", views.pay_periods, name="pay_periods"),
    path("pay-periods/<int:pk>/", views.payroll, name="payroll"),
    path("pay-periods/<int:pk>/edit/", views.pay_period_edit, name="pay_period_edit"),
    path("pay-periods/<int:pk>/delete/", views.pay_period_delete, name="pay_period_delete"),
    path("pay-periods/<int:pk>/payroll.<str:fmt>", views.payroll_export, name="payroll_export"),
    path("budgets/", views.budgets, name="budgets"),
    path("budgets/new/", views.budget_create, name="budget_create"),
    path("budgets/<int:pk>/", views.budget, name="budget"),
    path("budgets/<int:pk>/edit/", views.budget_edit, name="budget_edit"),
]

# Every prefix hours serves, so the root URL conf mounts the app once and no prefix hides in
# another app: /hours/ (logs, approval, pay, budgets), /feeds/ and /schedules/.
prefixes = [
    path("hours/", include((urlpatterns, app_name))),
    path("feeds/", include("trellis.hours.feed_urls")),
    path("schedules/", include("trellis.hours.schedule_urls")),
]
