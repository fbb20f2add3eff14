"""URLs of the partner portal (namespace "partner_portal"), included under /partner/."""

from django.urls import path

from trellis.portals.partner import views

app_name = "partner_portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.home, name="home"),
    path("<int:pk>/profile/", views.profile, name="profile"),
    path("<int:pk>/worksites/", views.worksites, name="worksites"),
    path("<int:pk>/worksites/new/", views.worksite_add, name="worksite_add"),
    path("worksites/<int:pk>/edit/", views.worksite_edit, name="worksite_edit"),
    path("<int:pk>/mentors/", views.mentors, name="mentors"),
    path("<int:pk>/mentors/invite/", views.mentor_invite, name="mentor_invite"),
    path("mentors/<int:pk>/edit/", views.mentor_edit, name="mentor_edit"),
    path("mentors/<int:pk>/resend/", views.mentor_resend, name="mentor_resend"),
    path("mentors/<int:pk>/background-check/", views.background_check, name="background_check"),
    path("<int:pk>/opportunities/", views.opportunities, name="opportunities"),
    path("<int:pk>/opportunities/new/", views.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", views.opportunity, name="opportunity"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/submit/", views.opportunity_submit, name="opportunity_submit"),
    path("opportunities/<int:pk>/seats/", views.opportunity_seats, name="opportunity_seats"),
    path("opportunities/<int:pk>/close/", views.opportunity_close, name="opportunity_close"),
    path("opportunities/<int:pk>/applicants/", views.applicants, name="applicants"),
    path("applications/<int:pk>/accept/", views.application_accept, name="application_accept"),
    path("applications/<int:pk>/decline/", views.application_decline, name="application_decline"),
    path("applications/<int:pk>/rank/", views.application_rank, name="application_rank"),
    path("<int:pk>/interns/", views.interns, name="interns"),
]
