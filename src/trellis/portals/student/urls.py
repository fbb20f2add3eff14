"""The student portal under /me/; its namespace "portal" is the one it had in students."""

from django.urls import path

from trellis.portals.student import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("interests/", views.interests, name="interests"),
    path("opportunities/", views.browse, name="browse"),
    path("opportunities/<int:pk>/", views.opportunity, name="opportunity"),
    path("applications/", views.applications, name="applications"),
    path(
        "applications/<int:pk>/withdraw/",
        views.withdraw_application,
        name="withdraw_application",
    ),
    path("placements/", views.placements, name="placements"),
    path("placements/<int:pk>/", views.placement, name="placement"),
    path("placements/<int:pk>/reflect/", views.reflect, name="reflect"),
    path("schedule/", views.schedule, name="schedule"),
    path("record/", views.record, name="record"),
    path("record.pdf", views.record_pdf, name="record_pdf"),
    path("students/<int:pk>/record/", views.student_record, name="student_record"),
    path("students/<int:pk>/record.pdf", views.student_record_pdf, name="student_record_pdf"),
]
