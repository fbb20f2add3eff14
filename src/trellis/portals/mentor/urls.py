"""URLs of the mentor portal (namespace "mentor"), included under /mentor/."""

from django.urls import path

from trellis.portals.mentor import views

app_name = "mentor"
urlpatterns = [
    path("", views.home, name="home"),
    path("interns/", views.interns, name="interns"),
    path("sessions/", views.sessions, name="sessions"),
    path("interns/<int:pk>/", views.intern, name="intern"),
    path("interns/<int:pk>/evaluation/<str:kind>/", views.evaluate, name="evaluate"),
    path("interns/<int:pk>/concern/", views.concern, name="concern"),
]
