"""Match round URLs, included under "rounds/" with the namespace "rounds"."""

from django.urls import path

from trellis.placements.rounds import views

app_name = "rounds"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/close/", views.round_close, name="close"),
    path("<int:pk>/run/", views.round_run, name="run"),
    path("<int:pk>/compare/", views.round_compare, name="compare"),
    path("<int:pk>/runs/<int:run_pk>/publish/", views.round_publish, name="publish"),
    path("<int:pk>/follow-up/", views.round_follow_up, name="follow_up"),
    path("<int:pk>/placements/", views.round_placements, name="placements"),
    path("<int:pk>/rank/", views.round_rank, name="rank"),
    path("<int:pk>/my-result/", views.round_my_result, name="my_result"),
    path("<int:pk>/students/<int:student_pk>/", views.round_student_result, name="student_result"),
    path("<int:pk>/open-seats/", views.round_open_seats, name="open_seats"),
]
