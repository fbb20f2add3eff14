from django.urls import path

from trellis.placements import views

app_name = "placements"
urlpatterns = [
    path("", views.placement_list, name="list"),
    path("<int:pk>/", views.placement_detail, name="detail"),
]
