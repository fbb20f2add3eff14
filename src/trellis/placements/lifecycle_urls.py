"""URLs of the placement lifecycle (namespace "lifecycle"), included under /lifecycle/."""

from django.urls import path

from trellis.placements import lifecycle_district_views as district_views
from trellis.placements import lifecycle_views as views

app_name = "lifecycle"
urlpatterns = [
    path("board/", views.board, name="board"),
    path("propose/", views.propose, name="propose"),
    path("placements/<int:pk>/", views.placement_page, name="placement"),
    path("placements/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("placements/<int:pk>/activate/", views.activate, name="activate"),
    path("placements/<int:pk>/complete/", views.complete, name="complete"),
    path("placements/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("placements/<int:pk>/replace/", views.replace, name="replace"),
    path("placements/<int:pk>/resend-links/", views.resend_links, name="resend_links"),
    path("placements/<int:pk>/mentor/", views.assign_mentor, name="assign_mentor"),
    path("concerns/", views.concerns, name="concerns"),
    path("concerns/<int:pk>/resolve/", views.resolve_concern, name="resolve_concern"),
    path("agreements/<int:pk>/", views.agreement_page, name="agreement"),
    path("sign/<str:token>/", views.guardian_sign, name="guardian_sign"),
    path("outcomes/new/", views.outcome, name="outcome"),
    path("partners/<int:pk>/relationship/", district_views.relationship, name="relationship"),
    path("agreement-texts/", district_views.agreement_texts, name="agreement_texts"),
    path(
        "agreement-texts/<str:kind>/",
        district_views.agreement_text_edit,
        name="agreement_text_edit",
    ),
]
