from django.urls import path

from trellis.opportunities import approval_views, views

app_name = "opportunities"
urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("<int:pk>/", views.opportunity_detail, name="detail"),
    path("approvals/", approval_views.approvals, name="approvals"),
    path("<int:pk>/review/", approval_views.review, name="review"),
]
