from django.urls import path

from trellis.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.index, name="index"),
    path("gaps/", views.gap_overview, name="gaps"),
    path("gaps/export.<str:fmt>", views.gap_export, name="gap_export"),
    path("gaps/<slug:slug>/", views.gap_cluster, name="gap_cluster"),
    path("grow/<slug:role_key>/", views.draft_opportunity, name="draft_opportunity"),
    path("board/", views.board_report, name="board_report"),
    path("perkins-rule/", views.perkins_rule, name="perkins_rule"),
    path("reports/<slug:slug>/", views.report, name="report"),
    path("reports/<slug:slug>/print/", views.report_print, name="report_print"),
    path("reports/<slug:slug>/<slug:table>.<str:fmt>", views.report_export, name="report_export"),
]
