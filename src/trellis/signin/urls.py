from django.urls import path

from trellis.signin import views

app_name = "signin"
urlpatterns = [
    path("sso/", views.connections, name="connections"),
    path("sso/add/", views.connection_add, name="connection_add"),
    path("sso/<int:pk>/", views.connection_edit, name="connection_edit"),
    path("sso/<int:pk>/remove/", views.connection_remove, name="connection_remove"),
    path("staff-mfa/", views.staff_mfa, name="staff_mfa"),
    path("staff-mfa/<int:pk>/reset/", views.mfa_reset, name="mfa_reset"),
]
