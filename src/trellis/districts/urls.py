from django.urls import path

from trellis.districts import views

app_name = "districts"
urlpatterns = [
    path("calendar/", views.calendar_home, name="calendar_home"),
    path("<slug:slug>/calendar/", views.calendar_month, name="calendar"),
    path("<slug:slug>/calendar/import/", views.calendar_import, name="calendar_import"),
    path(
        "<slug:slug>/calendar/sources/<int:pk>/reimport/",
        views.calendar_reimport,
        name="calendar_reimport",
    ),
    path("<slug:slug>/calendar/mappings/", views.mapping_list, name="mappings"),
    path(
        "<slug:slug>/calendar/mappings/<int:pk>/delete/",
        views.mapping_delete,
        name="mapping_delete",
    ),
    path("<slug:slug>/calendar/<str:date>/", views.calendar_day, name="calendar_day"),
]
