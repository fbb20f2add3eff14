from django.urls import path

from trellis.core import notification_views, views

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", notification_views.notification_read, name="notification_read"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notifications_read_all"),
]
