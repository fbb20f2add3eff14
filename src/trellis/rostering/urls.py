from django.urls import path

from trellis.rostering import views

app_name = "rostering"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.imports, name="imports"),
    path("<slug:slug>/staff/", views.staff, name="staff"),
    path("<slug:slug>/sis/", views.source, name="source"),
    path("<slug:slug>/sis/pull/", views.pull_now, name="pull_now"),
    path("<slug:slug>/<int:pk>/", views.detail, name="detail"),
    path("<slug:slug>/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<slug:slug>/<int:pk>/refused-rows.csv", views.problems_csv, name="problems_csv"),
]
