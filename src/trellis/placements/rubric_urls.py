"""URL of the district's evaluation rubric editor (namespace "rubric"), under /rubric/."""

from django.urls import path

from trellis.placements import rubric_views as views

app_name = "rubric"
urlpatterns = [
    path("", views.edit, name="edit"),
]
