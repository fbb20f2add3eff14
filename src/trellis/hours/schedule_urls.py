from django.urls import path

from trellis.hours import schedule_views

app_name = "schedules"
urlpatterns = [
    path("placements/<int:pk>/", schedule_views.placement_schedule, name="placement"),
]
